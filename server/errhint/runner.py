"""Run a command with its output streamed live and unchanged, keeping a bounded copy.

stdout and stderr stay separate streams (a pipeline after ``errhint run`` sees
exactly what it would have seen), each copied in its own thread with raw
``os.read``/``os.write`` so nothing is re-encoded or line-buffered.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import deque

CAPTURE_LIMIT = 64 * 1024 * 1024  # bytes kept per stream (the tail, where errors are)
READ_SIZE = 1 << 16


class TailBuffer:
    """The last ``limit`` bytes written to it."""

    def __init__(self, limit: int = CAPTURE_LIMIT) -> None:
        self.limit = limit
        self._chunks: deque[bytes] = deque()
        self._size = 0
        self.dropped = 0

    def write(self, data: bytes) -> None:
        self._chunks.append(data)
        self._size += len(data)
        while self._size - len(self._chunks[0]) >= self.limit:
            old = self._chunks.popleft()
            self._size -= len(old)
            self.dropped += len(old)

    def getvalue(self) -> bytes:
        data = b"".join(self._chunks)
        if len(data) > self.limit:
            cut = data.find(b"\n", len(data) - self.limit)
            data = data[cut + 1 :] if cut >= 0 else data[-self.limit :]
        return data


def _pump(src: int, dst: int, buffer) -> None:
    while True:
        try:
            data = os.read(src, READ_SIZE)
        except OSError:
            break
        if not data:
            break
        view = memoryview(data)
        while view:
            try:
                written = os.write(dst, view)
            except BrokenPipeError:
                written = len(view)  # our reader went away; keep capturing
            view = view[written:]
        buffer.write(data)
    os.close(src)


def run_and_capture(cmd: list[str], limit: int = CAPTURE_LIMIT, sink=None) -> tuple[int, list[tuple[str, bytes]]]:
    """Run cmd; return its exit code and the captured (stream name, bytes) pairs.

    With ``sink`` (an object whose ``writer(name)`` has ``write(bytes)``), output goes
    there as it arrives instead of into tail buffers, and no bytes are returned.
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    if sink is not None:
        buffers = {"stdout": sink.writer("stdout"), "stderr": sink.writer("stderr")}
    else:
        buffers = {"stdout": TailBuffer(limit), "stderr": TailBuffer(limit)}
    threads = [
        threading.Thread(target=_pump, args=(os.dup(proc.stdout.fileno()), sys.stdout.fileno(), buffers["stdout"])),
        threading.Thread(target=_pump, args=(os.dup(proc.stderr.fileno()), sys.stderr.fileno(), buffers["stderr"])),
    ]
    proc.stdout.close()
    proc.stderr.close()
    for t in threads:
        t.start()
    try:
        code = proc.wait()
    except KeyboardInterrupt:
        proc.wait()
        raise
    for t in threads:
        t.join()
    if sink is not None:
        return code, []
    return code, [(name, buf.getvalue()) for name, buf in buffers.items()]
