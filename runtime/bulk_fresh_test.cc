// Settling fresh partitions in bulk: fresh_in_bulk() on the fake disk, and the
// planner's use of it checked against the walk. A dataset with enough
// requested partitions is planned in bulk; each partition alone (one request
// each) goes through the walk; every partition must get the same decision and
// reason both ways, over a mix of every way a partition can be other than
// fresh.
#include "bulk_fresh.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.h"

namespace databuild {
namespace {

// 600 partitions: above the planner's bulk threshold, and cheap to build.
std::string uniform_job(const std::string& script) {
  return "dataset t[n: int since 0 until 599] {}\n"
         "job t(n: int) {\n"
         "  output out = t[n = n]\n"
         "  run [\"sh\", \"" +
         script + "\"]\n}\n";
}

std::vector<std::string> refs(int first, int last) {
  std::vector<std::string> out;
  for (int n = first; n <= last; ++n) out.push_back("t/n=" + std::to_string(n));
  return out;
}

// What Catalog::live_built_versions() reads for one version.
void add_version(BuiltVersions& built, const std::string& ref, const std::string& path,
                 int64_t run_id) {
  BuiltVersions::Version& version = built.versions.emplace_back();
  version.id = static_cast<int64_t>(built.versions.size());
  version.run_id = run_id;
  version.ref_at = built.text.size();
  version.ref_size = static_cast<uint32_t>(ref.size());
  built.text += ref;
  version.path_at = built.text.size();
  version.path_size = static_cast<uint32_t>(path.size());
  built.text += path;
}

TEST(BulkFreshTest, APartitionIsFreshOnlyWithAFreshRunAndItsLinkOnItsVersion) {
  FakeDisk disk;
  BuiltVersions built;
  std::vector<PartitionRef> partitions;
  RuntimeFixture f({{"t.dbuild", uniform_job("a.sh")}});
  // Enough partitions for two threads; n % 5 says what is wrong with it.
  constexpr int kCount = 10'000;
  for (int n = 0; n < kCount; ++n) {
    partitions.push_back(f.ref("t/n=" + std::to_string(n % 600)));
    partitions.back().values[0].number = n;  // beyond the domain: fresh_in_bulk does not judge it
    std::string ref = "t/n=" + std::to_string(n), path = "/ws/data/.versions/v" + std::to_string(n);
    if (n % 5 != 3) {  // 3: no live version
      add_version(built, ref, path,
                  n % 5 == 1 ? 2 : 1);  // 1: built by a run with another fingerprint
    }
    if (n % 5 != 4) {  // 4: its directory is gone
      ASSERT_TRUE(disk.make_directories(path));
    }
    std::string link = n % 5 == 2 ? "/ws/data/.versions/elsewhere" : path;  // 2: re-pointed
    ASSERT_TRUE(disk.make_directories("/ws/data/.versions/elsewhere"));
    ASSERT_TRUE(disk.replace_symlink(link, "/ws/data/" + ref));
  }
  std::vector<const PartitionRef*> pointers;
  for (const PartitionRef& partition : partitions) pointers.push_back(&partition);
  std::vector<char> fresh = fresh_in_bulk(disk, "/ws/data", built, {1, 3}, pointers, 4);
  ASSERT_EQ(fresh.size(), partitions.size());
  for (int n = 0; n < kCount; ++n) EXPECT_EQ(fresh[n] != 0, n % 5 == 0) << n;
  // No fresh run: nothing is fresh.
  fresh = fresh_in_bulk(disk, "/ws/data", built, {}, pointers, 4);
  EXPECT_EQ(std::count(fresh.begin(), fresh.end(), 1), 0);
}

// The same on the real file system, where the links and the versions are
// looked up relative to their open directories.
TEST(BulkFreshTest, RealLinksAreReadRelativeToTheirDirectory) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("bulk_fresh_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  RuntimeFixture f({{"t.dbuild", uniform_job("a.sh")}});
  BuiltVersions built;
  std::vector<PartitionRef> partitions;
  for (int n = 0; n < 6; ++n) {
    std::string ref = "t/n=" + std::to_string(n);
    std::string path = (root / "data/.versions" / ("v" + std::to_string(n))).string();
    partitions.push_back(f.ref(ref));
    add_version(built, ref, path, 1);
    if (n != 4) fs::create_directories(path);  // 4: its directory is gone
    fs::create_directories(root / "data/t");
    if (n != 5)  // 5: no link; 3: a link to another version
      fs::create_directory_symlink(n == 3 ? path + "x" : path, root / "data" / ref);
  }
  std::vector<const PartitionRef*> pointers;
  for (const PartitionRef& partition : partitions) pointers.push_back(&partition);
  RealDisk disk;
  std::vector<char> fresh = fresh_in_bulk(disk, (root / "data").string(), built, {1}, pointers, 1);
  EXPECT_EQ(fresh, (std::vector<char>{1, 1, 1, 0, 0, 0}));
  // A data root with no such directory: nothing there, nothing fresh.
  fresh = fresh_in_bulk(disk, (root / "nowhere").string(), built, {1}, pointers, 1);
  EXPECT_EQ(fresh, std::vector<char>(6, 0));
  fs::remove_all(root);
}

class BulkPlanTest : public ::testing::Test {
 protected:
  // Plans every partition of t in one request (in bulk) and each alone (the
  // walk); expects the same decision and reason for each. Returns the bulk plan.
  Plan expect_bulk_agrees_with_walk(RuntimeFixture& f) {
    Plan bulk = f.plan(refs(0, 599));
    for (const std::string& ref : refs(0, 599)) {
      Plan alone = f.plan({ref});
      EXPECT_TRUE(alone.fresh.empty());
      EXPECT_EQ(f.decision(bulk, ref), f.decision(alone, ref)) << ref;
    }
    return bulk;
  }

