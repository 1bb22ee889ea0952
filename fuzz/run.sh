#!/usr/bin/env bash
# Runs one libFuzzer target, building it first (clang-14, ASan + UBSan) into
# build-fuzz/ when needed.
#
#   fuzz/run.sh NAME SECONDS [-j N]   fuzz for SECONDS (N processes: -fork=N)
#   fuzz/run.sh NAME --merge DIR...   fold DIRs into fuzz/corpus/NAME, minimized
#
# NAME is analyze, lsp, partition_ref, reparse or resolve. Fuzzing starts from
# the committed corpus fuzz/corpus/NAME but writes what it finds to
# build-fuzz/corpus/NAME, so the committed one only grows by a deliberate
# --merge: it adds the inputs that reach code the corpus does not (-merge=1
# counting edges only, -use_counters=0; hit counts would keep thousands),
# smallest first, until the corpus holds 200 (CTest replays them all on every
# run, twice). Crashes and hangs (over 10 s) are saved to
# fuzz/crashes/NAME/, where CTest replays them; the log, with libFuzzer's
# final stats, is build-fuzz/logs/NAME.log.
#
# Leaks are not checked after each input (-detect_leaks=0): tree-sitter's
# subtree pools and the parser's stacks grow to the largest input seen, so
# libFuzzer keeps suspecting a leak and stopping the world to scan a heap of
# hundreds of MB, which made the fuzzers ten times slower. LeakSanitizer still
# checks every committed input when the sanitizer build replays the corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() {
  echo "usage: fuzz/run.sh NAME SECONDS [-j N] | fuzz/run.sh NAME --merge DIR..." >&2
  exit 2
}
[[ $# -ge 2 ]] || usage
name=$1
shift
[[ -f fuzz/${name}_fuzzer.cc ]] || { echo "run.sh: no fuzz target '$name'" >&2; exit 2; }

build=${DATABUILD_FUZZ_BUILD_DIR:-build-fuzz}
if [[ ! -f $build/build.ninja ]]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DDATABUILD_FUZZ=ON >/dev/null
fi
ninja -C "$build" --quiet "${name}_fuzzer"
fuzzer=$build/fuzz/${name}_fuzzer
corpus=fuzz/corpus/$name

if [[ $1 == --merge ]]; then
  shift
  [[ $# -ge 1 ]] || usage
  merged=$(mktemp -d)
  trap 'rm -rf "$merged"' EXIT
  mkdir -p "$corpus"
  cp -r "$corpus"/. "$merged"/
  "$fuzzer" -merge=1 -use_counters=0 -detect_leaks=0 "$merged" "$@"
  room=$((200 - $(ls "$corpus" | wc -l)))
  if [[ $room -gt 0 ]]; then
    # New inputs, smallest first (ls -Sr), up to the room left.
    for input in $(ls -Sr "$merged"); do
      [[ -e $corpus/$input ]] && continue
      [[ $room -gt 0 ]] || break
      cp "$merged/$input" "$corpus/"
      room=$((room - 1))
    done
  fi
  echo "run.sh: $corpus holds $(ls "$corpus" | wc -l) inputs"
  exit 0
fi

seconds=$1
shift
jobs=1
if [[ $# -gt 0 ]]; then
  [[ $# -eq 2 && $1 == -j ]] || usage
  jobs=$2
fi
work=$build/corpus/$name
mkdir -p "$work" "$build/logs" "fuzz/crashes/$name"
parallel=()
[[ $jobs -gt 1 ]] && parallel=(-fork="$jobs")
"$fuzzer" "$work" "$corpus" -max_total_time="$seconds" -timeout=10 -detect_leaks=0 \
  -print_final_stats=1 -artifact_prefix="fuzz/crashes/$name/" "${parallel[@]}" 2>&1 | tee "$build/logs/$name.log"
