# Shared by the runtime's end-to-end scripts: a scratch directory removed on
# exit, check() counting failures, finish() turning them into the exit status,
# verify_catalog() for the invariants every kill or race must keep, and
# unrecorded_versions() for what a dead or failed run may have left.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...: the command must succeed
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
finish() {
  echo "$failures failures"
  exit $((failures > 0))
}
# verify_catalog WORKSPACE: the catalog passes PRAGMA integrity_check, and
# every partition link under the data root points at a version directory the
# catalog records whose files match its manifest (names and sizes): no
# partial partition is visible. Prints what is wrong; fails if anything is.
verify_catalog() {
  python3 - "$1" <<'PY'
import json, os, sqlite3, sys
ws = sys.argv[1]
data = os.path.join(ws, "data")
catalog = os.path.join(ws, ".databuild", "catalog.db")
# A runner killed before creating the catalog leaves none: then nothing may be linked.
db = sqlite3.connect(catalog if os.path.exists(catalog) else ":memory:")
problems = []
if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
    problems.append("integrity_check failed")
# A runner killed while creating the catalog leaves it without tables (the
# schema is one transaction): sound, and it records no partition.
has_schema = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'partitions'").fetchone()[0]
manifests = {path: json.loads(manifest)
             for path, manifest in db.execute("SELECT path, manifest FROM partitions")} if has_schema else {}
for root, dirs, files in os.walk(data):
    if os.path.relpath(root, data).split(os.sep)[0] in (".staging", ".versions"):
        continue
    for name in dirs + files:
        link = os.path.join(root, name)
        if not os.path.islink(link):
            continue
        target = os.readlink(link)
        if target not in manifests:
            problems.append(f"{link} -> {target}: not a recorded version")
            continue
        found = sorted((os.path.relpath(os.path.join(r, f), target), os.path.getsize(os.path.join(r, f)))
                       for r, _, fs in os.walk(target) for f in fs)
        wanted = sorted((entry["path"], entry["size"]) for entry in manifests[target])
        if found != wanted:
            problems.append(f"{link}: files {found} differ from the manifest {wanted}")
for problem in problems:
    print("  " + problem)
sys.exit(1 if problems else 0)
PY
}
# unrecorded_versions WORKSPACE: the entries of `<data>/.versions` no
# partition row of the catalog names (what a failed run, or a killed runner's,
# wrote and nothing removed), one per line; nothing when all are recorded.
unrecorded_versions() {
  python3 - "$1" <<'PY'
import os, sqlite3, sys
ws = sys.argv[1]
versions = os.path.join(ws, "data", ".versions")
catalog = os.path.join(ws, ".databuild", "catalog.db")
db = sqlite3.connect(catalog if os.path.exists(catalog) else ":memory:")
has_schema = db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'partitions'").fetchone()[0]
recorded = {path for (path,) in db.execute("SELECT path FROM partitions")} if has_schema else set()
for name in sorted(os.listdir(versions)) if os.path.isdir(versions) else []:
    if os.path.join(versions, name) not in recorded:
        print(os.path.join(versions, name))
PY
}
