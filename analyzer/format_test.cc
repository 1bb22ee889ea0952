// The formatter over every valid grammar corpus case and every example file:
// formatting is idempotent, and the model lowered from the formatted text
// equals the original's once locations are set aside. A few cases pin the
// layout itself, and a file with syntax errors is refused.
#include "format.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "definition_hash.h"
#include "lower.h"
#include "test_support.h"

namespace databuild {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::sample_sources;

// ---- models without locations ---------------------------------------------

void strip(Location& location) { location = {}; }
void strip(Name& name) { strip(name.location); }
void strip(StringLiteral& literal) { strip(literal.location); }
void strip(Expr& expr) {
  strip(expr.location);
  for (Expr& operand : expr.operands()) strip(operand);
}
void strip(TemplateString& string) {
  strip(string.location);
  for (TemplatePart& part : string.listed_parts()) {
    strip(part.location);
    if (part.value) strip(*part.value);
  }
}
void strip(EnumType& enumeration) {
  strip(enumeration.location);
  for (EnumValue& value : enumeration.values) strip(value.location);
}
void strip(TypeRef& type) {
  strip(type.location);
  if (type.inline_enum) strip(*type.inline_enum);
}
// Declared here, defined once every overload they may call is.
template <typename T>
void strip(std::optional<T>& value);
template <typename T>
void strip(Ref<T>& value);
template <typename T>
void strip(std::vector<T>& values);
template <typename T>
void strip(List<T>& values);
void strip(Policy& policy) {
  strip(policy.name);
  strip(policy.declaration);
}
void strip(TypeDecl& type) {
  strip(type.name);
  strip(type.enumeration);
  strip(type.declaration);
}
void strip(KeyDecl& key) {
  strip(key.name);
  strip(key.type);
  strip(key.since);
  strip(key.until);
  strip(key.declaration);
}
void strip(Column& column) {
  strip(column.name);
  strip(column.type);
  strip(column.taints);
  strip(column.declaration);
}
void strip(Dataset& dataset) {
  strip(dataset.name);
  strip(dataset.declaration);
  strip(dataset.keys);
  strip(dataset.columns);
  strip(dataset.format);
  strip(dataset.taints);
  strip(dataset.denies);
  strip(dataset.external);
  strip(dataset.location_template);
  strip(dataset.ready);
  strip(dataset.wait);
}
void strip(Parameter& parameter) {
  strip(parameter.name);
  strip(parameter.type);
  strip(parameter.declaration);
}
void strip(Binding& binding) {
  strip(binding.key_location);
  binding.end = 0;
  strip(binding.value);
}
void strip(Port& port) {
  strip(port.name);
  strip(port.pattern.dataset);
  strip(port.pattern.bindings);
  strip(port.pattern.location);
  strip(port.columns);
  strip(port.declaration);
}
void strip(Removal& removal) {
  strip(removal.policies);
  strip(removal.reason);
  strip(removal.declaration);
}
void strip(EnvVar& env) {
  strip(env.name);
  strip(env.value);
  strip(env.declaration);
}
void strip(Job& job) {
  strip(job.name);
  strip(job.declaration);
  strip(job.parameters);
  strip(job.inputs);
  strip(job.outputs);
  strip(job.removals);
  strip(job.run);
  strip(job.run_location);
  strip(job.env);
  strip(job.timeout);
  strip(job.version);
}
void strip(Diagnostic& diagnostic) {
  strip(diagnostic.location);
  diagnostic.related.clear();
}
void strip(Workspace& workspace) {
  strip(workspace.name);
  strip(workspace.data_root);
  strip(workspace.catalog);
  strip(workspace.declaration);
}

template <typename T>
void strip(std::optional<T>& value) {
  if (value) strip(*value);
}
template <typename T>
void strip(Ref<T>& value) {
  if (value) strip(*value);
}
template <typename T>
void strip(List<T>& values) {
  for (T& value : values) strip(value);
}
template <typename T>
void strip(std::vector<T>& values) {
  for (T& value : values) strip(value);
}

FileModel lowered_without_locations(std::string_view text) {
  FileModel model = parse_and_lower(0, text);
  strip(model.workspace);
  strip(model.policies);
  strip(model.types);
  strip(model.datasets);
  strip(model.jobs);
  strip(model.diagnostics);
  return model;
}

bool has_syntax_error(std::string_view text) {
  return ts_node_has_error(SyntaxTree::parse(text).root());
}

// ---- tests ------------------------------------------------------------------

TEST(Format, IsIdempotentAndKeepsTheModelOnEveryCorpusCaseAndExample) {
  size_t formatted = 0;
  for (const std::string& source : sample_sources()) {
    if (has_syntax_error(source)) continue;
    Expected<std::string> once = format_source(source);
    ASSERT_TRUE(once) << source << once.error();
    Expected<std::string> twice = format_source(*once);
    ASSERT_TRUE(twice) << *once;
    EXPECT_EQ(*twice, *once) << "from:\n" << source;
    EXPECT_TRUE(lowered_without_locations(*once) == lowered_without_locations(source))
        << "from:\n"
        << source << "to:\n"
        << *once;
    FileModel before = parse_and_lower(0, source), after = parse_and_lower(0, *once);
    ASSERT_EQ(before.jobs.size(), after.jobs.size());
    for (size_t i = 0; i < before.jobs.size(); ++i)
      EXPECT_EQ(definition_hash(before.jobs[i], source), definition_hash(after.jobs[i], *once))
          << "job " << before.jobs[i].name.text << " from:\n"
          << source;
    ++formatted;
  }
  EXPECT_GT(formatted, 60u);
}

TEST(Format, TheExamplesAreAlreadyFormatted) {
  for (const auto& entry : fs::recursive_directory_iterator(DATABUILD_EXAMPLES_DIR)) {
    if (entry.path().extension() != ".dbuild") continue;
    std::string source = read_text(entry.path());
    EXPECT_EQ(*format_source(source), source) << entry.path();
  }
}

TEST(Format, NormalizesSpacingIndentationAndBlankLines) {
  const char* messy =
      "# pii\npolicy   pii\npolicy x\n\n\n\n"
      "type  r=enum( a,b , c )\n"
      "dataset d [ day :date since 2024-01-01 until now-1d,r: r ]{\n"
      "        external\n\n\n  column u:string(taint pii)   # who\n}\n"
      "job j( d :date ){input   a=d[day in d-6d..d , r=*]{u}\n"
      "output long_name = e[day=d]\n  run [ \"x\",\"{d:%Y}\" ]\n}\n";
  EXPECT_EQ(*format_source(messy),
            "# pii\npolicy pii\npolicy x\n\n"
            "type r = enum(a, b, c)\n\n"
            "dataset d[day: date since 2024-01-01 until now - 1d, r: r] {\n"
            "  external\n\n  column u: string (taint pii) # who\n}\n\n"
            "job j(d: date) {\n"
            "  input  a         = d[day in d - 6d .. d, r = *] { u }\n"
            "  output long_name = e[day = d]\n"
            "  run [\"x\", \"{d:%Y}\"]\n}\n");
}

TEST(Format, KeepsMultiLineListsAndTheirComments) {
  const char* source =
      "job j {\n  run [ # args\n \"a\", # first\n# between\n  \"b\"\n]\n"
      "  output o = e[\n    day = 2024-01-01,\n  ]\n}\n";
  EXPECT_EQ(*format_source(source),
            "job j {\n  run [ # args\n    \"a\", # first\n    # between\n    \"b\"\n  ]\n"
            "  output o = e[\n    day = 2024-01-01,\n  ]\n}\n");
}

TEST(Format, RefusesAFileWithSyntaxErrors) {
  Expected<std::string> result = format_source("policy p\ndataset d[day: ] {\n");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), "syntax error on line 2; fix it before formatting");
}

}  // namespace
}  // namespace databuild
