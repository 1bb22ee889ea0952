// The flow checks run in this order over the canonical jobs and datasets (the
// first definition of each name):
//   1. overlapping-producers, pairwise among the producers of each dataset
//      only, so a workspace of many datasets with one producer each costs
//      nothing: the pairwise test is exact (a small unification of the two
//      patterns' bindings) and rarely runs;
//   2. self-reads (well-founded recursion, unbounded-recursion) decide which
//      input edges the cycle search may ignore, then Tarjan's algorithm
//      (iterative: a chain of 100k jobs must not overflow the stack) finds the
//      cycles, one diagnostic per strongly connected component;
//   3. labels, one breadth-first search per label, then taint-denied and
//      useless-removal read the result.
// 1–2 and 3 share nothing but the linked model they read, so on a large
// workspace 3 runs on a thread of its own beside them (`check` waits for the
// flow checks on one core otherwise: a tenth of a second at 100k jobs). Each
// half keeps its diagnostics apart, appended in the order above.
#include "flow.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <thread>

#include "link.h"

namespace databuild {

std::string describe_step(const FlowStep& step, std::string_view label) {
  auto quoted = [](std::string_view text) { return "'" + std::string(text) + "'"; };
  std::string labelled = quoted(label);
  switch (step.kind) {
    case FlowStep::Kind::DatasetTaint:
      return quoted(step.dataset->name.text) + " is tainted " + labelled + " here";
    case FlowStep::Kind::ColumnTaint:
      return "column " + quoted(step.column->name.text) + " of " + quoted(step.dataset->name.text) +
             " is tainted " + labelled + " here";
    case FlowStep::Kind::Input:
      return "job " + quoted(step.job->name.text) + " reads " + quoted(step.dataset->name.text) +
             " through input " + quoted(step.port->name.text);
    case FlowStep::Kind::Job:
      return "job " + quoted(step.job->name.text) +
             (label.empty() ? " is declared here" : " does not remove " + labelled);
    case FlowStep::Kind::Output:
      return "job " + quoted(step.job->name.text) + " writes " + quoted(step.dataset->name.text) +
             " through output " + quoted(step.port->name.text);
    case FlowStep::Kind::Dataset:
      return quoted(step.dataset->name.text) +
             (label.empty() ? " is declared here" : " carries " + labelled);
  }
  return {};
}

// ---- DataFlow: the label API ------------------------------------------------------

const std::vector<LabelSource>& DataFlow::labels_of(const Dataset& dataset) const {
  static const std::vector<LabelSource> kNone;
  auto it = labels_.find(&dataset);
  return it == labels_.end() ? kNone : it->second;
}

const LabelSource* DataFlow::find_label(const Dataset& dataset, std::string_view label) const {
  for (const LabelSource& source : labels_of(dataset)) {
    if (source.label == label) return &source;
  }
  return nullptr;
}

namespace {

// The first column of `source` that `input` reads (every column when it has
// no column list, or when `input` is null: a dataset's label covers them all).
const Column* column_read(const LabelSource& source, const Port* input) {
  for (const Column* column : source.columns) {
    if (!input || !input->columns) return column;
    for (const Name& listed : *input->columns) {
      if (listed.text == column->name.text) return column;
    }
  }
  return nullptr;
}

}  // namespace

bool DataFlow::carries(const Port& input, std::string_view label) const {
  if (!input.pattern.target) return false;
  const LabelSource* source = find_label(*input.pattern.target, label);
  return source && (source->declared || source->propagated() || column_read(*source, &input));
}

std::vector<std::string> DataFlow::labels_carried_by(const Port& input) const {
  std::vector<std::string> carried;
  if (!input.pattern.target) return carried;
  for (const LabelSource& source : labels_of(*input.pattern.target)) {
    if (carries(input, source.label)) carried.push_back(source.label.str());
  }
  return carried;
}

std::vector<FlowStep> DataFlow::label_path(const Dataset& dataset, std::string_view label) const {
  using Kind = FlowStep::Kind;
  std::vector<FlowStep> reversed;
  const Dataset* current = &dataset;
  const Port* reading = nullptr;  // the input that carries the label out of `current`
  // Each propagated step goes back to a dataset labelled earlier in the search,
  // so the walk ends; the bound only guards against a corrupted model.
  for (size_t guard = 0; guard <= labels_.size(); ++guard) {
    const LabelSource* source = find_label(*current, label);
    if (!source) break;
    if (source->declared) {
      reversed.push_back({Kind::DatasetTaint, source->declared->location, current});
      break;
    }
    if (const Column* column = column_read(*source, reading)) {
      reversed.push_back(
          {Kind::ColumnTaint, column->taints.front().location, current, nullptr, nullptr, column});
      for (const Name& taint : column->taints) {
        if (taint.text == label) reversed.back().location = taint.location;
      }
      break;
    }
    if (!source->propagated()) break;
    const Job* job = source->via_job;
    const Dataset* upstream = source->via_input->pattern.target;
    reversed.push_back({Kind::Dataset, current->name.location, current});
    reversed.push_back(
        {Kind::Output, source->via_output->pattern.location, current, job, source->via_output});
    reversed.push_back({Kind::Job, job->name.location, nullptr, job});
    reversed.push_back(
        {Kind::Input, source->via_input->pattern.location, upstream, job, source->via_input});
    current = upstream;
    reading = source->via_input;
  }
  return {reversed.rbegin(), reversed.rend()};
}

// ---- the checks ----------------------------------------------------------------------

namespace {

bool is_ordered(KeyKind kind) {
  return kind == KeyKind::Date || kind == KeyKind::Hour || kind == KeyKind::Month ||
         kind == KeyKind::Int;
}

bool is_ordered_literal(ExprKind kind) {
  return kind == ExprKind::Date || kind == ExprKind::Hour || kind == ExprKind::Month ||
         kind == ExprKind::Integer;
}

// Whether a literal in `value` (or at the ends of a range) has the key's type;
// other values were typed by link() and are taken as they are.
bool fits_key(const Expr& value, KeyKind key) {
  if (value.kind == ExprKind::Range)
    return fits_key(value.operands()[0], key) && fits_key(value.operands()[1], key);
  static const std::pair<ExprKind, KeyKind> kLiteralTypes[] = {{ExprKind::Date, KeyKind::Date},
                                                               {ExprKind::Hour, KeyKind::Hour},
                                                               {ExprKind::Month, KeyKind::Month},
                                                               {ExprKind::Integer, KeyKind::Int}};
  for (const auto& [literal, type] : kLiteralTypes) {
    if (value.kind == literal) return key == type;
  }
  return true;
}

// The binding of each key of `dataset` in `pattern`, or nullopt when a key is
// unbound or a binding is unresolved or mistyped (already reported: nothing to
// judge).
std::optional<std::vector<const Binding*>> bindings_by_key(const Pattern& pattern) {
  const Dataset& dataset = *pattern.target;
  std::vector<const Binding*> bound(dataset.keys.size(), nullptr);
  for (const Binding& binding : pattern.bindings) {
    if (binding.key_index < 0 || binding.value.kind == ExprKind::Invalid ||
        !fits_key(binding.value, dataset.keys[binding.key_index].type.kind))
      return std::nullopt;
    if (!bound[binding.key_index]) bound[binding.key_index] = &binding;
  }
  for (const Binding* binding : bound) {
    if (!binding) return std::nullopt;
  }
  return bound;
}

// ---- overlapping producers -------------------------------------------------------------

// The values one key may take: an interval for ordered keys (`until now` is
// no fixed bound, so it leaves the interval open above), the listed values of
// an enum, anything for a string.
struct KeyDomain {
  int64_t low = std::numeric_limits<int64_t>::min();
  int64_t high = std::numeric_limits<int64_t>::max();
  const EnumType* enumeration = nullptr;
};

KeyDomain domain_of(const KeyDecl& key) {
  KeyDomain domain;
  if (key.type.kind == KeyKind::Enum) domain.enumeration = key.type.enumeration;
  if (key.since && is_ordered_literal(key.since->kind)) domain.low = key.since->value();
  if (key.until && is_ordered_literal(key.until->kind)) domain.high = key.until->value();
  return domain;
}

bool enum_has(const EnumType& enumeration, std::string_view value) {
  return std::any_of(enumeration.values.begin(), enumeration.values.end(),
                     [&](const EnumValue& v) { return v.value == value; });
}

// Decides whether two output patterns on one dataset can match the same
// partition. Each key equates the two sides' bindings; the equations are
// solved by union-find over terms (a parameter of one side, or a literal).
// Parameters of the two sides are distinct even for two outputs of one job:
// two runs of it can produce one partition as well. A class of terms is
// satisfiable when its literals agree and some value lies in the domain of
// every key it binds. nullopt: something cannot be judged (a type mismatch,
// an unknown type; already reported).
class OverlapSolver {
 public:
  std::optional<bool> overlap(const Pattern& first, const Job& first_job, const Pattern& second,
                              const Job& second_job) {
    auto first_bound = bindings_by_key(first);
    auto second_bound = bindings_by_key(second);
    if (!first_bound || !second_bound) return std::nullopt;
    const Dataset& dataset = *first.target;
    std::vector<std::pair<int, int>> key_terms;
    for (size_t key = 0; key < dataset.keys.size(); ++key) {
      std::optional<int> a = term((*first_bound)[key]->value, first_job, 0);
      std::optional<int> b = term((*second_bound)[key]->value, second_job, 1);
      if (!a || !b || dataset.keys[key].type.kind == KeyKind::Unknown) return std::nullopt;
      unite(*a, *b);
      key_terms.emplace_back(*a, *b);
    }
    std::vector<Class> classes(terms_.size());
    for (size_t term = 0; term < terms_.size(); ++term) {
      Class& owner = classes[find(static_cast<int>(term))];
      if (const Expr* literal = terms_[term].literal) {
        if (owner.literal && !same_literal(*owner.literal, *literal)) return false;
        owner.literal = literal;
      }
    }
    for (size_t key = 0; key < dataset.keys.size(); ++key) {
      Class& owner = classes[find(key_terms[key].first)];
      KeyDomain domain = domain_of(dataset.keys[key]);
      owner.low = std::max(owner.low, domain.low);
      owner.high = std::min(owner.high, domain.high);
      if (domain.enumeration) owner.enumerations.push_back(domain.enumeration);
      bool ordered = is_ordered(dataset.keys[key].type.kind);
      if (owner.literal && ordered != is_ordered_literal(owner.literal->kind)) return std::nullopt;
    }
    return std::all_of(classes.begin(), classes.end(),
                       [](const Class& c) { return c.satisfiable(); });
  }

