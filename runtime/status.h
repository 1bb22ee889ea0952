// How a build reports progress: an interface so the builder's tests record
// events instead of printing, and so the three outputs are implementations
// rather than flags checked at every print:
//   PlainStatus     one line per event: not a terminal (CI logs, `tee`);
//   TerminalStatus  the same lines, plus one status line redrawn in place
//                   (done / running / queued / failed, elapsed, ETA);
//   JsonStatus      one JSON object per event line (`--json`).
// A job's own output never interleaves with these: it goes to the run's log.
//
// The counting lives in the base class (the public calls are non-virtual and
// update Progress before the implementation's hook runs), so every output
// agrees on what "done" and "queued" mean: jobs, not partitions, since a job
// is what takes time and what a user waits for.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

namespace databuild {

struct Progress {
  size_t total = 0;    // jobs this build must run
  size_t done = 0;     // succeeded, or reused from another runner
  size_t running = 0;  // started and not finished
  size_t failed = 0;   // failed for good, or not started because an input failed
  size_t queued() const {
    size_t settled = done + running + failed;
    return settled < total ? total - settled : 0;
  }
};

// "12s", "3m05s", "1h02m".
std::string format_duration(double seconds);
// The terminal status line: "[3/10] 3 done, 2 running, 5 queued, 0 failed, 12s elapsed,
// ETA 40s". The ETA is left out until a job has finished (nothing to go by),
// and it assumes the remaining jobs take as long as the finished ones did.
std::string format_progress(const Progress& progress, double elapsed_seconds);

class BuildStatus {
 public:
  virtual ~BuildStatus() = default;
  void set_total(size_t total) { progress_.total = total; }
  const Progress& progress() const { return progress_; }

  void job_started(const std::string& target, int attempt, const std::string& log_path);
  // `message` says why it failed (empty on success); `retrying`: it will be
  // started again, so it is not counted as failed.
  void job_finished(const std::string& target, bool succeeded, const std::string& message,
                    const std::string& log_path, bool retrying);
  // Another runner built it meanwhile; its result is used.
  void job_reused(const std::string& target);
  // Not started because an input will not be available.
  void job_cancelled(const std::string& target);
  // A requested or needed partition that will not be available, and why.
  void partition_failed(const std::string& ref, const std::string& reason);
  void note(const std::string& message);
  // The build is over: a terminal's status line is finished off.
  virtual void finish() {}
  // Called from the build loop (at least once a second): redraw if needed.
  virtual void tick() {}

 protected:
  virtual void on_started(const std::string& target, int attempt, const std::string& log_path) = 0;
  virtual void on_finished(const std::string& target, bool succeeded, const std::string& message,
                           const std::string& log_path) = 0;
  virtual void on_reused(const std::string& target) = 0;
  virtual void on_partition_failed(const std::string& ref, const std::string& reason) = 0;
  virtual void on_note(const std::string& message) = 0;

  Progress progress_;
};

class PlainStatus : public BuildStatus {
 public:
  explicit PlainStatus(std::ostream& out) : out_(out) {}

 protected:
  void on_started(const std::string& target, int attempt, const std::string& log_path) override;
  void on_finished(const std::string& target, bool succeeded, const std::string& message,
                   const std::string& log_path) override;
  void on_reused(const std::string& target) override;
  void on_partition_failed(const std::string& ref, const std::string& reason) override;
  void on_note(const std::string& message) override;
  // Writes one event line (TerminalStatus clears its status line first).
  virtual void line(const std::string& text);

  std::ostream& out_;  // not owned
};

// Plain lines above a status line that is redrawn in place ("\r", erase to
// end of line), at most every `redraw_seconds` unless an event happened.
class TerminalStatus : public PlainStatus {
 public:
  // `clock`: seconds on a monotonic clock (injected for tests).
  TerminalStatus(std::ostream& out, std::function<double()> clock);
  void finish() override;
  void tick() override;

 protected:
  void line(const std::string& text) override;

 private:
  void redraw();

  std::function<double()> clock_;
  double start_ = 0, last_redraw_ = -1;
  bool drawn_ = false;  // a status line is on screen
};

// One JSON object per line (JSON Lines), `event` naming the kind.
class JsonStatus : public BuildStatus {
 public:
  explicit JsonStatus(std::ostream& out) : out_(out) {}

 protected:
  void on_started(const std::string& target, int attempt, const std::string& log_path) override;
  void on_finished(const std::string& target, bool succeeded, const std::string& message,
                   const std::string& log_path) override;
  void on_reused(const std::string& target) override;
  void on_partition_failed(const std::string& ref, const std::string& reason) override;
  void on_note(const std::string& message) override;

 private:
  std::ostream& out_;  // not owned
};

}  // namespace databuild
