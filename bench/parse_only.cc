// databuild-parse-only: the baseline for the `databuild check` benchmark.
//
//   databuild-parse-only [-j T] [--data-root DIR] [--phases] [PATH]
//
// Does what `databuild check` does up to and including parsing, and nothing
// after: finds the workspace holding PATH (default "."), discovers its .dbuild
// files the same way (discover_files), reads them sequentially, then parses
// each with tree-sitter alone (SyntaxTree::parse) on T threads (default: one per
// core) with the same work distribution as analyze_workspace. No lowering, no
// linking. Prints files, bytes, top-level syntax nodes, files with syntax
// errors, and seconds spent reading, parsing and in total (discovery included).
//
// --phases (after the above, not part of total_seconds) also times the phases
// of `databuild check` after reading, separately and in the same process, with
// the analyzer's own entry points: parse + lower on T threads (parse_and_lower,
// as analyze_workspace does), then link() over all files on T threads, and
// prints the size of the intern table (symbol.h) they filled.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "link.h"
#include "lower.h"
#include "symbol.h"
#include "syntax.h"
#include "workspace.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int usage(const char* message) {
  if (message) std::cerr << "databuild-parse-only: " << message << "\n";
  std::cerr << "usage: databuild-parse-only [-j T] [--data-root DIR] [--phases] [PATH]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 0;
  std::string data_root = "data", path = ".";
  bool have_path = false, phases = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-j" || (arg.rfind("-j", 0) == 0 && arg.size() > 2)) {
      std::string value = arg == "-j" ? (i + 1 < argc ? argv[++i] : "") : arg.substr(2);
      char* end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end || n < 1 || n > 1024)
        return usage("-j takes a number from 1 to 1024");
      threads = static_cast<unsigned>(n);
    } else if (arg == "--data-root") {
      if (i + 1 >= argc) return usage("--data-root takes a directory");
      data_root = argv[++i];
    } else if (arg == "--phases") {
      phases = true;
    } else if (arg == "-h" || arg == "--help") {
      usage(nullptr);
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage(("unknown option '" + arg + "'").c_str());
    } else if (have_path) {
      return usage("at most one PATH");
    } else {
      path = arg;
      have_path = true;
    }
  }

  Clock::time_point start = Clock::now();
  std::optional<std::string> root = databuild::find_workspace_root(path);
  if (!root) {
    std::cerr << "databuild-parse-only: " << path << ": not inside a DataBuild workspace\n";
    return 2;
  }
  std::vector<std::string> paths = databuild::discover_files(*root, data_root);

  Clock::time_point read_start = Clock::now();
  std::vector<std::string> texts;
  texts.reserve(paths.size());
  size_t bytes = 0;
  for (const std::string& file : paths) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    texts.push_back(std::move(text).str());
    bytes += texts.back().size();
  }
  double read_seconds = seconds_since(read_start);

  Clock::time_point parse_start = Clock::now();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(texts.size())));
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> declarations{0}, with_errors{0};
  auto worker = [&] {
    uint64_t local_declarations = 0, local_errors = 0;
    for (size_t i; (i = next++) < texts.size();) {
      databuild::SyntaxTree tree = databuild::SyntaxTree::parse(texts[i]);
      TSNode root = tree.root();  // keeps the parse observable; O(1) queries only
      local_declarations += ts_node_named_child_count(root);
      local_errors += ts_node_has_error(root);
    }
    declarations += local_declarations;
    with_errors += local_errors;
  };
  auto run_pool = [threads](auto&& work) {
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (std::thread& thread : pool) thread.join();
  };
  run_pool(worker);
  double parse_seconds = seconds_since(parse_start);

  std::printf(
      "files %zu\nbytes %zu\ntop_level_nodes %llu\nfiles_with_syntax_errors %llu\n"
      "threads %u\n",
      texts.size(), bytes, static_cast<unsigned long long>(declarations.load()),
      static_cast<unsigned long long>(with_errors.load()), threads);
  std::printf("read_seconds %.6f\nparse_seconds %.6f\ntotal_seconds %.6f\n", read_seconds,
              parse_seconds, seconds_since(start));
  if (!phases) return 0;

  Clock::time_point lower_start = Clock::now();
  std::vector<databuild::FileModel> models(texts.size());
  next = 0;
  run_pool([&] {
    for (size_t i; (i = next++) < texts.size();)
      models[i] = databuild::parse_and_lower(static_cast<databuild::FileId>(i), texts[i]);
  });
  double lower_seconds = seconds_since(lower_start);
  Clock::time_point link_start = Clock::now();
  databuild::LinkedWorkspace linked = databuild::link(models, paths, {.threads = threads});
  double link_seconds = seconds_since(link_start);
  size_t diagnostics = linked.diagnostics.size();
  // The model's own memory: the arenas, and the declaration arrays beside them.
  size_t arena_bytes = 0, arena_used_bytes = 0, declaration_bytes = 0;
  for (const databuild::FileModel& model : models) {
    diagnostics += model.diagnostics.size();
    arena_bytes += model.arena.reserved_bytes();
    arena_used_bytes += model.arena.used_bytes();
    declaration_bytes += model.datasets.capacity() * sizeof(databuild::Dataset) +
                         model.jobs.capacity() * sizeof(databuild::Job) +
                         model.policies.capacity() * sizeof(databuild::Policy) +
                         model.types.capacity() * sizeof(databuild::TypeDecl);
  }
  databuild::SymbolTableStats symbols = databuild::symbol_table_stats();
  std::printf(
      "parse_lower_seconds %.6f\nlink_seconds %.6f\ndiagnostics %zu\nsymbols %zu\n"
      "symbol_table_bytes %zu\nmodel_arena_bytes %zu\nmodel_arena_used_bytes %zu\n"
      "model_declaration_bytes %zu\n",
      lower_seconds, link_seconds, diagnostics, symbols.symbols, symbols.bytes, arena_bytes,
      arena_used_bytes, declaration_bytes);
  return 0;
}
