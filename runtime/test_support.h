// Fakes for the runtime's unit tests, in the style of Ninja's test.h: an
// in-memory file system, a command runner that "runs" jobs by calling back
// into the test, and a status recorder. With them the planner and the builder
// are exercised without processes, sleeps or a scratch directory, so the
// tests are exact (which job started when, with what environment) and cannot
// be slowed into failure by a loaded machine.
//
// The fake clock is the builder's own injection points (BuildOptions::
// monotonic_seconds and sleep): FakeClock advances only when the builder
// sleeps or the runner waits, so "wait 6h" costs nothing.
//
// FakeDisk resolves symbolic links in any path prefix, like the kernel, since
// publishing (builder.h) and freshness (plan.h) are defined through a link.
// Ownership: every fake owns its state; a FakeRunner holds a pointer to the
// FakeDisk it writes outputs into (not owned).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "builder.h"
#include "catalog.h"
#include "command_runner.h"
#include "disk.h"
#include "disk_queue.h"
#include "plan.h"
#include "status.h"
#include "workspace.h"

namespace databuild {

class FakeDisk : public DiskInterface {
 public:
  // Creates `path` (and its parent directories) with `text`, stamped `mtime_ns`.
  void create(const std::string& path, const std::string& text, int64_t mtime_ns = 1);

  bool exists(const std::string& path) const override;
  bool is_directory(const std::string& path) const override;
  Expected<std::vector<FileEntry>> list_files(const std::string& directory) const override;
  std::vector<std::string> list_names(const std::string& directory) const override;
  Expected<std::string> read_file(const std::string& path) const override;
  Status write_file(const std::string& path, std::string_view text) override;
  Status make_directories(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove_all(const std::string& path) override;
  Status copy_tree(const std::string& from, const std::string& to) override;
  Status replace_symlink(const std::string& target, const std::string& link) override;
  std::optional<std::string> read_symlink(const std::string& path) const override;

  // Every mutating call, in order: "rename FROM -> TO", "symlink LINK -> TARGET", ...
  std::vector<std::string> log;
  // Called before a link is replaced (to check what the catalog says then).
  std::function<void(const std::string& target, const std::string& link)> before_symlink;
  // Called before a directory is made (the same, for staging).
  std::function<void(const std::string& path)> before_make_directories;

 private:
  struct File {
    std::string text;
    int64_t mtime_ns = 0;
  };
  // `path` with every symbolic link in it replaced by its target.
  std::string resolve(const std::string& path) const;

  std::map<std::string, File> files_;
  std::set<std::string> directories_{"/"};
  std::map<std::string, std::string> links_;
};

// A command runner whose commands finish, in start order, when the builder
// waits. `behavior` decides each result and may write the job's outputs; by
// default a job succeeds and writes `part-0` into each DATABUILD_OUT_* dir.
class FakeRunner : public CommandRunner {
 public:
  explicit FakeRunner(FakeDisk& disk);
  void start(int64_t token, const CommandSpec& spec) override;
  std::optional<std::pair<int64_t, CommandResult>> wait(
      std::chrono::milliseconds max_wait) override;
  size_t running() const override { return running_.size(); }
  void kill_all() override { running_.clear(); }

  std::function<CommandResult(const CommandSpec&)> behavior;
  std::vector<CommandSpec> started;  // every command, in start order
  size_t most_running = 0;           // the peak of running()

  // Writes a file into every output staging directory of `spec`.
  void write_outputs(const CommandSpec& spec);
  // The value of `variable` in `spec`'s environment ("" when unset).
  static std::string env(const CommandSpec& spec, const std::string& variable);

