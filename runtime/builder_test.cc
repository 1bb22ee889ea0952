// Scheduling and publishing with the fakes of test_support.h: how many jobs
// run at once, what a failure stops, retries, timeouts, the order of the
// publish steps, refused labels, waiting for externals, and the environment
// a job gets. The fake runner finishes commands in start order when the
// builder waits, so every assertion is about order, never about time.
#include "builder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "test_support.h"

namespace databuild {
namespace {

CommandResult exited(int code) {
  CommandResult result;
  result.exit_code = code;
  return result;
}

CommandResult signaled(int signal) {
  CommandResult result;
  result.outcome = CommandResult::Outcome::Signaled;
  result.signal = signal;
  return result;
}

// Every test runs twice: the file-system work done as the builder posts it,
// and deferred until the builder waits for it (as late as a queue on its own
// thread could be).
class BuilderTest : public ::testing::TestWithParam<bool> {
 protected:
  BuilderTest() {
    if (GetParam()) f.disk_queue = &deferred;
  }
  BuildOptions jobs(size_t count) {
    BuildOptions options;
    options.jobs = count;
    return options;
  }
  // The ten clean partitions of 2024-01-01..10, their raw inputs delivered.
  std::vector<std::string> ten_days() { return days(10); }
  // The same for 2024-01-01 .. 2024-01-`count` (at most 31).
  std::vector<std::string> days(int count) {
    std::vector<std::string> refs;
    for (int day = 1; day <= count; ++day) {
      std::string date = "2024-01-" + std::string(day < 10 ? "0" : "") + std::to_string(day);
      f.deliver("raw/date=" + date, "{}\n");
      refs.push_back("clean/date=" + date);
    }
    return refs;
  }
  // From now on jobs succeed writing their outputs and, unless empty, the
  // file `stray` outside their staging directory.
  void jobs_write_outputs_and(const std::string& stray) {
    f.runner.behavior = [this, stray](const CommandSpec& spec) {
      f.runner.write_outputs(spec);
      if (!stray.empty()) f.disk.create(stray, "stray\n");
      return CommandResult{};
    };
  }
  static bool contains(const std::vector<std::string>& events, const std::string& event) {
    return std::find(events.begin(), events.end(), event) != events.end();
  }

  PipelineFixture f;
  DeferredDiskQueue deferred;
};

INSTANTIATE_TEST_SUITE_P(DiskWork, BuilderTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "Deferred" : "Inline";
                         });

TEST_P(BuilderTest, RunsIndependentJobsInParallelUpToJ) {
  std::vector<std::string> refs = ten_days();
  ASSERT_TRUE(f.build(refs, jobs(3)));
  EXPECT_EQ(f.runner.started.size(), 10u);
  EXPECT_EQ(f.runner.most_running, 3u);
}

// Jobs that end as soon as the builder looks (as a job of a millisecond
// does): whenever one ends and no prepared job is left to take its slot, the
// builder records it and prepares the next at once. Sleeping (or waiting for
// another job to end) there would leave the slot idle; nothing here waits for
// an external or another runner, so the builder never has a reason to sleep.
TEST_P(BuilderTest, AFreeSlotIsRefilledWithoutSleeping) {
  std::vector<std::string> refs = days(31);
  for (size_t slots : {1u, 2u, 4u}) {
    int sleeps = 0;
    BuildOptions options = jobs(slots);
    options.sleep = [&](double) { ++sleeps; };
    ASSERT_TRUE(f.build(refs, options));
    EXPECT_EQ(sleeps, 0) << "-j " << slots;
    for (const std::string& ref : refs) ASSERT_TRUE(*f.catalog->invalidate(ref));  // rebuilt next
  }
  EXPECT_EQ(f.runner.started.size(), 3 * refs.size());
}

TEST_P(BuilderTest, RunsOneJobAtATimeWithJ1) {
  ASSERT_TRUE(f.build(ten_days(), jobs(1)));
  EXPECT_EQ(f.runner.most_running, 1u);
}

TEST_P(BuilderTest, AFailureStopsOnlyItsDownstream) {
  for (const char* date : {"2024-01-03", "2024-01-04"}) {
    f.deliver(std::string("raw/date=") + date, "{}\n");
    f.put(std::string("notes/date=") + date);
  }
  f.runner.behavior = [&](const CommandSpec& spec) {
    if (spec.argv.back() == "2024-01-03") return exited(3);
    f.runner.write_outputs(spec);
    return CommandResult{};
  };
  EXPECT_FALSE(f.build({"report/date=2024-01-03", "report/date=2024-01-04"}, jobs(2)));
  EXPECT_TRUE(f.catalog->current("report/date=2024-01-04")->has_value());
  EXPECT_FALSE(f.catalog->current("report/date=2024-01-03")->has_value());
  EXPECT_TRUE(contains(f.status.events,
                       "not-built report/date=2024-01-03: needs clean/date=2024-01-03: "
                       "clean(d = 2024-01-03) failed: exit status 3"));
}

TEST_P(BuilderTest, RetriesAFailedJobThenGivesUp) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  f.runner.behavior = [](const CommandSpec&) { return signaled(9); };
  EXPECT_FALSE(f.build({"clean/date=2024-01-03"}));
  EXPECT_EQ(f.runner.started.size(), 2u);  // `retries 1`
  std::vector<RunRecord> runs = *f.catalog->runs_for("clean/date=2024-01-03");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].attempt, 2);
  EXPECT_EQ(runs[0].state, "failed");
}

