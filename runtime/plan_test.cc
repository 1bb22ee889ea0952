// Planning decisions and their reasons, on the fake disk and an in-memory
// catalog (test_support.h): every staleness rule of the design has a test
// here, and the reason `plan` prints is asserted word for word, since users
// debug with it. Builds in these tests only set up catalog state.
#include "plan.h"

#include <gtest/gtest.h>

#include "calendar.h"
#include "test_support.h"

namespace databuild {
namespace {

constexpr const char* kClean = "clean/date=2024-01-03";
constexpr const char* kRaw = "raw/date=2024-01-03";
constexpr const char* kReport = "report/date=2024-01-03";

class PlanTest : public ::testing::Test {
 protected:
  PipelineFixture f;
};

TEST_F(PlanTest, AMissingPartitionIsBuiltFromAPresentExternal) {
  f.deliver(kRaw, "{}\n");
  Plan plan = f.plan({kClean});
  EXPECT_EQ(f.decision(plan, kRaw), "reuse: external, present (first seen)");
  EXPECT_EQ(f.decision(plan, kClean), "build: missing");
}

TEST_F(PlanTest, AnAbsentExternalIsWaitedFor) {
  Plan plan = f.plan({kClean});
  EXPECT_EQ(f.decision(plan, kRaw), "wait: external, not present");
  EXPECT_EQ(f.decision(plan, kClean), "build: missing");
}

TEST_F(PlanTest, AnAbsentHandMadePartitionIsMissing) {
  f.deliver(kRaw, "{}\n");
  Plan plan = f.plan({kReport});
  EXPECT_EQ(f.decision(plan, "notes/date=2024-01-03"),
            "missing: no job produces it; make it by hand with `databuild-run put`");
}

TEST_F(PlanTest, AFreshPartitionIsReused) {
  f.deliver(kRaw, "{}\n");
  ASSERT_TRUE(f.build({kClean}));
  Plan plan = f.plan({kClean});
  EXPECT_EQ(f.decision(plan, kRaw), "reuse: external, present");
  EXPECT_EQ(f.decision(plan, kClean), "reuse: fresh");
}

TEST_F(PlanTest, GoneFilesMakeAPartitionMissing) {
  f.deliver(kRaw, "{}\n");
  ASSERT_TRUE(f.build({kClean}));
  f.disk.remove_all("/ws/data/clean/date=2024-01-03");
  EXPECT_EQ(f.decision(f.plan({kClean}), kClean).rfind("build: missing: the files of version", 0),
            0u);
}

TEST_F(PlanTest, ASupersededInputVersionMakesItsReaderStale) {
  f.deliver(kRaw, "{}\n");
  f.put("notes/date=2024-01-03");
  ASSERT_TRUE(f.build({kReport}));
  int64_t notes_version = (*f.catalog->current("notes/date=2024-01-03"))->id;
  f.put("notes/date=2024-01-03");  // a second hand-made version supersedes the first
  Plan plan = f.plan({kReport});
  EXPECT_EQ(f.decision(plan, kReport), "rebuild: input notes/date=2024-01-03 changed (version " +
                                           std::to_string(notes_version) + " was read)");
  EXPECT_EQ(f.decision(plan, kClean), "reuse: fresh");
}

TEST_F(PlanTest, AChangedJobScriptChangesTheFingerprint) {
  f.deliver(kRaw, "{}\n");
  ASSERT_TRUE(f.build({kClean}));
  f.disk.create("/ws/jobs/clean.sh", "hash the user column, fixed\n");
  EXPECT_EQ(f.decision(f.plan({kClean}), kClean), "rebuild: job definition changed");
}

TEST_F(PlanTest, ARedeliveryWithNewBytesMakesReadersStaleATouchDoesNot) {
  f.deliver(kRaw, "{}\n", /*mtime_ns=*/1);
  ASSERT_TRUE(f.build({kClean}));
  f.deliver(kRaw, "{}\n", /*mtime_ns=*/2);  // touched: same bytes
  Plan touched = f.plan({kClean});
  EXPECT_EQ(f.decision(touched, kRaw), "reuse: external, present");
  EXPECT_EQ(f.decision(touched, kClean), "reuse: fresh");
  f.deliver(kRaw, "{\"late\": 1}\n", /*mtime_ns=*/3);
  Plan redelivered = f.plan({kClean});
  EXPECT_EQ(f.decision(redelivered, kRaw), "reuse: external, redelivered (new content)");
  EXPECT_EQ(f.decision(redelivered, kClean), "rebuild: input raw/date=2024-01-03 was redelivered");
}

TEST_F(PlanTest, InvalidateRebuildsThePartitionAndItsReaders) {
  f.deliver(kRaw, "{}\n");
  f.put("notes/date=2024-01-03");
  ASSERT_TRUE(f.build({kReport}));
  ASSERT_TRUE(*f.catalog->invalidate(kClean));
  Plan plan = f.plan({kReport});
  EXPECT_EQ(f.decision(plan, kClean), "rebuild: invalidated");
  EXPECT_EQ(f.decision(plan, kReport), "rebuild: input clean/date=2024-01-03 will be rebuilt");
}

TEST_F(PlanTest, AHandMadePartitionIsNeverOverwrittenUnlessAsked) {
  f.deliver(kRaw, "{}\n");
  f.put(kClean);
  EXPECT_EQ(f.decision(f.plan({kClean}), kClean),
            "reuse: hand-made (put); --replace-manual rebuilds it");
  PlanOptions replace;
  replace.replace_manual = true;
  EXPECT_EQ(f.decision(f.plan({kClean}, replace), kClean),
            "rebuild: replacing a hand-made partition");
}

TEST_F(PlanTest, AWindowOf365PartitionsIsTrackedExactly) {
  const std::string yearly = "yearly/date=2024-12-30";
  for (int64_t day = *parse_date("2024-01-01"); day <= *parse_date("2024-12-30"); ++day)
    f.deliver("raw/date=" + format_date(day), "{}\n");
  ASSERT_TRUE(f.build({yearly}));
  EXPECT_EQ(f.runner.started.size(), 366u);  // 365 clean runs and the window
  std::optional<PartitionRecord> built = *f.catalog->current(yearly);
  ASSERT_TRUE(built && built->run_id);
  EXPECT_EQ(f.catalog->run_inputs(*built->run_id)->size(), 365u);
  EXPECT_EQ(f.decision(f.plan({yearly}), yearly), "reuse: fresh");

  f.deliver("raw/date=2024-06-15", "{\"late\": 1}\n", /*mtime_ns=*/2);
  Plan plan = f.plan({yearly});
  EXPECT_EQ(f.decision(plan, yearly), "rebuild: input clean/date=2024-06-15 will be rebuilt");
  size_t rebuilt = 0;
  for (const PlannedPartition& node : plan.partitions) rebuilt += node.needs_run();
  EXPECT_EQ(rebuilt, 2u);  // that one day and the window: nothing else
}

TEST(PlanWindow, AWindowThatGrewWithNowMakesItsReaderStale) {
  RuntimeFixture f({{"window.dbuild", R"(
dataset day[date: date since 2024-01-01 until now - 1d] { column n: int }
dataset everything { column n: int }
job everything {
  input  all = day[date = *]
  output out = everything
  run ["true"]
}
)"}},
                   "2024-01-05");
  for (const char* date : {"2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"})
    f.put(std::string("day/date=") + date);
  ASSERT_TRUE(f.build({"everything"}));
  EXPECT_EQ(f.decision(f.plan({"everything"}), "everything"), "reuse: fresh");
  f.now.unix_seconds += kSecondsPerDay;  // a day later, 2024-01-05 is inside the window
  f.put("day/date=2024-01-05");
  EXPECT_EQ(f.decision(f.plan({"everything"}), "everything"),
            "rebuild: input all now reads 5 partitions (was 4)");
}

}  // namespace
}  // namespace databuild
