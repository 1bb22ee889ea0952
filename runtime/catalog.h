// The catalog: the runtime's SQLite record of what was built from what.
//
// It is the source of truth for partitions (each published version of each
// ref, where its files are, its manifest and labels), runs (job, fingerprint,
// state, pid, host, log, the exact input versions read) and an append-only
// event log. Freshness, lineage and history are answered from it alone.
//
// The non-obvious parts:
// - A partition ref has at most one *current* row (state `live` or
//   `invalidated`); publishing supersedes it and inserts the new version in
//   the same transaction as the run's end, so a crash leaves the old version
//   or the new one recorded, never half of each.
// - A version is the row's id: globally increasing, so "the input version I
//   read is still current" is one integer comparison.
// - WAL mode and a busy timeout let several `databuild-run` processes share
//   the file; writes that must not interleave (claims) use BEGIN IMMEDIATE.
// - The schema is versioned with PRAGMA user_version; open() migrates older
//   files forward and refuses newer ones instead of guessing.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "disk.h"
#include "expected.h"
#include "wal_checkpointer.h"

struct sqlite3;
struct sqlite3_stmt;

namespace databuild {

constexpr int kCatalogSchemaVersion = 4;
// How long a write waits for another process's write lock before failing
// (`databuild-run --busy-timeout` overrides it).
constexpr std::chrono::milliseconds kCatalogBusyTimeout{30'000};
// A claim whose holder has not refreshed it for this long is dead. Runners
// refresh theirs every kClaimStaleSeconds / 6 while they build.
constexpr int64_t kClaimStaleSeconds = 120;

// Who made a partition version.
enum class Origin { Job, Manual, External };
std::string_view origin_name(Origin origin);

struct PartitionRecord {
  int64_t id = 0;  // the version
  std::string ref;
  std::string dataset;
  std::string state;  // live | invalidated | superseded | collected
  Origin origin = Origin::Job;
  std::optional<int64_t> run_id;  // the producing run, for Origin::Job
  std::string path;               // absolute: the version's directory
  std::string manifest;           // JSON: [{"path", "size"}...]
  std::string content_hash;
  std::string stat_signature;       // external only: hash of names, sizes, mtimes
  std::vector<std::string> labels;  // sorted
  int64_t created_at = 0;
};

// The live versions built by jobs in one dataset, lean: what a no-op build
// checks of each of a million partitions (the version, its run, the directory
// its link must name), in flat arrays rather than a PartitionRecord each.
struct BuiltVersions {
  struct Version {
    int64_t id = 0;
    int64_t run_id = 0;
    size_t ref_at = 0, path_at = 0;  // offsets into `text`
    uint32_t ref_size = 0, path_size = 0;
  };
  std::vector<Version> versions;
  std::string text;  // every ref and path, back to back

  std::string_view ref(const Version& version) const {
    return std::string_view(text).substr(version.ref_at, version.ref_size);
  }
  std::string_view path(const Version& version) const {
    return std::string_view(text).substr(version.path_at, version.path_size);
  }
};

// What publish() records for one partition.
struct NewPartition {
  std::string ref;
  std::string dataset;
  Origin origin = Origin::Job;
  std::string path;
  std::string manifest;
  std::string content_hash;
  std::string stat_signature;
  std::vector<std::string> labels;
};

struct RunInput {
  std::string port;
  std::string ref;
  int64_t partition_id = 0;  // the version read
};

struct NewRun {
  std::string job;
  std::string target;      // the requested output's ref
  std::string parameters;  // JSON object
  std::string fingerprint;
  int attempt = 1;
  int64_t pid = 0;
  std::string host;
  // Where the run's output goes; `{run}` in it becomes the run's id (which
  // is only known once the row exists).
  std::string log_path;
  int64_t build_now = 0;  // the BuildClock of the build
  std::vector<RunInput> inputs;
};

struct RunRecord {
  int64_t id = 0;
  std::string job, target, parameters, fingerprint;
  std::string state;  // running | succeeded | failed
  int attempt = 1;
  int64_t pid = 0;
  std::string host;
  int64_t started_at = 0;
  std::optional<int64_t> ended_at;
  std::optional<int> exit_status;
  std::string log_path;
  std::string message;
};

struct EventRecord {
  int64_t id = 0;
  int64_t at = 0;
  std::string kind;  // published, invalidated, run-started, run-ended, ...
  std::string ref;
  std::optional<int64_t> run_id;
  std::string detail;
};

// One open catalog file. Owns its connection; not copyable; one per thread.
class Catalog {
 public:
  // Opens (creating and migrating as needed) the catalog at `path`; ":memory:"
  // gives a private in-memory catalog for tests. `clock` gives the seconds
  // since the epoch stamped on rows (the wall clock by default); a write
  // waits up to `busy_timeout` for another process's lock.
  static Expected<std::unique_ptr<Catalog>> open(
      const std::string& path, std::function<int64_t()> clock = {},
      std::chrono::milliseconds busy_timeout = kCatalogBusyTimeout);
  ~Catalog();
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  int schema_version();

  // From now on the write-ahead log is checkpointed by a thread of the
  // catalog's own, never inside a commit (wal_checkpointer.h says why): for
  // a build, whose commits are on the thread that keeps its jobs running.
  // Where that cannot be set up (a catalog in memory), commits checkpoint
  // as before.
  void checkpoint_in_background();

  // Makes every write until commit_batch() one transaction: a builder records
  // the ends of the jobs that just finished and the starts of the next ones
  // with one commit instead of several per job. The writes inside a batch
  // take no savepoint of their own (one per write would copy every page it
  // touches: 8% of the runner's instructions for trivial jobs), so a
  // write that fails after part of it was made (publish() superseded the old
  // version, then could not insert the new) leaves the batch half done:
  // commit_batch() then refuses, naming that failure, and rolls the whole
  // batch back, as rollback_batch() (a no-op when no batch is open) does. A
  // write that failed before changing anything leaves the batch usable.
  Status begin_batch();
  Status commit_batch();
  void rollback_batch();
  // A read-only batch: every read until commit_batch() sees one snapshot, and
  // pays SQLite's per-transaction locking once instead of per query (planning
  // a no-op build reads a few rows per partition).
  Status begin_read();

  // ---- partitions ----
  Expected<std::optional<PartitionRecord>> current(const std::string& ref);
  Expected<std::optional<PartitionRecord>> partition(int64_t id);
  // Every version of `ref`, newest first.
  Expected<std::vector<PartitionRecord>> versions(const std::string& ref);
  // Every current partition, ordered by ref.
  Expected<std::vector<PartitionRecord>> current_partitions();
  // Every current partition of `dataset`, in one scan.
  Expected<std::vector<PartitionRecord>> current_partitions(const std::string& dataset);
  // The current versions of `dataset` that are live and were built by a run,
  // in one lean scan; invalidated, hand-made and external versions are left
  // out (a planner decides those one by one).
  Expected<BuiltVersions> live_built_versions(const std::string& dataset);
  Expected<std::vector<PartitionRecord>> superseded_partitions();
  // Supersedes the current versions of `partitions` and inserts the new ones,
  // ending `run_id` (when set) as succeeded, all in one transaction. Returns
  // the new versions in order. `records`, when given, receives the new rows
  // as current() would read them back (a builder keeps them, without a query
  // per partition).
  Expected<std::vector<int64_t>> publish(const std::vector<NewPartition>& partitions,
                                         std::optional<int64_t> run_id = {},
                                         std::vector<PartitionRecord>* records = nullptr);
  // Marks the current version invalidated: the next build rebuilds it.
  Expected<bool> invalidate(const std::string& ref);
  Status set_stat_signature(int64_t id, const std::string& signature);
  Status mark_collected(int64_t id);

  // ---- runs ----
  Expected<int64_t> start_run(const NewRun& run);
  Status finish_run(int64_t id, bool succeeded, std::optional<int> exit_status,
                    const std::string& message);
  Expected<std::optional<RunRecord>> run(int64_t id);
  Expected<std::vector<RunInput>> run_inputs(int64_t run_id);
  // What staleness compares: a run's job fingerprint and the versions it
  // read, sorted by (port, ref). Fixed once the run has started, so each run
  // is read once per Catalog and kept. Null when there is no such run.
  struct RecordedRun {
    std::string fingerprint;
    std::vector<RunInput> inputs;
  };
  Expected<const RecordedRun*> recorded_run(int64_t run_id);
  // The ids of the runs whose job fingerprint is `fingerprint`, ascending.
  Expected<std::vector<int64_t>> runs_with_fingerprint(const std::string& fingerprint);
  // The versions made by runs that read `version` (every state: a superseded
  // one was built from it too), with the port that read it; oldest first.
  Expected<std::vector<std::pair<std::string, PartitionRecord>>> built_from(int64_t version);
  // Runs that produced (or tried to produce) `ref` as their target, or of
  // job `job`, newest first.
  Expected<std::vector<RunRecord>> runs_for(const std::string& ref_or_job);
  // Runs still `running` on `host` whose process is gone (a killed runner).
  Expected<std::vector<int64_t>> orphaned_runs(const std::string& host,
                                               const std::function<bool(int64_t pid)>& is_alive);
  // Ends `runs` (from orphaned_runs()) as failed, "orphaned: its runner is gone".
  Status end_orphaned_runs(const std::vector<int64_t>& runs);

  // ---- claims: one builder per partition across processes ----
  // Claims `ref` for (pid, host) unless a live claim by someone else holds it.
  // A claim is dead, and taken over, when its pid is gone on this host or its
  // heartbeat is older than kClaimStaleSeconds (a runner on another host, or
  // one whose pid was reused).
  Expected<bool> claim(const std::string& ref, int64_t pid, const std::string& host,
                       const std::function<bool(int64_t pid)>& is_alive);
  Status release(const std::string& ref, int64_t pid);
  // Refreshes the heartbeat of every claim (pid, host) holds.
  Status heartbeat(int64_t pid, const std::string& host);

  // ---- events ----
  Status record_event(const std::string& kind, const std::string& ref,
                      std::optional<int64_t> run_id, const std::string& detail);
  Expected<std::vector<EventRecord>> events_for(const std::string& ref);

 private:
  Catalog(sqlite3* db, std::function<int64_t()> clock);
  Status exec(const char* sql);
  // The prepared statement for `sql`, prepared on first use and kept (a
  // no-op build runs the same few queries for every partition); null when
  // it does not prepare, with the reason in sqlite3_errmsg().
  sqlite3_stmt* prepare(std::string_view sql);
  // Runs `sql`, a statement without parameters or rows wanted (BEGIN,
  // SAVEPOINT, COMMIT...), prepared once; false on failure, with the reason
  // in sqlite3_errmsg().
  bool run_statement(std::string_view sql);
  class Transaction;  // catalog.cc: a transaction, or a savepoint inside a batch
  // The partitions WHERE `condition`, its one `?` (if any) bound to `value`.
  Expected<std::vector<PartitionRecord>> select_partitions(const std::string& condition,
                                                           std::optional<std::string> value,
                                                           const std::string& purpose);
  Status migrate();
  int64_t now() const;
  // Inside a batch: why a write of it failed (commit_batch() refuses).
  void write_failed_in_batch(std::string_view what);

  sqlite3* db_;  // owned
  std::function<int64_t()> clock_;
  std::unique_ptr<WalCheckpointer> checkpointer_;  // stopped before db_ closes
  // Transparent, so a lookup by a literal's string_view allocates nothing.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  // Owned: finalized before db_ closes.
  std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> statements_;
  std::unordered_map<int64_t, RecordedRun> recorded_runs_;  // recorded_run()
  std::optional<std::string> batch_failure_;                // write_failed_in_batch()
  // Inside a batch, after a run was recorded in it: the next run's id.
  std::optional<int64_t> next_run_id_;
};

// A NewRun's log_path with `{run}` replaced by the run's id: the path the
// run records, and the one the builder opens.
std::string run_log_path(const std::string& pattern, int64_t run_id);

std::string join_labels(const std::vector<std::string>& labels);
std::vector<std::string> split_labels(const std::string& text);

}  // namespace databuild
