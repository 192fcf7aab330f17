"""Matches placed in a document: lines and columns, filtered by the user's settings.

Both front ends (CLI and language server) turn matches into findings here, so
filtering by confidence or ignored ids and line/column arithmetic exist once.
Columns are code points; the LSP layer converts to UTF-16 at its boundary.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from .matcher import Match, Matcher
from .text import LineIndex

BINARY_SNIFF = 8192


@dataclass(frozen=True)
class Finding:
    match: Match
    path: str
    line: int  # 0-based
    column: int  # 0-based, code points
    end_line: int
    end_column: int

    @property
    def entry(self):
        return self.match.entry


def locate(text: str, matches: list[Match], path: str = "-") -> list[Finding]:
    index = LineIndex(text)
    out = []
    for m in matches:
        line, col = index.position(m.start)
        end_line, end_col = index.position(m.end)
        out.append(Finding(m, path, line, col, end_line, end_col))
    return out


# Below this a buffer is decoded and scanned whole; above it the probe picks regions.
PROBE_MIN_BYTES = 64 * 1024


def scan_text(
    matcher: Matcher,
    text: str,
    path: str = "-",
    min_confidence: float = 0.0,
    ignored: Collection[str] = (),
) -> list[Finding]:
    """Findings in text. Large text goes through the byte probe (``scan_bytes``), which gives
    the same findings; text that is not valid Unicode (lone surrogates) is scanned whole."""
    if len(text) >= PROBE_MIN_BYTES:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            pass
        else:
            return scan_bytes(matcher, data, path, min_confidence, ignored)
    return scan_whole_text(matcher, text, path, min_confidence, ignored)


def scan_whole_text(
    matcher: Matcher, text: str, path: str = "-", min_confidence: float = 0.0, ignored: Collection[str] = ()
) -> list[Finding]:
    """The exact scan of all of ``text`` (no probe): what the probe's findings must equal."""
    matches = [m for m in matcher.scan(text) if m.confidence >= min_confidence and m.entry.id not in ignored]
    return locate(text, matches, path)


def scan_bytes(
    matcher: Matcher,
    data: bytes,
    path: str = "-",
    min_confidence: float = 0.0,
    ignored: Collection[str] = (),
) -> list[Finding]:
    """Findings in UTF-8 bytes. A large buffer is probed first and only the regions that can
    hold an error are decoded and scanned; the findings are those of scanning it whole.
    (Each match's ``start``/``end`` are offsets into the region it was found in.)"""
    regions = matcher.regions(data) if len(data) >= PROBE_MIN_BYTES else None
    if regions is None:
        return scan_whole_text(matcher, decode(data), path, min_confidence, ignored)
    out: list[Finding] = []
    line, counted = 0, 0
    for start, end in regions:
        line += data.count(b"\n", counted, start)
        counted = start
        for f in scan_whole_text(matcher, decode(data[start:end]), path, min_confidence, ignored):
            out.append(Finding(f.match, path, line + f.line, f.column, line + f.end_line, f.end_column))
    return out


def looks_binary(data: bytes) -> bool:
    """NUL bytes in the first few kilobytes mean this is not a text log."""
    return b"\x00" in data[:BINARY_SNIFF]


def decode(data: bytes) -> str:
    """Decode as UTF-8, replacing invalid bytes so offsets stay meaningful."""
    return data.decode("utf-8", errors="replace")


# 8 MB chunks: measured on a 100 MB log, faster than 32 MB (the working set stays in cache)
# and peak RSS drops from ~540 MB to ~200 MB; 2 MB is marginally faster still but
# cuts the text more often.
CHUNK_BYTES = 8 * 1024 * 1024
# Context carried between chunks: covers the longest JSON join (40 lines) and
# multi-line signatures, so a match near a cut is found whole in the next chunk.
CARRY_LINES = 64
# ... but never more than this many bytes: a line with no end in sight (a 200 MB line) is
# carried as its last stretch only, which still holds any match that crosses the cut
# (regexes see at most ``matcher.WINDOW`` characters either side of an anchor).
CARRY_MAX_BYTES = 256 * 1024


