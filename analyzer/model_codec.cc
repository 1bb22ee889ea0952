// Each model struct's fields are listed once, in a `fields` overload that
// both the Encoder and the Decoder walk, so the two directions cannot drift
// apart. Integers are LEB128 varints (most values in a model are small offsets
// and counts); strings and vectors are length-prefixed. The Decoder trusts
// nothing: every length is checked against the bytes left, nesting is bounded,
// and the first inconsistency fails the whole decode.
#include "model_codec.h"

#include <algorithm>
#include <type_traits>

namespace databuild {

namespace {

// ---- field lists -----------------------------------------------------------
// Linked fields (model.h) are deliberately absent.

template <class A>
void fields(A& a, Name& x) {
  a(x.text, x.location);
}
template <class A>
void fields(A& a, ContentHash& x) {
  a(x.high, x.low);
}
template <class A>
void fields(A& a, Expr& x) {
  a(x.kind, x.location, x.text, x.op);
  if (Expr::has_operands(x.kind)) {
    List<Expr> operands = x.operands();
    a(operands);
    x.set_operands(operands);
  } else {
    int64_t value = x.value();
    a(value);
    x.set_value(value);
  }
}
template <class A>
void fields(A& a, TemplatePart& x) {
  a(x.has_format, x.text, x.value, x.location);
}
template <class A>
void fields(A& a, TemplateString& x) {
  bool literal = x.is_literal();
  a(literal, x.location);
  if (literal) {
    Symbol text = x.is_literal() ? x.parts()[0].text : Symbol();
    a(text);
    x = TemplateString::literal(text, x.location);
  } else {
    List<TemplatePart> parts = x.listed_parts();
    a(parts);
    x = TemplateString(parts, x.location);
  }
}
template <class A>
void fields(A& a, StringLiteral& x) {
  a(x.value, x.location);
}
template <class A>
void fields(A& a, EnumValue& x) {
  a(x.value, x.location);
}
template <class A>
void fields(A& a, EnumType& x) {
  a(x.values, x.location);
}
template <class A>
void fields(A& a, TypeRef& x) {
  a(x.location, x.name, x.inline_enum);
}
template <class A>
void fields(A& a, Workspace& x) {
  a(x.name, x.data_root, x.catalog, x.declaration);
}
template <class A>
void fields(A& a, Policy& x) {
  a(x.name, x.doc, x.declaration);
}
template <class A>
void fields(A& a, TypeDecl& x) {
  a(x.name, x.enumeration, x.doc, x.declaration);
}
template <class A>
void fields(A& a, KeyDecl& x) {
  a(x.name, x.type, x.since, x.until, x.declaration);
}
template <class A>
void fields(A& a, Column& x) {
  a(x.name, x.type, x.taints, x.declaration);
}
template <class A>
void fields(A& a, Dataset& x) {
  a(x.name, x.doc, x.declaration, x.keys, x.columns, x.format, x.taints, x.denies, x.external,
    x.location_template, x.ready, x.wait);
}
template <class A>
void fields(A& a, Parameter& x) {
  a(x.name, x.type, x.declaration);
}
template <class A>
void fields(A& a, Binding& x) {
  a(x.key_text, x.key_location, x.end, x.op, x.value);
}
template <class A>
void fields(A& a, Pattern& x) {
  a(x.dataset, x.has_bindings, x.bindings, x.location);
}
template <class A>
void fields(A& a, Port& x) {
  a(x.kind, x.name, x.pattern, x.columns, x.declaration);
}
template <class A>
void fields(A& a, Removal& x) {
  a(x.policies, x.reason, x.declaration);
}
template <class A>
void fields(A& a, EnvVar& x) {
  a(x.name, x.value, x.declaration);
}
template <class A>
void fields(A& a, Job& x) {
  a(x.name, x.doc, x.declaration, x.parameters, x.inputs, x.outputs, x.removals, x.run,
    x.run_location, x.env, x.retries, x.timeout, x.version);
}
template <class A>
void fields(A& a, RelatedLocation& x) {
  a(x.location, x.message);
}
template <class A>
void fields(A& a, Diagnostic& x) {
  a(x.id, x.severity, x.location, x.message, x.related);
}
template <class A>
void fields(A& a, FileModel& x) {
  a(x.workspace, x.policies, x.types, x.datasets, x.jobs, x.diagnostics);
}

// ---- the two directions ----------------------------------------------------

// One past the largest value of each encoded enum, so that the Decoder can
// refuse values no encoder wrote (a DiagnosticCode out of range would index
// past the diagnostics table).
template <class T>
uint64_t enum_limit();
template <>
uint64_t enum_limit<ExprKind>() {
  return static_cast<uint64_t>(ExprKind::Invalid) + 1;
}
template <>
uint64_t enum_limit<BindingOperator>() {
  return static_cast<uint64_t>(BindingOperator::In) + 1;
}
template <>
uint64_t enum_limit<PortKind>() {
  return static_cast<uint64_t>(PortKind::Output) + 1;
}
template <>
uint64_t enum_limit<Severity>() {
  return static_cast<uint64_t>(Severity::Note) + 1;
}
template <>
uint64_t enum_limit<DiagnosticCode>() {
  return all_diagnostics().size();
}

// How Locations carry their FileId. In a FileModel the file is implied: a
// Location in the model's own file decodes to the FileId the decoder is given
// (0 on the wire), any other, such as an absent Location{} in a model that is
// not file 0, keeps its FileId (n + 1). A workspace's diagnostics span files
// and encode each FileId as it is.
enum class FileIds { Implied, Encoded };

class Encoder {
 public:
  // `file`: the model's own FileId when `file_ids` is Implied.
  Encoder(FileIds file_ids, FileId file) : file_ids_(file_ids), file_(file) {}

