// `databuild`: the analyzer's command-line tool. Subcommands live in their own
// files; this only dispatches and keeps the exit status contract (2 when the
// command could not run at all).
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "check_command.h"
#include "explain_command.h"
#include "fmt_command.h"
#include "graph_command.h"

namespace {

const char* const kUsage =
    "usage: databuild <command> [options]\n"
    "\n"
    "commands:\n"
    "  check [PATH...]   check a workspace for errors and warnings\n"
    "  explain REF       show what building a partition takes, as a tree\n"
    "  fmt [PATH...]     rewrite .dbuild files in the canonical layout\n"
    "  graph [PATH]      draw the workspace's datasets and jobs (dot, mermaid, json)\n"
    "\n"
    "Run 'databuild <command> --help' for a command's options.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    (args.empty() ? std::cerr : std::cout) << kUsage;
    return args.empty() ? databuild::kExitCannotRun : databuild::kExitClean;
  }
  if (args[0] == "--version") {
    std::cout << "databuild " DATABUILD_VERSION "\n";
    return databuild::kExitClean;
  }
  std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "check") return databuild::run_check(args, std::cout, std::cerr);
    if (command == "explain") return databuild::run_explain(args, std::cout, std::cerr);
    if (command == "fmt") return databuild::run_fmt(args, std::cout, std::cerr);
    if (command == "graph") return databuild::run_graph(args, std::cout, std::cerr);
  } catch (const std::exception& error) {
    std::cerr << "databuild " << command << ": internal error: " << error.what() << '\n';
    return databuild::kExitCannotRun;
  }
  std::cerr << "databuild: unknown command '" << command << "'\n" << kUsage;
  return databuild::kExitCannotRun;
}
