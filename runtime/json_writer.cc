// JsonWriter: separators and line breaks from a stack of member counts, and
// the escaping of strings, copying the runs of bytes that need none whole.
#include "json_writer.h"

#include <charconv>

namespace databuild {

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  size_t plain = 0;  // the start of the bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
      }
    }
  }
  out.append(text, plain, text.size() - plain);
  out += '"';
}

void JsonWriter::new_line(size_t depth) {
  text_ += '\n';
  text_.append(depth * static_cast<size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (members_.empty()) return;
  if (members_.back()++ > 0) text_ += ',';
  if (indent_ > 0) new_line(members_.size());
}

JsonWriter& JsonWriter::open(char bracket) {
  before_value();
  text_ += bracket;
  members_.push_back(0);
  return *this;
}

JsonWriter& JsonWriter::close(char bracket) {
  size_t members = members_.back();
  members_.pop_back();
  if (indent_ > 0 && members > 0) new_line(members_.size());
  text_ += bracket;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(text_, name);
  text_ += indent_ > 0 ? ": " : ":";
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  append_json_string(text_, text);
  return *this;
}

template <typename Integer>
JsonWriter& JsonWriter::integer(Integer number) {
  before_value();
  char digits[24];
  text_.append(digits, std::to_chars(digits, digits + sizeof digits, number).ptr);
  return *this;
}

JsonWriter& JsonWriter::value(int64_t number) { return integer(number); }
JsonWriter& JsonWriter::value(uint64_t number) { return integer(number); }

}  // namespace databuild
