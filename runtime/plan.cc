// make_plan(): the iterative pull walk and the per-partition decisions.
//
// Decisions are made bottom-up: a job's outputs are decided once every input
// is, because "an input will be rebuilt" makes them stale (staleness is
// transitive at build time). The first reason found is the one reported; the
// order is the one `plan` users debug in: the partition itself (missing,
// invalidated), its job definition, then its inputs in declaration order.
//
// A dataset with many requested partitions first has its fresh ones settled
// in bulk (bulk_fresh.h), without a node each; the walk then decides the rest.
#include "plan.h"

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include "bulk_fresh.h"
#include "definition_hash.h"

namespace databuild {

std::string_view decision_name(Decision decision) {
  switch (decision) {
    case Decision::Reuse:
      return "reuse";
    case Decision::Build:
      return "build";
    case Decision::Rebuild:
      return "rebuild";
    case Decision::Wait:
      return "wait";
    case Decision::Missing:
      return "missing";
    case Decision::Error:
      return "error";
  }
  return "error";
}

JobFingerprints::JobFingerprints(std::string root, const std::vector<SourceFile>& sources,
                                 const DiskInterface& disk)
    : root_(std::move(root)), sources_(sources), disk_(disk) {}

std::string JobFingerprints::of(const JobTarget& target) { return of(*target.job, target.argv); }

std::string JobFingerprints::of(const Job& job, const std::vector<std::string>& argv) {
  ContentHasher hasher;
  hasher.add(definition_part(job));
  hasher.add(std::string_view("\0", 1));
  if (job.version) hasher.add(job.version->value);
  for (const std::string& argument : argv) {
    auto found = files_.find(argument);
    if (found == files_.end()) found = files_.emplace(argument, file_part(argument)).first;
    hasher.add(found->second);
  }
  return hasher.hex();
}

const std::string& JobFingerprints::definition_part(const Job& job) {
  auto [it, added] = definitions_.try_emplace(&job);
  if (added) {
    FileId file = job.declaration.file;
    if (file >= sources_.size() || sources_[file].released)
      throw std::logic_error("job fingerprints: the text of job '" + job.name.text.str() +
                             "' is not loaded");
    it->second = definition_hash(job, sources_[file].text).hex();
  }
  return it->second;
}

std::string JobFingerprints::file_part(const std::string& argument) const {
  // Only plain relative paths inside the workspace: never follow `..` out.
  bool path_like = !argument.empty() && argument[0] != '-' && argument[0] != '/' &&
                   argument.find("..") == std::string::npos;
  if (!path_like) return "";
  std::string path = root_ + "/" + argument;
  if (!disk_.exists(path) || disk_.is_directory(path)) return "";
  Expected<std::string> bytes = disk_.read_file(path);
  if (!bytes) return "";
  return std::string("\0file\0", 6) + argument + *bytes;
}

bool version_on_disk(const DiskInterface& disk, const PartitionRecord& version,
                     const std::string& location) {
  if (version.origin == Origin::External) return disk.is_directory(location);
  return link_names_version(disk, location, version.path);
}

bool link_names_version(const DiskInterface& disk, const std::string& location,
                        std::string_view path) {
  return link_names_version([&] { return disk.read_symlink(location); },
                            [&](const std::string& target) { return disk.is_directory(target); },
                            path);
}

Expected<std::optional<std::string>> stale_reason(Catalog& catalog, const Plan& plan,
                                                  const PlannedTarget& planned,
                                                  const PartitionRecord& current,
                                                  bool inputs_settled) {
  if (!current.run_id) return std::optional<std::string>("no recorded run");
  Expected<const Catalog::RecordedRun*> run = catalog.recorded_run(*current.run_id);
  if (!run) return Failure{run.error()};
  if (!*run || (*run)->fingerprint != planned.fingerprint)
    return std::optional<std::string>("job definition changed");
  const std::vector<RunInput>& recorded = (*run)->inputs;  // sorted by (port, ref)
  auto before_port = [](const RunInput& input, std::string_view port) { return input.port < port; };
  const JobTarget& target = planned.target;
  for (size_t port = 0; port < target.inputs.size(); ++port) {
    std::string port_name = target.inputs[port].port->name.text.str();
    auto first = std::lower_bound(recorded.begin(), recorded.end(), port_name, before_port);
    auto last = first;
    while (last != recorded.end() && last->port == port_name) ++last;
    // The version of `ref` this port read, if it read `ref`.
    auto version_read = [&](const std::string& ref) -> std::optional<int64_t> {
      auto found = std::lower_bound(
          first, last, ref,
          [](const RunInput& input, const std::string& r) { return input.ref < r; });
      if (found == last || found->ref != ref) return std::nullopt;
      return found->partition_id;
    };
    const std::vector<size_t>& now_inputs = planned.inputs[port];
    bool same_set = static_cast<size_t>(last - first) == now_inputs.size();
    for (size_t i = 0; same_set && i < now_inputs.size(); ++i)
      same_set = version_read(plan.partitions[now_inputs[i]].name).has_value();
    if (!same_set) {
      return std::optional<std::string>("input " + port_name + " now reads " +
                                        std::to_string(now_inputs.size()) + " partitions (was " +
                                        std::to_string(last - first) + ")");
    }
    for (size_t input : now_inputs) {
      const PlannedPartition& source = plan.partitions[input];
      if (!inputs_settled && source.needs_run())
        return std::optional<std::string>("input " + source.name + " will be rebuilt");
      if (!inputs_settled && source.external && source.external->redelivered)
        return std::optional<std::string>("input " + source.name + " was redelivered");
      int64_t read = *version_read(source.name);
      if (!source.current || source.current->id != read)
        return std::optional<std::string>("input " + source.name + " changed (version " +
                                          std::to_string(read) + " was read)");
    }
  }
  return std::optional<std::string>();
}

namespace {

class Planner {
 public:
  Planner(const Analysis& analysis, Catalog& catalog, const DiskInterface& disk, BuildClock clock,
          const PlanOptions& options)
      : analysis_(analysis),
        catalog_(catalog),
        disk_(disk),
        options_(options),
        fingerprints_(analysis.root, analysis.files, disk) {
    plan_.root = analysis.root;
    plan_.data_root = analysis.root + "/" + analysis.data_root();
    plan_.clock = clock;
  }

