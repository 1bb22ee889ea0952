// Framing is parsed from an in-memory buffer filled by read(2), so a message
// split across reads, or several messages in one read, are the same case.
// A malformed header block is skipped and reported as a message that does not
// parse; the stream then resynchronises on the next header block.
#include "Transport.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace databuild::lsp {

namespace {

constexpr std::string_view kHeaderEnd = "\r\n\r\n";
// Beyond this a Content-Length is taken for garbage rather than waited for.
constexpr size_t kMaxBodyBytes = size_t{256} << 20;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// The Content-Length of a header block (without the blank line), if valid.
std::optional<size_t> content_length(std::string_view headers) {
  std::optional<size_t> length;
  while (!headers.empty()) {
    size_t end = headers.find("\r\n");
    std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    if (!iequals(trim(line.substr(0, colon)), "Content-Length")) continue;
    std::string_view value = trim(line.substr(colon + 1));
    size_t parsed = 0;
    auto [rest, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error != std::errc() || rest != value.data() + value.size() || parsed > kMaxBodyBytes)
      return std::nullopt;
    length = parsed;
  }
  return length;
}

bool is_blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

}  // namespace

IncomingMessage parse_message(std::string_view body) {
  try {
    return {nlohmann::json::parse(body), ""};
  } catch (const nlohmann::json::parse_error& error) {
    return {std::nullopt, error.what()};
  }
}

Transport::Transport(int input_fd, int output_fd, InputStyle style, bool pretty)
    : input_fd_(input_fd), output_fd_(output_fd), style_(style), pretty_(pretty) {}

std::optional<std::string> Transport::take_standard_body() {
  size_t header_end = buffer_.find(kHeaderEnd);
  if (header_end == std::string::npos) {
    if (at_end_ && !is_blank(buffer_)) {  // a truncated last message
      buffer_.clear();
      return std::string();
    }
    return std::nullopt;
  }
  std::optional<size_t> length = content_length(std::string_view(buffer_).substr(0, header_end));
  size_t body_begin = header_end + kHeaderEnd.size();
  if (!length) {  // skip the bad header block; an empty body does not parse
    buffer_.erase(0, body_begin);
    return std::string();
  }
  if (buffer_.size() - body_begin < *length) {
    if (!at_end_) return std::nullopt;
    buffer_.clear();
    return std::string();
  }
  std::string body = buffer_.substr(body_begin, *length);
  buffer_.erase(0, body_begin + *length);
  return body;
}

std::optional<std::string> Transport::take_delimited_body() {
  std::string body;
  size_t line_begin = 0;
  while (true) {
    size_t line_end = buffer_.find('\n', line_begin);
    bool last_line = line_end == std::string::npos;
    if (last_line && !at_end_) return std::nullopt;
    std::string_view line = std::string_view(buffer_).substr(
        line_begin, last_line ? std::string::npos : line_end - line_begin);
    size_t next = last_line ? buffer_.size() : line_end + 1;
    bool delimiter = trim(line) == "---";
    if (!delimiter && !line.starts_with('#')) {
      body += line;
      if (!last_line) body += '\n';
    }
    if (delimiter || last_line) {
      buffer_.erase(0, next);
      line_begin = 0;
      if (!is_blank(body)) return body;
      if (last_line) return std::nullopt;
      body.clear();
      continue;
    }
    line_begin = next;
  }
}

std::optional<std::string> Transport::take_body() {
  return style_ == InputStyle::Standard ? take_standard_body() : take_delimited_body();
}

bool Transport::fill(bool block) {
  if (at_end_) return false;
  if (!block) {
    pollfd ready{input_fd_, POLLIN, 0};
    if (poll(&ready, 1, 0) <= 0) return false;
  }
  char chunk[65536];
  ssize_t count;
  do {
    count = ::read(input_fd_, chunk, sizeof chunk);
  } while (count < 0 && errno == EINTR);
  if (count <= 0) {
    at_end_ = true;
    return true;  // the end may complete a last, undelimited message
  }
  buffer_.append(chunk, static_cast<size_t>(count));
  return true;
}

std::optional<IncomingMessage> Transport::read() {
  while (true) {
    if (std::optional<std::string> body = take_body()) return parse_message(*body);
    if (at_end_) return std::nullopt;
    fill(/*block=*/true);
  }
}

std::optional<IncomingMessage> Transport::read_if_ready() {
  while (true) {
    if (std::optional<std::string> body = take_body()) return parse_message(*body);
    if (!fill(/*block=*/false)) return std::nullopt;
  }
}

void Transport::write(const nlohmann::json& message) {
  // Text from user files may hold invalid UTF-8; replace it rather than throw.
  std::string body =
      message.dump(pretty_ ? 2 : -1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (pretty_) body += '\n';  // so that transcripts end each message with a line
  std::string framed = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  std::string_view rest = framed;
  while (!rest.empty()) {
    ssize_t written = ::write(output_fd_, rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // the client is gone; the read side will see the end
    rest.remove_prefix(static_cast<size_t>(written));
  }
}

}  // namespace databuild::lsp
