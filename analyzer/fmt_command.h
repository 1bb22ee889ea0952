// `databuild fmt [--check] [PATH...]`: rewrites .dbuild files in the canonical
// layout (format.h), or with --check only lists those that would change.
//
// Exit statuses follow `databuild check` (check_command.h): 0 every file is (or
// now is) formatted, 1 with --check when some file would change, 2 could not
// run (bad usage, no workspace, an unreadable file, a file with syntax errors).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace databuild {

// Runs `databuild fmt ARGS...` (ARGS excludes "fmt"); returns the exit status.
int run_fmt(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace databuild
