// Catalog over the SQLite C API. A small Statement wrapper owns each prepared
// statement and turns every SQLite error into a Failure naming the statement's
// purpose, so a locked, corrupt or read-only catalog reaches the user as a
// sentence. Migrations are a list indexed by schema version: migration i takes
// a file from user_version i to i + 1, inside one transaction.
#include "catalog.h"

#include <sqlite3.h>

#include <chrono>
#include <thread>
#include <utility>

namespace databuild {

namespace {

// The schema, one migration per version step.
const char* const kMigrations[] = {
    // 0 -> 1
    R"sql(
CREATE TABLE partitions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ref TEXT NOT NULL,
  dataset TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('live', 'invalidated', 'superseded', 'collected')),
  origin TEXT NOT NULL CHECK (origin IN ('job', 'manual', 'external')),
  run_id INTEGER REFERENCES runs(id),
  path TEXT NOT NULL,
  manifest TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  stat_signature TEXT NOT NULL DEFAULT '',
  labels TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX partitions_current ON partitions(ref)
  WHERE state IN ('live', 'invalidated');
CREATE INDEX partitions_by_ref ON partitions(ref, id);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job TEXT NOT NULL,
  target TEXT NOT NULL,
  parameters TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
  attempt INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  exit_status INTEGER,
  log_path TEXT NOT NULL,
  build_now INTEGER NOT NULL,
  message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_target ON runs(target, id);
CREATE INDEX runs_by_job ON runs(job, id);
CREATE TABLE run_inputs (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  port TEXT NOT NULL,
  ref TEXT NOT NULL,
  partition_id INTEGER NOT NULL REFERENCES partitions(id),
  PRIMARY KEY (run_id, port, ref)
);
CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  run_id INTEGER,
  detail TEXT NOT NULL
);
CREATE INDEX events_by_ref ON events(ref, id);
CREATE TABLE claims (
  ref TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  claimed_at INTEGER NOT NULL
);
)sql",
    // 1 -> 2: `lineage --downstream` looks runs up by the version they read,
    // and versions up by the run that made them.
    R"sql(
CREATE INDEX run_inputs_by_partition ON run_inputs(partition_id);
CREATE INDEX partitions_by_run ON partitions(run_id);
)sql",
    // 2 -> 3: the same checks on `state` and `origin`, as comparisons. SQLite
    // evaluates a constant IN list of more than two values through a
    // temporary table built for every row it checks: four or five per job
    // recorded (a run's insert and end, a partition's insert and the
    // superseding update), a third of the instructions the runner spent on a
    // trivial job. A table's CHECK cannot be altered in place, so the two
    // tables are rebuilt (foreign keys are off while migrating: open()).
    // AUTOINCREMENT's high-water marks are kept, so ids are never reused.
    R"sql(
CREATE TABLE partitions_v3 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  ref TEXT NOT NULL,
  dataset TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state = 'live' OR state = 'invalidated' OR state = 'superseded'
                             OR state = 'collected'),
  origin TEXT NOT NULL CHECK (origin = 'job' OR origin = 'manual' OR origin = 'external'),
  run_id INTEGER REFERENCES runs(id),
  path TEXT NOT NULL,
  manifest TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  stat_signature TEXT NOT NULL DEFAULT '',
  labels TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE runs_v3 (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job TEXT NOT NULL,
  target TEXT NOT NULL,
  parameters TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state = 'running' OR state = 'succeeded' OR state = 'failed'),
  attempt INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  ended_at INTEGER,
  exit_status INTEGER,
  log_path TEXT NOT NULL,
  build_now INTEGER NOT NULL,
  message TEXT NOT NULL DEFAULT ''
);
INSERT INTO sqlite_sequence (name, seq)
  SELECT name || '_v3', seq FROM sqlite_sequence WHERE name IN ('partitions', 'runs');
INSERT INTO partitions_v3 SELECT id, ref, dataset, state, origin, run_id, path, manifest,
  content_hash, stat_signature, labels, created_at FROM partitions;
INSERT INTO runs_v3 SELECT id, job, target, parameters, fingerprint, state, attempt, pid, host,
  started_at, ended_at, exit_status, log_path, build_now, message FROM runs;
DROP TABLE partitions;
DROP TABLE runs;
ALTER TABLE partitions_v3 RENAME TO partitions;
ALTER TABLE runs_v3 RENAME TO runs;
CREATE UNIQUE INDEX partitions_current ON partitions(ref)
  WHERE state IN ('live', 'invalidated');
CREATE INDEX partitions_by_ref ON partitions(ref, id);
CREATE INDEX partitions_by_run ON partitions(run_id);
CREATE INDEX runs_by_target ON runs(target, id);
CREATE INDEX runs_by_job ON runs(job, id);
)sql",
    // 3 -> 4: `events` without AUTOINCREMENT. Each of its inserts (three per
    // job) read and rewrote the table's row in sqlite_sequence: 5% of the
    // runner's instructions for trivial jobs. Events are only appended, never
    // deleted, so a plain rowid (the largest + 1) numbers them in the same
    // order. The table is rebuilt, its ids kept.
    R"sql(
