"""Load knowledge packs into validated entries; every problem names file:line:col.

A broken file is reported and skipped; it never takes the rest of the catalog
down. Packs are layered (bundled < user < workspace < extra paths): a later pack
replaces an entry by id, or disables it with ``{id: ..., disabled: true}``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .model import Entry, Location, entry_from_dict

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

MAX_ENTRY_BYTES = 1_000_000
MAX_FILES_PER_PACK = 20_000
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Pack:
    """A directory of entries and where it came from (shown on every card)."""

    root: Path
    kind: str  # bundled | user | workspace | path

    @property
    def trusted(self) -> bool:
        return self.kind == "bundled"


@dataclass(frozen=True)
class LoadProblem:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    severity: str = "error"  # error | warning

    def __str__(self) -> str:
        from .redact import redact  # a problem may quote the offending line, secrets included

        return redact(f"{self.path}:{self.line}:{self.column}: {self.message}")


@dataclass
class Catalog:
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[LoadProblem] = field(default_factory=list)
    packs: list[Pack] = field(default_factory=list)
    files: int = 0

    def get(self, entry_id: str) -> Entry | None:
        return self.entries.get(entry_id)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries.values())


def bundled_knowledge_dir() -> Path:
    """The knowledge tree in a wheel (errhint/knowledge) or in a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "knowledge", here.parent.parent / "knowledge"):
        if candidate.is_dir():
            return candidate
    return here / "knowledge"


def user_knowledge_dir() -> Path:
    override = os.environ.get("ERRHINT_USER_KNOWLEDGE")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "errhint" / "knowledge"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "errhint" / "knowledge"


def default_packs(
    extra: Sequence[str | os.PathLike[str]] = (),
    *,
    bundled: bool = True,
    user: bool = True,
    workspace: Path | None = None,
    workspace_trusted: bool = False,
) -> list[Pack]:
    """The layered list of packs, lowest priority first."""
    packs: list[Pack] = []
    if bundled:
        packs.append(Pack(bundled_knowledge_dir(), "bundled"))
    if user:
        udir = user_knowledge_dir()
        if udir.is_dir():
            packs.append(Pack(udir, "user"))
    if workspace is not None and workspace_trusted:
        wdir = workspace / ".errhint" / "knowledge"
        if wdir.is_dir():
            packs.append(Pack(wdir, "workspace"))
    for p in extra:
        packs.append(Pack(Path(p).expanduser(), "path"))
    return packs


def _yaml_loader() -> Any:
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def pack_files(pack: Pack, problems: list[LoadProblem]) -> list[Path]:
    """Entry files of a pack; a single file is a pack of one."""
    root = pack.root
    if root.is_file():
        return [root]
    if not root.is_dir():
        problems.append(LoadProblem(str(root), 1, 1, f"knowledge pack not found ({pack.kind})"))
        return []
    found: list[Path] = []
    seen_dirs: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen_dirs:
            problems.append(LoadProblem(dirpath, 1, 1, "symlink loop: directory already visited, skipped"))
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                found.append(Path(dirpath) / name)
                if len(found) > MAX_FILES_PER_PACK:
                    problems.append(LoadProblem(str(root), 1, 1, "too many files in pack; rest skipped"))
                    return found
    return found


def expected_id(path: Path, pack: Pack) -> str | None:
    """``<tool>/<slug>`` from the file's place in its pack, if it has one."""
    root = pack.root.parent.parent if pack.root.is_file() else pack.root  # a one-file pack
    try:
        rel = path.relative_to(root)
    except ValueError:
        return None
    parts = rel.with_suffix("").parts
    if len(parts) != 2:
        return None
    return f"{parts[0]}/{parts[1]}"


