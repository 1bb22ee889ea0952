#!/usr/bin/env bash
# The README's quickstart, end to end on a fresh machine: installs what is
# needed, builds, checks the example workspace, then shows what `databuild
# check` says about a few typical mistakes made in a scratch copy of it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
databuild=$PWD/${DATABUILD_BUILD_DIR:-build}/analyzer/databuild

echo "== databuild check examples/quickstart"
"$databuild" check examples/quickstart
echo "ok: no errors, no warnings"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r examples/quickstart "$scratch/"
# Three typical mistakes: a misspelt dataset, a key the dataset lacks, a month
# where a date is due.
q=$scratch/quickstart
sed -i 's/raw_events\[date = d, region = r\]/raw_event[date = d, region = r]/' "$q/events.dbuild"
sed -i 's/customer_report\[date = d\]/customer_report[day = d]/' "$q/reports.dbuild"
sed -i 's/active_users_7d\[date in days_of(m)\]/active_users_7d[date = m]/' "$q/metrics.dbuild"
echo
echo "== the same workspace with mistakes"
(cd "$scratch/quickstart" && "$databuild" check --color=never) && exit 1 || status=$?
echo "exit status $status (1: errors found)"
[[ $status -eq 1 ]]

# Build a customer report from the sample vendor deliveries, then ask the
# catalog what it holds and what the report was built from.
run=$PWD/${DATABUILD_BUILD_DIR:-build}/runtime/databuild-run
echo
echo "== databuild-run build customer_report/date=2024-01-03"
"$run" -C examples/quickstart build customer_report/date=2024-01-03 --wait-timeout 0
echo
echo "== databuild-run status"
"$run" -C examples/quickstart status
echo
echo "== databuild-run lineage customer_report/date=2024-01-03"
"$run" -C examples/quickstart lineage customer_report/date=2024-01-03
