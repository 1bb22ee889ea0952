// The binding layer: JSON-RPC over a Transport on one side, the analysis
// server (DataBuildServer) on the other. Only this layer knows JSON-RPC and
// the LSP's method names; it decodes parameters (Protocol.h), calls the
// analysis server, and encodes results, errors and notifications.
//
// Lifecycle (LSP 3.17 "Server lifetime"): before `initialize` every request is
// answered ServerNotInitialized and notifications other than `exit` are
// dropped; after `shutdown` requests are answered InvalidRequest; `exit` ends
// the loop with status 0 after `shutdown` and 1 otherwise (end of input too).
// Malformed input is answered, never fatal: ParseError for text that is not
// JSON, InvalidRequest for JSON that is not a request or notification,
// MethodNotFound for unknown requests, InvalidParams for bad parameters.
//
// Requests are served one at a time, in order, while a reader thread queues
// what the client sends (MessageQueue): a request cancelled while it waited
// is answered RequestCancelled without doing the work, and one cancelled while
// it runs gives up at its next check of the cancellation token that handlers
// pass to the analysis server (Cancellation.h), answered the same way. Edits
// are applied as they come, but the workspace is analyzed (and diagnostics
// published) only when the next message is not another edit: a burst of
// didChange notifications already queued costs one analysis, and every
// request sees the analysis of every edit before it.
//
// Ownership: the LSPServer borrows the Transport and the DataBuildServer.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "DataBuildServer.h"
#include "MessageQueue.h"
#include "Protocol.h"
#include "Transport.h"

namespace databuild::lsp {

class LSPServer {
 public:
  LSPServer(Transport& transport, DataBuildServer& server);

  // Serves until `exit` or the end of input; returns the process exit status.
  int run();

 private:
  using json = nlohmann::json;
  using RequestHandler = std::function<json(const json& params)>;
  using NotificationHandler = std::function<void(const json& params)>;

  template <typename Params>
  void bind_request(const std::string& method, json (LSPServer::*handler)(const Params&));
  template <typename Params>
  void bind_notification(const std::string& method, void (LSPServer::*handler)(const Params&));

  void handle(const IncomingMessage& message);
  void handle_request(const json& id, const std::string& method, const json& params);
  void handle_notification(const std::string& method, const json& params);
  void handle_response(const json& message);
  // Publishes the diagnostics of the edits not yet analyzed, if any.
  void analyze_edits();

  void reply(const json& id, json result);
  void reply_error(const json& id, protocol::ErrorCode code, const std::string& message);
  void notify(const std::string& method, json params);
  // Sends a request to the client; `on_reply(accepted)` runs when it answers,
  // with `accepted` false when the answer is an error.
  void send_request(const std::string& method, json params,
                    std::function<void(bool accepted)> on_reply);
  void publish(const std::vector<FileDiagnostics>& updates);
  protocol::Diagnostic diagnostic_of(const FileDiagnostic& diagnostic) const;
  protocol::WorkspaceEdit workspace_edit(const FileEdits& edits) const;
  // The path a file:// URI names (else InvalidParams), remembering the URI:
  // clients escape differently, and answers should name files as they did.
  std::string path_of(const std::string& uri);
  std::string uri_of(const std::string& path) const;
  protocol::Location location_of(const FileRange& range) const;
  json locations(const std::vector<FileRange>& ranges) const;
  void load_workspace();

  // Requests.
  json on_initialize(const protocol::InitializeParams& params);
  json on_shutdown(const json& params);
  json on_definition(const protocol::TextDocumentPositionParams& params);
  json on_implementation(const protocol::TextDocumentPositionParams& params);
  json on_references(const protocol::ReferenceParams& params);
  json on_hover(const protocol::TextDocumentPositionParams& params);
  json on_document_symbol(const protocol::TextDocumentParams& params);
  json on_workspace_symbol(const protocol::WorkspaceSymbolParams& params);
  json on_completion(const protocol::TextDocumentPositionParams& params);
  json on_prepare_rename(const protocol::TextDocumentPositionParams& params);
  json on_rename(const protocol::RenameParams& params);
  json on_folding_range(const protocol::TextDocumentParams& params);
  json on_semantic_tokens(const protocol::TextDocumentParams& params);
  json on_formatting(const protocol::TextDocumentParams& params);
  json on_code_action(const protocol::TextDocumentRangeParams& params);
  json on_prepare_call_hierarchy(const protocol::TextDocumentPositionParams& params);
  json on_incoming_calls(const protocol::CallHierarchyCallsParams& params);
  json on_outgoing_calls(const protocol::CallHierarchyCallsParams& params);
  json on_inlay_hint(const protocol::TextDocumentRangeParams& params);
  json on_code_lens(const protocol::TextDocumentParams& params);
  json hierarchy_item(const HierarchyItem& item) const;
  json lineage_calls(const protocol::CallHierarchyCallsParams& params, bool upstream);
  // Notifications.
  void on_initialized(const json& params);
  void on_did_open(const protocol::DidOpenTextDocumentParams& params);
  void on_did_change(const protocol::DidChangeTextDocumentParams& params);
  void on_did_close(const protocol::TextDocumentParams& params);
  void on_did_save(const protocol::TextDocumentParams& params);
  void on_did_change_watched_files(const protocol::DidChangeWatchedFilesParams& params);

  enum class State { Uninitialized, Running, ShutDown, Exited };

  Transport& transport_;
  DataBuildServer& server_;
  std::map<std::string, RequestHandler> requests_;
  std::map<std::string, NotificationHandler> notifications_;
  State state_ = State::Uninitialized;
  int exit_status_ = 1;  // set by `exit`
  bool client_supports_progress_ = false;
  bool client_watches_files_ = false;
  MessageQueue queue_;
  // Our own requests to the client awaiting an answer, by id.
  std::map<std::string, std::function<void(bool accepted)>> awaiting_response_;
  int next_request_id_ = 0;
  std::map<std::string, std::string> client_uris_;  // path -> URI as the client sent it
};

}  // namespace databuild::lsp
