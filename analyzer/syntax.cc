// One TSParser per thread: a parser is cheap to keep but not thread-safe, and
// `databuild check` parses files on several threads at once.
#include "syntax.h"

#include <cstdlib>

namespace databuild {
namespace {

struct ParserDeleter {
  void operator()(TSParser* parser) const { ts_parser_delete(parser); }
};

TSParser* thread_parser() {
  thread_local std::unique_ptr<TSParser, ParserDeleter> parser = [] {
    std::unique_ptr<TSParser, ParserDeleter> p(ts_parser_new());
    if (!ts_parser_set_language(p.get(), tree_sitter_databuild())) std::abort();
    return p;
  }();
  return parser.get();
}

}  // namespace

SyntaxTree SyntaxTree::parse(std::string_view text, const SyntaxTree* previous) {
  TSParser* parser = thread_parser();
  TSTree* tree = ts_parser_parse_string(parser, previous ? previous->tree_.get() : nullptr,
                                        text.data(), static_cast<uint32_t>(text.size()));
  // Without a timeout or cancellation flag tree-sitter always returns a tree.
  if (!tree) std::abort();
  return SyntaxTree(tree);
}

}  // namespace databuild
