// Catalog tests on a real SQLite file in a temporary directory: schema
// versioning, publishing as one transaction, invalidation, runs and their
// inputs, orphan reaping and claims (with heartbeats) across two connections.
#include "catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

namespace databuild {
namespace {

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("catalog_test_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    path_ = (directory_ / "catalog.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::unique_ptr<Catalog> open() {
    Expected<std::unique_ptr<Catalog>> catalog = Catalog::open(path_, [] { return 1000; });
    EXPECT_TRUE(catalog) << catalog.error();
    return std::move(*catalog);
  }

  static NewPartition partition(const std::string& ref) {
    NewPartition result;
    result.ref = ref;
    result.dataset = ref.substr(0, ref.find('/'));
    result.path = "/data/" + ref;
    result.manifest = "[]";
    result.content_hash = "0";
    return result;
  }

  // A run of job "j" making `target`, as the builder records one.
  static NewRun run_of(const std::string& target) {
    NewRun run;
    run.job = "j";
    run.target = target;
    run.log_path = "/logs/run-{run}.log";
    return run;
  }

  // How many tables and indexes of the file meet `condition` (on sqlite_master).
  int schema_objects(const std::string& condition) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* query = nullptr;
    std::string sql = "SELECT count(*) FROM sqlite_master WHERE " + condition;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &query, nullptr);
    int count = sqlite3_step(query) == SQLITE_ROW ? sqlite3_column_int(query, 0) : -1;
    sqlite3_finalize(query);
    sqlite3_close(db);
    return count;
  }

  std::filesystem::path directory_;
  std::string path_;
};

TEST_F(CatalogTest, CreatesTheSchemaAtTheCurrentVersionInWalMode) {
  std::unique_ptr<Catalog> catalog = open();
  EXPECT_EQ(catalog->schema_version(), kCatalogSchemaVersion);
  EXPECT_TRUE(std::filesystem::exists(path_ + "-wal"));
}

TEST_F(CatalogTest, MigratesAVersionOneFile) {
  open().reset();
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_exec(db,
               "DROP INDEX run_inputs_by_partition; DROP INDEX partitions_by_run; "
               "PRAGMA user_version = 1",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  std::unique_ptr<Catalog> catalog = open();
  EXPECT_EQ(catalog->schema_version(), kCatalogSchemaVersion);
  EXPECT_EQ(schema_objects("name = 'run_inputs_by_partition'"), 1);
}

TEST_F(CatalogTest, RefusesAFileFromANewerRuntime) {
  open().reset();
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  Expected<std::unique_ptr<Catalog>> catalog = Catalog::open(path_);
  ASSERT_FALSE(catalog);
  EXPECT_NE(catalog.error().find("schema version 99"), std::string::npos) << catalog.error();
}

TEST_F(CatalogTest, RefusesAFileThatIsNotACatalog) {
  std::filesystem::create_directories(directory_);
  FILE* file = fopen(path_.c_str(), "w");
  fputs("this is not a database, just some text that is long enough to look like a header.....",
        file);
  fclose(file);
  Expected<std::unique_ptr<Catalog>> catalog = Catalog::open(path_);
  ASSERT_FALSE(catalog);
  EXPECT_NE(catalog.error().find("cannot open the catalog"), std::string::npos);
}

TEST_F(CatalogTest, PublishSupersedesTheCurrentVersion) {
  std::unique_ptr<Catalog> catalog = open();
  Expected<std::vector<int64_t>> first = catalog->publish({partition("a/x=1")});
  ASSERT_TRUE(first) << first.error();
  Expected<std::vector<int64_t>> second = catalog->publish({partition("a/x=1")});
  ASSERT_TRUE(second) << second.error();
  EXPECT_GT((*second)[0], (*first)[0]);
  Expected<std::optional<PartitionRecord>> current = catalog->current("a/x=1");
  ASSERT_TRUE(current && *current);
  EXPECT_EQ((*current)->id, (*second)[0]);
  EXPECT_EQ((*current)->state, "live");
  Expected<std::vector<PartitionRecord>> versions = catalog->versions("a/x=1");
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1].state, "superseded");
}

