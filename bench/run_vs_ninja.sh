#!/usr/bin/env bash
# The runtime's speed benchmark (not a test; docs/benchmarks.md records runs):
#  1. N trivial jobs (`true`) through `databuild-run build` against Ninja
#     running N trivial edges (`true`, no outputs), same -j, in one run so the
#     ratio is taken on one machine state. Budget: <= 1.25x.
#  2. A no-op build over 100k (and with --million, 1M) fresh partitions.
#     Building them for real would take the benchmark hours, so they are
#     made the way a build leaves them: one recorded run with the job's real
#     fingerprint (taken from a real build of one partition), a live catalog
#     row per partition and a link per partition (all to one empty version
#     directory: the plan checks the link and the directory, not contents).
#     Budget: < 2 s for 1M.
#  3. Catalog transactions per second (databuild-catalog-bench).
# usage: bench/run_vs_ninja.sh BUILD_DIR [-j N] [--jobs N] [--million]
set -euo pipefail
build=$(realpath "$1"); shift
jobs=$(nproc); count=10000; sizes="100000"
while [ $# -gt 0 ]; do
  case $1 in
    -j) jobs=$2; shift ;;
    --jobs) count=$2; shift ;;
    --million) sizes="100000 1000000" ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
run=$build/runtime/databuild-run
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
seconds() { python3 -c 'import time; print(time.monotonic())'; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

workspace() {  # workspace DIR LAST: one dataset t[n] for n in 0..LAST, one job running `true`
  mkdir -p "$1"
  printf 'workspace bench {\n  data_root "data"\n}\n' >"$1/workspace.dbuild"
  printf 'dataset t[n: int since 0 until %s] { column x: int }\n\njob t(n: int) {\n  output out = t[n = n]\n  run ["true"]\n}\n' \
    "$2" >"$1/t.dbuild"
}

echo "== $count trivial jobs, -j $jobs"
workspace "$scratch/ws" $((count - 1))
start=$(seconds)
"$run" -C "$scratch/ws" -j "$jobs" build 't/n=*' >/dev/null
end=$(seconds); dr=$(elapsed "$start" "$end")
mkdir -p "$scratch/ninja"
{
  echo 'rule t'
  echo '  command = true'
  for ((i = 0; i < count; i++)); do echo "build t$i: t"; done
} >"$scratch/ninja/build.ninja"
start=$(seconds)
ninja -C "$scratch/ninja" -j "$jobs" >/dev/null
end=$(seconds); nj=$(elapsed "$start" "$end")
echo "databuild-run: ${dr}s  ninja: ${nj}s  ratio: $(python3 -c "print(f'{$dr / $nj:.2f}')")x"

for size in ${sizes}; do
  echo "== no-op build over $size fresh partitions"
  ws=$scratch/noop$size
  workspace "$ws" $((size - 1))
  "$run" -C "$ws" build t/n=0 >/dev/null
  db=$ws/.databuild/catalog.db
  version=$(sqlite3 "$db" "SELECT path FROM partitions WHERE ref = 't/n=0'")
  sqlite3 "$db" "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < $size - 1)
    INSERT INTO partitions (ref, dataset, state, origin, run_id, path, manifest, content_hash, created_at)
    SELECT 't/n=' || n, 't', 'live', 'job', 1, '$version', '[]', '0', 0 FROM k;"
  python3 - "$ws/data/t" "$version" "$size" <<'PY'
import os, sys
directory, version, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
for n in range(1, size):
    os.symlink(version, os.path.join(directory, f"n={n}"))
PY
  start=$(seconds)
  out=$("$run" -C "$ws" build 't/n=*')
  end=$(seconds)
  echo "$out" | tail -1
  echo "no-op build over $size partitions: $(elapsed "$start" "$end")s"
  rm -rf "$ws"
done

echo "== catalog writes"
"$build/bench/databuild-catalog-bench" "$scratch" 10000
