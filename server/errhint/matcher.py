"""Find known errors in text: one pass for every entry at once.

Every signature has literal anchors (derived from its pattern). One multi-string
search (Aho-Corasick) over the lower-cased text finds the lines that contain any
anchor; only those lines are handed to the signatures whose anchors they hold.
The cost therefore grows with the text and the number of candidate lines, not
with the number of entries. Regexes only ever see a bounded window, so a single
200 MB line costs a search around each anchor hit, not a scan of the line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from . import probe
from .model import Entry
from .patterns import CompiledSignature, PatternError, re2_module
from .text import Normalized, normalize, strip_log_prefix

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

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


PREFILTER_MIN_CHARS = 16 * 1024  # below this one automaton pass over the lowered text is cheaper
PREFILTER_PIECE_BYTES = 12  # anchors are cut to this many bytes for the byte-level prefilter
PREFILTER_MAX_MEM = 64 << 20  # RE2's budget for the prefilter's lazily built DFA (an upper bound, not an allocation)
# Apart from ASCII capitals, the only character whose lower case contains an ASCII
# letter is KELVIN SIGN (-> "k"); U+0130 lowers to two characters, which switches the
# matcher to per-character lowering where it stays as it is.
_LOWERS_TO_ASCII = "\u212a"
_WIDE_LOWER = "\u0130"
_CONTINUATION_MARKS = bytes(0x80 if 0x80 <= b <= 0xBF else 0 for b in range(256))


def lower_keeping_offsets(text: str, per_char: bool) -> str:
    """str.lower(), except per character when some character lowers to two (offsets must not move)."""
    if per_char:
        return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return text.lower()


def _prefilter_piece(anchor: str) -> bytes | None:
    """Bytes that must occur, ASCII-lower-cased, at or after the start of the anchor's line."""
    if anchor.isascii():
        return anchor.encode("ascii")[:PREFILTER_PIECE_BYTES]
    if "\n" in anchor:
        return None
    runs = [r for r in re.findall(r"[\x00-\x7f]+", anchor) if r]
    if not runs:
        return None
    return max(runs, key=len).encode("ascii")[:PREFILTER_PIECE_BYTES]