  template <class... T>
  void operator()(T&... values) {
    (put(values), ...);
  }
  std::string take() { return std::move(bytes_); }

 private:
  void varint(uint64_t value) {
    for (; value >= 0x80; value >>= 7) bytes_ += static_cast<char>(value | 0x80);
    bytes_ += static_cast<char>(value);
  }
  template <class T>
  void put(T& value) {
    if constexpr (std::is_enum_v<T>) {
      varint(static_cast<uint64_t>(value));
    } else if constexpr (std::is_same_v<T, int64_t>) {
      // Zigzag, so that small negative numbers stay short.
      varint((static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63));
    } else if constexpr (std::is_integral_v<T>) {
      varint(static_cast<uint64_t>(value));
    } else {
      fields(*this, value);
    }
  }
  void put(std::string& value) {
    varint(value.size());
    bytes_ += value;
  }
  void put(Symbol& value) {
    varint(value.size());
    bytes_ += value.view();
  }
  void put(Location& value) {
    if (file_ids_ == FileIds::Encoded)
      varint(value.file);
    else
      varint(value.file == file_ ? 0 : uint64_t{value.file} + 1);
    varint(value.range.begin);
    varint(value.range.end);
  }
  template <class T>
  void put(std::optional<T>& value) {
    varint(value.has_value());
    if (value) put(*value);
  }
  template <class T>
  void put(Ref<T>& value) {
    varint(value.has_value());
    if (value) put(*value);
  }
  template <class T>
  void put(std::vector<T>& values) {
    put_all(values);
  }
  template <class T>
  void put(List<T>& values) {
    put_all(values);
  }
  template <class Values>
  void put_all(Values& values) {
    varint(values.size());
    for (auto& value : values) put(value);
  }

  FileIds file_ids_;
  FileId file_;
  std::string bytes_;
};

class Decoder {
 public:
  // `arena`: where the model's lists go; none for diagnostics.
  Decoder(std::string_view bytes, FileIds file_ids, FileId file, Arena* arena)
      : bytes_(bytes), file_ids_(file_ids), file_(file), arena_(arena) {}

  template <class... T>
  void operator()(T&... values) {
    (get(values), ...);
  }
  // True when every byte was consumed and all of it made sense.
  bool complete() const { return !failed_ && position_ == bytes_.size(); }

 private:
  // Deeper than lowering ever nests an expression (lower.cc caps it), so only
  // corrupt input gets here; the cap keeps it from exhausting the stack.
  static constexpr int kMaxDepth = 4096;

