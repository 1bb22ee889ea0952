// The canonical text is scanned from the source, not from the syntax tree:
// walking every token of every job a second time cost more than the scan, and
// the runtime, which needs the hash, holds the text but no tree.
#include "definition_hash.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

namespace databuild {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// What canonical_definition() does with each character, looked up in a table
// (a run of kept characters is then one comparison per character).
enum class CanonicalClass : uint8_t { Kept, Space, Comment, Quote };

constexpr std::array<CanonicalClass, 256> kCanonicalClasses = [] {
  std::array<CanonicalClass, 256> classes{};
  for (unsigned char c : {' ', '\t', '\n', '\r'}) classes[c] = CanonicalClass::Space;
  classes['#'] = CanonicalClass::Comment;
  classes['"'] = CanonicalClass::Quote;
  return classes;
}();

CanonicalClass canonical_class(char c) { return kCanonicalClasses[static_cast<unsigned char>(c)]; }

}  // namespace

std::string canonical_definition(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool separated = false;  // whitespace or a comment since the last character kept
  for (size_t i = 0; i < text.size();) {
    CanonicalClass what = canonical_class(text[i]);
    if (what == CanonicalClass::Comment) {
      i = std::min(text.find('\n', i), text.size());
      separated = true;
    } else if (what == CanonicalClass::Space) {
      while (i < text.size() && canonical_class(text[i]) == CanonicalClass::Space) ++i;
      separated = true;
    } else {
      if (separated && !out.empty() && is_word_char(out.back()) && is_word_char(text[i]))
        out += ' ';
      separated = false;
      size_t end = i + 1;
      if (what == CanonicalClass::Quote) {  // to the closing quote, past escaped ones
        while (end < text.size() && text[end] != '"') end += text[end] == '\\' ? 2 : 1;
        end = std::min(end + 1, text.size());
      } else {  // a run of characters kept as they are, appended at once
        while (end < text.size() && canonical_class(text[end]) == CanonicalClass::Kept) ++end;
      }
      out.append(text.substr(i, end - i));
      i = end;
    }
  }
  return out;
}

ContentHash definition_hash(const Job& job, std::string_view source) {
  const ByteRange& range = job.declaration.range;
  // A text other than the one lowered would give a fingerprint that matches
  // nothing built before: every partition of the job would rebuild.
  if (range.begin > range.end || range.end > source.size())
    throw std::logic_error("definition_hash: job '" + std::string(job.name.text.view()) +
                           "' lies outside the text given");
  return hash_content(canonical_definition(source.substr(range.begin, range.end - range.begin)));
}

}  // namespace databuild
