// databuild-corpus-runner: runs tree-sitter corpus tests against the DataBuild
// grammar without the tree-sitter CLI (the project only has a generate-only CLI).
//
//   databuild-corpus-runner [--update] [--filter TEXT] [--cross-check] DIR_OR_FILE...
//
// A corpus file is in tree-sitter's standard test format:
//
//   ================================================================================
//   test name
//   ================================================================================
//   source text
//   --------------------------------------------------------------------------------
//
//   (source_file (policy_declaration name: (identifier)))
//
// The file is split exactly as `tree-sitter test` (0.20.7) splits it: a header is a
// line of `===`, one or more name lines and another line of `===` (an optional
// suffix after the `=`s, the same on every header of the file, lets inputs contain
// such lines); the longest line of `---` (same suffix) ends the input, whose one
// trailing newline is dropped; lines starting with `;` in an expected tree are
// comments. Trees are rendered the way `tree-sitter test` prints them: named nodes
// only, `field: (node ...)`, `(MISSING identifier)` / `(MISSING "}")` for nodes the
// parser inserted, `(ERROR ...)` and `(UNEXPECTED 'c')` for what it skipped; both
// sides are compared with whitespace normalised. An expected tree without any
// `field:` is compared against the actual tree with its fields stripped, as
// `tree-sitter test` does.
//
// --update rewrites every file that has a failing case in tree-sitter's canonical
// layout (80-column `=`/`-` lines, indented trees, always with field names);
// review the resulting diff before committing it. --cross-check also compares
// this renderer with the library's ts_node_string() (which prints the same format
// in tree-sitter 0.20.x) and fails on any difference.
//
// Exit status: 0 all cases pass (or were updated), 1 a case failed, 2 usage or
// I/O error.

#include <tree_sitter/api.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" const TSLanguage* tree_sitter_databuild(void);

namespace {

namespace fs = std::filesystem;

// ---- corpus file parsing ----------------------------------------------------

struct Case {
  std::string name;
  std::string input;
  std::string expected;  // whitespace-normalised
  bool has_fields = false;
  std::size_t line = 0;  // 1-based line of the header
};

struct Line {
  std::size_t begin;  // offset of the first byte
  std::size_t end;    // offset past the content (before "\r\n" / "\n")
  std::size_t next;   // offset of the next line
};

std::vector<Line> split_lines(const std::string& text) {
  std::vector<Line> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    bool has_nl = nl != std::string::npos;
    std::size_t end = has_nl ? nl : text.size();
    std::size_t content_end = end;
    if (has_nl && content_end > pos && text[content_end - 1] == '\r') --content_end;
    lines.push_back({pos, content_end, has_nl ? nl + 1 : text.size()});
    pos = has_nl ? nl + 1 : text.size();
  }
  return lines;
}

bool line_has_newline(const std::string& text, const Line& l) {
  return l.next > l.end && l.next <= text.size() && text[l.next - 1] == '\n';
}

// `CCC+SUFFIX?` where SUFFIX does not start with C: returns whether it matches
// and the suffix.
bool rule_line(std::string_view content, char c, std::string* suffix) {
  std::size_t n = 0;
  while (n < content.size() && content[n] == c) ++n;
  if (n < 3) return false;
  *suffix = std::string(content.substr(n));
  return true;
}

std::string normalize_whitespace(const std::string& s) {
  std::string out;
  bool pending_space = false;
  for (char ch : s) {
    if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
      pending_space = !out.empty();
    } else {
      if (pending_space) {
        if (ch != ')') out += ' ';
        pending_space = false;
      }
      out += ch;
    }
  }
  return out;
}

