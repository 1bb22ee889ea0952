#!/usr/bin/env bash
# Benchmarks `databuild check` against tree-sitter parsing alone on synthetic
# workspaces of 1k, 10k and 100k jobs (bench/gen_workspace.py), and prints a
# markdown table. See docs/benchmarks.md.
#
#   bench/check_bench.sh [--quick] [--build DIR] [-j T] [--runs R] [--sizes "N ..."] [--keep DIR]
#
#   --quick      1k and 10k jobs only (no 100k)
#   --build DIR  the CMake build directory (default: build/ in the repository);
#                needs analyzer/databuild and bench/databuild-parse-only
#   -j T         threads for both tools (default 2)
#   --runs R     timed runs per measurement, best one reported (default 3)
#   --sizes "…"  job counts to run instead of the defaults
#   --keep DIR   generate workspaces into DIR and keep them (default: a temporary directory)
#   --no-hyperfine  time with /usr/bin/time even when hyperfine is installed
#
# Wall time is the best of R runs (hyperfine if installed, with one warm-up run,
# else a shell loop after one warm-up run), so the page cache is warm for both
# tools: "cold" means a fresh process, not a cold disk. CPU time (user + system)
# is the mean over the same runs. Peak RSS is
# /usr/bin/time's %M (max resident set, KiB) of one more run; the baseline
# subtracted in the last column is that of a check of a one-job workspace.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build="$repo/build"
threads=2
runs=3
sizes="1000 10000 100000"
keep=""
use_hyperfine=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) sizes="1000 10000" ;;
    --build) build=$(cd "$2" && pwd); shift ;;
    -j) threads="$2"; shift ;;
    -j*) threads="${1#-j}" ;;
    --runs) runs="$2"; shift ;;
    --sizes) sizes="$2"; shift ;;
    --keep) keep="$2"; shift ;;
    --no-hyperfine) use_hyperfine=0 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check_bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

databuild="$build/analyzer/databuild"
parse_only="$build/bench/databuild-parse-only"
for tool in "$databuild" "$parse_only"; do
  [[ -x "$tool" ]] || { echo "check_bench: $tool not built (ninja -C $build)" >&2; exit 2; }
