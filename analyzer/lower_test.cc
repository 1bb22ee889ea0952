// Lowering: what one file's syntax tree becomes (doc comments, templates,
// strings, literal values, locations), and that any input at all, however
// broken or large, lowers without crashing and with diagnostics.
#include "lower.h"

#include <deque>
#include <random>

#include "test_support.h"

namespace databuild {
namespace {

using testing::diagnoses;

// The text a location spans in `text`.
std::string_view spanned(std::string_view text, const Location& location) {
  return text.substr(location.range.begin, location.range.end - location.range.begin);
}

// ---- doc comments ----------------------------------------------------------------

TEST(Lower, DocCommentsAreTheCommentLinesDirectlyAbove) {
  const char* text =
      "# File header, not documentation.\n"
      "\n"
      "# Personally identifiable\n"
      "#information.\n"
      "policy pii\n"
      "# Detached by a blank line.\n"
      "\n"
      "policy plain\n"
      "type t = enum(a) # trailing: documents nothing\n"
      "dataset d { external } # trailing too\n"
      "#   indented text keeps all but one space\n"
      "job j { output o = d run [\"x\"] }\n";
  FileModel model = parse_and_lower(0, text);
  ASSERT_EQ(model.policies.size(), 2u);
  EXPECT_EQ(model.policies[0].doc, "Personally identifiable\ninformation.");
  EXPECT_EQ(model.policies[1].doc, "");
  ASSERT_EQ(model.types.size(), 1u);
  EXPECT_EQ(model.types[0].doc, "");
  ASSERT_EQ(model.datasets.size(), 1u);
  EXPECT_EQ(model.datasets[0].doc, "");
  ASSERT_EQ(model.jobs.size(), 1u);
  EXPECT_EQ(model.jobs[0].doc, "  indented text keeps all but one space");
}

TEST(Lower, DocCommentsIgnoreCommentsInsideThePreviousDeclaration) {
  const char* text =
      "dataset d {\n"
      "  external\n"
      "  # inside d, about nothing\n"
      "}\n"
      "dataset e\n"
      "job j {\n"
      "  output o = e\n"
      "  run [\"x\"]\n"
      "  # last line of j\n"
      "}\n"
      "# about f\n"
      "dataset f { external }\n";
  FileModel model = parse_and_lower(0, text);
  ASSERT_EQ(model.datasets.size(), 3u);
  EXPECT_EQ(model.datasets[1].doc, "");
  EXPECT_EQ(model.datasets[2].doc, "about f");
}

TEST(Lower, DocCommentsWithWindowsLineEndings) {
  FileModel model = parse_and_lower(0, "# one\r\n# two\r\npolicy p\r\n");
  ASSERT_EQ(model.policies.size(), 1u);
  EXPECT_EQ(model.policies[0].doc, "one\ntwo");
}

// ---- strings and templates ------------------------------------------------------------

TEST(Lower, StringEscapes) {
  std::string_view text = R"(workspace w { data_root "a\\b\"c\nd\te" catalog "" })";
  FileModel model = parse_and_lower(0, text);
  ASSERT_TRUE(model.workspace && model.workspace->data_root && model.workspace->catalog);
  EXPECT_EQ(model.workspace->data_root->value, "a\\b\"c\nd\te");
  EXPECT_EQ(spanned(text, model.workspace->data_root->location), R"("a\\b\"c\nd\te")");
  EXPECT_EQ(model.workspace->catalog->value, "");
  EXPECT_TRUE(model.diagnostics.empty());
}

