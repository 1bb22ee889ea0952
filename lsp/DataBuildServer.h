// The analysis server: the workspace as the editor sees it, and answers about
// it, in plain structs. It knows neither JSON nor the LSP (LSPServer does the
// binding), so it can be driven and tested directly.
//
// The workspace is the files on disk under the root, overlaid by the documents
// the editor has open. Every change re-links the whole workspace (a change in
// one file can change what another means); only changed files are parsed and
// lowered again (ModelCache). After each analysis the server reports diagnostics
// for every file whose diagnostics changed, including files that were not
// edited (a rename in one file can break or fix references in another) and
// files whose diagnostics went away (as an empty list).
//
// Queries that scan the whole workspace (references, rename, workspace
// symbols, semantic tokens, code lenses, lineage) take a Cancellation and
// throw Cancelled when it is cancelled while they run (Cancellation.h).
//
// Positions in and out are UTF-16 (Positions.h); paths are absolute.
// Ownership: the server owns the current Analysis and the disk cache; results
// are values that do not point into either.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "Cancellation.h"
#include "CodeActions.h"
#include "Completion.h"
#include "DocumentStore.h"
#include "Lineage.h"
#include "ModelCache.h"
#include "Navigation.h"
#include "Outline.h"
#include "Positions.h"
#include "workspace.h"

namespace databuild::lsp {

struct RelatedNote {
  FileRange location;
  std::string message;
  bool operator==(const RelatedNote&) const = default;
};

struct FileDiagnostic {
  TextRange range;
  Severity severity = Severity::Error;
  std::string code;
  std::string message;
  std::vector<RelatedNote> related;
  bool operator==(const FileDiagnostic&) const = default;
};

// The current diagnostics of one file, to be published as a whole.
struct FileDiagnostics {
  std::string path;
  std::optional<int64_t> version;  // of the open document, if open
  std::vector<FileDiagnostic> diagnostics;
};

struct HoverResult {
  std::string markdown;
  TextRange range;  // the name hovered
};

struct RenameTarget {
  TextRange range;
  std::string placeholder;  // the current name
};

// A symbol of one file, with its members (keys, columns, ports, ...).
struct SymbolTree {
  std::string name;
  std::string detail;
  SymbolKind kind;
  TextRange range;            // the whole declaration
  TextRange selection_range;  // the name
  std::vector<SymbolTree> children;
};

struct WorkspaceSymbolResult {
  std::string name;
  SymbolKind kind;
  FileRange location;
  std::string container;
};

struct FoldingRegion {
  uint32_t start_line;
  uint32_t end_line;
};

struct SemanticToken {
  TextPosition start;
  uint32_t length;  // UTF-16 units, within one line
  SymbolKind kind;
  bool is_declaration;
};

// Replacement text per file, edits in position order.
using FileEdits = std::map<std::string, std::vector<std::pair<TextRange, std::string>>>;

// A quick fix for one of the file's diagnostics.
struct CodeActionResult {
  std::string title;
  FileDiagnostic diagnostic;  // the one it fixes
  FileEdits edits;
};

// A dataset or job as a node of the lineage graph (call hierarchy).
struct HierarchyItem {
  SymbolKind kind;
  std::string name;
  std::string detail;
  FileRange range;      // the whole declaration
  FileRange selection;  // the name
};

// A neighbour in the lineage graph and the ranges linking it (see LineageEdge).
struct HierarchyEdge {
  HierarchyItem item;
  std::vector<FileRange> ranges;
};

struct InlayHintResult {
  TextPosition position;
  std::string label;
};

struct CodeLensResult {
  TextRange range;
  std::string title;
};

// Either a value or a message for the user saying why there is none.
template <typename T>
struct Refusable {
  std::optional<T> value;
  std::string error;
};

class DataBuildServer {
 public:
  explicit DataBuildServer(AnalysisOptions options = {});

  // The workspace root (an absolute directory). Without one, the root is found
  // from the first document opened (find_workspace_root), or, failing that,
  // the open documents alone make up the workspace.
  void set_root(std::optional<std::string> root);
  const std::optional<std::string>& root() const { return root_; }
  bool loaded() const { return analysis_ != nullptr; }

  // Each returns the diagnostics to publish after the change. Until load() or
  // open() has run there is no analysis, and queries answer nothing.
  std::vector<FileDiagnostics> load();
  std::vector<FileDiagnostics> open(const std::string& path, std::string text, int64_t version);
  std::vector<FileDiagnostics> change(const std::string& path,
                                      const std::vector<TextChange>& changes, int64_t version);
  // change() in two steps, so that a burst of edits costs one analysis: edit()
  // applies the changes (false when the document is not open) and
  // analyze_edits() analyzes once for all edits made since it last ran.
  bool edit(const std::string& path, const std::vector<TextChange>& changes, int64_t version);
  std::vector<FileDiagnostics> analyze_edits();
  std::vector<FileDiagnostics> close(const std::string& path);
  // Files created, changed or deleted on disk: whichever it was, discovery is
  // redone and the named files are read again (a deleted one is simply gone).
  std::vector<FileDiagnostics> files_changed_on_disk(const std::vector<std::string>& paths);

