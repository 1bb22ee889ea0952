// ProcessRunner with real processes: the environment a job gets (the
// runtime's, with the job's variables added and a later one winning), its
// log, the PATH search for a bare program name, and results for an exit
// status, a signal and a program not found.
#include "command_runner.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

namespace databuild {
namespace {

namespace fs = std::filesystem;

class ProcessRunnerTest : public ::testing::Test {
 protected:
  // Runs `argv` with `env` added to completion: its result and its log.
  std::pair<CommandResult, std::string> run(std::vector<std::string> argv,
                                            std::vector<std::pair<std::string, std::string>> env) {
    CommandSpec spec;
    spec.argv = std::move(argv);
    spec.env = std::move(env);
    spec.working_directory = root.string();
    spec.log_path = (root / "job.log").string();
    runner.start(7, spec);
    std::optional<std::pair<int64_t, CommandResult>> ended;
    while (!ended) ended = runner.wait(std::chrono::milliseconds(1000));
    EXPECT_EQ(ended->first, 7);
    std::ostringstream log;
    log << std::ifstream(spec.log_path).rdbuf();
    return {ended->second, log.str()};
  }

  TempDirectory scratch;
  const fs::path& root = scratch.path();
  ProcessRunner runner;
};

TEST_F(ProcessRunnerTest, AJobGetsTheRuntimesEnvironmentWithItsOwnAddedTheLastWinning) {
  const char* home = getenv("HOME");
  ASSERT_NE(home, nullptr);  // the runtime's own, passed on
  auto [result, log] = run({"sh", "-c", "echo \"$A $B $HOME\"; pwd; env | grep -c '^A='"},
                           {{"A", "1"}, {"B", "2"}, {"A", "3"}, {"HOME", "/elsewhere"}});
  EXPECT_TRUE(result.succeeded()) << result.describe();
  EXPECT_EQ(log, "3 2 /elsewhere\n" + root.string() + "\n1\n");
}

TEST_F(ProcessRunnerTest, StdoutAndStderrGoToTheLog) {
  auto [result, log] = run({"sh", "-c", "echo out; echo err >&2; exit 3"}, {});
  EXPECT_EQ(result.describe(), "exit status 3");
  EXPECT_EQ(log, "out\nerr\n");
}

TEST_F(ProcessRunnerTest, ASignalAndAMissingProgramAreReported) {
  EXPECT_EQ(run({"sh", "-c", "kill -9 $$"}, {}).first.describe(), "killed by signal 9 (Killed)");
  CommandResult missing = run({"no-such-program-for-runner-test"}, {}).first;
  EXPECT_EQ(missing.outcome, CommandResult::Outcome::SpawnFailed);
  EXPECT_NE(missing.describe().find("no-such-program-for-runner-test"), std::string::npos);
}

TEST_F(ProcessRunnerTest, ABareNameIsSearchedInPathARelativeEntryFromTheJobsDirectory) {
  fs::create_directories(root / "tools");
  std::ofstream(root / "tools" / "runner-test-tool") << "#!/bin/sh\necho tool ran in $(pwd)\n";
  fs::permissions(root / "tools" / "runner-test-tool", fs::perms::owner_all);
  std::string saved = getenv("PATH");
  // An absolute entry without the tool, the relative one with it, then the system's.
  setenv("PATH", (root.string() + ":tools:" + saved).c_str(), 1);
  auto [result, log] = run({"runner-test-tool"}, {});
  setenv("PATH", saved.c_str(), 1);
  EXPECT_TRUE(result.succeeded()) << result.describe();
  EXPECT_EQ(log, "tool ran in " + root.string() + "\n");
}

}  // namespace
}  // namespace databuild
