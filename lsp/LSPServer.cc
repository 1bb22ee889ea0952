// Handlers are member functions bound to method names once, in the
// constructor; a handler receives decoded parameters and returns the result's
// JSON, or throws RequestError to answer with an error. Conversions between
// the analysis server's plain structs and protocol structs live here, in one
// place per direction.
#include "LSPServer.h"

#include <algorithm>
#include <array>
#include <thread>
#include <utility>

#include "URI.h"

namespace databuild::lsp {

namespace {

using nlohmann::json;
using protocol::ErrorCode;

// Thrown by handlers to answer a request with an error.
struct RequestError {
  ErrorCode code;
  std::string message;
};

constexpr const char* kLoadProgressToken = "databuild/load";

TextPosition to_position(const protocol::Position& position) {
  auto clamp = [](int64_t value) {
    return static_cast<uint32_t>(std::min<int64_t>(value, UINT32_MAX));
  };
  return {clamp(position.line), clamp(position.character)};
}

protocol::Range to_protocol(const TextRange& range) {
  return {{range.start.line, range.start.character}, {range.end.line, range.end.character}};
}

TextRange to_text_range(const protocol::Range& range) {
  return {to_position(range.start), to_position(range.end)};
}

// LSP SymbolKind.
int lsp_symbol_kind(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::Workspace:
      return 3;  // Namespace
    case SymbolKind::Policy:
      return 14;  // Constant
    case SymbolKind::Type:
      return 10;  // Enum
    case SymbolKind::Dataset:
      return 5;  // Class
    case SymbolKind::Job:
      return 12;  // Function
    case SymbolKind::Key:
      return 20;  // Key
    case SymbolKind::Column:
      return 8;  // Field
    case SymbolKind::Parameter:
      return 13;  // Variable
    case SymbolKind::Port:
      return 7;  // Property
    case SymbolKind::EnumValue:
      return 22;  // EnumMember
    case SymbolKind::EnvVar:
      return 13;  // Variable
    case SymbolKind::Function:
      return 12;  // Function
  }
  return 13;
}

// LSP CompletionItemKind.
int lsp_completion_kind(CompletionKind kind) {
  switch (kind) {
    case CompletionKind::Keyword:
      return 14;
    case CompletionKind::Dataset:
      return 7;  // Class
    case CompletionKind::Key:
      return 10;  // Property
    case CompletionKind::Column:
      return 5;  // Field
    case CompletionKind::Parameter:
      return 6;  // Variable
    case CompletionKind::EnumValue:
      return 20;  // EnumMember
    case CompletionKind::Policy:
      return 21;  // Constant
    case CompletionKind::Type:
      return 25;  // TypeParameter
    case CompletionKind::Function:
      return 3;
  }
  return 1;
}

// Semantic token types, in legend order, for each kind of name.
constexpr std::array<std::pair<SymbolKind, const char*>, 12> kTokenTypes = {{
    {SymbolKind::Workspace, "namespace"},
    {SymbolKind::Policy, "decorator"},
    {SymbolKind::Type, "enum"},
    {SymbolKind::Dataset, "class"},
    {SymbolKind::Job, "function"},
    {SymbolKind::Key, "property"},
    {SymbolKind::Column, "property"},
    {SymbolKind::Parameter, "parameter"},
    {SymbolKind::Port, "variable"},
    {SymbolKind::EnumValue, "enumMember"},
    {SymbolKind::EnvVar, "variable"},
    {SymbolKind::Function, "function"},
}};

json token_legend() {
  json types = json::array();
  for (const auto& [kind, name] : kTokenTypes) {
    if (std::find(types.begin(), types.end(), name) == types.end()) types.push_back(name);
  }
  return {{"tokenTypes", types}, {"tokenModifiers", {"declaration"}}};
}

int token_type_index(SymbolKind kind, const json& legend_types) {
  for (const auto& [candidate, name] : kTokenTypes) {
    if (candidate == kind)
      return static_cast<int>(std::find(legend_types.begin(), legend_types.end(), name) -
                              legend_types.begin());
  }
  return 0;
}

bool is_request_id(const json& id) { return id.is_string() || id.is_number_integer(); }

}  // namespace

