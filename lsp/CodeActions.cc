// Each fix finds the model element its diagnostic was reported on by the
// diagnostic's location (the reporter's contract: link.cc and flow.cc report
// missing-key on the pattern, unresolved-reference on the name used,
// unused-definition on the name declared, taint-denied on the denied label),
// then edits the text around that element. Inserted text follows the layout
// of `databuild fmt` (format.h), so formatting after a fix changes nothing.
#include "CodeActions.h"

#include <algorithm>

#include "Navigation.h"

namespace databuild::lsp {

namespace {

constexpr const char* kIndent = "  ";

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// The offset just past the last non-blank character before `offset`.
uint32_t after_last_text(std::string_view text, uint32_t offset) {
  while (offset > 0 && (is_blank(text[offset - 1]) || text[offset - 1] == '\n')) --offset;
  return offset;
}

// A job of `analysis` and one of its ports, found by the port's pattern location.
struct PortAt {
  const Job* job = nullptr;
  const Port* port = nullptr;
};

PortAt port_with_pattern(const Analysis& analysis, const Location& location, bool by_dataset_name) {
  for (const Job& job : analysis.models[location.file].jobs) {
    for (const List<Port>* ports : {&job.inputs, &job.outputs}) {
      for (const Port& port : *ports) {
        const Location& at =
            by_dataset_name ? port.pattern.dataset.location : port.pattern.location;
        if (at == location) return {&job, &port};
      }
    }
  }
  return {};
}

// The job parameter a key is best bound to: the one of the same name, else the
// only one of the same type; nullptr when there is none (or no single one).
const Parameter* parameter_for(const Job& job, const KeyDecl& key) {
  if (const Parameter* same_name = job.find_parameter(key.name.text)) return same_name;
  const Parameter* found = nullptr;
  for (const Parameter& parameter : job.parameters) {
    if (parameter.type.display != key.type.display) continue;
    if (found) return nullptr;
    found = &parameter;
  }
  return found;
}

std::vector<QuickFix> bind_missing_key(const Analysis& analysis, const Diagnostic& diagnostic) {
  PortAt at = port_with_pattern(analysis, diagnostic.location, false);
  if (!at.port || !at.port->pattern.target || diagnostic.related.empty()) return {};
  const Pattern& pattern = at.port->pattern;
  const Location& key_name = diagnostic.related.front().location;
  auto key = std::find_if(pattern.target->keys.begin(), pattern.target->keys.end(),
                          [&](const KeyDecl& k) { return k.name.location == key_name; });
  if (key == pattern.target->keys.end()) return {};
  const Parameter* parameter = parameter_for(*at.job, *key);
  std::string binding = key->name.text + " = " + (parameter ? parameter->name.text.str() : "*");

  std::string_view text = analysis.text(pattern.location.file);
  if (text.empty()) return {};  // changed on disk since it was analyzed
  uint32_t end = pattern.location.range.end;
  ByteEdit edit{{pattern.location.file, {end, end}}, "[" + binding + "]"};
  if (pattern.has_bindings) {
    // Before the closing `]`, after whatever the list holds.
    uint32_t insert = after_last_text(text, end - 1);
    char last = insert > 0 ? text[insert - 1] : '[';
    edit = {{pattern.location.file, {insert, insert}},
            (last == '['   ? ""
             : last == ',' ? " "
                           : ", ") +
                binding};
  }
  return {{"Bind key '" + key->name.text + "' to " +
               (parameter ? "'" + parameter->name.text + "'" : "'*'"),
           {std::move(edit)}}};
}

// The key type a stub dataset gets for a binding: the type of the job
// parameter it is bound to, else the kind of the literal.
std::string stub_key_type(const Job& job, const Binding& binding) {
  const Expr& value = binding.value.kind == ExprKind::Range && !binding.value.operands().empty()
                          ? binding.value.operands().front()
                          : binding.value;
  if (value.kind == ExprKind::Identifier) {
    if (const Parameter* parameter = job.find_parameter(value.text))
      return parameter->type.name.empty() ? parameter->type.display.str()
                                          : parameter->type.name.str();
  }
  switch (value.kind) {
    case ExprKind::Hour:
      return "hour";
    case ExprKind::Month:
      return "month";
    case ExprKind::Integer:
      return "int";
    case ExprKind::String:
      return "string";
    default:
      return "date";
  }
}

// Appends `declaration` to the end of `file`, after one blank line.
ByteEdit append_declaration(const Analysis& analysis, FileId file, const std::string& declaration) {
  std::string_view text = analysis.text(file);
  uint32_t end = static_cast<uint32_t>(text.size());
  std::string separator = text.empty() ? "" : text.ends_with("\n") ? "\n" : "\n\n";
  return {{file, {end, end}}, separator + declaration + "\n"};
}

bool names_at(std::span<const Name> names, const Location& location) {
  return std::any_of(names.begin(), names.end(),
                     [&](const Name& name) { return name.location == location; });
}

// Whether `location` is a use of a policy name: a taint, deny or removal.
bool is_policy_use(const FileModel& model, const Location& location) {
  for (const Dataset& dataset : model.datasets) {
    if (names_at(dataset.taints, location) || names_at(dataset.denies, location)) return true;
    for (const Column& column : dataset.columns) {
      if (names_at(column.taints, location)) return true;
    }
  }
  for (const Job& job : model.jobs) {
    for (const Removal& removal : job.removals) {
      if (names_at(removal.policies, location)) return true;
    }
  }
  return false;
}

std::vector<QuickFix> create_stub(const Analysis& analysis, const Diagnostic& diagnostic) {
  const Location& use = diagnostic.location;
  std::string name(text_at(analysis, use));
  if (name.empty()) return {};
  if (is_policy_use(analysis.models[use.file], use))
    return {{"Create policy '" + name + "'",
             {append_declaration(analysis, use.file, "policy " + name)}}};
  PortAt at = port_with_pattern(analysis, use, true);
  if (!at.port) return {};
  std::string keys;
  for (const Binding& binding : at.port->pattern.bindings) {
    if (binding.key_text.empty()) continue;
    keys += (keys.empty() ? "" : ", ") + binding.key_text + ": " + stub_key_type(*at.job, binding);
  }
  std::string declaration = "dataset " + name + (keys.empty() ? "" : "[" + keys + "]") + " {}";
  return {{"Create dataset '" + name + "'", {append_declaration(analysis, use.file, declaration)}}};
}

// The bytes a whole declaration takes: its lines, when it has them to itself,
// with the doc comment above it.
ByteRange declaration_lines(std::string_view text, ByteRange declaration) {
  uint32_t begin = declaration.begin, end = declaration.end;
  uint32_t line_start = begin;
  while (line_start > 0 && is_blank(text[line_start - 1])) --line_start;
  if (line_start > 0 && text[line_start - 1] != '\n') return declaration;
  uint32_t line_end = end;
  while (line_end < text.size() && is_blank(text[line_end])) ++line_end;
  if (line_end < text.size() && text[line_end] == '#') line_end = text.find('\n', line_end);
  if (line_end == std::string_view::npos) line_end = static_cast<uint32_t>(text.size());
  if (line_end < text.size() && text[line_end] != '\n') return declaration;
  if (line_end < text.size()) ++line_end;
  // The comment lines directly above.
  while (line_start > 0) {
    size_t newline = line_start >= 2 ? text.rfind('\n', line_start - 2) : std::string_view::npos;
    uint32_t previous = newline == std::string_view::npos ? 0 : static_cast<uint32_t>(newline + 1);
    std::string_view line = text.substr(previous, line_start - previous);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] != '#') break;
    line_start = previous;
  }
  return {line_start, line_end};
}

