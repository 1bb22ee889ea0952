// The fixtures are analyzed on first use and kept for the process: the
// resolution and ref targets run thousands of inputs a second against them,
// and analysis would dominate. They are checked error-free once, because
// resolve() refuses workspaces with errors and would fuzz nothing.
#include "fuzz_support.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "calendar.h"

namespace databuild::fuzz {

uint32_t ByteReader::take_up_to(uint32_t bound) {
  uint64_t value = 0;
  for (uint64_t span = bound; span > 0 && !rest_.empty(); span >>= 8) {
    value = (value << 8) | static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
  }
  return static_cast<uint32_t>(value % (uint64_t{bound} + 1));
}

std::string ByteReader::take_string(uint32_t max_size) {
  // Two statements: as arguments of one call, GCC sizes rest_ before
  // take_up_to() consumes the count's bytes, and the copy overruns it.
  size_t wanted = take_up_to(max_size);
  size_t size = std::min(wanted, rest_.size());
  std::string text(rest_.substr(0, size));
  rest_.remove_prefix(size);
  return text;
}

std::vector<std::string_view> split_at_marker(std::string_view bytes, std::string_view marker,
                                              size_t max_parts) {
  std::vector<std::string_view> parts;
  size_t part_begin = 0, line_begin = 0;
  while (parts.size() + 1 < max_parts && line_begin < bytes.size()) {
    size_t line_end = bytes.find('\n', line_begin);
    size_t next = line_end == std::string_view::npos ? bytes.size() : line_end + 1;
    if (bytes.substr(line_begin).starts_with(marker)) {
      parts.push_back(bytes.substr(part_begin, line_begin - part_begin));
      part_begin = next;
    }
    line_begin = next;
  }
  parts.push_back(bytes.substr(std::min(part_begin, bytes.size())));
  return parts;
}

void invariant_broken(std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n%.*s\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(detail.size()), detail.data());
  std::abort();
}

namespace {

// Every key kind, with and without bounds, including `until now - …`.
constexpr const char* kRefsSource = R"(
type region = enum(us, eu, "ap-south")
dataset events[date: date since 2024-01-01 until now - 1d, region: region] { external }
dataset hourly[hour: hour since 2024-01-01T00 until 2024-01-02T23] { external }
dataset monthly[month: month since 2023-11 until now - 1] { external }
dataset shards[shard: int since 0 until 3, name: string] { external }
dataset numbers[n: int] { external }
dataset days[day: date] { external }
dataset settings { external }
)";

// The quickstart's shapes and resolve_test.cc's: every kind of input pattern.
constexpr const char* kJobsSource = R"(
type region = enum(us, eu)
dataset events[date: date since 2024-01-01 until now - 1d, region: region] {
  external
  location "vendor/{region}/{date:%Y/%m/%d}"
}
dataset weekly[date: date since 2024-01-07] {}
job weekly(d: date) {
  input  events = events[date in d - 6d .. d, region = *] { region }
  output out    = weekly[date = d]
  run ["python3", "jobs/weekly.py", "--end={d:%Y%m%d}", "--start={d - 6d}"]
  env PREVIOUS = "{d - 1d}"
}
dataset running[date: date since 2024-01-07] {}
job running(d: date) {
  input today = weekly[date = d]
  input prev  = running[date = d - 1d]
  output out  = running[date = d]
  run ["true"]
}
dataset totals {}
job totals {
  input all = events[date = *, region = *]
  output out = totals
  run ["true"]
}
dataset monthly[month: month since 2024-01] {}
job monthly(m: month) {
  input days = weekly[date in days_of(m)]
  input last = monthly[month = m - 1]
  output out = monthly[month = m]
  run ["true", "{m:%Y-%m}", "{m - 1}"]
}
dataset hourly[hour: hour since 2024-01-01T00] { external }
dataset daily[date: date since 2024-01-01] {}
job daily(d: date) {
  input hours = hourly[hour in hours_of(d)]
  input month_start = weekly[date = d - 40d]
  output out = daily[date = d]
  run ["true"]
}
dataset by_hour[hour: hour since 2024-01-01T00] {}
job by_hour(h: hour) {
  input day = daily[date = date_of(h)]
  input month = monthly[month = month_of(h)]
  input back = hourly[hour = h - 3h]
  output out = by_hour[hour = h]
  run ["true"]
}
dataset fixed[date: date] {}
job fixed {
  output o = fixed[date = 2024-02-29]
  run ["true"]
}
dataset pair[a: date, b: date] {}
job pair(d: date) {
  output o = pair[a = d, b = d]
  run ["true"]
}
dataset src[name: string, n: int] { external location "in/{name}/{n}" }
dataset dst[name: string, n: int] {}
job copy(s: string, n: int) {
  input previous = src[name = s, n = n + 1]
  output o = dst[name = s, n = n]
  run ["cp", "{s}", "{n}"]
  env NAME = "{s}"
}
)";

std::unique_ptr<Analysis> analyze_fixture(const char* source) {
  AnalysisOptions options;
  options.threads = 1;
  std::unique_ptr<Analysis> analysis = analyze_sources(
      "/fixture",
      {{"/fixture/workspace.dbuild", "workspace w {}\n"}, {"/fixture/a.dbuild", source}}, options);
  for (const Diagnostic& diagnostic : analysis->diagnostics()) {
    if (diagnostic.severity == Severity::Error)
      invariant_broken("fixture workspace has an error", diagnostic.message);
  }
  return analysis;
}

}  // namespace

const Analysis& refs_workspace() {
  static const std::unique_ptr<Analysis> analysis = analyze_fixture(kRefsSource);
  return *analysis;
}

const Analysis& jobs_workspace() {
  static const std::unique_ptr<Analysis> analysis = analyze_fixture(kJobsSource);
  return *analysis;
}

BuildClock clock_from(uint8_t selector) {
  static const BuildClock kClocks[] = {
      {0},
      {*parse_date("2024-03-10") * kSecondsPerDay + 12 * kSecondsPerHour},
      {(*parse_date("9999-12-31") + 1) * kSecondsPerDay - 1},
  };
  return kClocks[selector % std::size(kClocks)];
}

void check_round_trip(const LinkedWorkspace& workspace, const PartitionRef& ref, BuildClock clock) {
  std::string canonical = ref.canonical();
  Expected<PartitionRef> again = parse_partition_ref(workspace, canonical, clock);
  if (!again) invariant_broken("a canonical ref does not parse", canonical + "\n" + again.error());
  if (!(*again == ref)) invariant_broken("a canonical ref reads back differently", canonical);
  if (again->canonical() != canonical)
    invariant_broken("canonical() is not stable", canonical + " -> " + again->canonical());
}

}  // namespace databuild::fuzz
