// ProcessRunner: each job a Spawn (runtime/spawn.h: its own process group,
// stdin from /dev/null, stdout and stderr into the run's log, the working
// directory entered by the child before it execs), reaped through pidfds,
// killed by process group.
#include "command_runner.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string_view>
#include <thread>

extern char** environ;

namespace databuild {

std::string CommandResult::describe() const {
  switch (outcome) {
    case Outcome::Exited:
      return "exit status " + std::to_string(exit_code);
    case Outcome::Signaled:
      return std::string("killed by signal ") + std::to_string(signal) + " (" + strsignal(signal) +
             ")";
    case Outcome::TimedOut:
      return "timed out after " + std::to_string(timeout_seconds) + "s and was killed";
    case Outcome::SpawnFailed:
      return "could not be started: " + message;
  }
  return "";
}

namespace {

// The runtime's environment, read once: the runtime never changes its own.
const std::vector<std::string>& own_environment() {
  static const std::vector<std::string> variables = [] {
    std::vector<std::string> result;
    for (char** entry = environ; entry && *entry; ++entry) result.emplace_back(*entry);
    return result;
  }();
  return variables;
}

std::string_view name_of(std::string_view variable) {
  return variable.substr(0, variable.find('='));
}

// A child's environment is the runtime's with the job's `extra` added, a
// later name winning: the runtime's own variables not overridden (pointers
// into the copy read once per build, not per job: with jobs of a
// millisecond, copying it was a good part of a spawn), then the job's.
bool overridden_from(const std::vector<std::pair<std::string, std::string>>& extra, size_t index,
                     std::string_view name) {
  for (size_t later = index; later < extra.size(); ++later)
    if (extra[later].first == name) return true;
  return false;
}

std::vector<const char*> inherited_environment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<const char*> result;
  for (const std::string& variable : own_environment())
    if (!overridden_from(extra, 0, name_of(variable))) result.push_back(variable.c_str());
  return result;
}

std::vector<std::string> added_environment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> result;
  for (size_t i = 0; i < extra.size(); ++i)
    if (!overridden_from(extra, i + 1, extra[i].first))
      result.push_back(extra[i].first + "=" + extra[i].second);
  return result;
}

}  // namespace

ProcessRunner::~ProcessRunner() { kill_all(); }

// The programs a command name may be, in the order execvp would try them,
// worked out once per build: the child would otherwise try every PATH entry
// before the right one, for every job. A name with a '/' is itself; a bare
// one is the first absolute PATH entry holding an executable of that name,
// or, when none does (or a relative entry such as '.' comes first, which
// only the child's working directory can resolve), every PATH entry in turn.
const std::vector<std::string>& ProcessRunner::programs_for(const std::string& name) {
  if (auto found = programs_.find(name); found != programs_.end()) return found->second;
  std::vector<std::string>& programs = programs_[name];
  if (name.find('/') != std::string::npos) {
    programs.push_back(name);
    return programs;
  }
  const char* path = getenv("PATH");
  std::string_view entries = path ? path : "/bin:/usr/bin";  // execvp's default
  bool searchable = true;  // every entry so far absolute: access() can tell
  while (true) {
    size_t colon = entries.find(':');
    std::string entry(entries.substr(0, colon));
    std::string candidate = (entry.empty() ? "." : entry) + "/" + name;
    searchable = searchable && !entry.empty() && entry[0] == '/';
    if (searchable && access(candidate.c_str(), X_OK) == 0) {
      programs.assign({candidate});
      return programs;
    }
    programs.push_back(candidate);
    if (colon == std::string_view::npos) break;
    entries = entries.substr(colon + 1);
  }
  return programs;
}

