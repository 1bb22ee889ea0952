// Lookups scan the navigation index of the files they concern, recorded on
// demand (Analysis::navigation): a query about the cursor's symbol links one
// file again, one about every use of a name streams every file's index through
// once. Nothing is kept, so nothing can go stale against the Analysis, and the
// server holds no workspace-wide index (at 100k jobs it was 90 MiB).
#include "Navigation.h"

#include <algorithm>

namespace databuild::lsp {

namespace {

bool covers(const Location& location, FileId file, uint32_t offset) {
  return location.file == file && location.range.begin <= offset && offset <= location.range.end;
}

// Of two names covering an offset, the one that starts at or before it and
// does not merely end there wins: in `a=b` with the cursor before `b`, `b`.
bool better_cover(const Location& candidate, const Location& best, uint32_t offset) {
  bool candidate_inside = offset < candidate.range.end;
  bool best_inside = offset < best.range.end;
  if (candidate_inside != best_inside) return candidate_inside;
  return candidate.range.end - candidate.range.begin < best.range.end - best.range.begin;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// Calls `visit(enumeration)` for every enumeration written in the workspace.
template <typename Visit>
void for_each_enumeration(const Analysis& analysis, Visit visit) {
  auto visit_type = [&](const TypeRef& type) {
    if (type.inline_enum) visit(*type.inline_enum);
  };
  for (const FileModel& model : analysis.models) {
    for (const TypeDecl& type : model.types) visit(type.enumeration);
    for (const Dataset& dataset : model.datasets) {
      for (const KeyDecl& key : dataset.keys) visit_type(key.type);
    }
    for (const Job& job : model.jobs) {
      for (const Parameter& parameter : job.parameters) visit_type(parameter.type);
    }
  }
}

const EnumType* enumeration_defining(const Analysis& analysis, const Location& value_location) {
  const EnumType* found = nullptr;
  for_each_enumeration(analysis, [&](const EnumType& enumeration) {
    for (const EnumValue& value : enumeration.values) {
      if (same_location(value.location, value_location)) found = &enumeration;
    }
  });
  return found;
}

bool is_global(SymbolKind kind) {
  return kind == SymbolKind::Policy || kind == SymbolKind::Type || kind == SymbolKind::Dataset;
}

// The kind of global `name` already is, if it is one.
std::optional<std::string_view> global_kind(const LinkedWorkspace& linked,
                                            const std::string& name) {
  if (linked.policies.count(name)) return "policy";
  if (linked.types.count(name)) return "type";
  if (linked.datasets.count(name)) return "dataset";
  return std::nullopt;
}

}  // namespace

bool same_location(const Location& a, const Location& b) {
  return a.file == b.file && a.range.begin == b.range.begin && a.range.end == b.range.end;
}

std::string_view text_at(const Analysis& analysis, const Location& location) {
  if (location.file >= analysis.files.size()) return {};
  std::string_view text = analysis.text(location.file);
  if (location.range.end > text.size() || location.range.begin > location.range.end) return {};
  return text.substr(location.range.begin, location.range.end - location.range.begin);
}

std::optional<SymbolAt> symbol_at(const Analysis& analysis, FileId file, uint32_t offset) {
  std::optional<SymbolAt> best;
  auto consider = [&](SymbolKind kind, const Location& name, const Location& definition) {
    if (!covers(name, file, offset)) return;
    if (!best || better_cover(name, best->name, offset)) best = SymbolAt{kind, name, definition};
  };
  FileNavigation navigation = analysis.navigation(file);
  for (const Reference& reference : navigation.references)
    consider(reference.kind, reference.location, reference.definition);
  for (const Definition& definition : navigation.definitions)
    consider(definition.kind, definition.location, definition.location);
  for_each_enumeration(analysis, [&](const EnumType& enumeration) {
    for (const EnumValue& value : enumeration.values)
      consider(SymbolKind::EnumValue, value.location, value.location);
  });
  return best;
}

std::vector<Location> references_to(const Analysis& analysis, const Location& definition,
                                    bool include_declaration, const Cancellation& cancel) {
  std::vector<Location> uses;
  if (include_declaration) uses.push_back(definition);
  for (FileId file = 0; file < analysis.models.size(); ++file) {
    cancel.check();
    for (const Reference& reference : analysis.navigation(file).references) {
      cancel.check();
      if (same_location(reference.definition, definition)) uses.push_back(reference.location);
    }
  }
  std::sort(uses.begin(), uses.end(), [](const Location& a, const Location& b) {
    return std::tie(a.file, a.range.begin) < std::tie(b.file, b.range.begin);
  });
  uses.erase(std::unique(uses.begin(), uses.end(), same_location), uses.end());
  return uses;
}

const Dataset* dataset_defined_at(const Analysis& analysis, const Location& definition) {
  for (const auto& [name, dataset] : analysis.linked.datasets) {
    if (same_location(dataset->name.location, definition)) return dataset;
  }
  return nullptr;
}

std::vector<Location> producers_of(const Analysis& analysis, const Location& definition) {
  std::vector<Location> ports;
  const Dataset* dataset = dataset_defined_at(analysis, definition);
  if (!dataset) return ports;
  for (const PortRef& producer : analysis.linked.producers.of(*dataset))
    ports.push_back(producer.port->name.location);
  return ports;
}

std::string rename_refusal(const Analysis& analysis, const SymbolAt& symbol) {
  if (symbol.kind == SymbolKind::Function) return "built-in functions cannot be renamed";
  std::string_view current = text_at(analysis, symbol.definition);
  if (!is_identifier(current))
    return "'" + std::string(current) + "' is a string, not a name; edit it by hand";
  return "";
}

std::string rename_refusal(const Analysis& analysis, const SymbolAt& symbol,
                           std::string_view new_name) {
  if (std::string refusal = rename_refusal(analysis, symbol); !refusal.empty()) return refusal;
  std::string name(new_name);
  if (!is_identifier(name))
    return "'" + name + "' is not a valid name (a letter or '_', then letters, digits and '_')";
  if (name == "now") return "'now' always means the build's start time; choose another name";
  if (name == text_at(analysis, symbol.definition)) return "";
  const LinkedWorkspace& linked = analysis.linked;
  if (is_global(symbol.kind)) {
    if (std::optional<std::string_view> kind = global_kind(linked, name))
      return "'" + name + "' is already a " + std::string(kind.value()) +
             " (policies, types and datasets share one namespace)";
    return "";
  }
  if (symbol.kind == SymbolKind::Job) {
    if (linked.jobs.count(name)) return "'" + name + "' is already a job";
    return "";
  }
  if (symbol.kind == SymbolKind::EnumValue) {
    const EnumType* enumeration = enumeration_defining(analysis, symbol.definition);
    for (const EnumValue& value : enumeration ? enumeration->values : List<EnumValue>()) {
      if (value.value == name) return "'" + name + "' is already a value of this enum";
    }
    return "";
  }
  // Members (keys, columns, parameters, ports, environment variables) clash
  // with members of the same kind in the same dataset or job, which is
  // declared in the member's file.
  FileNavigation navigation = analysis.navigation(symbol.definition.file);
  const Definition* defined = nullptr;
  for (const Definition& definition : navigation.definitions) {
    if (same_location(definition.location, symbol.definition)) defined = &definition;
  }
  for (const Definition& other : navigation.definitions) {
    if (defined && other.kind == defined->kind && other.container == defined->container &&
        other.name == name)
      return "'" + name + "' is already a " + std::string(symbol_kind_name(other.kind)) + " of '" +
             other.container + "'";
  }
  return "";
}

}  // namespace databuild::lsp
