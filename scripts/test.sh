#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is needed, builds,
# runs every test tier under CTest (unit, grammar corpus, lit), and checks that
# the committed parser is generated from the committed grammar.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
scripts/regenerate-grammar.sh --check
ctest --test-dir "${DATABUILD_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
