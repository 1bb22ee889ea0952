// Partition references: the text that names a partition on the command line,
// in the catalog and on disk, checked against the linked model.
//
// A ref is Hive-style, `clean_events/date=2024-01-03/region=us`, or just the
// dataset's name when it has no keys. Its canonical form lists the keys in
// declaration order and escapes string values (see escape_value()), so it is
// the partition's identity and, without a `location`, its directory under the
// data root: parse_partition_ref(canonical()) gives the same partition back.
//
// Requests may also name many partitions at once (a backfill): a key may take
// an inclusive range `date=2024-03-01..2024-03-07` or `*` (its whole, finite
// domain). parse_partition_selector() reads such text without judging domains;
// expand_partition_selector() checks them against a BuildClock and lists the
// partitions. Domains depend on `until now`, and the clock is always passed in,
// never read here, so that one build sees one `now` and tests are repeatable.
//
// Every failure is a Failure whose message names the ref, the key and what was
// expected; the text the user typed is quoted through printable().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "expected.h"
#include "link.h"
#include "model.h"

namespace databuild {

// The build's start time: what `now` means in `until now - 1d`.
struct BuildClock {
  int64_t unix_seconds = 0;  // seconds since 1970-01-01T00:00:00Z
};

// One key's value. Ordered kinds (Date, Hour, Month, Int) keep `number` in
// calendar.h's units; String and Enum keep `text`, unescaped.
struct KeyValue {
  KeyKind kind = KeyKind::Unknown;
  int64_t number = 0;
  std::string text;

  auto operator<=>(const KeyValue&) const = default;
};

bool is_ordered(KeyKind kind);

// The value as a person writes it: `2024-01-03`, `2024-01-03T05`, `2024-01`,
// `42`, or the string itself (unescaped; for `run` arguments and messages).
std::string value_text(const KeyValue& value);

// A string value as it appears in a canonical ref or a path: every byte
// outside [A-Za-z0-9_.~-], and a `.` in first place, becomes %XX (upper-case
// hex). The result is ASCII, one path component, never `.`, `..` or a hidden
// name, and distinct values stay distinct. Parsing decodes %XX again.
std::string escape_value(std::string_view text);

// One partition of one dataset.
struct PartitionRef {
  const Dataset* dataset = nullptr;  // not owned: points into the Analysis's models
  std::vector<KeyValue> values;      // one per key of `dataset`, in declaration order

  // `dataset/key=value/...`, keys in declaration order, values escaped.
  std::string canonical() const;
  // The same appended to `text` (a planner naming a million partitions reuses one buffer).
  void append_canonical(std::string& text) const;
  bool operator==(const PartitionRef&) const = default;
};

// The values a key may take at a given `now`: inclusive bounds for an ordered
// key (dates, hours and months also stay within the years 0000-9999, the ones
// their literals can write), the listed values of an enum, anything for a
// string.
struct KeyDomain {
  KeyKind kind = KeyKind::Unknown;
  std::optional<int64_t> since, until;
  const EnumType* enumeration = nullptr;  // not owned; for KeyKind::Enum

  bool contains(const KeyValue& value) const;
  // Finite: an enum, or an ordered key with both bounds.
  bool is_finite() const;
  // The smallest and largest value an ordered key can take at all.
  int64_t lowest() const;
  int64_t highest() const;
};

KeyDomain key_domain(const KeyDecl& key, BuildClock clock);

// Why `value` is outside the domain of `key`, as a phrase such as
// "2023-12-31 is before the 'since' of key 'date' (2024-01-01)"; nullopt when
// it is inside.
std::optional<std::string> outside_domain(const KeyDecl& key, const KeyDomain& domain,
                                          const KeyValue& value);

// ---- requests: single partitions, ranges and wildcards ----------------------

// What a request asks of one key.
struct KeySelector {
  enum class Kind { Value, Range, All };
  Kind kind = Kind::Value;
  KeyValue first;  // Value: the value; Range: the first value
  KeyValue last;   // Range: the last value (inclusive)
};

struct PartitionSelector {
  std::string text;                  // as the user wrote it, for messages
  const Dataset* dataset = nullptr;  // not owned
  std::vector<KeySelector> keys;     // one per key of `dataset`, in declaration order
  bool names_one_partition() const;  // every key takes a single value
};

// Reads `dataset/key=value/...`, where a value may be an inclusive range
// `A..B` (ordered keys) or `*`. Keys may come in any order; a single trailing
// `/` is allowed. Checks names and types, not domains.
Expected<PartitionSelector> parse_partition_selector(const LinkedWorkspace& workspace,
                                                     std::string_view text);

// Upper bound on the partitions one request or one input may expand to: a
// guard against `n=*` on a key bounded 0..10^12, not a limit of the design.
constexpr size_t kMaxExpandedPartitions = 1'000'000;

// The partitions `selector` names, in key order (the first key varies
// slowest). Single values and range ends must lie in their key's domain at
// `clock`; `*` needs a finite domain; a range must not run backwards.
Expected<std::vector<PartitionRef>> expand_partition_selector(
    const PartitionSelector& selector, BuildClock clock,
    size_t max_partitions = kMaxExpandedPartitions);

// Reads and validates one partition (no ranges or `*`): the dataset exists,
// every key is given once with a value of its type inside its domain.
Expected<PartitionRef> parse_partition_ref(const LinkedWorkspace& workspace, std::string_view text,
                                           BuildClock clock);

}  // namespace databuild
