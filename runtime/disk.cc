// RealDisk over std::filesystem and POSIX calls, with error codes turned into messages that
// name the path: a full disk or a permission problem must reach the user as a
// sentence, never as an exception out of the scheduler.
#include "disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <system_error>

namespace databuild {

namespace fs = std::filesystem;

namespace {

Status failed(std::string_view what, const std::string& path, const std::error_code& error) {
  return Failure{std::string(what) + " " + path + ": " + error.message()};
}

// Looks up `directory/name` through `disk`: DiskInterface's default handle.
class JoinedDirectory : public DirectoryHandle {
 public:
  JoinedDirectory(const DiskInterface& disk, std::string directory)
      : disk_(disk), directory_(std::move(directory)) {}
  std::optional<std::string> read_symlink(const std::string& name) const override {
    return disk_.read_symlink(directory_ + "/" + name);
  }
  bool is_directory(const std::string& name) const override {
    return disk_.is_directory(directory_ + "/" + name);
  }

 private:
  const DiskInterface& disk_;
  std::string directory_;
};

class OpenDirectory : public DirectoryHandle {
 public:
  explicit OpenDirectory(int descriptor) : descriptor_(descriptor) {}
  ~OpenDirectory() override { ::close(descriptor_); }
  OpenDirectory(const OpenDirectory&) = delete;
  OpenDirectory& operator=(const OpenDirectory&) = delete;

  std::optional<std::string> read_symlink(const std::string& name) const override {
    char target[4096];
    ssize_t length = ::readlinkat(descriptor_, name.c_str(), target, sizeof target);
    if (length < 0 || static_cast<size_t>(length) == sizeof target) return std::nullopt;
    return std::string(target, static_cast<size_t>(length));
  }
  bool is_directory(const std::string& name) const override {
    struct stat status;
    return ::fstatat(descriptor_, name.c_str(), &status, 0) == 0 && S_ISDIR(status.st_mode);
  }

