// Cancellations are matched when they are pushed, against the queued requests
// and the running one. The running request is set in pop(), under the same lock
// as push(), so a cancellation always finds its request in one place or the
// other; once the request is answered, a cancellation finds nothing to save and
// the protocol lets the server ignore it.
#include "MessageQueue.h"

namespace databuild::lsp {

namespace {

bool is_method(const IncomingMessage& message, std::string_view method) {
  return message.json && message.json->is_object() &&
         message.json->value("method", nlohmann::json()) == method;
}

// The id of a request, as JSON text; empty for anything else.
std::string request_id(const IncomingMessage& message) {
  if (!message.json || !message.json->is_object() || !message.json->contains("method")) return "";
  nlohmann::json id = message.json->value("id", nlohmann::json());
  return id.is_null() ? "" : id.dump();
}

}  // namespace

void MessageQueue::push(IncomingMessage message) {
  std::lock_guard lock(mutex_);
  if (is_method(message, "$/cancelRequest")) {
    const nlohmann::json& params = message.json->value("params", nlohmann::json::object());
    nlohmann::json id = params.is_object() ? params.value("id", nlohmann::json()) : nullptr;
    if (!id.is_null()) {
      for (const IncomingMessage& queued : messages_) {
        if (request_id(queued) == id.dump()) cancelled_.insert(id.dump());
      }
      if (running_id_ == id.dump()) running_cancelled_.cancel();
    }
  }
  messages_.push_back(std::move(message));
  drained_ = false;
  changed_.notify_all();
}

void MessageQueue::mark_drained() {
  std::lock_guard lock(mutex_);
  drained_ = true;
  changed_.notify_all();
}

void MessageQueue::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

void MessageQueue::wait_settled(std::unique_lock<std::mutex>& lock) {
  changed_.wait(lock, [&] { return drained_ || closed_; });
}

std::optional<IncomingMessage> MessageQueue::pop() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return (drained_ && !messages_.empty()) || closed_; });
  if (messages_.empty()) return std::nullopt;
  IncomingMessage message = std::move(messages_.front());
  messages_.pop_front();
  running_id_ = request_id(message);
  running_cancelled_.reset();
  return message;
}

bool MessageQueue::front_matches(const std::function<bool(const IncomingMessage&)>& matches) {
  std::unique_lock lock(mutex_);
  wait_settled(lock);
  return !messages_.empty() && matches(messages_.front());
}

bool MessageQueue::take_cancelled(const nlohmann::json& id) {
  std::lock_guard lock(mutex_);
  return cancelled_.erase(id.dump()) > 0;
}

void read_messages(Transport& transport, MessageQueue& queue) {
  for (;;) {
    std::optional<IncomingMessage> message = transport.read_if_ready();
    if (!message) {
      queue.mark_drained();
      message = transport.read();
    }
    if (!message) break;
    bool exit = is_method(*message, "exit");
    queue.push(std::move(*message));
    if (exit) break;
  }
  queue.close();
}

}  // namespace databuild::lsp
