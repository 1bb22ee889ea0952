// DiskQueue: the lanes' order, tickets, the first failure kept, a waiter
// doing the work no thread has taken, and the thread finishing what was
// queued before it ends. The threaded tests hold the thread in a first work
// until the test has queued the rest, so what they assert is order, never
// time.
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
  std::promise<void> finished;
  uint64_t link1 = queue.post(Lane::Later, record(done, "link 1"));
  uint64_t link2 = queue.post(Lane::Later, [&] {
    done.push_back("link 2");
    finished.set_value();
    return ok();
  });
  uint64_t staging1 = queue.post(Lane::Soon, record(done, "staging 1"));
  uint64_t staging2 = queue.post(Lane::Soon, record(done, "staging 2"));
  EXPECT_EQ(link1, 2u);
  EXPECT_EQ(link2, 3u);
  EXPECT_EQ(staging1, 1u);
  EXPECT_EQ(staging2, 2u);
  EXPECT_FALSE(queue.done(Lane::Later, link2));
  EXPECT_TRUE(queue.done(Lane::Later, 0));
  go.set_value();
  // Not queue.wait(): the waiting thread would do the works the queue's
  // thread has not taken yet, in an order of its own.
  finished.get_future().wait();
  EXPECT_TRUE(queue.wait(Lane::Soon, staging2));
  EXPECT_EQ(done, (std::vector<std::string>{"staging 1", "staging 2", "link 1", "link 2"}));
}

// The builder waiting for a staging directory while the queue's thread is
// busy (or has no core) makes it itself rather than idle a slot.
TEST(ThreadDiskQueueTest, AWaiterDoesTheWorkNoThreadHasTakenYet) {
  std::promise<void> taken, go;
  std::shared_future<void> released = go.get_future().share();
  ThreadDiskQueue queue;
  queue.post(Lane::Later, [&taken, released] {
    taken.set_value();
    released.wait();
    return ok();
  });
  taken.get_future().wait();  // the queue's thread holds the link
  std::thread::id maker;
  uint64_t staging = queue.post(Lane::Soon, [&maker] {
    maker = std::this_thread::get_id();
    return ok();
  });
  ASSERT_TRUE(queue.wait(Lane::Soon, staging));
  EXPECT_EQ(maker, std::this_thread::get_id());
  EXPECT_FALSE(queue.done(Lane::Later, 1));
  go.set_value();
  EXPECT_TRUE(queue.wait(Lane::Later, 1));
}

TEST(ThreadDiskQueueTest, AFailureIsReturnedByEveryLaterWait) {
  ThreadDiskQueue queue;
  uint64_t staging =
      queue.post(Lane::Soon, [] { return Status{Failure{"cannot create directory /x"}}; });
  Status waited = queue.wait(Lane::Soon, staging);
  ASSERT_FALSE(waited);
  EXPECT_EQ(waited.error(), "cannot create directory /x");
  uint64_t link = queue.post(Lane::Later, [] { return ok(); });
  EXPECT_FALSE(queue.wait(Lane::Later, link));
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

// The real thing the builder posts: directories and links made on the
// queue's thread, on the real file system.
TEST(ThreadDiskQueueTest, MakesDirectoriesAndLinksOnTheRealDisk) {
  TempDirectory scratch;
  RealDisk disk;
  std::string root = scratch.path().string();
  ThreadDiskQueue queue;
  uint64_t staging =
      queue.post(Lane::Soon, [&] { return disk.make_directories(root + "/run-1-out"); });
  uint64_t link =
      queue.post(Lane::Later, [&] { return disk.replace_symlink("run-1-out", root + "/p"); });
  // The lanes are independent: a wait for one does not wait for the other.
  ASSERT_TRUE(queue.wait(Lane::Soon, staging));
  ASSERT_TRUE(queue.wait(Lane::Later, link));
  EXPECT_TRUE(disk.is_directory(root + "/p"));
  EXPECT_EQ(disk.read_symlink(root + "/p"), "run-1-out");
}

}  // namespace
}  // namespace databuild
