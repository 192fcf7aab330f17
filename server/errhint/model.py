"""Typed knowledge entries, built from validated YAML (see ``schema``)."""

from __future__ import annotations

import _thread
from dataclasses import dataclass, field

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
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


# Fields a scan never reads: in the compiled-catalog cache they travel as one pickled blob
# per entry, unpacked on first access (``Entry.__getattr__``). A start that finds nothing,
# or a few errors, then skips creating tens of thousands of objects. They have default
# factories, not defaults, so no class attribute can answer for a field not yet unpacked.
_DETAIL_FIELDS = frozenset(
    (
        "summary",
        "why",
        "causes",
        "fixes",
        "checks",
        "steps",
        "prevention",
        "related",
        "see_also",
        "faq",
        "sources",
        "evidence",
        "examples",
        "counterexamples",
        "marks",
    )
)
_DETAIL_LOCK = _thread.allocate_lock()  # (_thread: no import cost)


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
    summary: str = field(default_factory=str)
    why: str = field(default_factory=str)
    causes: tuple[Cause, ...] = field(default_factory=tuple)
    fixes: tuple[Fix, ...] = field(default_factory=tuple)
    checks: tuple[ToolCheck, ...] = field(default_factory=tuple)
    steps: tuple[str, ...] = field(default_factory=tuple)
    prevention: tuple[str, ...] = field(default_factory=tuple)
    related: tuple[str, ...] = field(default_factory=tuple)
    see_also: tuple[str, ...] = field(default_factory=tuple)
    faq: tuple[Faq, ...] = field(default_factory=tuple)
    sources: tuple[Source, ...] = field(default_factory=tuple)
    evidence: str = field(default_factory=str)
    examples: tuple[str, ...] = field(default_factory=tuple)
    counterexamples: tuple[str, ...] = field(default_factory=tuple)
    tags: tuple[str, ...] = ()
    disabled: bool = False
    pack: str = "bundled"  # bundled | user | workspace | path
    trusted: bool = True  # bundled patterns use Python re; others a linear-time engine
    location: Location = Location("")
    # Where each field sits in its file, packed as "path\tline\tcol" lines (see ``pack_marks``):
    # one string instead of a hundred small objects per entry keeps the cached catalog quick
    # to load; ``mark`` unpacks it on first use.
    marks: str = field(default_factory=str, compare=False, hash=False, repr=False)

    def mark(self, key: str) -> tuple[int, int]:
        """0-based (line, column) of a field, falling back to the entry's start."""
        index = self.__dict__.get("_marks_index")
        if index is None:
            index = unpack_marks(self.marks)
            self.__dict__["_marks_index"] = index
        return index.get(key, (self.location.line, self.location.column))

    def __getstate__(self) -> dict[str, Any]:
        import pickle

        state = dict(self.__dict__)
        state.pop("_marks_index", None)  # rebuilt from ``marks`` when needed
        if "_details" not in state:  # (still packed: pickled as it is)
            details = {name: state.pop(name) for name in _DETAIL_FIELDS if name in state}
            state["_details"] = pickle.dumps(details, protocol=pickle.HIGHEST_PROTOCOL)
        return state

    def __getattr__(self, name: str) -> Any:
        """Unpack the detail fields on first access (only called for a missing attribute)."""
        if name not in _DETAIL_FIELDS:
            raise AttributeError(name)
        with _DETAIL_LOCK:
            packed = self.__dict__.pop("_details", None)
            if packed is not None:
                import pickle

                self.__dict__.update(pickle.loads(packed))
        try:
            return self.__dict__[name]
        except KeyError:
            raise AttributeError(name) from None

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


def pack_marks(marks: dict[str, tuple[int, int]]) -> str:
    return "\n".join(f"{key}\t{line}\t{col}" for key, (line, col) in marks.items() if "\n" not in key)


def unpack_marks(packed: str) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for row in packed.split("\n") if packed else ():
        key, line, col = row.rsplit("\t", 2)
        out[key] = (int(line), int(col))
    return out


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
        marks=pack_marks(marks),
    )
