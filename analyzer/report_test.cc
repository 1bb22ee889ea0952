// The JSON and SARIF reports on hand-built diagnostics: what the analyzer
// cannot report yet (taint-denied and cycle, whose related locations become a
// SARIF codeFlow) and what is fiddly to reach through real sources (non-ASCII
// columns, paths that need percent-encoding). The schema validation of a real
// `databuild check --format sarif` run lives in tests/sarif.
#include <gtest/gtest.h>

#include "report_json.h"
#include "report_sarif.h"

namespace databuild {
namespace {

using json = nlohmann::ordered_json;

// Offsets of `needle` within `text`, as a location in file `file`.
Location locate(const std::vector<SourceFile>& files, FileId file, std::string_view needle) {
  size_t at = files[file].text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return {file, {static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())}};
}

class ReportTest : public ::testing::Test {
 protected:
  ReportTest() {
    files.emplace_back("/ws/workspace.dbuild", "workspace w {}\n");
    // "é" is 2 bytes and 1 UTF-16 unit; "😀" is 4 bytes and 2 units.
    files.emplace_back("/ws/my jobs/a#1.dbuild",
                       "# é😀\n"
                       "job a { input i = y  output o = x }\n"
                       "job b { input i = x  output o = z }\n"
                       "job c { input i = z  output o = y }\n");
    report.root = "/ws";
    report.files = &files;
    report.display_paths = {"workspace.dbuild", "my jobs/a#1.dbuild"};
    tool.version = "9.8.7";
  }

  Diagnostic cycle() {
    return make_diagnostic(DiagnosticCode::Cycle, locate(files, 1, "job a"), {"a -> b -> c -> a"},
                           {{locate(files, 1, "output o = x"), "'a' writes 'x'"},
                            {locate(files, 1, "input i = x"), "which 'b' reads"},
                            {locate(files, 1, "input i = z"), "and 'c' reads 'z'"}});
  }

