// The semantic model: what a workspace declares, independent of syntax.
//
// It is the single source for `databuild check`, the language server and the
// runtime. It is built in two steps:
//   1. lower_file() turns one file's syntax tree into a FileModel: plain values
//      with source locations and no references to other files or to the tree,
//      so a FileModel can be cached by content and rebuilt for one edited file;
//   2. link() (link.h) resolves names across the workspace, fills the fields
//      marked "linked" below, records every reference, and reports diagnostics.
// Every struct compares field by field (operator==), which the cache's
// round-trip test relies on to notice a field the encoding forgot.
// Every element keeps the Location of its name (for navigation) and, where it
// has one, of its whole declaration (for folding, symbols and code actions).
// Lists and optional parts live in the file's Arena (arena.h) as List and Ref:
// the model is the largest thing `check` and the language server hold, and a
// std::vector per list cost more than the source text. So every struct below
// the FileModel is trivially destructible, and a FileModel is moved, never
// copied.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "arena.h"
#include "calendar.h"
#include "diagnostics.h"
#include "source.h"
#include "symbol.h"

namespace databuild {

struct Name {
  Symbol text;
  Location location;

  bool operator==(const Name&) const = default;
};

// ---- expressions ---------------------------------------------------------

enum class ExprKind : uint8_t {
  Identifier,  // a parameter, or an enum value (decided by link)
  Integer,
  Date,
  Hour,
  Month,
  Duration,
  String,
  Now,
  Binary,    // operands[0] op operands[1]
  Call,      // text = function name, operands = arguments
  Range,     // operands[0] .. operands[1]
  Wildcard,  // *
  Invalid,   // a syntax error or an invalid literal (already reported)
};

// Fields are ordered for packing, and a literal's value shares its place with
// an operator's operands, which no kind has both of: an Expr is 32 bytes, and
// there are several per pattern. Accessors read that place by kind, so a
// generic walk over operands never reads a literal's value as a list.
struct Expr {
  ExprKind kind = ExprKind::Invalid;
  char op = 0;  // '+' or '-' for Binary
  Location location;
  Symbol text;  // identifier, function name, string value, or literal text

  static bool has_operands(ExprKind kind) {
    return kind == ExprKind::Binary || kind == ExprKind::Call || kind == ExprKind::Range;
  }
  // Integer; Date/Hour/Month as calendar.h; Duration in seconds. 0 for the
  // kinds with operands.
  int64_t value() const { return has_operands(kind) ? 0 : static_cast<int64_t>(storage_); }
  // Binary: left and right; Call: the arguments; Range: first and last. None
  // for the other kinds.
  List<Expr> operands() const {
    return has_operands(kind) ? std::bit_cast<List<Expr>>(storage_) : List<Expr>();
  }
  // Either is stored in the same place; the kind decides which one reads it.
  void set_value(int64_t value) { storage_ = static_cast<uint64_t>(value); }
  void set_operands(List<Expr> operands) { storage_ = std::bit_cast<uint64_t>(operands); }

  // Call: the function name, which is where the call starts.
  Location function_location() const {
    return {location.file, {location.range.begin, location.range.begin + uint32_t(text.size())}};
  }

  bool operator==(const Expr& other) const {
    return kind == other.kind && op == other.op && location == other.location &&
           text == other.text && value() == other.value() && operands() == other.operands();
  }

 private:
  // The value or the operands (a List is one pointer, copied bitwise).
  uint64_t storage_ = 0;
  static_assert(sizeof(List<Expr>) == sizeof(uint64_t) && std::is_trivially_copyable_v<List<Expr>>);
};

// A string with `{expr[:format]}` interpolations (`run`, `env`, `location`).
// A part is either literal text or an interpolation, so one Symbol holds the
// literal's text or the interpolation's format: 32 bytes instead of 48.
struct TemplatePart {
  Location location;
  bool has_format = false;  // an interpolation with `:format`
  Symbol text;              // a literal's text, escapes decoded; or an interpolation's format
  Ref<Expr> value;          // present exactly for an interpolation (Invalid when `{}` is empty)

  bool is_interpolation() const { return value.has_value(); }
  // Empty for an interpolation.
  Symbol literal() const { return is_interpolation() ? Symbol() : text; }
  std::optional<Symbol> format() const {
    return has_format ? std::optional<Symbol>(text) : std::nullopt;
  }

  bool operator==(const TemplatePart&) const = default;
};

// The parts of a TemplateString, as a read-only range.
class TemplateParts {
 public:
  explicit TemplateParts(List<TemplatePart> list) : list_(list) {}
  explicit TemplateParts(const TemplatePart& single) : single_(single), is_single_(true) {}

