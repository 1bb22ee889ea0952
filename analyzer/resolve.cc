// Job-target resolution: matching outputs backwards, evaluating inputs and
// templates forwards.
//
// Ordered values are integers in calendar.h's units, so a range is an interval
// and dropping what lies outside a domain is an intersection of intervals,
// not a walk over every value: a 365-day window costs 365 refs and nothing
// more, and `n in 0 .. 10^15` on a small domain costs only the domain.
//
// Arithmetic is checked (an int step that overflows is a Failure, never
// undefined behaviour). Calendar values may leave the years 0000-9999 through
// arithmetic; they are then simply outside every domain, but a function such
// as days_of() refuses them, since the calendar is not defined there.
#include "resolve.h"

#include <algorithm>

#include "calendar.h"

namespace databuild {
namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

uint64_t saturating_multiply(uint64_t a, uint64_t b) {
  uint64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? UINT64_MAX : product;
}

// The names an expression may use, with their values: a job's parameters, or
// in a `location`, a dataset's keys.
struct Scope {
  std::vector<std::string_view> names;
  std::vector<KeyValue> values;

  const KeyValue* find(std::string_view name) const {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == name) return &values[i];
    }
    return nullptr;
  }
};

std::optional<TimeUnit> time_unit(KeyKind kind) {
  switch (kind) {
    case KeyKind::Date:
      return TimeUnit::Date;
    case KeyKind::Hour:
      return TimeUnit::Hour;
    case KeyKind::Month:
      return TimeUnit::Month;
    default:
      return std::nullopt;
  }
}

// The inclusive interval of an ordered key's values.
struct Interval {
  int64_t first = 0, last = -1;
  uint64_t size() const {
    return last < first ? 0 : static_cast<uint64_t>(last) - static_cast<uint64_t>(first) + 1;
  }
};

// What link() has already reported as an error leaves nothing to evaluate.
Failure workspace_has_errors() {
  return Failure{
      "the workspace has errors that stop resolution; run 'databuild check' and fix them first"};
}

// Evaluates expressions. `expected` is the kind of the key (or parameter)
// being bound: it decides what a bare identifier that is no name in scope, or
// a string literal, stands for (an enum value, or a string).
class Evaluator {
 public:
  explicit Evaluator(const Scope& scope) : scope_(scope) {}

  Expected<KeyValue> value(const Expr& expr, KeyKind expected) const {
    switch (expr.kind) {
      case ExprKind::Integer:
        return KeyValue{KeyKind::Int, expr.value(), {}};
      case ExprKind::Date:
        return KeyValue{KeyKind::Date, expr.value(), {}};
      case ExprKind::Hour:
        return KeyValue{KeyKind::Hour, expr.value(), {}};
      case ExprKind::Month:
        return KeyValue{KeyKind::Month, expr.value(), {}};
      case ExprKind::String:
        return KeyValue{expected == KeyKind::Enum ? KeyKind::Enum : KeyKind::String, 0,
                        expr.text.str()};
      case ExprKind::Identifier:
        if (const KeyValue* bound = scope_.find(expr.text)) return *bound;
        if (expected == KeyKind::Enum) return KeyValue{KeyKind::Enum, 0, expr.text.str()};
        return workspace_has_errors();
      case ExprKind::Binary:
        return arithmetic(expr, expected);
      case ExprKind::Call:
        return call(expr);
      default:
        return workspace_has_errors();
    }
  }

  // A range: `A .. B`, days_of(M) or hours_of(D).
  Expected<Interval> interval(const Expr& expr, KeyKind expected) const {
    if (expr.kind == ExprKind::Range && expr.operands().size() == 2) {
      Expected<KeyValue> first = value(expr.operands()[0], expected);
      if (!first) return Failure{first.error()};
      Expected<KeyValue> last = value(expr.operands()[1], expected);
      if (!last) return Failure{last.error()};
      return Interval{first->number, last->number};
    }
    bool days = expr.text == "days_of", hours = expr.text == "hours_of";
    if (expr.kind != ExprKind::Call || (!days && !hours) || expr.operands().size() != 1)
      return workspace_has_errors();
    Expected<KeyValue> argument = calendar_argument(expr, days ? KeyKind::Month : KeyKind::Date);
    if (!argument) return Failure{argument.error()};
    if (hours) return Interval{argument->number * 24, argument->number * 24 + 23};
    int64_t first = first_date_of_month(argument->number);
    return Interval{first, first + days_in_month(argument->number) - 1};
  }

