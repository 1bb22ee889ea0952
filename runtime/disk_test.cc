// RealDisk on a scratch directory: writing a file (created, then replaced
// whole by a shorter text) and the message naming the path when it cannot be.
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

}  // namespace
}  // namespace databuild
