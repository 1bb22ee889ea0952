// Files to lower are shared out to a few threads (parallel.h), as the
// analyzer does on a full load; in the editor it is usually one file.
#include "ModelCache.h"

#include <map>

#include "lower.h"
#include "parallel.h"

namespace databuild::lsp {

namespace {

// Lowers files[ids[i]] into models[ids[i]] for every i, on up to `threads`
// threads, from the file's tree in `trees` if it has one.
void lower_files(const std::vector<SourceFile>& files, const std::vector<FileId>& ids,
                 const std::unordered_map<std::string, const SyntaxTree*>& trees,
                 std::vector<FileModel>& models, unsigned threads) {
  parallel_for(ids.size(), threads, [&](size_t i) {
    const SourceFile& file = files[ids[i]];
    auto tree = trees.find(file.path);
    models[ids[i]] = tree != trees.end() ? lower_file(ids[i], file.text, *tree->second)
                                         : parse_and_lower(ids[i], file.text);
  });
}

}  // namespace

std::unique_ptr<Analysis> ModelCache::analyze(
    std::unique_ptr<Analysis> previous, std::string root, const Sources& sources,
    const std::unordered_map<std::string, const SyntaxTree*>& trees, unsigned threads) {
  auto analysis = std::make_unique<Analysis>();
  analysis->root = std::move(root);
  analysis->models.resize(sources.size());
  std::vector<FileId> stale;
  std::map<std::string, FileId> previous_ids;  // filled when a file moved
  for (FileId id = 0; id < sources.size(); ++id) {
    const auto& [path, text] = sources[id];
    const SourceFile* before =
        previous && id < previous->files.size() && previous->files[id].path == path
            ? &previous->files[id]
            : nullptr;
    bool unchanged =
        before && (!text || (before->released ? hash_content(*text) == *before->released
                                              : before->text == *text));
    if (unchanged) {
      // Its text (or the hash of a released one), line index and model, none
      // of them copied.
      analysis->files.push_back(std::move(previous->files[id]));
      analysis->models[id] = std::move(previous->models[id]);
      continue;
    }
    std::string copy;
    if (text) {
      copy = *text;
    } else if (previous) {
      // Unchanged, but under another FileId (a file before it appeared or
      // went): lowered again, since Locations carry the FileId.
      if (previous_ids.empty()) {
        for (FileId old = 0; old < previous->files.size(); ++old)
          previous_ids.emplace(previous->files[old].path, old);
      }
      auto old = previous_ids.find(path);
      if (old != previous_ids.end()) copy = previous->text(old->second);
    }
    analysis->files.emplace_back(path, std::move(copy));
    stale.push_back(id);
  }
  previous.reset();  // its links point into models it no longer holds
  const std::vector<SourceFile>& files = analysis->files;
  lower_files(files, stale, trees, analysis->models, threads);
  last_lowered_ = stale.size();

  std::vector<std::string> paths;
  for (const SourceFile& file : files) paths.push_back(file.path);
  analysis->linked = link(analysis->models, paths, {.threads = threads});
  return analysis;
}

}  // namespace databuild::lsp
