// Lookups on model structs. Linear scans: keys, columns and parameters number
// a handful per declaration, where a map would cost more than it saves.
#include "model.h"

namespace databuild {

const KeyDecl* Dataset::find_key(std::string_view key) const {
  for (const KeyDecl& decl : keys) {
    if (decl.name.text == key) return &decl;
  }
  return nullptr;
}

const Column* Dataset::find_column(std::string_view column) const {
  for (const Column& decl : columns) {
    if (decl.name.text == column) return &decl;
  }
  return nullptr;
}

const Parameter* Job::find_parameter(std::string_view parameter) const {
  for (const Parameter& decl : parameters) {
    if (decl.name.text == parameter) return &decl;
  }
  return nullptr;
}

}  // namespace databuild
