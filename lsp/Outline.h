// The shape of files and of the workspace: the symbol tree of one file
// (declarations and their members), the workspace's symbols matching a query,
// and every name token of a file classified by kind (semantic highlighting).
// Byte Locations; the analysis server converts for editors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "Cancellation.h"
#include "workspace.h"

namespace databuild::lsp {

struct OutlineSymbol {
  std::string name;
  std::string detail;  // a member's type or pattern, as written
  SymbolKind kind;
  Location name_location;
  Location declaration;
  std::vector<OutlineSymbol> children;
};

// The declarations of one file in source order, each with its members.
std::vector<OutlineSymbol> outline(const Analysis& analysis, FileId file);

// Whether every character of `query` occurs in `name` in order, ignoring case
// (the usual fuzzy match of symbol pickers); an empty query matches all.
bool fuzzy_matches(std::string_view query, std::string_view name);

// Definitions whose name matches `query` (every definition of the workspace
// is looked at, file by file; `cancel` is checked for each file).
std::vector<Definition> matching_definitions(const Analysis& analysis, std::string_view query,
                                             const Cancellation& cancel = Cancellation::never());

struct NameToken {
  Location location;
  SymbolKind kind;
  bool is_declaration;
};

// Every resolved name in `file` (definitions and uses), sorted, without overlaps.
// Scans the file's navigation index, checking `cancel`.
std::vector<NameToken> name_tokens(const Analysis& analysis, FileId file,
                                   const Cancellation& cancel = Cancellation::never());

}  // namespace databuild::lsp