  std::optional<FileRange> definition(const std::string& path, TextPosition position);
  std::vector<FileRange> implementations(const std::string& path, TextPosition position);
  std::vector<FileRange> references(const std::string& path, TextPosition position,
                                    bool include_declaration,
                                    const Cancellation& cancel = Cancellation::never());
  std::optional<HoverResult> hover(const std::string& path, TextPosition position);
  std::vector<SymbolTree> document_symbols(const std::string& path);
  std::vector<WorkspaceSymbolResult> workspace_symbols(
      const std::string& query, const Cancellation& cancel = Cancellation::never());
  std::vector<CompletionCandidate> complete(const std::string& path, TextPosition position);
  Refusable<RenameTarget> prepare_rename(const std::string& path, TextPosition position);
  Refusable<FileEdits> rename(const std::string& path, TextPosition position,
                              const std::string& new_name,
                              const Cancellation& cancel = Cancellation::never());
  std::vector<FoldingRegion> folding_ranges(const std::string& path);
  std::vector<SemanticToken> semantic_tokens(const std::string& path,
                                             const Cancellation& cancel = Cancellation::never());
  // The edits that give the file its canonical layout (format.h): none when it
  // has it, a refusal when it has syntax errors.
  Refusable<std::vector<std::pair<TextRange, std::string>>> format(const std::string& path);
  // Quick fixes for the file's diagnostics that overlap `range`.
  std::vector<CodeActionResult> code_actions(const std::string& path, TextRange range);
  std::vector<HierarchyItem> prepare_call_hierarchy(const std::string& path, TextPosition position);
  // Upstream (incoming) or downstream (outgoing) of the item of that kind and
  // name; nothing when it no longer exists.
  std::vector<HierarchyEdge> lineage(SymbolKind kind, const std::string& name, bool upstream,
                                     const Cancellation& cancel = Cancellation::never());
  std::vector<InlayHintResult> inlay_hints(const std::string& path, TextRange range);
  std::vector<CodeLensResult> code_lenses(const std::string& path,
                                          const Cancellation& cancel = Cancellation::never());

 private:
  // Re-reads the workspace's files from disk: all of them, or those named.
  void refresh_disk(const std::set<std::string>* changed);
  // Analyzes disk files overlaid by open documents; returns the diagnostics
  // that changed since last published, and those of `touched` in any case.
  std::vector<FileDiagnostics> reanalyze(std::set<std::string> touched);
  bool in_workspace(const std::string& path) const;
  // The FileId of `path` in the current analysis and the byte offset of
  // `position` in it; nullopt when the file is not part of the workspace.
  std::optional<std::pair<FileId, uint32_t>> locate(const std::string& path, TextPosition position);
  std::optional<FileId> file_id(const std::string& path) const;
  std::optional<SymbolAt> symbol_at(const std::string& path, TextPosition position);
  FileRange to_file_range(const Location& location) const;
  FileDiagnostic to_file_diagnostic(const Diagnostic& diagnostic) const;
  HierarchyItem to_hierarchy_item(const LineageItem& item) const;

  AnalysisOptions options_;
  std::optional<std::string> root_;
  DocumentStore documents_;
  // A workspace file as it is on disk. Its text is handed over once an
  // analysis has lowered the same text (`in_analysis`), and the analysis
  // then drops it too (SourceFile::release_text), reading it again from disk
  // only when a result in the file must be shown: at 100k jobs the texts are
  // 43 MB, a seventh of the server's memory. An open document over the file
  // takes its text back first, since the analysis will then hold the
  // document's text instead.
  struct DiskFile {
    std::string path;
    std::string text;  // empty when in_analysis
    bool in_analysis = false;
  };
  // Brings back the text of `file` from the current analysis.
  void take_back_text(DiskFile& file) const;
  // Workspace files on disk in discovery order, workspace.dbuild first: the
  // order decides which of two duplicate definitions is reported.
  std::vector<DiskFile> disk_;
  ModelCache models_;
  std::unique_ptr<Analysis> analysis_;
  std::map<std::string, std::vector<FileDiagnostic>> published_;
  std::set<std::string> edited_;  // documents edited since the last analysis
};

}  // namespace databuild::lsp
