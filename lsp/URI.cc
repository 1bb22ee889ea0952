// Only the `file` scheme with an empty or "localhost" authority names a local
// path; anything else is not ours to open.
#include "URI.h"

namespace databuild::lsp {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::optional<std::string> uri_to_path(std::string_view uri) {
  constexpr std::string_view kScheme = "file://";
  if (uri.size() < kScheme.size() || uri.substr(0, 4) != "file" || uri.substr(4, 3) != "://")
    return std::nullopt;
  std::string_view rest = uri.substr(kScheme.size());
  size_t path_begin = rest.find('/');
  if (path_begin == std::string_view::npos) return std::nullopt;
  std::string_view authority = rest.substr(0, path_begin);
  if (!authority.empty() && authority != "localhost") return std::nullopt;
  std::string path;
  for (size_t i = path_begin; i < rest.size(); ++i) {
    if (rest[i] == '?' || rest[i] == '#') break;
    if (rest[i] != '%') {
      path += rest[i];
      continue;
    }
    int high = i + 2 < rest.size() ? hex_value(rest[i + 1]) : -1;
    int low = i + 2 < rest.size() ? hex_value(rest[i + 2]) : -1;
    if (high < 0 || low < 0) return std::nullopt;
    path += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return path;
}

std::string path_to_uri(std::string_view absolute_path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : absolute_path) {
    if (is_unreserved(c) || c == '/') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri;
}

}  // namespace databuild::lsp
