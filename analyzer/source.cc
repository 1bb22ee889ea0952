// LineIndex keeps the start offset of every line so that position() is a binary
// search; building it is one pass over the text. The UTF-16 helpers live here
// because both the LSP binding and tests need the same counting rule for
// invalid UTF-8 (one unit per bad byte), and disagreeing rules shift ranges.
#include "source.h"

#include <algorithm>

namespace databuild {

void SourceFile::release() {
  release_text();
  lines = LineIndex();
}

void SourceFile::release_text() {
  if (released) return;
  released = hash_content(text);
  std::string().swap(text);
}

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

size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char low = 0x80, high = 0xBF;  // the range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  }
  if (n == 0 || i + n > s.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

std::string printable(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string shown;
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t length = utf8_sequence_length(text, i);
    if (length == 0 || c < 0x20 || c == 0x7f) {
      shown += "\\x";
      shown += kHex[c >> 4];
      shown += kHex[c & 0xf];
      ++i;
    } else {
      shown.append(text, i, length);
      i += length;
    }
  }
  return shown;
}

namespace {

// Invalid bytes count as one character each.
size_t sequence_length(std::string_view s, size_t i) {
  return std::max<size_t>(1, utf8_sequence_length(s, i));
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
