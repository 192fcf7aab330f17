"""Find known errors in text: one pass for every entry at once.

Every signature has literal anchors (derived from its pattern). One multi-string
search (Aho-Corasick) over the lower-cased text finds the lines that contain any
anchor; only those lines are handed to the signatures whose anchors they hold.
The cost therefore grows with the text and the number of candidate lines, not
with the number of entries. Regexes only ever see a bounded window, so a single
200 MB line costs a search around each anchor hit, not a scan of the line.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Entry
from .patterns import CompiledSignature, PatternError
from .text import Normalized, normalize, strip_log_prefix

try:
    import ahocorasick as _ahocorasick  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - bare interpreter
    _ahocorasick = None

WINDOW = 4096  # characters either side of an anchor hit on an over-long line
MAX_HITS_PER_LINE = 8


@dataclass(frozen=True)
class Match:
    """One recognised error: which entry, where in the original text, how sure."""

    entry: Entry
    start: int
    end: int
    confidence: float
    text: str
    captures: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    signature: int = 0


@dataclass(frozen=True)
class CompileProblem:
    entry: Entry
    signature: int
    message: str


class AnchorIndex:
    """All anchors of all signatures in one multi-string search structure."""

    def __init__(self, anchors: Iterable[str]) -> None:
        self.anchors = sorted(set(anchors))
        self._automaton = None
        if _ahocorasick is not None and self.anchors:
            automaton = _ahocorasick.Automaton()
            for a in self.anchors:
                automaton.add_word(a, a)
            automaton.make_automaton()
            self._automaton = automaton

    @property
    def accelerated(self) -> bool:
        return self._automaton is not None

    def hits(self, lowered: str) -> list[tuple[int, str]]:
        """(start offset, anchor) of every anchor occurrence, in ascending order."""
        if not self.anchors:
            return []
        if self._automaton is not None:
            return [(end - len(a) + 1, a) for end, a in self._automaton.iter(lowered)]
        return self.hits_pure_python(lowered)

    def hits_pure_python(self, lowered: str) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        for a in self.anchors:
            find = lowered.find
            i = find(a)
            while i >= 0:
                out.append((i, a))
                i = find(a, i + 1)
        out.sort()
        return out


class Matcher:
    """A compiled catalog: ``scan(text)`` returns the resolved matches."""

    def __init__(self, entries: Iterable[Entry], pure_python: bool = False, eager: bool = True) -> None:
        self.entries: list[Entry] = []
        self.problems: list[CompileProblem] = []
        self._sigs: list[tuple[Entry, int, CompiledSignature]] = []
        by_anchor: dict[str, list[int]] = {}
        for entry in entries:
            usable = False
            for i, sig in enumerate(entry.signatures):
                try:
                    compiled = CompiledSignature(sig, entry.trusted, eager=eager)
                except PatternError as exc:
                    self.problems.append(CompileProblem(entry, i, str(exc)))
                    continue
                if not compiled.anchors:
                    self.problems.append(
                        CompileProblem(
                            entry,
                            i,
                            "signature has no literal text of 3+ characters to anchor on; "
                            "add `anchors:` with words every match contains",
                        )
                    )
                    continue
                ref = len(self._sigs)
                self._sigs.append((entry, i, compiled))
                for a in compiled.anchors:
                    by_anchor.setdefault(a, []).append(ref)
                usable = True
            if usable:
                self.entries.append(entry)
        self._by_anchor = {a: tuple(refs) for a, refs in by_anchor.items()}
        self.index = AnchorIndex(self._by_anchor)
        if pure_python:
            self.index._automaton = None

    def scan(self, raw: str, normalized: Normalized | None = None) -> list[Match]:
        """All matches in ``raw``, overlaps resolved to the most specific entry."""
        norm = normalized if normalized is not None else normalize(raw)
        return self._resolve(self._raw_hits(norm, raw))

    def _raw_hits(self, norm: Normalized, raw: str) -> list[tuple[tuple, Match]]:
        text = norm.text
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters lower-case to two; keep offsets
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        candidates: dict[int, tuple[int, dict[int, int]]] = {}
        line_start, line_end = -1, -1
        current: dict[int, int] = {}
        by_anchor = self._by_anchor
        for pos, anchor in self.index.hits(lowered):
            if not (line_start <= pos < line_end):
                line_start = text.rfind("\n", 0, pos) + 1
                line_end = text.find("\n", pos)
                if line_end < 0:
                    line_end = len(text)
                entry = candidates.get(line_start)
                if entry is None:
                    current = {}
                    candidates[line_start] = (line_end, current)
                else:
                    current = entry[1]
            for ref in by_anchor[anchor]:
                current.setdefault(ref, pos)
        found: list[tuple[tuple, Match]] = []
        for ls, (le, refs) in candidates.items():
            for ref, pos in refs.items():
                entry, sig_index, compiled = self._sigs[ref]
                start, end = self._window(text, ls, le, pos, compiled)
                if compiled.kind == "fuzzy":
                    start += strip_log_prefix(text[start : min(end, start + 200)])
                for hit in compiled.search(text, start, end, MAX_HITS_PER_LINE):
                    o_start, o_end = norm.span(hit.start, hit.end)
                    confidence = compiled.sig.confidence * (hit.score / 100.0)
                    match = Match(
                        entry=entry,
                        start=o_start,
                        end=o_end,
                        confidence=round(confidence, 3),
                        text=raw[o_start:o_end],
                        captures=hit.captures,
                        signature=sig_index,
                    )
                    key = (-round(confidence, 2), -compiled.specificity, -(hit.end - hit.start), entry.id)
                    found.append((key, match))
        return found

    @staticmethod
    def _window(text: str, ls: int, le: int, pos: int, compiled: CompiledSignature) -> tuple[int, int]:
        start, end = ls, le
        extra = compiled.sig.lines
        while extra > 0 and end < len(text):
            nxt = text.find("\n", end + 1)
            end = len(text) if nxt < 0 else nxt
            extra -= 1
        if end - start > 2 * WINDOW:
            start = max(start, pos - WINDOW)
            end = min(end, pos + WINDOW)
        return start, end

    @staticmethod
    def _resolve(found: list[tuple[tuple, Match]]) -> list[Match]:
        """Greedy: best key first; a hit overlapping an accepted one is dropped."""
        found.sort(key=lambda km: km[0])
        starts: list[int] = []
        kept: list[Match] = []
        for _, m in found:
            i = bisect_left(starts, m.start)
            if i > 0 and kept[i - 1].end > m.start:
                continue
            if i < len(kept) and kept[i].start < m.end:
                continue
            starts.insert(i, m.start)
            kept.insert(i, m)
        return kept


def entry_matches(entry: Entry, text: str) -> list[Match]:
    """Matches of a single entry in text (used to check examples)."""
    return Matcher([entry]).scan(text)


__all__ = ["AnchorIndex", "CompileProblem", "Match", "Matcher", "PatternError", "entry_matches"]
