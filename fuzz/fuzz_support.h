// What the fuzz targets share: reading structure out of the fuzzer's bytes,
// splitting them into files, failing loudly on a broken invariant, and the
// fixed workspaces the partition-ref and resolution targets query.
//
// The targets are plain LLVMFuzzerTestOneInput functions so that one source
// builds both a libFuzzer binary (clang, DATABUILD_FUZZ) and a replay binary
// (any compiler, replay_main.cc) that CTest runs over the committed corpora.
// Nothing here may depend on libFuzzer or on clang's FuzzedDataProvider.h,
// which GCC builds do not have.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "partition_ref.h"
#include "workspace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace databuild::fuzz {

// Takes small integers and strings off the front of the input. Once the
// input is used up every read yields zero or "", so any input decodes.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : rest_(bytes) {}

  bool empty() const { return rest_.empty(); }
  // An integer in [0, bound] (bound < 2^32), from up to four bytes.
  uint32_t take_up_to(uint32_t bound);
  // Up to `max_size` bytes, the count read first.
  std::string take_string(uint32_t max_size);

 private:
  std::string_view rest_;
};

// `bytes` cut at each line starting with `marker` (the marker line itself is
// dropped), into at most `max_parts` parts; the last part keeps any further
// markers. A marker at the very start yields an empty first part.
std::vector<std::string_view> split_at_marker(std::string_view bytes, std::string_view marker,
                                              size_t max_parts);

// Prints "fuzz invariant broken: <what>" with `detail` and aborts, which
// libFuzzer and CTest both report as a crash.
[[noreturn]] void invariant_broken(std::string_view what, std::string_view detail = {});

// Workspaces analyzed once per process, without errors (checked: a broken
// fixture aborts). `refs_workspace()` declares a dataset for every key kind
// (date, hour, month, int, string, enum, none); `jobs_workspace()` has the
// quickstart's shapes: windows, `*`, days_of, month_of, hours_of, recursion
// stopping at `since`, several outputs, a `location` template.
const Analysis& refs_workspace();
const Analysis& jobs_workspace();

// The clock the fuzzers query at, chosen by one byte among a few: the epoch,
// a date inside the fixtures' domains, and the last second of year 9999.
BuildClock clock_from(uint8_t selector);

// Checks that `ref` reads back as itself from its canonical form.
void check_round_trip(const LinkedWorkspace& workspace, const PartitionRef& ref, BuildClock clock);

}  // namespace databuild::fuzz
