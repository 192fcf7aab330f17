"""Incremental = full through the real language server (property-based).

Random sequences of LSP ``didChange`` edits (inserts, deletes, multi-line
replaces, CRLF, emoji as UTF-16 surrogate pairs, edits that cut through a
match) are sent to one real ``errhint serve`` process; the diagnostics it
publishes for the edited document must equal those it publishes for a fresh
document opened with the final text. The client side models the document the
way an LSP client does: lines end at ``\\n`` or ``\\r\\n`` and columns are
UTF-16 code units.

``make fuzz`` runs thousands of sequences (ERRHINT_FUZZ_LSP_EXAMPLES).
"""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEED_LINE, entry_yaml
from hardening_rpc import RpcServer, server_env

EXAMPLES = int(os.environ.get("ERRHINT_FUZZ_LSP_EXAMPLES", "200"))

PIECES = [
    "BOOM-1",
    "BOOM-22",
    "BOO",
    "M-3",
    "ok",
    "\n",
    "\r\n",
    "\n\n",
    " ",
    "😀",
    "🙂日本",
    "é",
    '{"type":',
    '"authentication_error"',
    "API Error: 401 ",
    SEED_LINE,
    SEED_LINE[:30],
    SEED_LINE[30:],
    "Traceback\n",
    "TRACE-ERR",
]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
_BREAK = re.compile(r"\r\n|\n")


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


class ClientDoc:
    """A document as an LSP client sees it: lines and UTF-16 columns."""

    def __init__(self, text: str) -> None:
        self.text = text

    def lines(self) -> list[tuple[int, int]]:
        """(start offset, end offset without the line break) of every line."""
        out, pos = [], 0
        for m in _BREAK.finditer(self.text):
            out.append((pos, m.start()))
            pos = m.end()
        out.append((pos, len(self.text)))
        return out

    def offset(self, line: int, char16: int) -> int:
        start, end = self.lines()[line]
        units = 0
        for i in range(start, end):
            if units >= char16:
                return i
            units += utf16(self.text[i])
        return end

    def apply(self, sl: int, sc: int, el: int, ec: int, new: str) -> None:
        a, b = self.offset(sl, sc), self.offset(el, ec)
        self.text = self.text[:a] + new + self.text[b:]


@st.composite
def lsp_edit(draw, doc: ClientDoc):
    lines = doc.lines()

    def position(line: int, lo16: int = 0) -> int:
        start, end = lines[line]
        # every code-point boundary of the line, in UTF-16 units (never inside a surrogate pair)
        cols = list(itertools.accumulate((utf16(c) for c in doc.text[start:end]), initial=0))
        cols = [c for c in cols if c >= lo16]
        return draw(st.sampled_from(cols))

    sl = draw(st.integers(0, len(lines) - 1))
    el = draw(st.integers(sl, min(len(lines) - 1, sl + 3)))
    sc = position(sl)
    ec = position(el, sc if el == sl else 0)
    return sl, sc, el, ec, draw(TEXT)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root: Path = tmp_path_factory.mktemp("fuzzpack")
    for entry_id, regex, example in (
        ("demo/boom", r"BOOM-\d+", "BOOM-7"),
        ("demo/trace", r"Traceback\n.*TRACE-ERR", "Traceback\\nTRACE-ERR"),
    ):
        path = root / "pack" / f"{entry_id}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = entry_yaml(entry_id, regex=regex, example=example)
        if entry_id == "demo/trace":
            sig = "  - regex: 'Traceback\\n.*TRACE-ERR'"
            text = text.replace(sig, sig + "\n    lines: 1")
        path.write_text(text, encoding="utf-8")
    srv = RpcServer(server_env())
    srv.initialize(knowledgePaths=[str(root / "pack")], maxDiagnostics=10_000)
    assert not [m for m in srv.logs() if m.startswith("knowledge:")], srv.logs()  # both demo entries load
    yield srv
    srv.close()


_counter = itertools.count()


def comparable(diags: list[dict]) -> list[tuple]:
    return sorted(
        (
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["line"],
            d["range"]["end"]["character"],
            d.get("code"),
            d["message"],
        )
        for d in diags
    )


def check_sequence(server: RpcServer, initial: str, data) -> None:
    n = next(_counter)
    uri = f"file:///fuzz/edited-{n}.log"
    doc = ClientDoc(initial)
    server.open(uri, initial)
    server.diagnostics(uri, version=1)
    version = 1
    for _ in range(data.draw(st.integers(1, 6), label="edits")):
        sl, sc, el, ec, new = data.draw(lsp_edit(doc), label="edit")
        version += 1
        server.change(uri, version, sl, sc, el, ec, new)
        doc.apply(sl, sc, el, ec, new)
    edited = server.diagnostics(uri, version=version)
    fresh_uri = f"file:///fuzz/fresh-{n}.log"
    server.open(fresh_uri, doc.text)
    fresh = server.diagnostics(fresh_uri, version=1)
    for u in (uri, fresh_uri):
        server.notify("textDocument/didClose", {"textDocument": {"uri": u}})
    assert comparable(edited) == comparable(fresh), repr(doc.text)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(initial=TEXT, data=st.data())
def test_lsp_incremental_edits_equal_fresh_open(server, initial, data):
    check_sequence(server, initial, data)


def _fresh(server: RpcServer, text: str) -> list[tuple]:
    uri = f"file:///fuzz/fresh-{next(_counter)}.log"
    server.open(uri, text)
    return comparable(server.diagnostics(uri, version=1))


def test_edit_through_the_middle_of_a_match_and_back(server):
    """A deterministic case: break a match with a CRLF and junk, then restore it."""
    uri = "file:///fuzz/cut.log"
    doc = ClientDoc("😀 " + SEED_LINE + "\r\nnext\r\n")
    server.open(uri, doc.text)
    assert len(server.diagnostics(uri, version=1)) == 1
    mid = 3 + 12  # UTF-16: emoji (2) + space (1) + 12 characters into "API Error: 401 ..."
    steps = [(0, mid, 0, mid, "\r\n###\r\n"), (0, mid, 2, 0, ""), (0, 0, 0, 3, "日本"), (1, 0, 2, 0, "")]
    for version, step in enumerate(steps, start=2):
        server.change(uri, version, *step)
        doc.apply(*step)
        assert comparable(server.diagnostics(uri, version=version)) == _fresh(server, doc.text), repr(doc.text)
    assert doc.text == "日本" + SEED_LINE + "\r\n"
    assert [d[:2] for d in _fresh(server, doc.text)] == [(0, 2)]
