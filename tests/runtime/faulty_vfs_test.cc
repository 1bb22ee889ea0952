// The faulty VFS under the real Catalog on a real file: a disk that fills up
// (or fails) mid-transaction gives an error naming the catalog file and the
// operation, and the file afterwards holds every earlier commit, none of the
// failed one, and passes PRAGMA integrity_check.
#include "faulty_vfs.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "catalog.h"

namespace databuild {
namespace {

TEST(ParseDiskFault, TheThreeFaultsAndNothingElse) {
  std::optional<DiskFault> full = parse_disk_fault("write:7:full");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->operation, DiskFault::Operation::Write);
  EXPECT_EQ(full->first_failing, 7);
  EXPECT_EQ(full->error, SQLITE_FULL);
  EXPECT_EQ(parse_disk_fault("write:1:ioerr")->error, SQLITE_IOERR_WRITE);
  EXPECT_EQ(parse_disk_fault("sync:2:ioerr")->operation, DiskFault::Operation::Sync);
  for (const char* bad : {"", "write", "write:x:full", "write:3:", "sync:3:full", "read:1:full"})
    EXPECT_FALSE(parse_disk_fault(bad)) << bad;
}

class FaultyCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(directory_);
    install_faulty_vfs({DiskFault::Operation::Write, kNever, SQLITE_FULL});
  }
  void TearDown() override {
    uninstall_faulty_vfs();
    std::filesystem::remove_all(directory_);
  }
  static NewPartition partition(const std::string& ref) {
    NewPartition version;
    version.ref = ref;
    version.dataset = "a";
    version.path = "/data/.versions/" + ref;
    version.manifest = "[]";
    return version;
  }
  // From now on every write fails with `error`, as on a disk that filled up.
  static void fail_writes_from_now(int error) {
    install_faulty_vfs({DiskFault::Operation::Write, 1, error});
  }
  // Reopened with the real VFS: what a rerun with the fault gone sees.
  std::string integrity_check() const {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
    std::string result = sqlite3_step(statement) == SQLITE_ROW
                             ? reinterpret_cast<const char*>(sqlite3_column_text(statement, 0))
                             : sqlite3_errmsg(db);
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return result;
  }

  static constexpr int64_t kNever = int64_t{1} << 60;
  std::string directory_ = std::filesystem::temp_directory_path().string() +
                           "/databuild-faulty-vfs-" + std::to_string(getpid());
  std::string path_ = directory_ + "/catalog.db";
};

TEST_F(FaultyCatalogTest, ADiskThatFillsUpMidPublishLosesNothingCommitted) {
  {
    std::unique_ptr<Catalog> catalog = *Catalog::open(path_);
    ASSERT_TRUE(catalog->publish({partition("a/x=1")}));
    fail_writes_from_now(SQLITE_FULL);
    Expected<std::vector<int64_t>> failed = catalog->publish({partition("a/x=2")});
    ASSERT_FALSE(failed);
    EXPECT_EQ(
        failed.error(),
        "catalog " + path_ + ": cannot commit the publication of a/x=2: database or disk is full");
  }  // closing checkpoints, which fails too: the WAL keeps what was committed
  uninstall_faulty_vfs();
  EXPECT_EQ(integrity_check(), "ok");
  std::unique_ptr<Catalog> reopened = *Catalog::open(path_);
  EXPECT_TRUE(reopened->current("a/x=1")->has_value());
  EXPECT_FALSE(reopened->current("a/x=2")->has_value());
}

TEST_F(FaultyCatalogTest, AFailingDeviceNamesTheFileAndTheOperation) {
  std::unique_ptr<Catalog> catalog = *Catalog::open(path_);
  fail_writes_from_now(SQLITE_IOERR_WRITE);
  NewRun run;
  run.job = "j";
  run.target = "a/x=1";
  Expected<int64_t> started = catalog->start_run(run);
  ASSERT_FALSE(started);
  EXPECT_NE(started.error().find("catalog " + path_ + ": cannot "), std::string::npos)
      << started.error();
  EXPECT_NE(started.error().find("disk I/O error"), std::string::npos) << started.error();
  catalog.reset();
  uninstall_faulty_vfs();
  EXPECT_EQ(integrity_check(), "ok");
  EXPECT_TRUE((*Catalog::open(path_))->runs_for("j")->empty());
}

TEST_F(FaultyCatalogTest, ACatalogThatCannotBeCreatedSaysWhich) {
  fail_writes_from_now(SQLITE_FULL);
  Expected<std::unique_ptr<Catalog>> catalog = Catalog::open(path_);
  ASSERT_FALSE(catalog);
  EXPECT_NE(catalog.error().find(path_), std::string::npos) << catalog.error();
  EXPECT_NE(catalog.error().find("database or disk is full"), std::string::npos) << catalog.error();
}

}  // namespace
}  // namespace databuild
