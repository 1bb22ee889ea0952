// The subcommands of `databuild-run`. Shared set-up lives in Session (the
// analysed workspace, the catalog, the clock); each subcommand is one function
// over it. Refs from the command line go through the analyzer's parsers, which
// reject `..`, `/`, NUL and values outside a key's domain with a message; the
// runtime adds nothing there but the program name in front.
#include "run_command.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>

#include "builder.h"
#include "calendar.h"
#include "catalog.h"
#include "check_command.h"
#include "command_runner.h"
#include "disk.h"
#include "disk_queue.h"
#include "partition_ref.h"
#include "plan.h"
#include "run_files.h"
#include "status.h"
#include "workspace.h"

namespace databuild {

namespace {

constexpr const char* kUsage =
    "usage: databuild-run COMMAND [OPTIONS] [ARGS]\n"
    "  build REF...        build the partitions (ranges a..b and * allowed) and what they need\n"
    "  plan REF...         say what build would do for each partition, and why\n"
    "  status [REF...]     the catalog's partitions, or the state of the ones named\n"
    "  lineage REF         the versions REF was built from (--upstream, the default)\n"
    "                      or that were built from it (--downstream), recursively\n"
    "  history REF|JOB     runs that built REF or ran JOB\n"
    "  put REF DIR         publish DIR as a hand-made partition (--taint P, --force)\n"
    "  invalidate REF      mark REF stale: the next build rebuilds it\n"
    "  gc                  delete superseded partition versions\n"
    "options: -C DIR (workspace, default .), -j N, --json, --now DATE[THH],\n"
    "  --wait-timeout SECONDS, --poll-interval SECONDS (longest pause between looks\n"
    "  for a missing external, default 1), --replace-manual,\n"
    "  --upstream / --downstream, --depth N (lineage),\n"
    "  --busy-timeout SECONDS (how long to wait for another process's catalog lock, default 30)\n";

struct Options {
  std::string command;
  std::vector<std::string> positional;
  std::string directory = ".";
  bool json = false;
  size_t jobs = std::max(1u, std::thread::hardware_concurrency());
  std::optional<BuildClock> now;
  std::optional<int64_t> wait_timeout;
  std::chrono::milliseconds busy_timeout = kCatalogBusyTimeout;
  double poll_interval = 1;
  bool replace_manual = false;
  bool force = false;
  std::vector<std::string> taints;
  int depth = 20;
  bool downstream = false;  // lineage
};

std::optional<int64_t> parse_count(const std::string& text, int64_t most) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  int64_t value = std::stoll(text);
  if (value > most) return std::nullopt;
  return value;
}

bool parse_options(const std::vector<std::string>& args, Options& options, std::ostream& err) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string_view option) { return option_value(args, i, option); };
    if (std::optional<std::string> directory = value("-C")) {
      options.directory = *directory;
    } else if (std::optional<std::string> jobs = value("-j")) {
      std::optional<int64_t> count = parse_count(*jobs, 4096);
      if (!count || *count == 0) {
        err << "databuild-run: -j takes a number of jobs from 1 to 4096\n";
        return false;
      }
      options.jobs = static_cast<size_t>(*count);
    } else if (std::optional<std::string> now = value("--now")) {
      if (std::optional<int64_t> day = parse_date(*now)) {
        options.now = BuildClock{*day * kSecondsPerDay};
      } else if (std::optional<int64_t> hour = parse_hour(*now)) {
        options.now = BuildClock{*hour * kSecondsPerHour};
      } else {
        err << "databuild-run: --now takes a date (YYYY-MM-DD) or an hour (YYYY-MM-DDTHH), UTC\n";
        return false;
      }
    } else if (std::optional<std::string> wait = value("--wait-timeout")) {
      options.wait_timeout = parse_count(*wait, 365 * kSecondsPerDay);
      if (!options.wait_timeout) {
        err << "databuild-run: --wait-timeout takes a number of seconds\n";
        return false;
      }
    } else if (std::optional<std::string> busy = value("--busy-timeout")) {
      std::optional<int64_t> seconds = parse_count(*busy, 24 * 3600);
      if (!seconds) {
        err << "databuild-run: --busy-timeout takes a number of seconds (at most a day)\n";
        return false;
      }
      options.busy_timeout = std::chrono::seconds(*seconds);
    } else if (std::optional<std::string> poll = value("--poll-interval")) {
      char* end = nullptr;
      options.poll_interval = std::strtod(poll->c_str(), &end);
      if (poll->empty() || *end != '\0' || !(options.poll_interval >= 0.1) ||
          options.poll_interval > 3600) {
        err << "databuild-run: --poll-interval takes a number of seconds from 0.1 to 3600\n";
        return false;
      }
    } else if (std::optional<std::string> depth = value("--depth")) {
      std::optional<int64_t> count = parse_count(*depth, 1000);
      if (!count) {
        err << "databuild-run: --depth takes a number from 0 to 1000\n";
        return false;
      }
      options.depth = static_cast<int>(*count);
    } else if (std::optional<std::string> taint = value("--taint")) {
      options.taints.push_back(*taint);
    } else if (arg == "--json") {
      options.json = true;
    } else if (arg == "--upstream" || arg == "--downstream") {
      options.downstream = arg == "--downstream";
    } else if (arg == "--replace-manual") {
      options.replace_manual = true;
    } else if (arg == "--force") {
      options.force = true;
    } else if (arg == "-h" || arg == "--help") {
      options.command = "help";
    } else if (arg.size() > 1 && arg[0] == '-') {
      err << "databuild-run: unknown option '" << arg << "'\n" << kUsage;
      return false;
    } else if (options.command.empty()) {
      options.command = arg;
    } else {
      options.positional.push_back(arg);
    }
  }
  return true;
}

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

