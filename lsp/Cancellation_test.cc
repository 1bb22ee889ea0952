// Cancellation of running queries: each whole-workspace query of the analysis
// server is driven with a fake token that cancels after a given number of
// checks, so the cancellation lands mid-way through the query's loop without
// threads or timing; and with a token that never cancels but counts, to show
// the query checked as it went and answered as it does without a token.
#include "Cancellation.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "DataBuildServer.h"

namespace databuild::lsp {
namespace {

namespace fs = std::filesystem;

// Cancelled from its `after`-th check on (never, if `after` is 0); counts checks.
class CancelAfter : public Cancellation {
 public:
  explicit CancelAfter(int after) : after_(after) {}
  bool cancelled() const override { return ++checks_ >= after_ && after_ > 0; }
  int checks() const { return checks_; }

 private:
  int after_;
  mutable int checks_ = 0;
};

TEST(Cancellation, FlagAndNever) {
  EXPECT_NO_THROW(Cancellation::never().check());
  CancellationFlag flag;
  EXPECT_NO_THROW(flag.check());
  flag.cancel();
  EXPECT_THROW(flag.check(), Cancelled);
  flag.reset();
  EXPECT_FALSE(flag.cancelled());
}

// A workspace whose dataset `a` is read by kJobs jobs, each in jobs.dbuild.
class CancellationTest : public testing::Test {
 protected:
  static constexpr int kJobs = 40;

  void SetUp() override {
    root_ = fs::path(testing::TempDir()) /
            ("lsp-cancel-" +
             std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    std::ofstream(root_ / "workspace.dbuild") << "workspace w {}\ndataset a { external }\n";
    std::ofstream jobs(root_ / "jobs.dbuild");
    for (int i = 0; i < kJobs; ++i) {
      jobs << "dataset b" << i << "\njob j" << i << " {\n  input i = a\n  output o = b" << i
           << "\n  run [\"x\"]\n}\n";
    }
    jobs.close();
    server_.set_root(root_.string());
    server_.load();
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string path(const std::string& name) const { return (root_ / name).string(); }

  // Runs `query` with a token cancelling at its third check, which must throw,
  // and with one that never cancels, which must have been checked more than
  // three times (so the third was mid-way) and give `expected_size` results.
  void expect_cancellable(const std::function<size_t(const Cancellation&)>& query,
                          size_t expected_size) {
    CancelAfter third(3);
    EXPECT_THROW(query(third), Cancelled);
    EXPECT_EQ(third.checks(), 3);
    CancelAfter counting(0);
    EXPECT_EQ(query(counting), expected_size);
    EXPECT_GT(counting.checks(), 3);
  }

  DataBuildServer server_{AnalysisOptions{1}};
  fs::path root_;
};

const TextPosition kDatasetA{1, 8};  // `a` in workspace.dbuild

TEST_F(CancellationTest, WorkspaceSymbols) {
  size_t all = server_.workspace_symbols("").size();
  ASSERT_GT(all, size_t{2 * kJobs});
  expect_cancellable([&](const Cancellation& c) { return server_.workspace_symbols("", c).size(); },
                     all);
}

TEST_F(CancellationTest, References) {
  expect_cancellable(
      [&](const Cancellation& c) {
        return server_.references(path("workspace.dbuild"), kDatasetA, true, c).size();
      },
      kJobs + 1);
}

TEST_F(CancellationTest, Rename) {
  expect_cancellable(
      [&](const Cancellation& c) {
        Refusable<FileEdits> edits = server_.rename(path("workspace.dbuild"), kDatasetA, "z", c);
        return edits.value ? edits.value->at(path("jobs.dbuild")).size() : 0;
      },
      kJobs);
}

TEST_F(CancellationTest, SemanticTokens) {
  size_t tokens = server_.semantic_tokens(path("jobs.dbuild")).size();
  ASSERT_GT(tokens, size_t{kJobs});
  expect_cancellable(
      [&](const Cancellation& c) { return server_.semantic_tokens(path("jobs.dbuild"), c).size(); },
      tokens);
}

TEST_F(CancellationTest, CodeLenses) {
  expect_cancellable(
      [&](const Cancellation& c) { return server_.code_lenses(path("jobs.dbuild"), c).size(); },
      kJobs);
}

TEST_F(CancellationTest, Lineage) {
  expect_cancellable(
      [&](const Cancellation& c) {
        return server_.lineage(SymbolKind::Dataset, "a", /*upstream=*/false, c).size();
      },
      kJobs);
}

TEST_F(CancellationTest, ACancelledQueryLeavesTheServerAnsweringAsBefore) {
  std::vector<FileRange> before = server_.references(path("workspace.dbuild"), kDatasetA, true);
  CancelAfter first(1);
  EXPECT_THROW(server_.references(path("workspace.dbuild"), kDatasetA, true, first), Cancelled);
  EXPECT_EQ(server_.references(path("workspace.dbuild"), kDatasetA, true), before);
}

}  // namespace
}  // namespace databuild::lsp
