// Cancellation of work already running (LSP `$/cancelRequest`, issue 4), as in
// clangd: the thread that reads the client's messages marks a token, and the
// handler, on the server thread, checks it at loop boundaries of its long
// loops (the workspace's definitions or references) and gives up by throwing
// Cancelled. The binding layer (LSPServer) answers the request RequestCancelled;
// the analysis server (DataBuildServer) and the query functions it calls see
// only this interface, never JSON-RPC.
//
// Giving up by exception keeps the queries' results plain values and costs
// nothing when nothing is cancelled; the queries only read the analysis, so
// unwinding out of them leaves nothing half-changed.
#pragma once

#include <atomic>

namespace databuild::lsp {

// Thrown by Cancellation::check(). Not a std::exception, so that handlers'
// catch-alls for failures do not take a cancellation for an internal error.
struct Cancelled {};

class Cancellation {
 public:
  virtual ~Cancellation() = default;
  virtual bool cancelled() const = 0;
  // Throws Cancelled when cancelled(); called by long loops once an iteration.
  void check() const;

  // A token that is never cancelled: the default for callers that cannot cancel.
  static const Cancellation& never();
};

// A token one thread sets and another checks.
class CancellationFlag : public Cancellation {
 public:
  bool cancelled() const override { return cancelled_.load(std::memory_order_relaxed); }
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  void reset() { cancelled_.store(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_ = false;
};

}  // namespace databuild::lsp
