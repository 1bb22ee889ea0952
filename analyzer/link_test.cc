// Linking on several threads gives exactly what one thread gives: the same
// diagnostics in the same order (the flow checks' included: their label half
// runs on a thread of its own when linking uses several), the same producers and readers, the same
// links in the models. A file's navigation index, recorded on demand, covers
// that file and leaves the models as they were.
#include "link.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "lower.h"

namespace databuild {
namespace {

// 40 files of 100 units each (a dataset and the job writing it, reading the
// previous unit's dataset, which may sit in the file before), sprinkled with
// mistakes of every kind link reports: unknown datasets and keys, names
// declared twice across files, policies never used, datasets nobody writes;
// and a last file with one of each mistake the flow checks report.
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
  texts.push_back(R"(
dataset f_source[d: date] { external taint pii }
dataset f_report[d: date] { deny pii }
job f_report(d: date) {
  input i = f_source[d = d]
  output o = f_report[d = d]
  run ["x"]
}
job f_report_again(d: date) {
  input i = f_source[d = d]
  output o = f_report[d = d]
  run ["x"]
}
dataset f_loop[d: date]
job f_loop(d: date) {
  input i = f_loop[d = d]
  output o = f_loop[d = d]
  run ["x"]
}
dataset f_running[d: date]
job f_running(d: date) {
  input i = f_running[d = d - 1d]
  output o = f_running[d = d]
  removes pii because "nothing to remove"
  run ["x"]
}
)");
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
  linked.workspace = link(linked.models, paths, {.threads = threads});
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
std::vector<std::pair<FileId, uint32_t>> ports(std::span<const PortRef> refs) {
  std::vector<std::pair<FileId, uint32_t>> out;
  for (const PortRef& ref : refs)
    out.emplace_back(ref.port->declaration.file, ref.port->declaration.range.begin);
  return out;
}

TEST(Link, ThreadsDoNotChangeTheResult) {
  Linked one = link_with(1);
  ASSERT_GT(one.workspace.diagnostics.size(), 40u);
  std::set<std::string_view> codes;
  for (const Diagnostic& diagnostic : one.workspace.diagnostics) codes.insert(diagnostic.code());
  for (std::string_view flow_code :
       {"overlapping-producers", "cycle", "unbounded-recursion", "taint-denied", "useless-removal"})
    EXPECT_TRUE(codes.count(flow_code)) << flow_code;
  for (unsigned threads : {2u, 3u, 8u}) {
    SCOPED_TRACE(threads);
    Linked many = link_with(threads);
    EXPECT_EQ(messages(many.workspace), messages(one.workspace));
    for (FileId file = 0; file < one.models.size(); ++file) {
      for (size_t d = 0; d < one.models[file].datasets.size(); ++d) {
        const Dataset& a = one.models[file].datasets[d];
        const Dataset& b = many.models[file].datasets[d];
        EXPECT_EQ(ports(one.workspace.producers.of(a)), ports(many.workspace.producers.of(b)));
        EXPECT_EQ(ports(one.workspace.readers.of(a)), ports(many.workspace.readers.of(b)));
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

// Every linked field of the models, as comparable values.
std::vector<std::string> links_of(const std::vector<FileModel>& models) {
  std::vector<std::string> links;
  for (const FileModel& model : models) {
    for (const Dataset& dataset : model.datasets) {
      links.push_back(std::to_string(dataset.link_index));
      for (const KeyDecl& key : dataset.keys)
        links.push_back(key.type.display.str() + std::to_string(int(key.type.kind)));
    }
    for (const Job& job : model.jobs) {
      links.push_back(std::to_string(job.link_index));
      for (const List<Port>* ports : {&job.inputs, &job.outputs}) {
        for (const Port& port : *ports) {
          const Dataset* target = port.pattern.target;
          links.push_back(target ? target->name.text.str() : "-");
          for (const Binding& binding : port.pattern.bindings)
            links.push_back(std::to_string(binding.key_index));
        }
      }
    }
  }
  return links;
}

TEST(Link, NavigatingAFileRecordsItsNamesAndChangesNothing) {
  Linked linked = link_with(2);
  std::vector<std::string> before = links_of(linked.models);
  std::vector<FileNavigation> navigation;
  for (FileId file = 0; file < linked.models.size(); ++file)
    navigation.push_back(navigate_file(linked.models, linked.workspace, file));
  EXPECT_EQ(links_of(linked.models), before);

  auto defined = [&](const Location& location) {
    for (const Definition& definition : navigation[location.file].definitions) {
      if (definition.location == location) return true;
    }
    return false;
  };
  size_t references = 0;
  for (FileId file = 0; file < linked.models.size(); ++file) {
    SCOPED_TRACE(file);
    for (const Definition& definition : navigation[file].definitions)
      EXPECT_EQ(definition.location.file, file);
    // Each resolved use leads to a definition some file's index records.
    for (const Reference& reference : navigation[file].references) {
      EXPECT_EQ(reference.location.file, file);
      EXPECT_TRUE(defined(reference.definition)) << reference.location.range.begin;
      ++references;
    }
    // The first definition of each dataset and job, and no second one.
    for (const Dataset& dataset : linked.models[file].datasets)
      EXPECT_EQ(defined(dataset.name.location), dataset.canonical()) << dataset.name.text;
    for (const Job& job : linked.models[file].jobs) {
      EXPECT_TRUE(defined(job.name.location)) << job.name.text;
      const Pattern& input = job.inputs[0].pattern;
      bool recorded = false;
      for (const Reference& reference : navigation[file].references) {
        recorded |= reference.location == input.dataset.location && input.target &&
                    reference.definition == input.target->name.location;
      }
      EXPECT_EQ(recorded, input.target != nullptr) << job.name.text;
    }
  }
  // Datasets, keys and parameters named in every job, at least.
  EXPECT_GT(references, 3 * 4000u);
}

}  // namespace
}  // namespace databuild
