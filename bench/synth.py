"""Synthetic knowledge packs and generated logs for the benchmarks (deterministic).

Synthetic entries are copies of the bundled entries whose signatures get one
word made unique (``Authentication`` -> ``Authenticationqkb``), so they keep the
shape of real signatures (literals, classes, alternations, counted repeats) but
each has anchors of its own and the anchor set grows with the entry count.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from errhint.catalog import Pack, bundled_knowledge_dir, load_catalog  # noqa: E402

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
    "\x1b[1m\x1b[34m==>\x1b[0m Building target app-{n} (release)",
    "{ts} WARN  retrying GET /health ({n}/5)",
]


def bundled_catalog():
    return load_catalog([Pack(bundled_knowledge_dir(), "bundled")])


def single_line_examples(catalog) -> list[str]:
    return [x for e in catalog for x in e.examples if "\n" not in x and "\r" not in x]


def generate_log(path: Path, megabytes: float, examples: list[str], rate: float, seed: int = 7) -> int:
    """Write a noisy log of about ``megabytes`` MB; returns how many catalog examples went in."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    written = 0
    inserted = 0
    chunk: list[str] = []
    with open(path, "w", encoding="utf-8", newline="") as fh:
        while written < target:
            if examples and rng.random() < rate:
                line = rng.choice(examples)
                inserted += 1
            else:
                line = rng.choice(NOISE).format(ts=f"2026-11-25T12:{rng.randrange(60):02d}:00Z", n=rng.randrange(9999))
            chunk.append(line)
            written += len(line.encode("utf-8")) + 1
            if len(chunk) >= 4096:
                fh.write("\n".join(chunk) + "\n")
                chunk.clear()
        if chunk:
            fh.write("\n".join(chunk) + "\n")
    return inserted


def _code(k: int) -> str:
    out = ""
    k += 26 * 26
    while k:
        k, r = divmod(k, 26)
        out += chr(ord("a") + r)
    return out


_WORD = re.compile(r"(?<![\\\[{])\b[A-Za-z]{4,}\b(?![^\[]*\])")


def _mutate(pattern: str, code: str) -> str:
    m = _WORD.search(pattern)
    if m is None:
        return pattern + code if pattern.isalnum() else pattern
    return pattern[: m.end()] + code + pattern[m.end() :]


def write_synthetic_pack(directory: Path, count: int) -> Path:
    """A pack of ``count`` synthetic entries under directory/synth/; returns the pack root."""
    sources = sorted(bundled_knowledge_dir().rglob("*.yaml"))
    out = directory / "synth"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):
        old.unlink()
    for k in range(count):
        data = yaml.safe_load(sources[k % len(sources)].read_text(encoding="utf-8"))
        code = _code(k)
        data["id"] = f"synth/e{k}"
        data["tool"] = "synth"
        sigs = []
        for sig in data.get("signatures") or []:
            sig = dict(sig)
            for kind in ("regex", "literal", "fuzzy"):
                if kind in sig:
                    sig[kind] = _mutate(sig[kind], code)
            sig.pop("anchors", None)
            sigs.append(sig)
        data["signatures"] = sigs
        for key in ("examples", "counterexamples", "related"):
            data.pop(key, None)
        (out / f"e{k}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory


def synthetic_entries(directory: Path, count: int):
    write_synthetic_pack(directory, count)
    catalog = load_catalog([Pack(directory, "path")])
    return list(catalog), catalog.problems


if __name__ == "__main__":  # pragma: no cover - manual use
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        entries, problems = synthetic_entries(Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 50)
        print(len(entries), "entries;", len(problems), "problems")
        for p in problems[:5]:
            print(" ", p)
