#!/usr/bin/env python3
"""Generates a synthetic DataBuild workspace for benchmarks.

    gen_workspace.py N OUTDIR [--files F] [--seed S]

writes OUTDIR/workspace.dbuild and about F files in subdirectories
(OUTDIR/domain_DD/area_AA/unit_UUUUU.dbuild) holding N jobs and about 1.1 N
datasets. The workspace is free of errors and warnings. It is made of *units*
of 9 jobs and 10 datasets, each shaped like the language design's example:

    raw (external; column taint pii; some units also `taint acme_license`,
         some a third enum key `channel`; unit 0 has both,
         so every declaration in workspace.dbuild is used for any N)
      -> clean         removes pii because "..."      (date, region)
      -> daily         fan-in: region = *             (date)
      -> weekly        7-day window: date in d - 6d .. d, region = *
      -> running       well-founded recursion: running[date = d - 1d], since-bounded
      -> monthly       date in days_of(m)             (month)
      -> regional      (date, region), a literal-free copy with a column list
      -> totals        unpartitioned, date = *, region = * over a finite domain
      -> joined        fan-in across units and files: daily/weekly of this unit and
                       of up to three earlier units, a running total of another
      -> report        deny pii (downstream of clean), reads joined and clean

Names are global (datasets `uNNNNN_clean`, jobs of the same name), so every
unit's `joined` resolves names in other files. When N is not a multiple of 9
the last unit is cut short (jobs and the datasets they produce, in the order
above). Output is deterministic for a given (N, F, seed).
"""

import argparse
import os
import random
import sys

JOB_ORDER = ["clean", "daily", "weekly", "accumulate", "monthly", "regional", "totals",
             "joined", "report"]
REGIONS = ["us", "eu", "apac", "latam", "mea"]
CHANNELS = ["web", "ios", "android"]
EVENT_COLUMNS = [("event", "string"), ("ts", "timestamp"), ("session", "string"),
                 ("amount", "float"), ("country", "string"), ("is_test", "bool"),
                 ("payload", "bytes"), ("day", "date")]


def unit_name(u):
    return "u%05d" % u


