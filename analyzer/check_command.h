// `databuild check`: the command-line face of the analyzer.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace databuild {

// Exit statuses, as the language design fixes them.
constexpr int kExitClean = 0;      // no errors (and no warnings under --werror)
constexpr int kExitProblems = 1;   // errors, or warnings under --werror
constexpr int kExitCannotRun = 2;  // bad usage, no workspace, unreadable input

// The command-line convention every DataBuild tool shares: the value of
// `option` when args[i] is `OPTION VALUE` (then `i` moves past VALUE; "" when
// VALUE is missing) or `OPTION=VALUE`; nullopt when args[i] is something else.
std::optional<std::string> option_value(const std::vector<std::string>& args, size_t& i,
                                        std::string_view option);

// Runs `databuild check ARGS...` (ARGS excludes "check"); returns the exit status.
int run_check(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace databuild
