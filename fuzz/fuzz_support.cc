// The fixtures are analyzed on first use and kept for the process: the
// resolution and ref targets run thousands of inputs a second against them,
// and analysis would dominate. They are checked error-free once, because
// resolve() refuses workspaces with errors and would fuzz nothing.
#include "fuzz_support.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "calendar.h"
#include "sample_workspaces.h"

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
  static const std::unique_ptr<Analysis> analysis = analyze_fixture(samples::kKeyKinds);
  return *analysis;
}

const Analysis& jobs_workspace() {
  static const std::unique_ptr<Analysis> analysis = analyze_fixture(samples::kPipelines);
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