TEST_P(BuilderTest, ARetryThatSucceedsPublishes) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  int attempts = 0;
  f.runner.behavior = [&](const CommandSpec& spec) {
    if (++attempts == 1) return exited(1);
    f.runner.write_outputs(spec);
    return CommandResult{};
  };
  EXPECT_TRUE(f.build({"clean/date=2024-01-03"}));
  EXPECT_EQ(attempts, 2);
}

TEST_P(BuilderTest, ATimeoutIsPassedToTheRunnerAndFailsTheRun) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  f.runner.behavior = [](const CommandSpec& spec) {
    CommandResult result;
    result.outcome = CommandResult::Outcome::TimedOut;
    result.timeout_seconds = spec.timeout_seconds.value_or(0);
    return result;
  };
  EXPECT_FALSE(f.build({"clean/date=2024-01-03"}));
  ASSERT_FALSE(f.runner.started.empty());
  EXPECT_EQ(f.runner.started[0].timeout_seconds, 30 * 60);
  std::vector<RunRecord> runs = *f.catalog->runs_for("clean/date=2024-01-03");
  ASSERT_FALSE(runs.empty());
  EXPECT_EQ(runs[0].message, "timed out after 1800s and was killed");
  EXPECT_EQ(runs[0].log_path, "/ws/.databuild/logs/run-" + std::to_string(runs[0].id) + ".log");
  EXPECT_EQ(f.runner.started[0].log_path, "/ws/.databuild/logs/run-1.log");
}

TEST_P(BuilderTest, PublishesInPlaceCatalogFirstThenLink) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  bool checked = false;
  f.disk.before_symlink = [&](const std::string& target, const std::string& link) {
    if (link != "/ws/data/clean/date=2024-01-03") return;
    // The catalog names the new version, committed, before any reader can
    // follow the link to it (a batch can begin only when none is open).
    ASSERT_TRUE(f.catalog->begin_batch());
    f.catalog->rollback_batch();
    std::optional<PartitionRecord> current = *f.catalog->current("clean/date=2024-01-03");
    ASSERT_TRUE(current);
    EXPECT_EQ(current->path, target);
    EXPECT_TRUE(f.disk.exists(target + "/part-0"));
    // Still claimed: another runner that got the claim now would find no
    // link to the version it could reuse, and build it again.
    EXPECT_FALSE(*f.catalog->claim(link.substr(strlen("/ws/data/")), 5, "another-host",
                                   [](int64_t) { return true; }));
    checked = true;
  };
  ASSERT_TRUE(f.build({"clean/date=2024-01-03"}));
  EXPECT_TRUE(checked);
  // The version is where the job wrote it: the link is the only step.
  std::vector<std::string> steps;
  for (const std::string& step : f.disk.log)
    if (step.rfind("rename", 0) == 0 || step.rfind("symlink", 0) == 0) steps.push_back(step);
  EXPECT_EQ(steps, std::vector<std::string>{
                       "symlink /ws/data/clean/date=2024-01-03 -> /ws/data/.versions/run-1-out"});
  EXPECT_EQ(f.disk.list_names("/ws/data/.versions"), std::vector<std::string>{"run-1-out"});
}

