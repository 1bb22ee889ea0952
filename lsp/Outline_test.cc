// The symbol tree of a file, fuzzy matching, and name tokens.
#include "Outline.h"

#include <gtest/gtest.h>

namespace databuild::lsp {
namespace {

constexpr const char* kFile = R"(workspace w {}
type region = enum(us, eu)
dataset d[day: date, r: region] {
  column n: int
}
job j(day: date) {
  output o = d[day = day, r = us]
  env X = "{day}"
  run ["x"]
}
)";

TEST(Outline, DeclarationsWithMembersInSourceOrder) {
  auto analysis = analyze_sources("/w", {{"/w/workspace.dbuild", kFile}});
  std::vector<OutlineSymbol> symbols = outline(*analysis, 0);
  ASSERT_EQ(symbols.size(), 4u);
  EXPECT_EQ(symbols[1].name, "region");
  EXPECT_EQ(symbols[1].detail, "enum(us, eu)");
  ASSERT_EQ(symbols[1].children.size(), 2u);
  const OutlineSymbol& dataset = symbols[2];
  ASSERT_EQ(dataset.children.size(), 3u);
  EXPECT_EQ(dataset.children[1].name, "r");
  EXPECT_EQ(dataset.children[1].detail, "region");
  EXPECT_EQ(dataset.children[2].kind, SymbolKind::Column);
  const OutlineSymbol& job = symbols[3];
  ASSERT_EQ(job.children.size(), 3u);
  EXPECT_EQ(job.children[1].name, "o");
  EXPECT_EQ(job.children[1].detail, "d[day = day, r = us]");
  EXPECT_EQ(job.children[2].kind, SymbolKind::EnvVar);
}

TEST(Outline, FuzzyMatchingIgnoresCaseAndGaps) {
  EXPECT_TRUE(fuzzy_matches("", "anything"));
  EXPECT_TRUE(fuzzy_matches("au7", "active_users_7d"));
  EXPECT_TRUE(fuzzy_matches("AU", "active_users_7d"));
  EXPECT_FALSE(fuzzy_matches("ua7x", "active_users_7d"));
}

TEST(Outline, NameTokensAreSortedAndDisjoint) {
  auto analysis = analyze_sources("/w", {{"/w/workspace.dbuild", kFile}});
  std::vector<NameToken> tokens = name_tokens(*analysis, 0);
  ASSERT_FALSE(tokens.empty());
  for (size_t i = 1; i < tokens.size(); ++i)
    EXPECT_LE(tokens[i - 1].location.range.end, tokens[i].location.range.begin);
  // `day` in `{day}` is a parameter use, not a declaration.
  auto use = std::find_if(tokens.begin(), tokens.end(), [&](const NameToken& token) {
    return token.kind == SymbolKind::Parameter && !token.is_declaration;
  });
  EXPECT_NE(use, tokens.end());
}

}  // namespace
}  // namespace databuild::lsp