 private:
  Expected<KeyValue> arithmetic(const Expr& expr, KeyKind expected) const {
    Expected<KeyValue> base = value(expr.operands()[0], expected);
    if (!base) return base;
    const Expr& step_expr = expr.operands()[1];
    int64_t step = step_expr.value();
    if (base->kind == KeyKind::Date || base->kind == KeyKind::Hour) {
      if (step_expr.kind != ExprKind::Duration) return workspace_has_errors();
      step /= base->kind == KeyKind::Date ? kSecondsPerDay : kSecondsPerHour;
    } else if (base->kind != KeyKind::Month && base->kind != KeyKind::Int) {
      return workspace_has_errors();
    } else if (step_expr.kind != ExprKind::Integer) {
      return workspace_has_errors();
    }
    KeyValue result = *base;
    bool overflow = expr.op == '+' ? __builtin_add_overflow(base->number, step, &result.number)
                                   : __builtin_sub_overflow(base->number, step, &result.number);
    if (overflow)
      return Failure{"'" + value_text(*base) + " " + expr.op + " " +
                     (step_expr.kind == ExprKind::Integer ? std::to_string(step_expr.value())
                                                          : step_expr.text.str()) +
                     "' overflows 64 bits"};
    return result;
  }

  // month_of(date|hour), date_of(hour).
  Expected<KeyValue> call(const Expr& expr) const {
    if (expr.operands().size() != 1) return workspace_has_errors();
    if (expr.text == "date_of") {
      Expected<KeyValue> hour = calendar_argument(expr, KeyKind::Hour);
      if (!hour) return hour;
      return KeyValue{KeyKind::Date, floor_div(hour->number, 24), {}};
    }
    if (expr.text != "month_of") return workspace_has_errors();
    Expected<KeyValue> argument = value(expr.operands()[0], KeyKind::Unknown);
    if (!argument) return argument;
    KeyKind wanted = argument->kind == KeyKind::Hour ? KeyKind::Hour : KeyKind::Date;
    Expected<KeyValue> checked = calendar_argument(expr, wanted);
    if (!checked) return checked;
    int64_t date = wanted == KeyKind::Hour ? floor_div(checked->number, 24) : checked->number;
    return KeyValue{KeyKind::Month, month_of_date(date), {}};
  }

  // The argument of a calendar function, of kind `kind`, within the years
  // 0000-9999 where the calendar is defined.
  Expected<KeyValue> calendar_argument(const Expr& call, KeyKind kind) const {
    Expected<KeyValue> argument = value(call.operands()[0], kind);
    if (!argument) return argument;
    if (argument->kind != kind) return workspace_has_errors();
    KeyDomain calendar;
    calendar.kind = kind;
    if (!calendar.contains(*argument))
      return Failure{"'" + call.text + "(" + value_text(*argument) +
                     ")': the argument is outside the years 0000-9999"};
    return argument;
  }

  const Scope& scope_;
};

// Renders a `run`, `env` or `location` template. In a location, string values
// are escaped as in a ref, so that each stays one path component.
Expected<std::string> render(const TemplateString& text, const Scope& scope, bool escape_strings) {
  Evaluator evaluator(scope);
  std::string out;
  for (const TemplatePart& part : text.parts()) {
    if (!part.is_interpolation()) {
      out += part.literal();
      continue;
    }
    Expected<KeyValue> value = evaluator.value(*part.value, KeyKind::Unknown);
    if (!value) return Failure{value.error()};
    if (part.format()) {
      std::optional<TimeUnit> unit = time_unit(value->kind);
      std::optional<std::string> formatted =
          unit ? format_with(*unit, value->number, *part.format()) : std::nullopt;
      if (!formatted) return workspace_has_errors();
      out += *formatted;
    } else if (escape_strings && !is_ordered(value->kind)) {
      out += escape_value(value->text);
    } else {
      out += value_text(*value);
    }
  }
  return out;
}

// Expands one input pattern for one job run.
class InputExpander {
 public:
  InputExpander(const Evaluator& evaluator, BuildClock clock)
      : evaluator_(evaluator), clock_(clock) {}