TEST_P(BuilderTest, AJobStartsOnlyOnceItsStagingIsMade) {
  std::vector<std::string> refs = days(5);
  int checked = 0;
  f.runner.behavior = [&](const CommandSpec& spec) {
    EXPECT_TRUE(f.disk.is_directory(FakeRunner::env(spec, "DATABUILD_OUT_OUT")));
    ++checked;
    f.runner.write_outputs(spec);
    return CommandResult{};
  };
  ASSERT_TRUE(f.build(refs, jobs(2)));
  EXPECT_EQ(checked, 5);
}

// What only deferred work can show: made as posted, nothing is left for later.
class DeferredBuilderTest : public BuilderTest {};

INSTANTIATE_TEST_SUITE_P(DiskWork, DeferredBuilderTest, ::testing::Values(true),
                         [](const ::testing::TestParamInfo<bool>&) { return "Deferred"; });

// The links wait on the queue while the slots go on: the builder needs
// them made only before it releases their claims and before it returns.
TEST_P(DeferredBuilderTest, LinksAreMadeOffTheSlotsPathAndAllBeforeTheBuildReturns) {
  std::vector<std::string> refs = days(3);
  std::vector<size_t> published_when_linked;  // at each link, how many of the three were
  f.disk.before_symlink = [&](const std::string&, const std::string&) {
    size_t published = 0;
    for (const std::string& ref : refs) published += f.catalog->current(ref)->has_value();
    published_when_linked.push_back(published);
  };
  ASSERT_TRUE(f.build(refs, jobs(1)));
  EXPECT_EQ(published_when_linked, (std::vector<size_t>{3, 3, 3}));
  for (const std::string& ref : refs) {
    EXPECT_TRUE(f.disk.read_symlink("/ws/data/" + ref)) << ref;
    EXPECT_TRUE(*f.catalog->claim(ref, 5, "another-host", [](int64_t) { return true; })) << ref;
  }
}

// A finished job's check of its inputs waits for their links only: the
// link of a partition published after them (another job's output) stays on
// the queue, so the builder's thread does not wait on the disk for it.
TEST_P(DeferredBuilderTest, AFinishedJobWaitsOnlyForItsInputsLinks) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  f.deliver("raw/date=2024-01-04", "{}\n");
  f.put("notes/date=2024-01-03");
  // Per link made: whether the report was published by then.
  std::map<std::string, std::optional<bool>> report_published_when_linked;
  f.disk.before_symlink = [&](const std::string&, const std::string& link) {
    report_published_when_linked[link.substr(strlen("/ws/data/"))] =
        f.catalog->current("report/date=2024-01-03")->has_value();
  };
  ASSERT_TRUE(f.build({"report/date=2024-01-03", "clean/date=2024-01-04"}, jobs(1)));
  auto run_of = [&](const std::string& ref) { return (*f.catalog->runs_for(ref))[0].id; };
  // The order this test needs (one job at a time): the report's input
  // published, then the unrelated partition, then the report.
  ASSERT_LT(run_of("clean/date=2024-01-03"), run_of("clean/date=2024-01-04"));
  ASSERT_LT(run_of("clean/date=2024-01-04"), run_of("report/date=2024-01-03"));
  EXPECT_EQ(report_published_when_linked["clean/date=2024-01-03"], std::optional<bool>(false));
  EXPECT_EQ(report_published_when_linked["clean/date=2024-01-04"], std::optional<bool>(true));
}

