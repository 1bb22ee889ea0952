// Calendar values: parsing validates, formatting is its inverse, and the
// arithmetic holds for leap years, month ends and dates before 1970.
#include "calendar.h"

#include <gtest/gtest.h>

namespace databuild {
namespace {

TEST(Calendar, ParseDate) {
  EXPECT_EQ(parse_date("1970-01-01"), 0);
  EXPECT_EQ(parse_date("1970-01-02"), 1);
  EXPECT_EQ(parse_date("1969-12-31"), -1);
  EXPECT_EQ(parse_date("2024-01-01"), 19723);
  EXPECT_EQ(parse_date("2000-03-01"), 11017);
  EXPECT_EQ(parse_date("0000-01-01"), -719528);
  EXPECT_EQ(parse_date("9999-12-31"), 2932896);
}

TEST(Calendar, LeapYearsAndMonthEnds) {
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("1900-02-29"));  // divisible by 100
  EXPECT_TRUE(parse_date("2000-02-29"));   // divisible by 400
  EXPECT_TRUE(parse_date("1600-02-29"));
  EXPECT_FALSE(parse_date("2024-02-30"));
  EXPECT_EQ(*parse_date("2024-03-01") - *parse_date("2024-02-28"), 2);
  EXPECT_EQ(*parse_date("2023-03-01") - *parse_date("2023-02-28"), 1);
  for (const char* end :
       {"2024-01-31", "2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30", "2024-07-31",
        "2024-08-31", "2024-09-30", "2024-10-31", "2024-11-30", "2024-12-31"}) {
    EXPECT_TRUE(parse_date(end)) << end;
    std::string next = std::string(end, 8) + std::to_string(std::stoi(end + 8) + 1);
    EXPECT_FALSE(parse_date(next)) << next;
  }
}

TEST(Calendar, MalformedDates) {
  for (const char* text :
       {"", "2024-1-01", "2024-01-1", "2024/01/01", "24-01-01", "2024-01-01 ", "2024-00-01",
        "2024-13-01", "2024-01-00", "2024-01-32", "+024-01-01", "2024-0a-01", "2024-01-01T00"}) {
    EXPECT_FALSE(parse_date(text)) << text;
  }
}

TEST(Calendar, HoursAndMonths) {
  EXPECT_EQ(parse_hour("1970-01-01T00"), 0);
  EXPECT_EQ(parse_hour("1969-12-31T23"), -1);
  EXPECT_EQ(parse_hour("2024-01-01T05"), 19723 * 24 + 5);
  EXPECT_FALSE(parse_hour("2024-01-01T24"));
  EXPECT_FALSE(parse_hour("2024-02-30T00"));
  EXPECT_FALSE(parse_hour("2024-01-01 05"));
  EXPECT_FALSE(parse_hour("2024-01-01T5"));
  EXPECT_EQ(parse_month("0000-01"), 0);
  EXPECT_EQ(parse_month("1970-01"), 1970 * 12);
  EXPECT_EQ(parse_month("2024-12"), 2024 * 12 + 11);
  EXPECT_FALSE(parse_month("2024-13"));
  EXPECT_FALSE(parse_month("2024-00"));
  EXPECT_FALSE(parse_month("2024-1"));
  EXPECT_FALSE(parse_month("2024-01-01"));
}

TEST(Calendar, Durations) {
  EXPECT_EQ(parse_duration("0s"), 0);
  EXPECT_EQ(parse_duration("30s"), 30);
  EXPECT_EQ(parse_duration("15m"), 900);
  EXPECT_EQ(parse_duration("6h"), 6 * kSecondsPerHour);
  EXPECT_EQ(parse_duration("7d"), 7 * kSecondsPerDay);
  EXPECT_EQ(parse_duration("99999999999d"), 99999999999 * kSecondsPerDay);
  for (const char* text : {"", "d", "7", "7w", "7 d", "-7d", "1.5h", "999999999999d"}) {
    EXPECT_FALSE(parse_duration(text)) << text;
  }
}

TEST(Calendar, Format) {
  EXPECT_EQ(format_date(0), "1970-01-01");
  EXPECT_EQ(format_date(-1), "1969-12-31");
  EXPECT_EQ(format_date(-719528), "0000-01-01");
  EXPECT_EQ(format_date(19723), "2024-01-01");
  EXPECT_EQ(format_hour(-1), "1969-12-31T23");
  EXPECT_EQ(format_hour(-24), "1969-12-31T00");
  EXPECT_EQ(format_hour(-25), "1969-12-30T23");
  EXPECT_EQ(format_hour(19723 * 24 + 5), "2024-01-01T05");
  EXPECT_EQ(format_month(0), "0000-01");
  EXPECT_EQ(format_month(2024 * 12 + 11), "2024-12");
  EXPECT_EQ(format_value(TimeUnit::Date, 19723), "2024-01-01");
  EXPECT_EQ(format_value(TimeUnit::Hour, 1), "1970-01-01T01");
  EXPECT_EQ(format_value(TimeUnit::Month, 1970 * 12 + 1), "1970-02");
}

TEST(Calendar, RoundTrips) {
  // Every day from 1900 to 2100, then a sample of years 0 to 9999.
  for (int64_t day = *parse_date("1900-01-01"); day <= *parse_date("2100-12-31"); ++day) {
    ASSERT_EQ(parse_date(format_date(day)), day) << format_date(day);
  }
  for (int64_t day = *parse_date("0000-01-01"); day <= *parse_date("9999-12-31"); day += 97) {
    ASSERT_EQ(parse_date(format_date(day)), day) << format_date(day);
  }
  for (int64_t hour = -24 * 800; hour <= 24 * 800; ++hour) {
    ASSERT_EQ(parse_hour(format_hour(hour)), hour) << format_hour(hour);
  }
  for (int64_t month = 0; month < 10000 * 12; ++month) {
    ASSERT_EQ(parse_month(format_month(month)), month) << format_month(month);
  }
}

TEST(Calendar, FormatWith) {
  int64_t day = *parse_date("2024-03-09");
  EXPECT_EQ(format_with(TimeUnit::Date, day, "%Y%m%d"), "20240309");
  EXPECT_EQ(format_with(TimeUnit::Date, day, "year=%Y/month=%m/day=%d/%H"),
            "year=2024/month=03/day=09/00");
  EXPECT_EQ(format_with(TimeUnit::Date, day, "100%%"), "100%");
  EXPECT_EQ(format_with(TimeUnit::Date, day, "%%Y"), "%Y");
  EXPECT_EQ(format_with(TimeUnit::Date, day, ""), "");
  EXPECT_EQ(format_with(TimeUnit::Date, -1, "%Y-%m-%d"), "1969-12-31");
  EXPECT_EQ(format_with(TimeUnit::Hour, -1, "%Y%m%d%H"), "1969123123");
  EXPECT_EQ(format_with(TimeUnit::Hour, *parse_hour("2024-03-09T07"), "%d %H"), "09 07");
  EXPECT_EQ(format_with(TimeUnit::Month, *parse_month("2024-03"), "%Y-%m-%d"), "2024-03-01");
  EXPECT_FALSE(format_with(TimeUnit::Date, day, "%"));
  EXPECT_FALSE(format_with(TimeUnit::Date, day, "%Y%"));
  EXPECT_FALSE(format_with(TimeUnit::Date, day, "%M"));
  EXPECT_FALSE(format_with(TimeUnit::Date, day, "%y"));
}

TEST(Calendar, MonthConversions) {
  int64_t february_2024 = *parse_month("2024-02");
  EXPECT_EQ(month_of_date(*parse_date("2024-02-29")), february_2024);
  EXPECT_EQ(month_of_date(*parse_date("2024-03-01")), february_2024 + 1);
  EXPECT_EQ(month_of_date(-1), *parse_month("1969-12"));
  EXPECT_EQ(first_date_of_month(february_2024), *parse_date("2024-02-01"));
  EXPECT_EQ(first_date_of_month(*parse_month("1969-12")), *parse_date("1969-12-01"));
  EXPECT_EQ(days_in_month(february_2024), 29);
  EXPECT_EQ(days_in_month(*parse_month("2023-02")), 28);
  EXPECT_EQ(days_in_month(*parse_month("1900-02")), 28);
  EXPECT_EQ(days_in_month(*parse_month("2000-02")), 29);
  EXPECT_EQ(days_in_month(*parse_month("2024-04")), 30);
  EXPECT_EQ(days_in_month(*parse_month("2024-12")), 31);
  // Consistency, including months before year 0 (negative).
  for (int64_t month = -48; month < 2100 * 12; ++month) {
    int64_t first = first_date_of_month(month);
    ASSERT_EQ(first_date_of_month(month + 1) - first, days_in_month(month)) << month;
    ASSERT_EQ(month_of_date(first), month) << month;
    ASSERT_EQ(month_of_date(first + days_in_month(month) - 1), month) << month;
  }
}

}  // namespace
}  // namespace databuild
