// Lowering reads each node's children in one pass: its named children through
// visit_named_children, the fields it needs through node_fields (both in
// node_reader.h; tree-sitter's public calls would walk the children once per
// child or field asked for). Node types are told apart by grammar symbol,
// through a table (kind()), not by comparing type names. Recursion is bounded: only
// expressions nest arbitrarily, and they stop at kMaxExpressionDepth with a
// diagnostic instead of exhausting the stack.
#include "lower.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include "node_reader.h"

namespace databuild {
namespace {

constexpr int kMaxExpressionDepth = 200;

// A file that is mostly not text (an image, an archive, random bytes) is
// reported once instead of parsed: tree-sitter's error recovery on megabytes of
// binary junk takes seconds and gigabytes, and its errors would mean nothing.
// Small files are always parsed, so a stray byte in real source gets a precise
// syntax error instead.
std::optional<std::string> binary_content(std::string_view text) {
  constexpr size_t kSample = 64 * 1024;
  if (text.size() < 4096) return std::nullopt;
  std::string_view sample = text.substr(0, kSample);
  // Most source is plain ASCII: a sample with no control byte but whitespace
  // and no byte past 0x7f is text, found without decoding UTF-8 (which cost
  // `check` a byte-by-byte call on every file).
  static constexpr auto kUnusual = [] {
    std::array<bool, 256> unusual{};
    for (int c = 0; c < 256; ++c)
      unusual[c] = c >= 0x80 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t');
    return unusual;
  }();
  // Read 8 bytes at a time: a word with no byte past 0x7f and none below 0x20
  // is plain; only words holding a control byte (mostly a line's end) are
  // looked at byte by byte.
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHighBits = 0x8080808080808080ull;
  auto any_unusual = [](std::string_view bytes) {
    bool unusual = false;
    for (char byte : bytes) unusual |= kUnusual[static_cast<unsigned char>(byte)];
    return unusual;
  };
  bool unusual = false;
  size_t i = 0;
  for (; !unusual && i + 8 <= sample.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, sample.data() + i, sizeof word);
    // Below 0x20 when subtracting 0x20 borrows into the byte's high bit
    // (exact for "any byte", given that none has its high bit set).
    bool control = ((word - 0x20 * kOnes) & ~word & kHighBits) != 0;
    unusual = (word & kHighBits) != 0 || (control && any_unusual(sample.substr(i, 8)));
  }
  if (!unusual && !any_unusual(sample.substr(std::min(i, sample.size())))) return std::nullopt;
  size_t binary = 0;
  for (size_t i = 0; i < sample.size();) {
    auto c = static_cast<unsigned char>(sample[i]);
    size_t length = utf8_sequence_length(sample, i);
    if (length == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) ++binary;
    i += std::max<size_t>(length, 1);
  }
  if (binary * 10 < sample.size()) return std::nullopt;
  return "this is not a DataBuild source file: " + std::to_string(binary * 100 / sample.size()) +
         "% of its first " + std::to_string(sample.size() / 1024) + " KiB is binary data";
}

// "an identifier", "a string": a grammar node type in words, with its article.
std::string with_article(std::string_view type) {
  bool vowel = !type.empty() && std::strchr("aeiou", type.front()) != nullptr;
  return (vowel ? "an " : "a ") + std::string(type);
}

bool is(TSNode node, const char* type) { return std::strcmp(ts_node_type(node), type) == 0; }

// The node types lowering tells apart, read from a table indexed by the
// node's grammar symbol and built once from the symbols' names. Comparing type
// names (`ts_node_type` and a `strcmp`) on every node visited cost several
// percent of lowering's instructions.
// clang-format off
#define DATABUILD_NODE_KINDS(X) \
  X(BinaryExpression, "binary_expression") \
  X(Binding, "binding") \
  X(BraceEscape, "brace_escape") \
  X(CallExpression, "call_expression") \
  X(CatalogStatement, "catalog_statement") \
  X(ColumnStatement, "column_statement") \
  X(Comment, "comment") \
  X(DataRootStatement, "data_root_statement") \
  X(DatasetDeclaration, "dataset_declaration") \
  X(Date, "date") \
  X(DenyStatement, "deny_statement") \
  X(Duration, "duration") \
  X(EnumType, "enum_type") \
  X(EnvStatement, "env_statement") \
  X(EscapeSequence, "escape_sequence") \
  X(ExternalStatement, "external_statement") \
  X(FormatStatement, "format_statement") \
  X(Hour, "hour") \
  X(Identifier, "identifier") \
  X(InputStatement, "input_statement") \
  X(Integer, "integer") \
  X(Interpolation, "interpolation") \
  X(JobDeclaration, "job_declaration") \
  X(KeyDeclaration, "key_declaration") \
  X(LocationStatement, "location_statement") \
  X(Month, "month") \
  X(Now, "now") \
  X(OutputStatement, "output_statement") \
  X(Parameter, "parameter") \
  X(ParenthesizedExpression, "parenthesized_expression") \
  X(PolicyDeclaration, "policy_declaration") \
  X(Range, "range") \
  X(ReadyStatement, "ready_statement") \
  X(RemovesStatement, "removes_statement") \
  X(RetriesStatement, "retries_statement") \
  X(RunStatement, "run_statement") \
  X(String, "string") \
  X(StringContent, "string_content") \
  X(TaintStatement, "taint_statement") \
  X(TemplateString, "template_string") \
  X(TimeoutStatement, "timeout_statement") \
  X(TypeDeclaration, "type_declaration") \
  X(VersionStatement, "version_statement") \
  X(WaitStatement, "wait_statement") \
  X(Wildcard, "wildcard") \
  X(WorkspaceDeclaration, "workspace_declaration")
// clang-format on
enum class Kind : uint8_t {
  Other,  // a type lowering does not look at, and ERROR
#define DATABUILD_NODE_KIND_ENUM(id, name) id,
  DATABUILD_NODE_KINDS(DATABUILD_NODE_KIND_ENUM)
#undef DATABUILD_NODE_KIND_ENUM
};

// Indexed by grammar symbol. Built when the program starts (the grammar is
// static data): a function-local table's guard and inlined construction made
// every kind() call save and restore six registers.
const std::vector<Kind> kKinds = [] {
  const TSLanguage* language = tree_sitter_databuild();
  std::vector<Kind> kinds(ts_language_symbol_count(language), Kind::Other);
  for (size_t symbol = 0; symbol < kinds.size(); ++symbol) {
    std::string_view name = ts_language_symbol_name(language, static_cast<TSSymbol>(symbol));
#define DATABUILD_NODE_KIND_MATCH(id, type) \
  if (name == type) kinds[symbol] = Kind::id;
    DATABUILD_NODE_KINDS(DATABUILD_NODE_KIND_MATCH)
#undef DATABUILD_NODE_KIND_MATCH
  }
  return kinds;
}();

Kind kind(TSNode node) {
  TSSymbol symbol = ts_node_symbol(node);
  // ERROR's symbol is the largest number, past the table.
  return symbol < kKinds.size() ? kKinds[symbol] : Kind::Other;
}

// Calls `visit` on each named child of `node`, comments excluded (where a
// comment documents a declaration, lower_source reads the top level itself).
template <typename Visit>
void for_each_child(TSNode node, const Visit& visit) {
  visit_named_children(node, [&](TSNode child) {
    if (kind(child) != Kind::Comment) visit(child);
  });
}

// What a node is, in words, for "unexpected … in …" messages.
const char* describe_context(TSNode node) {
  struct Entry {
    const char* type;
    const char* words;
  };
  static const Entry kContexts[] = {
      {"workspace_declaration", "workspace"},
      {"dataset_declaration", "dataset declaration"},
      {"dataset_body", "dataset body"},
      {"job_declaration", "job declaration"},
      {"job_body", "job body"},
      {"key_list", "key list"},
      {"parameter_list", "parameter list"},
      {"binding_list", "pattern"},
      {"pattern", "pattern"},
      {"enum_type", "enum"},
      {"argument_list", "'run' arguments"},
      {"column_list", "column list"},
      {"template_string", "string"},
      {"string", "string"},
      {"interpolation", "interpolation"},
      {"call_arguments", "call arguments"},
  };
  for (TSNode n = node; !ts_node_is_null(n); n = ts_node_parent(n)) {
    for (const Entry& entry : kContexts) {
      if (is(n, entry.type)) return entry.words;
    }
  }
  return "file";
}

// The grammar's field names, resolved to ids once: looking a field up by name
// compares it with every field name of the grammar, on every call.
// clang-format off
#define DATABUILD_FIELDS(X) \
  X(Arguments, "arguments") \
  X(Bindings, "bindings") \
  X(Body, "body") \
  X(Columns, "columns") \
  X(Count, "count") \
  X(Dataset, "dataset") \
  X(Duration, "duration") \
  X(End, "end") \
  X(File, "file") \
  X(Format, "format") \
  X(Function, "function") \
  X(Key, "key") \
  X(Keys, "keys") \
  X(Left, "left") \
  X(Name, "name") \
  X(Operator, "operator") \
  X(Parameters, "parameters") \
  X(Path, "path") \
  X(Pattern, "pattern") \
  X(Reason, "reason") \
  X(Right, "right") \
  X(Since, "since") \
  X(Start, "start") \
  X(Taints, "taints") \
  X(Template, "template") \
  X(Type, "type") \
  X(Until, "until") \
  X(Value, "value")
// clang-format on
enum class Field {
#define DATABUILD_FIELD_ENUM(id, name) id,
  DATABUILD_FIELDS(DATABUILD_FIELD_ENUM)
#undef DATABUILD_FIELD_ENUM
};

// Indexed by Field; built when the program starts, as kKinds is.
const std::vector<TSFieldId> kFieldIds = [] {
  std::vector<TSFieldId> ids;
#define DATABUILD_FIELD_ID(id, name) \
  ids.push_back(ts_language_field_id_for_name(tree_sitter_databuild(), name, sizeof name - 1));
  DATABUILD_FIELDS(DATABUILD_FIELD_ID)
#undef DATABUILD_FIELD_ID
  // 0 means no such field: grammar.js renamed one and this list was not
  // updated. Every program that lowers would then stop at its start.
  if (std::find(ids.begin(), ids.end(), 0) != ids.end()) {
    std::fputs("databuild: the grammar lacks a field lower.cc reads\n", stderr);
    std::abort();
  }
  return ids;
}();

TSFieldId field_id(Field field) { return kFieldIds[static_cast<size_t>(field)]; }

// The lists of one dataset or job while its statements are lowered, in any
// order; they move to the arena when the declaration is complete.
struct DatasetLists {
  std::vector<KeyDecl> keys;
  std::vector<Column> columns;
  std::vector<Name> taints;
  std::vector<Name> denies;