TEST_P(BuilderTest, AStagingDirectoryIsMadeOnlyForACommittedRun) {
  // What a run leaves is found (to be removed, when it fails or its runner is
  // killed) through its run record: it must never write without a committed one.
  for (const char* date : {"2024-01-03", "2024-01-04", "2024-01-05"})
    f.deliver(std::string("raw/date=") + date, "{}\n");
  std::set<std::string> made;  // the builder's; the fake jobs make them again, writing
  f.disk.before_make_directories = [&](const std::string& path) {
    const std::string prefix = "/ws/data/.versions/run-";
    if (path.rfind(prefix, 0) != 0 || !made.insert(path).second) return;
    ASSERT_TRUE(f.catalog->begin_batch());  // no batch is open: committed
    f.catalog->rollback_batch();
    std::optional<RunRecord> run = *f.catalog->run(std::atoll(path.c_str() + prefix.size()));
    ASSERT_TRUE(run);
    EXPECT_EQ(run->state, "running");
  };
  ASSERT_TRUE(f.build({"clean/date=2024-01-03", "clean/date=2024-01-04", "clean/date=2024-01-05"},
                      jobs(2)));
  EXPECT_EQ(made.size(), 3u);
}

TEST_P(BuilderTest, ALabelTheOutputDeniesIsRefused) {
  f.put("clean/date=2024-01-03", {"pii"});  // by hand, carrying pii
  f.put("notes/date=2024-01-03");
  EXPECT_FALSE(f.build({"report/date=2024-01-03"}));
  EXPECT_FALSE(f.catalog->current("report/date=2024-01-03")->has_value());
  EXPECT_TRUE(contains(f.status.events,
                       "failed report(d = 2024-01-03): refused to publish report/date=2024-01-03: "
                       "it would carry label 'pii', which dataset 'report' denies"));
}

TEST_P(BuilderTest, AJobThatWritesNothingHasNotProducedItsOutput) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  f.runner.behavior = [](const CommandSpec&) { return CommandResult{}; };  // exit 0, no files
  EXPECT_FALSE(f.build({"clean/date=2024-01-03"}));
  EXPECT_FALSE(f.catalog->current("clean/date=2024-01-03")->has_value());
  std::vector<RunRecord> runs = *f.catalog->runs_for("clean/date=2024-01-03");
  ASSERT_EQ(runs.size(), 1u);  // not retried: the job ran, and would write nothing again
  EXPECT_EQ(runs[0].state, "failed");
  EXPECT_EQ(runs[0].message,
            "output out (clean/date=2024-01-03) is missing: the job exited 0 but wrote no files "
            "into DATABUILD_OUT_OUT (/ws/data/.versions/run-1-out)");
  EXPECT_FALSE(f.disk.exists("/ws/data/.versions/run-1-out"));
  EXPECT_FALSE(f.disk.exists("/ws/data/clean/date=2024-01-03"));
}

TEST_P(BuilderTest, AJobWritingIntoAnInputItReadsFailsAndTheInputIsRebuilt) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  ASSERT_TRUE(f.build({"clean/date=2024-01-03"}));
  int64_t damaged = (*f.catalog->current("clean/date=2024-01-03"))->id;
  f.put("notes/date=2024-01-03");
  jobs_write_outputs_and("/ws/data/clean/date=2024-01-03/scratch.tmp");  // through the link
  EXPECT_FALSE(f.build({"report/date=2024-01-03"}));
  EXPECT_FALSE(f.catalog->current("report/date=2024-01-03")->has_value());
  std::vector<RunRecord> runs = *f.catalog->runs_for("report/date=2024-01-03");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].message,
            "the job wrote outside its staging directory, into the published tree; version " +
                std::to_string(damaged) +
                " of clean/date=2024-01-03 changed (added scratch.tmp), invalidated: the next "
                "build rebuilds it; nothing of this run was published");
  EXPECT_EQ((*f.catalog->current("clean/date=2024-01-03"))->state, "invalidated");
  EXPECT_EQ(RuntimeFixture::decision(f.plan({"clean/date=2024-01-03"}), "clean/date=2024-01-03"),
            "rebuild: invalidated");
  // The damaged version is being replaced: its rebuild is not blamed for it.
  jobs_write_outputs_and("");
  EXPECT_TRUE(f.build({"clean/date=2024-01-03"}));
  EXPECT_NE((*f.catalog->current("clean/date=2024-01-03"))->id, damaged);
}

