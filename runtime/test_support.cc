// The fakes of test_support.h. FakeDisk keeps absolute, normalized paths
// (no `.`/`..`, no trailing `/`) in three maps; links may point at
// directories, which is all the runtime ever links.
#include "test_support.h"

#include <stdlib.h>

#include <stdexcept>

#include "calendar.h"

namespace databuild {

namespace {

std::string parent_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

bool below(const std::string& path, const std::string& directory) {
  return path.size() > directory.size() && path.compare(0, directory.size(), directory) == 0 &&
         path[directory.size()] == '/';
}

}  // namespace

std::string FakeDisk::resolve(const std::string& path) const {
  std::string resolved;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    resolved += "/" + path.substr(start, end - start);
    if (auto link = links_.find(resolved); link != links_.end()) resolved = link->second;
    start = end + 1;
  }
  return resolved.empty() ? "/" : resolved;
}

void FakeDisk::create(const std::string& path, const std::string& text, int64_t mtime_ns) {
  make_directories(parent_of(path));
  files_[resolve(path)] = {text, mtime_ns};
}

bool FakeDisk::exists(const std::string& path) const {
  std::string real = resolve(path);
  return files_.count(real) || directories_.count(real);
}

bool FakeDisk::is_directory(const std::string& path) const {
  return directories_.count(resolve(path)) > 0;
}

Expected<std::vector<FileEntry>> FakeDisk::list_files(const std::string& directory) const {
  std::string real = resolve(directory);
  if (!directories_.count(real)) return Failure{directory + ": no such directory"};
  std::vector<FileEntry> entries;
  for (const auto& [path, file] : files_)
    if (below(path, real))
      entries.push_back({path.substr(real.size() + 1), file.text.size(), file.mtime_ns});
  return entries;
}

std::vector<std::string> FakeDisk::list_names(const std::string& directory) const {
  std::string real = resolve(directory);
  std::set<std::string> names;
  auto add = [&](const std::string& path) {
    if (below(path, real))
      names.insert(path.substr(real.size() + 1, path.find('/', real.size() + 1) - real.size() - 1));
  };
  for (const auto& [path, file] : files_) add(path);
  for (const std::string& path : directories_) add(path);
  for (const auto& [path, target] : links_) add(path);
  return {names.begin(), names.end()};
}

Expected<std::string> FakeDisk::read_file(const std::string& path) const {
  auto found = files_.find(resolve(path));
  if (found == files_.end()) return Failure{path + ": no such file"};
  return found->second.text;
}

Status FakeDisk::write_file(const std::string& path, std::string_view text) {
  std::string real = resolve(path);
  if (!directories_.count(parent_of(real))) return Failure{path + ": no such directory"};
  files_[real] = {std::string(text), 1};
  return ok();
}

Status FakeDisk::make_directories(const std::string& path) {
  if (before_make_directories) before_make_directories(path);
  for (std::string directory = resolve(path); directory != "/"; directory = parent_of(directory))
    directories_.insert(directory);
  return ok();
}

Status FakeDisk::rename(const std::string& from, const std::string& to) {
  log.push_back("rename " + from + " -> " + to);
  std::string source = resolve(from), destination = resolve(to);
  if (!directories_.count(source)) return Failure{from + ": no such directory"};
  if (exists(to)) return Failure{to + ": exists"};
  auto move = [&](auto& map) {
    for (auto it = map.begin(); it != map.end();) {
      if (it->first == source || below(it->first, source)) {
        map.emplace(destination + it->first.substr(source.size()), it->second);
        it = map.erase(it);
      } else {
        ++it;
      }
    }
  };
  move(files_);
  std::set<std::string> moved;
  for (auto it = directories_.begin(); it != directories_.end();) {
    if (*it == source || below(*it, source)) {
      moved.insert(destination + it->substr(source.size()));
      it = directories_.erase(it);
    } else {
      ++it;
    }
  }
  directories_.insert(moved.begin(), moved.end());
  return make_directories(parent_of(destination));
}

Status FakeDisk::remove_all(const std::string& path) {
  log.push_back("remove " + path);
  if (links_.erase(path)) return ok();
  std::string real = resolve(path);
  std::erase_if(files_,
                [&](const auto& file) { return file.first == real || below(file.first, real); });
  std::erase_if(directories_, [&](const std::string& directory) {
    return directory == real || below(directory, real);
  });
  return ok();
}

