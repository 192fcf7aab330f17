"""The byte probe finds what a scan of the whole text finds.

``scan_bytes`` on a large buffer decodes and scans only the regions the probe picks
(escape-stripped, lower-cased bytes through the RE2 anchor prefilter). These tests build
text where that shortcut could go wrong — escapes inside anchor words, progress-bar
overwrites, OSC sequences holding a CR, JSON wrapped across lines in the middle of an
anchor, KELVIN SIGN for "k", CRLF, non-ASCII — and require the same findings as decoding
and scanning everything.
"""

from __future__ import annotations

import random
from itertools import pairwise

import pytest

from errhint import findings
from errhint.catalog import Pack, bundled_knowledge_dir, load_catalog
from errhint.findings import scan_bytes, scan_text, scan_whole_text
from errhint.matcher import Matcher
from errhint.model import Entry, Signature
from errhint.patterns import re2_module
from noise_corpus import ESCAPE_NOISE_PIECES

ALL = list(load_catalog([Pack(bundled_knowledge_dir(), "bundled")]))
EXAMPLES = [x for e in ALL for x in e.examples]
MATCHER = Matcher(ALL)

pytestmark = pytest.mark.skipif(re2_module() is None, reason="the probe needs google-re2")

NOISE = [
    "\x1b[32m✓\x1b[0m test {n} passed",
    "Downloading {n} [==>   ]\rDownloading {n} [=====>] 100%",
    "2026-11-25T12:00:00Z INFO handled {n}",
    "Ünïcödé ΣΑΣ straße {n}",
    "windows line {n}\r",
    "\x1b]633;A\x07$ make target-{n}\x1b]633;B\x07",
]


def disguise(example: str, rng: random.Random) -> str:
    """An example as a terminal might show it: split by escapes, overwritten, wrapped, odd letters."""
    how = rng.randrange(8)
    if how == 0 and len(example) > 4:  # a colour escape inside a word
        cut = rng.randrange(1, len(example) - 1)
        return example[:cut] + rng.choice(["\x1b[1m", "\x1b[0;31m", "\x1b]8;;https://x\x1b\\"]) + example[cut:]
    if how == 1:  # a progress frame the error overwrote
        return "Resolving deps 42%\r" + example
    if how == 2:  # an OSC holding a CR just before the error
        return "ab\x1b]0;title\rx\x07" + example
    if how == 3 and len(example) > 6:  # hard-wrapped inside a JSON object, through an anchor
        cut = rng.randrange(1, len(example) - 1)
        return '{"message": "' + example[:cut] + "\n" + example[cut:] + '"}'
    if how == 4:
        return example.replace("k", "\u212a")  # KELVIN SIGN lower-cases to "k"
    if how == 5:
        return "\x1b[31m" + example + "\x1b[0m\r"
    if how == 6:
        return example.upper()
    return example


def noisy(seed: int, lines: int, rate: float = 0.03, decoys: bool = True) -> bytes:
    rng = random.Random(seed)
    out = []
    for i in range(lines):
        if rng.random() < rate:
            out.append(disguise(rng.choice(EXAMPLES), rng))
        elif decoys and rng.random() < 0.002:  # pretty-printed JSON: the lines it may join are always scanned
            out.append(f'{{"type": "error",\n  "n": {i}}}')
        elif decoys and rng.random() < 0.01:  # words anchors are made of, in lines that are not errors
            out.append(f"plain line {i} with error words: failed, cannot, not found, denied")
        else:
            out.append(rng.choice(NOISE).format(n=i))
    return "\n".join(out).encode("utf-8")


def key(found: list[findings.Finding]) -> list[tuple]:
    return sorted(
        (f.line, f.column, f.end_line, f.end_column, f.entry.id, f.match.text, f.match.confidence) for f in found
    )


def whole(data: bytes) -> list[tuple]:
    return key(scan_whole_text(MATCHER, data.decode("utf-8", "replace")))


@pytest.mark.parametrize("seed", range(6))
def test_probe_finds_what_the_whole_scan_finds(seed: int):
    data = noisy(seed, 4000)
    assert len(data) >= findings.PROBE_MIN_BYTES
    regions = MATCHER.regions(data)
    assert regions is not None
    covered = sum(end - start for start, end in regions)
    assert covered < len(data), "the probe should leave some of the text out"
    expected = whole(data)
    assert len(expected) > 50
    assert key(scan_bytes(MATCHER, data)) == expected


