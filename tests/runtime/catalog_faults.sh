#!/usr/bin/env bash
# The catalog's disk fails during a build (databuild-run-faulty: the real
# runtime with SQLite's writes failing from the Nth on, as a disk that fills
# up stays full). At points spread over a whole build, alternating a full
# disk and an I/O error: the build exits non-zero with an error naming the
# catalog file and the operation; nothing partial is visible and the catalog
# passes integrity_check; the rerun with the fault gone completes, reuses
# every partition published before the fault, and leaves nothing unrecorded
# in `.versions`. The same for each sync failing (only creating the catalog
# and checkpoints sync).
set -uo pipefail
run=$1
faulty=$2
source "$(dirname "$0")/lib.sh"
cp -r "$(dirname "$0")/race" "$scratch/ws"
ws=$scratch/ws
catalog=$ws/.databuild/catalog.db
targets=total/date=2024-01-01..2024-01-04
fresh() { rm -rf "$ws/data" "$ws/.databuild" "$ws/runs.log"; }
# "link -> version" for every published partition.
published() { find "$ws/data" -path "$ws/data/.*" -prune -o -type l -printf '%p -> %l\n' 2>/dev/null | sort; }
contains_all() { [ -z "$(comm -23 <(echo "$1") <(echo "$2"))" ]; }

# seed: with an argument, the catalog already holds partitions (two leaves).
seed() { fresh; if [ -n "${1:-}" ]; then "$run" -C "$ws" -j 2 build leaf/date=2024-01-01..2024-01-02 >/dev/null; fi; }
# How many writes and syncs a whole build makes, from scratch and seeded, and
# how many of those are the checkpoint at close, at most (one per page of the
# file). The write faults are placed over the writes before that checkpoint,
# whose failure SQLite repairs at the next open, as the sync faults show.
count() {
  seed "${1:-}"
  DATABUILD_DISK_FAULT=write:999999999:full DATABUILD_DISK_COUNTS=$scratch/counts \
    "$faulty" -C "$ws" -j 2 build $targets >/dev/null 2>&1
  read -r writes syncs <"$scratch/counts"
  echo "$((writes - $(sqlite3 "$catalog" 'PRAGMA page_count'))) $syncs"
}
read -r writes syncs <<<"$(count)"
read -r seeded_writes _ <<<"$(count seeded)"
check "a build writes to the catalog ($writes writes before closing, $syncs syncs; $seeded_writes when seeded)" \
  test "$writes" -gt 50 -a "$seeded_writes" -gt 50

# round FAULT REASON SEED_LEAVES: a build under FAULT, its checks, the rerun.
# With SEED_LEAVES the catalog already holds partitions when the fault comes.
round() {
  local fault=$1 reason=$2 seed=$3 what="$1${3:+, on a catalog holding partitions}" status
  seed "$seed"
  DATABUILD_DISK_FAULT=$fault "$faulty" -C "$ws" -j 2 build $targets \
    >"$scratch/out" 2>"$scratch/err"; status=$?
  if [ "${fault%%:*}" = sync ] && [ $status -eq 0 ]; then
    # A sync that fails at the closing checkpoint: the commits are in the WAL.
    check "$what: failed at close; the next build has nothing to do" \
      test -z "$("$run" -C "$ws" -j 2 build $targets 2>&1 | grep ' run ')"
  else
    check "$what: the build exits non-zero" test $status -ne 0
    check "$what: the error names the catalog and the operation" \
      grep -Eq "(catalog $catalog: cannot .*|cannot open the catalog $catalog): $reason" "$scratch/err"
  fi
  check "$what: nothing partial is visible, the catalog is sound" verify_catalog "$ws"
  local before
  before=$(published)
  "$run" -C "$ws" -j 2 build $targets >"$scratch/rerun" 2>&1; status=$?
  check "$what: the rerun completes" test $status -eq 0
  check "$what: it reuses every partition published before the fault" \
    contains_all "$before" "$(published)"
  check "$what: it leaves nothing unrecorded" \
    test -z "$(unrecorded_versions "$ws")$(ls -A "$ws/data/.staging" 2>/dev/null)"
  check "$what: after it, still sound" verify_catalog "$ws"
}

# Over the first 80% of the counted writes: how many a build makes depends on
# how many ended jobs each of its transactions records, which depends on
# timing (docs/runtime.md, Publishing), so a fault placed near the counted
# end may come after the build's last write.
points=12
for i in $(seq 0 $((points - 1))); do
  seed=$([ $((i % 4)) -ge 2 ] && echo yes)
  total=$([ -n "$seed" ] && echo "$seeded_writes" || echo "$writes")
  point=$((1 + i * total * 4 / (5 * points)))
  if [ $((i % 2)) -eq 0 ]; then
    round "write:$point:full" 'database or disk is full' "$seed"
  else
    round "write:$point:ioerr" 'disk I/O error' "$seed"
  fi
done
# Every sync: those of creating the catalog fail the build; those of the
# checkpoint at close fail after the build has succeeded.
for point in $(seq 1 "$syncs"); do round "sync:$point:ioerr" 'disk I/O error' ""; done
if [ $failures -gt 0 ]; then cat "$scratch/err" "$scratch/rerun"; fi
finish
