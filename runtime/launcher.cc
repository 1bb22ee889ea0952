// Launcher: the thread's loop, and the caller's side of the queue.
//
// The thread sleeps in one of two places: in ProcessRunner::wait() (poll() on
// the children's pidfds and the eventfd) while anything runs, else on the
// condition variable. start() and kill_all() therefore both notify the
// condition variable and write the eventfd; the thread drains the eventfd
// before it looks at the queue, so a write after that look is seen by the
// next poll().
#include "launcher.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

namespace databuild {

Launcher::Launcher(size_t slots)
    : slots_(std::max<size_t>(slots, 1)),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      runner_(wake_fd_),
      thread_([this] { loop(); }) {}

Launcher::~Launcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  wake_thread();
  thread_.join();
  runner_.kill_all();
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Launcher::wake_thread() {
  if (wake_fd_ < 0) return;
  uint64_t one = 1;
  // Nonblocking: a full counter is already readable, which is all we want.
  [[maybe_unused]] ssize_t written = write(wake_fd_, &one, sizeof one);
}

void Launcher::start(int64_t token, const CommandSpec& spec) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(token, spec);
    ++outstanding_;
  }
  changed_.notify_all();
  wake_thread();
}

std::optional<std::pair<int64_t, CommandResult>> Launcher::wait(
    std::chrono::milliseconds max_wait) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, max_wait, [&] { return !results_.empty() || outstanding_ == 0; });
  if (results_.empty()) return std::nullopt;
  auto result = std::move(results_.front());
  results_.pop_front();
  --outstanding_;
  return result;
}

size_t Launcher::running() const {
  std::lock_guard lock(mutex_);
  return outstanding_;
}

void Launcher::kill_all() {
  std::unique_lock lock(mutex_);
  kill_requested_ = true;
  changed_.notify_all();
  wake_thread();
  changed_.wait(lock, [&] { return !kill_requested_; });
  results_.clear();
  outstanding_ = 0;
}

void Launcher::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (kill_requested_) {
      queue_.clear();
      lock.unlock();
      runner_.kill_all();
      lock.lock();
      kill_requested_ = false;
      changed_.notify_all();
      continue;
    }
    while (!queue_.empty() && runner_.running() < slots_) {
      auto [token, spec] = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      runner_.start(token, spec);
      lock.lock();
    }
    if (runner_.running() == 0) {
      changed_.wait(lock, [&] { return stopping_ || kill_requested_ || !queue_.empty(); });
      continue;
    }
    lock.unlock();
    // Until a child exits or the eventfd says there is work to start, or
    // the caller kills or stops. Without an eventfd (none could be made: out
    // of descriptors), a look at the queue every millisecond instead.
    auto ended = runner_.wait(wake_fd_ >= 0 ? std::chrono::milliseconds(std::chrono::minutes(10))
                                            : std::chrono::milliseconds(1));
    if (wake_fd_ >= 0) {
      uint64_t count;
      [[maybe_unused]] ssize_t drained = read(wake_fd_, &count, sizeof count);
    }
    lock.lock();
    if (ended) {
      results_.push_back(std::move(*ended));
      changed_.notify_all();
    }
  }
}

}  // namespace databuild
