// The cache encoding round-trips every model lowering can produce: each
// grammar corpus case (valid and broken inputs alike) and each example file is
// lowered, encoded, decoded and compared field by field with the original.
// Damaged encodings decode to nothing rather than to a wrong model.
#include "model_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "lower.h"
#include "test_support.h"

namespace databuild {
namespace {

using testing::read_text;
using testing::sample_sources;

TEST(ModelCodec, EveryCorpusCaseAndExampleRoundTrips) {
  std::vector<std::string> sources = sample_sources();
  ASSERT_GT(sources.size(), 80u);
  for (const std::string& source : sources) {
    FileModel model = parse_and_lower(3, source);
    std::optional<FileModel> decoded = decode_file_model(encode_file_model(model), 3);
    ASSERT_TRUE(decoded) << source;
    EXPECT_TRUE(*decoded == model) << source;
  }
}

TEST(ModelCodec, DecodingAssignsTheGivenFile) {
  FileModel model = parse_and_lower(0, "dataset d[day: date] { external }\n");
  std::optional<FileModel> decoded = decode_file_model(encode_file_model(model), 7);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->file, 7u);
  ASSERT_EQ(decoded->datasets.size(), 1u);
  EXPECT_EQ(decoded->datasets[0].name.location.file, 7u);
  EXPECT_EQ(decoded->datasets[0].keys[0].type.location.file, 7u);
}

TEST(ModelCodec, DiagnosticsKeepTheirFiles) {
  std::vector<Diagnostic> diagnostics = {
      make_diagnostic(DiagnosticCode::UnknownKey, Location{2, {5, 9}}, {"d", "k"},
                      {{Location{4, {1, 2}}, "declared here"}}),
      make_diagnostic(DiagnosticCode::NoProducer, Location{0, {0, 1}}, {"x"}),
  };
  EXPECT_EQ(decode_diagnostics(encode_diagnostics(diagnostics)), diagnostics);
}

TEST(ModelCodec, TruncatedOrDamagedEncodingsAreRefused) {
  FileModel model = parse_and_lower(
      0, read_text(std::string(DATABUILD_EXAMPLES_DIR) + "/quickstart/metrics.dbuild"));
  std::string bytes = encode_file_model(model);
  ASSERT_GT(bytes.size(), 100u);
  for (size_t size = 0; size < bytes.size(); size += 1 + size / 8)
    EXPECT_FALSE(decode_file_model(std::string_view(bytes).substr(0, size), 0)) << size;
  EXPECT_FALSE(decode_file_model(bytes + "x", 0));
  // Random damage must never crash; it either fails or yields some model.
  std::mt19937 random(42);
  for (int round = 0; round < 2000; ++round) {
    std::string damaged = bytes;
    for (int flips = 0; flips < 3; ++flips)
      damaged[random() % damaged.size()] = static_cast<char>(random());
    (void)decode_file_model(damaged, 0);
  }
  // Lengths far beyond the input are refused before anything is allocated.
  EXPECT_FALSE(decode_file_model(std::string("\x01\xff\xff\xff\xff\xff\xff\xff\x7f", 9), 0));
  // A diagnostic code past the table is refused, not used as an index.
  EXPECT_FALSE(decode_diagnostics(std::string("\x01\x7f", 2)));
}

}  // namespace
}  // namespace databuild
