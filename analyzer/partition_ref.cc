// Partition refs: parsing, escaping, domains and backfill expansion.
//
// Values are decoded from %XX before they are judged, so that the canonical
// form (which escapes) reads back as the same partition. String and enum
// values that could escape a directory or confuse a reader (`/`, `\`, `..`,
// control characters, invalid UTF-8, the empty string) are refused outright
// rather than escaped: no legitimate partition needs them, and refusing keeps
// refs and `location` paths obviously safe.
//
// Calendar values are bounded to the years 0000-9999 even on keys without
// bounds: those are the values a literal can write, and the bound keeps date
// arithmetic and formatting away from overflow.
#include "partition_ref.h"

#include <algorithm>
#include <charconv>

#include "calendar.h"

namespace databuild {
namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

const int64_t kFirstDate = *parse_date("0000-01-01");
const int64_t kLastDate = *parse_date("9999-12-31");

std::string join_key_names(const Dataset& dataset) {
  std::string names;
  for (const KeyDecl& key : dataset.keys) names += (names.empty() ? "" : ", ") + key.name.text;
  return names;
}

std::string enum_values_list(const EnumType& enumeration) {
  std::string values;
  for (const EnumValue& value : enumeration.values)
    values += (values.empty() ? "" : ", ") + value.value;
  return values;
}

// What a key takes, for "key 'date' takes a date (YYYY-MM-DD)".
std::string expected_value(const KeyDecl& key) {
  switch (key.type.kind) {
    case KeyKind::Date:
      return "a date (YYYY-MM-DD)";
    case KeyKind::Hour:
      return "an hour (YYYY-MM-DDTHH)";
    case KeyKind::Month:
      return "a month (YYYY-MM)";
    case KeyKind::Int:
      return "an integer";
    case KeyKind::String:
      return "a string";
    case KeyKind::Enum:
      return key.type.enumeration ? "one of " + enum_values_list(*key.type.enumeration)
                                  : "a value of its enum";
    case KeyKind::Unknown:
      break;
  }
  return "a value of an unknown type";
}

// `text` has the layout of `shape`, where '0' stands for any digit.
bool has_shape(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == '0' ? !digit : text[i] != shape[i]) return false;
  }
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads the value of one key from ref text; failures are phrases that the
// caller prefixes with the ref.
class ValueReader {
 public:
  explicit ValueReader(const KeyDecl& key) : key_(key) {}

  Expected<KeyValue> read(std::string_view escaped) const {
    Expected<std::string> text = unescape(escaped);
    if (!text) return Failure{text.error()};
    KeyKind kind = key_.type.kind;
    if (kind == KeyKind::String || kind == KeyKind::Enum) return read_text(*text);
    if (kind == KeyKind::Int) return read_int(*text);
    struct Calendar {
      KeyKind kind;
      std::string_view shape;
      std::optional<int64_t> (*parse)(std::string_view);
      const char* noun;
    };
    static const Calendar kCalendars[] = {
        {KeyKind::Date, "0000-00-00", parse_date, "date"},
        {KeyKind::Hour, "0000-00-00T00", parse_hour, "hour"},
        {KeyKind::Month, "0000-00", parse_month, "month"},
    };
    for (const Calendar& calendar : kCalendars) {
      if (calendar.kind != kind) continue;
      if (std::optional<int64_t> number = calendar.parse(*text)) return KeyValue{kind, *number, {}};
      if (has_shape(*text, calendar.shape))
        return Failure{"'" + printable(*text) + "' is not a real " + calendar.noun + " (key '" +
                       key_.name.text + "')"};
      return mismatch(*text);
    }
    return Failure{"key '" + key_.name.text + "' has a type that is not known"};
  }

 private:
  Failure mismatch(std::string_view text) const {
    return Failure{"key '" + key_.name.text + "' takes " + expected_value(key_) + ", found '" +
                   printable(text) + "'"};
  }