std::vector<QuickFix> remove_unused(const Analysis& analysis, const Diagnostic& diagnostic) {
  const Location& name = diagnostic.location;
  const FileModel& model = analysis.models[name.file];
  if (analysis.text(name.file).empty()) return {};  // changed on disk since it was analyzed
  auto remove = [&](const std::string& what, const Name& declared, const Location& declaration) {
    ByteRange lines = declaration_lines(analysis.text(name.file), declaration.range);
    return std::vector<QuickFix>{
        {"Remove unused " + what + " '" + declared.text + "'", {{{name.file, lines}, ""}}}};
  };
  for (const Policy& policy : model.policies) {
    if (policy.name.location == name) return remove("policy", policy.name, policy.declaration);
  }
  for (const TypeDecl& type : model.types) {
    if (type.name.location == name) return remove("type", type.name, type.declaration);
  }
  return {};
}

// A `removes` statement added at the end of `job`'s body.
ByteEdit add_removal(const Analysis& analysis, const Job& job, const std::string& label) {
  std::string statement = "removes " + label + " because \"TODO: why\"";
  FileId file = job.declaration.file;
  std::string_view text = analysis.text(file);
  uint32_t close = job.declaration.range.end - 1;  // the body's `}`
  uint32_t line_start = close;
  while (line_start > 0 && is_blank(text[line_start - 1])) --line_start;
  if (line_start > 0 && text[line_start - 1] == '\n') {
    std::string indent(text.substr(line_start, close - line_start));
    return {{file, {line_start, line_start}}, indent + kIndent + statement + "\n"};
  }
  return {{file, {close, close}}, statement + " "};
}

std::vector<QuickFix> remove_label(const Analysis& analysis, const Diagnostic& diagnostic) {
  const Location& denied = diagnostic.location;
  for (const Dataset& dataset : analysis.models[denied.file].datasets) {
    if (!names_at(dataset.denies, denied)) continue;
    std::string label(text_at(analysis, denied));
    std::vector<FlowStep> path = analysis.linked.flow.label_path(dataset, label);
    auto job = std::find_if(path.rbegin(), path.rend(),
                            [](const FlowStep& step) { return step.kind == FlowStep::Kind::Job; });
    if (job == path.rend() || !job->job || analysis.text(job->job->declaration.file).empty())
      return {};
    return {{"Remove '" + label + "' in job '" + job->job->name.text + "'",
             {add_removal(analysis, *job->job, label)}}};
  }
  return {};
}

}  // namespace

std::vector<QuickFix> quick_fixes(const Analysis& analysis, const Diagnostic& diagnostic) {
  switch (diagnostic.id) {
    case DiagnosticCode::MissingKey:
      return bind_missing_key(analysis, diagnostic);
    case DiagnosticCode::UnresolvedReference:
      return create_stub(analysis, diagnostic);
    case DiagnosticCode::UnusedDefinition:
      return remove_unused(analysis, diagnostic);
    case DiagnosticCode::TaintDenied:
      return remove_label(analysis, diagnostic);
    default:
      return {};
  }
}

}  // namespace databuild::lsp
