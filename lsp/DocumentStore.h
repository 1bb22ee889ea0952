// The documents the editor has open: their text as the editor has it, which
// overrides the file on disk until the document is closed.
//
// Edits arrive as incremental changes in UTF-16 positions (LSP
// TextDocumentSyncKind.Incremental); each is applied to the text as left by
// the previous one, as the protocol prescribes. The store keeps text only: a
// changed file is parsed afresh by parse_and_lower() (see ModelCache), which
// takes no previous tree, so an edited tree-sitter tree kept here would not
// be reused.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "Positions.h"

namespace databuild::lsp {

// One content change: replace `range` (the whole text when absent) by `text`.
struct TextChange {
  std::optional<TextRange> range;
  std::string text;
};

struct OpenDocument {
  int64_t version = 0;
  std::string text;
};

// Applies `changes` in order to `text`.
void apply_changes(std::string& text, const std::vector<TextChange>& changes);

class DocumentStore {
 public:
  void open(const std::string& path, std::string text, int64_t version);
  // False when `path` is not open (the change is then dropped).
  bool change(const std::string& path, const std::vector<TextChange>& changes, int64_t version);
  void close(const std::string& path);
  const OpenDocument* find(const std::string& path) const;
  // Open documents by path, in path order.
  const std::map<std::string, OpenDocument>& all() const { return documents_; }

 private:
  std::map<std::string, OpenDocument> documents_;
};

}  // namespace databuild::lsp
