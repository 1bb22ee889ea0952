// Three renderings of one WorkspaceGraph. Node identifiers differ by format:
// dot and JSON use "dataset:NAME" / "job:NAME" (quoted in dot, so any name is
// safe, and stable for scripts), Mermaid uses d0, j0, ... because its
// identifiers cannot be quoted; names go into quoted labels there, with
// Mermaid's entity codes for the characters its labels cannot hold.
#include "graph_command.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <tuple>

#include "check_command.h"

namespace databuild {

namespace fs = std::filesystem;

namespace {

const char* const kUsage =
    "usage: databuild graph [--format dot|mermaid|json] [--focus NAME] [--depth N] [PATH]\n"
    "\n"
    "Draws the datasets and jobs of the workspace holding PATH (default: the\n"
    "current directory): Graphviz dot (the default), Mermaid, or JSON\n"
    "(docs/graph-output.md). --focus keeps a dataset or job and what lies within\n"
    "--depth edges (default 2) upstream and downstream of it.\n"
    "Exit status: 0 drawn, 2 could not run (bad usage, no workspace, unknown focus).\n";

constexpr size_t kDefaultDepth = 2;

// Source text with every run of whitespace made one space.
std::string normalized(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string edge_label(const GraphEdge& edge) { return join(edge.bindings, ", "); }

// The lines of a node's label: its name, then what marks it.
std::vector<std::string> node_lines(const GraphNode& node) {
  std::vector<std::string> lines = {node.name};
  if (node.dataset && node.dataset->is_external()) lines.push_back("external");
  if (!node.labels.empty()) lines.push_back("labels: " + join(node.labels, ", "));
  if (!node.denies.empty()) lines.push_back("denies: " + join(node.denies, ", "));
  return lines;
}

// ---- dot ---------------------------------------------------------------------------

// A dot double-quoted string: quotes and backslashes escaped, so user text can
// never end the string or form an escape such as \N.
std::string dot_quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// ---- mermaid -------------------------------------------------------------------------

std::string mermaid_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '#':
        out += "#35;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// d0, d1, ... for datasets and j0, j1, ... for jobs, in node order.
std::vector<std::string> mermaid_ids(const WorkspaceGraph& graph) {
  std::vector<std::string> ids;
  size_t datasets = 0, jobs = 0;
  for (const GraphNode& node : graph.nodes) {
    ids.push_back(node.kind == GraphNode::Kind::Dataset ? "d" + std::to_string(datasets++)
                                                        : "j" + std::to_string(jobs++));
  }
  return ids;
}

// ---- options ---------------------------------------------------------------------------

enum class Format { Dot, Mermaid, Json };

struct Options {
  Format format = Format::Dot;
  std::optional<std::string> focus;
  std::optional<size_t> depth;
  std::optional<std::string> path;
  bool help = false;
};

// The value of `--name VALUE` or `--name=VALUE` at args[i], advancing i.
std::optional<std::string> option_value(const std::vector<std::string>& args, size_t& i,
                                        std::string_view name) {
  const std::string& arg = args[i];
  if (arg == name) return i + 1 < args.size() ? std::optional(args[++i]) : std::nullopt;
  if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 && arg[name.size()] == '=')
    return arg.substr(name.size() + 1);
  return std::nullopt;
}

bool is_option(const std::string& arg, std::string_view name) {
  return arg == name || (arg.rfind(std::string(name) + "=", 0) == 0);
}

bool parse_options(const std::vector<std::string>& args, Options& options, std::ostream& err) {
  auto usage_error = [&](const std::string& message) {
    err << "databuild graph: " << message << "\n" << kUsage;
    return false;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (is_option(arg, "--format")) {
      std::optional<std::string> value = option_value(args, i, "--format");
      if (value == "dot") {
        options.format = Format::Dot;
      } else if (value == "mermaid") {
        options.format = Format::Mermaid;
      } else if (value == "json") {
        options.format = Format::Json;
      } else {
        return usage_error("--format takes dot, mermaid or json");
      }
    } else if (is_option(arg, "--focus")) {
      options.focus = option_value(args, i, "--focus");
      if (!options.focus || options.focus->empty())
        return usage_error("--focus takes a dataset or job name");
    } else if (is_option(arg, "--depth")) {
      std::optional<std::string> value = option_value(args, i, "--depth");
      if (!value || value->empty() || value->size() > 6 ||
          value->find_first_not_of("0123456789") != std::string::npos)
        return usage_error("--depth takes a number of edges");
      options.depth = std::stoul(*value);
    } else if (!arg.empty() && arg[0] == '-') {
      return usage_error("unknown option '" + arg + "'");
    } else if (options.path) {
      return usage_error("one PATH at most");
    } else {
      options.path = arg;
    }
  }
  if (options.depth && !options.focus) return usage_error("--depth needs --focus");
  return true;
}

}  // namespace

// ---- the graph ---------------------------------------------------------------------------

std::vector<size_t> WorkspaceGraph::find(std::string_view name) const {
  std::vector<size_t> found;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == name) found.push_back(i);
  }
  return found;
}

