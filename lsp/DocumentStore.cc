// A change's range is converted against the text as it stands before that
// change, so a batch of changes may refer to lines earlier changes created.
#include "DocumentStore.h"

#include <algorithm>

namespace databuild::lsp {

void apply_changes(std::string& text, const std::vector<TextChange>& changes) {
  for (const TextChange& change : changes) {
    if (!change.range) {
      text = change.text;
      continue;
    }
    LineIndex lines(text);
    uint32_t begin = offset_of(text, lines, change.range->start);
    uint32_t end = std::max(begin, offset_of(text, lines, change.range->end));
    text.replace(begin, end - begin, change.text);
  }
}

void DocumentStore::open(const std::string& path, std::string text, int64_t version) {
  documents_[path] = OpenDocument{version, std::move(text)};
}

bool DocumentStore::change(const std::string& path, const std::vector<TextChange>& changes,
                           int64_t version) {
  auto it = documents_.find(path);
  if (it == documents_.end()) return false;
  apply_changes(it->second.text, changes);
  it->second.version = version;
  return true;
}

void DocumentStore::close(const std::string& path) { documents_.erase(path); }

const OpenDocument* DocumentStore::find(const std::string& path) const {
  auto it = documents_.find(path);
  return it == documents_.end() ? nullptr : &it->second;
}

}  // namespace databuild::lsp