CREATE TABLE events_v4 (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  run_id INTEGER,
  detail TEXT NOT NULL
);
INSERT INTO events_v4 SELECT id, at, kind, ref, run_id, detail FROM events;
DROP TABLE events;
ALTER TABLE events_v4 RENAME TO events;
CREATE INDEX events_by_ref ON events(ref, id);
DELETE FROM sqlite_sequence WHERE name = 'events';
)sql",
};
constexpr int kMigrationCount = sizeof kMigrations / sizeof kMigrations[0];
static_assert(kMigrationCount == kCatalogSchemaVersion);

// "catalog PATH: cannot PURPOSE: SQLite's reason": every catalog failure names
// the file and what was being done, so a full disk or a lock held elsewhere
// reaches the user as a sentence they can act on. A write lock still held by
// another process when the busy timeout ran out says so in words.
std::string catalog_name(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  return file && *file ? std::string("catalog ") + file : std::string("catalog");
}

// SQLite's reason for the last failure on `db`.
std::string sqlite_reason(sqlite3* db) {
  std::string reason = sqlite3_errmsg(db);
  if (sqlite3_errcode(db) == SQLITE_BUSY)
    reason += " (another process holds its write lock; gave up after the busy timeout)";
  return reason;
}

Failure catalog_failure(sqlite3* db, std::string_view purpose) {
  return Failure{catalog_name(db) + ": cannot " + std::string(purpose) + ": " + sqlite_reason(db)};
}

// One use of a cached prepared statement (Catalog::prepare; null when it
// failed to prepare): reset and unbound on destruction, so no use leaves a
// read transaction open or a binding behind.
class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* statement)
      : db_(db), statement_(statement), error_(statement == nullptr) {}
  ~Statement() {
    if (!statement_) return;
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, int64_t value) {
    if (!error_) error_ = sqlite3_bind_int64(statement_, index, value) != SQLITE_OK;
    return *this;
  }
  // A named string is bound without a copy: it must outlive this use (every
  // caller binds its arguments or members). Debian's SQLite is built without
  // lookaside memory, so a copy is a malloc and a free per value per row.
  Statement& bind(int index, const std::string& value) {
    return bind_text(index, value, SQLITE_STATIC);
  }
  // A temporary is copied.
  Statement& bind(int index, std::string&& value) {
    return bind_text(index, value, SQLITE_TRANSIENT);
  }
  // A string literal's text (static storage: no copy).
  Statement& bind_literal(int index, std::string_view literal) {
    return bind_text(index, literal, SQLITE_STATIC);
  }
  Statement& bind(int index, std::optional<int64_t> value) {
    if (value) return bind(index, *value);
    if (!error_) error_ = sqlite3_bind_null(statement_, index) != SQLITE_OK;
    return *this;
  }
  // Steps once: true on a row, false when done or on error (see failed()).
  bool step() {
    if (error_) return false;
    int status = sqlite3_step(statement_);
    if (status == SQLITE_ROW) return true;
    if (status != SQLITE_DONE) error_ = true;
    return false;
  }
  bool failed() const { return error_; }
  Failure failure(std::string_view purpose) const { return catalog_failure(db_, purpose); }
  int64_t integer(int column) { return sqlite3_column_int64(statement_, column); }
  std::optional<int64_t> optional_integer(int column) {
    if (sqlite3_column_type(statement_, column) == SQLITE_NULL) return std::nullopt;
    return integer(column);
  }
  std::string text(int column) { return std::string(view(column)); }
  // Valid until the next step.
  std::string_view view(int column) {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    return text ? std::string_view(reinterpret_cast<const char*>(text),
                                   static_cast<size_t>(sqlite3_column_bytes(statement_, column)))
                : std::string_view();
  }

 private:
  Statement& bind_text(int index, std::string_view text, sqlite3_destructor_type lifetime) {
    if (!error_)
      error_ = sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                                 lifetime) != SQLITE_OK;
    return *this;
  }

  sqlite3* db_;
  sqlite3_stmt* statement_;  // owned by the Catalog's cache
  bool error_;
};

}  // namespace

