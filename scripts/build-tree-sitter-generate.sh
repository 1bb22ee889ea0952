#!/usr/bin/env bash
# Build a generate-only `tree-sitter` 0.20.7 CLI offline, from Debian bookworm's
# tree-sitter source package (cli/src/generate, verbatim) + Debian librust-*-dev
# crates, with the rustup cargo already on the machine.  Needs root (apt).
#   usage: build-tree-sitter-generate.sh [WORKDIR]   -> WORKDIR/bin/tree-sitter
#          build-tree-sitter-generate.sh --source-only [WORKDIR]
#            -> WORKDIR/tree-sitter-0.20.7, the unpacked source alone
#            (scripts/vendor-tree-sitter.sh copies its runtime from there)
set -euo pipefail
#
# Vendored from the project's shared tools so that the repository can regenerate
# its parser on its own: it builds the generate-only CLI from the Debian sources
# of tree-sitter 0.20.7 (cli/src/generate, MIT-licensed, unmodified) and Debian's
# librust-*-dev crates. Normally run through scripts/regenerate-grammar.sh.
source_only=0
if [ "${1:-}" = --source-only ]; then source_only=1; shift; fi
W=${1:-/tmp/databuild-tsgen}
mkdir -p "$W" && cd "$W"
export DEBIAN_FRONTEND=noninteractive

# 1. Debian crate sources (-> /usr/share/cargo/registry).
[ $source_only = 1 ] || apt-get install -y -q --no-install-recommends \
  librust-anyhow-dev librust-indexmap-dev librust-lazy-static-dev librust-log-dev \
  'librust-regex+default-dev' librust-regex-syntax-dev librust-rustc-hash-dev \
  librust-semver-dev librust-serde-dev librust-serde-derive-dev \
  librust-serde-json-dev librust-smallbitvec-dev

# 2. Debian source package tree-sitter 0.20.7-1, via a private deb-src config
#    (/etc/apt untouched).
mkdir -p apt/lists/partial
echo 'deb-src http://deb.debian.org/debian bookworm main' > apt/src.list
O=(-o Dir::Etc::sourcelist="$W/apt/src.list" -o Dir::Etc::sourceparts=/dev/null
   -o Dir::State::Lists="$W/apt/lists")
apt-get -q "${O[@]}" update
rm -rf tree-sitter-0.20.7
apt-get -q "${O[@]}" source --download-only tree-sitter=0.20.7-1
tar xf tree-sitter_0.20.7.orig.tar.xz     # Debian adds no patches to it
TS=$W/tree-sitter-0.20.7
[ $source_only = 0 ] || exit 0

# 3. A crate holding only cli/src/generate + a small main.
C=$W/tsgen
rm -rf "$C" && mkdir -p "$C/src" "$C/ts-shim" "$C/.cargo"
cp -r "$TS/cli/src/generate" "$C/src/"
cp "$TS/lib/include/tree_sitter/parser.h" "$C/ts-shim/parser.h"

cat > "$C/.cargo/config.toml" <<'EOF'
# Same source replacement Debian's dh-cargo uses (/usr/share/cargo/bin/cargo).
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[net]
offline = true
EOF

cat > "$C/Cargo.toml" <<'EOF'
[package]
name = "tree-sitter-cli"
version = "0.20.7"
edition = "2018"
license = "MIT"
build = "build.rs"

[[bin]]
name = "tree-sitter"
path = "src/main.rs"

# = the generate-related subset of cli/Cargo.toml of tree-sitter 0.20.7
[dependencies]
anyhow = "1.0"
indexmap = "1"
lazy_static = "1.2.0"
log = { version = "0.4.6", features = ["std"] }
regex = "1"
regex-syntax = "0.6.4"
rustc-hash = "1"
semver = "1.0"
serde = { version = "1.0.130", features = ["derive"] }
serde_json = { version = "1.0", features = ["preserve_order"] }
smallbitvec = "2.5.1"
tree-sitter = { path = "ts-shim" }