template <typename Params>
void LSPServer::bind_request(const std::string& method, json (LSPServer::*handler)(const Params&)) {
  requests_[method] = [this, handler](const json& params) {
    Params decoded;
    try {
      decoded = params.get<Params>();
    } catch (const std::exception& error) {
      throw RequestError{ErrorCode::InvalidParams, error.what()};
    }
    return (this->*handler)(decoded);
  };
}

template <typename Params>
void LSPServer::bind_notification(const std::string& method,
                                  void (LSPServer::*handler)(const Params&)) {
  notifications_[method] = [this, handler](const json& params) {
    Params decoded;
    try {
      decoded = params.get<Params>();
    } catch (const std::exception&) {
      return;  // a notification has no answer; malformed ones are dropped
    }
    try {
      (this->*handler)(decoded);
    } catch (const RequestError&) {
      // A URI that is not a file: nothing of ours.
    } catch (const std::exception&) {
      // Nothing to answer; the server carries on with the next message.
    }
  };
}

std::string LSPServer::path_of(const std::string& uri) {
  std::optional<std::string> path = uri_to_path(uri);
  if (!path) throw RequestError{ErrorCode::InvalidParams, "not a file URI: " + uri};
  client_uris_.emplace(*path, uri);
  return *path;
}

std::string LSPServer::uri_of(const std::string& path) const {
  auto known = client_uris_.find(path);
  return known != client_uris_.end() ? known->second : path_to_uri(path);
}

protocol::Location LSPServer::location_of(const FileRange& range) const {
  return {uri_of(range.path), to_protocol(range.range)};
}

nlohmann::json LSPServer::locations(const std::vector<FileRange>& ranges) const {
  json list = json::array();
  for (const FileRange& range : ranges) list.push_back(location_of(range));
  return list;
}

LSPServer::LSPServer(Transport& transport, DataBuildServer& server)
    : transport_(transport), server_(server) {
  bind_request("initialize", &LSPServer::on_initialize);
  bind_request("shutdown", &LSPServer::on_shutdown);
  bind_request("textDocument/definition", &LSPServer::on_definition);
  bind_request("textDocument/implementation", &LSPServer::on_implementation);
  bind_request("textDocument/references", &LSPServer::on_references);
  bind_request("textDocument/hover", &LSPServer::on_hover);
  bind_request("textDocument/documentSymbol", &LSPServer::on_document_symbol);
  bind_request("workspace/symbol", &LSPServer::on_workspace_symbol);
  bind_request("textDocument/completion", &LSPServer::on_completion);
  bind_request("textDocument/prepareRename", &LSPServer::on_prepare_rename);
  bind_request("textDocument/rename", &LSPServer::on_rename);
  bind_request("textDocument/foldingRange", &LSPServer::on_folding_range);
  bind_request("textDocument/semanticTokens/full", &LSPServer::on_semantic_tokens);
  bind_request("textDocument/formatting", &LSPServer::on_formatting);
  bind_request("textDocument/codeAction", &LSPServer::on_code_action);
  bind_request("textDocument/prepareCallHierarchy", &LSPServer::on_prepare_call_hierarchy);
  bind_request("callHierarchy/incomingCalls", &LSPServer::on_incoming_calls);
  bind_request("callHierarchy/outgoingCalls", &LSPServer::on_outgoing_calls);
  bind_request("textDocument/inlayHint", &LSPServer::on_inlay_hint);
  bind_request("textDocument/codeLens", &LSPServer::on_code_lens);
  bind_notification("initialized", &LSPServer::on_initialized);
  bind_notification("textDocument/didOpen", &LSPServer::on_did_open);
  bind_notification("textDocument/didChange", &LSPServer::on_did_change);
  bind_notification("textDocument/didClose", &LSPServer::on_did_close);
  bind_notification("textDocument/didSave", &LSPServer::on_did_save);
  bind_notification("workspace/didChangeWatchedFiles", &LSPServer::on_did_change_watched_files);
}