// Rolls back on destruction unless committed: every early return is safe.
// `what` and `subject` ("the claim on", REF) complete its failures'
// sentences, joined only when one is reported. Inside a batch
// (Catalog::begin_batch) it is only a mark: its writes are the batch's, and
// one left uncommitted after some of its writes were made (a later one
// failed) makes the batch's commit refuse and roll everything back; one that
// wrote nothing (a claim held elsewhere, a first write that failed: SQLite
// undoes a failed statement itself) leaves the batch as it was. A savepoint
// here cost 8% of the runner's instructions for trivial jobs (SQLite
// copies each page a savepoint touches that the batch had already changed:
// most of them; docs/benchmarks.md).
// BEGIN and COMMIT are prepared once per Catalog.
class Catalog::Transaction {
 public:
  Transaction(Catalog& catalog, bool immediate, std::string_view what, std::string_view subject)
      : catalog_(catalog),
        what_(what),
        subject_(subject),
        nested_(sqlite3_get_autocommit(catalog.db_) == 0),
        changes_(sqlite3_total_changes64(catalog.db_)) {
    active_ = nested_ || catalog_.run_statement(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  ~Transaction() {
    if (!active_) return;
    if (!nested_)
      catalog_.run_statement("ROLLBACK");
    else if (sqlite3_total_changes64(catalog_.db_) != changes_)
      catalog_.write_failed_in_batch(description());
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  bool active() const { return active_; }
  Status commit() {
    if (!nested_ && !catalog_.run_statement("COMMIT"))
      return catalog_failure(catalog_.db_, "commit " + description());
    active_ = false;
    return ok();
  }
  Failure failure() const {
    return catalog_failure(catalog_.db_, "start recording " + description());
  }

 private:
  std::string description() const { return std::string(what_) + std::string(subject_); }

  Catalog& catalog_;
  std::string_view what_, subject_;  // the caller's, which outlive the transaction
  bool nested_;
  int64_t changes_;  // the connection's rows written before it began
  bool active_;
};

namespace {

Origin parse_origin(const std::string& text) {
  if (text == "manual") return Origin::Manual;
  if (text == "external") return Origin::External;
  return Origin::Job;
}

constexpr const char* kPartitionColumns =
    "id, ref, dataset, state, origin, run_id, path, manifest, content_hash, stat_signature, "
    "labels, created_at";

PartitionRecord read_partition(Statement& row) {
  PartitionRecord record;
  record.id = row.integer(0);
  record.ref = row.text(1);
  record.dataset = row.text(2);
  record.state = row.text(3);
  record.origin = parse_origin(row.text(4));
  record.run_id = row.optional_integer(5);
  record.path = row.text(6);
  record.manifest = row.text(7);
  record.content_hash = row.text(8);
  record.stat_signature = row.text(9);
  record.labels = split_labels(row.text(10));
  record.created_at = row.integer(11);
  return record;
}

constexpr const char* kRunColumns =
    "id, job, target, parameters, fingerprint, state, attempt, pid, host, started_at, ended_at, "
    "exit_status, log_path, message";

RunRecord read_run(Statement& row) {
  RunRecord record;
  record.id = row.integer(0);
  record.job = row.text(1);
  record.target = row.text(2);
  record.parameters = row.text(3);
  record.fingerprint = row.text(4);
  record.state = row.text(5);
  record.attempt = static_cast<int>(row.integer(6));
  record.pid = row.integer(7);
  record.host = row.text(8);
  record.started_at = row.integer(9);
  record.ended_at = row.optional_integer(10);
  if (std::optional<int64_t> status = row.optional_integer(11))
    record.exit_status = static_cast<int>(*status);
  record.log_path = row.text(12);
  record.message = row.text(13);
  return record;
}

template <typename Record>
Expected<std::vector<Record>> collect(Statement& statement, Record (*read)(Statement&),
                                      std::string_view purpose) {
  std::vector<Record> records;
  while (statement.step()) records.push_back(read(statement));
  if (statement.failed()) return statement.failure(purpose);
  return records;
}

int64_t wall_clock_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view origin_name(Origin origin) {
  switch (origin) {
    case Origin::Job:
      return "job";
    case Origin::Manual:
      return "manual";
    case Origin::External:
      return "external";
  }
  return "job";
}

std::string run_log_path(const std::string& pattern, int64_t run_id) {
  std::string path = pattern;
  if (size_t at = path.find("{run}"); at != std::string::npos)
    path.replace(at, 5, std::to_string(run_id));
  return path;
}

std::string join_labels(const std::vector<std::string>& labels) {
  std::string text;
  for (const std::string& label : labels) text += (text.empty() ? "" : ",") + label;
  return text;
}

std::vector<std::string> split_labels(const std::string& text) {
  std::vector<std::string> labels;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) labels.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return labels;
}

Catalog::Catalog(sqlite3* db, std::function<int64_t()> clock)
    : db_(db), clock_(clock ? std::move(clock) : wall_clock_seconds) {}

Catalog::~Catalog() {
  // First: closing db_ last is what checkpoints the rest and removes the WAL.
  checkpointer_.reset();
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close_v2(db_);
}

void Catalog::checkpoint_in_background() {
  if (!checkpointer_) checkpointer_ = WalCheckpointer::start(db_);
}

sqlite3_stmt* Catalog::prepare(std::string_view sql) {
  if (auto found = statements_.find(sql); found != statements_.end()) return found->second;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &statement, nullptr) != SQLITE_OK)
    return nullptr;
  statements_.emplace(sql, statement);
  return statement;
}

bool Catalog::run_statement(std::string_view sql) {
  sqlite3_stmt* statement = prepare(sql);
  if (!statement) return false;
  int status = sqlite3_step(statement);
  sqlite3_reset(statement);  // keeps the step's error for sqlite3_errmsg()
  return status == SQLITE_DONE || status == SQLITE_ROW;
}

int64_t Catalog::now() const { return clock_(); }

Expected<std::unique_ptr<Catalog>> Catalog::open(const std::string& path,
                                                 std::function<int64_t()> clock,
                                                 std::chrono::milliseconds busy_timeout) {
  // A Catalog is used by one thread (catalog.h), so SQLite's per-call
  // locking (NOMUTEX) and its global memory statistics (a lock around every
  // allocation) are pure cost: together a seventh of a no-op build's time.
  static const bool configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)configured;
  sqlite3* db = nullptr;
  int status = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<Catalog> catalog(new Catalog(db, std::move(clock)));
  if (status != SQLITE_OK)
    return Failure{"cannot open the catalog " + path + ": " + sqlite3_errstr(status)};
  // Wait for other runners' writes instead of failing with "database is locked".
  const int busy_timeout_ms = static_cast<int>(busy_timeout.count());
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // Switching a new file to WAL can fail with SQLITE_BUSY without consulting
  // the busy handler while another runner is switching it too (two runners
  // started at once on a fresh workspace), so that one step retries itself
  // within the same timeout.
  Status wal = catalog->exec("PRAGMA journal_mode = WAL");
  for (int waited_ms = 0; !wal && sqlite3_errcode(db) == SQLITE_BUSY && waited_ms < busy_timeout_ms;
       waited_ms += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    wal = catalog->exec("PRAGMA journal_mode = WAL");
  }
  if (!wal) return Failure{"cannot open the catalog " + path + ": " + sqlite_reason(db)};
  // In WAL mode, NORMAL syncs at checkpoints, not at every commit: a killed
  // runner loses nothing (the OS has the pages), and a power cut may lose the
  // last commits but never corrupts the file. A version published on disk but
  // lost from the catalog is then one whose link the catalog does not name,
  // which the next plan rebuilds ("missing"). FULL would cost an fsync per
  // transaction, several per job (docs/benchmarks.md).
  if (Status sync = catalog->exec("PRAGMA synchronous = NORMAL"); !sync)
    return Failure{sync.error()};
  // migrate()'s failures name the file themselves. Foreign keys are
  // enforced only after it: a migration that rebuilds a table drops the old
  // one, which other tables' keys name (and the pragma is a no-op inside
  // migrate()'s transaction).
  if (Status migrated = catalog->migrate(); !migrated) return Failure{migrated.error()};
  if (Status keys = catalog->exec("PRAGMA foreign_keys = ON"); !keys) return Failure{keys.error()};
  return catalog;
}

