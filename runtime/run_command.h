// `databuild-run` subcommands: build, plan, status, lineage, history, put,
// invalidate, gc. Each parses its arguments, opens the workspace (refusing one
// with errors) and the catalog, and prints text or, with --json, JSON.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace databuild {

constexpr int kRunExitOk = 0;
constexpr int kRunExitFailed = 1;  // something requested was not built; workspace errors
constexpr int kRunExitUsage = 2;   // bad usage, bad ref, no workspace, catalog unusable

// Runs `databuild-run ARGS...` (ARGS excludes the program name).
int run_databuild_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace databuild
