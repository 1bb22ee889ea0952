// The messages read from the client and not yet served, filled by a reader
// thread while the server works, so that what the client sends during a long
// analysis is seen before the server moves on:
//   - a `$/cancelRequest` for a request still queued marks it cancelled, and
//     the server answers it RequestCancelled without doing the work;
//   - one for the request the server is serving (the last one it popped)
//     cancels running() (Cancellation.h), which that request's handler checks
//     in its long loops, giving up with RequestCancelled;
//   - a burst of edits can be applied at once before one re-analysis
//     (LSPServer looks at the next message with front_matches()).
//
// Determinism: the reader marks the queue "drained" whenever it has queued
// everything the client has sent so far and is about to wait for more. pop()
// and front_matches() wait for that, so whatever was already sent when the
// server takes its next message is in the queue by then, however the threads
// are scheduled; transcripts (all input sent at once) behave the same on every
// run, and so does a client that cancels before the server gets to a request.
//
// Ownership: the queue owns the queued messages; it is shared by reference
// between the reader thread (push, mark_drained, close) and the server (the rest).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "Cancellation.h"
#include "Transport.h"

namespace databuild::lsp {

class MessageQueue {
 public:
  // Reader side.
  void push(IncomingMessage message);
  void mark_drained();  // everything sent so far is queued
  void close();         // end of input: nothing more will be pushed

  // Server side. The next message; nullopt once closed and empty. A request
  // popped is the running one until the next pop.
  std::optional<IncomingMessage> pop();
  // Whether there is a next message and `matches` holds for it.
  bool front_matches(const std::function<bool(const IncomingMessage&)>& matches);
  // Whether a `$/cancelRequest` arrived for request `id` while it was queued
  // (forgets it: each request is answered once).
  bool take_cancelled(const nlohmann::json& id);
  // Cancelled once a `$/cancelRequest` for the running request is pushed.
  const Cancellation& running() const { return running_cancelled_; }

 private:
  // Waits until the queue may be judged: drained, or closed.
  void wait_settled(std::unique_lock<std::mutex>& lock);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<IncomingMessage> messages_;
  std::set<std::string> cancelled_;  // request ids, as JSON text
  std::string running_id_;           // as JSON text; empty when no request runs
  CancellationFlag running_cancelled_;
  bool drained_ = false;
  bool closed_ = false;
};

// Reads `transport` into `queue` until the end of input or an `exit`
// notification (after which the client sends nothing the server reads), then
// closes the queue. Runs on its own thread.
void read_messages(Transport& transport, MessageQueue& queue);

}  // namespace databuild::lsp