Status Catalog::begin_batch() {
  batch_failure_.reset();
  next_run_id_.reset();
  // IMMEDIATE: the write lock for the whole batch, so the claims taken in it
  // are as exclusive as claim() alone makes them.
  if (!run_statement("BEGIN IMMEDIATE"))
    return catalog_failure(db_, "start recording the build's next round");
  return ok();
}

Status Catalog::begin_read() {
  batch_failure_.reset();
  next_run_id_.reset();
  if (!run_statement("BEGIN")) return catalog_failure(db_, "start reading");
  return ok();
}

void Catalog::write_failed_in_batch(std::string_view what) {
  if (!batch_failure_) batch_failure_ = std::string(what);
}

Status Catalog::commit_batch() {
  next_run_id_.reset();
  if (batch_failure_) {
    rollback_batch();
    return Failure{catalog_name(db_) +
                   ": cannot commit the build's records of this round: recording " +
                   *batch_failure_ +
                   " failed after part of it was written; the round was "
                   "rolled back"};
  }
  if (!run_statement("COMMIT"))
    return catalog_failure(db_, "commit the build's records of this round");
  return ok();
}

void Catalog::rollback_batch() {
  next_run_id_.reset();
  if (sqlite3_get_autocommit(db_) == 0) run_statement("ROLLBACK");
}

Status Catalog::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return Failure{text};
  }
  return ok();
}

int Catalog::schema_version() {
  Statement statement(db_, prepare("PRAGMA user_version"));
  return statement.step() ? static_cast<int>(statement.integer(0)) : -1;
}

Status Catalog::migrate() {
  // Exclusive while migrating: two runners opening an old file migrate it once.
  Transaction transaction(*this, /*immediate=*/true, "its schema", "");
  if (!transaction.active()) return transaction.failure();
  int version = schema_version();
  if (version < 0) return catalog_failure(db_, "read its schema version");
  if (version > kCatalogSchemaVersion)
    return Failure{catalog_name(db_) + ": it has schema version " + std::to_string(version) +
                   ", newer than this databuild-run understands (" +
                   std::to_string(kCatalogSchemaVersion) + "); use a newer databuild-run"};
  for (; version < kCatalogSchemaVersion; ++version) {
    if (Status step = exec(kMigrations[version]); !step)
      return Failure{catalog_name(db_) + ": migration to schema version " +
                     std::to_string(version + 1) + " failed: " + step.error()};
  }
  std::string set_version = "PRAGMA user_version = " + std::to_string(version);
  if (Status set = exec(set_version.c_str()); !set)
    return catalog_failure(db_, "set its schema version");
  return transaction.commit();
}

