"""The knowledge-entry format, declared once.

The same declaration validates YAML (with line and column for every problem)
and generates the JSON Schema that editors use for completion, so the two can
never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Problem = tuple[int, int, str]  # 0-based line, 0-based column, message


@dataclass(frozen=True)
class Kind:
    """Base of the small type language the format is written in."""

    doc: str = ""

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Str(Kind):
    enum: tuple[str, ...] = ()
    pattern: str = ""
    min_length: int = 0

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string"}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.pattern:
            out["pattern"] = self.pattern
        if self.min_length:
            out["minLength"] = self.min_length
        return out


@dataclass(frozen=True)
class Num(Kind):
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


@dataclass(frozen=True)
class Bool(Kind):
    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class ListOf(Kind):
    item: Kind = field(default_factory=Str)
    min_items: int = 0

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            out["minItems"] = self.min_items
        return out


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = False
    doc: str = ""


@dataclass(frozen=True)
class Obj(Kind):
    name: str = ""
    fields: tuple[Field, ...] = ()
    exactly_one_of: tuple[str, ...] = ()  # e.g. a signature is regex OR literal OR fuzzy

    def field_named(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def json_schema(self) -> dict[str, Any]:
        if self.name and self.name in _DEFS_IN_PROGRESS:
            return {"$ref": f"#/$defs/{self.name}"}
        out: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {},
        }
        if self.doc:
            out["description"] = self.doc
        for f in self.fields:
            prop = f.kind.json_schema()
            if f.doc:
                prop = {**prop, "description": f.doc}
            out["properties"][f.name] = prop
        required = [f.name for f in self.fields if f.required]
        if required:
            out["required"] = required
        if self.exactly_one_of:
            out["oneOf"] = [{"required": [k]} for k in self.exactly_one_of]
        return out


@dataclass(frozen=True)
class Either(Kind):
    """A value that may take one of several shapes (a string or an object)."""

    options: tuple[Kind, ...] = ()

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [o.json_schema() for o in self.options]}


@dataclass(frozen=True)
class Ref(Kind):
    """A recursive reference to a named object (checks nest inside checks)."""

    name: str = ""

    def json_schema(self) -> dict[str, Any]:
        return {"$ref": f"#/$defs/{self.name}"}


_DEFS_IN_PROGRESS: set[str] = set()

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*/[a-z0-9][a-z0-9._-]*$"

CHECK = Obj(
    name="check",
    doc="A read-only test of this machine. Exactly one key; it reports presence, never a value.",
    exactly_one_of=(
        "env_set",
        "env_unset",
        "file_exists",
        "dir_exists",
        "command",
        "os",
        "all",
        "any",
        "not",
    ),
    fields=(
        Field("env_set", Str(), doc="True when this environment variable is set and not empty."),
        Field("env_unset", Str(), doc="True when this environment variable is unset or empty."),
        Field("file_exists", Str(), doc="True when this file exists (~ and $VARS expand)."),
        Field("dir_exists", Str(), doc="True when this directory exists (~ and $VARS expand)."),
        Field("command", Str(), doc="True when this program is on PATH (it is never run)."),
        Field("os", Str(enum=("linux", "darwin", "windows", "wsl")), doc="Operating system."),
        Field("all", ListOf(item=Ref(name="check"), min_items=1), doc="All must hold."),
        Field("any", ListOf(item=Ref(name="check"), min_items=1), doc="At least one must hold."),
        Field("not", Ref(name="check"), doc="Negation."),
    ),
)

SIGNATURE = Obj(
    name="signature",
    doc="One way the error shows up in text; any signature matching is a hit.",
    exactly_one_of=("regex", "literal", "fuzzy"),
    fields=(
        Field("regex", Str(min_length=1), doc="A regular expression (RE2-compatible syntax)."),
        Field("literal", Str(min_length=1), doc="Exact text."),
        Field("fuzzy", Str(min_length=8), doc="Reworded variants of this sentence also match."),
        Field("confidence", Num(minimum=0, maximum=1), doc="How sure a hit is (default 1.0)."),
        Field("ignore_case", Bool(), doc="Match regardless of case (default false)."),
        Field(
            "anchors",
            ListOf(item=Str(min_length=3), min_items=1),
            doc="Prefilter words; a line is tried only if it contains one (derived by default).",
        ),
        Field("threshold", Num(minimum=50, maximum=100), doc="Fuzzy: minimum score (default 88)."),
        Field(
            "lines",
            Num(minimum=0, maximum=20, integer=True),
            doc="Extra lines after the anchor line a regex may span (default 0).",
        ),
    ),
)

CAUSE = Obj(
    name="cause",
    fields=(
        Field("text", Str(min_length=1), required=True, doc="What is wrong, in one sentence."),
        Field("detail", Str(), doc="Why it produces this error."),
        Field("check", Ref(name="check"), doc="Raises this cause when true on this machine."),
        Field("when_true", Str(), doc="What to say when the check holds here."),
        Field("source", Num(minimum=0, integer=True), doc="Index into sources backing this."),
    ),
)

SHELLS = Obj(
    name="shells",
    fields=(
        Field("posix", Str(), doc="bash / zsh / sh."),
        Field("powershell", Str(), doc="Windows PowerShell / pwsh."),
        Field("cmd", Str(), doc="Windows cmd.exe."),
    ),
)

FIX = Obj(
    name="fix",
    fields=(
        Field("title", Str(min_length=1), required=True, doc="What the fix does."),
        Field("shell", Either(options=(Str(), SHELLS)), doc="Command(s) that apply the fix."),
        Field("then", Str(), doc="What to do after running it."),
        Field("caution", Str(), doc="What this fix changes or loses."),
        Field("check", Ref(name="check"), doc="This fix is relevant when true here."),
        Field("source", Num(minimum=0, integer=True), doc="Index into sources backing this."),
    ),
)

TOOL_CHECK = Obj(
    name="tool_check",
    fields=(
        Field("text", Str(min_length=1), required=True),
        Field("check", Ref(name="check")),
    ),
)

FAQ = Obj(
    name="faq",
    fields=(Field("q", Str(min_length=1), required=True), Field("a", Str(min_length=1), required=True)),
)

SOURCE = Obj(
    name="source",
    fields=(
        Field("title", Str(min_length=1), required=True),
        Field("url", Str(pattern=r"^https?://"), required=True),
        Field("note", Str(), doc="What this source establishes."),
    ),
)

ENTRY = Obj(
    name="entry",
    doc="One known error: how to recognise it and what to do about it.",
    fields=(
        Field("id", Str(pattern=ID_PATTERN), required=True, doc="tool/slug, matching the path."),
        Field("disabled", Bool(), doc="Disable the entry with this id from earlier packs."),
        Field("title", Str(min_length=1), doc="Short human title."),
        Field("tool", Str(min_length=1), doc="Tool that prints this error (the id's prefix)."),
        Field("category", Str(), doc="Broad category, e.g. 'AI Coding Tools'."),
        Field("severity", Str(enum=("error", "warning", "info")), doc="Default: error."),
        Field("summary", Str(), doc="One paragraph: who hits this and when."),
        Field("quick_fix", Str(), doc="The one-line fix shown in diagnostics."),
        Field("signatures", ListOf(item=SIGNATURE, min_items=1), doc="How it is recognised."),
        Field("meaning", Str(), doc="What the error means."),
        Field("why", Str(), doc="Why it happens."),
        Field("causes", ListOf(item=CAUSE), doc="Likely causes, most common first."),
        Field("fixes", ListOf(item=FIX), doc="Quick fixes, safest first."),
        Field("checks", ListOf(item=TOOL_CHECK), doc="Platform / tool-specific checks."),
        Field("steps", ListOf(item=Str()), doc="Step-by-step troubleshooting."),
        Field("prevention", ListOf(item=Str()), doc="How to prevent it."),
        Field("related", ListOf(item=Str(pattern=ID_PATTERN)), doc="Ids of related entries."),
        Field("see_also", ListOf(item=Str()), doc="Related errors not (yet) in the catalog."),
        Field("faq", ListOf(item=FAQ), doc="Questions people ask."),
        Field("sources", ListOf(item=SOURCE), doc="Where the facts come from."),
        Field("evidence", Str(), doc="A note on the reports the entry is based on."),
        Field("examples", ListOf(item=Str()), doc="Real error text that must match."),
        Field("counterexamples", ListOf(item=Str()), doc="Look-alikes that must not match."),
        Field("tags", ListOf(item=Str())),
    ),
)

# Fields an enabled entry must have (a `disabled: true` stub needs only its id).
REQUIRED_WHEN_ENABLED = ("title", "tool", "signatures", "meaning", "quick_fix", "sources")

_NAMED: dict[str, Obj] = {o.name: o for o in (CHECK, SIGNATURE, CAUSE, SHELLS, FIX, TOOL_CHECK, FAQ, SOURCE)}


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one knowledge entry file."""
    defs: dict[str, Any] = {}
    _DEFS_IN_PROGRESS.clear()
    _DEFS_IN_PROGRESS.update(_NAMED)
    try:
        for name, obj in _NAMED.items():
            _DEFS_IN_PROGRESS.discard(name)
            defs[name] = obj.json_schema()
            _DEFS_IN_PROGRESS.add(name)
        root = ENTRY.json_schema()
    finally:
        _DEFS_IN_PROGRESS.clear()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://errhint.dev/schema/knowledge-entry.json",
        "title": "errhint knowledge entry",
        **root,
        "$defs": defs,
    }


