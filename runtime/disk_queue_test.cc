// DiskQueue: the lanes' order, tickets, the first failure kept, and the
// thread finishing what was queued before it ends. The threaded tests hold
// the thread in a first work until the test has queued the rest, so what
// they assert is order, never time.
#include "disk_queue.h"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

namespace databuild {
namespace {

using Lane = DiskQueue::Lane;

// A work that appends `name` to `done` (read after a wait, or the end).
DiskQueue::Work record(std::vector<std::string>& done, std::string name) {
  return [&done, name] {
    done.push_back(name);
    return ok();
  };
}

TEST(InlineDiskQueueTest, DoesTheWorkAsItIsPostedAndKeepsTheFirstFailure) {
  InlineDiskQueue queue;
  std::vector<std::string> done;
  EXPECT_EQ(queue.post(Lane::Later, record(done, "link")), 1u);
  EXPECT_EQ(done, std::vector<std::string>{"link"});
  EXPECT_TRUE(queue.wait(Lane::Later, 1));
  queue.post(Lane::Soon, [] { return Status{Failure{"cannot create directory /x"}}; });
  queue.post(Lane::Soon, [] { return Status{Failure{"a second failure"}}; });
  EXPECT_EQ(queue.last(Lane::Soon), 2u);
  Status waited = queue.wait(Lane::Later, 1);
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error(), "cannot create directory /x");
}

TEST(ThreadDiskQueueTest, DoesSoonWorkBeforeLaterWorkAndEachLaneInOrder) {
  std::vector<std::string> done;
  std::promise<void> go;
  std::shared_future<void> released = go.get_future().share();
  ThreadDiskQueue queue;
  queue.post(Lane::Later, [released] {
    released.wait();  // holds the thread until everything below is queued
    return ok();
  });
  uint64_t link1 = queue.post(Lane::Later, record(done, "link 1"));
  uint64_t link2 = queue.post(Lane::Later, record(done, "link 2"));
  uint64_t staging1 = queue.post(Lane::Soon, record(done, "staging 1"));
  uint64_t staging2 = queue.post(Lane::Soon, record(done, "staging 2"));
  EXPECT_EQ(link1, 2u);
  EXPECT_EQ(link2, 3u);
  EXPECT_EQ(staging1, 1u);
  EXPECT_EQ(staging2, 2u);
  EXPECT_FALSE(queue.done(Lane::Later, link2));
  EXPECT_TRUE(queue.done(Lane::Later, 0));
  go.set_value();
  ASSERT_TRUE(queue.wait(Lane::Later, link2));
  EXPECT_TRUE(queue.done(Lane::Soon, staging2));
  EXPECT_EQ(done, (std::vector<std::string>{"staging 1", "staging 2", "link 1", "link 2"}));
}

TEST(ThreadDiskQueueTest, AFailureIsReturnedByEveryLaterWait) {
  ThreadDiskQueue queue;
  queue.post(Lane::Soon, [] { return Status{Failure{"cannot create directory /x"}}; });
  uint64_t link = queue.post(Lane::Later, [] { return ok(); });
  Status waited = queue.wait(Lane::Later, link);
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error(), "cannot create directory /x");
  EXPECT_FALSE(queue.wait(Lane::Soon, 0));
}

TEST(ThreadDiskQueueTest, FinishesTheQueuedWorkBeforeItEnds) {
  std::vector<std::string> done;
  {
    ThreadDiskQueue queue;
    for (int i = 0; i < 100; ++i) queue.post(Lane::Later, record(done, std::to_string(i)));
  }
  ASSERT_EQ(done.size(), 100u);
  EXPECT_EQ(done.back(), "99");
}

