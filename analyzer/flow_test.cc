// The flow checks (flow.h), one code at a time, each with cases that report it
// and close cases that do not, then the label API the language server and the
// runtime read, and the SARIF code flow of real taint-denied and cycle results.
#include "flow.h"

#include "report_sarif.h"
#include "test_support.h"

namespace databuild {
namespace {

using testing::analyze;
using testing::diagnoses;
using testing::Sources;

// The notes of the only diagnostic with `code`, as "line:col: message".
std::vector<std::string> notes_of(const Analysis& analysis, std::string_view code) {
  std::vector<std::string> notes;
  for (const Diagnostic& diagnostic : analysis.diagnostics()) {
    if (diagnostic.code() != code) continue;
    for (const RelatedLocation& note : diagnostic.related) {
      const SourceFile& file = analysis.files[note.location.file];
      LineColumn at = file.lines.position(note.location.range.begin);
      notes.push_back(std::to_string(at.line + 1) + ":" + std::to_string(at.column + 1) + ": " +
                      note.message);
    }
  }
  return notes;
}

std::string message_of(const Analysis& analysis, std::string_view code) {
  for (const Diagnostic& diagnostic : analysis.diagnostics()) {
    if (diagnostic.code() == code) return diagnostic.message;
  }
  return "(none)";
}

// ---- overlapping-producers ---------------------------------------------------------

const char* const kRegions = R"(
type region = enum(us, eu)
dataset t[d: date since 2024-01-01 until 2024-12-31, r: region]
)";

TEST(Flow, OverlappingProducersSameShape) {
  std::unique_ptr<Analysis> analysis = analyze({{"a.dbuild", std::string(kRegions) + R"(
job a(d: date, r: region) {
  output o = t[d = d, r = r]
  run ["a"]
}
job b(day: date, r: region) {
  output out = t[r = r, d = day]
  run ["b"]
}
)"}});
  EXPECT_EQ(testing::summarize(*analysis),
            std::vector<std::string>{"a.dbuild:9:16: error: overlapping-producers"});
  EXPECT_EQ(message_of(*analysis, "overlapping-producers"),
            "output 'out' of job 'b' and output 'o' of job 'a' can both produce one partition of "
            "'t'");
  EXPECT_EQ(notes_of(*analysis, "overlapping-producers"),
            std::vector<std::string>{"5:14: output 'o' of job 'a' is declared here"});
}

TEST(Flow, OverlappingProducersLiteralsAndDomains) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", std::string(kRegions) + R"(
job us(d: date) {
  output o = t[d = d, r = us]
  run ["a"]
}
job eu(d: date) {
  output o = t[d = d, r = "eu"]
  run ["b"]
}
job old {
  output o = t[d = 2023-06-01, r = us]
  run ["c"]
}
job day(r: region) {
  output o = t[d = 2024-03-01, r = r]
  run ["d"]
}
)"}},
                        // us and eu differ in r; old lies before 'since'; day meets us
                        // on (2024-03-01, us) and eu on (2024-03-01, eu).
                        {"a.dbuild:17:14: error: overlapping-producers",
                         "a.dbuild:17:14: error: overlapping-producers"}));
}

TEST(Flow, OverlappingProducersParameterBindingTwoKeys) {
  const std::string dataset = "dataset p[a: int, b: int]\n";
  const std::string diagonal = R"(
job diagonal(x: int) {
  output o = p[a = x, b = x]
  run ["a"]
}
)";
  EXPECT_TRUE(diagnoses({{"a.dbuild", dataset + diagonal + R"(
job off {
  output o = p[a = 1, b = 2]
  run ["b"]
}
)"}},
                        {}));
  EXPECT_TRUE(diagnoses({{"a.dbuild", dataset + diagonal + R"(
job on {
  output o = p[a = 3, b = 3]
  run ["b"]
}
)"}},
                        {"a.dbuild:9:14: error: overlapping-producers"}));
}

TEST(Flow, OverlappingProducersWithinOneJob) {
  // Two outputs of one job are two runs' worth of parameters: swapping them
  // makes another run write the same partition.
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset p[a: int, b: int]
job split(x: int, y: int) {
  output first  = p[a = x, b = y]
  output second = p[a = y, b = x]
  run ["a"]
}
type side = enum(left, right)
dataset q[s: side]
job sides {
  output l = q[s = left]
  output r = q[s = right]
  run ["b"]
}
)"}},
                        {"a.dbuild:4:19: error: overlapping-producers"}));
}

