// Where a running job's given files live: its DATABUILD_CONFIG document and
// the lists behind range inputs (docs/runtime.md, "The job contract as
// implemented").
//
// Why a directory of their own, in memory: they are read once by the job
// and matter only while it runs, but on the workspace's disk each is a new
// inode, and creating one is dear on a file system that recently deleted
// many (ext4 without a journal scans past every inode freed in the last
// minutes: docs/benchmarks.md). With jobs of a millisecond that was a good
// part of the runner's work. So a build writes them into a private directory
// (mode 0700, mkdtemp) on a memory file system, `$XDG_RUNTIME_DIR` or else
// `/dev/shm`, removes each run's when it succeeds and keeps a failed run's
// beside its log. Where neither can be used, they are written beside the
// logs as before (the builder falls back per file, too).
//
// The directory is named after the runner's pid, so a build can remove the
// ones runners killed before their end left behind (nothing else does: a
// memory file system is emptied only at a reboot).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace databuild {

class RunFilesDirectory {
 public:
  // A new private directory `databuild-run-PID-XXXXXX` under the first of
  // `parents` (absolute; empty ones skipped) where one can be made; nullopt
  // when none. Before making it, removes this user's directories of that
  // name whose runner (`is_alive(pid)`) is gone.
  static std::unique_ptr<RunFilesDirectory> make(const std::vector<std::string>& parents,
                                                 int64_t pid,
                                                 const std::function<bool(int64_t)>& is_alive);
  // Where a build runs: $XDG_RUNTIME_DIR, then /dev/shm.
  static std::vector<std::string> default_parents();
  // Removes the directory and what is left in it.
  ~RunFilesDirectory();
  RunFilesDirectory(const RunFilesDirectory&) = delete;
  RunFilesDirectory& operator=(const RunFilesDirectory&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit RunFilesDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace databuild
