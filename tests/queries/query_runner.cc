// databuild-query-runner: runs the tree-sitter queries that editors use
// (analyzer/tree-sitter-databuild/queries/*.scm) through the tree-sitter runtime.
//
//   databuild-query-runner QUERIES_DIR EXPECTATIONS...
//
// Checks that every query compiles against the grammar, that every capture name
// is one nvim-treesitter defines for that kind of query (a misspelt name silently
// matches nothing in an editor), and that sample files get the expected captures.
// An expectations file (*.expected) sits next to its sample (*.dbuild); each line
//
//   QUERY LINE:COLUMN @CAPTURE TEXT
//
// says that query QUERY (highlights, folds, locals) captures the node starting at
// LINE:COLUMN (1-based) whose text starts with TEXT. For folds and locals the
// listed captures must be all there are, so a query that captures too much fails;
// highlights are only checked for the listed ones, as almost every token has one.
// `#` starts a comment line. The predicates the queries use (#any-of?, #eq?) are
// applied as Neovim applies them; any other predicate is an error.
//
// Exit status: 0 all pass, 1 a check failed, 2 usage or I/O error.

#include <tree_sitter/api.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

extern "C" const TSLanguage* tree_sitter_databuild(void);

namespace {

namespace fs = std::filesystem;

// nvim-treesitter's capture names (CONTRIBUTING.md), per query kind. A name may
// also be private (starting with `_`), used only by predicates.
const std::set<std::string> kHighlightNames = {"variable",
                                               "variable.builtin",
                                               "variable.parameter",
                                               "variable.parameter.builtin",
                                               "variable.member",
                                               "constant",
                                               "constant.builtin",
                                               "constant.macro",
                                               "module",
                                               "module.builtin",
                                               "label",
                                               "string",
                                               "string.documentation",
                                               "string.regexp",
                                               "string.escape",
                                               "string.special",
                                               "string.special.symbol",
                                               "string.special.path",
                                               "string.special.url",
                                               "character",
                                               "character.special",
                                               "boolean",
                                               "number",
                                               "number.float",
                                               "type",
                                               "type.builtin",
                                               "type.definition",
                                               "attribute",
                                               "attribute.builtin",
                                               "property",
                                               "function",
                                               "function.builtin",
                                               "function.call",
                                               "function.macro",
                                               "function.method",
                                               "function.method.call",
                                               "constructor",
                                               "operator",
                                               "keyword",
                                               "keyword.coroutine",
                                               "keyword.function",
                                               "keyword.operator",
                                               "keyword.import",
                                               "keyword.type",
                                               "keyword.modifier",
                                               "keyword.repeat",
                                               "keyword.return",
                                               "keyword.debug",
                                               "keyword.exception",
                                               "keyword.conditional",
                                               "keyword.conditional.ternary",
                                               "keyword.directive",
                                               "keyword.directive.define",
                                               "punctuation.delimiter",
                                               "punctuation.bracket",
                                               "punctuation.special",
                                               "comment",
                                               "comment.documentation",
                                               "comment.error",
                                               "comment.warning",
                                               "comment.todo",
                                               "comment.note",
                                               "none",
                                               "conceal",
                                               "spell",
                                               "nospell"};
const std::set<std::string> kFoldNames = {"fold"};
const std::set<std::string> kLocalNames = {"local.scope",
                                           "local.reference",
                                           "local.definition",
                                           "local.definition.constant",
                                           "local.definition.function",
                                           "local.definition.method",
                                           "local.definition.var",
                                           "local.definition.parameter",
                                           "local.definition.macro",
                                           "local.definition.type",
                                           "local.definition.field",
                                           "local.definition.enum",
                                           "local.definition.namespace",
                                           "local.definition.import",
                                           "local.definition.associated"};
const std::vector<std::string> kQueries = {"highlights", "folds", "locals"};

struct QueryDeleter {
  void operator()(TSQuery* query) const { ts_query_delete(query); }
};
using QueryPtr = std::unique_ptr<TSQuery, QueryDeleter>;

bool read_file(const fs::path& path, std::string& text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

std::string capture_name(const TSQuery* query, uint32_t id) {
  uint32_t length = 0;
  const char* name = ts_query_capture_name_for_id(query, id, &length);
  return std::string(name, length);
}

std::string string_value(const TSQuery* query, uint32_t id) {
  uint32_t length = 0;
  const char* value = ts_query_string_value_for_id(query, id, &length);
  return std::string(value, length);
}

const char* error_kind(TSQueryError error) {
  switch (error) {
    case TSQueryErrorSyntax:
      return "syntax error";
    case TSQueryErrorNodeType:
      return "unknown node type";
    case TSQueryErrorField:
      return "unknown field";
    case TSQueryErrorCapture:
      return "unknown capture";
    case TSQueryErrorStructure:
      return "impossible pattern structure";
    case TSQueryErrorLanguage:
      return "language mismatch";
    default:
      return "error";
  }
}

// Compiles one query and checks its capture names and predicates; null on failure.
QueryPtr load_query(const fs::path& path, const std::set<std::string>& allowed) {
  std::string source;
  if (!read_file(path, source)) {
    std::cerr << path.string() << ": cannot read\n";
    return nullptr;
  }
  uint32_t offset = 0;
  TSQueryError error = TSQueryErrorNone;
  QueryPtr query(ts_query_new(tree_sitter_databuild(), source.data(),
                              static_cast<uint32_t>(source.size()), &offset, &error));
  if (!query) {
    std::cerr << path.string() << ": " << error_kind(error) << " at byte " << offset << ": "
              << source.substr(offset, 40) << "\n";
    return nullptr;
  }
  bool ok = true;
  for (uint32_t id = 0; id < ts_query_capture_count(query.get()); ++id) {
    std::string name = capture_name(query.get(), id);
    if (name.front() != '_' && !allowed.count(name)) {
      std::cerr << path.string() << ": @" << name << " is not a standard capture name\n";
      ok = false;
    }
  }
  for (uint32_t pattern = 0; pattern < ts_query_pattern_count(query.get()); ++pattern) {
    uint32_t steps = 0;
    const TSQueryPredicateStep* step =
        ts_query_predicates_for_pattern(query.get(), pattern, &steps);
    for (uint32_t i = 0; i < steps; ++i) {
      bool starts = i == 0 || step[i - 1].type == TSQueryPredicateStepTypeDone;
      if (!starts || step[i].type != TSQueryPredicateStepTypeString) continue;
      std::string predicate = string_value(query.get(), step[i].value_id);
      if (predicate != "any-of?" && predicate != "eq?") {
        std::cerr << path.string() << ": predicate #" << predicate << " is not supported here\n";
        ok = false;
      }
    }
  }
  return ok ? std::move(query) : nullptr;
}

std::string node_text(TSNode node, const std::string& source) {
  return source.substr(ts_node_start_byte(node), ts_node_end_byte(node) - ts_node_start_byte(node));
}

// Applies #any-of? and #eq? (a capture against strings or another capture).
bool predicates_hold(const TSQuery* query, const TSQueryMatch& match, const std::string& source) {
  auto text_of = [&](uint32_t capture_id) {
    for (uint16_t i = 0; i < match.capture_count; ++i) {
      if (match.captures[i].index == capture_id) return node_text(match.captures[i].node, source);
    }
    return std::string();
  };
  uint32_t steps = 0;
  const TSQueryPredicateStep* step =
      ts_query_predicates_for_pattern(query, match.pattern_index, &steps);
  for (uint32_t i = 0; i < steps;) {
    uint32_t end = i;
    while (step[end].type != TSQueryPredicateStepTypeDone) ++end;
    std::string predicate = string_value(query, step[i].value_id);
    std::string subject = text_of(step[i + 1].value_id);
    bool any = false;
    for (uint32_t arg = i + 2; arg < end; ++arg) {
      std::string value = step[arg].type == TSQueryPredicateStepTypeCapture
                              ? text_of(step[arg].value_id)
                              : string_value(query, step[arg].value_id);
      any = any || subject == value;
    }
    if (!any) return false;
    i = end + 1;
  }
  return true;
}

// "LINE:COLUMN @capture text-prefix" for every capture of `query` on `source`.
std::vector<std::string> run_query(const TSQuery* query, TSTree* tree, const std::string& source) {
  std::vector<std::string> found;
  TSQueryCursor* cursor = ts_query_cursor_new();
  ts_query_cursor_exec(cursor, query, ts_tree_root_node(tree));
  TSQueryMatch match;
  while (ts_query_cursor_next_match(cursor, &match)) {
    if (!predicates_hold(query, match, source)) continue;
    for (uint16_t i = 0; i < match.capture_count; ++i) {
      std::string name = capture_name(query, match.captures[i].index);
      if (name.front() == '_') continue;
      TSPoint at = ts_node_start_point(match.captures[i].node);
      found.push_back(std::to_string(at.row + 1) + ":" + std::to_string(at.column + 1) + " @" +
                      name + " " + node_text(match.captures[i].node, source));
    }
  }
  ts_query_cursor_delete(cursor);
  return found;
}

// Checks one sample against its expectations; prints each problem.
bool check_sample(const fs::path& expected_path, const std::vector<QueryPtr>& queries) {
  fs::path sample_path = fs::path(expected_path).replace_extension(".dbuild");
  std::string source, expectations;
  if (!read_file(sample_path, source) || !read_file(expected_path, expectations)) {
    std::cerr << expected_path.string() << ": cannot read it or its .dbuild sample\n";
    return false;
  }
  TSParser* parser = ts_parser_new();
  ts_parser_set_language(parser, tree_sitter_databuild());
  TSTree* tree =
      ts_parser_parse_string(parser, nullptr, source.data(), static_cast<uint32_t>(source.size()));
  bool ok = !ts_node_has_error(ts_tree_root_node(tree));
  if (!ok) std::cerr << sample_path.string() << ": the sample has syntax errors\n";

  for (size_t q = 0; q < kQueries.size(); ++q) {
    std::vector<std::string> found = run_query(queries[q].get(), tree, source);
    std::multiset<std::string> unexplained(found.begin(), found.end());
    std::istringstream lines(expectations);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
      if (line.empty() || line[0] == '#' || line.rfind(kQueries[q] + " ", 0) != 0) continue;
      std::string want = line.substr(kQueries[q].size() + 1);
      auto hit = std::find_if(found.begin(), found.end(),
                              [&](const std::string& got) { return got.rfind(want, 0) == 0; });
      if (hit == found.end()) {
        std::cerr << expected_path.string() << ":" << number << ": no capture " << line << "\n";
        ok = false;
      } else if (unexplained.count(*hit)) {
        unexplained.erase(unexplained.find(*hit));
      }
    }
    if (kQueries[q] == "highlights") continue;
    for (const std::string& extra : unexplained) {
      std::cerr << expected_path.string() << ": unexpected capture " << kQueries[q] << " "
                << extra.substr(0, extra.find('\n')) << "\n";
      ok = false;
    }
  }
  ts_tree_delete(tree);
  ts_parser_delete(parser);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: databuild-query-runner QUERIES_DIR EXPECTATIONS...\n";
    return 2;
  }
  const std::vector<const std::set<std::string>*> allowed = {&kHighlightNames, &kFoldNames,
                                                             &kLocalNames};
  std::vector<QueryPtr> queries;
  bool ok = true;
  for (size_t q = 0; q < kQueries.size(); ++q) {
    queries.push_back(load_query(fs::path(argv[1]) / (kQueries[q] + ".scm"), *allowed[q]));
    ok = ok && queries.back() != nullptr;
  }
  if (!ok) return 1;
  for (int i = 2; i < argc; ++i) ok = check_sample(argv[i], queries) && ok;
  std::cout << (ok ? "all queries compile, use standard captures and match the samples\n" : "");
  return ok ? 0 : 1;
}