# --- validation of composed YAML nodes --------------------------------------

_TAG_STR = "tag:yaml.org,2002:str"
_TAG_INT = "tag:yaml.org,2002:int"
_TAG_FLOAT = "tag:yaml.org,2002:float"
_TAG_BOOL = "tag:yaml.org,2002:bool"
_TAG_NULL = "tag:yaml.org,2002:null"
_KNOWN_SCALAR_TAGS = {_TAG_STR, _TAG_INT, _TAG_FLOAT, _TAG_BOOL, _TAG_NULL}
_ALLOWED_TAGS = _KNOWN_SCALAR_TAGS | {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


def _where(node: Any) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line, mark.column


def scalar_value(node: Any) -> Any:
    """Convert a scalar node the way the safe loader would, for the tags we allow."""
    tag, value = node.tag, node.value
    if tag == _TAG_STR:
        return value
    if tag == _TAG_NULL:
        return None
    if tag == _TAG_BOOL:
        return value.lower() in ("true", "yes", "on")
    if tag == _TAG_INT:
        digits = value.replace("_", "")
        try:
            return int(digits, 0)
        except ValueError:
            return int(digits, 10)
    if tag == _TAG_FLOAT:
        v = value.lower().replace("_", "")
        if v in (".inf", "+.inf"):
            return float("inf")
        if v == "-.inf":
            return float("-inf")
        if v == ".nan":
            return float("nan")
        return float(v)
    raise ValueError(f"unsupported tag {tag}")


def _type_name(node: Any) -> str:
    kind = type(node).__name__
    if kind == "MappingNode":
        return "a mapping"
    if kind == "SequenceNode":
        return "a list"
    tag = node.tag
    return {
        _TAG_STR: "a string",
        _TAG_INT: "a number",
        _TAG_FLOAT: "a number",
        _TAG_BOOL: "a boolean",
        _TAG_NULL: "null",
    }.get(tag, f"a value tagged {tag}")


def validate_node(node: Any, kind: Kind, path: str, marks: dict[str, tuple[int, int]], problems: list[Problem]) -> Any:
    """Check a composed YAML node against a kind; return the plain value (or None)."""
    marks[path] = _where(node)
    node_type = type(node).__name__
    if node.tag not in _ALLOWED_TAGS:
        line, col = _where(node)
        problems.append((line, col, f"{path or 'entry'}: YAML tag {node.tag!r} is not allowed (plain data only)"))
        return None
    if isinstance(kind, Ref):
        kind = _NAMED[kind.name]
    if isinstance(kind, Either):
        for option in kind.options:
            trial: list[Problem] = []
            value = validate_node(node, option, path, marks, trial)
            if not trial:
                return value
        line, col = _where(node)
        problems.append((line, col, f"{path or 'value'}: expected {_describe(kind)}, got {_type_name(node)}"))
        return None
    if isinstance(kind, (Str, Num, Bool)):
        if node_type != "ScalarNode" or node.tag not in _KNOWN_SCALAR_TAGS:
            line, col = _where(node)
            problems.append((line, col, f"{path}: expected {_describe(kind)}, got {_type_name(node)}"))
            return None
        value = scalar_value(node)
        return _check_scalar(value, node, kind, path, problems)
    if isinstance(kind, ListOf):
        if node_type != "SequenceNode":
            line, col = _where(node)
            problems.append((line, col, f"{path}: expected a list, got {_type_name(node)}"))
            return None
        if len(node.value) < kind.min_items:
            line, col = _where(node)
            problems.append((line, col, f"{path}: needs at least {kind.min_items} item(s)"))
        return [validate_node(item, kind.item, f"{path}[{i}]", marks, problems) for i, item in enumerate(node.value)]
    if isinstance(kind, Obj):
        if node_type != "MappingNode":
            line, col = _where(node)
            problems.append((line, col, f"{path or 'entry'}: expected a mapping, got {_type_name(node)}"))
            return None
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if type(key_node).__name__ == "ScalarNode" else None
            sub = f"{path}.{key}" if path else str(key)
            spec = kind.field_named(key) if isinstance(key, str) else None
            if spec is None:
                line, col = _where(key_node)
                allowed = ", ".join(f.name for f in kind.fields)
                problems.append((line, col, f"{sub}: unknown key (allowed: {allowed})"))
                continue
            if key in out:
                line, col = _where(key_node)
                problems.append((line, col, f"{sub}: key appears twice"))
            marks[sub] = _where(key_node)
            out[key] = validate_node(value_node, spec.kind, sub, marks, problems)
            marks[sub] = _where(value_node)
        line, col = _where(node)
        for f in kind.fields:
            if f.required and f.name not in out:
                problems.append((line, col, f"{path + '.' if path else ''}{f.name}: required key is missing"))
        if kind.exactly_one_of:
            present = [k for k in kind.exactly_one_of if k in out]
            if len(present) != 1:
                options = " | ".join(kind.exactly_one_of)
                problems.append((line, col, f"{path or kind.name}: needs exactly one of {options}"))
        return out
    raise TypeError(kind)


def _check_scalar(value: Any, node: Any, kind: Kind, path: str, problems: list[Problem]) -> Any:
    line, col = _where(node)
    if isinstance(kind, Str):
        if not isinstance(value, str):
            if node.style is None and isinstance(value, (int, float)) and not isinstance(value, bool):
                value = node.value  # an unquoted number where text is expected is still text
            else:
                problems.append((line, col, f"{path}: expected a string, got {_type_name(node)}"))
                return None
        if len(value) < kind.min_length:
            problems.append((line, col, f"{path}: must not be empty"))
        if kind.enum and value not in kind.enum:
            problems.append((line, col, f"{path}: must be one of {', '.join(kind.enum)}"))
        if kind.pattern:
            import re

            if not re.search(kind.pattern, value):
                problems.append((line, col, f"{path}: {value!r} does not match {kind.pattern}"))
        return value
    if isinstance(kind, Bool):
        if not isinstance(value, bool):
            problems.append((line, col, f"{path}: expected true or false, got {_type_name(node)}"))
            return None
        return value
    if isinstance(kind, Num):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append((line, col, f"{path}: expected a number, got {_type_name(node)}"))
            return None
        if kind.integer and not isinstance(value, int):
            problems.append((line, col, f"{path}: expected a whole number"))
        if kind.minimum is not None and value < kind.minimum:
            problems.append((line, col, f"{path}: must be >= {kind.minimum}"))
        if kind.maximum is not None and value > kind.maximum:
            problems.append((line, col, f"{path}: must be <= {kind.maximum}"))
        return value
    raise TypeError(kind)


def _describe(kind: Kind) -> str:
    if isinstance(kind, Either):
        return " or ".join(_describe(o) for o in kind.options)
    if isinstance(kind, Str):
        return "a string"
    if isinstance(kind, Num):
        return "a number"
    if isinstance(kind, Bool):
        return "true or false"
    if isinstance(kind, ListOf):
        return "a list"
    return "a mapping"
