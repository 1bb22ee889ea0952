// The counting base, PlainStatus, TerminalStatus and JsonStatus. Plain lines
// carry a `[done/total]` prefix; the terminal's status line adds the rest.
#include "status.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace databuild {

namespace {

std::string prefix(const Progress& progress) {
  return "[" + std::to_string(progress.done) + "/" + std::to_string(progress.total) + "] ";
}

std::string two_digits(int64_t value) { return (value < 10 ? "0" : "") + std::to_string(value); }

}  // namespace

std::string format_duration(double seconds) {
  int64_t whole = static_cast<int64_t>(std::llround(std::max(seconds, 0.0)));
  if (whole < 60) return std::to_string(whole) + "s";
  if (whole < 3600) return std::to_string(whole / 60) + "m" + two_digits(whole % 60) + "s";
  return std::to_string(whole / 3600) + "h" + two_digits(whole / 60 % 60) + "m";
}

std::string format_progress(const Progress& progress, double elapsed_seconds) {
  std::string text = prefix(progress) + std::to_string(progress.done) + " done, " +
                     std::to_string(progress.running) + " running, " +
                     std::to_string(progress.queued()) + " queued, " +
                     std::to_string(progress.failed) + " failed, " +
                     format_duration(elapsed_seconds) + " elapsed";
  size_t finished = progress.done + progress.failed;
  size_t remaining = progress.running + progress.queued();
  if (finished > 0 && remaining > 0)
    text += ", ETA " + format_duration(elapsed_seconds / static_cast<double>(finished) *
                                       static_cast<double>(remaining));
  return text;
}

void BuildStatus::job_started(const std::string& target, int attempt, const std::string& log_path) {
  ++progress_.running;
  on_started(target, attempt, log_path);
}

void BuildStatus::job_finished(const std::string& target, bool succeeded,
                               const std::string& message, const std::string& log_path,
                               bool retrying) {
  if (progress_.running > 0) --progress_.running;
  if (succeeded) ++progress_.done;
  if (!succeeded && !retrying) ++progress_.failed;
  on_finished(target, succeeded, message, log_path);
}

void BuildStatus::job_reused(const std::string& target) {
  ++progress_.done;
  on_reused(target);
}

void BuildStatus::job_cancelled(const std::string&) { ++progress_.failed; }

void BuildStatus::partition_failed(const std::string& ref, const std::string& reason) {
  on_partition_failed(ref, reason);
}

void BuildStatus::note(const std::string& message) { on_note(message); }

void PlainStatus::line(const std::string& text) { out_ << text << "\n" << std::flush; }

void PlainStatus::on_started(const std::string& target, int attempt, const std::string&) {
  line(prefix(progress_) + "run " + target +
       (attempt > 1 ? " (attempt " + std::to_string(attempt) + ")" : ""));
}

void PlainStatus::on_finished(const std::string& target, bool succeeded, const std::string& message,
                              const std::string& log_path) {
  line(prefix(progress_) +
       (succeeded ? "done " + target
                  : "FAILED " + target + ": " + message + " (log: " + log_path + ")"));
}

void PlainStatus::on_reused(const std::string& target) {
  line(prefix(progress_) + "reused " + target + ": another runner built it meanwhile");
}

void PlainStatus::on_partition_failed(const std::string& ref, const std::string& reason) {
  line("not built: " + ref + ": " + reason);
}

void PlainStatus::on_note(const std::string& message) { line(message); }

TerminalStatus::TerminalStatus(std::ostream& out, std::function<double()> clock)
    : PlainStatus(out), clock_(std::move(clock)), start_(clock_()) {}

void TerminalStatus::line(const std::string& text) {
  if (drawn_) out_ << "\r\x1b[K";
  out_ << text << "\n";
  drawn_ = false;
  redraw();
}

void TerminalStatus::redraw() {
  last_redraw_ = clock_();
  out_ << "\r\x1b[K" << format_progress(progress_, last_redraw_ - start_) << std::flush;
  drawn_ = true;
}

void TerminalStatus::tick() {
  if (clock_() - last_redraw_ >= 0.5) redraw();
}

void TerminalStatus::finish() {
  if (!drawn_) return;
  out_ << "\r\x1b[K" << format_progress(progress_, clock_() - start_) << "\n" << std::flush;
  drawn_ = false;
}

void JsonStatus::on_started(const std::string& target, int attempt, const std::string& log_path) {
  out_ << nlohmann::json{{"event", "started"},
                         {"target", target},
                         {"attempt", attempt},
                         {"log", log_path}}
              .dump()
       << "\n"
       << std::flush;
}

void JsonStatus::on_finished(const std::string& target, bool succeeded, const std::string& message,
                             const std::string& log_path) {
  out_ << nlohmann::json{{"event", succeeded ? "succeeded" : "failed"},
                         {"target", target},
                         {"message", message},
                         {"log", log_path},
                         {"done", progress_.done},
                         {"running", progress_.running},
                         {"queued", progress_.queued()},
                         {"failed", progress_.failed},
                         {"total", progress_.total}}
              .dump()
       << "\n"
       << std::flush;
}

void JsonStatus::on_reused(const std::string& target) {
  out_ << nlohmann::json{{"event", "reused"},
                         {"target", target},
                         {"done", progress_.done},
                         {"total", progress_.total}}
              .dump()
       << "\n"
       << std::flush;
}

void JsonStatus::on_partition_failed(const std::string& ref, const std::string& reason) {
  out_ << nlohmann::json{{"event", "not-built"}, {"ref", ref}, {"reason", reason}}.dump() << "\n"
       << std::flush;
}

void JsonStatus::on_note(const std::string& message) {
  out_ << nlohmann::json{{"event", "note"}, {"message", message}}.dump() << "\n" << std::flush;
}

}  // namespace databuild
