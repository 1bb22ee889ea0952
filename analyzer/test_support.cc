#include "test_support.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace databuild::testing {

namespace {

namespace fs = std::filesystem;

// The inputs of a tree-sitter corpus file: the text between a case's closing
// "====" line and its "----" line.
std::vector<std::string> corpus_inputs(const std::string& corpus) {
  std::vector<std::string> inputs;
  std::istringstream lines(corpus);
  std::string line, input;
  enum { Outside, Name, Input } state = Outside;
  while (std::getline(lines, line)) {
    bool rule = line.size() >= 3 && line.find_first_not_of('=') == std::string::npos;
    bool dashes = line.size() >= 3 && line.find_first_not_of('-') == std::string::npos;
    if (rule) {
      state = state == Name ? Input : Name;
      input.clear();
    } else if (dashes && state == Input) {
      inputs.push_back(input);
      state = Outside;
    } else if (state == Input) {
      input += line + "\n";
    }
  }
  return inputs;
}

}  // namespace

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> sample_sources() {
  std::vector<std::string> sources;
  for (const auto& entry : fs::directory_iterator(DATABUILD_CORPUS_DIR)) {
    for (std::string& input : corpus_inputs(read_text(entry.path())))
      sources.push_back(std::move(input));
  }
  for (const auto& entry : fs::recursive_directory_iterator(DATABUILD_EXAMPLES_DIR)) {
    if (entry.path().extension() == ".dbuild") sources.push_back(read_text(entry.path()));
  }
  return sources;
}

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
