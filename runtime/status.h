// How a build reports progress: an interface so the builder's tests record
// events instead of printing, and so `--json` is a second implementation
// rather than a flag checked at every print.
//
// Plain lines, one per event, are the default whether or not stdout is a
// terminal: they stay readable in CI logs and under `tee`, and a job's own
// output never interleaves with them (it goes to the run's log file).
#pragma once

#include <ostream>
#include <string>

namespace databuild {

class BuildStatus {
 public:
  virtual ~BuildStatus() = default;
  virtual void job_started(const std::string& target, int attempt, const std::string& log_path) = 0;
  // `message` says why it failed; empty on success.
  virtual void job_finished(const std::string& target, bool succeeded, const std::string& message,
                            const std::string& log_path) = 0;
  // A partition that will not be available, and why.
  virtual void partition_failed(const std::string& ref, const std::string& reason) = 0;
  virtual void note(const std::string& message) = 0;
  // Counts for the progress prefix: jobs finished and jobs to run in total.
  void set_total(size_t total) { total_ = total; }

 protected:
  size_t total_ = 0, done_ = 0;
};

class PlainStatus : public BuildStatus {
 public:
  explicit PlainStatus(std::ostream& out) : out_(out) {}
  void job_started(const std::string& target, int attempt, const std::string& log_path) override;
  void job_finished(const std::string& target, bool succeeded, const std::string& message,
                    const std::string& log_path) override;
  void partition_failed(const std::string& ref, const std::string& reason) override;
  void note(const std::string& message) override;

 private:
  std::ostream& out_;  // not owned
};

// One JSON object per line (JSON Lines), `event` naming the kind.
class JsonStatus : public BuildStatus {
 public:
  explicit JsonStatus(std::ostream& out) : out_(out) {}
  void job_started(const std::string& target, int attempt, const std::string& log_path) override;
  void job_finished(const std::string& target, bool succeeded, const std::string& message,
                    const std::string& log_path) override;
  void partition_failed(const std::string& ref, const std::string& reason) override;
  void note(const std::string& message) override;

 private:
  std::ostream& out_;  // not owned
};

}  // namespace databuild
