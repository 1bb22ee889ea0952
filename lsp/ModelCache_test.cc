// Reuse only when text and FileId are unchanged, and the same results as a
// full analysis either way.
#include "ModelCache.h"

#include <gtest/gtest.h>

namespace databuild::lsp {
namespace {

using Sources = std::vector<std::pair<std::string, std::string>>;

const Sources kWorkspace = {
    {"/w/workspace.dbuild", "workspace w {}\ndataset a { external }\n"},
    {"/w/jobs.dbuild", "dataset b\njob j {\n  input i = a\n  output o = b\n  run [\"x\"]\n}\n"},
};

ModelCache::Sources views(const Sources& sources) { return {sources.begin(), sources.end()}; }

std::vector<std::string> messages(const Analysis& analysis) {
  std::vector<std::string> all;
  for (const Diagnostic& diagnostic : analysis.diagnostics()) all.push_back(diagnostic.message);
  return all;
}

TEST(ModelCache, LowersOnlyWhatChanged) {
  ModelCache cache;
  std::unique_ptr<Analysis> analysis = cache.analyze(nullptr, "/w", views(kWorkspace), {}, 1);
  EXPECT_EQ(cache.last_lowered(), 2u);
  analysis = cache.analyze(std::move(analysis), "/w", views(kWorkspace), {}, 1);
  EXPECT_EQ(cache.last_lowered(), 0u);
  Sources edited = kWorkspace;
  edited[0].second = "workspace w {}\ndataset z { external }\n";
  analysis = cache.analyze(std::move(analysis), "/w", views(edited), {}, 1);
  EXPECT_EQ(cache.last_lowered(), 1u);
  // The unchanged file is linked afresh against the edited one.
  EXPECT_EQ(messages(*analysis), messages(*analyze_sources("/w", edited)));
  ASSERT_FALSE(messages(*analysis).empty());
}

// A model moved from one analysis to the next keeps no link from the last:
// a reference that resolved and no longer does is unresolved, and one that
// resolves again points into the new analysis.
TEST(ModelCache, ReusedModelsAreLinkedAfresh) {
  ModelCache cache;
  std::unique_ptr<Analysis> analysis = cache.analyze(nullptr, "/w", views(kWorkspace), {}, 1);
  Sources renamed = kWorkspace;
  renamed[0].second = "workspace w {}\ndataset z { external }\n";
  analysis = cache.analyze(std::move(analysis), "/w", views(renamed), {}, 1);
  EXPECT_EQ(analysis->models[1].jobs[0].inputs[0].pattern.target, nullptr);
  analysis = cache.analyze(std::move(analysis), "/w", views(kWorkspace), {}, 1);
  EXPECT_EQ(cache.last_lowered(), 1u);
  EXPECT_TRUE(messages(*analysis).empty());
  EXPECT_EQ(analysis->models[1].jobs[0].inputs[0].pattern.target, &analysis->models[0].datasets[0]);
}

TEST(ModelCache, AFileThatMovesIsLoweredAgain) {
  ModelCache cache;
  std::unique_ptr<Analysis> analysis = cache.analyze(nullptr, "/w", views(kWorkspace), {}, 1);
  Sources inserted = kWorkspace;
  inserted.insert(inserted.begin() + 1, {"/w/new.dbuild", "policy p\n"});
  analysis = cache.analyze(std::move(analysis), "/w", views(inserted), {}, 1);
  EXPECT_EQ(cache.last_lowered(), 2u);  // new.dbuild, and jobs.dbuild now FileId 2
  EXPECT_EQ(messages(*analysis), messages(*analyze_sources("/w", inserted)));
  for (FileId id = 0; id < analysis->models.size(); ++id) EXPECT_EQ(analysis->models[id].file, id);
}

}  // namespace
}  // namespace databuild::lsp
