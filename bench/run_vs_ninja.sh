#!/usr/bin/env bash
# The runtime's speed benchmark (not a test; docs/benchmarks.md records runs):
#  1. N trivial jobs through `databuild-run build` against Ninja running N
#     trivial edges, same -j, in one run so the ratio is taken on one machine
#     state. Budget: <= 1.25x. A job must write a file (a partition is its
#     files: a job that writes none fails, docs/runtime.md), so the trivial
#     job is `sh -c ': > "$DATABUILD_OUT_OUT/_SUCCESS"'`, and Ninja's edge
#     runs the same through its own `/bin/sh -c`: `: > $out`. Each side
#     starts one shell per job that writes one empty file, nothing else.
#  2. A no-op build over 100k (and with --million, 1M) fresh partitions.
#     Building them for real would take the benchmark hours, so they are
#     made the way a build leaves them: one recorded run with the job's real
#     fingerprint (taken from a real build of one partition), a live catalog
#     row per partition and a link per partition (all to one empty version
#     directory: the plan checks the link and the directory, not contents).
#     Budget: < 2 s for 1M.
#  3. Catalog transactions per second (databuild-catalog-bench).
#  --instructions instead: the runner's own instructions per job (valgrind's
#  callgrind, the jobs not traced: independent of the machine's load), over N
#  and 2N of the trivial jobs (--jobs, default here 1,000), and per job the
#  difference over N, which leaves out what a build does once.
# usage: bench/run_vs_ninja.sh BUILD_DIR [-j N] [--jobs N] [--million] [--ext4] [--against RUN]
#          [--jobs-only|--noop-only|--instructions]
#  --jobs-only: part 1 alone (comparing binaries: the no-op part's 100k links,
#  deleted at its end, make the next run's file creations dearer; HACKING.md).
#  --noop-only: part 2 alone.
# The scratch is made with mktemp, so TMPDIR=/dev/shm puts both sides on
# tmpfs: the runtime's own cost, without the disk's inode allocation (on a
# journal-less ext4 it depends on what was deleted lately; benchmarks.md).
#  --against RUN: another databuild-run binary, run on a workspace of its
#  own after Ninja in part 1 (this build's first): two binaries compared in
#  the same file-system state, their order swapped by swapping the two.
#  --ext4 (root: mkfs.ext4 and a loop mount): the scratch on a new ext4 made
#  with mkfs.ext4's defaults (so with a journal), in a 2 GiB image in
#  /dev/shm: ext4's own work as on most machines' disks, in the same state
#  for every run, without the host disk's.
set -euo pipefail
build=$(realpath "$1"); shift
jobs=$(nproc); count=""; sizes="100000"; trivial=1; catalog=1; instructions=0; ext4=0; against=""
while [ $# -gt 0 ]; do
  case $1 in
    -j) jobs=$2; shift ;;
    --jobs) count=$2; shift ;;
    --million) sizes="100000 1000000" ;;
    --jobs-only) sizes=""; catalog=0 ;;
    --noop-only) trivial=0; catalog=0 ;;
    --instructions) instructions=1; trivial=0; sizes=""; catalog=0 ;;
    --ext4) ext4=1 ;;
    --against) against=$(realpath "$2"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
count=${count:-$([ $instructions = 1 ] && echo 1000 || echo 10000)}
run=$build/runtime/databuild-run
mounted=""
if [ $ext4 = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "--ext4 needs root (mkfs.ext4 and a loop mount)" >&2; exit 2; }
  # The image in memory: a sparse file on the VM's disk made the host's
  # allocation of its blocks, in writeback during the runs, part of them.
  image=$(mktemp -p /dev/shm --suffix=.ext4)
  mounted=$(mktemp -d)
  truncate -s 2G "$image"  # 131k inodes: the two sides' 90k, with --against
  mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 "$image"  # no zeroing behind the runs
  mount -o loop "$image" "$mounted"
  sync  # nor the image's first writes
  export TMPDIR=$mounted
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"; if [ -n "$mounted" ]; then umount "$mounted"; rmdir "$mounted"; rm -f "$image"; fi' EXIT
# timed FILE COMMAND...: runs COMMAND, writing "WALL CPU" (CPU: user + system,
# children included) to FILE. On a shared machine CPU time is the steadier.
timed() {
  local file=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$file.raw" "$@" >/dev/null
  read -r wall user system <"$file.raw"
  python3 -c "print(f'{$wall:.2f} {$user + $system:.2f}')" >"$file"
}

# workspace DIR LAST: one dataset t[n] for n in 0..LAST, one job writing an
# empty marker file
workspace() {
  mkdir -p "$1"
  printf 'workspace bench {\n  data_root "data"\n}\n' >"$1/workspace.dbuild"
  printf 'dataset t[n: int since 0 until %s] { column x: int }\n\njob t(n: int) {\n  output out = t[n = n]\n  run ["sh", "-c", ": > \\"$DATABUILD_OUT_OUT/_SUCCESS\\""]\n}\n' \
    "$2" >"$1/t.dbuild"
}

# The machine may be shared: say how busy it was.
load() { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }

# instructions N: the runner's instructions for N trivial jobs (callgrind).
instructions() {
  workspace "$scratch/cg$1" $(($1 - 1))
  valgrind --tool=callgrind --trace-children=no --callgrind-out-file=/dev/null \
    "$run" -C "$scratch/cg$1" -j "$jobs" build 't/n=*' 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
  rm -rf "$scratch/cg$1"
}

if [ $instructions = 1 ]; then
  echo "== instructions of databuild-run (callgrind), $count and $((2 * count)) trivial jobs, -j $jobs"
  one=$(instructions "$count")
  two=$(instructions $((2 * count)))
  echo "$count jobs: $one instructions, $((one / count)) per job"
  echo "$((2 * count)) jobs: $two instructions; per job added: $(((two - one) / count))"
fi

if [ $trivial = 1 ]; then
  echo "== $count trivial jobs, -j $jobs"
  load
  workspace "$scratch/ws" $((count - 1))
  timed "$scratch/dr" "$run" -C "$scratch/ws" -j "$jobs" build 't/n=*'
  mkdir -p "$scratch/ninja"
  {
    echo 'rule t'
    echo '  command = : > $out'
    for ((i = 0; i < count; i++)); do echo "build t$i: t"; done
  } >"$scratch/ninja/build.ninja"
  timed "$scratch/nj" ninja -C "$scratch/ninja" -j "$jobs"
  if [ -n "$against" ]; then
    workspace "$scratch/ws2" $((count - 1))
    timed "$scratch/dr2" "$against" -C "$scratch/ws2" -j "$jobs" build 't/n=*'
  fi
  read -r nj_wall nj_cpu <"$scratch/nj"
  # report NAME FILE: a databuild-run's times and its ratio to Ninja's
  report() {
    read -r wall cpu <"$2"
    echo "$1: ${wall}s wall, ${cpu}s CPU; ratio $(python3 -c "print(f'{$wall / $nj_wall:.2f}x wall, {$cpu / $nj_cpu:.2f}x CPU')")"
  }
  report "databuild-run" "$scratch/dr"
  [ -z "$against" ] || report "$against" "$scratch/dr2"
  echo "ninja:         ${nj_wall}s wall, ${nj_cpu}s CPU"
  load
fi

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
  load
  timed "$scratch/noop" "$run" -C "$ws" build 't/n=*'
  read -r wall cpu <"$scratch/noop"
  echo "no-op build over $size partitions: ${wall}s wall, ${cpu}s CPU"
  rm -rf "$ws"
done

if [ $catalog = 1 ]; then
  echo "== catalog writes"
  "$build/bench/databuild-catalog-bench" "$scratch" 10000
fi
