// Partition refs: every way a ref can be wrong has a message naming the ref,
// the key and what was expected; canonical forms read back as themselves;
// backfill requests expand within the domain at a given clock.
#include "partition_ref.h"

#include <gtest/gtest.h>

#include "calendar.h"
#include "sample_workspaces.h"
#include "test_support.h"

namespace databuild {
namespace {

// 2024-03-10T12:00:00Z: `now - 1d` is 2024-03-09 for dates, 2024-02 for months.
const BuildClock kClock{(*parse_date("2024-03-10")) * kSecondsPerDay + 12 * kSecondsPerHour};

class PartitionRefTest : public ::testing::Test {
 protected:
  void SetUp() override {
    analysis_ = testing::analyze({{"a.dbuild", samples::kKeyKinds}});
    ASSERT_TRUE(testing::summarize(*analysis_).empty());
  }

  Expected<PartitionRef> parse(std::string_view text) const {
    return parse_partition_ref(analysis_->linked, text, kClock);
  }

  // The canonical form of `text`, or its error.
  std::string canonical(std::string_view text) const {
    Expected<PartitionRef> ref = parse(text);
    return ref ? ref->canonical() : ref.error();
  }

  std::string error(std::string_view text) const {
    Expected<PartitionRef> ref = parse(text);
    return ref ? "(parsed as " + ref->canonical() + ")" : ref.error();
  }

  std::vector<std::string> expand(std::string_view text) const {
    Expected<PartitionSelector> selector = parse_partition_selector(analysis_->linked, text);
    if (!selector) return {selector.error()};
    Expected<std::vector<PartitionRef>> refs = expand_partition_selector(*selector, kClock, 100);
    if (!refs) return {refs.error()};
    std::vector<std::string> out;
    for (const PartitionRef& ref : *refs) out.push_back(ref.canonical());
    return out;
  }