namespace {

GraphNode make_node(GraphNode::Kind kind, const Name& name) {
  GraphNode node;
  node.kind = kind;
  node.name = name.text;
  node.id = (kind == GraphNode::Kind::Dataset ? "dataset:" : "job:") + name.text;
  node.location = name.location;
  return node;
}

}  // namespace

WorkspaceGraph build_graph(const Analysis& analysis) {
  const LinkedWorkspace& linked = analysis.linked;
  WorkspaceGraph graph;
  std::unordered_map<const Dataset*, size_t> dataset_node;
  std::vector<std::pair<const Job*, size_t>> job_nodes;
  for (const FileModel& file : analysis.models) {
    for (const Dataset& dataset : file.datasets) {
      if (!dataset.canonical()) continue;  // a duplicate
      GraphNode node = make_node(GraphNode::Kind::Dataset, dataset.name);
      node.dataset = &dataset;
      for (const LabelSource& source : linked.flow.labels_of(dataset))
        node.labels.push_back(source.label.str());
      for (const Name& denied : dataset.denies) {
        if (std::find(node.denies.begin(), node.denies.end(), denied.text) == node.denies.end())
          node.denies.push_back(denied.text.str());
      }
      dataset_node.emplace(&dataset, graph.nodes.size());
      graph.nodes.push_back(std::move(node));
    }
    for (const Job& job : file.jobs) {
      if (!job.canonical()) continue;
      job_nodes.emplace_back(&job, graph.nodes.size());
      graph.nodes.push_back(make_node(GraphNode::Kind::Job, job.name));
      graph.nodes.back().job = &job;
    }
  }
  // Plain variables, not a structured binding: clang 14 (the fuzz build)
  // cannot capture bindings in a lambda.
  for (const auto& job_and_node : job_nodes) {
    const Job* job = job_and_node.first;
    size_t job_node = job_and_node.second;
    auto add_edge = [&](const Port& port, bool input) {
      if (!port.pattern.target) return;
      size_t dataset = dataset_node.at(port.pattern.target);
      GraphEdge edge;
      edge.from = input ? dataset : job_node;
      edge.to = input ? job_node : dataset;
      edge.port = &port;
      for (const Binding& binding : port.pattern.bindings) {
        Location location = binding.location();
        const std::string& text = analysis.files[location.file].text;
        edge.bindings.push_back(normalized(std::string_view(text).substr(
            location.range.begin, location.range.end - location.range.begin)));
      }
      if (input) edge.labels = linked.flow.labels_carried_by(port);
      graph.edges.push_back(std::move(edge));
    };
    for (const Port& input : job->inputs) add_edge(input, true);
    for (const Port& output : job->outputs) add_edge(output, false);
  }
  return graph;
}