 private:
  struct Term {
    int side;
    std::string_view parameter;  // empty for a literal
    const Expr* literal = nullptr;
  };

  struct Class {
    const Expr* literal = nullptr;
    int64_t low = std::numeric_limits<int64_t>::min();
    int64_t high = std::numeric_limits<int64_t>::max();
    std::vector<const EnumType*> enumerations;

    bool admits(std::string_view value) const {
      return std::all_of(enumerations.begin(), enumerations.end(),
                         [&](const EnumType* e) { return enum_has(*e, value); });
    }

    bool satisfiable() const {
      if (literal && is_ordered_literal(literal->kind))
        return low <= literal->value() && literal->value() <= high;
      if (literal) return admits(literal->text);
      if (low > high) return false;
      if (enumerations.empty()) return true;
      return std::any_of(enumerations[0]->values.begin(), enumerations[0]->values.end(),
                         [&](const EnumValue& v) { return admits(v.value); });
    }
  };

  static bool same_literal(const Expr& a, const Expr& b) {
    if (is_ordered_literal(a.kind) || is_ordered_literal(b.kind))
      return a.kind == b.kind && a.value() == b.value();
    return a.text == b.text;  // enum values, as identifiers or strings
  }

  // A term for an output binding's value: the job's parameter, or a literal
  // (an identifier that is no parameter is an enum value).
  std::optional<int> term(const Expr& value, const Job& job, int side) {
    bool parameter = value.kind == ExprKind::Identifier && job.find_parameter(value.text);
    if (parameter) {
      for (size_t i = 0; i < terms_.size(); ++i) {
        if (terms_[i].side == side && terms_[i].parameter == value.text) return static_cast<int>(i);
      }
    } else if (!is_ordered_literal(value.kind) && value.kind != ExprKind::Identifier &&
               value.kind != ExprKind::String) {
      return std::nullopt;  // an invalid output binding, already reported
    }
    terms_.push_back(
        {side, parameter ? std::string_view(value.text) : "", parameter ? nullptr : &value});
    parents_.push_back(static_cast<int>(parents_.size()));
    return static_cast<int>(terms_.size() - 1);
  }

