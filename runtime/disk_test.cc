// RealDisk on a scratch directory: writing a file (created, then replaced
// whole by a shorter text), making directories (one, nested, existing),
// renaming and removing, and the messages naming the path when they cannot
// be done.
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

TEST(RealDiskTest, RemoveAllRemovesAFileATreeOrNothing) {
  TempDirectory scratch;
  std::string root = scratch.path().string();
  RealDisk disk;
  ASSERT_TRUE(disk.write_file(root + "/run-1.json", "{}"));
  ASSERT_TRUE(disk.remove_all(root + "/run-1.json"));
  EXPECT_FALSE(disk.exists(root + "/run-1.json"));
  ASSERT_TRUE(disk.make_directories(root + "/run-2-out/part"));
  ASSERT_TRUE(disk.write_file(root + "/run-2-out/part/data.csv", "x"));
  ASSERT_TRUE(disk.remove_all(root + "/run-2-out"));
  EXPECT_FALSE(disk.exists(root + "/run-2-out"));
  EXPECT_TRUE(disk.remove_all(root + "/never-there"));
  ASSERT_TRUE(disk.write_file(root + "/file", "x"));
  EXPECT_FALSE(disk.remove_all(root + "/file/below"));  // through a file: ENOTDIR
}

// What a manifest lists: every regular file below, by its path from the
// directory listed, sorted, with its size; a link to a file counts as the
// file, a link to a directory is not followed, a dangling link is skipped.
TEST(RealDiskTest, ListFilesListsRegularFilesBelowSortedWithSizes) {
  TempDirectory scratch;
  std::string root = scratch.path().string();
  RealDisk disk;
  ASSERT_TRUE(disk.make_directories(root + "/out/b/c"));
  ASSERT_TRUE(disk.make_directories(root + "/elsewhere"));
  ASSERT_TRUE(disk.write_file(root + "/out/_SUCCESS", ""));
  ASSERT_TRUE(disk.write_file(root + "/out/b/part-1", "12345"));
  ASSERT_TRUE(disk.write_file(root + "/out/b/c/part-0", "123"));
  ASSERT_TRUE(disk.write_file(root + "/elsewhere/hidden", "x"));
  ASSERT_TRUE(disk.write_file(root + "/target", "1234567"));
  ASSERT_TRUE(disk.replace_symlink(root + "/target", root + "/out/a-link"));
  ASSERT_TRUE(disk.replace_symlink(root + "/elsewhere", root + "/out/dir-link"));
  ASSERT_TRUE(disk.replace_symlink(root + "/nothing", root + "/out/dangling"));
  for (const std::string& listed : {root + "/out", root + "/out/"}) {
    Expected<std::vector<FileEntry>> files = disk.list_files(listed);
    ASSERT_TRUE(files) << files.error();
    std::vector<std::pair<std::string, uint64_t>> seen;
    for (const FileEntry& file : *files) seen.emplace_back(file.path, file.size);
    EXPECT_EQ(seen, (std::vector<std::pair<std::string, uint64_t>>{
                        {"_SUCCESS", 0}, {"a-link", 7}, {"b/c/part-0", 3}, {"b/part-1", 5}}));
  }
  Expected<std::vector<FileEntry>> missing = disk.list_files(root + "/gone");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "cannot list " + root + "/gone: No such file or directory");
}

}  // namespace
}  // namespace databuild
