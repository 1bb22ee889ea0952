// The plan: what a build must do for the partitions requested, and why.
//
// Planning is pull: from each requested partition it walks producers with
// resolve() (analyzer/resolve.h) down to external and hand-made partitions,
// and decides every partition on the way against the catalog and the disk:
//   reuse     live, on disk, built by the current job definition from input
//             versions that are still current, over the same input set;
//   build     missing (never built, or its files are gone);
//   rebuild   stale: invalidated, job definition changed, an input version
//             superseded or about to be rebuilt, an external input
//             redelivered, or a range/`*` input now resolving to other
//             partitions;
//   wait      external and not (yet) present;
//   missing   hand-made (no producer) and absent: only `put` can make it;
//   error     unresolvable (outside a domain, overlapping producers).
// Planning reads the catalog and the disk and writes nothing, so `plan` is
// safe to run beside a build; the builder carries the plan out.
//
// The walk is iterative (a day-by-day recursion goes back to `since`, which
// may be years) and shares nodes: a partition read by many jobs is decided
// once. Partitions and targets are indices into vectors owned by the Plan.
// A backfill's worth of requested partitions that are fresh needs no node
// each: those of a dataset with a uniform producer are settled in bulk
// (bulk_fresh.h) and kept as refs, which is what makes a no-op build over a
// million partitions cost about two system calls each.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog.h"
#include "disk.h"
#include "resolve.h"
#include "workspace.h"

namespace databuild {

enum class Decision { Reuse, Build, Rebuild, Wait, Missing, Error };
std::string_view decision_name(Decision decision);

// An external partition as found on disk now.
struct ExternalObservation {
  std::string content_hash;
  std::string stat_signature;  // names, sizes, mtimes: rehash only when it changes
  std::string manifest;
  bool redelivered = false;  // differs from the catalog's current version
};

struct PlannedPartition {
  PartitionRef ref;
  std::string name;  // canonical ref
  ProducerKind producer = ProducerKind::HandMade;
  Decision decision = Decision::Missing;
  std::string reason;
  std::string location;  // absolute: where readers find it (a link for built partitions)
  std::optional<PartitionRecord> current;  // the catalog's current version
  std::optional<ExternalObservation> external;
  std::optional<size_t> target;  // the job target producing it
  bool expanded = false, decided = false;

  bool needs_run() const { return decision == Decision::Build || decision == Decision::Rebuild; }
};

struct PlannedTarget {
  JobTarget target;
  std::string name;  // job(param = value, ...)
  std::string fingerprint;
  std::vector<size_t> outputs;              // partition indices, per output port
  std::vector<std::vector<size_t>> inputs;  // partition indices, per input port
  bool run = false;                         // some output needs building
};

struct PlanOptions {
  bool replace_manual = false;
};

struct Plan {
  std::string root;       // the workspace root
  std::string data_root;  // absolute
  BuildClock clock;
  std::vector<PlannedPartition> partitions;
  std::vector<PlannedTarget> targets;
  std::vector<size_t> requested;
  // Requested partitions settled as fresh in bulk (bulk_fresh.h): reused, and
  // read by no target of the plan, so they need no node and the builder
  // nothing but to leave them be. `plan` lists them after the nodes.
  std::vector<PartitionRef> fresh;
  std::unordered_map<std::string, size_t> by_name;
};

// Job fingerprints: the job block's normalized text (definition_hash.h), its
// `version`, and the bytes of every workspace file a `run` argument names
// (`jobs/clean.py`). Each job's text and each argument are looked at once per
// JobFingerprints (one plan), however many targets name them: a backfill's
// million targets share their job and their script.
class JobFingerprints {
 public:
  // `sources`: the texts the jobs were lowered from, by FileId (the
  // Analysis's files, which must not have released their texts).
  JobFingerprints(std::string root, const std::vector<SourceFile>& sources,
                  const DiskInterface& disk);
  std::string of(const JobTarget& target);
  std::string of(const Job& job, const std::vector<std::string>& argv);

 private:
  // The hex definition hash of `job`, computed on first use.
  const std::string& definition_part(const Job& job);
  // What `argument` adds to a fingerprint: "" unless it names a file in the workspace.
  std::string file_part(const std::string& argument) const;

  std::string root_;
  const std::vector<SourceFile>& sources_;
  const DiskInterface& disk_;
  std::unordered_map<const Job*, std::string> definitions_;  // job -> definition_part
  std::unordered_map<std::string, std::string> files_;       // argument -> file_part
};

// Plans `requested` (single partitions; expand selectors first). Fails only
// when the catalog cannot be read; per-partition problems are decisions.
Expected<Plan> make_plan(const Analysis& analysis, Catalog& catalog, const DiskInterface& disk,
                         BuildClock clock, std::vector<PartitionRef> requested,
                         const PlanOptions& options = {});

// Why `current`, a version built by a job, is stale for `planned` (its
// fingerprint, the input set and the input versions now in `plan`), or
// nullopt when it is fresh. While planning, an input about to be rebuilt or
// redelivered makes it stale; once the inputs are settled (the builder, after
// taking a claim, checking a version another runner just published) only the
// recorded versions count.
Expected<std::optional<std::string>> stale_reason(Catalog& catalog, const Plan& plan,
                                                  const PlannedTarget& planned,
                                                  const PartitionRecord& current,
                                                  bool inputs_settled);

// Whether a built or manual version is what readers see: its directory exists
// and the partition's link points at it.
bool version_on_disk(const DiskInterface& disk, const PartitionRecord& version,
                     const std::string& location);
// The same for the version whose directory is `path`, the link at `location`.
bool link_names_version(const DiskInterface& disk, const std::string& location,
                        std::string_view path);
// The rule itself, over any way of reading the link (`read_link()`) and of
// asking whether its target is a directory (`is_directory(target)`).
template <typename ReadLink, typename IsDirectory>
bool link_names_version(ReadLink read_link, IsDirectory is_directory, std::string_view path) {
  std::optional<std::string> link = read_link();
  return link && *link == path && is_directory(*link);
}

}  // namespace databuild