TEST(Flow, OverlappingProducersUnpartitionedAndOncePerPair) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset s
job a {
  output o = s
  run ["a"]
}
job b {
  output o = s
  run ["b"]
}
job c {
  output o = s[]
  run ["c"]
}
)"}},
                        {"a.dbuild:7:14: error: overlapping-producers",
                         "a.dbuild:11:14: error: overlapping-producers",
                         "a.dbuild:11:14: error: overlapping-producers"}));
}

TEST(Flow, OverlappingProducersSkipsWhatIsAlreadyAnError) {
  // An invalid output binding and a duplicate job have their own errors.
  EXPECT_TRUE(diagnoses({{"a.dbuild", std::string(kRegions) + R"(
job a(d: date, r: region) {
  output o = t[d = d, r = r]
  run ["a"]
}
job b(d: date, r: region) {
  output o = t[d = d - 1d, r = r]
  run ["b"]
}
job a(d: date, r: region) {
  output o = t[d = d, r = r]
  run ["a"]
}
)"}},
                        {"a.dbuild:9:20: error: invalid-output-binding",
                         "a.dbuild:12:5: error: duplicate-definition"}));
}

// ---- cycle, unbounded-recursion ------------------------------------------------------

TEST(Flow, CycleThroughTwoJobs) {
  std::unique_ptr<Analysis> analysis = analyze({{"a.dbuild", R"(
dataset x
dataset y
job a {
  input  i = y
  output o = x
  run ["a"]
}
job b {
  input  i = x
  output o = y
  run ["b"]
}
)"}});
  EXPECT_EQ(testing::summarize(*analysis), std::vector<std::string>{"a.dbuild:4:14: error: cycle"});
  EXPECT_EQ(message_of(*analysis, "cycle"),
            "dependency cycle: dataset 'y' -> job 'a' -> dataset 'x' -> job 'b' -> dataset 'y'");
  EXPECT_EQ(notes_of(*analysis, "cycle"),
            (std::vector<std::string>{
                "2:9: 'y' is declared here", "4:14: job 'a' reads 'y' through input 'i'",
                "3:5: job 'a' is declared here", "5:14: job 'a' writes 'x' through output 'o'",
                "1:9: 'x' is declared here", "9:14: job 'b' reads 'x' through input 'i'",
                "8:5: job 'b' is declared here", "10:14: job 'b' writes 'y' through output 'o'"}));
}

TEST(Flow, OneCyclePerComponentAndNoneWhenAcyclic) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset src { external }
dataset l
dataset r
dataset top
job left {
  input  s = src
  output o = l
  run ["a"]
}
job right {
  input  s = src
  output o = r
  run ["b"]
}
job top {
  input  l = l
  input  r = r
  output o = top
  run ["c"]
}
)"}},
                        {}));
  // Two loops sharing dataset m form one component: one diagnostic. The
  // separate self-loop on z is another.
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset m
dataset p
dataset q
dataset z
job m {
  input  p = p
  input  q = q
  output o = m
  run ["m"]
}
job p {
  input  m = m
  output o = p
  run ["p"]
}
job q {
  input  m = m
  output o = q
  run ["q"]
}
job z {
  input  z = z
  output o = z
  run ["z"]
}
)"}},
                        {"a.dbuild:6:14: error: cycle", "a.dbuild:22:14: error: cycle"}));
}

