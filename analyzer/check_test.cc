// The analyzer's checks, one diagnostic code at a time: for each code at least
// one case that reports it (at an exact line and column) and one close case
// that does not. Expectations are "path:line:col: severity: code"; see
// test_support.h.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "render.h"
#include "test_support.h"

namespace databuild {
namespace {

using testing::diagnoses;

// The language design's complete example, verbatim.
const char* const kSpecExample = R"(
# workspace.dbuild
workspace analytics {
  data_root "data"
}

# Personally identifiable information.
policy pii
# Licensed from ACME: internal use only.
policy acme_license

type region = enum(us, eu, apac)

# Click events delivered by the tracking vendor, one directory per day and region.
dataset raw_events[date: date since 2024-01-01 until now - 1d, region: region] {
  external
  location "vendor/{region}/{date:%Y%m%d}"
  ready "_SUCCESS"
  wait 6h
  format jsonl
  column user_id: string (taint pii)
  column event: string
  column ts: timestamp
}

dataset clean_events[date: date since 2024-01-01 until now - 1d, region: region] {
  format parquet
  column user_hash: string
  column event: string
  column ts: timestamp
}

job clean(d: date, r: region) {
  input  raw   = raw_events[date = d, region = r] { user_id, event, ts }
  output clean = clean_events[date = d, region = r]
  removes pii because "user_id is replaced by a salted hash"
  run ["python3", "jobs/clean.py", "--date={d}", "--region={r}"]
  retries 2
  timeout 30m
}

# Distinct users over the 7 days ending on each date.
dataset active_users_7d[date: date since 2024-01-07] {
  column actives: int
}

job active_users_7d(d: date) {
  input  events = clean_events[date in d - 6d .. d, region = *] { user_hash }
  output out    = active_users_7d[date = d]
  run ["python3", "jobs/actives.py", "--end={d:%Y%m%d}"]
  version "2"
}

# Running total; each day reads the day before (well-founded recursion).
dataset running_total[date: date since 2024-01-07] { column total: int }

job accumulate(d: date) {
  input  today = active_users_7d[date = d]
  input  prev  = running_total[date = d - 1d]
  output out   = running_total[date = d]
  run ["sh", "jobs/accumulate.sh", "{d}"]
}

# Everything delivered so far, refreshed as days close.
dataset event_totals { column events: int }

job event_totals {
  input  all = clean_events[date = *, region = *] { event }
  output out = event_totals
  run ["python3", "jobs/totals.py"]
}

dataset customer_report[date: date] {
  deny pii, acme_license
}

job report(d: date) {
  input  events = clean_events[date = d, region = *]
  output out    = customer_report[date = d]
  run ["python3", "jobs/report.py", "{d}"]
}
)";

TEST(Check, SpecExampleIsClean) {
  EXPECT_TRUE(diagnoses({{"workspace.dbuild", kSpecExample}}, {}));
}

TEST(Check, SpecExampleSplitAcrossFilesIsClean) {
  // The same declarations spread over files: names resolve across them.
  std::string text = std::string(kSpecExample).substr(1);
  size_t policies = text.find("# Personally");
  size_t jobs = text.find("job clean");
  EXPECT_TRUE(diagnoses({{"workspace.dbuild", text.substr(0, policies)},
                         {"a/datasets.dbuild", text.substr(policies, jobs - policies)},
                         {"b/jobs.dbuild", text.substr(jobs)}},
                        {}));
}

// ---- syntax-error ------------------------------------------------------------

TEST(Check, SyntaxErrorAtTheTypo) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset a {
  external
  colum x: int
}
)"}},
                        {"a.dbuild:3:3: error: syntax-error"}));
}

TEST(Check, SyntaxErrorRecoveryKeepsLaterDeclarations) {
  // One typo in the middle: one diagnostic, and the declarations after it are
  // still lowered and linked (the unresolved 'nowhere' is reported).
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", R"(
dataset a { external }
dataset b[d: date] { external column x: int }

dataset c { colum y: int }

job j(d: date) {
  input i = nowhere[d = d]
  output o = c
  run ["x"]
}
)"}},
                {"a.dbuild:4:13: error: syntax-error", "a.dbuild:7:13: error: unresolved-reference",
                 "a.dbuild:8:14: error: unbound-parameter"}));
}

