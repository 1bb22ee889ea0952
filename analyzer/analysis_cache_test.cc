// The analysis cache serves what was stored under the same content and tool,
// nothing else: other content, another tool build, a damaged or truncated
// entry are all misses. The end-to-end behaviour of `databuild check` with the
// cache (edits invalidate, damage is ignored) is in tests/lit/check/cache.test.
#include "analysis_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "lower.h"

namespace databuild {
namespace {

namespace fs = std::filesystem;

class AnalysisCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("databuild-cache-test-" + std::to_string(getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory_);
    fs::create_directories(directory_ / "models");
    fs::create_directories(directory_ / "workspaces");
  }
  void TearDown() override { fs::remove_all(directory_); }

  AnalysisCache cache(uint64_t tool = 1) const {
    return AnalysisCache(directory_.string(), ContentHash{tool, tool});
  }
  std::vector<fs::path> entries(const char* kind) const {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(directory_ / kind))
      paths.push_back(entry.path());
    return paths;
  }

  fs::path directory_;
};

const char* const kSource = "policy pii\ndataset d[day: date] { external\n  taint pii }\n";

TEST_F(AnalysisCacheTest, ModelsAreServedByContentUnderAnyFileId) {
  AnalysisCache models = cache();
  EXPECT_FALSE(models.load_model(kSource, 0));
  FileModel model = parse_and_lower(0, kSource);
  models.store_model(kSource, model);
  std::optional<FileModel> loaded = models.load_model(kSource, 5);
  ASSERT_TRUE(loaded);
  EXPECT_TRUE(*loaded == parse_and_lower(5, kSource));
  EXPECT_FALSE(models.load_model(std::string(kSource) + " ", 0));
  EXPECT_FALSE(cache(2).load_model(kSource, 0)) << "another build of the tool";
}

TEST_F(AnalysisCacheTest, DamagedEntriesAreMisses) {
  AnalysisCache models = cache();
  models.store_model(kSource, parse_and_lower(0, kSource));
  std::vector<fs::path> stored = entries("models");
  ASSERT_EQ(stored.size(), 1u);
  std::string bytes;
  {
    std::ifstream in(stored[0], std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& content) {
    std::ofstream(stored[0], std::ios::binary | std::ios::trunc) << content;
  };
  write(bytes.substr(0, bytes.size() / 2));
  EXPECT_FALSE(models.load_model(kSource, 0)) << "truncated";
  std::string flipped = bytes;
  flipped[flipped.size() - 3] ^= 0x20;
  write(flipped);
  EXPECT_FALSE(models.load_model(kSource, 0)) << "a flipped bit";
  write("");
  EXPECT_FALSE(models.load_model(kSource, 0)) << "empty";
  write(bytes);
  EXPECT_TRUE(models.load_model(kSource, 0)) << "restored";
}

TEST_F(AnalysisCacheTest, WorkspaceDiagnosticsAreKeyedByEveryPathAndContent) {
  AnalysisCache results = cache();
  AnalysisCache::Files files = {{"/w/workspace.dbuild", "workspace w {}\n"}, {"/w/a.dbuild", "x"}};
  std::vector<Diagnostic> diagnostics = {
      make_diagnostic(DiagnosticCode::SyntaxError, Location{1, {0, 1}}, {"unexpected 'x'"})};
  ContentHash key = results.workspace_key(files);
  EXPECT_FALSE(results.load_diagnostics(key, files.size()));
  results.store_diagnostics(key, diagnostics);
  EXPECT_EQ(results.load_diagnostics(key, files.size()), diagnostics);
  // Too few files for the stored diagnostics: not a hit.
  EXPECT_FALSE(results.load_diagnostics(key, 1));

  AnalysisCache::Files renamed = files;
  renamed[1].first = "/w/b.dbuild";
  AnalysisCache::Files edited = files;
  edited[1].second = "y";
  AnalysisCache::Files added = files;
  added.emplace_back("/w/c.dbuild", "");
  for (const AnalysisCache::Files& other : {renamed, edited, added})
    EXPECT_NE(results.workspace_key(other), key);
  EXPECT_NE(cache(2).workspace_key(files), key);
}

TEST_F(AnalysisCacheTest, PruneKeepsWhatTheWorkspaceUsesAndRecentEntries) {
  AnalysisCache models = cache();
  models.store_model("old", parse_and_lower(0, "old"));
  models.store_model("old but used", parse_and_lower(0, "old but used"));
  for (const fs::path& path : entries("models"))
    fs::last_write_time(path, fs::last_write_time(path) - std::chrono::hours(48));
  models.store_model("used", parse_and_lower(0, "used"));
  models.store_model("recent", parse_and_lower(0, "recent"));
  models.prune({{"/w/a.dbuild", "used"}, {"/w/b.dbuild", "old but used"}});
  EXPECT_TRUE(models.load_model("used", 0));
  EXPECT_TRUE(models.load_model("recent", 0));
  EXPECT_TRUE(models.load_model("old but used", 0));
  EXPECT_FALSE(models.load_model("old", 0));

  for (int i = 0; i < 20; ++i)
    models.store_diagnostics(ContentHash{static_cast<uint64_t>(i), 0}, {});
  models.prune({});
  EXPECT_LE(entries("workspaces").size(), 8u);
}

}  // namespace
}  // namespace databuild
