#include "arena.h"

#include <gtest/gtest.h>

#include <string>

namespace databuild {
namespace {

struct Point {
  int64_t x = 0;
  int32_t y = 0;
  bool operator==(const Point&) const = default;
};

TEST(ArenaTest, CopiedListsKeepTheirElementsAndCompareByValue) {
  Arena arena(64);
  std::vector<Point> points{{1, 2}, {3, 4}, {5, 6}};
  List<Point> list = arena.copy(points);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list.front(), (Point{1, 2}));
  EXPECT_EQ(list.back(), (Point{5, 6}));
  Arena other;
  EXPECT_EQ(list, other.copy(points));
  points[1].y = 7;
  EXPECT_FALSE(list == other.copy(points));
  EXPECT_FALSE(list == other.copy(std::vector<Point>{{1, 2}}));
}

TEST(ArenaTest, EmptyListsAllocateNothing) {
  Arena arena(64);
  List<Point> list = arena.copy(std::vector<Point>{});
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
  EXPECT_EQ(arena.reserved_bytes(), 0u);
  EXPECT_EQ(list, List<Point>());
}

TEST(ArenaTest, ManyAllocationsStayValidAndAligned) {
  // Blocks far smaller than the total force many blocks; an allocation larger
  // than a block gets its own. Earlier lists must survive both.
  Arena arena(100);
  std::vector<List<Point>> lists;
  for (int i = 0; i < 500; ++i) {
    List<Point> list = arena.make_list<Point>(static_cast<size_t>(i % 17));
    for (size_t k = 0; k < list.size(); ++k) list[k] = {i, static_cast<int32_t>(k)};
    EXPECT_EQ(reinterpret_cast<uintptr_t>(list.data()) % alignof(Point), 0u);
    lists.push_back(list);
  }
  for (int i = 0; i < 500; ++i) {
    ASSERT_EQ(lists[i].size(), static_cast<size_t>(i % 17));
    for (size_t k = 0; k < lists[i].size(); ++k) EXPECT_EQ(lists[i][k], (Point{i, int32_t(k)}));
  }
  EXPECT_GE(arena.reserved_bytes(), 500 * 8 * sizeof(Point));
}

TEST(ArenaTest, ListsOfEveryAlignmentKeepTheirLengthInOnePointer) {
  // The length lives in the arena just before the elements, whatever their
  // alignment leaves between one list and the next.
  static_assert(sizeof(List<Point>) == sizeof(Point*));
  Arena arena(64);
  std::vector<List<char>> chars;
  std::vector<List<Point>> points;
  for (int i = 1; i < 100; ++i) {
    chars.push_back(arena.make_list<char>(static_cast<size_t>(i % 7 + 1)));
    chars.back()[0] = static_cast<char>(i);
    points.push_back(arena.make_list<Point>(static_cast<size_t>(i % 5 + 1)));
    points.back().back() = {i, i};
    EXPECT_EQ(reinterpret_cast<uintptr_t>(points.back().data()) % alignof(Point), 0u);
  }
  for (int i = 1; i < 100; ++i) {
    ASSERT_EQ(chars[i - 1].size(), static_cast<size_t>(i % 7 + 1));
    EXPECT_EQ(chars[i - 1][0], static_cast<char>(i));
    ASSERT_EQ(points[i - 1].size(), static_cast<size_t>(i % 5 + 1));
    EXPECT_EQ(points[i - 1].back(), (Point{i, i}));
  }
}

TEST(ArenaTest, ARequestThatFitsAnEarlierBlocksTailGoesThere) {
  Arena arena(100);
  List<char> first = arena.make_list<char>(60);   // 64 bytes with the length: 36 left
  List<char> second = arena.make_list<char>(80);  // a new block: 16 left in it
  EXPECT_EQ(arena.reserved_bytes(), 200u);
  List<char> third = arena.make_list<char>(20);  // 24 bytes: only the first block has room
  EXPECT_EQ(arena.reserved_bytes(), 200u);
  EXPECT_GT(third.data(), first.data());
  EXPECT_LT(third.data(), first.data() + 100);
  EXPECT_EQ(second.size(), 80u);
}

TEST(ArenaTest, RefsCompareByValueAndAbsenceOnlyEqualsAbsence) {
  Arena arena;
  Ref<Point> a = arena.make(Point{1, 2});
  Ref<Point> b = arena.make(Point{1, 2});
  Ref<Point> none;
  EXPECT_TRUE(a.has_value());
  EXPECT_EQ(a->x, 1);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.get(), b.get());
  EXPECT_FALSE(a == none);
  EXPECT_FALSE(none == a);
  EXPECT_EQ(none, Ref<Point>());
  b->y = 3;
  EXPECT_FALSE(a == b);
}

TEST(ArenaTest, HandlesCompareEqualAndCreateTheirArenaOnFirstUse) {
  ArenaHandle empty, used;
  EXPECT_EQ(empty.reserved_bytes(), 0u);
  used.get(256).make(Point{});
  EXPECT_EQ(used.reserved_bytes(), 256u);
  EXPECT_TRUE(empty == used);
}

}  // namespace
}  // namespace databuild
