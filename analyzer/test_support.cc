#include "test_support.h"

#include <sstream>

namespace databuild::testing {

std::unique_ptr<Analysis> analyze(Sources sources) {
  bool has_workspace = false;
  for (auto& [path, text] : sources) {
    if (!text.empty() && text.front() == '\n') text.erase(0, 1);
    has_workspace = has_workspace || path == "workspace.dbuild";
  }
  if (!has_workspace) sources.insert(sources.begin(), {"workspace.dbuild", "workspace w {}\n"});
  return analyze_sources("/ws", std::move(sources), {.threads = 1});
}

std::vector<std::string> summarize(const Analysis& analysis, bool with_messages) {
  std::vector<std::string> lines;
  for (const Diagnostic& diagnostic : analysis.diagnostics()) {
    const SourceFile& file = analysis.files[diagnostic.location.file];
    LineColumn start = file.lines.position(diagnostic.location.range.begin);
    std::ostringstream line;
    line << file.path << ':' << start.line + 1 << ':' << start.column + 1 << ": "
         << severity_name(diagnostic.severity) << ": " << diagnostic.code();
    if (with_messages) line << "  (" << diagnostic.message << ')';
    lines.push_back(line.str());
  }
  return lines;
}

::testing::AssertionResult diagnoses(Sources sources, const std::vector<std::string>& expected) {
  std::unique_ptr<Analysis> analysis = analyze(std::move(sources));
  if (summarize(*analysis) == expected) return ::testing::AssertionSuccess();
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  failure << "\nexpected:\n";
  for (const std::string& line : expected) failure << "  " << line << '\n';
  failure << "actual:\n";
  for (const std::string& line : summarize(*analysis, true)) failure << "  " << line << '\n';
  return failure;
}

}  // namespace databuild::testing
