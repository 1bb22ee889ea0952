#!/usr/bin/env bash
# Jobs that misbehave (faults/faults.dbuild), each with a clear error and
# nothing lost: a job that exits 0 having written nothing, or its file in the
# wrong place; one that leaves processes behind (the build does not wait for
# them and none survives); one that writes into the version of a partition it
# reads, and one that writes where its own partition is published (both
# caught, nothing of theirs published, the damaged version rebuilt).
set -uo pipefail
run=$1
source "$(dirname "$0")/lib.sh"
cp -r "$(dirname "$0")/faults" "$scratch/ws"
ws=$scratch/ws
# Each build under `timeout`: a runtime that waited on a job's leftovers would hang.
dr() { timeout 120 "$run" -C "$ws" -j 2 "$@"; }
day=2024-01-01

for job in nothing astray; do
  out=$(dr build $job/date=$day 2>&1); status=$?
  check "$job: the build fails" test $status -eq 1
  check "$job: saying the output is missing" grep -q \
    "output out ($job/date=$day) is missing: the job exited 0 but wrote no files into DATABUILD_OUT_OUT" <<<"$out"
  check "$job: the run is recorded as failed" \
    bash -c "'$run' -C '$ws' history $job/date=$day | grep -q 'failed (attempt 1.*is missing'"
  check "$job: nothing is published" test ! -e "$ws/data/$job/date=$day"
  check "$job: nothing it wrote is left" test -z "$(unrecorded_versions "$ws")"
  if [ $failures -gt 0 ]; then echo "$out"; fi
done

# LEAVER_SLEEP is unique to this test run: `ps` finds only its leftovers.
export LEAVER_SLEEP=1000.$$
survivors() { ps -eo args | grep -cx "sleep $LEAVER_SLEEP"; }
out=$(dr build leaver/date=$day 2>&1); status=$?
check "leaver: the build completes without waiting for its children" test $status -eq 0
# The kill is sent before the build ends; give the kernel a moment to carry it out.
for _ in $(seq 50); do [ "$(survivors)" -eq 0 ] && break; sleep 0.1; done
check "leaver: no process of the job survives" test "$(survivors)" -eq 0
check "leaver: its output is published" test -s "$ws/data/leaver/date=$day/part-0"
# Only if the check above failed: end the survivors, by pid.
ps -eo pid=,args= | awk -v args="sleep $LEAVER_SLEEP" '{ pid = $1; $1 = "" } substr($0, 2) == args { print pid }' |
  xargs -r kill 2>/dev/null

dr build base/date=$day >/dev/null
damaged=$(readlink "$ws/data/base/date=$day")
out=$(dr build intruder/date=$day 2>&1); status=$?
check "intruder: the build fails" test $status -eq 1
check "intruder: naming the version it changed, and what" grep -q \
  "the job wrote outside its staging directory, into the published tree; version [0-9]* of base/date=$day changed (added scratch.tmp), invalidated: the next build rebuilds it; nothing of this run was published" <<<"$out"
check "intruder: nothing of it is published" test ! -e "$ws/data/intruder/date=$day"
check "intruder: the damaged input is to be rebuilt" \
  bash -c "'$run' -C '$ws' plan base/date=$day | grep -qx 'base/date=$day: rebuild: invalidated'"
dr build base/date=$day >/dev/null
check "intruder: the rebuilt input is a new, intact version" \
  test "$(readlink "$ws/data/base/date=$day")" != "$damaged"
if [ $failures -gt 0 ]; then echo "$out"; fi

out=$(dr build squatter/date=$day 2>&1); status=$?
check "squatter: the build fails" test $status -eq 1
check "squatter: saying what is in the way" grep -q \
  "$ws/data/squatter/date=$day is a directory written there, not the runtime's link to squatter/date=$day" <<<"$out"
check "squatter: nothing of it is recorded" \
  test "$("$run" -C "$ws" status squatter/date=$day)" = "squatter/date=$day: missing (missing)"
if [ $failures -gt 0 ]; then echo "$out"; fi

check "the catalog is sound after all of it" verify_catalog "$ws"
finish