[profile.release]
strip = true
EOF

cat > "$C/build.rs" <<'EOF'
fn main() {
    // cli/build.rs derives this from cli/Cargo.toml ([dependencies.tree-sitter] version)
    println!("cargo:rustc-env=RUST_BINDING_VERSION=0.20.3");
}
EOF

cat > "$C/ts-shim/Cargo.toml" <<'EOF'
[package]
name = "tree-sitter"
version = "0.20.7"
edition = "2018"
license = "MIT"
[lib]
path = "lib.rs"
EOF
cat > "$C/ts-shim/lib.rs" <<'EOF'
//! The items of the `tree-sitter` crate (lib/binding_rust/lib.rs, 0.20.7) that
//! cli/src/generate uses; values as in lib/include/tree_sitter/api.h.
pub const LANGUAGE_VERSION: usize = 14;
pub const MIN_COMPATIBLE_LANGUAGE_VERSION: usize = 13;
pub const PARSER_HEADER: &'static str = include_str!("parser.h");
EOF
grep -q '#define TREE_SITTER_LANGUAGE_VERSION 14$' "$TS/lib/include/tree_sitter/api.h"

cat > "$C/src/main.rs" <<'EOF'
// Generate-only `tree-sitter` 0.20.7: cli/src/generate + the `generate`
// subcommand's options from cli/src/main.rs.
mod generate;

const DEFAULT_GENERATE_ABI_VERSION: usize = 14;

fn usage() -> ! {
    eprintln!(
        "usage: tree-sitter generate [GRAMMAR_PATH] [--abi VERSION|latest] [--no-bindings] \
         [--report-states-for-rule RULE]\n(tree-sitter {} generator, generate only; default ABI {}, max {})",
        env!("CARGO_PKG_VERSION"), DEFAULT_GENERATE_ABI_VERSION, tree_sitter::LANGUAGE_VERSION
    );
    std::process::exit(2)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("{:?}", e);
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).peekable();
    match args.peek().map(String::as_str) {
        Some("generate") | Some("gen") | Some("g") => {
            args.next();
        }
        Some("--version") | Some("-V") => {
            println!("tree-sitter {} (generate only)", env!("CARGO_PKG_VERSION"));
            return Ok(());
        }
        _ => usage(),
    }
    let mut grammar_path: Option<String> = None;
    let mut abi_version = DEFAULT_GENERATE_ABI_VERSION;
    let mut generate_bindings = true;
    let mut report: Option<String> = None;
    while let Some(a) = args.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        match flag.as_str() {
            "--abi" => {
                let v = inline.or_else(|| args.next()).unwrap_or_else(|| usage());
                abi_version = if v == "latest" {
                    tree_sitter::LANGUAGE_VERSION
                } else {
                    v.parse().unwrap_or_else(|_| usage())
                };
            }
            "--no-bindings" => generate_bindings = false,
            "--report-states-for-rule" => {
                report = Some(inline.or_else(|| args.next()).unwrap_or_else(|| usage()))
            }
            "--log" | "--no-minimize" => {} // accepted, ignored (no-ops in 0.20.7 too / logging not wired)
            "-h" | "--help" => usage(),
            s if s.starts_with('-') => usage(),
            _ if grammar_path.is_none() => grammar_path = Some(a),
            _ => usage(),
        }
    }
    let current_dir = std::env::current_dir()?;
    generate::generate_parser_in_directory(
        &current_dir,
        grammar_path.as_deref(),
        abi_version,
        generate_bindings,
        report.as_deref(),
    )
}
EOF

# 4. Build (offline, Debian crates only).
(cd "$C" && cargo build --release --offline)
mkdir -p "$W/bin"
cp "$C/target/release/tree-sitter" "$W/bin/tree-sitter"
"$W/bin/tree-sitter" --version
