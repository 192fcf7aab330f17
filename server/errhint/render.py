"""Turn an entry (+ where it matched, + this machine) into cards and reports.

One card model, several surfaces: markdown (hover, guide, reports) and the
terminal. Every string that leaves here has passed through ``redact``. The
first screen carries what helps most: the cause most likely on this machine and
the fix for it; the rest of the entry follows.
"""

from __future__ import annotations

import os
import platform
import re
import textwrap
from dataclasses import dataclass, field

from .context import Machine, RankedCause, RankedFix, rank_causes, rank_fixes
from .findings import Finding
from .model import Entry, Fix
from .redact import redact
from .terminal import columns

_BACKTICKS = re.compile(r"`{3,}")
PACK_LABELS = {
    "bundled": "bundled knowledge",
    "user": "your user knowledge pack",
    "workspace": "this workspace's knowledge pack",
    "path": "a knowledge pack from settings / --knowledge",
}
SHELL_LABELS = {"posix": "bash / zsh", "powershell": "PowerShell", "cmd": "cmd.exe"}
SHELL_FENCES = {"posix": "sh", "powershell": "powershell", "cmd": "bat"}


@dataclass
class Card:
    entry: Entry
    causes: list[RankedCause]
    fixes: list[RankedFix]
    matched_text: str = ""
    confidence: float | None = None
    captures: dict[str, str] = field(default_factory=dict)


def build_card(entry: Entry, machine: Machine, finding: Finding | None = None) -> Card:
    return Card(
        entry=entry,
        causes=rank_causes(entry, machine),
        fixes=rank_fixes(entry, machine),
        matched_text=finding.match.text if finding else "",
        confidence=finding.match.confidence if finding else None,
        captures=dict(finding.match.captures) if finding else {},
    )


def cause_line(rc: RankedCause) -> str:
    """A cause, with what this machine says about it (presence only)."""
    text = rc.cause.text
    if rc.result.value is True:
        note = rc.cause.when_true or rc.result.description
        return f"{text} — **likely here:** {note}"
    if rc.result.value is False:
        return f"{text} — *not detected here ({rc.result.description})*"
    return text


def pack_note(entry: Entry) -> str:
    label = PACK_LABELS.get(entry.pack, entry.pack)
    where = "" if entry.pack == "bundled" else f" ({entry.location.path})"
    return f"from {label}{where}"


def fix_commands(fix: Fix) -> list[tuple[str, str]]:
    return [(shell, redact(cmd)) for shell, cmd in fix.commands.items()]


