// Symbol lookup, references, producers and rename checks over a small
// two-file workspace analyzed in memory.
#include "Navigation.h"

#include <gtest/gtest.h>

namespace databuild::lsp {
namespace {

constexpr const char* kDeclarations = R"(workspace w {}
policy pii
type region = enum(us, eu)
# Raw clicks.
dataset raw[day: date since 2024-01-01, region: region] {
  external
  column user: string (taint pii)
}
dataset tidy[day: date since 2024-01-01] { column user: string }
)";

constexpr const char* kJobs = R"(job tidy(day: date) {
  input  src = raw[day = day, region = eu] { user }
  output out = tidy[day = day]
  removes pii because "hashed"
  run ["t", "{day}"]
}
)";

class NavigationTest : public testing::Test {
 protected:
  void SetUp() override {
    analysis_ =
        analyze_sources("/w", {{"/w/workspace.dbuild", kDeclarations}, {"/w/jobs.dbuild", kJobs}});
  }
  // The offset of the `nth` occurrence of `needle` in file `file`.
  uint32_t offset(FileId file, std::string_view needle, int nth = 1) {
    std::string_view text = analysis_->files[file].text;
    size_t at = std::string_view::npos;
    for (int i = 0; i < nth; ++i) at = text.find(needle, at + 1);
    EXPECT_NE(at, std::string_view::npos) << needle;
    return static_cast<uint32_t>(at);
  }
  std::unique_ptr<Analysis> analysis_;
};

TEST_F(NavigationTest, UseResolvesToDefinition) {
  std::optional<SymbolAt> symbol = symbol_at(*analysis_, 1, offset(1, "raw[") + 1);
  ASSERT_TRUE(symbol);
  EXPECT_EQ(symbol->kind, SymbolKind::Dataset);
  EXPECT_EQ(symbol->definition.file, 0u);
  EXPECT_EQ(text_at(*analysis_, symbol->definition), "raw");
  // Just past the name still counts.
  std::optional<SymbolAt> past = symbol_at(*analysis_, 1, offset(1, "raw[") + 3);
  ASSERT_TRUE(past);
  EXPECT_TRUE(same_location(past->definition, symbol->definition));
}

TEST_F(NavigationTest, EnumValuesAndKeysResolve) {
  std::optional<SymbolAt> value = symbol_at(*analysis_, 1, offset(1, "eu]"));
  ASSERT_TRUE(value);
  EXPECT_EQ(value->kind, SymbolKind::EnumValue);
  EXPECT_EQ(value->definition.file, 0u);
  std::optional<SymbolAt> key = symbol_at(*analysis_, 1, offset(1, "region ="));
  ASSERT_TRUE(key);
  EXPECT_EQ(key->kind, SymbolKind::Key);
}

TEST_F(NavigationTest, ReferencesHonourIncludeDeclaration) {
  std::optional<SymbolAt> policy = symbol_at(*analysis_, 0, offset(0, "pii"));
  ASSERT_TRUE(policy);
  EXPECT_EQ(references_to(*analysis_, policy->definition, false).size(), 2u);
  std::vector<Location> all = references_to(*analysis_, policy->definition, true);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_TRUE(same_location(all[0], policy->definition));
}

TEST_F(NavigationTest, ProducersOfADataset) {
  std::optional<SymbolAt> tidy = symbol_at(*analysis_, 0, offset(0, "tidy"));
  ASSERT_TRUE(tidy);
  std::vector<Location> producers = producers_of(*analysis_, tidy->definition);
  ASSERT_EQ(producers.size(), 1u);
  EXPECT_EQ(text_at(*analysis_, producers[0]), "out");
  std::optional<SymbolAt> raw = symbol_at(*analysis_, 0, offset(0, "raw"));
  EXPECT_TRUE(producers_of(*analysis_, raw->definition).empty());
}

TEST_F(NavigationTest, RenameRefusesClashesAndBadNames) {
  std::optional<SymbolAt> raw = symbol_at(*analysis_, 0, offset(0, "raw"));
  ASSERT_TRUE(raw);
  EXPECT_EQ(rename_refusal(*analysis_, *raw, "fresh"), "");
  EXPECT_NE(rename_refusal(*analysis_, *raw, "pii").find("already a policy"), std::string::npos);
  EXPECT_NE(rename_refusal(*analysis_, *raw, "2x").find("not a valid name"), std::string::npos);
  std::optional<SymbolAt> port = symbol_at(*analysis_, 1, offset(1, "src"));
  ASSERT_TRUE(port);
  EXPECT_NE(rename_refusal(*analysis_, *port, "out").find("already a port of 'tidy'"),
            std::string::npos);
  std::optional<SymbolAt> key = symbol_at(*analysis_, 0, offset(0, "day"));
  ASSERT_TRUE(key);
  EXPECT_NE(rename_refusal(*analysis_, *key, "region").find("already a key"), std::string::npos);
}

}  // namespace
}  // namespace databuild::lsp