Expected<std::optional<PartitionRecord>> Catalog::current(const std::string& ref) {
  std::string sql = std::string("SELECT ") + kPartitionColumns +
                    " FROM partitions WHERE ref = ? AND state IN ('live', 'invalidated')";
  Statement statement(db_, prepare(sql.c_str()));
  statement.bind(1, ref);
  if (statement.step()) return std::optional(read_partition(statement));
  if (statement.failed()) return statement.failure("read partition " + ref);
  return std::optional<PartitionRecord>();
}

Expected<std::optional<PartitionRecord>> Catalog::partition(int64_t id) {
  std::string sql = std::string("SELECT ") + kPartitionColumns + " FROM partitions WHERE id = ?";
  Statement statement(db_, prepare(sql.c_str()));
  statement.bind(1, id);
  if (statement.step()) return std::optional(read_partition(statement));
  if (statement.failed()) return statement.failure("read a partition version");
  return std::optional<PartitionRecord>();
}

Expected<std::vector<PartitionRecord>> Catalog::select_partitions(const std::string& condition,
                                                                  std::optional<std::string> value,
                                                                  const std::string& purpose) {
  std::string sql =
      std::string("SELECT ") + kPartitionColumns + " FROM partitions WHERE " + condition;
  Statement statement(db_, prepare(sql));
  if (value) statement.bind(1, *value);
  return collect(statement, read_partition, purpose);
}

Expected<std::vector<PartitionRecord>> Catalog::versions(const std::string& ref) {
  return select_partitions("ref = ? ORDER BY id DESC", ref, "list the versions of " + ref);
}

Expected<std::vector<PartitionRecord>> Catalog::current_partitions() {
  return select_partitions("state IN ('live', 'invalidated') ORDER BY ref", std::nullopt,
                           "list partitions");
}

Expected<std::vector<PartitionRecord>> Catalog::current_partitions(const std::string& dataset) {
  return select_partitions("dataset = ? AND state IN ('live', 'invalidated')", dataset,
                           "list the partitions of " + dataset);
}

Expected<BuiltVersions> Catalog::live_built_versions(const std::string& dataset) {
  // The `state IN` term lets SQLite walk the partial index of current versions
  // (it does not infer it from `state = 'live'`) instead of every version ever.
  Statement statement(
      db_, prepare("SELECT id, run_id, ref, path FROM partitions WHERE dataset = ? AND "
                   "state IN ('live', 'invalidated') AND state = 'live' AND origin = 'job' AND "
                   "run_id IS NOT NULL"));
  statement.bind(1, dataset);
  BuiltVersions built;
  auto append = [&](std::string_view text, size_t& at, uint32_t& size) {
    at = built.text.size();
    size = static_cast<uint32_t>(text.size());
    built.text += text;
  };
  while (statement.step()) {
    BuiltVersions::Version& version = built.versions.emplace_back();
    version.id = statement.integer(0);
    version.run_id = statement.integer(1);
    append(statement.view(2), version.ref_at, version.ref_size);
    append(statement.view(3), version.path_at, version.path_size);
  }
  if (statement.failed()) return statement.failure("list the partitions of " + dataset);
  return built;
}

Expected<std::vector<PartitionRecord>> Catalog::superseded_partitions() {
  return select_partitions("state = 'superseded' ORDER BY id", std::nullopt,
                           "list superseded partitions");
}