  Expected<Plan> run(std::vector<PartitionRef> requested) {
    // One snapshot of the catalog for the whole plan (and one lock, not one
    // per query); read-only, so ended the same way whatever happens.
    if (Status begun = catalog_.begin_read(); !begun) return Failure{begun.error()};
    Expected<Plan> plan = walk_requested(std::move(requested));
    catalog_.rollback_batch();
    return plan;
  }

 private:
  // A dataset with this many requested partitions has its fresh ones settled
  // in bulk (bulk_fresh.h), and the current versions of the rest, when as
  // many, read in one scan rather than one query each.
  static constexpr size_t kPrefetchAt = 256;

  Expected<Plan> walk_requested(std::vector<PartitionRef> requested) {
    std::unordered_map<const Dataset*, std::vector<size_t>> per_dataset;  // indices into requested
    for (size_t i = 0; i < requested.size(); ++i) per_dataset[requested[i].dataset].push_back(i);
    std::vector<char> settled(requested.size(), 0);
    for (const auto& [dataset, indices] : per_dataset) {
      if (indices.size() < kPrefetchAt) continue;
      Expected<size_t> fresh = settle_in_bulk(*dataset, requested, indices, settled);
      if (!fresh) return Failure{fresh.error()};
      if (indices.size() - *fresh < kPrefetchAt) continue;
      Expected<std::vector<PartitionRecord>> current =
          catalog_.current_partitions(dataset->name.text.str());
      if (!current) return Failure{current.error()};
      prefetched_datasets_.insert(dataset);
      for (PartitionRecord& record : *current) {
        std::string ref = record.ref;
        prefetched_.emplace(std::move(ref), std::move(record));
      }
    }
    for (size_t i = 0; i < requested.size(); ++i) {
      if (settled[i]) continue;
      Expected<size_t> node = node_for(requested[i]);
      if (!node) return Failure{node.error()};
      plan_.requested.push_back(*node);
      if (Status walked = walk(*node); !walked) return Failure{walked.error()};
    }
    plan_.fresh.reserve(std::count(settled.begin(), settled.end(), 1));
    for (size_t i = 0; i < requested.size(); ++i)
      if (settled[i]) plan_.fresh.push_back(std::move(requested[i]));
    give_nodes_precedence();
    return std::move(plan_);
  }

  // Requested partitions (indices) whose targets share a fingerprint, and the runs that have it.
  using Group = std::pair<std::vector<int64_t>, std::vector<size_t>>;

