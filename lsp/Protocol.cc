// Field names follow the specification's spelling (camelCase) on purpose, so
// that each mapping can be checked against the specification by eye.
#include "Protocol.h"

#include <stdexcept>

namespace databuild::lsp::protocol {

namespace {

template <typename T>
void read_optional(const json& j, const char* field, std::optional<T>& out) {
  auto it = j.find(field);
  if (it != j.end() && !it->is_null()) out = it->get<T>();
}

}  // namespace

void from_json(const json& j, Position& p) {
  j.at("line").get_to(p.line);
  j.at("character").get_to(p.character);
  if (p.line < 0 || p.character < 0)
    throw std::invalid_argument("a position has a negative line or character");
}
void to_json(json& j, const Position& p) { j = {{"line", p.line}, {"character", p.character}}; }

void from_json(const json& j, Range& r) {
  j.at("start").get_to(r.start);
  j.at("end").get_to(r.end);
}
void to_json(json& j, const Range& r) { j = {{"start", r.start}, {"end", r.end}}; }

void to_json(json& j, const Location& l) { j = {{"uri", l.uri}, {"range", l.range}}; }

void from_json(const json& j, TextDocumentItem& d) {
  j.at("uri").get_to(d.uri);
  j.at("version").get_to(d.version);
  j.at("text").get_to(d.text);
}

void from_json(const json& j, TextDocumentContentChangeEvent& c) {
  read_optional(j, "range", c.range);
  j.at("text").get_to(c.text);
}

void from_json(const json& j, DidOpenTextDocumentParams& p) {
  j.at("textDocument").get_to(p.textDocument);
}

void from_json(const json& j, DidChangeTextDocumentParams& p) {
  const json& document = j.at("textDocument");
  document.at("uri").get_to(p.uri);
  // `version` is an integer in 3.17, but null was allowed before; keep 0 then.
  if (auto version = document.find("version"); version != document.end() && !version->is_null())
    version->get_to(p.version);
  j.at("contentChanges").get_to(p.contentChanges);
}

void from_json(const json& j, TextDocumentParams& p) {
  j.at("textDocument").at("uri").get_to(p.uri);
}

void from_json(const json& j, TextDocumentPositionParams& p) {
  j.at("textDocument").at("uri").get_to(p.uri);
  j.at("position").get_to(p.position);
}

void from_json(const json& j, ReferenceParams& p) {
  from_json(j, static_cast<TextDocumentPositionParams&>(p));
  if (auto context = j.find("context"); context != j.end())
    p.includeDeclaration = context->value("includeDeclaration", false);
}

void from_json(const json& j, RenameParams& p) {
  from_json(j, static_cast<TextDocumentPositionParams&>(p));
  j.at("newName").get_to(p.newName);
}

void from_json(const json& j, TextDocumentRangeParams& p) {
  j.at("textDocument").at("uri").get_to(p.uri);
  j.at("range").get_to(p.range);
}

void from_json(const json& j, CallHierarchyCallsParams& p) {
  const json& data = j.at("item").at("data");
  data.at("kind").get_to(p.kind);
  data.at("name").get_to(p.name);
  if (p.kind != "dataset" && p.kind != "job")
    throw std::invalid_argument("a call hierarchy item is a dataset or a job");
}

void from_json(const json& j, WorkspaceSymbolParams& p) { j.at("query").get_to(p.query); }

void from_json(const json& j, DidChangeWatchedFilesParams& p) {
  for (const json& change : j.at("changes")) {
    int type = change.at("type").get<int>();
    if (type < 1 || type > 3)
      throw std::invalid_argument("unknown file change type " + std::to_string(type));
    p.changes.push_back({change.at("uri").get<std::string>(), static_cast<FileChangeType>(type)});
  }
}

void from_json(const json& j, InitializeParams& p) {
  read_optional(j, "rootUri", p.rootUri);
  read_optional(j, "rootPath", p.rootPath);
  if (auto folders = j.find("workspaceFolders"); folders != j.end() && folders->is_array()) {
    for (const json& folder : *folders) p.workspaceFolderUris.push_back(folder.at("uri"));
  }
  if (auto capabilities = j.find("capabilities"); capabilities != j.end()) {
    p.workDoneProgress = capabilities->value(json::json_pointer("/window/workDoneProgress"), false);
    p.watchedFilesRegistration = capabilities->value(
        json::json_pointer("/workspace/didChangeWatchedFiles/dynamicRegistration"), false);
  }
}

void to_json(json& j, const DiagnosticRelatedInformation& r) {
  j = {{"location", r.location}, {"message", r.message}};
}

void to_json(json& j, const Diagnostic& d) {
  j = {{"range", d.range},
       {"severity", static_cast<int>(d.severity)},
       {"code", d.code},
       {"source", "databuild"},
       {"message", d.message}};
  if (!d.relatedInformation.empty()) j["relatedInformation"] = d.relatedInformation;
}

void to_json(json& j, const PublishDiagnosticsParams& p) {
  j = {{"uri", p.uri}, {"diagnostics", p.diagnostics}};
  if (p.version) j["version"] = *p.version;
}

void to_json(json& j, const Hover& h) {
  j = {{"contents", {{"kind", "markdown"}, {"value", h.markdown}}}, {"range", h.range}};
}

void to_json(json& j, const DocumentSymbol& s) {
  j = {
      {"name", s.name}, {"kind", s.kind}, {"range", s.range}, {"selectionRange", s.selectionRange}};
  if (!s.detail.empty()) j["detail"] = s.detail;
  if (!s.children.empty()) j["children"] = s.children;
}

void to_json(json& j, const SymbolInformation& s) {
  j = {{"name", s.name}, {"kind", s.kind}, {"location", s.location}};
  if (!s.containerName.empty()) j["containerName"] = s.containerName;
}

void to_json(json& j, const CompletionItem& c) {
  j = {{"label", c.label}, {"kind", c.kind}};
  if (!c.detail.empty()) j["detail"] = c.detail;
}

void to_json(json& j, const TextEdit& e) { j = {{"range", e.range}, {"newText", e.newText}}; }

void to_json(json& j, const WorkspaceEdit& e) {
  j = json::object();
  j["changes"] = json::object();
  for (const auto& [uri, edits] : e.changes) j["changes"][uri] = edits;
}

void to_json(json& j, const FoldingRange& r) {
  j = {{"startLine", r.startLine}, {"endLine", r.endLine}, {"kind", "region"}};
}

}  // namespace databuild::lsp::protocol