TEST(Check, OneTypoOneSyntaxError) {
  // Each typo in the middle of the file costs one syntax error near it; the
  // declarations after it still lower (the unresolved 'nope' and the external
  // output of job k are still reported).
  const std::string base = R"(dataset y[d: date] { external column a: int }
dataset x[d: date]
job j(d: date) {
  input i = y[d = d] { a }
  output o = x[d = d]
  run ["a", "{d}"]
}
dataset z { external }
job k {
  input i = nope
  output o = z
  run ["b"]
}
)";
  const std::vector<std::string> after = {"a.dbuild:10:13: error: unresolved-reference",
                                          "a.dbuild:11:14: error: external-has-producer"};
  struct Typo {
    std::string from, to;
    std::vector<std::string> expected;  // before `after`
  };
  const Typo typos[] = {
      // The misspelled keyword loses the job's output, hence no-producer.
      {"input i = y",
       "inptu i = y",
       {"a.dbuild:2:9: warning: no-producer", "a.dbuild:4:3: error: syntax-error"}},
      {"[d = d] { a }", "[d = d,, ] { a }", {"a.dbuild:4:21: error: syntax-error"}},
      {"[d = d] { a }", "[d = d + ] { a }", {"a.dbuild:4:21: error: syntax-error"}},
      {"x[d = d]", "x[d = d", {"a.dbuild:6:3: error: syntax-error"}},
      {"run [\"a\", ", "run [\"a, ", {"a.dbuild:6:13: error: syntax-error"}},
      {"column a: int", "column a int", {"a.dbuild:1:31: error: syntax-error"}},
      {"job j(d: date)", "job j(d: date", {"a.dbuild:3:14: error: syntax-error"}},
      {"{d}", "{d:}", {"a.dbuild:6:16: error: syntax-error"}},
      {"dataset x[d: date]", "dataset x[d: date]]", {"a.dbuild:2:19: error: syntax-error"}},
      // Recovery reads `d` as the pattern's dataset: a follow-up error.
      {"input i = y",
       "input i y",
       {"a.dbuild:4:11: error: syntax-error", "a.dbuild:4:17: error: unresolved-reference"}},
  };
  EXPECT_TRUE(diagnoses({{"a.dbuild", base}}, after));
  for (const Typo& typo : typos) {
    std::string text = base;
    text.replace(text.find(typo.from), typo.from.size(), typo.to);
    std::vector<std::string> expected = typo.expected;
    expected.insert(expected.end(), after.begin(), after.end());
    EXPECT_TRUE(diagnoses({{"a.dbuild", text}}, expected)) << typo.to;
  }
}

TEST(Check, MissingTokenIsOneSyntaxError) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
policy p
dataset d { external taint p
)"}},
                        {"a.dbuild:2:29: error: syntax-error"}));
}

TEST(Check, WellFormedFileHasNoSyntaxError) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", "dataset a { external column x: int }\n"}}, {}));
}

// ---- duplicate-definition ------------------------------------------------------

TEST(Check, DuplicateTopLevelNameAcrossFiles) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", "dataset x { external }\n"}, {"b.dbuild", "# b\n\ndataset x { external }\n"}},
      {"b.dbuild:3:9: error: duplicate-definition"}));
}

TEST(Check, DuplicateTopLevelNameOfAnotherKind) {
  // Policies, types and datasets share one namespace.
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
policy x
dataset x { external taint x }
type x = enum(a)
)"}},
      {"a.dbuild:2:9: error: duplicate-definition", "a.dbuild:3:6: error: duplicate-definition"}));
}

TEST(Check, DuplicatePolicyOrTypeIsNotAlsoUnused) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", "dataset p { external }\ndataset t { external }\n"},
       {"b.dbuild", "policy p\ntype t = enum(a)\n"}},
      {"b.dbuild:1:8: error: duplicate-definition", "b.dbuild:2:6: error: duplicate-definition"}));
}

TEST(Check, DuplicateJob) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x
job x { output o = x run ["a"] }
job x { output o = x run ["b"] }
)"}},
                        {"a.dbuild:3:5: error: duplicate-definition"}));
}

TEST(Check, JobMayShareItsDatasetsName) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", "dataset x\njob x { output o = x run [\"a\"] }\n"}}, {}));
}

TEST(Check, DuplicateKeyColumnAndEnumValue) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
type t = enum(a, b, a)
dataset x[k: date, r: t, k: date] {
  external
  column c: int
  column c: string
}
dataset y[e: enum(p, "p")] { external }
)"}},
      {"a.dbuild:1:21: error: duplicate-definition", "a.dbuild:2:26: error: duplicate-definition",
       "a.dbuild:5:10: error: duplicate-definition",
       "a.dbuild:7:22: error: duplicate-definition"}));
}

