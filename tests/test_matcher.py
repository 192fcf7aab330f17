"""Matcher: anchors, one-pass prefilter, overlaps, fuzzy, bounds, and every bundled entry's examples."""

from __future__ import annotations

import time

import pytest

from errhint.catalog import Pack, bundled_knowledge_dir, load_catalog
from errhint.matcher import Matcher
from errhint.model import Entry, Signature
from errhint.patterns import CompiledSignature, PatternError

BUNDLED = load_catalog([Pack(bundled_knowledge_dir(), "bundled")])
ALL = list(BUNDLED)


def entry(entry_id: str, *sigs: Signature, trusted: bool = True) -> Entry:
    return Entry(
        id=entry_id,
        title=entry_id,
        tool=entry_id.split("/")[0],
        signatures=sigs,
        meaning="m",
        quick_fix="q",
        trusted=trusted,
        pack="bundled" if trusted else "workspace",
    )


def regex(p: str, **kw) -> Signature:
    return Signature("regex", p, **kw)


def test_anchor_is_the_longest_required_literal():
    c = CompiledSignature(regex(r'API Error: 4\d\d .*"authentication_error"'), True)
    assert c.anchors == {'"authentication_error"'}


def test_alternation_yields_a_set_of_anchors():
    c = CompiledSignature(regex(r"npm (?:ERR!|error) code (?:EACCES|EPERM)"), True)
    assert c.anchors == {" code e"}  # sre factors the common prefix E out of the branch
    c2 = CompiledSignature(regex(r"(?:EADDRINUSE|ECONNREFUSED): "), True)
    assert c2.anchors == {"addrinuse", "connrefused"}


def test_unanchored_pattern_is_refused():
    m = Matcher([entry("demo/x", regex(r"\d+ \w+"))])
    assert m.problems and "anchor" in m.problems[0].message
    assert m.entries == []


def test_prefilter_finds_the_same_as_pure_python():
    text = "\n".join(f"line {i} ordinary output" for i in range(2000))
    text += "\nnpm error code EACCES\n" + "x" * 50 + "\nfatal: Authentication failed for 'https://example.com/r.git/'\n"
    fast = Matcher(ALL)
    slow = Matcher(ALL, pure_python=True)
    assert [(m.entry.id, m.start, m.end) for m in fast.scan(text)] == [
        (m.entry.id, m.start, m.end) for m in slow.scan(text)
    ]


def test_overlap_resolves_to_the_most_specific_entry():
    generic = entry("demo/generic", regex(r"API Error: 401"))
    specific = entry("demo/specific", regex(r"API Error: 401 .*OAuth token has expired"))
    found = Matcher([generic, specific]).scan('API Error: 401 {"message":"OAuth token has expired"}')
    assert [m.entry.id for m in found] == ["demo/specific"]


def test_higher_confidence_wins_over_specificity():
    weak = entry("demo/weak", regex(r"something long and specific failed", confidence=0.5))
    strong = entry("demo/strong", regex(r"specific failed"))
    found = Matcher([weak, strong]).scan("something long and specific failed")
    assert [m.entry.id for m in found] == ["demo/strong"]


def test_two_errors_on_two_lines_are_both_found():
    e = entry("demo/x", regex(r"BOOM-\d+"))
    found = Matcher([e]).scan("BOOM-1\nok\nBOOM-2")
    assert [(m.start, m.text) for m in found] == [(0, "BOOM-1"), (10, "BOOM-2")]


def test_fuzzy_signature_matches_reworded_text_with_lower_confidence():
    e = entry("demo/fuzzy", Signature("fuzzy", "Could not connect to the inference server", confidence=0.8))
    found = Matcher([e]).scan("2024-01-01T00:00:00Z Couldn't connect to inference server, retrying")
    assert found and 0.6 < found[0].confidence <= 0.8
    assert "connect" in found[0].text
    assert not Matcher([e]).scan("the inference server is healthy")


def test_ignore_case():
    e = entry("demo/ci", Signature("literal", "Connection Refused", ignore_case=True))
    assert Matcher([e]).scan("connection refused")
    e2 = entry("demo/cs", Signature("literal", "Connection Refused"))
    assert not Matcher([e2]).scan("connection refused")


def test_multi_line_signature():
    e = entry("demo/ml", regex(r"Traceback \(most recent call last\):\n(?:.*\n){0,3}ModuleNotFoundError", lines=4))
    text = 'Traceback (most recent call last):\n  File "x.py", line 1\n    import y\nModuleNotFoundError: y'
    assert Matcher([e]).scan(text)


def test_huge_line_only_windows_are_searched():
    e = entry("demo/x", regex(r"BOOM-\d+ .*end"))
    text = "a" * 2_000_000 + " BOOM-1 middle end " + "b" * 2_000_000
    t = time.perf_counter()
    found = Matcher([e]).scan(text)
    assert found and found[0].text == "BOOM-1 middle end"
    assert time.perf_counter() - t < 30  # generous: this guards against quadratic scans, not speed


def test_untrusted_catastrophic_pattern_cannot_stall():
    hostile = entry("evil/redos", regex(r"(a+)+\$anchor"), trusted=False)
    m = Matcher([hostile])
    text = "anchor " + "a" * 5000 + "!"
    t = time.perf_counter()
    m.scan(text + "\n$anchor")
    assert time.perf_counter() - t < 10


def test_untrusted_backreference_is_refused():
    with pytest.raises(PatternError):
        CompiledSignature(regex(r"(abc)\1"), trusted=False)


def test_nested_repetition_refused_without_re2(monkeypatch):
    import errhint.patterns as p

    monkeypatch.setattr(p, "_re2", None)
    with pytest.raises(PatternError, match="nested repetition"):
        CompiledSignature(regex(r"(a+)+anchor"), trusted=False)


def test_secrets_are_not_needed_to_match_but_spans_are_exact():
    e = entry("demo/x", regex(r"invalid x-api-key"))
    text = "\x1b[31mError: invalid x-api-key\x1b[0m"
    (m,) = Matcher([e]).scan(text)
    assert text[m.start : m.end] == "invalid x-api-key"


@pytest.mark.parametrize("e", ALL, ids=lambda e: e.id)
def test_bundled_examples_match_and_counterexamples_do_not(e):
    m = Matcher([e])
    for example in e.examples:
        assert m.scan(example), f"{e.id}: example does not match: {example!r}"
    for counter in e.counterexamples:
        assert not m.scan(counter), f"{e.id}: counterexample matches: {counter!r}"


def test_bundled_examples_survive_ansi_and_crlf():
    m = Matcher(ALL)
    for e in ALL:
        for example in e.examples:
            decorated = "\x1b[31m" + example.replace("\n", "\r\n") + "\x1b[0m\r\n"
            ids = {x.entry.id for x in m.scan(decorated)}
            assert ids, f"{e.id}: decorated example not recognised"
