// Lowering: one file's syntax tree to its FileModel.
//
// Lowering is per file and context-free (it never looks at other files), which
// is what lets the language server re-lower only the edited file and lets
// `databuild check` lower files in parallel. It reports what one file alone can
// tell: syntax errors (one per ERROR or MISSING node), invalid literals,
// repeated or missing statements, empty `because` reasons.
#pragma once

#include <string_view>

#include "model.h"
#include "syntax.h"

namespace databuild {

// `text` must be the text `tree` was parsed from.
FileModel lower_file(FileId file, std::string_view text, const SyntaxTree& tree);

// Convenience: parse and lower.
FileModel parse_and_lower(FileId file, std::string_view text);

}  // namespace databuild