TEST(Lower, TemplateParts) {
  std::string_view text =
      R"(dataset x[d: date] { location "a{{b}}\t{d}{d - 1d:%Y/%m}{{{d:%d}}}" })";
  FileModel model = parse_and_lower(0, text);
  EXPECT_TRUE(model.diagnostics.empty());
  ASSERT_EQ(model.datasets.size(), 1u);
  ASSERT_TRUE(model.datasets[0].location_template);
  const TemplateString& t = *model.datasets[0].location_template;
  EXPECT_EQ(spanned(text, t.location), R"("a{{b}}\t{d}{d - 1d:%Y/%m}{{{d:%d}}}")");
  ASSERT_EQ(t.parts().size(), 6u);

  EXPECT_FALSE(t.parts()[0].is_interpolation());
  EXPECT_EQ(t.parts()[0].literal(), "a{b}\t");
  EXPECT_EQ(spanned(text, t.parts()[0].location), R"(a{{b}}\t)");

  EXPECT_TRUE(t.parts()[1].is_interpolation());
  EXPECT_EQ(t.parts()[1].value->kind, ExprKind::Identifier);
  EXPECT_EQ(t.parts()[1].value->text, "d");
  EXPECT_FALSE(t.parts()[1].format());
  EXPECT_EQ(spanned(text, t.parts()[1].location), "{d}");

  EXPECT_TRUE(t.parts()[2].is_interpolation());
  EXPECT_EQ(t.parts()[2].value->kind, ExprKind::Binary);
  EXPECT_EQ(t.parts()[2].value->op, '-');
  EXPECT_EQ(t.parts()[2].value->operands()[1].value(), kSecondsPerDay);
  EXPECT_EQ(t.parts()[2].format(), "%Y/%m");
  EXPECT_EQ(spanned(text, t.parts()[2].value->location), "d - 1d");

  EXPECT_EQ(t.parts()[3].literal(), "{");
  EXPECT_EQ(t.parts()[4].format(), "%d");
  EXPECT_EQ(t.parts()[5].literal(), "}");
}

TEST(Lower, ABindingSpansItsKeyThroughAParenthesizedValue) {
  // The value's own location leaves out the parentheses; the binding's does not.
  std::string_view text = R"(job j(d: date) {
  output o = o[date = ( d - 1d ) ]
})";
  FileModel model = parse_and_lower(0, text);
  ASSERT_EQ(model.jobs.size(), 1u);
  const Binding& binding = model.jobs[0].outputs.at(0).pattern.bindings.at(0);
  EXPECT_EQ(spanned(text, binding.key().location), "date");
  EXPECT_EQ(spanned(text, binding.value.location), "d - 1d");
  EXPECT_EQ(spanned(text, binding.location()), "date = ( d - 1d )");
}

TEST(Lower, RunArgumentsAndEnv) {
  std::string_view text = R"(dataset o
job j {
  output o = o
  run ["sh", "", "{{literal}}", "x\"y"]
  env A = "{{"
  env B = "v\n"
})";
  FileModel model = parse_and_lower(0, text);
  ASSERT_EQ(model.jobs.size(), 1u);
  const Job& job = model.jobs[0];
  ASSERT_TRUE(job.run);
  ASSERT_EQ(job.run->size(), 4u);
  EXPECT_EQ((*job.run)[0].parts().at(0).literal(), "sh");
  EXPECT_TRUE((*job.run)[1].parts().empty());
  EXPECT_EQ((*job.run)[2].parts().at(0).literal(), "{literal}");
  EXPECT_EQ((*job.run)[3].parts().at(0).literal(), "x\"y");
  EXPECT_EQ(spanned(text, job.run_location), R"(run ["sh", "", "{{literal}}", "x\"y"])");
  ASSERT_EQ(job.env.size(), 2u);
  EXPECT_EQ(job.env[0].name.text, "A");
  EXPECT_EQ(job.env[0].value.parts().at(0).literal(), "{");
  EXPECT_EQ(job.env[1].value.parts().at(0).literal(), "v\n");
}

