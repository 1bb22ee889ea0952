// The builder: carries out a Plan, running ready jobs in parallel and
// publishing what they write.
//
// Like Ninja's Builder it owns no policy about *what* to build (the Plan
// decided) and no system calls (CommandRunner, DiskInterface, BuildStatus do
// those), so its scheduling is unit-tested with fakes. What it adds:
// - only what the requested partitions need runs: a partition kept by hand
//   does not pull its stale inputs into the build;
// - a failed job (after `retries`) fails its downstream, never unrelated work;
// - publishing is atomic: a job writes into `<data_root>/.versions/run-N-PORT`,
//   which nothing names until its run is recorded as published; on exit 0
//   the builder lists the files (the manifest), computes labels, refuses a
//   label the output dataset denies, records every output and the run's end
//   in the catalog, and once that commits points the partition's link at the
//   new version. A reader of the link sees the old version or the new, and a
//   crash between steps leaves a catalog and a disk that the next plan
//   recognises as "missing" and rebuilds;
// - the file-system work that creates inodes (a job's staging directories,
//   made once its run record commits; a partition's link, made once
//   its version commits) goes through a DiskQueue (disk_queue.h), which may
//   do it on a thread of its own: the builder's thread then only spawns,
//   reaps and records, so a freed slot gets its next job without waiting on
//   the disk. A job starts only once its staging is made, a claim is released
//   only once its partition's link is made, a job's check of its inputs
//   (below) waits for their links, and build() returns only once all is done;
// - the catalog writes of one round of the loop (the ends of the jobs that
//   finished, the claims and run records of the next) are one transaction,
//   and jobs are prepared ahead of free slots, so that with jobs of a few
//   milliseconds the bookkeeping neither dominates nor leaves slots idle;
// - external partitions still missing are polled (after 0.1 s, then twice
//   as long each time up to --poll-interval) until their `wait` (or
//   --wait-timeout) runs out, failing only the jobs that need them;
// - several runners may share a catalog: before running a job the builder
//   claims its outputs in the catalog (Catalog::claim) and releases them
//   after publishing or failing. A target whose outputs another live runner
//   holds waits; once it gets the claim it re-reads the catalog and, when the
//   other runner published a version that is fresh for the inputs this build
//   has, reuses it instead of building it a second time;
// - what a failed run wrote is deleted at once (its directories) or at the
//   end of the build (anything beside them under its name); what a killed
//   runner's runs wrote, when the next build finds them orphaned
//   (remove_run_leftovers). It was never visible, only in the way.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog.h"
#include "command_runner.h"
#include "disk.h"
#include "disk_queue.h"
#include "plan.h"
#include "status.h"

namespace databuild {

struct BuildOptions {
  size_t jobs = 1;
  // Overrides every external dataset's `wait`; nullopt: the dataset's, else 0.
  std::optional<int64_t> wait_timeout_seconds;
  // The longest pause between two looks at a missing external partition;
  // the first look after the start (or an arrival) comes much sooner.
  double poll_interval_seconds = 1;
  bool replace_manual = false;
  std::string log_directory;  // absolute
  // Where a run's DATABUILD_CONFIG document and input lists are written
  // while it runs (absolute; run_files.h): removed when the run succeeds,
  // kept beside its log when it fails. Empty, or a file that cannot be
  // written there: beside the log, kept.
  std::string run_files_directory;
  std::string host;
  int64_t pid = 0;  // this runner's, recorded with its runs and claims
  // Whether a process on this host is alive: claims and staging directories
  // of dead ones are taken over. Default: every process is alive.
  std::function<bool(int64_t pid)> is_alive;
  // Seconds on a monotonic clock, and a sleep: injected for the tests.
  std::function<double()> monotonic_seconds;
  std::function<void(double seconds)> sleep;
  // Where staging directories, logs and links are made (not owned; it must
  // outlive the Builder). Null: as they are posted, on the builder's thread.
  DiskQueue* disk_queue = nullptr;
};

// The labels a job's output partition carries: the labels its input
// partitions carried (a dataset label that the port's column list does not
// read is left behind), plus the output dataset's own, minus the job's
// `removes`. Sorted.
std::vector<std::string> output_labels(
    const LinkedWorkspace& workspace, const JobTarget& target,
    const std::vector<std::vector<const PartitionRecord*>>& inputs, const Dataset& output);

// The labels of a dataset's own (declared or column) taints, sorted.
std::vector<std::string> own_labels(const LinkedWorkspace& workspace, const Dataset& dataset);

// Deletes what the given runs left under `<data_root>/.versions`: every
// entry named `run-N-...` for one of their ids. Only for runs that will
// never publish (failed, or orphaned by a killed runner): their entries are
// unrecorded. Lists `.versions` once.
Status remove_run_leftovers(DiskInterface& disk, const std::string& data_root,
                            const std::vector<int64_t>& runs);

class Builder {
 public:
  // None of the references is owned; all must outlive the Builder.
  Builder(Plan& plan, const Analysis& analysis, Catalog& catalog, DiskInterface& disk,
          CommandRunner& runner, BuildStatus& status, BuildOptions options);
  // Runs the plan. True when every requested partition is available; false
  // after reporting (through BuildStatus) what was not built and why.
  Expected<bool> build();