  uint64_t varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && position_ < bytes_.size(); shift += 7) {
      auto byte = static_cast<unsigned char>(bytes_[position_++]);
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return value;
    }
    failed_ = true;
    return 0;
  }
  // A count of items each taking at least one byte, so never more than remain.
  size_t count() {
    uint64_t n = varint();
    if (n > bytes_.size() - position_) failed_ = true;
    return failed_ ? 0 : static_cast<size_t>(n);
  }
  // A length-prefixed run of bytes; empty once decoding has failed.
  std::string_view take_text() {
    size_t size = count();
    if (failed_) return {};
    std::string_view text = bytes_.substr(position_, size);
    position_ += size;
    return text;
  }
  template <class T>
  void get(T& value) {
    if (failed_) return;
    if constexpr (std::is_enum_v<T>) {
      uint64_t raw = varint();
      if (raw >= enum_limit<T>()) failed_ = true;
      value = static_cast<T>(failed_ ? 0 : raw);
    } else if constexpr (std::is_same_v<T, int64_t>) {
      uint64_t zigzag = varint();
      value = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
    } else if constexpr (std::is_integral_v<T>) {
      uint64_t raw = varint();
      value = static_cast<T>(raw);
      if (static_cast<uint64_t>(value) != raw) failed_ = true;
    } else {
      if (++depth_ > kMaxDepth) failed_ = true;
      if (!failed_) fields(*this, value);
      --depth_;
    }
  }
  void get(std::string& value) { value.assign(take_text()); }
  void get(Symbol& value) { value = Symbol(take_text()); }
  void get(Location& value) {
    uint64_t file = varint();
    if (file_ids_ == FileIds::Encoded)
      value.file = static_cast<FileId>(file);
    else
      value.file = file == 0 ? file_ : static_cast<FileId>(file - 1);
    get(value.range.begin);
    get(value.range.end);
  }
  template <class T>
  void get(std::optional<T>& value) {
    if (failed_ || !varint()) return;
    get(value.emplace());
  }
  template <class T>
  void get(Ref<T>& value) {
    if (failed_ || !varint()) return;
    value = arena_->make(T{});
    get(*value);
  }
  template <class T>
  void get(std::vector<T>& values) {
    size_t size = count();
    values.resize(size);
    for (T& value : values) get(value);
  }
  template <class T>
  void get(List<T>& values) {
    values = arena_->make_list<T>(count());
    for (T& value : values) get(value);
  }

  std::string_view bytes_;
  size_t position_ = 0;
  FileIds file_ids_;
  FileId file_;
  Arena* arena_;
  int depth_ = 0;
  bool failed_ = false;
};

template <class T>
std::string encode(const T& value, FileIds file_ids, FileId file = 0) {
  Encoder encoder(file_ids, file);
  // The Encoder only reads; `fields` takes non-const references so that one
  // list serves both directions.
  encoder(const_cast<T&>(value));
  return encoder.take();
}

// Where decoding `value` puts its lists: a model's own arena, sized like the
// encoding (a decoded model takes a few times its encoded bytes).
Arena* arena_for(FileModel& value, std::string_view bytes) {
  return &value.arena.get(std::clamp<size_t>(bytes.size(), 1024, 16 * 1024));
}
Arena* arena_for(std::vector<Diagnostic>&, std::string_view) { return nullptr; }

template <class T>
std::optional<T> decode(std::string_view bytes, FileIds file_ids, FileId file = 0) {
  T value;
  Decoder decoder(bytes, file_ids, file, arena_for(value, bytes));
  decoder(value);
  if (!decoder.complete()) return std::nullopt;
  return value;
}

}  // namespace

std::string encode_file_model(const FileModel& model) {
  return encode(model, FileIds::Implied, model.file);
}

std::optional<FileModel> decode_file_model(std::string_view bytes, FileId file) {
  std::optional<FileModel> model = decode<FileModel>(bytes, FileIds::Implied, file);
  if (model) model->file = file;
  return model;
}

std::string encode_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  return encode(diagnostics, FileIds::Encoded);
}

std::optional<std::vector<Diagnostic>> decode_diagnostics(std::string_view bytes) {
  return decode<std::vector<Diagnostic>>(bytes, FileIds::Encoded);
}

}  // namespace databuild