// Long lists switch from a flat scan to a hash table (link.cc,
// FirstDefinitions); duplicates are found on both sides of the switch, and
// each points at the first definition.
TEST(Check, DuplicatesInLongLists) {
  std::string values, columns;
  for (int i = 0; i < 20; ++i) {
    values += (i ? ", v" : "v") + std::to_string(i);
    columns += "  column c" + std::to_string(i) + ": int\n";
  }
  std::string text = "type t = enum(" + values + ", v3, v18)\ndataset x[k: t] {\n  external\n" +
                     columns + "  column c17: int\n  column c2: int\n}\n";
  std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", text}});
  std::vector<std::string> firsts;
  for (const Diagnostic& diagnostic : analysis->diagnostics()) {
    ASSERT_EQ(diagnostic.id, DiagnosticCode::DuplicateDefinition);
    ASSERT_EQ(diagnostic.related.size(), 1u);
    const std::string& source = analysis->files[diagnostic.location.file].text;
    auto spanned = [&](Location location) {
      return source.substr(location.range.begin, location.range.end - location.range.begin);
    };
    EXPECT_EQ(spanned(diagnostic.location), spanned(diagnostic.related[0].location));
    EXPECT_LT(diagnostic.related[0].location.range.begin, diagnostic.location.range.begin);
    firsts.push_back(spanned(diagnostic.location));
  }
  EXPECT_EQ(firsts, (std::vector<std::string>{"v3", "v18", "c17", "c2"}));
}

TEST(Check, DuplicateParameterPortAndEnvVar) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
dataset x[d: date]
dataset y[d: date] { external }
job j(d: date, d: date) {
  input a = y[d = d]
  output a = x[d = d]
  run ["a"]
  env E = "1"
  env E = "2"
}
)"}},
      {"a.dbuild:3:16: error: duplicate-definition", "a.dbuild:5:10: error: duplicate-definition",
       "a.dbuild:8:7: error: duplicate-definition"}));
}

TEST(Check, KeyDeclaredTwiceIsBoundOnce) {
  // The duplicate key is reported once; patterns need not bind it again.
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[d: date, d: int]
job j(d: date) {
  output o = x[d = d]
  run ["a"]
}
)"}},
                        {"a.dbuild:1:20: error: duplicate-definition"}));
}

TEST(Check, KeyBoundTwiceInAPattern) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[d: date]
dataset y[d: date] { external }
job j(d: date) {
  input i = y[d = d, d = d]
  output o = x[d = d]
  run ["a"]
}
)"}},
                        {"a.dbuild:4:22: error: duplicate-definition"}));
}

TEST(Check, WorkspaceDeclaredTwice) {
  EXPECT_TRUE(diagnoses({{"workspace.dbuild", "workspace a {}\nworkspace b {}\n"}},
                        {"workspace.dbuild:2:11: error: duplicate-definition"}));
}

TEST(Check, DistinctNamesInDistinctScopesAreFine) {
  // Keys, columns, parameters and ports are scoped to their declaration.
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[d: date] { column d: int }
dataset y[d: date] { external column d: int }
job j(d: date) {
  input y = y[d = d] { d }
  output x = x[d = d]
  run ["a"]
  env d = "{d}"
}
job k(d: date) {
  input y = y[d = d]
  output x = x[d = d + 0d]
  run ["a"]
}
)"}},
                        {"a.dbuild:11:20: error: invalid-output-binding"}));
}

// ---- unresolved-reference ------------------------------------------------------

TEST(Check, UnresolvedDatasetPolicyAndTypes) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
policy p
dataset x[d: day, e: p] {
  external
  taint q
  deny r
  column c: integer (taint s)
}
job j(d: dae) {
  input i = nothing
  output o = p
  removes t because "why"
  run ["a"]
}
)"}},
      {"a.dbuild:1:8: warning: unused-definition", "a.dbuild:2:14: error: unresolved-reference",
       "a.dbuild:2:22: error: unresolved-reference", "a.dbuild:4:9: error: unresolved-reference",
       "a.dbuild:5:8: error: unresolved-reference", "a.dbuild:6:13: error: unresolved-reference",
       "a.dbuild:6:28: error: unresolved-reference", "a.dbuild:8:10: error: unresolved-reference",
       "a.dbuild:9:13: error: unresolved-reference", "a.dbuild:10:14: error: unresolved-reference",
       "a.dbuild:11:11: error: unresolved-reference"}));
}

TEST(Check, UnresolvedParameters) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
dataset x[d: date]
dataset y[d: date] { external }
job j(d: date) {
  input i = y[d = e - 1d]
  output o = x[d = d]
  run ["a", "--day={f}", "{d:%Y}{g:%m}"]
  env DAY = "{h + 1d}"
}
)"}},
      {"a.dbuild:4:19: error: unresolved-reference", "a.dbuild:6:21: error: unresolved-reference",
       "a.dbuild:6:34: error: unresolved-reference",
       "a.dbuild:7:15: error: unresolved-reference"}));
}

