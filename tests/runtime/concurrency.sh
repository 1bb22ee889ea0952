#!/usr/bin/env bash
# Two databuild-run processes started at once on overlapping targets, sharing
# one catalog: every partition is built exactly once (the jobs append to
# runs.log under flock), both runners succeed, and the catalog stays sound.
set -uo pipefail
run=$1
source "$(dirname "$0")/lib.sh"
cp -r "$(dirname "$0")/race" "$scratch/ws"
ws=$scratch/ws

for round in 1 2 3; do
  rm -rf "$ws/data" "$ws/.databuild" "$ws/runs.log"
  "$run" -C "$ws" -j 3 build total/date=2024-01-01..2024-01-12 >"$scratch/a.out" 2>&1 &
  a=$!
  "$run" -C "$ws" -j 3 build total/date=2024-01-06..2024-01-18 >"$scratch/b.out" 2>&1 &
  b=$!
  wait $a; status_a=$?
  wait $b; status_b=$?
  check "round $round: first runner succeeds" test $status_a -eq 0
  check "round $round: second runner succeeds" test $status_b -eq 0
  check "round $round: 36 distinct partitions built" test "$(sort -u "$ws/runs.log" | wc -l)" -eq 36
  duplicates=$(sort "$ws/runs.log" | uniq -d)
  check "round $round: none built twice${duplicates:+ (twice: $duplicates)}" test -z "$duplicates"
  check "round $round: the catalog is sound" verify_catalog "$ws"
done
if [ $failures -gt 0 ]; then cat "$scratch/a.out" "$scratch/b.out"; fi
finish
