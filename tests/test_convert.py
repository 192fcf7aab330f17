"""Diagnostics reused across publishes are the ones a fresh conversion gives."""

from __future__ import annotations

import random

from errhint.document import LiveDocument
from errhint.lsp import convert
from errhint.matcher import Matcher
from errhint.model import Entry, Signature


def _entry(entry_id: str, pattern: str) -> Entry:
    return Entry(
        id=entry_id, title=entry_id, tool="demo", signatures=(Signature("regex", pattern),), meaning="m", quick_fix="q"
    )


MATCHER = Matcher([_entry("demo/boom", r"BOOM-\d+"), _entry("demo/bang", r"BANG é+")])
LINES = ["ok", "BOOM-1 here", "✓ BANG éé", "plain", "x BOOM-22 y", ""]


def test_reused_diagnostics_equal_a_fresh_conversion():
    rng = random.Random(3)
    doc = LiveDocument("\n".join(rng.choice(LINES) for _ in range(400)), MATCHER)
    for step in range(150):
        line = rng.randrange(len(doc.lines))
        text = rng.choice(["", "BOOM-7", "é", "\n", "\nBANG é\n", "z"])
        end = min(line + rng.choice([0, 0, 1]), len(doc.lines) - 1)
        doc.edit(line, 0, end, 0, text)
        encoding = "utf-16" if step % 3 else "utf-8"
        published = convert.diagnostics_for(doc, encoding, 1000)
        fresh = LiveDocument(doc.text, MATCHER)
        assert published == [convert.diagnostic(fresh, f, encoding) for f in fresh.findings], step


def test_an_untouched_finding_keeps_its_diagnostic_object():
    doc = LiveDocument("BOOM-1\n" + "x\n" * 100 + "BOOM-2\n", MATCHER)
    first = convert.diagnostics_for(doc, "utf-16", 1000)
    doc.edit(50, 0, 50, 0, "y")  # no line moves: both findings keep their identity
    second = convert.diagnostics_for(doc, "utf-16", 1000)
    assert [d is e for d, e in zip(first, second, strict=True)] == [True, True]
    doc.edit(0, 0, 0, 0, "\n")  # every line moves: both are converted again
    third = convert.diagnostics_for(doc, "utf-16", 1000)
    assert [d.range.start.line for d in third] == [1, 102]


def test_json_diagnostics_equal_the_converted_objects():
    """What ``publish`` sends (cached JSON values) is what pygls would serialise, edit after edit."""
    from pygls.protocol import default_converter

    unstructure = default_converter().unstructure
    rng = random.Random(5)
    doc = LiveDocument("\n".join(rng.choice(LINES) for _ in range(300)), MATCHER)
    for step in range(60):
        line = rng.randrange(len(doc.lines))
        doc.edit(line, 0, line, 0, rng.choice(["", "BOOM-7", "é", "\n", "z"]))
        encoding = "utf-16" if step % 4 else "utf-8"
        cap = 1000 if step % 3 else 5  # with the "more not shown" summary too
        sent = convert.diagnostics_json(doc, encoding, cap, unstructure)
        assert sent == [unstructure(d) for d in convert.diagnostics_for(doc, encoding, cap)], step
