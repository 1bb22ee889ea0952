// Linking on several threads gives exactly what one thread gives: the same
// diagnostics in the same order, the same navigation index, the same
// producers and readers, the same links in the models.
#include "link.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lower.h"

namespace databuild {
namespace {

// 40 files of 100 units each (a dataset and the job writing it, reading the
// previous unit's dataset, which may sit in the file before), sprinkled with
// mistakes of every kind link reports: unknown datasets and keys, names
// declared twice across files, policies never used, datasets nobody writes.
std::vector<std::string> workspace_texts() {
  std::vector<std::string> texts = {"workspace w {}\npolicy pii\npolicy unused_policy\n"};
  int unit = 0;
  for (int file = 0; file < 40; ++file) {
    std::string text;
    for (int i = 0; i < 100; ++i, ++unit) {
      std::string name = "u" + std::to_string(unit);
      std::string previous = "u" + std::to_string(unit == 0 ? 0 : unit - 1);
      text += "dataset " + name + "[d: date]" + (unit % 97 == 0 ? " { taint pii }" : "") + "\n";
      if (unit % 101 == 7) text += "dataset u" + std::to_string(unit / 2) + "[d: date]\n";
      if (unit % 89 == 5) continue;  // no producer
      std::string input = unit % 83 == 3 ? "missing" + std::to_string(unit) : previous;
      std::string key = unit % 79 == 11 ? "day" : "d";
      text += "job " + name + "(d: date) {\n  input i = " + input + "[" + key +
              " = d]\n  output o = " + name + "[d = d]\n  run [\"run\", \"{d}\"]\n}\n";
    }
    texts.push_back(text);
  }
  return texts;
}

struct Linked {
  std::vector<FileModel> models;
  LinkedWorkspace workspace;
};

Linked link_with(unsigned threads) {
  Linked linked;
  std::vector<std::string> paths;
  std::vector<std::string> texts = workspace_texts();
  for (FileId id = 0; id < texts.size(); ++id) {
    linked.models.push_back(parse_and_lower(id, texts[id]));
    paths.push_back(id == 0 ? "/w/workspace.dbuild" : "/w/f" + std::to_string(id) + ".dbuild");
  }
  linked.workspace = link(linked.models, paths, {.navigation = true, .threads = threads});
  return linked;
}

std::vector<std::string> messages(const LinkedWorkspace& workspace) {
  std::vector<std::string> all;
  for (const Diagnostic& diagnostic : workspace.diagnostics) {
    all.push_back(std::to_string(diagnostic.location.file) + ":" +
                  std::to_string(diagnostic.location.range.begin) + " " + diagnostic.message);
  }
  return all;
}

// A port as (file, byte offset of its declaration), comparable across runs.
std::vector<std::pair<FileId, uint32_t>> ports(const std::vector<PortRef>& refs) {
  std::vector<std::pair<FileId, uint32_t>> out;
  for (const PortRef& ref : refs)
    out.emplace_back(ref.port->declaration.file, ref.port->declaration.range.begin);
  return out;
}

TEST(Link, ThreadsDoNotChangeTheResult) {
  Linked one = link_with(1);
  ASSERT_GT(one.workspace.diagnostics.size(), 40u);
  for (unsigned threads : {2u, 3u, 8u}) {
    SCOPED_TRACE(threads);
    Linked many = link_with(threads);
    EXPECT_EQ(messages(many.workspace), messages(one.workspace));
    ASSERT_EQ(many.workspace.definitions.size(), one.workspace.definitions.size());
    for (size_t i = 0; i < one.workspace.definitions.size(); ++i) {
      EXPECT_EQ(many.workspace.definitions[i].name, one.workspace.definitions[i].name);
      EXPECT_EQ(many.workspace.definitions[i].location, one.workspace.definitions[i].location);
    }
    ASSERT_EQ(many.workspace.references.size(), one.workspace.references.size());
    for (size_t i = 0; i < one.workspace.references.size(); ++i) {
      EXPECT_EQ(many.workspace.references[i].location, one.workspace.references[i].location);
      EXPECT_EQ(many.workspace.references[i].definition, one.workspace.references[i].definition);
    }
    for (FileId file = 0; file < one.models.size(); ++file) {
      for (size_t d = 0; d < one.models[file].datasets.size(); ++d) {
        const Dataset& a = one.models[file].datasets[d];
        const Dataset& b = many.models[file].datasets[d];
        EXPECT_EQ(ports(one.workspace.producers[&a]), ports(many.workspace.producers[&b]));
        EXPECT_EQ(ports(one.workspace.readers[&a]), ports(many.workspace.readers[&b]));
        EXPECT_EQ(a.keys[0].type.display, b.keys[0].type.display);
      }
      for (size_t j = 0; j < one.models[file].jobs.size(); ++j) {
        const Pattern& a = one.models[file].jobs[j].inputs[0].pattern;
        const Pattern& b = many.models[file].jobs[j].inputs[0].pattern;
        EXPECT_EQ(a.target == nullptr, b.target == nullptr);
        if (a.target) {
          EXPECT_EQ(a.target->name.location, b.target->name.location);
        }
        EXPECT_EQ(a.bindings[0].key_index, b.bindings[0].key_index);
      }
    }
  }
}

}  // namespace
}  // namespace databuild