def gen_unit(u, jobs, rng, complete_units):
    """Returns the text of unit u with `jobs` (<= 9) jobs."""
    n = unit_name(u)
    keep = set(JOB_ORDER[:jobs])
    has_channel = u % 3 == 0
    licensed = u % 5 == 0
    extra = rng.sample(EVENT_COLUMNS[2:], rng.randint(0, 3))
    columns = [("event", "string"), ("ts", "timestamp")] + extra
    out = []
    w = out.append

    # raw: external, tainted column.
    keys = "date: date since 2024-01-01 until now - 1d, region: region"
    if has_channel:
        keys += ", channel: channel"
    w("# Unit %d: events delivered by vendor %d, one directory per day and region." % (u, u % 97))
    w("dataset %s_raw[%s] {" % (n, keys))
    w("  external")
    if has_channel:
        w('  location "vendor%d/%s/{region}/{channel}/{date:%%Y%%m%%d}"' % (u % 97, n))
    else:
        w('  location "vendor%d/%s/{region}/{date:%%Y%%m%%d}"' % (u % 97, n))
    w('  ready "_SUCCESS"')
    w("  wait %dh" % rng.randint(1, 12))
    w("  format jsonl")
    if licensed:
        w("  taint acme_license")
    w("  column user_id: string (taint pii)")
    for c, t in columns:
        w("  column %s: %s" % (c, t))
    w("}")
    w("")

    col_names = ", ".join(c for c, _ in columns)
    if "clean" in keep:
        w("# Events with the user id replaced by a salted hash.")
        w("dataset %s_clean[date: date since 2024-01-01 until now - 1d, region: region] {" % n)
        w("  format parquet")
        w("  column user_hash: string")
        for c, t in columns:
            w("  column %s: %s" % (c, t))
        w("}")
        w("")
        w("job %s_clean(d: date, r: region) {" % n)
        chan = ", channel = *" if has_channel else ""
        w("  input  raw   = %s_raw[date = d, region = r%s] { user_id, %s }" % (n, chan, col_names))
        w("  output clean = %s_clean[date = d, region = r]" % n)
        w('  removes pii because "user_id is replaced by a salted hash (unit %d)"' % u)
        w('  run ["python3", "jobs/clean.py", "--unit=%s", "--date={d:%%Y%%m%%d}", "--region={r}"]' % n)
        w('  env SALT_FILE = "/etc/databuild/salt"')
        w("  retries %d" % rng.randint(0, 3))
        w("  timeout %dm" % rng.choice([10, 30, 60]))
        w("}")
        w("")
    if "daily" in keep:
        w("dataset %s_daily[date: date since 2024-01-01 until now - 1d] {" % n)
        w("  column events: int")
        w("  column users: int")
        w("}")
        w("")
        w("job %s_daily(d: date) {" % n)
        w("  input  events = %s_clean[date = d, region = *] { user_hash, event }" % n)
        w("  output out    = %s_daily[date = d]" % n)
        w('  run ["python3", "jobs/daily.py", "%s", "{d}"]' % n)
        w("}")
        w("")
    if "weekly" in keep:
        w("# Distinct users over the 7 days ending on each date.")
        w("dataset %s_weekly[date: date since 2024-01-07] {" % n)
        w("  column actives: int")
        w("}")
        w("")
        w("job %s_weekly(d: date) {" % n)
        w("  input  events = %s_clean[date in d - 6d .. d, region = *] { user_hash }" % n)
        w("  output out    = %s_weekly[date = d]" % n)
        w('  run ["python3", "jobs/actives.py", "%s", "--end={d:%%Y%%m%%d}"]' % n)
        w('  version "%d"' % rng.randint(1, 5))
        w("}")
        w("")
    if "accumulate" in keep:
        w("# Running total; each day reads the day before (well-founded recursion).")
        w("dataset %s_running[date: date since 2024-01-07] { column total: int }" % n)
        w("")
        w("job %s_accumulate(d: date) {" % n)
        w("  input  today = %s_weekly[date = d]" % n)
        w("  input  prev  = %s_running[date = d - 1d]" % n)
        w("  output out   = %s_running[date = d]" % n)
        w('  run ["sh", "jobs/accumulate.sh", "%s", "{d}"]' % n)
        w("}")
        w("")
    if "monthly" in keep:
        w("dataset %s_monthly[month: month since 2024-01] { column events: int }" % n)
        w("")
        w("job %s_monthly(m: month) {" % n)
        w("  input  days = %s_daily[date in days_of(m)] { events }" % n)
        w("  output out  = %s_monthly[month = m]" % n)
        w('  run ["python3", "jobs/monthly.py", "%s", "{m:%%Y-%%m}"]' % n)
        w("}")
        w("")
    if "regional" in keep:
        w("dataset %s_regional[date: date since 2024-01-01, region: region] {" % n)
        w("  format parquet")
        w("  column events: int")
        w("}")
        w("")
        w("job %s_regional(d: date, r: region) {" % n)
        w("  input  events = %s_clean[date = d, region = r] { event }" % n)
        w("  output out    = %s_regional[date = d, region = r]" % n)
        w('  run ["python3", "jobs/regional.py", "%s", "{d}", "{r}"]' % n)
        w("}")
        w("")
    if "totals" in keep:
        w("# Everything delivered so far, refreshed as days close.")
        w("dataset %s_totals { column events: int }" % n)
        w("")
        w("job %s_totals {" % n)
        w("  input  all = %s_clean[date = *, region = *] { event }" % n)
        w("  output out = %s_totals" % n)
        w('  run ["python3", "jobs/totals.py", "%s"]' % n)
        w("}")
        w("")
    if "joined" in keep:
        w("dataset %s_joined[date: date since 2024-01-07] {" % n)
        w("  column score: float")
        w("}")
        w("")
        w("job %s_joined(d: date) {" % n)
        w("  input  daily  = %s_daily[date = d] { events }" % n)
        w("  input  weekly = %s_weekly[date in d - 6d .. d]" % n)
        # Fan-in across units (and files): earlier, complete units only, so the
        # graph stays acyclic.
        earlier = sorted({u - k for k in (1, 7, 31, rng.randint(2, 400)) if 0 <= u - k < complete_units})
        for i, e in enumerate(earlier[:3]):
            w("  input  peer%d  = %s_daily[date in d - 6d .. d] { users }" % (i, unit_name(e)))
        if earlier:
            w("  input  base   = %s_running[date = d - 1d]" % unit_name(earlier[-1]))
        w("  output out    = %s_joined[date = d]" % n)
        w('  run ["python3", "jobs/join.py", "%s", "{d}"]' % n)
        w("}")
        w("")
    if "report" in keep:
        w("# The daily report sent to customers: it must never carry personal data.")
        w("dataset %s_report[date: date since 2024-01-07] {" % n)
        w("  deny pii")
        w("}")
        w("")
        w("job %s_report(d: date) {" % n)
        w("  input  scores = %s_joined[date = d]" % n)
        w("  input  events = %s_clean[date = d, region = *] { event }" % n)
        w("  output out    = %s_report[date = d]" % n)
        w('  run ["python3", "jobs/report.py", "%s", "{d}"]' % n)
        w("}")
        w("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("jobs", type=int, help="number of jobs (N)")
    parser.add_argument("outdir", help="directory to write (created; must be empty or absent)")
    parser.add_argument("--files", type=int, default=None,
                        help="number of unit files (default: N/25, at least 1)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.jobs < 1:
        parser.error("N must be at least 1")
    if os.path.isdir(args.outdir) and os.listdir(args.outdir):
        parser.error("%s is not empty" % args.outdir)

    per_unit = len(JOB_ORDER)
    units = (args.jobs + per_unit - 1) // per_unit
    complete_units = args.jobs // per_unit
    files = max(1, min(units, args.files if args.files else args.jobs // 25))
    rng = random.Random(args.seed)

    os.makedirs(args.outdir, exist_ok=True)
    with open(os.path.join(args.outdir, "workspace.dbuild"), "w") as f:
        f.write("# A synthetic benchmark workspace: %d jobs in %d units over %d files (seed %d).\n"
                "workspace bench {\n  data_root \"data\"\n}\n\n"
                "# Personally identifiable information.\npolicy pii\n"
                "# Licensed from ACME: internal use only.\npolicy acme_license\n\n"
                "type region = enum(%s)\ntype channel = enum(%s)\n"
                % (args.jobs, units, files, args.seed, ", ".join(REGIONS), ", ".join(CHANNELS)))

    # Unit u goes to file u * files // units: contiguous runs of units per file,
    # files spread over directories of at most 20 files, 20 directories per domain.
    buffers = {}
    for u in range(units):
        jobs = min(per_unit, args.jobs - u * per_unit)
        file_index = u * files // units
        buffers.setdefault(file_index, []).append(gen_unit(u, jobs, rng, complete_units))
    total_datasets = 0
    for file_index, texts in buffers.items():
        domain, rest = divmod(file_index, 400)
        area, _ = divmod(rest, 20)
        directory = os.path.join(args.outdir, "domain_%02d" % domain, "area_%02d" % area)
        os.makedirs(directory, exist_ok=True)
        text = "\n".join(texts)
        total_datasets += text.count("\ndataset ") + text.startswith("dataset ")
        with open(os.path.join(directory, "unit_%05d.dbuild" % file_index), "w") as f:
            f.write(text)
    print("%s: %d jobs, %d datasets, %d files" % (args.outdir, args.jobs, total_datasets,
                                                  len(buffers) + 1), file=sys.stderr)


if __name__ == "__main__":
    main()
