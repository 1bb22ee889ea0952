// databuild-lsp: the DataBuild language server, speaking LSP over stdio.
//
// `--lit-test` is the transcript mode of tests/lit/lsp: messages on stdin are
// separated by `---` lines (lines starting with '#' are skipped), and replies
// are pretty-printed so FileCheck can match one field per line; as in clangd.
// Analysis runs on one thread there, so transcripts do not depend on timing.
#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "DataBuildServer.h"
#include "LSPServer.h"
#include "Transport.h"

namespace {

constexpr const char* kUsage =
    "usage: databuild-lsp [--lit-test] [--help] [--version]\n"
    "\n"
    "The DataBuild language server. An editor starts it and talks to it over\n"
    "stdin and stdout (Language Server Protocol 3.17); see docs/editors.md.\n"
    "\n"
    "  --lit-test  read messages separated by '---' lines, pretty-print replies\n"
    "  --help      show this help\n"
    "  --version   show the version\n";

}  // namespace

int main(int argc, char** argv) {
  bool lit_test = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view argument = argv[i];
    if (argument == "--lit-test") {
      lit_test = true;
    } else if (argument == "--help" || argument == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (argument == "--version") {
      std::printf("databuild-lsp %s\n", DATABUILD_VERSION);
      return 0;
    } else {
      std::fprintf(stderr, "databuild-lsp: unknown option '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }
  using namespace databuild::lsp;
  Transport transport(STDIN_FILENO, STDOUT_FILENO,
                      lit_test ? InputStyle::Delimited : InputStyle::Standard, lit_test);
  databuild::AnalysisOptions options;
  if (lit_test) options.threads = 1;
  DataBuildServer server(options);
  LSPServer lsp(transport, server);
  return lsp.run();
}
