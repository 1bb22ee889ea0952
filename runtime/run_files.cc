// RunFilesDirectory: mkdtemp under the first usable parent, and the removal
// of dead runners' directories. Leftovers are matched by name, owner and a
// dead pid only: /dev/shm is shared with every user and program on the host.
#include "run_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace databuild {

namespace {

constexpr std::string_view kPrefix = "databuild-run-";

// Removes `parent/databuild-run-PID-*` directories of this user whose PID is dead.
void remove_abandoned(const std::string& parent, const std::function<bool(int64_t)>& is_alive) {
  namespace fs = std::filesystem;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(parent, error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0) continue;
    char* end = nullptr;
    long long pid = std::strtoll(name.c_str() + kPrefix.size(), &end, 10);
    struct stat info {};
    if (end == name.c_str() + kPrefix.size() || *end != '-' ||
        lstat(entry.path().c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
        info.st_uid != geteuid() || is_alive(pid))
      continue;
    std::error_code ignored;  // another build may be removing it too
    fs::remove_all(entry.path(), ignored);
  }
}

}  // namespace

std::unique_ptr<RunFilesDirectory> RunFilesDirectory::make(
    const std::vector<std::string>& parents, int64_t pid,
    const std::function<bool(int64_t)>& is_alive) {
  for (const std::string& parent : parents) {
    if (parent.empty() || parent[0] != '/') continue;
    remove_abandoned(parent, is_alive);
    std::string pattern = parent + "/" + std::string(kPrefix) + std::to_string(pid) + "-XXXXXX";
    if (mkdtemp(pattern.data()))
      return std::unique_ptr<RunFilesDirectory>(new RunFilesDirectory(pattern));
  }
  return nullptr;
}

std::vector<std::string> RunFilesDirectory::default_parents() {
  const char* runtime = getenv("XDG_RUNTIME_DIR");
  return {runtime ? runtime : "", "/dev/shm"};
}

RunFilesDirectory::~RunFilesDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace databuild