 private:
  int descriptor_;  // owned
};

}  // namespace

std::unique_ptr<DirectoryHandle> DiskInterface::open_directory(const std::string& directory) const {
  return std::make_unique<JoinedDirectory>(*this, directory);
}

std::unique_ptr<DirectoryHandle> RealDisk::open_directory(const std::string& directory) const {
  int descriptor = ::open(directory.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  // One that does not open (absent, not a directory) answers as the paths would.
  if (descriptor < 0) return DiskInterface::open_directory(directory);
  return std::make_unique<OpenDirectory>(descriptor);
}

void ContentHasher::add(std::string_view bytes) {
  for (unsigned char byte : bytes) {
    state_ ^= byte;
    state_ *= 1099511628211ull;
  }
}

std::string ContentHasher::hex() const {
  std::string text(16, '0');
  for (size_t i = 0; i < 16; ++i) text[15 - i] = "0123456789abcdef"[(state_ >> (4 * i)) & 0xf];
  return text;
}

Expected<std::string> hash_directory(const DiskInterface& disk, const std::string& directory,
                                     std::string_view skip) {
  Expected<std::vector<FileEntry>> files = disk.list_files(directory);
  if (!files) return Failure{files.error()};
  return hash_files(disk, directory, *files, skip);
}

Expected<std::string> hash_files(const DiskInterface& disk, const std::string& directory,
                                 const std::vector<FileEntry>& files, std::string_view skip) {
  ContentHasher hasher;
  for (const FileEntry& file : files) {
    if (!skip.empty() && file.path == skip) continue;
    // An empty file (a `_SUCCESS` marker) is not opened: its bytes are known.
    Expected<std::string> bytes =
        file.size == 0 ? std::string() : disk.read_file(directory + "/" + file.path);
    if (!bytes) return Failure{bytes.error()};
    // Name and size delimit each file, so moving bytes between files changes the hash.
    hasher.add(file.path);
    hasher.add(std::string_view("\0", 1));
    hasher.add(std::to_string(bytes->size()));
    hasher.add(std::string_view("\0", 1));
    hasher.add(*bytes);
  }
  return hasher.hex();
}

bool RealDisk::exists(const std::string& path) const {
  struct stat status;  // stat(2) itself, as fs::exists does after building a path
  return ::stat(path.c_str(), &status) == 0;
}

bool RealDisk::is_directory(const std::string& path) const {
  struct stat status;  // stat(2) itself: std::filesystem builds a path object first
  return ::stat(path.c_str(), &status) == 0 && S_ISDIR(status.st_mode);
}

// One stat(2) per file, and the relative path cut from the iterator's own:
// fs::relative() resolves both paths component by component (a readlink per
// component), and file_size() and last_write_time() are a stat each; a
// publish lists every output, so that was most of a short job's system calls.
namespace {

// Appends the regular files below `path` (`relative`: its path from the
// directory listed, "" or ending in '/') to `files`. A link to a file counts
// as the file; a link to a directory is not followed, a dangling one skipped
// (as std::filesystem's recursive_directory_iterator did). readdir's d_type
// spares a stat per directory, and no path is split into components:
// std::filesystem's iterator cost 3% of the runner's instructions per
// trivial job (docs/benchmarks.md).
Status list_below(const std::string& path, const std::string& relative,
                  std::vector<FileEntry>& files) {
  DIR* directory = ::opendir(path.c_str());
  if (!directory) return Failure{path + ": " + std::strerror(errno)};
  std::unique_ptr<DIR, int (*)(DIR*)> closing(directory, ::closedir);
  // Entries are stat'ed relative to the directory open here: no walk of the
  // whole path again for each.
  const int parent = ::dirfd(directory);
  while (true) {
    errno = 0;  // readdir's end and its failure differ only by errno
    const dirent* entry = ::readdir(directory);
    if (!entry) {
      if (errno != 0) return Failure{path + ": " + std::strerror(errno)};
      return ok();
    }
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string child = path + "/" + entry->d_name;
    struct stat status;
    unsigned char type = entry->d_type;
    if (type == DT_UNKNOWN) {
      if (::fstatat(parent, entry->d_name, &status, AT_SYMLINK_NOFOLLOW) != 0)
        return Failure{child + ": " + std::strerror(errno)};
      type = S_ISDIR(status.st_mode) ? DT_DIR : S_ISLNK(status.st_mode) ? DT_LNK : DT_REG;
    }
    if (type == DT_DIR) {
      if (Status listed = list_below(child, relative + entry->d_name + "/", files); !listed)
        return listed;
      continue;
    }
    if (::fstatat(parent, entry->d_name, &status, 0) != 0) {
      if (type == DT_LNK && errno == ENOENT) continue;  // dangling
      return Failure{child + ": " + std::strerror(errno)};
    }
    if (!S_ISREG(status.st_mode)) continue;
    FileEntry& file = files.emplace_back();
    file.path = relative + entry->d_name;
    file.size = static_cast<uint64_t>(status.st_size);
    // On file_clock's epoch, as last_write_time() gave it: the value is part
    // of an external's recorded signature, which must not change meaning.
    auto modified = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::seconds(status.st_mtim.tv_sec) +
            std::chrono::nanoseconds(status.st_mtim.tv_nsec)));
    file.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::file_clock::from_sys(modified).time_since_epoch())
                        .count();
  }
}

}  // namespace

Expected<std::vector<FileEntry>> RealDisk::list_files(const std::string& directory) const {
  std::vector<FileEntry> files;
  std::string root = directory.size() > 1 && directory.ends_with('/')
                         ? directory.substr(0, directory.size() - 1)
                         : directory;
  if (Status listed = list_below(root, "", files); !listed) {
    // The root's own failure reads "cannot list DIR: reason".
    std::string reason = listed.error();
    if (reason.rfind(root + ": ", 0) == 0) reason = reason.substr(root.size() + 2);
    return Failure{"cannot list " + directory + ": " + reason};
  }
  std::sort(files.begin(), files.end(),
            [](const FileEntry& a, const FileEntry& b) { return a.path < b.path; });
  return files;
}

