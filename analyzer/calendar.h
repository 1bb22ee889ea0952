// Calendar values (UTC) as plain integers, so that key domains, ranges and date
// arithmetic are integer arithmetic:
//   date  = days since 1970-01-01
//   hour  = hours since 1970-01-01T00
//   month = months since 0000-01 (year * 12 + month - 1)
// Parsing validates (2024-02-30 is rejected); formatting is the inverse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace databuild {

enum class TimeUnit { Date, Hour, Month };

std::optional<int64_t> parse_date(std::string_view text);   // YYYY-MM-DD
std::optional<int64_t> parse_hour(std::string_view text);   // YYYY-MM-DDTHH
std::optional<int64_t> parse_month(std::string_view text);  // YYYY-MM
// 30s 15m 6h 7d, in seconds.
std::optional<int64_t> parse_duration(std::string_view text);

std::string format_date(int64_t days);
std::string format_hour(int64_t hours);
std::string format_month(int64_t months);
std::string format_value(TimeUnit unit, int64_t value);

// Formats with strftime-like directives %Y %m %d %H (and %% for '%'); other
// characters are copied. Returns std::nullopt on an unknown directive.
std::optional<std::string> format_with(TimeUnit unit, int64_t value, std::string_view format);

// Conversions used by month_of, date_of, days_of and hours_of.
int64_t month_of_date(int64_t days);
int64_t first_date_of_month(int64_t months);
int64_t days_in_month(int64_t months);

constexpr int64_t kSecondsPerHour = 3600;
constexpr int64_t kSecondsPerDay = 86400;

}  // namespace databuild
