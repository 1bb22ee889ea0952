// The Launcher with real processes: it never runs more than its slots, hands
// back every result, starts queued work while its thread sleeps on a running
// child, and kill_all() and the destructor neither leak nor hang. No test
// asserts on timing: where one could only pass by a wake-up arriving, the
// alternative is a child that runs for many seconds, so a missing wake-up
// fails the assertion on which result comes first.
#include "launcher.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace databuild {
namespace {

class LauncherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "launcher_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
    std::filesystem::create_directory(directory_ / "running");
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  // `sh -c SCRIPT` in the scratch directory, with T set to `token`.
  CommandSpec shell(const std::string& script, int64_t token) const {
    CommandSpec spec;
    spec.argv = {"sh", "-c", script};
    spec.env = {{"T", std::to_string(token)}};
    spec.working_directory = directory_.string();
    spec.log_path = (directory_ / ("log-" + std::to_string(token))).string();
    return spec;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(directory_ / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path directory_;
};

TEST_F(LauncherTest, RunsEveryCommandNeverMoreThanItsSlots) {
  Launcher launcher(2);
  EXPECT_EQ(launcher.queue_limit(), 2u);
  // Each job marks itself running, records how many are, and unmarks itself.
  const std::string job =
      "touch running/$T; ls running | wc -l >> counts; sleep 0.05; rm running/$T; exit $((T % 3))";
  for (int64_t token = 0; token < 8; ++token) launcher.start(token, shell(job, token));
  EXPECT_EQ(launcher.running(), 8u);
  std::set<int64_t> seen;
  while (auto ended = launcher.wait(std::chrono::seconds(60))) {
    EXPECT_EQ(ended->second.outcome, CommandResult::Outcome::Exited);
    EXPECT_EQ(ended->second.exit_code, ended->first % 3) << ended->first;
    seen.insert(ended->first);
  }
  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(launcher.running(), 0u);
  std::istringstream counts(read("counts"));
  int count = 0, lines = 0;
  for (; counts >> count; ++lines) EXPECT_LE(count, 2);
  EXPECT_EQ(lines, 8);
}

TEST_F(LauncherTest, StartsQueuedWorkWhileItsThreadWaitsOnARunningChild) {
  Launcher launcher(2);
  launcher.start(1, shell("touch started; exec sleep 30", 1));
  // Once the sleeper has started, the thread is (or is about to be) asleep
  // in poll() on it: the second job must be started by the wake-up, not by
  // the sleeper's exit.
  while (!std::filesystem::exists(directory_ / "started")) std::this_thread::yield();
  launcher.start(2, shell("exit 0", 2));
  auto first = launcher.wait(std::chrono::seconds(60));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->first, 2);
  EXPECT_EQ(launcher.running(), 1u);
  launcher.kill_all();
  EXPECT_EQ(launcher.running(), 0u);
  EXPECT_FALSE(launcher.wait(std::chrono::milliseconds(0)));
}

TEST_F(LauncherTest, KillAllDropsTheQueuedAndKillsTheRunning) {
  Launcher launcher(1);
  for (int64_t token = 0; token < 3; ++token)
    launcher.start(token, shell("touch started-$T; exec sleep 30", token));
  launcher.kill_all();
  EXPECT_EQ(launcher.running(), 0u);
  EXPECT_FALSE(launcher.wait(std::chrono::milliseconds(0)));
  // The queued two never start, even later: work handed over after the
  // kill is the only work that runs.
  launcher.start(9, shell("touch started-$T", 9));
  auto ended = launcher.wait(std::chrono::seconds(60));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->first, 9);
  EXPECT_FALSE(std::filesystem::exists(directory_ / "started-1"));
  EXPECT_FALSE(std::filesystem::exists(directory_ / "started-2"));
}

TEST_F(LauncherTest, ReportsSpawnFailuresAndTimeouts) {
  Launcher launcher(2);
  CommandSpec missing = shell("", 1);
  missing.argv = {"/nonexistent/databuild-launcher-test"};
  launcher.start(1, missing);
  CommandSpec slow = shell("exec sleep 30", 2);
  slow.timeout_seconds = 1;
  launcher.start(2, slow);
  std::set<CommandResult::Outcome> outcomes;
  while (auto ended = launcher.wait(std::chrono::seconds(60)))
    outcomes.insert(ended->second.outcome);
  EXPECT_EQ(outcomes, (std::set<CommandResult::Outcome>{CommandResult::Outcome::SpawnFailed,
                                                        CommandResult::Outcome::TimedOut}));
}

TEST_F(LauncherTest, DestroyedWithWorkRunningAndQueued) {
  {
    Launcher launcher(1);
    for (int64_t token = 0; token < 3; ++token)
      launcher.start(token, shell("touch started-$T; exec sleep 30", token));
  }  // must neither hang on the sleeper nor start the queued
  EXPECT_FALSE(std::filesystem::exists(directory_ / "started-1"));
  EXPECT_FALSE(std::filesystem::exists(directory_ / "started-2"));
}

}  // namespace
}  // namespace databuild