  void clear() {
    keys.clear();
    columns.clear();
    taints.clear();
    denies.clear();
  }
};

struct JobLists {
  std::vector<Parameter> parameters;
  std::vector<Port> inputs;
  std::vector<Port> outputs;
  std::vector<Removal> removals;
  std::vector<EnvVar> env;

  void clear() {
    parameters.clear();
    inputs.clear();
    outputs.clear();
    removals.clear();
    env.clear();
  }
};

class Lowerer {
 public:
  Lowerer(FileId file, std::string_view text, FileModel& out)
      : file_(file), text_(text), out_(out), arena_(out.arena.get(arena_block_size(text))) {}

  void lower_source(TSNode root) {
    report_syntax_errors(root);
    // The declarations are listed first, in one walk of the file's top level:
    // their count sizes the dataset and job vectors (large structs, and a file
    // may hold thousands: growing by doubling cost more memory than the
    // source text at 100k jobs), and a second walk cost as much as the first.
    std::vector<TSNode> top_level;
    top_level.reserve(ts_node_child_count(root));
    visit_named_children(root, [&](TSNode child) { top_level.push_back(child); });
    size_t datasets = 0, jobs = 0;
    for (TSNode child : top_level) {
      datasets += kind(child) == Kind::DatasetDeclaration;
      jobs += kind(child) == Kind::JobDeclaration;
    }
    out_.datasets.reserve(datasets);
    out_.jobs.reserve(jobs);
    std::vector<TSNode> comments;
    for (TSNode child : top_level) {
      if (kind(child) == Kind::Comment) {
        comments.push_back(child);
        continue;
      }
      Symbol doc(doc_comment(comments, child));
      comments.clear();
      lower_declaration(child, doc);
    }
  }

