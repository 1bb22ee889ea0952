// Hover text: what a symbol is, in Markdown, from the linked model: the doc
// comment, keys with their domains, columns, producers and readers of a
// dataset; parameters and ports of a job; the type of a key, column or
// parameter; the values of an enum; where a policy is tainted, denied, removed.
#pragma once

#include <string>

#include "Navigation.h"

namespace databuild::lsp {

// Markdown describing `symbol`, or "" when there is nothing to say.
std::string hover_markdown(const Analysis& analysis, const SymbolAt& symbol);

}  // namespace databuild::lsp