TEST_F(CatalogTest, AFailedPublishLeavesThePreviousVersionCurrent) {
  std::unique_ptr<Catalog> catalog = open();
  int64_t before = (*catalog->publish({partition("a/x=1")}))[0];
  // Run 42 does not exist: the insert breaks the foreign key after the old
  // version was superseded; the rollback must restore it.
  Expected<std::vector<int64_t>> published = catalog->publish({partition("a/x=1")}, 42);
  ASSERT_FALSE(published);
  Expected<std::optional<PartitionRecord>> current = catalog->current("a/x=1");
  ASSERT_TRUE(current && *current);
  EXPECT_EQ((*current)->id, before);
  EXPECT_EQ((*current)->state, "live");
}

// Inside a batch no write takes a savepoint of its own: one that fails after
// some of its writes were made makes the batch's commit refuse, and the
// rollback restores the rest of the batch too; one that wrote nothing does not.
TEST_F(CatalogTest, AFailedPublishInABatchRollsTheBatchBack) {
  std::unique_ptr<Catalog> catalog = open();
  int64_t before = (*catalog->publish({partition("a/x=1")}))[0];
  ASSERT_TRUE(catalog->begin_batch());
  ASSERT_TRUE(catalog->publish({partition("a/x=2")}));
  EXPECT_FALSE(catalog->publish({partition("a/x=1")}, 42));  // superseded, then failed
  Status committed = catalog->commit_batch();
  ASSERT_FALSE(committed);
  EXPECT_NE(committed.error().find("cannot commit the build's records of this round: recording "
                                   "the publication of a/x=1 failed after part of it was "
                                   "written; the round was rolled back"),
            std::string::npos)
      << committed.error();
  EXPECT_EQ((*catalog->current("a/x=1"))->id, before);
  EXPECT_FALSE(*catalog->current("a/x=2"));
  // A claim held elsewhere writes nothing: the batch goes on.
  ASSERT_TRUE(*catalog->claim("a/x=3", 7, "host", [](int64_t) { return true; }));
  ASSERT_TRUE(catalog->begin_batch());
  EXPECT_FALSE(*catalog->claim("a/x=3", 8, "host", [](int64_t) { return true; }));
  ASSERT_TRUE(catalog->publish({partition("a/x=2")}));
  EXPECT_TRUE(catalog->commit_batch());
  EXPECT_TRUE(*catalog->current("a/x=2"));
}

TEST_F(CatalogTest, InvalidateMarksTheCurrentVersion) {
  std::unique_ptr<Catalog> catalog = open();
  ASSERT_TRUE(catalog->publish({partition("a/x=1")}));
  Expected<bool> changed = catalog->invalidate("a/x=1");
  ASSERT_TRUE(changed && *changed);
  EXPECT_EQ((*catalog->current("a/x=1"))->state, "invalidated");
  Expected<bool> again = catalog->invalidate("a/x=1");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  Expected<bool> unknown = catalog->invalidate("b");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
}

