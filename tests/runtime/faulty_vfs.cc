// The faulty VFS: the usual SQLite shim layout. A FaultyFile is our header
// followed by the real VFS's file object; every method forwards to the real
// one, and xWrite / xSync first count and maybe fail. The io_methods table is
// one static copy of version 3 (shared memory and mmap forwarded too, as WAL
// mode needs them).
#include "faulty_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace databuild {

namespace {

DiskFault active_fault;
// Atomic: a build's catalog checkpoints on a thread of its own
// (runtime/wal_checkpointer.h), so two threads write and sync.
std::atomic<int64_t> writes{0}, syncs{0};
sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs faulty_vfs;

struct FaultyFile {
  sqlite3_file base;   // pMethods: &faulty_methods, or null when the open failed
  sqlite3_file* real;  // right after this header, in the same allocation
};

sqlite3_file* real(sqlite3_file* file) { return reinterpret_cast<FaultyFile*>(file)->real; }

bool fails(DiskFault::Operation operation, int64_t count) {
  return active_fault.operation == operation && count >= active_fault.first_failing;
}

int faulty_close(sqlite3_file* file) { return real(file)->pMethods->xClose(real(file)); }
int faulty_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return real(file)->pMethods->xRead(real(file), buffer, amount, offset);
}
int faulty_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  if (fails(DiskFault::Operation::Write, ++writes)) return active_fault.error;
  return real(file)->pMethods->xWrite(real(file), buffer, amount, offset);
}
int faulty_truncate(sqlite3_file* file, sqlite3_int64 size) {
  return real(file)->pMethods->xTruncate(real(file), size);
}
int faulty_sync(sqlite3_file* file, int flags) {
  if (fails(DiskFault::Operation::Sync, ++syncs)) return active_fault.error;
  return real(file)->pMethods->xSync(real(file), flags);
}
int faulty_file_size(sqlite3_file* file, sqlite3_int64* size) {
  return real(file)->pMethods->xFileSize(real(file), size);
}
int faulty_lock(sqlite3_file* file, int level) {
  return real(file)->pMethods->xLock(real(file), level);
}
int faulty_unlock(sqlite3_file* file, int level) {
  return real(file)->pMethods->xUnlock(real(file), level);
}
int faulty_check_reserved_lock(sqlite3_file* file, int* reserved) {
  return real(file)->pMethods->xCheckReservedLock(real(file), reserved);
}
int faulty_file_control(sqlite3_file* file, int op, void* argument) {
  return real(file)->pMethods->xFileControl(real(file), op, argument);
}
int faulty_sector_size(sqlite3_file* file) { return real(file)->pMethods->xSectorSize(real(file)); }
int faulty_device_characteristics(sqlite3_file* file) {
  return real(file)->pMethods->xDeviceCharacteristics(real(file));
}
int faulty_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** memory) {
  return real(file)->pMethods->xShmMap(real(file), region, size, extend, memory);
}
int faulty_shm_lock(sqlite3_file* file, int offset, int count, int flags) {
  return real(file)->pMethods->xShmLock(real(file), offset, count, flags);
}
void faulty_shm_barrier(sqlite3_file* file) { real(file)->pMethods->xShmBarrier(real(file)); }
int faulty_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real(file)->pMethods->xShmUnmap(real(file), delete_flag);
}
int faulty_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** pointer) {
  return real(file)->pMethods->xFetch(real(file), offset, amount, pointer);
}
int faulty_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* pointer) {
  return real(file)->pMethods->xUnfetch(real(file), offset, pointer);
}

const sqlite3_io_methods faulty_methods = {
    3,
    faulty_close,
    faulty_read,
    faulty_write,
    faulty_truncate,
    faulty_sync,
    faulty_file_size,
    faulty_lock,
    faulty_unlock,
    faulty_check_reserved_lock,
    faulty_file_control,
    faulty_sector_size,
    faulty_device_characteristics,
    faulty_shm_map,
    faulty_shm_lock,
    faulty_shm_barrier,
    faulty_shm_unmap,
    faulty_fetch,
    faulty_unfetch,
};

int faulty_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wrapper = reinterpret_cast<FaultyFile*>(file);
  wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
  int status = real_vfs->xOpen(real_vfs, name, wrapper->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set: leave it null on failure.
  wrapper->base.pMethods = wrapper->real->pMethods ? &faulty_methods : nullptr;
  return status;
}

}  // namespace

std::optional<DiskFault> parse_disk_fault(const std::string& text) {
  size_t first = text.find(':');
  size_t second = text.find(':', first == std::string::npos ? first : first + 1);
  if (first == std::string::npos || second == std::string::npos) return std::nullopt;
  std::string operation = text.substr(0, first);
  std::string count = text.substr(first + 1, second - first - 1);
  std::string error = text.substr(second + 1);
  if (count.empty() || count.size() > 12 ||
      count.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  DiskFault fault;
  fault.first_failing = std::stoll(count);
  if (operation == "write" && error == "full") {
    fault.error = SQLITE_FULL;
  } else if (operation == "write" && error == "ioerr") {
    fault.error = SQLITE_IOERR_WRITE;
  } else if (operation == "sync" && error == "ioerr") {
    fault.operation = DiskFault::Operation::Sync;
    fault.error = SQLITE_IOERR_FSYNC;
  } else {
    return std::nullopt;
  }
  return fault;
}

void install_faulty_vfs(const DiskFault& fault) {
  active_fault = fault;
  writes = 0;
  syncs = 0;
  if (!real_vfs) {
    real_vfs = sqlite3_vfs_find(nullptr);
    faulty_vfs = *real_vfs;
    faulty_vfs.zName = "databuild-faulty";
    faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + real_vfs->szOsFile;
    faulty_vfs.xOpen = faulty_open;
  }
  sqlite3_vfs_register(&faulty_vfs, /*makeDflt=*/1);
}

void uninstall_faulty_vfs() {
  if (real_vfs) sqlite3_vfs_register(real_vfs, /*makeDflt=*/1);
}

DiskCounts faulty_vfs_counts() { return {writes.load(), syncs.load()}; }

}  // namespace databuild