 private:
  FakeDisk& disk_;  // not owned
  std::vector<std::pair<int64_t, CommandSpec>> running_;
};

// A DiskQueue whose work is done only when the builder waits for it: the most
// the builder can find not yet done, so its tests see every place that relies
// on the work being done.
class DeferredDiskQueue : public DiskQueue {
 public:
  uint64_t post(Lane lane, Work work) override;
  bool done(Lane lane, uint64_t ticket) override;
  Status wait(Lane lane, uint64_t ticket) override;
  uint64_t last(Lane lane) const override;

 private:
  std::array<std::vector<Work>, 2> works_;
  std::array<uint64_t, 2> done_{};
  std::optional<std::string> failure_;
};

// A scratch directory on the real file system, for the few tests of the
// parts that talk to it (RealDisk, ProcessRunner, RunFilesDirectory): made
// under the system's temporary directory, removed with what it holds.
class TempDirectory {
 public:
  TempDirectory();
  ~TempDirectory();
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Seconds that pass only when the code under test sleeps.
struct FakeClock {
  double seconds = 0;
  std::function<double()> now() {
    return [this] { return seconds; };
  }
  std::function<void(double)> sleep() {
    return [this](double duration) { seconds += duration; };
  }
};

// Records status events as lines: "started T", "succeeded T", "failed T: why",
// "reused T", "not-built REF: why", "note ...".
class RecordingStatus : public BuildStatus {
 public:
  std::vector<std::string> events;

 protected:
  void on_started(const std::string& target, int attempt, const std::string& log_path) override;
  void on_finished(const std::string& target, bool succeeded, const std::string& message,
                   const std::string& log_path) override;
  void on_reused(const std::string& target) override;
  void on_partition_failed(const std::string& ref, const std::string& reason) override;
  void on_note(const std::string& message) override;
};

// A workspace analysed from in-memory sources, an in-memory catalog and the
// fakes above, wired together: what plan_test and builder_test share. The
// workspace lives at /ws with data under /ws/data.
class RuntimeFixture {
 public:
  // `sources`: (file name relative to /ws, text); workspace.dbuild is added.
  explicit RuntimeFixture(std::vector<std::pair<std::string, std::string>> sources,
                          std::string now_date = "2025-06-01");

  // A partition ref, which must be valid at the fixture's clock.
  PartitionRef ref(const std::string& text) const;
  Plan plan(const std::vector<std::string>& refs, PlanOptions options = {});
  // Plans and builds; true when every requested partition is available.
  bool build(const std::vector<std::string>& refs, BuildOptions options = {});
  // Delivers an external partition: a data file (and the marker, if named).
  void deliver(const std::string& ref, const std::string& data, int64_t mtime_ns = 1,
               const std::string& marker = "");
  // Publishes a hand-made partition as `put` does, carrying `labels`.
  void put(const std::string& ref, const std::vector<std::string>& labels = {});
  // The decision and reason the plan of `refs` gives `name`: "build: missing".
  static std::string decision(const Plan& plan, const std::string& name);

  std::unique_ptr<Analysis> analysis;
  std::unique_ptr<Catalog> catalog;
  FakeDisk disk;
  FakeRunner runner{disk};
  FakeClock clock;
  RecordingStatus status;
  DiskQueue* disk_queue = nullptr;  // build()'s unless its options name one; not owned
  BuildClock now;
  int puts = 0;
};

// The pipeline most tests plan and build (files relative to /ws):
//   raw[date]    external, a `pii` column, ready marker none
//   clean[date]  clean(d) reads raw[date = d], removes pii; retries 1, timeout 30m;
//                run ["sh", "jobs/clean.sh", "{d}"] (jobs/clean.sh is on the FakeDisk)
//   notes[date]  hand-made (no producer)
//   report[date] report(d) reads clean[date = d] and notes[date = d]; denies pii
//   yearly[date] yearly(d) reads clean[date in d - 364d .. d] (a 365-day window)
//   weekly[date] weekly(d) reads clean[date in d .. d] (a range naming one partition)
class PipelineFixture : public RuntimeFixture {
 public:
  PipelineFixture();
};

}  // namespace databuild
