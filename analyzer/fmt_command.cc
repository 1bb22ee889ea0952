// A directory stands for the workspace files below it (discovery as for
// `databuild check`: hidden directories and the data root are skipped); a file
// stands for itself. Files are rewritten by writing a sibling temporary file
// and renaming it over the original, so an interrupted run leaves every file
// either old or new, never half written; the original's permissions are kept.
// Files that fail are reported and skipped; the others are still formatted.
#include "fmt_command.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "check_command.h"
#include "format.h"
#include "lower.h"
#include "workspace.h"

namespace databuild {

namespace fs = std::filesystem;

namespace {

const char* const kUsage =
    "usage: databuild fmt [--check] [PATH...]\n"
    "\n"
    "Rewrites each PATH (a .dbuild file, or a directory: the workspace files below it)\n"
    "in DataBuild's canonical layout; with no PATH, the workspace holding the current\n"
    "directory. Only whitespace changes, so formatting never makes a job rebuild.\n"
    "--check changes nothing and lists the files that would change.\n"
    "Exit status: 0 formatted, 1 some file would change (--check), 2 could not run.\n";

std::optional<std::string> read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Replaces `path`'s content by `text` atomically; false (with errno set by the
// failing call) on failure, leaving `path` untouched.
bool write_atomically(const fs::path& path, const std::string& text) {
  fs::path temporary = path;
  temporary += ".fmt-tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(text.data(), static_cast<std::streamsize>(text.size())) || !out.flush())
      return false;
  }
  std::error_code error;
  fs::permissions(temporary, fs::status(path, error).permissions(), error);
  fs::rename(temporary, path, error);
  if (error) fs::remove(temporary, error);
  return !error;
}

// The .dbuild files `path` stands for, or an error message.
Expected<std::vector<std::string>> files_of(const std::string& path) {
  std::error_code error;
  if (!fs::exists(path, error)) return Failure{path + ": no such file or directory"};
  std::string absolute = fs::absolute(path).lexically_normal().string();
  if (!fs::is_directory(path, error)) return std::vector<std::string>{absolute};
  std::optional<std::string> root = find_workspace_root(absolute);
  if (!root)
    return Failure{path + ": not inside a DataBuild workspace (no workspace.dbuild here or above)"};
  std::string data_root = "data";
  if (std::optional<std::string> text = read_text(*root + "/workspace.dbuild")) {
    FileModel model = parse_and_lower(0, *text);
    if (model.workspace && model.workspace->data_root)
      data_root = model.workspace->data_root->value;
  }
  std::vector<std::string> files;
  std::string prefix = absolute.ends_with('/') ? absolute : absolute + "/";
  for (std::string& file : discover_files(*root, data_root)) {
    if (absolute == *root || file.starts_with(prefix)) files.push_back(std::move(file));
  }
  return files;
}

}  // namespace

int run_fmt(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bool check = false;
  std::vector<std::string> paths;
  for (const std::string& arg : args) {
    if (arg == "-h" || arg == "--help") {
      out << kUsage;
      return kExitClean;
    }
    if (arg == "--check") {
      check = true;
    } else if (arg.starts_with("-")) {
      err << "databuild fmt: unknown option '" << arg << "'\n" << kUsage;
      return kExitCannotRun;
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty()) paths.push_back(".");

  std::set<std::string> files;
  for (const std::string& path : paths) {
    Expected<std::vector<std::string>> found = files_of(path);
    if (!found) {
      err << "databuild fmt: " << found.error() << '\n';
      return kExitCannotRun;
    }
    files.insert(found->begin(), found->end());
  }

  bool failed = false, would_change = false;
  fs::path cwd = fs::current_path();
  for (const std::string& file : files) {
    std::string shown = fs::path(file).lexically_proximate(cwd).string();
    std::optional<std::string> text = read_text(file);
    if (!text) {
      err << "databuild fmt: " << shown << ": cannot read the file\n";
      failed = true;
      continue;
    }
    Expected<std::string> formatted = format_source(*text);
    if (!formatted) {
      err << "databuild fmt: " << shown << ": " << formatted.error() << '\n';
      failed = true;
      continue;
    }
    if (*formatted == *text) continue;
    if (check) {
      out << shown << '\n';
      would_change = true;
    } else if (!write_atomically(file, *formatted)) {
      err << "databuild fmt: " << shown << ": cannot write the file\n";
      failed = true;
    }
  }
  if (failed) return kExitCannotRun;
  return would_change ? kExitProblems : kExitClean;
}

}  // namespace databuild
