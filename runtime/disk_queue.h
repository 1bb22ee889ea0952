// File-system work the builder hands off, so that the thread that starts
// jobs is not the one waiting on the disk.
//
// Why: on a disk where creating an inode costs 60 - 170 us (this VM's
// journal-less ext4 after large deletes, docs/benchmarks.md), a job's staging
// directory and its partition's link were most of the builder thread's time,
// and every one of them was time in which a freed slot waited for its next
// job. Only that work moves: spawning and reaping stay on the builder's thread
// (a `Launcher` thread that spawned left slots idle between hand-offs,
// benchmarks.md), and the builder never waits on this queue while it has a
// job it could start instead.
//
// Work is posted in one of two lanes. `Soon`: what a committed job needs
// before it can start (its staging directories and log); `Later`: what is
// needed only before a claim is released or the build ends (a partition's
// link). The queue does `Soon` work before `Later` work; within a lane, in the
// order posted. Each work's only result is its Status; the first failure is
// kept and every wait() after it returns it.
//
// InlineDiskQueue does the work as it is posted (the builder's default, and
// the old behaviour); ThreadDiskQueue on one thread of its own. The tests'
// DeferredDiskQueue (test_support.h) does it only when waited for.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "disk.h"

namespace databuild {

class DiskQueue {
 public:
  enum class Lane { Soon, Later };
  using Work = std::function<Status()>;
  virtual ~DiskQueue() = default;
  // Queues `work`; its ticket in `lane`: 1, 2, ... (ticket 0 is always done).
  virtual uint64_t post(Lane lane, Work work) = 0;
  // Whether the lane's work up to `ticket` is done, without waiting.
  virtual bool done(Lane lane, uint64_t ticket) = 0;
  // Waits until it is; then ok, or the first failure of any work done so far.
  virtual Status wait(Lane lane, uint64_t ticket) = 0;
  // The last ticket posted in `lane` (0 before any).
  virtual uint64_t last(Lane lane) const = 0;
};

class InlineDiskQueue : public DiskQueue {
 public:
  uint64_t post(Lane lane, Work work) override;
  bool done(Lane, uint64_t) override { return true; }
  Status wait(Lane, uint64_t) override;
  uint64_t last(Lane lane) const override { return posted_[static_cast<size_t>(lane)]; }

 private:
  std::array<uint64_t, 2> posted_{};
  std::optional<std::string> failure_;
};

// The work is done on a thread of its own, so it must be safe to do
// alongside whatever the posting thread does meanwhile (RealDisk keeps no
// state: each call is its own system calls).
class ThreadDiskQueue : public DiskQueue {
 public:
  ThreadDiskQueue();
  // Does the work still queued, then ends the thread.
  ~ThreadDiskQueue() override;
  ThreadDiskQueue(const ThreadDiskQueue&) = delete;
  ThreadDiskQueue& operator=(const ThreadDiskQueue&) = delete;

  uint64_t post(Lane lane, Work work) override;
  bool done(Lane lane, uint64_t ticket) override;
  Status wait(Lane lane, uint64_t ticket) override;
  uint64_t last(Lane lane) const override;

 private:
  void work_loop();

  mutable std::mutex mutex_;
  std::condition_variable posted_work_, did_work_;
  std::array<std::deque<Work>, 2> queued_;
  std::array<uint64_t, 2> posted_{}, done_{};
  std::optional<std::string> failure_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is constructed
};

}  // namespace databuild
