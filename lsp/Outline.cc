// Members are listed in source order, not grouped by kind, because the outline
// mirrors the file the user is reading.
#include "Outline.h"

#include <algorithm>
#include <cctype>

#include "Navigation.h"

namespace databuild::lsp {

namespace {

OutlineSymbol leaf(const Analysis& analysis, SymbolKind kind, const Name& name,
                   const Location& declaration, const Location& detail) {
  return {name.text.str(),
          std::string(text_at(analysis, detail)),
          kind,
          name.location,
          declaration,
          {}};
}

void sort_by_position(std::vector<OutlineSymbol>& symbols) {
  std::sort(symbols.begin(), symbols.end(), [](const OutlineSymbol& a, const OutlineSymbol& b) {
    return a.declaration.range.begin < b.declaration.range.begin;
  });
}

OutlineSymbol dataset_symbol(const Analysis& analysis, const Dataset& dataset) {
  OutlineSymbol symbol{dataset.name.text.str(), dataset.is_external() ? "external" : "",
                       SymbolKind::Dataset,     dataset.name.location,
                       dataset.declaration,     {}};
  for (const KeyDecl& key : dataset.keys)
    symbol.children.push_back(
        leaf(analysis, SymbolKind::Key, key.name, key.declaration, key.type.location));
  for (const Column& column : dataset.columns)
    symbol.children.push_back(
        leaf(analysis, SymbolKind::Column, column.name, column.declaration, column.type.location));
  sort_by_position(symbol.children);
  return symbol;
}

OutlineSymbol job_symbol(const Analysis& analysis, const Job& job) {
  OutlineSymbol symbol{job.name.text.str(), "", SymbolKind::Job, job.name.location,
                       job.declaration,     {}};
  for (const Parameter& parameter : job.parameters)
    symbol.children.push_back(leaf(analysis, SymbolKind::Parameter, parameter.name,
                                   parameter.declaration, parameter.type.location));
  for (const auto* ports : {&job.inputs, &job.outputs}) {
    for (const Port& port : *ports)
      symbol.children.push_back(
          leaf(analysis, SymbolKind::Port, port.name, port.declaration, port.pattern.location));
  }
  for (const EnvVar& env : job.env)
    symbol.children.push_back(
        leaf(analysis, SymbolKind::EnvVar, env.name, env.declaration, env.value.location));
  sort_by_position(symbol.children);
  return symbol;
}

}  // namespace

std::vector<OutlineSymbol> outline(const Analysis& analysis, FileId file) {
  std::vector<OutlineSymbol> symbols;
  if (file >= analysis.models.size()) return symbols;
  const FileModel& model = analysis.models[file];
  if (model.workspace)
    symbols.push_back({model.workspace->name.text.str(),
                       "",
                       SymbolKind::Workspace,
                       model.workspace->name.location,
                       model.workspace->declaration,
                       {}});
  for (const Policy& policy : model.policies)
    symbols.push_back({policy.name.text.str(),
                       "",
                       SymbolKind::Policy,
                       policy.name.location,
                       policy.declaration,
                       {}});
  for (const TypeDecl& type : model.types) {
    OutlineSymbol symbol{
        type.name.text.str(), std::string(text_at(analysis, type.enumeration.location)),
        SymbolKind::Type,     type.name.location,
        type.declaration,     {}};
    for (const EnumValue& value : type.enumeration.values)
      symbol.children.push_back(
          {value.value.str(), "", SymbolKind::EnumValue, value.location, value.location, {}});
    symbols.push_back(std::move(symbol));
  }
  for (const Dataset& dataset : model.datasets)
    symbols.push_back(dataset_symbol(analysis, dataset));
  for (const Job& job : model.jobs) symbols.push_back(job_symbol(analysis, job));
  sort_by_position(symbols);
  return symbols;
}

bool fuzzy_matches(std::string_view query, std::string_view name) {
  size_t next = 0;
  for (char wanted : query) {
    auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
    while (next < name.size() && lower(name[next]) != lower(wanted)) ++next;
    if (next == name.size()) return false;
    ++next;
  }
  return true;
}

std::vector<Definition> matching_definitions(const Analysis& analysis, std::string_view query,
                                             const Cancellation& cancel) {
  std::vector<Definition> matches;
  for (FileId file = 0; file < analysis.models.size(); ++file) {
    cancel.check();
    for (const Definition& definition : analysis.navigation(file).definitions) {
      if (fuzzy_matches(query, definition.name)) matches.push_back(definition);
    }
  }
  return matches;
}

std::vector<NameToken> name_tokens(const Analysis& analysis, FileId file,
                                   const Cancellation& cancel) {
  std::vector<NameToken> tokens;
  FileNavigation navigation = analysis.navigation(file);
  for (const Definition& definition : navigation.definitions) {
    cancel.check();
    tokens.push_back({definition.location, definition.kind, true});
  }
  for (const Reference& reference : navigation.references) {
    cancel.check();
    tokens.push_back({reference.location, reference.kind, false});
  }
  std::sort(tokens.begin(), tokens.end(), [](const NameToken& a, const NameToken& b) {
    return a.location.range.begin < b.location.range.begin;
  });
  // A name recorded twice (or nested in another) keeps its first token.
  std::vector<NameToken> disjoint;
  for (const NameToken& token : tokens) {
    if (token.location.range.begin == token.location.range.end) continue;
    if (!disjoint.empty() && token.location.range.begin < disjoint.back().location.range.end)
      continue;
    disjoint.push_back(token);
  }
  return disjoint;
}

}  // namespace databuild::lsp
