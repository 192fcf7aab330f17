"""A small synchronous JSON-RPC client for the real ``errhint serve`` process.

pytest-lsp drives well-formed sessions; the hardening tests also need to send
malformed frames, lone surrogates and thousands of edits quickly, so they talk
to the server over raw stdio here. A reader thread collects every message.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

SERVER = [sys.executable, "-m", "errhint", "serve"]
SERVER_REQUESTS = (
    "workspace/configuration",
    "client/registerCapability",
    "window/showDocument",
    "workspace/applyEdit",
    "workspace/diagnostic/refresh",
)


def server_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "ERRHINT_USER_KNOWLEDGE": "/nonexistent-errhint-user-pack", "NO_COLOR": "1"}
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "OPENAI_API_KEY"):
        env.pop(name, None)
    env.update(extra)
    return env


def frame(payload: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(payload) + payload


def encode(message: dict[str, Any]) -> bytes:
    # ensure_ascii keeps lone surrogates as \\udXXX escapes, as a JSON client would send them
    return frame(json.dumps(message, ensure_ascii=True).encode("ascii"))


class RpcServer:
    """The server process plus everything it has sent so far."""

    def __init__(self, env: dict[str, str] | None = None, cwd: str | None = None) -> None:
        self.proc = subprocess.Popen(
            SERVER,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env or server_env(),
            cwd=cwd,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self._next_id = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr_chunks: list[bytes] = []
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    # --- transport -------------------------------------------------------------

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value.strip())
            if length is None:
                continue
            body = out.read(length)
            try:
                self.messages.put(json.loads(body))
            except ValueError:
                self.messages.put({"unparseable": body.decode("utf-8", "replace")})

    def _drain_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for chunk in iter(lambda: err.read(4096), b""):
            self.stderr_chunks.append(chunk)

    def send_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send_raw(encode({"jsonrpc": "2.0", "method": method, "params": params}))

    def send_request(self, method: str, params: Any) -> int:
        self._next_id += 1
        self.send_raw(encode({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params}))
        return self._next_id

    # --- waiting -----------------------------------------------------------------

    def wait_for(self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(self._timeout_message())
            try:
                msg = self.messages.get(timeout=remaining)
            except queue.Empty:
                raise TimeoutError(self._timeout_message()) from None
            self.seen.append(msg)
            if "id" in msg and msg.get("method") in SERVER_REQUESTS:  # answer, so the server never waits on us
                self.send_raw(encode({"jsonrpc": "2.0", "id": msg["id"], "result": None}))
            if predicate(msg):
                return msg

    def _timeout_message(self) -> str:
        """Say what the server last wrote on stderr: a crash is then visible in the failure."""
        tail = b"".join(self.stderr_chunks)[-2000:].decode("utf-8", "replace")
        return f"no matching message from the server; its stderr ends with:\n{tail}"

    def request(self, method: str, params: Any, timeout: float = 20) -> dict[str, Any]:
        rid = self.send_request(method, params)
        return self.wait_for(lambda m: m.get("id") == rid and "method" not in m, timeout)

    def initialize(self, root_uri: str | None = None, **options: Any) -> dict[str, Any]:
        opts = {"diagnosticMode": "push", "debounceMs": 0, **options}
        caps = {"general": {"positionEncodings": ["utf-16"]}, "window": {"showDocument": {"support": True}}}
        result = self.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": root_uri, "capabilities": caps, "initializationOptions": opts},
            timeout=60,
        )
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, language: str = "log", version: int = 1) -> None:
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}},
        )

    def change(self, uri: str, version: int, sl: int, sc: int, el: int, ec: int, text: str) -> None:
        """One incremental didChange replacing (sl, sc)-(el, ec) with text."""
        rng = {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}}
        self.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": rng, "text": text}]},
        )

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 30) -> list[dict[str, Any]]:
        """The next publishDiagnostics for uri (at this version, when given)."""

        def ok(m: dict[str, Any]) -> bool:
            if m.get("method") != "textDocument/publishDiagnostics" or m["params"]["uri"] != uri:
                return False
            return version is None or m["params"].get("version") == version

        return self.wait_for(ok, timeout)["params"]["diagnostics"]

    def drain(self, quiet: float = 0.2) -> None:
        """Read whatever the server has sent until it is quiet for a moment."""
        while True:
            try:
                self.seen.append(self.messages.get(timeout=quiet))
            except queue.Empty:
                return

    def logs(self) -> list[str]:
        self.drain()
        return [m["params"]["message"] for m in self.seen if m.get("method") == "window/logMessage"]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self, timeout: float = 10) -> int | None:
        if self.proc.poll() is None:
            try:
                self.request("shutdown", None, timeout=timeout)
                self.notify("exit", None)
            except (TimeoutError, OSError, ValueError):
                pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()

    def __enter__(self) -> RpcServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
