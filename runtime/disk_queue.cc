// InlineDiskQueue and ThreadDiskQueue. The thread takes one work at a time
// under the lock and does it outside, so posting never waits for the disk;
// so does a waiter that takes `Soon` work (disk_queue.h says why).
#include "disk_queue.h"

namespace databuild {

namespace {

size_t index(DiskQueue::Lane lane) { return static_cast<size_t>(lane); }

}  // namespace

uint64_t InlineDiskQueue::post(Lane lane, Work work) {
  Status status = work();
  if (!status && !failure_) failure_ = status.error();
  return ++posted_[index(lane)];
}

Status InlineDiskQueue::wait(Lane, uint64_t) {
  if (failure_) return Failure{*failure_};
  return ok();
}

ThreadDiskQueue::ThreadDiskQueue(std::chrono::microseconds inline_below)
    : inline_below_(inline_below), thread_([this] { work_loop(); }) {}

ThreadDiskQueue::~ThreadDiskQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  posted_work_.notify_one();
  thread_.join();
}

uint64_t ThreadDiskQueue::post(Lane lane, Work work) {
  size_t at = index(lane);
  std::unique_lock<std::mutex> lock(mutex_);
  if (queued_[at].empty() && working_[at] == 0 && recent_[at] < inline_below_) {
    run(at, work, lock);
    taken_[at] = ++posted_[at];
    return posted_[at];
  }
  queued_[at].push_back(std::move(work));
  uint64_t ticket = ++posted_[at];
  lock.unlock();
  posted_work_.notify_one();
  return ticket;
}

void ThreadDiskQueue::run(size_t lane, const Work& work, std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  auto start = std::chrono::steady_clock::now();
  Status status = work();
  auto took = std::chrono::steady_clock::now() - start;
  lock.lock();
  if (!status && !failure_) failure_ = status.error();
  recent_[lane] += (took - recent_[lane]) / 8;
}

bool ThreadDiskQueue::done_locked(size_t lane, uint64_t ticket) const {
  return ticket <= taken_[lane] && !(working_[lane] != 0 && working_[lane] <= ticket);
}

bool ThreadDiskQueue::done(Lane lane, uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_locked(index(lane), ticket);
}

Status ThreadDiskQueue::wait(Lane lane, uint64_t ticket) {
  size_t at = index(lane);
  std::unique_lock<std::mutex> lock(mutex_);
  while (lane == Lane::Soon && taken_[at] < ticket) {
    Work work = std::move(queued_[at].front());
    queued_[at].pop_front();
    ++taken_[at];
    run(at, work, lock);
  }
  did_work_.wait(lock, [&] { return done_locked(at, ticket); });
  if (failure_) return Failure{*failure_};
  return ok();
}

uint64_t ThreadDiskQueue::last(Lane lane) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return posted_[index(lane)];
}

void ThreadDiskQueue::work_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    posted_work_.wait(lock, [&] {
      return stopping_ || !queued_[index(Lane::Soon)].empty() ||
             !queued_[index(Lane::Later)].empty();
    });
    size_t lane = queued_[index(Lane::Soon)].empty() ? index(Lane::Later) : index(Lane::Soon);
    if (queued_[lane].empty()) return;  // stopping, and nothing is left
    Work work = std::move(queued_[lane].front());
    queued_[lane].pop_front();
    working_[lane] = ++taken_[lane];
    run(lane, work, lock);
    working_[lane] = 0;
    did_work_.notify_all();
  }
}

}  // namespace databuild
