// Workspaces: finding one, loading its files, and analyzing them as a whole.
//
// A workspace is the directory holding `workspace.dbuild` together with every
// `*.dbuild` file below it, except in hidden directories and in the data root.
// Analysis = per-file parse and lower (in parallel) + one link over all files.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "link.h"
#include "model.h"
#include "source.h"

namespace databuild {

// The nearest directory at or above `start` (a file or directory) that holds
// workspace.dbuild, like git finding its repository. Paths are absolute.
std::optional<std::string> find_workspace_root(const std::string& start);

// The workspace's .dbuild files, sorted, workspace.dbuild first. `data_root` is
// relative to `root` and excluded. Symbolic links to directories are not followed.
std::vector<std::string> discover_files(const std::string& root, const std::string& data_root);

// A fully analyzed workspace. Not copyable or movable: `linked` points into
// `models`; hold it by unique_ptr.
struct Analysis {
  std::string root;               // absolute
  std::vector<SourceFile> files;  // indexed by FileId; paths are absolute
  std::vector<FileModel> models;  // indexed by FileId
  LinkedWorkspace linked;
  // Released texts read again by text(), by FileId.
  mutable std::unordered_map<FileId, std::string> restored_texts;

  Analysis() = default;
  Analysis(const Analysis&) = delete;
  Analysis& operator=(const Analysis&) = delete;

  // Every diagnostic (per-file and link), sorted by file and position.
  std::vector<Diagnostic> diagnostics() const;
  std::string data_root() const;  // as declared, default "data"
  std::string catalog() const;    // as declared, default ".databuild/catalog.db"
  // The text of file `id`. A released text (SourceFile::release_text) is read
  // again from disk and kept until this Analysis ends; it is empty when the
  // file no longer holds the text that was analyzed (whoever changed it
  // brings a new analysis).
  std::string_view text(FileId id) const;
  // The navigation index of one file (link.h: navigate_file). It links that
  // file again, which writes the linked fields the values they hold, so the
  // analysis ends as it was: const, though like every use of an Analysis not
  // safe to call from two threads at once.
  FileNavigation navigation(FileId file) const;
};

class AnalysisCache;

struct AnalysisOptions {
  unsigned threads = 0;  // 0: one per core
  // Lowered files are taken from and added to this cache when set. Not owned.
  const AnalysisCache* cache = nullptr;
  // Drop each file's text and line index once it is lowered, keeping a hash of
  // the text (SourceFile::released). `check` reports on few files and reads
  // those again (restore_texts); held to the end, the texts of a large
  // workspace were a fifth of a cold check's peak memory.
  bool release_texts = false;
};

// A workspace's files as read from disk, before analysis.
struct WorkspaceSources {
  std::string root;
  std::vector<std::pair<std::string, std::string>> files;  // (absolute path, text)
  // Files that could not be read (their text is empty), with the reason.
  std::vector<std::pair<FileId, std::string>> unreadable;
};

// Discovers and reads the files of the workspace at `root` (a directory
// holding workspace.dbuild).
WorkspaceSources load_workspace(const std::string& root);

// Analyzes loaded files; unreadable ones become diagnostics.
std::unique_ptr<Analysis> analyze_loaded(WorkspaceSources sources,
                                         const AnalysisOptions& options = {});

// Reads again the released texts of the files `diagnostics` point into
// (related locations included). False when one of them no longer holds the
// text that was analyzed (it changed on disk meanwhile): the caller analyzes
// afresh rather than show excerpts and positions from another text.
bool restore_texts(std::vector<SourceFile>& files, const std::vector<Diagnostic>& diagnostics);

// load_workspace() then analyze_loaded().
std::unique_ptr<Analysis> analyze_workspace(const std::string& root,
                                            const AnalysisOptions& options = {});

// Analyzes in-memory files (path, text); for tests and the language server.
std::unique_ptr<Analysis> analyze_sources(std::string root,
                                          std::vector<std::pair<std::string, std::string>> sources,
                                          const AnalysisOptions& options = {});

}  // namespace databuild
