// Civil-date arithmetic after Howard Hinnant's days_from_civil algorithm: exact
// for the proleptic Gregorian calendar, with no dependence on the C library's
// time zone handling (all DataBuild calendar values are UTC).
#include "calendar.h"

#include <cstdio>

namespace databuild {
namespace {

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct Civil {
  int64_t year, month, day;
};

Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp + (mp < 10 ? 3 : -9);
  return {era * 400 + yoe + (m <= 2), m, d};
}

// Reads exactly `width` digits at text[pos].
std::optional<int64_t> digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int64_t value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t month_length(int64_t y, int64_t m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

std::string two(int64_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(v));
  return buf;
}

std::string four(int64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(v));
  return buf;
}

}  // namespace

std::optional<int64_t> parse_month(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  auto y = digits(text, 0, 4), m = digits(text, 5, 2);
  if (!y || !m || *m < 1 || *m > 12) return std::nullopt;
  return *y * 12 + *m - 1;
}

std::optional<int64_t> parse_date(std::string_view text) {
  if (text.size() != 10 || text[7] != '-') return std::nullopt;
  auto month = parse_month(text.substr(0, 7));
  auto d = digits(text, 8, 2);
  if (!month || !d) return std::nullopt;
  int64_t y = *month / 12, m = *month % 12 + 1;
  if (*d < 1 || *d > month_length(y, m)) return std::nullopt;
  return days_from_civil(y, m, *d);
}

std::optional<int64_t> parse_hour(std::string_view text) {
  if (text.size() != 13 || text[10] != 'T') return std::nullopt;
  auto date = parse_date(text.substr(0, 10));
  auto h = digits(text, 11, 2);
  if (!date || !h || *h > 23) return std::nullopt;
  return *date * 24 + *h;
}

std::optional<int64_t> parse_duration(std::string_view text) {
  if (text.size() < 2 || text.size() > 12) return std::nullopt;
  auto n = digits(text, 0, text.size() - 1);
  if (!n) return std::nullopt;
  switch (text.back()) {
    case 's':
      return *n;
    case 'm':
      return *n * 60;
    case 'h':
      return *n * kSecondsPerHour;
    case 'd':
      return *n * kSecondsPerDay;
  }
  return std::nullopt;
}

std::string format_month(int64_t months) {
  int64_t y = months >= 0 ? months / 12 : (months - 11) / 12;
  return four(y) + "-" + two(months - y * 12 + 1);
}

std::string format_date(int64_t days) {
  Civil c = civil_from_days(days);
  return four(c.year) + "-" + two(c.month) + "-" + two(c.day);
}

std::string format_hour(int64_t hours) {
  int64_t days = hours >= 0 ? hours / 24 : (hours - 23) / 24;
  return format_date(days) + "T" + two(hours - days * 24);
}

std::string format_value(TimeUnit unit, int64_t value) {
  switch (unit) {
    case TimeUnit::Date:
      return format_date(value);
    case TimeUnit::Hour:
      return format_hour(value);
    case TimeUnit::Month:
      return format_month(value);
  }
  return {};
}

std::optional<std::string> format_with(TimeUnit unit, int64_t value, std::string_view format) {
  int64_t hour = 0, days = 0;
  Civil civil{};
  switch (unit) {
    case TimeUnit::Hour:
      days = value >= 0 ? value / 24 : (value - 23) / 24;
      hour = value - days * 24;
      civil = civil_from_days(days);
      break;
    case TimeUnit::Date:
      civil = civil_from_days(value);
      break;
    case TimeUnit::Month: {
      int64_t y = value >= 0 ? value / 12 : (value - 11) / 12;
      civil = {y, value - y * 12 + 1, 1};
      break;
    }
  }
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i == format.size()) return std::nullopt;
    switch (format[i]) {
      case 'Y':
        out += four(civil.year);
        break;
      case 'm':
        out += two(civil.month);
        break;
      case 'd':
        out += two(civil.day);
        break;
      case 'H':
        out += two(hour);
        break;
      case '%':
        out += '%';
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

int64_t month_of_date(int64_t days) {
  Civil c = civil_from_days(days);
  return c.year * 12 + c.month - 1;
}

int64_t first_date_of_month(int64_t months) {
  int64_t y = months >= 0 ? months / 12 : (months - 11) / 12;
  return days_from_civil(y, months - y * 12 + 1, 1);
}

int64_t days_in_month(int64_t months) {
  int64_t y = months >= 0 ? months / 12 : (months - 11) / 12;
  return month_length(y, months - y * 12 + 1);
}

}  // namespace databuild