def parse_entry_text(
    text: str, path: str, pack: Pack | None = None, file_path: Path | None = None
) -> tuple[Entry | None, list[LoadProblem]]:
    """Validate one entry's YAML text; return the entry (or None) and its problems."""
    import yaml

    from . import schema  # only building the catalog needs it; a cached start never does

    problems: list[LoadProblem] = []

    def add(line: int, col: int, msg: str, severity: str = "error") -> None:
        problems.append(LoadProblem(path, line + 1, col + 1, msg, severity))

    try:
        node = yaml.compose(text, Loader=_yaml_loader())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line, mark.column) if mark else (0, 0)
        message = f"invalid YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
            message += f" ({exc.context} started at line {exc.context_mark.line + 1})"
        add(line, col, message)
        return None, problems
    except (yaml.YAMLError, RecursionError) as exc:
        add(0, 0, f"invalid YAML: {exc}")
        return None, problems
    if node is None:
        add(0, 0, "empty file: expected an entry mapping")
        return None, problems
    marks: dict[str, tuple[int, int]] = {}
    raw: list[tuple[int, int, str]] = []
    data = schema.validate_node(node, schema.ENTRY, "", marks, raw)
    for line, col, msg in raw:
        add(line, col, msg)
    if not isinstance(data, dict) or raw:
        return None, problems
    line0, col0 = node.start_mark.line, node.start_mark.column
    entry_id = data.get("id", "")
    if pack is not None and file_path is not None:
        want = expected_id(file_path, pack)
        if want is not None and want != entry_id:
            add(*marks.get("id", (line0, col0)), f"id {entry_id!r} does not match its path (expected {want!r})")
    if data.get("disabled"):
        return _build(data, pack, path, line0, col0, marks), problems
    for key in schema.REQUIRED_WHEN_ENABLED:
        if key not in data:
            add(line0, col0, f"{key}: required key is missing")
    tool = data.get("tool")
    if tool and entry_id and entry_id.split("/", 1)[0] != tool:
        add(*marks.get("tool", (line0, col0)), f"tool {tool!r} must be the id's prefix ({entry_id.split('/', 1)[0]!r})")
    n_sources = len(data.get("sources") or [])
    for section in ("causes", "fixes"):
        for i, item in enumerate(data.get(section) or []):
            src = item.get("source")
            if src is not None and src >= n_sources:
                add(
                    *marks.get(f"{section}[{i}].source", (line0, col0)),
                    f"{section}[{i}].source: no source #{src} (entry has {n_sources})",
                )
    if any(p.severity == "error" for p in problems):
        return None, problems
    entry = _build(data, pack, path, line0, col0, marks)
    for i, message in signature_problems(entry):
        add(*entry.mark(f"signatures[{i}]"), f"signatures[{i}]: {message}")
    if any(p.severity == "error" for p in problems):
        return None, problems
    return entry, problems


def _build(
    data: dict[str, Any], pack: Pack | None, path: str, line: int, col: int, marks: dict[str, tuple[int, int]]
) -> Entry:
    kind = pack.kind if pack else "path"
    return entry_from_dict(data, kind, kind == "bundled", Location(path, line, col), marks)


def signature_problems(entry: Entry) -> list[tuple[int, str]]:
    """Signatures that do not compile, cannot be anchored, or could stall matching."""
    from .matcher import Matcher

    problems = [(p.signature, p.message) for p in Matcher([entry]).problems]
    if not entry.trusted:
        reported = {i for i, _ in problems}
        problems += [(i, m) for i, m in backtracking_problems(entry) if i not in reported]
    return problems


def backtracking_problems(entry: Entry) -> list[tuple[int, str]]:
    """Without RE2, refuse the shapes of untrusted regexes that backtrack badly on Python's ``re``.

    ``patterns.refuse_unsafe`` already refuses nested repetition; alternation
    under a repeat (``(a|a)*``: exponential) and several unbounded repeats
    (``.*.*.*=``: polynomial, minutes on an 8 KB window) are refused here.
    With google-re2 installed every untrusted pattern runs in linear time and
    none of this applies.
    """
    from .patterns import parse, re2_module

    if re2_module() is not None:
        return []
    out: list[tuple[int, str]] = []
    for i, sig in enumerate(entry.signatures):
        if sig.kind != "regex":
            continue
        try:
            parsed = parse(sig.pattern, sig.ignore_case)
        except ValueError:
            continue  # reported by the matcher
        message = _backtracking_shape(parsed)
        if message:
            out.append((i, f"{message} is not allowed in untrusted packs without google-re2 (pip install google-re2)"))
    return out


def _backtracking_shape(parsed: Any) -> str | None:
    from .patterns import _REPEATS, _subpatterns, sre_c

    wide = 0  # unbounded repeats of items that match almost anything (., [^x], \S, \w, \W, \D)

    def is_wide(item: Any) -> bool:
        if len(item) != 1:
            return True  # a group: assume the worst
        op, av = item[0]
        if op in (sre_c.ANY, sre_c.NOT_LITERAL):
            return True
        if op == sre_c.IN:
            narrow = (sre_c.CATEGORY_DIGIT, sre_c.CATEGORY_SPACE)
            return any(o == sre_c.NEGATE or (o == sre_c.CATEGORY and a not in narrow) for o, a in av)
        return False

    def walk(seq: Any, under_repeat: bool) -> str | None:
        nonlocal wide
        for op, av in seq:
            if op == sre_c.BRANCH and under_repeat:
                return "alternation inside a repeat (exponential backtracking)"
            is_repeat = op in _REPEATS and av[1] > 1
            if op in _REPEATS and av[1] == sre_c.MAXREPEAT and is_wide(av[2]):
                wide += 1
                if wide > 1:
                    return "more than one unbounded wildcard repeat such as .* (polynomial backtracking)"
            for child in _subpatterns(op, av):
                found = walk(child, under_repeat or is_repeat)
                if found:
                    return found
        return None

    return walk(parsed, False)


