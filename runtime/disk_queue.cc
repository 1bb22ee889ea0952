// InlineDiskQueue and ThreadDiskQueue. The thread takes one work at a time
// under the lock and does it outside, so posting never waits for the disk.
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

ThreadDiskQueue::ThreadDiskQueue() : thread_([this] { work_loop(); }) {}

ThreadDiskQueue::~ThreadDiskQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  posted_work_.notify_one();
  thread_.join();
}

uint64_t ThreadDiskQueue::post(Lane lane, Work work) {
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queued_[index(lane)].push_back(std::move(work));
    ticket = ++posted_[index(lane)];
  }
  posted_work_.notify_one();
  return ticket;
}

bool ThreadDiskQueue::done(Lane lane, uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mutex_);
  return done_[index(lane)] >= ticket;
}

Status ThreadDiskQueue::wait(Lane lane, uint64_t ticket) {
  std::unique_lock<std::mutex> lock(mutex_);
  did_work_.wait(lock, [&] { return done_[index(lane)] >= ticket; });
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
    lock.unlock();
    Status status = work();
    lock.lock();
    if (!status && !failure_) failure_ = status.error();
    ++done_[lane];
    did_work_.notify_all();
  }
}

}  // namespace databuild
