// Checkpoints a catalog's write-ahead log from a thread of its own, so that
// the thread that commits never waits for the syncs a checkpoint makes.
//
// Why: SQLite checkpoints on the committing connection, inside the commit
// that leaves the WAL at 1000 pages or more, and with synchronous = NORMAL
// those checkpoints are where the syncs are. A build of 10k short jobs
// waited for 65 of them on its builder's thread, 0.25 s of a 6 s build on a
// journaled ext4, with its job slots emptying meanwhile (docs/benchmarks.md).
// Here the committing connection's WAL hook only wakes the thread, which
// checkpoints on a connection of its own, PASSIVE (waiting for no reader
// and no writer: another runner's commits go on meanwhile). A checkpoint
// that fails is let go, as SQLite lets its own automatic one go: the
// commits are in the WAL, which every reader consults until a later
// checkpoint has copied it, and the next commit over the limit asks again.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

struct sqlite3;

namespace databuild {

class WalCheckpointer {
 public:
  // SQLite's own automatic limit, kept.
  static constexpr int kPages = 1000;
  // Takes over the checkpoints of `db` (borrowed: it must outlive the
  // result). Null when `db` has no file of its own (in memory) or a second
  // connection to it cannot be opened: `db` then checkpoints as before.
  static std::unique_ptr<WalCheckpointer> start(sqlite3* db);
  // Waits for the checkpoint under way, if any, and gives `db` back its
  // own automatic checkpoints.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints run so far, failed or not.
  int64_t checkpoints() const;

 private:
  WalCheckpointer(sqlite3* committing, sqlite3* own);
  static int on_commit(void* self, sqlite3* db, const char* name, int pages);
  void loop();

  sqlite3* committing_;  // borrowed
  sqlite3* own_;         // owned: used by the thread alone
  mutable std::mutex mutex_;
  std::condition_variable requested_or_stopping_;
  bool requested_ = false, stopping_ = false;
  int64_t checkpoints_ = 0;
  std::thread thread_;  // last: starts once the rest is constructed
};

}  // namespace databuild
