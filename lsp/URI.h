// file:// URIs and the absolute paths they name (RFC 3986 percent-encoding).
//
// Clients differ in what they escape (VS Code escapes ':' and '@', Neovim does
// not), so decoding accepts any escape and encoding escapes everything outside
// the unreserved set and '/'. Paths are compared in their decoded form only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace databuild::lsp {

// The path of a file:// URI, or nullopt for other schemes and malformed text.
std::optional<std::string> uri_to_path(std::string_view uri);
std::string path_to_uri(std::string_view absolute_path);

}  // namespace databuild::lsp