class AnchorIndex:
    """All anchors of all signatures in one multi-string search structure.

    ``line_hits`` answers, line by line, which anchors start where (in the
    lower-cased text). Three ways give the same answer:

    * large text with google-re2 installed: the text is encoded once, ASCII
      lower-cased as bytes, and one RE2 alternation of every anchor (cut to
      a few bytes; for a non-ASCII anchor its longest ASCII run) finds the
      candidate lines at C speed; only those lines are lower-cased and run
      through the exact search below;
    * otherwise with pyahocorasick: the lower-cased text through one
      Aho-Corasick automaton;
    * bare interpreter: ``str.find`` per anchor.
    """

    def __init__(self, anchors: Iterable[str]) -> None:
        self.anchors = sorted(set(anchors))
        self.automaton_enabled = True
        self._built: Any = None  # the Aho-Corasick automaton, built on first use (about 1 ms; not pickled)
        pieces = [_prefilter_piece(a) for a in self.anchors]
        self._pieces: list[bytes] | None = None if None in pieces or not pieces else sorted(set(pieces))  # type: ignore[arg-type]
        self._reach = max((len(a) for a in self.anchors), default=0)
        self._multiline = any("\n" in a for a in self.anchors)
        self.prefilter_enabled = True
        self._prefilter: Any = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_prefilter"] = None  # RE2 objects do not pickle; rebuilt on first use
        state["_built"] = None  # rebuilding the automaton is cheaper than unpickling it
        return state

    @property
    def _automaton(self) -> Any:
        if self._built is None:
            self._built = False
            if _ahocorasick is not None and self.anchors and self.automaton_enabled:
                automaton = _ahocorasick.Automaton()
                for a in self.anchors:
                    automaton.add_word(a, a)
                automaton.make_automaton()
                self._built = automaton
        return self._built or None

    @property
    def accelerated(self) -> bool:
        return self._automaton is not None

    def byte_prefilter(self) -> Any:
        """The compiled RE2 alternation over bytes (ASCII case-insensitive, so no lower-cased
        copy is needed), or None (no RE2, or an anchor with no ASCII to search for). It also
        matches ``probe.MARKERS``: the few line shapes the byte probe must always hand to the
        exact scan (one pass finds both)."""
        return self._compiled_prefilter() or None

    def _compiled_prefilter(self) -> Any:
        if self._prefilter is None:
            self._prefilter = False
            re2 = re2_module() if self.prefilter_enabled and self._pieces else None
            if re2 is not None:
                try:
                    opts = re2.Options()
                    opts.encoding = re2.Options.Encoding.LATIN1
                    opts.max_mem = PREFILTER_MAX_MEM
                    opts.log_errors = False
                    opts.never_capture = True
                    opts.case_sensitive = False  # a superset of ASCII lower-casing, and no copy
                    alternation = "|".join(
                        "".join(chr(c) if chr(c).isalnum() and c < 128 else f"\\x{c:02x}" for c in p)
                        for p in self._pieces or []
                    )
                    markers = "|".join(probe.MARKERS)
                    compiled = re2._re2.RE2(f"(?s:{alternation}|{markers})".encode("latin-1"), opts)
                    if compiled.ok():
                        self._prefilter = (compiled, re2._Anchor.UNANCHORED)
                except Exception:  # an unexpected google-re2 build: the automaton does the work
                    self._prefilter = False
        return self._prefilter

    def hits(self, lowered: str) -> list[tuple[int, str]]:
        """(start offset, anchor) of every anchor occurrence in lower-cased text, by position."""
        if not self.anchors:
            return []
        if self._automaton is not None:
            return sorted((end - len(a) + 1, a) for end, a in self._automaton.iter(lowered))
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

    def line_hits(self, text: str) -> Iterator[tuple[int, int, list[tuple[int, str]]]]:
        """(line start, line end, hits) for every line where an anchor starts, in order.

        A hit belongs to the line its first character is on (a newline counts
        as the end of the line it closes). Offsets are into ``text``.
        """
        if not self.anchors or not text:
            return
        per_char = _WIDE_LOWER in text
        prefilter = self._compiled_prefilter() if len(text) >= PREFILTER_MIN_CHARS else False
        if prefilter and _LOWERS_TO_ASCII not in text:
            yield from self._prefiltered_line_hits(text, per_char, prefilter)
            return
        yield from self._group_by_line(text, self.hits(lower_keeping_offsets(text, per_char)))

    @staticmethod
    def _group_by_line(text: str, hits: list[tuple[int, str]]) -> Iterator[tuple[int, int, list[tuple[int, str]]]]:
        line_start, line_end = -1, -1
        group: list[tuple[int, str]] = []
        for pos, anchor in hits:
            if not (line_start <= pos < line_end):
                if group:
                    yield line_start, line_end, group
                line_start = text.rfind("\n", 0, pos) + 1
                line_end = text.find("\n", pos)
                if line_end < 0:
                    line_end = len(text)
                group = []
            group.append((pos, anchor))
        if group:
            yield line_start, line_end, group

    def _prefiltered_line_hits(
        self, text: str, per_char: bool, prefilter: Any
    ) -> Iterator[tuple[int, int, list[tuple[int, str]]]]:
        compiled, unanchored = prefilter
        data = text.encode("utf-8", "surrogatepass")
        same_offsets = len(data) == len(text)
        # Characters in a byte range = bytes - UTF-8 continuation bytes (0x80-0xBF), counted in C.
        marks = b"" if same_offsets else data.translate(_CONTINUATION_MARKS)
        size = len(data)
        reach = self._reach if self._multiline else 1
        b_done, c_done = 0, 0  # a byte offset and the character offset it corresponds to
        pos = 0
        while pos < size:
            start = compiled.Match(unanchored, data, pos, size)[0][0]
            if start < 0:
                return
            b_ls = data.rfind(b"\n", 0, start) + 1
            b_le = data.find(b"\n", start)
            if b_le < 0:
                b_le = size
            if same_offsets:
                ls, le = b_ls, b_le
            else:
                ls = c_done + (b_ls - b_done) - marks.count(b"\x80", b_done, b_ls)
                le = ls + (b_le - b_ls) - marks.count(b"\x80", b_ls, b_le)
                b_done, c_done = b_le, le
            pos = b_le + 1
            # Exact hits on this line only: anchors starting in [ls, le] (le is its newline).
            seg_end = min(len(text), le + reach)
            lowered = lower_keeping_offsets(text[ls:seg_end], per_char)
            hits = [(ls + p, a) for p, a in self.hits(lowered) if p <= le - ls]
            if hits:
                yield from self._group_by_line(text, hits)


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
        # Lines a match can reach from its anchor's line, either way (+1 to spare): how much
        # context a probed region needs around a line whose anchors are not known.
        self.reach_lines = max((c.sig.lines for _, _, c in self._sigs), default=0) + 1
        self._anchor_lines = max((a.count("\n") for a in self._by_anchor), default=0)
        if pure_python:
            self.index.automaton_enabled = False
            self.index.prefilter_enabled = False

    def regions(self, data: bytes) -> list[tuple[int, int]] | None:
        """Byte ranges of UTF-8 ``data`` that hold every match (see ``probe``); None: scan it whole."""
        prefilter = self.index.byte_prefilter()
        if prefilter is None:
            return None
        return probe.regions(data, prefilter, self._reach, self.reach_lines, self._anchor_lines)

    def _reach(self, line: bytes) -> int:
        """Lines the signatures anchored in ``line`` may reach (+1 to spare); 1 when none is."""
        lowered = line.decode("utf-8", "replace").lower()
        refs = {ref for _, anchor in self.index.hits(lowered) for ref in self._by_anchor[anchor]}
        return max((self._sigs[ref][2].sig.lines for ref in refs), default=0) + 1

    def scan(self, raw: str, normalized: Normalized | None = None) -> list[Match]:
        """All matches in ``raw``, overlaps resolved to the most specific entry."""
        norm = normalized if normalized is not None else normalize(raw)
        return self._resolve(self._raw_hits(norm, raw))

    def _raw_hits(self, norm: Normalized, raw: str) -> list[tuple[tuple, Match]]:
        text = norm.text
        candidates: dict[int, tuple[int, dict[int, int]]] = {}
        by_anchor = self._by_anchor
        for line_start, line_end, hits in self.index.line_hits(text):
            entry = candidates.get(line_start)
            if entry is None:
                current: dict[int, int] = {}
                candidates[line_start] = (line_end, current)
            else:
                current = entry[1]
            for pos, anchor in hits:
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
        back = compiled.sig.lines  # the anchor may sit on any line of a multi-line match
        while back > 0 and start > 0:
            start = text.rfind("\n", 0, start - 1) + 1
            back -= 1
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
