// Running job processes: the one place the runtime forks, waits and kills,
// behind an interface so the builder's tests use an in-process fake.
//
// Why a direct spawn (runtime/spawn.h) and process groups: a job is argv from
// `run`, never a shell line, so spawning it directly avoids quoting bugs and
// injection through partition values. Each child leads its own process group, so a timeout (or
// an interrupted build) kills the job's whole tree — `sh` and what it started —
// and a Ctrl-C on the terminal reaches the runtime, which decides, rather
// than every job at once. wait() sleeps in poll() on each child's pidfd (the
// kernel wakes it the moment one exits) instead of SIGCHLD handlers: no
// signal-safety traps, no handler shared with the rest of the process, and
// no sleep between a job's exit and the start of the next (with jobs of a
// millisecond, a sleeping loop was a good part of the build's wall time).
// Without pidfds (Linux before 5.3) it falls back to waitpid(WNOHANG) and a
// short, growing sleep.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "spawn.h"

namespace databuild {

struct CommandSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  // Added to (and overriding) the runtime's own environment.
  std::vector<std::pair<std::string, std::string>> env;
  std::string working_directory;
  std::string log_path;  // stdout and stderr, truncated first
  std::optional<int64_t> timeout_seconds;
};

struct CommandResult {
  enum class Outcome { Exited, Signaled, TimedOut, SpawnFailed };
  Outcome outcome = Outcome::Exited;
  int exit_code = 0;    // Exited
  int signal = 0;       // Signaled
  std::string message;  // SpawnFailed: why
  int64_t timeout_seconds = 0;

  bool succeeded() const { return outcome == Outcome::Exited && exit_code == 0; }
  // "exit status 3", "killed by signal 9", "timed out after 30s and was killed", ...
  std::string describe() const;
};

class CommandRunner {
 public:
  virtual ~CommandRunner() = default;
  // Starts `spec`; its result comes back from wait() under `token`. A command
  // that cannot be started still comes back, as SpawnFailed.
  virtual void start(int64_t token, const CommandSpec& spec) = 0;
  // The next finished command, waiting up to `max_wait`; nullopt if none
  // finished by then (or none is running).
  virtual std::optional<std::pair<int64_t, CommandResult>> wait(
      std::chrono::milliseconds max_wait) = 0;
  virtual size_t running() const = 0;
  // Kills every running command's process group (an interrupted build).
  virtual void kill_all() = 0;
};

// Real processes.
class ProcessRunner : public CommandRunner {
 public:
  ~ProcessRunner() override;
  void start(int64_t token, const CommandSpec& spec) override;
  std::optional<std::pair<int64_t, CommandResult>> wait(
      std::chrono::milliseconds max_wait) override;
  size_t running() const override { return children_.size() + finished_.size(); }
  void kill_all() override;

 private:
  struct Child {
    int64_t token;
    std::unique_ptr<Spawn> spawn;  // what the child reads: kept until it is reaped
    std::optional<std::chrono::steady_clock::time_point> deadline;
    int64_t timeout_seconds = 0;
    bool timed_out = false;
    int pidfd = -1;  // readable once the child exits; -1 when unavailable
  };
  std::optional<std::pair<int64_t, CommandResult>> reap_one();
  const std::vector<std::string>& programs_for(const std::string& name);

  std::vector<Child> children_;
  std::vector<std::pair<int64_t, CommandResult>> finished_;  // spawn failures, not yet returned
  std::unordered_map<std::string, std::vector<std::string>> programs_;  // programs_for()
};

}  // namespace databuild