def fenced(text: str, lang: str = "text") -> str:
    """A code block that text cannot close early: the fence is longer than any backtick run in it."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{text}\n{fence}"


def no_remote_images(markdown: str) -> str:
    """Turn image syntax outside code blocks into plain text, so showing a card never fetches a URL.

    Untrusted packs and matched log text end up in hover cards; an editor that renders
    ``![](https://…)`` would make a network request on errhint's behalf.
    """
    out, fence = [], ""
    for line in markdown.split("\n"):
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence) and not stripped.strip("`").strip():
                fence = ""
        elif stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif "![" in line or "<img" in line.lower():
            line = line.replace("![", "!\\[").replace("<img", "&lt;img").replace("<IMG", "&lt;IMG")
        out.append(line)
    return "\n".join(out)


def _md_bullets(items: list[str]) -> str:
    return "\n".join(f"- {i}" for i in items)


def _md_fix(rf: RankedFix, number: int, trusted_note: str) -> str:
    fix = rf.fix
    parts = [f"**{number}. {fix.title}**"]
    if rf.result.value is True and rf.result.description:
        parts[0] += f" — *applies here: {rf.result.description}*"
    for shell, cmd in fix_commands(fix):
        parts.append(f"{SHELL_LABELS.get(shell, shell)}:\n{fenced(cmd, SHELL_FENCES.get(shell, 'sh'))}")
    if fix.then:
        parts.append(f"Then: {fix.then}")
    if fix.caution:
        parts.append(f"⚠ {fix.caution}")
    if fix.commands and trusted_note:
        parts.append(trusted_note)
    return "\n\n".join(parts)


def markdown_card(card: Card, full: bool = True) -> str:
    """The hover / guide card. ``full=False`` keeps only the first screen."""
    e = card.entry
    out: list[str] = [f"### {e.title}"]
    meta = [e.tool_name, e.severity]
    if card.confidence is not None:
        meta.append(f"confidence {card.confidence:.0%}")
    meta.append(pack_note(e))
    out.append(" · ".join(meta) + f" · `{e.id}`")
    if card.matched_text:
        out.append(fenced(redact(card.matched_text.strip())[:500]))
    out.append(redact(e.meaning))
    untrusted = (
        ""
        if e.pack == "bundled"
        else f"*This command comes from {PACK_LABELS.get(e.pack, e.pack)}, not from errhint's bundled knowledge.*"
    )
    if card.causes:
        top = card.causes[0]
        out.append("**Most likely cause" + (" here" if top.likely_here else "") + ":** " + cause_line(top))
    if card.fixes:
        out.append("#### Quick fix\n\n" + _md_fix(card.fixes[0], 1, untrusted))
    elif e.quick_fix:
        out.append(f"**Quick fix:** {redact(e.quick_fix)}")
    if not full:
        if e.sources:
            out.append(f"[Source: {e.sources[0].title}]({e.sources[0].url})")
        return no_remote_images(redact("\n\n".join(out)))
    if len(card.causes) > 1:
        out.append(
            "#### Likely causes\n\n" + "\n".join(f"{i}. {cause_line(rc)}" for i, rc in enumerate(card.causes, 1))
        )
    if len(card.fixes) > 1:
        out.append(
            "#### More fixes\n\n" + "\n\n".join(_md_fix(rf, i, untrusted) for i, rf in enumerate(card.fixes[1:], 2))
        )
    if e.why:
        out.append("#### Why this happens\n\n" + redact(e.why))
    if e.checks:
        out.append("#### Checks for this tool\n\n" + _md_bullets([c.text for c in e.checks]))
    if e.steps:
        out.append("#### Step by step\n\n" + "\n".join(f"{i}. {s}" for i, s in enumerate(e.steps, 1)))
    if e.prevention:
        out.append("#### Prevention\n\n" + _md_bullets(list(e.prevention)))
    if e.related or e.see_also:
        out.append("#### Related errors\n\n" + _md_bullets([f"`{r}`" for r in e.related] + list(e.see_also)))
    if e.faq:
        out.append("#### FAQ\n\n" + "\n\n".join(f"**{f.q}**\n{f.a}" for f in e.faq))
    if e.sources:
        out.append(
            "#### Sources\n\n"
            + _md_bullets([f"[{s.title}]({s.url})" + (f" — {s.note}" if s.note else "") for s in e.sources])
        )
    return no_remote_images(redact("\n\n".join(out)))


# --- terminal ---------------------------------------------------------------


class Style:
    """ANSI styling that is a no-op when colour is off."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def bold(self, t: str) -> str:
        return self._wrap("1", t)

    def dim(self, t: str) -> str:
        return self._wrap("2", t)

    def red(self, t: str) -> str:
        return self._wrap("31", t)

    def yellow(self, t: str) -> str:
        return self._wrap("33", t)

    def green(self, t: str) -> str:
        return self._wrap("32", t)

    def cyan(self, t: str) -> str:
        return self._wrap("36", t)


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _wrap(text: str, width: int, indent: str = "  ", first: str | None = None) -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width=width,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    )


