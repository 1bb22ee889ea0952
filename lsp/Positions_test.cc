// UTF-16 columns against byte offsets, with characters of one to four bytes.
#include "Positions.h"

#include <gtest/gtest.h>

namespace databuild::lsp {
namespace {

TEST(Positions, AsciiRoundTrip) {
  std::string text = "ab\ncd\n";
  LineIndex lines(text);
  EXPECT_EQ(offset_of(text, lines, {1, 1}), 4u);
  EXPECT_EQ(position_of(text, lines, 4), (TextPosition{1, 1}));
}

TEST(Positions, CountsUtf16CodeUnits) {
  // "é" is 2 bytes and 1 unit; "😀" is 4 bytes and 2 units.
  std::string text = "# é😀x\nnext";
  LineIndex lines(text);
  uint32_t x = static_cast<uint32_t>(text.find('x'));
  EXPECT_EQ(position_of(text, lines, x), (TextPosition{0, 5}));
  EXPECT_EQ(offset_of(text, lines, {0, 5}), x);
}

TEST(Positions, ClampsPastLineAndFileEnd) {
  std::string text = "ab\r\ncd";
  LineIndex lines(text);
  EXPECT_EQ(offset_of(text, lines, {0, 99}), 2u);
  EXPECT_EQ(offset_of(text, lines, {7, 0}), text.size());
  EXPECT_EQ(position_of(text, lines, 999), (TextPosition{1, 2}));
}

}  // namespace
}  // namespace databuild::lsp
