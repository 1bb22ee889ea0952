// The canonical layout of a .dbuild file, shared by `databuild fmt` and the
// language server's textDocument/formatting.
//
// The layout is computed from the syntax tree, never from the text's spacing:
// two-space indentation, one statement per line, single spaces around `=`,
// `..`, `in` and arithmetic, after `,` and `:`, none inside brackets; one blank
// line around every block declaration (job, dataset or workspace with a body),
// at most one elsewhere. Comments stay where they are, on their own line or at
// the end of one. Some choices are left to the author and kept: whether a list
// or a one-statement body is written on one line or spread over several, and
// blank lines (up to one) between simple declarations and between statements.
//
// The formatter changes whitespace and nothing else: it never adds, drops or
// reorders a token, not even a trailing comma. So the model lowered from its
// output equals the original's except for locations, and a job's
// definition hash (its fingerprint, definition_hash.h) is unchanged: formatting a
// workspace never makes anything rebuild. A file with syntax errors is refused,
// since its tree does not say reliably where one statement ends.
#pragma once

#include <string>
#include <string_view>

#include "expected.h"

namespace databuild {

// The canonical layout of `text`; format_source(*format_source(t)) equals
// *format_source(t). Fails, naming the first error's line, on a syntax error.
Expected<std::string> format_source(std::string_view text);

}  // namespace databuild
