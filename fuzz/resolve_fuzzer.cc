// Fuzz target `resolve`: job-target resolution, on any text given as a
// partition ref or a backfill selector, against a fixed workspace with the
// quickstart's shapes (fuzz_support.h: windows, `*`, days_of, recursion, ...).
//
// The input is the text itself, so refs from the tests are seeds as they are.
// It is tried at each of the fixed clocks: the epoch (every domain empty), a
// date inside the domains, and the year 9999, where `until now` domains are
// largest and date arithmetic is nearest its limits. Invariants:
//   - a ref that parses reads back as itself from canonical();
//   - every partition resolve() lists, and every one a selector expands to,
//     does too, and has a location;
//   - a selector that names one partition expands to what
//     parse_partition_ref() reads from the same text, or both refuse it.
// Expansion is capped low: the cap is part of the contract, not the 10^6
// partitions a real request may reach.
#include "fuzz_support.h"
#include "resolve.h"

namespace {

using namespace databuild;

constexpr size_t kMaxPartitions = 256;
constexpr size_t kMaxChecked = 32;  // round trips per list; they cost a parse each

void check_partition(const LinkedWorkspace& workspace, const PartitionRef& ref, BuildClock clock) {
  fuzz::check_round_trip(workspace, ref, clock);
  // A location may fail only through its template; the canonical ref cannot.
  if (!ref.dataset->location_template && !partition_location(ref))
    fuzz::invariant_broken("a partition without a location template has no location",
                           ref.canonical());
}

void check_resolution(const LinkedWorkspace& workspace, const PartitionRef& ref, BuildClock clock) {
  Expected<Resolution> resolution = resolve(workspace, ref, clock);
  if (!resolution || !resolution->target) return;
  const JobTarget& target = *resolution->target;
  for (const InputPartitions& input : target.inputs) {
    for (size_t i = 0; i < input.partitions.size() && i < kMaxChecked; ++i)
      check_partition(workspace, input.partitions[i], clock);
  }
  for (const OutputPartition& output : target.outputs)
    check_partition(workspace, output.partition, clock);
}

void check_text(const LinkedWorkspace& workspace, std::string_view text, BuildClock clock) {
  Expected<PartitionRef> ref = parse_partition_ref(workspace, text, clock);
  if (ref) {
    check_partition(workspace, *ref, clock);
    check_resolution(workspace, *ref, clock);
  }
  Expected<PartitionSelector> selector = parse_partition_selector(workspace, text);
  if (!selector) return;
  Expected<std::vector<PartitionRef>> expanded =
      expand_partition_selector(*selector, clock, kMaxPartitions);
  if (selector->names_one_partition()) {
    bool agree = ref ? expanded && expanded->size() == 1 && (*expanded)[0] == *ref : !expanded;
    if (!agree) {
      fuzz::invariant_broken("a one-partition selector and parse_partition_ref() disagree",
                             std::string(text) +
                                 "\nref: " + (ref ? ref->canonical() : ref.error()) +
                                 "\nselector: " + (expanded ? "expands" : expanded.error()));
    }
  }
  if (!expanded) return;
  for (size_t i = 0; i < expanded->size() && i < kMaxChecked; ++i)
    check_partition(workspace, (*expanded)[i], clock);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const LinkedWorkspace& workspace = fuzz::jobs_workspace().linked;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (uint8_t clock = 0; clock < 3; ++clock) check_text(workspace, text, fuzz::clock_from(clock));
  return 0;
}
