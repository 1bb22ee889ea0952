// The analysis server over a real workspace directory: disk files overlaid by
// open documents, diagnostics published per affected file, disk changes.
#include "DataBuildServer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace databuild::lsp {
namespace {

namespace fs = std::filesystem;

class DataBuildServerTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing::TempDir()) /
            ("lsp-" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    write("workspace.dbuild", "workspace w {}\ndataset a { external }\n");
    write("jobs.dbuild", "dataset b\njob j {\n  input i = a\n  output o = b\n  run [\"x\"]\n}\n");
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(root_ / name) << text;
  }
  std::string path(const std::string& name) const { return (root_ / name).string(); }

  static const FileDiagnostics* find(const std::vector<FileDiagnostics>& updates,
                                     const std::string& path) {
    for (const FileDiagnostics& update : updates) {
      if (update.path == path) return &update;
    }
    return nullptr;
  }

  fs::path root_;
};

TEST_F(DataBuildServerTest, AnEditInOneFileClearsDiagnosticsInAnother) {
  DataBuildServer server({1});
  server.set_root(root_.string());
  EXPECT_TRUE(server.load().empty());  // a clean workspace: nothing to publish

  // Renaming `a` breaks the reference in jobs.dbuild, which is not open.
  std::string workspace = path("workspace.dbuild");
  server.open(workspace, "workspace w {}\ndataset a { external }\n", 1);
  std::vector<FileDiagnostics> broken =
      server.change(workspace, {{TextRange{{1, 8}, {1, 9}}, "z"}}, 2);
  const FileDiagnostics* jobs = find(broken, path("jobs.dbuild"));
  ASSERT_NE(jobs, nullptr);
  ASSERT_EQ(jobs->diagnostics.size(), 1u);
  EXPECT_EQ(jobs->diagnostics[0].code, "unresolved-reference");
  EXPECT_EQ(jobs->diagnostics[0].range, (TextRange{{2, 12}, {2, 13}}));
  EXPECT_FALSE(jobs->version);  // not open
  ASSERT_NE(find(broken, workspace), nullptr);
  EXPECT_EQ(find(broken, workspace)->version, 2);

  // Closing the document reverts to the disk text, which is fine: clear.
  std::vector<FileDiagnostics> fixed = server.close(workspace);
  jobs = find(fixed, path("jobs.dbuild"));
  ASSERT_NE(jobs, nullptr);
  EXPECT_TRUE(jobs->diagnostics.empty());
}

TEST_F(DataBuildServerTest, RootIsFoundFromTheFirstDocumentOpened) {
  DataBuildServer server({1});
  std::vector<FileDiagnostics> updates =
      server.open(path("jobs.dbuild"), "dataset b\njob j { input i = a output o = b }", 1);
  ASSERT_TRUE(server.root());
  EXPECT_EQ(*server.root(), root_.string());
  const FileDiagnostics* jobs = find(updates, path("jobs.dbuild"));
  ASSERT_NE(jobs, nullptr);
  ASSERT_EQ(jobs->diagnostics.size(), 1u);  // the missing `run`; `a` resolves from disk
  EXPECT_NE(jobs->diagnostics[0].message.find("run"), std::string::npos);
}

TEST_F(DataBuildServerTest, FilesCreatedAndDeletedOnDiskJoinAndLeave) {
  DataBuildServer server({1});
  server.set_root(root_.string());
  server.load();
  write("dup.dbuild", "dataset a\n");
  std::vector<FileDiagnostics> created = server.files_changed_on_disk({path("dup.dbuild")});
  const FileDiagnostics* duplicate = find(created, path("dup.dbuild"));
  ASSERT_NE(duplicate, nullptr);
  EXPECT_TRUE(std::any_of(
      duplicate->diagnostics.begin(), duplicate->diagnostics.end(),
      [](const FileDiagnostic& diagnostic) { return diagnostic.code == "duplicate-definition"; }));
  fs::remove(root_ / "dup.dbuild");
  std::vector<FileDiagnostics> deleted = server.files_changed_on_disk({path("dup.dbuild")});
  ASSERT_NE(find(deleted, path("dup.dbuild")), nullptr);
  EXPECT_TRUE(find(deleted, path("dup.dbuild"))->diagnostics.empty());
}

