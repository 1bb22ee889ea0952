// Job-target resolution speed (Google Benchmark): the runtime resolves every
// partition it plans, so a wide window must cost microseconds, not
// milliseconds. Run: build/bench/databuild-resolve-bench (docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include "calendar.h"
#include "resolve.h"
#include "workspace.h"

namespace databuild {
namespace {

const char* const kWorkspace = R"(
type region = enum(us, eu, apac)
dataset events[date: date since 2020-01-01, region: region] { external }
dataset daily[date: date since 2020-01-01, region: region] {}
dataset yearly[date: date since 2020-01-01] {}
job daily(d: date, r: region) {
  input events = events[date = d, region = r]
  output out   = daily[date = d, region = r]
  run ["clean", "{d:%Y%m%d}", "{r}"]
}
job yearly(d: date) {
  input daily = daily[date in d - 364d .. d, region = *]
  output out  = yearly[date = d]
  run ["roll-up", "{d}"]
}
)";

// Resolves `ref` over and over; reports partitions read per second.
void resolve_ref(benchmark::State& state, const char* ref) {
  std::unique_ptr<Analysis> analysis = analyze_sources(
      "/ws", {{"/ws/workspace.dbuild", "workspace w {}\n"}, {"/ws/a.dbuild", kWorkspace}});
  BuildClock clock{*parse_date("2025-01-01") * kSecondsPerDay};
  Expected<PartitionRef> partition = parse_partition_ref(analysis->linked, ref, clock);
  if (!partition) {
    state.SkipWithError(partition.error().c_str());
    return;
  }
  size_t read = 0;
  for (auto _ : state) {
    Expected<Resolution> resolution = resolve(analysis->linked, *partition, clock);
    read += resolution->target->inputs[0].partitions.size();
    benchmark::DoNotOptimize(resolution);
  }
  state.counters["partitions_read"] =
      benchmark::Counter(static_cast<double>(read), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(resolve_ref, one_input, "daily/date=2024-12-31/region=eu");
BENCHMARK_CAPTURE(resolve_ref, year_window_3_regions, "yearly/date=2024-12-31");

}  // namespace
}  // namespace databuild

BENCHMARK_MAIN();