Expected<std::vector<int64_t>> Catalog::publish(const std::vector<NewPartition>& partitions,
                                                std::optional<int64_t> run_id,
                                                std::vector<PartitionRecord>* records) {
  Transaction transaction(
      *this, /*immediate=*/true, partitions.empty() ? "the end of a run" : "the publication of ",
      partitions.empty() ? std::string_view() : std::string_view(partitions.front().ref));
  if (!transaction.active()) return transaction.failure();
  std::vector<int64_t> ids;
  const int64_t created_at = now();
  for (const NewPartition& partition : partitions) {
    Statement supersede(db_, prepare("UPDATE partitions SET state = 'superseded' "
                                     "WHERE ref = ? AND state IN ('live', 'invalidated')"));
    supersede.bind(1, partition.ref).step();
    if (supersede.failed()) return supersede.failure("supersede " + partition.ref);
    Statement insert(
        db_, prepare("INSERT INTO partitions (ref, dataset, state, origin, run_id, path, manifest, "
                     "content_hash, stat_signature, labels, created_at) "
                     "VALUES (?, ?, 'live', ?, ?, ?, ?, ?, ?, ?, ?)"));
    insert.bind(1, partition.ref)
        .bind(2, partition.dataset)
        .bind_literal(3, origin_name(partition.origin))
        .bind(4, run_id)
        .bind(5, partition.path)
        .bind(6, partition.manifest)
        .bind(7, partition.content_hash)
        .bind(8, partition.stat_signature)
        .bind(9, join_labels(partition.labels))
        .bind(10, created_at)
        .step();
    if (insert.failed()) return insert.failure("record partition " + partition.ref);
    ids.push_back(sqlite3_last_insert_rowid(db_));
    if (Status event = record_event("published", partition.ref, run_id,
                                    "version " + std::to_string(ids.back()) + " (" +
                                        std::string(origin_name(partition.origin)) + ")");
        !event)
      return Failure{event.error()};
  }
  if (run_id) {
    if (Status finished = finish_run(*run_id, true, 0, ""); !finished)
      return Failure{finished.error()};
  }
  if (Status committed = transaction.commit(); !committed) return Failure{committed.error()};
  if (records) {
    records->clear();
    for (size_t i = 0; i < partitions.size(); ++i) {
      const NewPartition& partition = partitions[i];
      PartitionRecord& record = records->emplace_back();
      record.id = ids[i];
      record.ref = partition.ref;
      record.dataset = partition.dataset;
      record.state = "live";
      record.origin = partition.origin;
      record.run_id = run_id;
      record.path = partition.path;
      record.manifest = partition.manifest;
      record.content_hash = partition.content_hash;
      record.stat_signature = partition.stat_signature;
      record.labels = split_labels(join_labels(partition.labels));  // as a read gives them
      record.created_at = created_at;
    }
  }
  return ids;
}

Expected<bool> Catalog::invalidate(const std::string& ref) {
  Transaction transaction(*this, /*immediate=*/true, "the invalidation of ", ref);
  if (!transaction.active()) return transaction.failure();
  Statement statement(
      db_, prepare("UPDATE partitions SET state = 'invalidated' WHERE ref = ? AND state = "
                   "'live'"));
  statement.bind(1, ref).step();
  if (statement.failed()) return statement.failure("invalidate " + ref);
  bool changed = sqlite3_changes(db_) > 0;
  if (changed) {
    if (Status event = record_event("invalidated", ref, std::nullopt, ""); !event)
      return Failure{event.error()};
  }
  if (Status committed = transaction.commit(); !committed) return Failure{committed.error()};
  return changed;
}

Status Catalog::set_stat_signature(int64_t id, const std::string& signature) {
  Statement statement(db_, prepare("UPDATE partitions SET stat_signature = ? WHERE id = ?"));
  statement.bind(1, signature).bind(2, id).step();
  if (statement.failed()) return statement.failure("update a partition's file signature");
  return ok();
}

Status Catalog::mark_collected(int64_t id) {
  Statement statement(db_, prepare("UPDATE partitions SET state = 'collected' WHERE id = ?"));
  statement.bind(1, id).step();
  if (statement.failed()) return statement.failure("mark a version collected");
  return ok();
}

Expected<int64_t> Catalog::start_run(const NewRun& run) {
  Transaction transaction(*this, /*immediate=*/true, "the start of a run of ", run.job);
  if (!transaction.active()) return transaction.failure();
  // The log's path names the run's id. When the id is known before the
  // insert (next_run_id_), the row is written whole; otherwise (NULL: SQLite
  // numbers it) the path is set by a second statement, once per batch.
  std::optional<int64_t> known = std::exchange(next_run_id_, std::nullopt);
  Statement insert(
      db_, prepare("INSERT INTO runs (id, job, target, parameters, fingerprint, state, attempt, "
                   "pid, host, started_at, log_path, build_now) "
                   "VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)"));
  insert.bind(1, known)
      .bind(2, run.job)
      .bind(3, run.target)
      .bind(4, run.parameters)
      .bind(5, run.fingerprint)
      .bind(6, int64_t{run.attempt})
      .bind(7, run.pid)
      .bind(8, run.host)
      .bind(9, now())
      .bind(10, known ? run_log_path(run.log_path, *known) : run.log_path)
      .bind(11, run.build_now)
      .step();
  if (insert.failed()) return insert.failure("record a run of " + run.job);
  int64_t id = sqlite3_last_insert_rowid(db_);
  if (!known) {
    Statement log(db_, prepare("UPDATE runs SET log_path = ? WHERE id = ?"));
    log.bind(1, run_log_path(run.log_path, id)).bind(2, id).step();
    if (log.failed()) return log.failure("name the log of a run of " + run.job);
  }
  for (const RunInput& input : run.inputs) {
    Statement row(
        db_, prepare("INSERT INTO run_inputs (run_id, port, ref, partition_id) VALUES (?,?,?,?)"));
    row.bind(1, id).bind(2, input.port).bind(3, input.ref).bind(4, input.partition_id).step();
    if (row.failed()) return row.failure("record the inputs of a run of " + run.job);
  }
  if (Status event = record_event("run-started", run.target, id, run.job); !event)
    return Failure{event.error()};
  if (Status committed = transaction.commit(); !committed) return Failure{committed.error()};
  // Inside a batch this connection holds the write lock until the batch ends,
  // so the next run it records gets the next id: AUTOINCREMENT's choice,
  // since this insert raised the table's high-water mark to `id`.
  if (sqlite3_get_autocommit(db_) == 0) next_run_id_ = id + 1;
  return id;
}

