// The linker runs in passes over all files, each pass relying on the previous:
//   1. declare: build the namespaces (duplicate-definition across files);
//   2. types: resolve key and parameter types (needed to type patterns);
//   3. datasets: keys, bounds, columns, labels, location templates;
//   4. jobs: parameters, ports, patterns, removals, run and env templates;
//   5. workspace-wide: producers (external-has-producer, no-producer) and
//      unused policies and types;
//   6. flow (flow.h): overlapping producers, cycles, labels.
// Expression typing is a small recursive function over Expr; nesting depth was
// already bounded by lowering.
#include "link.h"

#include <algorithm>
#include <array>
#include <thread>

namespace databuild {

std::string_view symbol_kind_name(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::Workspace:
      return "workspace";
    case SymbolKind::Policy:
      return "policy";
    case SymbolKind::Type:
      return "type";
    case SymbolKind::Dataset:
      return "dataset";
    case SymbolKind::Job:
      return "job";
    case SymbolKind::Key:
      return "key";
    case SymbolKind::Column:
      return "column";
    case SymbolKind::Parameter:
      return "parameter";
    case SymbolKind::Port:
      return "port";
    case SymbolKind::EnumValue:
      return "enum value";
    case SymbolKind::EnvVar:
      return "environment variable";
    case SymbolKind::Function:
      return "function";
  }
  return "symbol";
}

namespace {

template <typename Map, typename Key>
auto find_in(const Map& map, const Key& name) -> typename Map::mapped_type {
  auto it = map.find(name);
  return it == map.end() ? nullptr : it->second;
}

}  // namespace

std::span<const PortRef> PortsByDataset::of(const Dataset& dataset) const {
  size_t index = dataset.link_index;  // kNotLinked for a duplicate: no row
  if (index + 1 >= first_.size()) return {};
  return {ports_.data() + first_[index], ports_.data() + first_[index + 1]};
}

void PortsByDataset::assign(size_t datasets,
                            std::vector<std::pair<const Dataset*, PortRef>>&& found) {
  first_.assign(datasets + 1, 0);
  for (const auto& [dataset, port] : found) ++first_[dataset->link_index + 1];
  for (size_t i = 0; i < datasets; ++i) first_[i + 1] += first_[i];
  ports_.resize(found.size());
  std::vector<uint32_t> next(first_.begin(), first_.end() - 1);
  for (const auto& [dataset, port] : found) ports_[next[dataset->link_index]++] = port;
  std::vector<std::pair<const Dataset*, PortRef>>().swap(found);
}

const Dataset* LinkedWorkspace::find_dataset(std::string_view name) const {
  return find_in(datasets, name);
}
const Dataset* LinkedWorkspace::find_dataset(Symbol name) const { return find_in(datasets, name); }
const Job* LinkedWorkspace::find_job(std::string_view name) const { return find_in(jobs, name); }
const Job* LinkedWorkspace::find_job(Symbol name) const { return find_in(jobs, name); }

namespace {

bool is_ordered(KeyKind kind) {
  return kind == KeyKind::Date || kind == KeyKind::Hour || kind == KeyKind::Month ||
         kind == KeyKind::Int;
}

std::string enum_values_text(const EnumType& enumeration) {
  std::string text;
  for (const EnumValue& value : enumeration.values) {
    if (!text.empty()) text += ", ";
    text += value.value;
  }
  return text;
}

const EnumValue* find_enum_value(const EnumType& enumeration, std::string_view value) {
  for (const EnumValue& v : enumeration.values) {
    if (v.value == value) return &v;
  }
  return nullptr;
}

bool same_enum(const EnumType* a, const EnumType* b) {
  if (a == b) return true;
  if (!a || !b || a->values.size() != b->values.size()) return false;
  for (size_t i = 0; i < a->values.size(); ++i) {
    if (a->values[i].value != b->values[i].value) return false;
  }
  return true;
}

std::optional<KeyKind> builtin_type(std::string_view name) {
  static const std::pair<const char*, KeyKind> kBuiltins[] = {{"date", KeyKind::Date},
                                                              {"hour", KeyKind::Hour},
                                                              {"month", KeyKind::Month},
                                                              {"int", KeyKind::Int},
                                                              {"string", KeyKind::String}};
  for (const auto& [builtin, kind] : kBuiltins) {
    if (name == builtin) return kind;
  }
  return std::nullopt;
}

bool is_builtin_type(std::string_view name) { return builtin_type(name).has_value(); }

const char* const kColumnTypes[] = {"string", "int", "float", "bool", "date", "timestamp", "bytes"};

// The type of a scalar expression, as far as linking can tell.
struct ValueType {
  enum Kind { Key, Duration, Range, Now, Unknown } what = Unknown;
  KeyKind kind = KeyKind::Unknown;  // for Key and Range
  const EnumType* enumeration = nullptr;
  std::string enum_name;

  static ValueType key(KeyKind kind) { return {Key, kind, nullptr, {}}; }
  static ValueType unknown() { return {}; }
};

std::string describe_kind(KeyKind kind) {
  switch (kind) {
    case KeyKind::Date:
      return "a date";
    case KeyKind::Hour:
      return "an hour";
    case KeyKind::Month:
      return "a month";
    case KeyKind::Int:
      return "an int";
    case KeyKind::String:
      return "a string";
    case KeyKind::Enum:
      return "an enum value";
    case KeyKind::Unknown:
      return "a value";
  }
  return "a value";
}

std::string describe_value(const ValueType& type) {
  switch (type.what) {
    case ValueType::Key:
      if (type.kind == KeyKind::Enum && type.enumeration)
        return "a value of " + (type.enum_name.empty()
                                    ? "enum(" + enum_values_text(*type.enumeration) + ")"
                                    : "enum " + type.enum_name);
      return describe_kind(type.kind);
    case ValueType::Duration:
      return "a duration";
    case ValueType::Range:
      return "a range of " +
             describe_kind(type.kind).substr(
                 type.kind == KeyKind::Int || type.kind == KeyKind::Hour ? 3 : 2) +
             "s";
    case ValueType::Now:
      return "'now'";
    case ValueType::Unknown:
      return "a value";
  }
  return "a value";
}

// What an expression in a binding or template may name.
struct Scope {
  const Job* job = nullptr;          // parameters
  const Dataset* dataset = nullptr;  // keys (location templates)
};

// The first definition of each name in one scope (a dataset's keys, a job's
// ports, an enum's values). This runs for every such list in the workspace,
// and most hold a handful of names: those are compared in a flat list on the
// stack (no heap block per list), by Symbol identity, with a hash table only
// for long lists.
class FirstDefinitions {
 public:
  explicit FirstDefinitions(size_t expected) {
    if (expected > kLinearLimit) by_name_.reserve(expected);
  }
  // Records `name` at `location`; returns where it was first defined if it
  // already was.
  const Location* add(Symbol name, Location location) {
    if (count_ < kLinearLimit) {
      for (size_t i = 0; i < count_; ++i) {
        if (list_[i].first == name) return &list_[i].second;
      }
      list_[count_++] = {name, location};
      return nullptr;
    }
    if (by_name_.empty()) {
      for (const auto& [seen, at] : list_) by_name_.emplace(seen, at);
    }
    auto [it, inserted] = by_name_.emplace(name, location);
    return inserted ? nullptr : &it->second;
  }

