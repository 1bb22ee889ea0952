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

#include <filesystem>

namespace databuild {

const char* const kSarifSchemaUri =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

namespace {

using json = nlohmann::ordered_json;

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
                {"level", severity_name(diagnostic.severity)},
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

std::string file_uri(const std::string& absolute_path, bool directory) {
  std::string path = std::filesystem::path(absolute_path).lexically_normal().generic_string();
  if (directory && (path.empty() || path.back() != '/')) path += '/';
  return "file://" + encode_path(path);
}

json sarif_report(const std::vector<WorkspaceReport>& workspaces, const ToolInfo& tool) {
  json rules = json::array();
  for (const DiagnosticInfo& info : all_diagnostics()) {
    rules.push_back({{"id", info.code},
                     {"name", info.name},
                     {"shortDescription", {{"text", info.summary}}},
                     {"fullDescription", {{"text", info.description}}},
                     {"defaultConfiguration", {{"level", severity_name(info.severity)}}}});
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
