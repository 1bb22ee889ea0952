// `databuild graph`: the workspace's datasets and jobs as a picture (Graphviz
// dot, Mermaid) or as data (JSON, docs/graph-output.md).
//
// The graph is built from the linked workspace, never from text, so it shows
// exactly what `databuild check` understood: resolved inputs and outputs, the
// labels a dataset carries after propagation (flow.h), and what it denies. It
// is drawn even when the workspace has errors; unresolved ports are left out.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "workspace.h"

namespace databuild {

struct GraphNode {
  enum class Kind { Dataset, Job };
  Kind kind = Kind::Dataset;
  std::string name;
  std::string id;  // "dataset:NAME" or "job:NAME": jobs and datasets may share names
  Location location;
  const Dataset* dataset = nullptr;  // Kind::Dataset
  const Job* job = nullptr;          // Kind::Job
  std::vector<std::string> labels;   // datasets: every label, propagated ones included
  std::vector<std::string> denies;   // datasets: the labels denied, each once
};

// An input (dataset → job) or an output (job → dataset).
struct GraphEdge {
  size_t from = 0;  // node indices
  size_t to = 0;
  const Port* port = nullptr;
  std::vector<std::string> bindings;  // as written, spaces normalized: "date in d - 6d .. d"
  std::vector<std::string> labels;    // inputs: the labels this input carries
};

struct WorkspaceGraph {
  std::vector<GraphNode> nodes;  // by file, datasets then jobs, in source order
  std::vector<GraphEdge> edges;  // by job: its inputs, then its outputs

  // Node indices named `name` (a dataset, a job, or both).
  std::vector<size_t> find(std::string_view name) const;
};

// The graph of an analyzed workspace. Points into `analysis`, which must outlive it.
WorkspaceGraph build_graph(const Analysis& analysis);

// The part of `graph` within `depth` edges upstream or downstream of `focus`
// (node indices): ancestors and descendants, not their other neighbours.
WorkspaceGraph neighbourhood(const WorkspaceGraph& graph, const std::vector<size_t>& focus,
                             size_t depth);

void write_dot(const WorkspaceGraph& graph, std::ostream& out);
void write_mermaid(const WorkspaceGraph& graph, std::ostream& out);
// Paths in the document are relative to the workspace root.
void write_graph_json(const WorkspaceGraph& graph, const Analysis& analysis, std::ostream& out);

// Runs `databuild graph ARGS...` (ARGS excludes "graph"); returns the exit status.
int run_graph(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace databuild