  std::vector<SourceFile> files;
  WorkspaceReport report;
  ToolInfo tool;
};

TEST_F(ReportTest, EveryCodeHasADescription) {
  for (const DiagnosticInfo& info : all_diagnostics()) {
    EXPECT_FALSE(info.description.empty()) << info.code;
    EXPECT_FALSE(info.summary.empty()) << info.code;
  }
}

TEST_F(ReportTest, SarifRulesAreTheWholeTable) {
  json log = sarif_report({}, tool);
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_EQ(log["runs"].size(), 1u);
  const json& driver = log["runs"][0]["tool"]["driver"];
  EXPECT_EQ(driver["name"], "databuild");
  EXPECT_EQ(driver["version"], "9.8.7");
  ASSERT_EQ(driver["rules"].size(), all_diagnostics().size());
  for (size_t i = 0; i < all_diagnostics().size(); ++i) {
    const json& rule = driver["rules"][i];
    EXPECT_EQ(rule["id"], all_diagnostics()[i].code);
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    EXPECT_EQ(rule["fullDescription"]["text"], all_diagnostics()[i].description);
  }
  EXPECT_EQ(driver["rules"][0]["name"], "SyntaxError");
  EXPECT_EQ(driver["rules"][static_cast<size_t>(DiagnosticCode::NoProducer)]["defaultConfiguration"]
                  ["level"],
            "warning");
  EXPECT_EQ(log["runs"][0]["results"], json::array());
}

TEST_F(ReportTest, SarifCycleHasACodeFlowThroughItsRelatedLocations) {
  Diagnostic diagnostic = cycle();
  report.diagnostics = {&diagnostic};
  json log = sarif_report({report}, tool);
  const json& run = log["runs"][0];
  EXPECT_EQ(run["originalUriBaseIds"]["SRCROOT"]["uri"], "file:///ws/");
  const json& result = run["results"][0];
  EXPECT_EQ(result["ruleId"], "cycle");
  EXPECT_EQ(result["ruleIndex"], static_cast<size_t>(DiagnosticCode::Cycle));
  EXPECT_EQ(result["level"], "error");
  EXPECT_EQ(result["message"]["text"], "dependency cycle: a -> b -> c -> a");
  const json& artifact = result["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(artifact["uri"], "my%20jobs/a%231.dbuild");
  EXPECT_EQ(artifact["uriBaseId"], "SRCROOT");

  ASSERT_EQ(result["relatedLocations"].size(), 3u);
  EXPECT_EQ(result["relatedLocations"][1]["id"], 1);
  EXPECT_EQ(result["relatedLocations"][1]["message"]["text"], "which 'b' reads");

  ASSERT_EQ(result["codeFlows"].size(), 1u);
  const json& steps = result["codeFlows"][0]["threadFlows"][0]["locations"];
  ASSERT_EQ(steps.size(), 3u);
  const char* messages[] = {"'a' writes 'x'", "which 'b' reads", "and 'c' reads 'z'"};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(steps[i]["location"]["message"]["text"], messages[i]);
    EXPECT_EQ(steps[i]["location"]["physicalLocation"],
              result["relatedLocations"][i]["physicalLocation"]);
  }
  EXPECT_EQ(steps[1]["location"]["physicalLocation"]["region"]["startLine"], 3);
}

TEST_F(ReportTest, SarifTaintDeniedHasACodeFlowOtherCodesDoNot) {
  Diagnostic taint =
      make_diagnostic(DiagnosticCode::TaintDenied, locate(files, 1, "output o = z"), {"pii", "z"},
                      {{locate(files, 1, "input i = y"), "'pii' enters here"},
                       {locate(files, 1, "output o = x"), "and leaves here"}});
  Diagnostic duplicate =
      make_diagnostic(DiagnosticCode::DuplicateDefinition, locate(files, 1, "job b"),
                      {"job", "b", ""}, {{locate(files, 1, "job a"), "first defined here"}});
  Diagnostic cycle_without_path =
      make_diagnostic(DiagnosticCode::Cycle, locate(files, 1, "job c"), {"c -> c"});
  report.diagnostics = {&taint, &duplicate, &cycle_without_path};
  json results = sarif_report({report}, tool)["runs"][0]["results"];
  ASSERT_EQ(results.size(), 3u);
  ASSERT_TRUE(results[0].contains("codeFlows"));
  EXPECT_EQ(results[0]["codeFlows"][0]["threadFlows"][0]["locations"].size(), 2u);
  EXPECT_TRUE(results[1].contains("relatedLocations"));
  EXPECT_FALSE(results[1].contains("codeFlows"));
  // A thread flow needs at least one location: no path, no codeFlow.
  EXPECT_FALSE(results[2].contains("codeFlows"));
  EXPECT_FALSE(results[2].contains("relatedLocations"));
}

TEST_F(ReportTest, SarifColumnsCountUtf16CodeUnits) {
  // Line 1 is "# é😀": the emoji starts at byte 4, UTF-16 unit 3.
  Diagnostic diagnostic =
      make_diagnostic(DiagnosticCode::SyntaxError, locate(files, 1, "😀"), {"unexpected emoji"});
  report.diagnostics = {&diagnostic};
  json log = sarif_report({report}, tool);
  EXPECT_EQ(log["runs"][0]["columnKind"], "utf16CodeUnits");
  const json& region = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
  EXPECT_EQ(region["startLine"], 1);
  EXPECT_EQ(region["startColumn"], 4);
  EXPECT_EQ(region["endLine"], 1);
  EXPECT_EQ(region["endColumn"], 6);
  EXPECT_EQ(region["byteOffset"], 4);
  EXPECT_EQ(region["byteLength"], 4);
}

TEST_F(ReportTest, SarifNamesEachWorkspaceRoot) {
  std::vector<SourceFile> other_files;
  other_files.emplace_back("/other root/workspace.dbuild", "workspace v {}\n");
  WorkspaceReport other{"/other root", &other_files, {"../other root/workspace.dbuild"}, {}};
  Diagnostic diagnostic =
      make_diagnostic(DiagnosticCode::UnusedDefinition, {0, {10, 11}}, {"workspace", "v"});
  other.diagnostics = {&diagnostic};
  json run = sarif_report({report, other}, tool)["runs"][0];
  EXPECT_EQ(run["originalUriBaseIds"]["SRCROOT"]["uri"], "file:///ws/");
  EXPECT_EQ(run["originalUriBaseIds"]["SRCROOT2"]["uri"], "file:///other%20root/");
  const json& artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(artifact["uri"], "workspace.dbuild");
  EXPECT_EQ(artifact["uriBaseId"], "SRCROOT2");
}

TEST_F(ReportTest, JsonCarriesBytePositionsAndASummary) {
  Diagnostic error = cycle();
  Diagnostic warning =
      make_diagnostic(DiagnosticCode::UnusedDefinition, locate(files, 0, "w"), {"workspace", "w"});
  report.diagnostics = {&error, &warning};
  json doc = json_report({report}, tool);
  EXPECT_EQ(doc["version"], 1);
  EXPECT_EQ(doc["tool"], json({{"name", "databuild"}, {"version", "9.8.7"}}));
  EXPECT_EQ(doc["summary"], json({{"errors", 1}, {"warnings", 1}}));
  ASSERT_EQ(doc["diagnostics"].size(), 2u);
  const json& first = doc["diagnostics"][0];
  EXPECT_EQ(first["code"], "cycle");
  EXPECT_EQ(first["severity"], "error");
  EXPECT_EQ(first["file"], "my jobs/a#1.dbuild");
  // "job a" starts line 2, after the 9-byte first line.
  EXPECT_EQ(first["range"]["start"], json({{"line", 2}, {"column", 1}, {"offset", 9}}));
  EXPECT_EQ(first["range"]["end"], json({{"line", 2}, {"column", 6}, {"offset", 14}}));
  ASSERT_EQ(first["related"].size(), 3u);
  EXPECT_EQ(first["related"][0]["message"], "'a' writes 'x'");
  EXPECT_EQ(first["related"][0]["file"], "my jobs/a#1.dbuild");
  EXPECT_EQ(doc["diagnostics"][1]["related"], json::array());
  EXPECT_EQ(doc["diagnostics"][1]["severity"], "warning");
}

TEST(FileUri, EncodesAndMarksDirectories) {
  EXPECT_EQ(file_uri("/a/b", true), "file:///a/b/");
  EXPECT_EQ(file_uri("/a/b/", true), "file:///a/b/");
  EXPECT_EQ(file_uri("/a/b c/d%e", false), "file:///a/b%20c/d%25e");
  EXPECT_EQ(file_uri("/caf\xc3\xa9", false), "file:///caf%C3%A9");
}

}  // namespace
}  // namespace databuild
