"""errhint run's live scanner: output scanned while it arrives, memory bounded, tail kept."""

from __future__ import annotations

import threading

from errhint.livescan import LiveScan
from errhint.matcher import Matcher
from errhint.model import Entry, Signature

MATCHER = Matcher(
    [
        Entry(
            id="demo/boom",
            title="Boom",
            tool="demo",
            signatures=(Signature("regex", r"BOOM-\d+"),),
            meaning="m",
            quick_fix="q",
        )
    ]
)


def test_pieces_split_anywhere_are_scanned_per_stream_with_line_numbers():
    live = LiveScan(lambda: MATCHER)
    out, err = live.writer("stdout"), live.writer("stderr")
    text = b"ok\n" * 1000 + b"BOOM-12\n"
    for i in range(0, len(text), 7):  # pieces that cut lines and the match itself
        out.write(text[i : i + 7])
    err.write(b"BOOM-3\n")
    found = sorted((f.path, f.line, f.match.text) for f in live.close())
    assert found == [("stderr", 0, "BOOM-3"), ("stdout", 1000, "BOOM-12")]
    assert live.dropped == 0


def test_falling_behind_drops_the_oldest_output_and_keeps_the_tail():
    gate = threading.Event()

    def slow_matcher():
        gate.wait(10)  # the catalog is still loading
        return MATCHER

    live = LiveScan(slow_matcher, limit=10_000)
    w = live.writer("stdout")
    w.write(b"BOOM-1 early\n" + b"x" * 20_000 + b"\n")
    for _ in range(50):
        w.write(b"y" * 999 + b"\n")
    w.write(b"BOOM-2 at the end\n")
    gate.set()
    texts = [f.match.text for f in live.close()]
    assert "BOOM-2" in texts and live.dropped > 0