// Short lists are read child by child by index, long ones with a cursor:
// both give every element in order, comments between them left out.
TEST(Lower, ListsOfEveryLengthAreReadInOrderWithoutTheirComments) {
  for (int length : {0, 1, 3, 4, 5, 40}) {
    SCOPED_TRACE(length);
    std::string arguments, values, columns;
    for (int i = 0; i < length; ++i) {
      arguments += (i ? ",\n    # a comment\n    \"a" : "\"a") + std::to_string(i) + "\"";
      values += (i ? ", # a comment\n  v" : "v") + std::to_string(i);
      columns += "  # a comment\n  column c" + std::to_string(i) + ": int\n";
    }
    std::string text = "type t = enum(" + values + ")\ndataset o {\n" + columns +
                       "}\njob j {\n  output o = o\n  run [" + arguments + "]\n}\n";
    FileModel model = parse_and_lower(0, text);
    ASSERT_EQ(model.jobs.size(), 1u);
    ASSERT_TRUE(model.jobs[0].run);
    const auto& run = *model.jobs[0].run;
    ASSERT_EQ(run.size(), static_cast<size_t>(length));
    ASSERT_EQ(model.datasets.size(), 1u);
    ASSERT_EQ(model.datasets[0].columns.size(), static_cast<size_t>(length));
    ASSERT_EQ(model.types.size(), 1u);
    ASSERT_EQ(model.types[0].enumeration.values.size(), static_cast<size_t>(length));
    for (int i = 0; i < length; ++i) {
      EXPECT_EQ(run[i].parts().at(0).literal(), "a" + std::to_string(i));
      EXPECT_EQ(model.datasets[0].columns[i].name.text, "c" + std::to_string(i));
      EXPECT_EQ(model.types[0].enumeration.values[i].value, "v" + std::to_string(i));
    }
  }
}

// A string that is one literal part keeps it inline; parts() shows that part
// as a list would, located between the quotes.
TEST(Lower, LiteralStringsShowTheirOnePart) {
  std::string_view text = R"(dataset o
job j(d: date) {
  output o = o
  run ["sh", "a\tb", "", "--day={d}"]
})";
  FileModel model = parse_and_lower(0, text);
  ASSERT_EQ(model.jobs.size(), 1u);
  const List<TemplateString>& run = *model.jobs[0].run;
  ASSERT_EQ(run.size(), 4u);
  for (size_t literal : {0, 1}) {
    EXPECT_TRUE(run[literal].is_literal());
    ASSERT_EQ(run[literal].parts().size(), 1u);
    EXPECT_FALSE(run[literal].parts()[0].is_interpolation());
    EXPECT_TRUE(run[literal].listed_parts().empty());
  }
  EXPECT_EQ(run[0].parts()[0].literal(), "sh");
  EXPECT_EQ(spanned(text, run[0].parts()[0].location), "sh");
  EXPECT_EQ(run[1].parts()[0].literal(), "a\tb");
  EXPECT_EQ(spanned(text, run[1].parts()[0].location), R"(a\tb)");
  // Empty, and a literal beside an interpolation: listed as before.
  EXPECT_FALSE(run[2].is_literal());
  EXPECT_TRUE(run[2].parts().empty());
  EXPECT_FALSE(run[3].is_literal());
  ASSERT_EQ(run[3].parts().size(), 2u);
  EXPECT_EQ(run[3].listed_parts().size(), 2u);
  EXPECT_EQ(spanned(text, run[3].parts()[0].location), "--day=");
  EXPECT_EQ(spanned(text, run[3].parts()[1].location), "{d}");
}

// ---- literal values -----------------------------------------------------------------

// The single key bound of `dataset x[k: TYPE since LITERAL]`.
// The `since` of a one-key dataset. Its model is kept to the end of the
// test program: an Expr's operands live in the model's arena.
Expr lowered_bound(const std::string& type, const std::string& literal) {
  static std::deque<FileModel> models;
  FileModel& model =
      models.emplace_back(parse_and_lower(0, "dataset x[k: " + type + " since " + literal + "]"));
  EXPECT_EQ(model.datasets.size(), 1u);
  if (model.datasets.empty() || model.datasets[0].keys.empty() || !model.datasets[0].keys[0].since)
    return {};
  return *model.datasets[0].keys[0].since;
}

