// Incremental edits in UTF-16 positions, in sequence, and on closed documents.
#include "DocumentStore.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace databuild::lsp
