// Completion contexts, each from the text before a cursor marked `|`.
#include "Completion.h"

#include <gtest/gtest.h>

namespace databuild::lsp {
namespace {

constexpr const char* kWorkspace = R"(workspace w {}
policy pii
type region = enum(us, eu)
dataset raw[day: date since 2024-01-01, region: region] {
  external
  column user: string
}
dataset tidy[day: date since 2024-01-01] {}
)";

// Completion labels at the `|` in `text` (a second file of the workspace).
std::vector<std::string> labels_at(std::string text) {
  size_t cursor = text.find('|');
  text.erase(cursor, 1);
  auto analysis =
      analyze_sources("/w", {{"/w/workspace.dbuild", kWorkspace}, {"/w/b.dbuild", text}});
  std::vector<std::string> labels;
  for (const CompletionCandidate& candidate :
       complete_at(*analysis, 1, static_cast<uint32_t>(cursor)))
    labels.push_back(candidate.label);
  return labels;
}

bool has(const std::vector<std::string>& labels, std::string_view label) {
  return std::find(labels.begin(), labels.end(), label) != labels.end();
}

TEST(Completion, StatementKeywordsByBlock) {
  EXPECT_TRUE(has(labels_at("da|"), "dataset"));
  EXPECT_TRUE(has(labels_at("dataset x {\n  ex|\n}"), "external"));
  EXPECT_FALSE(has(labels_at("dataset x {\n  ex|\n}"), "input"));
  EXPECT_TRUE(has(labels_at("job j {\n  |\n}"), "input"));
  EXPECT_TRUE(labels_at("dataset |").empty());  // naming a declaration
  EXPECT_TRUE(labels_at("# a comment da|").empty());
}

TEST(Completion, DatasetsInPatternsAndKeysInBrackets) {
  EXPECT_TRUE(has(labels_at("job j(d: date) {\n  input i = r|\n}"), "raw"));
  std::vector<std::string> keys = labels_at("job j(d: date) {\n  input i = raw[day = d, |\n}");
  EXPECT_TRUE(has(keys, "region"));
  EXPECT_FALSE(has(keys, "raw"));
}

TEST(Completion, ParametersAndEnumValuesInBindings) {
  std::vector<std::string> values =
      labels_at("job j(d: date) {\n  input i = raw[day = d, region = |\n}");
  EXPECT_TRUE(has(values, "d"));
  EXPECT_TRUE(has(values, "eu"));
  EXPECT_TRUE(has(values, "now"));
}

TEST(Completion, PoliciesTypesAndColumns) {
  EXPECT_TRUE(has(labels_at("dataset x {\n  taint |\n}"), "pii"));
  EXPECT_TRUE(has(labels_at("job j {\n  removes |\n}"), "pii"));
  std::vector<std::string> key_types = labels_at("dataset x[k: |");
  EXPECT_TRUE(has(key_types, "region"));
  EXPECT_TRUE(has(key_types, "month"));
  EXPECT_TRUE(has(labels_at("dataset x {\n  column c: |\n}"), "timestamp"));
  EXPECT_TRUE(has(labels_at("dataset x { external column c: |"), "bool"));
  EXPECT_TRUE(
      has(labels_at("job j(d: date) {\n  input i = raw[day = d, region = *] { |\n}"), "user"));
}

TEST(Completion, ParametersAndKeysInInterpolations) {
  // As typed in an editor that closes brackets and quotes.
  EXPECT_EQ(labels_at("job j(d: date, n: int) {\n  run [\"x\", \"--day={|}\"]\n}"),
            (std::vector<std::string>{"d", "n"}));
  EXPECT_TRUE(labels_at("job j(d: date) {\n  run [\"{{|\"]\n}").empty());  // a literal brace
  EXPECT_TRUE(labels_at("job j(d: date) {\n  run [\"{d}|\"]\n}").empty());
  EXPECT_TRUE(has(labels_at("dataset raw[day: date] {\n  location \"r/{|}\"\n}"), "day"));
}

}  // namespace
}  // namespace databuild::lsp
