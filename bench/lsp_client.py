#!/usr/bin/env python3
"""Drives `gfplint lsp` like an editor and times it (used by bench/lsp.sh).

usage: lsp_client.py GFPLINT ROOT FILE [EDITS]

Starts the server on ROOT, times the initial workspace analysis (initialize to the
end of `$/progress`), opens FILE (relative to ROOT), then EDITS times (default 10)
alternately appends and removes a function that allocates with GFP_KERNEL under a
spinlock (GFPLINT_BENCH_EDIT=body: a block doing so, inside the last function), and times each didChange to the publishDiagnostics that reflects it (the
set of diagnostics changes on every edit, so each edit is published). Prints the
server's peak and final RSS (VmHWM, VmRSS). Reads ROOT only; the server's facts
cache goes where GFPLINT_CACHE_DIR says (bench/lsp.sh sets it).
"""
import json
import os
import subprocess
import sys
import time

# With GFPLINT_BENCH_EDIT=body, the block goes at the top of the file's last function
# body instead (an edit inside a function, the usual kind while typing; a new function
# changes the file's function list, which `gfplint check` does not slice).
BODY_EDIT = """\t{
\t\tstatic DEFINE_SPINLOCK(gfplint_bench_lock);
\t\tspin_lock(&gfplint_bench_lock);
\t\tkfree(kmalloc(64, GFP_KERNEL));
\t\tspin_unlock(&gfplint_bench_lock);
\t}
"""


def edited(text):
    """The text with the bench's allocation under a spinlock added."""
    if os.environ.get("GFPLINT_BENCH_EDIT") != "body":
        return text + EDIT
    lines = text.splitlines(keepends=True)
    end = max(i for i, l in enumerate(lines) if l.rstrip("\n") == "}")
    start = max(i for i in range(end) if lines[i].rstrip("\n") == "{")
    return "".join(lines[:start + 1]) + BODY_EDIT + "".join(lines[start + 1:])


EDIT = """
static void gfplint_bench_probe(spinlock_t *l, void **p)
{
\tspin_lock(l);
\t*p = kmalloc(64, GFP_KERNEL);
\tspin_unlock(l);
}
"""


class Server:
    def __init__(self, argv, cwd):
        self.p = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE)
        self.next_id = 0

    def send(self, msg):
        body = json.dumps(msg).encode()
        self.p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.p.stdin.flush()

    def recv(self):
        length = None
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise EOFError("server exited")
            if line == b"\r\n":
                break
            if line.startswith(b"Content-Length: "):
                length = int(line.split(b":")[1])
        msg = json.loads(self.p.stdout.read(length))
        if "method" in msg and "id" in msg:  # a request of the server's: accept it
            self.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
        return msg

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            m = self.recv()
            if m.get("id") == self.next_id and "method" not in m:
                return m

    def cpu_ms(self):
        """User + system CPU time of the server so far (load-independent, unlike wall)."""
        with open(f"/proc/{self.p.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def status(self, key):
        with open(f"/proc/{self.p.pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) // 1024  # MiB
        return -1


def main():
    gfplint, root, rel = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    edits = int(sys.argv[4]) if len(sys.argv) > 4 else 10
    uri = "file://" + os.path.join(root, rel)
    s = Server([gfplint, "lsp"], root)
    t0 = time.monotonic()
    s.request("initialize", {"processId": None, "rootUri": "file://" + root,
                             "capabilities": {"window": {"workDoneProgress": True},
                                              # As VS Code and Neovim do: the client
                                              # watches files for the server
                                              # (GFPLINT_BENCH_WATCH=0: not).
                                              "workspace": {"didChangeWatchedFiles": {
                                                  "dynamicRegistration": os.environ.get(
                                                      "GFPLINT_BENCH_WATCH", "1") != "0"}},
                                              "general": {"positionEncodings": ["utf-8"]}}})
    s.notify("initialized", {})
    while True:
        m = s.recv()
        if m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "end":
            break
    initial = time.monotonic() - t0
    print(f"initial workspace analysis: {initial:.2f} s ({m['params']['value'].get('message')})")
    print(f"server RSS after it: {s.status('VmRSS')} MiB (peak {s.status('VmHWM')} MiB)")

    with open(os.path.join(root, rel), encoding="utf-8") as f:
        text = f.read()
    t0 = time.monotonic()
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "c",
                                                       "version": 1, "text": text}})
    while True:
        m = s.recv()
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            break
    base = len(m["params"]["diagnostics"])
    print(f"didOpen -> publishDiagnostics: {(time.monotonic() - t0) * 1000:.0f} ms ({base} diagnostics)")

    times = []
    cpu0 = s.cpu_ms()
    for i in range(edits):
        version = i + 2
        new = edited(text) if i % 2 == 0 else text
        want = base + 1 if i % 2 == 0 else base
        t0 = time.monotonic()
        s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                            "contentChanges": [{"text": new}]})
        while True:
            m = s.recv()
            if (m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == uri and m["params"].get("version") == version):
                break
        got = len(m["params"]["diagnostics"])
        if got != want:
            print(f"edit {i}: expected {want} diagnostics, got {got}", file=sys.stderr)
        times.append((time.monotonic() - t0) * 1000)
    cpu = (s.cpu_ms() - cpu0) / edits
    times.sort()
    print(f"didChange -> publishDiagnostics over {edits} edits (an edit after a pause: no debounce): "
          f"min {times[0]:.0f} ms, median {times[len(times) // 2]:.0f} ms, max {times[-1]:.0f} ms; "
          f"server CPU {cpu:.0f} ms per edit (all threads)")
    print(f"server RSS: {s.status('VmRSS')} MiB, peak {s.status('VmHWM')} MiB")
    s.request("shutdown", None)
    s.notify("exit", None)
    s.p.wait(timeout=30)


if __name__ == "__main__":
    main()
