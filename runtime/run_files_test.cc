// RunFilesDirectory on the real file system, under a test's own directory:
// a private directory made and removed, the fallback to the next parent, and
// the removal of dead runners' directories (and of nothing else).
#include "run_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "test_support.h"

namespace databuild {
namespace {

namespace fs = std::filesystem;

class RunFilesDirectoryTest : public ::testing::Test {
 protected:
  static bool alive(int64_t pid) { return pid == 42; }

  TempDirectory scratch;
  const fs::path& root = scratch.path();
};

TEST_F(RunFilesDirectoryTest, IsPrivateAndRemovedWithWhatItHolds) {
  std::string path;
  {
    auto directory = RunFilesDirectory::make({root.string()}, 7, alive);
    ASSERT_NE(directory, nullptr);
    path = directory->path();
    EXPECT_EQ(fs::path(path).parent_path(), root);
    EXPECT_EQ(fs::path(path).filename().string().rfind("databuild-run-7-", 0), 0u) << path;
    struct stat info {};
    ASSERT_EQ(stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0700u);
    std::ofstream(path + "/run-1.json") << "{}\n";
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(RunFilesDirectoryTest, TheFirstParentWhereOneCanBeMadeIsUsed) {
  auto directory = RunFilesDirectory::make(
      {"", "relative", (root / "missing").string(), root.string()}, 7, alive);
  ASSERT_NE(directory, nullptr);
  EXPECT_EQ(fs::path(directory->path()).parent_path(), root);
  EXPECT_EQ(RunFilesDirectory::make({(root / "missing").string()}, 7, alive), nullptr);
}

TEST_F(RunFilesDirectoryTest, RemovesWhatDeadRunnersLeftAndNothingElse) {
  for (const char* name : {"databuild-run-5-abcdef", "databuild-run-42-abcdef",
                           "databuild-run-x-abcdef", "other-5-abcdef"}) {
    fs::create_directories(root / name);
    std::ofstream(root / name / "run-1.json") << "{}\n";
  }
  std::ofstream(root / "databuild-run-6-file") << "not a directory\n";
  auto directory = RunFilesDirectory::make({root.string()}, 7, alive);
  ASSERT_NE(directory, nullptr);
  EXPECT_FALSE(fs::exists(root / "databuild-run-5-abcdef"));  // pid 5 is dead
  EXPECT_TRUE(fs::exists(root / "databuild-run-42-abcdef"));  // pid 42 runs
  EXPECT_TRUE(fs::exists(root / "databuild-run-x-abcdef"));
  EXPECT_TRUE(fs::exists(root / "other-5-abcdef"));
  EXPECT_TRUE(fs::exists(root / "databuild-run-6-file"));
}

}  // namespace
}  // namespace databuild