// The lean scan a no-op build starts from: only what could be fresh without
// a closer look (live, built by a run); the rest is decided one by one.
TEST_F(CatalogTest, LiveBuiltVersionsAreTheLiveVersionsRunsMadeInOneDataset) {
  std::unique_ptr<Catalog> catalog = open();
  auto run = [&](const std::string& fingerprint) {
    NewRun started;
    started.job = "j";
    started.target = "t";
    started.parameters = "{}";
    started.fingerprint = fingerprint;
    started.log_path = "/logs/run-{run}.log";
    return *catalog->start_run(started);
  };
  int64_t old_run = run("f1"), new_run = run("f2"), other_run = run("f1");
  ASSERT_TRUE(catalog->publish({partition("a/x=1"), partition("a/x=2")}, old_run));
  int64_t rebuilt = (*catalog->publish({partition("a/x=1")}, new_run))[0];  // supersedes
  ASSERT_TRUE(catalog->publish({partition("a/x=3")}, other_run));
  ASSERT_TRUE(catalog->invalidate("a/x=3"));
  ASSERT_TRUE(catalog->publish({partition("a/x=4")}));             // hand-made: no run
  ASSERT_TRUE(catalog->publish({partition("b/x=1")}, run("f3")));  // another dataset

  Expected<BuiltVersions> built = catalog->live_built_versions("a");
  ASSERT_TRUE(built) << built.error();
  std::vector<std::string> seen;
  for (const BuiltVersions::Version& version : built->versions)
    seen.push_back(std::string(built->ref(version)) + " " + std::to_string(version.run_id) + " " +
                   std::string(built->path(version)) + (version.id == rebuilt ? " (rebuilt)" : ""));
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "a/x=1 " + std::to_string(new_run) + " /data/a/x=1 (rebuilt)",
                      "a/x=2 " + std::to_string(old_run) + " /data/a/x=2",
                  }));

  Expected<std::vector<int64_t>> runs = catalog->runs_with_fingerprint("f1");
  ASSERT_TRUE(runs) << runs.error();
  EXPECT_EQ(*runs, (std::vector<int64_t>{old_run, other_run}));
  EXPECT_TRUE(catalog->runs_with_fingerprint("none")->empty());
}

TEST_F(CatalogTest, RunsRecordTheirInputVersionsAndEnd) {
  std::unique_ptr<Catalog> catalog = open();
  int64_t input = (*catalog->publish({partition("a/x=1")}))[0];
  NewRun run;
  run.job = "j";
  run.target = "b/x=1";
  run.parameters = "{}";
  run.fingerprint = "f";
  run.pid = 7;
  run.host = "h";
  run.log_path = "/logs/run-{run}.log";
  run.inputs = {{"in", "a/x=1", input}};
  Expected<int64_t> id = catalog->start_run(run);
  ASSERT_TRUE(id) << id.error();
  Expected<std::vector<int64_t>> out = catalog->publish({partition("b/x=1")}, *id);
  ASSERT_TRUE(out) << out.error();
  Expected<std::optional<RunRecord>> record = catalog->run(*id);
  ASSERT_TRUE(record && *record);
  EXPECT_EQ((*record)->state, "succeeded");
  EXPECT_EQ((*record)->log_path, "/logs/run-" + std::to_string(*id) + ".log");
  EXPECT_EQ((*catalog->current("b/x=1"))->run_id, *id);
  Expected<std::vector<RunInput>> inputs = catalog->run_inputs(*id);
  ASSERT_TRUE(inputs);
  ASSERT_EQ(inputs->size(), 1u);
  EXPECT_EQ((*inputs)[0].partition_id, input);
  Expected<std::vector<RunRecord>> history = catalog->runs_for("j");
  ASSERT_TRUE(history);
  EXPECT_EQ(history->size(), 1u);
  Expected<std::vector<EventRecord>> events = catalog->events_for("b/x=1");
  ASSERT_TRUE(events);
  ASSERT_GE(events->size(), 2u);
  EXPECT_EQ(events->front().kind, "run-started");
  // The end's event names the run's target, read by its insert.
  EXPECT_EQ(events->back().kind, "run-succeeded");
  EXPECT_EQ(events->back().run_id, *id);
}

