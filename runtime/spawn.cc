// Spawn: clone(CLONE_VM) and a child that makes raw system calls only.
//
// The child runs in the runtime's memory while the runtime's threads go on,
// so everything it does must be safe beside them: it reads a plain plan of
// pointers made before the clone (even an inline accessor is a call in an
// unoptimised build, and a sanitizer's instrumented one would use the
// caller's thread-local state), writes only its stack and its Spawn's
// failure fields, and never touches errno. Signals are blocked across the
// clone so that nothing is delivered to the child before it has reset the
// dispositions it inherited and left the runtime's process group (so a
// Ctrl-C on the terminal no longer reaches it); only then does it unblock
// them, just before its execve. A handler of the runtime's could run in the
// child only in that gap and only for a signal sent to the child's own pid by
// someone else; the runtime installs none (it ignores SIGPIPE, reset here).
#include "spawn.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace databuild {

namespace {

#if !defined(__x86_64__) && !defined(__aarch64__)
#error "runtime/spawn.cc: raw_syscall is written for x86-64 and AArch64 only; port it"
#endif

// A system call without libc: the result, or -errno.
__attribute__((always_inline, no_sanitize("address", "undefined"))) inline long raw_syscall(
    long number, long a = 0, long b = 0, long c = 0, long d = 0) {
#if defined(__x86_64__)
  long result;
  register long r10 asm("r10") = d;
  asm volatile("syscall"
               : "=a"(result)
               : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10)
               : "rcx", "r11", "memory");
  return result;
#else
  register long x8 asm("x8") = number;
  register long x0 asm("x0") = a;
  register long x1 asm("x1") = b;
  register long x2 asm("x2") = c;
  register long x3 asm("x3") = d;
  asm volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
  return x0;
#endif
}

// The signals whose disposition the child resets: the runtime ignores SIGPIPE,
// and a runtime started under nohup or by a shell's `&` inherits ignored ones.
constexpr int kResetSignals[] = {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP};
// The kernel's sigaction for SIG_DFL and an empty set: all zero on both
// architectures (handler, flags, restorer, mask).
constexpr unsigned long kDefaultAction[4] = {};
constexpr unsigned long kEmptySet = 0;

// What the child reads: plain pointers, made before the clone.
struct ChildPlan {
  const char* const* programs;
  const char* const* argv;
  const char* const* environment;
  const char* log_path;
  const char* working_directory;  // nullptr: stay
  volatile Spawn::Step* failed_step;
  volatile int* failed_errno;
};

// Records why the child failed (`result`: -errno) and exits 127.
[[noreturn]] __attribute__((always_inline, no_sanitize("address", "undefined"))) inline void
fail_child(const ChildPlan* plan, Spawn::Step step, long result) {
  *plan->failed_errno = static_cast<int>(-result);
  *plan->failed_step = step;
  raw_syscall(SYS_exit_group, 127);
  __builtin_unreachable();
}

__attribute__((no_sanitize("address", "undefined"))) int run_child(const ChildPlan* plan) {
  for (int signal_number : kResetSignals)
    raw_syscall(SYS_rt_sigaction, signal_number, reinterpret_cast<long>(kDefaultAction), 0,
                sizeof kEmptySet);
  raw_syscall(SYS_setpgid, 0, 0);
  long null = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/dev/null"), O_RDONLY);
  if (null < 0) fail_child(plan, Spawn::Step::OpenNull, null);
  if (null != 0) {
    raw_syscall(SYS_dup3, null, 0, 0);
    if (null > 2) raw_syscall(SYS_close, null);
  }
  long log = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(plan->log_path),
                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (log < 0) fail_child(plan, Spawn::Step::OpenLog, log);
  if (log != 1) raw_syscall(SYS_dup3, log, 1, 0);
  if (log != 2) raw_syscall(SYS_dup3, log, 2, 0);
  if (log > 2) raw_syscall(SYS_close, log);
  if (plan->working_directory) {
    long entered = raw_syscall(SYS_chdir, reinterpret_cast<long>(plan->working_directory));
    if (entered < 0) fail_child(plan, Spawn::Step::EnterDirectory, entered);
  }
  raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&kEmptySet), 0,
              sizeof kEmptySet);
  long result = -ENOENT;
  bool denied = false;
  for (const char* const* program = plan->programs; *program; ++program) {
    result =
        raw_syscall(SYS_execve, reinterpret_cast<long>(*program),
                    reinterpret_cast<long>(plan->argv), reinterpret_cast<long>(plan->environment));
    if (result == -EACCES)
      denied = true;
    else if (result != -ENOENT && result != -ENOTDIR)
      break;
  }
  bool not_found = result == -ENOENT || result == -ENOTDIR;
  fail_child(plan, Spawn::Step::Exec, denied && not_found ? -EACCES : result);
}

}  // namespace

Spawn::Spawn(ChildImage image) : image_(std::move(image)) {
  for (const std::string& program : image_.programs) programs_.push_back(program.c_str());
  programs_.push_back(nullptr);
  for (const std::string& argument : image_.argv) argv_.push_back(argument.c_str());
  argv_.push_back(nullptr);
  environment_ = image_.inherited_environment;
  for (const std::string& variable : image_.added_environment)
    environment_.push_back(variable.c_str());
  environment_.push_back(nullptr);
}

int Spawn::child_main(void* plan) { return run_child(static_cast<const ChildPlan*>(plan)); }

std::unique_ptr<Spawn> Spawn::start(ChildImage image, std::string* error) {
  std::unique_ptr<Spawn> spawn(new Spawn(std::move(image)));
  // The plan lives on the child's stack's far end, so it lives as long as
  // the Spawn, without a member the child would reach through a call.
  auto* plan = new (spawn->stack_.data()) ChildPlan{
      spawn->programs_.data(),
      spawn->argv_.data(),
      spawn->environment_.data(),
      spawn->image_.log_path.c_str(),
      spawn->image_.working_directory.empty() ? nullptr : spawn->image_.working_directory.c_str(),
      &spawn->failed_step_,
      &spawn->failed_errno_};
  char* stack_top = spawn->stack_.data() + spawn->stack_.size();
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  int pid = clone(&Spawn::child_main, stack_top, CLONE_VM | SIGCHLD, plan);
  int clone_errno = errno;
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  if (pid < 0) {
    *error = std::string("cannot start a process: ") + std::strerror(clone_errno);
    return nullptr;
  }
  // The child may not have reached its own setpgid yet: a kill of the group
  // right after start() must still find it. (If it already exec'd, this
  // fails, its own having succeeded.)
  setpgid(pid, pid);
  spawn->pid_ = pid;
  return spawn;
}

std::optional<std::string> Spawn::failure() const {
  std::string why = std::strerror(failed_errno_);
  switch (failed_step_) {
    case Step::None:
      return std::nullopt;
    case Step::OpenNull:
      return "cannot open /dev/null: " + why;
    case Step::OpenLog:
      return "cannot open log " + image_.log_path + ": " + why;
    case Step::EnterDirectory:
      return "cannot enter working directory " + image_.working_directory + ": " + why;
    case Step::Exec:
      return (image_.argv.empty() ? std::string() : image_.argv[0]) + ": " + why;
  }
  return std::nullopt;
}

}  // namespace databuild