  const TemplatePart* begin() const { return is_single_ ? &single_ : list_.begin(); }
  const TemplatePart* end() const { return is_single_ ? &single_ + 1 : list_.end(); }
  size_t size() const { return static_cast<size_t>(end() - begin()); }
  bool empty() const { return size() == 0; }
  const TemplatePart& operator[](size_t i) const { return begin()[i]; }
  // Bounds-checked, as std::vector::at.
  const TemplatePart& at(size_t i) const {
    return i < size() ? begin()[i] : throw std::out_of_range("TemplateParts::at");
  }

 private:
  List<TemplatePart> list_;
  TemplatePart single_;
  bool is_single_ = false;
};

// Most `run` arguments are one piece of literal text filling the space between
// their quotes: such a string keeps that text instead of a list of one part
// (24 bytes in all instead of 64), and parts() shows it as that one part.
struct TemplateString {
  Location location;

  TemplateString() = default;
  TemplateString(List<TemplatePart> parts, Location location) : location(location), parts_(parts) {}
  // A string whose one part is literal `text` (escapes decoded, not empty)
  // spanning everything between the quotes.
  static TemplateString literal(Symbol text, Location location) {
    TemplateString string;
    string.location = location;
    string.literal_ = text;
    return string;
  }

  bool is_literal() const { return !literal_.empty(); }
  TemplateParts parts() const {
    if (!is_literal()) return TemplateParts(parts_);
    TemplatePart part;
    part.location = {location.file, {location.range.begin + 1, location.range.end - 1}};
    part.text = literal_;
    return TemplateParts(part);
  }
  // The parts kept as a list: none for a literal string.
  List<TemplatePart> listed_parts() const { return parts_; }

  bool operator==(const TemplateString& other) const {
    return location == other.location && literal_ == other.literal_ &&
           std::ranges::equal(parts(), other.parts());
  }

 private:
  Symbol literal_;  // empty unless is_literal()
  List<TemplatePart> parts_;
};

struct StringLiteral {
  Symbol value;  // escapes decoded
  Location location;

  bool operator==(const StringLiteral&) const = default;
};

// ---- types ---------------------------------------------------------------

enum class KeyKind : uint8_t { Date, Hour, Month, Int, String, Enum, Unknown };

struct EnumValue {
  Symbol value;
  Location location;

  bool operator==(const EnumValue&) const = default;
};

struct EnumType {
  List<EnumValue> values;
  Location location;

  bool operator==(const EnumType&) const = default;
};

// A key or parameter type as written: a builtin or named type, or an inline enum.
// The 4-byte fields come first, linked ones among them, for packing: 40 bytes.
struct TypeRef {
  Location location;
  Symbol name;  // empty for an inline enum
  // Linked.
  Symbol display;  // "date", "region", "enum(a, b)"
  KeyKind kind = KeyKind::Unknown;

  Ref<EnumType> inline_enum;
  // Linked.
  const EnumType* enumeration = nullptr;  // for KeyKind::Enum

  bool operator==(const TypeRef&) const = default;
};

// ---- declarations ----------------------------------------------------------

struct Workspace {
  Name name;
  std::optional<StringLiteral> data_root;
  std::optional<StringLiteral> catalog;
  Location declaration;

  bool operator==(const Workspace&) const = default;
};

struct Policy {
  Name name;
  Symbol doc;
  Location declaration;

  bool operator==(const Policy&) const = default;
};

struct TypeDecl {
  Name name;
  EnumType enumeration;
  Symbol doc;
  Location declaration;

  bool operator==(const TypeDecl&) const = default;
};

struct KeyDecl {
  Name name;
  TypeRef type;
  Ref<Expr> since;
  Ref<Expr> until;  // may be `now` or `now - DURATION`
  Location declaration;

  bool operator==(const KeyDecl&) const = default;
};

struct Column {
  Name name;
  Name type;  // string int float bool date timestamp bytes
  List<Name> taints;
  Location declaration;

  bool operator==(const Column&) const = default;
};

// Linked into Dataset::link_index and Job::link_index for a second definition
// of a name, which takes no part in the workspace.
inline constexpr uint32_t kNotLinked = UINT32_MAX;

struct Dataset {
  Name name;
  Symbol doc;
  Location declaration;
  // Linked: the position in LinkedWorkspace::datasets (which keeps declaration
  // order), or kNotLinked. Dense, so the workspace-wide checks index arrays
  // by it instead of hashing pointers.
  uint32_t link_index = kNotLinked;
  List<KeyDecl> keys;
  List<Column> columns;
  Ref<Name> format;
  List<Name> taints;
  List<Name> denies;
  Ref<Location> external;  // the `external` statement
  Ref<TemplateString> location_template;
  Ref<StringLiteral> ready;
  Ref<Expr> wait;  // a Duration