TEST(Check, UnresolvedKeyInLocationTemplate) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[day: date] {
  external
  location "x/{day:%Y}/{region}"
}
)"}},
                        {"a.dbuild:3:25: error: unresolved-reference"}));
}

TEST(Check, UnresolvedFunction) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[d: date]
dataset y[d: date] { external }
job j(d: date) {
  input i = y[d in weeks_of(d)]
  output o = x[d = d]
  run ["a"]
}
)"}},
                        {"a.dbuild:4:20: error: unresolved-reference"}));
}

TEST(Check, UnresolvedNameWhereAStringIsDue) {
  // Bare identifiers are parameters or enum values; for a string key neither.
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[d: date]
dataset y[name: string] { external }
job j(d: date) {
  input i = y[name = alice]
  input k = y[name = "alice"]
  output o = x[d = d]
  run ["a"]
}
)"}},
                        {"a.dbuild:4:22: error: unresolved-reference"}));
}

TEST(Check, ResolvedReferencesOfEveryKind) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
policy p
type t = enum(a, "b-c")
dataset x[d: date, e: t] {
  location "x/{e}/{d:%Y%m%d}"
  taint p
  column c: int (taint p)
}
dataset y[d: date, e: t, m: month] { external deny p }
job j(d: date, e: t) {
  input i = y[d in days_of(month_of(d)), e = "b-c", m = month_of(d)]
  input k = y[d = d - 1d, e = a, m = 2024-01] { }
  output o = x[d = d, e = e]
  removes p because "why"
  run ["a", "{d + 1d:%d}", "{e}"]
  env E = "{d - 1d}"
}
)"}},
                        {"a.dbuild:13:11: warning: useless-removal"}));
}

// ---- unused-definition ---------------------------------------------------------

TEST(Check, UnusedPolicyAndType) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
policy used
policy unused
type t = enum(a)
type u = enum(a)
dataset x[k: u] { external taint used }
)"}},
      {"a.dbuild:2:8: warning: unused-definition", "a.dbuild:3:6: warning: unused-definition"}));
}

TEST(Check, PolicyUsedOnlyByRemovesOrDenyOrColumnIsUsed) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
policy p
policy q
policy r
type t = enum(a)
dataset x { deny q }
dataset y { external column c: int (taint r) }
job j(e: t) {
  input i = y
  output o = x
  removes p because "why"
  run ["a", "{e}"]
}
)"}},
      {"a.dbuild:9:14: error: unbound-parameter", "a.dbuild:10:11: warning: useless-removal"}));
}

// ---- empty-reason --------------------------------------------------------------

TEST(Check, EmptyReason) {
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", R"(
policy p
dataset x { taint p }
job j {
  output o = x
  removes p because ""
  removes p because " 	 "
  removes p because "it is hashed"
  run ["a"]
}
)"}},
                {"a.dbuild:5:11: warning: useless-removal", "a.dbuild:5:21: error: empty-reason",
                 "a.dbuild:6:11: warning: useless-removal", "a.dbuild:6:21: error: empty-reason",
                 "a.dbuild:7:11: warning: useless-removal"}));
}

// ---- missing-key, unknown-key --------------------------------------------------

TEST(Check, MissingAndUnknownKeys) {
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", R"(
dataset x[d: date]
dataset y[d: date, r: enum(a, b)] { external }
job j(d: date) {
  input i = y[d = d]
  input k = y[d = d, r = a, z = 1]
  input l = y[d = d, r = *]
  output o = x[day = d]
  run ["a"]
}
)"}},
                {"a.dbuild:4:13: error: missing-key", "a.dbuild:5:29: error: unknown-key",
                 "a.dbuild:7:14: error: missing-key", "a.dbuild:7:16: error: unknown-key"}));
}

TEST(Check, UnpartitionedPatternWithBindings) {
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", R"(
dataset x
dataset y[d: date] { external }
job j {
  input i = y
  output o = x[d = 2024-01-01]
  run ["a"]
}
)"}},
                {"a.dbuild:4:13: error: missing-key", "a.dbuild:5:16: error: unknown-key"}));
}

// ---- type-mismatch -------------------------------------------------------------

// The datasets and job around one input binding.
std::string job_reading(const std::string& binding, const std::string& parameters = "d: date") {
  return "type region = enum(us, eu)\n"
         "dataset x[d: date]\n"
         "dataset y[d: date since 2024-01-01 until 2024-12-31, r: region, m: month, n: int,"
         " s: string, h: hour] { external }\n"
         "job j(" +
         parameters +
         ") {\n"
         "  input i = y[" +
         binding +
         "]\n"
         "  output o = x[d = d]\n"
         "  run [\"a\"]\n"
         "}\n";
}

