#!/usr/bin/env bash
# Installs every Debian package DataBuild's build and tests need. Idempotent:
# when everything is present it prints nothing and touches nothing. Runs apt as
# root, through sudo when not root. Used by both README commands and by CI.
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build pkg-config git ca-certificates
  libtree-sitter-dev nlohmann-json3-dev libsqlite3-dev
  # tests: GoogleTest, lit + FileCheck (python3), a real LSP client, pre-commit
  libgtest-dev libgmock-dev llvm-14-tools python3
  # grammar regeneration: tree-sitter's generator is built from Debian sources
  # (scripts/build-tree-sitter-generate.sh) and evaluates grammar.js with node
  nodejs
)
# The generator needs cargo; a machine with rustup's cargo does not need Debian's.
command -v cargo >/dev/null 2>&1 || packages+=(cargo)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
# nodejs may come from elsewhere (nodesource, nvm); a working node is enough.
if [[ " ${missing[*]} " == *" nodejs "* ]] && command -v node >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[[ ${#missing[@]} -eq 0 ]] && exit 0

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
