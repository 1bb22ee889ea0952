// Neighbours are collected per port and merged per neighbour, keeping the
// order in which each was first met, so that results are stable for tests
// and editors alike.
#include "Lineage.h"

#include <algorithm>

namespace databuild::lsp {

namespace {

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) out += (out.empty() ? "" : std::string(separator)) + part;
  return out;
}

LineageItem item_of(const Dataset& dataset) {
  std::vector<std::string> keys;
  for (const KeyDecl& key : dataset.keys) keys.push_back(key.name.text + ": " + key.type.display);
  return {SymbolKind::Dataset, dataset.name.text.str(),
          keys.empty() ? "" : "[" + joined(keys, ", ") + "]", dataset.name.location,
          dataset.declaration};
}

LineageItem item_of(const Job& job) {
  std::vector<std::string> parameters;
  for (const Parameter& parameter : job.parameters)
    parameters.push_back(parameter.name.text + ": " + parameter.type.display);
  return {SymbolKind::Job, job.name.text.str(),
          parameters.empty() ? "" : "(" + joined(parameters, ", ") + ")", job.name.location,
          job.declaration};
}

// Adds `range` to the edge to `item`, creating the edge on first sight.
void add_edge(std::vector<LineageEdge>& edges, LineageItem item, const Location& range) {
  auto edge = std::find_if(edges.begin(), edges.end(), [&](const LineageEdge& e) {
    return e.item.kind == item.kind && e.item.name == item.name;
  });
  if (edge == edges.end()) {
    edges.push_back({std::move(item), {range}});
  } else {
    edge->ranges.push_back(range);
  }
}

// The jobs linked to a dataset through `ports` (its producers or readers).
std::vector<LineageEdge> jobs_through(const Dataset& dataset, const PortsByDataset& ports) {
  std::vector<LineageEdge> edges;
  for (const PortRef& port : ports.of(dataset)) {
    if (!port.job->canonical()) continue;  // a duplicate
    add_edge(edges, item_of(*port.job), port.port->pattern.location);
  }
  return edges;
}

// The datasets a job's `ports` (its inputs or outputs) resolve to.
std::vector<LineageEdge> datasets_through(std::span<const Port> ports) {
  std::vector<LineageEdge> edges;
  for (const Port& port : ports) {
    if (port.pattern.target) add_edge(edges, item_of(*port.pattern.target), port.pattern.location);
  }
  return edges;
}

// The ranges of edges between a job and datasets, as seen from a dataset:
// its name. Call hierarchy ranges lie in the caller (LineageEdge), and a
// dataset holds no text about the jobs it feeds or is fed by.
std::vector<LineageEdge> at_dataset_names(std::vector<LineageEdge> edges,
                                          const Location* dataset_name) {
  for (LineageEdge& edge : edges)
    edge.ranges = {dataset_name ? *dataset_name : edge.item.name_location};
  return edges;
}

std::vector<LineageEdge> neighbours(const Analysis& analysis, const LineageItem& item, bool up) {
  const LinkedWorkspace& linked = analysis.linked;
  if (item.kind == SymbolKind::Dataset) {
    const Dataset* dataset = linked.find_dataset(item.name);
    if (!dataset) return {};
    // Upstream: the producing jobs, linked by their output patterns.
    return up ? jobs_through(*dataset, linked.producers)
              : at_dataset_names(jobs_through(*dataset, linked.readers), &dataset->name.location);
  }
  const Job* job = linked.find_job(item.name);
  if (!job) return {};
  return up ? at_dataset_names(datasets_through(job->inputs), nullptr)
            : datasets_through(job->outputs);
}

}  // namespace

std::optional<LineageItem> lineage_item(const Analysis& analysis, const SymbolAt& symbol) {
  if (symbol.kind != SymbolKind::Dataset && symbol.kind != SymbolKind::Job) return std::nullopt;
  return find_lineage_item(analysis, symbol.kind,
                           std::string(text_at(analysis, symbol.definition)));
}

std::optional<LineageItem> find_lineage_item(const Analysis& analysis, SymbolKind kind,
                                             const std::string& name) {
  if (kind == SymbolKind::Dataset) {
    if (const Dataset* dataset = analysis.linked.find_dataset(name)) return item_of(*dataset);
  } else if (kind == SymbolKind::Job) {
    if (const Job* job = analysis.linked.find_job(name)) return item_of(*job);
  }
  return std::nullopt;
}

std::vector<LineageEdge> upstream(const Analysis& analysis, const LineageItem& item) {
  return neighbours(analysis, item, true);
}

std::vector<LineageEdge> downstream(const Analysis& analysis, const LineageItem& item) {
  return neighbours(analysis, item, false);
}

std::vector<LabelHint> label_hints(const Analysis& analysis, FileId file) {
  std::vector<LabelHint> hints;
  const DataFlow& flow = analysis.linked.flow;
  for (const Job& job : analysis.models[file].jobs) {
    for (const Port& input : job.inputs) {
      std::vector<std::string> labels = flow.labels_carried_by(input);
      if (!labels.empty()) hints.push_back({input.declaration.range.end, std::move(labels)});
    }
    for (const Port& output : job.outputs) {
      if (!output.pattern.target) continue;
      std::vector<std::string> labels;
      for (const LabelSource& source : flow.labels_of(*output.pattern.target))
        labels.push_back(source.label.str());
      if (!labels.empty()) hints.push_back({output.declaration.range.end, std::move(labels)});
    }
  }
  std::sort(hints.begin(), hints.end(),
            [](const LabelHint& a, const LabelHint& b) { return a.offset < b.offset; });
  return hints;
}

std::vector<DatasetLens> dataset_lenses(const Analysis& analysis, FileId file,
                                        const Cancellation& cancel) {
  std::vector<DatasetLens> lenses;
  for (const Dataset& dataset : analysis.models[file].datasets) {
    cancel.check();
    if (!dataset.canonical()) continue;  // a duplicate
    LineageItem item = item_of(dataset);
    std::vector<std::string> producers;
    for (const LineageEdge& edge : upstream(analysis, item)) producers.push_back(edge.item.name);
    size_t readers = downstream(analysis, item).size();
    std::string produced = dataset.is_external() ? "external"
                           : producers.empty()   ? "no producer"
                                                 : "produced by " + joined(producers, ", ");
    lenses.push_back({dataset.name.location, produced + " · read by " + std::to_string(readers) +
                                                 (readers == 1 ? " job" : " jobs")});
  }
  return lenses;
}

}  // namespace databuild::lsp
