// The progress formatter and the three status outputs, on a string stream
// and a fake clock: what a person sees on a terminal, what a CI log gets, and
// that `--json` is one parseable object per line.
#include "status.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace databuild {
namespace {

TEST(FormatDuration, SecondsMinutesHours) {
  EXPECT_EQ(format_duration(0), "0s");
  EXPECT_EQ(format_duration(59.4), "59s");
  EXPECT_EQ(format_duration(65), "1m05s");
  EXPECT_EQ(format_duration(3725), "1h02m");
  EXPECT_EQ(format_duration(-3), "0s");
}

TEST(FormatProgress, NoEtaUntilSomethingFinished) {
  Progress progress{10, 0, 2, 0};
  EXPECT_EQ(format_progress(progress, 3),
            "[0/10] 0 done, 2 running, 8 queued, 0 failed, 3s elapsed");
}

TEST(FormatProgress, EtaFromTheJobsFinishedSoFar) {
  Progress progress{10, 2, 2, 0};
  EXPECT_EQ(format_progress(progress, 20),
            "[2/10] 2 done, 2 running, 6 queued, 0 failed, 20s elapsed, ETA 1m20s");
}

TEST(FormatProgress, NoEtaWhenNothingRemains) {
  Progress progress{3, 2, 0, 1};
  EXPECT_EQ(format_progress(progress, 9),
            "[2/3] 2 done, 0 running, 0 queued, 1 failed, 9s elapsed");
}

TEST(BuildStatus, CountsRetriesAsRunningAgainNotFailed) {
  std::ostringstream out;
  PlainStatus status(out);
  status.set_total(2);
  status.job_started("a", 1, "log");
  status.job_finished("a", false, "exit status 1", "log", /*retrying=*/true);
  EXPECT_EQ(status.progress().failed, 0u);
  status.job_started("a", 2, "log");
  status.job_finished("a", true, "", "log", false);
  status.job_cancelled("b");
  EXPECT_EQ(status.progress().done, 1u);
  EXPECT_EQ(status.progress().failed, 1u);
  EXPECT_EQ(status.progress().queued(), 0u);
  EXPECT_EQ(out.str(),
            "[0/2] run a\n"
            "[0/2] FAILED a: exit status 1 (log: log)\n"
            "[0/2] run a (attempt 2)\n"
            "[1/2] done a\n");
}

TEST(TerminalStatus, PrintsEventLinesAboveAStatusLineRedrawnInPlace) {
  std::ostringstream out;
  double now = 100;
  TerminalStatus status(out, [&] { return now; });
  status.set_total(2);
  status.job_started("a", 1, "log");
  now = 104;
  status.tick();  // redrawn: half a second passed
  status.job_finished("a", true, "", "log", false);
  status.finish();
  const std::string erase = "\r\x1b[K";
  EXPECT_EQ(out.str(),
            "[0/2] run a\n" + erase + "[0/2] 0 done, 1 running, 1 queued, 0 failed, 0s elapsed" +
                erase + "[0/2] 0 done, 1 running, 1 queued, 0 failed, 4s elapsed" + erase +
                "[1/2] done a\n" + erase +
                "[1/2] 1 done, 0 running, 1 queued, 0 failed, 4s elapsed, ETA 4s" + erase +
                "[1/2] 1 done, 0 running, 1 queued, 0 failed, 4s elapsed, ETA 4s\n");
}

TEST(JsonStatus, OneObjectPerLine) {
  std::ostringstream out;
  JsonStatus status(out);
  status.set_total(1);
  status.job_started("a", 1, "log");
  status.job_finished("a", true, "", "log", false);
  status.partition_failed("x/k=1", "why");
  status.note("hello");
  std::istringstream lines(out.str());
  std::vector<std::string> events;
  for (std::string line; std::getline(lines, line);)
    events.push_back(nlohmann::json::parse(line).at("event").get<std::string>());
  EXPECT_EQ(events, (std::vector<std::string>{"started", "succeeded", "not-built", "note"}));
  EXPECT_NE(out.str().find("\"done\":1"), std::string::npos);
}

}  // namespace
}  // namespace databuild
