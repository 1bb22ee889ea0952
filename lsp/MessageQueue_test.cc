// The queue between the reader thread and the server: cancellation of queued
// requests and of the running one, waiting for the reader to catch up, and the
// end of input. The reader side is driven by hand, so nothing here depends on
// timing.
#include "MessageQueue.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

namespace databuild::lsp {
namespace {

using nlohmann::json;

IncomingMessage message(const char* text) { return parse_message(text); }

const char* kRequest = R"({"jsonrpc":"2.0","id":7,"method":"textDocument/hover","params":{}})";
const char* kCancel7 = R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}})";
const char* kCancel8 = R"({"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":8}})";

TEST(MessageQueue, ACancellationMarksOnlyAQueuedRequest) {
  MessageQueue queue;
  queue.push(message(kCancel7));  // nothing queued with id 7 yet: ignored
  queue.push(message(kRequest));
  queue.push(message(kCancel8));  // no such request
  queue.mark_drained();
  EXPECT_FALSE(queue.take_cancelled(7));
  queue.push(message(kCancel7));
  queue.mark_drained();
  EXPECT_TRUE(queue.take_cancelled(7));
  EXPECT_FALSE(queue.take_cancelled(7));  // answered once
  EXPECT_FALSE(queue.take_cancelled(8));
}

TEST(MessageQueue, ACancellationOfTheRunningRequestCancelsItsToken) {
  MessageQueue queue;
  queue.push(message(kRequest));
  queue.push(message(kCancel8));  // another request's: not this one's
  queue.mark_drained();
  ASSERT_TRUE(queue.pop());  // request 7 runs
  EXPECT_FALSE(queue.running().cancelled());
  queue.push(message(kCancel7));  // read while 7 runs
  EXPECT_TRUE(queue.running().cancelled());
  EXPECT_FALSE(queue.take_cancelled(7));  // it was not queued: the handler answers
  queue.mark_drained();
  ASSERT_TRUE(queue.pop());  // the next message (a notification): nothing runs
  EXPECT_FALSE(queue.running().cancelled());
  queue.push(message(kCancel7));  // 7 was answered: nothing to cancel
  EXPECT_FALSE(queue.running().cancelled());
}

TEST(MessageQueue, PopWaitsUntilTheReaderHasQueuedWhatWasSent) {
  MessageQueue queue;
  queue.push(message(kRequest));
  // Not drained: the reader may still be queueing a cancellation. The server
  // must not judge the front yet; once drained it sees both.
  std::thread reader([&] {
    queue.push(message(kCancel7));
    queue.mark_drained();
  });
  EXPECT_TRUE(queue.front_matches([](const IncomingMessage& m) { return m.json->contains("id"); }));
  reader.join();
  std::optional<IncomingMessage> first = queue.pop();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->json->at("id"), 7);
  EXPECT_TRUE(queue.take_cancelled(7));
}

TEST(MessageQueue, EndsWhenClosedAndEmpty) {
  MessageQueue queue;
  queue.push(message(kRequest));
  queue.close();
  EXPECT_TRUE(queue.pop());
  EXPECT_FALSE(queue.pop());
  EXPECT_FALSE(queue.front_matches([](const IncomingMessage&) { return true; }));
}

TEST(MessageQueue, TheReaderStopsAfterExit) {
  FILE* in = tmpfile();
  fputs("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}\n---\n{\"jsonrpc\":\"2.0\",\"id\":1}\n", in);
  rewind(in);
  Transport transport(fileno(in), fileno(stdout), InputStyle::Delimited, false);
  MessageQueue queue;
  read_messages(transport, queue);
  std::optional<IncomingMessage> exit = queue.pop();
  ASSERT_TRUE(exit);
  EXPECT_EQ(exit->json->at("method"), "exit");
  EXPECT_FALSE(queue.pop());
  fclose(in);
}

}  // namespace
}  // namespace databuild::lsp
