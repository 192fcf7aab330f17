"""Normalise terminal output for matching while keeping offsets into the original.

Terminal text is noisy: colour escapes split words, progress bars overwrite a
line with carriage returns, Windows output ends lines with CRLF, and a long JSON
error is hard-wrapped at the terminal width or pretty-printed across lines.
Signatures are written against clean text, so we clean it, but every match must
still point at the exact characters of the original: the normalised text is
described as a list of edits on the original, and ``to_original`` maps back.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, chain, repeat

from .lazyre import LazyPattern

# CSI (colours, cursor moves), OSC (titles, hyperlinks, shell integration marks,
# terminated by BEL or ST), and the remaining two-character escapes.
ESCAPE = r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]"
_ESCAPES = re.compile(ESCAPE)
_CR = re.compile(r"\r")
# A line that leaves a JSON-ish brace open at its end.
_OPEN_BRACE = re.compile(r"\{[^{}\n]*\n")
_PAST_END = sys.maxsize
_LEADING_WS = re.compile(r"[ \t]*")
MAX_JOIN_LINES = 40
_MAX_JOIN_CHARS = 8192

# Log prefixes that carry no meaning for a signature: ISO timestamps, bracketed
# clock times, syslog-style dates, CI step prefixes.
LOG_PREFIX = LazyPattern(  # only fuzzy signatures need it
    r"(?:\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?\s*"
    r"|\[\s*\d\d:\d\d:\d\d(?:[.,]\d+)?\s*\]\s*"
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\s+"
    r"|##\[(?:error|warning)\]\s*"
    r"|(?:ERROR|WARN(?:ING)?|INFO|DEBUG|FATAL)[:\s]\s*)+"
)


@dataclass
class Normalized:
    """Clean text plus the edits that produced it from the original."""

    text: str
    # Parallel arrays, one item per edit, sorted by position:
    # normalised start, original start, original end, replacement length.
    _norm_starts: list[int] = field(default_factory=list)
    _orig_starts: list[int] = field(default_factory=list)
    _orig_ends: list[int] = field(default_factory=list)
    _repl_lens: list[int] = field(default_factory=list)

    @property
    def is_identity(self) -> bool:
        return not self._norm_starts

    def to_original(self, pos: int) -> int:
        """Map a normalised offset to the original (start-of-span semantics)."""
        i = bisect_right(self._norm_starts, pos) - 1
        if i < 0:
            return pos
        ns, os_, oe, rl = (
            self._norm_starts[i],
            self._orig_starts[i],
            self._orig_ends[i],
            self._repl_lens[i],
        )
        if pos < ns + rl:
            return os_ + min(pos - ns, max(oe - os_ - 1, 0))
        return oe + (pos - ns - rl)

    def to_original_end(self, pos: int) -> int:
        """Map an exclusive end offset, staying left of any removed text."""
        if pos <= 0:
            return 0
        return self.to_original(pos - 1) + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_original(start), self.to_original_end(end)


def _brace_balance(segment: str) -> int:
    return segment.count("{") - segment.count("}")


def _json_join_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits that join a JSON object wrapped or pretty-printed across lines.

    A hard wrap at the terminal width splits anywhere (even inside a word), so
    the newline is simply removed; a pretty-printed continuation starts with
    indentation, so the newline and indentation become one space.
    """
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for m in _OPEN_BRACE.finditer(text):
        if m.start() < pos:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        balance = _brace_balance(text[line_start : m.end()])
        if balance <= 0:
            continue
        newline = m.end() - 1
        joined = 0
        limit = newline + _MAX_JOIN_CHARS
        pending: list[tuple[int, int, str]] = []
        while balance > 0 and joined < MAX_JOIN_LINES and newline < limit:
            nxt = newline + 1
            if nxt >= len(text) or text[nxt] == "\n":
                break
            ws_end = _LEADING_WS.match(text, nxt).end()
            line_end = text.find("\n", ws_end)
            if line_end < 0:
                line_end = len(text)
            pending.append((newline, ws_end, " " if ws_end > nxt else ""))
            balance += _brace_balance(text[ws_end:line_end])
            joined += 1
            newline = line_end
            if newline >= len(text):
                break
        if balance <= 0 and pending:
            edits.extend(pending)
            pos = newline
    return edits


def normalize(raw: str) -> Normalized:
    """Strip escapes, overwritten progress text, CRs and wrapped-JSON newlines."""
    edits: list[tuple[int, int, str]] = []
    if "\x1b" in raw:
        edits = [(m.start(), m.end(), "") for m in _ESCAPES.finditer(raw)]
    if "\r" in raw:
        edits = sorted(edits + _carriage_return_edits(raw))
    if edits:
        first = _apply_sorted(raw, edits)
        joins = _json_join_edits(first.text) if "{" in first.text else []
        if not joins:
            return first
        # Express the joins in original coordinates so a single edit list remains.
        merged = list(zip(first._orig_starts, first._orig_ends, repeat("", len(first._orig_starts)), strict=True))
        for s, e, r in joins:
            merged.append((first.to_original(s), first.to_original_end(e), r))
        return _apply_sorted(raw, sorted(merged))
    joins = _json_join_edits(raw) if "{" in raw else []
    if not joins:
        return Normalized(raw)
    return _apply(raw, joins)