  int find(int term) {
    while (parents_[term] != term) term = parents_[term] = parents_[parents_[term]];
    return term;
  }

  void unite(int a, int b) { parents_[find(a)] = find(b); }

  std::vector<Term> terms_;
  std::vector<int> parents_;
};

// ---- self-reads ------------------------------------------------------------------------------

// How a job's input on its own output dataset relates to that output.
enum class SelfRead {
  WellFounded,  // strictly earlier on a `since` key, other keys identical
  Unbounded,    // the same shape on a key without `since`
  Cycle,        // anything else: the same partition, a later one, a range over it
  Unjudged,     // an unresolved or invalid binding (already reported)
};

// `expr` as `parameter` plus a constant number of steps, if it is one.
std::optional<int64_t> offset_from(const Expr& expr, std::string_view parameter) {
  if (expr.kind == ExprKind::Identifier) {
    return expr.text == parameter ? std::optional<int64_t>(0) : std::nullopt;
  }
  if (expr.kind != ExprKind::Binary || (expr.operands()[1].kind != ExprKind::Duration &&
                                        expr.operands()[1].kind != ExprKind::Integer))
    return std::nullopt;
  std::optional<int64_t> base = offset_from(expr.operands()[0], parameter);
  if (!base) return std::nullopt;
  int64_t step = expr.operands()[1].value();
  return expr.op == '-' ? *base - step : *base + step;
}

// Whether the input binding reads only values before `parameter`.
bool strictly_before(const Binding& input, std::string_view parameter) {
  const Expr& value = input.value;
  const Expr* last = value.kind == ExprKind::Range ? &value.operands()[1] : &value;
  if (value.kind != ExprKind::Range && input.op != BindingOperator::Equals) return false;
  std::optional<int64_t> offset = offset_from(*last, parameter);
  return offset && *offset < 0;
}

bool same_binding(const Binding& input, const Binding& output) {
  return input.op == BindingOperator::Equals && input.value.kind == output.value.kind &&
         input.value.text == output.value.text && input.value.value() == output.value.value();
}

struct SelfReadVerdict {
  SelfRead kind = SelfRead::Cycle;
  const Binding* earlier = nullptr;  // the binding that reads earlier partitions
};

SelfReadVerdict classify_self_read(const Job& job, const Pattern& input, const Pattern& output) {
  auto in = bindings_by_key(input);
  auto out = bindings_by_key(output);
  if (!in || !out) return {SelfRead::Unjudged};
  const Dataset& dataset = *input.target;
  SelfReadVerdict verdict;
  for (size_t key = 0; key < dataset.keys.size(); ++key) {
    const Binding& read = *(*in)[key];
    const Binding& written = *(*out)[key];
    if (same_binding(read, written)) continue;
    bool by_parameter =
        written.value.kind == ExprKind::Identifier && job.find_parameter(written.value.text);
    if (verdict.earlier || !by_parameter || !is_ordered(dataset.keys[key].type.kind) ||
        !strictly_before(read, written.value.text))
      return {SelfRead::Cycle};
    verdict.earlier = &read;
  }
  if (!verdict.earlier) return {SelfRead::Cycle};
  const KeyDecl& key = dataset.keys[verdict.earlier->key_index];
  verdict.kind = key.since ? SelfRead::WellFounded : SelfRead::Unbounded;
  return verdict;
}

}  // namespace

class FlowChecker {
 public:
  explicit FlowChecker(LinkedWorkspace& linked) : linked_(linked) {}

