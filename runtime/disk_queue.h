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
// before it can start (its staging directories); `Later`: what is
// needed only before a claim is released or the build ends (a partition's
// link). The queue does `Soon` work before `Later` work; within a lane, in the
// order posted. Each work's only result is its Status; the first failure is
// kept and every wait() after it returns it.
//
// InlineDiskQueue does the work as it is posted (the builder's default, and
// the old behaviour); ThreadDiskQueue on one thread of its own, except while
// the disk is fast (then as posted) and for `Soon` work a waiter would
// otherwise sleep for (then by the waiter). The tests' DeferredDiskQueue
// (test_support.h) does it only when waited for.
#pragma once

#include <array>
#include <chrono>
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
// state: each call is its own system calls). Work is posted and waited for
// from one thread.
//
// Unless the disk is fast: a work posted to a lane with nothing queued or
// under way is done at once by the poster when the lane's recent works
// (an average over the last several, wherever they ran) took less than
// `inline_below`. Why: handing a work over costs a wake-up of the thread
// (and, with every core busy, a job's core taken from it), which on a disk
// where a directory costs 10 us (tmpfs, a journaled ext4) is more than the
// directory; where one costs 100 us (this VM's disk after large deletes) the
// thread is what keeps the slots busy (docs/benchmarks.md). Done at once
// only behind nothing, so each lane's order is kept.
//
// A wait() in the `Soon` lane takes the work it waits for, and what was
// queued before it, out of the queue and does it itself. Why: the builder
// waits only with a slot free and nothing else to do, so handing the work
// to the thread then buys no overlap, only two context switches (waking the
// thread, then being woken by it): on a disk where a directory costs 10 us,
// more than the directory. So two `Soon` works may run at once (the thread's
// and the waiter's): they must be independent, as staging directories of
// different runs are. `Later` work (links, the same path possibly twice in a
// build) is only ever done by the thread, in order.
class ThreadDiskQueue : public DiskQueue {
 public:
  // `inline_below` zero: every work goes to the thread.
  explicit ThreadDiskQueue(std::chrono::microseconds inline_below = std::chrono::microseconds(0));
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
  // Does `work`, outside the lock (released while it runs), and records
  // its time and failure.
  void run(size_t lane, const Work& work, std::unique_lock<std::mutex>& lock);

  mutable std::mutex mutex_;
  std::condition_variable posted_work_, did_work_;
  // Whether a lane's work up to `ticket` is done; with the lock held.
  bool done_locked(size_t lane, uint64_t ticket) const;

  std::array<std::deque<Work>, 2> queued_;  // tickets taken_ + 1 ... posted_
  std::array<uint64_t, 2> posted_{}, taken_{};
  // The ticket the thread is doing in each lane, 0 when none: every ticket
  // taken but this one is done (a waiter does what it takes before it looks).
  std::array<uint64_t, 2> working_{};
  const std::chrono::steady_clock::duration inline_below_;
  std::array<std::chrono::steady_clock::duration, 2> recent_{};  // moving average
  std::optional<std::string> failure_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is constructed
};

}  // namespace databuild