 private:
  static constexpr size_t kLinearLimit = 16;
  std::array<std::pair<Symbol, Location>, kLinearLimit> list_;
  size_t count_ = 0;
  SymbolMap<Location> by_name_;
};

// What linking finds, in the order it finds it. Datasets and jobs are linked
// on several threads, each into its own LinkOutput over a contiguous run of
// files; appending them in file order gives exactly what one thread would.
struct LinkOutput {
  std::vector<Diagnostic> diagnostics;
  std::vector<Definition> definitions;
  std::vector<Reference> references;
  std::vector<std::pair<const Dataset*, PortRef>> producers;
  std::vector<std::pair<const Dataset*, PortRef>> readers;
  SymbolSet used;  // policies and types referenced

  // Moves everything `outputs` found to the end of this one's lists, each
  // list grown once.
  void append(std::vector<LinkOutput>& outputs) {
    auto move_all = [&](auto member) {
      auto& to = this->*member;
      size_t total = to.size();
      for (LinkOutput& output : outputs) total += (output.*member).size();
      to.reserve(total);
      for (LinkOutput& output : outputs) {
        auto& from = output.*member;
        to.insert(to.end(), std::make_move_iterator(from.begin()),
                  std::make_move_iterator(from.end()));
      }
    };
    move_all(&LinkOutput::diagnostics);
    move_all(&LinkOutput::definitions);
    move_all(&LinkOutput::references);
    move_all(&LinkOutput::producers);
    move_all(&LinkOutput::readers);
    for (LinkOutput& output : outputs) used.merge(output.used);
  }
};

struct GlobalSymbol {
  SymbolKind kind;
  Location location;
};

class Linker {
 public:
  // `linked` is the workspace being linked, filled in by declare() of the
  // Linker given it as `out` too (the others only read it); `navigation`
  // records definitions and references into `sink`.
  Linker(std::vector<FileModel>& files, const std::vector<std::string>& paths,
         const LinkedWorkspace& linked, LinkedWorkspace* out, LinkOutput& sink, bool navigation)
      : files_(files),
        paths_(paths),
        linked_(linked),
        out_(out),
        sink_(sink),
        navigation_(navigation) {}