// A job writing running[d = d, r = r] and reading it through `read`, where
// `since` is the bound on key d (or nothing).
Sources self_read(const std::string& since, const std::string& read) {
  return {{"a.dbuild",
           "type region = enum(us, eu)\n"
           "dataset daily[d: date since 2024-01-01] { external }\n"
           "dataset running[d: date" +
               since +
               ", r: region]\n"
               "job accumulate(d: date, r: region) {\n"
               "  input  today = daily[d = d]\n"
               "  input  prev  = running[" +
               read +
               "]\n"
               "  output out   = running[d = d, r = r]\n"
               "  run [\"a\"]\n"
               "}\n"}};
}

const char* const kSince = " since 2024-01-01";

TEST(Flow, WellFoundedRecursion) {
  EXPECT_TRUE(diagnoses(self_read(kSince, "d = d - 1d, r = r"), {}));
  EXPECT_TRUE(diagnoses(self_read(kSince, "r = r, d = d - 48h"), {}));
  EXPECT_TRUE(diagnoses(self_read(kSince, "d in d - 7d .. d - 1d, r = r"), {}));
  EXPECT_TRUE(diagnoses(self_read(kSince, "d = (d - 2d) + 1d, r = r"), {}));
}

TEST(Flow, SelfReadThatIsACycle) {
  for (const char* read : {"d = d, r = r", "d = d + 1d, r = r", "d in d - 6d .. d, r = r",
                           "d = d - 1d, r = us", "d = 2024-01-01, r = r"}) {
    EXPECT_TRUE(diagnoses(self_read(kSince, read), {"a.dbuild:6:18: error: cycle"})) << read;
  }
}

TEST(Flow, SelfReadWithAMistypedBindingIsLeftToTypeMismatch) {
  EXPECT_TRUE(
      diagnoses(self_read(kSince, "d = 2024-01, r = r"), {"a.dbuild:6:30: error: type-mismatch"}));
}

TEST(Flow, UnboundedRecursion) {
  std::unique_ptr<Analysis> analysis = analyze(self_read("", "d = d - 1d, r = r"));
  EXPECT_EQ(testing::summarize(*analysis),
            std::vector<std::string>{"a.dbuild:6:30: error: unbounded-recursion"});
  EXPECT_EQ(
      message_of(*analysis, "unbounded-recursion"),
      "job 'accumulate' reads its own output 'running' on key 'd', which has no 'since' bound");
  EXPECT_EQ(notes_of(*analysis, "unbounded-recursion"),
            std::vector<std::string>{"3:17: key 'd' is declared here without 'since'"});
  // Without 'since', reading the same partition is still a cycle.
  EXPECT_TRUE(diagnoses(self_read("", "d = d, r = r"), {"a.dbuild:6:18: error: cycle"}));
}

// ---- taint-denied, useless-removal ----------------------------------------------------

const char* const kUsers = R"(
policy pii
policy licensed
dataset users {
  external
  column email: string (taint pii)
  column region: string
}
)";

TEST(Flow, TaintDeniedWithItsShortestPath) {
  std::unique_ptr<Analysis> analysis = analyze({{"a.dbuild", std::string(kUsers) + R"(
dataset staged { taint licensed }
dataset report { deny pii, licensed }
job stage {
  input  u = users
  output o = staged
  run ["a"]
}
job report {
  input  s = staged
  input  u = users { region }
  output o = report
  run ["b"]
}
)"}});
  EXPECT_EQ(testing::summarize(*analysis),
            (std::vector<std::string>{"a.dbuild:10:23: error: taint-denied",
                                      "a.dbuild:10:28: error: taint-denied"}));
  EXPECT_EQ(message_of(*analysis, "taint-denied"), "label 'pii' reaches 'report', which denies it");
  std::vector<std::string> notes = notes_of(*analysis, "taint-denied");
  EXPECT_EQ(
      notes,
      (std::vector<std::string>{
          // pii: users.email → stage → staged → report (not through the
          // `{ region }` input, which leaves the email out).
          "5:31: column 'email' of 'users' is tainted 'pii' here",
          "12:14: job 'stage' reads 'users' through input 'u'",
          "11:5: job 'stage' does not remove 'pii'",
          "13:14: job 'stage' writes 'staged' through output 'o'", "9:9: 'staged' carries 'pii'",
          "17:14: job 'report' reads 'staged' through input 's'",
          "16:5: job 'report' does not remove 'pii'",
          "19:14: job 'report' writes 'report' through output 'o'", "10:9: 'report' carries 'pii'",
          // licensed: declared on staged, one hop.
          "9:24: 'staged' is tainted 'licensed' here",
          "17:14: job 'report' reads 'staged' through input 's'",
          "16:5: job 'report' does not remove 'licensed'",
          "19:14: job 'report' writes 'report' through output 'o'",
          "10:9: 'report' carries 'licensed'"}));
}

TEST(Flow, TaintStoppedByColumnsAndRemovals) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", std::string(kUsers) + R"(
dataset hashed { column email_hash: string }
dataset report { deny pii }
job hash {
  input  u = users
  output o = hashed
  removes pii because "emails are replaced by salted hashes"
  run ["a"]
}
job report {
  input  u = users { region }
  input  h = hashed
  output o = report
  run ["b"]
}
)"}},
                        {"a.dbuild:2:8: warning: unused-definition"}));
}

