// Source text and positions.
//
// Every range in the analyzer is a pair of byte offsets into one file's text;
// lines and columns are derived on demand through a LineIndex. Byte offsets are
// what tree-sitter produces and what survives edits cheaply; the consumers want
// different columns (clang-style output counts bytes, LSP counts UTF-16 code
// units), so the conversion belongs to them, with LineIndex doing the search.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content_hash.h"

namespace databuild {

using FileId = uint32_t;

struct ByteRange {
  uint32_t begin = 0;
  uint32_t end = 0;

  bool operator==(const ByteRange&) const = default;
};

struct Location {
  FileId file = 0;
  ByteRange range;

  bool operator==(const Location&) const = default;
};

// 0-based line; 0-based column counted in bytes.
struct LineColumn {
  uint32_t line = 0;
  uint32_t column = 0;
};

// Maps byte offsets to lines and back. Holds no reference to the text.
class LineIndex {
 public:
  // The index of an empty text: one line.
  LineIndex() : line_starts_{0} {}
  explicit LineIndex(std::string_view text);

  LineColumn position(uint32_t offset) const;
  // The offset of a position; positions past a line's end clamp to that end.
  uint32_t offset(LineColumn position, std::string_view text) const;
  // The line's text without its terminating newline (or "\r\n").
  std::string_view line_text(std::string_view text, uint32_t line) const;
  uint32_t line_count() const { return static_cast<uint32_t>(line_starts_.size()); }

 private:
  std::vector<uint32_t> line_starts_;
};

// A loaded file: its path as given to the user and its full text.
struct SourceFile {
  std::string path;
  std::string text;
  LineIndex lines;
  // Set when the text was dropped after lowering: the hash of the text that
  // was analyzed, to recognise it when it is read again.
  std::optional<ContentHash> released;

  // `index_lines` false leaves the line index empty, for a file whose text
  // is released (release()) before anything asks for a position: indexing
  // every file of a large workspace first was serial work `check` discarded.
  SourceFile(std::string path_, std::string text_, bool index_lines = true)
      : path(std::move(path_)),
        text(std::move(text_)),
        lines(index_lines ? LineIndex(text) : LineIndex()) {}

  // Drops the text (AnalysisOptions::release_texts: `check` needs no
  // positions until it reports, and rebuilds the line index then).
  void release();
  // Drops the text but keeps the line index (the language server, for files
  // no editor shows: it converts their positions without reading them).
  void release_text();
};

// The length of the valid UTF-8 sequence at s[i], or 0 when there is none.
// Validation is strict (RFC 3629): overlong forms, encoded surrogates and code
// points above U+10FFFF are invalid, as they are to editors.
size_t utf8_sequence_length(std::string_view s, size_t i);

// `text` with control characters and invalid UTF-8 bytes shown as \xNN, so
// that it can go into a message (and from there into JSON, which must be UTF-8).
std::string printable(std::string_view text);

// Counts UTF-16 code units in a UTF-8 byte span, treating each invalid byte as
// one unit (what editors display for it as U+FFFD).
uint32_t utf16_length(std::string_view utf8);
// The byte offset within `line` reached after `units` UTF-16 code units.
uint32_t utf16_to_byte_column(std::string_view line, uint32_t units);

}  // namespace databuild
