#!/usr/bin/env bash
# Installs every Debian package DataBuild's build and tests need. Idempotent:
# when everything is present it prints nothing and touches nothing. Runs apt as
# root, through sudo when not root. Used by both README commands and by CI.
set -euo pipefail

packages=(
  # build
  g++ cmake ninja-build git ca-certificates
  nlohmann-json3-dev libsqlite3-dev
  # tests: GoogleTest, lit + FileCheck (python3), the real pre-commit, Neovim (LSP e2e),
  # the sqlite3 shell (the runtime's crash tests read the catalog with it)
  libgtest-dev libgmock-dev llvm-14-tools python3 pre-commit neovim sqlite3
  # benchmarks (bench/): Google Benchmark
  libbenchmark-dev
  # fuzzing (fuzz/run.sh): clang 14 and its libFuzzer runtime
  clang-14 libclang-rt-14-dev
  # the graph test renders `databuild graph` output with Graphviz's dot
  graphviz
  # grammar regeneration: tree-sitter's generator is built from Debian sources
  # (scripts/build-tree-sitter-generate.sh) and evaluates grammar.js with node;
  # npm installs the SARIF schema validator (tests/sarif)
  nodejs npm
)
# The generator needs cargo; a machine with rustup's cargo does not need Debian's.
command -v cargo >/dev/null 2>&1 || packages+=(cargo)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
# node and npm may come from elsewhere (nodesource, nvm); working ones are enough.
for tool in node:nodejs npm:npm; do
  if [[ " ${missing[*]} " == *" ${tool#*:} "* ]] && command -v "${tool%%:*}" >/dev/null 2>&1; then
    missing=("${missing[@]/${tool#*:}}")
  fi
done
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

install_npm_packages() {
  # The SARIF test's validator, pinned by tests/sarif/package-lock.json.
  local dir
  dir="$(dirname "$0")/../tests/sarif"
  [[ -d "$dir/node_modules/ajv" ]] || npm ci --prefix "$dir" --no-audit --no-fund --silent
}

if [[ ${#missing[@]} -eq 0 ]]; then
  install_npm_packages
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_npm_packages
