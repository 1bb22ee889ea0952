// The printer walks the tree once, writing tokens and deciding only the
// whitespace before each: a newline and indentation where a statement, list
// element or own-line comment starts, else one space or none by the kind of
// token and the node it belongs to. Whatever the author may choose (one line or
// several for a list or a body, blank lines) is read from the rows of the
// source tokens, and the output makes the same choice visible again, which is
// what makes formatting idempotent.
//
// Comments are extras: tree-sitter hangs them on whichever node was open, so
// every walk below handles a comment child wherever it appears. A comment that
// starts on the row where the previous token ended stays at the end of that
// line; any other starts its own. Either way the next token starts a new line.
#include "format.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "syntax.h"

namespace databuild {
namespace {

bool is(TSNode node, std::string_view type) { return type == ts_node_type(node); }

uint32_t start_row(TSNode node) { return ts_node_start_point(node).row; }
uint32_t end_row(TSNode node) { return ts_node_end_point(node).row; }

std::vector<TSNode> children(TSNode node) {
  std::vector<TSNode> result;
  for (uint32_t i = 0, n = ts_node_child_count(node); i < n; ++i)
    result.push_back(ts_node_child(node, i));
  return result;
}

// Lists that may be written on one line or spread over several.
bool is_list(TSNode node) {
  for (const char* type : {"key_list", "binding_list", "argument_list", "parameter_list",
                           "column_list", "call_arguments", "enum_type"}) {
    if (is(node, type)) return true;
  }
  return false;
}

bool is_port(TSNode node) { return is(node, "input_statement") || is(node, "output_statement"); }

// Declarations that always get a blank line before and after.
bool is_block_declaration(TSNode node) {
  return is(node, "job_declaration") || is(node, "workspace_declaration") ||
         (is(node, "dataset_declaration") &&
          !ts_node_is_null(ts_node_child_by_field_name(node, "body", 4)));
}

class Printer {
 public:
  explicit Printer(std::string_view source) : source_(source) {}

  std::string print(TSNode root) {
    items(children(root), /*top_level=*/true);
    if (!out_.empty()) newline();
    return std::move(out_);
  }

 private:
  // A sequence of declarations or statements, one per line, with comments.
  void items(const std::vector<TSNode>& nodes, bool top_level) {
    bool previous_block = false;
    bool previous_own_line_comment = false;
    for (size_t i = 0; i < nodes.size(); ++i) {
      TSNode node = nodes[i];
      if (is(node, "comment") && !out_.empty() && start_row(node) == last_row_) {
        comment(node);
        previous_own_line_comment = false;
        continue;
      }
      if (i > 0) {
        bool source_blank = start_row(node) > end_row(nodes[i - 1]) + 1;
        bool blank = source_blank;
        // A comment directly above a declaration documents it: keep them together.
        if (top_level && !(previous_own_line_comment && !source_blank))
          blank = blank || previous_block || is_block_declaration(node);
        if (blank) blank_line();
      }
      newline();
      if (is(node, "comment")) {
        comment(node);
        previous_own_line_comment = true;
        continue;
      }
      previous_own_line_comment = false;
      if (!is_port(node)) {
        emit(node, node);  // `external` is a statement and a leaf
      } else {
        port(node, alignment(nodes, i));
      }
      if (top_level) previous_block = is_block_declaration(node);
    }
  }

  // The widths that align the keywords and names of the run of one-line port
  // statements `nodes[i]` belongs to (a run ends at anything else, a blank
  // line or a comment).
  std::pair<size_t, size_t> alignment(const std::vector<TSNode>& nodes, size_t i) {
    auto joined = [&](size_t a, size_t b) {
      return is_port(nodes[a]) && is_port(nodes[b]) && start_row(nodes[b]) == end_row(nodes[a]) + 1;
    };
    size_t first = i, last = i;
    while (first > 0 && joined(first - 1, first)) --first;
    while (last + 1 < nodes.size() && joined(last, last + 1)) ++last;
    size_t keyword = 0, name = 0;
    for (size_t k = first; k <= last; ++k) {
      if (start_row(nodes[k]) != end_row(nodes[k])) return {0, 0};
      keyword = std::max(keyword, text(ts_node_child(nodes[k], 0)).size());
      TSNode port_name = ts_node_child_by_field_name(nodes[k], "name", 4);
      if (!ts_node_is_null(port_name)) name = std::max(name, text(port_name).size());
    }
    return {keyword, name};
  }

  void port(TSNode node, std::pair<size_t, size_t> widths) {
    TSNode name = ts_node_child_by_field_name(node, "name", 4);
    for (TSNode child : children(node)) {
      if (is(child, "comment")) {
        comment(child);
        continue;
      }
      emit(child, node);
      size_t width = ts_node_eq(child, name)                     ? widths.second
                     : ts_node_eq(child, ts_node_child(node, 0)) ? widths.first
                                                                 : 0;
      size_t length = text(child).size();
      if (width > length) out_.append(width - length, ' ');
    }
  }

  // Any node, its tokens laid out on the current line (lists and bodies may
  // open new ones).
  void inline_node(TSNode node) {
    if (is_list(node)) {
      list(node);
      return;
    }
    if (is(node, "dataset_body") || is(node, "job_body")) {
      body(node, children(node));
      return;
    }
    if (is(node, "workspace_declaration")) {
      // Its statements sit directly in it, between `{` and `}`.
      std::vector<TSNode> parts = children(node);
      auto open = std::find_if(parts.begin(), parts.end(), [](TSNode n) { return is(n, "{"); });
      for (auto it = parts.begin(); it != open; ++it) emit(*it, node);
      body(node, std::vector<TSNode>(open, parts.end()));
      return;
    }
    for (TSNode child : children(node)) emit(child, node);
  }

