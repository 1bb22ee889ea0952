#!/bin/sh
# accumulate(d): running total of the 7-day actives. The first day has no
# previous total: its `prev` input is dropped and DATABUILD_IN_PREV lists nothing.
set -eu
prev=0
if [ -d "$DATABUILD_IN_PREV" ]; then prev=$(cat "$DATABUILD_IN_PREV/total.txt"); fi
today=$(cat "$DATABUILD_IN_TODAY/actives.txt")
echo $((prev + today)) > "$DATABUILD_OUT_OUT/total.txt"
