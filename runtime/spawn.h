// Starting a job's process without stopping the thread that starts it.
//
// Why not posix_spawn: glibc's is a vfork, so the builder's thread sleeps from
// the clone until the child's execve has loaded the program, about 150 µs a
// job, while the kernel usually places the child on the other core, busy with
// the other job, leaving the builder's own core idle (docs/benchmarks.md).
// Here the child shares the runtime's memory (CLONE_VM, so nothing is copied)
// but not its schedule: the caller returns at once and the child sets itself
// up and execs on its own stack. Because it runs beside the caller's threads
// in the same memory, the child runs no libc code at all (no locks, no errno,
// which would be the caller's thread's): only raw system calls, reading what
// its Spawn holds and writing only its own stack and Spawn::failure_.
//
// Ownership: a Spawn holds everything its child reads (its stack, its strings
// and their pointer arrays) and must live, unmoved, until the child has been
// reaped: only then is the child known to have exec'd or exited.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace databuild {

// What a child becomes: stdin /dev/null, stdout and stderr the log (created
// or truncated), then the working directory, a process group of its own,
// default dispositions for the signals the runtime may ignore, no signal
// blocked, and the first of `programs` that execs.
struct ChildImage {
  // Tried in order, as execvp tries PATH: the next after ENOENT, ENOTDIR or
  // EACCES (EACCES reported if nothing execs), the search over on any other.
  std::vector<std::string> programs;
  std::vector<std::string> argv;
  // The child's environment: these (which must outlive the child, such as
  // the runtime's own, read once), then `added_environment` ("NAME=value").
  std::vector<const char*> inherited_environment;
  std::vector<std::string> added_environment;
  std::string log_path;
  std::string working_directory;  // empty: the runtime's
};

class Spawn {
 public:
  // Starts the child; the Spawn is returned at once, before the child has
  // exec'd. nullptr with `error` set when no process could be made (clone
  // failed: too many processes, no memory).
  static std::unique_ptr<Spawn> start(ChildImage image, std::string* error);

  Spawn(const Spawn&) = delete;
  Spawn& operator=(const Spawn&) = delete;

  int pid() const { return pid_; }
  // Only once the child has been reaped: why it did not become its program
  // ("cannot open log /w/run-1.log: Permission denied", "python3: No such
  // file or directory"), or nullopt when it did. The child exits 127 then.
  std::optional<std::string> failure() const;

  // The steps a child can fail at, for failure(); public for the child's
  // code, which is not a member.
  enum class Step : int { None, OpenNull, OpenLog, EnterDirectory, Exec };

 private:
  explicit Spawn(ChildImage image);
  static int child_main(void* spawn);

  ChildImage image_;
  std::vector<const char*> programs_, argv_, environment_;  // null-terminated
  int pid_ = -1;
  // Written by the child only before it exits, read after it was reaped.
  volatile Step failed_step_ = Step::None;
  volatile int failed_errno_ = 0;
  // The child's stack: below the mmap threshold, so malloc reuses the memory
  // of the jobs before instead of mapping (and unmapping, a TLB shootdown on
  // the core the child ran on) a stack per job.
  alignas(16) std::array<char, 16 * 1024> stack_;
};

}  // namespace databuild