  // A child of `parent`: a comment, a token, or a node to lay out.
  void emit(TSNode child, TSNode parent) {
    if (is(child, "comment")) {
      comment(child);
    } else if (ts_node_child_count(child) == 0 || is(child, "string") ||
               is(child, "template_string")) {
      token(child, parent);
    } else {
      inline_node(child);
    }
  }

  // `parts` runs from `{` to `}`. One line when written so and holding at most
  // one statement and no comment; else a statement per line.
  void body(TSNode parent, const std::vector<TSNode>& parts) {
    if (parts.size() < 2) {  // cut short; cannot happen without a syntax error
      for (TSNode part : parts) emit(part, parent);
      return;
    }
    std::vector<TSNode> inner(parts.begin() + 1, parts.end() - 1);
    bool one_line =
        start_row(parts.front()) == start_row(parts.back()) && inner.size() <= 1 &&
        std::none_of(inner.begin(), inner.end(), [](TSNode n) { return is(n, "comment"); });
    token(parts.front(), parent);
    if (one_line) {
      for (TSNode statement : inner) emit(statement, parent);
      token(parts.back(), parent);
      return;
    }
    ++indent_;
    items(inner, /*top_level=*/false);
    --indent_;
    newline();
    token(parts.back(), parent);
  }

  // A bracketed list: on one line if written so, else an element per line.
  void list(TSNode node) {
    std::vector<TSNode> parts = children(node);
    auto open = std::find_if(parts.begin(), parts.end(),
                             [](TSNode n) { return is(n, "(") || is(n, "[") || is(n, "{"); });
    auto is_close = [](TSNode n) { return is(n, ")") || is(n, "]") || is(n, "}"); };
    if (open == parts.end() || !is_close(parts.back())) {
      for (TSNode part : parts) emit(part, node);
      return;
    }
    bool multi_line = start_row(*open) != start_row(parts.back());
    for (auto it = parts.begin(); it != parts.end(); ++it) {
      bool element = it > open && it + 1 != parts.end() && !is(*it, ",") && !is(*it, "comment");
      if (multi_line && it + 1 == parts.end()) {
        --indent_;
        newline();
      } else if (multi_line && element) {
        newline();
      }
      emit(*it, node);
      if (multi_line && it == open) ++indent_;
    }
  }

  void comment(TSNode node) {
    std::string_view comment_text = text(node);
    while (!comment_text.empty() && (comment_text.back() == ' ' || comment_text.back() == '\t' ||
                                     comment_text.back() == '\r'))
      comment_text.remove_suffix(1);
    if (start_row(node) != last_row_ || out_.empty()) newline();
    write(comment_text, !line_start_);
    last_row_ = end_row(node);
    after_comment_ = true;
  }

  void token(TSNode node, TSNode parent) {
    std::string_view token_text = text(node);
    if (after_comment_) newline();
    write(token_text, space_before(token_text, ts_node_type(parent)));
    previous_ = token_text;
    last_row_ = end_row(node);
  }

  bool space_before(std::string_view token, std::string_view parent) const {
    if (token == "," || token == ")" || token == "]" || token == ":") return false;
    if (previous_ == "(" || previous_ == "[") return false;
    if (token == "(") return parent == "column_taints" || parent == "parenthesized_expression";
    if (token == "[") return parent == "argument_list";
    if (token == "}") return previous_ != "{";
    return true;
  }

  void write(std::string_view piece, bool space) {
    if (line_start_) {
      out_.append(2 * indent_, ' ');
    } else if (space) {
      out_ += ' ';
    }
    out_ += piece;
    line_start_ = false;
  }

  void newline() {
    if (!line_start_) out_ += '\n';
    line_start_ = true;
    after_comment_ = false;
    previous_ = {};
  }

  void blank_line() {
    newline();
    if (!out_.empty() && !out_.ends_with("\n\n")) out_ += '\n';
  }

  std::string_view text(TSNode node) const { return node_text(node, source_); }

  std::string_view source_;
  std::string out_;
  int indent_ = 0;
  bool line_start_ = true;
  bool after_comment_ = false;  // the next token must start a new line
  uint32_t last_row_ = 0;       // the source row where the last token or comment ended
  std::string_view previous_;   // the last token on the current line
};

// The first error or missing node in the tree, depth first.
TSNode first_error(TSNode node) {
  if (is(node, "ERROR") || ts_node_is_missing(node)) return node;
  for (uint32_t i = 0, n = ts_node_child_count(node); i < n; ++i) {
    TSNode child = ts_node_child(node, i);
    if (ts_node_has_error(child)) return first_error(child);
  }
  return node;
}

}  // namespace

Expected<std::string> format_source(std::string_view text) {
  SyntaxTree tree = SyntaxTree::parse(text);
  TSNode root = tree.root();
  if (ts_node_has_error(root))
    return Failure{"syntax error on line " + std::to_string(start_row(first_error(root)) + 1) +
                   "; fix it before formatting"};
  return Printer(text).print(root);
}

}  // namespace databuild