  void run(bool in_parallel) {
    collect();
    auto check_structure = [this] {
      check_overlaps();
      build_graph();
      check_cycles();
    };
    auto check_labels = [this] {
      propagate_labels();
      check_denies();
      check_removals();
    };
    if (in_parallel) {
      std::thread labels(check_labels);
      check_structure();
      labels.join();
    } else {
      check_structure();
      check_labels();
    }
    for (auto* found : {&structure_diagnostics_, &label_diagnostics_})
      std::move(found->begin(), found->end(), std::back_inserter(linked_.diagnostics));
  }

 private:
  static void report(std::vector<Diagnostic>& into, DiagnosticCode id, Location location,
                     std::initializer_list<std::string_view> args,
                     std::vector<RelatedLocation> related = {}) {
    into.push_back(make_diagnostic(id, location, args, std::move(related)));
  }

  // Canonical jobs and datasets in source order, indexed by their link_index:
  // the graph's nodes are datasets [0, D) then jobs [D, D + J).
  void collect() {
    datasets_.reserve(linked_.datasets.size());
    for (const auto& [name, dataset] : linked_.datasets) datasets_.push_back(dataset);
    jobs_.reserve(linked_.jobs.size());
    for (const auto& [name, job] : linked_.jobs) jobs_.push_back(job);
  }

