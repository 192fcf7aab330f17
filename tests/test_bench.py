"""The benchmark scripts run end to end on tiny inputs (timings are printed, never asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

pytestmark = pytest.mark.xdist_group("bench")


def test_synthetic_pack_and_log(tmp_path: Path):
    from synth import bundled_catalog, generate_log, single_line_examples, synthetic_entries

    entries, problems = synthetic_entries(tmp_path / "pack", 12)
    assert len(entries) == 12 and problems == []
    assert len({a for e in entries for s in e.signatures for a in (s.pattern,)}) > 1
    examples = single_line_examples(bundled_catalog())
    log = tmp_path / "x.log"
    inserted = generate_log(log, 0.02, examples, 0.05)
    assert inserted > 0 and log.stat().st_size >= 0.02 * 1024 * 1024


def test_lsp_client_round_trip():
    import lsp
    from synth import bundled_catalog, single_line_examples

    examples = single_line_examples(bundled_catalog())
    e2e = lsp.end_to_end([50], examples, 2)
    assert e2e["open 50"] > 0 and "edit 50" in e2e
    assert lsp.server_side([50], examples, 2)["edit 50"] > 0


def test_bench_quick_mode_writes_every_row(tmp_path: Path):
    out = tmp_path / "RESULTS.md"
    res = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out), "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    report = out.read_text()
    for row in (
        "`errhint scan` (CLI, wall) vs `grep -E -f`",
        "naive Python loop",
        "scaling: `errhint scan`",
        "synthetic entries",
        "`initialize` reply",
        "first diagnostics",
        "one-line edit → republish",
        "peak RSS",
        "`errhint run -- cat",
        "`errhint run` of a command printing",
        "small file",
        "Machine:",
    ):
        assert row in report, row
