#!/usr/bin/env python3
"""The language server under load (issue 7): the real databuild-lsp over stdio on
a generated workspace, a burst of edits with overlapping requests and
cancellations, and checks that nothing is lost and memory stays bounded.

    lsp_load.py DATABUILD_LSP GEN_WORKSPACE_PY [--jobs N] [--edits N]
                [--max-rss-mib M] [--keep DIR]

One file of a generated workspace (bench/gen_workspace.py) is opened and edited
--edits times without waiting for anything: each edit alternately breaks and
fixes one dataset reference (so the diagnostics change every time). After every
tenth edit come requests (hover, definition, references, completion,
documentSymbol in turn, and now and then workspace/symbol over the whole
workspace); some are cancelled with $/cancelRequest, right away (usually still
queued), a moment after the server could start on them (often running: the
server checks its cancellation token in long loops) or after their answer
(which must change nothing). Then shutdown and exit.

It fails unless
  - every request id gets exactly one response: a result, or the error
    RequestCancelled (-32800) or ContentModified (-32801), and only a cancelled
    request may be answered RequestCancelled;
  - every publishDiagnostics for the file matches the text of its version (one
    unresolved-reference error while broken, none while fixed), the last one
    is for the last version (fixed: clean), and no other file gets a diagnostic;
  - the server's peak resident memory (VmHWM, read before `exit`) stays under
    --max-rss-mib, a generous bound (this is not a speed test: nothing is timed
    against a limit);
  - the server exits with status 0.
It prints the peak RSS and what happened to the cancellations
(docs/benchmarks.md records the measurement).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

REQUEST_CANCELLED = -32800
CONTENT_MODIFIED = -32801
# The first dataset reference after `= ` in the file from the middle of the
# workspace is broken by appending this character to it, and fixed by removing it.
BREAK = "x"


class Client:
    """Content-Length framed JSON-RPC to a child process; a thread reads replies."""

    def __init__(self, argv):
        self.process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.write_lock = threading.Lock()
        self.next_id = 0
        self.responses = {}  # id -> list of response messages
        self.published = []  # publishDiagnostics params, in arrival order
        self.problems = []
        self.reader = threading.Thread(target=self._read_all, daemon=True)
        self.reader.start()

    def _send(self, message):
        body = json.dumps(message).encode()
        with self.write_lock:
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _read_message(self):
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def _read_all(self):
        while (message := self._read_message()) is not None:
            if "method" in message and "id" in message:  # a request of the server's own
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                self.responses.setdefault(message["id"], []).append(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                self.published.append(message["params"])

    def wait_for(self, request_id):
        """Waits until the server has answered `request_id` or a later request (it
        serves requests in order, so a request skipped is never answered; the
        final check reports it)."""
        while not any(answered >= request_id for answered in list(self.responses)):
            if not self.reader.is_alive():
                raise RuntimeError(f"the server closed its output before answering request {request_id}")
            time.sleep(0.005)


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/PID/status")


def utf16_position(text, offset):
    """LSP position of a byte offset into ASCII text (generated files are ASCII)."""
    line = text.count("\n", 0, offset)
    return {"line": line, "character": offset - (text.rfind("\n", 0, offset) + 1)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server")
    parser.add_argument("generator")
    parser.add_argument("--jobs", type=int, default=10000)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--max-rss-mib", type=float, default=1024)
    parser.add_argument("--keep", help="generate the workspace here and keep it")
    args = parser.parse_args()
    if args.edits % 2:
        parser.error("--edits must be even, so that the last edit fixes the file")

    workspace = args.keep or tempfile.mkdtemp(prefix="databuild-lsp-load-")
    try:
        subprocess.run([sys.executable, args.generator, str(args.jobs), workspace], check=True,
                       capture_output=True)
        return drive(args, os.path.realpath(workspace))
    finally:
        if not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)


def drive(args, root):
    units = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.startswith("unit_"))
    path = units[len(units) // 2]
    uri = "file://" + path
    text = open(path).read()
    name_start = text.index("= u", text.index("input")) + 2
    name_end = name_start
    while text[name_end].isalnum() or text[name_end] == "_":
        name_end += 1
    name_pos = utf16_position(text, name_start + 2)
    break_pos = utf16_position(text, name_end)
    broken_pos = dict(break_pos, character=break_pos["character"] + 1)

    client = Client([args.server])
    started = time.monotonic()
    initialize = client.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + root,
                                               "capabilities": {}})
    client.wait_for(initialize)
    client.notify("initialized", {})
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "databuild",
                                                            "version": 1, "text": text}})

    doc = {"textDocument": {"uri": uri}}
    at_name = dict(doc, position=name_pos)
    rotation = [
        ("textDocument/hover", at_name),
        ("textDocument/definition", at_name),
        ("textDocument/references", dict(at_name, context={"includeDeclaration": True})),
        ("textDocument/completion", at_name),
        ("textDocument/documentSymbol", doc),
    ]
    sent = {initialize: "initialize"}  # id -> method
    cancelled = set()
    late_cancels = []  # cancelled only once answered: sent at the end
    version = 1
    for edit in range(args.edits):
        version += 1
        if edit % 2 == 0:
            change = {"range": {"start": break_pos, "end": break_pos}, "text": BREAK}
        else:
            change = {"range": {"start": break_pos, "end": broken_pos}, "text": ""}
        client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                 "contentChanges": [change]})
        if edit % 10 != 9:
            continue
        burst = edit // 10
        method, params = rotation[burst % len(rotation)]
        request_id = client.request(method, params)
        sent[request_id] = method
        if burst % 3 == 0:  # cancelled at once: most likely still queued
            client.notify("$/cancelRequest", {"id": request_id})
            cancelled.add(request_id)
        elif burst % 3 == 1:
            late_cancels.append(request_id)
        if burst % 16 == 0:
            # All the workspace's symbols (seconds at 10k jobs): cancelled while it
            # runs, most likely. The analysis of the burst is let finish (the
            # answer before it) and the server given a moment to start; whether
            # it has is not asserted, only the answer.
            client.wait_for(request_id)
            symbols_id = client.request("workspace/symbol", {"query": ""})
            sent[symbols_id] = "workspace/symbol"
            time.sleep(0.02)
            client.notify("$/cancelRequest", {"id": symbols_id})
            cancelled.add(symbols_id)
        elif burst % 8 == 0:  # some of them, answered in full
            symbols_id = client.request("workspace/symbol", {"query": "report"})
            sent[symbols_id] = "workspace/symbol"
    for request_id in late_cancels:
        client.wait_for(request_id)
        client.notify("$/cancelRequest", {"id": request_id})
    shutdown = client.request("shutdown", None)
    sent[shutdown] = "shutdown"
    client.wait_for(shutdown)
    peak = peak_rss_mib(client.process.pid)
    client.notify("exit", None)
    client.process.stdin.close()
    status = client.process.wait(timeout=60)
    client.reader.join(timeout=60)
    elapsed = time.monotonic() - started

    problems = []
    if status != 0:
        problems.append(f"databuild-lsp exited with status {status}")
    outcome = {"result": 0, REQUEST_CANCELLED: 0, CONTENT_MODIFIED: 0}
    for request_id, method in sent.items():
        answers = client.responses.get(request_id, [])
        if len(answers) != 1:
            problems.append(f"request {request_id} ({method}) got {len(answers)} responses")
            continue
        answer = answers[0]
        if "result" in answer:
            outcome["result"] += 1
            continue
        code = answer.get("error", {}).get("code")
        if code not in (REQUEST_CANCELLED, CONTENT_MODIFIED):
            problems.append(f"request {request_id} ({method}) failed: {answer['error']}")
        elif code == REQUEST_CANCELLED and request_id not in cancelled:
            problems.append(f"request {request_id} ({method}) answered RequestCancelled, never cancelled")
        else:
            outcome[code] += 1
    unexpected = sorted(set(client.responses) - set(sent))
    if unexpected:
        problems.append(f"responses to ids never sent: {unexpected}")

    ours = [p for p in client.published if p["uri"] == uri]
    for params in client.published:
        if params["uri"] != uri and params["diagnostics"]:
            problems.append(f"unexpected diagnostics in {params['uri']}: {params['diagnostics'][0]['message']}")
    for params in ours:
        broken = params.get("version", 0) % 2 == 0  # version 2k is the k-th break
        codes = [d.get("code") for d in params["diagnostics"]]
        if codes != (["unresolved-reference"] if broken else []):
            problems.append(f"version {params.get('version')} ({'broken' if broken else 'fixed'}) "
                            f"published {codes}")
    if not ours or ours[-1].get("version") != version or ours[-1]["diagnostics"]:
        last = ours[-1] if ours else None
        problems.append(f"the last publication for the file is not version {version}, clean: {last}")

    print(f"databuild-lsp under load: {args.jobs} jobs, {args.edits} edits, {len(sent)} requests "
          f"({len(cancelled)} cancelled before their answer, {len(late_cancels)} after), "
          f"{len(ours)} diagnostics publications for the file, {elapsed:.1f} s")
    print(f"answers: {outcome['result']} results, {outcome[REQUEST_CANCELLED]} RequestCancelled, "
          f"{outcome[CONTENT_MODIFIED]} ContentModified")
    print(f"peak RSS (VmHWM) of databuild-lsp: {peak:.0f} MiB (bound {args.max_rss_mib:.0f} MiB)")
    if peak >= args.max_rss_mib:
        problems.append(f"peak RSS {peak:.0f} MiB is over the bound of {args.max_rss_mib:.0f} MiB")
    for problem in problems[:20]:
        print("FAIL:", problem)
    if len(problems) > 20:
        print(f"FAIL: ... and {len(problems) - 20} more")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