TEST(Lower, LiteralValues) {
  Expr date = lowered_bound("date", "2024-01-01");
  EXPECT_EQ(date.kind, ExprKind::Date);
  EXPECT_EQ(date.value(), 19723);
  EXPECT_EQ(date.text, "2024-01-01");
  EXPECT_EQ(lowered_bound("date", "1970-01-01").value(), 0);
  EXPECT_EQ(lowered_bound("date", "1969-12-31").value(), -1);

  Expr hour = lowered_bound("hour", "2024-01-01T05");
  EXPECT_EQ(hour.kind, ExprKind::Hour);
  EXPECT_EQ(hour.value(), 19723 * 24 + 5);

  Expr month = lowered_bound("month", "2024-03");
  EXPECT_EQ(month.kind, ExprKind::Month);
  EXPECT_EQ(month.value(), 2024 * 12 + 2);

  Expr integer = lowered_bound("int", "42");
  EXPECT_EQ(integer.kind, ExprKind::Integer);
  EXPECT_EQ(integer.value(), 42);
  EXPECT_EQ(lowered_bound("int", "9223372036854775807").value(), INT64_MAX);
  EXPECT_EQ(lowered_bound("int", "9223372036854775808").kind, ExprKind::Invalid);

  Expr string = lowered_bound("string", R"("a\"b")");
  EXPECT_EQ(string.kind, ExprKind::String);
  EXPECT_EQ(string.text, "a\"b");

  Expr now = lowered_bound("date", "now - 7d");
  ASSERT_EQ(now.kind, ExprKind::Binary);
  EXPECT_EQ(now.operands()[0].kind, ExprKind::Now);
  EXPECT_EQ(now.operands()[1].kind, ExprKind::Duration);
  EXPECT_EQ(now.operands()[1].value(), 7 * 86400);

  EXPECT_EQ(lowered_bound("int", "30s").value(), 30);
  EXPECT_EQ(lowered_bound("int", "15m").value(), 900);
  EXPECT_EQ(lowered_bound("int", "6h").value(), 6 * 3600);
  EXPECT_EQ(lowered_bound("int", "((((1))))").value(), 1);

  Expr invalid = lowered_bound("date", "2024-02-30");
  EXPECT_EQ(invalid.kind, ExprKind::Invalid);
  EXPECT_EQ(invalid.text, "2024-02-30");
}

TEST(Lower, ExpressionShapes) {
  std::string_view text = "dataset x[k: date since d - 1d + 2d, j: date since days_of(m, 1)]";
  FileModel model = parse_and_lower(0, text);
  ASSERT_EQ(model.datasets.at(0).keys.size(), 2u);
  // `+` and `-` associate to the left: (d - 1d) + 2d.
  const Expr& sum = *model.datasets[0].keys[0].since;
  ASSERT_EQ(sum.kind, ExprKind::Binary);
  EXPECT_EQ(sum.op, '+');
  EXPECT_EQ(spanned(text, sum.operands()[0].location), "d - 1d");
  EXPECT_EQ(sum.operands()[0].op, '-');
  const Expr& call = *model.datasets[0].keys[1].since;
  ASSERT_EQ(call.kind, ExprKind::Call);
  EXPECT_EQ(call.text, "days_of");
  EXPECT_EQ(spanned(text, call.function_location()), "days_of");
  EXPECT_EQ(call.operands().size(), 2u);
}

// ---- declarations and locations ---------------------------------------------------------