  // ---- overlapping-producers ----------------------------------------------------------

  void check_overlaps() {
    for (const Dataset* dataset : datasets_) {
      // Producers of an external dataset are errors already (external-has-producer).
      if (dataset->is_external()) continue;
      std::vector<PortRef> producers;
      for (const PortRef& producer : linked_.producers.of(*dataset)) {
        if (producer.job->canonical()) producers.push_back(producer);
      }
      for (size_t later = 1; later < producers.size(); ++later) {
        for (size_t earlier = 0; earlier < later; ++earlier) {
          const PortRef& a = producers[earlier];
          const PortRef& b = producers[later];
          OverlapSolver solver;
          if (solver.overlap(a.port->pattern, *a.job, b.port->pattern, *b.job) != true) continue;
          report(structure_diagnostics_, DiagnosticCode::OverlappingProducers,
                 b.port->pattern.location,
                 {b.port->name.text, b.job->name.text, dataset->name.text, a.port->name.text,
                  a.job->name.text},
                 {{a.port->pattern.location, "output '" + a.port->name.text + "' of job '" +
                                                 a.job->name.text + "' is declared here"}});
        }
      }
    }
  }

  // ---- cycle, unbounded-recursion -----------------------------------------------------

  // A node's number, and an edge's: 32 bits, half of size_t, because the
  // graph's arrays are as long as the workspace is large and the label
  // checks build theirs at the same time (at 100k jobs, 4 MB of `check`'s
  // peak memory).
  using Node = uint32_t;

  struct Edge {
    Node to;
    const Port* port;  // the input (dataset → job) or the output (job → dataset)
  };

  Node node_of(const Job& job) const {
    return static_cast<Node>(datasets_.size() + job.link_index);
  }
  size_t node_count() const { return datasets_.size() + jobs_.size(); }
  std::span<const Edge> edges_from(size_t node) const {
    return {edges_.data() + first_edge_[node], edges_.data() + first_edge_[node + 1]};
  }