// The input was published in this build: its link (made on the queue) must
// be there when the reader's end is checked, or the check would skip it.
TEST_P(BuilderTest, AJobWritingIntoAnInputPublishedInTheSameBuildFails) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  f.put("notes/date=2024-01-03");
  f.runner.behavior = [this](const CommandSpec& spec) {
    f.runner.write_outputs(spec);
    if (std::string input = FakeRunner::env(spec, "DATABUILD_IN_C"); !input.empty())
      f.disk.create(input + "/scratch.tmp", "stray\n");
    return CommandResult{};
  };
  EXPECT_FALSE(f.build({"report/date=2024-01-03"}));
  std::vector<RunRecord> runs = *f.catalog->runs_for("report/date=2024-01-03");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_NE(runs[0].message.find("of clean/date=2024-01-03 changed (added scratch.tmp)"),
            std::string::npos)
      << runs[0].message;
}

TEST_P(BuilderTest, AFailedJobThatWroteIntoAnInputIsCaughtToo) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  ASSERT_TRUE(f.build({"clean/date=2024-01-03"}));
  f.put("notes/date=2024-01-03");
  f.runner.behavior = [&](const CommandSpec&) {
    f.disk.create("/ws/data/clean/date=2024-01-03/scratch.tmp", "oops");  // through the link
    return exited(1);
  };
  EXPECT_FALSE(f.build({"report/date=2024-01-03"}));
  std::vector<RunRecord> runs = *f.catalog->runs_for("report/date=2024-01-03");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].message.rfind("exit status 1; the job wrote outside its staging directory", 0),
            0u)
      << runs[0].message;
  EXPECT_EQ((*f.catalog->current("clean/date=2024-01-03"))->state, "invalidated");
}

TEST_P(BuilderTest, AJobWritingWhereItsOutputsLinkGoesFails) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  jobs_write_outputs_and("/ws/data/clean/date=2024-01-03/part-0");  // not into staging
  EXPECT_FALSE(f.build({"clean/date=2024-01-03"}));
  EXPECT_FALSE(f.catalog->current("clean/date=2024-01-03")->has_value());
  std::vector<RunRecord> runs = *f.catalog->runs_for("clean/date=2024-01-03");
  ASSERT_FALSE(runs.empty());
  EXPECT_NE(runs[0].message.find("/ws/data/clean/date=2024-01-03 is a directory written there, "
                                 "not the runtime's link to clean/date=2024-01-03"),
            std::string::npos)
      << runs[0].message;
}

TEST_P(BuilderTest, CleaningRemovesTheLabelItsJobRemoves) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  ASSERT_TRUE(f.build({"clean/date=2024-01-03"}));
  EXPECT_EQ((*f.catalog->current("raw/date=2024-01-03"))->labels, std::vector<std::string>{"pii"});
  EXPECT_TRUE((*f.catalog->current("clean/date=2024-01-03"))->labels.empty());
}

TEST_P(BuilderTest, AHandMadePartitionIsNotRebuilt) {
  f.put("clean/date=2024-01-03");
  ASSERT_TRUE(f.build({"clean/date=2024-01-03"}));
  EXPECT_TRUE(f.runner.started.empty());
  EXPECT_EQ((*f.catalog->current("clean/date=2024-01-03"))->origin, Origin::Manual);
}

TEST_P(BuilderTest, WaitsForAnExternalUntilItArrives) {
  BuildOptions options;
  options.wait_timeout_seconds = 3600;
  options.sleep = [&](double seconds) {
    f.clock.seconds += seconds;
    if (f.clock.seconds > 10 && !f.disk.exists("/ws/data/raw/date=2024-01-03"))
      f.deliver("raw/date=2024-01-03", "{}\n");
  };
  EXPECT_TRUE(f.build({"clean/date=2024-01-03"}, options));
  EXPECT_EQ(f.runner.started.size(), 1u);
}

