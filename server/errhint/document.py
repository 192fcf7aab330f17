"""A document that stays scanned while it is edited, at a cost independent of its size.

The text is kept as a list of lines, so an edit replaces a slice of the list and
never rebuilds the whole string. After an edit only a band of lines around it is
rescanned: findings that touch the inner band are replaced by what a scan of the
wider outer band finds there; findings elsewhere are kept (shifted by the number
of lines the edit added or removed). The outer margin covers what a single match
can depend on (multi-line signatures, JSON joined across lines), so the result
equals a full rescan of the new text.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from .findings import Finding, scan_text
from .matcher import Matcher
from .text import MAX_JOIN_LINES

INNER_MARGIN = MAX_JOIN_LINES + 2  # lines around an edit whose findings are recomputed
OUTER_MARGIN = 2 * INNER_MARGIN  # lines of context the recomputation scans


@dataclass
class ScanOptions:
    min_confidence: float = 0.0
    ignored: Collection[str] = ()


class LiveDocument:
    """Lines of text plus the findings in them, kept in sync edit by edit."""

    def __init__(self, text: str, matcher: Matcher, options: ScanOptions | None = None, path: str = "-") -> None:
        self.lines: list[str] = text.split("\n")
        self._size = len(text) + 1
        self.matcher = matcher
        self.options = options or ScanOptions()
        self.path = path
        self.findings: list[Finding] = []
        self.rescan_all()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def size(self) -> int:
        """Characters in the document plus one (kept up to date edit by edit, O(1))."""
        return self._size

    def rescan_all(self) -> None:
        self.findings = self._scan_lines(0, len(self.lines) - 1)

    def set_matcher(self, matcher: Matcher, options: ScanOptions | None = None) -> None:
        self.matcher = matcher
        if options is not None:
            self.options = options
        self.rescan_all()

    def replace_text(self, text: str) -> None:
        self.lines = text.split("\n")
        self._size = len(text) + 1
        self.rescan_all()

    def edit(self, start_line: int, start_col: int, end_line: int, end_col: int, new_text: str) -> None:
        """Replace a range (0-based lines, code-point columns) and rescan around it."""
        n = len(self.lines)
        start_line = min(max(start_line, 0), n - 1)
        end_line = min(max(end_line, start_line), n - 1)
        first, last = self.lines[start_line], self.lines[end_line]
        start_col = min(max(start_col, 0), len(first))
        end_col = min(max(end_col, 0), len(last))
        if end_line == start_line:
            end_col = max(end_col, start_col)
        joined = first[:start_col] + new_text + last[end_col:]
        replacement = joined.split("\n")
        removed = sum(len(line) + 1 for line in self.lines[start_line : end_line + 1])
        self._size += len(joined) + 1 - removed
        self.lines[start_line : end_line + 1] = replacement
        delta = len(replacement) - (end_line - start_line + 1)
        self._rescan_band(start_line, end_line, start_line + len(replacement) - 1, delta)

    def _rescan_band(self, first: int, old_last: int, new_last: int, delta: int) -> None:
        inner_lo = first - INNER_MARGIN
        inner_hi_old = old_last + INNER_MARGIN
        kept_before: list[Finding] = []
        kept_after: list[Finding] = []
        for f in self.findings:
            if f.end_line < inner_lo:
                kept_before.append(f)
            elif f.line > inner_hi_old:  # unchanged findings keep their identity when no lines moved
                kept_after.append(replace(f, line=f.line + delta, end_line=f.end_line + delta) if delta else f)
            else:  # touches the inner band: widen it so the replacement can be re-found whole
                inner_lo = min(inner_lo, f.line)
                inner_hi_old = max(inner_hi_old, f.end_line)
        kept_before = [f for f in kept_before if f.end_line < inner_lo]  # the band may have widened
        inner_hi = inner_hi_old + delta
        lo = max(0, inner_lo - (OUTER_MARGIN - INNER_MARGIN))
        hi = min(len(self.lines) - 1, inner_hi + (OUTER_MARGIN - INNER_MARGIN))
        fresh = [f for f in self._scan_lines(lo, hi) if f.end_line >= inner_lo and f.line <= inner_hi]
        self.findings = kept_before + fresh + kept_after

    def _scan_lines(self, lo: int, hi: int) -> list[Finding]:
        if hi < lo:
            return []
        text = "\n".join(self.lines[lo : hi + 1])
        found = scan_text(self.matcher, text, self.path, self.options.min_confidence, self.options.ignored)
        if lo == 0:
            return found
        return [replace(f, line=f.line + lo, end_line=f.end_line + lo) for f in found]

    def finding_at(self, line: int, col: int) -> Finding | None:
        """The finding whose range contains (line, code-point col), if any."""
        for f in self.findings:
            if (f.line, f.column) <= (line, col) <= (f.end_line, f.end_column):
                return f
        return None