  Expected<InputPartitions> expand(const Job& job, const Port& port) const {
    const Pattern& pattern = port.pattern;
    if (!pattern.target) return workspace_has_errors();
    const Dataset& dataset = *pattern.target;
    InputPartitions input;
    input.port = &port;
    if (port.columns) {
      for (const Name& column : *port.columns) input.columns.push_back(column.text.str());
    }
    // Per key: the values inside the domain, and how many the pattern named.
    std::vector<std::vector<KeyValue>> inside(dataset.keys.size());
    std::vector<uint64_t> named(dataset.keys.size(), 0);
    std::vector<bool> bound(dataset.keys.size(), false);
    PartitionRef outside{&dataset, std::vector<KeyValue>(dataset.keys.size())};
    input.single = true;
    for (const Binding& binding : pattern.bindings) {
      if (binding.key_index < 0 || static_cast<size_t>(binding.key_index) >= dataset.keys.size() ||
          bound[binding.key_index])
        return workspace_has_errors();
      size_t k = static_cast<size_t>(binding.key_index);
      bound[k] = true;
      const KeyDecl& key = dataset.keys[k];
      KeyDomain domain = key_domain(key, clock_);
      bool many = binding.op == BindingOperator::In || binding.value.kind == ExprKind::Wildcard;
      input.single = input.single && !many;
      if (!many) {
        Expected<KeyValue> value = evaluator_.value(binding.value, key.type.kind);
        if (!value) return Failure{value.error()};
        named[k] = 1;
        outside.values[k] = *value;
        if (domain.contains(*value)) {
          inside[k].push_back(*value);
        } else if (input.outside_reason.empty()) {
          input.outside_reason = *outside_domain(key, domain, *value);
        }
        continue;
      }
      Expected<uint64_t> count = expand_many(key, domain, binding.value, inside[k]);
      if (!count) return Failure{count.error()};
      named[k] = *count;
    }
    if (std::find(bound.begin(), bound.end(), false) != bound.end()) return workspace_has_errors();

    uint64_t total_named = 1, total_inside = 1;
    for (size_t k = 0; k < inside.size(); ++k) {
      total_named = saturating_multiply(total_named, named[k]);
      total_inside = saturating_multiply(total_inside, inside[k].size());
    }
    if (total_inside > kMaxExpandedPartitions)
      return Failure{"input '" + port.name.text + "' of job '" + job.name.text +
                     "' reads more than " + std::to_string(kMaxExpandedPartitions) + " partitions"};
    input.dropped = total_named - total_inside;
    bool reads_own_output =
        std::any_of(job.outputs.begin(), job.outputs.end(),
                    [&](const Port& output) { return output.pattern.target == pattern.target; });
    if (input.single && total_inside == 0 && !reads_own_output) {
      input.outside = std::move(outside);
      input.dropped = 0;
    }
    if (!input.outside) input.outside_reason.clear();
    append_product(dataset, inside, input.partitions);
    return input;
  }

 private:
  // `*` or `in RANGE`: appends the values inside the domain to `values`;
  // returns how many the pattern named.
  Expected<uint64_t> expand_many(const KeyDecl& key, const KeyDomain& domain, const Expr& expr,
                                 std::vector<KeyValue>& values) const {
    if (expr.kind == ExprKind::Wildcard && domain.kind == KeyKind::Enum && domain.enumeration) {
      for (const EnumValue& value : domain.enumeration->values)
        values.push_back({KeyKind::Enum, 0, value.value.str()});
      return static_cast<uint64_t>(values.size());
    }
    if (!is_ordered(domain.kind)) return workspace_has_errors();
    Interval named;
    if (expr.kind == ExprKind::Wildcard) {
      if (!domain.is_finite()) return workspace_has_errors();
      named = {*domain.since, *domain.until};
    } else {
      Expected<Interval> range = evaluator_.interval(expr, key.type.kind);
      if (!range) return Failure{range.error()};
      named = *range;
    }
    Interval kept{std::max({named.first, domain.lowest(), domain.since.value_or(INT64_MIN)}),
                  std::min({named.last, domain.highest(), domain.until.value_or(INT64_MAX)})};
    if (kept.size() > kMaxExpandedPartitions)
      return Failure{"key '" + key.name.text + "' takes more than " +
                     std::to_string(kMaxExpandedPartitions) + " values"};
    for (int64_t n = kept.first; n <= kept.last && kept.size() > 0; ++n)
      values.push_back({domain.kind, n, {}});
    return named.size();
  }

