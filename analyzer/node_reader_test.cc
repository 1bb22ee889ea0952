// The node readers must give exactly what tree-sitter's public calls give, on
// every node of well-formed and broken sources alike: ERROR and MISSING nodes,
// comments (extras) between children, fields left empty by error recovery.
// Each test walks every node of every tree and compares the two answers.
#include "node_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "syntax.h"
#include "test_support.h"

extern "C" const TSLanguage* tree_sitter_databuild(void);

namespace databuild {
namespace {

// The sample sources (each grammar corpus case and each example file), and
// for each, copies damaged at random: bytes deleted, punctuation inserted,
// the text cut short.
std::vector<std::string> sources_with_damage() {
  std::vector<std::string> sources = testing::sample_sources();
  const std::string punctuation = "{}[]()=,:\"-.#\n ";
  std::mt19937 random(7);
  size_t samples = sources.size();
  for (size_t s = 0; s < samples; ++s) {
    for (int copy = 0; copy < 40; ++copy) {
      std::string damaged = sources[s];
      for (int edit = 0; edit < 3 && !damaged.empty(); ++edit) {
        size_t at = random() % damaged.size();
        switch (random() % 3) {
          case 0:
            damaged.erase(at, 1 + random() % 4);
            break;
          case 1:
            damaged.insert(at, 1, punctuation[random() % punctuation.size()]);
            break;
          default:
            damaged.resize(at);
        }
      }
      sources.push_back(damaged);
    }
  }
  return sources;
}

// Calls `visit` on every node of `tree`, anonymous ones included.
template <typename Visit>
void for_every_node(const SyntaxTree& tree, const Visit& visit) {
  TSTreeCursor cursor = ts_tree_cursor_new(tree.root());
  while (true) {
    visit(ts_tree_cursor_current_node(&cursor));
    if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return;
      }
    }
  }
}

std::string describe(TSNode node) {
  return std::string(ts_node_type(node)) + " at byte " + std::to_string(ts_node_start_byte(node));
}

TEST(NodeReader, FieldsAreWhatChildByFieldIdFinds) {
  const uint32_t field_count = ts_language_field_count(tree_sitter_databuild());
  ASSERT_GT(field_count, 20u);
  std::vector<TSFieldId> all_fields;
  for (TSFieldId id = 1; id <= field_count; ++id) all_fields.push_back(id);
  std::vector<TSNode> found(all_fields.size());
  size_t nodes_with_fields = 0, nodes_with_errors = 0;
  for (const std::string& source : sources_with_damage()) {
    SyntaxTree tree = SyntaxTree::parse(source);
    nodes_with_errors += ts_node_has_error(tree.root());
    for_every_node(tree, [&](TSNode node) {
      databuild_node_fields(node, all_fields.data(), static_cast<uint32_t>(all_fields.size()),
                            found.data());
      bool any = false;
      for (size_t i = 0; i < all_fields.size(); ++i) {
        TSNode expected = ts_node_child_by_field_id(node, all_fields[i]);
        any |= !ts_node_is_null(expected);
        ASSERT_TRUE(ts_node_eq(found[i], expected))
            << describe(node) << ", field "
            << ts_language_field_name_for_id(tree_sitter_databuild(), all_fields[i]) << "\n"
            << source;
      }
      nodes_with_fields += any;
    });
  }
  // The walk saw what it is meant to: fields, and broken trees.
  EXPECT_GT(nodes_with_fields, 9000u) << nodes_with_fields;
  EXPECT_GT(nodes_with_errors, 500u) << nodes_with_errors;
}

TEST(NodeReader, FieldsMayBeAskedInAnyOrderAndTwice) {
  SyntaxTree tree = SyntaxTree::parse("type r = enum(a, b)\n");
  TSNode declaration = ts_node_named_child(tree.root(), 0);
  const TSLanguage* language = tree_sitter_databuild();
  TSFieldId name = ts_language_field_id_for_name(language, "name", 4);
  TSFieldId value = ts_language_field_id_for_name(language, "value", 5);
  TSFieldId missing = ts_language_field_id_for_name(language, "bindings", 8);
  auto [v, n, absent, n_again] =
      node_fields(declaration, std::array<TSFieldId, 4>{value, name, missing, name});
  EXPECT_EQ(std::string(ts_node_type(v)), "enum_type");
  EXPECT_EQ(std::string(ts_node_type(n)), "identifier");
  EXPECT_TRUE(ts_node_is_null(absent));
  EXPECT_TRUE(ts_node_eq(n, n_again));
}

TEST(NodeReader, NamedChildrenAreWhatNamedChildFinds) {
  size_t visited = 0;
  for (const std::string& source : sources_with_damage()) {
    SyntaxTree tree = SyntaxTree::parse(source);
    for_every_node(tree, [&](TSNode node) {
      std::vector<TSNode> children;
      visit_named_children(node, [&](TSNode child) { children.push_back(child); });
      ASSERT_EQ(children.size(), ts_node_named_child_count(node)) << describe(node);
      for (uint32_t i = 0; i < children.size(); ++i)
        ASSERT_TRUE(ts_node_eq(children[i], ts_node_named_child(node, i)))
            << describe(node) << ", child " << i << "\n"
            << source;
      visited += children.size();
    });
  }
  EXPECT_GT(visited, 10000u) << visited;
}

}  // namespace
}  // namespace databuild