def terminal_card(card: Card, style: Style, width: int = 80, finding: Finding | None = None, full: bool = False) -> str:
    e = card.entry
    sev = {"error": style.red, "warning": style.yellow}.get(e.severity, style.cyan)
    lines: list[str] = []
    rule = "─" * min(width, 80)
    lines.append(style.dim(rule))
    head = e.title if e.title.lower().startswith(e.tool_name.lower()) else f"{e.tool_name}: {e.title}"
    lines.append(sev(style.bold(_wrap(head, width, indent="  ", first=""))))
    meta = [e.id]
    if card.confidence is not None:
        meta.append(f"confidence {card.confidence:.0%}")
    if finding is not None:
        meta.append(f"{finding.path}:{finding.line + 1}:{finding.column + 1}")
    if e.pack != "bundled":
        meta.append(pack_note(e))
    lines.append(style.dim(_wrap(" · ".join(meta), width, indent="  ", first="")))
    if card.matched_text:
        shown = redact(" ".join(card.matched_text.split()))
        if len(shown) > width * 2:
            shown = shown[: width * 2 - 1] + "…"
        lines.append(style.dim(_wrap(shown, width, indent="  │ ", first="  │ ")))
    lines.append("")
    lines.append(_wrap(redact(e.meaning), width, indent="", first=""))
    if card.causes:
        lines.append("")
        lines.append(style.bold("Likely causes"))
        limit = None if full else 3
        for i, rc in enumerate(card.causes[:limit], 1):
            text = rc.cause.text
            if rc.likely_here:
                text += f" [likely here: {rc.cause.when_true or rc.result.description}]"
            elif rc.ruled_out_here:
                text += f" [not detected here: {rc.result.description}]"
            marker = style.green("●") if rc.likely_here else "○"
            lines.append(_wrap(text, width, indent="     ", first=f"  {marker} {i}. "))
        if limit and len(card.causes) > limit:
            lines.append(style.dim(f"     … {len(card.causes) - limit} more (errhint explain {e.id})"))
    if card.fixes:
        lines.append("")
        lines.append(style.bold("Fixes"))
        limit = None if full else 2
        for i, rf in enumerate(card.fixes[:limit], 1):
            lines.append(_wrap(rf.fix.title, width, indent="     ", first=f"  {i}. "))
            commands = fix_commands(rf.fix)
            if commands and e.pack != "bundled":  # said next to the command, so it is never taken for bundled
                lines.append(style.yellow(f"     command from {PACK_LABELS.get(e.pack, e.pack)}, not errhint's own:"))
            for shell, cmd in commands:
                label = SHELL_LABELS.get(shell, shell)
                for n, cmd_line in enumerate(cmd.splitlines()):
                    prefix = f"     {label}: " if n == 0 else " " * (len(label) + 7)
                    lines.append(prefix + style.cyan(cmd_line))
            if rf.fix.then:
                lines.append(_wrap("then: " + rf.fix.then, width, indent="     "))
            if rf.fix.caution:
                lines.append(_wrap("caution: " + rf.fix.caution, width, indent="     "))
        if limit and len(card.fixes) > limit:
            lines.append(style.dim(f"     … {len(card.fixes) - limit} more (errhint explain {e.id})"))
    elif e.quick_fix:
        lines.append("")
        lines.append(_wrap("Quick fix: " + e.quick_fix, width, indent="  ", first=""))
    if full:
        for title, items in (
            ("Checks", [c.text for c in e.checks]),
            ("Steps", list(e.steps)),
            ("Prevention", list(e.prevention)),
            ("Related", list(e.related) + list(e.see_also)),
        ):
            if items:
                lines.append("")
                lines.append(style.bold(title))
                for i, item in enumerate(items, 1):
                    lines.append(_wrap(item, width, indent="     ", first=f"  {i}. "))
        if e.faq:
            lines.append("")
            lines.append(style.bold("FAQ"))
            for f in e.faq:
                lines.append(_wrap(f.q, width, indent="  ", first="  Q: "))
                lines.append(_wrap(f.a, width, indent="     ", first="  A: "))
    if e.sources:
        lines.append("")
        shown_sources = e.sources if full else e.sources[:2]
        for s in shown_sources:
            lines.append(style.dim(_wrap(f"{s.title}: {s.url}", width, indent="    ", first="  ↗ ")))
    return redact("\n".join(lines))


# --- machine-readable -------------------------------------------------------


def finding_json(f: Finding) -> dict:
    e = f.entry
    return {
        "id": e.id,
        "title": e.title,
        "tool": e.tool,
        "severity": e.severity,
        "path": f.path,
        "line": f.line + 1,
        "column": f.column + 1,
        "end_line": f.end_line + 1,
        "end_column": f.end_column + 1,
        "confidence": f.match.confidence,
        "text": redact(f.match.text),
        "quick_fix": redact(e.quick_fix),
        "pack": e.pack,
    }


