// Lineage in the editor: the datasets and jobs upstream and downstream of a
// dataset or job (call hierarchy: incoming = upstream, outgoing = downstream),
// the labels each port carries (inlay hints), and a dataset's producers and
// readers at a glance (code lens). Byte Locations; the analysis server
// converts for editors.
//
// Everything is read from the link tables (producers, readers) and the data
// flow (labels), so what the editor shows is what `databuild check` judged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "Navigation.h"

namespace databuild::lsp {

// A dataset or a job. Items are named, not pointed to: a client hands an item
// back in a later request, after any number of re-analyses.
struct LineageItem {
  SymbolKind kind;  // Dataset or Job
  std::string name;
  std::string detail;  // keys of a dataset, parameters of a job, as written
  Location name_location;
  Location declaration;
};

// A neighbour of an item in the graph, with the ranges that link the two, in
// the caller as call hierarchy wants them (the neighbour for upstream, the
// item for downstream): in a job, its ports' patterns; in a dataset, its name.
struct LineageEdge {
  LineageItem item;
  std::vector<Location> ranges;
};

// The dataset or job a symbol names (a dataset, or a job's name).
std::optional<LineageItem> lineage_item(const Analysis& analysis, const SymbolAt& symbol);
// The item of that kind and name in the current analysis, if still there.
std::optional<LineageItem> find_lineage_item(const Analysis& analysis, SymbolKind kind,
                                             const std::string& name);
// A dataset's producing jobs; a job's input datasets. Each neighbour once,
// in source order of the linking ports.
std::vector<LineageEdge> upstream(const Analysis& analysis, const LineageItem& item);
// A dataset's reading jobs; a job's output datasets.
std::vector<LineageEdge> downstream(const Analysis& analysis, const LineageItem& item);

// One inlay hint: the labels a port carries, shown after its pattern.
struct LabelHint {
  uint32_t offset;  // in the port's file
  std::vector<std::string> labels;
};

// The hints of the ports of `file` that carry labels: an input carries what
// its dataset holds (only the columns it reads, with a column list); an output
// what the dataset it writes holds.
std::vector<LabelHint> label_hints(const Analysis& analysis, FileId file);

// "produced by clean · read by 2 jobs" for each dataset declared in `file`.
struct DatasetLens {
  Location name;
  std::string title;
};
std::vector<DatasetLens> dataset_lenses(const Analysis& analysis, FileId file,
                                        const Cancellation& cancel = Cancellation::never());

}  // namespace databuild::lsp