class StreamScanner:
    """Scan bytes as they arrive, in bounded chunks cut at line ends (memory stays flat).

    ``feed`` may be called with pieces of any size; ``finish`` scans what is left and
    returns every finding. A few lines are carried between chunks so multi-line
    signatures and JSON wrapped across lines are still seen whole.
    """

    def __init__(
        self,
        matcher: Matcher,
        path: str = "-",
        min_confidence: float = 0.0,
        ignored: Collection[str] = (),
        chunk_bytes: int = CHUNK_BYTES,
    ) -> None:
        self.matcher = matcher
        self.path = path
        self.min_confidence = min_confidence
        self.ignored = ignored
        self.chunk_bytes = chunk_bytes
        self.findings: list[Finding] = []
        self._seen: set[tuple[int, int, str]] = set()
        self._carry = b""
        self._carry_line = 0  # absolute line number of the first line in the carry
        self._carry_column = 0  # characters of that line before the carry (it may start mid-line)
        self._pending: list[bytes] = []
        self._pending_size = 0

    def feed(self, data: bytes) -> None:
        if not data:
            return
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size < self.chunk_bytes:
            return
        joined = b"".join(self._pending)
        cut = joined.rfind(b"\n")
        if cut < 0 and len(joined) < 4 * self.chunk_bytes:
            self._pending = [joined]
            return
        if cut < 0:  # one very long line: cut it, at a character boundary
            cut = _char_boundary(joined, len(joined) - self.chunk_bytes) - 1
        rest = joined[cut + 1 :]
        self._pending, self._pending_size = ([rest] if rest else []), len(rest)
        self._scan(joined[: cut + 1])

    def finish(self) -> list[Finding]:
        data = b"".join(self._pending)
        self._pending, self._pending_size = [], 0
        if data:
            self._scan(data)
        return self.findings

    def _scan(self, data: bytes) -> None:
        text = self._carry + data
        base, shift = self._carry_line, self._carry_column  # shift: columns on the text's first line
        for f in scan_bytes(self.matcher, text, self.path, self.min_confidence, self.ignored):
            column = f.column + (shift if f.line == 0 else 0)
            key = (base + f.line, column, f.entry.id)
            if key in self._seen:
                continue
            self._seen.add(key)
            end_column = f.end_column + (shift if f.end_line == 0 else 0)
            self.findings.append(Finding(f.match, self.path, base + f.line, column, base + f.end_line, end_column))
        cut = _tail_start(text, CARRY_LINES + 1)
        if len(text) - cut > CARRY_MAX_BYTES:
            cut = _char_boundary(text, len(text) - CARRY_MAX_BYTES)
        line_start = text.rfind(b"\n", 0, cut) + 1
        before = decode(text[line_start:cut])  # the carried line's characters left behind
        self._carry_column = len(before) + (shift if line_start == 0 else 0)
        self._carry_line += text.count(b"\n", 0, cut)
        self._carry = text[cut:]


def scan_stream(
    matcher: Matcher,
    stream,
    path: str = "-",
    min_confidence: float = 0.0,
    ignored: Collection[str] = (),
    chunk_bytes: int = CHUNK_BYTES,
) -> list[Finding]:
    """Scan a binary stream in bounded chunks cut at line ends (memory stays flat)."""
    scanner = StreamScanner(matcher, path, min_confidence, ignored, chunk_bytes)
    while True:
        block = stream.read(chunk_bytes)
        if not block:
            return scanner.finish()
        scanner.feed(block)


def _tail_start(text: bytes, keep: int) -> int:
    """Where the last ``keep`` lines of text (split on newlines) start."""
    cut = len(text)
    for _ in range(keep):
        cut = text.rfind(b"\n", 0, cut)
        if cut < 0:
            return 0
    return cut + 1


def _char_boundary(data: bytes, pos: int) -> int:
    """``pos`` moved forward past UTF-8 continuation bytes (so no character is split there)."""
    pos = max(pos, 0)
    while pos < len(data) and 0x80 <= data[pos] <= 0xBF:
        pos += 1
    return pos
