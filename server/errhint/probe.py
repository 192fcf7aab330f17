"""Where in a large byte buffer a known error can be, found without decoding or normalising it all.

On a big log, decoding, normalising (a Python-level edit per colour escape or progress-bar
frame) and mapping offsets back cost more than everything else, yet almost no line holds an
error. The probe strips escapes with one C-level substitution per block and runs the anchor
prefilter (RE2, case-insensitive) over the bytes. Only the lines it hits, with as many lines
around them as the signatures anchored there may span, are then decoded and scanned the exact
way (``Matcher.scan``), so the findings are the ones a scan of the whole text gives.

Why nothing is missed: normalising a line removes its escapes, the text a carriage return
overwrote and a CR before the newline, so the normalised line is a piece of the
escape-stripped line and every anchor in it is in the probe too. Three kinds of line break
that and are always scanned instead (``MARKERS``, matched in the same RE2 pass as the
anchors): a line where an OSC sequence holds a CR (the two rules overlap and the wider edit
wins, which can join text the OSC ran over to the text after it; the probe leaves such an
OSC in place); a line that may open a JSON object joined across lines (an anchor can span
the join), together with every line the join can reach; and a line holding KELVIN SIGN,
which ``str.lower`` turns into an ASCII "k" and a byte-level match cannot see.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from .lazyre import LazyPattern
from .text import MAX_JOIN_LINES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

BLOCK_BYTES = 16 * 1024  # escapes are stripped block by block so probe offsets map back cheaply
LONG_LINE = 64 * 1024  # a longer hit line gets the widest margin rather than an anchor lookup of its own
# The normaliser's escapes, except an OSC holding a CR, which stays (and is a marker below);
# the two-character form leaves out "]" so it cannot take that OSC's first two bytes either.
_STRIP = LazyPattern(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n\r]*+(?!\r)(?:\x07|\x1b\\)?|\x1b[@-Z\\^_]")
_OPEN_BRACE = LazyPattern(rb"\{[^{}\n]*\n")  # as text._OPEN_BRACE: a line leaving a brace open
# RE2 syntax over LATIN-1 bytes: an OSC holding a CR, a line leaving a brace open, KELVIN SIGN.
MARKERS = [r"\x1b\][^\x07\x1b\n]*\r", r"\{[^{}\n]*\n", "".join(f"\\x{b:02x}" for b in "\u212a".encode())]
_MARKER_BYTES = (b"\x1b]", "\u212a".encode())  # a hit line holding one gets the widest margin

Region = tuple[int, int]


class _Probe:
    """The buffer with escapes stripped, and the block offsets that map it back."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.blocks: tuple[list[int], list[int]] | None = None  # (probe starts, raw starts); None: identical
        if b"\x1b" not in data:
            self.text = data
            return
        parts: list[bytes] = []
        probe_starts: list[int] = []
        raw_starts: list[int] = []
        pos, out, size = 0, 0, len(data)
        while pos < size:
            end = data.find(b"\n", pos + BLOCK_BYTES)
            end = size if end < 0 else end + 1
            block = data[pos:end]
            if b"\x1b" in block:
                block = _STRIP.sub(b"", block)
            probe_starts.append(out)
            raw_starts.append(pos)
            parts.append(block)
            out += len(block)
            pos = end
        self.text = b"".join(parts)
        self.blocks = (probe_starts, raw_starts)

    def raw_line_start(self, at: int) -> int:
        """Start in the raw buffer of the line holding probe offset ``at`` (lines are kept one to one)."""
        if self.blocks is None:
            return self.data.rfind(b"\n", 0, at) + 1
        probe_starts, raw_starts = self.blocks
        i = bisect_right(probe_starts, at) - 1
        lines = self.text.count(b"\n", probe_starts[i], at)
        pos = raw_starts[i]
        find = self.data.find
        for _ in range(lines):
            pos = find(b"\n", pos) + 1
        return pos


def regions(
    data: bytes, prefilter: Any, reach: Callable[[bytes], int], margin: int, anchor_lines: int = 0
) -> list[Region]:
    """Byte ranges of ``data``, cut at line starts, that hold every finding.

    ``prefilter`` is the anchor index's compiled RE2 alternation (case-insensitive, over
    bytes); ``reach(text)`` says how many lines the signatures whose anchors occur in that
    text may reach from their anchor's line, and ``margin`` the most any signature may
    (used around marker lines). ``anchor_lines`` is the most newlines inside one anchor:
    that many following lines are read with a hit line when asking ``reach``.
    """
    probe = _Probe(data)
    text = probe.text
    compiled, unanchored = prefilter
    seeds: list[tuple[int, int, int]] = []  # (raw line start, lines before, lines after) to take along
    size = len(text)
    pos = 0
    while pos < size:
        hit = compiled.Match(unanchored, text, pos, size)[0][0]
        if hit < 0:
            break
        end = text.find(b"\n", hit)
        end = size if end < 0 else end
        start = text.rfind(b"\n", 0, hit) + 1
        if _OPEN_BRACE.search(text, start, end + 1) is not None:
            seeds.append((probe.raw_line_start(hit), margin, MAX_JOIN_LINES + margin))
        elif end - start > LONG_LINE or any(marker in text[start:end] for marker in _MARKER_BYTES):
            seeds.append((probe.raw_line_start(hit), margin, margin))
        else:
            stop = end
            for _ in range(anchor_lines):
                nxt = text.find(b"\n", stop + 1)
                stop = size if nxt < 0 else nxt
            lines = reach(text[start:stop])
            seeds.append((probe.raw_line_start(hit), lines, lines))
        pos = end + 1
    return _merge(data, seeds)


def _merge(data: bytes, seeds: list[tuple[int, int, int]]) -> list[Region]:
    """The union of every seed's lines (its line, ``before`` lines back, ``after`` ahead) as
    disjoint ranges. A later seed can reach further back than an earlier one, so the ranges
    are sorted by their start before they are joined."""
    spans = sorted(
        (_lines_back(data, start, before), _lines_ahead(data, start, after)) for start, before, after in seeds
    )
    out: list[Region] = []
    for lo, hi in spans:
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _lines_back(data: bytes, pos: int, lines: int) -> int:
    """Start of the line ``lines`` lines before the line starting at ``pos``."""
    rfind = data.rfind
    for _ in range(lines):
        if pos <= 0:
            return 0
        pos = rfind(b"\n", 0, pos - 1) + 1
    return pos


def _lines_ahead(data: bytes, pos: int, lines: int) -> int:
    """End (past its newline) of the line ``lines`` lines after the line starting at ``pos``."""
    find = data.find
    for _ in range(lines + 1):
        nl = find(b"\n", pos)
        if nl < 0:
            return len(data)
        pos = nl + 1
    return pos