  Expected<std::string> unescape(std::string_view text) const {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '%') {
        out += text[i];
        continue;
      }
      int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
      int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
      if (low < 0)
        return Failure{"'" + printable(text.substr(i, 3)) + "' in the value of key '" +
                       key_.name.text +
                       "' is not an escape: '%' must be followed by two hex digits"};
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
    return out;
  }

  Expected<KeyValue> read_int(std::string_view text) const {
    int64_t number = 0;
    const char* end = text.data() + text.size();
    auto [stop, error] = std::from_chars(text.data(), end, number);
    if (text.empty() || stop != end) return mismatch(text);
    if (error != std::errc())
      return Failure{"'" + printable(text) + "' does not fit in 64 bits (key '" + key_.name.text +
                     "')"};
    return KeyValue{KeyKind::Int, number, {}};
  }

  Expected<KeyValue> read_text(const std::string& text) const {
    if (std::optional<std::string> why = unsafe_text(text))
      return Failure{"key '" + key_.name.text + "' cannot take '" + printable(text) + "': " + *why};
    if (key_.type.kind == KeyKind::Enum && key_.type.enumeration) {
      const auto& values = key_.type.enumeration->values;
      bool listed = std::any_of(values.begin(), values.end(),
                                [&](const EnumValue& value) { return value.value == text; });
      if (!listed) return mismatch(text);
    }
    return KeyValue{key_.type.kind, 0, text};
  }

  static std::optional<std::string> unsafe_text(std::string_view text) {
    if (text.empty()) return "a value cannot be empty";
    if (text.find('/') != std::string_view::npos || text.find('\\') != std::string_view::npos)
      return "a value cannot contain '/' or '\\'";
    if (text.find("..") != std::string_view::npos) return "a value cannot contain '..'";
    for (size_t i = 0; i < text.size();) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (c < 0x20 || c == 0x7f) return "a value cannot contain control characters or NUL";
      size_t length = utf8_sequence_length(text, i);
      if (length == 0) return "a value must be valid UTF-8";
      i += length;
    }
    return std::nullopt;
  }

  const KeyDecl& key_;
};

// A bound's value at `clock`: a literal, `now` or `now - STEP`; nullopt for
// anything link() has already reported.
std::optional<int64_t> bound_value(const KeyDecl& key, const Ref<Expr>& bound, BuildClock clock) {
  if (!bound) return std::nullopt;
  KeyKind kind = key.type.kind;
  bool now = bound->kind == ExprKind::Now;
  bool now_minus = bound->kind == ExprKind::Binary && bound->op == '-' &&
                   bound->operands()[0].kind == ExprKind::Now;
  if (!now && !now_minus) {
    bool literal = bound->kind == ExprKind::Date || bound->kind == ExprKind::Hour ||
                   bound->kind == ExprKind::Month || bound->kind == ExprKind::Integer;
    return literal ? std::optional<int64_t>(bound->value()) : std::nullopt;
  }
  int64_t step = now_minus ? bound->operands()[1].value() : 0;
  switch (kind) {
    case KeyKind::Date:
      return floor_div(clock.unix_seconds, kSecondsPerDay) - step / kSecondsPerDay;
    case KeyKind::Hour:
      return floor_div(clock.unix_seconds, kSecondsPerHour) - step / kSecondsPerHour;
    case KeyKind::Month:
      return month_of_date(floor_div(clock.unix_seconds, kSecondsPerDay)) - step;
    default:
      return std::nullopt;
  }
}

// "2024-06-09 (now - 1d)" or "2024-01-01": a bound for a message.
std::string describe_bound(const KeyDecl& key, const Expr& bound, int64_t value) {
  std::string text = value_text({key.type.kind, value, {}});
  if (bound.kind == ExprKind::Now) return text + " (now)";
  if (bound.kind != ExprKind::Binary) return text;
  const Expr& step = bound.operands()[1];
  return text + " (now - " +
         (step.kind == ExprKind::Integer ? std::to_string(step.value()) : step.text.str()) + ")";
}

std::string plural_keys(const std::vector<std::string>& names) {
  std::string text = names.size() == 1 ? "key " : "keys ";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += i + 1 == names.size() ? " and " : ", ";
    text += "'" + names[i] + "'";
  }
  return text;
}

Failure ref_failure(std::string_view ref, const std::string& why) {
  return Failure{"invalid partition ref '" + printable(ref) + "': " + why};
}

}  // namespace

bool is_ordered(KeyKind kind) {
  return kind == KeyKind::Date || kind == KeyKind::Hour || kind == KeyKind::Month ||
         kind == KeyKind::Int;
}

std::string value_text(const KeyValue& value) {
  switch (value.kind) {
    case KeyKind::Date:
      return format_date(value.number);
    case KeyKind::Hour:
      return format_hour(value.number);
    case KeyKind::Month:
      return format_month(value.number);
    case KeyKind::Int:
      return std::to_string(value.number);
    case KeyKind::String:
    case KeyKind::Enum:
    case KeyKind::Unknown:
      break;
  }
  return value.text;
}

std::string escape_value(std::string_view text) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-' || c == '~' || (c == '.' && i > 0);
    if (safe) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string PartitionRef::canonical() const {
  std::string text;
  append_canonical(text);
  return text;
}

void PartitionRef::append_canonical(std::string& text) const {
  if (!dataset) return;
  text += dataset->name.text;
  for (size_t i = 0; i < values.size() && i < dataset->keys.size(); ++i) {
    text += '/';
    text += dataset->keys[i].name.text;
    text += '=';
    text += escape_value(value_text(values[i]));
  }
}

