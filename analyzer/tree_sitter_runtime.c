// Tree-sitter's runtime (third_party/tree-sitter, 0.20.7, unmodified) compiled
// as one translation unit, the way its lib.c is meant to be built, together
// with the two readers declared in node_reader.h.
//
// Why they live here: lowering reads every node of every file, and the public
// node API makes it pay for each step twice over. ts_node_child_by_field_id
// walks the node's children from the first one for every field asked for, and
// ts_node_named_child(i) from the first one for every index, each step
// building a TSNode and adding up positions through a call into the library.
// Both readers below make one pass with the runtime's own child iterator
// (node.c's static helpers, visible only inside this unit) and give exactly
// what the public calls give; node_reader_test.cc compares them node by node.
#include "lib.c"
#include "node_reader.h"

void databuild_node_fields(TSNode self, const TSFieldId* field_ids, uint32_t count, TSNode* out) {
  for (uint32_t i = 0; i < count; i++) out[i] = ts_node__null();
  if (ts_node_child_count(self) == 0) return;

  const TSFieldMapEntry *map, *map_end;
  ts_language_field_map(self.tree->language, ts_node__subtree(self).ptr->production_id, &map,
                        &map_end);
  // A field inherited from a hidden child is found by searching inside that
  // child, which ts_node_child_by_field_id does. The grammar has none today;
  // the node_reader test would exercise this path the day it gains one.
  for (const TSFieldMapEntry* entry = map; entry < map_end; entry++) {
    if (entry->inherited) {
      for (uint32_t i = 0; i < count; i++) out[i] = ts_node_child_by_field_id(self, field_ids[i]);
      return;
    }
  }

  // A field map entry names a structural child by index (extras such as
  // comments are not counted). As in ts_node_child_by_field_id, a field is the
  // first of its entries, in child order, whose child is visible or a hidden
  // node with a visible first child.
  uint32_t unresolved = count;
  uint32_t structural_index = 0;
  TSNode child;
  NodeChildIterator iterator = ts_node_iterate_children(&self);
  while (unresolved > 0 && ts_node_child_iterator_next(&iterator, &child)) {
    if (ts_subtree_extra(ts_node__subtree(child))) continue;
    for (const TSFieldMapEntry* entry = map; entry < map_end; entry++) {
      if (entry->child_index != structural_index) continue;
      for (uint32_t i = 0; i < count; i++) {
        if (field_ids[i] != entry->field_id || out[i].id) continue;
        if (ts_node__is_relevant(child, true)) {
          out[i] = child;
        } else if (ts_node_child_count(child) > 0) {
          out[i] = ts_node_child(child, 0);
        } else {
          continue;
        }
        unresolved--;
      }
    }
    structural_index++;
  }
}

// The named children of `self` in order: a hidden child (a rule whose name
// starts with `_`, a repetition) is looked through, as ts_node_named_child
// looks through it. The recursion is as deep as hidden nodes nest, which
// tree-sitter keeps logarithmic for repetitions by balancing them.
static void visit_named_children(TSNode self, void (*visit)(void*, TSNode), void* context) {
  TSNode child;
  NodeChildIterator iterator = ts_node_iterate_children(&self);
  while (ts_node_child_iterator_next(&iterator, &child)) {
    if (ts_node__is_relevant(child, false)) {
      visit(context, child);
    } else if (ts_node__relevant_child_count(child, false) > 0) {
      visit_named_children(child, visit, context);
    }
  }
}

void databuild_node_visit_named_children(TSNode self, void (*visit)(void* context, TSNode child),
                                         void* context) {
  if (ts_node__relevant_child_count(self, false) == 0) return;
  visit_named_children(self, visit, context);
}