  // Marks the requested partitions of `dataset` (at `indices`) that are fresh
  // by bulk_fresh.h's test in `settled`; returns how many.
  Expected<size_t> settle_in_bulk(const Dataset& dataset,
                                  const std::vector<PartitionRef>& requested,
                                  const std::vector<size_t>& indices, std::vector<char>& settled) {
    const Job* job = uniform_producer(analysis_.linked, dataset);
    if (!job) return 0;
    Expected<std::vector<Group>> groups = by_fingerprint(*job, requested, indices);
    if (!groups) return Failure{groups.error()};
    if (groups->empty()) return 0;
    Expected<BuiltVersions> built = catalog_.live_built_versions(dataset.name.text.str());
    if (!built) return Failure{built.error()};
    size_t count = 0;
    for (auto& [runs, group] : *groups) {
      std::vector<const PartitionRef*> partitions;
      partitions.reserve(group.size());
      for (size_t index : group) partitions.push_back(&requested[index]);
      std::vector<char> fresh = fresh_in_bulk(disk_, plan_.data_root, *built, runs, partitions,
                                              std::thread::hardware_concurrency());
      for (size_t i = 0; i < group.size(); ++i) {
        settled[group[i]] = fresh[i];
        count += fresh[i] ? 1 : 0;
      }
    }
    bulk_datasets_.insert(&dataset);
    return count;
  }

  // The partitions at `indices` (made by `job`, a uniform producer) grouped
  // by their targets' fingerprint, each group with the runs that have it;
  // partitions whose fingerprint no run has are left to the walk. One
  // fingerprint for all when `run` interpolates nothing; else one per
  // distinct set of workspace files the arguments name (usually one), and
  // none past kMaxFingerprints (the walk then plans them all).
  Expected<std::vector<Group>> by_fingerprint(const Job& job,
                                              const std::vector<PartitionRef>& requested,
                                              const std::vector<size_t>& indices) {
    constexpr size_t kMaxFingerprints = 64;
    bool interpolates = false;
    for (const TemplateString& argument : *job.run)
      for (const TemplatePart& part : argument.parts())
        interpolates = interpolates || part.is_interpolation();
    std::unordered_map<std::string, std::vector<size_t>> groups;
    std::vector<size_t>* shared = nullptr;  // every partition's, when `run` interpolates nothing
    for (size_t index : indices) {
      if (shared) {
        shared->push_back(index);
        continue;
      }
      Expected<std::vector<std::string>> argv = run_arguments(job, requested[index]);
      if (!argv) continue;  // the walk reports it
      std::vector<size_t>& group = groups[fingerprints_.of(job, *argv)];
      group.push_back(index);
      if (!interpolates) shared = &group;
      if (groups.size() > kMaxFingerprints) return std::vector<Group>{};
    }
    std::vector<Group> found;
    for (auto& [fingerprint, group] : groups) {
      Expected<std::vector<int64_t>> runs = catalog_.runs_with_fingerprint(fingerprint);
      if (!runs) return Failure{runs.error()};
      if (!runs->empty()) found.emplace_back(std::move(*runs), std::move(group));
    }
    return found;
  }

  // A partition settled in bulk that the walk also reached (another requested
  // target reads it) is listed once, as its node.
  void give_nodes_precedence() {
    std::vector<char> requested(plan_.partitions.size(), 0);
    for (size_t node : plan_.requested) requested[node] = 1;
    std::unordered_map<std::string_view, size_t> reached;
    for (size_t i = 0; i < plan_.partitions.size(); ++i)
      if (!requested[i] && bulk_datasets_.count(plan_.partitions[i].ref.dataset))
        reached.emplace(plan_.partitions[i].name, i);
    if (reached.empty()) return;
    std::erase_if(plan_.fresh, [&](const PartitionRef& ref) {
      auto node = reached.find(ref.canonical());
      if (node == reached.end()) return false;
      plan_.requested.push_back(node->second);
      return true;
    });
  }

  Expected<size_t> node_for(const PartitionRef& ref) {
    std::string name = ref.canonical();
    if (auto found = plan_.by_name.find(name); found != plan_.by_name.end()) return found->second;
    PlannedPartition node;
    node.ref = ref;
    node.name = name;
    Expected<std::string> location = partition_location(ref);
    node.location = plan_.data_root + "/" + (location ? *location : name);
    if (prefetched_datasets_.count(ref.dataset)) {
      if (auto found = prefetched_.find(name); found != prefetched_.end()) {
        node.current = std::move(found->second);
        prefetched_.erase(found);
      }
    } else {
      Expected<std::optional<PartitionRecord>> current = catalog_.current(name);
      if (!current) return Failure{current.error()};
      node.current = *current;
    }
    plan_.partitions.push_back(std::move(node));
    plan_.by_name[name] = plan_.partitions.size() - 1;
    return plan_.partitions.size() - 1;
  }