std::string strip_comment_lines(const std::string& s) {
  std::string out;
  for (const Line& l : split_lines(s)) {
    std::string_view content(s.data() + l.begin, l.end - l.begin);
    std::size_t first = content.find_first_not_of(" \t\f\v");
    bool comment = first != std::string_view::npos && content[first] == ';';
    if (!comment)
      out.append(s, l.begin, l.next - l.begin);
    else
      out += '\n';
  }
  return out;
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Matches tree-sitter's / \w+: \(/.
bool has_field_names(const std::string& sexp) {
  for (std::size_t i = 0; i + 1 < sexp.size(); ++i) {
    if (sexp[i] != ':' || i == 0 || !is_word_char(sexp[i - 1])) continue;
    if (i + 2 >= sexp.size() || sexp[i + 1] != ' ' || sexp[i + 2] != '(') continue;
    std::size_t j = i;
    while (j > 0 && is_word_char(sexp[j - 1])) --j;
    if (j > 0 && sexp[j - 1] == ' ') return true;
  }
  return false;
}

// Replaces / \w+: \(/ with " (".
std::string strip_field_names(const std::string& sexp) {
  std::string out;
  std::size_t i = 0;
  while (i < sexp.size()) {
    if (sexp[i] == ' ') {
      std::size_t j = i + 1;
      while (j < sexp.size() && is_word_char(sexp[j])) ++j;
      if (j > i + 1 && j + 2 < sexp.size() && sexp[j] == ':' && sexp[j + 1] == ' ' &&
          sexp[j + 2] == '(') {
        out += " (";
        i = j + 3;
        continue;
      }
    }
    out += sexp[i++];
  }
  return out;
}

struct Header {
  std::size_t start, end;  // byte range of the whole header
  std::string name;
  std::string suffix1, suffix2;
  std::size_t line;
};

// Returns the cases of a corpus file; *suffix receives the header suffix of the
// file (empty for plain `===` / `---` lines).
std::vector<Case> parse_corpus(const std::string& text, std::string* suffix_out) {
  std::vector<Line> lines = split_lines(text);
  std::vector<Header> headers;
  bool have_first = false;
  std::string first_suffix;
  for (std::size_t i = 0; i < lines.size();) {
    std::string s1;
    std::string_view l0(text.data() + lines[i].begin, lines[i].end - lines[i].begin);
    if (rule_line(l0, '=', &s1) && line_has_newline(text, lines[i])) {
      // One or more name lines (non-empty, not starting with '='), then `===`.
      std::size_t j = i + 1;
      std::string name;
      while (j < lines.size()) {
        std::string_view lj(text.data() + lines[j].begin, lines[j].end - lines[j].begin);
        if (lj.empty() || lj[0] == '=' || !line_has_newline(text, lines[j])) break;
        if (!name.empty()) name += '\n';
        name += std::string(lj);
        ++j;
      }
      std::string s2;
      if (j > i + 1 && j < lines.size() &&
          rule_line(std::string_view(text.data() + lines[j].begin, lines[j].end - lines[j].begin),
                    '=', &s2) &&
          line_has_newline(text, lines[j])) {
        while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back())))
          name.pop_back();
        if (!have_first) {
          have_first = true;
          first_suffix = s1;
        }
        headers.push_back({lines[i].begin, lines[j].next, name, s1, s2, i + 1});
        i = j + 1;
        continue;
      }
    }
    ++i;
  }

  *suffix_out = first_suffix;
  std::vector<Case> cases;
  std::vector<const Header*> kept;
  for (const Header& h : headers)
    if (h.suffix1 == first_suffix && h.suffix2 == first_suffix) kept.push_back(&h);
  for (std::size_t k = 0; k < kept.size(); ++k) {
    std::size_t body_begin = kept[k]->end;
    std::size_t body_end = k + 1 < kept.size() ? kept[k + 1]->start : text.size();
    std::string body = text.substr(body_begin, body_end - body_begin);
    // The longest `---` line (the last of equally long ones) is the divider.
    std::size_t div_begin = std::string::npos, div_end = 0, div_len = 0;
    for (const Line& l : split_lines(body)) {
      std::string suffix;
      std::string_view content(body.data() + l.begin, l.end - l.begin);
      if (!rule_line(content, '-', &suffix) || !line_has_newline(body, l)) continue;
      if (suffix != first_suffix) continue;
      std::size_t len = l.next - l.begin;
      if (div_begin == std::string::npos || len >= div_len) {
        div_begin = l.begin;
        div_end = l.next;
        div_len = len;
      }
    }
    if (div_begin == std::string::npos) continue;
    Case c;
    c.name = kept[k]->name;
    c.line = kept[k]->line;
    c.input = body.substr(0, div_begin);
    if (!c.input.empty()) c.input.pop_back();
    if (!c.input.empty() && c.input.back() == '\r') c.input.pop_back();
    c.expected = normalize_whitespace(strip_comment_lines(body.substr(div_end)));
    c.has_fields = has_field_names(c.expected);
    cases.push_back(std::move(c));
  }
  return cases;
}