WorkspaceGraph neighbourhood(const WorkspaceGraph& graph, const std::vector<size_t>& focus,
                             size_t depth) {
  // Edges leaving each node, downstream ([0]) and upstream ([1]).
  std::vector<std::vector<size_t>> next[2];
  for (auto& adjacent : next) adjacent.resize(graph.nodes.size());
  for (const GraphEdge& edge : graph.edges) {
    next[0][edge.from].push_back(edge.to);
    next[1][edge.to].push_back(edge.from);
  }
  std::vector<bool> keep(graph.nodes.size());
  for (const auto& adjacent : next) {
    std::vector<size_t> distance(graph.nodes.size(), depth + 1);
    std::deque<size_t> queue;
    for (size_t node : focus) {
      distance[node] = 0;
      queue.push_back(node);
    }
    while (!queue.empty()) {
      size_t node = queue.front();
      queue.pop_front();
      keep[node] = true;
      if (distance[node] == depth) continue;
      for (size_t to : adjacent[node]) {
        if (distance[to] <= depth) continue;
        distance[to] = distance[node] + 1;
        queue.push_back(to);
      }
    }
  }
  WorkspaceGraph part;
  std::vector<size_t> renumbered(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!keep[i]) continue;
    renumbered[i] = part.nodes.size();
    part.nodes.push_back(graph.nodes[i]);
  }
  for (const GraphEdge& edge : graph.edges) {
    if (!keep[edge.from] || !keep[edge.to]) continue;
    GraphEdge copy = edge;
    copy.from = renumbered[edge.from];
    copy.to = renumbered[edge.to];
    part.edges.push_back(std::move(copy));
  }
  return part;
}

// ---- rendering ---------------------------------------------------------------------------

void write_dot(const WorkspaceGraph& graph, std::ostream& out) {
  out << "digraph workspace {\n"
         "  rankdir=LR;\n"
         "  node [fontname=\"Helvetica\", fontsize=11];\n"
         "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const GraphNode& node : graph.nodes) {
    // Lines of a label are joined by dot's "\n" escape, added after quoting.
    std::string label;
    for (const std::string& line : node_lines(node)) {
      std::string quoted = dot_quoted(line);
      label += (label.empty() ? "" : "\\n") + quoted.substr(1, quoted.size() - 2);
    }
    out << "  " << dot_quoted(node.id) << " [label=\"" << label << "\"";
    if (node.kind == GraphNode::Kind::Job) {
      out << ", shape=ellipse";
    } else {
      out << ", shape=box";
      if (node.dataset->is_external()) out << ", style=dashed";
      if (!node.labels.empty()) out << ", color=firebrick";
      if (!node.denies.empty()) out << ", peripheries=2";
    }
    out << "];\n";
  }
  for (const GraphEdge& edge : graph.edges) {
    out << "  " << dot_quoted(graph.nodes[edge.from].id) << " -> "
        << dot_quoted(graph.nodes[edge.to].id);
    std::string label = edge_label(edge);
    if (!label.empty()) out << " [label=" << dot_quoted(label) << "]";
    out << ";\n";
  }
  out << "}\n";
}

void write_mermaid(const WorkspaceGraph& graph, std::ostream& out) {
  out << "flowchart LR\n";
  std::vector<std::string> ids = mermaid_ids(graph);
  std::vector<std::string> external, labelled, denies;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const GraphNode& node = graph.nodes[i];
    std::vector<std::string> lines;
    for (const std::string& line : node_lines(node)) lines.push_back(mermaid_text(line));
    std::string label = "\"" + join(lines, "<br/>") + "\"";
    // Datasets are boxes, jobs stadiums.
    out << "  " << ids[i]
        << (node.kind == GraphNode::Kind::Dataset ? "[" + label + "]" : "([" + label + "])")
        << "\n";
    if (node.dataset && node.dataset->is_external()) external.push_back(ids[i]);
    if (!node.labels.empty()) labelled.push_back(ids[i]);
    if (!node.denies.empty()) denies.push_back(ids[i]);
  }
  for (const GraphEdge& edge : graph.edges) {
    std::string label = edge_label(edge);
    out << "  " << ids[edge.from] << " -->"
        << (label.empty() ? "" : "|\"" + mermaid_text(label) + "\"|") << " " << ids[edge.to]
        << "\n";
  }
  const std::tuple<const char*, const char*, const std::vector<std::string>&> kClasses[] = {
      {"external", "stroke-dasharray: 5 5", external},
      {"labelled", "stroke:#b22222", labelled},
      {"denies", "stroke-width:3px", denies}};
  for (const auto& [name, style, members] : kClasses) {
    if (members.empty()) continue;
    out << "  classDef " << name << " " << style << "\n";
    out << "  class " << join(members, ",") << " " << name << "\n";
  }
}