TEST_P(BuilderTest, LooksForAnExternalSoonThenLessOftenUpToThePollInterval) {
  BuildOptions options;
  options.wait_timeout_seconds = 3600;
  options.poll_interval_seconds = 8;
  std::vector<double> pauses;
  options.sleep = [&](double seconds) {
    pauses.push_back(seconds);
    f.clock.seconds += seconds;
    if (f.clock.seconds > 60 && !f.disk.exists("/ws/data/raw/date=2024-01-03"))
      f.deliver("raw/date=2024-01-03", "{}\n");
  };
  EXPECT_TRUE(f.build({"clean/date=2024-01-03"}, options));
  EXPECT_EQ(f.runner.started.size(), 1u);
  std::vector<double> expected{0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 8, 8};
  ASSERT_GE(pauses.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(pauses[i], expected[i], 1e-9) << i;
  EXPECT_LE(f.clock.seconds, 60 + 8);  // seen at the first look after it arrived
}

TEST_P(BuilderTest, GivesUpWaitingAfterTheTimeoutFailingOnlyWhatNeedsIt) {
  f.deliver("raw/date=2024-01-04", "{}\n");
  BuildOptions options;
  options.wait_timeout_seconds = 60;
  EXPECT_FALSE(f.build({"clean/date=2024-01-03", "clean/date=2024-01-04"}, options));
  EXPECT_GE(f.clock.seconds, 60);
  EXPECT_LE(f.clock.seconds, 61);  // given up when the wait ran out, not a poll later
  EXPECT_TRUE(f.catalog->current("clean/date=2024-01-04")->has_value());
  EXPECT_TRUE(contains(f.status.events,
                       "not-built raw/date=2024-01-03: external, not present; gave up waiting"));
}

// A job that wrote beside its directory ("$DATABUILD_OUT_OUT.csv") leaves
// that under `.versions` too; a failed run's entries go, no other run's.
TEST_P(BuilderTest, WhatAFailedRunWroteBesideItsDirectoryIsRemovedAtTheBuildsEnd) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  for (const char* other : {"run-10-out", "run-1", "put-7-out"})
    ASSERT_TRUE(f.disk.make_directories(std::string("/ws/data/.versions/") + other));
  f.runner.behavior = [&](const CommandSpec& spec) {
    EXPECT_TRUE(f.disk.write_file(FakeRunner::env(spec, "DATABUILD_OUT_OUT") + ".csv", "x\n"));
    return CommandResult{};  // exit 0, its directory empty
  };
  EXPECT_FALSE(f.build({"clean/date=2024-01-03"}));
  EXPECT_EQ((*f.catalog->runs_for("clean/date=2024-01-03"))[0].id, 1);
  std::vector<std::string> left = f.disk.list_names("/ws/data/.versions");
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"put-7-out", "run-1", "run-10-out"}));
}

TEST_P(BuilderTest, ASinglePatternGetsAPathARangeGetsAListEvenOfOne) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  std::string listed;
  f.runner.behavior = [&](const CommandSpec& spec) {
    if (std::string list = FakeRunner::env(spec, "DATABUILD_IN_DAYS"); !list.empty())
      listed = *f.disk.read_file(list);
    f.runner.write_outputs(spec);
    return CommandResult{};
  };
  ASSERT_TRUE(f.build({"weekly/date=2024-01-03"}));
  ASSERT_EQ(f.runner.started.size(), 2u);
  const CommandSpec& clean = f.runner.started[0];
  EXPECT_EQ(FakeRunner::env(clean, "DATABUILD_IN_RAW"), "/ws/data/raw/date=2024-01-03");
  EXPECT_EQ(FakeRunner::env(clean, "DATABUILD_OUT_OUT"), "/ws/data/.versions/run-1-out");
  EXPECT_EQ(clean.argv, (std::vector<std::string>{"sh", "jobs/clean.sh", "2024-01-03"}));
  EXPECT_EQ(clean.working_directory, "/ws");
  EXPECT_EQ(FakeRunner::env(f.runner.started[1], "DATABUILD_IN_DAYS"),
            "/ws/.databuild/logs/run-2-in-days.list");
  EXPECT_EQ(listed, "/ws/data/.versions/run-1-out\n");  // the exact version read
}

