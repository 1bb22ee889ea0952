// Two readers of a node's children that tree-sitter's public API lacks, each
// one pass over the children instead of one per child or field asked for
// (why, and where they are compiled: tree_sitter_runtime.c). They read a tree
// and never keep or free any part of it: nodes stay valid as long as their
// TSTree, as with the public API.
#ifndef DATABUILD_NODE_READER_H
#define DATABUILD_NODE_READER_H

#include <tree_sitter/api.h>

#ifdef __cplusplus
#include <array>
#include <cstddef>

extern "C" {
#endif

// out[i] = ts_node_child_by_field_id(self, field_ids[i]) for i < count.
void databuild_node_fields(TSNode self, const TSFieldId* field_ids, uint32_t count, TSNode* out);

// Calls visit(context, ts_node_named_child(self, i)) for each i below
// ts_node_named_child_count(self), in order.
void databuild_node_visit_named_children(TSNode self, void (*visit)(void* context, TSNode child),
                                         void* context);

#ifdef __cplusplus
}  // extern "C"

namespace databuild {

// The children of `node` in the given fields, in that order; a null node where
// the field is absent.
template <size_t N>
std::array<TSNode, N> node_fields(TSNode node, const std::array<TSFieldId, N>& field_ids) {
  std::array<TSNode, N> children;
  databuild_node_fields(node, field_ids.data(), static_cast<uint32_t>(N), children.data());
  return children;
}

// Calls `visit(child)` for each named child of `node` (comments included).
template <typename Visit>
void visit_named_children(TSNode node, const Visit& visit) {
  databuild_node_visit_named_children(
      node, [](void* context, TSNode child) { (*static_cast<const Visit*>(context))(child); },
      const_cast<Visit*>(&visit));
}

}  // namespace databuild
#endif  // __cplusplus

#endif  // DATABUILD_NODE_READER_H