def test_regions_are_sorted_disjoint_and_cut_at_line_starts():
    data = noisy(3, 3000)
    regions = MATCHER.regions(data)
    assert regions
    last = -1
    for start, end in regions:
        assert last < start < end <= len(data)
        assert start == 0 or data[start - 1 : start] == b"\n"
        assert end == len(data) or data[end - 1 : end] == b"\n"
        last = end


def test_sparse_errors_leave_most_of_a_log_unscanned():
    data = noisy(5, 20000, rate=0.001, decoys=False)
    regions = MATCHER.regions(data)
    assert regions is not None
    assert sum(end - start for start, end in regions) < len(data) // 4
    assert key(scan_bytes(MATCHER, data)) == whole(data)


def test_random_pieces_around_examples(monkeypatch):
    """Small random buffers, the probe forced on: escapes, CRs, braces and odd letters
    anywhere, with pieces of real examples between them."""
    monkeypatch.setattr(findings, "PROBE_MIN_BYTES", 0)
    rng = random.Random(20261125)
    for _ in range(400):
        parts = []
        for _ in range(rng.randrange(1, 30)):
            if rng.random() < 0.3:
                ex = rng.choice(EXAMPLES)
                cut = rng.randrange(len(ex) + 1)
                parts.append(ex[:cut] + rng.choice(ESCAPE_NOISE_PIECES) + ex[cut:])
            else:
                parts.append(rng.choice(ESCAPE_NOISE_PIECES))
        data = "".join(parts).encode("utf-8", "surrogatepass")
        assert key(scan_bytes(MATCHER, data)) == whole(data), repr(data)


def _anchor_cuts(limit: int) -> list[tuple[str, str, list[int]]]:
    """(entry id, example, cut positions) for single-line ASCII examples without braces: a cut
    one character into every occurrence of every prefilter piece, so no piece of the probe's
    search survives on any one line."""
    pieces = [p.decode("ascii") for p in MATCHER.index._pieces]
    out = []
    for entry in ALL:
        for ex in entry.examples:
            if "\n" in ex or "{" in ex or "}" in ex or not ex.isascii():
                continue
            low = ex.lower()
            cuts = sorted({i + 1 for p in pieces if len(p) > 1 for i in range(len(low)) if low.startswith(p, i)})
            if cuts:
                out.append((entry.id, ex, cuts))
            break
        if len(out) >= limit:
            break
    return out


def _split(ex: str, cuts: list[int], sep: str) -> str:
    bounds = [0, *cuts, len(ex)]
    return sep.join(ex[a:b] for a, b in pairwise(bounds) if b > a)


def test_filler_holds_no_anchor():
    assert MATCHER.regions(("filler line\n" * 100).encode()) == []


def test_json_wrapped_through_every_anchor_is_still_found(monkeypatch):
    """A hard wrap inside a JSON string can cut every anchor; the join heals it, and the
    probe must send the wrapped lines to the exact scan."""
    monkeypatch.setattr(findings, "PROBE_MIN_BYTES", 0)
    healed = 0
    for entry_id, ex, cuts in _anchor_cuts(60):
        for pad in ("", "pad\n" * 30):  # the error at the start of the object, and 30 lines into it
            text = "filler line\n" * 30 + '{"x": "' + pad + _split(ex, cuts, "\n") + '"}\n' + "filler line\n" * 30
            data = text.encode()
            expected = whole(data)
            healed += any(k[4] == entry_id for k in expected)
            assert key(scan_bytes(MATCHER, data)) == expected, entry_id
    assert healed >= 40, "the joins should restore most of the cut examples"


def test_osc_holding_a_cr_that_hides_an_anchor_is_still_found(monkeypatch):
    """An OSC that holds a CR: the overwrite and the escape overlap and the wider one wins, so
    the exact text can join what stripping escapes alone would keep apart or drop."""
    monkeypatch.setattr(findings, "PROBE_MIN_BYTES", 0)
    found = 0
    for entry_id, ex, cuts in _anchor_cuts(60):
        k = cuts[0]
        for line in (
            "x" * 40 + "\x1b]0;t\r" + ex[:k] + "\x1b[0m" + ex[k:],  # the overwrite is wider: it wins
            ex[:k] + "\x1b]0;t\r" + "q" * 70 + "\x07" + ex[k:],  # the OSC is wider: it goes, CR and all
        ):
            data = ("filler line\n" * 30 + line + "\n" + "filler line\n" * 30).encode()
            expected = whole(data)
            found += any(k_[4] == entry_id for k_ in expected)
            assert key(scan_bytes(MATCHER, data)) == expected, entry_id
    assert found >= 40


