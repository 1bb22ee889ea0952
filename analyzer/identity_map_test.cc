#include "identity_map.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace databuild {
namespace {

TEST(IdentityMapTest, FindsBySymbolAndByPlainString) {
  SymbolMap<int> map{{Symbol("daily"), 1}, {Symbol("weekly"), 2}};
  EXPECT_EQ(map.find(Symbol("daily"))->second, 1);
  EXPECT_EQ(map.find(std::string_view("weekly"))->second, 2);
  EXPECT_EQ(map.count(std::string_view("monthly")), 0u);
  EXPECT_EQ(map.at(Symbol("weekly")), 2);
  EXPECT_THROW(map.at(Symbol("hourly")), std::out_of_range);
}

TEST(IdentityMapTest, LookingUpAPlainStringInternsNothing) {
  SymbolMap<int> map;
  std::string text = "never_interned_by_anyone_" + std::to_string(::getpid());
  EXPECT_EQ(map.find(std::string_view(text)), map.end());
  EXPECT_FALSE(Symbol::find_interned(text).has_value());
  Symbol interned(text);
  EXPECT_EQ(Symbol::find_interned(text), interned);
}

TEST(IdentityMapTest, EmplaceKeepsTheFirstValue) {
  SymbolMap<int> map;
  auto [first, inserted] = map.emplace(Symbol("a"), 1);
  EXPECT_TRUE(inserted);
  auto [again, inserted_again] = map.emplace(Symbol("a"), 2);
  EXPECT_FALSE(inserted_again);
  EXPECT_EQ(again, first);
  EXPECT_EQ(again->second, 1);
  map[Symbol("b")] += 5;
  EXPECT_EQ(map.at(Symbol("b")), 5);
  EXPECT_EQ(map.size(), 2u);
}

// Many entries force the table to grow several times; every entry must still
// be found, and iteration is in insertion order.
TEST(IdentityMapTest, GrowsAndIteratesInInsertionOrder) {
  SymbolMap<size_t> map;
  constexpr size_t kCount = 5000;
  for (size_t i = 0; i < kCount; ++i) map.emplace(Symbol("name_" + std::to_string(i)), i);
  ASSERT_EQ(map.size(), kCount);
  for (size_t i = 0; i < kCount; ++i) {
    auto it = map.find(Symbol("name_" + std::to_string(i)));
    ASSERT_NE(it, map.end()) << i;
    EXPECT_EQ(it->second, i);
  }
  size_t expected = 0;
  for (const auto& [name, value] : map) EXPECT_EQ(value, expected++);
  map.clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.find(Symbol("name_1")), map.end());
  map.reserve(100);
  map.emplace(Symbol("name_1"), 7);
  EXPECT_EQ(map.at(Symbol("name_1")), 7u);
}

// Pointer keys: the same map over addresses of model elements.
TEST(IdentityMapTest, KeysByAddress) {
  std::vector<int> elements(1000);
  IdentityMap<const int*, size_t> index;
  for (size_t i = 0; i < elements.size(); ++i) index.emplace(&elements[i], i);
  for (size_t i = 0; i < elements.size(); ++i) EXPECT_EQ(index.at(&elements[i]), i);
  int outside = 0;
  EXPECT_EQ(index.count(&outside), 0u);
  index[&outside] = 42;
  EXPECT_EQ(index.find(&outside)->second, 42u);
}

TEST(SymbolSetTest, InsertsCountsAndMerges) {
  SymbolSet a, b;
  EXPECT_TRUE(a.insert(Symbol("pii")));
  EXPECT_FALSE(a.insert(Symbol("pii")));
  b.insert(Symbol("pii"));
  b.insert(Symbol("secret"));
  a.merge(b);
  EXPECT_EQ(a.size(), 2u);
  EXPECT_EQ(a.count(Symbol("secret")), 1u);
  EXPECT_EQ(a.count(Symbol("public")), 0u);
}

}  // namespace
}  // namespace databuild
