// Positions carry the byte offset beside line and column so that a consumer
// holding the file can slice the exact range without re-deriving columns; the
// columns count bytes, like the text output, so the two formats agree on every
// number they both print. Files are named by the same path the text output
// shows, for the same reason.
#include "report_json.h"

namespace databuild {
namespace {

using json = nlohmann::ordered_json;

json position(const SourceFile& file, uint32_t offset) {
  LineColumn at = file.lines.position(offset);
  return {{"line", at.line + 1}, {"column", at.column + 1}, {"offset", offset}};
}

json range(const WorkspaceReport& workspace, const Location& location) {
  const SourceFile& file = (*workspace.files)[location.file];
  return {{"start", position(file, location.range.begin)},
          {"end", position(file, location.range.end)}};
}

}  // namespace

json json_report(const std::vector<WorkspaceReport>& workspaces, const ToolInfo& tool) {
  json diagnostics = json::array();
  size_t errors = 0, warnings = 0;
  for (const WorkspaceReport& workspace : workspaces) {
    for (const Diagnostic* diagnostic : workspace.diagnostics) {
      if (diagnostic->severity == Severity::Error) ++errors;
      if (diagnostic->severity == Severity::Warning) ++warnings;
      json related = json::array();
      for (const RelatedLocation& note : diagnostic->related) {
        related.push_back({{"message", note.message},
                           {"file", workspace.display_paths[note.location.file]},
                           {"range", range(workspace, note.location)}});
      }
      diagnostics.push_back({{"code", diagnostic->code()},
                             {"severity", severity_name(diagnostic->severity)},
                             {"message", diagnostic->message},
                             {"file", workspace.display_paths[diagnostic->location.file]},
                             {"range", range(workspace, diagnostic->location)},
                             {"related", std::move(related)}});
    }
  }
  // ordered_json keeps the documented key order, which is for people only:
  // consumers must not depend on it.
  return {{"version", kJsonReportVersion},
          {"tool", {{"name", tool.name}, {"version", tool.version}}},
          {"diagnostics", std::move(diagnostics)},
          {"summary", {{"errors", errors}, {"warnings", warnings}}}};
}

void write_json_report(std::ostream& out, const std::vector<WorkspaceReport>& workspaces,
                       const ToolInfo& tool) {
  // Invalid UTF-8 in a message (echoed source text) must not abort the report.
  out << json_report(workspaces, tool).dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

}  // namespace databuild