  std::unique_ptr<Analysis> analysis_;
};

TEST_F(PartitionRefTest, ValidRefsReadBackInCanonicalForm) {
  EXPECT_EQ(canonical("events/date=2024-01-03/region=us"), "events/date=2024-01-03/region=us");
  EXPECT_EQ(canonical("events/region=eu/date=2024-01-03"), "events/date=2024-01-03/region=eu");
  EXPECT_EQ(canonical("events/date=2024-01-03/region=ap-south/"),
            "events/date=2024-01-03/region=ap-south");
  EXPECT_EQ(canonical("hourly/hour=2024-01-02T23"), "hourly/hour=2024-01-02T23");
  EXPECT_EQ(canonical("monthly/month=2024-02"), "monthly/month=2024-02");
  EXPECT_EQ(canonical("shards/shard=003/name=a"), "shards/shard=3/name=a");
  EXPECT_EQ(canonical("numbers/n=-9223372036854775808"), "numbers/n=-9223372036854775808");
  EXPECT_EQ(canonical("settings"), "settings");
}

TEST_F(PartitionRefTest, StringValuesAreEscapedAndDecoded) {
  EXPECT_EQ(canonical("shards/shard=1/name=a b"), "shards/shard=1/name=a%20b");
  EXPECT_EQ(canonical("shards/shard=1/name=a%20b"), "shards/shard=1/name=a%20b");
  EXPECT_EQ(canonical("shards/shard=1/name=.hidden"), "shards/shard=1/name=%2Ehidden");
  EXPECT_EQ(canonical("shards/shard=1/name=x=y%25"), "shards/shard=1/name=x%3Dy%25");
  EXPECT_EQ(canonical("shards/shard=1/name=caf\xc3\xa9"), "shards/shard=1/name=caf%C3%A9");
  EXPECT_EQ(canonical("shards/shard=1/name=%2a"), "shards/shard=1/name=%2A");
  // Escaping is injective and parsing inverts it.
  for (std::string value : {"a b", "%", "a%2", ".x", "x.y", "~-_", "\xe2\x82\xac"}) {
    std::string escaped = escape_value(value);
    Expected<PartitionRef> ref = parse("shards/shard=0/name=" + escaped);
    ASSERT_TRUE(ref) << ref.error();
    EXPECT_EQ(ref->values[1].text, value);
  }
}

TEST_F(PartitionRefTest, NamesAndKeysAreChecked) {
  EXPECT_EQ(error(""),
            "invalid partition ref '': a ref starts with a dataset name, as in "
            "'events/date=2024-01-03'");
  EXPECT_EQ(error("event/date=2024-01-03"),
            "invalid partition ref 'event/date=2024-01-03': unknown dataset 'event'");
  EXPECT_EQ(error("events/day=2024-01-03/region=us"),
            "invalid partition ref 'events/day=2024-01-03/region=us': dataset 'events' has no "
            "key 'day' (its keys: date, region)");
  EXPECT_EQ(error("settings/x=1"),
            "invalid partition ref 'settings/x=1': dataset 'settings' has no key 'x' (it has no "
            "keys)");
  EXPECT_EQ(error("events/date=2024-01-03"),
            "invalid partition ref 'events/date=2024-01-03': missing key 'region' (keys of "
            "'events': date, region)");
  EXPECT_EQ(error("events"),
            "invalid partition ref 'events': missing keys 'date' and 'region' (keys of 'events': "
            "date, region)");
  EXPECT_EQ(error("events/date=2024-01-03/date=2024-01-04/region=us"),
            "invalid partition ref 'events/date=2024-01-03/date=2024-01-04/region=us': key "
            "'date' is given twice");
  EXPECT_EQ(error("events/date=2024-01-03/us"),
            "invalid partition ref 'events/date=2024-01-03/us': 'us' is not KEY=VALUE (a value "
            "cannot contain '/')");
  EXPECT_EQ(error("events//date=2024-01-03/region=us"),
            "invalid partition ref 'events//date=2024-01-03/region=us': '' is not KEY=VALUE (a "
            "value cannot contain '/')");
}

TEST_F(PartitionRefTest, ValuesMustParseAsTheKeysType) {
  EXPECT_EQ(error("events/date=2024-02-30/region=us"),
            "invalid partition ref 'events/date=2024-02-30/region=us': '2024-02-30' is not a "
            "real date (key 'date')");
  EXPECT_EQ(error("events/date=20240103/region=us"),
            "invalid partition ref 'events/date=20240103/region=us': key 'date' takes a date "
            "(YYYY-MM-DD), found '20240103'");
  EXPECT_EQ(error("hourly/hour=2024-01-01T24"),
            "invalid partition ref 'hourly/hour=2024-01-01T24': '2024-01-01T24' is not a real "
            "hour (key 'hour')");
  EXPECT_EQ(error("hourly/hour=2024-01-01"),
            "invalid partition ref 'hourly/hour=2024-01-01': key 'hour' takes an hour "
            "(YYYY-MM-DDTHH), found '2024-01-01'");
  EXPECT_EQ(error("monthly/month=2024-13"),
            "invalid partition ref 'monthly/month=2024-13': '2024-13' is not a real month (key "
            "'month')");
  EXPECT_EQ(error("shards/shard=one/name=a"),
            "invalid partition ref 'shards/shard=one/name=a': key 'shard' takes an integer, "
            "found 'one'");
  EXPECT_EQ(error("shards/shard=+1/name=a"),
            "invalid partition ref 'shards/shard=+1/name=a': key 'shard' takes an integer, found "
            "'+1'");
  EXPECT_EQ(error("numbers/n=9223372036854775808"),
            "invalid partition ref 'numbers/n=9223372036854775808': '9223372036854775808' does "
            "not fit in 64 bits (key 'n')");
  EXPECT_EQ(error("events/date=2024-01-03/region=mars"),
            "invalid partition ref 'events/date=2024-01-03/region=mars': key 'region' takes one "
            "of us, eu, ap-south, found 'mars'");
}

TEST_F(PartitionRefTest, HostileValuesAreRefused) {
  EXPECT_EQ(error("shards/shard=1/name=.."),
            "invalid partition ref 'shards/shard=1/name=..': key 'name' cannot take '..': a value "
            "cannot contain '..'");
  EXPECT_EQ(error("shards/shard=1/name=%2E%2E"),
            "invalid partition ref 'shards/shard=1/name=%2E%2E': key 'name' cannot take '..': a "
            "value cannot contain '..'");
  EXPECT_EQ(error("shards/shard=1/name=a%2Fb"),
            "invalid partition ref 'shards/shard=1/name=a%2Fb': key 'name' cannot take 'a/b': a "
            "value cannot contain '/' or '\\'");
  EXPECT_EQ(error("shards/shard=1/name=a%00b"),
            "invalid partition ref 'shards/shard=1/name=a%00b': key 'name' cannot take "
            "'a\\x00b': a value cannot contain control characters or NUL");
  EXPECT_EQ(error(std::string("shards/shard=1/name=a") + '\x01'),
            "invalid partition ref 'shards/shard=1/name=a\\x01': key 'name' cannot take "
            "'a\\x01': a value cannot contain control characters or NUL");
  EXPECT_EQ(error("shards/shard=1/name="),
            "invalid partition ref 'shards/shard=1/name=': key 'name' cannot take '': a value "
            "cannot be empty");
  EXPECT_EQ(error("shards/shard=1/name=%FF"),
            "invalid partition ref 'shards/shard=1/name=%FF': key 'name' cannot take '\\xff': a "
            "value must be valid UTF-8");
  EXPECT_EQ(error("shards/shard=1/name=50%"),
            "invalid partition ref 'shards/shard=1/name=50%': '%' in the value of key 'name' is "
            "not an escape: '%' must be followed by two hex digits");
  EXPECT_EQ(error("events/date=2024-01-03/region=us..eu"),
            "invalid partition ref 'events/date=2024-01-03/region=us..eu': key 'region' cannot "
            "take 'us..eu': a value cannot contain '..'");
}

TEST_F(PartitionRefTest, ValuesMustLieInTheDomainAtTheClock) {
  EXPECT_EQ(error("events/date=2023-12-31/region=us"),
            "invalid partition ref 'events/date=2023-12-31/region=us': outside the domain: "
            "2023-12-31 is before the 'since' of key 'date' (2024-01-01)");
  EXPECT_EQ(canonical("events/date=2024-03-09/region=us"), "events/date=2024-03-09/region=us");
  EXPECT_EQ(error("events/date=2024-03-10/region=us"),
            "invalid partition ref 'events/date=2024-03-10/region=us': outside the domain: "
            "2024-03-10 is after the 'until' of key 'date' (2024-03-09 (now - 1d))");
  EXPECT_EQ(error("monthly/month=2024-03"),
            "invalid partition ref 'monthly/month=2024-03': outside the domain: 2024-03 is after "
            "the 'until' of key 'month' (2024-02 (now - 1))");
  EXPECT_EQ(error("hourly/hour=2024-01-03T00"),
            "invalid partition ref 'hourly/hour=2024-01-03T00': outside the domain: "
            "2024-01-03T00 is after the 'until' of key 'hour' (2024-01-02T23)");
  EXPECT_EQ(error("events/date=2024-01-01..2024-01-02/region=us"),
            "invalid partition ref 'events/date=2024-01-01..2024-01-02/region=us': a range or "
            "'*' names many partitions; give one value per key");
}

TEST_F(PartitionRefTest, DomainsFollowTheClock) {
  const KeyDecl& date = analysis_->linked.find_dataset("events")->keys[0];
  KeyDomain before_midnight = key_domain(date, {*parse_date("2024-03-10") * kSecondsPerDay - 1});
  EXPECT_EQ(format_date(*before_midnight.until), "2024-03-08");
  KeyDomain at_midnight = key_domain(date, {*parse_date("2024-03-10") * kSecondsPerDay});
  EXPECT_EQ(format_date(*at_midnight.until), "2024-03-09");
  // Before 1970: floor, not truncation.
  KeyDomain old = key_domain(date, {-1});
  EXPECT_EQ(format_date(*old.until), "1969-12-30");
  EXPECT_FALSE(old.contains({KeyKind::Date, *parse_date("2024-01-02"), {}}));
}

TEST_F(PartitionRefTest, RangesAndWildcardsExpandInKeyOrder) {
  EXPECT_EQ(expand("events/date=2024-03-01..2024-03-02/region=*"),
            (std::vector<std::string>{
                "events/date=2024-03-01/region=us", "events/date=2024-03-01/region=eu",
                "events/date=2024-03-01/region=ap-south", "events/date=2024-03-02/region=us",
                "events/date=2024-03-02/region=eu", "events/date=2024-03-02/region=ap-south"}));
  EXPECT_EQ(expand("monthly/month=*"),
            (std::vector<std::string>{"monthly/month=2023-11", "monthly/month=2023-12",
                                      "monthly/month=2024-01", "monthly/month=2024-02"}));
  EXPECT_EQ(expand("shards/shard=*/name=x"),
            (std::vector<std::string>{"shards/shard=0/name=x", "shards/shard=1/name=x",
                                      "shards/shard=2/name=x", "shards/shard=3/name=x"}));
  EXPECT_EQ(expand("hourly/hour=2024-01-02T22..2024-01-02T23"),
            (std::vector<std::string>{"hourly/hour=2024-01-02T22", "hourly/hour=2024-01-02T23"}));
  EXPECT_EQ(expand("settings"), (std::vector<std::string>{"settings"}));
}

TEST_F(PartitionRefTest, ExpansionChecksDomainsAndSizes) {
  EXPECT_EQ(expand("events/date=2023-12-30..2024-01-02/region=us"),
            (std::vector<std::string>{
                "invalid partition ref 'events/date=2023-12-30..2024-01-02/region=us': outside "
                "the domain: 2023-12-30 is before the 'since' of key 'date' (2024-01-01)"}));
  EXPECT_EQ(expand("events/date=2024-01-05..2024-01-02/region=us"),
            (std::vector<std::string>{"invalid partition ref "
                                      "'events/date=2024-01-05..2024-01-02/region=us': the range "
                                      "of key 'date' runs backwards"}));
  EXPECT_EQ(expand("numbers/n=*"),
            (std::vector<std::string>{"invalid partition ref 'numbers/n=*': '*' needs a finite "
                                      "domain, but key 'n' of 'numbers' is unbounded below (it "
                                      "has no 'since')"}));
  EXPECT_EQ(expand("shards/shard=0/name=*"),
            (std::vector<std::string>{"invalid partition ref 'shards/shard=0/name=*': '*' needs a "
                                      "finite domain, but key 'name' of 'shards' is a string, "
                                      "with no list of values"}));
  EXPECT_EQ(expand("numbers/n=0..1000"),
            (std::vector<std::string>{
                "invalid partition ref 'numbers/n=0..1000': names more than 100 partitions"}));
  EXPECT_EQ(expand("numbers/n=-9223372036854775808..9223372036854775807"),
            (std::vector<std::string>{"invalid partition ref "
                                      "'numbers/n=-9223372036854775808..9223372036854775807': "
                                      "names more than 100 partitions"}));
  EXPECT_EQ(expand("events/date=2024-01-01..2024-02-10/region=*"),
            (std::vector<std::string>{"invalid partition ref "
                                      "'events/date=2024-01-01..2024-02-10/region=*': names more "
                                      "than 100 partitions"}));
  EXPECT_EQ(expand("shards/shard=0..2/name=a..b"),
            (std::vector<std::string>{"invalid partition ref 'shards/shard=0..2/name=a..b': key "
                                      "'name' cannot take 'a..b': a value cannot contain '..'"}));
}

}  // namespace
}  // namespace databuild
