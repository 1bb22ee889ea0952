// LSP 3.17 protocol structures used by databuild-lsp, with their JSON mapping.
//
// Only the fields the server reads or writes are modelled. Reading follows
// nlohmann_json's from_json convention and throws (nlohmann::json::exception
// for a missing or mistyped field, std::invalid_argument for an out-of-range
// value); LSPServer turns either into an InvalidParams error, so malformed parameters never reach
// the analysis. Optional fields are read when present and otherwise left at their defaults.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace databuild::lsp::protocol {

using nlohmann::json;

// JSON-RPC and LSP error codes.
enum class ErrorCode {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestFailed = -32803,
  RequestCancelled = -32800,
};

struct Position {
  int64_t line = 0;
  int64_t character = 0;  // UTF-16 code units
};
void from_json(const json& j, Position& p);
void to_json(json& j, const Position& p);

struct Range {
  Position start;
  Position end;
};
void from_json(const json& j, Range& r);
void to_json(json& j, const Range& r);

struct Location {
  std::string uri;
  Range range;
};
void to_json(json& j, const Location& l);

struct TextDocumentItem {
  std::string uri;
  int64_t version = 0;
  std::string text;
};
void from_json(const json& j, TextDocumentItem& d);

struct TextDocumentContentChangeEvent {
  std::optional<Range> range;  // absent: the whole text
  std::string text;
};
void from_json(const json& j, TextDocumentContentChangeEvent& c);

struct DidOpenTextDocumentParams {
  TextDocumentItem textDocument;
};
void from_json(const json& j, DidOpenTextDocumentParams& p);

struct DidChangeTextDocumentParams {
  std::string uri;
  int64_t version = 0;
  std::vector<TextDocumentContentChangeEvent> contentChanges;
};
void from_json(const json& j, DidChangeTextDocumentParams& p);

// didClose, didSave, documentSymbol, foldingRange, semanticTokens/full.
struct TextDocumentParams {
  std::string uri;
};
void from_json(const json& j, TextDocumentParams& p);

// definition, implementation, hover, completion, prepareRename.
struct TextDocumentPositionParams {
  std::string uri;
  Position position;
};
void from_json(const json& j, TextDocumentPositionParams& p);

struct ReferenceParams : TextDocumentPositionParams {
  bool includeDeclaration = false;
};
void from_json(const json& j, ReferenceParams& p);

struct RenameParams : TextDocumentPositionParams {
  std::string newName;
};
void from_json(const json& j, RenameParams& p);

// codeAction (its context is not read: the server knows its diagnostics), inlayHint.
struct TextDocumentRangeParams {
  std::string uri;
  Range range;
};
void from_json(const json& j, TextDocumentRangeParams& p);

// callHierarchy/incomingCalls and outgoingCalls: the item's `data`, which the
// server put there in prepareCallHierarchy.
struct CallHierarchyCallsParams {
  std::string kind;  // "dataset" or "job"
  std::string name;
};
void from_json(const json& j, CallHierarchyCallsParams& p);

struct WorkspaceSymbolParams {
  std::string query;
};
void from_json(const json& j, WorkspaceSymbolParams& p);

enum class FileChangeType { Created = 1, Changed = 2, Deleted = 3 };

// The server reads the uri only: it re-reads whatever changed, however.
struct FileEvent {
  std::string uri;
  FileChangeType type = FileChangeType::Changed;
};
struct DidChangeWatchedFilesParams {
  std::vector<FileEvent> changes;
};
void from_json(const json& j, DidChangeWatchedFilesParams& p);

struct InitializeParams {
  std::optional<std::string> rootUri;
  std::optional<std::string> rootPath;
  std::vector<std::string> workspaceFolderUris;
  bool workDoneProgress = false;  // capabilities.window.workDoneProgress
  // capabilities.workspace.didChangeWatchedFiles.dynamicRegistration
  bool watchedFilesRegistration = false;
};
void from_json(const json& j, InitializeParams& p);

enum class DiagnosticSeverity { Error = 1, Warning = 2, Information = 3, Hint = 4 };

struct DiagnosticRelatedInformation {
  Location location;
  std::string message;
};
void to_json(json& j, const DiagnosticRelatedInformation& r);

struct Diagnostic {
  Range range;
  DiagnosticSeverity severity = DiagnosticSeverity::Error;
  std::string code;
  std::string message;
  std::vector<DiagnosticRelatedInformation> relatedInformation;
};
void to_json(json& j, const Diagnostic& d);

struct PublishDiagnosticsParams {
  std::string uri;
  std::optional<int64_t> version;
  std::vector<Diagnostic> diagnostics;
};
void to_json(json& j, const PublishDiagnosticsParams& p);

struct Hover {
  std::string markdown;
  Range range;
};
void to_json(json& j, const Hover& h);

struct DocumentSymbol {
  std::string name;
  std::string detail;
  int kind = 0;  // LSP SymbolKind
  Range range;
  Range selectionRange;
  std::vector<DocumentSymbol> children;
};
void to_json(json& j, const DocumentSymbol& s);

struct SymbolInformation {
  std::string name;
  int kind = 0;  // LSP SymbolKind
  Location location;
  std::string containerName;
};
void to_json(json& j, const SymbolInformation& s);

struct CompletionItem {
  std::string label;
  int kind = 0;  // LSP CompletionItemKind
  std::string detail;
};
void to_json(json& j, const CompletionItem& c);

struct TextEdit {
  Range range;
  std::string newText;
};
void to_json(json& j, const TextEdit& e);

struct WorkspaceEdit {
  std::map<std::string, std::vector<TextEdit>> changes;  // by URI
};
void to_json(json& j, const WorkspaceEdit& e);

struct FoldingRange {
  int64_t startLine = 0;
  int64_t endLine = 0;
};
void to_json(json& j, const FoldingRange& r);

}  // namespace databuild::lsp::protocol