// ---- the message loop --------------------------------------------------------

int LSPServer::run() {
  std::thread reader(read_messages, std::ref(transport_), std::ref(queue_));
  auto is_edit = [](const IncomingMessage& message) {
    return message.json && message.json->is_object() &&
           message.json->value("method", json()) == "textDocument/didChange";
  };
  bool ended = false;
  while (state_ != State::Exited && !ended) {
    if (!queue_.front_matches(is_edit)) analyze_edits();
    std::optional<IncomingMessage> message = queue_.pop();
    if (message) {
      handle(*message);
    } else {
      ended = true;
    }
  }
  reader.join();
  return ended ? 1 : exit_status_;  // end of input without `exit`: 1
}

void LSPServer::analyze_edits() { publish(server_.analyze_edits()); }

void LSPServer::handle(const IncomingMessage& message) {
  if (!message.json) {
    reply_error(nullptr, ErrorCode::ParseError, "not JSON: " + message.parse_error);
    return;
  }
  const json& body = *message.json;
  if (!body.is_object()) {
    reply_error(nullptr, ErrorCode::InvalidRequest, "a message must be a JSON object");
    return;
  }
  auto id = body.find("id");
  auto method = body.find("method");
  bool has_valid_id = id != body.end() && is_request_id(*id);
  if (method == body.end()) {
    if (has_valid_id && (body.contains("result") || body.contains("error"))) {
      handle_response(body);
    } else {
      reply_error(has_valid_id ? *id : json(nullptr), ErrorCode::InvalidRequest,
                  "a message needs a method (or, as a response, a result or an error)");
    }
    return;
  }
  // Absent or null params (some clients send null for `shutdown`) mean none.
  json params = body.value("params", json());
  if (params.is_null()) params = json::object();
  if (!method->is_string() || (id != body.end() && !has_valid_id) ||
      !(params.is_object() || params.is_array())) {
    reply_error(has_valid_id ? *id : json(nullptr), ErrorCode::InvalidRequest,
                "a request needs a string method, an integer or string id, and object or "
                "array params");
    return;
  }
  if (has_valid_id) {
    handle_request(*id, method->get<std::string>(), params);
  } else {
    handle_notification(method->get<std::string>(), params);
  }
}

void LSPServer::handle_request(const json& id, const std::string& method, const json& params) {
  if (state_ == State::Uninitialized && method != "initialize") {
    reply_error(id, ErrorCode::ServerNotInitialized, "the server is not initialized yet");
    return;
  }
  if (state_ == State::ShutDown) {
    reply_error(id, ErrorCode::InvalidRequest, "the server is shut down; only 'exit' is accepted");
    return;
  }
  auto handler = requests_.find(method);
  if (handler == requests_.end()) {
    reply_error(id, ErrorCode::MethodNotFound, "unknown method '" + method + "'");
    return;
  }
  if (queue_.take_cancelled(id)) {
    reply_error(id, ErrorCode::RequestCancelled, "cancelled");
    return;
  }
  try {
    reply(id, handler->second(params));
  } catch (const Cancelled&) {
    reply_error(id, ErrorCode::RequestCancelled, "cancelled");
  } catch (const RequestError& error) {
    reply_error(id, error.code, error.message);
  } catch (const std::exception& error) {
    reply_error(id, ErrorCode::InternalError, error.what());
  }
}

