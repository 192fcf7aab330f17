"""Where in a large byte buffer a known error can be, found without decoding or normalising it all.

On a big log, decoding, normalising (a Python-level edit per colour escape or progress-bar
frame) and mapping offsets back cost more than everything else, yet almost no line holds an
error. The probe strips escapes with one C-level substitution per block, lower-cases the
bytes and runs the anchor prefilter (RE2) over them. Only the lines it hits, with enough
lines around them for multi-line signatures, are then decoded and scanned the exact way
(``Matcher.scan``), so the findings are the ones a scan of the whole text gives.

Why nothing is missed: normalising a line removes its escapes, the text a carriage return
overwrote and a CR before the newline, so the normalised line is a piece of the
escape-stripped line and every anchor in it is in the probe too. Three kinds of line break
that and are always scanned instead (``MARKERS``, matched in the same RE2 pass as the
anchors): a line where an OSC sequence holds a CR (the two rules overlap and the wider edit
wins, which can join text the OSC ran over to the text after it; the probe leaves such an
OSC in place); a line that may open a JSON object joined across lines (an anchor can span
the join), together with every line the join can reach; and a line holding KELVIN SIGN,
which ``str.lower`` turns into an ASCII "k" and ``bytes.lower`` does not.
"""

from __future__ import annotations

from bisect import bisect_right

from .lazyre import LazyPattern
from .text import MAX_JOIN_LINES

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

BLOCK_BYTES = 16 * 1024  # escapes are stripped block by block so probe offsets map back cheaply
# The normaliser's escapes, except an OSC holding a CR, which stays (and is a marker below);
# the two-character form leaves out "]" so it cannot take that OSC's first two bytes either.
_STRIP = LazyPattern(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n\r]*+(?!\r)(?:\x07|\x1b\\)?|\x1b[@-Z\\^_]")
_OPEN_BRACE = LazyPattern(rb"\{[^{}\n]*\n")  # as text._OPEN_BRACE: a line leaving a brace open
# RE2 syntax over LATIN-1 bytes: an OSC holding a CR, a line leaving a brace open, KELVIN SIGN.
MARKERS = [r"\x1b\][^\x07\x1b\n]*\r", r"\{[^{}\n]*\n", "".join(f"\\x{b:02x}" for b in "\u212a".encode())]

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


def regions(data: bytes, prefilter: Any, margin: int) -> list[Region] | None:
    """Byte ranges of ``data``, cut at line starts, that hold every finding; None: scan it all.

    ``prefilter`` is the anchor index's compiled RE2 alternation over ASCII-lower-cased
    bytes; ``margin`` is how many lines a signature may reach from its anchor's line.
    """
    probe = _Probe(data)
    lowered = probe.text.lower()
    compiled, unanchored = prefilter
    seeds: list[tuple[int, int]] = []  # (raw line start, lines after it that must come along)
    size = len(lowered)
    pos = 0
    while pos < size:
        hit = compiled.Match(unanchored, lowered, pos, size)[0][0]
        if hit < 0:
            break
        end = lowered.find(b"\n", hit)
        end = size if end < 0 else end
        start = lowered.rfind(b"\n", 0, hit) + 1
        opens_join = _OPEN_BRACE.search(lowered, start, end + 1) is not None
        seeds.append((probe.raw_line_start(hit), MAX_JOIN_LINES if opens_join else 0))
        pos = end + 1
    return _merge(data, seeds, margin)


def _merge(data: bytes, seeds: list[tuple[int, int]], margin: int) -> list[Region]:
    """One range per run of seeds whose margins touch (seeds are sorted by position)."""
    out: list[Region] = []
    for start, after in seeds:
        lo = _lines_back(data, start, margin)
        hi = _lines_ahead(data, start, after + margin)
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
