#!/usr/bin/env bash
# databuild-run end to end on a scratch copy of examples/quickstart: build from
# scratch, a no-op rebuild, redelivery and invalidation rebuilding downstream,
# a failing job stopping only its downstream, a timeout killing its job, a
# manual `put`, a denied label refused, hostile refs, an external arriving
# while the build waits, kill -9 then rebuild.
set -uo pipefail
run=$1
source_workspace=$2
source "$(dirname "$0")/lib.sh"
cp -r "$source_workspace" "$scratch/ws"
ws=$scratch/ws
dr() { "$run" -C "$ws" --wait-timeout 0 "$@"; }
report=customer_report/date=2024-01-03

out=$(dr build $report); status=$?
check "build from scratch exits 0" test $status -eq 0
check "build ran four jobs" test "$(grep -c '^\[.*\] done' <<<"$out")" -eq 4
check "the report is published" test -s "$ws/data/$report/report.tsv"

out=$(dr build $report)
check "a second build runs nothing" bash -c "! grep -q ' run ' <<<'$out'"
check "plan says reuse" bash -c "'$run' -C '$ws' plan $report | grep -q '^$report: reuse'"

# A redelivery with new bytes rebuilds its clean partition and the report.
echo '{"user_id": "late", "event": "click", "ts": "2024-01-03T23:00:00Z"}' \
  >>"$ws/data/vendor/eu/20240103/events.jsonl"
plan=$(dr plan $report)
check "plan names the redelivery" grep -q 'raw_events/date=2024-01-03/region=eu: reuse: external, redelivered' <<<"$plan"
check "plan rebuilds downstream of it" grep -q 'clean_events/date=2024-01-03/region=eu: rebuild: input raw_events/date=2024-01-03/region=eu was redelivered' <<<"$plan"
out=$(dr build $report)
check "redelivery rebuilds two jobs" test "$(grep -c ' done' <<<"$out")" -eq 2
touch "$ws/data/vendor/eu/20240103/events.jsonl"
check "a touch alone rebuilds nothing" bash -c "! '$run' -C '$ws' build $report | grep -q ' run '"

# Invalidate an upstream partition.
dr invalidate clean_events/date=2024-01-03/region=us >/dev/null
out=$(dr build $report)
check "invalidate rebuilds it and the report" test "$(grep -c ' done' <<<"$out")" -eq 2

# Lineage downstream of the raw partition under it: both clean versions (the
# first superseded by that rebuild) and the reports built from them: two
# from the first (the first build and the redelivery's), one from the second.
raw_us=raw_events/date=2024-01-03/region=us
down=$(dr lineage --downstream $raw_us)
check "lineage --downstream lists both clean versions" \
  test "$(grep -c '^  clean_events/date=2024-01-03/region=us (version' <<<"$down")" -eq 2
check "lineage --downstream marks the old one superseded" \
  grep -q '^  clean_events/date=2024-01-03/region=us (version [0-9]*, built by job clean, superseded)' <<<"$down"