// ---- rendering --------------------------------------------------------------

std::string describe_char(const std::string& src, uint32_t offset) {
  // Decode the first UTF-8 code point (tree-sitter prints its lookahead char).
  if (offset >= src.size()) return "INVALID";
  auto b = static_cast<unsigned char>(src[offset]);
  int32_t cp = -1;
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 1) {
    cp = b;
  } else if (len > 1 && offset + len <= src.size()) {
    cp = b & (0x7F >> len);
    for (int i = 1; i < len; ++i) {
      auto cb = static_cast<unsigned char>(src[offset + i]);
      if ((cb & 0xC0) != 0x80) {
        cp = -1;
        break;
      }
      cp = (cp << 6) | (cb & 0x3F);
    }
  }
  char buf[32];
  if (cp == -1) return "INVALID";
  if (cp == 0) return "'\\0'";
  if (cp == '\n') return "'\\n'";
  if (cp == '\t') return "'\\t'";
  if (cp == '\r') return "'\\r'";
  if (cp > 0 && cp < 128 && std::isprint(cp)) {
    std::snprintf(buf, sizeof buf, "'%c'", static_cast<char>(cp));
  } else {
    std::snprintf(buf, sizeof buf, "%d", static_cast<int>(cp));
  }
  return buf;
}

// Renders the node under the cursor and its descendants the way tree-sitter's
// ts_node_string() / `tree-sitter test` do.
void render(TSTreeCursor* cursor, const std::string& src, std::string& out, bool is_root) {
  TSNode node = ts_tree_cursor_current_node(cursor);
  bool missing = ts_node_is_missing(node);
  bool named = ts_node_is_named(node);
  bool visible = missing || named;
  const char* type = ts_node_type(node);
  if (visible) {
    if (!is_root) {
      out += ' ';
      if (const char* field = ts_tree_cursor_current_field_name(cursor)) {
        out += field;
        out += ": ";
      }
    }
    bool is_error = ts_node_symbol(node) == static_cast<TSSymbol>(-1);
    if (is_error && ts_node_child_count(node) == 0 &&
        ts_node_end_byte(node) > ts_node_start_byte(node)) {
      out += "(UNEXPECTED ";
      out += describe_char(src, ts_node_start_byte(node));
    } else if (missing) {
      out += "(MISSING ";
      if (named) {
        out += type;
      } else {
        out += '"';
        out += type;
        out += '"';
      }
    } else {
      out += '(';
      out += type;
    }
  } else if (is_root) {
    out += "(\"";
    out += type;
    out += "\")";
  }
  if (ts_tree_cursor_goto_first_child(cursor)) {
    do {
      render(cursor, src, out, false);
    } while (ts_tree_cursor_goto_next_sibling(cursor));
    ts_tree_cursor_goto_parent(cursor);
  }
  if (visible) out += ')';
}

// ---- pretty printing (tree-sitter's format_sexp) ------------------------------

// Tokens of a normalised S-expression: "(name" (with the atom of MISSING /
// UNEXPECTED attached), ")" and "field:".
std::vector<std::string> sexp_tokens(const std::string& s) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  auto read_atom = [&](std::size_t from) {
    // A quoted atom ("}" or 'x') ends at a closing quote followed by ')' or ' ',
    // so `(MISSING ")")` and `(UNEXPECTED ''')` stay intact.
    if (from < s.size() && (s[from] == '"' || s[from] == '\'')) {
      char q = s[from];
      for (std::size_t j = from + 1; j < s.size(); ++j)
        if (s[j] == q && (j + 1 == s.size() || s[j + 1] == ')' || s[j + 1] == ' ')) return j + 1;
      return s.size();
    }
    std::size_t j = from;
    while (j < s.size() && s[j] != ' ' && s[j] != ')') ++j;
    return j;
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ') {
      ++i;
    } else if (c == ')') {
      tokens.emplace_back(")");
      ++i;
    } else if (c == '(') {
      std::size_t j = i + 1;
      while (j < s.size() && s[j] != ' ' && s[j] != ')') ++j;
      std::string tok = s.substr(i, j - i);
      if ((tok == "(MISSING" || tok == "(UNEXPECTED") && j < s.size() && s[j] == ' ') {
        std::size_t k = read_atom(j + 1);
        tok += s.substr(j, k - j);
        j = k;
      }
      tokens.push_back(tok);
      i = j;
    } else {
      std::size_t j = read_atom(i);
      tokens.push_back(s.substr(i, j - i));
      i = j;
    }
  }
  return tokens;
}