TEST(Flow, TaintOnTheDenyingDatasetAndOncePerLabel) {
  std::unique_ptr<Analysis> analysis = analyze({{"a.dbuild", R"(
policy pii
dataset d {
  external
  column e: string (taint pii)
  deny pii
  deny pii
}
)"}});
  EXPECT_EQ(testing::summarize(*analysis),
            std::vector<std::string>{"a.dbuild:5:8: error: taint-denied"});
  EXPECT_EQ(notes_of(*analysis, "taint-denied"),
            std::vector<std::string>{"4:27: column 'e' of 'd' is tainted 'pii' here"});
}

TEST(Flow, TaintPropagatesAroundRecursionAndThroughColumnLists) {
  // A propagated label reaches every column: the `{ total }` list does not
  // filter it. Recursion (a loop of the label through `running`) terminates.
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
policy pii
dataset raw[d: date since 2024-01-01] { external taint pii column x: int }
dataset running[d: date since 2024-01-01] { column total: int }
dataset report[d: date since 2024-01-01] { deny pii }
job accumulate(d: date) {
  input  today = raw[d = d] { x }
  input  prev  = running[d = d - 1d]
  output out   = running[d = d]
  run ["a"]
}
job report(d: date) {
  input  r = running[d = d] { total }
  output o = report[d = d]
  run ["b"]
}
)"}},
                        {"a.dbuild:4:49: error: taint-denied"}));
}

TEST(Flow, UselessRemoval) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", std::string(kUsers) + R"(
dataset ids {}
dataset emails {}
job ids {
  input  u = users { region }
  output o = ids
  removes pii, licensed because "nothing personal is read"
  run ["a"]
}
job emails {
  input  u = users { email }
  output o = emails
  removes pii because "hashed"
  run ["b"]
}
job unknown {
  input  x = nowhere
  output o = ids
  removes pii because "whatever 'nowhere' carries"
  run ["c"]
}
)"}},
      {"a.dbuild:14:11: warning: useless-removal", "a.dbuild:14:16: warning: useless-removal",
       "a.dbuild:24:14: error: unresolved-reference",
       "a.dbuild:25:14: error: overlapping-producers"}));
}

// ---- the label API ---------------------------------------------------------------------

