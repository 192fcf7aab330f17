"""Typed knowledge entries, built from validated YAML (see ``schema``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Check = dict[str, Any]  # a validated check mapping, evaluated by ``context``


@dataclass(frozen=True)
class Signature:
    kind: str  # "regex" | "literal" | "fuzzy"
    pattern: str
    confidence: float = 1.0
    ignore_case: bool = False
    anchors: tuple[str, ...] = ()
    threshold: float = 88.0
    lines: int = 0


@dataclass(frozen=True)
class Cause:
    text: str
    detail: str = ""
    check: Check | None = None
    when_true: str = ""
    source: int | None = None


@dataclass(frozen=True)
class Fix:
    title: str
    commands: dict[str, str] = field(default_factory=dict)  # shell name -> command
    then: str = ""
    caution: str = ""
    check: Check | None = None
    source: int | None = None


@dataclass(frozen=True)
class ToolCheck:
    text: str
    check: Check | None = None


@dataclass(frozen=True)
class Faq:
    q: str
    a: str


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Location:
    path: str
    line: int = 0  # 0-based
    column: int = 0


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    tool: str
    signatures: tuple[Signature, ...]
    meaning: str
    quick_fix: str
    category: str = ""
    severity: str = "error"
    summary: str = ""
    why: str = ""
    causes: tuple[Cause, ...] = ()
    fixes: tuple[Fix, ...] = ()
    checks: tuple[ToolCheck, ...] = ()
    steps: tuple[str, ...] = ()
    prevention: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    faq: tuple[Faq, ...] = ()
    sources: tuple[Source, ...] = ()
    evidence: str = ""
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    disabled: bool = False
    pack: str = "bundled"  # bundled | user | workspace | path
    trusted: bool = True  # bundled patterns use Python re; others a linear-time engine
    location: Location = Location("")
    marks: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def mark(self, key: str) -> tuple[int, int]:
        """0-based (line, column) of a field, falling back to the entry's start."""
        return self.marks.get(key, (self.location.line, self.location.column))

    @property
    def tool_name(self) -> str:
        return TOOL_NAMES.get(self.tool, self.tool.replace("-", " ").title())


TOOL_NAMES = {
    "claude-code": "Claude Code",
    "codex": "OpenAI Codex CLI",
    "gemini-cli": "Gemini CLI",
    "copilot": "GitHub Copilot",
    "cursor": "Cursor",
    "aider": "Aider",
    "continue": "Continue",
    "ollama": "Ollama",
    "openai-sdk": "OpenAI SDK",
    "anthropic-sdk": "Anthropic SDK",
    "npm": "npm",
    "node": "Node.js",
    "pip": "pip",
    "python": "Python",
    "git": "Git",
    "docker": "Docker",
    "tls": "TLS / certificates",
    "proxy": "Proxies",
}


def entry_from_dict(
    data: dict[str, Any], pack: str, trusted: bool, location: Location, marks: dict[str, tuple[int, int]]
) -> Entry:
    """Build an Entry from an already validated mapping."""
    sigs = []
    for s in data.get("signatures") or []:
        kind = next(k for k in ("regex", "literal", "fuzzy") if k in s)
        sigs.append(
            Signature(
                kind=kind,
                pattern=s[kind],
                confidence=float(s.get("confidence", 0.8 if kind == "fuzzy" else 1.0)),
                ignore_case=bool(s.get("ignore_case", False)),
                anchors=tuple(s.get("anchors") or ()),
                threshold=float(s.get("threshold", 88)),
                lines=int(s.get("lines", 0)),
            )
        )
    fixes = []
    for f in data.get("fixes") or []:
        shell = f.get("shell")
        commands = {"posix": shell} if isinstance(shell, str) else dict(shell or {})
        fixes.append(
            Fix(
                title=f["title"],
                commands={k: v for k, v in commands.items() if v},
                then=f.get("then", ""),
                caution=f.get("caution", ""),
                check=f.get("check"),
                source=f.get("source"),
            )
        )
    return Entry(
        id=data.get("id", ""),
        title=data.get("title", ""),
        tool=data.get("tool", ""),
        category=data.get("category", ""),
        severity=data.get("severity", "error"),
        summary=data.get("summary", ""),
        quick_fix=data.get("quick_fix", ""),
        signatures=tuple(sigs),
        meaning=data.get("meaning", ""),
        why=data.get("why", ""),
        causes=tuple(
            Cause(
                text=c["text"],
                detail=c.get("detail", ""),
                check=c.get("check"),
                when_true=c.get("when_true", ""),
                source=c.get("source"),
            )
            for c in data.get("causes") or []
        ),
        fixes=tuple(fixes),
        checks=tuple(ToolCheck(text=c["text"], check=c.get("check")) for c in data.get("checks") or []),
        steps=tuple(data.get("steps") or ()),
        prevention=tuple(data.get("prevention") or ()),
        related=tuple(data.get("related") or ()),
        see_also=tuple(data.get("see_also") or ()),
        faq=tuple(Faq(q=f["q"], a=f["a"]) for f in data.get("faq") or []),
        sources=tuple(
            Source(title=s["title"], url=s["url"], note=s.get("note", "")) for s in data.get("sources") or []
        ),
        evidence=data.get("evidence", ""),
        examples=tuple(data.get("examples") or ()),
        counterexamples=tuple(data.get("counterexamples") or ()),
        tags=tuple(data.get("tags") or ()),
        disabled=bool(data.get("disabled", False)),
        pack=pack,
        trusted=trusted,
        location=location,
        marks=marks,
    )
