// Job-target resolution, one rule at a time: producer matching, parameter
// binding, every kind of input binding and function, dropping outside the
// domain, unbuildable inputs, run/env/location templates, and speed.
#include "resolve.h"

#include <gtest/gtest.h>

#include "calendar.h"
#include "sample_workspaces.h"
#include "test_support.h"

namespace databuild {
namespace {

BuildClock clock_at(std::string_view date) {
  return {*parse_date(date) * kSecondsPerDay + 12 * kSecondsPerHour};
}

class ResolveTest : public ::testing::Test {
 protected:
  // Loads a workspace that must have no errors (warnings are fine).
  void load(const char* source) {
    analysis_ = testing::analyze({{"a.dbuild", source}});
    for (const std::string& diagnostic : testing::summarize(*analysis_, true))
      EXPECT_EQ(diagnostic.find(": error: "), std::string::npos) << diagnostic;
  }

  Resolution resolve_ref(std::string_view text, BuildClock clock) {
    Expected<PartitionRef> ref = parse_partition_ref(analysis_->linked, text, clock);
    EXPECT_TRUE(ref) << ref.error();
    Expected<Resolution> resolution = resolve(analysis_->linked, *ref, clock);
    EXPECT_TRUE(resolution) << resolution.error();
    return resolution ? *resolution : Resolution{};
  }

  // The partitions of input `port`, canonical.
  static std::vector<std::string> refs(const Resolution& resolution, std::string_view port) {
    std::vector<std::string> out;
    for (const InputPartitions& input : resolution.target->inputs) {
      if (input.port->name.text != port) continue;
      for (const PartitionRef& ref : input.partitions) out.push_back(ref.canonical());
    }
    return out;
  }

  static const InputPartitions& input(const Resolution& resolution, std::string_view port) {
    for (const InputPartitions& input : resolution.target->inputs) {
      if (input.port->name.text == port) return input;
    }
    throw std::runtime_error("no such port");
  }

