// `databuild check`: the command-line face of the analyzer.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace databuild {

// Exit statuses, as the language design fixes them.
constexpr int kExitClean = 0;      // no errors (and no warnings under --werror)
constexpr int kExitProblems = 1;   // errors, or warnings under --werror
constexpr int kExitCannotRun = 2;  // bad usage, no workspace, unreadable input

// Runs `databuild check ARGS...` (ARGS excludes "check"); returns the exit status.
int run_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace databuild
