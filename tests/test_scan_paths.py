"""The accelerated scan paths give exactly the pure-Python answer.

Three ways find anchors (RE2 byte prefilter + per-line automaton, automaton
over the whole lower-cased text, str.find per anchor); whatever is installed,
the matches must be identical, including around colour escapes, progress-bar
carriage returns, non-ASCII text and the characters whose lower case is odd.
"""

from __future__ import annotations

import io
import random

import pytest

from errhint.catalog import Pack, bundled_knowledge_dir, load_catalog
from errhint.findings import LineIndex, scan_stream, scan_whole_text
from errhint.matcher import PREFILTER_MIN_CHARS, Matcher
from errhint.text import normalize
from noise_corpus import ESCAPE_NOISE_PIECES

ALL = list(load_catalog([Pack(bundled_knowledge_dir(), "bundled")]))
EXAMPLES = [x for e in ALL for x in e.examples]


def noisy_text(seed: int, lines: int = 3000) -> str:
    rng = random.Random(seed)
    noise = [
        "\x1b[32m✓\x1b[0m test {n} passed",
        "Downloading {n} [==>   ]\rDownloading {n} [=====>] 100%",
        "2026-11-25T12:00:00Z INFO handled {n}",
        "Ünïcödé ΣΑΣ straße {n} KELVIN \u212a and dotted \u0130",
        "plain line {n} with error words: failed, cannot, not found",
        '{{"type": "error",\n  "n": {n}}}',
        "windows line {n}\r",
    ]
    out = []
    for i in range(lines):
        if rng.random() < 0.05:
            ex = rng.choice(EXAMPLES)
            if rng.random() < 0.3:
                ex = "\x1b[31m" + ex + "\x1b[0m"
            if rng.random() < 0.2:
                ex = ex.upper() if rng.random() < 0.5 else ex.title()
            out.append(ex)
        else:
            out.append(rng.choice(noise).format(n=i))
    return "\n".join(out)


def key(matches):
    return [(m.entry.id, m.start, m.end, m.confidence, m.signature, tuple(sorted(m.captures.items()))) for m in matches]


FAST = Matcher(ALL)
SLOW = Matcher(ALL, pure_python=True)
NO_PREFILTER = Matcher(ALL)
NO_PREFILTER.index.prefilter_enabled = False


@pytest.mark.parametrize("seed", range(4))
def test_every_path_finds_the_same(seed: int):
    text = noisy_text(seed)
    if seed == 1:
        text = text.replace("\u212a", "K").replace("\u0130", "I")  # the byte prefilter can run on this one
    assert len(text) > PREFILTER_MIN_CHARS
    expected = key(SLOW.scan(text))
    assert expected, "the generated text should contain known errors"
    assert key(FAST.scan(text)) == expected
    assert key(NO_PREFILTER.scan(text)) == expected


def test_prefilter_handles_non_ascii_offsets():
    text = ("é✓ " * 5000) + "\n" + "\n".join(EXAMPLES[:50]) + "\n" + "ß" * 100
    assert key(FAST.scan(text)) == key(SLOW.scan(text))


def test_streamed_scan_matches_one_shot():
    text = noisy_text(9, 4000).replace("\u212a", "K")
    data = text.encode("utf-8")
    streamed = scan_stream(FAST, io.BytesIO(data), chunk_bytes=16 * 1024)
    whole = scan_whole_text(FAST, text)
    assert {(f.line, f.column, f.entry.id) for f in streamed} == {(f.line, f.column, f.entry.id) for f in whole}


def test_line_index_forward_and_backward_lookups_agree():
    text = "a\nbb\n\nccc\n" * 50
    forward = LineIndex(text)
    table = LineIndex(text)
    table.position(len(text))
    offsets = list(range(0, len(text) + 1, 3))
    assert [forward.position(o) for o in offsets] == [table.position(o) for o in offsets]
    assert forward.position(1) == table.position(1)  # a backward lookup after forward ones


def test_normalisation_arrays_map_back():
    raw = "\x1b[1mab\x1b[0mc\rxy\r\nz " * 100 + '{"a":\n  "b"}\n'
    norm = normalize(raw)
    for i, ch in enumerate(norm.text):
        if ch != " ":
            assert raw[norm.to_original(i)] == ch


def test_normalisation_equals_the_reference_implementation():
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).with_name("reference_text.py")
    spec = importlib.util.spec_from_file_location("errhint_reference_text", path)
    ref = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = ref
    spec.loader.exec_module(ref)
    rng = random.Random(11)
    for _ in range(4000):
        s = "".join(rng.choice(ESCAPE_NOISE_PIECES) for _ in range(rng.randrange(0, 60)))
        got, want = normalize(s), ref.normalize(s)
        assert got.text == want.text, repr(s)
        arrays = (got._norm_starts, got._orig_starts, got._orig_ends, got._repl_lens)
        assert arrays == (want._norm_starts, want._orig_starts, want._orig_ends, want._repl_lens), repr(s)


def test_a_line_with_no_end_is_scanned_in_pieces_with_absolute_columns():
    """A 3 MB line streamed in small chunks: each error is found once, at its real column
    (also one cut in half by a piece boundary), and the carried context stays bounded."""
    from errhint.findings import CARRY_MAX_BYTES, StreamScanner
    from errhint.model import Entry, Signature

    sig = Signature("regex", r"BOOM-\d+ failed")
    matcher = Matcher([Entry(id="demo/boom", title="t", tool="demo", signatures=(sig,), meaning="m", quick_fix="q")])
    chunk = 256 * 1024
    spots = {100_000: "BOOM-1 failed", 4 * chunk - chunk - 5: "BOOM-2 failed", 2_900_000: "BOOM-3 failed"}
    line = bytearray(b"x" * 3_000_000)
    for at, text in spots.items():
        line[at : at + len(text)] = text.encode()
    line[50_000:50_002] = "é".encode()  # a two-byte character before them: columns count characters
    scanner = StreamScanner(matcher, chunk_bytes=chunk)
    data = bytes(line) + b"\nnext line BOOM-9 failed\n"
    for i in range(0, len(data), chunk):
        scanner.feed(data[i : i + chunk])
        assert len(scanner._carry) <= CARRY_MAX_BYTES + 8
    found = sorted((f.line, f.column, f.match.text) for f in scanner.finish())
    want = [(0, at - 1, text) for at, text in sorted(spots.items())] + [(1, 10, "BOOM-9 failed")]
    assert found == want
