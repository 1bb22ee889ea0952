#include "symbol.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace databuild {
namespace {

TEST(SymbolTest, EqualTextsAreOneSymbol) {
  Symbol a("weekly_actives"), b(std::string("weekly_") + "actives"), c("daily");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.data(), b.data());
  EXPECT_NE(a, c);
  EXPECT_EQ(a.view(), "weekly_actives");
  EXPECT_EQ(a.size(), 14u);
  EXPECT_EQ(a.data()[a.size()], '\0');
  EXPECT_EQ(std::hash<Symbol>()(a), std::hash<Symbol>()(b));
}

// Interning the same text again is answered from the thread's memory of
// recent texts, which keeps short texts inline and compares longer ones with
// the table: around the inline limit, texts that differ in one byte or in
// length stay apart, and a repeat gives the first Symbol.
TEST(SymbolTest, RepeatsOfShortAndLongTextsGiveTheFirstSymbol) {
  std::vector<std::string> texts;
  for (size_t length = 1; length <= 40; ++length) {
    texts.push_back(std::string(length, 'k'));
    texts.push_back(std::string(length - 1, 'k') + 'q');
  }
  std::vector<Symbol> first;
  for (const std::string& text : texts) first.emplace_back(text);
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < texts.size(); ++i) {
      Symbol again(texts[i]);
      EXPECT_EQ(again, first[i]) << texts[i];
      EXPECT_EQ(again.view(), texts[i]);
    }
  }
  EXPECT_EQ(std::set<Symbol>(first.begin(), first.end()).size(), texts.size());
}

TEST(SymbolTest, DefaultIsTheEmptyString) {
  Symbol empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty, Symbol(""));
  EXPECT_EQ(empty.view(), "");
  EXPECT_EQ(empty.id(), 0u);
  EXPECT_EQ(Symbol::find_interned(""), empty);
}

// A Symbol is its text's number; numbers run past one page of the table
// (4096 texts) and each still finds its text.
// The hash reads whole words; each byte, wherever it falls (in a word or in
// the tail after the last whole word), and the length must still count.
TEST(SymbolTest, HashesDependOnEveryByteAndTheLength) {
  EXPECT_EQ(std::hash<Symbol>()(Symbol()), Symbol::hash_text(""));
  std::set<uint64_t> hashes;
  size_t texts = 0;
  for (size_t size = 0; size <= 20; ++size) {
    std::string text(size, 'a');
    hashes.insert(Symbol::hash_text(text));
    text.push_back('\0');  // a zero byte more is another text
    hashes.insert(Symbol::hash_text(text));
    text.pop_back();
    texts += 2;
    for (size_t i = 0; i < size; ++i) {
      text[i] = 'b';
      hashes.insert(Symbol::hash_text(text));
      text[i] = 'a';
      ++texts;
    }
  }
  EXPECT_EQ(hashes.size(), texts);
  EXPECT_EQ(Symbol("weekly_actives").hash(), Symbol::hash_text("weekly_actives"));
}

TEST(SymbolTest, NumbersAreDistinctAndFindTheirTexts) {
  std::vector<Symbol> symbols;
  for (int i = 0; i < 10000; ++i) symbols.emplace_back("numbered_" + std::to_string(i));
  std::set<uint32_t> numbers;
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(symbols[i].view(), "numbered_" + std::to_string(i));
    numbers.insert(symbols[i].id());
  }
  EXPECT_EQ(numbers.size(), symbols.size());
  EXPECT_EQ(numbers.count(0), 0u) << "0 is the empty string's";
  EXPECT_EQ(Symbol::find_interned("numbered_9999"), symbols.back());
  EXPECT_FALSE(Symbol::find_interned("numbered_10000"));
}

TEST(SymbolTest, ComparesWithStringsAndOrdersAlphabetically) {
  Symbol name("region");
  EXPECT_TRUE(name == "region");
  EXPECT_TRUE(name == std::string("region"));
  EXPECT_TRUE(std::string_view("region") == name);
  EXPECT_FALSE(name == "regions");
  // Interned later but sorts first.
  Symbol later("aaa_interned_after_region");
  std::set<Symbol> sorted{name, later};
  EXPECT_EQ(*sorted.begin(), later);
  EXPECT_EQ("x." + name + ".y", "x.region.y");
}

TEST(SymbolTest, KeepsEmbeddedNulsAndLongTexts) {
  std::string with_nul("a\0b", 3);
  EXPECT_EQ(Symbol(with_nul).view(), with_nul);
  EXPECT_NE(Symbol(with_nul), Symbol("a"));
  std::string long_text(100000, 'x');
  Symbol big(long_text);
  EXPECT_EQ(big.view(), long_text);
  EXPECT_EQ(big, Symbol(long_text));
}

// Threads interning the same names concurrently agree on every Symbol.
TEST(SymbolTest, ConcurrentInterningAgrees) {
  constexpr int kThreads = 4, kNames = 20000;
  std::vector<std::vector<Symbol>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &seen] {
      for (int i = 0; i < kNames; ++i) {
        int n = (i * (t + 1)) % kNames;
        seen[t].push_back(Symbol("concurrent_" + std::to_string(n)));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kNames; ++i) {
      int n = (i * (t + 1)) % kNames;
      ASSERT_EQ(seen[t][i], Symbol("concurrent_" + std::to_string(n)));
      ASSERT_EQ(seen[t][i].view(), "concurrent_" + std::to_string(n));
    }
  }
  std::unordered_set<Symbol> distinct(seen[0].begin(), seen[0].end());
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kNames));
  EXPECT_GE(symbol_table_stats().symbols, static_cast<size_t>(kNames));
}

}  // namespace
}  // namespace databuild
