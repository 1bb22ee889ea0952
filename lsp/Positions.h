// Positions as editors count them: 0-based lines and UTF-16 code-unit columns.
//
// The analyzer locates everything by byte offsets; the LSP speaks UTF-16
// (its default and only mandatory position encoding). These plain structs and
// the two conversions are the one place where the two meet, shared by the
// document store (applying edits) and the analysis server (presenting results).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "source.h"

namespace databuild::lsp {

struct TextPosition {
  uint32_t line = 0;
  uint32_t character = 0;  // UTF-16 code units from the line's start
  bool operator==(const TextPosition&) const = default;
};

struct TextRange {
  TextPosition start;
  TextPosition end;
  bool operator==(const TextRange&) const = default;
};

// A range in a file named by its absolute path.
struct FileRange {
  std::string path;
  TextRange range;
  bool operator==(const FileRange&) const = default;
};

// The byte offset of `position` in `text` (indexed by `lines`). Positions past
// a line's end clamp to that end, past the last line to the end of the text.
uint32_t offset_of(std::string_view text, const LineIndex& lines, TextPosition position);
TextPosition position_of(std::string_view text, const LineIndex& lines, uint32_t offset);
TextRange range_of(std::string_view text, const LineIndex& lines, ByteRange range);

}  // namespace databuild::lsp