  bool is_external() const { return external.has_value(); }
  // The definition its name resolves to (not a duplicate), once linked.
  bool canonical() const { return link_index != kNotLinked; }
  const KeyDecl* find_key(std::string_view key) const;
  const Column* find_column(std::string_view column) const;

  bool operator==(const Dataset&) const = default;
};

struct Parameter {
  Name name;
  TypeRef type;
  Location declaration;

  bool operator==(const Parameter&) const = default;
};

enum class BindingOperator : uint8_t { Equals, In };

// `key = value` or `key in value`. The key's Name is kept as its two parts
// so that the binding's end fits where the Name's padding would be: 64 bytes
// instead of 96 with a Name and the binding's whole Location.
struct Binding {
  Symbol key_text;
  Location key_location;
  // Where the binding ends: past its value's end when the value is in parentheses.
  uint32_t end = 0;
  Expr value;  // Range and Wildcard only appear here
  BindingOperator op = BindingOperator::Equals;

  // Linked: the index of `key` in the dataset's keys, or -1.
  int key_index = -1;

  Name key() const { return {key_text, key_location}; }
  // The whole binding, from its key through its value.
  Location location() const { return {key_location.file, {key_location.range.begin, end}}; }

  bool operator==(const Binding&) const = default;
};

struct Pattern {
  Name dataset;
  List<Binding> bindings;
  // Linked: the dataset read or written, or nullptr when unresolved.
  const Dataset* target = nullptr;
  Location location;
  bool has_bindings = false;  // `[...]` present

  bool operator==(const Pattern&) const = default;
};

enum class PortKind : uint8_t { Input, Output };

struct Port {
  Name name;
  Pattern pattern;
  Ref<List<Name>> columns;  // inputs only: `{ col, ... }`
  Location declaration;
  PortKind kind = PortKind::Input;

  bool operator==(const Port&) const = default;
};

struct Removal {
  List<Name> policies;
  StringLiteral reason;
  Location declaration;

  bool operator==(const Removal&) const = default;
};

struct EnvVar {
  Name name;
  TemplateString value;
  Location declaration;

  bool operator==(const EnvVar&) const = default;
};

struct Job {
  Name name;
  Symbol doc;
  Location declaration;
  // Linked: the position in LinkedWorkspace::jobs, or kNotLinked (as for
  // Dataset::link_index).
  uint32_t link_index = kNotLinked;
  List<Parameter> parameters;
  List<Port> inputs;
  List<Port> outputs;
  List<Removal> removals;
  Ref<List<TemplateString>> run;
  Location run_location;
  List<EnvVar> env;
  Ref<int64_t> retries;
  Ref<Expr> timeout;  // a Duration
  Ref<StringLiteral> version;
  // The part of the runtime's fingerprint that comes from the job block's text
  // is not kept here: definition_hash.h computes it from the source.

  const Parameter* find_parameter(std::string_view parameter) const;
  // The definition its name resolves to (not a duplicate), once linked.
  bool canonical() const { return link_index != kNotLinked; }

  bool operator==(const Job&) const = default;
};

// One file's declarations, as lowered from its syntax tree.
struct FileModel {
  FileId file = 0;
  std::optional<Workspace> workspace;
  std::vector<Policy> policies;
  std::vector<TypeDecl> types;
  std::vector<Dataset> datasets;
  std::vector<Job> jobs;
  // Syntax errors and per-file checks (invalid literals, duplicate statements).
  std::vector<Diagnostic> diagnostics;
  // Owns every List and Ref above.
  ArenaHandle arena;

  FileModel() = default;
  FileModel(FileModel&&) = default;
  FileModel& operator=(FileModel&&) = default;

  bool operator==(const FileModel&) const = default;
};

static_assert(std::is_trivially_destructible_v<Dataset> && std::is_trivially_destructible_v<Job> &&
                  std::is_trivially_destructible_v<Policy> &&
                  std::is_trivially_destructible_v<TypeDecl>,
              "model structs live in arenas, which run no destructors");
// The sizes the comments above count on, on 64-bit targets: the model is the
// largest thing `check` and the language server hold (docs/benchmarks.md).
static_assert(sizeof(void*) != 8 ||
                  (sizeof(Name) == 16 && sizeof(Expr) == 32 && sizeof(TemplatePart) == 32 &&
                   sizeof(TemplateString) == 24 && sizeof(Binding) == 64 && sizeof(Port) == 88 &&
                   sizeof(TypeRef) == 40 && sizeof(Dataset) == 112 && sizeof(Job) == 128),
              "a model struct grew: check its field order and docs/benchmarks.md");

}  // namespace databuild