// ---- domains -------------------------------------------------------------------

int64_t KeyDomain::lowest() const {
  switch (kind) {
    case KeyKind::Date:
      return kFirstDate;
    case KeyKind::Hour:
      return kFirstDate * 24;
    case KeyKind::Month:
      return 0;
    default:
      return INT64_MIN;
  }
}

int64_t KeyDomain::highest() const {
  switch (kind) {
    case KeyKind::Date:
      return kLastDate;
    case KeyKind::Hour:
      return kLastDate * 24 + 23;
    case KeyKind::Month:
      return 9999 * 12 + 11;
    default:
      return INT64_MAX;
  }
}

bool KeyDomain::is_finite() const {
  return kind == KeyKind::Enum || (is_ordered(kind) && since && until);
}

bool KeyDomain::contains(const KeyValue& value) const {
  if (value.kind != kind) return false;
  if (kind == KeyKind::String) return true;
  if (kind == KeyKind::Enum) {
    return enumeration && std::any_of(enumeration->values.begin(), enumeration->values.end(),
                                      [&](const EnumValue& e) { return e.value == value.text; });
  }
  return value.number >= std::max(lowest(), since.value_or(INT64_MIN)) &&
         value.number <= std::min(highest(), until.value_or(INT64_MAX));
}

KeyDomain key_domain(const KeyDecl& key, BuildClock clock) {
  KeyDomain domain;
  domain.kind = key.type.kind;
  domain.enumeration = key.type.enumeration;
  if (is_ordered(domain.kind)) {
    domain.since = bound_value(key, key.since, clock);
    domain.until = bound_value(key, key.until, clock);
  }
  return domain;
}

std::optional<std::string> outside_domain(const KeyDecl& key, const KeyDomain& domain,
                                          const KeyValue& value) {
  if (domain.contains(value)) return std::nullopt;
  std::string shown = value_text(value);
  std::string of_key = " of key '" + key.name.text + "'";
  if (value.kind != domain.kind) return "'" + printable(shown) + "' is not " + expected_value(key);
  if (domain.kind == KeyKind::Enum)
    return "'" + printable(shown) + "' is not a value" + of_key + " (" + expected_value(key) + ")";
  if (domain.since && value.number < *domain.since)
    return shown + " is before the 'since'" + of_key + " (" +
           describe_bound(key, *key.since, *domain.since) + ")";
  if (domain.until && value.number > *domain.until)
    return shown + " is after the 'until'" + of_key + " (" +
           describe_bound(key, *key.until, *domain.until) + ")";
  return shown + " is outside the years 0000-9999" + of_key;
}

// ---- requests --------------------------------------------------------------------

bool PartitionSelector::names_one_partition() const {
  return std::all_of(keys.begin(), keys.end(),
                     [](const KeySelector& key) { return key.kind == KeySelector::Kind::Value; });
}

Expected<PartitionSelector> parse_partition_selector(const LinkedWorkspace& workspace,
                                                     std::string_view text) {
  std::string_view rest = text;
  if (rest.size() > 1 && rest.back() == '/') rest.remove_suffix(1);
  size_t slash = rest.find('/');
  std::string_view name = rest.substr(0, slash);
  if (name.empty())
    return ref_failure(text, "a ref starts with a dataset name, as in 'events/date=2024-01-03'");
  PartitionSelector selector;
  selector.text = std::string(text);
  selector.dataset = workspace.find_dataset(name);
  if (!selector.dataset) return ref_failure(text, "unknown dataset '" + printable(name) + "'");
  const Dataset& dataset = *selector.dataset;
  selector.keys.resize(dataset.keys.size());
  std::vector<bool> given(dataset.keys.size(), false);
  while (slash != std::string_view::npos) {
    rest.remove_prefix(slash + 1);
    slash = rest.find('/');
    std::string_view component = rest.substr(0, slash);
    size_t equals = component.find('=');
    if (equals == std::string_view::npos)
      return ref_failure(
          text, "'" + printable(component) + "' is not KEY=VALUE (a value cannot contain '/')");
    std::string_view key_name = component.substr(0, equals);
    std::string_view value = component.substr(equals + 1);
    const KeyDecl* key = dataset.find_key(key_name);
    if (!key) {
      return ref_failure(
          text, "dataset '" + dataset.name.text + "' has no key '" + printable(key_name) + "' " +
                    (dataset.keys.empty() ? "(it has no keys)"
                                          : "(its keys: " + join_key_names(dataset) + ")"));
    }
    size_t index = static_cast<size_t>(key - dataset.keys.data());
    if (given[index]) return ref_failure(text, "key '" + key->name.text + "' is given twice");
    given[index] = true;
    KeySelector& selected = selector.keys[index];
    ValueReader reader(*key);
    size_t dots = value.find("..");
    if (value == "*") {
      selected.kind = KeySelector::Kind::All;
    } else if (dots != std::string_view::npos && is_ordered(key->type.kind)) {
      Expected<KeyValue> first = reader.read(value.substr(0, dots));
      if (!first) return ref_failure(text, first.error());
      Expected<KeyValue> last = reader.read(value.substr(dots + 2));
      if (!last) return ref_failure(text, last.error());
      selected = {KeySelector::Kind::Range, *first, *last};
    } else {
      Expected<KeyValue> single = reader.read(value);
      if (!single) return ref_failure(text, single.error());
      selected.first = *single;
    }
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < given.size(); ++i) {
    if (!given[i]) missing.push_back(dataset.keys[i].name.text.str());
  }
  if (!missing.empty()) {
    return ref_failure(text, "missing " + plural_keys(missing) + " (keys of '" + dataset.name.text +
                                 "': " + join_key_names(dataset) + ")");
  }
  return selector;
}