TEST_F(DataBuildServerTest, NavigationAcrossFilesInUtf16) {
  DataBuildServer server({1});
  server.set_root(root_.string());
  server.load();
  // A comment with non-ASCII text before the use shifts bytes, not UTF-16 units.
  std::string jobs = path("jobs.dbuild");
  server.open(jobs, "dataset b\njob j {\n  input i = a # é😀\n  output o = b\n  run [\"x\"]\n}\n",
              1);
  std::optional<FileRange> definition = server.definition(jobs, {2, 12});
  ASSERT_TRUE(definition);
  EXPECT_EQ(definition->path, path("workspace.dbuild"));
  EXPECT_EQ(definition->range, (TextRange{{1, 8}, {1, 9}}));
  EXPECT_EQ(server.implementations(jobs, {0, 8}).size(), 1u);
  EXPECT_EQ(server.references(jobs, {2, 12}, true).size(), 2u);
  ASSERT_TRUE(server.hover(jobs, {2, 12}));

  auto rename = server.rename(jobs, {2, 12}, "source");
  ASSERT_TRUE(rename.value) << rename.error;
  EXPECT_EQ(rename.value->size(), 2u);
  EXPECT_EQ(rename.value->at(jobs)[0].first, (TextRange{{2, 12}, {2, 13}}));
  EXPECT_FALSE(server.rename(jobs, {2, 12}, "b").value);

  std::vector<SymbolTree> symbols = server.document_symbols(jobs);
  ASSERT_EQ(symbols.size(), 2u);
  EXPECT_EQ(symbols[1].name, "j");
  EXPECT_EQ(symbols[1].children.size(), 2u);  // the two ports
  EXPECT_EQ(server.folding_ranges(jobs).size(), 1u);
  EXPECT_FALSE(server.workspace_symbols("j").empty());
}

// The server drops the texts of closed files and reads them again to show a
// result in one: UTF-16 positions behind non-ASCII text come out right, and a
// file changed on disk behind the server's back gives no wrong excerpt or crash
// until its change is reported.
TEST_F(DataBuildServerTest, ClosedFilesAreReadAgainToShowResultsInThem) {
  write("jobs.dbuild",
        "dataset b[day: date]\njob j(d: date) {\n  input i = a\n  output o = b[day = d]\n"
        "  run [\"é😀\", \"{d}\"]\n}\n");
  DataBuildServer server({1});
  server.set_root(root_.string());
  server.load();
  std::string jobs = path("jobs.dbuild");                                // never opened
  std::vector<FileRange> uses = server.references(jobs, {1, 6}, false);  // the parameter d
  ASSERT_EQ(uses.size(), 2u);
  EXPECT_EQ(uses[0].range, (TextRange{{3, 21}, {3, 22}}));
  EXPECT_EQ(uses[1].range, (TextRange{{4, 16}, {4, 17}}));  // after 3 UTF-16 units in 6 bytes
  ASSERT_TRUE(server.hover(jobs, {2, 12}));

  // Changed on disk, not yet reported: the text analyzed cannot be read back.
  write("jobs.dbuild", "# rewritten\n");
  EXPECT_NO_THROW(server.references(jobs, {1, 6}, false));
  EXPECT_NO_THROW(server.hover(jobs, {2, 12}));
  EXPECT_NO_THROW(server.semantic_tokens(jobs));
  server.files_changed_on_disk({jobs});
  EXPECT_TRUE(server.references(jobs, {1, 6}, false).empty());
}

}  // namespace
}  // namespace databuild::lsp