  // Pass 1, on one thread: every file's top-level names.
  void declare_all() { declare(); }
  // Records the top-level definitions of `file` that declare_all() accepted
  // (the navigation index of one file, after the whole workspace was linked).
  void define_declarations(const FileModel& file) {
    if (file.workspace && linked_.workspace == &*file.workspace)
      define(SymbolKind::Workspace, file.workspace->name, file.workspace->declaration);
    for (const Policy& policy : file.policies) {
      if (first_definition(linked_.policies, policy))
        define(SymbolKind::Policy, policy.name, policy.declaration);
    }
    for (const TypeDecl& type : file.types) {
      if (first_definition(linked_.types, type))
        define(SymbolKind::Type, type.name, type.declaration);
    }
    for (const Dataset& dataset : file.datasets) {
      if (dataset.canonical()) define(SymbolKind::Dataset, dataset.name, dataset.declaration);
    }
    for (const Job& job : file.jobs) {
      if (job.canonical()) define(SymbolKind::Job, job.name, job.declaration);
    }
  }
  // Whether `declaration` is what its name resolves to in `table`, not a
  // second definition (already reported).
  template <typename Table, typename Declaration>
  static bool first_definition(const Table& table, const Declaration& declaration) {
    auto it = table.find(declaration.name.text);
    return it != table.end() && it->second == &declaration;
  }
  // Passes 2 and 3 for files [begin, end); they read only what declare_all()
  // filled in, what pass 2 filled in (for pass 3), and the files' own models.
  // Each declaration is cleared of a previous link just before it is linked,
  // while it is in the cache anyway.
  void link_datasets(size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      for (TypeDecl& type : files_[i].types) check_enum(type.enumeration);
      for (Dataset& dataset : files_[i].datasets) {
        clear_links(dataset);
        link_dataset(dataset);
      }
    }
  }
  void link_jobs(size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i) {
      for (Job& job : files_[i].jobs) {
        clear_links(job);
        link_job(job);
      }
    }
  }
  // Pass 5, once every LinkOutput is appended to this one's.
  void check_workspace() {
    check_producers();
    check_unused();
  }

 private:
  // ---- pass 0: forget a previous link ---------------------------------------

  // Linking fills some fields only when a name resolves, so models linked
  // before (the editor re-links the same models after every edit) start
  // from the state lowering left them in.
  static void clear_links(TypeRef& type) {
    type.kind = KeyKind::Unknown;
    type.enumeration = nullptr;
    type.display = Symbol();
  }
  static void clear_links(Pattern& pattern) {
    pattern.target = nullptr;
    for (Binding& binding : pattern.bindings) binding.key_index = -1;
  }
  static void clear_links(Dataset& dataset) {
    for (KeyDecl& key : dataset.keys) clear_links(key.type);
  }
  static void clear_links(Job& job) {
    for (Parameter& parameter : job.parameters) clear_links(parameter.type);
    for (Port& port : job.inputs) clear_links(port.pattern);
    for (Port& port : job.outputs) clear_links(port.pattern);
  }

  // ---- reporting and recording --------------------------------------------

  void report(DiagnosticCode id, Location location, std::initializer_list<std::string_view> args,
              std::vector<RelatedLocation> related = {}) {
    sink_.diagnostics.push_back(make_diagnostic(id, location, args, std::move(related)));
  }

  void define(SymbolKind kind, const Name& name, Location declaration, Symbol container = {}) {
    if (navigation_)
      sink_.definitions.push_back({kind, name.text, name.location, declaration, container});
  }

  void refer(Location use, SymbolKind kind, Location definition) {
    if (navigation_) sink_.references.push_back({use, kind, definition});
  }

  // ---- pass 1: namespaces ----------------------------------------------------

  // The policy, type or dataset called `name`: they share one namespace.
  std::optional<GlobalSymbol> global(Symbol name) const {
    if (auto it = linked_.policies.find(name); it != linked_.policies.end())
      return GlobalSymbol{SymbolKind::Policy, it->second->name.location};
    if (auto it = linked_.types.find(name); it != linked_.types.end())
      return GlobalSymbol{SymbolKind::Type, it->second->name.location};
    if (auto it = linked_.datasets.find(name); it != linked_.datasets.end())
      return GlobalSymbol{SymbolKind::Dataset, it->second->name.location};
    return std::nullopt;
  }
  // " (it names a policy, not a type)": why a name of the wrong kind did not
  // resolve, or `otherwise`.
  std::string names_another_kind(Symbol name, std::string_view suffix,
                                 std::string_view otherwise) const {
    std::optional<GlobalSymbol> other = global(name);
    if (!other) return std::string(otherwise);
    return " (it names a " + std::string(symbol_kind_name(other->kind)) + std::string(suffix) + ")";
  }

  // Whether `name` is free in the global namespace; reports it otherwise. The
  // caller then adds it to its table. (Declaring records no definition:
  // link() keeps no navigation index; define_declarations() records them.)
  bool declare_global(SymbolKind kind, const Name& name) {
    if (std::optional<GlobalSymbol> first = global(name.text)) {
      std::string also = first->kind == kind
                             ? ""
                             : std::string(" as a ") + std::string(symbol_kind_name(first->kind));
      report(DiagnosticCode::DuplicateDefinition, name.location,
             {symbol_kind_name(kind), name.text, also},
             {{first->location, "'" + name.text + "' is first defined here"}});
      return false;
    }
    return true;
  }

  void declare() {
    size_t policies = 0, types = 0, datasets = 0, jobs = 0;
    for (const FileModel& file : files_) {
      policies += file.policies.size();
      types += file.types.size();
      datasets += file.datasets.size();
      jobs += file.jobs.size();
    }
    // Sized once: growing a table rehashes every entry it holds.
    out_->policies.reserve(policies);
    out_->types.reserve(types);
    out_->datasets.reserve(datasets);
    out_->jobs.reserve(jobs);
    for (FileModel& file : files_) {
      if (file.workspace) {
        const std::string& path = paths_[file.file];
        std::string_view base = std::string_view(path).substr(path.find_last_of('/') + 1);
        if (base != "workspace.dbuild") {
          report(DiagnosticCode::MisplacedWorkspace, file.workspace->name.location, {});
        } else if (out_->workspace) {
          report(DiagnosticCode::DuplicateDefinition, file.workspace->name.location,
                 {"workspace", file.workspace->name.text, ""},
                 {{out_->workspace->name.location, "the workspace is declared here"}});
        } else {
          out_->workspace = &*file.workspace;
        }
      }
      for (const Policy& policy : file.policies) {
        if (declare_global(SymbolKind::Policy, policy.name))
          out_->policies.emplace(policy.name.text, &policy);
      }
      for (const TypeDecl& type : file.types) {
        if (is_builtin_type(type.name.text)) {
          report(DiagnosticCode::DuplicateDefinition, type.name.location,
                 {"type", type.name.text, " as a built-in type"});
          continue;
        }
        if (declare_global(SymbolKind::Type, type.name)) out_->types.emplace(type.name.text, &type);
      }
      for (Dataset& dataset : file.datasets) {
        dataset.link_index = kNotLinked;
        if (declare_global(SymbolKind::Dataset, dataset.name)) {
          dataset.link_index = static_cast<uint32_t>(out_->datasets.size());
          out_->datasets.emplace(dataset.name.text, &dataset);
        }
      }
      for (Job& job : file.jobs) {
        auto [it, inserted] = out_->jobs.emplace(job.name.text, &job);
        job.link_index = inserted ? static_cast<uint32_t>(out_->jobs.size() - 1) : kNotLinked;
        if (!inserted)
          report(DiagnosticCode::DuplicateDefinition, job.name.location, {"job", job.name.text, ""},
                 {{it->second->name.location, "'" + job.name.text + "' is first defined here"}});
      }
    }
  }

  // Reports names defined twice within one scope (keys, columns, ports, ...)
  // and records the first definition of each when `declaration_of` is given.
  template <typename Items, typename GetName>
  void check_unique(const Items& items, GetName get_name, SymbolKind kind, Symbol container,
                    Location (*declaration_of)(const typename Items::value_type&) = nullptr) {
    FirstDefinitions first(items.size());
    for (const auto& item : items) {
      const Name& name = get_name(item);
      if (const Location* earlier = first.add(name.text, name.location)) {
        report(DiagnosticCode::DuplicateDefinition, name.location,
               {symbol_kind_name(kind), name.text, " in '" + container + "'"},
               {{*earlier, "'" + name.text + "' is first defined here"}});
      } else if (declaration_of) {
        define(kind, name, declaration_of(item), container);
      }
    }
  }

  template <typename T>
  static Location declaration_of(const T& item) {
    return item.declaration;
  }

  void check_enum(const EnumType& enumeration) {
    if (enumeration.values.empty())
      report(DiagnosticCode::InvalidExpression, enumeration.location,
             {"an enum needs at least one value: a key of this type could have no partition"});
    FirstDefinitions first(enumeration.values.size());
    for (const EnumValue& value : enumeration.values) {
      if (const Location* earlier = first.add(value.value, value.location))
        report(DiagnosticCode::DuplicateDefinition, value.location, {"enum value", value.value, ""},
               {{*earlier, "first listed here"}});
    }
  }

  // ---- pass 2: types -----------------------------------------------------------

  void resolve_type(TypeRef& type) {
    if (type.inline_enum) {
      check_enum(*type.inline_enum);
      type.kind = KeyKind::Enum;
      type.enumeration = &*type.inline_enum;
      type.display = Symbol("enum(" + enum_values_text(*type.inline_enum) + ")");
      return;
    }
    type.display = type.name;
    if (std::optional<KeyKind> builtin = builtin_type(type.name)) {
      type.kind = *builtin;
      return;
    }
    auto it = linked_.types.find(type.name);
    if (it != linked_.types.end()) {
      type.kind = KeyKind::Enum;
      type.enumeration = &it->second->enumeration;
      sink_.used.insert(type.name);
      refer(type.location, SymbolKind::Type, it->second->name.location);
      return;
    }
    report(DiagnosticCode::UnresolvedReference, type.location,
           {"type", type.name,
            names_another_kind(type.name, ", not a type",
                               " (key types: date, hour, month, int, string, or an enum)")});
  }

  void resolve_policy(const Name& policy) {
    auto it = linked_.policies.find(policy.text);
    if (it == linked_.policies.end()) {
      report(DiagnosticCode::UnresolvedReference, policy.location, {"policy", policy.text, ""});
      return;
    }
    sink_.used.insert(policy.text);
    refer(policy.location, SymbolKind::Policy, it->second->name.location);
  }

  // ---- pass 3: datasets ----------------------------------------------------------

  void link_dataset(Dataset& dataset) {
    Symbol owner = dataset.name.text;
    check_unique(
        dataset.keys, [](const KeyDecl& k) -> const Name& { return k.name; }, SymbolKind::Key,
        owner, &declaration_of<KeyDecl>);
    check_unique(
        dataset.columns, [](const Column& c) -> const Name& { return c.name; }, SymbolKind::Column,
        owner, &declaration_of<Column>);
    for (KeyDecl& key : dataset.keys) {
      resolve_type(key.type);
      link_bound(key, key.since, "since");
      link_bound(key, key.until, "until");
      check_domain_not_empty(key);
    }
    for (const Column& column : dataset.columns) {
      if (std::none_of(std::begin(kColumnTypes), std::end(kColumnTypes),
                       [&](const char* t) { return column.type.text == t; }))
        report(DiagnosticCode::UnresolvedReference, column.type.location,
               {"column type", column.type.text,
                " (column types: string, int, float, bool, date, timestamp, bytes)"});
      for (const Name& policy : column.taints) resolve_policy(policy);
    }
    for (const Name& policy : dataset.taints) resolve_policy(policy);
    for (const Name& policy : dataset.denies) resolve_policy(policy);
    if (dataset.location_template) {
      Scope scope;
      scope.dataset = &dataset;
      size_t reported = sink_.diagnostics.size();
      link_template(*dataset.location_template, scope);
      // A misspelt key already has its diagnostic; do not add "leaves out" to it.
      if (sink_.diagnostics.size() == reported) check_location_names_every_key(dataset);
    }
  }

  // Two partitions differing only in a key the location leaves out would share
  // one directory.
  void check_location_names_every_key(const Dataset& dataset) {
    for (const KeyDecl& key : dataset.keys) {
      TemplateParts parts = dataset.location_template->parts();
      bool named = std::any_of(parts.begin(), parts.end(), [&](const TemplatePart& part) {
        if (!part.is_interpolation()) return false;
        const Expr& value =
            part.value->kind == ExprKind::Binary ? part.value->operands()[0] : *part.value;
        return value.kind == ExprKind::Identifier && value.text == key.name.text;
      });
      if (!named)
        report(DiagnosticCode::InvalidExpression, dataset.location_template->location,
               {"the location leaves out key '" + key.name.text +
                "': partitions that differ only in it would share a directory"});
    }
  }

  void link_bound(const KeyDecl& key, const Ref<Expr>& bound, std::string_view which) {
    // An invalid literal has its own diagnostic already.
    if (!bound || bound->kind == ExprKind::Invalid || key.type.kind == KeyKind::Unknown) return;
    if (!is_ordered(key.type.kind)) {
      report(DiagnosticCode::TypeMismatch, bound->location,
             {"an ordered key type (date, hour, month or int) for '" + std::string(which) + "'",
              "key '" + key.name.text + "' of type " + key.type.display});
      return;
    }
    bool may_use_now = which == "until";
    const Expr* literal = &*bound;
    // `now + 1d` is no valid bound: a partition of the future is never complete.
    if (bound->kind == ExprKind::Binary && bound->op == '-' &&
        bound->operands()[0].kind == ExprKind::Now) {
      literal = &bound->operands()[0];
      ValueType step = type_of(bound->operands()[1], key.type, Scope{});
      check_step(bound->operands()[1], step, key.type.kind);
    }
    if (literal->kind == ExprKind::Now) {
      if (!may_use_now) {
        report(DiagnosticCode::InvalidExpression, literal->location,
               {"'now' is allowed in 'until' only: a 'since' bound is a fixed value"});
      } else if (key.type.kind == KeyKind::Int) {
        report(DiagnosticCode::TypeMismatch, literal->location,
               {"an int for the 'until' of key '" + key.name.text + "'",
                "'now', which is a point in time"});
      }
      return;
    }
    if (literal != &*bound || !is_literal(bound->kind)) {
      report(
          DiagnosticCode::InvalidExpression, bound->location,
          {"a bound is a literal" + std::string(may_use_now ? ", or 'now' minus a duration" : "")});
      return;
    }
    expect(*bound, type_of(*bound, key.type, Scope{}), key.type,
           [&] { return "key '" + key.name.text + "'"; });
  }

  // `since` after `until` leaves the key, and so the dataset, without partitions.
  void check_domain_not_empty(const KeyDecl& key) {
    if (!key.since || !key.until || !is_literal(key.since->kind) ||
        key.since->kind != key.until->kind || key.since->kind == ExprKind::String)
      return;
    if (key.since->value() > key.until->value())
      report(DiagnosticCode::InvalidExpression, key.until->location,
             {"key '" + key.name.text + "' has an empty domain: 'until' is before 'since'"});
  }

  static bool is_literal(ExprKind kind) {
    return kind == ExprKind::Integer || kind == ExprKind::Date || kind == ExprKind::Hour ||
           kind == ExprKind::Month || kind == ExprKind::String;
  }

  // ---- expressions ---------------------------------------------------------------

  // Types `expr` where a value of `expected` is due. Identifiers resolve to
  // parameters (or keys, in a location template) first, then to enum values.
  ValueType type_of(const Expr& expr, const TypeRef& expected, const Scope& scope) {
    switch (expr.kind) {
      case ExprKind::Integer:
        return ValueType::key(KeyKind::Int);
      case ExprKind::Date:
        return ValueType::key(KeyKind::Date);
      case ExprKind::Hour:
        return ValueType::key(KeyKind::Hour);
      case ExprKind::Month:
        return ValueType::key(KeyKind::Month);
      case ExprKind::Duration:
        return {ValueType::Duration, KeyKind::Unknown, nullptr, {}};
      case ExprKind::Now:
        return {ValueType::Now, KeyKind::Unknown, nullptr, {}};
      case ExprKind::String:
        if (expected.kind == KeyKind::Enum && expected.enumeration) {
          if (const EnumValue* value = find_enum_value(*expected.enumeration, expr.text)) {
            refer(expr.location, SymbolKind::EnumValue, value->location);
            return enum_value_type(expected);
          }
        }
        return ValueType::key(KeyKind::String);
      case ExprKind::Identifier:
        return type_of_identifier(expr, expected, scope);
      case ExprKind::Binary: {
        ValueType base = type_of(expr.operands()[0], expected, scope);
        ValueType step = type_of(expr.operands()[1], expected, scope);
        if (base.what != ValueType::Key) return base.what == ValueType::Unknown ? base : base;
        check_step(expr.operands()[1], step, base.kind);
        return base;
      }
      case ExprKind::Call:
        return type_of_call(expr, expected, scope);
      case ExprKind::Range:
      case ExprKind::Wildcard:
      case ExprKind::Invalid:
        return ValueType::unknown();
    }
    return ValueType::unknown();
  }

  static ValueType enum_value_type(const TypeRef& type) {
    return {ValueType::Key, KeyKind::Enum, type.enumeration,
            type.inline_enum ? std::string() : type.name.str()};
  }

  static ValueType value_type_of(const TypeRef& type) {
    if (type.kind == KeyKind::Unknown) return ValueType::unknown();
    if (type.kind == KeyKind::Enum) return enum_value_type(type);
    return ValueType::key(type.kind);
  }

  ValueType type_of_identifier(const Expr& expr, const TypeRef& expected, const Scope& scope) {
    if (scope.job) {
      if (const Parameter* parameter = scope.job->find_parameter(expr.text)) {
        refer(expr.location, SymbolKind::Parameter, parameter->name.location);
        return value_type_of(parameter->type);
      }
    }
    if (scope.dataset) {
      if (const KeyDecl* key = scope.dataset->find_key(expr.text)) {
        refer(expr.location, SymbolKind::Key, key->name.location);
        return value_type_of(key->type);
      }
    }
    if (expected.kind == KeyKind::Enum && expected.enumeration) {
      if (const EnumValue* value = find_enum_value(*expected.enumeration, expr.text)) {
        refer(expr.location, SymbolKind::EnumValue, value->location);
        return enum_value_type(expected);
      }
      report(DiagnosticCode::TypeMismatch, expr.location,
             {"a parameter or " + describe_type(expected), "'" + expr.text + "'"});
      return ValueType::unknown();
    }
    std::string hint;
    if (scope.job && !scope.job->parameters.empty()) {
      hint = " (parameters of '" + scope.job->name.text + "':";
      for (const Parameter& p : scope.job->parameters) hint += " " + p.name.text;
      hint += ")";
    }
    report(DiagnosticCode::UnresolvedReference, expr.location,
           {scope.dataset ? "key" : "parameter", expr.text, hint});
    return ValueType::unknown();
  }

  ValueType type_of_call(const Expr& expr, const TypeRef& expected, const Scope& scope) {
    struct Function {
      const char* name;
      KeyKind argument;
      KeyKind result;
      bool range;
    };
    static const Function kFunctions[] = {
        {"month_of", KeyKind::Date, KeyKind::Month, false},
        {"date_of", KeyKind::Hour, KeyKind::Date, false},
        {"days_of", KeyKind::Month, KeyKind::Date, true},
        {"hours_of", KeyKind::Date, KeyKind::Hour, true},
    };
    const Function* function = nullptr;
    for (const Function& f : kFunctions) {
      if (expr.text == f.name) function = &f;
    }
    if (!function) {
      report(DiagnosticCode::UnresolvedReference, expr.function_location(),
             {"function", expr.text, " (functions: month_of, date_of, days_of, hours_of)"});
      return ValueType::unknown();
    }
    if (expr.operands().size() != 1) {
      report(DiagnosticCode::InvalidExpression, expr.location,
             {"'" + expr.text + "' takes exactly one argument"});
      return ValueType::unknown();
    }
    ValueType argument = type_of(expr.operands()[0], expected, scope);
    bool month_of_hour = function->result == KeyKind::Month && argument.what == ValueType::Key &&
                         argument.kind == KeyKind::Hour;
    if (argument.what != ValueType::Unknown && !month_of_hour &&
        !(argument.what == ValueType::Key && argument.kind == function->argument)) {
      std::string wanted = function->result == KeyKind::Month ? "a date or an hour"
                                                              : describe_kind(function->argument);
      report(DiagnosticCode::TypeMismatch, expr.operands()[0].location,
             {wanted + " as the argument of '" + expr.text + "'", describe_value(argument)});
    }
    ValueType result = ValueType::key(function->result);
    if (function->range) result.what = ValueType::Range;
    return result;
  }

  // The right operand of `+`/`-`: a duration of whole steps of the key's unit,
  // or an integer for int and month keys.
  void check_step(const Expr& step_expr, const ValueType& step, KeyKind base) {
    if (step.what == ValueType::Unknown || base == KeyKind::Unknown) return;
    if (base == KeyKind::Int || base == KeyKind::Month) {
      if (step.what == ValueType::Key && step.kind == KeyKind::Int) return;
      report(DiagnosticCode::TypeMismatch, step_expr.location,
             {std::string("an integer step for ") + (base == KeyKind::Int ? "an int" : "a month"),
              describe_value(step)});
      return;
    }
    if (base != KeyKind::Date && base != KeyKind::Hour) {
      report(DiagnosticCode::InvalidExpression, step_expr.location,
             {"arithmetic needs an ordered key (date, hour, month or int), not " +
              describe_kind(base)});
      return;
    }
    if (step.what != ValueType::Duration) {
      report(DiagnosticCode::TypeMismatch, step_expr.location,
             {"a duration", describe_value(step)});
      return;
    }
    int64_t unit = base == KeyKind::Date ? kSecondsPerDay : kSecondsPerHour;
    if (step_expr.value() % unit != 0)
      report(DiagnosticCode::TypeMismatch, step_expr.location,
             {std::string("a whole number of ") + (base == KeyKind::Date ? "days" : "hours"),
              "'" + step_expr.text + "'"});
  }

  // Reports a mismatch between `actual` and the `expected` key type.
  // `what()` names what is typed; it is only called for a mismatch (building
  // that text for every binding of every pattern was a cost of its own).
  template <typename What>
  void expect(const Expr& expr, const ValueType& actual, const TypeRef& expected,
              const What& what) {
    if (actual.what == ValueType::Unknown || expected.kind == KeyKind::Unknown) return;
    bool ok =
        actual.what == ValueType::Key && actual.kind == expected.kind &&
        (expected.kind != KeyKind::Enum || same_enum(actual.enumeration, expected.enumeration));
    if (ok) return;
    if (expected.kind == KeyKind::Enum && expr.kind == ExprKind::String) {
      report(DiagnosticCode::TypeMismatch, expr.location,
             {describe_type(expected) + " for " + what(), "\"" + expr.text + "\""});
      return;
    }
    report(DiagnosticCode::TypeMismatch, expr.location,
           {describe_type(expected) + " for " + what(), describe_value(actual)});
  }

  // ---- templates ---------------------------------------------------------------

  void link_template(const TemplateString& text, const Scope& scope) {
    for (const TemplatePart& part : text.parts()) {
      if (!part.is_interpolation() || part.value->kind == ExprKind::Invalid) continue;
      const Expr& value = *part.value;
      const Expr& base = value.kind == ExprKind::Binary ? value.operands()[0] : value;
      if (base.kind != ExprKind::Identifier) {
        report(DiagnosticCode::InvalidExpression, value.location,
               {std::string("an interpolation names a ") + (scope.dataset ? "key" : "parameter") +
                ", optionally plus or minus a duration"});
        continue;
      }
      ValueType type = type_of(value, TypeRef{}, scope);
      if (part.format() && type.what == ValueType::Key) {
        bool timed =
            type.kind == KeyKind::Date || type.kind == KeyKind::Hour || type.kind == KeyKind::Month;
        if (!timed) {
          report(DiagnosticCode::InvalidExpression, part.location,
                 {"a format applies to dates, hours and months only, not " +
                  describe_kind(type.kind)});
        } else if (!format_with(TimeUnit::Date, 0, *part.format())) {
          report(DiagnosticCode::InvalidExpression, part.location,
                 {"unknown directive in format '" + *part.format() +
                  "' (directives: %Y %m %d %H %%)"});
        }
      }
    }
  }

  // ---- pass 4: jobs ----------------------------------------------------------------

  void link_job(Job& job) {
    Symbol owner = job.name.text;
    check_unique(
        job.parameters, [](const Parameter& p) -> const Name& { return p.name; },
        SymbolKind::Parameter, owner, &declaration_of<Parameter>);
    for (Parameter& parameter : job.parameters) resolve_type(parameter.type);
    std::vector<const Port*>& ports = ports_scratch_;
    ports.clear();
    for (const Port& port : job.inputs) ports.push_back(&port);
    for (const Port& port : job.outputs) ports.push_back(&port);
    std::sort(ports.begin(), ports.end(), [](const Port* a, const Port* b) {
      return a->declaration.range.begin < b->declaration.range.begin;
    });
    check_unique(
        ports, [](const Port* p) -> const Name& { return p->name; }, SymbolKind::Port, owner,
        +[](const Port* const& p) { return p->declaration; });
    check_unique(
        job.env, [](const EnvVar& e) -> const Name& { return e.name; }, SymbolKind::EnvVar, owner,
        &declaration_of<EnvVar>);

    Scope scope;
    scope.job = &job;
    for (Port& port : job.inputs) link_port(job, port, scope);
    for (Port& port : job.outputs) link_port(job, port, scope);
    for (const Removal& removal : job.removals) {
      for (const Name& policy : removal.policies) resolve_policy(policy);
    }
    if (job.run && job.run->empty())
      report(DiagnosticCode::InvalidExpression, job.run_location,
             {"'run' needs at least the program to run"});
    if (job.run) {
      for (const TemplateString& argument : *job.run) link_template(argument, scope);
    }
    for (const EnvVar& env : job.env) link_template(env.value, scope);
  }

  void link_port(const Job& job, Port& port, const Scope& scope) {
    Pattern& pattern = port.pattern;
    auto it = linked_.datasets.find(pattern.dataset.text);
    if (it == linked_.datasets.end()) {
      if (!pattern.dataset.text.empty())
        report(DiagnosticCode::UnresolvedReference, pattern.dataset.location,
               {"dataset", pattern.dataset.text, names_another_kind(pattern.dataset.text, "", "")});
      return;
    }
    const Dataset& dataset = *it->second;
    pattern.target = &dataset;
    refer(pattern.dataset.location, SymbolKind::Dataset, dataset.name.location);
    bool output = port.kind == PortKind::Output;
    (output ? sink_.producers : sink_.readers).push_back({&dataset, {&job, &port}});

    std::vector<const Binding*>& bound = bound_scratch_;
    bound.assign(dataset.keys.size(), nullptr);
    for (Binding& binding : pattern.bindings) {
      const KeyDecl* key = dataset.find_key(binding.key_text);
      if (!key) {
        report(DiagnosticCode::UnknownKey, binding.key_location,
               {dataset.name.text, binding.key_text},
               {{dataset.name.location, "'" + dataset.name.text + "' is declared here"}});
        continue;
      }
      binding.key_index = static_cast<int>(key - dataset.keys.data());
      refer(binding.key_location, SymbolKind::Key, key->name.location);
      if (const Binding* previous = bound[binding.key_index]) {
        report(DiagnosticCode::DuplicateDefinition, binding.key_location,
               {"binding of key", binding.key_text, " in this pattern"},
               {{previous->key_location, "first bound here"}});
        continue;
      }
      bound[binding.key_index] = &binding;
      if (output) {
        link_output_binding(dataset, *key, binding, scope);
      } else {
        link_input_binding(dataset, *key, binding, scope);
      }
    }
    for (size_t i = 0; i < dataset.keys.size(); ++i) {
      // A key declared twice is one key (the duplicate has its own diagnostic),
      // bound through its first declaration.
      bool duplicate = dataset.find_key(dataset.keys[i].name.text) != &dataset.keys[i];
      if (!bound[i] && !duplicate)
        report(DiagnosticCode::MissingKey, pattern.location,
               {dataset.name.text, dataset.keys[i].name.text},
               {{dataset.keys[i].name.location,
                 "key '" + dataset.keys[i].name.text + "' is declared here"}});
    }
    if (output) {
      check_parameters_bound(job, port);
      if (dataset.external)
        report(DiagnosticCode::ExternalHasProducer, pattern.dataset.location,
               {job.name.text, dataset.name.text},
               {{*dataset.external, "'" + dataset.name.text + "' is declared external here"}});
    } else if (port.columns) {
      check_unique(
          *port.columns, [](const Name& n) -> const Name& { return n; }, SymbolKind::Column,
          port.name.text);
      for (const Name& column : *port.columns) {
        if (dataset.columns.empty()) continue;  // unknown schema: nothing to check
        const Column* declared = dataset.find_column(column.text);
        if (!declared) {
          report(DiagnosticCode::UnknownColumn, column.location, {dataset.name.text, column.text},
                 {{dataset.name.location, "'" + dataset.name.text + "' is declared here"}});
        } else {
          refer(column.location, SymbolKind::Column, declared->name.location);
        }
      }
    }
  }

  std::string key_what(const Dataset& dataset, const KeyDecl& key) {
    return "key '" + key.name.text + "' of '" + dataset.name.text + "'";
  }

  void link_input_binding(const Dataset& dataset, const KeyDecl& key, const Binding& binding,
                          const Scope& scope) {
    const Expr& value = binding.value;
    const TypeRef& type = key.type;
    if (value.kind == ExprKind::Wildcard) {
      bool finite = type.kind == KeyKind::Enum || (key.since && key.until);
      if (!finite && type.kind != KeyKind::Unknown) {
        std::string why = is_ordered(type.kind)
                              ? (key.since   ? "unbounded above (it has no 'until')"
                                 : key.until ? "unbounded below (it has no 'since')"
                                             : "unbounded (it has neither 'since' nor 'until')")
                              : "a " + type.display + " key, which has no finite domain";
        report(DiagnosticCode::WildcardUnboundedKey, value.location,
               {key.name.text, dataset.name.text, why},
               {{key.name.location, "key '" + key.name.text + "' is declared here"}});
      }
      return;
    }
    if (binding.op == BindingOperator::In) {
      if (value.kind == ExprKind::Range) {
        if (type.kind != KeyKind::Unknown && !is_ordered(type.kind)) {
          report(DiagnosticCode::TypeMismatch, value.location,
                 {"a single value for " + key_what(dataset, key) + " (ranges need an ordered key)",
                  "a range"});
          return;
        }
        for (const Expr& end : value.operands())
          expect(end, type_of(end, type, scope), type, [&] { return key_what(dataset, key); });
        return;
      }
      ValueType range = type_of(value, type, scope);
      if (range.what == ValueType::Unknown || type.kind == KeyKind::Unknown) return;
      if (range.what != ValueType::Range) {
        report(DiagnosticCode::TypeMismatch, value.location,
               {"a range (a .. b, days_of(month) or hours_of(date)) after 'in'",
                describe_value(range)});
      } else if (range.kind != type.kind) {
        report(DiagnosticCode::TypeMismatch, value.location,
               {"a range of " + describe_type(type).substr(2) + "s for " + key_what(dataset, key),
                describe_value(range)});
      }
      return;
    }
    ValueType actual = type_of(value, type, scope);
    if (actual.what == ValueType::Range) {
      report(DiagnosticCode::TypeMismatch, value.location,
             {describe_type(type) + " for " + key_what(dataset, key) + " (write 'in' for a range)",
              describe_value(actual)});
      return;
    }
    expect(value, actual, type, [&] { return key_what(dataset, key); });
  }

  void link_output_binding(const Dataset& dataset, const KeyDecl& key, const Binding& binding,
                           const Scope& scope) {
    const Expr& value = binding.value;
    const char* invalid = value.kind == ExprKind::Wildcard ? "a wildcard"
                          : value.kind == ExprKind::Range || binding.op == BindingOperator::In
                              ? "a range"
                          : value.kind == ExprKind::Binary ? "an arithmetic expression"
                          : value.kind == ExprKind::Call   ? "a function call"
                          : value.kind == ExprKind::Now    ? "'now'"
                                                           : nullptr;
    if (invalid) {
      report(DiagnosticCode::InvalidOutputBinding, value.location, {key.name.text, invalid});
      return;
    }
    expect(value, type_of(value, key.type, scope), key.type,
           [&] { return key_what(dataset, key); });
  }

  // Whether `expr` may name `name`. An invalid expression (already reported)
  // may have, and assuming so keeps unbound-parameter from piling on.
  static bool mentions(const Expr& expr, Symbol name) {
    if (expr.kind == ExprKind::Invalid) return true;
    if (expr.kind == ExprKind::Identifier) return expr.text == name;
    return std::any_of(expr.operands().begin(), expr.operands().end(),
                       [&](const Expr& operand) { return mentions(operand, name); });
  }

  void check_parameters_bound(const Job& job, const Port& output) {
    for (const Parameter& parameter : job.parameters) {
      // A parameter inside an invalid binding (`d - 1d`) counts as present:
      // that binding has its own diagnostic.
      bool appears =
          std::any_of(output.pattern.bindings.begin(), output.pattern.bindings.end(),
                      [&](const Binding& b) { return mentions(b.value, parameter.name.text); });
      if (!appears)
        report(DiagnosticCode::UnboundParameter, output.pattern.location,
               {parameter.name.text, job.name.text, output.name.text},
               {{parameter.name.location, "'" + parameter.name.text + "' is declared here"}});
    }
  }

  // ---- pass 5: workspace-wide ------------------------------------------------------

  void check_producers() {
    for (const FileModel& file : files_) {
      for (const Dataset& dataset : file.datasets) {
        if (!dataset.canonical()) continue;  // a duplicate
        if (!dataset.external && linked_.producers.of(dataset).empty())
          report(DiagnosticCode::NoProducer, dataset.name.location, {dataset.name.text});
      }
    }
  }

  // A duplicate declaration (already reported) is never looked up, so it is
  // not "unused" either.
  void check_unused() {
    for (const FileModel& file : files_) {
      for (const Policy& policy : file.policies) {
        if (first_definition(linked_.policies, policy) && !sink_.used.count(policy.name.text))
          report(DiagnosticCode::UnusedDefinition, policy.name.location,
                 {"policy", policy.name.text});
      }
      for (const TypeDecl& type : file.types) {
        if (first_definition(linked_.types, type) && !sink_.used.count(type.name.text))
          report(DiagnosticCode::UnusedDefinition, type.name.location, {"type", type.name.text});
      }
    }
  }

  std::vector<FileModel>& files_;
  const std::vector<std::string>& paths_;
  // Filled by declare() through out_, read-only while datasets and jobs are linked.
  const LinkedWorkspace& linked_;
  LinkedWorkspace* out_;
  // Where this Linker's findings go.
  LinkOutput& sink_;
  bool navigation_;
  // Lists reused from one job (ports_scratch_) or pattern (bound_scratch_) to
  // the next instead of a heap block each; neither nests.
  std::vector<const Port*> ports_scratch_;
  std::vector<const Binding*> bound_scratch_;
};

}  // namespace

