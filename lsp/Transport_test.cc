// Framing in both input styles, fed through a pipe as a client would.
#include "Transport.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace databuild::lsp {
namespace {

// A pipe holding `input` (then closed), read by a Transport.
class PipeInput {
 public:
  explicit PipeInput(const std::string& input) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    EXPECT_EQ(::write(fds[1], input.data(), input.size()), static_cast<ssize_t>(input.size()));
    close(fds[1]);
    read_fd_ = fds[0];
  }
  ~PipeInput() { close(read_fd_); }
  int fd() const { return read_fd_; }

 private:
  int read_fd_;
};

TEST(Transport, ReadsContentLengthFramedMessages) {
  PipeInput input(
      "Content-Length: 8\r\n\r\n{\"a\":1}\n"
      "content-length: 7\r\nContent-Type: x\r\n\r\n{\"b\":2}");
  Transport transport(input.fd(), STDOUT_FILENO, InputStyle::Standard, false);
  std::optional<IncomingMessage> first = transport.read();
  ASSERT_TRUE(first && first->json);
  EXPECT_EQ((*first->json)["a"], 1);
  std::optional<IncomingMessage> second = transport.read();
  ASSERT_TRUE(second && second->json);
  EXPECT_EQ((*second->json)["b"], 2);
  EXPECT_FALSE(transport.read());
}

TEST(Transport, BadBodiesAndHeadersAreMessagesThatDoNotParse) {
  PipeInput input(
      "Content-Length: 3\r\n\r\n{x}"
      "Bogus\r\n\r\n"
      "Content-Length: 2\r\n\r\n{}");
  Transport transport(input.fd(), STDOUT_FILENO, InputStyle::Standard, false);
  std::optional<IncomingMessage> bad_json = transport.read();
  ASSERT_TRUE(bad_json);
  EXPECT_FALSE(bad_json->json);
  EXPECT_FALSE(bad_json->parse_error.empty());
  std::optional<IncomingMessage> bad_header = transport.read();
  ASSERT_TRUE(bad_header);
  EXPECT_FALSE(bad_header->json);
  std::optional<IncomingMessage> resynchronised = transport.read();
  ASSERT_TRUE(resynchronised && resynchronised->json);
  EXPECT_TRUE(resynchronised->json->is_object());
}

TEST(Transport, DelimitedStyleSkipsCommentsAndSplitsOnDashes) {
  PipeInput input("# CHECK: ignored\n{\"a\":\n 1}\n---\n\n---\n# tail\n{\"b\":2}\n");
  Transport transport(input.fd(), STDOUT_FILENO, InputStyle::Delimited, true);
  std::optional<IncomingMessage> first = transport.read();
  ASSERT_TRUE(first && first->json);
  EXPECT_EQ((*first->json)["a"], 1);
  std::optional<IncomingMessage> second = transport.read();
  ASSERT_TRUE(second && second->json);
  EXPECT_EQ((*second->json)["b"], 2);
  EXPECT_FALSE(transport.read());
}

TEST(Transport, ReadIfReadyTakesOnlyWhatIsThere) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Transport transport(fds[0], STDOUT_FILENO, InputStyle::Standard, false);
  EXPECT_FALSE(transport.read_if_ready());
  std::string message = "Content-Length: 2\r\n\r\n{}";
  ASSERT_EQ(::write(fds[1], message.data(), message.size()), static_cast<ssize_t>(message.size()));
  EXPECT_TRUE(transport.read_if_ready());
  close(fds[1]);
  close(fds[0]);
}

TEST(Transport, WritesFramedJson) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  Transport transport(STDIN_FILENO, fds[1], InputStyle::Standard, false);
  transport.write({{"id", 1}});
  close(fds[1]);
  char buffer[128] = {};
  ssize_t count = ::read(fds[0], buffer, sizeof buffer - 1);
  close(fds[0]);
  EXPECT_EQ(std::string(buffer, count), "Content-Length: 8\r\n\r\n{\"id\":1}");
}

}  // namespace
}  // namespace databuild::lsp
