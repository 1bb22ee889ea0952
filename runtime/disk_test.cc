// RealDisk on a scratch directory: writing a file (created, then replaced
// whole by a shorter text) and the message naming the path when it cannot be.
#include "disk.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

namespace databuild {
namespace {

namespace fs = std::filesystem;

TEST(RealDiskTest, WriteFileCreatesThenReplacesTheWholeText) {
  std::string pattern = (fs::temp_directory_path() / "disk-test-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  RealDisk disk;
  std::string path = pattern + "/run-1.json";
  ASSERT_TRUE(disk.write_file(path, "a longer first text\n"));
  ASSERT_TRUE(disk.write_file(path, "short\n"));
  EXPECT_EQ(*disk.read_file(path), "short\n");
  ASSERT_TRUE(disk.write_file(path, ""));
  EXPECT_EQ(*disk.read_file(path), "");
  Status missing = disk.write_file(pattern + "/gone/run-1.json", "x");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(),
            "cannot write " + pattern + "/gone/run-1.json: No such file or directory");
  fs::remove_all(pattern);
}

}  // namespace
}  // namespace databuild
