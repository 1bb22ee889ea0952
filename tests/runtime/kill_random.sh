#!/usr/bin/env bash
# kill -9 of databuild-run at random moments across many builds (issue 7).
#   kill_random.sh DATABUILD_RUN [--rounds N] [--seed S]
# Each round changes the work a little (a fresh workspace, an invalidated
# partition, a different window of dates, or nothing to do), starts a build,
# kills it after a random delay, and checks: no partial partition is visible
# (every link resolves to a recorded version whose files match its manifest),
# PRAGMA integrity_check is ok; once the killed runner's orphaned jobs have
# ended, the rerun of the same build completes, leaves nothing unrecorded in
# `.versions`, and the catalog is still sound. The seed is printed; --seed S replays a failure
# (the same work and delays; where a kill lands still depends on the machine).
set -uo pipefail
run=$1
shift
rounds=100
seed=$(( $(date +%s%N) / 1000 % 32768 ))
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    *) echo "usage: kill_random.sh DATABUILD_RUN [--rounds N] [--seed S]" >&2; exit 2 ;;
  esac
done
source "$(dirname "$0")/lib.sh"
cp -r "$(dirname "$0")/race" "$scratch/ws"
ws=$scratch/ws
echo "kill_random: seed $seed, $rounds rounds (--seed $seed replays them)"
RANDOM=$seed

# The killed runner's jobs run on to their end (docs/runtime.md, crash
# safety); they are the processes whose working directory is the workspace.
wait_for_orphans() {
  for _ in $(seq 200); do
    [ -z "$(find /proc -maxdepth 2 -name cwd -lname "$ws" 2>/dev/null | head -1)" ] && return
    sleep 0.05
  done
}
day() { printf '2024-01-%02d' "$1"; }

landed=0  # kills that caught a job running (information, not a check)
for round in $(seq "$rounds"); do
  first=$((1 + RANDOM % 10))
  targets=total/date=$(day $first)..$(day $((first + 1 + RANDOM % 4)))
  case $((RANDOM % 4)) in
    0) work="fresh"; rm -rf "$ws/data" "$ws/.databuild" "$ws/runs.log" ;;
    1) work="leaf $(day $((first + RANDOM % 3))) invalidated"
       "$run" -C "$ws" invalidate "leaf/date=${work:5:10}" >/dev/null 2>&1 ;;
    2) work="total $(day $first) invalidated"
       "$run" -C "$ws" invalidate "total/date=${work:6:10}" >/dev/null 2>&1 ;;
    3) work="as it is" ;;
  esac
  delay=$(printf '0.%03d' $((RANDOM % 700)))
  what="round $round ($targets, $work, kill after ${delay}s)"
  "$run" -C "$ws" -j 2 build $targets >/dev/null 2>&1 &
  runner=$!
  sleep "$delay"
  kill -9 $runner 2>/dev/null
  wait $runner 2>/dev/null
  before=$failures
  check "$what: nothing partial is visible, the catalog is sound" verify_catalog "$ws" >/dev/null
  wait_for_orphans
  landed=$((landed + $(sqlite3 "$ws/.databuild/catalog.db" \
    "SELECT count(*) > 0 FROM runs WHERE state = 'running'" 2>/dev/null || echo 0)))
  out=$("$run" -C "$ws" -j 2 build $targets 2>&1); status=$?
  check "$what: the rerun completes" test $status -eq 0 >/dev/null
  check "$what: it leaves nothing unrecorded" \
    test -z "$(unrecorded_versions "$ws")$(ls -A "$ws/data/.staging" 2>/dev/null)" >/dev/null
  check "$what: after it, still sound" verify_catalog "$ws" >/dev/null
  if [ $failures -gt $before ]; then
    echo "FAIL: $what"
    verify_catalog "$ws"
    echo "$out"
  fi
done
echo "$landed of $rounds kills caught a job running"
finish