std::vector<std::string> RealDisk::list_names(const std::string& directory) const {
  std::error_code error;
  std::vector<std::string> names;
  for (fs::directory_iterator it(directory, error), end; !error && it != end; it.increment(error))
    names.push_back(it->path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

Expected<std::string> RealDisk::read_file(const std::string& path) const {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Failure{"cannot read " + path + ": " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// open(2) and write(2) directly: a stream's set-up (a locale, a buffer)
// cost more than the write for the small files the runtime writes per job.
Status RealDisk::write_file(const std::string& path, std::string_view text) {
  auto failure = [&] { return Failure{"cannot write " + path + ": " + std::strerror(errno)}; };
  int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (file < 0) return failure();
  while (!text.empty()) {
    ssize_t written = ::write(file, text.data(), text.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      if (written == 0) errno = EIO;
      Failure failed = failure();
      ::close(file);
      return failed;
    }
    text.remove_prefix(static_cast<size_t>(written));
  }
  if (::close(file) != 0) return failure();
  return ok();
}

// A job's staging directory is one new directory whose parent exists: one
// mkdir(2). fs::create_directories would first stat it and its parent, and
// split the path into components, which together cost as much as the mkdir
// on a file system where creating an inode is cheap. Anything else (missing
// parents, an existing directory, an error to word) is left to it.
Status RealDisk::make_directories(const std::string& path) {
  if (::mkdir(path.c_str(), 0777) == 0) return ok();
  std::error_code error;
  fs::create_directories(path, error);
  if (error) return failed("cannot create directory", path, error);
  return ok();
}

// rename(2) itself: fs::rename only adds building two path objects.
Status RealDisk::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return ok();
  return failed("cannot rename " + from + " to", to,
                std::error_code(errno, std::generic_category()));
}

Status RealDisk::remove_all(const std::string& path) {
  // Mostly a file (a run's config): unlink(2) alone, where fs::remove_all
  // first tries to open it as a directory.
  if (::unlink(path.c_str()) == 0 || errno == ENOENT) return ok();
  std::error_code error;
  fs::remove_all(path, error);
  if (error) return failed("cannot remove", path, error);
  return ok();
}

Status RealDisk::copy_tree(const std::string& from, const std::string& to) {
  std::error_code error;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, error);
  if (error) return failed("cannot copy " + from + " to", to, error);
  return ok();
}

Status RealDisk::replace_symlink(const std::string& target, const std::string& link) {
  // A partition's first version: creating the link is atomic by itself.
  if (::symlink(target.c_str(), link.c_str()) == 0) return ok();
  std::error_code error;
  if (errno == ENOENT) {
    fs::create_directories(fs::path(link).parent_path(), error);
    if (error) return failed("cannot create directory for", link, error);
    if (::symlink(target.c_str(), link.c_str()) == 0) return ok();
  }
  // It exists: a new link renamed over the old one.
  std::string temporary = link + ".databuild-new";
  fs::remove(temporary, error);
  fs::create_directory_symlink(target, temporary, error);
  if (error) return failed("cannot create link", temporary, error);
  return rename(temporary, link);
}

std::optional<std::string> RealDisk::read_symlink(const std::string& path) const {
  // readlink(2) itself: one system call, fails with EINVAL on a non-link
  // (a no-op build asks this of every partition).
  char target[4096];
  ssize_t length = ::readlink(path.c_str(), target, sizeof target);
  if (length < 0 || static_cast<size_t>(length) == sizeof target) return std::nullopt;
  return std::string(target, static_cast<size_t>(length));
}

}  // namespace databuild