TEST(Check, TypeMismatchMonthWhereDateIsDue) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild",
        job_reading("d = 2024-01, r = us, m = 2024-01, n = 1, s = \"\", h = 2024-01-01T00")}},
      {"a.dbuild:5:19: error: type-mismatch"}));
}

TEST(Check, TypeMismatchEnumValueOutsideTheEnum) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild",
        job_reading("d = d, r = \"fr\", m = 2024-01, n = 1, s = \"\", h = 2024-01-01T00")}},
      {"a.dbuild:5:26: error: type-mismatch"}));
  // A bare name that is neither a parameter nor a value of the enum is an enum
  // value outside the enum too (the design's example of a type-mismatch).
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", job_reading("d = d, r = fr, m = 2024-01, n = 1, s = \"\", h = 2024-01-01T00")}},
      {"a.dbuild:5:26: error: type-mismatch"}));
}

TEST(Check, TypeMismatchParameterOfTheWrongType) {
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", job_reading("d = d, r = e, m = d, n = 1, s = e, h = 2024-01-01T00",
                                          "d: date, e: enum(us, eu)")}},
                {"a.dbuild:5:33: error: type-mismatch", "a.dbuild:5:47: error: type-mismatch",
                 "a.dbuild:6:14: error: unbound-parameter"}));
}

TEST(Check, TypeMismatchStringVersusEnum) {
  // A string parameter where an enum is due, and an enum parameter where a
  // string is due: each is a mismatch, even if the values could coincide.
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", job_reading("d = d, r = s, m = 2024-01, n = 1, s = r, h = 2024-01-01T00",
                                "d: date, s: string, r: region")}},
      {"a.dbuild:5:26: error: type-mismatch", "a.dbuild:5:53: error: type-mismatch",
       "a.dbuild:6:14: error: unbound-parameter", "a.dbuild:6:14: error: unbound-parameter"}));
}

TEST(Check, TypeMismatchRangeVersusSingleValue) {
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", job_reading("d in d, r in us .. eu, m = days_of(2024-01), n in 1 .. "
                                          "2, s = \"\", h in hours_of(d)")}},
                {"a.dbuild:5:20: error: type-mismatch", "a.dbuild:5:28: error: type-mismatch",
                 "a.dbuild:5:42: error: type-mismatch"}));
}

TEST(Check, TypeMismatchArithmeticStep) {
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", job_reading("d = d - 6h, r = us, m = 2024-01 - 1d, n = 1 + 1d, s = "
                                          "\"\", h = 2024-01-01T00 + 90m")}},
                {"a.dbuild:5:23: error: type-mismatch", "a.dbuild:5:49: error: type-mismatch",
                 "a.dbuild:5:61: error: type-mismatch", "a.dbuild:5:93: error: type-mismatch"}));
}

TEST(Check, WellTypedBindings) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild",
        job_reading("d in d - 6d .. d, r = \"us\", m = month_of(d) - 1, n = 3 - 1, s = \"x\","
                    " h in hours_of(d - 1d)")}},
      {}));
}

TEST(Check, TypeMismatchBoundOnAStringOrEnumKey) {
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", R"(
dataset x[s: string since 2024-01-01, e: enum(a) until now, d: date since 2024-01] { external }
dataset y[d: date since 2024-01-01 until now - 1d, h: hour since 2024-01-01T00, n: int since 0 until 9] { external }
)"}},
                {"a.dbuild:1:27: error: type-mismatch", "a.dbuild:1:56: error: type-mismatch",
                 "a.dbuild:1:75: error: type-mismatch"}));
}

// ---- invalid-output-binding, unbound-parameter ----------------------------------

TEST(Check, InvalidOutputBindings) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[a: date, b: enum(p, q), c: int, m: month]
job j(d: date) {
  output o = x[a in d .. d, b = *, c = 1 + 1, m = month_of(d)]
  run ["a"]
}
)"}},
                        {"a.dbuild:3:21: error: invalid-output-binding",
                         "a.dbuild:3:33: error: invalid-output-binding",
                         "a.dbuild:3:40: error: invalid-output-binding",
                         "a.dbuild:3:51: error: invalid-output-binding"}));
}

TEST(Check, OutputBindsParametersAndLiterals) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[a: date, b: enum(p, q), c: int, m: month]
job j(d: date, b: enum(p, q)) {
  output o = x[a = d, b = b, c = 1, m = 2024-01]
  output p = x[a = d, b = p, c = 2, m = 2024-02]
  run ["a"]
}
)"}},
                        {"a.dbuild:4:14: error: unbound-parameter"}));
}

