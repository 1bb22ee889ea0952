// databuild-lsp-bench: the language server's latencies on a generated
// workspace (bench/gen_workspace.py), measured through the analysis server
// (DataBuildServer) as LSPServer calls it, without JSON and stdio: those cost
// well under a millisecond per message and are the same for every workspace.
//
//   databuild-lsp-bench WORKSPACE [--edits N] [--queries N]
//
// Prints: startup to first diagnostics (set_root + load), resident memory
// after it, didChange-to-diagnostics latency (median, p90) over N edits that
// alternately break and fix a reference in one file of the workspace, and
// definition and hover latency (median, p90) on that file's references, then
// find-references on a dataset and workspace symbols (5 runs each).
// Not a test: nothing here asserts on time (docs/benchmarks.md).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "DataBuildServer.h"
#include "workspace.h"

namespace {

using Clock = std::chrono::steady_clock;
using databuild::lsp::DataBuildServer;
using databuild::lsp::TextPosition;
using databuild::lsp::TextRange;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// "median X ms, p90 Y ms" of `samples`.
std::string summary(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  char text[96];
  std::snprintf(text, sizeof text, "median %.2f ms, p90 %.2f ms (%zu samples)",
                samples[samples.size() / 2], samples[samples.size() * 9 / 10], samples.size());
  return text;
}

// VmRSS and VmHWM of this process, in MiB.
std::pair<double, double> resident_mib() {
  std::ifstream status("/proc/self/status");
  double rss = 0, peak = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) rss = std::stod(line.substr(6)) / 1024;
    if (line.starts_with("VmHWM:")) peak = std::stod(line.substr(6)) / 1024;
  }
  return {rss, peak};
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Positions (line, UTF-16 column; the generated text is ASCII) of every
// occurrence of `needle` in `text`, at its middle.
std::vector<TextPosition> positions_of(const std::string& text, const std::string& needle) {
  std::vector<TextPosition> positions;
  uint32_t line = 0;
  size_t line_start = 0;
  for (size_t at = 0; (at = text.find(needle, at)) != std::string::npos; at += needle.size()) {
    for (size_t i = line_start; i < at; ++i) {
      if (text[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    positions.push_back({line, static_cast<uint32_t>(at - line_start + needle.size() / 2)});
  }
  return positions;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: databuild-lsp-bench WORKSPACE [--edits N] [--queries N]\n");
    return 2;
  }
  std::string root = std::filesystem::absolute(argv[1]).lexically_normal().string();
  if (root.ends_with('/')) root.pop_back();
  int edits = 200, queries = 2000;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--edits")) edits = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--queries")) queries = std::atoi(argv[i + 1]);
  }

  DataBuildServer server;
  Clock::time_point start = Clock::now();
  server.set_root(root);
  size_t published = server.load().size();
  double startup = ms_since(start);
  auto [rss, peak] = resident_mib();
  std::printf("startup to first diagnostics: %.0f ms (%zu files with diagnostics)\n", startup,
              published);
  std::printf("resident memory after load: %.1f MiB (peak %.1f MiB)\n", rss, peak);

  // A file from the middle of the workspace, opened as the editor would.
  std::vector<std::string> files = databuild::discover_files(root, "data");
  std::string path = files[files.size() / 2];
  std::string text = read_text(path);
  server.open(path, text, 1);

  // Break and fix the first pattern's dataset name: each edit changes the
  // diagnostics of this file (and so is published), like typing would.
  size_t pattern = text.find("= u");
  std::vector<TextPosition> at = positions_of(text, text.substr(pattern + 2, 6));
  TextPosition edit_at{at[0].line, at[0].character - 3};
  std::vector<double> edit_ms;
  for (int i = 0; i < edits; ++i) {
    bool insert = i % 2 == 0;
    TextRange range{edit_at, insert ? edit_at : TextPosition{edit_at.line, edit_at.character + 1}};
    Clock::time_point t = Clock::now();
    server.change(path, {{range, insert ? "x" : ""}}, i + 2);
    edit_ms.push_back(ms_since(t));
  }
  std::printf("didChange to diagnostics: %s\n", summary(edit_ms).c_str());

  // Some occurrences are inside strings and find nothing; those are timed too.
  std::vector<double> definition_ms, hover_ms;
  int answered = 0;
  for (int i = 0; i < queries; ++i) {
    TextPosition position = at[i % at.size()];
    Clock::time_point t = Clock::now();
    answered += server.definition(path, position).has_value();
    definition_ms.push_back(ms_since(t));
    t = Clock::now();
    answered += server.hover(path, position).has_value();
    hover_ms.push_back(ms_since(t));
  }
  std::printf("definition: %s\n", summary(definition_ms).c_str());
  std::printf("hover: %s\n", summary(hover_ms).c_str());
  std::printf("(%d of %d queries found a symbol)\n", answered, 2 * queries);

  // The whole-workspace queries record every file's navigation index as they
  // go (Analysis::navigation), so each costs about what a link does.
  std::vector<double> references_ms, symbols_ms;
  size_t uses = 0, symbols = 0;
  for (int i = 0; i < 5; ++i) {
    Clock::time_point t = Clock::now();
    uses = server.references(path, at[0], true).size();
    references_ms.push_back(ms_since(t));
    t = Clock::now();
    symbols = server.workspace_symbols("u0").size();
    symbols_ms.push_back(ms_since(t));
  }
  std::printf("references: %s, %zu locations\n", summary(references_ms).c_str(), uses);
  std::printf("workspace symbols: %s, %zu matches\n", summary(symbols_ms).c_str(), symbols);

  // Where an edit's time goes: the same work as ModelCache::analyze, by phase.
  std::unique_ptr<databuild::Analysis> analysis = databuild::analyze_workspace(root);
  std::vector<std::string> paths;
  for (const databuild::SourceFile& file : analysis->files) paths.push_back(file.path);
  // Re-linked in place, as ModelCache re-links the models it reuses.
  Clock::time_point t = Clock::now();
  analysis->linked = databuild::link(analysis->models, paths);
  double link = ms_since(t);
  t = Clock::now();
  std::vector<databuild::Diagnostic> diagnostics = analysis->diagnostics();
  double collect = ms_since(t);
  std::printf("per edit: link %.0f ms, collect diagnostics %.0f ms\n", link, collect);
  return 0;
}
