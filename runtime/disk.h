// The file system as the runtime sees it: the few operations the plan and the
// builder need, behind an interface so that the scheduler's tests run on an
// in-memory fake instead of a scratch directory.
//
// Why these operations and no more: publishing is "rename a finished staging
// directory to its version directory, then atomically replace the partition's
// symbolic link" (builder.h), and freshness is "does the link point at the
// version the catalog names" (plan.h). Content hashes are FNV-1a 64: they
// detect a redelivery with new bytes, they are not a defence against forgery.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "expected.h"

namespace databuild {

// Success, or the Failure saying what went wrong (Expected has no void form).
using Status = Expected<std::monostate>;
inline Status ok() { return std::monostate{}; }

// One regular file below a directory.
struct FileEntry {
  std::string path;  // relative to the directory listed, '/'-separated
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

// A fast change detector over text: FNV-1a 64 as 16 hex digits.
class ContentHasher {
 public:
  void add(std::string_view bytes);
  std::string hex() const;

 private:
  uint64_t state_ = 14695981039346656037ull;
};

// A directory looked into many times: a planner checks a million links in
// one. Lookups relative to it skip walking its path from the root each time
// (and, on several threads, contending for the same parent entries).
class DirectoryHandle {
 public:
  virtual ~DirectoryHandle() = default;
  // DiskInterface's read_symlink() and is_directory() of `name` in the directory.
  virtual std::optional<std::string> read_symlink(const std::string& name) const = 0;
  virtual bool is_directory(const std::string& name) const = 0;
};

// The const calls are safe from several threads at once while nothing writes.
class DiskInterface {
 public:
  virtual ~DiskInterface() = default;
  virtual bool exists(const std::string& path) const = 0;
  virtual bool is_directory(const std::string& path) const = 0;
  // Regular files below `directory`, sorted by path (symbolic links are followed).
  virtual Expected<std::vector<FileEntry>> list_files(const std::string& directory) const = 0;
  // The names directly inside `directory`, sorted; none when it does not exist.
  virtual std::vector<std::string> list_names(const std::string& directory) const = 0;
  virtual Expected<std::string> read_file(const std::string& path) const = 0;
  virtual Status write_file(const std::string& path, std::string_view text) = 0;
  virtual Status make_directories(const std::string& path) = 0;
  // rename(2): atomic, replaces `to` when it is a file or a symbolic link.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status remove_all(const std::string& path) = 0;
  virtual Status copy_tree(const std::string& from, const std::string& to) = 0;
  // Points `link` at `target` atomically (a new link renamed over the old one).
  virtual Status replace_symlink(const std::string& target, const std::string& link) = 0;
  // The target of a symbolic link, or nullopt when `path` is not one.
  virtual std::optional<std::string> read_symlink(const std::string& path) const = 0;
  // `directory` for relative lookups. By default each looks up `directory/name`.
  virtual std::unique_ptr<DirectoryHandle> open_directory(const std::string& directory) const;
};

// Content hash of a directory's files (names, sizes and bytes), skipping the
// file named `skip` at its top (an external dataset's `ready` marker).
Expected<std::string> hash_directory(const DiskInterface& disk, const std::string& directory,
                                     std::string_view skip = {});
// The same over `files`, the directory's list_files() already taken.
Expected<std::string> hash_files(const DiskInterface& disk, const std::string& directory,
                                 const std::vector<FileEntry>& files, std::string_view skip = {});

// The real file system.
class RealDisk : public DiskInterface {
 public:
  bool exists(const std::string& path) const override;
  bool is_directory(const std::string& path) const override;
  Expected<std::vector<FileEntry>> list_files(const std::string& directory) const override;
  std::vector<std::string> list_names(const std::string& directory) const override;
  Expected<std::string> read_file(const std::string& path) const override;
  Status write_file(const std::string& path, std::string_view text) override;
  Status make_directories(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove_all(const std::string& path) override;
  Status copy_tree(const std::string& from, const std::string& to) override;
  Status replace_symlink(const std::string& target, const std::string& link) override;
  std::optional<std::string> read_symlink(const std::string& path) const override;
  // An O_PATH descriptor of `directory`: readlinkat(2) and fstatat(2) relative
  // to it. (A directory renamed away meanwhile is still the one looked in.)
  std::unique_ptr<DirectoryHandle> open_directory(const std::string& directory) const override;
};

}  // namespace databuild
