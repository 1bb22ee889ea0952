#!/bin/sh
# record.sh NAME: appends NAME to runs.log under a lock (two runners may run
# jobs at once), then writes its output in two steps with a pause between, so
# a kill can land while a partition is half written.
set -eu
flock runs.log.lock sh -c 'echo "$0" >> runs.log' "$1"
echo "$1" > "$DATABUILD_OUT_OUT/first.txt"
sleep 0.05
echo "$1 done" > "$DATABUILD_OUT_OUT/second.txt"