// The files a run is given (its config document, the lists of range inputs)
// are written into the run files directory; the job reads them there. A
// succeeded run's are removed when it ends; a failed run's are kept beside
// its log, as it was given them.
TEST_P(BuilderTest, RunFilesLiveInTheirDirectoryAndOnlyAFailedRunsAreKept) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  f.disk.make_directories("/run/files");
  std::map<std::string, std::string> given;  // path -> text, as each job saw it
  f.runner.behavior = [&](const CommandSpec& spec) {
    for (const char* variable : {"DATABUILD_CONFIG", "DATABUILD_IN_DAYS"})
      if (std::string path = FakeRunner::env(spec, variable); !path.empty())
        given[path] = *f.disk.read_file(path);
    f.runner.write_outputs(spec);
    return FakeRunner::env(spec, "DATABUILD_IN_DAYS").empty() ? CommandResult{} : exited(3);
  };
  BuildOptions options;
  options.run_files_directory = "/run/files";
  EXPECT_FALSE(f.build({"weekly/date=2024-01-03"}, options));
  std::vector<std::string> paths;
  for (const auto& [path, text] : given) paths.push_back(path);
  EXPECT_EQ(paths,
            (std::vector<std::string>{"/run/files/run-1.json", "/run/files/run-2-in-days.list",
                                      "/run/files/run-2.json"}));
  EXPECT_TRUE(f.disk.list_names("/run/files").empty());
  EXPECT_FALSE(f.disk.exists("/ws/.databuild/logs/run-1.json"));  // clean succeeded
  EXPECT_EQ(*f.disk.read_file("/ws/.databuild/logs/run-2.json"), given["/run/files/run-2.json"]);
  EXPECT_EQ(*f.disk.read_file("/ws/.databuild/logs/run-2-in-days.list"),
            "/ws/data/.versions/run-1-out\n");
  EXPECT_NE(given["/run/files/run-2.json"].find("\"run_id\": 2"), std::string::npos);
}

// A run files directory that cannot be written (gone, full): beside the log.
TEST_P(BuilderTest, RunFilesFallBackBesideTheLog) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  BuildOptions options;
  options.run_files_directory = "/run/gone";
  ASSERT_TRUE(f.build({"clean/date=2024-01-03"}, options));
  ASSERT_EQ(f.runner.started.size(), 1u);
  EXPECT_EQ(FakeRunner::env(f.runner.started[0], "DATABUILD_CONFIG"),
            "/ws/.databuild/logs/run-1.json");
  EXPECT_TRUE(f.disk.exists("/ws/.databuild/logs/run-1.json"));
}

TEST_P(BuilderTest, AClaimHeldByALiveRunnerIsWaitedForAndItsResultReused) {
  const std::string clean = "clean/date=2024-01-03";
  f.deliver("raw/date=2024-01-03", "{}\n");
  auto alive = [](int64_t) { return true; };
  ASSERT_TRUE(*f.catalog->claim(clean, 99, "other-host", alive));
  std::string fingerprint = f.plan({clean}).targets.at(0).fingerprint;
  BuildOptions options;
  options.sleep = [&](double) {
    if (!f.catalog->current(clean)->has_value()) {
      // The other runner finishes: a run over the same input version, published, released.
      PartitionRecord raw = **f.catalog->current("raw/date=2024-01-03");
      NewRun run;
      run.job = "clean";
      run.target = clean;
      run.fingerprint = fingerprint;
      run.inputs = {{"raw", raw.ref, raw.id}};
      int64_t id = *f.catalog->start_run(run);
      NewPartition version;
      version.ref = clean;
      version.dataset = "clean";
      version.path = "/ws/data/.versions/elsewhere";
      f.disk.create(version.path + "/part-0", "rows\n");
      ASSERT_TRUE(f.catalog->publish({version}, id));
      ASSERT_TRUE(f.disk.replace_symlink(version.path, "/ws/data/" + clean));
      ASSERT_TRUE(f.catalog->release(clean, 99));
    }
  };
  EXPECT_TRUE(f.build({clean}, options));
  EXPECT_TRUE(f.runner.started.empty());
  EXPECT_TRUE(contains(f.status.events, "reused clean(d = 2024-01-03)"));
  EXPECT_EQ(f.status.progress().done, 1u);
}

