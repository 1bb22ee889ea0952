// `databuild graph`: the graph built from a linked workspace, the focus
// neighbourhood, the escaping of each format, and the command's exit statuses.
// Rendering real workspaces through Graphviz is in tests/lit/graph.
#include "graph_command.h"

#include <sstream>

#include "check_command.h"
#include "test_support.h"

namespace databuild {
namespace {

// A chain with a side branch: raw -> clean -> {daily, report}; ops -> report.
const char* const kWorkspace = R"(
policy pii
type region = enum(us, "eu \"west\"")
dataset raw[d: date since 2024-01-01, r: region] { external column email: string (taint pii) }
dataset clean[d: date since 2024-01-01] {}
dataset daily[d: date since 2024-01-01] {}
dataset ops { external }
dataset report[d: date since 2024-01-01] { deny pii deny pii }
job clean(d: date) {
  input  raw = raw[d   in   d - 1d .. d,
                   r = *]
  output out = clean[d = d]
  run ["a"]
}
job daily(d: date) {
  input  c = clean[d = d]
  input  r = raw[d = d, r = "eu \"west\""] { email }
  output o = daily[d = d]
  removes pii because "hashed"
  run ["b"]
}
job report(d: date) {
  input  c = clean[d = d]
  input  o = ops
  input  x = nowhere
  output o2 = report[d = d]
  run ["c"]
}
)";

std::vector<std::string> ids(const WorkspaceGraph& graph) {
  std::vector<std::string> out;
  for (const GraphNode& node : graph.nodes) out.push_back(node.id);
  return out;
}

std::vector<std::string> edges(const WorkspaceGraph& graph) {
  std::vector<std::string> out;
  for (const GraphEdge& edge : graph.edges) {
    std::string text = graph.nodes[edge.from].id + " -> " + graph.nodes[edge.to].id;
    for (const std::string& binding : edge.bindings) text += " | " + binding;
    for (const std::string& label : edge.labels) text += " +" + label;
    out.push_back(text);
  }
  return out;
}

TEST(Graph, NodesEdgesBindingsAndLabels) {
  std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", kWorkspace}});
  WorkspaceGraph graph = build_graph(*analysis);
  EXPECT_EQ(ids(graph), (std::vector<std::string>{"dataset:raw", "dataset:clean", "dataset:daily",
                                                  "dataset:ops", "dataset:report", "job:clean",
                                                  "job:daily", "job:report"}));
  // Bindings as written with spaces normalized; the unresolved input is left out.
  EXPECT_EQ(edges(graph), (std::vector<std::string>{
                              "dataset:raw -> job:clean | d in d - 1d .. d | r = * +pii",
                              "job:clean -> dataset:clean | d = d",
                              "dataset:clean -> job:daily | d = d +pii",
                              "dataset:raw -> job:daily | d = d | r = \"eu \\\"west\\\"\" +pii",
                              "job:daily -> dataset:daily | d = d",
                              "dataset:clean -> job:report | d = d +pii",
                              "dataset:ops -> job:report",
                              "job:report -> dataset:report | d = d",
                          }));
  EXPECT_EQ(graph.nodes[0].labels, std::vector<std::string>{"pii"});
  EXPECT_EQ(graph.nodes[1].labels, std::vector<std::string>{"pii"});  // propagated
  EXPECT_TRUE(graph.nodes[2].labels.empty());                         // removed
  EXPECT_EQ(graph.nodes[4].denies, std::vector<std::string>{"pii"});  // once
  EXPECT_EQ(graph.find("clean"), (std::vector<size_t>{1, 5}));
  EXPECT_TRUE(graph.find("nowhere").empty());
}

TEST(Graph, NeighbourhoodIsAncestorsAndDescendantsWithinDepth) {
  std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", kWorkspace}});
  WorkspaceGraph graph = build_graph(*analysis);
  size_t daily_job = graph.find("daily")[1];
  EXPECT_EQ(ids(neighbourhood(graph, {daily_job}, 0)), std::vector<std::string>{"job:daily"});
  // Upstream clean and raw, downstream daily; not report, clean's other reader.
  EXPECT_EQ(
      ids(neighbourhood(graph, {daily_job}, 1)),
      (std::vector<std::string>{"dataset:raw", "dataset:clean", "dataset:daily", "job:daily"}));
  WorkspaceGraph around_clean = neighbourhood(graph, graph.find("clean"), 1);
  EXPECT_EQ(ids(around_clean), (std::vector<std::string>{"dataset:raw", "dataset:clean",
                                                         "job:clean", "job:daily", "job:report"}));
  // Every edge between kept nodes, raw -> job:daily included.
  EXPECT_EQ(around_clean.edges.size(), 5u);
}

TEST(Graph, DotQuotesAndEscapes) {
  std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", kWorkspace}});
  std::ostringstream out;
  write_dot(build_graph(*analysis), out);
  std::string dot = out.str();
  EXPECT_NE(dot.find("  \"dataset:raw\" [label=\"raw\\nexternal\\nlabels: pii\", shape=box, "
                     "style=dashed, color=firebrick];\n"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("  \"dataset:report\" [label=\"report\\nlabels: pii\\ndenies: pii\", "
                     "shape=box, color=firebrick, peripheries=2];\n"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("  \"dataset:raw\" -> \"job:daily\" [label=\"d = d, r = \\\"eu "
                     "\\\\\\\"west\\\\\\\"\\\"\"];\n"),
            std::string::npos)
      << dot;
  EXPECT_NE(dot.find("  \"dataset:ops\" -> \"job:report\";\n"), std::string::npos) << dot;
}

TEST(Graph, MermaidUsesPlainIdsAndEntityCodes) {
  std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", kWorkspace}});
  std::ostringstream out;
  write_mermaid(build_graph(*analysis), out);
  std::string mermaid = out.str();
  EXPECT_EQ(mermaid.rfind("flowchart LR\n  d0[\"raw<br/>external<br/>labels: pii\"]\n", 0), 0u)
      << mermaid;
  EXPECT_NE(mermaid.find("  j0([\"clean\"])\n"), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("  d0 -->|\"d = d, r = #quot;eu \\#quot;west\\#quot;#quot;\"| j1\n"),
            std::string::npos)
      << mermaid;
  EXPECT_NE(mermaid.find("  d3 --> j2\n"), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("  class d0,d3 external\n"), std::string::npos) << mermaid;
  EXPECT_NE(mermaid.find("  class d4 denies\n"), std::string::npos) << mermaid;
}

TEST(Graph, CommandRefusesUnknownFocusAndBadUsage) {
  std::ostringstream out, err;
  EXPECT_EQ(run_graph({"--format", "svg"}, out, err), kExitCannotRun);
  EXPECT_NE(err.str().find("--format takes dot, mermaid or json"), std::string::npos);
  err.str("");
  EXPECT_EQ(run_graph({"--depth", "2"}, out, err), kExitCannotRun);
  EXPECT_NE(err.str().find("--depth needs --focus"), std::string::npos);
  err.str("");
  EXPECT_EQ(run_graph({"--focus"}, out, err), kExitCannotRun);
  EXPECT_EQ(run_graph({"--help"}, out, err), kExitClean);
  EXPECT_EQ(out.str().rfind("usage: databuild graph", 0), 0u);
}

}  // namespace
}  // namespace databuild