def test_kelvin_sign_for_k_is_still_found(monkeypatch):
    """KELVIN SIGN lower-cases to "k" for the exact scan but not as bytes: a line whose only
    anchor needs that "k" must still reach the exact scan."""
    monkeypatch.setattr(findings, "PROBE_MIN_BYTES", 0)
    sig = Signature("regex", r"(?i)kaboom failure \d+")
    matcher = Matcher([Entry(id="demo/kaboom", title="t", tool="demo", signatures=(sig,), meaning="m", quick_fix="q")])
    data = ("filler line\n" * 30 + "\u212aABOOM FAILURE 7\n" + "filler line\n" * 30).encode()
    expected = key(scan_whole_text(matcher, data.decode()))
    assert [k[4] for k in expected] == ["demo/kaboom"]
    assert key(scan_bytes(matcher, data)) == expected


def test_multi_line_signatures_get_the_lines_they_span(monkeypatch):
    """A signature spanning lines: the region around its anchor line must hold all of them,
    before and after, including an anchor that itself holds a newline."""
    monkeypatch.setattr(findings, "PROBE_MIN_BYTES", 0)
    sigs = [
        Signature("regex", r"Traceback \(most recent call last\):\n(?:.*\n){0,8}?KaboomError: \w+", lines=9),
        Signature("regex", r"fatal: step one failed\nhint: retry with --force", lines=1),
    ]
    entries = [
        Entry(id=f"demo/multi{i}", title="t", tool="demo", signatures=(s,), meaning="m", quick_fix="q")
        for i, s in enumerate(sigs)
    ]
    matcher = Matcher(entries)
    assert matcher._anchor_lines >= 1  # the second anchor holds a newline
    frame = "".join(f'  File "app{i}.py", line {i}, in f\n' for i in range(8))
    block = "Traceback (most recent call last):\n" + frame + "KaboomError: boom\n"
    data = "filler line\n" * 40 + block + "filler line\n" * 40 + "fatal: step one failed\nhint: retry with --force\n"
    data = (data + "filler line\n" * 40).encode()
    expected = key(scan_whole_text(matcher, data.decode()))
    assert sorted(k[4] for k in expected) == ["demo/multi0", "demo/multi1"]
    assert key(scan_bytes(matcher, data)) == expected


def test_scan_text_of_a_large_text_takes_the_probe_and_agrees():
    """``scan_text`` (the language server's full scans) probes large text; text with a lone
    surrogate cannot be encoded and is scanned whole; both agree with the whole scan."""
    text = noisy(2, 4000).decode()
    assert len(text) >= findings.PROBE_MIN_BYTES
    assert key(scan_text(MATCHER, text)) == key(scan_whole_text(MATCHER, text))
    odd = text[:1000] + "\ud800" + text[1000:]
    assert key(scan_text(MATCHER, odd)) == key(scan_whole_text(MATCHER, odd))


def test_invalid_utf8_and_crlf_give_the_same_findings():
    """Bytes that are not UTF-8 (replaced when decoded) and CRLF line ends: region by region
    decoding must count columns as decoding everything does."""
    rng = random.Random(9)
    lines = []
    for i in range(5000):
        if rng.random() < 0.03:
            lines.append(rng.choice([b"\xff\xfe", b"\xc3", b"\xe2\x9c", b""]) + rng.choice(EXAMPLES).encode() + b"\r")
        else:
            lines.append(b"build step %d \xc3(\xa0 ok\r" % i)
    data = b"\n".join(lines)
    assert MATCHER.regions(data) is not None
    expected = whole(data)
    assert len(expected) > 50
    assert key(scan_bytes(MATCHER, data)) == expected


def test_a_later_seed_reaching_further_back_widens_the_region():
    """Seeds come in line order but not in order of how far back they reach: a marker line a
    few lines after an ordinary hit still gets all of its lines before it."""
    from errhint.probe import _merge

    data = b"".join(b"line %d\n" % i for i in range(200))
    start = [0]
    for i in range(200):
        start.append(start[-1] + len(b"line %d\n" % i))
    regions = _merge(data, [(start[100], 1, 1), (start[105], 21, 21), (start[150], 2, 2)])
    assert regions == [(start[84], start[127]), (start[148], start[153])]