  void decide(size_t index, Decision decision, std::string reason) {
    PlannedPartition& node = plan_.partitions[index];
    node.decision = decision;
    node.reason = std::move(reason);
    node.decided = true;
  }

  Status walk(size_t start) {
    std::vector<size_t> stack{start};
    while (!stack.empty()) {
      size_t index = stack.back();
      if (plan_.partitions[index].decided) {
        stack.pop_back();
        continue;
      }
      if (!plan_.partitions[index].expanded) {
        if (Status expanded = expand(index, stack); !expanded) return expanded;
        continue;
      }
      // Expanded and its inputs pushed above it: they are decided by now.
      if (Status decided = decide_target(*plan_.partitions[index].target); !decided) return decided;
    }
    return ok();
  }

  Status expand(size_t index, std::vector<size_t>& stack) {
    plan_.partitions[index].expanded = true;
    Expected<Resolution> resolution =
        resolve(analysis_.linked, plan_.partitions[index].ref, plan_.clock);
    if (!resolution) {
      decide(index, Decision::Error, resolution.error());
      return ok();
    }
    plan_.partitions[index].producer = resolution->producer;
    if (resolution->producer != ProducerKind::Job) return observe_source(index);
    const JobTarget& target = *resolution->target;
    if (!target.buildable()) {
      for (const InputPartitions& input : target.inputs) {
        if (input.outside) {
          decide(index, Decision::Error,
                 "cannot be built: input " + input.port->name.text + " needs " +
                     input.outside->canonical() + ", " + input.outside_reason);
          return ok();
        }
      }
    }
    std::string target_name = target.job->name.text + "(";
    for (size_t i = 0; i < target.parameters.size(); ++i)
      target_name += (i ? ", " : "") + target.parameters[i].parameter->name.text + " = " +
                     value_text(target.parameters[i].value);
    target_name += ")";
    if (auto found = target_index_.find(target_name); found != target_index_.end()) {
      plan_.partitions[index].target = found->second;  // a sibling output: decided with it
      if (plan_.targets[found->second].outputs.empty()) return ok();
      if (plan_.partitions[plan_.targets[found->second].outputs[0]].decided)
        return decide_target(found->second);
      return ok();
    }
    PlannedTarget planned;
    planned.target = target;
    planned.name = target_name;
    planned.fingerprint = fingerprints_.of(target);
    size_t target_id = plan_.targets.size();
    target_index_[target_name] = target_id;
    plan_.targets.push_back(std::move(planned));
    plan_.partitions[index].target = target_id;
    for (const OutputPartition& output : target.outputs) {
      Expected<size_t> node = node_for(output.partition);
      if (!node) return Failure{node.error()};
      plan_.partitions[*node].target = target_id;
      plan_.partitions[*node].expanded = true;
      plan_.partitions[*node].producer = ProducerKind::Job;
      plan_.targets[target_id].outputs.push_back(*node);
    }
    for (const InputPartitions& input : target.inputs) {
      std::vector<size_t> nodes;
      for (const PartitionRef& partition : input.partitions) {
        Expected<size_t> node = node_for(partition);
        if (!node) return Failure{node.error()};
        nodes.push_back(*node);
        const PlannedPartition& child = plan_.partitions[*node];
        if (child.expanded && !child.decided && child.target != target_id)
          return Failure{"cycle: " + child.name + " depends on itself through " + target_name};
        if (!child.decided) stack.push_back(*node);
      }
      plan_.targets[target_id].inputs.push_back(std::move(nodes));
    }
    return ok();
  }

