// Builder: the scheduling loop, the job environment and publishing.
//
// The loop, as in Ninja: each target to run counts the inputs it still
// waits for; a partition becoming available (published, reused, arrived)
// decrements its readers' counts and queues those that reach zero, and a
// partition that will not come fails its readers and, through their outputs,
// theirs. The loop starts queued targets up to -j, polls waiting external
// partitions (soon, then backing off to --poll-interval), and handles each
// finished command. Nothing is started after a catalog error: the catalog is
// the record, and building without it would be unrecorded work.
#include "builder.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <thread>

#include "json_writer.h"
#include "manifest_check.h"

namespace databuild {

namespace {

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return text;
}

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

std::vector<std::string> own_labels(const LinkedWorkspace& workspace, const Dataset& dataset) {
  std::vector<std::string> labels;
  for (const LabelSource& source : workspace.flow.labels_of(dataset))
    if (source.declared || !source.columns.empty()) labels.push_back(source.label.str());
  return labels;
}

std::vector<std::string> output_labels(
    const LinkedWorkspace& workspace, const JobTarget& target,
    const std::vector<std::vector<const PartitionRecord*>>& inputs, const Dataset& output) {
  std::set<std::string> labels;
  for (size_t port = 0; port < target.inputs.size() && port < inputs.size(); ++port) {
    const Port& input = *target.inputs[port].port;
    const Dataset* dataset = input.pattern.target;
    for (const PartitionRecord* partition : inputs[port]) {
      for (const std::string& label : partition->labels) {
        // A label the dataset holds statically travels only if this port reads
        // it (its column list may leave a tainted column behind); a label put
        // on this one partition by hand (`put --taint`) always travels.
        bool static_label = dataset && workspace.flow.find_label(*dataset, label);
        if (!static_label || workspace.flow.carries(input, label)) labels.insert(label);
      }
    }
  }
  for (const Removal& removal : target.job->removals)
    for (const Name& policy : removal.policies) labels.erase(policy.text.str());
  for (const std::string& label : own_labels(workspace, output)) labels.insert(label);
  return {labels.begin(), labels.end()};
}

Builder::Builder(Plan& plan, const Analysis& analysis, Catalog& catalog, DiskInterface& disk,
                 CommandRunner& runner, BuildStatus& status, BuildOptions options)
    : plan_(plan),
      analysis_(analysis),
      catalog_(catalog),
      disk_(disk),
      runner_(runner),
      status_(status),
      options_(std::move(options)),
      targets_(plan.targets.size()),
      needed_(plan.partitions.size()),
      failed_(plan.partitions.size()),
      wait_until_(plan.partitions.size()),
      readers_(plan.partitions.size()),
      pending_(plan.targets.size()),
      link_tickets_(plan.partitions.size()) {
  if (!options_.disk_queue) own_queue_ = std::make_unique<InlineDiskQueue>();
  queue_ = options_.disk_queue ? options_.disk_queue : own_queue_.get();
  if (!options_.monotonic_seconds) options_.monotonic_seconds = steady_seconds;
  if (!options_.is_alive) options_.is_alive = [](int64_t) { return true; };
  if (!options_.sleep)
    options_.sleep = [](double seconds) {
      std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    };
  options_.jobs = std::max<size_t>(options_.jobs, 1);
}

double Builder::now() const { return options_.monotonic_seconds(); }

// Requested partitions, and the inputs of every target that must run for them.
void Builder::mark_needed() {
  std::vector<size_t> work(plan_.requested.begin(), plan_.requested.end());
  while (!work.empty()) {
    size_t partition = work.back();
    work.pop_back();
    if (needed_[partition]) continue;
    needed_[partition] = true;
    const PlannedPartition& node = plan_.partitions[partition];
    if (!node.needs_run() || !node.target) continue;
    for (const std::vector<size_t>& port : plan_.targets[*node.target].inputs)
      work.insert(work.end(), port.begin(), port.end());
  }
}

bool Builder::available(size_t partition) const {
  const PlannedPartition& node = plan_.partitions[partition];
  if (node.needs_run()) return targets_[*node.target].state == State::Done;
  return node.decision == Decision::Reuse && !failed_[partition];
}

std::optional<std::string> Builder::failure_of(size_t partition) const {
  if (failed_[partition]) return failed_[partition];
  const PlannedPartition& node = plan_.partitions[partition];
  if (node.decision == Decision::Missing || node.decision == Decision::Error) return node.reason;
  return std::nullopt;
}

Status Builder::record_sources() {
  for (size_t i = 0; i < plan_.partitions.size(); ++i) {
    if (!needed_[i] && !plan_.partitions[i].external) continue;
    if (Status recorded = record_source(i); !recorded) return recorded;
  }
  return ok();
}

// Records an external (or found-on-disk hand-made) partition's observed
// version: a new version when its content is new, else just the file signature.
Status Builder::record_source(size_t partition) {
  PlannedPartition& node = plan_.partitions[partition];
  if (!node.external) return ok();
  const ExternalObservation& seen = *node.external;
  if (node.current && node.current->content_hash == seen.content_hash) {
    if (node.current->stat_signature == seen.stat_signature) return ok();
    node.current->stat_signature = seen.stat_signature;
    return catalog_.set_stat_signature(node.current->id, seen.stat_signature);
  }
  NewPartition version;
  version.ref = node.name;
  version.dataset = node.ref.dataset->name.text;
  version.origin = node.producer == ProducerKind::External ? Origin::External : Origin::Manual;
  version.path = node.location;
  version.manifest = seen.manifest;
  version.content_hash = seen.content_hash;
  version.stat_signature = seen.stat_signature;
  version.labels = own_labels(analysis_.linked, *node.ref.dataset);
  std::vector<PartitionRecord> records;
  Expected<std::vector<int64_t>> ids = catalog_.publish({version}, std::nullopt, &records);
  if (!ids) return Failure{ids.error()};
  node.current = std::move(records.front());
  return ok();
}

// Waiting external partitions: present now? Past their deadline? The plan
// decides which partitions wait, so once none does (after the first look,
// which is forced), none will: the scan over every partition is skipped.
Status Builder::poll_waiting(bool force) {
  if (!force && (!waiting_ || now() < next_poll_)) return ok();
  bool arrived = false;
  double give_up = std::numeric_limits<double>::infinity();  // the first wait to run out
  waiting_ = false;
  for (size_t i = 0; i < plan_.partitions.size(); ++i) {
    PlannedPartition& node = plan_.partitions[i];
    if (!needed_[i] || node.decision != Decision::Wait || failed_[i]) continue;
    if (!wait_until_[i]) {
      const Dataset& dataset = *node.ref.dataset;
      int64_t wait =
          options_.wait_timeout_seconds.value_or(dataset.wait ? dataset.wait->value() : 0);
      wait_until_[i] = now() + static_cast<double>(wait);
      if (wait > 0)
        status_.note("waiting up to " + std::to_string(wait) + "s for external " + node.name);
    }
    std::string marker = node.ref.dataset->ready ? node.ref.dataset->ready->value.str() : "";
    bool present = disk_.is_directory(node.location) &&
                   (marker.empty() || disk_.exists(node.location + "/" + marker));
    if (present) {
      // Re-plan just this partition's observation: hash it and record it.
      Expected<std::string> hash = hash_directory(disk_, node.location, marker);
      if (!hash) return Failure{hash.error()};
      ExternalObservation seen;
      seen.content_hash = *hash;
      seen.manifest = "[]";
      node.external = seen;
      if (Status recorded = record_source(i); !recorded) return recorded;
      node.decision = Decision::Reuse;
      node.reason = "external, arrived";
      became_available(i);
      arrived = true;
    } else if (now() >= *wait_until_[i]) {
      status_.partition_failed(node.name, node.reason + "; gave up waiting");
      became_unavailable(i, node.reason + "; gave up waiting");
    } else {
      waiting_ = true;
      give_up = std::min(give_up, *wait_until_[i]);
    }
  }
  // Soon at first, then less and less often, up to --poll-interval: a delivery
  // already under way is seen at once, a wait of hours costs a stat now and
  // then. One arrival suggests the rest of a delivery is near: soon again.
  poll_every_ = arrived || force ? kFirstPollSeconds
                                 : std::min(poll_every_ * 2, options_.poll_interval_seconds);
  next_poll_ = std::min(now() + poll_every_, give_up);
  return ok();
}

void Builder::fail_target(size_t target, const std::string& reason) {
  targets_[target].state = State::Failed;
  for (size_t output : plan_.targets[target].outputs) became_unavailable(output, reason);
}

void Builder::became_available(size_t partition) {
  for (size_t reader : readers_[partition])
    if (targets_[reader].state == State::Ready && --pending_[reader] == 0) ready_.push_back(reader);
}

// A partition that will not be available fails the targets waiting for it,
// and through their outputs, theirs.
void Builder::became_unavailable(size_t partition, const std::string& reason) {
  failed_[partition] = reason;
  std::string upstream = "needs " + plan_.partitions[partition].name + ": " + reason;
  for (size_t reader : readers_[partition]) {
    if (targets_[reader].state != State::Ready) continue;
    status_.job_cancelled(plan_.targets[reader].name);
    for (size_t output : plan_.targets[reader].outputs)
      if (needed_[output]) status_.partition_failed(plan_.partitions[output].name, upstream);
    fail_target(reader, upstream);
  }
}

void Builder::finished(size_t target) {
  targets_[target].state = State::Done;
  for (size_t output : plan_.targets[target].outputs) became_available(output);
}

Status remove_run_leftovers(DiskInterface& disk, const std::string& data_root,
                            const std::vector<int64_t>& runs) {
  std::string versions = data_root + "/.versions";
  std::set<int64_t> wanted(runs.begin(), runs.end());
  for (const std::string& name : disk.list_names(versions)) {
    if (name.rfind("run-", 0) != 0) continue;
    size_t end = name.find_first_not_of("0123456789", 4);
    if (end == 4 || end == std::string::npos || name[end] != '-') continue;
    if (!wanted.count(std::atoll(name.c_str() + 4))) continue;
    if (Status removed = disk.remove_all(versions + "/" + name); !removed) return removed;
  }
  return ok();
}

// `.staging/put-PID-...` of a dead `put`, and `.staging/run-N` of a run no
// longer running (runtimes before runs wrote into `.versions` staged there):
// what a killed process left. Never visible to readers, but they hold disk
// space. (A killed runner's runs' directories in `.versions` are removed
// when its runs are found orphaned, run_command.cc.)
Status Builder::clean_stale_staging() {
  std::string staging = plan_.data_root + "/.staging";
  for (const std::string& name : disk_.list_names(staging)) {
    bool stale = false;
    if (name.rfind("run-", 0) == 0) {
      Expected<std::optional<RunRecord>> run = catalog_.run(std::atoll(name.c_str() + 4));
      if (!run) return Failure{run.error()};
      stale = !*run || (*run)->state != "running";
    } else if (name.rfind("put-", 0) == 0) {
      stale = !options_.is_alive(std::atoll(name.c_str() + 4));
    }
    if (!stale) continue;
    status_.note("removing the staging directory of a dead run: " + staging + "/" + name);
    // Not fatal: a killed runner's job may still be writing there (it runs to
    // its end, docs/runtime.md), and what is left is invisible; the next build
    // tries again.
    if (Status removed = disk_.remove_all(staging + "/" + name); !removed)
      status_.note("could not remove it yet: " + removed.error());
  }
  return ok();
}

Expected<Builder::Claim> Builder::acquire(size_t target_id) {
  TargetState& state = targets_[target_id];
  if (state.claimed) return Claim::Acquired;  // a retry keeps its claims
  const std::vector<size_t>& outputs = plan_.targets[target_id].outputs;
  for (size_t i = 0; i < outputs.size(); ++i) {
    Expected<bool> claimed = catalog_.claim(plan_.partitions[outputs[i]].name, options_.pid,
                                            options_.host, options_.is_alive);
    if (!claimed) return Failure{claimed.error()};
    if (*claimed) continue;
    for (size_t j = 0; j < i; ++j)
      if (Status released = catalog_.release(plan_.partitions[outputs[j]].name, options_.pid);
          !released)
        return Failure{released.error()};
    return Claim::HeldElsewhere;
  }
  state.claimed = true;
  Expected<bool> adopted = adopt_published(target_id);
  if (!adopted) return Failure{adopted.error()};
  if (!*adopted) return Claim::Acquired;
  if (Status released = release_claims(target_id); !released) return Failure{released.error()};
  status_.job_reused(plan_.targets[target_id].name);
  finished(target_id);
  return Claim::Reused;
}

// With the claims held: is every output's current version live, on disk
// and fresh for the inputs this build has? Then another runner published it
// since the plan was made (a manual or invalidated version is never fresh),
// and it is this build's too.
Expected<bool> Builder::adopt_published(size_t target_id) {
  const PlannedTarget& planned = plan_.targets[target_id];
  std::vector<PartitionRecord> published;
  for (size_t output : planned.outputs) {
    const PlannedPartition& node = plan_.partitions[output];
    Expected<std::optional<PartitionRecord>> current = catalog_.current(node.name);
    if (!current) return Failure{current.error()};
    // Not the version the plan saw, necessarily: a plan made while another
    // runner was between its catalog commit and its link saw that version
    // as "missing", and it is the one to reuse now.
    if (!*current || (*current)->state != "live" ||
        !version_on_disk(disk_, **current, node.location))
      return false;
    Expected<std::optional<std::string>> stale =
        stale_reason(catalog_, plan_, planned, **current, /*inputs_settled=*/true);
    if (!stale) return Failure{stale.error()};
    if (*stale) return false;
    published.push_back(std::move(**current));
  }
  for (size_t i = 0; i < planned.outputs.size(); ++i)
    plan_.partitions[planned.outputs[i]].current = std::move(published[i]);
  return true;
}

// Released in the next batch (release_pending()), after this one has
// committed and made its links: another runner that gets the claim must find
// the link already pointing at the version it may reuse.
Status Builder::release_claims(size_t target_id) {
  if (!targets_[target_id].claimed) return ok();
  targets_[target_id].claimed = false;
  for (size_t output : plan_.targets[target_id].outputs)
    releasing_.push_back(plan_.partitions[output].name);
  return ok();
}

// The claims whose batch's links are made; the others wait for a later batch.
Status Builder::release_pending() {
  while (!releases_.empty() && queue_->done(DiskQueue::Lane::Later, releases_.front().second)) {
    if (Status released = catalog_.release(releases_.front().first, options_.pid); !released)
      return released;
    releases_.pop_front();
  }
  return ok();
}

Status Builder::start(size_t target_id) {
  PlannedTarget& planned = plan_.targets[target_id];
  TargetState& state = targets_[target_id];
  const JobTarget& target = planned.target;
  ++state.attempt;
  NewRun run;
  run.job = target.job->name.text;
  run.target = plan_.partitions[planned.outputs.at(0)].name;
  // The parameters as one JSON object, compact for the catalog's row and
  // indented for the config document.
  auto write_parameters = [&](JsonWriter& writer) {
    writer.begin_object();
    for (const BoundParameter& parameter : target.parameters)
      writer.key(parameter.parameter->name.text).value(value_text(parameter.value));
    writer.end_object();
  };
  JsonWriter parameters;
  write_parameters(parameters);
  run.parameters = parameters.take();
  run.fingerprint = planned.fingerprint;
  run.attempt = state.attempt;
  run.pid = options_.pid;
  run.host = options_.host;
  run.build_now = plan_.clock.unix_seconds;
  run.log_path = options_.log_directory + "/run-{run}.log";
  for (size_t port = 0; port < target.inputs.size(); ++port)
    for (size_t input : planned.inputs[port])
      run.inputs.push_back({target.inputs[port].port->name.text.str(), plan_.partitions[input].name,
                            plan_.partitions[input].current->id});
  Expected<int64_t> run_id = catalog_.start_run(run);
  if (!run_id) return Failure{run_id.error()};
  state.run_id = *run_id;
  std::string id = std::to_string(*run_id);
  state.staging = plan_.data_root + "/.versions/run-" + id;
  state.log_path = run_log_path(run.log_path, *run_id);
  // Once per build: the directories every run writes into.
  if (!directories_made_) {
    for (const std::string& directory : {options_.log_directory, plan_.data_root + "/.versions"})
      if (Status made = disk_.make_directories(directory); !made) return made;
    directories_made_ = true;
  }
  // The job's environment and its DATABUILD_CONFIG document (runtime.md).
  CommandSpec spec;
  spec.argv = target.argv;
  spec.env = target.env;
  spec.working_directory = plan_.root;
  spec.log_path = state.log_path;
  if (target.job->timeout) spec.timeout_seconds = target.job->timeout->value();
  JsonWriter config(2);
  config.begin_object().key("job").value(target.job->name.text).key("run_id").value(*run_id);
  write_parameters(config.key("parameters"));
  auto describe = [&](size_t partition, const std::string& path) {
    config.begin_object().key("ref").value(plan_.partitions[partition].name);
    config.key("keys").begin_object();
    const PartitionRef& ref = plan_.partitions[partition].ref;
    for (size_t k = 0; k < ref.values.size(); ++k)
      config.key(ref.dataset->keys[k].name.text).value(value_text(ref.values[k]));
    config.end_object().key("path").value(path).end_object();
  };
  if (!target.inputs.empty()) config.key("inputs").begin_object();
  for (size_t port = 0; port < target.inputs.size(); ++port) {
    const InputPartitions& input = target.inputs[port];
    std::string variable = "DATABUILD_IN_" + upper(input.port->name.text.str());
    config.key(input.port->name.text).begin_array();
    std::string paths;
    for (size_t partition : planned.inputs[port]) {
      const std::string& path = plan_.partitions[partition].current->path;
      describe(partition, path);
      paths += path + "\n";
    }
    config.end_array();
    if (input.single && planned.inputs[port].size() == 1) {
      spec.env.emplace_back(variable, plan_.partitions[planned.inputs[port][0]].current->path);
    } else {
      Expected<std::string> list_path =
          write_run_file(target_id, "-in-" + input.port->name.text.str() + ".list", paths);
      if (!list_path) return Failure{list_path.error()};
      spec.env.emplace_back(variable, *list_path);
    }
  }
  if (!target.inputs.empty()) config.end_object();
  if (!target.outputs.empty()) config.key("outputs").begin_object();
  for (size_t port = 0; port < target.outputs.size(); ++port) {
    std::string name = target.outputs[port].port->name.text.str();
    // Made by make_staging() once the run record commits.
    std::string staged = state.staging + "-" + name;
    config.key(name).begin_array();
    describe(planned.outputs[port], staged);
    config.end_array();
    spec.env.emplace_back("DATABUILD_OUT_" + upper(name), staged);
  }
  if (!target.outputs.empty()) config.end_object();
  std::string config_text = config.end_object().take();
  config_text += '\n';
  Expected<std::string> config_path = write_run_file(target_id, ".json", config_text);
  if (!config_path) return Failure{config_path.error()};
  spec.env.emplace_back("DATABUILD_CONFIG", *config_path);
  spec.env.emplace_back("DATABUILD_RUN_ID", id);
  state.state = State::Running;
  // Started once the batch holding its run record commits (step()): a job
  // never runs under a run id that might yet be rolled back and reused.
  prepared_.push_back({target_id, std::move(spec)});
  return ok();
}

// One of the files a run is given (`run-N` + `suffix`), written into the
// run files directory (run_files.h), or beside the run's log when there is
// none or it cannot be written there (a full /dev/shm): its path.
Expected<std::string> Builder::write_run_file(size_t target_id, const std::string& suffix,
                                              const std::string& text) {
  TargetState& state = targets_[target_id];
  std::string name = "/run-" + std::to_string(state.run_id) + suffix;
  if (!options_.run_files_directory.empty()) {
    std::string path = options_.run_files_directory + name;
    if (disk_.write_file(path, text)) {
      state.run_files.push_back(path);
      return path;
    }
  }
  std::string path = options_.log_directory + name;
  if (Status written = disk_.write_file(path, text); !written) return Failure{written.error()};
  return path;
}

// The files a run was given, once it has ended: a failed run's are kept
// beside its log (what it was given, to run it again by hand), a succeeded
// run's removed (its parameters and exact inputs are in the catalog).
void Builder::end_run_files(size_t target_id, bool keep) {
  TargetState& state = targets_[target_id];
  for (const std::string& path : state.run_files) {
    if (keep) {
      std::string kept = options_.log_directory + path.substr(path.rfind('/'));
      Expected<std::string> text = disk_.read_file(path);
      Status written = text ? disk_.write_file(kept, *text) : Status{Failure{text.error()}};
      if (!written) status_.note("could not keep " + kept + ": " + written.error());
    }
    disk_.remove_all(path);  // at worst left in the directory, removed with it
  }
  state.run_files.clear();
}

// A job that wrote outside its staging directory into the published tree
// (docs/runtime.md, "Jobs that misbehave"): the versions the target read and
// the ones its outputs replace must still match their manifests, and no
// output location may have become a real directory. Versions under
// `.versions` are checked (the runtime's own copies; hand-made directories
// and external data change legitimately). A damaged version a job made is
// invalidated, so the next build rebuilds it.
Status Builder::check_published_tree(size_t target_id) {
  const PlannedTarget& planned = plan_.targets[target_id];
  // An input this build published may still be waiting for its link, and
  // without it the version would not be checked. Only those links: the
  // queue does its Later work in order, so the input linked last covers
  // the others, and links posted since (other jobs' outputs) stay queued.
  uint64_t inputs_linked = 0;
  for (const std::vector<size_t>& port : planned.inputs)
    for (size_t input : port) inputs_linked = std::max(inputs_linked, link_tickets_[input]);
  if (inputs_linked > 0)
    if (Status linked = queue_->wait(DiskQueue::Lane::Later, inputs_linked); !linked) return linked;
  std::string damage;
  for (size_t output : planned.outputs) {
    const std::string& location = plan_.partitions[output].location;
    if (!disk_.read_symlink(location) && disk_.exists(location))
      damage += "; " + location + " is a directory written there, not the runtime's link to " +
                plan_.partitions[output].name;
  }
  std::vector<size_t> partitions = planned.outputs;
  for (const std::vector<size_t>& port : planned.inputs)
    partitions.insert(partitions.end(), port.begin(), port.end());
  for (size_t partition : partitions) {
    const PlannedPartition& node = plan_.partitions[partition];
    // An invalidated version (damaged earlier, say) is being replaced, not read.
    if (!node.current || node.current->state == "invalidated" ||
        node.current->path.rfind(plan_.data_root + "/.versions/", 0) != 0 ||
        !version_on_disk(disk_, *node.current, node.location))
      continue;
    std::vector<std::string> changes = manifest_differences(disk_, *node.current);
    if (changes.empty()) continue;
    damage += "; version " + std::to_string(node.current->id) + " of " + node.name + " changed (";
    for (size_t i = 0; i < changes.size(); ++i) damage += (i ? ", " : "") + changes[i];
    damage += ")";
    if (node.current->origin != Origin::Job) {
      damage += ", restore it with `databuild-run put --force`";
      continue;
    }
    Expected<bool> invalidated = catalog_.invalidate(node.name);
    if (!invalidated) return Failure{invalidated.error()};
    damage += ", invalidated: the next build rebuilds it";
  }
  if (damage.empty()) return ok();
  return Failure{"the job wrote outside its staging directory, into the published tree" + damage +
                 "; nothing of this run was published"};
}

Status Builder::publish(size_t target_id) {
  PlannedTarget& planned = plan_.targets[target_id];
  TargetState& state = targets_[target_id];
  const JobTarget& target = planned.target;
  if (Status untouched = check_published_tree(target_id); !untouched) return untouched;
  std::vector<std::vector<const PartitionRecord*>> inputs;
  for (const std::vector<size_t>& port : planned.inputs) {
    inputs.emplace_back();
    for (size_t partition : port) inputs.back().push_back(&*plan_.partitions[partition].current);
  }
  std::vector<NewPartition> versions;
  std::vector<size_t> published;
  for (size_t port = 0; port < target.outputs.size(); ++port) {
    size_t partition = planned.outputs[port];
    PlannedPartition& node = plan_.partitions[partition];
    std::string name = target.outputs[port].port->name.text.str();
    std::string staged = state.staging + "-" + name;
    if (node.current && node.current->origin == Origin::Manual && !options_.replace_manual) {
      // A sibling output kept by hand: never overwritten.
      if (Status removed = disk_.remove_all(staged); !removed) return removed;
      continue;
    }
    Expected<std::vector<FileEntry>> files = disk_.list_files(staged);
    if (!files && !disk_.is_directory(staged))
      return Failure{"output " + name + " (" + node.name + ") was not written: " + staged +
                     " is gone"};
    const Dataset& dataset = *node.ref.dataset;
    NewPartition version;
    version.ref = node.name;
    version.dataset = dataset.name.text;
    version.labels = output_labels(analysis_.linked, target, inputs, dataset);
    for (const Name& denied : dataset.denies) {
      if (std::binary_search(version.labels.begin(), version.labels.end(), denied.text))
        return Failure{"refused to publish " + node.name + ": it would carry label '" +
                       denied.text + "', which dataset '" + dataset.name.text + "' denies"};
    }
    if (!files) return Failure{files.error()};
    // A partition is its files: a job that wrote none has not produced it
    // (a legitimately empty partition writes a marker such as _SUCCESS).
    if (files->empty())
      return Failure{"output " + name + " (" + node.name + ") is missing: the job exited 0 but " +
                     "wrote no files into DATABUILD_OUT_" + upper(name) + " (" + staged + ")"};
    JsonWriter manifest;
    manifest.begin_array();
    for (const FileEntry& file : *files)
      manifest.begin_object()
          .key("path")
          .value(file.path)
          .key("size")
          .value(file.size)
          .end_object();
    version.manifest = manifest.end_array().take();
    Expected<std::string> hash = hash_files(disk_, staged, *files);
    if (!hash) return Failure{hash.error()};
    version.content_hash = *hash;
    version.path = staged;  // where the job wrote it: published by the link alone
    versions.push_back(std::move(version));
    published.push_back(partition);
  }
  std::vector<PartitionRecord> records;
  Expected<std::vector<int64_t>> ids = catalog_.publish(versions, state.run_id, &records);
  if (!ids) return Failure{ids.error()};
  for (size_t i = 0; i < published.size(); ++i) {
    // Linked once the batch commits (step()): a reader following the link
    // finds a version the catalog already records.
    links_.push_back(published[i]);
    plan_.partitions[published[i]].current = std::move(records[i]);
  }
  return ok();
}

// A run's output directories (its log is made by the job's own process, off
// the builder's thread, runtime/spawn.h). Only for a committed run record:
// what a run whose record was never committed leaves has no owner the
// cleanups below could find. (And run ids are never reused once committed,
// so the directories are new.)
DiskQueue::Work Builder::make_staging(size_t target_id) const {
  std::vector<std::string> directories;
  for (const OutputPartition& output : plan_.targets[target_id].target.outputs)
    directories.push_back(targets_[target_id].staging + "-" + output.port->name.text.str());
  return [&disk = disk_, directories = std::move(directories)]() -> Status {
    for (const std::string& directory : directories)
      if (Status made = disk.make_directories(directory); !made) return made;
    return ok();
  };
}

// What a failed run staged: its output directories, by name. Whatever its job
// put beside them under the run's name (a job that wrote to
// "$DATABUILD_OUT_X.csv" instead of into the directory) needs a listing of
// `.versions`, one per build at its end (build()).
void Builder::remove_staging(size_t target_id) {
  const std::string& staging = targets_[target_id].staging;  // <data_root>/.versions/run-N
  for (const OutputPartition& output : plan_.targets[target_id].target.outputs)
    disk_.remove_all(staging + "-" + output.port->name.text.str());
  failed_runs_.push_back(targets_[target_id].run_id);
}

Status Builder::finish(size_t target_id, const CommandResult& result) {
  TargetState& state = targets_[target_id];
  const PlannedTarget& planned = plan_.targets[target_id];
  std::string message = result.describe();
  if (result.succeeded()) {
    Status published = publish(target_id);
    end_run_files(target_id, /*keep=*/!published);
    if (published) {
      status_.job_finished(planned.name, true, "", state.log_path, /*retrying=*/false);
      finished(target_id);
      return release_claims(target_id);
    }
    // Not a retryable failure: the job ran; what it wrote cannot be published.
    message = published.error();
    if (Status ended = catalog_.finish_run(state.run_id, false, 0, message); !ended)
      return Failure{message + "; " + ended.error()};  // the catalog failed publishing it, too
    remove_staging(target_id);
    status_.job_finished(planned.name, false, message, state.log_path, /*retrying=*/false);
    fail_target(target_id, message);
    return release_claims(target_id);
  }
  end_run_files(target_id, /*keep=*/true);
  std::optional<int> exit_status;
  if (result.outcome == CommandResult::Outcome::Exited) exit_status = result.exit_code;
  // A job that failed may have damaged the published tree all the same.
  if (Status untouched = check_published_tree(target_id); !untouched)
    message += "; " + untouched.error();
  if (Status ended = catalog_.finish_run(state.run_id, false, exit_status, message); !ended)
    return ended;
  remove_staging(target_id);
  bool retrying = state.attempt <= planned.target.job->retries.value_or(0);
  status_.job_finished(planned.name, false, message, state.log_path, retrying);
  if (retrying) {
    state.state = State::Ready;
    ready_.push_back(target_id);
    return ok();
  }
  fail_target(target_id, planned.name + " failed: " + message);
  return release_claims(target_id);
}

// One round of the loop as one catalog transaction: the ends of the jobs in
// `done` (publishing their outputs), then the starts of ready targets (claims,
// run records, staging) up to -j running plus prepare_ahead() prepared, and
// the releases of the claims the previous round published. After the commit,
// and only then, the new versions are linked and prepared jobs launched into
// free slots. The prepared ones left over are launched the moment a job
// ends (refill(), also between the steps of a round), before that job is
// recorded: with short jobs, a slot waiting for the bookkeeping would
// otherwise sit idle for most of the time.
Status Builder::step() {
  std::vector<std::pair<int64_t, CommandResult>> done = std::move(ended_);
  ended_.clear();
  if (Status begun = catalog_.begin_batch(); !begun) return begun;
  if (Status released = release_pending(); !released) return released;
  for (const auto& [token, result] : done) {
    if (Status handled = finish(static_cast<size_t>(token), result); !handled) return handled;
    if (Status refilled = refill(); !refilled) return refilled;
  }
  // Start what is ready; a target whose outputs another runner holds goes
  // back in the queue and is tried again next time round.
  std::vector<size_t> held;
  while (!ready_.empty() &&
         runner_.running() + prepared_.size() < options_.jobs + prepare_ahead()) {
    size_t t = ready_.front();
    ready_.pop_front();
    if (targets_[t].state != State::Ready) continue;
    Expected<Claim> claim = acquire(t);
    if (!claim) return Failure{claim.error()};
    if (*claim == Claim::Acquired) {
      if (Status started = start(t); !started) return started;
      if (Status refilled = refill(); !refilled) return refilled;
    } else if (*claim == Claim::HeldElsewhere) {
      held.push_back(t);
    }
  }
  ready_.insert(ready_.end(), held.begin(), held.end());
  if (now() - last_heartbeat_ >= static_cast<double>(kClaimStaleSeconds) / 6) {
    last_heartbeat_ = now();
    if (Status beat = catalog_.heartbeat(options_.pid, options_.host); !beat) return beat;
  }
  if (Status committed = catalog_.commit_batch(); !committed) return committed;
  // Each staging posted is a job that can take a slot once it is made. Made
  // as posted (an inode each), that takes long enough for short jobs to end,
  // so with every slot busy, look whether one has freed; made on the queue's
  // thread, they are made while the slots are refilled here.
  while (launchable_ < prepared_.size()) {
    Prepared& job = prepared_[launchable_++];
    job.staging = queue_->post(DiskQueue::Lane::Soon, make_staging(job.target));
    Status refilled = runner_.running() < options_.jobs ? launch_prepared() : refill();
    if (!refilled) return refilled;
  }
  for (size_t partition : links_) {
    const PlannedPartition& node = plan_.partitions[partition];
    link_tickets_[partition] =
        queue_->post(DiskQueue::Lane::Later,
                     [&disk = disk_, version = node.current->path, link = node.location] {
                       return disk.replace_symlink(version, link);
                     });
    if (Status refilled = refill(); !refilled) return refilled;
  }
  links_.clear();
  // Released in a later batch, once these links are made: another runner
  // that gets the claim must find the link to the version it may reuse.
  for (std::string& ref : releasing_)
    releases_.emplace_back(std::move(ref), queue_->last(DiskQueue::Lane::Later));
  releasing_.clear();
  return ok();
}

// Between the steps of a round (each a few file-system calls that may block
// for a while on a busy machine): jobs that ended meanwhile are collected for
// the next round and their slots given to prepared jobs at once.
Status Builder::refill() {
  while (auto ended = runner_.wait(std::chrono::milliseconds(0))) {
    if (ended_.empty()) first_ended_ = now();
    ended_.push_back(std::move(*ended));
  }
  return launch_prepared();
}

// Jobs prepared beyond -j: enough that several ended jobs can be recorded in
// one transaction while the slots stay busy. A round records and prepares
// about half of them, and the other half must outlast it: with jobs of a
// millisecond and the runner sharing the cores with them, a round takes as
// long as several jobs.
size_t Builder::prepare_ahead() const { return std::max<size_t>(4 * options_.jobs, 16); }

// A free slot waits for the next job's staging only when it is not made yet:
// the queue does staging before links, so that is at most the staging in
// hand (and the builder has no job it could start instead).
Status Builder::launch_prepared() {
  while (launchable_ > 0 && runner_.running() < options_.jobs) {
    if (Status staged = queue_->wait(DiskQueue::Lane::Soon, prepared_.front().staging); !staged)
      return staged;
    Prepared job = std::move(prepared_.front());
    prepared_.pop_front();
    --launchable_;
    const TargetState& state = targets_[job.target];
    status_.job_started(plan_.targets[job.target].name, state.attempt, state.log_path);
    runner_.start(static_cast<int64_t>(job.target), job.spec);
  }
  return ok();
}

// Every staging, log and link posted is made (or the first that failed):
// before the last claims are released and build() returns, since a caller
// may read a partition through its link the moment the build has ended.
Status Builder::finish_disk_work() {
  if (Status staged = queue_->wait(DiskQueue::Lane::Soon, queue_->last(DiskQueue::Lane::Soon));
      !staged)
    return staged;
  return queue_->wait(DiskQueue::Lane::Later, queue_->last(DiskQueue::Lane::Later));
}

Expected<bool> Builder::build() {
  Expected<bool> built = run();
  // Also after a failure: nothing is left on the queue to be done later, when
  // what it names may be gone.
  Status made = finish_disk_work();
  if (built && !made) return Failure{made.error()};
  if (!failed_runs_.empty()) {
    // Not fatal: what is left is invisible, and `gc` removes it.
    if (Status removed = remove_run_leftovers(disk_, plan_.data_root, failed_runs_); !removed)
      status_.note("could not remove what a failed run left: " + removed.error());
  }
  return built;
}

Expected<bool> Builder::run() {
  if (Status cleaned = clean_stale_staging(); !cleaned) return Failure{cleaned.error()};
  mark_needed();
  if (Status recorded = record_sources(); !recorded) return Failure{recorded.error()};
  size_t to_run = 0;
  for (size_t t = 0; t < plan_.targets.size(); ++t) {
    bool needed = false;
    for (size_t output : plan_.targets[t].outputs)
      needed = needed || (needed_[output] && plan_.partitions[output].needs_run());
    if (needed && plan_.targets[t].run) {
      targets_[t].state = State::Ready;
      ++to_run;
    }
  }
  status_.set_total(to_run);
  // Who reads what, and how many inputs each target still waits for. Inputs
  // that will never come fail their readers now; the rest feed ready_ as
  // they become available (became_available), so each event costs its
  // readers, not a scan of every target.
  std::vector<std::pair<size_t, std::string>> doomed;
  for (size_t t = 0; t < plan_.targets.size(); ++t) {
    if (targets_[t].state != State::Ready) continue;
    for (const std::vector<size_t>& port : plan_.targets[t].inputs) {
      for (size_t input : port) {
        readers_[input].push_back(t);
        if (!available(input)) ++pending_[t];
        if (std::optional<std::string> why = failure_of(input)) doomed.emplace_back(input, *why);
      }
    }
    if (pending_[t] == 0) ready_.push_back(t);
  }
  for (const auto& [input, why] : doomed)
    if (!failed_[input]) became_unavailable(input, why);
  if (Status polled = poll_waiting(true); !polled) return Failure{polled.error()};
  bool record = true;
  while (true) {
    if (record) {
      if (Status stepped = step(); !stepped) {
        catalog_.rollback_batch();
        prepared_.clear();
        runner_.kill_all();
        return Failure{stepped.error()};
      }
    }
    // With nothing running, what is left in ready_ is held elsewhere.
    bool waiting = waiting_ || (runner_.running() == 0 && !ready_.empty());
    if (runner_.running() == 0 && prepared_.empty() && ended_.empty() && !waiting) break;
    // Sleep until the next poll of an external is due, or (another runner
    // holding a claim) the next try for it, or the ended jobs are due to be
    // recorded, or a job ends.
    double pause = waiting_ ? std::max(next_poll_ - now(), 0.0) : 1.0;
    if (!ready_.empty()) pause = std::min(pause, kClaimRetrySeconds);
    if (!ended_.empty())
      pause = std::min(pause, std::max(first_ended_ + kRecordWithinSeconds - now(), 0.0));
    // A slot is free (no prepared job is left to take it) and ended jobs
    // wait to be recorded: that round prepares the next jobs, so it is due
    // now. Waiting for another job to end, or for the batch to fill, would
    // leave the slot idle (with jobs of a millisecond, most of the build).
    Status refilled = ok();
    if (!ended_.empty() && runner_.running() < options_.jobs) {
      refilled = refill();
    } else if (runner_.running() == 0) {
      options_.sleep(pause);
    } else if (auto first = runner_.wait(
                   std::chrono::milliseconds(static_cast<int64_t>(std::ceil(pause * 1000))))) {
      if (ended_.empty()) first_ended_ = now();
      ended_.push_back(std::move(*first));
      refilled = refill();
    }
    if (!refilled) {
      runner_.kill_all();
      return Failure{refilled.error()};
    }
    // Ended jobs are recorded together (one transaction for many: far fewer
    // pages written per job) while prepared jobs keep every slot busy; they
    // are recorded at once when half the prepared jobs are used up (the other
    // half keeps the slots busy while the round runs), a slot would idle, or
    // the oldest has waited kRecordWithinSeconds (a long job's readers are
    // not held up for long).
    record = ended_.empty() || prepared_.size() <= prepare_ahead() / 2 ||
             runner_.running() < options_.jobs || now() - first_ended_ >= kRecordWithinSeconds;
    if (Status polled = poll_waiting(false); !polled) return Failure{polled.error()};
    status_.tick();
  }
  if (Status made = finish_disk_work(); !made) return Failure{made.error()};
  if (!releases_.empty()) {  // the last rounds' claims
    Status released = catalog_.begin_batch();
    if (released) released = release_pending();
    if (released) released = catalog_.commit_batch();
    if (!released) {
      catalog_.rollback_batch();
      return Failure{released.error()};
    }
  }
  status_.finish();
  bool all = true;
  for (size_t requested : plan_.requested) {
    if (available(requested)) continue;
    all = false;
    const PlannedPartition& node = plan_.partitions[requested];
    std::optional<std::string> why = failure_of(requested);
    if (!node.needs_run() || !node.target)
      status_.partition_failed(node.name, why.value_or(node.reason));
  }
  return all;
}

}  // namespace databuild
