// A change's range is converted against the text as it stands before that
// change, so a batch of changes may refer to lines earlier changes created.
// A whole-text replacement is an edit of the whole text, for the tree too.
#include "DocumentStore.h"

#include <algorithm>

namespace databuild::lsp {

namespace {

// The edit replacing bytes [begin, end) of a text indexed by `lines` with `inserted`.
TSInputEdit input_edit(const LineIndex& lines, uint32_t begin, uint32_t end,
                       std::string_view inserted) {
  auto point = [&](uint32_t offset) {
    LineColumn at = lines.position(offset);
    return TSPoint{at.line, at.column};
  };
  TSPoint start = point(begin);
  TSPoint new_end = start;
  for (char c : inserted) {
    if (c == '\n') {
      ++new_end.row;
      new_end.column = 0;
    } else {
      ++new_end.column;
    }
  }
  return {begin, end, begin + static_cast<uint32_t>(inserted.size()), start, point(end), new_end};
}

}  // namespace

void apply_changes(std::string& text, const std::vector<TextChange>& changes, SyntaxTree* tree) {
  for (const TextChange& change : changes) {
    LineIndex lines(text);
    uint32_t begin = 0, end = static_cast<uint32_t>(text.size());
    if (change.range) {
      begin = offset_of(text, lines, change.range->start);
      end = std::max(begin, offset_of(text, lines, change.range->end));
    }
    if (tree) tree->edit(input_edit(lines, begin, end, change.text));
    text.replace(begin, end - begin, change.text);
  }
}

void DocumentStore::open(const std::string& path, std::string text, int64_t version) {
  SyntaxTree tree = SyntaxTree::parse(text);
  documents_.insert_or_assign(path, OpenDocument{version, std::move(text), std::move(tree)});
}

bool DocumentStore::change(const std::string& path, const std::vector<TextChange>& changes,
                           int64_t version) {
  auto it = documents_.find(path);
  if (it == documents_.end()) return false;
  OpenDocument& document = it->second;
  apply_changes(document.text, changes, &document.tree);
  document.tree = SyntaxTree::parse(document.text, &document.tree);
  document.version = version;
  return true;
}

void DocumentStore::close(const std::string& path) { documents_.erase(path); }

const OpenDocument* DocumentStore::find(const std::string& path) const {
  auto it = documents_.find(path);
  return it == documents_.end() ? nullptr : &it->second;
}

}  // namespace databuild::lsp
