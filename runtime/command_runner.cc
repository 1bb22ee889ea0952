// ProcessRunner: posix_spawnp with the child in a new process group, stdin
// from /dev/null, stdout and stderr into the run's log, and the working
// directory set by the spawn itself (glibc's addchdir_np), so nothing runs
// between fork and exec in our address space.
#include "command_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
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

// A child's environment: the runtime's with `extra` added, a later name
// winning. Pointers into the runtime's own (copied once per build, not per
// job: with jobs of a millisecond, copying it was a good part of a spawn)
// and into `added`, which must outlive them.
std::vector<char*> child_environment(const std::vector<std::pair<std::string, std::string>>& extra,
                                     std::vector<std::string>& added) {
  auto overridden_after = [&](size_t index, std::string_view name) {
    for (size_t later = index; later < extra.size(); ++later)
      if (extra[later].first == name) return true;
    return false;
  };
  std::vector<char*> result;
  for (const std::string& variable : own_environment())
    if (!overridden_after(0, name_of(variable)))
      result.push_back(const_cast<char*>(variable.c_str()));  // exec does not write it
  for (size_t i = 0; i < extra.size(); ++i)
    if (!overridden_after(i + 1, extra[i].first))
      added.push_back(extra[i].first + "=" + extra[i].second);
  for (std::string& variable : added) result.push_back(variable.data());
  result.push_back(nullptr);
  return result;
}

std::vector<char*> pointers(const std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (const std::string& text : strings) result.push_back(const_cast<char*>(text.c_str()));
  result.push_back(nullptr);
  return result;
}

}  // namespace

ProcessRunner::~ProcessRunner() { kill_all(); }

// A bare command name resolved through PATH once per build: posix_spawnp
// would try every PATH entry before the right one, in the vfork'd child, for
// every job. Only absolute entries are searched; anything else (a name with
// a '/', a relative entry such as '.', nothing found) is left to posix_spawnp,
// so behaviour and error messages are the same.
std::optional<std::string> ProcessRunner::find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return std::nullopt;
  if (auto found = programs_.find(name); found != programs_.end()) return found->second;
  std::optional<std::string> program;
  const char* path = getenv("PATH");
  std::string_view entries = path ? path : "";
  while (!entries.empty()) {
    size_t colon = entries.find(':');
    std::string_view entry = entries.substr(0, colon);
    entries = colon == std::string_view::npos ? "" : entries.substr(colon + 1);
    if (entry.empty() || entry[0] != '/') break;  // relative: the child's cwd decides
    std::string candidate = std::string(entry) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) {
      program = candidate;
      break;
    }
  }
  programs_[name] = program;
  return program;
}

void ProcessRunner::start(int64_t token, const CommandSpec& spec) {
  auto fail = [&](const std::string& why) {
    CommandResult result;
    result.outcome = CommandResult::Outcome::SpawnFailed;
    result.message = why;
    finished_.emplace_back(token, result);
  };
  if (spec.argv.empty()) return fail("empty command");
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, spec.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (!spec.working_directory.empty())
    posix_spawn_file_actions_addchdir_np(&actions, spec.working_directory.c_str());
  // A new process group (so kill(-pid) reaches the job's children) and default
  // signal dispositions (the runtime may ignore SIGPIPE; the job should not).
  sigset_t defaults, empty;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int signal_number : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP})
    sigaddset(&defaults, signal_number);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setsigmask(&attributes, &empty);
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::vector<char*> argv_pointers = pointers(spec.argv);  // exec does not write them
  std::vector<std::string> added;
  std::vector<char*> environment_pointers = child_environment(spec.env, added);
  pid_t pid = 0;
  std::optional<std::string> program = find_program(spec.argv[0]);
  int error = program ? posix_spawn(&pid, program->c_str(), &actions, &attributes,
                                    argv_pointers.data(), environment_pointers.data())
                      : posix_spawnp(&pid, argv_pointers[0], &actions, &attributes,
                                     argv_pointers.data(), environment_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) return fail(spec.argv[0] + ": " + std::strerror(error));
  Child child{token, pid, std::nullopt, 0};
  // A descriptor that polls readable when the child exits: wait() sleeps on
  // it. Without one (a kernel before 5.3), wait() polls waitpid instead.
  // (The raw system call: glibc 2.36's <sys/pidfd.h> lacks extern "C".)
  child.pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (spec.timeout_seconds) {
    child.timeout_seconds = *spec.timeout_seconds;
    child.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(*spec.timeout_seconds);
  }
  children_.push_back(child);
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
    pid_t done = waitpid(child.pid, &status, WNOHANG);
    if (done == child.pid) {
      // The leader is gone; its group may live on (a backgrounded helper).
      // Jobs own their group, so nothing of theirs may outlive them.
      kill(-child.pid, SIGKILL);
      CommandResult result;
      if (child.timed_out) {
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
      kill(-child.pid, SIGKILL);
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
  for (const Child& child : children_) kill(-child.pid, SIGKILL);
  for (const Child& child : children_) {
    waitpid(child.pid, nullptr, 0);
    if (child.pidfd >= 0) close(child.pidfd);
  }
  children_.clear();
}

}  // namespace databuild
