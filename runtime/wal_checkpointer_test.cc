// WalCheckpointer on a real file in WAL mode: commits over the limit are
// checkpointed by its thread, commits under it ask for nothing. Waiting for
// the thread is waiting for an event (with a generous bound), never timing
// it.
#include "wal_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <string>
#include <thread>

#include "test_support.h"

namespace databuild {
namespace {

class WalCheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (scratch_.path() / "catalog.db").string();
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    exec("PRAGMA journal_mode = WAL");
    exec("CREATE TABLE t (x BLOB)");
  }
  void TearDown() override { sqlite3_close_v2(db_); }

  void exec(const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
  }
  // One commit of about `pages` pages.
  void commit_pages(int pages) {
    exec("INSERT INTO t VALUES (zeroblob(" + std::to_string(pages * 4000) + "))");
  }
  TempDirectory scratch_;
  std::string path_;
  sqlite3* db_ = nullptr;
};

TEST_F(WalCheckpointerTest, CommitsOverTheLimitAreCheckpointedByItsThread) {
  std::unique_ptr<WalCheckpointer> checkpointer = WalCheckpointer::start(db_);
  ASSERT_TRUE(checkpointer);
  commit_pages(100);
  EXPECT_EQ(checkpointer->checkpoints(), 0);  // under the limit: nothing asked
  commit_pages(WalCheckpointer::kPages);
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (checkpointer->checkpoints() == 0 && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_GE(checkpointer->checkpoints(), 1);
}

TEST(WalCheckpointerStartTest, ACatalogInMemoryKeepsItsOwnCheckpoints) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
  EXPECT_FALSE(WalCheckpointer::start(db));
  sqlite3_close_v2(db);
}

}  // namespace
}  // namespace databuild
