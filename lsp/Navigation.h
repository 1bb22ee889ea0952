// Navigation over a linked workspace: which symbol is at an offset, where it is
// defined, who uses it, who produces a dataset, and whether and how it can be
// renamed. Works in byte Locations; the analysis server converts for editors.
//
// Everything here reads the navigation index of files (link.h: FileNavigation):
// `references` maps each use to its defining name, so "find references" is
// the reverse lookup over every file and rename is "references plus the
// definition". Enum values are the one kind the index does not list among
// `definitions`; they are found in the models.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "Cancellation.h"
#include "workspace.h"

namespace databuild::lsp {

// The symbol whose name covers an offset.
struct SymbolAt {
  SymbolKind kind;
  Location name;        // the name under the offset: a use or the definition itself
  Location definition;  // the defining name
};

bool same_location(const Location& a, const Location& b);

// The symbol at `offset` of `file`; an offset just past a name still counts.
std::optional<SymbolAt> symbol_at(const Analysis& analysis, FileId file, uint32_t offset);

// Every use of the symbol defined at `definition`, and the definition itself if
// asked; sorted by file and offset. Records and scans every file's index,
// checking `cancel` before each file and each of its references.
std::vector<Location> references_to(const Analysis& analysis, const Location& definition,
                                    bool include_declaration,
                                    const Cancellation& cancel = Cancellation::never());

// The dataset whose name is defined at `definition`, if any.
const Dataset* dataset_defined_at(const Analysis& analysis, const Location& definition);

// The names of the output ports that produce the dataset defined at `definition`.
std::vector<Location> producers_of(const Analysis& analysis, const Location& definition);

// Why the symbol cannot be renamed at all, or "" when it can.
std::string rename_refusal(const Analysis& analysis, const SymbolAt& symbol);
// Why it cannot be renamed to `new_name` (invalid name, or a clash), or "".
std::string rename_refusal(const Analysis& analysis, const SymbolAt& symbol,
                           std::string_view new_name);

// The text a Location spans.
std::string_view text_at(const Analysis& analysis, const Location& location);

}  // namespace databuild::lsp