Expected<std::vector<PartitionRef>> expand_partition_selector(const PartitionSelector& selector,
                                                              BuildClock clock,
                                                              size_t max_partitions) {
  const Dataset& dataset = *selector.dataset;
  const std::string& text = selector.text;
  auto too_many = [&] {
    return ref_failure(text, "names more than " + std::to_string(max_partitions) + " partitions");
  };
  // Each key's values, then their product.
  std::vector<std::vector<KeyValue>> choices(selector.keys.size());
  size_t count = 1;
  for (size_t i = 0; i < selector.keys.size(); ++i) {
    const KeyDecl& decl = dataset.keys[i];
    const KeySelector& key = selector.keys[i];
    KeyDomain domain = key_domain(decl, clock);
    if (key.kind == KeySelector::Kind::All && !domain.is_finite()) {
      const char* side = domain.since ? "above (it has no 'until')" : "below (it has no 'since')";
      return ref_failure(text, "'*' needs a finite domain, but key '" + decl.name.text + "' of '" +
                                   dataset.name.text + "' is " +
                                   (is_ordered(domain.kind) ? std::string("unbounded ") + side
                                                            : "a string, with no list of values"));
    }
    std::vector<const KeyValue*> ends;
    if (key.kind != KeySelector::Kind::All) ends.push_back(&key.first);
    if (key.kind == KeySelector::Kind::Range) ends.push_back(&key.last);
    for (const KeyValue* end : ends) {
      if (std::optional<std::string> why = outside_domain(decl, domain, *end))
        return ref_failure(text, "outside the domain: " + *why);
    }
    std::vector<KeyValue>& values = choices[i];
    if (key.kind == KeySelector::Kind::Value) {
      values.push_back(key.first);
    } else if (domain.kind == KeyKind::Enum) {
      for (const EnumValue& value : domain.enumeration->values)
        values.push_back({KeyKind::Enum, 0, value.value.str()});
    } else {
      int64_t first = key.kind == KeySelector::Kind::All ? *domain.since : key.first.number;
      int64_t last = key.kind == KeySelector::Kind::All ? *domain.until : key.last.number;
      if (first > last)
        return ref_failure(text, "the range of key '" + decl.name.text + "' runs backwards");
      if (static_cast<uint64_t>(last) - static_cast<uint64_t>(first) >= max_partitions)
        return too_many();
      for (int64_t n = first; n <= last; ++n) values.push_back({domain.kind, n, {}});
    }
    if (values.empty()) return std::vector<PartitionRef>{};
    if (count * values.size() > max_partitions) return too_many();
    count *= values.size();
  }
  std::vector<PartitionRef> refs;
  refs.reserve(count);
  std::vector<size_t> position(choices.size(), 0);
  for (size_t n = 0; n < count; ++n) {
    PartitionRef& ref = refs.emplace_back();
    ref.dataset = &dataset;
    for (size_t i = 0; i < choices.size(); ++i) ref.values.push_back(choices[i][position[i]]);
    for (size_t i = choices.size(); i-- > 0;) {
      if (++position[i] < choices[i].size()) break;
      position[i] = 0;
    }
  }
  return refs;
}

Expected<PartitionRef> parse_partition_ref(const LinkedWorkspace& workspace, std::string_view text,
                                           BuildClock clock) {
  Expected<PartitionSelector> selector = parse_partition_selector(workspace, text);
  if (!selector) return Failure{selector.error()};
  if (!selector->names_one_partition())
    return ref_failure(text, "a range or '*' names many partitions; give one value per key");
  Expected<std::vector<PartitionRef>> refs = expand_partition_selector(*selector, clock);
  if (!refs) return Failure{refs.error()};
  return std::move((*refs).front());
}

}  // namespace databuild