 private:
  // ---- helpers -------------------------------------------------------------

  // A model's arena takes about three times its source. Blocks of a sixth of
  // the source (within limits) leave on average a twelfth of it unused at the
  // end of the last block, and the arena keeps filling the larger tail that
  // earlier blocks were left with. At 100k jobs the arenas reserve 137.2 MB
  // for 132.7 MB of model this way, against 140.7 MB with blocks of a quarter
  // (divisors 5 to 8 give 136.8 – 138.6 MB: the generated files are so alike
  // that one size alone measures luck).
  static size_t arena_block_size(std::string_view text) {
    return std::clamp<size_t>(text.size() / 6, 1024, 16 * 1024);
  }

  // Stores a statement that may appear once per block, reporting repeats.
  // `slot` is a std::optional, or a Ref for a part kept in the arena.
  template <typename Slot, typename T>
  void set_once(Slot& slot, T value, TSNode statement, std::string_view keyword,
                std::string_view block_kind, std::string_view block_name) {
    if (slot) {
      report(DiagnosticCode::DuplicateStatement, loc(statement), {keyword, block_kind, block_name});
      return;
    }
    if constexpr (std::is_same_v<Slot, Ref<T>>)
      slot = arena_.make(std::move(value));
    else
      slot = std::move(value);
  }

  Location loc(TSNode node) const {
    return {file_, {ts_node_start_byte(node), ts_node_end_byte(node)}};
  }
  std::string_view text(TSNode node) const { return node_text(node, text_); }
  // The children of `node` in the given fields, read in one pass; a null node
  // for a field the node lacks.
  template <typename... Names>
  static std::array<TSNode, sizeof...(Names)> fields(TSNode node, Names... names) {
    return node_fields(node, std::array<TSFieldId, sizeof...(Names)>{field_id(names)...});
  }
  static TSNode field(TSNode node, Field name) { return fields(node, name)[0]; }
  // Missing nodes (inserted by error recovery) have no text; treat them as absent.
  static bool present(TSNode node) { return !ts_node_is_null(node) && !ts_node_is_missing(node); }

  Name name_of(TSNode node) const { return {Symbol(text(node)), loc(node)}; }

  void report(DiagnosticCode id, Location location, std::initializer_list<std::string_view> args) {
    out_.diagnostics.push_back(make_diagnostic(id, location, args));
  }

  // Whether only whitespace precedes `node` on its line (a trailing comment
  // after a statement documents that statement, not the next declaration).
  bool starts_line(TSNode node) const {
    uint32_t start = ts_node_start_byte(node);
    uint32_t column = ts_node_start_point(node).column;
    for (uint32_t i = start - column; i < start; ++i) {
      if (text_[i] != ' ' && text_[i] != '\t') return false;
    }
    return true;
  }