  static int count(const Plan& plan, const std::string& decision) {
    int found = 0;
    for (const std::string& ref : refs(0, 599))
      found += RuntimeFixture::decision(plan, ref) == decision;
    return found;
  }
};

TEST_F(BulkPlanTest, EveryWayOfNotBeingFreshKeepsItsReason) {
  // Built by the old definition: 0..99; by the current one: 100..599, except
  // what the steps below undo.
  RuntimeFixture before({{"t.dbuild", uniform_job("old.sh")}});
  ASSERT_TRUE(before.build(refs(0, 99)));
  RuntimeFixture f({{"t.dbuild", uniform_job("new.sh")}});
  f.catalog = std::move(before.catalog);
  f.disk = before.disk;
  ASSERT_TRUE(f.build(refs(100, 589)));  // 590..599: never built
  ASSERT_TRUE(f.catalog->invalidate("t/n=100"));
  ASSERT_TRUE(f.disk.remove_all("/ws/data/t/n=101"));  // the link deleted
  std::optional<PartitionRecord> other = *f.catalog->current("t/n=103");
  ASSERT_TRUE(f.disk.replace_symlink(other->path, "/ws/data/t/n=102"));  // re-pointed
  std::optional<PartitionRecord> gone = *f.catalog->current("t/n=104");
  ASSERT_TRUE(f.disk.remove_all(gone->path));  // the version's files deleted
  f.put("t/n=105");                            // hand-made over a built one

  Plan bulk = expect_bulk_agrees_with_walk(f);
  EXPECT_EQ(bulk.fresh.size(), 485u);  // 100..589 less the five changed above: settled in bulk
  EXPECT_EQ(count(bulk, "reuse: fresh"), 485);
  EXPECT_EQ(count(bulk, "rebuild: job definition changed"), 100);
  EXPECT_EQ(count(bulk, "build: missing"), 10);
  EXPECT_EQ(RuntimeFixture::decision(bulk, "t/n=100"), "rebuild: invalidated");
  EXPECT_EQ(RuntimeFixture::decision(bulk, "t/n=105"),
            "reuse: hand-made (put); --replace-manual rebuilds it");
  for (const char* moved : {"t/n=101", "t/n=102", "t/n=104"})
    EXPECT_EQ(
        RuntimeFixture::decision(bulk, moved).rfind("build: missing: the files of version", 0), 0u)
        << moved;

  // The build does what the plan said: the old, the missing and the four
  // changed built ones run; the fresh and the hand-made one do not.
  size_t started = f.runner.started.size();
  ASSERT_TRUE(f.build(refs(0, 599)));
  EXPECT_EQ(f.runner.started.size() - started, 114u);
  EXPECT_EQ(count(f.plan(refs(0, 599)), "reuse: fresh"), 599);  // 105 stays hand-made
}

// A `run` naming the partition gives each target its own argv; an argument
// naming a workspace file puts the file's bytes in that target's fingerprint.
TEST_F(BulkPlanTest, ArgumentsNamingThePartitionGiveEachItsOwnFingerprint) {
  std::string job = uniform_job("t.sh");
  job.replace(job.find("\"t.sh\""), 6, "\"t.sh\", \"in/{n}\"");
  RuntimeFixture f({{"t.dbuild", job}});
  ASSERT_TRUE(f.build(refs(0, 599)));
  EXPECT_EQ(f.runner.started.back().argv.back(), "in/599");
  // A file `in/3` appears: t/n=3's target differs from the others' now.
  f.disk.create("/ws/in/3", "three");
  Plan bulk = expect_bulk_agrees_with_walk(f);
  EXPECT_EQ(bulk.fresh.size(), 599u);
  EXPECT_EQ(RuntimeFixture::decision(bulk, "t/n=3"), "rebuild: job definition changed");
  // Built with it, then changed.
  ASSERT_TRUE(f.build({"t/n=3"}));
  f.disk.create("/ws/in/3", "three, changed");
  bulk = expect_bulk_agrees_with_walk(f);
  EXPECT_EQ(bulk.fresh.size(), 599u);
  EXPECT_EQ(RuntimeFixture::decision(bulk, "t/n=3"), "rebuild: job definition changed");
}

TEST_F(BulkPlanTest, LinksAreLookedForWhereTheLocationTemplatePutsThem) {
  std::string job = uniform_job("t.sh");
  job.replace(job.find("{}"), 2, "{ location \"by-number/{n}\" }");
  RuntimeFixture f({{"t.dbuild", job}});
  ASSERT_TRUE(f.build(refs(0, 599)));
  ASSERT_TRUE(f.disk.read_symlink("/ws/data/by-number/7"));
  ASSERT_TRUE(f.disk.remove_all("/ws/data/by-number/7"));
  Plan bulk = expect_bulk_agrees_with_walk(f);
  EXPECT_EQ(bulk.fresh.size(), 599u);
  EXPECT_EQ(RuntimeFixture::decision(bulk, "t/n=7").rfind("build: missing: the files", 0), 0u);
}

TEST_F(BulkPlanTest, APartitionAnotherTargetReadsIsListedOnceAsANode) {
  RuntimeFixture f({{"t.dbuild", uniform_job("t.sh") + R"(
dataset total[day: int since 0 until 0] {}
job total(day: int) {
  input  parts = t[n = *]
  output out   = total[day = day]
  run ["sh", "total.sh"]
}
)"}});
  ASSERT_TRUE(f.build(refs(0, 599)));
  std::vector<std::string> requested = refs(0, 599);
  requested.push_back("total/day=0");
  Plan plan = f.plan(requested);
  EXPECT_TRUE(plan.fresh.empty());
  EXPECT_EQ(plan.requested.size(), 601u);
  EXPECT_EQ(count(plan, "reuse: fresh"), 600);
  EXPECT_EQ(RuntimeFixture::decision(plan, "total/day=0"), "build: missing");
}

}  // namespace
}  // namespace databuild
