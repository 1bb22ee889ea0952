#!/usr/bin/env bash
# End-to-end test of .pre-commit-hooks.yaml with the real pre-commit:
#   precommit_test.sh DATABUILD_BINARY REPO_ROOT
#
# Builds a throwaway git repository holding a DataBuild workspace and a
# .pre-commit-config.yaml that uses this repository's hooks, then checks that
# `pre-commit run --all-files` fails with the diagnostic on a broken workspace
# and passes once it is fixed, and that databuild-check-werror fails on a
# warning that databuild-check lets through.
#
# Hermetic: HOME, PRE_COMMIT_HOME and every git config live in a temporary
# directory; the hooks repository is a local git repository made here from the
# work tree's .pre-commit-hooks.yaml (so uncommitted edits are what is tested,
# and a clean CI clone works too). No network.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 DATABUILD_BINARY REPO_ROOT" >&2
  exit 2
fi
databuild=$(realpath "$1")
repo_root=$(realpath "$2")
[[ -x "$databuild" ]] || { echo "precommit_test: not executable: $databuild" >&2; exit 2; }
[[ -f "$repo_root/.pre-commit-hooks.yaml" ]] || {
  echo "precommit_test: no .pre-commit-hooks.yaml in $repo_root" >&2; exit 2; }
command -v pre-commit >/dev/null || { echo "precommit_test: pre-commit is not installed (apt-get install pre-commit)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/databuild-precommit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Hermetic environment.
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/pre-commit-home" XDG_CACHE_HOME="$tmp/cache"
mkdir -p "$HOME" "$PRE_COMMIT_HOME"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=databuild-test GIT_AUTHOR_EMAIL=test@databuild.invalid
export GIT_COMMITTER_NAME=databuild-test GIT_COMMITTER_EMAIL=test@databuild.invalid
export PRE_COMMIT_COLOR=never PRE_COMMIT_NO_CONCURRENCY=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
# The hooks are `language: system`: databuild must be on PATH.
mkdir -p "$tmp/bin"
ln -s "$databuild" "$tmp/bin/databuild"
export PATH="$tmp/bin:$PATH"

fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The hooks repository: this repository's .pre-commit-hooks.yaml, committed.
hooks="$tmp/hooks-repo"
mkdir -p "$hooks"
cp "$repo_root/.pre-commit-hooks.yaml" "$hooks/"
git -C "$hooks" init -q
git -C "$hooks" add .pre-commit-hooks.yaml
git -C "$hooks" commit -q -m "hooks"
rev=$(git -C "$hooks" rev-parse HEAD)

# Writes the project's .pre-commit-config.yaml using the given hook ids.
use_hooks() {
  {
    printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n' "$hooks" "$rev"
    printf '      - id: %s\n' "$@"
  } >"$project/.pre-commit-config.yaml"
}

# 2. A project repository with a DataBuild workspace at its root.
project="$tmp/project"
mkdir -p "$project"
git -C "$project" init -q
cat >"$project/workspace.dbuild" <<'DBUILD'
workspace precommit_test {
  data_root "data"
}

policy pii
DBUILD
cat >"$project/events.dbuild" <<'DBUILD'
dataset raw_events[date: date since 2024-01-01] {
  external
  column user_id: string (taint pii)
  column event: string
}

dataset clean_events[date: date since 2024-01-01] {
  column event: string
}

job clean(d: date) {
  input  raw   = raw_event[date = d] { event }
  output clean = clean_events[date = d]
  run ["python3", "jobs/clean.py", "{d}"]
}
DBUILD
use_hooks databuild-check
git -C "$project" add -A
git -C "$project" commit -q -m "broken workspace"

run_hooks() {  # prints pre-commit's output; returns its status
  (cd "$project" && pre-commit run --all-files --color never 2>&1)
}

# Runs the hooks, keeping their output and exit status in $output and $status
# (a failing hook is expected in some steps, so errexit is off around it).
run_hooks_showing() {
  set +e
  output=$(run_hooks)
  status=$?
  set -e
  echo "--- pre-commit $1 (status $status):"
  echo "$output"
}

# 3. Broken: the hook fails and shows the diagnostic.
run_hooks_showing "on the broken workspace"
[[ $status -ne 0 ]] || fail "pre-commit passed on a broken workspace"
grep -q "events.dbuild:12:18: error: unknown dataset 'raw_event' \[unresolved-reference\]" <<<"$output" ||
  fail "the diagnostic is missing from pre-commit's output"
grep -q "databuild check" <<<"$output" || fail "the hook's name is missing from pre-commit's output"

# 4. Fixed: the hook passes.
sed -i 's/raw_event\[/raw_events[/' "$project/events.dbuild"
git -C "$project" add -A
run_hooks_showing "on the fixed workspace"
[[ $status -eq 0 ]] || fail "pre-commit failed on a fixed workspace"
grep -q "databuild check.*Passed" <<<"$output" || fail "the hook did not report Passed"

# 5. A warning only: databuild-check passes, databuild-check-werror fails.
#    (a policy that nothing uses is an unused-definition warning.)
printf '%s\n' '' '# Licensed data; not used yet.' 'policy acme_license' >>"$project/workspace.dbuild"
use_hooks databuild-check databuild-check-werror
git -C "$project" add -A
run_hooks_showing "with both hooks on a workspace with a warning"
[[ $status -ne 0 ]] || fail "databuild-check-werror passed despite a warning"
grep -q "^databuild check\.\.*Passed" <<<"$output" || fail "databuild-check should pass on warnings"
grep -q "^databuild check --werror\.\.*Failed" <<<"$output" || fail "databuild-check-werror should fail"
grep -q "workspace.dbuild:8:8: warning: policy 'acme_license' is never used \[unused-definition\]" <<<"$output" || fail "the warning is missing from the output"

echo "PASS"