  // Every combination of `values` (one list per key), the first key slowest.
  static void append_product(const Dataset& dataset,
                             const std::vector<std::vector<KeyValue>>& values,
                             std::vector<PartitionRef>& out) {
    for (const std::vector<KeyValue>& choices : values) {
      if (choices.empty()) return;
    }
    std::vector<size_t> position(values.size(), 0);
    while (true) {
      PartitionRef& ref = out.emplace_back();
      ref.dataset = &dataset;
      ref.values.reserve(values.size());
      for (size_t k = 0; k < values.size(); ++k) ref.values.push_back(values[k][position[k]]);
      size_t k = values.size();
      while (k > 0 && ++position[k - 1] == values[k - 1].size()) position[--k] = 0;
      if (k == 0) return;
    }
  }

  const Evaluator& evaluator_;
  BuildClock clock_;
};

// Matches `partition` against one output pattern: literal bindings must equal
// its values; parameters take them. Returns the parameters' values in the
// job's declaration order, or nullopt when the pattern does not match.
Expected<std::optional<Scope>> match_output(const Job& job, const Port& output,
                                            const PartitionRef& partition) {
  Scope scope;
  std::vector<bool> bound(job.parameters.size(), false);
  for (const Parameter& parameter : job.parameters) scope.names.push_back(parameter.name.text);
  scope.values.resize(job.parameters.size());
  const Dataset& dataset = *partition.dataset;
  for (const Binding& binding : output.pattern.bindings) {
    if (binding.key_index < 0 || static_cast<size_t>(binding.key_index) >= dataset.keys.size())
      return workspace_has_errors();
    const KeyValue& actual = partition.values[binding.key_index];
    const Parameter* parameter = binding.value.kind == ExprKind::Identifier
                                     ? job.find_parameter(binding.value.text)
                                     : nullptr;
    if (parameter) {
      size_t index = static_cast<size_t>(parameter - job.parameters.data());
      // A parameter bound to two keys matches only where they are equal.
      if (bound[index] && scope.values[index] != actual) return std::optional<Scope>();
      bound[index] = true;
      scope.values[index] = actual;
      continue;
    }
    Expected<KeyValue> literal =
        Evaluator(Scope{}).value(binding.value, dataset.keys[binding.key_index].type.kind);
    if (!literal) return Failure{literal.error()};
    if (*literal != actual) return std::optional<Scope>();
  }
  if (std::find(bound.begin(), bound.end(), false) != bound.end()) return workspace_has_errors();
  return std::optional<Scope>(std::move(scope));
}

// The partition an output pattern names for one run.
Expected<PartitionRef> output_partition(const Port& output, const Evaluator& evaluator) {
  const Pattern& pattern = output.pattern;
  if (!pattern.target) return workspace_has_errors();
  PartitionRef partition{pattern.target, std::vector<KeyValue>(pattern.target->keys.size())};
  for (const Binding& binding : pattern.bindings) {
    if (binding.key_index < 0) return workspace_has_errors();
    Expected<KeyValue> value =
        evaluator.value(binding.value, pattern.target->keys[binding.key_index].type.kind);
    if (!value) return Failure{value.error()};
    partition.values[binding.key_index] = *value;
  }
  return partition;
}

Expected<JobTarget> resolve_target(const Job& job, const Port& matched, const Scope& scope,
                                   BuildClock clock) {
  JobTarget target;
  target.job = &job;
  target.matched = &matched;
  for (size_t i = 0; i < job.parameters.size(); ++i)
    target.parameters.push_back({&job.parameters[i], scope.values[i]});
  Evaluator evaluator(scope);
  for (const Port& output : job.outputs) {
    Expected<PartitionRef> partition = output_partition(output, evaluator);
    if (!partition) return Failure{partition.error()};
    target.outputs.push_back({&output, std::move(*partition)});
  }
  InputExpander expander(evaluator, clock);
  for (const Port& input : job.inputs) {
    Expected<InputPartitions> partitions = expander.expand(job, input);
    if (!partitions) return Failure{partitions.error()};
    target.inputs.push_back(std::move(*partitions));
  }
  if (!job.run) return workspace_has_errors();
  for (const TemplateString& argument : *job.run) {
    Expected<std::string> text = render(argument, scope, /*escape_strings=*/false);
    if (!text) return Failure{text.error()};
    target.argv.push_back(std::move(*text));
  }
  for (const EnvVar& variable : job.env) {
    Expected<std::string> text = render(variable.value, scope, /*escape_strings=*/false);
    if (!text) return Failure{text.error()};
    target.env.emplace_back(variable.name.text, std::move(*text));
  }
  return target;
}

}  // namespace