TEST_P(BuilderTest, AVersionPlannedAsMissingMidPublishIsReusedOnceItsLinkIsThere) {
  // Another runner has committed its version but not yet replaced the link
  // when this build plans: the plan says "missing". By the time the claim is
  // free the link is there, and the version is reused, not built again.
  const std::string clean = "clean/date=2024-01-03";
  f.deliver("raw/date=2024-01-03", "{}\n");
  ASSERT_TRUE(f.build({clean}));
  std::string version = *f.disk.read_symlink("/ws/data/" + clean);
  f.disk.remove_all("/ws/data/" + clean);  // the link, not the version
  auto alive = [](int64_t) { return true; };
  ASSERT_TRUE(*f.catalog->claim(clean, 99, "other-host", alive));
  BuildOptions options;
  options.sleep = [&](double) {
    ASSERT_TRUE(f.disk.replace_symlink(version, "/ws/data/" + clean));
    ASSERT_TRUE(f.catalog->release(clean, 99));
  };
  EXPECT_TRUE(f.build({clean}, options));
  EXPECT_EQ(f.runner.started.size(), 1u);  // the first build's run only
  EXPECT_TRUE(contains(f.status.events, "reused clean(d = 2024-01-03)"));
}

TEST_P(BuilderTest, AClaimOfADeadRunnerIsTakenOver) {
  f.deliver("raw/date=2024-01-03", "{}\n");
  ASSERT_TRUE(
      *f.catalog->claim("clean/date=2024-01-03", 99, "test-host", [](int64_t) { return true; }));
  BuildOptions options;
  options.is_alive = [](int64_t pid) { return pid != 99; };
  EXPECT_TRUE(f.build({"clean/date=2024-01-03"}, options));
  EXPECT_EQ(f.runner.started.size(), 1u);
}

TEST_P(BuilderTest, ClaimsAreReleasedAfterPublishingAndAfterFailing) {
  std::vector<std::string> refs = ten_days();
  f.runner.behavior = [&](const CommandSpec& spec) {
    if (spec.argv.back() == "2024-01-05") return exited(1);
    f.runner.write_outputs(spec);
    return CommandResult{};
  };
  EXPECT_FALSE(f.build(refs, jobs(4)));
  for (const std::string& ref : refs)
    EXPECT_TRUE(*f.catalog->claim(ref, 5, "another-host", [](int64_t) { return true; })) << ref;
}

TEST_P(BuilderTest, StagingLeftByDeadRunsIsRemovedAtTheStart) {
  NewRun running;
  running.job = "clean";
  int64_t live = *f.catalog->start_run(running);  // a run still going elsewhere
  f.disk.create("/ws/data/.staging/run-" + std::to_string(live) + "-out/part-0", "half");
  f.disk.create("/ws/data/.staging/run-77-out/part-0", "half");  // a run long gone
  f.disk.create("/ws/data/.staging/put-99-1-2/part-0", "half");  // a dead `put`
  f.disk.create("/ws/data/.staging/put-42-1-2/part-0", "half");  // a live one
  f.put("notes/date=2024-01-01");
  BuildOptions options;
  options.is_alive = [](int64_t pid) { return pid == 42; };
  EXPECT_TRUE(f.build({"notes/date=2024-01-01"}, options));
  EXPECT_EQ(f.disk.list_names("/ws/data/.staging"),
            (std::vector<std::string>{"put-42-1-2", "run-" + std::to_string(live) + "-out"}));
}

}  // namespace
}  // namespace databuild