bool process_alive(int64_t pid) {
  return pid > 0 && (kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

// What every subcommand works on.
struct Session {
  std::unique_ptr<Analysis> analysis;
  std::unique_ptr<Catalog> catalog;
  BuildClock clock;
  std::string data_root;     // absolute
  std::string catalog_path;  // absolute
  RealDisk disk;
};

// Opens the workspace and the catalog; prints why not and returns nullopt.
std::unique_ptr<Session> open_session(const Options& options, std::ostream& err, int& status) {
  std::error_code error;
  std::string start = std::filesystem::absolute(options.directory, error).string();
  std::optional<std::string> root = find_workspace_root(start);
  if (!root) {
    err << "databuild-run: " << options.directory
        << ": not inside a DataBuild workspace (no workspace.dbuild here or above)\n";
    status = kRunExitUsage;
    return nullptr;
  }
  auto session = std::make_unique<Session>();
  session->analysis = analyze_workspace(*root);
  std::vector<Diagnostic> diagnostics = session->analysis->diagnostics();
  if (std::any_of(diagnostics.begin(), diagnostics.end(),
                  [](const Diagnostic& d) { return d.severity == Severity::Error; })) {
    err << "databuild-run: the workspace has errors; fix them first:\n";
    run_check({"--color=never", *root}, err, err);
    status = kRunExitFailed;
    return nullptr;
  }
  if (options.now) {
    session->clock = *options.now;
  } else {
    session->clock.unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
  }
  std::filesystem::path root_path(*root);
  session->data_root = (root_path / session->analysis->data_root()).lexically_normal().string();
  session->catalog_path = (root_path / session->analysis->catalog()).lexically_normal().string();
  std::filesystem::create_directories(std::filesystem::path(session->catalog_path).parent_path(),
                                      error);
  Expected<std::unique_ptr<Catalog>> catalog =
      Catalog::open(session->catalog_path, {}, options.busy_timeout);
  if (!catalog) {
    err << "databuild-run: " << catalog.error() << "\n";
    status = kRunExitUsage;
    return nullptr;
  }
  session->catalog = std::move(*catalog);
  return session;
}

// Expands every request (ranges and `*` allowed) into partitions, in order,
// without duplicates.
std::optional<std::vector<PartitionRef>> requested_partitions(const Session& session,
                                                              const std::vector<std::string>& refs,
                                                              std::ostream& err) {
  std::vector<PartitionRef> partitions;
  std::unordered_set<std::string> seen;
  for (const std::string& text : refs) {
    Expected<PartitionSelector> selector = parse_partition_selector(session.analysis->linked, text);
    if (!selector) {
      err << "databuild-run: " << selector.error() << "\n";
      return std::nullopt;
    }
    Expected<std::vector<PartitionRef>> expanded =
        expand_partition_selector(*selector, session.clock);
    if (!expanded) {
      err << "databuild-run: " << expanded.error() << "\n";
      return std::nullopt;
    }
    // One selector names each partition once: only several can repeat one
    // (naming a million costs a million names to check).
    if (refs.size() == 1) return std::move(*expanded);
    for (PartitionRef& ref : *expanded)
      if (seen.insert(ref.canonical()).second) partitions.push_back(std::move(ref));
  }
  return partitions;
}

std::optional<PartitionRef> one_partition(const Session& session, const std::string& text,
                                          std::ostream& err) {
  Expected<PartitionRef> ref = parse_partition_ref(session.analysis->linked, text, session.clock);
  if (!ref) {
    err << "databuild-run: " << ref.error() << "\n";
    return std::nullopt;
  }
  return *ref;
}

int plan_or_build(const Options& options, Session& session, bool build, std::ostream& out,
                  std::ostream& err) {
  if (options.positional.empty()) {
    err << "databuild-run " << options.command << ": expected at least one partition REF\n";
    return kRunExitUsage;
  }
  std::optional<std::vector<PartitionRef>> requested =
      requested_partitions(session, options.positional, err);
  if (!requested) return kRunExitUsage;
  // A killed runner's runs: what they wrote goes first, then they are ended,
  // so that a build killed in between finds them again.
  Expected<std::vector<int64_t>> orphans =
      session.catalog->orphaned_runs(host_name(), process_alive);
  if (!orphans) {
    err << "databuild-run: " << orphans.error() << "\n";
    return kRunExitUsage;
  }
  if (!orphans->empty()) {
    if (Status removed = remove_run_leftovers(session.disk, session.data_root, *orphans); !removed)
      err << "databuild-run: could not remove what a killed runner's runs wrote (gc will): "
          << removed.error() << "\n";
    if (Status ended = session.catalog->end_orphaned_runs(*orphans); !ended) {
      err << "databuild-run: " << ended.error() << "\n";
      return kRunExitUsage;
    }
  }
  PlanOptions plan_options;
  plan_options.replace_manual = options.replace_manual;
  Expected<Plan> plan = make_plan(*session.analysis, *session.catalog, session.disk, session.clock,
                                  std::move(*requested), plan_options);
  if (!plan) {
    err << "databuild-run: " << plan.error() << "\n";
    return kRunExitUsage;
  }
  if (!build) {
    nlohmann::ordered_json partitions = nlohmann::ordered_json::array();
    bool blocked = false;
    auto list = [&](const std::string& name, Decision decision, const std::string& reason) {
      if (options.json) {
        partitions.push_back(
            {{"ref", name}, {"decision", decision_name(decision)}, {"reason", reason}});
      } else {
        out << name << ": " << decision_name(decision) << ": " << reason << "\n";
      }
    };
    for (const PlannedPartition& node : plan->partitions) {
      blocked = blocked || node.decision == Decision::Missing || node.decision == Decision::Error;
      list(node.name, node.decision, node.reason);
    }
    for (const PartitionRef& fresh : plan->fresh) list(fresh.canonical(), Decision::Reuse, "fresh");
    if (options.json) out << nlohmann::ordered_json{{"partitions", partitions}}.dump(2) << "\n";
    return blocked ? kRunExitFailed : kRunExitOk;
  }
  // A status line only for a person at a terminal that can redraw one.
  const char* term = getenv("TERM");
  bool terminal =
      &out == &std::cout && isatty(STDOUT_FILENO) && term && std::string_view(term) != "dumb";
  std::unique_ptr<BuildStatus> status;
  if (options.json)
    status = std::make_unique<JsonStatus>(out);
  else if (terminal)
    status = std::make_unique<TerminalStatus>(out, [] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
          .count();
    });
  else
    status = std::make_unique<PlainStatus>(out);
  ProcessRunner runner;
  BuildOptions build_options;
  build_options.jobs = options.jobs;
  build_options.wait_timeout_seconds = options.wait_timeout;
  build_options.poll_interval_seconds = options.poll_interval;
  build_options.replace_manual = options.replace_manual;
  build_options.log_directory =
      (std::filesystem::path(session.catalog_path).parent_path() / "logs").string();
  build_options.host = host_name();
  build_options.pid = getpid();
  build_options.is_alive = process_alive;
  // Jobs' config documents and input lists in memory; beside the logs without one.
  std::unique_ptr<RunFilesDirectory> run_files =
      RunFilesDirectory::make(RunFilesDirectory::default_parents(), getpid(), process_alive);
  if (run_files) build_options.run_files_directory = run_files->path();
  // Staging directories, logs and links made beside the builder's thread,
  // which keeps the slots filled meanwhile, unless the disk makes them in
  // less time than handing them over takes (disk_queue.h).
  ThreadDiskQueue disk_queue(std::chrono::microseconds(100));
  build_options.disk_queue = &disk_queue;
  // Nor do the builder's commits wait for the WAL's checkpoints and their
  // syncs (wal_checkpointer.h).
  session.catalog->checkpoint_in_background();
  Builder builder(*plan, *session.analysis, *session.catalog, session.disk, runner, *status,
                  build_options);
  Expected<bool> built = builder.build();
  status->finish();
  if (!built) {
    err << "databuild-run: " << built.error() << "\n";
    return kRunExitFailed;
  }
  if (!options.json)
    out << (*built ? "ok: every requested partition is up to date\n"
                   : "failed: some requested partitions were not built\n");
  return *built ? kRunExitOk : kRunExitFailed;
}

int status_command(const Options& options, Session& session, std::ostream& out, std::ostream& err) {
  if (!options.positional.empty()) {
    // The state of named partitions is what a plan says about them.
    std::optional<std::vector<PartitionRef>> requested =
        requested_partitions(session, options.positional, err);
    if (!requested) return kRunExitUsage;
    Expected<Plan> plan = make_plan(*session.analysis, *session.catalog, session.disk,
                                    session.clock, std::move(*requested));
    if (!plan) {
      err << "databuild-run: " << plan.error() << "\n";
      return kRunExitUsage;
    }
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    auto report = [&](const std::string& name, Decision decision, const std::string& reason) {
      std::string state = decision == Decision::Reuse     ? "live"
                          : decision == Decision::Rebuild ? "stale"
                                                          : "missing";
      if (options.json)
        list.push_back({{"ref", name}, {"state", state}, {"reason", reason}});
      else
        out << name << ": " << state << " (" << reason << ")\n";
    };
    for (size_t index : plan->requested) {
      const PlannedPartition& node = plan->partitions[index];
      report(node.name, node.decision, node.reason);
    }
    for (const PartitionRef& fresh : plan->fresh)
      report(fresh.canonical(), Decision::Reuse, "fresh");
    if (options.json) out << list.dump(2) << "\n";
    return kRunExitOk;
  }
  Expected<std::vector<PartitionRecord>> partitions = session.catalog->current_partitions();
  if (!partitions) {
    err << "databuild-run: " << partitions.error() << "\n";
    return kRunExitUsage;
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const PartitionRecord& partition : *partitions) {
    if (options.json) {
      list.push_back({{"ref", partition.ref},
                      {"state", partition.state},
                      {"origin", origin_name(partition.origin)},
                      {"version", partition.id},
                      {"labels", partition.labels}});
    } else {
      out << partition.ref << ": " << partition.state << ", " << origin_name(partition.origin)
          << ", version " << partition.id;
      if (!partition.labels.empty()) out << ", labels " << join_labels(partition.labels);
      out << "\n";
    }
  }
  if (options.json) out << list.dump(2) << "\n";
  return kRunExitOk;
}

// The tree of versions one version was built from (upstream: the inputs its
// run recorded) or that were built from it (downstream: the versions made by
// the runs that read it), from the catalog alone.
Expected<nlohmann::ordered_json> lineage_of(Catalog& catalog, const PartitionRecord& version,
                                            bool downstream, int depth) {
  nlohmann::ordered_json node{{"ref", version.ref},
                              {"version", version.id},
                              {"origin", origin_name(version.origin)},
                              {"state", version.state}};
  if (version.run_id) {
    Expected<std::optional<RunRecord>> run = catalog.run(*version.run_id);
    if (!run) return Failure{run.error()};
    if (*run) node["job"] = (*run)->job;
  }
  if (depth == 0) return node;
  std::vector<std::pair<std::string, PartitionRecord>> next;  // port, version
  if (downstream) {
    Expected<std::vector<std::pair<std::string, PartitionRecord>>> readers =
        catalog.built_from(version.id);
    if (!readers) return Failure{readers.error()};
    next = std::move(*readers);
  } else if (version.run_id) {
    Expected<std::vector<RunInput>> inputs = catalog.run_inputs(*version.run_id);
    if (!inputs) return Failure{inputs.error()};
    for (const RunInput& input : *inputs) {
      Expected<std::optional<PartitionRecord>> read = catalog.partition(input.partition_id);
      if (!read) return Failure{read.error()};
      if (*read) next.emplace_back(input.port, std::move(**read));
    }
  } else {
    return node;
  }
  const char* key = downstream ? "readers" : "inputs";
  node[key] = nlohmann::ordered_json::array();
  for (const auto& [port, related] : next) {
    Expected<nlohmann::ordered_json> child = lineage_of(catalog, related, downstream, depth - 1);
    if (!child) return child;
    (*child)["port"] = port;
    node[key].push_back(std::move(*child));
  }
  return node;
}

void print_lineage(std::ostream& out, const nlohmann::ordered_json& node,
                   const std::string& indent) {
  out << indent << node["ref"].get<std::string>() << " (version " << node["version"].get<int64_t>()
      << ", ";
  if (node.contains("job"))
    out << "built by job " << node["job"].get<std::string>();
  else
    out << node["origin"].get<std::string>();
  if (node["state"] != "live") out << ", " << node["state"].get<std::string>();
  out << ")\n";
  for (const char* key : {"inputs", "readers"})
    if (node.contains(key))
      for (const auto& related : node[key]) print_lineage(out, related, indent + "  ");
}

int lineage_command(const Options& options, Session& session, std::ostream& out,
                    std::ostream& err) {
  if (options.positional.size() != 1) {
    err << "databuild-run lineage: expected one partition REF\n";
    return kRunExitUsage;
  }
  std::optional<PartitionRef> ref = one_partition(session, options.positional[0], err);
  if (!ref) return kRunExitUsage;
  Expected<std::optional<PartitionRecord>> current = session.catalog->current(ref->canonical());
  if (!current || !*current) {
    err << "databuild-run: "
        << (current ? ref->canonical() + " has not been built" : current.error()) << "\n";
    return kRunExitFailed;
  }
  Expected<nlohmann::ordered_json> tree =
      lineage_of(*session.catalog, **current, options.downstream, options.depth);
  if (!tree) {
    err << "databuild-run: " << tree.error() << "\n";
    return kRunExitUsage;
  }
  if (options.json)
    out << tree->dump(2) << "\n";
  else
    print_lineage(out, *tree, "");
  return kRunExitOk;
}

int history_command(const Options& options, Session& session, std::ostream& out,
                    std::ostream& err) {
  if (options.positional.size() != 1) {
    err << "databuild-run history: expected one partition REF or job name\n";
    return kRunExitUsage;
  }
  std::string key = options.positional[0];
  if (!session.analysis->linked.find_job(key)) {
    std::optional<PartitionRef> ref = one_partition(session, key, err);
    if (!ref) return kRunExitUsage;
    key = ref->canonical();
  }
  Expected<std::vector<RunRecord>> runs = session.catalog->runs_for(key);
  if (!runs) {
    err << "databuild-run: " << runs.error() << "\n";
    return kRunExitUsage;
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const RunRecord& run : *runs) {
    int64_t duration = run.ended_at ? *run.ended_at - run.started_at : 0;
    if (options.json) {
      list.push_back({{"run", run.id},
                      {"job", run.job},
                      {"target", run.target},
                      {"parameters", nlohmann::ordered_json::parse(run.parameters, nullptr, false)},
                      {"state", run.state},
                      {"attempt", run.attempt},
                      {"started_at", run.started_at},
                      {"duration_seconds", duration},
                      {"message", run.message},
                      {"log", run.log_path}});
    } else {
      out << "run " << run.id << ": " << run.job << " " << run.parameters << " " << run.state
          << " (attempt " << run.attempt << ", " << duration << "s";
      if (!run.message.empty()) out << ", " << run.message;
      out << ") log " << run.log_path << "\n";
    }
  }
  if (options.json) out << list.dump(2) << "\n";
  return kRunExitOk;
}

int put_command(const Options& options, Session& session, std::ostream& out, std::ostream& err) {
  if (options.positional.size() != 2) {
    err << "databuild-run put: expected a partition REF and a directory\n";
    return kRunExitUsage;
  }
  std::optional<PartitionRef> ref = one_partition(session, options.positional[0], err);
  if (!ref) return kRunExitUsage;
  const std::string& from = options.positional[1];
  if (!session.disk.is_directory(from)) {
    err << "databuild-run put: " << from << " is not a directory\n";
    return kRunExitUsage;
  }
  const Dataset& dataset = *ref->dataset;
  if (dataset.is_external()) {
    err << "databuild-run put: " << dataset.name.text
        << " is external: its partitions are delivered, not put\n";
    return kRunExitUsage;
  }
  std::vector<std::string> labels = own_labels(session.analysis->linked, dataset);
  for (const std::string& taint : options.taints) {
    if (!session.analysis->linked.policies.count(taint)) {
      err << "databuild-run put: --taint " << taint << ": no such policy\n";
      return kRunExitUsage;
    }
    labels.push_back(taint);
  }
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  for (const Name& denied : dataset.denies) {
    if (std::binary_search(labels.begin(), labels.end(), denied.text)) {
      err << "databuild-run put: refused: " << dataset.name.text << " denies label '" << denied.text
          << "'\n";
      return kRunExitFailed;
    }
  }
  std::string name = ref->canonical();
  Expected<std::optional<PartitionRecord>> current = session.catalog->current(name);
  if (!current) {
    err << "databuild-run: " << current.error() << "\n";
    return kRunExitUsage;
  }
  if (*current && !options.force) {
    err << "databuild-run put: " << name << " already exists (version " << (*current)->id << ", "
        << origin_name((*current)->origin) << "); --force replaces it\n";
    return kRunExitFailed;
  }
  Expected<std::string> location = partition_location(*ref);
  if (!location) {
    err << "databuild-run: " << location.error() << "\n";
    return kRunExitUsage;
  }
  // Copy into staging first: the copy may be slow or fail half-way; only the
  // renames that follow are visible.
  std::string unique = std::to_string(getpid()) + "-" + std::to_string(session.clock.unix_seconds) +
                       "-" +
                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  std::string staged = session.data_root + "/.staging/put-" + unique;
  std::string version_path = session.data_root + "/.versions/put-" + unique;
  NewPartition version;
  version.ref = name;
  version.dataset = dataset.name.text;
  version.origin = Origin::Manual;
  version.path = version_path;
  version.labels = labels;
  Status done = [&]() -> Status {
    if (Status made = session.disk.make_directories(session.data_root + "/.staging"); !made)
      return made;
    if (Status copied = session.disk.copy_tree(from, staged); !copied) return copied;
    Expected<std::vector<FileEntry>> files = session.disk.list_files(staged);
    if (!files) return Failure{files.error()};
    nlohmann::json manifest = nlohmann::json::array();
    for (const FileEntry& file : *files)
      manifest.push_back({{"path", file.path}, {"size", file.size}});
    version.manifest = manifest.dump();
    Expected<std::string> hash = hash_directory(session.disk, staged);
    if (!hash) return Failure{hash.error()};
    version.content_hash = *hash;
    if (Status made = session.disk.make_directories(session.data_root + "/.versions"); !made)
      return made;
    if (Status moved = session.disk.rename(staged, version_path); !moved) return moved;
    Expected<std::vector<int64_t>> ids = session.catalog->publish({version});
    if (!ids) return Failure{ids.error()};
    return session.disk.replace_symlink(version_path, session.data_root + "/" + *location);
  }();
  if (!done) {
    session.disk.remove_all(staged);
    err << "databuild-run put: " << done.error() << "\n";
    return kRunExitFailed;
  }
  out << "put " << name << (labels.empty() ? "" : " (labels " + join_labels(labels) + ")") << "\n";
  return kRunExitOk;
}

int invalidate_command(const Options& options, Session& session, std::ostream& out,
                       std::ostream& err) {
  if (options.positional.empty()) {
    err << "databuild-run invalidate: expected at least one partition REF\n";
    return kRunExitUsage;
  }
  std::optional<std::vector<PartitionRef>> refs =
      requested_partitions(session, options.positional, err);
  if (!refs) return kRunExitUsage;
  for (const PartitionRef& ref : *refs) {
    Expected<bool> changed = session.catalog->invalidate(ref.canonical());
    if (!changed) {
      err << "databuild-run: " << changed.error() << "\n";
      return kRunExitUsage;
    }
    out << ref.canonical() << ": " << (*changed ? "invalidated" : "not live; nothing to do")
        << "\n";
  }
  return kRunExitOk;
}

// Entries of `.versions` no catalog row names: what a run wrote that was
// never published and that no build removed (its runner killed on another
// host, a removal that failed; builder.h), a file a succeeding job wrote
// beside its directory, or a `put` killed between its rename into
// `.versions` and its catalog commit. Those of a run still running, or of a
// `put` whose process lives, are about to be recorded and are left alone.
Expected<size_t> remove_unrecorded_versions(Session& session) {
  Expected<std::vector<PartitionRecord>> current = session.catalog->current_partitions();
  if (!current) return Failure{current.error()};
  Expected<std::vector<PartitionRecord>> old = session.catalog->superseded_partitions();
  if (!old) return Failure{old.error()};
  std::set<std::string> recorded;
  for (const std::vector<PartitionRecord>* list : {&*current, &*old})
    for (const PartitionRecord& version : *list) recorded.insert(version.path);
  std::string versions = session.data_root + "/.versions";
  size_t removed = 0;
  for (const std::string& name : session.disk.list_names(versions)) {
    std::string path = versions + "/" + name;
    if (recorded.count(path)) continue;
    if (name.rfind("run-", 0) == 0) {
      Expected<std::optional<RunRecord>> run = session.catalog->run(std::atoll(name.c_str() + 4));
      if (!run) return Failure{run.error()};
      if (*run && (*run)->state == "running") continue;
    } else if (name.rfind("put-", 0) != 0 || process_alive(std::atoll(name.c_str() + 4))) {
      continue;
    }
    if (Status gone = session.disk.remove_all(path); !gone) return Failure{gone.error()};
    ++removed;
  }
  return removed;
}

int gc_command(Session& session, std::ostream& out, std::ostream& err) {
  Expected<std::vector<PartitionRecord>> old = session.catalog->superseded_partitions();
  if (!old) {
    err << "databuild-run: " << old.error() << "\n";
    return kRunExitUsage;
  }
  size_t collected = 0;
  std::string versions = session.data_root + "/.versions/";
  for (const PartitionRecord& version : *old) {
    // Only versions the runtime made: external data is never deleted.
    if (version.path.rfind(versions, 0) == 0) {
      if (Status removed = session.disk.remove_all(version.path); !removed) {
        err << "databuild-run gc: " << removed.error() << "\n";
        return kRunExitFailed;
      }
    }
    if (Status marked = session.catalog->mark_collected(version.id); !marked) {
      err << "databuild-run gc: " << marked.error() << "\n";
      return kRunExitFailed;
    }
    ++collected;
  }
  Expected<size_t> unrecorded = remove_unrecorded_versions(session);
  if (!unrecorded) {
    err << "databuild-run gc: " << unrecorded.error() << "\n";
    return kRunExitFailed;
  }
  out << "gc: " << collected << " superseded versions deleted, " << *unrecorded
      << " never recorded (left by a killed run)\n";
  return kRunExitOk;
}

}  // namespace

int run_databuild_run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Options options;
  if (!parse_options(args, options, err)) return kRunExitUsage;
  if (options.command == "help" || options.command.empty()) {
    (options.command.empty() ? err : out) << kUsage;
    return options.command.empty() ? kRunExitUsage : kRunExitOk;
  }
  static const std::set<std::string> kCommands = {"build",   "plan", "status",     "lineage",
                                                  "history", "put",  "invalidate", "gc"};
  if (!kCommands.count(options.command)) {
    err << "databuild-run: unknown command '" << options.command << "'\n" << kUsage;
    return kRunExitUsage;
  }
  int status = kRunExitOk;
  std::unique_ptr<Session> session = open_session(options, err, status);
  if (!session) return status;
  const std::string& command = options.command;
  if (command == "build" || command == "plan")
    return plan_or_build(options, *session, command == "build", out, err);
  if (command == "status") return status_command(options, *session, out, err);
  if (command == "lineage") return lineage_command(options, *session, out, err);
  if (command == "history") return history_command(options, *session, out, err);
  if (command == "put") return put_command(options, *session, out, err);
  if (command == "invalidate") return invalidate_command(options, *session, out, err);
  return gc_command(*session, out, err);
}

}  // namespace databuild
