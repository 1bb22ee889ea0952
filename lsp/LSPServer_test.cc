// The JSON-RPC binding: lifecycle, error answers and cancellation, driven
// through a Transport as the executable does.
#include "LSPServer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace databuild::lsp {
namespace {

using nlohmann::json;

const char* kInitialize = R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})";
const char* kShutdown = R"({"jsonrpc":"2.0","id":9,"method":"shutdown"})";
const char* kExit = R"({"jsonrpc":"2.0","method":"exit"})";

struct Session {
  int exit_status;
  std::vector<json> replies;
};

// Runs the server on `messages` (delimited style) and collects what it writes.
Session serve(const std::vector<std::string>& messages) {
  std::string input;
  for (const std::string& message : messages) input += message + "\n---\n";
  FILE* in = tmpfile();
  FILE* out = tmpfile();
  fputs(input.c_str(), in);
  rewind(in);
  Transport transport(fileno(in), fileno(out), InputStyle::Delimited, false);
  DataBuildServer analysis({1});
  Session session{LSPServer(transport, analysis).run(), {}};
  rewind(out);
  std::string written;
  for (int c; (c = fgetc(out)) != EOF;) written += static_cast<char>(c);
  fclose(in);
  fclose(out);
  for (size_t at = 0; (at = written.find("\r\n\r\n", at)) != std::string::npos;) {
    size_t next = written.find("Content-Length", at);
    session.replies.push_back(json::parse(written.substr(at + 4, next - at - 4)));
    at += 4;
  }
  return session;
}

int error_code(const json& reply) { return reply.at("error").at("code"); }

TEST(LSPServer, ExitStatusDependsOnShutdown) {
  EXPECT_EQ(serve({kInitialize, kShutdown, kExit}).exit_status, 0);
  EXPECT_EQ(serve({kInitialize, kExit}).exit_status, 1);
  EXPECT_EQ(serve({kInitialize}).exit_status, 1);  // end of input
}

TEST(LSPServer, RequestsBeforeInitializeAndAfterShutdown) {
  Session session = serve(
      {R"({"jsonrpc":"2.0","id":1,"method":"workspace/symbol","params":{"query":""}})", kInitialize,
       kShutdown, R"({"jsonrpc":"2.0","id":2,"method":"workspace/symbol","params":{"query":""}})",
       kExit});
  ASSERT_EQ(session.replies.size(), 4u);
  EXPECT_EQ(error_code(session.replies[0]), -32002);
  EXPECT_EQ(error_code(session.replies[3]), -32600);
}

TEST(LSPServer, MalformedMessagesAreAnswered) {
  Session session =
      serve({kInitialize, "{not json", "[1, 2]", R"({"jsonrpc":"2.0","id":3})",
             R"({"jsonrpc":"2.0","id":4,"method":"no/such"})",
             R"({"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{}})",
             R"({"jsonrpc":"2.0","id":6,"method":"initialize","params":{}})", kShutdown, kExit});
  ASSERT_EQ(session.replies.size(), 8u);
  EXPECT_EQ(error_code(session.replies[1]), -32700);
  EXPECT_TRUE(session.replies[1]["id"].is_null());
  EXPECT_EQ(error_code(session.replies[2]), -32600);
  EXPECT_EQ(error_code(session.replies[3]), -32600);
  EXPECT_EQ(session.replies[3]["id"], 3);
  EXPECT_EQ(error_code(session.replies[4]), -32601);
  EXPECT_EQ(error_code(session.replies[5]), -32602);
  EXPECT_EQ(error_code(session.replies[6]), -32600);  // initialize twice
}

TEST(LSPServer, CancellationOfAQueuedRequestIsHonoured) {
  Session session = serve(
      {kInitialize,
       R"({"jsonrpc":"2.0","id":"s","method":"workspace/symbol","params":{"query":""}})",
       R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"s"}})", kShutdown, kExit});
  ASSERT_EQ(session.replies.size(), 3u);
  EXPECT_EQ(session.replies[1]["id"], "s");
  EXPECT_EQ(error_code(session.replies[1]), -32800);
}

TEST(LSPServer, WorkspaceLoadsWithoutProgressWhenTheTokenIsRefused) {
  std::filesystem::path root = std::filesystem::path(testing::TempDir()) / "lsp-refused-token";
  std::filesystem::create_directories(root);
  std::ofstream(root / "workspace.dbuild") << "dataset d { deny nothing }\n";
  json initialize = {{"jsonrpc", "2.0"},
                     {"id", 1},
                     {"method", "initialize"},
                     {"params",
                      {{"rootUri", "file://" + root.string()},
                       {"capabilities", {{"window", {{"workDoneProgress", true}}}}}}}};
  Session session =
      serve({initialize.dump(), R"({"jsonrpc":"2.0","method":"initialized","params":{}})",
             R"({"jsonrpc":"2.0","id":"databuild-0","error":{"code":-32603,"message":"no"}})",
             kShutdown, kExit});
  std::filesystem::remove_all(root);
  ASSERT_EQ(session.replies.size(), 4u);
  EXPECT_EQ(session.replies[1]["method"], "window/workDoneProgress/create");
  EXPECT_EQ(session.replies[2]["method"], "textDocument/publishDiagnostics");
}

TEST(LSPServer, DiagnosticsNameFilesAsTheClientDid) {
  // '+' needs no escape, but path_to_uri() escapes it; the client's form wins.
  Session session =
      serve({kInitialize, R"({"jsonrpc":"2.0","method":"initialized","params":{}})",
             R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":)"
             R"({"uri":"file:///nowhere/a+b.dbuild","languageId":"databuild","version":1,)"
             R"("text":"dataset d { deny nothing }"}}})",
             kShutdown, kExit});
  ASSERT_EQ(session.replies.size(), 3u);
  EXPECT_EQ(session.replies[1]["method"], "textDocument/publishDiagnostics");
  EXPECT_EQ(session.replies[1]["params"]["uri"], "file:///nowhere/a+b.dbuild");
  EXPECT_FALSE(session.replies[1]["params"]["diagnostics"].empty());
}

TEST(LSPServer, QueuedEditsCostOneAnalysis) {
  auto change = [](int version, const char* text) {
    return json{{"jsonrpc", "2.0"},
                {"method", "textDocument/didChange"},
                {"params",
                 {{"textDocument", {{"uri", "file:///nowhere/a.dbuild"}, {"version", version}}},
                  {"contentChanges", {{{"text", text}}}}}}}
        .dump();
  };
  // The edits are all queued when the first is applied: one analysis, of the
  // last text, published with the last version.
  Session session =
      serve({kInitialize, R"({"jsonrpc":"2.0","method":"initialized","params":{}})",
             R"({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":)"
             R"({"uri":"file:///nowhere/a.dbuild","languageId":"databuild","version":1,)"
             R"("text":"policy p"}}})",
             change(2, "policy p\npolicy p"), change(3, "dataset d { deny q }"),
             change(4, "dataset d { deny nothing }"), kShutdown, kExit});
  ASSERT_EQ(session.replies.size(), 4u);
  EXPECT_EQ(session.replies[1]["params"]["version"], 1);
  EXPECT_EQ(session.replies[2]["method"], "textDocument/publishDiagnostics");
  EXPECT_EQ(session.replies[2]["params"]["version"], 4);
  EXPECT_NE(session.replies[2]["params"]["diagnostics"].dump().find("nothing"), std::string::npos);
}

}  // namespace
}  // namespace databuild::lsp
