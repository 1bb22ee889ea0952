// Positions: byte offsets to lines and columns and back, and the UTF-16 column
// rule the language server relies on (one unit per invalid byte).
#include "source.h"

#include <gtest/gtest.h>

namespace databuild {
namespace {

TEST(LineIndex, PositionsAndOffsets) {
  std::string_view text = "ab\ncd\r\nef";
  LineIndex index(text);
  EXPECT_EQ(index.line_count(), 3u);
  auto at = [&](uint32_t offset) {
    LineColumn p = index.position(offset);
    return std::to_string(p.line) + ":" + std::to_string(p.column);
  };
  EXPECT_EQ(at(0), "0:0");
  EXPECT_EQ(at(2), "0:2");  // the newline belongs to its line
  EXPECT_EQ(at(3), "1:0");
  EXPECT_EQ(at(5), "1:2");  // the '\r'
  EXPECT_EQ(at(7), "2:0");
  EXPECT_EQ(at(9), "2:2");  // end of text
  EXPECT_EQ(index.offset({0, 0}, text), 0u);
  EXPECT_EQ(index.offset({1, 1}, text), 4u);
  EXPECT_EQ(index.offset({1, 99}, text), 5u);  // clamps before "\r\n"
  EXPECT_EQ(index.offset({2, 99}, text), 9u);
  EXPECT_EQ(index.offset({7, 0}, text), 9u);  // past the last line: the end
  EXPECT_EQ(index.line_text(text, 0), "ab");
  EXPECT_EQ(index.line_text(text, 1), "cd");
  EXPECT_EQ(index.line_text(text, 2), "ef");
  EXPECT_EQ(index.line_text(text, 3), "");
}

TEST(LineIndex, EmptyTextAndTrailingNewline) {
  LineIndex empty("");
  EXPECT_EQ(empty.line_count(), 1u);
  EXPECT_EQ(empty.position(0).line, 0u);
  EXPECT_EQ(empty.line_text("", 0), "");
  EXPECT_EQ(empty.offset({0, 5}, ""), 0u);

  std::string_view text = "a\n";
  LineIndex index(text);
  EXPECT_EQ(index.line_count(), 2u);
  EXPECT_EQ(index.position(2).line, 1u);
  EXPECT_EQ(index.line_text(text, 0), "a");
  EXPECT_EQ(index.line_text(text, 1), "");
  EXPECT_EQ(index.offset({1, 3}, text), 2u);
}

TEST(LineIndex, RoundTripsEveryOffset) {
  std::string text = "x\n\nline three\r\n\xc3\xa9t\xc3\xa9\n\xff\n";
  LineIndex index(text);
  uint32_t crlf_newline = static_cast<uint32_t>(text.find("\r\n")) + 1;
  for (uint32_t offset = 0; offset <= text.size(); ++offset) {
    if (offset == crlf_newline) continue;
    EXPECT_EQ(index.offset(index.position(offset), text), offset) << offset;
  }
  // Inside a "\r\n" the column is past the line's text, so it clamps before '\r'.
  EXPECT_EQ(index.offset(index.position(crlf_newline), text), crlf_newline - 1);
}

TEST(SourceFile, IndexesItsText) {
  SourceFile file("a.dbuild", "one\ntwo\n");
  EXPECT_EQ(file.lines.line_count(), 3u);
  EXPECT_EQ(file.lines.line_text(file.text, 1), "two");
}

// A file whose text is to be released is not indexed; its index is that of
// an empty text, so a position asked of it anyway is line 0, not a crash.
TEST(SourceFile, LeavesItsLinesUnindexedWhenAsked) {
  SourceFile file("a.dbuild", "one\ntwo\n", /*index_lines=*/false);
  EXPECT_EQ(file.lines.line_count(), 1u);
  EXPECT_EQ(file.lines.position(5).line, 0u);
  EXPECT_EQ(LineIndex().line_count(), 1u);
}

TEST(Utf16, Length) {
  EXPECT_EQ(utf16_length(""), 0u);
  EXPECT_EQ(utf16_length("abc"), 3u);
  EXPECT_EQ(utf16_length("\xc3\xa9"), 1u);          // é
  EXPECT_EQ(utf16_length("\xe2\x82\xac"), 1u);      // €
  EXPECT_EQ(utf16_length("\xf0\x9f\x98\x80"), 2u);  // 😀, a surrogate pair
  EXPECT_EQ(utf16_length("a\xf0\x9f\x98\x80z"), 4u);
  EXPECT_EQ(utf16_length("\xf4\x8f\xbf\xbf"), 2u);  // U+10FFFF
}

TEST(Utf16, InvalidBytesCountOneUnitEach) {
  EXPECT_EQ(utf16_length("\xff"), 1u);
  EXPECT_EQ(utf16_length("\x80\x80"), 2u);  // stray continuation bytes
  EXPECT_EQ(utf16_length("\xc3("), 2u);     // lead byte without continuation
  EXPECT_EQ(utf16_length("\xe2\x82"), 2u);  // truncated at the end
  EXPECT_EQ(utf16_length("\xf0\x9f\x98"), 3u);
  EXPECT_EQ(utf16_length("\xc0\x80"), 2u);          // overlong NUL
  EXPECT_EQ(utf16_length("\xe0\x80\xaf"), 3u);      // overlong '/'
  EXPECT_EQ(utf16_length("\xed\xa0\x80"), 3u);      // a UTF-16 surrogate, encoded
  EXPECT_EQ(utf16_length("\xf4\x90\x80\x80"), 4u);  // above U+10FFFF
  EXPECT_EQ(utf16_length("\xf8\x88\x80\x80\x80"), 5u);
}

TEST(Utf16, ToByteColumn) {
  std::string_view line = "a\xf0\x9f\x98\x80\xc3\xa9z";  // a 😀 é z
  EXPECT_EQ(utf16_to_byte_column(line, 0), 0u);
  EXPECT_EQ(utf16_to_byte_column(line, 1), 1u);
  EXPECT_EQ(utf16_to_byte_column(line, 2), 5u);  // inside the pair: after the character
  EXPECT_EQ(utf16_to_byte_column(line, 3), 5u);
  EXPECT_EQ(utf16_to_byte_column(line, 4), 7u);
  EXPECT_EQ(utf16_to_byte_column(line, 5), 8u);
  EXPECT_EQ(utf16_to_byte_column(line, 99), 8u);  // clamps to the end
  EXPECT_EQ(utf16_to_byte_column("\xff\xe2\x82x", 1), 1u);
  EXPECT_EQ(utf16_to_byte_column("\xff\xe2\x82x", 3), 3u);
  EXPECT_EQ(utf16_to_byte_column("\xed\xa0\x80x", 1), 1u);
  // The two conversions agree on every prefix.
  for (uint32_t units = 0; units <= utf16_length(line); ++units) {
    uint32_t bytes = utf16_to_byte_column(line, units);
    EXPECT_GE(utf16_length(line.substr(0, bytes)), units);
  }
}

}  // namespace
}  // namespace databuild
