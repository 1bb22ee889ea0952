// Completion candidates at a position: statement keywords for the block the
// cursor is in, dataset names in patterns, keys inside `[…]`, parameters and
// enum values in key bindings, columns in an input's `{…}`, policies after
// `taint`, `deny` and `removes`, key and column types.
//
// The context is read from the text before the cursor, not from the syntax
// tree: while the user types, the text rarely parses, and tree-sitter's error
// recovery does not promise a node for a half-written statement. The names
// offered come from the last analysis (linked even when the file is broken).
#pragma once

#include <string>
#include <vector>

#include "workspace.h"

namespace databuild::lsp {

enum class CompletionKind {
  Keyword,
  Dataset,
  Key,
  Column,
  Parameter,
  EnumValue,
  Policy,
  Type,
  Function
};

struct CompletionCandidate {
  std::string label;
  CompletionKind kind;
  std::string detail;
  bool operator==(const CompletionCandidate&) const = default;
};

std::vector<CompletionCandidate> complete_at(const Analysis& analysis, FileId file,
                                             uint32_t offset);

}  // namespace databuild::lsp