bool JobTarget::buildable() const {
  return std::none_of(inputs.begin(), inputs.end(),
                      [](const InputPartitions& input) { return input.outside.has_value(); });
}

Expected<Resolution> resolve(const LinkedWorkspace& workspace, const PartitionRef& partition,
                             BuildClock clock) {
  if (!partition.dataset || partition.values.size() != partition.dataset->keys.size())
    return Failure{"cannot resolve '" + partition.canonical() +
                   "': it does not give one value per key"};
  Resolution resolution;
  resolution.partition = partition;
  if (partition.dataset->is_external()) {
    resolution.producer = ProducerKind::External;
    return resolution;
  }
  const PortRef* match = nullptr;
  Scope scope;
  for (const PortRef& producer : workspace.producers.of(*partition.dataset)) {
    Expected<std::optional<Scope>> matched = match_output(*producer.job, *producer.port, partition);
    if (!matched)
      return Failure{"cannot resolve '" + partition.canonical() + "': " + matched.error()};
    if (!*matched) continue;
    if (match)
      return Failure{"cannot resolve '" + partition.canonical() + "': both job '" +
                     match->job->name.text + "' (output '" + match->port->name.text +
                     "') and job '" + producer.job->name.text + "' (output '" +
                     producer.port->name.text + "') produce it"};
    match = &producer;
    scope = std::move(**matched);
  }
  if (!match) {
    resolution.producer = ProducerKind::HandMade;
    return resolution;
  }
  Expected<JobTarget> target = resolve_target(*match->job, *match->port, scope, clock);
  if (!target) return Failure{"cannot resolve '" + partition.canonical() + "': " + target.error()};
  resolution.producer = ProducerKind::Job;
  resolution.target = std::move(*target);
  return resolution;
}

const Job* uniform_producer(const LinkedWorkspace& workspace, const Dataset& dataset) {
  if (dataset.is_external()) return nullptr;
  std::span<const PortRef> producers = workspace.producers.of(dataset);
  if (producers.size() != 1) return nullptr;
  const Job& job = *producers[0].job;
  if (job.outputs.size() != 1 || !job.inputs.empty() || !job.run) return nullptr;
  const Pattern& pattern = job.outputs[0].pattern;
  if (pattern.target != &dataset || pattern.bindings.size() != dataset.keys.size() ||
      job.parameters.size() != dataset.keys.size())
    return nullptr;
  std::vector<bool> key_bound(dataset.keys.size()), parameter_bound(job.parameters.size());
  for (const Binding& binding : pattern.bindings) {
    const Parameter* parameter =
        binding.op == BindingOperator::Equals && binding.value.kind == ExprKind::Identifier
            ? job.find_parameter(binding.value.text)
            : nullptr;
    if (!parameter || binding.key_index < 0 ||
        static_cast<size_t>(binding.key_index) >= dataset.keys.size() ||
        key_bound[binding.key_index])
      return nullptr;
    size_t index = static_cast<size_t>(parameter - job.parameters.data());
    if (parameter_bound[index]) return nullptr;
    key_bound[binding.key_index] = parameter_bound[index] = true;
  }
  return &job;
}

Expected<std::vector<std::string>> run_arguments(const Job& job, const PartitionRef& partition) {
  if (!job.run || job.outputs.size() != 1) return workspace_has_errors();
  Expected<std::optional<Scope>> scope = match_output(job, job.outputs[0], partition);
  if (!scope) return Failure{scope.error()};
  if (!*scope)
    return Failure{"'" + partition.canonical() + "' is not an output of job '" + job.name.text +
                   "'"};
  std::vector<std::string> argv;
  for (const TemplateString& argument : *job.run) {
    Expected<std::string> text = render(argument, **scope, /*escape_strings=*/false);
    if (!text) return Failure{text.error()};
    argv.push_back(std::move(*text));
  }
  return argv;
}

Expected<std::string> partition_location(const PartitionRef& partition) {
  const Dataset& dataset = *partition.dataset;
  if (!dataset.location_template) return partition.canonical();
  Scope scope;
  for (const KeyDecl& key : dataset.keys) scope.names.push_back(key.name.text);
  scope.values = partition.values;
  return render(*dataset.location_template, scope, /*escape_strings=*/true);
}

}  // namespace databuild