TEST_F(CatalogTest, PublishGivesTheRecordsAReadWouldGive) {
  std::unique_ptr<Catalog> catalog = open();
  Expected<int64_t> id = catalog->start_run(run_of("b/x=1"));
  ASSERT_TRUE(id) << id.error();
  NewPartition first = partition("b/x=1"), second = partition("b/x=2");
  first.labels = {"pii", "eu"};
  first.manifest = R"([{"path":"_SUCCESS","size":0}])";
  second.origin = Origin::Manual;
  second.stat_signature = "s";
  std::vector<PartitionRecord> records;
  Expected<std::vector<int64_t>> ids = catalog->publish({first, second}, *id, &records);
  ASSERT_TRUE(ids) << ids.error();
  ASSERT_EQ(records.size(), 2u);
  for (size_t i = 0; i < records.size(); ++i) {
    Expected<std::optional<PartitionRecord>> read = catalog->partition((*ids)[i]);
    ASSERT_TRUE(read && *read);
    auto fields = [](const PartitionRecord& record) {
      return std::tie(record.id, record.ref, record.dataset, record.state, record.origin,
                      record.run_id, record.path, record.manifest, record.content_hash,
                      record.stat_signature, record.labels, record.created_at);
    };
    EXPECT_EQ(fields(records[i]), fields(**read));
  }
}

// A version 2 file (the tables rebuilt by the step to 3 are read column by
// column, so a version 3 file marked 2 exercises the same copy): rows kept,
// and AUTOINCREMENT's high-water marks too, so an id is never reused.
TEST_F(CatalogTest, MigratesAVersionTwoFileKeepingRowsAndIds) {
  int64_t kept = 0, removed = 0;
  {
    std::unique_ptr<Catalog> catalog = open();
    kept = *catalog->start_run(run_of("a/x=1"));
    removed = *catalog->start_run(run_of("a/x=1"));
    ASSERT_TRUE(catalog->publish({partition("a/x=1")}, kept));
  }
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  std::string downgrade = "DELETE FROM events WHERE run_id = " + std::to_string(removed) +
                          "; DELETE FROM runs WHERE id = " + std::to_string(removed) +
                          "; PRAGMA user_version = 2";
  ASSERT_EQ(sqlite3_exec(db, downgrade.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  std::unique_ptr<Catalog> catalog = open();
  EXPECT_EQ(catalog->schema_version(), kCatalogSchemaVersion);
  Expected<std::optional<RunRecord>> run = catalog->run(kept);
  ASSERT_TRUE(run && *run);
  EXPECT_EQ((*run)->state, "succeeded");
  EXPECT_EQ((*catalog->current("a/x=1"))->run_id, kept);
  Expected<int64_t> id = catalog->start_run(run_of("a/x=2"));
  ASSERT_TRUE(id) << id.error();
  EXPECT_GT(*id, removed);
  // The rebuilt tables still refuse what the old ones refused.
  EXPECT_FALSE(catalog->publish({partition("a/x=1")}, removed));  // a run that is gone
}

// SQLite evaluates a constant IN list of more than two values through a
// temporary table per evaluation; the checks run for every job recorded
// must not (catalog.cc, the step to schema version 3).
TEST_F(CatalogTest, MigratesAVersionThreeFileKeepingEventsAndTheirIds) {
  std::vector<EventRecord> before;
  {
    std::unique_ptr<Catalog> catalog = open();
    int64_t run = *catalog->start_run(run_of("a/x=1"));
    ASSERT_TRUE(catalog->publish({partition("a/x=1")}, run));
    before = *catalog->events_for("a/x=1");
  }
  ASSERT_EQ(before.size(), 3u);  // run-started, published, run-succeeded
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  // Version 3's events table, numbered by AUTOINCREMENT.
  const char* downgrade = R"sql(
CREATE TABLE events_v3 (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL,
  kind TEXT NOT NULL, ref TEXT NOT NULL, run_id INTEGER, detail TEXT NOT NULL);
INSERT INTO events_v3 SELECT * FROM events;
DROP TABLE events;
ALTER TABLE events_v3 RENAME TO events;
CREATE INDEX events_by_ref ON events(ref, id);
PRAGMA user_version = 3;
)sql";
  ASSERT_EQ(sqlite3_exec(db, downgrade, nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  std::unique_ptr<Catalog> catalog = open();
  EXPECT_EQ(catalog->schema_version(), kCatalogSchemaVersion);
  std::vector<EventRecord> after = *catalog->events_for("a/x=1");
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].kind, before[i].kind);
    EXPECT_EQ(after[i].run_id, before[i].run_id);
    EXPECT_EQ(after[i].detail, before[i].detail);
  }
  ASSERT_TRUE(catalog->invalidate("a/x=1"));
  std::vector<EventRecord> later = *catalog->events_for("a/x=1");
  ASSERT_EQ(later.size(), 4u);
  EXPECT_GT(later.back().id, before.back().id);
  EXPECT_EQ(schema_objects("name = 'events' AND sql NOT LIKE '%AUTOINCREMENT%'"), 1);
}