TEST(FlowApi, LabelsTheirSourcesAndPaths) {
  std::unique_ptr<Analysis> analysis = analyze({{"a.dbuild", std::string(kUsers) + R"(
dataset copy { taint licensed column email: string }
job copy {
  input  u = users
  output o = copy
  run ["a"]
}
)"}});
  const LinkedWorkspace& linked = analysis->linked;
  const Dataset& users = *linked.find_dataset("users");
  const Dataset& copy = *linked.find_dataset("copy");

  ASSERT_EQ(linked.flow.labels_of(users).size(), 1u);
  const LabelSource& pii = linked.flow.labels_of(users)[0];
  EXPECT_EQ(pii.label, "pii");
  EXPECT_EQ(pii.declared, nullptr);
  ASSERT_EQ(pii.columns.size(), 1u);
  EXPECT_EQ(pii.columns[0]->name.text, "email");
  EXPECT_FALSE(pii.propagated());

  ASSERT_EQ(linked.flow.labels_of(copy).size(), 2u);
  const LabelSource& declared = linked.flow.labels_of(copy)[0];
  EXPECT_EQ(declared.label, "licensed");
  ASSERT_NE(declared.declared, nullptr);
  const LabelSource* inherited = linked.flow.find_label(copy, "pii");
  ASSERT_NE(inherited, nullptr);
  ASSERT_TRUE(inherited->propagated());
  EXPECT_EQ(inherited->via_job->name.text, "copy");
  EXPECT_EQ(inherited->via_input->name.text, "u");
  EXPECT_EQ(inherited->via_output->name.text, "o");
  EXPECT_EQ(linked.flow.find_label(copy, "other"), nullptr);

  const Port& input = linked.find_job("copy")->inputs[0];
  EXPECT_TRUE(linked.flow.carries(input, "pii"));
  EXPECT_FALSE(linked.flow.carries(input, "licensed"));
  EXPECT_EQ(linked.flow.labels_carried_by(input), std::vector<std::string>{"pii"});

  std::vector<FlowStep> path = linked.flow.label_path(copy, "pii");
  std::vector<FlowStep::Kind> kinds;
  for (const FlowStep& step : path) kinds.push_back(step.kind);
  using Kind = FlowStep::Kind;
  EXPECT_EQ(kinds, (std::vector<Kind>{Kind::ColumnTaint, Kind::Input, Kind::Job, Kind::Output,
                                      Kind::Dataset}));
  EXPECT_EQ(path[0].column->name.text, "email");
  EXPECT_EQ(path.back().dataset, &copy);
  EXPECT_EQ(linked.flow.label_path(copy, "licensed").size(), 1u);
  EXPECT_TRUE(linked.flow.label_path(users, "licensed").empty());
}

// ---- SARIF -------------------------------------------------------------------------------

TEST(FlowSarif, RealTaintDeniedAndCycleCarryTheirPathAsACodeFlow) {
  std::unique_ptr<Analysis> analysis = analyze({{"a.dbuild", std::string(kUsers) + R"(
dataset report { deny pii }
dataset loop
job report {
  input  u = users
  input  l = loop
  output o = report
  run ["a"]
}
job loop {
  input  r = report
  output o = loop
  run ["b"]
}
)"}});
  std::vector<Diagnostic> diagnostics = analysis->diagnostics();
  WorkspaceReport report{analysis->root, &analysis->files, {"workspace.dbuild", "a.dbuild"}, {}};
  for (const Diagnostic& diagnostic : diagnostics) {
    if (diagnostic.code() == "cycle" || diagnostic.code() == "taint-denied")
      report.diagnostics.push_back(&diagnostic);
  }
  ASSERT_EQ(report.diagnostics.size(), 2u);
  nlohmann::ordered_json results = sarif_report({report}, ToolInfo{})["runs"][0]["results"];
  for (size_t i = 0; i < 2; ++i) {
    const Diagnostic& diagnostic = *report.diagnostics[i];
    const auto& steps = results[i]["codeFlows"][0]["threadFlows"][0]["locations"];
    ASSERT_EQ(steps.size(), diagnostic.related.size()) << diagnostic.code();
    for (size_t s = 0; s < steps.size(); ++s)
      EXPECT_EQ(steps[s]["location"]["message"]["text"], diagnostic.related[s].message);
  }
  EXPECT_EQ(results[0]["ruleId"], "taint-denied");
  EXPECT_EQ(
      results[0]["codeFlows"][0]["threadFlows"][0]["locations"][0]["location"]["message"]["text"],
      "column 'email' of 'users' is tainted 'pii' here");
  EXPECT_EQ(results[1]["ruleId"], "cycle");
}

}  // namespace
}  // namespace databuild