 private:
  enum class State { Idle, Ready, Running, Done, Failed };
  struct TargetState {
    State state = State::Idle;
    int attempt = 0;
    int64_t run_id = 0;
    bool claimed = false;  // holds the catalog claims on its outputs
    // `<data_root>/.versions/run-N`; output PORT is written in `<staging>-PORT`.
    std::string staging, log_path;
    std::vector<std::string> run_files;  // this attempt's, in the run files directory
  };
  // What acquire() found: go ahead, another runner is building it, or
  // another runner has built it and the result is reused.
  enum class Claim { Acquired, HeldElsewhere, Reused };

  Status record_sources();
  Status record_source(size_t partition);
  void mark_needed();
  bool available(size_t partition) const;
  std::optional<std::string> failure_of(size_t partition) const;
  Status poll_waiting(bool force);
  Status clean_stale_staging();
  Expected<Claim> acquire(size_t target);
  Expected<bool> adopt_published(size_t target);
  Status release_claims(size_t target);
  Status release_pending();
  Status start(size_t target);
  Status step();
  Status refill();
  Status launch_prepared();
  Expected<bool> run();
  Status finish_disk_work();
  size_t prepare_ahead() const;
  Status finish(size_t target, const CommandResult& result);
  Status check_published_tree(size_t target);
  Status publish(size_t target);
  Expected<std::string> write_run_file(size_t target, const std::string& suffix,
                                       const std::string& text);
  void end_run_files(size_t target, bool keep);
  DiskQueue::Work make_staging(size_t target) const;
  void remove_staging(size_t target);
  void fail_target(size_t target, const std::string& reason);
  void finished(size_t target);
  void became_available(size_t partition);
  void became_unavailable(size_t partition, const std::string& reason);
  double now() const;

  Plan& plan_;
  const Analysis& analysis_;
  Catalog& catalog_;
  DiskInterface& disk_;
  CommandRunner& runner_;
  BuildStatus& status_;
  BuildOptions options_;
  std::vector<TargetState> targets_;
  std::vector<bool> needed_;                        // per partition
  std::vector<std::optional<std::string>> failed_;  // per partition: why
  std::vector<std::optional<double>> wait_until_;   // per waiting partition
  std::vector<std::vector<size_t>> readers_;        // per partition: targets to run reading it
  std::vector<size_t> pending_;                     // per target: inputs not yet available
  std::deque<size_t> ready_;                        // targets whose inputs are all available
  bool waiting_ = false;                            // an external is still awaited
  bool directories_made_ = false;                   // the log, staging and version roots
  std::unique_ptr<DiskQueue> own_queue_;            // when the options name none
  DiskQueue* queue_;
  // Made when the current batch commits (step()): links to new versions.
  std::vector<size_t> links_;  // partitions, linked to their current version
  // Per partition: the queue's Later ticket of its link (0: none posted), so a
  // finished job waits only for its own inputs' links (check_published_tree).
  std::vector<uint64_t> link_tickets_;
  // Claims given up in the current batch, and those to release once the link
  // (the queue's Later ticket) of the batch that gave them up is made.
  std::vector<std::string> releasing_;
  std::deque<std::pair<std::string, uint64_t>> releases_;
  // Jobs prepared to start, launched as slots free up: the first
  // `launchable_` have their run records committed and their staging posted.
  struct Prepared {
    size_t target;
    CommandSpec spec;
    uint64_t staging = 0;  // the queue's Soon ticket
  };
  std::deque<Prepared> prepared_;
  size_t launchable_ = 0;
  std::vector<std::pair<int64_t, CommandResult>> ended_;  // not yet recorded
  std::vector<int64_t> failed_runs_;  // whose leftovers build() removes at its end
  double first_ended_ = 0;            // when the oldest of them ended
  static constexpr double kFirstPollSeconds = 0.1;
  static constexpr double kClaimRetrySeconds = 0.2;  // a target another runner holds
  // The longest an ended job waits to be recorded (and its readers to start).
  static constexpr double kRecordWithinSeconds = 0.05;
  double poll_every_ = kFirstPollSeconds;
  double next_poll_ = 0;
  double last_heartbeat_ = 0;
};

}  // namespace databuild
