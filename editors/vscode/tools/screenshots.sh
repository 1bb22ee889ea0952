#!/usr/bin/env bash
# Regenerates the README's images/highlighting.png and images/graph.png: pages
# built from the extension's own grammar and webview code (tools/render-screenshots.js)
# photographed by a real browser, headless Chromium. VS Code itself cannot be
# downloaded here; its Dark+ theme files come from the npm package that ships
# VS Code's theme-defaults extension, pinned below. A maintainer's tool, not a
# test: Chromium (Debian: `apt-get install chromium`) is not in scripts/setup.sh.
#
#   editors/vscode/tools/screenshots.sh [BUILD_DIR]   # BUILD_DIR holds analyzer/databuild; default build/
set -euo pipefail
extension=$(cd "$(dirname "$0")/.." && pwd)
repo=$(cd "$extension/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
themes_package=@codingame/monaco-vscode-theme-defaults-default-extension@37.6.1

for tool in chromium npm node; do
  command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool not found" >&2; exit 1; }
done
[[ -x $build/analyzer/databuild ]] || { echo "screenshots.sh: no $build/analyzer/databuild; build it first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$extension"
[[ -d node_modules ]] || npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
npx tsc -p .
(cd "$work" && npm pack --silent "$themes_package" >/dev/null && tar xzf ./*.tgz)
(cd "$repo/examples/quickstart" && "$build/analyzer/databuild" graph --format json) >"$work/graph.json"

node tools/render-screenshots.js "$work/package/resources/dark_plus.json" "$work/graph.json" "$work" |
  while read -r name width height; do
    # --no-sandbox: Chromium refuses to run its sandbox as root (CI and this machine).
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1.5 \
      --window-size="$width,$height" --screenshot="$extension/images/$name.png" "file://$work/$name.html" \
      2>"$work/chromium.log" || { cat "$work/chromium.log" >&2; exit 1; }
    echo "images/$name.png (${width}x$height CSS px at 1.5x)"
  done
