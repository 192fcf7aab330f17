"""Incremental rescans equal a full rescan of the final text (property-based)."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from errhint.document import LiveDocument
from errhint.findings import scan_text
from errhint.matcher import Matcher
from errhint.model import Entry, Signature


def _entry(entry_id: str, sig: Signature) -> Entry:
    return Entry(id=entry_id, title=entry_id, tool="demo", signatures=(sig,), meaning="m", quick_fix="q")


MATCHER = Matcher(
    [
        _entry("demo/boom", Signature("regex", r"BOOM-\d+")),
        _entry("demo/json", Signature("regex", r'"type"\s*:\s*"rate_limit_error"')),
        _entry("demo/two", Signature("regex", r"Traceback\n.*Error", lines=1)),
    ]
)
PIECES = [
    "BOOM-1",
    "BOOM-22",
    "ok",
    "\n",
    "\r\n",
    '{"type":',
    '"rate_limit_error"}',
    "{",
    "}",
    "Traceback\n",
    "ValueError",
    " ",
    "😀",
    "日本",
    "BOO",
    "M-3",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
EXAMPLES = int(os.environ.get("ERRHINT_FUZZ_EXAMPLES", "200"))


def key(findings):
    return [(f.entry.id, f.line, f.column, f.end_line, f.end_column) for f in findings]


@st.composite
def edit(draw, lines):
    sl = draw(st.integers(0, len(lines) - 1))
    el = draw(st.integers(sl, min(len(lines) - 1, sl + 3)))
    sc = draw(st.integers(0, len(lines[sl])))
    ec = draw(st.integers(0 if el > sl else sc, len(lines[el])))
    return sl, sc, el, ec, draw(TEXT)


@settings(max_examples=EXAMPLES, deadline=None)
@given(TEXT, st.data())
def test_incremental_equals_full_rescan(initial, data):
    doc = LiveDocument(initial, MATCHER)
    for _ in range(data.draw(st.integers(1, 6))):
        doc.edit(*data.draw(edit(doc.lines)))
        assert key(doc.findings) == key(scan_text(MATCHER, doc.text))


def test_edit_far_from_findings_keeps_and_shifts_them():
    lines = ["noise"] * 500
    lines[10] = "BOOM-1"
    lines[400] = "BOOM-2"
    doc = LiveDocument("\n".join(lines), MATCHER)
    doc.edit(200, 0, 200, 0, "new\nlines\n")
    assert [(f.line, f.match.text) for f in doc.findings] == [(10, "BOOM-1"), (402, "BOOM-2")]
    doc.edit(10, 0, 10, 6, "fixed")
    assert [(f.line, f.match.text) for f in doc.findings] == [(402, "BOOM-2")]


def test_finding_at():
    doc = LiveDocument("x\n  BOOM-7 y", MATCHER)
    assert doc.finding_at(1, 4).match.text == "BOOM-7"
    assert doc.finding_at(1, 0) is None