// Inside a batch a run's row is written whole, its log named by the id the
// run will get; the ids are AUTOINCREMENT's, whoever recorded runs between
// two batches.
TEST_F(CatalogTest, EveryRunRecordsItsOwnLogPathInsideBatchesToo) {
  std::unique_ptr<Catalog> catalog = open();
  std::unique_ptr<Catalog> other = open();
  std::vector<int64_t> ids;
  for (int batch = 0; batch < 2; ++batch) {
    ASSERT_TRUE(catalog->begin_batch());
    for (int i = 0; i < 3; ++i) ids.push_back(*catalog->start_run(run_of("a/x=1")));
    ASSERT_TRUE(catalog->commit_batch());
    ids.push_back(*other->start_run(run_of("a/x=1")));  // between two batches
  }
  ASSERT_TRUE(catalog->begin_batch());
  ASSERT_TRUE(catalog->start_run(run_of("a/x=1")));
  catalog->rollback_batch();  // its id is given again
  ids.push_back(*catalog->start_run(run_of("a/x=1")));
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i], static_cast<int64_t>(i + 1));
    EXPECT_EQ((*catalog->run(ids[i]))->log_path, "/logs/run-" + std::to_string(i + 1) + ".log");
  }
}

TEST_F(CatalogTest, RecordingAJobBuildsNoTemporaryTable) {
  open().reset();
  sqlite3* db = nullptr;
  sqlite3_open(path_.c_str(), &db);
  for (const char* sql :
       {"INSERT INTO runs (job, target, parameters, fingerprint, state, attempt, pid, host, "
        "started_at, log_path, build_now) VALUES ('j', 't', '{}', 'f', 'running', 1, 1, 'h', 0, "
        "'l', 0)",
        "UPDATE runs SET state = 'succeeded', ended_at = 0, exit_status = 0, message = '' "
        "WHERE id = 1",
        "UPDATE partitions SET state = 'superseded' WHERE ref = 'r' AND state IN ('live', "
        "'invalidated')",
        "INSERT INTO partitions (ref, dataset, state, origin, run_id, path, manifest, "
        "content_hash, stat_signature, labels, created_at) VALUES ('r', 'd', 'live', 'job', 1, "
        "'p', '[]', '0', '', '', 0)"}) {
    sqlite3_stmt* explain = nullptr;
    ASSERT_EQ(
        sqlite3_prepare_v2(db, (std::string("EXPLAIN ") + sql).c_str(), -1, &explain, nullptr),
        SQLITE_OK)
        << sqlite3_errmsg(db);
    while (sqlite3_step(explain) == SQLITE_ROW)
      EXPECT_STRNE(reinterpret_cast<const char*>(sqlite3_column_text(explain, 1)), "OpenEphemeral")
          << sql;
    sqlite3_finalize(explain);
  }
  sqlite3_close(db);
}