TEST(Lower, DeclarationsAndTheirLocations) {
  std::string_view text = R"(workspace w { data_root "d" }
policy p
type region = enum(us, "eu-west")
dataset ds[day: date since 2024-01-01 until now - 1d, r: region, e: enum(a, b)] {
  column c: string (taint p)
  taint p
  deny p
  format parquet
  ready "_OK"
  wait 6h
}
job jb(d: date) {
  input i = ds[day in d - 6d .. d, r = *, e = a] { c }
  output o = ds[day = d, r = us, e = b]
  removes p because "hashed"
  retries 3
  timeout 1h
  version "2"
  run ["x"]
})";
  FileModel model = parse_and_lower(0, text);
  EXPECT_TRUE(model.diagnostics.empty());
  ASSERT_TRUE(model.workspace);
  EXPECT_EQ(spanned(text, model.workspace->name.location), "w");
  EXPECT_EQ(spanned(text, model.workspace->declaration), R"(workspace w { data_root "d" })");

  ASSERT_EQ(model.types.size(), 1u);
  const EnumType& region = model.types[0].enumeration;
  ASSERT_EQ(region.values.size(), 2u);
  EXPECT_EQ(region.values[1].value, "eu-west");
  EXPECT_EQ(spanned(text, region.values[1].location), R"("eu-west")");

  ASSERT_EQ(model.datasets.size(), 1u);
  const Dataset& ds = model.datasets[0];
  EXPECT_EQ(spanned(text, ds.name.location), "ds");
  EXPECT_EQ(spanned(text, ds.declaration).substr(0, 11), "dataset ds[");
  EXPECT_EQ(spanned(text, ds.declaration).back(), '}');
  ASSERT_EQ(ds.keys.size(), 3u);
  EXPECT_EQ(spanned(text, ds.keys[0].name.location), "day");
  EXPECT_EQ(spanned(text, ds.keys[0].declaration), "day: date since 2024-01-01 until now - 1d");
  EXPECT_EQ(ds.keys[0].type.name, "date");
  EXPECT_EQ(spanned(text, ds.keys[1].type.location), "region");
  ASSERT_TRUE(ds.keys[2].type.inline_enum);
  EXPECT_EQ(ds.keys[2].type.inline_enum->values.size(), 2u);
  EXPECT_EQ(ds.keys[2].type.name, "");
  ASSERT_EQ(ds.columns.size(), 1u);
  EXPECT_EQ(spanned(text, ds.columns[0].type.location), "string");
  EXPECT_EQ(spanned(text, ds.columns[0].taints.at(0).location), "p");
  EXPECT_EQ(ds.taints.size(), 1u);
  EXPECT_EQ(ds.denies.size(), 1u);
  EXPECT_EQ(ds.format->text, "parquet");
  EXPECT_EQ(ds.ready->value, "_OK");
  EXPECT_EQ(ds.wait->value(), 6 * 3600);
  EXPECT_FALSE(ds.is_external());

  ASSERT_EQ(model.jobs.size(), 1u);
  const Job& jb = model.jobs[0];
  ASSERT_EQ(jb.parameters.size(), 1u);
  EXPECT_EQ(spanned(text, jb.parameters[0].declaration), "d: date");
  ASSERT_EQ(jb.inputs.size(), 1u);
  const Port& input = jb.inputs[0];
  EXPECT_EQ(spanned(text, input.declaration),
            "input i = ds[day in d - 6d .. d, r = *, e = a] { c }");
  EXPECT_EQ(spanned(text, input.pattern.location), "ds[day in d - 6d .. d, r = *, e = a]");
  ASSERT_EQ(input.pattern.bindings.size(), 3u);
  EXPECT_EQ(input.pattern.bindings[0].op, BindingOperator::In);
  EXPECT_EQ(input.pattern.bindings[0].value.kind, ExprKind::Range);
  EXPECT_EQ(spanned(text, input.pattern.bindings[0].location()), "day in d - 6d .. d");
  EXPECT_EQ(input.pattern.bindings[1].value.kind, ExprKind::Wildcard);
  EXPECT_EQ(spanned(text, input.pattern.bindings[1].value.location), "*");
  EXPECT_EQ(input.pattern.bindings[2].value.kind, ExprKind::Identifier);
  ASSERT_TRUE(input.columns);
  EXPECT_EQ(input.columns->size(), 1u);
  ASSERT_EQ(jb.outputs.size(), 1u);
  EXPECT_TRUE(jb.outputs[0].pattern.has_bindings);
  ASSERT_EQ(jb.removals.size(), 1u);
  EXPECT_EQ(jb.removals[0].reason.value, "hashed");
  ASSERT_TRUE(jb.retries);
  EXPECT_EQ(*jb.retries, 3);
  EXPECT_EQ(jb.timeout->value(), 3600);
  EXPECT_EQ(jb.version->value, "2");
}

// ---- robustness ----------------------------------------------------------------------------

// Analyzes `text` as the one file besides workspace.dbuild and returns the
// number of diagnostics; the point is that it returns at all.
size_t diagnostics_for(std::string text) {
  std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", std::move(text)}});
  return analysis->diagnostics().size();
}