void write_graph_json(const WorkspaceGraph& graph, const Analysis& analysis, std::ostream& out) {
  using json = nlohmann::ordered_json;
  auto position = [&](const Location& location) {
    const SourceFile& file = analysis.files[location.file];
    LineColumn at = file.lines.position(location.range.begin);
    return json{{"file", fs::path(file.path).lexically_relative(analysis.root).generic_string()},
                {"line", at.line + 1},
                {"column", at.column + 1}};
  };
  json nodes = json::array();
  for (const GraphNode& node : graph.nodes) {
    json entry = {{"id", node.id},
                  {"kind", node.kind == GraphNode::Kind::Dataset ? "dataset" : "job"},
                  {"name", node.name},
                  {"location", position(node.location)}};
    if (node.dataset) {
      json keys = json::array();
      for (const KeyDecl& key : node.dataset->keys) keys.push_back(key.name.text);
      entry["keys"] = std::move(keys);
      entry["external"] = node.dataset->is_external();
      entry["labels"] = node.labels;
      entry["denies"] = node.denies;
    }
    nodes.push_back(std::move(entry));
  }
  json edges = json::array();
  for (const GraphEdge& edge : graph.edges) {
    bool input = edge.port->kind == PortKind::Input;
    json entry = {
        {"from", graph.nodes[edge.from].id},  {"to", graph.nodes[edge.to].id},
        {"kind", input ? "input" : "output"}, {"port", edge.port->name.text},
        {"bindings", edge.bindings},          {"location", position(edge.port->pattern.location)}};
    if (input) {
      entry["columns"] = nullptr;
      if (edge.port->columns) {
        json columns = json::array();
        for (const Name& column : *edge.port->columns) columns.push_back(column.text);
        entry["columns"] = std::move(columns);
      }
      entry["labels"] = edge.labels;
    }
    edges.push_back(std::move(entry));
  }
  json document = {{"version", 1},
                   {"root", analysis.root},
                   {"nodes", std::move(nodes)},
                   {"edges", std::move(edges)}};
  out << document.dump(2) << "\n";
}

int run_graph(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options options;
  if (!parse_options(args, options, err)) return kExitCannotRun;
  if (options.help) {
    out << kUsage;
    return kExitClean;
  }
  std::string path = options.path.value_or(".");
  std::error_code error;
  if (!fs::exists(path, error)) {
    err << "databuild graph: " << path << ": no such file or directory\n";
    return kExitCannotRun;
  }
  std::optional<std::string> root = find_workspace_root(path);
  if (!root) {
    err << "databuild graph: " << path
        << ": not inside a DataBuild workspace (no workspace.dbuild here or above)\n";
    return kExitCannotRun;
  }
  std::unique_ptr<Analysis> analysis = analyze_workspace(*root);
  WorkspaceGraph graph = build_graph(*analysis);
  if (options.focus) {
    std::vector<size_t> focus = graph.find(*options.focus);
    if (focus.empty()) {
      err << "databuild graph: no dataset or job named '" << printable(*options.focus) << "' in "
          << *root << "\n";
      return kExitCannotRun;
    }
    graph = neighbourhood(graph, focus, options.depth.value_or(kDefaultDepth));
  }
  switch (options.format) {
    case Format::Dot:
      write_dot(graph, out);
      break;
    case Format::Mermaid:
      write_mermaid(graph, out);
      break;
    case Format::Json:
      write_graph_json(graph, *analysis, out);
      break;
  }
  return kExitClean;
}

}  // namespace databuild
