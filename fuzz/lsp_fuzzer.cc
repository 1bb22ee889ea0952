// Fuzz target `lsp`: the language server on a stream of JSON-RPC messages in
// the --lit-test framing (JSON texts between `---` lines), as tests/lit/lsp's
// transcripts are, so every transcript is a seed. The whole server runs:
// Transport, the reader thread and MessageQueue, LSPServer's dispatch and
// lifecycle, DataBuildServer with its document store, incremental edits and
// every query. It must answer everything and end at the end of input.
//
// The Transport reads a descriptor, so the input goes into a memfd (a pipe
// would block the writer beyond 64 KiB); replies go to /dev/null. Analysis
// runs on one thread, as in --lit-test, so a replay behaves as the run that
// found it. Seeds use the root /fuzz-ws, which does not exist: the open
// documents alone make up the workspace and the fuzzer never reads the disk
// unless it invents a path that exists.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "DataBuildServer.h"
#include "LSPServer.h"
#include "Transport.h"
#include "fuzz_support.h"

namespace {

// A descriptor that closes itself.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {
    if (fd_ < 0) databuild::fuzz::invariant_broken("cannot create a descriptor for the input");
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() { close(fd_); }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace databuild;
  Descriptor input(memfd_create("lsp-fuzz-input", MFD_CLOEXEC));
  for (size_t written = 0; written < size;) {
    ssize_t count = write(input.get(), data + written, size - written);
    if (count <= 0) fuzz::invariant_broken("cannot write the input to a memfd");
    written += static_cast<size_t>(count);
  }
  lseek(input.get(), 0, SEEK_SET);
  Descriptor output(open("/dev/null", O_WRONLY | O_CLOEXEC));

  lsp::Transport transport(input.get(), output.get(), lsp::InputStyle::Delimited,
                           /*pretty=*/false);
  AnalysisOptions options;
  options.threads = 1;
  lsp::DataBuildServer server(options);
  lsp::LSPServer(transport, server).run();
  return 0;
}
