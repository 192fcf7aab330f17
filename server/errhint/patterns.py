"""Compile one signature: the engine that runs it and the anchors that prefilter it.

Bundled signatures are reviewed and run on Python's ``re``. Signatures from user,
workspace or path packs are untrusted: they run on RE2 (linear time, no
backtracking) when ``google-re2`` is installed; on a bare interpreter without it
they must pass a static check that rules out the constructs that backtrack
catastrophically. Either way matching is also bounded by the window the matcher
hands in, so no pattern sees more than a few kilobytes at once.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Signature
from .optional import optional_import

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any

if sys.version_info >= (3, 11):
    from re import _constants as sre_c  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover - exercised on 3.10 only
    import sre_constants as sre_c
    import sre_parse

_UNSET = object()
_re2: Any = _UNSET


def re2_module() -> Any:
    """google-re2 if installed (imported on first untrusted pattern), else None."""
    global _re2
    if _re2 is _UNSET:  # tests set _re2 = None to take the no-RE2 path
        _re2 = optional_import("re2")
    return _re2


MIN_ANCHOR = 3
_REPEATS = {sre_c.MAX_REPEAT, sre_c.MIN_REPEAT}
_POSSESSIVE = getattr(sre_c, "POSSESSIVE_REPEAT", None)
_ATOMIC = getattr(sre_c, "ATOMIC_GROUP", None)
_FUZZY_STOPWORDS = frozenset(
    [
        "error",
        "errors",
        "failed",
        "failure",
        "cannot",
        "could",
        "should",
        "would",
        "please",
        "because",
        "which",
        "while",
        "there",
        "their",
        "about",
        "after",
        "before",
        "request",
        "response",
        "message",
        "unable",
        "found",
    ]
)


class PatternError(ValueError):
    """A signature that cannot be compiled (or is refused as unsafe)."""


@dataclass
class Hit:
    start: int
    end: int
    captures: dict[str, str]
    score: float = 100.0


class CompiledSignature:
    """A signature ready to run on a window of text."""

    def __init__(self, sig: Signature, trusted: bool, eager: bool = True) -> None:
        self.sig = sig
        self.kind = sig.kind
        self.engine = "re"
        self._regex: Any = None
        self._source = ""
        self._fuzzy_text = ""
        self.specificity = 0
        if sig.kind == "fuzzy":
            self._fuzzy_text = sig.pattern.lower()
            self.anchors = frozenset(a.lower() for a in sig.anchors) or fuzzy_anchors(sig.pattern)
            self.specificity = len(sig.pattern) // 2
            return
        source = re.escape(sig.pattern) if sig.kind == "literal" else sig.pattern
        parsed = parse(source, sig.ignore_case)
        self._source = "(?m)" + ("(?i)" if sig.ignore_case else "") + source
        self.engine = "re2" if not trusted and re2_module() is not None else "re"
        if not trusted:
            refuse_unsafe(parsed, use_re2=self.engine == "re2")
        if eager:
            self.regex()
        if sig.anchors:
            self.anchors = frozenset(a.lower() for a in sig.anchors)
        else:
            best = best_anchor_set(required_literals(parsed))
            self.anchors = best if best is not None else frozenset()
        self.specificity = literal_count(parsed)

    def regex(self) -> Any:
        """The compiled pattern, compiled on first use (start-up only parses for anchors)."""
        if self._regex is None:
            if self.engine == "re2":
                try:
                    self._regex = re2_module().compile(self._source)
                except Exception as exc:  # re2 raises its own error type
                    raise PatternError(f"RE2 cannot run this pattern: {exc}") from exc
            else:
                try:
                    self._regex = re.compile(self._source)
                except re.error as exc:
                    raise PatternError(str(exc)) from exc
        return self._regex

    def search(self, text: str, start: int, end: int, limit: int = 8) -> Iterator[Hit]:
        """Hits of this signature inside text[start:end], at most ``limit``."""
        if self.kind == "fuzzy":
            hit = fuzzy_hit(self._fuzzy_text, text, start, end, self.sig.threshold)
            if hit is not None:
                yield hit
            return
        if self.engine == "re2":
            window = text[start:end]
            matches: Iterator[Any] = self.regex().finditer(window)
            base = start
        else:
            matches = self.regex().finditer(text, start, end)
            base = 0
        for n, m in enumerate(matches):
            if n >= limit:
                return
            if m.end() == m.start():
                continue
            captures = {k: v for k, v in (m.groupdict() or {}).items() if v is not None}
            yield Hit(base + m.start(), base + m.end(), captures)


def parse(source: str, ignore_case: bool) -> Any:
    try:
        return sre_parse.parse(source, re.IGNORECASE if ignore_case else 0)
    except re.error as exc:
        raise PatternError(str(exc)) from exc
    except RecursionError as exc:
        raise PatternError("pattern nests too deeply") from exc


def _subpatterns(op: Any, av: Any) -> list[Any]:
    """Child sequences of one parsed node, whatever its kind."""
    if op == sre_c.SUBPATTERN:
        return [av[-1]]
    if op in _REPEATS or op == _POSSESSIVE:
        return [av[2]]
    if op == sre_c.BRANCH:
        return list(av[1])
    if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
        return [av[1]]
    if op == _ATOMIC:
        return [av]
    if op == sre_c.GROUPREF_EXISTS:
        return [p for p in av[1:] if p is not None]
    return []


def refuse_unsafe(parsed: Any, use_re2: bool) -> None:
    """Reject constructs an untrusted pattern may not use.

    RE2 has no backreferences, lookaround, possessive or atomic groups; without
    RE2 we also refuse a repeat nested in a repeat, the shape behind
    catastrophic backtracking such as ``(a+)+$``.
    """

    def walk(seq: Any, inside_repeat: bool) -> None:
        for op, av in seq:
            if op in (sre_c.GROUPREF, sre_c.GROUPREF_EXISTS):
                raise PatternError("backreferences are not allowed in untrusted packs")
            if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
                raise PatternError("lookaround is not allowed in untrusted packs")
            if op in (_POSSESSIVE, _ATOMIC):
                raise PatternError("possessive / atomic groups are not allowed in untrusted packs")
            is_repeat = op in _REPEATS and av[1] > 1
            if is_repeat and inside_repeat and not use_re2:
                raise PatternError("nested repetition (catastrophic backtracking) is not allowed in untrusted packs")
            for child in _subpatterns(op, av):
                walk(child, inside_repeat or is_repeat)

    walk(parsed, False)


def required_literals(seq: Any) -> list[frozenset[str]]:
    """Sets of strings such that any match contains at least one string of each set."""
    out: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(frozenset({"".join(run).lower()}))
            run.clear()

    for op, av in seq:
        if op == sre_c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op == sre_c.SUBPATTERN or op == _ATOMIC:
            out.extend(required_literals(_subpatterns(op, av)[0]))
        elif (op in _REPEATS or op == _POSSESSIVE) and av[0] >= 1:
            out.extend(required_literals(av[2]))
        elif op == sre_c.BRANCH:
            alternatives = [best_anchor_set(required_literals(alt)) for alt in av[1]]
            if all(a is not None for a in alternatives):
                out.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
    flush()
    return out


def best_anchor_set(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective candidate: longest shortest-member, then fewest members."""
    usable = [c for c in candidates if c and min(len(s) for s in c) >= MIN_ANCHOR]
    if not usable:
        return None
    return max(usable, key=lambda c: (min(len(s) for s in c), -len(c)))


def literal_count(seq: Any) -> int:
    total = 0
    for op, av in seq:
        if op == sre_c.LITERAL:
            total += 1
        elif op == sre_c.BRANCH:
            total += min(literal_count(alt) for alt in av[1])
        else:
            for child in _subpatterns(op, av):
                total += literal_count(child)
    return total


def fuzzy_anchors(sentence: str) -> frozenset[str]:
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]{5,}", sentence)
    chosen = {w.lower() for w in words if w.lower() not in _FUZZY_STOPWORDS}
    return frozenset(chosen)


def fuzzy_hit(needle: str, text: str, start: int, end: int, threshold: float) -> Hit | None:
    """Best approximate occurrence of ``needle`` in text[start:end], if good enough."""
    from .fuzzy import partial_alignment

    window = text[start:end]
    score, s, e = partial_alignment(needle, window.lower())
    if score < threshold:
        return None
    return Hit(start + s, start + e, {}, score)
