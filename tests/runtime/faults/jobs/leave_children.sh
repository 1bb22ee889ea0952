#!/bin/sh
# leave_children.sh DATE: starts `sleep $LEAVER_SLEEP` twice and leaves both
# running: one as a background child, one double-forked (orphaned at once,
# re-parented to init, still in this job's process group). LEAVER_SLEEP comes
# from the test (a number unique to its run, so its `ps` finds only these);
# their stdout is the job's log, which a runtime reading a pipe would wait on.
set -eu
sleep "$LEAVER_SLEEP" &
( sleep "$LEAVER_SLEEP" & )
echo "$1" > "$DATABUILD_OUT_OUT/part-0"
