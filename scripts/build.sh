#!/usr/bin/env bash
# Configures and builds DataBuild into build/ (or $DATABUILD_BUILD_DIR), with
# warnings as errors. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DATABUILD_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DDATABUILD_WERROR=ON >/dev/null
ninja -C "$build" --quiet
