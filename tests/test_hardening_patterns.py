"""Hostile patterns: a catastrophic-backtracking regex in an untrusted pack cannot stall matching.

With google-re2 (a dependency) untrusted patterns run on RE2, in linear time.
On a bare interpreter without it, the shapes that backtrack badly on Python's
``re`` are refused when the pack loads, with file:line. Both are proven, the
second by hiding ``re2`` from the server process. Time bounds are generous
(seconds where the unguarded pattern takes minutes or hours).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from conftest import SEED_LINE, entry_yaml
from errhint.catalog import Pack, load_catalog
from errhint.matcher import Matcher
from hardening_rpc import RpcServer, server_env

EVIL = {
    "nested": r"EVILX(a+)+$",
    "alternation": r"EVILY(a|a)*$",
    "polynomial": r"EVILZ.*.*.*=$",
    "words": r"EVILW(\w+\s?)*$",
}
EVIL_LINE = {"nested": "EVILX", "alternation": "EVILY", "polynomial": "EVILZ", "words": "EVILW"}
BOUND = 10.0  # seconds; unguarded, these patterns take minutes (8 KB window) to forever


def hostile_text(lines: int = 40, width: int = 8000) -> str:
    rows = [SEED_LINE]
    for i in range(lines):
        prefix = list(EVIL_LINE.values())[i % len(EVIL_LINE)]
        rows.append(prefix + "a" * width + "!")
    rows.append(SEED_LINE)
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def evil_pack(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("evil") / "knowledge"
    for name, regex in EVIL.items():
        path = root / "evil" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        example = EVIL_LINE[name] + ("a" if name != "polynomial" else "a=")
        path.write_text(entry_yaml(f"evil/{name}", regex=regex, example=example), encoding="utf-8")
    return root


@pytest.fixture
def no_re2(monkeypatch):
    import errhint.patterns as patterns

    monkeypatch.setattr(patterns, "_re2", None)


def test_untrusted_patterns_run_on_re2(evil_pack):
    cat = load_catalog([Pack(evil_pack, "workspace")])
    assert sorted(cat.entries) == [f"evil/{n}" for n in sorted(EVIL)], cat.problems
    matcher = Matcher(list(cat))
    assert {c.engine for _, _, c in matcher._sigs} == {"re2"}
    start = time.monotonic()
    matches = matcher.scan(hostile_text())
    assert time.monotonic() - start < BOUND
    assert not matches
    assert [m.entry.id for m in matcher.scan("EVILXaaaa\nEVILYaa\nEVILZ x = y =")] == [
        "evil/nested",
        "evil/alternation",
        "evil/polynomial",
    ]  # still matching, not just skipping


def test_bundled_patterns_are_trusted_and_untrusted_ones_are_not(evil_pack):
    cat = load_catalog([Pack(evil_pack, "user")])
    assert all(not e.trusted and e.pack == "user" for e in cat)


@pytest.mark.parametrize("name", sorted(EVIL))
def test_without_re2_backtracking_shapes_are_refused_with_file_line(evil_pack, no_re2, name):
    cat = load_catalog([Pack(evil_pack, "path")])
    assert f"evil/{name}" not in cat.entries
    (problem,) = [p for p in cat.problems if p.path.endswith(f"{name}.yaml")]
    assert problem.line == 7 and "signatures[0]" in problem.message
    assert "untrusted" in problem.message


def test_without_re2_ordinary_untrusted_patterns_still_load(tmp_path, no_re2):
    root = tmp_path / "knowledge" / "demo"
    root.mkdir(parents=True)
    (root / "failure.yaml").write_text(entry_yaml(regex=r"DEMO-FAILURE (?P<code>\d+) at \S+"), encoding="utf-8")
    cat = load_catalog([Pack(tmp_path / "knowledge", "path")])
    assert "demo/failure" in cat.entries, cat.problems


def test_without_re2_trusted_bundled_shapes_are_not_affected(tmp_path, no_re2):
    root = tmp_path / "knowledge" / "demo"
    root.mkdir(parents=True)
    (root / "failure.yaml").write_text(entry_yaml(regex=r"DEMO-FAILURE (?:a|b)+ .* \d+"), encoding="utf-8")
    assert "demo/failure" in load_catalog([Pack(tmp_path / "knowledge", "bundled")]).entries


def _hover_time(srv: RpcServer, uri: str, line: int) -> tuple[float, dict]:
    start = time.monotonic()
    reply = srv.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 5}}, timeout=60
    )
    return time.monotonic() - start, reply


@pytest.mark.parametrize("hide_re2", [False, True], ids=["re2", "no-re2"])
def test_hover_stays_responsive_with_hostile_pack_loaded(evil_pack, tmp_path, hide_re2):
    # own cache: the compiled-catalog cache key does not record whether RE2 was importable
    env = server_env(ERRHINT_CACHE_DIR=str(tmp_path / "cache"))
    if hide_re2:  # a module named re2 that fails to import, as on an interpreter without google-re2
        fake = tmp_path / "fake-re2"
        fake.mkdir()
        (fake / "re2.py").write_text("raise ImportError('hidden for this test')\n")
        env["PYTHONPATH"] = str(fake)
    text = hostile_text()
    with RpcServer(env) as srv:
        srv.initialize(knowledgePaths=[str(evil_pack)])
        logs = "\n".join(srv.logs())
        if hide_re2:
            for name in EVIL:
                assert f"{name}.yaml:7:" in logs and "google-re2" in logs, logs
        uri = "file:///evil/session.log"
        start = time.monotonic()
        srv.open(uri, text)
        diags = srv.diagnostics(uri, version=1, timeout=60)
        assert time.monotonic() - start < BOUND
        assert [d["range"]["start"]["line"] for d in diags if d["code"].startswith("claude-code/")] == [0, 41]
        for line in (0, 41, 5):
            elapsed, reply = _hover_time(srv, uri, line)
            assert elapsed < BOUND, elapsed
        assert reply.get("result") is None or "contents" in reply["result"]
        # an edit inside a hostile line is rescanned without stalling either
        srv.change(uri, 2, 3, 100, 3, 100, "a" * 50)
        start = time.monotonic()
        srv.diagnostics(uri, version=2, timeout=60)
        elapsed, _ = _hover_time(srv, uri, 0)
        assert time.monotonic() - start < BOUND