  // The edges, grouped by the node they leave (compressed rows: one array
  // for the whole graph, not one per node). Two passes over the ports, the
  // first counting, so that no list of edges in found order is held beside
  // the final one: at 100k jobs that list (12 MB) was part of `check`'s peak
  // memory.
  void build_graph() {
    // Whether each input counts as an edge, decided once: the decision may
    // report unbounded-recursion.
    std::vector<bool> input_is_edge;
    first_edge_.assign(node_count() + 1, 0);
    for (const Job* job : jobs_) {
      for (const Port& input : job->inputs) {
        bool edge = input.pattern.target && counts_as_edge(*job, input);
        input_is_edge.push_back(edge);
        if (edge) ++first_edge_[input.pattern.target->link_index + 1];
      }
      for (const Port& output : job->outputs) first_edge_[node_of(*job) + 1] += is_edge(output);
    }
    for (size_t node = 0; node < node_count(); ++node) first_edge_[node + 1] += first_edge_[node];
    edges_.resize(first_edge_.back());
    std::vector<Node> next(first_edge_.begin(), first_edge_.end() - 1);
    size_t input_index = 0;
    for (const Job* job : jobs_) {
      Node node = node_of(*job);
      for (const Port& input : job->inputs) {
        if (input_is_edge[input_index++])
          edges_[next[input.pattern.target->link_index]++] = {node, &input};
      }
      for (const Port& output : job->outputs) {
        if (is_edge(output))
          edges_[next[node]++] = {static_cast<Node>(output.pattern.target->link_index), &output};
      }
    }
  }

  // An external dataset is never built, so writing it (external-has-producer)
  // makes no dependency.
  static bool is_edge(const Port& output) {
    return output.pattern.target && !output.pattern.target->is_external();
  }

  // A read of the job's own output dataset is no dependency edge when it is
  // well-founded recursion (against every output into that dataset), nor when
  // it is unbounded recursion, which gets its own diagnostic here.
  bool counts_as_edge(const Job& job, const Port& input) {
    SelfReadVerdict worst{SelfRead::WellFounded};
    bool self = false;
    for (const Port& output : job.outputs) {
      if (output.pattern.target != input.pattern.target) continue;
      self = true;
      SelfReadVerdict verdict = classify_self_read(job, input.pattern, output.pattern);
      if (verdict.kind == SelfRead::Unjudged) return false;
      if (verdict.kind == SelfRead::Cycle) return true;
      if (verdict.kind == SelfRead::Unbounded) worst = verdict;
    }
    if (!self) return true;
    if (worst.kind == SelfRead::Unbounded) {
      const Dataset& dataset = *input.pattern.target;
      const KeyDecl& key = dataset.keys[worst.earlier->key_index];
      report(structure_diagnostics_, DiagnosticCode::UnboundedRecursion,
             worst.earlier->value.location, {job.name.text, dataset.name.text, key.name.text},
             {{key.name.location, "key '" + key.name.text + "' is declared here without 'since'"}});
    }
    return false;
  }

  // Tarjan's strongly connected components, with an explicit stack.
  std::vector<Node> components() const {
    constexpr Node kUnvisited = std::numeric_limits<Node>::max();
    size_t count = node_count();
    std::vector<Node> index(count, kUnvisited), low(count), component(count, kUnvisited);
    std::vector<Node> stack;
    std::vector<bool> on_stack(count);
    std::vector<std::pair<Node, Node>> calls;  // (node, next edge)
    Node next_index = 0, next_component = 0;
    for (Node root = 0; root < count; ++root) {
      if (index[root] != kUnvisited) continue;
      calls.push_back({root, 0});
      while (!calls.empty()) {
        auto& [node, edge] = calls.back();
        if (edge == 0 && index[node] == kUnvisited) {
          index[node] = low[node] = next_index++;
          stack.push_back(node);
          on_stack[node] = true;
        }
        if (edge < edges_from(node).size()) {
          Node to = edges_from(node)[edge++].to;
          if (index[to] == kUnvisited) {
            calls.push_back({to, 0});
          } else if (on_stack[to]) {
            low[node] = std::min(low[node], index[to]);
          }
          continue;
        }
        if (low[node] == index[node]) {
          Node member;
          do {
            member = stack.back();
            stack.pop_back();
            on_stack[member] = false;
            component[member] = next_component;
          } while (member != node);
          ++next_component;
        }
        Node finished = node;
        calls.pop_back();
        if (!calls.empty())
          low[calls.back().first] = std::min(low[calls.back().first], low[finished]);
      }
    }
    return component;
  }

  void check_cycles() {
    std::vector<Node> component = components();
    std::vector<Node> size(node_count());
    for (size_t c : component) ++size[c];
    std::vector<bool> reported(node_count());
    // Jobs in source order: each cycle is reported from its first job.
    for (const Job* job : jobs_) {
      Node c = component[node_of(*job)];
      if (size[c] < 2 || reported[c]) continue;
      reported[c] = true;
      report_cycle(node_of(*job), component);
    }
  }