  // An external or hand-made partition: present on disk or not.
  Status observe_source(size_t index) {
    PlannedPartition& node = plan_.partitions[index];
    bool external = node.producer == ProducerKind::External;
    const Dataset& dataset = *node.ref.dataset;
    if (!external && node.current && version_on_disk(disk_, *node.current, node.location)) {
      decide(index, Decision::Reuse,
             node.current->origin == Origin::Manual ? "hand-made (put)" : "hand-made");
      return ok();
    }
    std::string marker = dataset.ready ? dataset.ready->value.str() : "";
    bool present = disk_.is_directory(node.location) &&
                   (marker.empty() || disk_.exists(node.location + "/" + marker));
    if (!present) {
      if (external) {
        decide(index, Decision::Wait,
               "external, not present" +
                   (marker.empty() ? std::string() : " (no " + marker + " marker)"));
      } else {
        decide(index, Decision::Missing,
               "no job produces it; make it by hand with `databuild-run put`");
      }
      return ok();
    }
    Expected<std::vector<FileEntry>> files = disk_.list_files(node.location);
    if (!files) {
      decide(index, Decision::Error, files.error());
      return ok();
    }
    ContentHasher signature;
    std::string manifest = "[";
    for (const FileEntry& file : *files) {
      if (file.path == marker) continue;
      signature.add(file.path + "\n" + std::to_string(file.size) + "\n" +
                    std::to_string(file.mtime_ns) + "\n");
      manifest += std::string(manifest.size() > 1 ? "," : "") + "{\"path\":\"" + file.path +
                  "\",\"size\":" + std::to_string(file.size) + "}";
    }
    manifest += "]";
    ExternalObservation observation;
    observation.stat_signature = signature.hex();
    observation.manifest = manifest;
    if (node.current && node.current->stat_signature == observation.stat_signature) {
      observation.content_hash = node.current->content_hash;
    } else {
      Expected<std::string> hash = hash_directory(disk_, node.location, marker);
      if (!hash) {
        decide(index, Decision::Error, hash.error());
        return ok();
      }
      observation.content_hash = *hash;
      observation.redelivered = node.current && node.current->content_hash != *hash;
    }
    std::string what = external ? "external" : "hand-made";
    std::string reason = !node.current             ? what + ", present (first seen)"
                         : observation.redelivered ? what + ", redelivered (new content)"
                                                   : what + ", present";
    node.external = std::move(observation);
    decide(index, Decision::Reuse, reason);
    return ok();
  }

  Status decide_target(size_t target_id) {
    PlannedTarget& planned = plan_.targets[target_id];
    for (size_t output : planned.outputs) {
      Expected<std::pair<Decision, std::string>> decision = decide_output(planned, output);
      if (!decision) return Failure{decision.error()};
      decide(output, decision->first, decision->second);
      if (plan_.partitions[output].needs_run()) planned.run = true;
    }
    return ok();
  }

  Expected<std::pair<Decision, std::string>> decide_output(const PlannedTarget& planned,
                                                           size_t output) {
    const PlannedPartition& node = plan_.partitions[output];
    const std::optional<PartitionRecord>& current = node.current;
    if (current && current->origin == Origin::Manual && !options_.replace_manual)
      return std::pair(Decision::Reuse,
                       std::string("hand-made (put); --replace-manual rebuilds it"));
    if (!current) return std::pair(Decision::Build, std::string("missing"));
    if (!version_on_disk(disk_, *current, node.location))
      return std::pair(Decision::Build, "missing: the files of version " +
                                            std::to_string(current->id) + " are gone");
    if (current->state == "invalidated")
      return std::pair(Decision::Rebuild, std::string("invalidated"));
    if (current->origin == Origin::Manual)
      return std::pair(Decision::Rebuild, std::string("replacing a hand-made partition"));
    Expected<std::optional<std::string>> stale =
        stale_reason(catalog_, plan_, planned, *current, /*inputs_settled=*/false);
    if (!stale) return Failure{stale.error()};
    if (*stale) return std::pair(Decision::Rebuild, std::move(**stale));
    return std::pair(Decision::Reuse, std::string("fresh"));
  }

  const Analysis& analysis_;
  Catalog& catalog_;
  const DiskInterface& disk_;
  PlanOptions options_;
  Plan plan_;
  std::unordered_map<std::string, size_t> target_index_;
  JobFingerprints fingerprints_;
  // Current versions of the datasets read in one scan, by ref; each is moved
  // into its node when the walk reaches it.
  std::unordered_set<const Dataset*> prefetched_datasets_;
  std::unordered_set<const Dataset*> bulk_datasets_;  // whose fresh partitions were settled in bulk
  std::unordered_map<std::string, PartitionRecord> prefetched_;
};

}  // namespace

Expected<Plan> make_plan(const Analysis& analysis, Catalog& catalog, const DiskInterface& disk,
                         BuildClock clock, std::vector<PartitionRef> requested,
                         const PlanOptions& options) {
  return Planner(analysis, catalog, disk, clock, options).run(std::move(requested));
}

}  // namespace databuild
