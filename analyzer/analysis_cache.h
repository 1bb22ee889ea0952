// The analysis cache: what `databuild check` keeps between runs so that a
// re-check does only the work the changes call for.
//
// Two kinds of entry, both keyed by content, never by timestamps (a checkout,
// a copy or a clock skew must not serve stale results):
//   - a lowered FileModel per file content, so that after an edit only the
//     edited files are parsed and lowered again (linking always reruns: a
//     change in one file can change another's diagnostics);
//   - a workspace's diagnostics per workspace state (every file's path and
//     content), so that re-checking an unchanged workspace reads and hashes
//     the files and nothing more.
// Every key also covers a hash of the running executable, so a different build
// of the tool never reads entries an older one wrote.
//
// Entries live under `<workspace>/.databuild/cache/analysis/` as one file each,
// written to a temporary name and renamed into place, so concurrent checks
// never see half an entry; each carries a checksum, and any entry that is
// short, corrupt or unreadable is a miss. A cache that cannot be created (a
// read-only checkout) is simply absent: caching never changes what a check
// reports, only how long it takes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "content_hash.h"
#include "diagnostics.h"
#include "model.h"

namespace databuild {

class AnalysisCache {
 public:
  // The cache of the workspace at `root`, or null when it cannot be used (its
  // directory cannot be created, or the executable cannot be read to key it).
  static std::unique_ptr<AnalysisCache> open(const std::string& root);
  // A cache in `directory` keyed by `tool_identity` (tests).
  AnalysisCache(std::string directory, ContentHash tool_identity);

  // The lowered model of a file with this text, as FileId `file`. Thread-safe.
  std::optional<FileModel> load_model(std::string_view text, FileId file) const;
  void store_model(std::string_view text, const FileModel& model) const;

  // (path, text) of each file of a workspace, in FileId order.
  using Files = std::vector<std::pair<std::string, std::string>>;

  // The key of a workspace state: every file's path and content.
  ContentHash workspace_key(const Files& files) const;
  // The diagnostics stored for `key`, whose workspace has `file_count` files.
  std::optional<std::vector<Diagnostic>> load_diagnostics(const ContentHash& key,
                                                          size_t file_count) const;
  void store_diagnostics(const ContentHash& key, const std::vector<Diagnostic>& diagnostics) const;

  // Removes model entries that `files` does not use and that are older than a
  // day (so switching between branches keeps both), and all but the newest few
  // workspace entries. Called after a full analysis.
  void prune(const Files& files) const;

 private:
  std::string model_path(std::string_view text) const;
  std::string diagnostics_path(const ContentHash& key) const;

  std::string directory_;
  ContentHash tool_identity_;
};

}  // namespace databuild
