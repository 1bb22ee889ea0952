#!/usr/bin/env python3
"""Writes the raw seed corpora of the fuzz targets from the tests.

  fuzz/make_corpus.py OUT_DIR

Seeds come from what the tests already exercise: the grammar corpus inputs,
the lit transcripts' workspaces (tests/lit, split-file form), the examples,
the LSP transcripts, and the refs named in the partition-ref and resolution
tests. `fuzz/run.sh NAME --merge OUT_DIR/NAME` folds them into fuzz/corpus/NAME with
libFuzzer's -merge=1, which keeps only seeds that add coverage; the committed
corpora are that result, not this script's raw output.
"""
import json
import pathlib
import random
import re
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
GRAMMAR_CORPUS = REPO / "analyzer/tree-sitter-databuild/test/corpus"
LSP_ROOT = "/fuzz-ws"  # does not exist: only opened documents make the workspace


def grammar_inputs():
    """The input text of every grammar corpus case."""
    for path in sorted(GRAMMAR_CORPUS.glob("*.txt")):
        cases = re.split(r"^={10,}\n.*\n={10,}\n", path.read_text(), flags=re.M)
        for case in cases[1:]:
            yield case.split("\n" + "-" * 80 + "\n")[0] + "\n"


def split_files(text):
    """The `#--- name` sections of a lit test, in order, as (name, text)."""
    sections = re.split(r"^#--- (.*)\n", text, flags=re.M)
    return list(zip(sections[1::2], sections[2::2]))


def as_workspace(files):
    """Files as the analyze target reads them: workspace.dbuild first, then up
    to two more after `#--- ` markers (the rest join the last one)."""
    dbuild = [f for f in files if f[0].endswith(".dbuild")]
    dbuild.sort(key=lambda f: f[0] != "workspace.dbuild")
    if not dbuild:
        return None
    parts = [dbuild[0][1]] + ["#--- %s\n%s" % f for f in dbuild[1:]]
    return "".join(parts)


def lsp_session(files):
    """A lit transcript's session with its workspace opened as documents."""
    session = dict(files).get("session.lsp")
    if session is None:
        return None
    messages = [m.strip() for m in re.split(r"^---$", session, flags=re.M)]
    messages = [m.replace("@ROOT@", LSP_ROOT) for m in messages if m]
    opens = []
    for name, text in files:
        if name.endswith(".dbuild"):
            opens.append(
                '{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":'
                '{"uri":"file://%s/%s","languageId":"databuild","version":1,"text":%s}}}'
                % (LSP_ROOT, name, json.dumps(text)))
    return "\n---\n".join(messages[:2] + opens + messages[2:]) + "\n"


def refs_from(paths):
    """Quoted refs (`name/key=value...`) in test sources."""
    refs = set()
    for path in paths:
        for match in re.finditer(r'"([a-z_0-9]+(?:/[^"\s]*)?)"', path.read_text()):
            if "/" in match.group(1) or "=" in match.group(1):
                refs.add(match.group(1))
    return sorted(refs)


def main():
    out = pathlib.Path(sys.argv[1])
    seeds = {name: [] for name in ("analyze", "lsp", "partition_ref", "reparse", "resolve")}
    examples = [p.read_text() for p in sorted((REPO / "examples").rglob("*.dbuild"))]
    sources = list(grammar_inputs()) + examples
    seeds["analyze"] += sources
    for test in sorted((REPO / "tests/lit").rglob("*.test")):
        files = split_files(test.read_text())
        workspace = as_workspace(files)
        if workspace:
            seeds["analyze"].append(workspace)
        session = lsp_session(files)
        if session:
            seeds["lsp"].append(session)
    # Each source as is, and with a few edits decoded from fixed random bytes.
    rng = random.Random(7)
    for text in sources:
        seeds["reparse"].append(text)
        edits = bytes(rng.randrange(256) for _ in range(24)).decode("latin-1")
        seeds["reparse"].append(text + "#edits\n" + edits)
    refs = refs_from([REPO / "analyzer/partition_ref_test.cc", REPO / "analyzer/resolve_test.cc"])
    refs += ["weekly/date=2024-03-10", "running/date=2024-01-08", "monthly/month=2024-02",
             "daily/date=2024-02-01", "by_hour/hour=2024-02-01T05", "totals", "fixed/date=2024-02-29",
             "pair/a=2024-01-03/b=2024-01-03", "dst/name=a%20b/n=3", "weekly/date=2024-01-07..2024-01-20",
             "events/date=*/region=us", "by_hour/hour=2024-02-01T00..2024-02-01T23"]
    seeds["resolve"] += refs
    seeds["partition_ref"] += ["1" + ref for ref in refs]
    for name, texts in seeds.items():
        directory = out / name
        directory.mkdir(parents=True, exist_ok=True)
        for i, text in enumerate(texts):
            (directory / ("seed-%04d" % i)).write_bytes(text.encode("utf-8", "surrogateescape"))
        print("%s: %d seeds" % (name, len(texts)))


if __name__ == "__main__":
    main()