  // Reports the shortest cycle through `start` (a job), found breadth-first
  // within its component, on the input that closes it.
  void report_cycle(Node start, const std::vector<Node>& component) {
    std::vector<const Edge*> arrived_by(node_count(), nullptr);
    std::vector<Node> came_from(node_count());
    std::deque<Node> queue = {start};
    const Edge* closing = nullptr;
    Node closing_from = 0;
    while (!queue.empty() && !closing) {
      Node node = queue.front();
      queue.pop_front();
      for (const Edge& edge : edges_from(node)) {
        if (component[edge.to] != component[start]) continue;
        if (edge.to == start) {
          closing = &edge;
          closing_from = node;
          break;
        }
        if (arrived_by[edge.to]) continue;
        arrived_by[edge.to] = &edge;
        came_from[edge.to] = node;
        queue.push_back(edge.to);
      }
    }
    // Walk back from the dataset the closing input reads to `start`.
    std::vector<std::pair<Node, const Edge*>> hops = {{closing_from, closing}};
    for (Node node = closing_from; node != start; node = came_from[node])
      hops.push_back({came_from[node], arrived_by[node]});
    std::reverse(hops.begin(), hops.end());  // start → ... → closing_from → start
    // Present it from the dataset the closing input reads: dataset, input,
    // job, output, dataset, ...
    std::rotate(hops.begin(), hops.end() - 1, hops.end());
    std::vector<FlowStep> steps;
    std::string names;
    for (const auto& [from, edge] : hops) {
      if (from < datasets_.size()) {
        const Dataset* dataset = datasets_[from];
        const Job* job = jobs_[edge->to - datasets_.size()];
        steps.push_back({FlowStep::Kind::Dataset, dataset->name.location, dataset});
        steps.push_back(
            {FlowStep::Kind::Input, edge->port->pattern.location, dataset, job, edge->port});
        steps.push_back({FlowStep::Kind::Job, job->name.location, nullptr, job});
        names += "dataset '" + dataset->name.text + "' -> job '" + job->name.text + "' -> ";
      } else {
        const Job* job = jobs_[from - datasets_.size()];
        const Dataset* dataset = datasets_[edge->to];
        steps.push_back(
            {FlowStep::Kind::Output, edge->port->pattern.location, dataset, job, edge->port});
      }
    }
    names += "dataset '" + steps.front().dataset->name.text + "'";
    std::vector<RelatedLocation> related;
    for (const FlowStep& step : steps) related.push_back({step.location, describe_step(step)});
    report(structure_diagnostics_, DiagnosticCode::Cycle, closing->port->pattern.location, {names},
           std::move(related));
  }

  // ---- labels -------------------------------------------------------------------------------

  bool resolved_policy(const Name& name) const { return linked_.policies.count(name.text) > 0; }

  LabelSource& label_source(const Dataset& dataset, Symbol label) {
    std::vector<LabelSource>& sources = linked_.flow.labels_[&dataset];
    for (LabelSource& source : sources) {
      if (source.label == label) return source;
    }
    sources.emplace_back().label = label;
    return sources.back();
  }

  static bool removes(const Job& job, std::string_view label) {
    for (const Removal& removal : job.removals) {
      for (const Name& policy : removal.policies) {
        if (policy.text == label) return true;
      }
    }
    return false;
  }

