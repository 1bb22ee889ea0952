#include "content_hash.h"

#include <gtest/gtest.h>

#include <set>

namespace databuild {
namespace {

TEST(ContentHash, DiffersForNearbyInputsAndIsStable) {
  std::set<std::string> seen;
  std::string text;
  for (int i = 0; i < 300; ++i) {
    EXPECT_TRUE(seen.insert(hash_content(text).hex()).second) << i;
    text += static_cast<char>('a' + i % 3);
  }
  EXPECT_EQ(hash_content("abc"), hash_content("abc"));
  EXPECT_NE(hash_content("abc"), hash_content("abc", 1));
  EXPECT_NE(hash_content(std::string(16, '\0')), hash_content(std::string(17, '\0')));
  EXPECT_EQ(hash_content("").hex().size(), 32u);
}

}  // namespace
}  // namespace databuild