TEST(Check, UnboundParameter) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[a: date]
dataset y[a: date] { external }
job j(d: date, e: date) {
  input i = y[a = e]
  output o = x[a = d]
  run ["a"]
}
)"}},
                        {"a.dbuild:5:14: error: unbound-parameter"}));
}

// ---- wildcard-unbounded-key ----------------------------------------------------

TEST(Check, WildcardOnUnboundedKeys) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x
dataset y[a: date, b: date since 2024-01-01, c: date until 2024-01-01, s: string] { external }
job j {
  input i = y[a = *, b = *, c = *, s = *]
  output o = x
  run ["a"]
}
)"}},
                        {"a.dbuild:4:19: error: wildcard-unbounded-key",
                         "a.dbuild:4:26: error: wildcard-unbounded-key",
                         "a.dbuild:4:33: error: wildcard-unbounded-key",
                         "a.dbuild:4:40: error: wildcard-unbounded-key"}));
}

TEST(Check, WildcardOnFiniteKeys) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
type t = enum(p, q)
dataset x
dataset y[a: date since 2024-01-01 until now, b: t, c: enum(r), n: int since 1 until 5] { external }
job j {
  input i = y[a = *, b = *, c = *, n = *]
  output o = x
  run ["a"]
}
)"}},
                        {}));
}

// ---- unknown-column ------------------------------------------------------------

TEST(Check, UnknownColumn) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x
dataset y { external column a: int column b: int }
job j {
  input i = y { a, c, b }
  output o = x
  run ["a"]
}
)"}},
                        {"a.dbuild:4:20: error: unknown-column"}));
}

TEST(Check, NoColumnCheckWithoutASchema) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x
dataset y { external }
job j {
  input i = y { anything }
  output o = x
  run ["a"]
}
)"}},
                        {}));
}

// ---- external-has-producer, no-producer ------------------------------------------

TEST(Check, ExternalHasProducer) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x { external }
job j {
  output o = x
  run ["a"]
}
)"}},
                        {"a.dbuild:3:14: error: external-has-producer"}));
}

TEST(Check, NoProducer) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset made
dataset by_hand[d: date] { column a: int }
dataset outside { external }
job j {
  output o = made
  run ["a"]
}
)"}},
                        {"a.dbuild:2:9: warning: no-producer"}));
}

// ---- invalid-literal -------------------------------------------------------------

TEST(Check, InvalidLiterals) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
dataset a[d: date since 2024-02-30] { external }
dataset b[d: date since 2023-02-29] { external }
dataset c[m: month since 2024-13] { external }
dataset e[h: hour since 2024-01-01T24] { external }
dataset f[d: date since 2024-02-29 until 2024-12-31] { external }
dataset g[h: hour since 2024-02-29T23, m: month since 2024-12] { external }
)"}},
      {"a.dbuild:1:25: error: invalid-literal", "a.dbuild:2:25: error: invalid-literal",
       "a.dbuild:3:26: error: invalid-literal", "a.dbuild:4:25: error: invalid-literal"}));
}

TEST(Check, InvalidLiteralsInExpressions) {
  EXPECT_TRUE(
      diagnoses({{"a.dbuild", R"(
dataset x[d: date, n: int]
job j {
  output o = x[d = 2024-00-10, n = 99999999999999999999]
  run ["a"]
  timeout 99999999999999d
}
)"}},
                {"a.dbuild:3:20: error: invalid-literal", "a.dbuild:3:36: error: invalid-literal",
                 "a.dbuild:5:11: error: invalid-literal"}));
}

// ---- invalid-expression ---------------------------------------------------------

TEST(Check, DeclarationsThatCannotHoldAnyPartition) {
  // An empty enum, an empty range of dates, a location that merges partitions,
  // a run with no program, 'now' as an int bound, a type named like a builtin.
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
type none = enum()
type date = enum(a)
dataset x[d: date since 2024-02-01 until 2024-01-01, n: int until now, k: none] {
  external
  location "x/{d}"
}
job j {
  output o = y
  run []
}
dataset y
)"}},
      {"a.dbuild:1:13: error: invalid-expression", "a.dbuild:2:6: error: duplicate-definition",
       "a.dbuild:3:42: error: invalid-expression", "a.dbuild:3:67: error: type-mismatch",
       "a.dbuild:5:12: error: invalid-expression", "a.dbuild:5:12: error: invalid-expression",
       "a.dbuild:9:3: error: invalid-expression"}));
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[d: date since 2024-01-01 until 2024-01-01, r: enum(a)] {
  external
  location "x/{r}/{d:%Y}"
}
)"}},
                        {}));
}

