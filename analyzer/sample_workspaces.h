// Sample workspaces shared by the job-target resolution and partition-ref
// unit tests and by the fuzzers that drive the same code (fuzz/), so that
// the fuzzers explore exactly the shapes the tests pin down. Both are free of
// errors: resolve() refuses a workspace with errors.
#pragma once

namespace databuild::samples {

// Every key kind, with and without bounds, including `until now - …`; every
// dataset is external.
inline constexpr const char* kKeyKinds = R"(
type region = enum(us, eu, "ap-south")
dataset events[date: date since 2024-01-01 until now - 1d, region: region] { external }
dataset hourly[hour: hour since 2024-01-01T00 until 2024-01-02T23] { external }
dataset monthly[month: month since 2023-11 until now - 1] { external }
dataset shards[shard: int since 0 until 3, name: string] { external }
dataset numbers[n: int] { external }
dataset days[day: date] { external }
dataset settings { external }
)";

// Every kind of input pattern: windows, `*`, `days_of`, `hours_of`,
// `date_of`, `month_of`, date arithmetic, recursion on a `since`-bounded
// key, an unpartitioned total, fixed and repeated outputs, string and int
// keys; `manual` has no producer.
inline constexpr const char* kPipelines = R"(
type region = enum(us, eu)
dataset events[date: date since 2024-01-01 until now - 1d, region: region] {
  external
  location "vendor/{region}/{date:%Y/%m/%d}"
}
dataset weekly[date: date since 2024-01-07] {}
job weekly(d: date) {
  input  events = events[date in d - 6d .. d, region = *] { region }
  output out    = weekly[date = d]
  run ["python3", "jobs/weekly.py", "--end={d:%Y%m%d}", "--start={d - 6d}"]
  env PREVIOUS = "{d - 1d}"
}
dataset running[date: date since 2024-01-07] {}
job running(d: date) {
  input today = weekly[date = d]
  input prev  = running[date = d - 1d]
  output out  = running[date = d]
  run ["true"]
}
dataset totals {}
job totals {
  input all = events[date = *, region = *]
  output out = totals
  run ["true"]
}
dataset monthly[month: month since 2024-01] {}
job monthly(m: month) {
  input days = weekly[date in days_of(m)]
  input last = monthly[month = m - 1]
  output out = monthly[month = m]
  run ["true", "{m:%Y-%m}", "{m - 1}"]
}
dataset hourly[hour: hour since 2024-01-01T00] { external }
dataset daily[date: date since 2024-01-01] {}
job daily(d: date) {
  input hours = hourly[hour in hours_of(d)]
  input month_start = weekly[date = d - 40d]
  output out = daily[date = d]
  run ["true"]
}
dataset by_hour[hour: hour since 2024-01-01T00] {}
job by_hour(h: hour) {
  input day = daily[date = date_of(h)]
  input month = monthly[month = month_of(h)]
  input back = hourly[hour = h - 3h]
  output out = by_hour[hour = h]
  run ["true"]
}
dataset manual[date: date since 2024-01-01] {}
dataset fixed[date: date] {}
job fixed {
  output o = fixed[date = 2024-02-29]
  run ["true"]
}
dataset pair[a: date, b: date] {}
job pair(d: date) {
  output o = pair[a = d, b = d]
  run ["true"]
}
dataset src[name: string, n: int] { external location "in/{name}/{n}" }
dataset dst[name: string, n: int] {}
job copy(s: string, n: int) {
  input previous = src[name = s, n = n + 1]
  output o = dst[name = s, n = n]
  run ["cp", "{s}", "{n}"]
  env NAME = "{s}"
}
)";

}  // namespace databuild::samples