TEST(LowerRobustness, RandomBinaryJunk) {
  std::mt19937 random(12345);
  for (int round = 0; round < 50; ++round) {
    std::string junk(1 + random() % 2000, '\0');
    for (char& c : junk) c = static_cast<char>(random());
    EXPECT_GT(diagnostics_for(junk), 0u) << "round " << round;
  }
}

// A large file that is mostly not text gets one diagnostic instead of a parse;
// text, ASCII or not, is parsed.
TEST(LowerRobustness, BinaryFilesAreReportedOnceAndTextIsParsed) {
  std::mt19937 random(2468);
  std::string junk(10000, '\0');
  for (char& c : junk) c = static_cast<char>(random());
  FileModel binary = parse_and_lower(0, junk);
  ASSERT_EQ(binary.diagnostics.size(), 1u);
  EXPECT_NE(binary.diagnostics[0].message.find("is binary data"), std::string::npos)
      << binary.diagnostics[0].message;

  // Control bytes alone (no byte past 0x7f) are binary too, wherever they
  // fall in the 8-byte words the first look reads.
  std::string controls(10001, '\0');
  for (size_t i = 0; i < controls.size(); ++i) controls[i] = static_cast<char>(1 + i % 8);
  FileModel control = parse_and_lower(0, controls);
  ASSERT_EQ(control.diagnostics.size(), 1u);
  EXPECT_NE(control.diagnostics[0].message.find("is binary data"), std::string::npos);

  std::string ascii, accented, tabs_and_crlf;
  for (int i = 0; i < 300; ++i) {
    ascii += "dataset d" + std::to_string(i) + " # plain\n";
    accented += "dataset d" + std::to_string(i) + " # caf\u00e9 \u00fcber\n";
    tabs_and_crlf += "dataset\td" + std::to_string(i) + "\t# plain\r\n";
  }
  for (const std::string& text : {ascii, accented, tabs_and_crlf}) {
    ASSERT_GE(text.size(), 4096u);
    FileModel model = parse_and_lower(0, text);
    EXPECT_TRUE(model.diagnostics.empty()) << model.diagnostics[0].message;
    EXPECT_EQ(model.datasets.size(), 300u);
  }
}

TEST(LowerRobustness, RandomTokenSoup) {
  // Fragments of the language in random order reach deeper parser states
  // than bytes do.
  static const char* const kTokens[] = {
      "dataset", "job",      "policy",  "type",     "workspace", "x",          "d",
      "[",       "]",        "{",       "}",        "(",         ")",          ":",
      ",",       "=",        "in",      "..",       "*",         "+",          "-",
      "date",    "enum",     "since",   "until",    "now",       "2024-01-01", "7d",
      "42",      "\"s{d}\"", "\"",      "input",    "output",    "run",        "column",
      "#c\n",    "removes",  "because", "external", "location",  "\n"};
  std::mt19937 random(6789);
  for (int round = 0; round < 200; ++round) {
    std::string text;
    for (int i = 0; i < 60; ++i) {
      text += kTokens[random() % std::size(kTokens)];
      text += ' ';
    }
    diagnostics_for(text);
  }
}

TEST(LowerRobustness, InvalidUtf8AndNulBytes) {
  EXPECT_TRUE(diagnoses({{"a.dbuild", std::string("dataset x { external }\n\xff\xfe\n")}},
                        {"a.dbuild:2:1: error: syntax-error"}));
  EXPECT_TRUE(diagnoses(
      {{"a.dbuild", std::string("dataset x { external }\n\0\0\ndataset y { external }\n", 49)}},
      {"a.dbuild:2:1: error: syntax-error"}));
  // Inside a string, invalid UTF-8 and NUL are just bytes of the value.
  std::string text("workspace w { data_root \"\xc3\x28\0\" }\n", 32);
  FileModel model = parse_and_lower(0, text);
  ASSERT_TRUE(model.workspace && model.workspace->data_root);
  EXPECT_EQ(model.workspace->data_root->value, std::string("\xc3\x28\0", 3));
}

