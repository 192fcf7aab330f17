"""Language-server benchmarks: start-up, first diagnostics, republish after an edit.

End to end, a minimal JSON-RPC client drives the real ``errhint serve`` over
stdio. Server side, the same work (``LiveDocument.edit`` plus conversion to LSP
diagnostics) is timed inside this process, without the transport.
"""

from __future__ import annotations

import json
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))


SERVER_REQUESTS = ("workspace/configuration", "client/registerCapability", "window/workDoneProgress/create")


class Client:
    """Just enough LSP client: send requests/notifications, wait for a message."""

    def __init__(self, cmd: list[str], stderr=subprocess.DEVNULL) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr)
        self.inbox: queue.Queue = queue.Queue()
        self._id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = out.read(length)
            self.inbox.put((time.perf_counter(), json.loads(body)))

    def send(self, method: str, params: dict, request: bool = False) -> int | None:
        msg: dict = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self._id += 1
            msg["id"] = self._id
        data = json.dumps(msg).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()
        return msg.get("id")

    def wait(self, predicate, timeout: float = 120.0) -> tuple[float, dict]:
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError("no matching message from the server")
            try:
                at, msg = self.inbox.get(timeout=left)
            except queue.Empty:
                raise TimeoutError("no matching message from the server") from None
            if msg.get("method") in SERVER_REQUESTS:
                self._reply(msg)
                continue
            if predicate(msg):
                return at, msg

    def _reply(self, msg: dict) -> None:
        if "id" not in msg:
            return
        result = [{}] * len(msg["params"].get("items", [])) if msg["method"] == "workspace/configuration" else None
        data = json.dumps({"jsonrpc": "2.0", "id": msg["id"], "result": result}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()

    def initialize(self) -> float:
        """Seconds from process start to the initialize reply."""
        rid = self.send(
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": {"general": {"positionEncodings": ["utf-16"]}},
                "initializationOptions": {"debounceMs": 0},
            },
            request=True,
        )
        at, _ = self.wait(lambda m: m.get("id") == rid)
        self.send("initialized", {})
        return at - self.started

    def close(self) -> None:
        try:
            rid = self.send("shutdown", {}, request=True)
            self.wait(lambda m: m.get("id") == rid, timeout=10)
            self.send("exit", {})
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


def document(lines: int, examples: list[str], every: int = 250) -> str:
    from synth import NOISE

    out = []
    for i in range(lines):
        if examples and i % every == every // 2:
            out.append(examples[(i // every) % len(examples)])
        else:
            out.append(NOISE[i % len(NOISE)].format(ts="2026-11-25T12:00:00Z", n=i))
    return "\n".join(out)


def serve_cmd() -> list[str]:
    return [sys.executable, "-m", "errhint", "serve"]


def is_publish(uri: str, version: int | None = None):
    def pred(m: dict) -> bool:
        if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
            return False
        return version is None or m["params"].get("version") == version

    return pred


def startup(repeat: int) -> tuple[float, float]:
    """(median seconds to the initialize reply, median seconds for `import pygls.lsp.server`)."""
    serve, floor = [], []
    for _ in range(repeat):
        c = Client(serve_cmd())
        serve.append(c.initialize())
        c.close()
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import pygls.lsp.server"], check=True)
        floor.append(time.perf_counter() - t)
    return statistics.median(serve), statistics.median(floor)


def end_to_end(sizes: list[int], examples: list[str], edits: int, stderr=subprocess.DEVNULL) -> dict[str, float]:
    """Seconds to first diagnostics and median republish after a one-line edit, per document size."""
    out: dict[str, float] = {}
    c = Client(serve_cmd(), stderr=stderr)
    try:
        c.initialize()
        for n in sizes:
            uri = f"file:///bench/doc-{n}.log"
            text = document(n, examples)
            t = time.perf_counter()
            doc = {"uri": uri, "languageId": "log", "version": 1, "text": text}
            c.send("textDocument/didOpen", {"textDocument": doc})
            at, msg = c.wait(is_publish(uri, 1))
            out[f"open {n}"] = at - t
            out[f"open {n} diagnostics"] = len(msg["params"]["diagnostics"])
            times = []
            line = n // 2
            for v in range(2, edits + 2):
                change = {
                    "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                    "text": "x" if v % 2 else "",
                }
                if v % 2 == 0:
                    change = {
                        "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}},
                        "text": "y",
                    }
                else:
                    change = {
                        "range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}},
                        "text": "",
                    }
                t = time.perf_counter()
                c.send(
                    "textDocument/didChange",
                    {"textDocument": {"uri": uri, "version": v}, "contentChanges": [change]},
                )
                at, _ = c.wait(is_publish(uri, v))
                times.append(at - t)
            out[f"edit {n}"] = statistics.median(times)
            c.send("textDocument/didClose", {"textDocument": {"uri": uri}})
    finally:
        c.close()
    return out


def server_side(sizes: list[int], examples: list[str], edits: int) -> dict[str, float]:
    """Median seconds, in process, of what the server does per edit before writing to the pipe:
    ``LiveDocument.edit``, the diagnostics as JSON values and the encoded publish message."""
    from pygls.protocol import default_converter

    from errhint.document import LiveDocument
    from errhint.engine import Engine
    from errhint.lsp import convert

    unstructure = default_converter().unstructure
    matcher = Engine.load().matcher
    out: dict[str, float] = {}
    for n in sizes:
        doc = LiveDocument(document(n, examples), matcher)
        line = n // 2
        times, rescans = [], []
        for v in range(edits):
            t = time.perf_counter()
            if v % 2 == 0:
                doc.edit(line, 0, line, 0, "y")
            else:
                doc.edit(line, 0, line, 1, "")
            t_edit = time.perf_counter()
            params = {"uri": "file:///doc.log", "version": v, "diagnostics": []}
            params["diagnostics"] = convert.diagnostics_json(doc, "utf-16", 1000, unstructure)
            json.dumps({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params})
            times.append(time.perf_counter() - t)
            rescans.append(t_edit - t)
        out[f"edit {n}"] = statistics.median(times)
        out[f"rescan {n}"] = statistics.median(rescans)
        out[f"findings {n}"] = len(doc.findings)
    return out


if __name__ == "__main__":  # pragma: no cover - manual use
    sys.path.insert(0, str(Path(__file__).parent))
    from synth import bundled_catalog, single_line_examples

    ex = single_line_examples(bundled_catalog())
    print(startup(3))
    print(end_to_end([1000, 10000], ex, 5))
    print(server_side([1000, 10000, 100000], ex, 21))
