// Fuzz target `partition_ref`: parse_partition_ref(), the parser every ref
// the runtime reads goes through (command line, catalog, `lineage REF`),
// against datasets with every key kind (fuzz_support.h).
//
// Input: one byte choosing the clock (fuzz::clock_from), then the ref text.
// Invariants:
//   - a ref that parses reads back as itself from canonical(), and its values
//     lie in their keys' domains at that clock;
//   - escape_value() of any bytes is one safe path component (only
//     [A-Za-z0-9_.~%-], no leading `.`); when a ref accepts it as a string
//     value, it decodes back to the bytes.
#include "fuzz_support.h"

namespace {

using namespace databuild;

bool is_safe_component(std::string_view escaped) {
  if (escaped.starts_with('.')) return false;
  for (char c : escaped) {
    bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '~' || c == '-' || c == '%';
    if (!safe) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const LinkedWorkspace& workspace = fuzz::refs_workspace().linked;
  BuildClock clock = fuzz::clock_from(data[0]);
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  if (Expected<PartitionRef> ref = parse_partition_ref(workspace, text, clock)) {
    fuzz::check_round_trip(workspace, *ref, clock);
    for (size_t i = 0; i < ref->values.size(); ++i) {
      const KeyDecl& key = ref->dataset->keys[i];
      if (!key_domain(key, clock).contains(ref->values[i]))
        fuzz::invariant_broken("a parsed value lies outside its key's domain", ref->canonical());
    }
  }

  std::string escaped = escape_value(text);
  if (!is_safe_component(escaped)) fuzz::invariant_broken("escape_value() is unsafe", escaped);
  // `shards` has an int key bounded 0..3 and a string key. Values that can
  // never be a path component ('..', '/', NUL, invalid UTF-8, "") are refused
  // however they are escaped; any other must decode back.
  Expected<PartitionRef> shard =
      parse_partition_ref(workspace, "shards/shard=0/name=" + escaped, clock);
  if (shard && shard->values[1].text != text)
    fuzz::invariant_broken("an escaped value does not decode back", escaped);
  return 0;
}
