// Conversions between byte offsets and UTF-16 positions, one line at a time:
// LineIndex finds the line, the UTF-16 helpers of source.h walk within it.
#include "Positions.h"

#include <algorithm>

namespace databuild::lsp {

uint32_t offset_of(std::string_view text, const LineIndex& lines, TextPosition position) {
  if (position.line >= lines.line_count()) return static_cast<uint32_t>(text.size());
  uint32_t line_start = lines.offset({position.line, 0}, text);
  std::string_view line = lines.line_text(text, position.line);
  return line_start + utf16_to_byte_column(line, position.character);
}

TextPosition position_of(std::string_view text, const LineIndex& lines, uint32_t offset) {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text.size()));
  LineColumn byte_position = lines.position(offset);
  std::string_view line = lines.line_text(text, byte_position.line);
  return {byte_position.line, utf16_length(line.substr(0, byte_position.column))};
}

TextRange range_of(std::string_view text, const LineIndex& lines, ByteRange range) {
  return {position_of(text, lines, range.begin), position_of(text, lines, range.end)};
}

}  // namespace databuild::lsp
