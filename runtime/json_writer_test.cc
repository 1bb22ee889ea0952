// JsonWriter against nlohmann::json, whose text it must reproduce: the same
// documents built both ways, compact and indented, with empty containers,
// nesting, numbers and every kind of character a string may need escaped.
#include "json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace databuild {
namespace {

using ordered = nlohmann::ordered_json;

// A config-like document: nested objects and arrays, some empty.
void write_document(JsonWriter& writer, const std::string& text) {
  writer.begin_object().key("job").value("clean").key("run_id").value(int64_t{42});
  writer.key("parameters").begin_object().key("d").value(text).end_object();
  writer.key("empty_object").begin_object().end_object();
  writer.key("empty_array").begin_array().end_array();
  writer.key("inputs").begin_object().key("days").begin_array();
  for (int i = 0; i < 2; ++i) {
    writer.begin_object().key("ref").value("clean/date=2024-01-0" + std::to_string(i));
    writer.key("keys").begin_object().end_object().key("size").value(uint64_t{7}).end_object();
  }
  writer.end_array().end_object().end_object();
}

ordered reference_document(const std::string& text) {
  ordered document;
  document["job"] = "clean";
  document["run_id"] = 42;
  document["parameters"]["d"] = text;
  document["empty_object"] = ordered::object();
  document["empty_array"] = ordered::array();
  for (int i = 0; i < 2; ++i) {
    ordered entry;
    entry["ref"] = "clean/date=2024-01-0" + std::to_string(i);
    entry["keys"] = ordered::object();
    entry["size"] = uint64_t{7};
    document["inputs"]["days"].push_back(entry);
  }
  return document;
}

TEST(JsonWriter, WritesWhatNlohmannDumpsCompactAndIndented) {
  for (const std::string& text :
       {std::string("2024-01-03"), std::string("quote \" backslash \\ slash / tab \t"),
        std::string("lines\r\n\b\f"), std::string("\x01\x1f\x7f"), std::string("caf\xc3\xa9"),
        std::string()}) {
    JsonWriter compact;
    write_document(compact, text);
    EXPECT_EQ(compact.text(), reference_document(text).dump());
    JsonWriter indented(2);
    write_document(indented, text);
    EXPECT_EQ(indented.take(), reference_document(text).dump(2));
  }
}

TEST(JsonWriter, AnArrayOfObjectsAsAManifest) {
  JsonWriter writer;
  writer.begin_array();
  writer.begin_object().key("path").value("a/b.csv").key("size").value(uint64_t{12}).end_object();
  writer.begin_object().key("path").value("_SUCCESS").key("size").value(uint64_t{0}).end_object();
  writer.end_array();
  nlohmann::json manifest = nlohmann::json::array();
  manifest.push_back({{"path", "a/b.csv"}, {"size", 12}});
  manifest.push_back({{"path", "_SUCCESS"}, {"size", 0}});
  EXPECT_EQ(writer.text(), manifest.dump());
}

TEST(JsonWriter, EscapesEveryControlCharacter) {
  for (int c = 0; c < 0x20; ++c) {
    std::string text(1, static_cast<char>(c));
    std::string escaped;
    append_json_string(escaped, text);
    EXPECT_EQ(escaped, nlohmann::json(text).dump()) << c;
  }
}

}  // namespace
}  // namespace databuild