// A waiter with nothing else to do does the `Soon` work it waits for itself
// rather than wake the thread and sleep until woken back: here while the
// thread is held in a link.
TEST(ThreadDiskQueueTest, AWaitDoesTheSoonWorkTheThreadHasNotTaken) {
  std::vector<std::string> done;
  std::promise<void> taken, go;
  std::shared_future<void> released = go.get_future().share();
  ThreadDiskQueue queue;
  queue.post(Lane::Later, [&taken, released] {
    taken.set_value();
    released.wait();
    return ok();
  });
  taken.get_future().wait();
  std::thread::id ran_on;
  queue.post(Lane::Soon, [&] {
    ran_on = std::this_thread::get_id();
    done.push_back("staging 1");
    return ok();
  });
  uint64_t staging2 = queue.post(Lane::Soon, record(done, "staging 2"));
  ASSERT_TRUE(queue.wait(Lane::Soon, staging2));
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_EQ(done, (std::vector<std::string>{"staging 1", "staging 2"}));
  go.set_value();
}

// ... but it still returns only once work the thread took before it is
// done: the thread's first staging finishes only after the waiter has done
// the second, and the wait for the second returns after both.
TEST(ThreadDiskQueueTest, AWaitStillWaitsForTheSoonWorkTheThreadIsDoing) {
  std::vector<std::string> done;
  std::promise<void> taken, second_done;
  std::shared_future<void> second = second_done.get_future().share();
  ThreadDiskQueue queue;
  queue.post(Lane::Soon, [&, second] {
    taken.set_value();
    second.wait();
    done.push_back("staging 1");
    return ok();
  });
  taken.get_future().wait();
  uint64_t staging2 = queue.post(Lane::Soon, [&] {
    done.push_back("staging 2");
    second_done.set_value();
    return ok();
  });
  EXPECT_FALSE(queue.done(Lane::Soon, 1));
  ASSERT_TRUE(queue.wait(Lane::Soon, staging2));
  EXPECT_TRUE(queue.done(Lane::Soon, 1));
  EXPECT_EQ(done, (std::vector<std::string>{"staging 2", "staging 1"}));
}

// On a fast disk the poster does the work at once: nothing is queued.
TEST(ThreadDiskQueueTest, OnAFastDiskThePosterDoesTheWork) {
  ThreadDiskQueue queue(std::chrono::hours(1));
  std::thread::id ran_on;
  uint64_t staging = queue.post(Lane::Soon, [&] {
    ran_on = std::this_thread::get_id();
    return ok();
  });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  EXPECT_TRUE(queue.done(Lane::Soon, staging));
  queue.post(Lane::Later, [] { return Status{Failure{"cannot create link /p"}}; });
  EXPECT_EQ(queue.last(Lane::Later), 1u);
  EXPECT_FALSE(queue.wait(Lane::Soon, staging));
}

// A work that took longer than the limit sends the lane's next to the
// thread (one sleeping at least 1 ms moves the average past 100 us at once).
// The staging is waited for through a link queued after it: a wait in the
// `Later` lane never does the work itself, and the thread does `Soon` first.
TEST(ThreadDiskQueueTest, OnASlowDiskTheThreadDoesTheWork) {
  ThreadDiskQueue queue(std::chrono::microseconds(100));
  auto slow = [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return ok();
  };
  queue.post(Lane::Soon, slow);
  queue.post(Lane::Later, slow);  // both done here, at once
  std::thread::id ran_on;
  queue.post(Lane::Soon, [&] {
    ran_on = std::this_thread::get_id();
    return ok();
  });
  uint64_t link = queue.post(Lane::Later, [] { return ok(); });
  ASSERT_TRUE(queue.wait(Lane::Later, link));
  EXPECT_TRUE(queue.done(Lane::Soon, 2));
  EXPECT_NE(ran_on, std::thread::id());
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

// The real thing the builder posts: directories and links made on the
// queue's thread, on the real file system.
TEST(ThreadDiskQueueTest, MakesDirectoriesAndLinksOnTheRealDisk) {
  TempDirectory scratch;
  RealDisk disk;
  std::string root = scratch.path().string();
  ThreadDiskQueue queue;
  queue.post(Lane::Soon, [&] { return disk.make_directories(root + "/run-1-out"); });
  uint64_t link =
      queue.post(Lane::Later, [&] { return disk.replace_symlink("run-1-out", root + "/p"); });
  ASSERT_TRUE(queue.wait(Lane::Later, link));
  EXPECT_TRUE(disk.is_directory(root + "/p"));
  EXPECT_EQ(disk.read_symlink(root + "/p"), "run-1-out");
}

}  // namespace
}  // namespace databuild
