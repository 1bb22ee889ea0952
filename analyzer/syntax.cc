// One TSParser per thread: a parser is cheap to keep but not thread-safe, and
// `databuild check` parses files on several threads at once. Every parse of
// user text goes through SyntaxTree::parse, which also guards tree-sitter
// against input it cannot survive.
#include "syntax.h"

#include <cstdlib>
#include <optional>
#include <string>

namespace databuild {
namespace {

// tree-sitter 0.20 corrupts its heap when error recovery unwinds a parse stack
// of more than 65535 entries, which only unclosed parentheses nested that deep
// produce. SyntaxTree::parse() blanks out parentheses nested deeper than this
// before parsing (offsets unchanged, so the tree still fits the caller's text);
// an expression that deep is rejected by lowering anyway.
constexpr int kMaxParenthesisDepth = 1000;

// `text` with the parentheses nested deeper than kMaxParenthesisDepth replaced
// by spaces (so every offset stays valid), or nullopt when there are none.
// Parentheses in comments and in string text do not nest; those inside a
// string's `{...}` interpolation do.
std::optional<std::string> without_excess_parentheses(std::string_view text) {
  enum { Code, Comment, String, Interpolation } state = Code;
  std::optional<std::string> blanked;
  int depth = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      state = Code;
      continue;
    }
    switch (state) {
      case Comment:
        continue;
      case String: {
        char next = i + 1 < text.size() ? text[i + 1] : '\0';
        if (c == '"') {
          state = Code;
        } else if ((c == '\\' && next != '\n') || (c == '{' && next == '{')) {
          ++i;  // an escape
        } else if (c == '{') {
          state = Interpolation;
        }
        continue;
      }
      case Code:
      case Interpolation:
        if (c == '#' && state == Code) state = Comment;
        if (c == '"') state = state == Code ? String : Code;
        if (c == '}' && state == Interpolation) state = String;
        break;
    }
    if (c != '(' && c != ')') continue;
    if (c == '(') ++depth;
    if (depth > kMaxParenthesisDepth) {
      if (!blanked) blanked.emplace(text);
      (*blanked)[i] = ' ';
    }
    if (c == ')' && depth > 0) --depth;
  }
  return blanked;
}

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
  std::optional<std::string> blanked = without_excess_parentheses(text);
  if (blanked) text = *blanked;
  TSTree* tree = ts_parser_parse_string(parser, previous ? previous->tree_.get() : nullptr,
                                        text.data(), static_cast<uint32_t>(text.size()));
  // Without a timeout or cancellation flag tree-sitter always returns a tree.
  if (!tree) std::abort();
  return SyntaxTree(tree);
}

}  // namespace databuild
