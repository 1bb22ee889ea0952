// LineIndex keeps the start offset of every line so that position() is a binary
// search; building it is one pass over the text. The UTF-16 helpers live here
// because both the LSP binding and tests need the same counting rule for
// invalid UTF-8 (one unit per bad byte), and disagreeing rules shift ranges.
#include "source.h"

#include <algorithm>

namespace databuild {

LineIndex::LineIndex(std::string_view text) {
  line_starts_.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') line_starts_.push_back(i + 1);
  }
}

LineColumn LineIndex::position(uint32_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - line_starts_.begin()) - 1;
  return {line, offset - line_starts_[line]};
}

uint32_t LineIndex::offset(LineColumn position, std::string_view text) const {
  if (position.line >= line_starts_.size()) return static_cast<uint32_t>(text.size());
  std::string_view line = line_text(text, position.line);
  return line_starts_[position.line] +
         std::min<uint32_t>(position.column, static_cast<uint32_t>(line.size()));
}

std::string_view LineIndex::line_text(std::string_view text, uint32_t line) const {
  if (line >= line_starts_.size()) return {};
  uint32_t begin = line_starts_[line];
  uint32_t end = line + 1 < line_starts_.size() ? line_starts_[line + 1] - 1
                                                : static_cast<uint32_t>(text.size());
  if (end > begin && text[end - 1] == '\r') --end;
  return text.substr(begin, end - begin);
}

namespace {

// The length of the UTF-8 sequence starting at s[i], or 1 when it is invalid.
size_t sequence_length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n <= 1 || i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 1;
  }
  return n;
}

}  // namespace

uint32_t utf16_length(std::string_view utf8) {
  uint32_t units = 0;
  for (size_t i = 0; i < utf8.size();) {
    size_t n = sequence_length(utf8, i);
    units += n == 4 ? 2 : 1;
    i += n;
  }
  return units;
}

uint32_t utf16_to_byte_column(std::string_view line, uint32_t units) {
  size_t i = 0;
  for (uint32_t seen = 0; i < line.size() && seen < units;) {
    size_t n = sequence_length(line, i);
    seen += n == 4 ? 2 : 1;
    i += n;
  }
  return static_cast<uint32_t>(i);
}

}  // namespace databuild