def json_document(findings: list[Finding]) -> dict:
    return {"version": 1, "matches": [finding_json(f) for f in findings]}


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def sarif_document(findings: list[Finding], version: str) -> dict:
    rules: dict[str, dict] = {}
    results = []
    for f in findings:
        e = f.entry
        if e.id not in rules:
            rule = {
                "id": e.id,
                "name": e.id.replace("/", "_"),
                "shortDescription": {"text": e.title},
                "fullDescription": {"text": redact(e.meaning)},
                "defaultConfiguration": {"level": _SARIF_LEVEL.get(e.severity, "warning")},
                "help": {
                    "text": redact(e.quick_fix),
                    "markdown": markdown_card(build_card(e, Machine({})), full=False),
                },
            }
            if e.sources:
                rule["helpUri"] = e.sources[0].url
            rules[e.id] = rule
        results.append(
            {
                "ruleId": e.id,
                "level": _SARIF_LEVEL.get(e.severity, "warning"),
                "message": {"text": redact(f"{e.title} — {e.quick_fix}")},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.path},
                            "region": {
                                "startLine": f.line + 1,
                                "startColumn": f.column + 1,
                                "endLine": f.end_line + 1,
                                "endColumn": f.end_column + 1,
                                "snippet": {"text": redact(f.match.text)},
                            },
                        }
                    }
                ],
                "properties": {"confidence": f.match.confidence, "pack": e.pack},
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "errhint",
                        "version": version,
                        "informationUri": "https://github.com/errhint/errhint",
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(f: Finding) -> str:
    e = f.entry
    level = {"error": "error", "warning": "warning"}.get(e.severity, "notice")
    props = (
        f"file={_gh_escape(f.path, True)},line={f.line + 1},col={f.column + 1},"
        f"endLine={f.end_line + 1},endColumn={f.end_column + 1},title={_gh_escape(redact(e.title), True)}"
    )
    origin = "" if e.pack == "bundled" else f" [from {PACK_LABELS.get(e.pack, e.pack)}]"
    return f"::{level} {props}::{_gh_escape(redact(f'{e.quick_fix} ({e.id}){origin}'))}"


# --- report -----------------------------------------------------------------


def report_markdown(
    card: Card, finding: Finding | None, tool_version: str = "", fixes_tried: list[str] | None = None
) -> str:
    """A redacted report, ready to paste into an issue tracker."""
    e = card.entry
    rows = [
        ("Error", f"{e.title} (`{e.id}`)"),
        ("Tool", e.tool_name + (f" {tool_version}" if tool_version else "")),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Shell", os.path.basename(os.environ.get("SHELL", "") or os.environ.get("COMSPEC", "")) or "unknown"),
        ("Knowledge", pack_note(e)),
    ]
    if card.confidence is not None:
        rows.append(("Confidence", f"{card.confidence:.0%}"))
    out = ["## Error report", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in rows]
    if finding is not None:
        out += [
            "",
            f"Matched at line {finding.line + 1}, column {finding.column + 1}:",
            "",
            fenced(redact(finding.match.text.strip())),
        ]
    out += ["", "### Checks on this machine (presence only, no values)", ""]
    checks = [rc for rc in card.causes if rc.result.value is not None]
    if checks:
        for rc in checks:
            mark = "x" if rc.result.value else " "
            out.append(f"- [{mark}] {rc.cause.text} — {rc.result.description}")
    else:
        out.append("- none of this entry's causes can be checked automatically")
    out += ["", "### Fixes tried", ""]
    tried = set(fixes_tried or [])
    for rf in card.fixes:
        mark = "x" if rf.fix.title in tried else " "
        out.append(f"- [{mark}] {rf.fix.title}")
    if e.sources:
        out += ["", "### References", ""] + [f"- {s.title}: {s.url}" for s in e.sources]
    out += ["", "_Secrets in this report were masked by errhint._"]
    return no_remote_images(redact("\n".join(out)))


def terminal_width() -> int:
    return max(40, min(columns(), 100))
