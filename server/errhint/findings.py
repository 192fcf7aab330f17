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


def scan_text(
    matcher: Matcher,
    text: str,
    path: str = "-",
    min_confidence: float = 0.0,
    ignored: Collection[str] = (),
) -> list[Finding]:
    matches = [m for m in matcher.scan(text) if m.confidence >= min_confidence and m.entry.id not in ignored]
    return locate(text, matches, path)


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


def scan_stream(
    matcher: Matcher,
    stream,
    path: str = "-",
    min_confidence: float = 0.0,
    ignored: Collection[str] = (),
    chunk_bytes: int = CHUNK_BYTES,
) -> list[Finding]:
    """Scan a binary stream in bounded chunks cut at line ends (memory stays flat)."""
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    carry = ""
    carry_line = 0  # absolute line number of the first line in ``carry``
    pending = b""
    while True:
        block = stream.read(chunk_bytes)
        data = pending + (block or b"")
        if block:
            cut = data.rfind(b"\n")
            if cut < 0 and len(data) < 4 * chunk_bytes:
                pending = data
                continue
            cut = len(data) - 1 if cut < 0 else cut
            pending, data = data[cut + 1 :], data[: cut + 1]
        elif not data:
            break
        else:
            pending = b""
        text = carry + decode(data)
        for f in scan_text(matcher, text, path, min_confidence, ignored):
            key = (carry_line + f.line, f.column, f.entry.id)
            if key in seen:
                continue
            seen.add(key)
            findings.append(
                Finding(f.match, path, carry_line + f.line, f.column, carry_line + f.end_line, f.end_column)
            )
        carry, dropped = _tail_lines(text, CARRY_LINES + 1)
        carry_line += dropped
        if not block:
            break
    return findings


def _tail_lines(text: str, keep: int) -> tuple[str, int]:
    """The last ``keep`` lines of text (split on newlines) and how many lines came before them."""
    cut = len(text)
    for _ in range(keep):
        cut = text.rfind("\n", 0, cut)
        if cut < 0:
            return text, 0
    return text[cut + 1 :], text.count("\n", 0, cut + 1)
