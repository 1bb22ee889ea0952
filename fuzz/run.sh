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
# --merge (which keeps just the inputs that add coverage: -merge=1 into an
# empty directory). Crashes and hangs (over 10 s) are saved to
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
  "$fuzzer" -merge=1 "$merged" "$corpus" "$@"
  rm -f "$corpus"/*
  cp "$merged"/* "$corpus"/
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
