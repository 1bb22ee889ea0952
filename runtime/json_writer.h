// JsonWriter: the JSON documents the builder writes for every job (a run's
// parameters, its DATABUILD_CONFIG document, an output's manifest), appended
// to one string as they are built.
//
// Why not nlohmann::json, which the rest of the runtime uses: building a
// document as a tree of nodes and then serializing it (each string checked
// for UTF-8 byte by byte) was a tenth of the runner's instructions for trivial
// jobs (docs/benchmarks.md). The
// text is the same as nlohmann's `dump()` (compact) or `dump(2)` (indented),
// escapes included, so what jobs, the catalog and readers of kept config
// files see does not change; json_writer_test compares the two. One
// difference: bytes that are not valid UTF-8 are written as they are, where
// `dump()` would throw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace databuild {

class JsonWriter {
 public:
  // `indent` spaces per level, each member on a line of its own; 0: compact.
  explicit JsonWriter(int indent = 0) : indent_(indent) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // The next member's name, inside an object.
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(int64_t number);
  JsonWriter& value(uint64_t number);

  // The document so far (complete once every container is closed).
  const std::string& text() const { return text_; }
  std::string take() { return std::move(text_); }

 private:
  JsonWriter& open(char bracket);
  JsonWriter& close(char bracket);
  // Before a value: the separator and line break it needs, unless it follows
  // its key.
  void before_value();
  void new_line(size_t depth);
  template <typename Integer>
  JsonWriter& integer(Integer number);

  int indent_;
  std::string text_;
  std::vector<size_t> members_;  // per open container: members so far
  bool after_key_ = false;
};

// Appends `text` to `out` as a JSON string: quoted, with `"`, `\` and control
// characters escaped as nlohmann's dump() escapes them.
void append_json_string(std::string& out, std::string_view text);

}  // namespace databuild
