// WalCheckpointer: a WAL hook that wakes a thread, and the thread.
#include "wal_checkpointer.h"

#include <sqlite3.h>

namespace databuild {

std::unique_ptr<WalCheckpointer> WalCheckpointer::start(sqlite3* db) {
  const char* file = sqlite3_db_filename(db, "main");
  if (!file || !*file) return nullptr;
  sqlite3* own = nullptr;
  if (sqlite3_open_v2(file, &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite3_close_v2(own);
    return nullptr;
  }
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(db, own));
}

WalCheckpointer::WalCheckpointer(sqlite3* committing, sqlite3* own)
    : committing_(committing), own_(own), thread_([this] { loop(); }) {
  // Replaces SQLite's automatic checkpoint, itself a WAL hook.
  sqlite3_wal_hook(committing_, on_commit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_autocheckpoint(committing_, kPages);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  requested_or_stopping_.notify_one();
  thread_.join();
  sqlite3_close_v2(own_);
}

int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return checkpoints_;
}

// On the committing thread, after each commit: never blocks on the disk.
int WalCheckpointer::on_commit(void* self, sqlite3*, const char*, int pages) {
  if (pages < kPages) return SQLITE_OK;
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  {
    std::lock_guard<std::mutex> lock(checkpointer->mutex_);
    checkpointer->requested_ = true;
  }
  checkpointer->requested_or_stopping_.notify_one();
  return SQLITE_OK;
}

void WalCheckpointer::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    requested_or_stopping_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    sqlite3_wal_checkpoint_v2(own_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    lock.lock();
    ++checkpoints_;
  }
}

}  // namespace databuild
