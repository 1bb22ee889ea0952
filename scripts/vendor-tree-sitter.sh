#!/usr/bin/env bash
# Refreshes third_party/tree-sitter, the copy of tree-sitter's runtime every
# DataBuild program is built with, from Debian bookworm's source package
# tree-sitter 0.20.7-1 (the version whose generator scripts/regenerate-grammar.sh
# builds, so parser.c and the runtime always match). Copies lib/include,
# lib/src and LICENSE unmodified; third_party/tree-sitter/README.md says why the
# runtime is vendored. Needs apt (root, or sudo), like the generator's build.
#   usage: scripts/vendor-tree-sitter.sh [WORKDIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/databuild/tsgen}
sudo_if_needed=()
[ "$(id -u)" = 0 ] || sudo_if_needed=(sudo)
"${sudo_if_needed[@]}" bash "$top/scripts/build-tree-sitter-generate.sh" --source-only "$work"
source=$work/tree-sitter-0.20.7
target=$top/third_party/tree-sitter
rm -rf "$target/lib"
mkdir -p "$target/lib"
cp -r "$source/lib/include" "$source/lib/src" "$target/lib/"
cp "$source/LICENSE" "$target/LICENSE"
echo "third_party/tree-sitter: refreshed from $source"