Status FakeDisk::copy_tree(const std::string& from, const std::string& to) {
  Expected<std::vector<FileEntry>> entries = list_files(from);
  if (!entries) return Failure{entries.error()};
  make_directories(to);
  for (const FileEntry& entry : *entries)
    create(to + "/" + entry.path, *read_file(from + "/" + entry.path), entry.mtime_ns);
  return ok();
}

Status FakeDisk::replace_symlink(const std::string& target, const std::string& link) {
  if (before_symlink) before_symlink(target, link);
  log.push_back("symlink " + link + " -> " + target);
  make_directories(parent_of(link));
  links_[link] = target;
  return ok();
}

std::optional<std::string> FakeDisk::read_symlink(const std::string& path) const {
  auto found = links_.find(path);
  if (found == links_.end()) return std::nullopt;
  return found->second;
}

FakeRunner::FakeRunner(FakeDisk& disk) : disk_(disk) {
  behavior = [this](const CommandSpec& spec) {
    write_outputs(spec);
    return CommandResult{};
  };
}

void FakeRunner::start(int64_t token, const CommandSpec& spec) {
  started.push_back(spec);
  running_.emplace_back(token, spec);
  most_running = std::max(most_running, running_.size());
}

std::optional<std::pair<int64_t, CommandResult>> FakeRunner::wait(std::chrono::milliseconds) {
  if (running_.empty()) return std::nullopt;
  auto [token, spec] = running_.front();
  running_.erase(running_.begin());
  return std::pair(token, behavior(spec));
}

void FakeRunner::write_outputs(const CommandSpec& spec) {
  for (const auto& [variable, value] : spec.env)
    if (variable.rfind("DATABUILD_OUT_", 0) == 0) disk_.create(value + "/part-0", "rows\n");
}

std::string FakeRunner::env(const CommandSpec& spec, const std::string& variable) {
  for (const auto& [name, value] : spec.env)
    if (name == variable) return value;
  return "";
}

uint64_t DeferredDiskQueue::post(Lane lane, Work work) {
  works_[static_cast<size_t>(lane)].push_back(std::move(work));
  return works_[static_cast<size_t>(lane)].size();
}

bool DeferredDiskQueue::done(Lane lane, uint64_t ticket) {
  return done_[static_cast<size_t>(lane)] >= ticket;
}

Status DeferredDiskQueue::wait(Lane lane, uint64_t ticket) {
  size_t index = static_cast<size_t>(lane);
  while (done_[index] < ticket) {
    Status status = works_[index][done_[index]++]();
    if (!status && !failure_) failure_ = status.error();
  }
  if (failure_) return Failure{*failure_};
  return ok();
}

uint64_t DeferredDiskQueue::last(Lane lane) const {
  return works_[static_cast<size_t>(lane)].size();
}

TempDirectory::TempDirectory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "databuild-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp: " + pattern);
  path_ = pattern;
}

TempDirectory::~TempDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void RecordingStatus::on_started(const std::string& target, int, const std::string&) {
  events.push_back("started " + target);
}

void RecordingStatus::on_finished(const std::string& target, bool succeeded,
                                  const std::string& message, const std::string&) {
  events.push_back(succeeded ? "succeeded " + target : "failed " + target + ": " + message);
}

void RecordingStatus::on_reused(const std::string& target) { events.push_back("reused " + target); }

void RecordingStatus::on_partition_failed(const std::string& ref, const std::string& reason) {
  events.push_back("not-built " + ref + ": " + reason);
}

void RecordingStatus::on_note(const std::string& message) { events.push_back("note " + message); }

namespace {

// A set-up step that cannot fail in a correct test: throws (gtest reports it).
template <typename T>
T need(Expected<T> value) {
  if (!value) throw std::runtime_error(value.error());
  return std::move(*value);
}

}  // namespace

RuntimeFixture::RuntimeFixture(std::vector<std::pair<std::string, std::string>> sources,
                               std::string now_date) {
  std::vector<std::pair<std::string, std::string>> files{
      {"/ws/workspace.dbuild", "workspace test {\n  data_root \"data\"\n}\n"}};
  for (auto& [name, text] : sources) files.emplace_back("/ws/" + name, std::move(text));
  analysis = analyze_sources("/ws", std::move(files));
  for (const Diagnostic& diagnostic : analysis->diagnostics())
    if (diagnostic.severity == Severity::Error)
      throw std::runtime_error("test workspace has errors: " + diagnostic.message);
  catalog = need(Catalog::open(":memory:", [] { return int64_t{1000}; }));
  std::optional<int64_t> day = parse_date(now_date);
  if (!day) throw std::runtime_error("bad date " + now_date);
  now.unix_seconds = *day * kSecondsPerDay;
}