  // The comment lines directly above `declaration`, without their `#`.
  std::string doc_comment(const std::vector<TSNode>& comments, TSNode declaration) const {
    uint32_t expected_row = ts_node_start_point(declaration).row;
    size_t first = comments.size();
    while (first > 0) {
      TSNode comment = comments[first - 1];
      if (ts_node_end_point(comment).row + 1 != expected_row || !starts_line(comment)) break;
      expected_row = ts_node_start_point(comment).row;
      --first;
    }
    std::string doc;
    for (size_t i = first; i < comments.size(); ++i) {
      std::string_view line = text(comments[i]).substr(1);
      if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
      // A comment token runs to the '\n', so it keeps a CRLF file's '\r'.
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!doc.empty()) doc += '\n';
      doc += line;
    }
    return doc;
  }

  // One diagnostic per ERROR or MISSING node; the insides of an ERROR node are
  // not examined further, so one typo gives one diagnostic. Error recovery may
  // still split one mistake into several nodes: on one line (`input i y[d = d]`
  // gives two), or around a block it closed early (`inptu i = y[d = d] { a }`
  // ends the job body at the `}`, and the rest of the job is a second error).
  // So a node is taken as part of the previous mistake when it starts on the
  // line where that one ended, or when only closing brackets lie between them.
  void report_syntax_errors(TSNode root) {
    if (!ts_node_has_error(root)) return;
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    std::optional<TSNode> previous;
    auto report_once = [&](TSNode node, Location location, const std::string& message) {
      bool same_mistake = false;
      if (previous) {
        uint32_t gap_begin = ts_node_end_byte(*previous), gap_end = ts_node_start_byte(node);
        std::string_view gap =
            gap_begin < gap_end ? text_.substr(gap_begin, gap_end - gap_begin) : std::string_view();
        same_mistake = ts_node_start_point(node).row <= ts_node_end_point(*previous).row ||
                       gap.find_first_not_of(" \t\r\n}])") == std::string_view::npos;
      }
      previous = node;
      if (!same_mistake) report(DiagnosticCode::SyntaxError, location, {message});
    };
    while (true) {
      TSNode node = ts_tree_cursor_current_node(&cursor);
      bool descend = true;
      if (ts_node_is_missing(node)) {
        std::string what = ts_node_is_named(node) ? with_article(ts_node_type(node))
                                                  : "'" + std::string(ts_node_type(node)) + "'";
        for (char& c : what) c = c == '_' ? ' ' : c;
        report_once(node, loc(node),
                    "expected " + what + " in " + describe_context(ts_node_parent(node)));
        descend = false;
      } else if (is(node, "ERROR")) {
        report_once(node, error_location(node), unexpected_message(node));
        descend = false;
      } else if (!ts_node_has_error(node)) {
        descend = false;
      }
      if (descend && ts_tree_cursor_goto_first_child(&cursor)) continue;
      while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
        if (!ts_tree_cursor_goto_parent(&cursor)) {
          ts_tree_cursor_delete(&cursor);
          return;
        }
      }
    }
  }

  // The first token of an ERROR node: what the parser could not place.
  TSNode first_leaf(TSNode node) const {
    while (ts_node_child_count(node) > 0) node = ts_node_child(node, 0);
    return node;
  }

  Location error_location(TSNode error) const {
    TSNode leaf = first_leaf(error);
    // Point at the unexpected token; the whole ERROR node may span lines.
    return loc(ts_node_end_byte(leaf) > ts_node_start_byte(leaf) ? leaf : error);
  }

  std::string unexpected_message(TSNode error) const {
    std::string_view token = text(first_leaf(error));
    if (token.empty()) token = text(error);
    if (token.size() > 40) token = token.substr(0, 40);
    token = token.substr(0, token.find('\n'));
    TSNode parent = ts_node_parent(error);
    return "unexpected '" + std::string(token) + "' in " +
           describe_context(ts_node_is_null(parent) ? error : parent);
  }

  // ---- declarations --------------------------------------------------------

  void lower_declaration(TSNode node, Symbol doc) {
    Kind declaration = kind(node);
    if (declaration == Kind::WorkspaceDeclaration) {
      lower_workspace(node);
    } else if (declaration == Kind::PolicyDeclaration) {
      TSNode name = field(node, Field::Name);
      if (present(name)) out_.policies.push_back({name_of(name), doc, loc(node)});
    } else if (declaration == Kind::TypeDeclaration) {
      auto [name, value] = fields(node, Field::Name, Field::Value);
      if (!present(name)) return;
      TypeDecl type{name_of(name), {}, doc, loc(node)};
      if (present(value)) type.enumeration = lower_enum(value);
      out_.types.push_back(std::move(type));
    } else if (declaration == Kind::DatasetDeclaration) {
      lower_dataset(node, doc);
    } else if (declaration == Kind::JobDeclaration) {
      lower_job(node, doc);
    }
  }

  void lower_workspace(TSNode node) {
    TSNode name = field(node, Field::Name);
    Workspace workspace{
        present(name) ? name_of(name) : Name{Symbol(), loc(node)}, {}, {}, loc(node)};
    for_each_child(node, [&](TSNode child) {
      TSNode path = field(child, Field::Path);
      if (!present(path)) return;
      if (kind(child) == Kind::DataRootStatement) {
        set_once(workspace.data_root, lower_string(path), child, "data_root", "workspace",
                 workspace.name.text);
      } else if (kind(child) == Kind::CatalogStatement) {
        set_once(workspace.catalog, lower_string(path), child, "catalog", "workspace",
                 workspace.name.text);
      }
    });
    if (out_.workspace) {
      out_.diagnostics.push_back(
          make_diagnostic(DiagnosticCode::DuplicateDefinition, workspace.name.location,
                          {"workspace", workspace.name.text, ""},
                          {{out_.workspace->name.location, "the workspace is declared here"}}));
      return;
    }
    out_.workspace = std::move(workspace);
  }

  EnumType lower_enum(TSNode node) {
    std::vector<EnumValue>& values = scratch_.enum_values;
    values.clear();
    for_each_child(node, [&](TSNode value) {
      if (kind(value) == Kind::Identifier) {
        values.push_back({Symbol(text(value)), loc(value)});
      } else if (kind(value) == Kind::String) {
        values.push_back({lower_string(value).value, loc(value)});
      }
    });
    return {arena_.copy(values), loc(node)};
  }

  TypeRef lower_type(TSNode node) {
    TypeRef type;
    type.location = loc(node);
    if (kind(node) == Kind::EnumType) {
      type.inline_enum = arena_.make(lower_enum(node));
    } else {
      type.name = Symbol(text(node));
    }
    return type;
  }

  // Appends the names listed directly under `node` (policies, columns).
  void append_identifiers(TSNode node, std::vector<Name>& names) {
    for_each_child(node, [&](TSNode child) {
      if (kind(child) == Kind::Identifier) names.push_back(name_of(child));
    });
  }
  List<Name> identifiers(TSNode node) {
    std::vector<Name>& names = scratch_.names;
    names.clear();
    append_identifiers(node, names);
    return arena_.copy(names);
  }

  void lower_dataset(TSNode node, Symbol doc) {
    auto [name, keys, body] = fields(node, Field::Name, Field::Keys, Field::Body);
    if (!present(name)) return;
    Dataset dataset;
    dataset.name = name_of(name);
    dataset.doc = doc;
    dataset.declaration = loc(node);
    DatasetLists& lists = scratch_.dataset;
    lists.clear();
    if (!ts_node_is_null(keys)) {
      for_each_child(keys, [&](TSNode key) {
        if (kind(key) != Kind::KeyDeclaration) return;
        auto [key_name, key_type, since, until] =
            fields(key, Field::Name, Field::Type, Field::Since, Field::Until);
        if (!present(key_name) || !present(key_type)) return;
        KeyDecl decl{name_of(key_name), lower_type(key_type), {}, {}, loc(key)};
        // A `since` or `until` clause's value, when the clause has one.
        auto bound = [&](TSNode clause, Ref<Expr>& into) {
          if (ts_node_is_null(clause)) return;
          TSNode value = field(clause, Field::Value);
          if (present(value)) into = arena_.make(lower_expr(value));
        };
        bound(since, decl.since);
        bound(until, decl.until);
        lists.keys.push_back(decl);
      });
    }
    if (!ts_node_is_null(body)) {
      for_each_child(body,
                     [&](TSNode statement) { lower_dataset_statement(dataset, lists, statement); });
    }
    dataset.keys = arena_.copy(lists.keys);
    dataset.columns = arena_.copy(lists.columns);
    dataset.taints = arena_.copy(lists.taints);
    dataset.denies = arena_.copy(lists.denies);
    out_.datasets.push_back(dataset);
  }

  void lower_dataset_statement(Dataset& dataset, DatasetLists& lists, TSNode statement) {
    Kind statement_kind = kind(statement);
    Symbol owner = dataset.name.text;
    if (statement_kind == Kind::ColumnStatement) {
      auto [name, type, taints] = fields(statement, Field::Name, Field::Type, Field::Taints);
      if (!present(name) || !present(type)) return;
      Column column{name_of(name), name_of(type), {}, loc(statement)};
      if (!ts_node_is_null(taints)) column.taints = identifiers(taints);
      lists.columns.push_back(column);
    } else if (statement_kind == Kind::FormatStatement) {
      TSNode name = field(statement, Field::Name);
      if (present(name))
        set_once(dataset.format, name_of(name), statement, "format", "dataset", owner);
    } else if (statement_kind == Kind::TaintStatement) {
      append_identifiers(statement, lists.taints);
    } else if (statement_kind == Kind::DenyStatement) {
      append_identifiers(statement, lists.denies);
    } else if (statement_kind == Kind::ExternalStatement) {
      set_once(dataset.external, loc(statement), statement, "external", "dataset", owner);
    } else if (statement_kind == Kind::LocationStatement) {
      TSNode value = field(statement, Field::Template);
      if (present(value))
        set_once(dataset.location_template, lower_template(value), statement, "location", "dataset",
                 owner);
    } else if (statement_kind == Kind::ReadyStatement) {
      TSNode file = field(statement, Field::File);
      if (present(file))
        set_once(dataset.ready, lower_string(file), statement, "ready", "dataset", owner);
    } else if (statement_kind == Kind::WaitStatement) {
      TSNode duration = field(statement, Field::Duration);
      if (present(duration))
        set_once(dataset.wait, lower_expr(duration), statement, "wait", "dataset", owner);
    }
  }

  void lower_job(TSNode node, Symbol doc) {
    auto [name, parameters, body] = fields(node, Field::Name, Field::Parameters, Field::Body);
    if (!present(name)) return;
    Job job;
    job.name = name_of(name);
    job.doc = doc;
    job.declaration = loc(node);
    JobLists& lists = scratch_.job;
    lists.clear();
    if (!ts_node_is_null(parameters)) {
      for_each_child(parameters, [&](TSNode parameter) {
        if (kind(parameter) != Kind::Parameter) return;
        auto [parameter_name, type] = fields(parameter, Field::Name, Field::Type);
        if (!present(parameter_name) || !present(type)) return;
        lists.parameters.push_back({name_of(parameter_name), lower_type(type), loc(parameter)});
      });
    }
    if (!ts_node_is_null(body)) {
      for_each_child(body, [&](TSNode statement) { lower_job_statement(job, lists, statement); });
    }
    job.parameters = arena_.copy(lists.parameters);
    job.inputs = arena_.copy(lists.inputs);
    job.outputs = arena_.copy(lists.outputs);
    job.removals = arena_.copy(lists.removals);
    job.env = arena_.copy(lists.env);
    // A body cut short by a syntax error already has a diagnostic; do not pile
    // "missing statement" on top of it.
    if (!ts_node_has_error(node)) {
      if (job.outputs.empty())
        report(DiagnosticCode::MissingStatement, job.name.location, {job.name.text, "output"});
      if (!job.run)
        report(DiagnosticCode::MissingStatement, job.name.location, {job.name.text, "run"});
    }
    out_.jobs.push_back(job);
  }

  void lower_job_statement(Job& job, JobLists& lists, TSNode statement) {
    Kind statement_kind = kind(statement);
    Symbol owner = job.name.text;
    if (statement_kind == Kind::InputStatement || statement_kind == Kind::OutputStatement) {
      auto [name, pattern, columns] =
          fields(statement, Field::Name, Field::Pattern, Field::Columns);
      if (!present(name) || ts_node_is_null(pattern)) return;
      bool input = statement_kind == Kind::InputStatement;
      Port port{.name = name_of(name),
                .pattern = lower_pattern(pattern),
                .columns = {},
                .declaration = loc(statement),
                .kind = input ? PortKind::Input : PortKind::Output};
      if (!ts_node_is_null(columns)) port.columns = arena_.make(identifiers(columns));
      (input ? lists.inputs : lists.outputs).push_back(port);
    } else if (statement_kind == Kind::RemovesStatement) {
      TSNode reason = field(statement, Field::Reason);
      Removal removal{identifiers(statement), {}, loc(statement)};
      if (present(reason)) removal.reason = lower_string(reason);
      bool blank = removal.reason.value.view().find_first_not_of(" \t\n") == std::string::npos;
      if (present(reason) && blank) {
        std::string policies;
        for (const Name& policy : removal.policies)
          policies += (policies.empty() ? "'" : ", '") + policy.text + "'";
        report(DiagnosticCode::EmptyReason, removal.reason.location, {policies});
      }
      lists.removals.push_back(removal);
    } else if (statement_kind == Kind::RunStatement) {
      TSNode arguments = field(statement, Field::Arguments);
      std::vector<TemplateString>& argv = scratch_.arguments;
      argv.clear();
      if (!ts_node_is_null(arguments)) {
        for_each_child(arguments, [&](TSNode argument) {
          if (kind(argument) == Kind::TemplateString) argv.push_back(lower_template(argument));
        });
      }
      if (!job.run) job.run_location = loc(statement);
      set_once(job.run, arena_.copy(argv), statement, "run", "job", owner);
    } else if (statement_kind == Kind::EnvStatement) {
      auto [name, value] = fields(statement, Field::Name, Field::Value);
      if (present(name) && present(value))
        lists.env.push_back({name_of(name), lower_template(value), loc(statement)});
    } else if (statement_kind == Kind::RetriesStatement) {
      TSNode count = field(statement, Field::Count);
      if (present(count)) {
        Expr value = lower_expr(count);
        if (value.kind == ExprKind::Integer)
          set_once(job.retries, value.value(), statement, "retries", "job", owner);
      }
    } else if (statement_kind == Kind::TimeoutStatement) {
      TSNode duration = field(statement, Field::Duration);
      if (present(duration))
        set_once(job.timeout, lower_expr(duration), statement, "timeout", "job", owner);
    } else if (statement_kind == Kind::VersionStatement) {
      TSNode value = field(statement, Field::Value);
      if (present(value))
        set_once(job.version, lower_string(value), statement, "version", "job", owner);
    }
  }

  Pattern lower_pattern(TSNode node) {
    Pattern pattern;
    pattern.location = loc(node);
    auto [dataset, bindings] = fields(node, Field::Dataset, Field::Bindings);
    if (present(dataset)) pattern.dataset = name_of(dataset);
    if (ts_node_is_null(bindings)) return pattern;
    pattern.has_bindings = true;
    std::vector<Binding>& lowered_bindings = scratch_.bindings;
    lowered_bindings.clear();
    for_each_child(bindings, [&](TSNode binding) {
      if (kind(binding) != Kind::Binding) return;
      auto [key, op, value] = fields(binding, Field::Key, Field::Operator, Field::Value);
      if (!present(key)) return;
      Binding lowered;
      Name key_name = name_of(key);
      lowered.key_text = key_name.text;
      lowered.key_location = key_name.location;
      lowered.op = present(op) && text(op) == "in" ? BindingOperator::In : BindingOperator::Equals;
      lowered.end = ts_node_end_byte(binding);
      if (present(value)) {
        lowered.value = lower_expr(value);
      } else {
        lowered.value.location = loc(binding);
      }
      lowered_bindings.push_back(lowered);
    });
    pattern.bindings = arena_.copy(lowered_bindings);
    return pattern;
  }

  // ---- expressions and literals ---------------------------------------------

  // Lowers a whole expression. One that nests too deeply becomes a single
  // Invalid expression with one diagnostic: a partial tree would only make
  // linking report follow-up errors about its cut-off parts.
  Expr lower_expr(TSNode node) {
    too_deep_ = false;
    Expr expr = lower_subexpr(node, 0);
    if (!too_deep_) return expr;
    Expr invalid;
    invalid.location = loc(node);
    report(DiagnosticCode::InvalidExpression, invalid.location,
           {"expression is nested too deeply (more than " + std::to_string(kMaxExpressionDepth) +
            " levels)"});
    return invalid;
  }

  Expr lower_subexpr(TSNode node, int depth) {
    Expr expr;
    expr.location = loc(node);
    if (depth > kMaxExpressionDepth || too_deep_) {
      too_deep_ = true;
      return expr;
    }
    std::string_view source = text(node);
    Kind node_kind = kind(node);
    switch (node_kind) {
      case Kind::ParenthesizedExpression: {
        TSNode inner = ts_node_named_child(node, 0);
        while (!ts_node_is_null(inner) && kind(inner) == Kind::Comment)
          inner = ts_node_next_named_sibling(inner);
        return present(inner) ? lower_subexpr(inner, depth + 1) : expr;
      }
      case Kind::Identifier:
        expr.kind = ExprKind::Identifier;
        expr.text = Symbol(source);
        break;
      case Kind::Integer: {
        int64_t integer = 0;
        expr.kind = parse_integer(source, integer) ? ExprKind::Integer : ExprKind::Invalid;
        expr.set_value(integer);
        if (expr.kind == ExprKind::Invalid) invalid_literal(expr, source, "integer");
        break;
      }
      case Kind::Date:
      case Kind::Hour:
      case Kind::Month:
      case Kind::Duration:
        lower_time_literal(expr, source, node_kind);
        break;
      case Kind::String:
        expr.kind = ExprKind::String;
        expr.text = lower_string(node).value;
        break;
      case Kind::Now:
        expr.kind = ExprKind::Now;
        break;
      case Kind::Wildcard:
        expr.kind = ExprKind::Wildcard;
        break;
      case Kind::BinaryExpression:
      case Kind::Range: {
        bool binary = node_kind == Kind::BinaryExpression;
        auto [left, right, op] = binary ? fields(node, Field::Left, Field::Right, Field::Operator)
                                        : fields(node, Field::Start, Field::End, Field::Operator);
        if (!present(left) || !present(right)) return expr;
        expr.kind = binary ? ExprKind::Binary : ExprKind::Range;
        if (binary) expr.op = text(op) == "+" ? '+' : '-';
        const Expr operands[] = {lower_subexpr(left, depth + 1), lower_subexpr(right, depth + 1)};
        expr.set_operands(arena_.copy(std::span<const Expr>(operands)));
        break;
      }
      case Kind::CallExpression: {
        auto [function, arguments] = fields(node, Field::Function, Field::Arguments);
        if (!present(function)) return expr;
        expr.kind = ExprKind::Call;
        expr.text = Symbol(text(function));
        if (!ts_node_is_null(arguments)) {
          // Not a scratch list: arguments may hold calls of their own.
          std::vector<Expr> operands;
          for_each_child(arguments, [&](TSNode argument) {
            operands.push_back(lower_subexpr(argument, depth + 1));
          });
          expr.set_operands(arena_.copy(operands));
        }
        break;
      }
      default:
        break;
    }
    return expr;
  }

  // A date, hour, month or duration literal: its text, and its value when it
  // parses.
  void lower_time_literal(Expr& expr, std::string_view source, Kind literal) {
    struct TimeLiteral {
      ExprKind kind;
      std::optional<int64_t> (*parse)(std::string_view);
      std::string_view type;
    };
    TimeLiteral time = literal == Kind::Date   ? TimeLiteral{ExprKind::Date, parse_date, "date"}
                       : literal == Kind::Hour ? TimeLiteral{ExprKind::Hour, parse_hour, "hour"}
                       : literal == Kind::Month
                           ? TimeLiteral{ExprKind::Month, parse_month, "month"}
                           : TimeLiteral{ExprKind::Duration, parse_duration, "duration"};
    expr.text = Symbol(source);
    std::optional<int64_t> value = time.parse(source);
    if (!value) return invalid_literal(expr, source, time.type);
    expr.kind = time.kind;
    expr.set_value(*value);
  }

  static bool parse_integer(std::string_view digits, int64_t& value) {
    value = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      if (value > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) return false;
      value = value * 10 + (c - '0');
    }
    return !digits.empty();
  }

  void invalid_literal(Expr& expr, std::string_view source, std::string_view kind) {
    expr.kind = ExprKind::Invalid;
    report(DiagnosticCode::InvalidLiteral, expr.location, {source, kind});
  }

  static char unescape(std::string_view escape) {
    switch (escape.size() == 2 ? escape[1] : '\\') {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '"':
        return '"';
      default:
        return '\\';
    }
  }

  // The one child of a string that is plain text throughout (most strings
  // are), or nothing. Such a string's value is that child's source text,
  // interned as it stands instead of assembled from parts.
  static std::optional<TSNode> only_plain_text(TSNode string) {
    if (ts_node_named_child_count(string) != 1) return std::nullopt;
    std::optional<TSNode> content;
    visit_named_children(string, [&](TSNode child) {
      if (kind(child) == Kind::StringContent) content = child;
    });
    return content;
  }

  StringLiteral lower_string(TSNode node) {
    if (std::optional<TSNode> content = only_plain_text(node))
      return {Symbol(text(*content)), loc(node)};
    std::string value;
    for_each_child(node, [&](TSNode part) {
      if (kind(part) == Kind::EscapeSequence) {
        value += unescape(text(part));
      } else {
        value += text(part);
      }
    });
    return {Symbol(value), loc(node)};
  }

  TemplateString lower_template(TSNode node) {
    Location location = loc(node);
    // Whether a literal part at `part` is all the string holds between its
    // quotes: the string is then kept as TemplateString::literal.
    auto fills_quotes = [&](const Location& part) {
      return part.range.begin == location.range.begin + 1 &&
             part.range.end + 1 == location.range.end;
    };
    if (std::optional<TSNode> content = only_plain_text(node)) {
      std::string_view plain = text(*content);
      if (!plain.empty() && fills_quotes(loc(*content)))
        return TemplateString::literal(Symbol(plain), location);
    }
    std::vector<TemplatePart>& parts = scratch_.template_parts;
    parts.clear();
    // Consecutive literal pieces (text, escapes) make one part, interned once
    // complete.
    std::string literal;
    std::optional<Location> literal_location;
    auto append_literal = [&](TSNode part, std::string_view piece) {
      if (!literal_location) literal_location = loc(part);
      literal_location->range.end = ts_node_end_byte(part);
      literal += piece;
    };
    auto finish_literal = [&] {
      if (!literal_location) return;
      TemplatePart part;
      part.location = *literal_location;
      part.text = Symbol(literal);
      parts.push_back(part);
      literal.clear();
      literal_location.reset();
    };
    for_each_child(node, [&](TSNode part) {
      if (kind(part) == Kind::Interpolation) {
        finish_literal();
        TemplatePart interpolation;
        interpolation.location = loc(part);
        auto [value, format] = fields(part, Field::Value, Field::Format);
        interpolation.value = arena_.make(present(value) ? lower_expr(value) : Expr{});
        if (present(format)) {
          interpolation.has_format = true;
          interpolation.text = Symbol(text(format));
        }
        parts.push_back(interpolation);
      } else if (kind(part) == Kind::EscapeSequence) {
        char unescaped = unescape(text(part));
        append_literal(part, {&unescaped, 1});
      } else if (kind(part) == Kind::BraceEscape) {
        append_literal(part, text(part).substr(0, 1));
      } else if (kind(part) == Kind::StringContent) {
        append_literal(part, text(part));
      }
    });
    finish_literal();
    if (parts.size() == 1 && !parts[0].is_interpolation() && !parts[0].text.empty() &&
        fills_quotes(parts[0].location))
      return TemplateString::literal(parts[0].text, location);
    return TemplateString(arena_.copy(parts), location);
  }

  FileId file_;
  std::string_view text_;
  FileModel& out_;
  Arena& arena_;  // out_'s
  // Lists under construction, reused from one declaration to the next so that
  // a list costs one arena copy and no heap allocation. Each is in use by one
  // function at a time: declarations, patterns and templates do not nest.
  struct {
    DatasetLists dataset;
    JobLists job;
    std::vector<Binding> bindings;
    std::vector<TemplatePart> template_parts;
    std::vector<TemplateString> arguments;
    std::vector<EnumValue> enum_values;
    std::vector<Name> names;
  } scratch_;
  bool too_deep_ = false;  // the expression being lowered exceeds kMaxExpressionDepth
};

}  // namespace

FileModel lower_file(FileId file, std::string_view text, const SyntaxTree& tree) {
  FileModel model;
  model.file = file;
  Lowerer(file, text, model).lower_source(tree.root());
  return model;
}

FileModel parse_and_lower(FileId file, std::string_view text) {
  if (std::optional<std::string> why = binary_content(text)) {
    FileModel model;
    model.file = file;
    model.diagnostics.push_back(
        make_diagnostic(DiagnosticCode::SyntaxError, Location{file, {0, 0}}, {*why}));
    return model;
  }
  SyntaxTree tree = SyntaxTree::parse(text);
  return lower_file(file, text, tree);
}

}  // namespace databuild