std::string format_sexp(const std::string& sexp) {
  std::string out;
  int indent = 0;
  bool has_field = false;
  auto newline = [&](int level) {
    out += '\n';
    for (int k = 0; k < level; ++k) out += "  ";
  };
  for (const std::string& tok : sexp_tokens(sexp)) {
    if (tok == ")") {
      --indent;
      out += ')';
    } else if (tok[0] == '(') {
      if (has_field) {
        has_field = false;
      } else {
        if (indent > 0) newline(indent);
        ++indent;
      }
      out += tok;
    } else if (tok.back() == ':') {
      newline(indent);
      out += tok;
      out += ' ';
      has_field = true;
      ++indent;
    } else {
      out += ' ';
      out += tok;  // stray atom; keep it
    }
  }
  return out;
}

// ---- diff ---------------------------------------------------------------------

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> v;
  std::stringstream in(s);
  std::string l;
  while (std::getline(in, l)) v.push_back(l);
  return v;
}

void print_diff(const std::string& expected, const std::string& actual) {
  std::vector<std::string> a = lines_of(expected), b = lines_of(actual);
  std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  struct Op {
    char kind;
    std::size_t ai, bi;
  };
  std::vector<Op> ops;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back({' ', i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', i++, j});
    } else {
      ops.push_back({'+', i, j++});
    }
  }
  const std::size_t context = 3;
  std::cout << "    --- expected\n    +++ actual\n";
  std::size_t k = 0;
  while (k < ops.size()) {
    if (ops[k].kind == ' ') {
      ++k;
      continue;
    }
    std::size_t start = k >= context ? k - context : 0;
    std::size_t end = k;
    // Extend the hunk while changes are within 2*context lines of each other.
    while (end < ops.size()) {
      if (ops[end].kind != ' ') {
        ++end;
        continue;
      }
      std::size_t run = end;
      while (run < ops.size() && ops[run].kind == ' ') ++run;
      if (run == ops.size() || run - end > 2 * context) {
        end = std::min(ops.size(), end + context);
        break;
      }
      end = run;
    }
    std::size_t a_start = ops[start].ai, b_start = ops[start].bi, a_len = 0, b_len = 0;
    for (std::size_t x = start; x < end; ++x) {
      if (ops[x].kind != '+') ++a_len;
      if (ops[x].kind != '-') ++b_len;
    }
    std::cout << "    @@ -" << a_start + 1 << ',' << a_len << " +" << b_start + 1 << ',' << b_len
              << " @@\n";
    for (std::size_t x = start; x < end; ++x) {
      const std::string& text = ops[x].kind == '+' ? b[ops[x].bi] : a[ops[x].ai];
      std::cout << "    " << ops[x].kind << text << '\n';
    }
    k = end;
  }
}

// ---- driver -------------------------------------------------------------------

