// Spawn with real processes: what the child becomes (its descriptors,
// directory, environment, process group, signal state), each step's failure
// as the caller reads it after the reap, the PATH-like search over several
// programs, and many children in flight at once, each on its own stack.
#include "spawn.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

namespace databuild {
namespace {

namespace fs = std::filesystem;

class SpawnTest : public ::testing::Test {
 protected:
  // A child running `script` through /bin/sh, its log in the scratch.
  ChildImage shell(const std::string& script) {
    ChildImage image;
    image.programs = {"/bin/sh"};
    image.argv = {"sh", "-c", script};
    image.log_path = (root / "child.log").string();
    image.working_directory = root.string();
    return image;
  }

  std::unique_ptr<Spawn> start(ChildImage image) {
    std::string error;
    std::unique_ptr<Spawn> spawn = Spawn::start(std::move(image), &error);
    EXPECT_NE(spawn, nullptr) << error;
    return spawn;
  }

  // Waits for the child: its wait status.
  static int reap(const Spawn& spawn) {
    int status = 0;
    EXPECT_EQ(waitpid(spawn.pid(), &status, 0), spawn.pid());
    return status;
  }

  std::string log() const {
    std::ostringstream text;
    text << std::ifstream(root / "child.log").rdbuf();
    return text.str();
  }

  TempDirectory scratch;
  const fs::path& root = scratch.path();
};

TEST_F(SpawnTest, TheChildGetsItsDirectoryLogNullStdinAndEnvironment) {
  std::ofstream(root / "child.log") << "left from an earlier run, truncated\n";
  ChildImage image = shell("pwd; echo \"$A $B\"; cat; echo err >&2");
  const char* inherited = "A=from-runtime";
  image.inherited_environment = {inherited};
  image.added_environment = {"B=added"};
  auto spawn = start(std::move(image));
  int status = reap(*spawn);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(spawn->failure(), std::nullopt);
  EXPECT_EQ(log(), root.string() + "\nfrom-runtime added\nerr\n");
}

TEST_F(SpawnTest, TheChildLeadsItsOwnProcessGroupAsSoonAsStartReturns) {
  auto spawn = start(shell("sleep 30"));
  // No wait for the child to get going: the group is there already.
  EXPECT_EQ(getpgid(spawn->pid()), spawn->pid());
  ASSERT_EQ(kill(-spawn->pid(), SIGKILL), 0);
  int status = reap(*spawn);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST_F(SpawnTest, IgnoredAndBlockedSignalsAreResetForTheChild) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction before {};
  sigaction(SIGTERM, &ignore, &before);
  sigset_t term, previous;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, &previous);
  auto spawn = start(shell("kill -TERM $$; sleep 5"));
  int status = reap(*spawn);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  sigaction(SIGTERM, &before, nullptr);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
}

TEST_F(SpawnTest, EachStepsFailureIsReportedAfterTheReap) {
  ChildImage no_log = shell("true");
  no_log.log_path = (root / "absent" / "child.log").string();
  auto spawn = start(std::move(no_log));
  EXPECT_EQ(WEXITSTATUS(reap(*spawn)), 127);
  EXPECT_EQ(spawn->failure(), "cannot open log " + (root / "absent/child.log").string() +
                                  ": No such file or directory");

  ChildImage no_directory = shell("true");
  no_directory.working_directory = (root / "absent").string();
  spawn = start(std::move(no_directory));
  EXPECT_EQ(WEXITSTATUS(reap(*spawn)), 127);
  EXPECT_EQ(spawn->failure(), "cannot enter working directory " + (root / "absent").string() +
                                  ": No such file or directory");

  ChildImage no_program = shell("true");
  no_program.programs = {(root / "absent").string()};
  no_program.argv = {"absent-program"};
  spawn = start(std::move(no_program));
  EXPECT_EQ(WEXITSTATUS(reap(*spawn)), 127);
  EXPECT_EQ(spawn->failure(), "absent-program: No such file or directory");
}

TEST_F(SpawnTest, ProgramsAreTriedInOrderAndADeniedOneIsReportedIfNoneRuns) {
  std::ofstream(root / "not-executable") << "#!/bin/sh\n";
  ChildImage search = shell("unused");
  search.programs = {(root / "absent").string(), (root / "not-executable").string(), "/bin/sh"};
  search.argv = {"sh", "-c", "echo found"};
  auto spawn = start(std::move(search));
  EXPECT_EQ(WEXITSTATUS(reap(*spawn)), 0);
  EXPECT_EQ(log(), "found\n");

  ChildImage denied = shell("unused");
  denied.programs = {(root / "not-executable").string(), (root / "absent").string()};
  denied.argv = {"not-executable"};
  spawn = start(std::move(denied));
  EXPECT_EQ(WEXITSTATUS(reap(*spawn)), 127);
  // (Even for root: a file without any execute bit does not exec.)
  EXPECT_EQ(spawn->failure(), "not-executable: Permission denied");
}

TEST_F(SpawnTest, ManyChildrenInFlightAtOnceEachGetTheirOwnArguments) {
  std::vector<std::unique_ptr<Spawn>> spawns;
  for (int i = 0; i < 64; ++i) {
    ChildImage image = shell("echo \"$0\" > \"$1\"");
    image.argv = {"sh", "-c", "echo \"$0\" > \"$1\"", "child-" + std::to_string(i),
                  (root / ("out-" + std::to_string(i))).string()};
    image.log_path = (root / ("log-" + std::to_string(i))).string();
    spawns.push_back(start(std::move(image)));
  }
  for (int i = 0; i < 64; ++i) {
    EXPECT_EQ(WEXITSTATUS(reap(*spawns[i])), 0);
    std::ostringstream text;
    text << std::ifstream(root / ("out-" + std::to_string(i))).rdbuf();
    EXPECT_EQ(text.str(), "child-" + std::to_string(i) + "\n");
  }
}

}  // namespace
}  // namespace databuild
