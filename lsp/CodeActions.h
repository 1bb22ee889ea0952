// Quick fixes: edits that resolve one diagnostic, computed from the linked
// model. Byte Locations; the analysis server converts for editors.
//
//   missing-key           bind the key: to the job's parameter of that name
//                         or type when there is one, else to `*`
//   unresolved-reference  (dataset or policy) declare a stub at the end of the
//                         file; a dataset stub has the keys the pattern binds
//   unused-definition     delete the policy or type with its doc comment
//   taint-denied          add `removes LABEL because "TODO: why"` to the job
//                         on the carrying path nearest the denying dataset
//
// A fix is offered only when the model says exactly what to change; anything
// else (a key bound in a broken pattern, say) gets none rather than a guess.
#pragma once

#include <string>
#include <vector>

#include "workspace.h"

namespace databuild::lsp {

// Replace `range` (file and bytes) by `text`.
struct ByteEdit {
  Location range;
  std::string text;
};

struct QuickFix {
  std::string title;
  std::vector<ByteEdit> edits;
};

// The fixes for `diagnostic`, one of analysis.diagnostics().
std::vector<QuickFix> quick_fixes(const Analysis& analysis, const Diagnostic& diagnostic);

}  // namespace databuild::lsp