std::string describe_type(const TypeRef& type) {
  if (type.kind == KeyKind::Enum && type.enumeration) {
    return "a value of " + (type.inline_enum ? type.display.str() : "enum " + type.name) + " (" +
           enum_values_text(*type.enumeration) + ")";
  }
  return describe_kind(type.kind);
}

namespace {

// Below this many datasets and jobs per thread linking uses fewer threads:
// starting one costs about as much as linking a few dozen declarations.
constexpr size_t kDeclarationsPerThread = 2000;

// Splits files into up to `threads` contiguous runs of about equal numbers of
// declarations: [bounds[i], bounds[i + 1]).
std::vector<size_t> split_files(const std::vector<FileModel>& files, unsigned threads) {
  size_t total = 0;
  for (const FileModel& file : files) total += file.datasets.size() + file.jobs.size();
  std::vector<size_t> bounds = {0};
  size_t done = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    done += files[i].datasets.size() + files[i].jobs.size();
    if (bounds.size() < threads && done * threads >= total * bounds.size()) bounds.push_back(i + 1);
  }
  if (bounds.back() != files.size()) bounds.push_back(files.size());
  return bounds;
}

// Runs link_pass(linker, begin, end) over each run of files on its own thread,
// each Linker writing its own LinkOutput, then appends those to `into` in
// file order.
template <typename MakeLinker, typename Pass>
void link_in_parallel(const std::vector<size_t>& bounds, LinkOutput& into,
                      const MakeLinker& make_linker, const Pass& link_pass) {
  size_t runs = bounds.size() - 1;
  std::vector<LinkOutput> outputs(runs);
  auto work = [&](size_t run) {
    Linker linker = make_linker(outputs[run]);
    link_pass(linker, bounds[run], bounds[run + 1]);
  };
  std::vector<std::thread> pool;
  for (size_t run = 1; run < runs; ++run) pool.emplace_back(work, run);
  if (runs > 0) work(0);
  for (std::thread& thread : pool) thread.join();
  into.append(outputs);
}

}  // namespace

