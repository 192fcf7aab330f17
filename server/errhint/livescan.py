"""Scan a running command's output while it runs, so little is left when it exits.

The pumps that copy the command's output hand every piece here; a background
thread feeds one ``StreamScanner`` per stream as soon as the catalog is loaded.
Memory is bounded: when the scanner falls behind by more than ``limit`` bytes,
the oldest unscanned pieces are dropped (the tail, where errors usually are,
is kept) and the drop is counted.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from .findings import Finding, StreamScanner
from .matcher import Matcher

LIMIT = 64 * 1024 * 1024
CHUNK = 1024 * 1024  # small chunks: little is left to scan when the command exits


class _StreamWriter:
    def __init__(self, scan: LiveScan, name: str) -> None:
        self._scan = scan
        self._name = name

    def write(self, data: bytes) -> None:
        self._scan.put(self._name, data)


class LiveScan:
    def __init__(self, get_matcher: Callable[[], Matcher], min_confidence: float = 0.0, limit: int = LIMIT) -> None:
        self._get_matcher = get_matcher
        self._min_confidence = min_confidence
        self._limit = limit
        self._chunks: deque[tuple[str, bytes]] = deque()
        self._size = 0
        self._closed = False
        self._cond = threading.Condition()
        self._findings: list[Finding] = []
        self.dropped = 0
        self._thread = threading.Thread(target=self._work, name="errhint-live-scan", daemon=True)
        self._thread.start()

    def writer(self, name: str) -> _StreamWriter:
        return _StreamWriter(self, name)

    def put(self, name: str, data: bytes) -> None:
        with self._cond:
            self._chunks.append((name, data))
            self._size += len(data)
            while self._size > self._limit and len(self._chunks) > 1:
                _, old = self._chunks.popleft()
                self._size -= len(old)
                self.dropped += len(old)
            self._cond.notify()

    def _work(self) -> None:
        matcher = self._get_matcher()
        scanners: dict[str, StreamScanner] = {}
        while True:
            with self._cond:
                while not self._chunks and not self._closed:
                    self._cond.wait()
                if not self._chunks:
                    break
                name, data = self._chunks.popleft()
                self._size -= len(data)
            scanner = scanners.get(name)
            if scanner is None:
                scanner = scanners[name] = StreamScanner(matcher, name, self._min_confidence, chunk_bytes=CHUNK)
            scanner.feed(data)
        self._findings = [f for s in scanners.values() for f in s.finish()]

    def close(self) -> list[Finding]:
        """Wait for the scan of everything received so far; return the findings."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join()
        return self._findings