  std::unique_ptr<Analysis> analysis_;
};

TEST_F(ResolveTest, ProducersMatchOutputsAndBindParameters) {
  load(samples::kPipelines);
  Resolution weekly = resolve_ref("weekly/date=2024-03-10", clock_at("2024-06-01"));
  ASSERT_EQ(weekly.producer, ProducerKind::Job);
  EXPECT_EQ(weekly.target->job->name.text, "weekly");
  ASSERT_EQ(weekly.target->parameters.size(), 1u);
  EXPECT_EQ(value_text(weekly.target->parameters[0].value), "2024-03-10");
  EXPECT_EQ(weekly.target->argv,
            (std::vector<std::string>{"python3", "jobs/weekly.py", "--end=20240310",
                                      "--start=2024-03-04"}));
  EXPECT_EQ(weekly.target->env,
            (std::vector<std::pair<std::string, std::string>>{{"PREVIOUS", "2024-03-09"}}));
  ASSERT_EQ(weekly.target->outputs.size(), 1u);
  EXPECT_EQ(weekly.target->outputs[0].partition.canonical(), "weekly/date=2024-03-10");

  EXPECT_EQ(resolve_ref("events/date=2024-03-01/region=us", clock_at("2024-06-01")).producer,
            ProducerKind::External);
  EXPECT_EQ(resolve_ref("manual/date=2024-03-01", clock_at("2024-06-01")).producer,
            ProducerKind::HandMade);
  // Literal bindings must match; a parameter bound twice needs equal values.
  EXPECT_EQ(resolve_ref("fixed/date=2024-02-29", clock_at("2024-06-01")).producer,
            ProducerKind::Job);
  EXPECT_EQ(resolve_ref("fixed/date=2024-03-01", clock_at("2024-06-01")).producer,
            ProducerKind::HandMade);
  EXPECT_EQ(resolve_ref("pair/a=2024-03-01/b=2024-03-01", clock_at("2024-06-01")).producer,
            ProducerKind::Job);
  EXPECT_EQ(resolve_ref("pair/a=2024-03-01/b=2024-03-02", clock_at("2024-06-01")).producer,
            ProducerKind::HandMade);
}

TEST_F(ResolveTest, RangesAndWildcardsExpandAndDropOutsideTheDomain) {
  load(samples::kPipelines);
  Resolution weekly = resolve_ref("weekly/date=2024-03-10", clock_at("2024-06-01"));
  const InputPartitions& events = input(weekly, "events");
  EXPECT_FALSE(events.single);
  EXPECT_EQ(events.partitions.size(), 14u);
  EXPECT_EQ(events.partitions.front().canonical(), "events/date=2024-03-04/region=us");
  EXPECT_EQ(events.partitions[1].canonical(), "events/date=2024-03-04/region=eu");
  EXPECT_EQ(events.partitions.back().canonical(), "events/date=2024-03-10/region=eu");
  EXPECT_EQ(events.columns, std::vector<std::string>{"region"});
  EXPECT_EQ(events.dropped, 0u);

  // Near `since` the window is shorter; near `until now - 1d` too.
  Resolution early = resolve_ref("weekly/date=2024-01-07", clock_at("2024-06-01"));
  EXPECT_EQ(input(early, "events").partitions.size(), 14u);
  Resolution start = resolve_ref("weekly/date=2024-01-08", clock_at("2024-01-05"));
  // 2024-01-02 .. 2024-01-04 in two regions; 2024-01-05 .. 2024-01-08 dropped.
  EXPECT_EQ(input(start, "events").partitions.size(), 6u);
  EXPECT_EQ(input(start, "events").dropped, 8u);
  EXPECT_TRUE(start.target->buildable());
}

TEST_F(ResolveTest, FunctionsAndArithmeticAcrossMonthsAndLeapYears) {
  load(samples::kPipelines);
  BuildClock clock = clock_at("2025-01-01");
  Resolution february = resolve_ref("monthly/month=2024-02", clock);
  std::vector<std::string> days = refs(february, "days");
  ASSERT_EQ(days.size(), 29u);
  EXPECT_EQ(days.front(), "weekly/date=2024-02-01");
  EXPECT_EQ(days.back(), "weekly/date=2024-02-29");
  EXPECT_EQ(refs(february, "last"), std::vector<std::string>{"monthly/month=2024-01"});
  EXPECT_EQ(february.target->argv, (std::vector<std::string>{"true", "2024-02", "2024-01"}));
  // January: days before `since` of weekly are dropped; the read of the
  // month before `since` is the job's own output, so it is dropped too.
  Resolution january = resolve_ref("monthly/month=2024-01", clock);
  EXPECT_EQ(refs(january, "days").size(), 25u);
  EXPECT_EQ(input(january, "days").dropped, 6u);
  EXPECT_EQ(refs(january, "last"), std::vector<std::string>{});
  EXPECT_EQ(input(january, "last").dropped, 1u);
  EXPECT_TRUE(january.target->buildable());

  Resolution day = resolve_ref("daily/date=2024-03-31", clock);
  std::vector<std::string> hours = refs(day, "hours");
  ASSERT_EQ(hours.size(), 24u);
  EXPECT_EQ(hours.front(), "hourly/hour=2024-03-31T00");
  EXPECT_EQ(hours.back(), "hourly/hour=2024-03-31T23");
  EXPECT_EQ(refs(day, "month_start"), std::vector<std::string>{"weekly/date=2024-02-20"});

  Resolution hour = resolve_ref("by_hour/hour=2024-03-01T01", clock);
  EXPECT_EQ(refs(hour, "day"), std::vector<std::string>{"daily/date=2024-03-01"});
  EXPECT_EQ(refs(hour, "month"), std::vector<std::string>{"monthly/month=2024-03"});
  EXPECT_EQ(refs(hour, "back"), std::vector<std::string>{"hourly/hour=2024-02-29T22"});
}

TEST_F(ResolveTest, SingleInputsOutsideTheDomainAreUnbuildableUnlessSelfReads) {
  load(samples::kPipelines);
  Resolution running = resolve_ref("running/date=2024-01-07", clock_at("2024-06-01"));
  EXPECT_EQ(refs(running, "prev"), std::vector<std::string>{});
  EXPECT_EQ(input(running, "prev").dropped, 1u);
  EXPECT_TRUE(running.target->buildable());

  Resolution daily = resolve_ref("daily/date=2024-01-10", clock_at("2024-06-01"));
  const InputPartitions& month_start = input(daily, "month_start");
  EXPECT_FALSE(daily.target->buildable());
  ASSERT_TRUE(month_start.outside);
  EXPECT_EQ(month_start.outside->canonical(), "weekly/date=2023-12-01");
  EXPECT_EQ(month_start.outside_reason,
            "2023-12-01 is before the 'since' of key 'date' (2024-01-07)");
  EXPECT_EQ(month_start.dropped, 0u);
}

TEST_F(ResolveTest, LocationsUseTheTemplateOrTheCanonicalRef) {
  load(samples::kPipelines);
  BuildClock clock = clock_at("2024-06-01");
  Expected<PartitionRef> event =
      parse_partition_ref(analysis_->linked, "events/date=2024-03-01/region=eu", clock);
  ASSERT_TRUE(event);
  EXPECT_EQ(*partition_location(*event), "vendor/eu/2024/03/01");
  Expected<PartitionRef> weekly =
      parse_partition_ref(analysis_->linked, "weekly/date=2024-03-01", clock);
  ASSERT_TRUE(weekly);
  EXPECT_EQ(*partition_location(*weekly), "weekly/date=2024-03-01");
}

TEST_F(ResolveTest, StringValuesAreEscapedInLocationsButNotInArguments) {
  load(R"(
dataset src[name: string] { external location "in/{name}" }
dataset dst[name: string] {}
job copy(n: string) {
  input s = src[name = n]
  output o = dst[name = n]
  run ["cp", "{n}"]
}
)");
  Resolution copy = resolve_ref("dst/name=a%20b", {0});
  EXPECT_EQ(copy.target->argv, (std::vector<std::string>{"cp", "a b"}));
  EXPECT_EQ(*partition_location(input(copy, "s").partitions[0]), "in/a%20b");
  EXPECT_EQ(*partition_location(copy.partition), "dst/name=a%20b");
}

// `databuild check` reports overlapping-producers; resolve() on such a
// workspace refuses to pick one.
TEST_F(ResolveTest, OverlappingProducersAreRefused) {
  analysis_ = testing::analyze({{"a.dbuild", R"(
dataset t[d: date since 2024-01-01] {}
job a(d: date) { output o = t[d = d] run ["true"] }
job b { output p = t[d = 2024-01-02] run ["true"] }
)"}});
  BuildClock clock = clock_at("2024-06-01");
  Expected<PartitionRef> ref = parse_partition_ref(analysis_->linked, "t/d=2024-01-02", clock);
  ASSERT_TRUE(ref);
  Expected<Resolution> resolution = resolve(analysis_->linked, *ref, clock);
  ASSERT_FALSE(resolution);
  EXPECT_EQ(resolution.error(),
            "cannot resolve 't/d=2024-01-02': both job 'a' (output 'o') and job 'b' (output 'p') "
            "produce it");
}

TEST_F(ResolveTest, IntArithmeticThatOverflowsIsAFailureNotUndefined) {
  load(R"(
dataset src[n: int] { external }
dataset dst[n: int] {}
job next(n: int) {
  input s = src[n = n + 1]
  output o = dst[n = n]
  run ["true"]
}
)");
  BuildClock clock{0};
  Expected<PartitionRef> ref =
      parse_partition_ref(analysis_->linked, "dst/n=9223372036854775807", clock);
  ASSERT_TRUE(ref);
  Expected<Resolution> resolution = resolve(analysis_->linked, *ref, clock);
  ASSERT_FALSE(resolution);
  EXPECT_EQ(resolution.error(),
            "cannot resolve 'dst/n=9223372036854775807': '9223372036854775807 + 1' overflows 64 "
            "bits");
}

// Its speed is measured by bench/resolve_bench.cc, not here.
TEST_F(ResolveTest, AYearLongWindowResolvesEveryPartitionInOrder) {
  load(R"(
type region = enum(us, eu, apac)
dataset events[date: date since 2020-01-01, region: region] { external }
dataset yearly[date: date since 2020-01-01] {}
job yearly(d: date) {
  input events = events[date in d - 364d .. d, region = *]
  output out   = yearly[date = d]
  run ["true"]
}
)");
  BuildClock clock = clock_at("2025-01-01");
  Expected<PartitionRef> ref =
      parse_partition_ref(analysis_->linked, "yearly/date=2024-12-31", clock);
  ASSERT_TRUE(ref);
  Expected<Resolution> resolution = resolve(analysis_->linked, *ref, clock);
  ASSERT_TRUE(resolution);
  const std::vector<PartitionRef>& partitions = resolution->target->inputs[0].partitions;
  ASSERT_EQ(partitions.size(), 365u * 3u);
  EXPECT_EQ(partitions.front().canonical(), "events/date=2024-01-02/region=us");
  EXPECT_EQ(partitions[1].canonical(), "events/date=2024-01-02/region=eu");
  EXPECT_EQ(partitions.back().canonical(), "events/date=2024-12-31/region=apac");
}

// A uniform producer's targets differ only in their parameter values, which
// is what lets the planner settle a million fresh partitions in bulk; any
// part that depends on more than the partition's own values rules it out.
TEST_F(ResolveTest, UniformProducersMakeEachPartitionFromItsOwnValuesAlone) {
  load(R"(
dataset uniform[a: int since 0 until 9, b: int since 0 until 9] {}
job uniform(x: int, y: int) {
  output out = uniform[b = y, a = x]
  run ["sh", "-c", "true"]
  env N = "{x}"
}
dataset templated[n: int since 0 until 9] {}
job templated(n: int) {
  output out = templated[n = n]
  run ["echo", "{n}"]
}
dataset reads[n: int since 0 until 9] {}
job reads(n: int) {
  input  in  = uniform[a = n, b = n]
  output out = reads[n = n]
  run ["true"]
}
dataset literal[n: int since 0 until 9, m: int since 0 until 9] {}
job literal(n: int) {
  output out = literal[n = n, m = 1]
  run ["true"]
}
dataset twice[n: int since 0 until 9] {}
dataset other[n: int since 0 until 9] {}
job twice(n: int) {
  output out   = twice[n = n]
  output other = other[n = n]
  run ["true"]
}
dataset outside[n: int since 0 until 9] { external }
)");
  auto uniform = [&](std::string_view name) {
    auto dataset = analysis_->linked.datasets.find(name);
    EXPECT_NE(dataset, analysis_->linked.datasets.end()) << name;
    return uniform_producer(analysis_->linked, *dataset->second);
  };
  ASSERT_TRUE(uniform("uniform"));
  EXPECT_EQ(uniform("uniform")->name.text, "uniform");
  ASSERT_TRUE(uniform("templated"));  // `run` names the partition: argv per partition
  for (const char* ref : {"templated/n=3", "uniform/a=1/b=2"}) {
    Resolution resolution = resolve_ref(ref, BuildClock{0});
    Expected<std::vector<std::string>> argv =
        run_arguments(*resolution.target->job, resolution.partition);
    ASSERT_TRUE(argv) << argv.error();
    EXPECT_EQ(*argv, resolution.target->argv) << ref;
  }
  EXPECT_EQ(*run_arguments(*uniform("templated"), resolve_ref("templated/n=7", {0}).partition),
            (std::vector<std::string>{"echo", "7"}));
  EXPECT_FALSE(uniform("reads"));    // inputs
  EXPECT_FALSE(uniform("literal"));  // `m = 1` matches some partitions only
  EXPECT_FALSE(uniform("twice"));    // two outputs
  EXPECT_FALSE(uniform("outside"));  // external
}

}  // namespace
}  // namespace databuild
