#!/usr/bin/env bash
# Another process holds the catalog's write lock (faults/jobs/hold_lock.py:
# BEGIN IMMEDIATE, then wait). Held longer than the busy timeout, before a
# build or in the middle of one (the lock taken by a job while another job
# finishes): the build fails saying another process holds the lock, and
# nothing is lost. Held shorter than the timeout: the build waits and succeeds.
set -uo pipefail
run=$1
source "$(dirname "$0")/lib.sh"
cp -r "$(dirname "$0")/faults" "$scratch/ws"
ws=$scratch/ws
catalog=$ws/.databuild/catalog.db
dr() { timeout 120 "$run" -C "$ws" -j 2 "$@"; }
quietly() { "$@" >/dev/null 2>&1; }
busy="catalog $catalog: cannot .*: database is locked (another process holds its write lock; gave up after the busy timeout)"
# Waits (for a condition, not a time) until the holder has the lock.
wait_locked() { for _ in $(seq 600); do [ -e "$ws/locked" ] && return 0; sleep 0.05; done; return 1; }
reset_lock() { rm -f "$ws/locked" "$ws/release"; }

dr build base/date=2024-01-01 >/dev/null
published=$(readlink "$ws/data/base/date=2024-01-01")

# Held before the build starts, longer than a 1 s timeout: released only after.
reset_lock
(cd "$ws" && exec python3 jobs/hold_lock.py "$catalog") &
holder=$!
wait_locked
err=$(dr build base/date=2024-01-02 --busy-timeout 1 2>&1); status=$?
touch "$ws/release"; wait $holder
check "held past the timeout: the build fails" test $status -ne 0
check "held past the timeout: saying another process holds the lock" grep -q "$busy" <<<"$err"
check "held past the timeout: the catalog is sound" verify_catalog "$ws"
check "held past the timeout: what was published still is" \
  test "$(readlink "$ws/data/base/date=2024-01-01")" = "$published"
check "held past the timeout: the rerun completes" quietly dr build base/date=2024-01-02
if [ $failures -gt 0 ]; then echo "$err"; fi

# Held for a second, within the (default, 30 s) timeout: the build waits.
reset_lock
(cd "$ws" && HOLD_SECONDS=1 exec python3 jobs/hold_lock.py "$catalog") &
holder=$!
wait_locked
out=$(dr build base/date=2024-01-03 2>&1); status=$?
wait $holder
check "held within the timeout: the build waits and succeeds" test $status -eq 0
if [ $failures -gt 0 ]; then echo "$out"; fi

# Taken by a job while another job finishes: that one's publish meets the
# lock. Past the timeout, the build fails (and kills the holding job, which
# releases the lock); the next build completes.
reset_lock
out=$(dr build locker/date=2024-01-01 victim/date=2024-01-01 --busy-timeout 1 2>&1); status=$?
check "held mid-build past the timeout: the build fails" test $status -ne 0
check "held mid-build past the timeout: saying another process holds the lock" grep -q "$busy" <<<"$out"
echo "$out" | grep 'database is locked'  # which write met the lock: information
check "held mid-build past the timeout: nothing partial is visible, the catalog is sound" \
  verify_catalog "$ws"
touch "$ws/release"
check "held mid-build past the timeout: the rerun completes" \
  quietly dr build locker/date=2024-01-01 victim/date=2024-01-01
if [ $failures -gt 0 ]; then echo "$out"; fi

# The same within the timeout: the publish waits for the lock.
reset_lock
out=$(HOLD_SECONDS=1 dr build locker/date=2024-01-02 victim/date=2024-01-02 2>&1); status=$?
check "held mid-build within the timeout: the build waits and succeeds" test $status -eq 0
if [ $failures -gt 0 ]; then echo "$out"; fi

check "the catalog is sound after all of it" verify_catalog "$ws"
finish
