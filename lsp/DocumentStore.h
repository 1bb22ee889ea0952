// The documents the editor has open: their text as the editor has it, which
// overrides the file on disk until the document is closed, and its syntax tree.
//
// Edits arrive as incremental changes in UTF-16 positions (LSP
// TextDocumentSyncKind.Incremental); each is applied to the text as left by
// the previous one, as the protocol prescribes, and recorded in the tree with
// ts_tree_edit; the text is then parsed once with the edited tree, so
// tree-sitter reuses every subtree the edits did not touch. Only open
// documents keep a tree (one costs about 15x its source); files on disk are
// parsed when they change and only their models are kept (ModelCache).
//
// Ownership: the store owns the texts and trees; pointers it hands out are
// valid until the document is next changed or closed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "Positions.h"
#include "syntax.h"

namespace databuild::lsp {

// One content change: replace `range` (the whole text when absent) by `text`.
struct TextChange {
  std::optional<TextRange> range;
  std::string text;
};

struct OpenDocument {
  int64_t version = 0;
  std::string text;
  SyntaxTree tree;  // parsed from `text`
};

// Applies `changes` in order to `text`, recording each in `tree` when given
// (which must then be parsed again, with itself as the previous tree).
void apply_changes(std::string& text, const std::vector<TextChange>& changes,
                   SyntaxTree* tree = nullptr);

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
