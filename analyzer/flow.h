// Data flow: the workspace-wide checks that follow partitions and labels
// through jobs, and the label model later users read.
//
// check_flow() runs once at the end of link(), when every pattern is resolved.
// It reports overlapping-producers, cycle, unbounded-recursion, taint-denied and
// useless-removal, and fills a DataFlow: the labels of every dataset and where
// each one comes from. The language server (hover, inlay hints), the runtime
// (labels a partition must carry) and `databuild graph` read labels from here
// instead of recomputing them, so that every face agrees with the check.
//
// The non-obvious parts:
// - Labels are computed per label by a breadth-first search from the inputs
//   that read it at its origin. That yields the least fixed point the design
//   asks for (cycles included) and, for free, a shortest carrying path, which
//   is what taint-denied shows and what a hover should explain.
// - A dataset keeps every reason it holds a label (declared, per column,
//   propagated), not just one: an input with a column list carries only some.
// - Names defined twice and unresolved patterns take no part: they already
//   have their error, and guessing would pile more onto it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "identity_map.h"
#include "model.h"

namespace databuild {

struct LinkedWorkspace;

// Why a dataset holds one label. Pointers point into the FileModels the
// workspace was linked from (see link.h for their lifetime).
struct LabelSource {
  Symbol label;  // the policy name
  // The dataset's own `taint LABEL` (the first, if repeated), or nullptr.
  const Name* declared = nullptr;
  // The dataset's columns tainted with the label, in declaration order.
  std::vector<const Column*> columns;
  // Set when the label is propagated: a producing job whose input `via_input`
  // carries it and whose output `via_output` writes this dataset. This is the
  // last step of a shortest path from an origin; label_path() walks it back.
  const Job* via_job = nullptr;
  const Port* via_input = nullptr;
  const Port* via_output = nullptr;

  bool propagated() const { return via_job != nullptr; }
};

// One step of a path through the dataset/job graph: the path a label takes
// from its origin to a dataset, or the way around a cycle.
struct FlowStep {
  enum class Kind {
    DatasetTaint,  // a label's origin: `taint LABEL` on `dataset`
    ColumnTaint,   // a label's origin: `column` of `dataset` tainted LABEL
    Input,         // `port` of `job` reads `dataset`
    Job,           // `job` (passing a label on: it does not remove it)
    Output,        // `port` of `job` writes `dataset`
    Dataset,       // `dataset` (holding the label)
  };
  Kind kind;
  Location location;  // the taint's policy name, the port's pattern, or the name
  const Dataset* dataset = nullptr;
  const Job* job = nullptr;
  const Port* port = nullptr;
  const Column* column = nullptr;
};

// A step as a note: "job 'hash' reads 'users' through input 'u'". With a
// label, the Job and Dataset steps say what happens to it.
std::string describe_step(const FlowStep& step, std::string_view label = {});

// The result of check_flow(). Owned by LinkedWorkspace (its `flow` field);
// like the rest of it, it points into the FileModels and must be recomputed
// (by re-linking) after any of them changes.
class DataFlow {
 public:
  // The labels of `dataset` (declared, from its columns, and propagated),
  // sorted by name; empty for an unlabelled or unresolved dataset.
  const std::vector<LabelSource>& labels_of(const Dataset& dataset) const;
  const LabelSource* find_label(const Dataset& dataset, std::string_view label) const;

  // Whether `input` carries `label`: its dataset's declared and propagated
  // labels, and those of the columns it reads (all columns without a list).
  bool carries(const Port& input, std::string_view label) const;
  // Every label `input` carries, sorted.
  std::vector<std::string> labels_carried_by(const Port& input) const;

  // A shortest path that brings `label` into `dataset`: the origin (a taint on
  // a dataset or column), then for each job on the way its input, the job, its
  // output and the dataset written, the last being `dataset`. Just the origin
  // when `dataset` declares the label itself; empty when it lacks the label.
  std::vector<FlowStep> label_path(const Dataset& dataset, std::string_view label) const;

 private:
  friend class FlowChecker;
  IdentityMap<const Dataset*, std::vector<LabelSource>> labels_;
};

// Runs the flow checks over the datasets and jobs `linked` holds: fills
// `linked.flow` and appends to `linked.diagnostics`. Called by link(); needs
// its resolved patterns, link indices, producers and readers. With
// `in_parallel` the label checks run on a second thread; the result is the same.
void check_flow(LinkedWorkspace& linked, bool in_parallel = false);

}  // namespace databuild