bool read_file(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

struct Options {
  bool update = false;
  bool cross_check = false;
  std::string filter;
  std::vector<std::string> paths;
};

int usage() {
  std::cerr << "usage: databuild-corpus-runner [--update] [--filter TEXT] [--cross-check] "
               "DIR_OR_FILE...\n";
  return 2;
}

struct ParserDeleter {
  void operator()(TSParser* p) const { ts_parser_delete(p); }
};
struct TreeDeleter {
  void operator()(TSTree* t) const { ts_tree_delete(t); }
};

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--update") {
      opt.update = true;
    } else if (a == "--cross-check") {
      opt.cross_check = true;
    } else if (a == "--filter" && i + 1 < argc) {
      opt.filter = argv[++i];
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (!a.empty() && a[0] == '-') {
      return usage();
    } else {
      opt.paths.push_back(a);
    }
  }
  if (opt.paths.empty()) return usage();

  std::vector<fs::path> files;
  for (const std::string& p : opt.paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::string fname = it->path().filename().string();
        if (!fname.empty() && fname[0] == '.') {
          if (it->is_directory()) it.disable_recursion_pending();
          continue;
        }
        if (it->is_regular_file() && it->path().extension() == ".txt") found.push_back(it->path());
      }
      if (ec) {
        std::cerr << "error: cannot read " << p << ": " << ec.message() << '\n';
        return 2;
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::is_regular_file(p, ec)) {
      files.emplace_back(p);
    } else {
      std::cerr << "error: no such file or directory: " << p << '\n';
      return 2;
    }
  }

  std::unique_ptr<TSParser, ParserDeleter> parser(ts_parser_new());
  if (!ts_parser_set_language(parser.get(), tree_sitter_databuild())) {
    std::cerr << "error: incompatible tree-sitter language version\n";
    return 2;
  }

  std::size_t passed = 0, failed = 0, updated = 0, total = 0;
  for (const fs::path& file : files) {
    std::string text;
    if (!read_file(file, &text)) {
      std::cerr << "error: cannot read " << file.string() << '\n';
      return 2;
    }
    std::string suffix;
    std::vector<Case> cases = parse_corpus(text, &suffix);
    if (cases.empty()) {
      std::cerr << "warning: " << file.string() << ": no test cases\n";
      continue;
    }
    std::cout << file.string() << ":\n";
    std::vector<std::pair<const Case*, std::string>> rewritten;  // case, formatted tree
    bool file_failed = false;
    for (const Case& c : cases) {
      bool selected = opt.filter.empty() || c.name.find(opt.filter) != std::string::npos;
      if (!selected) {
        rewritten.emplace_back(&c, format_sexp(c.expected));
        continue;
      }
      ++total;
      std::unique_ptr<TSTree, TreeDeleter> tree(ts_parser_parse_string(
          parser.get(), nullptr, c.input.data(), static_cast<uint32_t>(c.input.size())));
      TSNode root = ts_tree_root_node(tree.get());
      TSTreeCursor cursor = ts_tree_cursor_new(root);
      std::string full;
      render(&cursor, c.input, full, true);
      ts_tree_cursor_delete(&cursor);
      std::string actual = c.has_fields ? full : strip_field_names(full);

      std::string cross_error;
      if (opt.cross_check) {
        char* lib = ts_node_string(root);
        std::string lib_s = normalize_whitespace(lib);
        std::free(lib);
        if (lib_s != normalize_whitespace(full))
          cross_error = "renderer differs from ts_node_string():\n      ours: " + full +
                        "\n      lib:  " + lib_s;
      }

      std::string label = c.name;
      std::replace(label.begin(), label.end(), '\n', ' ');
      if (actual == c.expected && cross_error.empty()) {
        ++passed;
        std::cout << "  ok      " << label << '\n';
        rewritten.emplace_back(&c, format_sexp(c.expected));
      } else if (opt.update && cross_error.empty()) {
        ++updated;
        file_failed = true;
        std::cout << "  updated " << label << '\n';
        rewritten.emplace_back(&c, format_sexp(full));
      } else {
        ++failed;
        std::cout << "  FAIL    " << label << "  (" << file.string() << ':' << c.line << ")\n";
        if (!cross_error.empty()) {
          std::cout << "    " << cross_error << '\n';
        } else {
          print_diff(format_sexp(c.expected), format_sexp(actual));
        }
        rewritten.emplace_back(&c, format_sexp(c.expected));
      }
    }
    if (opt.update && file_failed) {
      // tree-sitter's canonical layout, keeping the file's header suffix.
      const std::string header = std::string(80, '=') + suffix + '\n';
      const std::string divider = std::string(80, '-') + suffix + '\n';
      std::string out;
      for (std::size_t k = 0; k < rewritten.size(); ++k) {
        if (k > 0) out += '\n';
        out += header + rewritten[k].first->name + '\n' + header + rewritten[k].first->input +
               '\n' + divider + '\n' + rewritten[k].second + '\n';
      }
      std::ofstream o(file, std::ios::binary | std::ios::trunc);
      o << out;
      if (!o) {
        std::cerr << "error: cannot write " << file.string() << '\n';
        return 2;
      }
    }
  }
  std::cout << '\n' << total << " cases: " << passed << " passed, " << failed << " failed";
  if (opt.update) std::cout << ", " << updated << " updated";
  std::cout << '\n';
  if (total == 0) {
    std::cerr << "error: no test cases found\n";
    return 2;
  }
  return failed ? 1 : 0;
}
