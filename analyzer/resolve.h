// Job-target resolution: from a partition to the job run that makes it.
//
// This is the compiler half of the runtime, kept in the analyzer library so
// that `databuild explain`, the language server and `databuild-run` agree on
// it. Given a partition, resolve() finds its producer (the one output pattern
// that matches it; literal bindings must equal the partition's values), binds
// the job's parameters from the partition's values, and evaluates
//   - every input pattern: `=` values, `in A .. B` ranges (inclusive), `*`
//     (the key's finite domain), month_of/date_of/days_of/hours_of and date,
//     hour, month and int arithmetic; partitions of a range or `*` outside the
//     domain are dropped, as is a job's read of its own output dataset (which
//     is how recursion stops at `since`); any other single-partition input
//     outside its domain makes the target unbuildable, and says why;
//   - every output pattern (a job may write several partitions at once);
//   - the `run` argv and `env` templates.
// partition_location() evaluates a dataset's `location` template, or gives the
// default `NAME/key=value/...`, which is the canonical ref.
//
// Results are plain structs pointing into the Analysis's models (not owned).
// `now` comes in as a BuildClock; nothing here reads the wall clock. The
// library assumes a workspace without errors, but on one that has them it
// returns a Failure rather than guess.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "expected.h"
#include "link.h"
#include "partition_ref.h"

namespace databuild {

// What a partition's producer is.
enum class ProducerKind {
  Job,       // a job output matches it
  External,  // its dataset is `external`: the build waits for it
  HandMade,  // no job output matches it: it can only be made by hand
};

// The partitions one input port reads, for one job run.
struct InputPartitions {
  const Port* port = nullptr;  // not owned
  // The pattern names one partition (only `=` bindings): the job gets its path
  // in DATABUILD_IN_<PORT>; otherwise a file listing the paths.
  bool single = false;
  std::vector<PartitionRef> partitions;  // in the domain, in key order
  // Partitions of a range or `*`, or reads of the job's own output dataset,
  // that fell outside the domain and were dropped.
  size_t dropped = 0;
  // Set when this single-partition input falls outside its domain: the job
  // cannot run. `outside` is that partition; the reason says which key and why.
  std::optional<PartitionRef> outside;
  std::string outside_reason;
  std::vector<std::string> columns;  // the column list; empty when it has none
};

struct OutputPartition {
  const Port* port = nullptr;  // not owned
  PartitionRef partition;
};

struct BoundParameter {
  const Parameter* parameter = nullptr;  // not owned
  KeyValue value;
};

// One run of one job: what it reads, what it writes, how it is started.
struct JobTarget {
  const Job* job = nullptr;                              // not owned
  const Port* matched = nullptr;                         // the output that matched the partition
  std::vector<BoundParameter> parameters;                // in the job's declaration order
  std::vector<InputPartitions> inputs;                   // in the job's declaration order
  std::vector<OutputPartition> outputs;                  // every output, in declaration order
  std::vector<std::string> argv;                         // `run`, interpolated
  std::vector<std::pair<std::string, std::string>> env;  // `env`, interpolated

  // False when some single-partition input lies outside its domain.
  bool buildable() const;
};

struct Resolution {
  PartitionRef partition;
  ProducerKind producer = ProducerKind::HandMade;
  std::optional<JobTarget> target;  // when producer == Job
};

// Finds `partition`'s producer and resolves its job target at `clock`.
// Fails when two outputs match (overlapping producers), when an input expands
// to more than kMaxExpandedPartitions partitions, or when the workspace has
// errors in the parts needed.
Expected<Resolution> resolve(const LinkedWorkspace& workspace, const PartitionRef& partition,
                             BuildClock clock);

// The job that makes every partition of `dataset` out of that partition's
// values alone, when there is one: the dataset's only producer, with one
// output, no inputs, and an output pattern binding each key to its own
// parameter (`t[n = n]`). resolve() then gives every partition of `dataset`
// the same target up to the parameter values (and the `run` arguments that
// interpolate them), so a planner over a million of them (a no-op backfill)
// can check them against the catalog and the disk alone. Null otherwise.
const Job* uniform_producer(const LinkedWorkspace& workspace, const Dataset& dataset);

// The `run` arguments of `job`, a uniform producer, for `partition`: the
// target's argv as resolve() gives it, without the rest of the target.
Expected<std::vector<std::string>> run_arguments(const Job& job, const PartitionRef& partition);

// Where the partition lives, relative to the data root: its dataset's
// `location` with keys substituted (string values escaped as in a ref, so each
// is one path component), or the canonical ref when there is no `location`.
Expected<std::string> partition_location(const PartitionRef& partition);

}  // namespace databuild
