// The cache encoding round-trips every model lowering can produce: each
// grammar corpus case (valid and broken inputs alike) and each example file is
// lowered, encoded, decoded and compared field by field with the original.
// Damaged encodings decode to nothing rather than to a wrong model.
#include "model_codec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "lower.h"

namespace databuild {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The inputs of a tree-sitter corpus file: the text between a case's closing
// "====" line and its "----" line.
std::vector<std::string> corpus_inputs(const std::string& corpus) {
  std::vector<std::string> inputs;
  std::istringstream lines(corpus);
  std::string line, input;
  enum { Outside, Name, Input } state = Outside;
  while (std::getline(lines, line)) {
    bool rule = line.size() >= 3 && line.find_first_not_of('=') == std::string::npos;
    bool dashes = line.size() >= 3 && line.find_first_not_of('-') == std::string::npos;
    if (rule) {
      state = state == Name ? Input : Name;
      input.clear();
    } else if (dashes && state == Input) {
      inputs.push_back(input);
      state = Outside;
    } else if (state == Input) {
      input += line + "\n";
    }
  }
  return inputs;
}

std::vector<std::string> sample_sources() {
  std::vector<std::string> sources;
  for (const auto& entry : fs::directory_iterator(DATABUILD_CORPUS_DIR)) {
    for (std::string& input : corpus_inputs(read_text(entry.path())))
      sources.push_back(std::move(input));
  }
  for (const auto& entry : fs::recursive_directory_iterator(DATABUILD_EXAMPLES_DIR)) {
    if (entry.path().extension() == ".dbuild") sources.push_back(read_text(entry.path()));
  }
  return sources;
}

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
      0, read_text(fs::path(DATABUILD_EXAMPLES_DIR) / "quickstart" / "metrics.dbuild"));
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
