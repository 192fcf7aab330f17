"""Shared fixtures: temporary knowledge packs and a minimal valid entry."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT.parent / "shared" / "seeds" / "000_61778d4ad1737606.txt"
SEED_LINE = (
    'API Error: 401 {"type":"error","error":{"type":"authentication_error",'
    '"message":"Invalid authentication credentials"}}'
)
SEED_ID = "claude-code/auth-401-invalid-credentials"

MINIMAL = """\
id: {id}
title: Demo failure
tool: {tool}
quick_fix: Restart the demo.
meaning: The demo failed.
signatures:
  - regex: '{regex}'
sources:
  - title: Demo docs
    url: https://example.com/docs
examples:
  - "{example}"
counterexamples:
  - "nothing to see here"
"""


def entry_yaml(
    entry_id: str = "demo/failure", regex: str = r"DEMO-FAILURE \d+", example: str = "DEMO-FAILURE 42", **extra: str
) -> str:
    text = MINIMAL.format(id=entry_id, tool=entry_id.split("/")[0], regex=regex, example=example)
    for key, value in extra.items():
        text += f"{key}: {value}\n"
    return text


@pytest.fixture
def pack(tmp_path: Path):
    """Write entries into a temporary pack: pack({'demo/x': yaml_text}) -> root."""

    def write(entries: dict[str, str]) -> Path:
        for entry_id, text in entries.items():
            path = tmp_path / "pack" / f"{entry_id}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return tmp_path / "pack"

    return write


@pytest.fixture
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """No user pack, no colour, no secrets from the developer's shell."""
    monkeypatch.setenv("ERRHINT_USER_KNOWLEDGE", str(tmp_path / "no-user-pack"))
    monkeypatch.setenv("NO_COLOR", "1")
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL", "CLAUDE_CODE_OAUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def errhint_cmd() -> list[str]:
    return [sys.executable, "-m", "errhint"]