check "lineage --downstream reaches the reports" test "$(grep -c "^    $report (version" <<<"$down")" -eq 3
check "lineage --downstream --depth 1 stops at the readers" \
  bash -c "! '$run' -C '$ws' lineage --downstream --depth 1 $raw_us | grep -q '^    '"

# A job that fails stops only its downstream; a job that hangs is killed.
# The hung job's sleeps carry this run's pid, so other test runs on the
# machine cannot be mistaken for its survivors.
hang="sleep 30.$$"
cat >>"$ws/reports.dbuild" <<DBUILD

dataset broken[date: date] { column n: int }
job broken(d: date) {
  input  events = clean_events[date = d, region = us]
  output out    = broken[date = d]
  run ["sh", "-c", "echo failing >&2; exit 3"]
  retries 1
}
dataset downstream[date: date] { column n: int }
job downstream(d: date) {
  input  b   = broken[date = d]
  output out = downstream[date = d]
  run ["true"]
}
dataset slow[date: date] { column n: int }
job slow(d: date) {
  input  events = clean_events[date = d, region = us]
  output out    = slow[date = d]
  run ["sh", "-c", "$hang & $hang"]
  timeout 1s
}
DBUILD
out=$(dr build downstream/date=2024-01-04 $report customer_report/date=2024-01-05 2>&1); status=$?
check "a failure makes build exit 1" test $status -eq 1
check "the failing job was retried" test "$(grep -c 'FAILED broken' <<<"$out")" -eq 2
check "its downstream is not built" grep -q 'not built: downstream/date=2024-01-04' <<<"$out"
check "unrelated work still completes" test -s "$ws/data/customer_report/date=2024-01-05/report.tsv"
out=$(dr build slow/date=2024-01-03 2>&1); status=$?
check "a timed-out job fails" grep -q 'timed out after 1s' <<<"$out"
# No timing: the sleeps outlive the build only if the group was not killed.
check "it is killed with its whole process group" test "$(ps -eo args | grep -cx "$hang")" -eq 0

# The files a run is given live in a private directory in memory while it
# runs ($XDG_RUNTIME_DIR, else /dev/shm): a succeeded run's are removed when
# it ends, a failed run's kept beside its log; the directory goes with the build.
mkdir -p "$scratch/xdg"
cat >>"$ws/reports.dbuild" <<DBUILD

dataset given[date: date] { column n: int }
job given(d: date) {
  output out = given[date = d]
  run ["sh", "-c", "echo \$DATABUILD_CONFIG >>$scratch/given; cp \$DATABUILD_CONFIG \$DATABUILD_OUT_OUT/config.json; test {d} != 2024-01-02"]
}
DBUILD
XDG_RUNTIME_DIR=$scratch/xdg dr build given/date=2024-01-01 given/date=2024-01-02 >/dev/null
check "a job's config is in the build's directory under XDG_RUNTIME_DIR" \
  test "$(grep -c "^$scratch/xdg/databuild-run-[0-9]*-....../run-[0-9]*\.json$" "$scratch/given")" -eq 2
check "  which the job read" grep -q '"job": "given"' "$ws/data/given/date=2024-01-01/config.json"
check "  and which is gone with the build" test -z "$(ls -A "$scratch/xdg")"
succeeded_run=$(python3 -c "import json; print(json.load(open('$ws/data/given/date=2024-01-01/config.json'))['run_id'])")
check "a succeeded run's config is not kept" test ! -e "$ws/.databuild/logs/run-$succeeded_run.json"
failed_config=$(grep -v "/run-$succeeded_run.json\$" "$scratch/given")
check "a failed run's config is kept beside its log" \
  grep -q '"d": "2024-01-02"' "$ws/.databuild/logs/$(basename "$failed_config")"

# Manual partitions: put, reuse, refusal to overwrite, denied labels.
mkdir -p "$scratch/manual" && echo '{"user_hash": "x", "event": "view", "ts": "t"}' >"$scratch/manual/events.jsonl"
check "put publishes a manual partition" "$run" -C "$ws" put clean_events/date=2024-01-06/region=us "$scratch/manual" --taint pii
check "put refuses to overwrite" bash -c "! '$run' -C '$ws' put clean_events/date=2024-01-06/region=us '$scratch/manual' 2>/dev/null"
out=$(dr build customer_report/date=2024-01-06 2>&1); status=$?
check "a denied label through a manual partition is refused" grep -q "would carry label 'pii'" <<<"$out"
check "and the build fails" test $status -eq 1
check "put into a denying dataset is refused" bash -c "! '$run' -C '$ws' put customer_report/date=2024-01-07 '$scratch/manual' --taint pii 2>/dev/null"

# Hostile refs get messages, not crashes.
for ref in '../etc/passwd' '/etc' 'clean_events/date=2024-01-03/region=us;rm' 'clean_events/date=../x' \
           "customer_report/date=\$(id)" 'clean_events/date=2024-02-30/region=us'; do
  err=$(dr build "$ref" 2>&1); status=$?
  check "hostile ref '$ref' is rejected with exit 2" test $status -eq 2
  check "  with a message" grep -q 'databuild-run: ' <<<"$err"
done

# An external partition that arrives while the build waits for it (its ready
# marker comes last) is picked up, and the build completes. (Its reader is
# invalidated first: a fresh reader would not need it.)
arriving=$ws/data/vendor/eu/20240105
dr invalidate clean_events/date=2024-01-05/region=eu >/dev/null
mv "$arriving/_SUCCESS" "$scratch/_SUCCESS"
"$run" -C "$ws" build clean_events/date=2024-01-05/region=eu --wait-timeout 60 --poll-interval 0.5 \
  >"$scratch/waited" 2>&1 &
waiter=$!
sleep 1
mv "$scratch/_SUCCESS" "$arriving/_SUCCESS"
wait $waiter; status=$?
check "a build waiting for an external completes once it arrives" test $status -eq 0
check "  and said it was waiting" grep -q 'waiting up to 60s for external raw_events/date=2024-01-05/region=eu' "$scratch/waited"
check "--poll-interval refuses nonsense" bash -c "! '$run' -C '$ws' build $report --poll-interval 0 2>/dev/null"

# kill -9 during a build, then rebuild completes and the orphaned run is closed.
sed -i 's|run \["python3", "jobs/report.py", "{d}"\]|run ["sh", "-c", "sleep 2; python3 jobs/report.py {d}"]|' "$ws/reports.dbuild"
"$run" -C "$ws" build customer_report/date=2024-01-02 --wait-timeout 0 >/dev/null 2>&1 &
runner=$!
for _ in $(seq 50); do sleep 0.1; grep -q . <("$run" -C "$ws" history report 2>/dev/null | grep running) && break; done
kill -9 $runner; wait $runner 2>/dev/null
dr build customer_report/date=2024-01-02 >/dev/null; status=$?
check "rebuild after kill -9 completes" test $status -eq 0
check "the orphaned run is closed" bash -c "'$run' -C '$ws' history report | grep -q 'orphaned'"

check "the catalog is sound after all of it" verify_catalog "$ws"
finish
