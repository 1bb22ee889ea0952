// Disk files are cached by path and re-read only when the client says they
// changed (workspace/didChangeWatchedFiles) or on load; discovery itself (a
// directory walk) is repeated on every such event, so files created or deleted
// on disk join or leave the workspace.
#include "DataBuildServer.h"

#include <malloc.h>

#include <fstream>
#include <sstream>

#include "Hover.h"
#include "format.h"
#include "lower.h"

namespace databuild::lsp {

namespace {

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

DataBuildServer::DataBuildServer(AnalysisOptions options) : options_(options) {}

void DataBuildServer::set_root(std::optional<std::string> root) {
  root_ = std::move(root);
  disk_.clear();
  analysis_.reset();
}

bool DataBuildServer::in_workspace(const std::string& path) const {
  return !root_ || path.starts_with(*root_ + "/");
}

void DataBuildServer::refresh_disk(const std::set<std::string>* changed) {
  if (!root_) {
    disk_.clear();
    return;
  }
  // The data root is excluded from discovery, so it is read first, from
  // workspace.dbuild as the editor has it.
  std::string workspace_path = *root_ + "/workspace.dbuild";
  const OpenDocument* open_workspace = documents_.find(workspace_path);
  std::optional<std::string> workspace_text =
      open_workspace ? open_workspace->text : read_text(workspace_path);
  std::string data_root = "data";
  if (workspace_text) {
    FileModel model = parse_and_lower(0, *workspace_text);
    if (model.workspace && model.workspace->data_root)
      data_root = model.workspace->data_root->value;
  }
  std::map<std::string, DiskFile> cache;
  for (DiskFile& file : disk_) cache.emplace(file.path, std::move(file));
  disk_.clear();
  for (const std::string& path : discover_files(*root_, data_root)) {
    auto cached = cache.find(path);
    if (cached != cache.end() && changed && !changed->count(path)) {
      disk_.push_back(std::move(cached->second));
    } else if (std::optional<std::string> text = read_text(path)) {
      disk_.push_back({path, std::move(*text)});
    }
  }
}

void DataBuildServer::take_back_text(DiskFile& file) const {
  if (!file.in_analysis) return;
  file.text = analysis_->text(*file_id(file.path));
  file.in_analysis = false;
}

std::vector<FileDiagnostics> DataBuildServer::reanalyze(std::set<std::string> touched) {
  ModelCache::Sources sources;
  std::set<std::string> on_disk;
  for (const DiskFile& file : disk_) {
    const OpenDocument* document = documents_.find(file.path);
    if (document) {
      sources.emplace_back(file.path, document->text);
    } else if (file.in_analysis) {
      sources.emplace_back(file.path, std::nullopt);  // unchanged: the analysis has it
    } else {
      sources.emplace_back(file.path, file.text);
    }
    on_disk.insert(file.path);
  }
  std::unordered_map<std::string, const SyntaxTree*> trees;
  for (const auto& [path, document] : documents_.all()) {
    if (!on_disk.count(path) && in_workspace(path)) sources.emplace_back(path, document.text);
    trees.emplace(path, &document.tree);
  }
  edited_.clear();
  analysis_ =
      models_.analyze(std::move(analysis_), root_.value_or(""), sources, trees, options_.threads);
  // The analysis now holds every closed file's disk text, which it can read
  // again when asked (Analysis::text): no copy is kept, here or there.
  std::map<std::string_view, FileId> analyzed;
  for (FileId id = 0; id < analysis_->files.size(); ++id)
    analyzed.emplace(analysis_->files[id].path, id);
  for (DiskFile& file : disk_) {
    if (documents_.find(file.path)) continue;
    std::string().swap(file.text);
    file.in_analysis = true;
    analysis_->files[analyzed.at(file.path)].release_text();
  }

  std::map<std::string, std::vector<FileDiagnostic>> current;
  for (const SourceFile& file : analysis_->files) current[file.path];
  for (const Diagnostic& diagnostic : analysis_->diagnostics()) {
    const SourceFile& file = analysis_->files[diagnostic.location.file];
    current[file.path].push_back(to_file_diagnostic(diagnostic));
  }
  std::vector<FileDiagnostics> updates;
  auto add_update = [&](const std::string& path, const std::vector<FileDiagnostic>& diagnostics) {
    const OpenDocument* document = documents_.find(path);
    updates.push_back(
        {path, document ? std::optional(document->version) : std::nullopt, diagnostics});
  };
  for (const auto& [path, diagnostics] : current) {
    auto published = published_.find(path);
    bool changed =
        published == published_.end() ? !diagnostics.empty() : published->second != diagnostics;
    if (changed || touched.count(path)) add_update(path, diagnostics);
  }
  for (const auto& [path, diagnostics] : published_) {
    if (!current.count(path) && !diagnostics.empty()) add_update(path, {});
  }
  published_ = std::move(current);
  // An analysis frees as much as it allocates: the previous analysis's link
  // tables, the trees parsed to lower files, on a load every disk text copied
  // into the analysis. glibc keeps freed memory for reuse (at 100k jobs about
  // 60 MiB after a load), so give it back: a server stays resident all day.
  malloc_trim(0);
  return updates;
}

std::vector<FileDiagnostics> DataBuildServer::load() {
  refresh_disk(nullptr);
  return reanalyze({});
}

std::vector<FileDiagnostics> DataBuildServer::open(const std::string& path, std::string text,
                                                   int64_t version) {
  for (DiskFile& file : disk_) {
    if (file.path == path) take_back_text(file);
  }
  documents_.open(path, std::move(text), version);
  if (!root_) {
    root_ = find_workspace_root(path);
    if (root_) analysis_.reset();
  }
  if (!analysis_) refresh_disk(nullptr);
  edited_.insert(path);
  return reanalyze(edited_);
}

std::vector<FileDiagnostics> DataBuildServer::change(const std::string& path,
                                                     const std::vector<TextChange>& changes,
                                                     int64_t version) {
  if (!edit(path, changes, version)) return {};
  return analyze_edits();
}

bool DataBuildServer::edit(const std::string& path, const std::vector<TextChange>& changes,
                           int64_t version) {
  if (!documents_.change(path, changes, version)) return false;
  edited_.insert(path);
  return true;
}

std::vector<FileDiagnostics> DataBuildServer::analyze_edits() {
  if (edited_.empty()) return {};
  return reanalyze(edited_);
}

std::vector<FileDiagnostics> DataBuildServer::close(const std::string& path) {
  if (!documents_.find(path)) return {};
  documents_.close(path);
  return reanalyze(edited_);
}

std::vector<FileDiagnostics> DataBuildServer::files_changed_on_disk(
    const std::vector<std::string>& paths) {
  if (paths.empty() || !analysis_) return {};
  std::set<std::string> changed(paths.begin(), paths.end());
  refresh_disk(&changed);
  return reanalyze(edited_);
}

// ---- queries -----------------------------------------------------------------

std::optional<FileId> DataBuildServer::file_id(const std::string& path) const {
  if (!analysis_) return std::nullopt;
  for (FileId id = 0; id < analysis_->files.size(); ++id) {
    if (analysis_->files[id].path == path) return id;
  }
  return std::nullopt;
}

std::optional<std::pair<FileId, uint32_t>> DataBuildServer::locate(const std::string& path,
                                                                   TextPosition position) {
  std::optional<FileId> id = file_id(path);
  if (!id) return std::nullopt;
  return std::pair(*id, offset_of(analysis_->text(*id), analysis_->files[*id].lines, position));
}

std::optional<SymbolAt> DataBuildServer::symbol_at(const std::string& path, TextPosition position) {
  std::optional<std::pair<FileId, uint32_t>> at = locate(path, position);
  if (!at) return std::nullopt;
  return lsp::symbol_at(*analysis_, at->first, at->second);
}

FileRange DataBuildServer::to_file_range(const Location& location) const {
  const SourceFile& file = analysis_->files[location.file];
  return {file.path, range_of(analysis_->text(location.file), file.lines, location.range)};
}

FileDiagnostic DataBuildServer::to_file_diagnostic(const Diagnostic& diagnostic) const {
  FileDiagnostic converted{to_file_range(diagnostic.location).range,
                           diagnostic.severity,
                           std::string(diagnostic.code()),
                           diagnostic.message,
                           {}};
  for (const RelatedLocation& related : diagnostic.related)
    converted.related.push_back({to_file_range(related.location), related.message});
  return converted;
}

std::optional<FileRange> DataBuildServer::definition(const std::string& path,
                                                     TextPosition position) {
  std::optional<SymbolAt> symbol = symbol_at(path, position);
  if (!symbol) return std::nullopt;
  return to_file_range(symbol->definition);
}

std::vector<FileRange> DataBuildServer::implementations(const std::string& path,
                                                        TextPosition position) {
  std::vector<FileRange> ranges;
  if (std::optional<SymbolAt> symbol = symbol_at(path, position)) {
    for (const Location& port : producers_of(*analysis_, symbol->definition))
      ranges.push_back(to_file_range(port));
  }
  return ranges;
}

std::vector<FileRange> DataBuildServer::references(const std::string& path, TextPosition position,
                                                   bool include_declaration,
                                                   const Cancellation& cancel) {
  std::vector<FileRange> ranges;
  if (std::optional<SymbolAt> symbol = symbol_at(path, position)) {
    for (const Location& use :
         references_to(*analysis_, symbol->definition, include_declaration, cancel))
      ranges.push_back(to_file_range(use));
  }
  return ranges;
}

std::optional<HoverResult> DataBuildServer::hover(const std::string& path, TextPosition position) {
  std::optional<SymbolAt> symbol = symbol_at(path, position);
  if (!symbol) return std::nullopt;
  std::string markdown = hover_markdown(*analysis_, *symbol);
  if (markdown.empty()) return std::nullopt;
  return HoverResult{std::move(markdown), to_file_range(symbol->name).range};
}

std::vector<SymbolTree> DataBuildServer::document_symbols(const std::string& path) {
  std::optional<FileId> id = file_id(path);
  if (!id) return {};
  std::string_view text = analysis_->text(*id);
  const LineIndex& lines = analysis_->files[*id].lines;
  auto convert = [&](const auto& self, const OutlineSymbol& symbol) -> SymbolTree {
    SymbolTree tree{symbol.name,
                    symbol.detail,
                    symbol.kind,
                    range_of(text, lines, symbol.declaration.range),
                    range_of(text, lines, symbol.name_location.range),
                    {}};
    for (const OutlineSymbol& child : symbol.children) tree.children.push_back(self(self, child));
    return tree;
  };
  std::vector<SymbolTree> trees;
  for (const OutlineSymbol& symbol : outline(*analysis_, *id))
    trees.push_back(convert(convert, symbol));
  return trees;
}

std::vector<WorkspaceSymbolResult> DataBuildServer::workspace_symbols(const std::string& query,
                                                                      const Cancellation& cancel) {
  std::vector<WorkspaceSymbolResult> results;
  if (!analysis_) return results;
  for (const Definition& definition : matching_definitions(*analysis_, query, cancel)) {
    cancel.check();
    results.push_back({definition.name.str(), definition.kind, to_file_range(definition.location),
                       definition.container.str()});
  }
  return results;
}

std::vector<CompletionCandidate> DataBuildServer::complete(const std::string& path,
                                                           TextPosition position) {
  std::optional<std::pair<FileId, uint32_t>> at = locate(path, position);
  if (!at) return {};
  return complete_at(*analysis_, at->first, at->second);
}

Refusable<RenameTarget> DataBuildServer::prepare_rename(const std::string& path,
                                                        TextPosition position) {
  std::optional<SymbolAt> symbol = symbol_at(path, position);
  if (!symbol) return {std::nullopt, ""};
  if (std::string refusal = rename_refusal(*analysis_, *symbol); !refusal.empty())
    return {std::nullopt, refusal};
  return {RenameTarget{to_file_range(symbol->name).range,
                       std::string(text_at(*analysis_, symbol->name))},
          ""};
}

Refusable<FileEdits> DataBuildServer::rename(const std::string& path, TextPosition position,
                                             const std::string& new_name,
                                             const Cancellation& cancel) {
  std::optional<SymbolAt> symbol = symbol_at(path, position);
  if (!symbol) return {std::nullopt, "there is no symbol to rename here"};
  if (std::string refusal = rename_refusal(*analysis_, *symbol, new_name); !refusal.empty())
    return {std::nullopt, refusal};
  FileEdits edits;
  for (const Location& use : references_to(*analysis_, symbol->definition, true, cancel)) {
    FileRange range = to_file_range(use);
    edits[range.path].emplace_back(range.range, new_name);
  }
  return {std::move(edits), ""};
}

std::vector<FoldingRegion> DataBuildServer::folding_ranges(const std::string& path) {
  std::vector<FoldingRegion> regions;
  std::optional<FileId> id = file_id(path);
  if (!id) return regions;
  std::string_view text = analysis_->text(*id);
  const LineIndex& lines = analysis_->files[*id].lines;
  for (const OutlineSymbol& symbol : outline(*analysis_, *id)) {
    TextRange range = range_of(text, lines, symbol.declaration.range);
    if (range.end.line > range.start.line) regions.push_back({range.start.line, range.end.line});
  }
  return regions;
}

std::vector<SemanticToken> DataBuildServer::semantic_tokens(const std::string& path,
                                                            const Cancellation& cancel) {
  std::vector<SemanticToken> tokens;
  std::optional<FileId> id = file_id(path);
  if (!id) return tokens;
  std::string_view text = analysis_->text(*id);
  const LineIndex& lines = analysis_->files[*id].lines;
  for (const NameToken& token : name_tokens(*analysis_, *id, cancel)) {
    TextRange range = range_of(text, lines, token.location.range);
    if (range.end.line != range.start.line) continue;
    tokens.push_back({range.start, range.end.character - range.start.character, token.kind,
                      token.is_declaration});
  }
  return tokens;
}

Refusable<std::vector<std::pair<TextRange, std::string>>> DataBuildServer::format(
    const std::string& path) {
  std::optional<FileId> id = file_id(path);
  if (!id) return {std::nullopt, "the file is not part of the workspace"};
  std::string_view text = analysis_->text(*id);
  Expected<std::string> formatted = format_source(text);
  if (!formatted) return {std::nullopt, formatted.error()};
  std::vector<std::pair<TextRange, std::string>> edits;
  if (*formatted != text) {
    TextRange whole{
        {0, 0}, position_of(text, analysis_->files[*id].lines, static_cast<uint32_t>(text.size()))};
    edits.emplace_back(whole, std::move(*formatted));
  }
  return {std::move(edits), ""};
}

std::vector<CodeActionResult> DataBuildServer::code_actions(const std::string& path,
                                                            TextRange range) {
  std::vector<CodeActionResult> actions;
  std::optional<FileId> id = file_id(path);
  if (!id) return actions;
  std::string_view text = analysis_->text(*id);
  const LineIndex& lines = analysis_->files[*id].lines;
  uint32_t begin = offset_of(text, lines, range.start);
  uint32_t end = offset_of(text, lines, range.end);
  for (const Diagnostic& diagnostic : analysis_->diagnostics()) {
    const ByteRange& at = diagnostic.location.range;
    if (diagnostic.location.file != *id || at.end < begin || at.begin > end) continue;
    for (QuickFix& fix : quick_fixes(*analysis_, diagnostic)) {
      CodeActionResult action{std::move(fix.title), to_file_diagnostic(diagnostic), {}};
      for (ByteEdit& edit : fix.edits) {
        FileRange edited = to_file_range(edit.range);
        action.edits[edited.path].emplace_back(edited.range, std::move(edit.text));
      }
      actions.push_back(std::move(action));
    }
  }
  return actions;
}

HierarchyItem DataBuildServer::to_hierarchy_item(const LineageItem& item) const {
  return {item.kind, item.name, item.detail, to_file_range(item.declaration),
          to_file_range(item.name_location)};
}

std::vector<HierarchyItem> DataBuildServer::prepare_call_hierarchy(const std::string& path,
                                                                   TextPosition position) {
  std::optional<SymbolAt> symbol = symbol_at(path, position);
  if (!symbol) return {};
  std::optional<LineageItem> item = lineage_item(*analysis_, *symbol);
  if (!item) return {};
  return {to_hierarchy_item(*item)};
}

std::vector<HierarchyEdge> DataBuildServer::lineage(SymbolKind kind, const std::string& name,
                                                    bool upstream, const Cancellation& cancel) {
  std::vector<HierarchyEdge> edges;
  if (!analysis_) return edges;
  std::optional<LineageItem> item = find_lineage_item(*analysis_, kind, name);
  if (!item) return edges;
  for (const LineageEdge& edge :
       upstream ? lsp::upstream(*analysis_, *item) : lsp::downstream(*analysis_, *item)) {
    cancel.check();
    HierarchyEdge converted{to_hierarchy_item(edge.item), {}};
    for (const Location& range : edge.ranges) converted.ranges.push_back(to_file_range(range));
    edges.push_back(std::move(converted));
  }
  return edges;
}

std::vector<InlayHintResult> DataBuildServer::inlay_hints(const std::string& path,
                                                          TextRange range) {
  std::vector<InlayHintResult> hints;
  std::optional<FileId> id = file_id(path);
  if (!id) return hints;
  std::string_view text = analysis_->text(*id);
  for (const LabelHint& hint : label_hints(*analysis_, *id)) {
    TextPosition position = position_of(text, analysis_->files[*id].lines, hint.offset);
    if (position.line < range.start.line || position.line > range.end.line) continue;
    std::string label;
    for (const std::string& name : hint.labels) label += (label.empty() ? "" : ", ") + name;
    hints.push_back({position, "carries " + label});
  }
  return hints;
}

std::vector<CodeLensResult> DataBuildServer::code_lenses(const std::string& path,
                                                         const Cancellation& cancel) {
  std::vector<CodeLensResult> lenses;
  std::optional<FileId> id = file_id(path);
  if (!id) return lenses;
  for (DatasetLens& lens : dataset_lenses(*analysis_, *id, cancel))
    lenses.push_back({to_file_range(lens.name).range, std::move(lens.title)});
  return lenses;
}

}  // namespace databuild::lsp