def _apply_sorted(raw: str, edits: list[tuple[int, int, str]]) -> Normalized:
    """``_apply(raw, _drop_nested(edits))`` for sorted edits, in one pass (hundreds of thousands of
    colour escapes per chunk make the per-edit work the cost of normalising)."""
    parts: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    orig_ends: list[int] = []
    repl_lens: list[int] = []
    add_part, add_ns, add_os, add_oe, add_rl = (
        parts.append,
        norm_starts.append,
        orig_starts.append,
        orig_ends.append,
        repl_lens.append,
    )
    last = 0
    shift = 0
    ps, pe, pr = -1, -1, ""  # the pending edit: kept unless a wider overlapping one replaces it
    # A sentinel edit past the end flushes the last real one and is itself never flushed.
    for s, e, r in chain(edits, ((_PAST_END, _PAST_END, ""),)):
        if s < pe:
            if e - s > pe - ps:
                ps, pe, pr = s, e, r
            continue
        if pe >= 0:
            add_part(raw[last:ps])
            if pr:
                add_part(pr)
            add_ns(ps - shift)
            add_os(ps)
            add_oe(pe)
            add_rl(len(pr))
            shift += pe - ps - len(pr)
            last = pe
        ps, pe, pr = s, e, r
    add_part(raw[last:])
    return Normalized("".join(parts), norm_starts, orig_starts, orig_ends, repl_lens)


def _carriage_return_edits(raw: str) -> list[tuple[int, int, str]]:
    """Remove the CR of CRLF, and text a lone CR overwrote (progress bars keep their last frame)."""
    edits: list[tuple[int, int, str]] = []
    n = len(raw)
    line_start = 0  # start of the line holding ``searched`` (found incrementally: linear in the text)
    searched = 0
    for m in _CR.finditer(raw):
        pos = m.start()
        nxt = raw[pos + 1] if pos + 1 < n else "\n"
        if nxt == "\n":
            edits.append((pos, pos + 1, ""))
            continue
        if nxt == "\r":
            continue  # the next CR decides
        newline = raw.rfind("\n", searched, pos)
        if newline >= 0:
            line_start = newline + 1
        searched = pos
        start = line_start
        if edits and edits[-1][1] > start:  # extend the overwrite already removed on this line
            start = edits[-1][0] if edits[-1][0] >= start else start
            if edits[-1][0] >= line_start:
                edits.pop()
        edits.append((start, pos + 1, ""))
    return edits


def _drop_nested(edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Keep edits disjoint: an edit inside a wider one (an escape inside a join) goes."""
    kept: list[tuple[int, int, str]] = []
    for s, e, r in edits:
        if kept and s < kept[-1][1]:
            if e - s > kept[-1][1] - kept[-1][0]:
                kept[-1] = (s, e, r)
            continue
        kept.append((s, e, r))
    return kept


def cleaned_arrays(edits: list[tuple[int, int, str]]) -> tuple[list[int], ...]:
    norm_starts, orig_starts, orig_ends, repl_lens = [], [], [], []
    shift = 0
    for s, e, r in edits:
        norm_starts.append(s - shift)
        orig_starts.append(s)
        orig_ends.append(e)
        repl_lens.append(len(r))
        shift += (e - s) - len(r)
    return norm_starts, orig_starts, orig_ends, repl_lens


def _apply(raw: str, edits: list[tuple[int, int, str]]) -> Normalized:
    parts: list[str] = []
    last = 0
    for s, e, r in edits:
        parts.append(raw[last:s])
        parts.append(r)
        last = e
    parts.append(raw[last:])
    return Normalized("".join(parts), *cleaned_arrays(edits))


def strip_log_prefix(line: str) -> int:
    """Length of a leading timestamp / log-level prefix (0 when there is none)."""
    m = LOG_PREFIX.match(line)
    return m.end() if m else 0


class LineIndex:
    """Offset -> (line, column) lookups over one text.

    Lookups in ascending order (how findings are located) walk forward with
    C-speed ``str.count``; only a lookup that goes backwards builds the full
    table of line starts.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._cursor = 0  # offset up to which newlines have been counted
        self._cursor_line = 0

    def _line_starts(self) -> list[int]:
        if self._starts is None:
            starts = [0]
            starts.extend(accumulate(len(line) + 1 for line in self._text.split("\n")))
            starts.pop()
            self._starts = starts
        return self._starts

    def position(self, offset: int) -> tuple[int, int]:
        """0-based line and column (in code points) of an offset."""
        if self._starts is None and offset >= self._cursor:
            text = self._text
            self._cursor_line += text.count("\n", self._cursor, offset)
            self._cursor = offset
            return self._cursor_line, offset - (text.rfind("\n", 0, offset) + 1)
        starts = self._line_starts()
        line = bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    def line_start(self, line: int) -> int:
        starts = self._line_starts()
        return starts[min(max(line, 0), len(starts) - 1)]

    @property
    def line_count(self) -> int:
        if self._starts is None:
            return self._text.count("\n") + 1
        return len(self._starts)
