// Round trips and the escapes clients actually send.
#include "URI.h"

#include <gtest/gtest.h>

namespace databuild::lsp {
namespace {

TEST(URI, RoundTripsPathsWithSpacesAndNonAscii) {
  std::string path = "/tmp/my ws/régions.dbuild";
  EXPECT_EQ(path_to_uri(path), "file:///tmp/my%20ws/r%C3%A9gions.dbuild");
  EXPECT_EQ(uri_to_path(path_to_uri(path)), path);
}

TEST(URI, AcceptsLocalhostAndEscapedColons) {
  EXPECT_EQ(uri_to_path("file://localhost/a/b"), "/a/b");
  EXPECT_EQ(uri_to_path("file:///c%3A/x"), "/c:/x");
}

TEST(URI, RejectsOtherSchemesAndBadEscapes) {
  EXPECT_EQ(uri_to_path("untitled:Untitled-1"), std::nullopt);
  EXPECT_EQ(uri_to_path("file://server/share/a"), std::nullopt);
  EXPECT_EQ(uri_to_path("file:///a%zz"), std::nullopt);
  EXPECT_EQ(uri_to_path("file:///a%2"), std::nullopt);
}

}  // namespace
}  // namespace databuild::lsp
