// RealDisk on a scratch directory: writing a file (created, then replaced
// whole by a shorter text), making directories (one, nested, existing) and
// renaming, and the messages naming the path when they cannot be done.
#include "disk.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace databuild {
namespace {

TEST(RealDiskTest, WriteFileCreatesThenReplacesTheWholeText) {
  TempDirectory scratch;
  std::string root = scratch.path().string();
  RealDisk disk;
  std::string path = root + "/run-1.json";
  ASSERT_TRUE(disk.write_file(path, "a longer first text\n"));
  ASSERT_TRUE(disk.write_file(path, "short\n"));
  EXPECT_EQ(*disk.read_file(path), "short\n");
  ASSERT_TRUE(disk.write_file(path, ""));
  EXPECT_EQ(*disk.read_file(path), "");
  Status missing = disk.write_file(root + "/gone/run-1.json", "x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(),
            "cannot write " + root + "/gone/run-1.json: No such file or directory");
}

TEST(RealDiskTest, MakeDirectoriesMakesOneOrManyAndAcceptsAnExistingOne) {
  TempDirectory scratch;
  std::string root = scratch.path().string();
  RealDisk disk;
  ASSERT_TRUE(disk.make_directories(root + "/one"));
  EXPECT_TRUE(disk.is_directory(root + "/one"));
  ASSERT_TRUE(disk.make_directories(root + "/a/b/c"));
  EXPECT_TRUE(disk.is_directory(root + "/a/b/c"));
  EXPECT_TRUE(disk.make_directories(root + "/a/b/c"));  // already there
  ASSERT_TRUE(disk.write_file(root + "/file", "x"));
  Status over_a_file = disk.make_directories(root + "/file");
  ASSERT_FALSE(over_a_file);
  EXPECT_NE(over_a_file.error().find("cannot create directory " + root + "/file"),
            std::string::npos)
      << over_a_file.error();
  EXPECT_FALSE(disk.make_directories(root + "/file/below"));
}

TEST(RealDiskTest, RenameMovesADirectoryOrSaysWhyNot) {
  TempDirectory scratch;
  std::string root = scratch.path().string();
  RealDisk disk;
  ASSERT_TRUE(disk.make_directories(root + "/staged"));
  ASSERT_TRUE(disk.write_file(root + "/staged/_SUCCESS", ""));
  ASSERT_TRUE(disk.rename(root + "/staged", root + "/version"));
  EXPECT_FALSE(disk.exists(root + "/staged"));
  EXPECT_TRUE(disk.exists(root + "/version/_SUCCESS"));
  Status gone = disk.rename(root + "/staged", root + "/again");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error(),
            "cannot rename " + root + "/staged to " + root + "/again: No such file or directory");
}

}  // namespace
}  // namespace databuild
