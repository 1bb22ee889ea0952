// `databuild explain REF`: what it takes to build one partition, as a tree.
//
// Exit statuses follow `databuild check` (check_command.h): 0 explained, 1 the
// workspace has errors (printed, as check prints them) or the partition cannot
// be resolved, 2 could not run (bad usage, no workspace, an invalid REF).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace databuild {

// Runs `databuild explain ARGS...` (ARGS excludes "explain"); returns the exit status.
int run_explain(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace databuild
