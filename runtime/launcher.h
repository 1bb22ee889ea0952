// Launcher: a CommandRunner that starts the commands handed to it on a thread
// of its own, up to `slots` at a time, so that a command's exit is followed at
// once by the next queued command's start, whatever the caller is doing.
//
// Why: the builder's thread does the file-system work of the publish protocol
// (a job's staging directory and config file, the rename and the link of a
// finished one: inode operations of 150 – 300 µs each on a busy machine) and
// the catalog's commits. While it is inside one, a job that exits cannot have
// its slot refilled, and with jobs of a millisecond that left the two slots
// of a 2-core machine busy 1.6 cores' worth where Ninja keeps 1.9. So the
// builder hands over, beyond the running jobs, up to `slots` more whose run
// records have committed, and this thread, which only spawns and reaps
// (sleeping in poll() on the children's pidfds and an eventfd otherwise),
// starts one the moment a child exits. *What* runs is still the builder's
// decision, taken on its thread; the launcher decides only *when*, so the
// publish protocol and the catalog records are exactly what they were.
//
// Threads: the launcher's own is the only one that touches its ProcessRunner;
// the caller's and it share only the queue of commands to start and the
// list of results, under one mutex. The builder's tests use a fake runner
// without threads; launcher_test.cc runs real processes through this one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include "command_runner.h"

namespace databuild {

class Launcher : public CommandRunner {
 public:
  explicit Launcher(size_t slots);
  // Kills what still runs (as ProcessRunner does) and joins the thread.
  ~Launcher() override;
  Launcher(const Launcher&) = delete;
  Launcher& operator=(const Launcher&) = delete;

  // Queues `spec`; the thread starts it when fewer than `slots` run.
  void start(int64_t token, const CommandSpec& spec) override;
  std::optional<std::pair<int64_t, CommandResult>> wait(
      std::chrono::milliseconds max_wait) override;
  // Queued, running, and ended but not yet returned by wait().
  size_t running() const override;
  size_t queue_limit() const override { return slots_; }
  void kill_all() override;

 private:
  void loop();
  void wake_thread();  // out of its poll() on the children, if it is in it

  const size_t slots_;
  const int wake_fd_;     // an eventfd; -1 if none could be made
  ProcessRunner runner_;  // the thread's only
  mutable std::mutex mutex_;
  std::condition_variable changed_;  // work queued, a result in, a kill done, stopping
  std::deque<std::pair<int64_t, CommandSpec>> queue_;
  std::deque<std::pair<int64_t, CommandResult>> results_;
  size_t outstanding_ = 0;  // what running() says
  bool kill_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above is set up
};

}  // namespace databuild
