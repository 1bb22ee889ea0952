// Files are parsed and lowered on a small pool of threads (each with its own
// tree-sitter parser); linking is sequential and cheap in comparison. The
// data root is read from workspace.dbuild before discovery so a data directory
// full of generated files is never walked.
#include "workspace.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis_cache.h"
#include "lower.h"
#include "parallel.h"

namespace databuild {

namespace fs = std::filesystem;

namespace {

constexpr const char* kWorkspaceFile = "workspace.dbuild";

std::optional<std::string> read_file(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  return std::move(text).str();  // the buffer itself, not a copy of it
}

FileModel lower_with_cache(FileId file, std::string_view text, const AnalysisCache* cache) {
  if (!cache) return parse_and_lower(file, text);
  if (std::optional<FileModel> cached = cache->load_model(text, file)) return std::move(*cached);
  FileModel model = parse_and_lower(file, text);
  cache->store_model(text, model);
  return model;
}

// Parses and lowers every file; file i of `files` gets FileId i.
std::vector<FileModel> lower_all(std::vector<SourceFile>& files, unsigned threads,
                                 const AnalysisCache* cache, bool release_texts) {
  std::vector<FileModel> models(files.size());
  parallel_for(files.size(), threads, [&](size_t i) {
    models[i] = lower_with_cache(static_cast<FileId>(i), files[i].text, cache);
    if (release_texts && !files[i].text.empty()) files[i].release();
  });
  return models;
}

void link_analysis(Analysis& analysis, const AnalysisOptions& options) {
  std::vector<std::string> paths;
  for (const SourceFile& file : analysis.files) paths.push_back(file.path);
  analysis.linked = link(analysis.models, paths, {.threads = options.threads});
}

}  // namespace

std::optional<std::string> find_workspace_root(const std::string& start) {
  std::error_code error;
  fs::path dir = fs::absolute(start, error).lexically_normal();
  if (error) return std::nullopt;
  if (!fs::is_directory(dir, error)) dir = dir.parent_path();
  while (true) {
    if (fs::is_regular_file(dir / kWorkspaceFile, error)) return dir.string();
    if (!dir.has_parent_path() || dir.parent_path() == dir) return std::nullopt;
    dir = dir.parent_path();
  }
}

std::vector<std::string> discover_files(const std::string& root, const std::string& data_root) {
  std::vector<std::string> files;
  std::error_code error;
  fs::path excluded = (fs::path(root) / data_root).lexically_normal();
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const fs::path& path = it->path();
    std::string name = path.filename().string();
    if (it->is_directory(error)) {
      // A directory with its own workspace.dbuild is a nested workspace, as a
      // nested repository is to git: its files belong to it, not to this one.
      // (A separate error code: "no such file" must not end the walk.)
      std::error_code absent;
      if ((!name.empty() && name[0] == '.') || path.lexically_normal() == excluded ||
          fs::is_regular_file(path / kWorkspaceFile, absent))
        it.disable_recursion_pending();
      continue;
    }
    // The root's workspace.dbuild goes first, below.
    if (path.extension() == ".dbuild" && it->is_regular_file(error) && name != kWorkspaceFile)
      files.push_back(path.string());
  }
  std::sort(files.begin(), files.end());
  files.insert(files.begin(), (fs::path(root) / kWorkspaceFile).string());
  return files;
}

std::vector<Diagnostic> Analysis::diagnostics() const {
  std::vector<Diagnostic> all;
  for (const FileModel& model : models) {
    all.insert(all.end(), model.diagnostics.begin(), model.diagnostics.end());
  }
  all.insert(all.end(), linked.diagnostics.begin(), linked.diagnostics.end());
  std::stable_sort(all.begin(), all.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.location.file != b.location.file) return a.location.file < b.location.file;
    return a.location.range.begin < b.location.range.begin;
  });
  return all;
}

std::string_view Analysis::text(FileId id) const {
  const SourceFile& file = files[id];
  if (!file.released) return file.text;
  auto restored = restored_texts.find(id);
  if (restored != restored_texts.end()) return restored->second;
  std::string error;
  std::optional<std::string> text = read_file(file.path, error);
  if (!text || hash_content(*text) != *file.released) return {};
  return restored_texts.emplace(id, std::move(*text)).first->second;
}

FileNavigation Analysis::navigation(FileId file) const {
  return navigate_file(const_cast<std::vector<FileModel>&>(models), linked, file);
}

std::string Analysis::data_root() const {
  const Workspace* workspace = linked.workspace;
  return workspace && workspace->data_root ? workspace->data_root->value.str() : "data";
}

std::string Analysis::catalog() const {
  const Workspace* workspace = linked.workspace;
  return workspace && workspace->catalog ? workspace->catalog->value.str()
                                         : ".databuild/catalog.db";
}

std::unique_ptr<Analysis> analyze_sources(std::string root,
                                          std::vector<std::pair<std::string, std::string>> sources,
                                          const AnalysisOptions& options) {
  auto analysis = std::make_unique<Analysis>();
  analysis->root = std::move(root);
  for (auto& [path, text] : sources)
    analysis->files.emplace_back(path, std::move(text), /*index_lines=*/!options.release_texts);
  analysis->models =
      lower_all(analysis->files, options.threads, options.cache, options.release_texts);
  link_analysis(*analysis, options);
  return analysis;
}

WorkspaceSources load_workspace(const std::string& root) {
  WorkspaceSources sources;
  sources.root = root;
  std::string workspace_path = (fs::path(root) / kWorkspaceFile).string();
  std::string error;
  std::optional<std::string> workspace_text = read_file(workspace_path, error);
  // The data root must be known before discovery; lowering one file twice is cheap.
  std::string data_root = "data";
  if (workspace_text) {
    FileModel model = parse_and_lower(0, *workspace_text);
    if (model.workspace && model.workspace->data_root)
      data_root = model.workspace->data_root->value;
  }
  for (const std::string& path : discover_files(root, data_root)) {
    std::optional<std::string> text =
        path == workspace_path ? workspace_text : read_file(path, error);
    if (!text) sources.unreadable.emplace_back(static_cast<FileId>(sources.files.size()), error);
    sources.files.emplace_back(path, text ? std::move(*text) : std::string());
  }
  return sources;
}

std::unique_ptr<Analysis> analyze_loaded(WorkspaceSources sources, const AnalysisOptions& options) {
  std::unique_ptr<Analysis> analysis =
      analyze_sources(std::move(sources.root), std::move(sources.files), options);
  for (const auto& [file, message] : sources.unreadable) {
    analysis->models[file].diagnostics.push_back(
        make_diagnostic(DiagnosticCode::UnreadableFile, Location{file, {0, 0}}, {message}));
  }
  return analysis;
}

bool restore_texts(std::vector<SourceFile>& files, const std::vector<Diagnostic>& diagnostics) {
  auto restore = [&](FileId id) {
    if (id >= files.size() || !files[id].released) return true;
    SourceFile& file = files[id];
    std::string error;
    std::optional<std::string> text = read_file(file.path, error);
    if (!text || hash_content(*text) != *file.released) return false;
    file.text = std::move(*text);
    file.lines = LineIndex(file.text);
    file.released.reset();
    return true;
  };
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!restore(diagnostic.location.file)) return false;
    for (const RelatedLocation& related : diagnostic.related)
      if (!restore(related.location.file)) return false;
  }
  return true;
}

std::unique_ptr<Analysis> analyze_workspace(const std::string& root,
                                            const AnalysisOptions& options) {
  return analyze_loaded(load_workspace(root), options);
}

}  // namespace databuild