TEST(Check, InvalidExpressions) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
dataset x[d: date since now, e: date until 2024-01-01 + 1d, f: date until d, g: date until now + 1d]
dataset y[d: date, n: int, s: string] { external location "{d:%Q}/{n:%Y}/{2024-01-01}" }
job j(d: date) {
  input i = y[d = month_of(d, d), n = 1, s = ""]
  output o = x[d = d, e = d, f = d, g = d]
  run ["a", "{d:%Y-%x}"]
}
)"}},
      {"a.dbuild:1:25: error: invalid-expression", "a.dbuild:1:44: error: invalid-expression",
       "a.dbuild:1:75: error: invalid-expression", "a.dbuild:1:92: error: invalid-expression",
       "a.dbuild:2:60: error: invalid-expression", "a.dbuild:2:67: error: invalid-expression",
       "a.dbuild:2:75: error: invalid-expression", "a.dbuild:4:19: error: invalid-expression",
       "a.dbuild:6:14: error: invalid-expression"}));
}

TEST(Check, ValidInterpolations) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x[d: date, h: hour, m: month] { location "{d:%Y/%m/%d}/{h:%H%%}/{m:%Y-%m}/{m - 1}" }
job j(d: date, h: hour, m: month) {
  output o = x[d = d, h = h, m = m]
  run ["a", "{d - 1d:%Y%m%d}", "{h + 1h}", "{{d}}"]
}
)"}},
                        {}));
}

// ---- missing-statement, duplicate-statement ---------------------------------------

TEST(Check, MissingStatements) {
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", R"(
dataset x { external }
job no_output {
  input i = x
  run ["a"]
}
job no_run {
  output o = y
}
dataset y
job empty {}
)"}},
      {"a.dbuild:2:5: error: missing-statement", "a.dbuild:6:5: error: missing-statement",
       "a.dbuild:10:5: error: missing-statement", "a.dbuild:10:5: error: missing-statement"}));
}

TEST(Check, DuplicateStatements) {
  EXPECT_TRUE(diagnoses({{"workspace.dbuild", R"(
workspace w { data_root "a" data_root "b" catalog "c" catalog "d" }
dataset x {
  external
  external
  format csv
  format jsonl
  location "x"
  location "y"
  ready "A"
  ready "B"
  wait 1h
  wait 2h
}
dataset z
job j {
  input i = x
  output o = z
  run ["a"]
  run ["b"]
  retries 1
  retries 2
  timeout 1m
  timeout 2m
  version "1"
  version "2"
}
)"}},
                        {"workspace.dbuild:1:29: error: duplicate-statement",
                         "workspace.dbuild:1:55: error: duplicate-statement",
                         "workspace.dbuild:4:3: error: duplicate-statement",
                         "workspace.dbuild:6:3: error: duplicate-statement",
                         "workspace.dbuild:8:3: error: duplicate-statement",
                         "workspace.dbuild:10:3: error: duplicate-statement",
                         "workspace.dbuild:12:3: error: duplicate-statement",
                         "workspace.dbuild:19:3: error: duplicate-statement",
                         "workspace.dbuild:21:3: error: duplicate-statement",
                         "workspace.dbuild:23:3: error: duplicate-statement",
                         "workspace.dbuild:25:3: error: duplicate-statement"}));
}

// ---- misplaced-workspace -----------------------------------------------------------

TEST(Check, MisplacedWorkspace) {
  EXPECT_TRUE(diagnoses({{"sub/other.dbuild", "\n# not here\nworkspace elsewhere {}\n"}},
                        {"sub/other.dbuild:2:11: error: misplaced-workspace"}));
}

TEST(Check, NoWorkspaceDeclarationIsFine) {
  // Defaults apply; the file's presence is what makes the workspace.
  EXPECT_TRUE(diagnoses({{"workspace.dbuild", "# empty\n"}}, {}));
}

TEST(Check, NoMissingStatementInAJobCutShortBySyntaxErrors) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", R"(
dataset x
job j {
  output o = x[
}
)"}},
                        {"a.dbuild:3:15: error: syntax-error"}));
}

// ---- workspaces on disk -----------------------------------------------------------------

