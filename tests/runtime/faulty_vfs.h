// A SQLite VFS that makes the catalog's disk fail on purpose: tests only.
//
// It wraps the default VFS (the real unix one, on real files) and, from the
// Nth write or sync on, fails every one with the error a full disk or a
// failing device gives (SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC),
// the way a disk that filled up stays full. Installed as the default VFS, it
// needs nothing from the runtime: the production code opens its catalog as
// always and meets the failure where SQLite would meet a real one. That is why
// it is a VFS and not a test hook in catalog.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace databuild {

struct DiskFault {
  enum class Operation { Write, Sync };
  Operation operation = Operation::Write;
  int64_t first_failing = 1;  // 1-based: the first write (or sync) that fails
  int error = 0;              // the SQLite result code it fails with
};

// "write:N:full", "write:N:ioerr" or "sync:N:ioerr"; nullopt if not one of those.
std::optional<DiskFault> parse_disk_fault(const std::string& text);

// Makes the faulty VFS SQLite's default (idempotent); `fault` replaces any
// earlier one and restarts the counts. Connections opened afterwards use it.
void install_faulty_vfs(const DiskFault& fault);
// Makes the real VFS the default again.
void uninstall_faulty_vfs();

// Writes and syncs seen (failed ones included) since the last install.
struct DiskCounts {
  int64_t writes = 0;
  int64_t syncs = 0;
};
DiskCounts faulty_vfs_counts();

}  // namespace databuild