TEST(LowerRobustness, SyntaxErrorMessagesAreValidUtf8) {
  std::unique_ptr<Analysis> analysis =
      testing::analyze({{"a.dbuild", std::string("dataset x { external }\n\xe2\x82 \x01\n")}});
  std::vector<Diagnostic> diagnostics = analysis->diagnostics();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].message, "unexpected '\\xe2\\x82 \\x01' in file");
}

TEST(LowerRobustness, DeeplyNestedParentheses) {
  constexpr int kDepth = 100000;
  std::string text = "dataset x[n: int since " + std::string(kDepth, '(') + "1" +
                     std::string(kDepth, ')') + "] { external }\n";
  EXPECT_TRUE(diagnoses({{"a.dbuild", text}}, {"a.dbuild:1:24: error: invalid-expression"}));
  // In a pattern: the binding is invalid, and nothing piles on (the parameter
  // it may have named is not reported unbound).
  text = "dataset x[d: date]\njob j(d: date) {\n  output o = x[d = " + std::string(kDepth, '(') +
         "d" + std::string(kDepth, ')') + "]\n  run [\"a\"]\n}\n";
  EXPECT_TRUE(diagnoses({{"a.dbuild", text}}, {"a.dbuild:3:20: error: invalid-expression"}));
}

TEST(LowerRobustness, LongArithmeticChain) {
  std::string chain = "d";
  for (int i = 0; i < 100000; ++i) chain += " + 1d";
  std::string text =
      "dataset x[d: date]\n"
      "dataset y[d: date] { external }\n"
      "job j(d: date) {\n"
      "  input i = y[d = " +
      chain +
      "]\n"
      "  output o = x[d = d]\n"
      "  run [\"{" +
      chain +
      "}\"]\n"
      "}\n";
  EXPECT_TRUE(diagnoses({{"a.dbuild", text}}, {"a.dbuild:4:19: error: invalid-expression",
                                               "a.dbuild:6:10: error: invalid-expression"}));
}

TEST(LowerRobustness, UnclosedNesting) {
  // Beyond what tree-sitter 0.20 survives unaided (65535 open entries).
  std::string text = "dataset x[n: int since " + std::string(100000, '(') + "\n";
  EXPECT_TRUE(diagnoses({{"a.dbuild", text}}, {"a.dbuild:1:1: error: syntax-error"}));
  text = "dataset x[n: int since 1] {\n  location \"{" + std::string(100000, '(') + "\"\n}\n";
  EXPECT_TRUE(diagnoses({{"a.dbuild", text}}, {"a.dbuild:1:1: error: syntax-error"}));
}

TEST(LowerRobustness, LargeFile) {
  // About 5 MB: 40,000 datasets, every tenth made by a job from the one before.
  std::string text = "policy p\n";
  int lines = 1;
  for (int i = 0; i < 40000; ++i) {
    std::string n = std::to_string(i);
    if (i % 10 != 9) {
      text += "dataset d" + n +
              "[day: date since 2024-01-01, r: enum(us, eu)] {\n"
              "  external\n  column c: int (taint p)\n  column e: string\n}\n";
      lines += 5;
      continue;
    }
    text += "dataset d" + n +
            "[day: date since 2024-01-01, r: enum(us, eu)]\n"
            "job j" +
            n +
            "(day: date) {\n"
            "  input i = d" +
            std::to_string(i - 1) +
            "[day in day - 6d .. day, r = *] { c }\n"
            "  output o = d" +
            n + "[day = day, r = us]\n  run [\"x\", \"{day:%Y%m%d}\"]\n}\n";
    lines += 6;
  }
  text += "job last {\n  output o = nowhere\n  run [\"x\"]\n}\n";
  EXPECT_GT(text.size(), 5'000'000u);
  // Speed is the benchmarks' business (docs/benchmarks.md); this checks that a
  // large file is analyzed completely, down to its last line.
  EXPECT_TRUE(diagnoses({{"a.dbuild", text}}, {"a.dbuild:" + std::to_string(lines + 2) +
                                               ":14: error: unresolved-reference"}));
}

}  // namespace
}  // namespace databuild