PartitionRef RuntimeFixture::ref(const std::string& text) const {
  return need(parse_partition_ref(analysis->linked, text, now));
}

Plan RuntimeFixture::plan(const std::vector<std::string>& refs, PlanOptions options) {
  std::vector<PartitionRef> requested;
  for (const std::string& text : refs) requested.push_back(ref(text));
  return need(make_plan(*analysis, *catalog, disk, now, requested, options));
}

bool RuntimeFixture::build(const std::vector<std::string>& refs, BuildOptions options) {
  PlanOptions plan_options;
  plan_options.replace_manual = options.replace_manual;
  Plan planned = plan(refs, plan_options);
  if (options.log_directory.empty()) options.log_directory = "/ws/.databuild/logs";
  if (options.host.empty()) options.host = "test-host";
  if (!options.monotonic_seconds) options.monotonic_seconds = clock.now();
  if (!options.sleep) options.sleep = clock.sleep();
  if (!options.disk_queue) options.disk_queue = disk_queue;
  Builder builder(planned, *analysis, *catalog, disk, runner, status, options);
  return need(builder.build());
}

void RuntimeFixture::deliver(const std::string& text, const std::string& data, int64_t mtime_ns,
                             const std::string& marker) {
  std::string location = "/ws/data/" + need(partition_location(ref(text)));
  disk.create(location + "/part-0.jsonl", data, mtime_ns);
  if (!marker.empty()) disk.create(location + "/" + marker, "");
}

void RuntimeFixture::put(const std::string& text, const std::vector<std::string>& labels) {
  PartitionRef partition = ref(text);
  std::string path = "/ws/data/.versions/put-" + std::to_string(++puts);
  disk.create(path + "/part-0", "by hand\n");
  NewPartition version;
  version.ref = partition.canonical();
  version.dataset = partition.dataset->name.text;
  version.origin = Origin::Manual;
  version.path = path;
  version.manifest = R"([{"path":"part-0","size":8}])";  // what `put` records: the files above
  version.content_hash = need(hash_directory(disk, path));
  version.labels = labels;
  need(catalog->publish({version}));
  need(disk.replace_symlink(path, "/ws/data/" + need(partition_location(partition))));
}

std::string RuntimeFixture::decision(const Plan& plan, const std::string& name) {
  for (const PartitionRef& fresh : plan.fresh)
    if (fresh.canonical() == name) return "reuse: fresh";
  auto found = plan.by_name.find(name);
  if (found == plan.by_name.end()) return "(not planned)";
  const PlannedPartition& node = plan.partitions[found->second];
  return std::string(decision_name(node.decision)) + ": " + node.reason;
}

PipelineFixture::PipelineFixture()
    : RuntimeFixture(std::vector<std::pair<std::string, std::string>>{{"pipeline.dbuild", R"(
policy pii

dataset raw[date: date since 2024-01-01] {
  external
  column user: string (taint pii)
}

dataset clean[date: date since 2024-01-01] { column user: string }

job clean(d: date) {
  input  raw = raw[date = d] { user }
  output out = clean[date = d]
  removes pii because "hashed"
  run ["sh", "jobs/clean.sh", "{d}"]
  retries 1
  timeout 30m
}

dataset notes[date: date] { column text: string }

dataset report[date: date] {
  column user: string
  deny pii
}

job report(d: date) {
  input  c   = clean[date = d]
  input  n   = notes[date = d]
  output out = report[date = d]
  run ["true"]
}

dataset yearly[date: date since 2024-12-30] { column n: int }

job yearly(d: date) {
  input  days = clean[date in d - 364d .. d]
  output out  = yearly[date = d]
  run ["true"]
}

dataset weekly[date: date since 2024-01-01] { column n: int }

job weekly(d: date) {
  input  days = clean[date in d .. d]
  output out  = weekly[date = d]
  run ["true"]
}
)"}}) {
  disk.create("/ws/jobs/clean.sh", "hash the user column\n");
}

}  // namespace databuild