Status Catalog::finish_run(int64_t id, bool succeeded, std::optional<int> exit_status,
                           const std::string& message) {
  Statement statement(
      db_, prepare("UPDATE runs SET state = ?, ended_at = ?, exit_status = ?, message = ? "
                   "WHERE id = ?"));
  statement.bind_literal(1, succeeded ? "succeeded" : "failed")
      .bind(2, now())
      .bind(3, exit_status ? std::optional<int64_t>(*exit_status) : std::nullopt)
      .bind(4, message)
      .bind(5, id)
      .step();
  if (statement.failed()) return statement.failure("record the end of run " + std::to_string(id));
  // The event names the run's target, read by the insert itself rather than
  // by a query of its own (one statement fewer for every job).
  Statement event(db_,
                  prepare("INSERT INTO events (at, kind, ref, run_id, detail) "
                          "VALUES (?, ?, coalesce((SELECT target FROM runs WHERE id = ?), ''), "
                          "?, ?)"));
  event.bind(1, now())
      .bind_literal(2, succeeded ? "run-succeeded" : "run-failed")
      .bind(3, id)
      .bind(4, id)
      .bind(5, message)
      .step();
  if (event.failed()) return event.failure("record an event");
  return ok();
}

Expected<std::optional<RunRecord>> Catalog::run(int64_t id) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?";
  Statement statement(db_, prepare(sql.c_str()));
  statement.bind(1, id);
  if (statement.step()) return std::optional(read_run(statement));
  if (statement.failed()) return statement.failure("read a run");
  return std::optional<RunRecord>();
}

Expected<std::vector<RunInput>> Catalog::run_inputs(int64_t run_id) {
  Statement statement(db_,
                      prepare("SELECT port, ref, partition_id FROM run_inputs WHERE run_id = ? "
                              "ORDER BY rowid"));
  statement.bind(1, run_id);
  std::vector<RunInput> inputs;
  while (statement.step())
    inputs.push_back({statement.text(0), statement.text(1), statement.integer(2)});
  if (statement.failed()) return statement.failure("read the inputs of a run");
  return inputs;
}

Expected<const Catalog::RecordedRun*> Catalog::recorded_run(int64_t run_id) {
  if (auto found = recorded_runs_.find(run_id); found != recorded_runs_.end())
    return &found->second;
  Statement run(db_, prepare("SELECT fingerprint FROM runs WHERE id = ?"));
  run.bind(1, run_id);
  if (!run.step()) {
    if (run.failed()) return run.failure("read a run");
    return nullptr;
  }
  RecordedRun recorded{run.text(0), {}};
  Statement inputs(db_, prepare("SELECT port, ref, partition_id FROM run_inputs WHERE run_id = ? "
                                "ORDER BY port, ref"));
  inputs.bind(1, run_id);
  while (inputs.step())
    recorded.inputs.push_back({inputs.text(0), inputs.text(1), inputs.integer(2)});
  if (inputs.failed()) return inputs.failure("read the inputs of a run");
  return &recorded_runs_.emplace(run_id, std::move(recorded)).first->second;
}

Expected<std::vector<int64_t>> Catalog::runs_with_fingerprint(const std::string& fingerprint) {
  Statement statement(db_, prepare("SELECT id FROM runs WHERE fingerprint = ? ORDER BY id"));
  statement.bind(1, fingerprint);
  std::vector<int64_t> ids;
  while (statement.step()) ids.push_back(statement.integer(0));
  if (statement.failed()) return statement.failure("list the runs of a job definition");
  return ids;
}

Expected<std::vector<std::pair<std::string, PartitionRecord>>> Catalog::built_from(
    int64_t version) {
  // The join names `ref` and `run_id` twice; the subquery leaves one of each.
  std::string sql =
      std::string("SELECT ") + kPartitionColumns +
      ", port FROM (SELECT p.*, i.port AS port FROM run_inputs i "
      "JOIN partitions p ON p.run_id = i.run_id WHERE i.partition_id = ?) ORDER BY id";
  Statement statement(db_, prepare(sql));
  statement.bind(1, version);
  std::vector<std::pair<std::string, PartitionRecord>> readers;
  while (statement.step()) readers.emplace_back(statement.text(12), read_partition(statement));
  if (statement.failed()) return statement.failure("list the versions built from a version");
  return readers;
}

