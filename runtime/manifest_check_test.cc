// manifest_differences() on the in-memory disk: a version that matches its
// manifest, and each way a job writing through a partition's link changes one.
#include "manifest_check.h"

#include <gtest/gtest.h>

#include "test_support.h"

namespace databuild {
namespace {

PartitionRecord recorded_version() {
  PartitionRecord version;
  version.path = "/data/.versions/run-1-out";
  version.manifest = R"([{"path":"a.txt","size":3},{"path":"sub/b.txt","size":2}])";
  return version;
}

TEST(ManifestDifferences, NoneWhenTheFilesMatch) {
  FakeDisk disk;
  disk.create("/data/.versions/run-1-out/a.txt", "aaa");
  disk.create("/data/.versions/run-1-out/sub/b.txt", "bb");
  EXPECT_TRUE(manifest_differences(disk, recorded_version()).empty());
}

TEST(ManifestDifferences, NamesAddedRemovedAndResizedFiles) {
  FakeDisk disk;
  disk.create("/data/.versions/run-1-out/a.txt", "aaaaa");
  disk.create("/data/.versions/run-1-out/stray.txt", "x");
  std::vector<std::string> expected = {"a.txt changed size (3 -> 5 bytes)", "added stray.txt",
                                       "removed sub/b.txt"};
  EXPECT_EQ(manifest_differences(disk, recorded_version()), expected);
}

TEST(ManifestDifferences, AVersionWhoseDirectoryIsGone) {
  FakeDisk disk;
  std::vector<std::string> differences = manifest_differences(disk, recorded_version());
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_NE(differences[0].find("/data/.versions/run-1-out"), std::string::npos) << differences[0];
}

}  // namespace
}  // namespace databuild
