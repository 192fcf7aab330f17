"""Benchmarks: errhint's scan side by side with grep and a naive loop, as ratios.

Not a test: it prints a table and writes bench/RESULTS.md. Inputs are generated
deterministically (build output, test-runner lines, timestamped server logs,
ANSI colours, progress bars) with catalog examples sprinkled in at a known rate.
`make bench` runs it at full size; the test suite runs it on a tiny input so it
cannot rot.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from errhint.catalog import Pack, bundled_knowledge_dir, load_catalog  # noqa: E402
from errhint.findings import scan_stream  # noqa: E402
from errhint.matcher import Matcher  # noqa: E402

NOISE = [
    "[{ts}] INFO  request handled in {n} ms path=/api/v1/items/{n}",
    "\x1b[32m✓\x1b[0m test_case_{n} passed ({n} ms)",
    "  compiling src/module_{n}.c -> build/module_{n}.o",
    "{ts} DEBUG cache hit key=item:{n}",
    "npm http fetch GET 200 https://registry.example/pkg-{n} {n}ms (cache hit)",
    "Downloading layer {n}  [=====>      ] {n}%\rDownloading layer {n}  [==========>] 100%",
    "WARN deprecated option --foo-{n}; use --bar instead",
    "  at Object.<anonymous> (/app/src/file_{n}.js:{n}:12)",
    "401 tests passed, 0 failed",
]


def generate(path: Path, megabytes: float, examples: list[str], rate: float, seed: int = 7) -> int:
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    written = 0
    inserted = 0
    with open(path, "w", encoding="utf-8") as fh:
        while written < target:
            if examples and rng.random() < rate:
                line = rng.choice(examples)
                inserted += 1
            else:
                line = rng.choice(NOISE).format(ts=f"2026-11-25T12:{rng.randrange(60):02d}:00Z", n=rng.randrange(9999))
            fh.write(line + "\n")
            written += len(line) + 1
    return inserted


def grep_patterns(matcher: Matcher) -> list[str]:
    """The catalog's regex/literal signatures in POSIX ERE where they translate."""
    out = []
    for _entry, _i, compiled in matcher._sigs:
        sig = compiled.sig
        if sig.kind == "fuzzy":
            continue
        p = re.escape(sig.pattern) if sig.kind == "literal" else sig.pattern
        p = p.replace("(?:", "(").replace("\\d", "[0-9]").replace("(?i)", "")
        if "(?" in p or "\\n" in p:
            continue
        out.append(p)
    return out


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=float, default=100.0, help="log size in MB (default 100)")
    ap.add_argument("--rate", type=float, default=0.001, help="fraction of lines that are catalog examples")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    ap.add_argument("--work", default=str(ROOT / "bench" / "data"))
    args = ap.parse_args(argv)

    catalog = load_catalog([Pack(bundled_knowledge_dir(), "bundled")])
    entries = list(catalog)
    matcher = Matcher(entries)
    examples = [x for e in entries for x in e.examples if "\n" not in x]
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    log = work / f"bench-{args.size:g}MB.log"
    inserted = generate(log, args.size, examples, args.rate)
    patterns = grep_patterns(matcher)
    pat_file = work / "patterns.txt"
    pat_file.write_text("\n".join(patterns) + "\n", encoding="utf-8")
    compiled = [re.compile(p) for p in patterns]

    rows: list[tuple[str, float, str]] = []
    found: dict[str, int] = {}

    def run_errhint():
        with open(log, "rb") as fh:
            found["errhint"] = len(scan_stream(matcher, fh, str(log)))

    def run_naive():
        n = 0
        with open(log, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if any(c.search(line) for c in compiled):
                    n += 1
        found["naive"] = n

    t_errhint = timed(run_errhint)
    rows.append(("errhint scan (in-process)", t_errhint, f"{found['errhint']} matches"))
    env = {**os.environ, "LC_ALL": "C"}
    if shutil.which("grep"):

        def run_grep():
            r = subprocess.run(["grep", "-c", "-E", "-f", str(pat_file), str(log)], capture_output=True, env=env)
            found["grep"] = int(r.stdout.strip() or 0)

        t_grep = timed(run_grep)
        rows.append(("grep -E -f (same signatures)", t_grep, f"{found['grep']} lines"))
    if shutil.which("rg"):

        def run_rg():
            r = subprocess.run(["rg", "-c", "-f", str(pat_file), str(log)], capture_output=True)
            found["rg"] = int(r.stdout.strip() or 0)

        rows.append(("rg -f (same signatures)", timed(run_rg), f"{found['rg']} lines"))
    if args.size <= 20:
        rows.append(("naive: every regex on every line (Python)", timed(run_naive, 1), f"{found['naive']} lines"))
    size_mb = log.stat().st_size / 1024 / 1024
    lines = [
        f"# errhint benchmarks ({platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})",
        "",
        f"Input: {size_mb:.1f} MB generated log, {inserted} catalog examples inserted, "
        f"{len(entries)} entries, {len(patterns)} signatures exported to grep.",
        "",
        "| what | seconds | MB/s | vs errhint | result |",
        "|---|---:|---:|---:|---|",
    ]
    for name, secs, result in rows:
        lines.append(f"| {name} | {secs:.3f} | {size_mb / secs:.1f} | {secs / t_errhint:.2f}× | {result} |")
    report = "\n".join(lines) + "\n"
    print(report)
    Path(args.out).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