Expected<std::vector<RunRecord>> Catalog::runs_for(const std::string& ref_or_job) {
  std::string sql = std::string("SELECT ") + kRunColumns +
                    " FROM runs WHERE target = ?1 OR job = ?1 ORDER BY id DESC";
  Statement statement(db_, prepare(sql.c_str()));
  statement.bind(1, ref_or_job);
  return collect(statement, read_run, "list runs");
}

Expected<std::vector<int64_t>> Catalog::orphaned_runs(
    const std::string& host, const std::function<bool(int64_t pid)>& is_alive) {
  Statement running(db_, prepare("SELECT id, pid FROM runs WHERE state = 'running' AND host = ?"));
  running.bind(1, host);
  std::vector<int64_t> orphans;
  while (running.step())
    if (!is_alive(running.integer(1))) orphans.push_back(running.integer(0));
  if (running.failed()) return running.failure("list running runs");
  return orphans;
}

Status Catalog::end_orphaned_runs(const std::vector<int64_t>& runs) {
  for (int64_t id : runs)
    if (Status ended = finish_run(id, false, std::nullopt, "orphaned: its runner is gone"); !ended)
      return ended;
  return ok();
}

Expected<bool> Catalog::claim(const std::string& ref, int64_t pid, const std::string& host,
                              const std::function<bool(int64_t pid)>& is_alive) {
  // BEGIN IMMEDIATE takes the write lock first: two runners cannot both see
  // the row absent and both insert it.
  Transaction transaction(*this, /*immediate=*/true, "the claim on ", ref);
  if (!transaction.active()) return transaction.failure();
  // Mostly nobody holds it: one statement then.
  {
    Statement insert(db_, prepare("INSERT INTO claims (ref, pid, host, claimed_at) "
                                  "VALUES (?,?,?,?) ON CONFLICT (ref) DO NOTHING"));
    insert.bind(1, ref).bind(2, pid).bind(3, host).bind(4, now()).step();
    if (insert.failed()) return insert.failure("claim " + ref);
  }
  if (sqlite3_changes(db_) > 0) {
    if (Status committed = transaction.commit(); !committed) return Failure{committed.error()};
    return true;
  }
  Statement holder(db_, prepare("SELECT pid, host, claimed_at FROM claims WHERE ref = ?"));
  holder.bind(1, ref);
  if (holder.step()) {
    int64_t holder_pid = holder.integer(0);
    std::string holder_host = holder.text(1);
    bool ours = holder_pid == pid && holder_host == host;
    bool stale = (holder_host == host && !is_alive(holder_pid)) ||
                 now() - holder.integer(2) > kClaimStaleSeconds;
    if (!ours && !stale) return false;
  }
  if (holder.failed()) return holder.failure("read the claim on " + ref);
  Statement insert(
      db_, prepare("INSERT OR REPLACE INTO claims (ref, pid, host, claimed_at) VALUES (?,?,?,?)"));
  insert.bind(1, ref).bind(2, pid).bind(3, host).bind(4, now()).step();
  if (insert.failed()) return insert.failure("claim " + ref);
  if (Status committed = transaction.commit(); !committed) return Failure{committed.error()};
  return true;
}

Status Catalog::release(const std::string& ref, int64_t pid) {
  Statement statement(db_, prepare("DELETE FROM claims WHERE ref = ? AND pid = ?"));
  statement.bind(1, ref).bind(2, pid).step();
  if (statement.failed()) return statement.failure("release the claim on " + ref);
  return ok();
}

Status Catalog::heartbeat(int64_t pid, const std::string& host) {
  Statement statement(db_, prepare("UPDATE claims SET claimed_at = ? WHERE pid = ? AND host = ?"));
  statement.bind(1, now()).bind(2, pid).bind(3, host).step();
  if (statement.failed()) return statement.failure("refresh claims");
  return ok();
}

Status Catalog::record_event(const std::string& kind, const std::string& ref,
                             std::optional<int64_t> run_id, const std::string& detail) {
  Statement statement(
      db_, prepare("INSERT INTO events (at, kind, ref, run_id, detail) VALUES (?,?,?,?,?)"));
  statement.bind(1, now()).bind(2, kind).bind(3, ref).bind(4, run_id).bind(5, detail).step();
  if (statement.failed()) return statement.failure("record an event");
  return ok();
}

Expected<std::vector<EventRecord>> Catalog::events_for(const std::string& ref) {
  Statement statement(db_,
                      prepare("SELECT id, at, kind, ref, run_id, detail FROM events WHERE ref = ? "
                              "ORDER BY id"));
  statement.bind(1, ref);
  std::vector<EventRecord> events;
  while (statement.step()) {
    events.push_back({statement.integer(0), statement.integer(1), statement.text(2),
                      statement.text(3), statement.optional_integer(4), statement.text(5)});
  }
  if (statement.failed()) return statement.failure("read events");
  return events;
}

}  // namespace databuild