done
command -v hyperfine >/dev/null || use_hyperfine=0
[[ -x /usr/bin/time ]] || { echo "check_bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }

if [[ -n "$keep" ]]; then
  mkdir -p "$keep"; work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/databuild-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi

# timing CMD...: "WALL CPU": the best wall time of $runs runs and the mean CPU
# time (user + system) per run, in seconds. CPU time is much less sensitive than
# wall time to other processes competing for the cores. When $prepare is set,
# that shell command runs before each run (and warm-up), untimed.
prepare=""
timing() {
  if [[ $use_hyperfine == 1 ]]; then
    hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/hf.json" \
      ${prepare:+--prepare "$prepare"} -- "$(printf '%q ' "$@")" >/dev/null
    python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.4f %.4f" % (min(r["times"]), r["user"] + r["system"]))' "$work/hf.json"
  else
    [[ -z "$prepare" ]] || bash -c "$prepare"
    "$@" >/dev/null
    : >"$work/times"
    for ((i = 0; i < runs; i++)); do
      [[ -z "$prepare" ]] || bash -c "$prepare"
      /usr/bin/time -f "%e %U %S" -a -o "$work/times" "$@" >/dev/null
    done
    python3 -c 'import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
print("%.4f %.4f" % (min(r[0] for r in rows), sum(r[1] + r[2] for r in rows) / len(rows)))' "$work/times"
  fi
}

peak_kib() {  # peak_kib CMD...: max RSS in KiB of one run
  /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null
  cat "$work/rss"
}

human_bytes() { python3 -c "
n=float($1)
for unit in ['B','KiB','MiB','GiB']:
    if n < 1024 or unit == 'GiB': print(('%.0f %s' if unit == 'B' else '%.1f %s') % (n, unit)); break
    n /= 1024"; }

echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo)" >&2
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "tools: $databuild, $parse_only; -j $threads; best of $runs$([[ $use_hyperfine == 1 ]] && echo ' (hyperfine)')" >&2

# The process's fixed cost: peak RSS of a check of a one-job workspace.
python3 "$repo/bench/gen_workspace.py" 1 "$work/ws-baseline" 2>/dev/null
base_kib=$(peak_kib "$databuild" check --no-cache -j "$threads" "$work/ws-baseline")
rm -rf "$work/ws-baseline"

rows=()
phase_rows=()
cache_rows=()
for n in $sizes; do
  dir="$work/ws-$n"
  [[ -d "$dir" ]] || python3 "$repo/bench/gen_workspace.py" "$n" "$dir" 2>/dev/null
  # The workspace must be clean: no diagnostics at all.
  if ! diagnostics=$("$databuild" check --werror -j "$threads" "$dir"); then
    echo "check_bench: the generated $n-job workspace is not clean:" >&2
    echo "$diagnostics" | tail -20 >&2
    exit 1
  fi
  stats=$("$parse_only" -j "$threads" --phases "$dir")
  stat() { awk -v key="$1" '$1 == key { print $2 }' <<<"$stats"; }
  files=$(stat files); bytes=$(stat bytes)
  [[ $(stat files_with_syntax_errors) == 0 ]] || { echo "check_bench: syntax errors in $dir" >&2; exit 1; }

  echo "$n jobs: timing databuild check…" >&2
  read -r check_s check_cpu < <(timing "$databuild" check --no-cache -j "$threads" "$dir")
  echo "$n jobs: timing parse-only…" >&2
  read -r parse_s parse_cpu < <(timing "$parse_only" -j "$threads" "$dir")
  check_kib=$(peak_kib "$databuild" check --no-cache -j "$threads" "$dir")

  # The analysis cache: a first check that fills it, re-checks of the
  # unchanged workspace, and re-checks after one file changed (a new comment
  # line before each run, so each run sees a new version of that file).
  echo "$n jobs: timing the cache…" >&2
  # sed, not head: head would leave sort writing 4,000 paths into a closed
  # pipe, and pipefail would stop the script on sort's SIGPIPE.
  edited=$(find "$dir" -name '*.dbuild' ! -name workspace.dbuild | sort | sed -n 1p)
  cp "$edited" "$work/edited.orig"
  prepare="rm -rf '$dir/.databuild'"
  read -r fill_s _ < <(timing "$databuild" check -j "$threads" "$dir")
  prepare=""
  read -r warm_s _ < <(timing "$databuild" check -j "$threads" "$dir")
  warm_kib=$(peak_kib "$databuild" check -j "$threads" "$dir")
  prepare="echo \"# edit \$RANDOM\$RANDOM\" >> '$edited'"
  read -r edit_s _ < <(timing "$databuild" check -j "$threads" "$dir")
  prepare=""
  cp "$work/edited.orig" "$edited"
  cache_rows+=("| $n | $check_s s | $fill_s s | $warm_s s | $(human_bytes $((warm_kib * 1024))) | $edit_s s | $(du -sh "$dir/.databuild" | cut -f1) |")
  parse_kib=$(peak_kib "$parse_only" -j "$threads" "$dir")

  ratio=$(python3 -c "print('%.2f' % ($check_s / $parse_s))")
  cpu_ratio=$(python3 -c "print('%.2f' % ($check_cpu / $parse_cpu))")
  rss_ratio=$(python3 -c "print('%.1f' % ($check_kib * 1024 / $bytes))")
  net_ratio=$(python3 -c "print('%.1f' % (max(0, $check_kib - $base_kib) * 1024 / $bytes))")
  rows+=("| $n | $files | $(human_bytes "$bytes") | $check_s s | $parse_s s | **${ratio}x** | $check_cpu s | $parse_cpu s | ${cpu_ratio}x | $(human_bytes $((check_kib * 1024))) | $(human_bytes $((parse_kib * 1024))) | **${rss_ratio}x** | ${net_ratio}x |")
  phase_rows+=("| $n | $(printf '%.3f | %.3f | %.3f | %.3f' "$(stat read_seconds)" "$(stat parse_seconds)" "$(stat parse_lower_seconds)" "$(stat link_seconds)") |")
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo
echo "| jobs | files | source | \`check -j $threads\` wall | parse-only \`-j $threads\` wall | check / parse | check CPU | parse-only CPU | CPU check / parse | check peak RSS | parse-only peak RSS | check RSS / source | (check RSS − baseline) / source |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "Baseline: peak RSS of \`databuild check\` on a one-job workspace, $(human_bytes $((base_kib * 1024)))."
echo
echo "Phases, one run of \`databuild-parse-only --phases -j $threads\` (seconds, in one process):"
echo
echo "| jobs | read | parse only | parse + lower | link |"
echo "|---:|---:|---:|---:|---:|"
printf '%s\n' "${phase_rows[@]}"
echo
echo "The analysis cache (\`-j $threads\`, best of $runs; \`--no-cache\` is the cold check above):"
echo
echo "| jobs | \`--no-cache\` | first check, filling the cache | re-check, unchanged | its peak RSS | re-check, one file edited | cache size |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${cache_rows[@]}"
