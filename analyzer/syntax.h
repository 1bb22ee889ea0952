// The syntax layer: a thin owner of tree-sitter parsers and trees.
//
// Ownership: SyntaxTree owns its TSTree and deletes it; TSNode values borrowed
// from it are valid only while the tree lives. Parsing never fails: any input
// (binary junk, invalid UTF-8) yields a tree, with ERROR and MISSING nodes where
// the text does not fit the grammar.
#pragma once

#include <tree_sitter/api.h>

#include <memory>
#include <string_view>

extern "C" const TSLanguage* tree_sitter_databuild(void);

namespace databuild {

class SyntaxTree {
 public:
  // Parses `text`. With `previous` (already edited with edit() to match `text`),
  // tree-sitter reuses its unchanged subtrees.
  static SyntaxTree parse(std::string_view text, const SyntaxTree* previous = nullptr);

  SyntaxTree(SyntaxTree&&) noexcept = default;
  SyntaxTree& operator=(SyntaxTree&&) noexcept = default;

  TSNode root() const { return ts_tree_root_node(tree_.get()); }
  const TSTree* get() const { return tree_.get(); }
  // Records an edit so the next parse(…, this) can reuse the rest of the tree.
  void edit(const TSInputEdit& edit) { ts_tree_edit(tree_.get(), &edit); }

 private:
  struct Deleter {
    void operator()(TSTree* tree) const { ts_tree_delete(tree); }
  };
  explicit SyntaxTree(TSTree* tree) : tree_(tree) {}
  std::unique_ptr<TSTree, Deleter> tree_;
};

// The text a node spans.
inline std::string_view node_text(TSNode node, std::string_view source) {
  uint32_t begin = ts_node_start_byte(node), end = ts_node_end_byte(node);
  if (end > source.size() || begin > end) return {};
  return source.substr(begin, end - begin);
}

}  // namespace databuild
