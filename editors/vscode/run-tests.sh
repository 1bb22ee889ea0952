#!/usr/bin/env bash
# The VS Code extension's tests, as CTest runs them (tests/vscode): install the
# pinned packages, compile with tsc (strict), run the TextMate grammar fixtures
# and the unit tests, package the .vsix with vsce and check what went into it.
# Needs only the npm registry (for `npm ci`); no VS Code download.
set -euo pipefail
cd "$(dirname "$0")"
# --ignore-scripts: no dependency needs an install script for compiling, testing
# or packaging, and some would try to download platform binaries.
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
npx tsc -p .
npx vscode-tmgrammar-test -g syntaxes/databuild.tmLanguage.json 'test/grammar/*.dbuild'
node --test out/test/*.test.js
out_dir=$(mktemp -d)
trap 'rm -rf "$out_dir"' EXIT
npx vsce package --skip-license --allow-missing-repository --no-rewrite-relative-links --out "$out_dir/databuild.vsix" >/dev/null
node tools/check-vsix.js "$out_dir/databuild.vsix"
