// Fuzz target `reparse`: incremental parsing, as the language server does it,
// must give what a fresh parse of the same text gives.
//
// Input: a .dbuild text, then optionally a line starting with `#edits` and
// bytes that decode into up to 16 edits (start, length to delete, text to
// insert). Each edit goes through lsp::apply_changes() in UTF-16 positions,
// which records it in the tree with ts_tree_edit, and the text is reparsed
// with the edited tree, one parse per edit (DocumentStore::change()). Then all
// edits are undone in one batch of changes and one reparse, as an editor's
// undo sends them. The final tree (ts_node_string) and the FileModel lowered
// from it, diagnostics included, must equal those of a fresh parse of the
// final text; anything else aborts.
//
// Only the end state is compared: after each single edit the tree only has to
// span the text, because tree-sitter's error recovery may legitimately pick a
// different (equally valid) recovery when it reuses subtrees; the undo brings
// the text back to one whose tree is fixed by its content alone.
#include <algorithm>
#include <cstdlib>

#include "DocumentStore.h"
#include "fuzz_support.h"
#include "lower.h"

namespace {

using databuild::SyntaxTree;
using databuild::lsp::TextChange;

// The tree's S-expression, for comparison and for the failure message.
std::string tree_string(const SyntaxTree& tree) {
  char* text = ts_node_string(tree.root());
  std::string result(text);
  std::free(text);
  return result;
}

// The change replacing bytes [begin, end) of `text` with `inserted`.
TextChange change_of(std::string_view text, uint32_t begin, uint32_t end, std::string inserted) {
  databuild::LineIndex lines(text);
  return {databuild::lsp::TextRange{databuild::lsp::position_of(text, lines, begin),
                                    databuild::lsp::position_of(text, lines, end)},
          std::move(inserted)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace databuild;
  std::vector<std::string_view> parts =
      fuzz::split_at_marker({reinterpret_cast<const char*>(data), size}, "#edits", 2);
  std::string text(parts[0]);
  fuzz::ByteReader edits(parts.size() > 1 ? parts[1] : std::string_view());
  SyntaxTree tree = SyntaxTree::parse(text);

  // Applies one change to `text` and `tree`, and returns the change undoing it.
  auto apply = [&](uint32_t begin, uint32_t end, std::string inserted) {
    TextChange change = change_of(text, begin, end, std::move(inserted));
    // The bytes the change really replaces, found as apply_changes() finds them
    // (a position inside a UTF-8 sequence moves to a character boundary).
    LineIndex lines(text);
    uint32_t from = lsp::offset_of(text, lines, change.range->start);
    uint32_t to = std::max(from, lsp::offset_of(text, lines, change.range->end));
    std::string removed = text.substr(from, to - from);
    uint32_t inserted_size = static_cast<uint32_t>(change.text.size());
    lsp::apply_changes(text, {change}, &tree);
    return change_of(text, from, from + inserted_size, std::move(removed));
  };

  std::vector<TextChange> undo;
  for (int i = 0; i < 16 && !edits.empty(); ++i) {
    uint32_t begin = edits.take_up_to(static_cast<uint32_t>(text.size()));
    uint32_t end = begin + edits.take_up_to(std::min<uint32_t>(64, text.size() - begin));
    undo.push_back(apply(begin, end, edits.take_string(32)));
    tree = SyntaxTree::parse(text, &tree);
    if (ts_node_end_byte(tree.root()) > text.size())
      fuzz::invariant_broken("an incremental tree extends past its text", tree_string(tree));
  }
  if (!undo.empty()) {
    std::reverse(undo.begin(), undo.end());
    lsp::apply_changes(text, undo, &tree);
    tree = SyntaxTree::parse(text, &tree);
  }

  SyntaxTree fresh = SyntaxTree::parse(text);
  std::string incremental_tree = tree_string(tree), fresh_tree = tree_string(fresh);
  if (incremental_tree != fresh_tree) {
    fuzz::invariant_broken("incremental and fresh parses differ",
                           "incremental: " + incremental_tree + "\nfresh:       " + fresh_tree);
  }
  if (!(lower_file(0, text, tree) == lower_file(0, text, fresh)))
    fuzz::invariant_broken("incremental and fresh parses lower differently");
  return 0;
}