def load_file(path: Path, pack: Pack) -> tuple[Entry | None, list[LoadProblem]]:
    shown = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_ENTRY_BYTES:
            return None, [LoadProblem(shown, 1, 1, f"file is {size} bytes; entries are limited to {MAX_ENTRY_BYTES}")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [LoadProblem(shown, 1, 1, f"cannot read: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [LoadProblem(shown, line, col, "not valid UTF-8")]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [LoadProblem(shown, line, 1, "binary content (NUL byte) in a YAML file")]
    return parse_entry_text(text, shown, pack, path)


def load_catalog(packs: Iterable[Pack]) -> Catalog:
    """Load packs in order; later packs override or disable earlier entries by id."""
    catalog = Catalog()
    for pack in packs:
        catalog.packs.append(pack)
        seen_here: dict[str, str] = {}
        for path in pack_files(pack, catalog.problems):
            catalog.files += 1
            entry, problems = load_file(path, pack)
            catalog.problems.extend(problems)
            if entry is None:
                continue
            if entry.id in seen_here:
                line, col = entry.mark("id")
                catalog.problems.append(
                    LoadProblem(
                        str(path), line + 1, col + 1, f"duplicate id {entry.id!r} (first in {seen_here[entry.id]})"
                    )
                )
                continue
            seen_here[entry.id] = str(path)
            catalog.entries.pop(entry.id, None)
            if not entry.disabled:
                catalog.entries[entry.id] = entry
    for entry in catalog.entries.values():
        for i, rel in enumerate(entry.related):
            if rel not in catalog.entries:
                line, col = entry.mark(f"related[{i}]")
                catalog.problems.append(
                    LoadProblem(entry.location.path, line + 1, col + 1, f"related id {rel!r} does not exist", "warning")
                )
            elif rel == entry.id:
                line, col = entry.mark(f"related[{i}]")
                catalog.problems.append(
                    LoadProblem(
                        entry.location.path, line + 1, col + 1, "an entry cannot be related to itself", "warning"
                    )
                )
    return catalog


def check_examples(entry: Entry) -> list[LoadProblem]:
    """Every example must match this entry; no counterexample may."""
    from .matcher import Matcher

    matcher = Matcher([entry])
    out: list[LoadProblem] = []
    for i, example in enumerate(entry.examples):
        if not matcher.scan(example):
            line, col = entry.mark(f"examples[{i}]")
            out.append(
                LoadProblem(entry.location.path, line + 1, col + 1, f"examples[{i}] does not match any signature")
            )
    for i, counter in enumerate(entry.counterexamples):
        if matcher.scan(counter):
            line, col = entry.mark(f"counterexamples[{i}]")
            out.append(
                LoadProblem(entry.location.path, line + 1, col + 1, f"counterexamples[{i}] matches, but must not")
            )
    return out


def validate(catalog: Catalog) -> list[LoadProblem]:
    """All load problems, example / counterexample checks, and the ambiguity report."""
    problems = list(catalog.problems)
    for entry in catalog.entries.values():
        problems.extend(check_examples(entry))
    problems.extend(ambiguity_problems(catalog))
    return problems


def ambiguity_problems(catalog: Catalog, matcher=None) -> list[LoadProblem]:
    """Examples of one entry that the full catalog attributes to another, at least as confidently."""
    from .matcher import Matcher

    matcher = matcher or Matcher(catalog.entries.values())
    out: list[LoadProblem] = []
    for entry in catalog.entries.values():
        own_matcher = Matcher([entry])
        for i, example in enumerate(entry.examples):
            own = own_matcher.scan(example)
            if not own:
                continue
            best_own = max(m.confidence for m in own)
            for m in matcher.scan(example):
                overlaps = any(m.start < o.end and o.start < m.end for o in own)
                if m.entry.id != entry.id and overlaps and m.confidence >= best_own:
                    line, col = entry.mark(f"examples[{i}]")
                    out.append(
                        LoadProblem(
                            entry.location.path,
                            line + 1,
                            col + 1,
                            f"examples[{i}] is claimed by {m.entry.id} (confidence {m.confidence:.2f} "
                            f">= {best_own:.2f}); make one signature more specific",
                            "warning",
                        )
                    )
                    break
    return out