TEST_F(CatalogTest, BuiltFromListsEveryVersionMadeByARunThatReadIt) {
  std::unique_ptr<Catalog> catalog = open();
  int64_t input = (*catalog->publish({partition("a/x=1")}))[0];
  int64_t other = (*catalog->publish({partition("a/x=2")}))[0];
  auto build = [&](const std::string& output, std::vector<RunInput> inputs) {
    NewRun run;
    run.job = "j";
    run.target = output;
    run.inputs = std::move(inputs);
    int64_t id = *catalog->start_run(run);
    return (*catalog->publish({partition(output)}, id))[0];
  };
  int64_t first = build("b/x=1", {{"in", "a/x=1", input}});
  int64_t second = build("b/x=1", {{"in", "a/x=1", input}});  // rebuilt: supersedes the first
  build("c/x=2", {{"in", "a/x=2", other}});                   // read another version
  Expected<std::vector<std::pair<std::string, PartitionRecord>>> readers =
      catalog->built_from(input);
  ASSERT_TRUE(readers) << readers.error();
  ASSERT_EQ(readers->size(), 2u);
  EXPECT_EQ((*readers)[0].first, "in");
  EXPECT_EQ((*readers)[0].second.id, first);
  EXPECT_EQ((*readers)[0].second.state, "superseded");
  EXPECT_EQ((*readers)[1].second.id, second);
  EXPECT_EQ((*readers)[1].second.state, "live");
  EXPECT_TRUE(catalog->built_from(second)->empty());
}

TEST_F(CatalogTest, ListsThenEndsRunsWhoseProcessIsGone) {
  std::unique_ptr<Catalog> catalog = open();
  NewRun run;
  run.job = "j";
  run.target = "t";
  run.pid = 12345;
  run.host = "h";
  int64_t id = *catalog->start_run(run);
  EXPECT_EQ(*catalog->orphaned_runs("h", [](int64_t) { return true; }), std::vector<int64_t>{});
  Expected<std::vector<int64_t>> orphans =
      catalog->orphaned_runs("h", [](int64_t) { return false; });
  ASSERT_TRUE(orphans);
  EXPECT_EQ(*orphans, std::vector<int64_t>{id});
  EXPECT_EQ((*catalog->run(id))->state, "running");  // only listed so far
  ASSERT_TRUE(catalog->end_orphaned_runs(*orphans));
  EXPECT_EQ((*catalog->run(id))->state, "failed");
}

TEST_F(CatalogTest, ClaimsExcludeOtherLiveProcesses) {
  std::unique_ptr<Catalog> first = open();
  std::unique_ptr<Catalog> second = open();
  auto alive = [](int64_t) { return true; };
  auto dead = [](int64_t) { return false; };
  EXPECT_TRUE(*first->claim("a", 1, "h", alive));
  EXPECT_FALSE(*second->claim("a", 2, "h", alive));
  EXPECT_TRUE(*second->claim("a", 2, "h", dead));  // the holder died: taken over
  ASSERT_TRUE(second->release("a", 2));
  EXPECT_TRUE(*first->claim("a", 1, "h", alive));
}

TEST_F(CatalogTest, AClaimWithoutAHeartbeatGoesStale) {
  int64_t seconds = 1000;
  auto clock = [&] { return seconds; };
  std::unique_ptr<Catalog> here = std::move(*Catalog::open(path_, clock));
  std::unique_ptr<Catalog> there = std::move(*Catalog::open(path_, clock));
  auto alive = [](int64_t) { return true; };
  EXPECT_TRUE(*there->claim("a", 7, "other-host", alive));
  seconds += kClaimStaleSeconds;
  ASSERT_TRUE(there->heartbeat(7, "other-host"));
  seconds += kClaimStaleSeconds;
  EXPECT_FALSE(*here->claim("a", 1, "h", alive));  // refreshed in time: still held
  seconds += kClaimStaleSeconds + 1;
  EXPECT_TRUE(*here->claim("a", 1, "h", alive));  // silent too long: taken over
}

TEST(Labels, JoinAndSplitRoundTrip) {
  EXPECT_EQ(join_labels({"a", "b"}), "a,b");
  EXPECT_EQ(split_labels("a,b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(split_labels("").empty());
}

}  // namespace
}  // namespace databuild
