#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is needed, builds,
# runs every test tier under CTest (unit, grammar corpus and queries, lit
# transcripts, language server, runtime end to end, the editor extension),
# checks that the committed parser is generated from the committed grammar,
# then builds again with AddressSanitizer + UndefinedBehaviorSanitizer and runs
# the suite once more there (any sanitizer report fails its test).
#
#   scripts/test.sh [--no-sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."
sanitize=1
for arg in "$@"; do
  case "$arg" in
    --no-sanitize) sanitize=0 ;;
    *) echo "usage: scripts/test.sh [--no-sanitize]" >&2; exit 2 ;;
  esac
done

scripts/setup.sh
scripts/build.sh
scripts/regenerate-grammar.sh --check
ctest --test-dir "${DATABUILD_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"

if [[ $sanitize == 1 ]]; then
  # Warnings are the first build's business (GCC warns spuriously inside
  # libstdc++ under the sanitizers). The extension test is TypeScript only,
  # with nothing for the sanitizers to see, so it is not run twice; the load
  # test (load.*) re-analyzes a 10k-job workspace a hundred times, too slow
  # there, and the lsp unit tests and lit transcripts cover the same code.
  sanitize_build=${DATABUILD_SANITIZE_BUILD_DIR:-build-sanitize}
  cmake -S . -B "$sanitize_build" -G Ninja -DDATABUILD_SANITIZE=ON >/dev/null
  ninja -C "$sanitize_build" --quiet
  ctest --test-dir "$sanitize_build" --output-on-failure -j "$(nproc)" -E '^(vscode|load)\.'
fi