void LSPServer::handle_notification(const std::string& method, const json& params) {
  if (method == "exit") {
    exit_status_ = state_ == State::ShutDown ? 0 : 1;
    state_ = State::Exited;
    return;
  }
  if (state_ != State::Running) return;
  auto handler = notifications_.find(method);
  // Unknown notifications, `$/cancelRequest` for requests already answered
  // among them, are ignored, as the protocol asks.
  if (handler != notifications_.end()) handler->second(params);
}

void LSPServer::handle_response(const json& message) {
  const json& id = message.at("id");
  auto waiting = awaiting_response_.find(id.is_string() ? id.get<std::string>() : id.dump());
  if (waiting == awaiting_response_.end()) return;
  std::function<void(bool)> on_reply = std::move(waiting->second);
  awaiting_response_.erase(waiting);
  on_reply(!message.contains("error"));
}

void LSPServer::reply(const json& id, json result) {
  transport_.write({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void LSPServer::reply_error(const json& id, ErrorCode code, const std::string& message) {
  transport_.write({{"jsonrpc", "2.0"},
                    {"id", id},
                    {"error", {{"code", static_cast<int>(code)}, {"message", message}}}});
}

void LSPServer::notify(const std::string& method, json params) {
  transport_.write({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
}

void LSPServer::send_request(const std::string& method, json params,
                             std::function<void(bool)> on_reply) {
  std::string id = "databuild-" + std::to_string(next_request_id_++);
  awaiting_response_[id] = std::move(on_reply);
  transport_.write(
      {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
}

protocol::Diagnostic LSPServer::diagnostic_of(const FileDiagnostic& diagnostic) const {
  protocol::Diagnostic converted{
      to_protocol(diagnostic.range),
      diagnostic.severity == Severity::Error     ? protocol::DiagnosticSeverity::Error
      : diagnostic.severity == Severity::Warning ? protocol::DiagnosticSeverity::Warning
                                                 : protocol::DiagnosticSeverity::Information,
      diagnostic.code,
      diagnostic.message,
      {}};
  for (const RelatedNote& note : diagnostic.related)
    converted.relatedInformation.push_back({location_of(note.location), note.message});
  return converted;
}

protocol::WorkspaceEdit LSPServer::workspace_edit(const FileEdits& edits) const {
  protocol::WorkspaceEdit edit;
  for (const auto& [path, file_edits] : edits) {
    std::vector<protocol::TextEdit>& converted = edit.changes[uri_of(path)];
    for (const auto& [range, text] : file_edits) converted.push_back({to_protocol(range), text});
  }
  return edit;
}

void LSPServer::publish(const std::vector<FileDiagnostics>& updates) {
  for (const FileDiagnostics& update : updates) {
    protocol::PublishDiagnosticsParams params{uri_of(update.path), update.version, {}};
    for (const FileDiagnostic& diagnostic : update.diagnostics)
      params.diagnostics.push_back(diagnostic_of(diagnostic));
    notify("textDocument/publishDiagnostics", params);
  }
}

// ---- lifecycle -----------------------------------------------------------------

json LSPServer::on_initialize(const protocol::InitializeParams& params) {
  if (state_ != State::Uninitialized)
    throw RequestError{ErrorCode::InvalidRequest, "'initialize' was already received"};
  std::optional<std::string> root_uri = params.rootUri;
  if (!root_uri && !params.workspaceFolderUris.empty()) root_uri = params.workspaceFolderUris[0];
  std::optional<std::string> root = root_uri ? uri_to_path(*root_uri) : params.rootPath;
  // The client's folder may be inside the workspace; the root is where
  // workspace.dbuild is. Without one, the first document opened decides.
  server_.set_root(root ? find_workspace_root(*root) : std::nullopt);
  client_supports_progress_ = params.workDoneProgress;
  client_watches_files_ = params.watchedFilesRegistration;
  state_ = State::Running;
  json semantic_tokens = {{"legend", token_legend()}, {"full", true}};
  return {{"capabilities",
           {{"positionEncoding", "utf-16"},
            {"textDocumentSync",
             {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
            {"definitionProvider", true},
            {"implementationProvider", true},
            {"referencesProvider", true},
            {"hoverProvider", true},
            {"documentSymbolProvider", true},
            {"workspaceSymbolProvider", true},
            {"completionProvider", {{"triggerCharacters", {"[", ",", "(", "{"}}}},
            {"renameProvider", {{"prepareProvider", true}}},
            {"foldingRangeProvider", true},
            {"semanticTokensProvider", semantic_tokens},
            {"documentFormattingProvider", true},
            {"codeActionProvider", {{"codeActionKinds", {"quickfix"}}}},
            {"callHierarchyProvider", true},
            {"inlayHintProvider", true},
            {"codeLensProvider", {{"resolveProvider", false}}}}},
          {"serverInfo", {{"name", "databuild-lsp"}, {"version", DATABUILD_VERSION}}}};
}

json LSPServer::on_shutdown(const json&) {
  state_ = State::ShutDown;
  return nullptr;
}

void LSPServer::on_initialized(const json&) {
  if (client_watches_files_) {
    json watcher = {{"globPattern", "**/*.dbuild"}};
    send_request("client/registerCapability",
                 {{"registrations",
                   {{{"id", "databuild-watched-files"},
                     {"method", "workspace/didChangeWatchedFiles"},
                     {"registerOptions", {{"watchers", {watcher}}}}}}}},
                 [](bool) {});
  }
  if (!server_.root()) return;  // nothing to load until a document is opened
  if (!client_supports_progress_) {
    load_workspace();
    return;
  }
  // Progress needs a token the client has accepted; load once it has answered
  // (unless a document opened meanwhile already loaded the workspace), with
  // progress only if it accepted.
  send_request(
      "window/workDoneProgress/create", {{"token", kLoadProgressToken}}, [this](bool accepted) {
        if (server_.loaded()) return;
        if (!accepted) {
          load_workspace();
          return;
        }
        notify("$/progress",
               {{"token", kLoadProgressToken},
                {"value", {{"kind", "begin"}, {"title", "Loading the DataBuild workspace"}}}});
        load_workspace();
        notify("$/progress", {{"token", kLoadProgressToken}, {"value", {{"kind", "end"}}}});
      });
}

void LSPServer::load_workspace() { publish(server_.load()); }

// ---- documents -----------------------------------------------------------------

void LSPServer::on_did_open(const protocol::DidOpenTextDocumentParams& params) {
  const protocol::TextDocumentItem& document = params.textDocument;
  publish(server_.open(path_of(document.uri), document.text, document.version));
}

void LSPServer::on_did_change(const protocol::DidChangeTextDocumentParams& params) {
  std::vector<TextChange> changes;
  for (const protocol::TextDocumentContentChangeEvent& change : params.contentChanges) {
    changes.push_back(
        {change.range ? std::optional(to_text_range(*change.range)) : std::nullopt, change.text});
  }
  // Analyzed once the edits queued behind this one are applied too (run()).
  server_.edit(path_of(params.uri), changes, params.version);
}

void LSPServer::on_did_close(const protocol::TextDocumentParams& params) {
  publish(server_.close(path_of(params.uri)));
}

// The open document already holds what was saved; the analysis is current.
void LSPServer::on_did_save(const protocol::TextDocumentParams&) {}

void LSPServer::on_did_change_watched_files(const protocol::DidChangeWatchedFilesParams& params) {
  std::vector<std::string> paths;
  for (const protocol::FileEvent& change : params.changes) {
    if (std::optional<std::string> path = uri_to_path(change.uri)) paths.push_back(*path);
  }
  publish(server_.files_changed_on_disk(paths));
}

// ---- queries -------------------------------------------------------------------

json LSPServer::on_definition(const protocol::TextDocumentPositionParams& params) {
  std::optional<FileRange> definition =
      server_.definition(path_of(params.uri), to_position(params.position));
  return definition ? json(location_of(*definition)) : json(nullptr);
}

json LSPServer::on_implementation(const protocol::TextDocumentPositionParams& params) {
  return locations(server_.implementations(path_of(params.uri), to_position(params.position)));
}

json LSPServer::on_references(const protocol::ReferenceParams& params) {
  return locations(server_.references(path_of(params.uri), to_position(params.position),
                                      params.includeDeclaration, queue_.running()));
}

json LSPServer::on_hover(const protocol::TextDocumentPositionParams& params) {
  std::optional<HoverResult> hover =
      server_.hover(path_of(params.uri), to_position(params.position));
  if (!hover) return nullptr;
  return protocol::Hover{hover->markdown, to_protocol(hover->range)};
}

json LSPServer::on_document_symbol(const protocol::TextDocumentParams& params) {
  auto convert = [](const auto& self, const SymbolTree& tree) -> protocol::DocumentSymbol {
    protocol::DocumentSymbol symbol{tree.name,
                                    tree.detail,
                                    lsp_symbol_kind(tree.kind),
                                    to_protocol(tree.range),
                                    to_protocol(tree.selection_range),
                                    {}};
    for (const SymbolTree& child : tree.children) symbol.children.push_back(self(self, child));
    return symbol;
  };
  json symbols = json::array();
  for (const SymbolTree& tree : server_.document_symbols(path_of(params.uri)))
    symbols.push_back(convert(convert, tree));
  return symbols;
}

json LSPServer::on_workspace_symbol(const protocol::WorkspaceSymbolParams& params) {
  json symbols = json::array();
  for (const WorkspaceSymbolResult& symbol :
       server_.workspace_symbols(params.query, queue_.running())) {
    queue_.running().check();
    symbols.push_back(protocol::SymbolInformation{symbol.name, lsp_symbol_kind(symbol.kind),
                                                  location_of(symbol.location), symbol.container});
  }
  return symbols;
}

json LSPServer::on_completion(const protocol::TextDocumentPositionParams& params) {
  json items = json::array();
  for (const CompletionCandidate& candidate :
       server_.complete(path_of(params.uri), to_position(params.position)))
    items.push_back(protocol::CompletionItem{candidate.label, lsp_completion_kind(candidate.kind),
                                             candidate.detail});
  return {{"isIncomplete", false}, {"items", items}};
}

json LSPServer::on_prepare_rename(const protocol::TextDocumentPositionParams& params) {
  Refusable<RenameTarget> target =
      server_.prepare_rename(path_of(params.uri), to_position(params.position));
  if (!target.error.empty()) throw RequestError{ErrorCode::RequestFailed, target.error};
  if (!target.value) return nullptr;
  return {{"range", to_protocol(target.value->range)}, {"placeholder", target.value->placeholder}};
}

json LSPServer::on_rename(const protocol::RenameParams& params) {
  auto plan = server_.rename(path_of(params.uri), to_position(params.position), params.newName,
                             queue_.running());
  if (!plan.value) throw RequestError{ErrorCode::RequestFailed, plan.error};
  return workspace_edit(*plan.value);
}

json LSPServer::on_folding_range(const protocol::TextDocumentParams& params) {
  json ranges = json::array();
  for (const FoldingRegion& region : server_.folding_ranges(path_of(params.uri)))
    ranges.push_back(protocol::FoldingRange{region.start_line, region.end_line});
  return ranges;
}

json LSPServer::on_semantic_tokens(const protocol::TextDocumentParams& params) {
  const json legend_types = token_legend()["tokenTypes"];
  json data = json::array();
  TextPosition previous;
  for (const SemanticToken& token :
       server_.semantic_tokens(path_of(params.uri), queue_.running())) {
    uint32_t delta_line = token.start.line - previous.line;
    uint32_t delta_start =
        delta_line == 0 ? token.start.character - previous.character : token.start.character;
    for (uint32_t value : {delta_line, delta_start, token.length,
                           static_cast<uint32_t>(token_type_index(token.kind, legend_types)),
                           token.is_declaration ? 1u : 0u})
      data.push_back(value);
    previous = token.start;
  }
  return {{"data", data}};
}

json LSPServer::on_formatting(const protocol::TextDocumentParams& params) {
  auto edits = server_.format(path_of(params.uri));
  if (!edits.value) throw RequestError{ErrorCode::RequestFailed, edits.error};
  json list = json::array();
  for (const auto& [range, text] : *edits.value)
    list.push_back(protocol::TextEdit{to_protocol(range), text});
  return list;
}

json LSPServer::on_code_action(const protocol::TextDocumentRangeParams& params) {
  json actions = json::array();
  for (const CodeActionResult& action :
       server_.code_actions(path_of(params.uri), to_text_range(params.range)))
    actions.push_back({{"title", action.title},
                       {"kind", "quickfix"},
                       {"diagnostics", json::array({diagnostic_of(action.diagnostic)})},
                       {"edit", workspace_edit(action.edits)}});
  return actions;
}

json LSPServer::hierarchy_item(const HierarchyItem& item) const {
  bool dataset = item.kind == SymbolKind::Dataset;
  return {{"name", item.name},
          {"kind", lsp_symbol_kind(item.kind)},
          {"detail", item.detail},
          {"uri", uri_of(item.range.path)},
          {"range", to_protocol(item.range.range)},
          {"selectionRange", to_protocol(item.selection.range)},
          {"data", {{"kind", dataset ? "dataset" : "job"}, {"name", item.name}}}};
}

json LSPServer::on_prepare_call_hierarchy(const protocol::TextDocumentPositionParams& params) {
  std::vector<HierarchyItem> items =
      server_.prepare_call_hierarchy(path_of(params.uri), to_position(params.position));
  if (items.empty()) return nullptr;
  json list = json::array();
  for (const HierarchyItem& item : items) list.push_back(hierarchy_item(item));
  return list;
}

// Upstream answers incomingCalls ({from, fromRanges}), downstream outgoingCalls
// ({to, fromRanges}).
json LSPServer::lineage_calls(const protocol::CallHierarchyCallsParams& params, bool upstream) {
  SymbolKind kind = params.kind == "dataset" ? SymbolKind::Dataset : SymbolKind::Job;
  json calls = json::array();
  for (const HierarchyEdge& edge : server_.lineage(kind, params.name, upstream, queue_.running())) {
    json ranges = json::array();
    for (const FileRange& range : edge.ranges) ranges.push_back(to_protocol(range.range));
    calls.push_back(
        {{upstream ? "from" : "to", hierarchy_item(edge.item)}, {"fromRanges", ranges}});
  }
  return calls;
}

json LSPServer::on_incoming_calls(const protocol::CallHierarchyCallsParams& params) {
  return lineage_calls(params, true);
}

json LSPServer::on_outgoing_calls(const protocol::CallHierarchyCallsParams& params) {
  return lineage_calls(params, false);
}

json LSPServer::on_inlay_hint(const protocol::TextDocumentRangeParams& params) {
  json hints = json::array();
  for (const InlayHintResult& hint :
       server_.inlay_hints(path_of(params.uri), to_text_range(params.range)))
    hints.push_back({{"position", protocol::Position{hint.position.line, hint.position.character}},
                     {"label", hint.label},
                     {"paddingLeft", true}});
  return hints;
}

json LSPServer::on_code_lens(const protocol::TextDocumentParams& params) {
  json lenses = json::array();
  // The title is the information; the command does nothing (clients need one to show it).
  for (const CodeLensResult& lens : server_.code_lenses(path_of(params.uri), queue_.running()))
    lenses.push_back({{"range", to_protocol(lens.range)},
                      {"command", {{"title", lens.title}, {"command", ""}}}});
  return lenses;
}

}  // namespace databuild::lsp
