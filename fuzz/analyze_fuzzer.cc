// Fuzz target `analyze`: the parser, lowering and linking on raw bytes, then
// every way `databuild check` presents the result, and each job's definition
// hash (what the runtime reads of the text besides the model).
//
// The input is a workspace in the lit tests' split-file form: lines starting
// with `#--- ` cut it into up to three files (the marker is a comment in
// .dbuild, so any lit test is a seed as is); the first is workspace.dbuild.
// Rendering matters as much as analysis: it turns byte ranges into lines and
// columns, underlines source lines and quotes user text through printable(),
// and the JSON and SARIF writers throw on invalid UTF-8 that escaped it.
#include <sstream>

#include "definition_hash.h"
#include "fuzz_support.h"
#include "render.h"
#include "report_json.h"
#include "report_sarif.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace databuild;
  static const char* const kNames[] = {"workspace.dbuild", "a.dbuild", "sub/b.dbuild"};
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<std::pair<std::string, std::string>> sources;
  for (std::string_view part : fuzz::split_at_marker(bytes, "#--- ", std::size(kNames)))
    sources.emplace_back(std::string("/ws/") + kNames[sources.size()], std::string(part));

  AnalysisOptions options;
  options.threads = 1;  // deterministic, and no thread start-up per input
  std::unique_ptr<Analysis> analysis = analyze_sources("/ws", std::move(sources), options);

  // The runtime fingerprints every job it plans from its file's text, on
  // whatever lowering made of it.
  for (const FileModel& model : analysis->models)
    for (const Job& job : model.jobs) definition_hash(job, analysis->files[model.file].text);

  std::vector<Diagnostic> diagnostics = analysis->diagnostics();
  WorkspaceReport report{analysis->root, &analysis->files, {}, {}};
  for (const SourceFile& file : analysis->files) report.display_paths.push_back(file.path);
  std::ostringstream out;
  for (const Diagnostic& diagnostic : diagnostics) {
    // Colour changes only escape codes; alternate to cover both paths cheaply.
    RenderOptions render{.color = report.diagnostics.size() % 2 == 1};
    render_text(out, diagnostic, analysis->files, report.display_paths, render);
    report.diagnostics.push_back(&diagnostic);
  }
  ToolInfo tool{"databuild", "fuzz"};
  write_json_report(out, {report}, tool);
  write_sarif_report(out, {report}, tool);
  return 0;
}
