#!/usr/bin/env bash
# Regenerates the DataBuild tree-sitter parser from
# analyzer/tree-sitter-databuild/grammar.js (tree-sitter 0.20.7 generator, ABI 14).
#
#   scripts/regenerate-grammar.sh           regenerate src/ in place
#   scripts/regenerate-grammar.sh --check   regenerate into a temporary copy and
#                                           fail if the committed src/ is stale
#
# The generator is $DATABUILD_TSGEN (default:
# ${XDG_CACHE_HOME:-$HOME/.cache}/databuild/tsgen/bin/tree-sitter). When it is
# missing it is built offline with scripts/build-tree-sitter-generate.sh, which
# installs Debian packages (as root, or through sudo) and needs cargo. Node.js
# evaluates grammar.js.
set -euo pipefail

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

check=false
case "${1:-}" in
  "") ;;
  --check) check=true ;;
  -h | --help) usage ;;
  *) echo "regenerate-grammar.sh: unknown argument: $1" >&2; usage ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
grammar_dir=$root/analyzer/tree-sitter-databuild
generated=(src/parser.c src/grammar.json src/node-types.json src/tree_sitter/parser.h)
tsgen=${DATABUILD_TSGEN:-${XDG_CACHE_HOME:-$HOME/.cache}/databuild/tsgen/bin/tree-sitter}

command -v node >/dev/null 2>&1 || {
  echo "regenerate-grammar.sh: node (Node.js) is needed to evaluate grammar.js" >&2
  exit 2
}

# ---- the generator -------------------------------------------------------------

if [[ ! -x $tsgen ]]; then
  echo "regenerate-grammar.sh: building the tree-sitter generator into $tsgen" >&2
  command -v cargo >/dev/null 2>&1 || {
    echo "regenerate-grammar.sh: cargo is needed to build the generator" >&2
    exit 2
  }
  if [[ $(basename "$tsgen") == tree-sitter && $(basename "$(dirname "$tsgen")") == bin ]]; then
    workdir=$(dirname "$(dirname "$tsgen")")
  else
    workdir=${XDG_CACHE_HOME:-$HOME/.cache}/databuild/tsgen
  fi
  mkdir -p "$workdir"
  build=("$root/scripts/build-tree-sitter-generate.sh" "$workdir")
  if [[ $(id -u) -eq 0 ]]; then
    bash "${build[@]}"
  elif command -v sudo >/dev/null 2>&1; then
    # Keep the caller's toolchain (rustup's cargo lives under $HOME).
    sudo env "PATH=$PATH" "RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}" \
      "CARGO_HOME=${CARGO_HOME:-$HOME/.cargo}" bash "${build[@]}"
    sudo chown -R "$(id -u):$(id -g)" "$workdir"
  else
    echo "regenerate-grammar.sh: building the generator installs Debian packages;" \
      "run as root or install sudo (or set DATABUILD_TSGEN to an existing generator)" >&2
    exit 2
  fi
  if [[ ! -x $tsgen ]]; then
    mkdir -p "$(dirname "$tsgen")"
    cp "$workdir/bin/tree-sitter" "$tsgen"
  fi
fi

# ---- generate --------------------------------------------------------------------

if ! $check; then
  (cd "$grammar_dir" && "$tsgen" generate --no-bindings)
  echo "regenerated ${generated[*]} in analyzer/tree-sitter-databuild"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/grammar"
# grammar.js and anything it may require; the committed src/ stays untouched.
(cd "$grammar_dir" && tar --exclude=./node_modules --exclude=./src -cf - .) | (cd "$tmp/grammar" && tar -xf -)
(cd "$tmp/grammar" && "$tsgen" generate --no-bindings) >"$tmp/generate.log" 2>&1 || {
  cat "$tmp/generate.log" >&2
  echo "regenerate-grammar.sh: tree-sitter generate failed" >&2
  exit 1
}

stale=()
for f in "${generated[@]}"; do
  if [[ ! -f $grammar_dir/$f ]] || ! cmp -s "$grammar_dir/$f" "$tmp/grammar/$f"; then
    stale+=("analyzer/tree-sitter-databuild/$f")
  fi
done
if ((${#stale[@]})); then
  echo "error: the generated parser is out of date with grammar.js:" >&2
  printf '  %s\n' "${stale[@]}" >&2
  echo "run scripts/regenerate-grammar.sh and commit the result" >&2
  exit 1
fi
echo "generated parser is up to date with grammar.js"
