// The never-cancelled token is one shared constant: checking it is a virtual
// call returning false, cheap enough for every iteration of a query's loop.
#include "Cancellation.h"

namespace databuild::lsp {

namespace {

class NeverCancelled : public Cancellation {
 public:
  bool cancelled() const override { return false; }
};

}  // namespace

void Cancellation::check() const {
  if (cancelled()) throw Cancelled{};
}

const Cancellation& Cancellation::never() {
  static const NeverCancelled never;
  return never;
}

}  // namespace databuild::lsp