  void propagate_labels() {
    for (const Dataset* dataset : datasets_) {
      for (const Name& taint : dataset->taints) {
        if (!resolved_policy(taint)) continue;
        LabelSource& source = label_source(*dataset, taint.text);
        if (!source.declared) source.declared = &taint;
      }
      for (const Column& column : dataset->columns) {
        for (const Name& taint : column.taints) {
          if (!resolved_policy(taint)) continue;
          std::vector<const Column*>& columns = label_source(*dataset, taint.text).columns;
          if (columns.empty() || columns.back() != &column) columns.push_back(&column);
        }
      }
    }
    // The inputs that carry a label from its origin start its search.
    std::map<Symbol, std::vector<PortRef>> origins;
    for (const Job* job : jobs_) {
      for (const Port& input : job->inputs) {
        if (!input.pattern.target) continue;
        for (const LabelSource& source : linked_.flow.labels_of(*input.pattern.target)) {
          if (source.declared || column_read(source, &input))
            origins[source.label].push_back({job, &input});
        }
      }
    }
    for (const auto& [label, inputs] : origins) propagate(label, inputs);
    for (auto& [dataset, sources] : linked_.flow.labels_) {
      std::sort(sources.begin(), sources.end(),
                [](const LabelSource& a, const LabelSource& b) { return a.label < b.label; });
    }
  }

  // Breadth-first from the origin inputs: a job that does not remove the label
  // writes it into each output's dataset, whose every reader then carries it.
  // A dataset is labelled once, by the first (so shortest) path to reach it.
  void propagate(Symbol label, const std::vector<PortRef>& origins) {
    std::deque<const Dataset*> queue;
    auto pass_on = [&](const Job& job, const Port& input) {
      if (removes(job, label)) return;
      for (const Port& output : job.outputs) {
        if (!output.pattern.target) continue;
        LabelSource& source = label_source(*output.pattern.target, label);
        if (source.propagated()) continue;
        source.via_job = &job;
        source.via_input = &input;
        source.via_output = &output;
        queue.push_back(output.pattern.target);
      }
    };
    for (const PortRef& origin : origins) pass_on(*origin.job, *origin.port);
    while (!queue.empty()) {
      const Dataset* dataset = queue.front();
      queue.pop_front();
      for (const PortRef& reader : linked_.readers.of(*dataset)) {
        if (reader.job->canonical()) pass_on(*reader.job, *reader.port);
      }
    }
  }

  // ---- taint-denied, useless-removal -----------------------------------------------------

  void check_denies() {
    for (const Dataset* dataset : datasets_) {
      for (size_t i = 0; i < dataset->denies.size(); ++i) {
        const Name& denied = dataset->denies[i];
        bool repeated = std::any_of(dataset->denies.begin(), dataset->denies.begin() + i,
                                    [&](const Name& n) { return n.text == denied.text; });
        if (repeated || !linked_.flow.find_label(*dataset, denied.text)) continue;
        std::vector<RelatedLocation> path;
        for (const FlowStep& step : linked_.flow.label_path(*dataset, denied.text))
          path.push_back({step.location, describe_step(step, denied.text)});
        report(label_diagnostics_, DiagnosticCode::TaintDenied, denied.location,
               {denied.text, dataset->name.text}, std::move(path));
      }
    }
  }

  void check_removals() {
    for (const Job* job : jobs_) {
      // An unresolved input might carry anything: do not guess.
      bool all_resolved = std::all_of(job->inputs.begin(), job->inputs.end(),
                                      [](const Port& input) { return input.pattern.target; });
      if (!all_resolved) continue;
      for (const Removal& removal : job->removals) {
        for (const Name& policy : removal.policies) {
          if (!resolved_policy(policy)) continue;
          bool carried = std::any_of(
              job->inputs.begin(), job->inputs.end(),
              [&](const Port& input) { return linked_.flow.carries(input, policy.text); });
          if (!carried)
            report(label_diagnostics_, DiagnosticCode::UselessRemoval, policy.location,
                   {job->name.text, policy.text});
        }
      }
    }
  }

  LinkedWorkspace& linked_;
  // What the two halves of run() found, kept apart while they may run at once.
  std::vector<Diagnostic> structure_diagnostics_;
  std::vector<Diagnostic> label_diagnostics_;
  std::vector<const Dataset*> datasets_;
  std::vector<const Job*> jobs_;
  std::vector<Edge> edges_;
  // The edges leaving node n are edges_[first_edge_[n], first_edge_[n + 1]).
  std::vector<Node> first_edge_;
};

void check_flow(LinkedWorkspace& linked, bool in_parallel) { FlowChecker(linked).run(in_parallel); }

}  // namespace databuild
