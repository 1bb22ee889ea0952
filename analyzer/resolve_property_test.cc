// Property tests of resolution over generated workspaces.
//
// Each seed generates a workspace of datasets keyed by a date, hour or month
// (and sometimes an enum), jobs reading earlier datasets through every kind of
// binding (`=`, windows, `*`, days_of/hours_of/month_of/date_of, arithmetic),
// self-recursion, and datasets that are external or have no producer. For
// random partitions, every input partition resolve() lists must lie in its
// domain and resolve again: to the one job output that writes it, or as
// external or hand-made. Calendar arithmetic is checked against the C
// library's timegm/gmtime_r, an independent implementation.
#include <gtest/gtest.h>

#include <ctime>
#include <random>
#include <sstream>

#include "calendar.h"
#include "resolve.h"
#include "test_support.h"

namespace databuild {
namespace {

enum class Unit { Date, Hour, Month };

const char* const kUnitType[] = {"date", "hour", "month"};
const char* const kUnitSince[] = {"2024-01-01", "2024-01-01T00", "2024-01"};
// A fixed `until` for each unit, used on some keys instead of `until now - …`.
const char* const kUnitUntil[] = {"2024-12-31", "2024-03-31T23", "2025-06"};
const char* const kUnitStep[] = {"d", "h", ""};

struct GeneratedDataset {
  Unit unit;
  bool has_region;
  bool finite;
};

// A random workspace; `datasets` describes what was generated.
std::string generate(std::mt19937& random, std::vector<GeneratedDataset>& datasets) {
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  std::ostringstream out;
  out << "type region = enum(us, eu, apac)\n";
  int count = 3 + pick(6);
  for (int i = 0; i < count; ++i) {
    GeneratedDataset dataset{static_cast<Unit>(pick(3)), pick(2) == 0, pick(3) != 0};
    int u = static_cast<int>(dataset.unit);
    out << "dataset d" << i << "[t: " << kUnitType[u] << " since " << kUnitSince[u];
    if (dataset.finite && pick(2) == 0) {
      out << " until " << kUnitUntil[u];
    } else if (dataset.finite) {
      out << " until now - 1" << kUnitStep[u];
    }
    out << (dataset.has_region ? ", r: region" : "") << "]";
    // The first datasets are external; a few others are left to be hand-made.
    bool external = i < 2, hand_made = i >= 2 && pick(5) == 0;
    out << (external ? " { external }\n" : "\n");
    datasets.push_back(dataset);
    if (external || hand_made) continue;
    out << "job j" << i << "(p: " << kUnitType[u] << (dataset.has_region ? ", q: region" : "")
        << ") {\n";
    for (int input = 0, inputs = 1 + pick(3); input < inputs; ++input) {
      int source = pick(i);
      const GeneratedDataset& read = datasets[source];
      std::string binding;
      Unit from = dataset.unit, to = read.unit;
      int step = pick(4);
      const char* unit_step = kUnitStep[static_cast<int>(to)];
      if (from == to && pick(2) == 0) {
        binding = "= p - " + std::to_string(step) + unit_step;
      } else if (from == to) {
        binding = "in p - " + std::to_string(step) + unit_step + " .. p";
      } else if (from == Unit::Month && to == Unit::Date) {
        binding = "in days_of(p)";
      } else if (from == Unit::Date && to == Unit::Hour) {
        binding = "in hours_of(p)";
      } else if (to == Unit::Month) {
        binding = "= month_of(p)";
      } else if (from == Unit::Hour && to == Unit::Date) {
        binding = "= date_of(p)";
      } else {
        binding = read.finite ? "= *" : "";
      }
      if (binding.empty()) continue;
      std::string region = !read.has_region                     ? ""
                           : dataset.has_region && pick(2) == 0 ? ", r = q"
                                                                : ", r = *";
      out << "  input i" << input << " = d" << source << "[t " << binding << region << "]\n";
    }
    if (pick(3) == 0) {
      const char* unit_step = kUnitStep[u];
      out << "  input self = d" << i << "[t = p - 1" << unit_step
          << (dataset.has_region ? ", r = q" : "") << "]\n";
    }
    out << "  output o = d" << i << "[t = p" << (dataset.has_region ? ", r = q" : "") << "]\n";
    out << "  run [\"run\", \"{p}\"]\n}\n";
  }
  return out.str();
}

TEST(ResolveProperty, EveryInputPartitionResolvesToItsOneProducer) {
  const BuildClock clock{*parse_date("2024-07-15") * kSecondsPerDay + 5 * kSecondsPerHour};
  size_t checked = 0, by_job = 0;
  for (unsigned seed = 1; seed <= 200; ++seed) {
    std::mt19937 random(seed);
    std::vector<GeneratedDataset> datasets;
    std::string source = generate(random, datasets);
    std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", source}});
    for (const std::string& diagnostic : testing::summarize(*analysis, true))
      ASSERT_EQ(diagnostic.find(": error: "), std::string::npos)
          << "seed " << seed << ": " << diagnostic << "\n"
          << source;
    const LinkedWorkspace& linked = analysis->linked;
    for (int sample = 0; sample < 10; ++sample) {
      size_t index = random() % datasets.size();
      const Dataset* dataset = linked.find_dataset("d" + std::to_string(index));
      Expected<PartitionSelector> all = parse_partition_selector(
          linked, dataset->name.text + "/t=*" + (datasets[index].has_region ? "/r=*" : ""));
      ASSERT_TRUE(all) << all.error();
      Expected<std::vector<PartitionRef>> partitions = expand_partition_selector(*all, clock);
      if (!partitions) continue;  // `*` on an unbounded key: nothing to sample
      if (partitions->empty()) continue;
      const PartitionRef& partition = (*partitions)[random() % partitions->size()];
      Expected<Resolution> resolution = resolve(linked, partition, clock);
      ASSERT_TRUE(resolution) << "seed " << seed << ": " << resolution.error() << "\n" << source;
      if (!resolution->target) continue;
      for (const InputPartitions& input : resolution->target->inputs) {
        for (const PartitionRef& read : input.partitions) {
          const Dataset& target = *read.dataset;
          for (size_t k = 0; k < target.keys.size(); ++k)
            EXPECT_TRUE(key_domain(target.keys[k], clock).contains(read.values[k]))
                << "seed " << seed << ": " << read.canonical() << " is outside the domain";
          ++checked;
          Expected<Resolution> again = resolve(linked, read, clock);
          ASSERT_TRUE(again) << "seed " << seed << ": " << again.error();
          bool produced = !linked.producers.of(target).empty();
          if (target.is_external()) {
            EXPECT_EQ(again->producer, ProducerKind::External);
          } else if (!produced) {
            EXPECT_EQ(again->producer, ProducerKind::HandMade);
          } else {
            // Every generated output binds every key to a parameter.
            ASSERT_EQ(again->producer, ProducerKind::Job) << read.canonical();
            bool writes_it = std::any_of(
                again->target->outputs.begin(), again->target->outputs.end(),
                [&](const OutputPartition& output) { return output.partition == read; });
            EXPECT_TRUE(writes_it) << "seed " << seed << ": " << read.canonical();
            ++by_job;
          }
          // The canonical form reads back as the same partition.
          Expected<PartitionRef> parsed = parse_partition_ref(linked, read.canonical(), clock);
          ASSERT_TRUE(parsed) << parsed.error();
          EXPECT_EQ(*parsed, read);
        }
      }
    }
  }
  // The generator must exercise the property, not skip it.
  EXPECT_GT(checked, 10000u);
  EXPECT_GT(by_job, 1000u) << checked << " " << by_job;
}

// The date (days since 1970-01-01) of `days` after `date`, by the C library.
std::string reference_date(int64_t date, int64_t days) {
  time_t seconds = static_cast<time_t>((date + days) * kSecondsPerDay);
  std::tm civil{};
  gmtime_r(&seconds, &civil);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &civil);
  return text;
}

TEST(ResolveProperty, CalendarFunctionsAgreeWithTheCLibrary) {
  std::mt19937 random(7);
  const int64_t first = *parse_date("1901-01-01"), last = *parse_date("2099-12-31");
  for (int i = 0; i < 20000; ++i) {
    int64_t date = first + static_cast<int64_t>(random() % static_cast<uint64_t>(last - first));
    int64_t step = static_cast<int64_t>(random() % 800) - 400;
    ASSERT_EQ(format_date(date + step), reference_date(date, step)) << format_date(date);
    // days_of(month_of(d)) contains d, and is the whole month.
    int64_t month = month_of_date(date);
    int64_t start = first_date_of_month(month), length = days_in_month(month);
    EXPECT_LE(start, date);
    EXPECT_LT(date, start + length);
    EXPECT_EQ(reference_date(start, 0).substr(8), "01");
    EXPECT_EQ(reference_date(start, length).substr(8), "01");
    EXPECT_EQ(month_of_date(start + length), month + 1);
    // hours_of(date_of(h)) contains h.
    int64_t hour = date * 24 + static_cast<int64_t>(random() % 24);
    EXPECT_EQ(format_hour(hour).substr(0, 10), format_date(date));
  }
}

// The same properties, evaluated by resolve() from pattern text.
TEST(ResolveProperty, ResolvedWindowsMatchTheReference) {
  std::unique_ptr<Analysis> analysis = testing::analyze({{"a.dbuild", R"(
dataset days[t: date since 1901-01-01] { external }
dataset hours[t: hour since 1901-01-01T00] { external }
dataset out[t: date since 1901-01-01] {}
job out(d: date) {
  input month = days[t in days_of(month_of(d))]
  input back  = days[t = d - 400d]
  input ahead = days[t in d + 1d .. d + 31d]
  input hours = hours[t in hours_of(d)]
  output o = out[t = d]
  run ["true"]
}
)"}});
  ASSERT_EQ(testing::summarize(*analysis), std::vector<std::string>{});
  const BuildClock clock{0};
  std::mt19937 random(11);
  const int64_t first = *parse_date("1902-03-01"), last = *parse_date("2099-01-01");
  for (int i = 0; i < 2000; ++i) {
    int64_t date = first + static_cast<int64_t>(random() % static_cast<uint64_t>(last - first));
    Expected<PartitionRef> ref =
        parse_partition_ref(analysis->linked, "out/t=" + format_date(date), clock);
    ASSERT_TRUE(ref) << ref.error();
    Expected<Resolution> resolution = resolve(analysis->linked, *ref, clock);
    ASSERT_TRUE(resolution) << resolution.error();
    const std::vector<InputPartitions>& inputs = resolution->target->inputs;
    const std::vector<PartitionRef>& month = inputs[0].partitions;
    ASSERT_FALSE(month.empty());
    EXPECT_EQ(month.size(), static_cast<size_t>(days_in_month(month_of_date(date))));
    EXPECT_EQ(value_text(month.front().values[0]).substr(8), "01");
    EXPECT_EQ(reference_date(month.back().values[0].number, 1).substr(8), "01");
    EXPECT_EQ(value_text(inputs[1].partitions.at(0).values[0]), reference_date(date, -400));
    EXPECT_EQ(value_text(inputs[2].partitions.at(30).values[0]), reference_date(date, 31));
    EXPECT_EQ(inputs[3].partitions.size(), 24u);
    EXPECT_EQ(value_text(inputs[3].partitions.back().values[0]), reference_date(date, 0) + "T23");
  }
}

}  // namespace
}  // namespace databuild