LinkedWorkspace link(std::vector<FileModel>& files, const std::vector<std::string>& paths,
                     const LinkOptions& options) {
  LinkedWorkspace out;
  LinkOutput found;
  auto make_linker = [&](LinkOutput& sink) {
    return Linker(files, paths, out, nullptr, sink, /*navigation=*/false);
  };
  Linker declarer(files, paths, out, &out, found, /*navigation=*/false);
  declarer.declare_all();

  size_t declarations = 0;
  for (const FileModel& file : files) declarations += file.datasets.size() + file.jobs.size();
  size_t threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  threads =
      std::clamp<size_t>(declarations / kDeclarationsPerThread, 1, std::max<size_t>(threads, 1));
  std::vector<size_t> bounds = split_files(files, static_cast<unsigned>(threads));
  link_in_parallel(bounds, found, make_linker, [](Linker& linker, size_t begin, size_t end) {
    linker.link_datasets(begin, end);
  });
  link_in_parallel(bounds, found, make_linker,
                   [](Linker& linker, size_t begin, size_t end) { linker.link_jobs(begin, end); });
  out.producers.assign(out.datasets.size(), std::move(found.producers));
  out.readers.assign(out.datasets.size(), std::move(found.readers));
  declarer.check_workspace();

  out.diagnostics = std::move(found.diagnostics);
  check_flow(out, /*in_parallel=*/threads > 1);
  return out;
}

FileNavigation navigate_file(std::vector<FileModel>& files, const LinkedWorkspace& linked,
                             FileId file) {
  static const std::vector<std::string> kNoPaths;  // only declare() reads paths
  LinkOutput found;
  Linker linker(files, kNoPaths, linked, nullptr, found, /*navigation=*/true);
  linker.define_declarations(files[file]);
  linker.link_datasets(file, file + 1);
  linker.link_jobs(file, file + 1);
  return {std::move(found.definitions), std::move(found.references)};
}

}  // namespace databuild
