// The transport: LSP base-protocol messages in and out over a pair of file
// descriptors, and nothing about their meaning.
//
// Two input styles. The standard one frames every message with a
// `Content-Length` header (LSP "Base Protocol"). The lit-test style, as in
// clangd's transcript tests, reads plain JSON texts separated by lines holding
// only `---`, skips lines starting with `#` (where FileCheck directives live),
// and pretty-prints what it writes so that tests can match one field per line.
// Output always carries the Content-Length header, in both styles.
//
// Reading is done on a raw descriptor with our own buffer, so that the reader
// thread can ask "is another message already here?" without blocking, and so
// tell when it has queued everything the client sent (MessageQueue.h).
//
// Ownership: the Transport does not own its descriptors; the caller keeps them
// open for the Transport's lifetime.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace databuild::lsp {

enum class InputStyle { Standard, Delimited };

// One message as read: its JSON, or why it is not JSON.
struct IncomingMessage {
  std::optional<nlohmann::json> json;  // absent when the body does not parse
  std::string parse_error;             // why, when json is absent
};

class Transport {
 public:
  Transport(int input_fd, int output_fd, InputStyle style, bool pretty);

  // The next message, waiting for it; nullopt at end of input. A body that is
  // not JSON is still a message (json empty), so the server can answer it.
  std::optional<IncomingMessage> read();
  // Like read(), but only when a whole message can be had without waiting.
  std::optional<IncomingMessage> read_if_ready();
  void write(const nlohmann::json& message);

 private:
  // The next message's body from the buffer, or nullopt when the buffer lacks
  // a whole one. At end of input, the last undelimited text counts as one.
  std::optional<std::string> take_standard_body();
  std::optional<std::string> take_delimited_body();
  std::optional<std::string> take_body();
  // Appends what the descriptor has; false at end of input or on error.
  bool fill(bool block);

  int input_fd_;
  int output_fd_;
  InputStyle style_;
  bool pretty_;
  std::string buffer_;
  bool at_end_ = false;
};

// Parses `body` into an IncomingMessage (exposed for tests).
IncomingMessage parse_message(std::string_view body);

}  // namespace databuild::lsp