TEST(Workspace, DiscoveryAndAnalysisOnDisk) {
  namespace fs = std::filesystem;
  fs::path root =
      fs::temp_directory_path() / ("databuild_check_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  auto write = [&](const std::string& path, const std::string& text) {
    fs::create_directories((root / path).parent_path());
    std::ofstream(root / path) << text;
  };
  write("workspace.dbuild", "workspace w { data_root \"out\" }\n");
  write("a.dbuild", "dataset a { external }\n");
  write("e/f.dbuild", "dataset a { external }\n");  // a duplicate: proves f is loaded
  write("e/notes.txt", "dataset ignored\n");
  write("out/b.dbuild", "syntax error\n");               // the data root
  write(".hidden/c.dbuild", "syntax error\n");           // a hidden directory
  write("nested/workspace.dbuild", "workspace n {}\n");  // a workspace of its own
  write("nested/d.dbuild", "syntax error\n");

  std::vector<std::string> expected = {(root / "workspace.dbuild").string(),
                                       (root / "a.dbuild").string(),
                                       (root / "e/f.dbuild").string()};
  EXPECT_EQ(discover_files(root.string(), "out"), expected);
  EXPECT_EQ(find_workspace_root((root / "e/f.dbuild").string()), root.string());
  EXPECT_EQ(find_workspace_root((root / "nested/d.dbuild").string()), (root / "nested").string());

  std::unique_ptr<Analysis> analysis = analyze_workspace(root.string());
  EXPECT_EQ(analysis->data_root(), "out");
  EXPECT_EQ(analysis->catalog(), ".databuild/catalog.db");
  std::vector<Diagnostic> diagnostics = analysis->diagnostics();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].code(), "duplicate-definition");
  EXPECT_EQ(analysis->files[diagnostics[0].location.file].path, (root / "e/f.dbuild").string());
  fs::remove_all(root);
}

TEST(Workspace, ReleasedTextsComeBackOnlyForReportedFilesAndOnlyUnchanged) {
  namespace fs = std::filesystem;
  fs::path root =
      fs::temp_directory_path() / ("databuild_release_test_" + std::to_string(::getpid()));
  fs::remove_all(root);
  fs::create_directories(root);
  std::ofstream(root / "workspace.dbuild") << "workspace w {}\n";
  std::ofstream(root / "a.dbuild") << "dataset a { external }\n";
  std::ofstream(root / "b.dbuild") << "dataset b[d: date] { external }\njob j { output o = b }\n";

  AnalysisOptions options;
  options.release_texts = true;
  std::unique_ptr<Analysis> analysis = analyze_workspace(root.string(), options);
  std::vector<Diagnostic> diagnostics = analysis->diagnostics();
  ASSERT_FALSE(diagnostics.empty());
  for (const Diagnostic& diagnostic : diagnostics)
    EXPECT_EQ(analysis->files[diagnostic.location.file].path, (root / "b.dbuild").string());
  for (const SourceFile& file : analysis->files) {
    EXPECT_TRUE(file.released) << file.path;
    EXPECT_TRUE(file.text.empty()) << file.path;
  }

  std::vector<SourceFile> files = analysis->files;
  ASSERT_TRUE(restore_texts(files, diagnostics));
  EXPECT_TRUE(files[1].released) << "a.dbuild has no diagnostic and stays released";
  EXPECT_FALSE(files[2].released);
  EXPECT_EQ(files[2].text, "dataset b[d: date] { external }\njob j { output o = b }\n");
  EXPECT_EQ(files[2].lines.line_count(), 3u);

  // Changed on disk since it was analyzed: its positions would be wrong.
  std::ofstream(root / "b.dbuild") << "\n" << files[2].text;
  files = analysis->files;
  EXPECT_FALSE(restore_texts(files, diagnostics));
  fs::remove_all(root);
}

// ---- render --------------------------------------------------------------------------

TEST(Render, ClangStyleTextWithCaretAndNotes) {
  std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", R"(
dataset x[day: date] { external }
job j(d: date) {
	input i = x[d = d]
  output o = x[day = d]
  run ["a"]
}
)"}});
  std::vector<std::string> paths;
  for (const SourceFile& file : analysis->files) paths.push_back(file.path);
  std::ostringstream out;
  for (const Diagnostic& diagnostic : analysis->diagnostics())
    render_text(out, diagnostic, analysis->files, paths, {});
  EXPECT_EQ(out.str(),
            "a.dbuild:3:12: error: pattern on 'x' leaves key 'day' unbound [missing-key]\n"
            "\tinput i = x[d = d]\n"
            "\t          ^~~~~~~~\n"
            "a.dbuild:1:11: note: key 'day' is declared here\n"
            "dataset x[day: date] { external }\n"
            "          ^~~\n"
            "a.dbuild:3:14: error: dataset 'x' has no key 'd' [unknown-key]\n"
            "\tinput i = x[d = d]\n"
            "\t            ^\n"
            "a.dbuild:1:9: note: 'x' is declared here\n"
            "dataset x[day: date] { external }\n"
            "        ^\n"
            "a.dbuild:4:14: error: job 'j' outputs into 'x', which is external "
            "[external-has-producer]\n"
            "  output o = x[day = d]\n"
            "             ^\n"
            "a.dbuild:1:24: note: 'x' is declared external here\n"
            "dataset x[day: date] { external }\n"
            "                       ^~~~~~~~\n");
}

}  // namespace
}  // namespace databuild
