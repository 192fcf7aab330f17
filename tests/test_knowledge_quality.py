"""The bundled knowledge base meets its bar: complete entries, real examples, no false positives."""

from __future__ import annotations

import os
import sysconfig
from collections import Counter

import pytest

from errhint.catalog import Pack, bundled_knowledge_dir, load_catalog
from errhint.matcher import Matcher

CATALOG = load_catalog([Pack(bundled_knowledge_dir(), "bundled")])
ENTRIES = list(CATALOG)
MATCHER = Matcher(ENTRIES)


def test_catalog_size_and_breadth():
    tools = Counter(e.tool for e in ENTRIES)
    assert len(ENTRIES) >= 150
    assert len(tools) >= 12
    assert tools["claude-code"] >= 35
    for tool in (
        "codex",
        "gemini-cli",
        "copilot",
        "cursor",
        "aider",
        "continue",
        "ollama",
        "openai-sdk",
        "anthropic-sdk",
        "npm",
        "node",
        "pip",
        "python",
        "git",
        "docker",
        "tls",
        "proxy",
    ):
        assert tools[tool] >= 3, tool


@pytest.mark.parametrize("e", ENTRIES, ids=lambda e: e.id)
def test_entry_is_complete(e):
    assert len(e.examples) >= 2, "at least two real examples"
    assert e.counterexamples, "at least one look-alike that must not match"
    assert e.sources and all(s.url.startswith("https://") for s in e.sources)
    for section in ("meaning", "why", "quick_fix", "causes", "fixes", "checks", "steps", "prevention", "faq"):
        assert getattr(e, section), f"{section} is empty"
    assert any(f.commands for f in e.fixes), "at least one fix with a command"
    for rel in e.related:
        assert rel in CATALOG.entries, f"related id {rel} does not exist"
    for c in list(e.causes) + list(e.fixes):
        assert c.source is None or c.source < len(e.sources)


@pytest.mark.parametrize("e", ENTRIES, ids=lambda e: e.id)
def test_examples_resolve_to_their_own_entry_in_the_full_catalog(e):
    for example in e.examples:
        ids = [m.entry.id for m in MATCHER.scan(example)]
        assert e.id in ids, f"{example[:120]!r} resolves to {ids}"


def test_no_false_positives_on_ordinary_source_code():
    """2.5 MB of the standard library (http, ssl, subprocess, logging...) mentions many error words."""
    lib = sysconfig.get_paths()["stdlib"]
    scanned = 0
    hits = []
    for name in ("http", "email", "logging", "unittest", "json", "asyncio", "urllib", "venv", "ensurepip"):
        for root, _dirs, files in os.walk(os.path.join(lib, name)):
            for f in files:
                if f.endswith(".py"):
                    with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
                        text = fh.read()
                    scanned += len(text)
                    hits += [(f, m.entry.id, m.text[:80]) for m in MATCHER.scan(text)]
    assert scanned > 1_000_000
    assert hits == []


def test_no_false_positives_on_ordinary_logs():
    lines = [
        "401 tests passed, 0 failed",
        "if response.status_code == 401:",
        "  raise AuthenticationError('bad key')  # see docs",
        "grep -rn 'rate_limit_error' src/",
        "INFO retrying in 2s (attempt 1/5)",
        "npm notice New minor version of npm available!",
        "Successfully installed requests-2.32.3",
        "Everything up-to-date",
        "docker: pulling from library/python",
        "✓ 128 passed (3.1s)",
    ]
    assert MATCHER.scan("\n".join(lines * 50)) == []


def test_noise_corpus_yields_zero_matches():
    from noise_corpus import generate

    text = generate()
    assert len(text) > 2_000_000
    hits = [(m.entry.id, m.text[:80]) for m in MATCHER.scan(text)]
    assert hits == []


def test_no_example_is_claimed_by_a_different_entry_with_higher_confidence():
    from errhint.catalog import ambiguity_problems

    assert [str(p) for p in ambiguity_problems(CATALOG, MATCHER)] == []
