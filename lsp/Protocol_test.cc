// Decoding what clients send (including what they may leave out or get wrong)
// and encoding what the server sends.
#include "Protocol.h"

#include <gtest/gtest.h>

namespace databuild::lsp::protocol {
namespace {

TEST(Protocol, DecodesIncrementalAndFullChanges) {
  json params = json::parse(R"({
    "textDocument": {"uri": "file:///w/a.dbuild", "version": 3},
    "contentChanges": [
      {"range": {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 4}},
       "text": "xy"},
      {"text": "whole"}]})");
  auto decoded = params.get<DidChangeTextDocumentParams>();
  EXPECT_EQ(decoded.version, 3);
  ASSERT_EQ(decoded.contentChanges.size(), 2u);
  ASSERT_TRUE(decoded.contentChanges[0].range);
  EXPECT_EQ(decoded.contentChanges[0].range->end.character, 4);
  EXPECT_FALSE(decoded.contentChanges[1].range);
}

TEST(Protocol, RejectsMissingAndNegativeFields) {
  EXPECT_ANY_THROW(json::parse(R"({"textDocument": {}})").get<TextDocumentParams>());
  EXPECT_ANY_THROW(json::parse(R"({"line": -1, "character": 0})").get<Position>());
  EXPECT_ANY_THROW(json::parse(R"({"line": "1", "character": 0})").get<Position>());
}

TEST(Protocol, InitializeReadsRootsAndCapabilities) {
  auto params = json::parse(R"({
    "rootUri": null,
    "workspaceFolders": [{"uri": "file:///w", "name": "w"}],
    "capabilities": {"window": {"workDoneProgress": true}}})")
                    .get<InitializeParams>();
  EXPECT_FALSE(params.rootUri);
  EXPECT_EQ(params.workspaceFolderUris, std::vector<std::string>{"file:///w"});
  EXPECT_TRUE(params.workDoneProgress);
  EXPECT_FALSE(params.watchedFilesRegistration);
}

TEST(Protocol, EncodesDiagnosticsWithRelatedInformation) {
  Diagnostic diagnostic{{{0, 1}, {0, 2}},
                        DiagnosticSeverity::Warning,
                        "unused-definition",
                        "m",
                        {{{"file:///w/b.dbuild", {{3, 0}, {3, 1}}}, "here"}}};
  json encoded = PublishDiagnosticsParams{"file:///w/a.dbuild", 7, {diagnostic}};
  EXPECT_EQ(encoded["version"], 7);
  EXPECT_EQ(encoded["diagnostics"][0]["severity"], 2);
  EXPECT_EQ(
      encoded["diagnostics"][0]["relatedInformation"][0]["location"]["range"]["start"]["line"], 3);
}

TEST(Protocol, EncodesEmptyDiagnosticListsToClear) {
  json encoded = PublishDiagnosticsParams{"file:///w/a.dbuild", std::nullopt, {}};
  EXPECT_TRUE(encoded["diagnostics"].is_array());
  EXPECT_TRUE(encoded["diagnostics"].empty());
  EXPECT_FALSE(encoded.contains("version"));
}

}  // namespace
}  // namespace databuild::lsp::protocol
