"""Coverage of the knowledge base: entries per tool and how full each section is."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .model import Entry

SECTIONS = (
    "meaning",
    "causes",
    "fixes",
    "checks",
    "steps",
    "prevention",
    "related",
    "faq",
    "sources",
    "examples",
    "counterexamples",
)


def _filled(entry: Entry, section: str) -> bool:
    value = getattr(entry, section)
    if section == "examples":
        return len(value) >= 2
    return bool(value)


def coverage(entries: Sequence[Entry]) -> dict:
    tools: dict[str, int] = {}
    for e in entries:
        tools[e.tool] = tools.get(e.tool, 0) + 1
    n = len(entries) or 1
    sections = {s: sum(_filled(e, s) for e in entries) for s in SECTIONS}
    fix_commands = sum(any(f.commands for f in e.fixes) for e in entries)
    checks = sum(any(c.check for c in e.causes) for e in entries)
    return {
        "entries": len(entries),
        "tools": dict(sorted(tools.items(), key=lambda kv: (-kv[1], kv[0]))),
        "sections": {s: {"filled": c, "percent": round(100 * c / n, 1)} for s, c in sections.items()},
        "with_fix_commands": fix_commands,
        "with_machine_checks": checks,
    }


def coverage_table(entries: Sequence[Entry], as_json: bool = False) -> str:
    data = coverage(entries)
    if as_json:
        return json.dumps(data, indent=2)
    lines = [f"{data['entries']} entries across {len(data['tools'])} tools", "", "entries per tool:"]
    lines += [f"  {tool:<20} {count:>4}" for tool, count in data["tools"].items()]
    lines += ["", "section coverage (examples: at least two):"]
    lines += [f"  {s:<16} {v['filled']:>4}  {v['percent']:>5.1f}%" for s, v in data["sections"].items()]
    lines += [
        "",
        f"  with fix commands:    {data['with_fix_commands']}",
        f"  with machine checks:  {data['with_machine_checks']}",
    ]
    return "\n".join(lines)