void ProcessRunner::start(int64_t token, const CommandSpec& spec) {
  auto fail = [&](const std::string& why) {
    CommandResult result;
    result.outcome = CommandResult::Outcome::SpawnFailed;
    result.message = why;
    finished_.emplace_back(token, result);
  };
  if (spec.argv.empty()) return fail("empty command");
  ChildImage image;
  image.programs = programs_for(spec.argv[0]);
  image.argv = spec.argv;
  image.inherited_environment = inherited_environment(spec.env);
  image.added_environment = added_environment(spec.env);
  image.log_path = spec.log_path;
  image.working_directory = spec.working_directory;
  std::string error;
  std::unique_ptr<Spawn> spawn = Spawn::start(std::move(image), &error);
  if (!spawn) return fail(spec.argv[0] + ": " + error);
  Child child{token, std::move(spawn), std::nullopt};
  // A descriptor that polls readable when the child exits: wait() sleeps on
  // it. Without one (a kernel before 5.3), wait() polls waitpid instead.
  // (The raw system call: glibc 2.36's <sys/pidfd.h> lacks extern "C".)
  child.pidfd = static_cast<int>(syscall(SYS_pidfd_open, child.spawn->pid(), 0));
  if (spec.timeout_seconds) {
    child.timeout_seconds = *spec.timeout_seconds;
    child.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*spec.timeout_seconds);
  }
  children_.push_back(std::move(child));
}

std::optional<std::pair<int64_t, CommandResult>> ProcessRunner::reap_one() {
  if (!finished_.empty()) {
    auto result = finished_.front();
    finished_.erase(finished_.begin());
    return result;
  }
  auto now = std::chrono::steady_clock::now();
  for (size_t i = 0; i < children_.size(); ++i) {
    Child& child = children_[i];
    int status = 0;
    int pid = child.spawn->pid();
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      // The leader is gone; its group may live on (a backgrounded helper).
      // Jobs own their group, so nothing of theirs may outlive them.
      kill(-pid, SIGKILL);
      CommandResult result;
      if (std::optional<std::string> failure = child.spawn->failure()) {
        result.outcome = CommandResult::Outcome::SpawnFailed;
        result.message = *failure;
      } else if (child.timed_out) {
        result.outcome = CommandResult::Outcome::TimedOut;
        result.timeout_seconds = child.timeout_seconds;
      } else if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
      } else {
        result.outcome = CommandResult::Outcome::Signaled;
        result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      }
      int64_t token = child.token;
      if (child.pidfd >= 0) close(child.pidfd);
      children_.erase(children_.begin() + static_cast<ptrdiff_t>(i));
      return std::pair(token, result);
    }
    if (child.deadline && now >= *child.deadline && !child.timed_out) {
      child.timed_out = true;
      kill(-pid, SIGKILL);
    }
  }
  return std::nullopt;
}

std::optional<std::pair<int64_t, CommandResult>> ProcessRunner::wait(
    std::chrono::milliseconds max_wait) {
  auto give_up = std::chrono::steady_clock::now() + max_wait;
  std::chrono::milliseconds pause(1);
  while (true) {
    if (auto result = reap_one()) return result;
    auto now = std::chrono::steady_clock::now();
    if (children_.empty() || now >= give_up) return std::nullopt;
    // Until the first exit, the end of max_wait or the first timeout due.
    auto until = give_up;
    std::vector<pollfd> exits;
    for (const Child& child : children_) {
      if (child.deadline && !child.timed_out) until = std::min(until, *child.deadline);
      exits.push_back({child.pidfd, POLLIN, 0});
    }
    bool all_pollable = std::all_of(children_.begin(), children_.end(),
                                    [](const Child& child) { return child.pidfd >= 0; });
    if (all_pollable) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(std::max(until - now, {}));
      poll(exits.data(), exits.size(), static_cast<int>(left.count()));
    } else {
      std::this_thread::sleep_for(
          std::min(pause, std::chrono::ceil<std::chrono::milliseconds>(std::max(until - now, {}))));
      pause = std::min(pause * 2, std::chrono::milliseconds(20));
    }
  }
}

void ProcessRunner::kill_all() {
  for (const Child& child : children_) kill(-child.spawn->pid(), SIGKILL);
  for (const Child& child : children_) {
    waitpid(child.spawn->pid(), nullptr, 0);
    if (child.pidfd >= 0) close(child.pidfd);
  }
  children_.clear();
}

}  // namespace databuild
