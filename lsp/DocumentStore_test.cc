// Incremental edits in UTF-16 positions, in sequence, and on closed documents;
// the tree kept by incremental reparsing is the tree of a fresh parse.
#include "DocumentStore.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "lower.h"

namespace databuild::lsp {
namespace {

TEST(DocumentStore, AppliesIncrementalChangesInOrder) {
  DocumentStore store;
  store.open("/w/a.dbuild", "policy p\n", 1);
  // Insert a line, then edit the line the first change created.
  ASSERT_TRUE(store.change(
      "/w/a.dbuild",
      {{TextRange{{1, 0}, {1, 0}}, "policy q\n"}, {TextRange{{1, 7}, {1, 8}}, "quux"}}, 2));
  const OpenDocument* document = store.find("/w/a.dbuild");
  ASSERT_NE(document, nullptr);
  EXPECT_EQ(document->text, "policy p\npolicy quux\n");
  EXPECT_EQ(document->version, 2);
}

TEST(DocumentStore, RangesCountUtf16CodeUnits) {
  std::string text = "# 😀é p\n";
  // Replace "p" at UTF-16 column 6 (the emoji counts 2, é counts 1).
  apply_changes(text, {{TextRange{{0, 6}, {0, 7}}, "q"}});
  EXPECT_EQ(text, "# 😀é q\n");
}

TEST(DocumentStore, FullReplacementAndClosedDocuments) {
  DocumentStore store;
  EXPECT_FALSE(store.change("/w/none.dbuild", {{std::nullopt, "x"}}, 1));
  store.open("/w/a.dbuild", "old", 1);
  store.change("/w/a.dbuild", {{std::nullopt, "new"}}, 2);
  EXPECT_EQ(store.find("/w/a.dbuild")->text, "new");
  store.close("/w/a.dbuild");
  EXPECT_EQ(store.find("/w/a.dbuild"), nullptr);
}

std::string tree_string(const SyntaxTree& tree) {
  std::unique_ptr<char, decltype(&free)> text(ts_node_string(tree.root()), &free);
  return text.get();
}

// The incremental tree equals a fresh parse, and lowers to the same diagnostics.
void expect_as_fresh(const OpenDocument& document) {
  SyntaxTree fresh = SyntaxTree::parse(document.text);
  ASSERT_EQ(tree_string(document.tree), tree_string(fresh)) << document.text;
  EXPECT_EQ(lower_file(0, document.text, document.tree).diagnostics,
            parse_and_lower(0, document.text).diagnostics)
      << document.text;
}

TEST(DocumentStore, RandomEditsAndTheirUndoReparseAsAFreshParse) {
  const std::string original =
      "policy pii\n"
      "dataset events[day: date since 2024-01-01] {\n"
      "  external\n"
      "  column user: string (taint pii)\n"
      "}\n"
      "job count(d: date) {\n"
      "  input e = events[day in d - 6d .. d] { user }\n"
      "  output o = totals[day = d]\n"
      "  run [\"count\", \"{d:%Y}\"]\n"
      "}\n";
  // Insertions that break the syntax in different ways, and harmless ones.
  const std::vector<std::string> insertions = {"x", "]", "{", "\"", "# c\n", "\n", "job", ",", "é"};
  std::mt19937 random(4);  // fixed: the same edits on every run
  DocumentStore store;
  store.open("/w/a.dbuild", original, 1);
  for (int round = 0; round < 200; ++round) {
    const OpenDocument* document = store.find("/w/a.dbuild");
    LineIndex lines(document->text);
    uint32_t line = random() % lines.line_count();
    uint32_t length = static_cast<uint32_t>(lines.line_text(document->text, line).size());
    uint32_t start = random() % (length + 1);
    uint32_t end = std::min(length, start + static_cast<uint32_t>(random() % 4));
    std::string removed(lines.line_text(document->text, line).substr(start, end - start));
    const std::string& inserted = insertions[random() % insertions.size()];
    // Columns count UTF-16 units; the text is ASCII but for "é" (one unit).
    ASSERT_TRUE(store.change("/w/a.dbuild", {{TextRange{{line, start}, {line, end}}, inserted}},
                             round * 2));
    expect_as_fresh(*store.find("/w/a.dbuild"));
    // Undo: the inserted text spans to the end position the edit produced.
    TextPosition after{line, start + static_cast<uint32_t>(inserted == "é" ? 1 : inserted.size())};
    if (inserted.ends_with("\n")) after = {line + 1, 0};
    ASSERT_TRUE(
        store.change("/w/a.dbuild", {{TextRange{{line, start}, after}, removed}}, round * 2 + 1));
    expect_as_fresh(*store.find("/w/a.dbuild"));
    ASSERT_EQ(store.find("/w/a.dbuild")->text, original);
  }
}

}  // namespace
}  // namespace databuild::lsp
