// Three choices shape the log:
// - Columns are UTF-16 code units (SARIF's default, stated anyway through
//   run.columnKind) rather than the text output's bytes: that is what viewers
//   and code-scanning services count. Byte offsets ride along in
//   region.byteOffset/byteLength, so nothing is lost.
// - File URIs are relative to the workspace root under uriBaseId "SRCROOT",
//   which originalUriBaseIds maps to the root's file:// URI. Services such as
//   GitHub resolve relative URIs against their checkout, so the log stays valid
//   when produced on another machine. A check spanning several workspaces names
//   the second root SRCROOT2, the third SRCROOT3, and so on.
// - Diagnostics whose related locations form a path (taint-denied: the
//   datasets a label travels through; cycle: the jobs around the loop) also get
//   a codeFlow with those locations in order, which viewers step through.
#include "report_sarif.h"

#include <array>
#include <filesystem>

namespace databuild {

const char* const kSarifSchemaUri =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

namespace {

using json = nlohmann::ordered_json;

struct RuleText {
  DiagnosticCode id;
  const char* short_description;
  const char* full_description;
};

// One entry per diagnostic, in diagnostics.def order (checked below). Kept here
// rather than in diagnostics.def so the table's macro keeps its arity for its
// other includers.
constexpr RuleText kRuleTexts[] = {
    {DiagnosticCode::SyntaxError, "The file does not parse.",
     "The text does not follow the DataBuild grammar; each unparseable spot is reported."},
    {DiagnosticCode::DuplicateDefinition, "A name is defined twice.",
     "A policy, type, dataset, job, enum value, key, column, parameter, port or environment "
     "variable is defined more than once in the same scope, or a key is bound twice in one "
     "pattern."},
    {DiagnosticCode::UnresolvedReference, "A name refers to nothing.",
     "An unknown dataset, policy, type, column type, parameter, key or function is referenced."},
    {DiagnosticCode::MissingKey, "A pattern leaves a key unbound.",
     "A partition pattern must bind every key of its dataset; this one leaves a key out."},
    {DiagnosticCode::UnknownKey, "A pattern binds a key its dataset lacks.",
     "A partition pattern binds a key that the dataset does not declare."},
    {DiagnosticCode::TypeMismatch, "A value has the wrong type.",
     "A value does not fit the type of the key, bound or function argument it is used for, "
     "such as a month where a date is due or a value outside an enum."},
    {DiagnosticCode::InvalidOutputBinding, "An output pattern binds a key to an expression.",
     "An output pattern binds each key to a job parameter or a literal; ranges, '*', "
     "arithmetic, function calls and 'now' are not allowed there."},
    {DiagnosticCode::UnboundParameter, "A job parameter is not bound by an output.",
     "Every parameter of a job must be bound by each of its output patterns, so that an output "
     "partition determines the job's run."},
    {DiagnosticCode::WildcardUnboundedKey, "'*' on a key without a finite domain.",
     "'*' enumerates a key's values, so the key must be an enum, or an ordered key with both "
     "'since' and 'until' bounds."},
    {DiagnosticCode::UnknownColumn, "An input reads a column its dataset lacks.",
     "An input's column list names a column that the dataset does not declare."},
    {DiagnosticCode::OverlappingProducers, "Two outputs can produce the same partition.",
     "Each partition must have at most one producer; two outputs can produce partitions of the "
     "same dataset that overlap."},
    {DiagnosticCode::ExternalHasProducer, "A job outputs into an external dataset.",
     "External datasets are delivered from outside the workspace; no job may produce them."},
    {DiagnosticCode::Cycle, "A dependency cycle.",
     "Datasets and jobs depend on each other in a loop that is not well-founded recursion over "
     "earlier partitions."},
    {DiagnosticCode::UnboundedRecursion, "A job reads its own output without a lower bound.",
     "A job reading earlier partitions of its own output needs a 'since' bound on that key, or "
     "the recursion has no base case."},
    {DiagnosticCode::TaintDenied, "A denied policy label reaches a dataset.",
     "A policy label carried by an upstream dataset flows, without being removed, into a dataset "
     "that denies it."},
    {DiagnosticCode::EmptyReason, "A removal has no reason.",
     "'removes LABEL because REASON' needs a non-empty reason explaining why the job removes "
     "the label."},
    {DiagnosticCode::NoProducer, "No job produces a dataset.",
     "A dataset that is not external has no job writing into it, so its partitions can only be "
     "made by hand."},
    {DiagnosticCode::UselessRemoval, "A job removes a label none of its inputs carries.",
     "The job declares that it removes a policy label, but no input of the job carries it."},
    {DiagnosticCode::UnusedDefinition, "A definition is never used.",
     "A policy or type is declared but nothing refers to it."},
    {DiagnosticCode::InvalidLiteral, "A literal is not a valid value.",
     "A date, hour, month, duration or integer literal is well-formed but does not denote a "
     "valid value, such as 2024-02-30."},
    {DiagnosticCode::InvalidExpression, "An expression is not allowed here.",
     "An expression appears where it is not allowed, such as 'now' in 'since', arithmetic in a "
     "bound, or a malformed interpolation or format."},
    {DiagnosticCode::MissingStatement, "A job lacks a required statement.",
     "Every job needs an 'output' and a 'run' statement."},
    {DiagnosticCode::DuplicateStatement, "A once-only statement is repeated.",
     "A statement that may appear once in its declaration, such as 'format', 'location' or "
     "'run', appears twice."},
    {DiagnosticCode::MisplacedWorkspace, "A workspace declaration outside workspace.dbuild.",
     "The 'workspace' declaration belongs in the workspace.dbuild file at the workspace root."},
    {DiagnosticCode::UnreadableFile, "A workspace file cannot be read.",
     "A .dbuild file of the workspace was found but could not be read."},
};

constexpr size_t kDiagnosticCount = 0
#define DIAGNOSTIC(Id, Code, Sev, Message) +1
#include "diagnostics.def"
#undef DIAGNOSTIC
    ;

constexpr bool rule_texts_in_table_order() {
  for (size_t i = 0; i < std::size(kRuleTexts); ++i) {
    if (kRuleTexts[i].id != static_cast<DiagnosticCode>(i)) return false;
  }
  return true;
}

static_assert(std::size(kRuleTexts) == kDiagnosticCount,
              "every diagnostic in diagnostics.def needs an entry in kRuleTexts");
static_assert(rule_texts_in_table_order(), "kRuleTexts must follow diagnostics.def's order");

// SARIF's rule "name" is an identifier-like word; the table's Id is exactly that.
constexpr std::array<const char*, kDiagnosticCount> kRuleNames = {
#define DIAGNOSTIC(Id, Code, Sev, Message) #Id,
#include "diagnostics.def"
#undef DIAGNOSTIC
};

const char* sarif_level(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

bool forms_path(DiagnosticCode id) {
  return id == DiagnosticCode::TaintDenied || id == DiagnosticCode::Cycle;
}

// RFC 3986 path characters pass; everything else (spaces, '%', '#', '?',
// non-ASCII bytes) is percent-encoded byte by byte.
std::string encode_path(std::string_view path) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : path) {
    unsigned char c = static_cast<unsigned char>(ch);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::string_view("-._~/!$&'()*+,;=:@").find(ch) != std::string_view::npos;
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

std::string base_id(size_t workspace_index) {
  return workspace_index == 0 ? "SRCROOT" : "SRCROOT" + std::to_string(workspace_index + 1);
}

class LogBuilder {
 public:
  LogBuilder(const WorkspaceReport& workspace, std::string base)
      : workspace_(workspace), base_(std::move(base)) {}

  json physical_location(const Location& location) const {
    const SourceFile& file = (*workspace_.files)[location.file];
    std::string relative =
        std::filesystem::path(file.path).lexically_relative(workspace_.root).generic_string();
    if (relative.empty()) relative = std::filesystem::path(file.path).filename().string();
    return {{"artifactLocation", {{"uri", encode_path(relative)}, {"uriBaseId", base_}}},
            {"region", region(file, location.range)}};
  }

  json result(const Diagnostic& diagnostic) const {
    json out = {{"ruleId", diagnostic.code()},
                {"ruleIndex", static_cast<size_t>(diagnostic.id)},
                {"level", sarif_level(diagnostic.severity)},
                {"message", {{"text", diagnostic.message}}},
                {"locations",
                 json::array({{{"physicalLocation", physical_location(diagnostic.location)}}})}};
    if (!diagnostic.related.empty()) {
      json related = json::array();
      for (size_t i = 0; i < diagnostic.related.size(); ++i) {
        const RelatedLocation& note = diagnostic.related[i];
        related.push_back({{"id", i},
                           {"physicalLocation", physical_location(note.location)},
                           {"message", {{"text", note.message}}}});
      }
      out["relatedLocations"] = std::move(related);
    }
    if (forms_path(diagnostic.id) && !diagnostic.related.empty()) {
      json steps = json::array();
      for (const RelatedLocation& note : diagnostic.related) {
        steps.push_back({{"location",
                          {{"physicalLocation", physical_location(note.location)},
                           {"message", {{"text", note.message}}}}}});
      }
      out["codeFlows"] =
          json::array({{{"threadFlows", json::array({{{"locations", std::move(steps)}}})}}});
    }
    return out;
  }

 private:
  // 1-based line; 1-based column in UTF-16 code units (run.columnKind).
  static std::pair<uint32_t, uint32_t> line_column(const SourceFile& file, uint32_t offset) {
    LineColumn at = file.lines.position(offset);
    std::string_view before = std::string_view(file.text).substr(offset - at.column, at.column);
    return {at.line + 1, utf16_length(before) + 1};
  }

  static json region(const SourceFile& file, ByteRange range) {
    auto [start_line, start_column] = line_column(file, range.begin);
    auto [end_line, end_column] = line_column(file, range.end);
    return {{"startLine", start_line},   {"startColumn", start_column},
            {"endLine", end_line},       {"endColumn", end_column},
            {"byteOffset", range.begin}, {"byteLength", range.end - range.begin}};
  }

  const WorkspaceReport& workspace_;
  std::string base_;
};

}  // namespace

std::string_view diagnostic_description(DiagnosticCode id) {
  return kRuleTexts[static_cast<size_t>(id)].full_description;
}

std::string file_uri(const std::string& absolute_path, bool directory) {
  std::string path = std::filesystem::path(absolute_path).lexically_normal().generic_string();
  if (directory && (path.empty() || path.back() != '/')) path += '/';
  return "file://" + encode_path(path);
}

json sarif_report(const std::vector<WorkspaceReport>& workspaces, const ToolInfo& tool) {
  json rules = json::array();
  for (const DiagnosticInfo& info : all_diagnostics()) {
    const RuleText& text = kRuleTexts[static_cast<size_t>(info.id)];
    rules.push_back({{"id", info.code},
                     {"name", kRuleNames[static_cast<size_t>(info.id)]},
                     {"shortDescription", {{"text", text.short_description}}},
                     {"fullDescription", {{"text", text.full_description}}},
                     {"defaultConfiguration", {{"level", sarif_level(info.severity)}}}});
  }
  json base_ids = json::object();
  json results = json::array();
  for (size_t i = 0; i < workspaces.size(); ++i) {
    const WorkspaceReport& workspace = workspaces[i];
    base_ids[base_id(i)] = {{"uri", file_uri(workspace.root, true)}};
    LogBuilder builder(workspace, base_id(i));
    for (const Diagnostic* diagnostic : workspace.diagnostics)
      results.push_back(builder.result(*diagnostic));
  }
  json driver = {{"name", tool.name}, {"version", tool.version}, {"rules", std::move(rules)}};
  json run = {{"tool", {{"driver", std::move(driver)}}},
              {"columnKind", "utf16CodeUnits"},
              {"results", std::move(results)}};
  if (!base_ids.empty()) run["originalUriBaseIds"] = std::move(base_ids);
  return {
      {"$schema", kSarifSchemaUri}, {"version", "2.1.0"}, {"runs", json::array({std::move(run)})}};
}

void write_sarif_report(std::ostream& out, const std::vector<WorkspaceReport>& workspaces,
                        const ToolInfo& tool) {
  // Invalid UTF-8 in a message (echoed source text) must not abort the report.
  out << sarif_report(workspaces, tool).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace databuild
