#!/usr/bin/env bash
# kill -9 of databuild-run at ten points of a build: after each kill no
# partial partition is visible and the catalog passes integrity_check; the
# next build completes, removes what the dead runs wrote (nothing unrecorded
# is left in `.versions`) and closes its orphaned runs, and `gc` leaves only
# recorded versions in `.versions`. The kill points are delays, not events:
# on a slow machine several may land in the same phase, which weakens the
# test, never fails it.
set -uo pipefail
run=$1
source "$(dirname "$0")/lib.sh"
cp -r "$(dirname "$0")/race" "$scratch/ws"
ws=$scratch/ws
targets=total/date=2024-01-01..2024-01-08
landed=0  # kills that caught a job running (information, not a check)

for point in 1 2 3 4 5 6 7 8 9 10; do
  rm -rf "$ws/data" "$ws/.databuild" "$ws/runs.log"
  "$run" -C "$ws" -j 2 build $targets >/dev/null 2>&1 &
  runner=$!
  sleep "0.$((point - 1))5"
  kill -9 $runner 2>/dev/null
  wait $runner 2>/dev/null
  check "kill at point $point: nothing partial is visible, the catalog is sound" verify_catalog "$ws"
  # The killed runner's jobs are orphans that may still be writing: let them end.
  sleep 0.2
  landed=$((landed + $(sqlite3 "$ws/.databuild/catalog.db" \
    "SELECT count(*) > 0 FROM runs WHERE state = 'running'" 2>/dev/null || echo 0)))
  out=$("$run" -C "$ws" -j 2 build $targets 2>&1); status=$?
  check "kill at point $point: the next build completes" test $status -eq 0
  left=$(unrecorded_versions "$ws")
  check "kill at point $point: what its runs wrote is cleaned up${left:+ (not: $left)}" \
    test -z "$left$(ls -A "$ws/data/.staging" 2>/dev/null)"
  check "kill at point $point: after it, still sound" verify_catalog "$ws"
  "$run" -C "$ws" gc >/dev/null
  unrecorded=$(for version in "$ws"/data/.versions/*; do
    sqlite3 "$ws/.databuild/catalog.db" "SELECT count(*) FROM partitions WHERE path = '$version'" |
      grep -qx 0 && echo "$version"; done)
  check "kill at point $point: after gc every version is recorded${unrecorded:+ (not: $unrecorded)}" \
    test -z "$unrecorded"
  if [ $status -ne 0 ]; then echo "$out"; fi
done
echo "$landed of 10 kills caught a job running"

# What the builds above cannot leave (their leftovers are removed when the
# next build finds their runs orphaned) is made by hand: a version no run
# record owns, which gc deletes, and a live put's, which it keeps (this
# shell's pid stands for the live process).
mkdir -p "$ws/data/.versions/run-99999-out" "$ws/data/.versions/put-$$-1-1"
"$run" -C "$ws" gc >"$scratch/gc.out"
check "gc deletes a version nobody recorded" test ! -e "$ws/data/.versions/run-99999-out"
check "gc keeps one a live put is about to record" test -d "$ws/data/.versions/put-$$-1-1"
check "gc says so" grep -q '1 never recorded' "$scratch/gc.out"
finish
