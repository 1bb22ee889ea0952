#include "definition_hash.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "lower.h"

namespace databuild {
namespace {

// The hash of the one job `text` declares.
ContentHash hash_of(std::string_view text) {
  FileModel model = parse_and_lower(0, text);
  EXPECT_EQ(model.jobs.size(), 1u) << text;
  return definition_hash(model.jobs.at(0), text);
}

TEST(DefinitionHash, IgnoresLayoutAndComments) {
  ContentHash plain = hash_of("job j { output o = x  run [\"a b\"] }");
  EXPECT_EQ(hash_of("job j {\n  # comment\n  output o = x\n  run [ \"a b\" ]\n}\n"), plain);
  EXPECT_EQ(hash_of("job j {\r\n\toutput o = x\r\n\trun [\"a b\"]\r\n}\r\n"), plain);
  // Whitespace goes, except one space between two word characters.
  EXPECT_EQ(canonical_definition("job j { output o = x  run [\"a b\"] }"),
            "job j{output o=x run[\"a b\"]}");
  EXPECT_EQ(plain, hash_content("job j{output o=x run[\"a b\"]}"));
}

// Catalogs keep fingerprints made of this hash: a change to the value
// (canonical form or hash function) rebuilds every partition of every user's
// workspace after an upgrade. Change the pinned value only on purpose, and say
// so in docs/runtime.md.
TEST(DefinitionHash, IsTheValueCatalogsAlreadyHold) {
  EXPECT_EQ(hash_of("job j { output o = x run [\"a b\"] }").hex(),
            "409bb0ab32a0471ab18742bae3ca44b6");
}

TEST(DefinitionHash, CountsWhatStringsHoldButNotComments) {
  ContentHash plain = hash_of("job j { output o = x run [\"a b\"] }");
  EXPECT_NE(hash_of("job j { output o = x run [\"a c\"] }"), plain);
  EXPECT_NE(hash_of("job j { output o = x run [\"a  b\"] }"), plain);
  // A '#' in a string counts; quotes in a comment do not start a string.
  EXPECT_EQ(hash_of("job j { output o = x run [\"#1 \\\" x\"] }"),
            hash_of("job j {\n  output o = x # \"quoted\" comment\n  run [ \"#1 \\\" x\" ]\n}"));
  EXPECT_NE(hash_of("job j { output o = x run [\"#1\"] }"),
            hash_of("job j { output o = x run [\"#2\"] }"));
}

TEST(DefinitionHash, CoversTheJobAloneWhereverItIsInItsFile) {
  std::string job = "job j { output o = x run [\"a\"] }";
  std::string file = "dataset x\n\n# the job\n" + job + "\n\ndataset y\n";
  FileModel model = parse_and_lower(0, file);
  ASSERT_EQ(model.jobs.size(), 1u);
  EXPECT_EQ(definition_hash(model.jobs[0], file), hash_of(job));
}

TEST(DefinitionHash, RefusesATextTheJobIsNotIn) {
  std::string file = "job j { output o = x run [\"a\"] }";
  FileModel model = parse_and_lower(0, file);
  ASSERT_EQ(model.jobs.size(), 1u);
  EXPECT_THROW(definition_hash(model.jobs[0], "job j"), std::logic_error);
}

}  // namespace
}  // namespace databuild
