"""The benchmark script runs end to end on a tiny input (timings are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_smoke(tmp_path: Path):
    out = tmp_path / "RESULTS.md"
    res = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--size",
            "0.2",
            "--rate",
            "0.01",
            "--out",
            str(out),
            "--work",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    report = out.read_text()
    assert "| errhint scan" in report and "grep -E -f" in report and "naive" in report
