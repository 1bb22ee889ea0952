// PlainStatus and JsonStatus. The `[done/total]` prefix counts jobs, not
// partitions: that is what takes time and what a user waits for.
#include "status.h"

#include <nlohmann/json.hpp>

namespace databuild {

namespace {

std::string progress(size_t done, size_t total) {
  return "[" + std::to_string(done) + "/" + std::to_string(total) + "] ";
}

}  // namespace

void PlainStatus::job_started(const std::string& target, int attempt, const std::string&) {
  out_ << progress(done_, total_) << "run " << target;
  if (attempt > 1) out_ << " (attempt " << attempt << ")";
  out_ << "\n" << std::flush;
}

void PlainStatus::job_finished(const std::string& target, bool succeeded,
                               const std::string& message, const std::string& log_path) {
  if (succeeded) ++done_;
  out_ << progress(done_, total_) << (succeeded ? "done " : "FAILED ") << target;
  if (!succeeded) out_ << ": " << message << " (log: " << log_path << ")";
  out_ << "\n" << std::flush;
}

void PlainStatus::partition_failed(const std::string& ref, const std::string& reason) {
  out_ << "not built: " << ref << ": " << reason << "\n" << std::flush;
}

void PlainStatus::note(const std::string& message) { out_ << message << "\n" << std::flush; }

void JsonStatus::job_started(const std::string& target, int attempt, const std::string& log_path) {
  out_ << nlohmann::json{{"event", "started"},
                         {"target", target},
                         {"attempt", attempt},
                         {"log", log_path}}
              .dump()
       << "\n"
       << std::flush;
}

void JsonStatus::job_finished(const std::string& target, bool succeeded, const std::string& message,
                              const std::string& log_path) {
  if (succeeded) ++done_;
  out_ << nlohmann::json{{"event", succeeded ? "succeeded" : "failed"},
                         {"target", target},
                         {"message", message},
                         {"log", log_path},
                         {"done", done_},
                         {"total", total_}}
              .dump()
       << "\n"
       << std::flush;
}

void JsonStatus::partition_failed(const std::string& ref, const std::string& reason) {
  out_ << nlohmann::json{{"event", "not-built"}, {"ref", ref}, {"reason", reason}}.dump() << "\n"
       << std::flush;
}

void JsonStatus::note(const std::string& message) {
  out_ << nlohmann::json{{"event", "note"}, {"message", message}}.dump() << "\n" << std::flush;
}

}  // namespace databuild
