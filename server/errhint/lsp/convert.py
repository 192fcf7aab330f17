"""The LSP boundary: code-point columns <-> the negotiated position encoding, findings -> Diagnostics."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from lsprotocol import types

from ..document import LiveDocument
from ..findings import Finding
from ..redact import redact

SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


def units(text: str, encoding: str) -> int:
    """Length of text in the encoding's code units."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def to_client_col(line: str, col: int, encoding: str) -> int:
    return units(line[:col], encoding)


def from_client_col(line: str, col: int, encoding: str) -> int:
    """Code-point column for a client column (clamped; a column inside a surrogate pair rounds up)."""
    if encoding == "utf-32" or line.isascii():
        return min(col, len(line))
    count = 0
    for i, ch in enumerate(line):
        if count >= col:
            return i
        count += units(ch, encoding)
    return len(line)


def lsp_range(doc: LiveDocument, f: Finding, encoding: str) -> types.Range:
    start_line = doc.lines[f.line] if f.line < len(doc.lines) else ""
    end_line = doc.lines[f.end_line] if f.end_line < len(doc.lines) else ""
    return types.Range(
        start=types.Position(line=f.line, character=to_client_col(start_line, f.column, encoding)),
        end=types.Position(line=f.end_line, character=to_client_col(end_line, f.end_column, encoding)),
    )


@lru_cache(maxsize=4096)
def _entry_text(title: str, quick_fix: str) -> tuple[str, str]:
    """Redacted (message, title) of an entry; redaction runs once per entry, not per publish."""
    message = title + (f" — {quick_fix}" if quick_fix else "")
    return redact(message), redact(title)


def diagnostic(doc: LiveDocument, f: Finding, encoding: str) -> types.Diagnostic:
    e = f.entry
    message, title = _entry_text(e.title, e.quick_fix)
    return types.Diagnostic(
        range=lsp_range(doc, f, encoding),
        message=message,
        severity=SEVERITY.get(e.severity, types.DiagnosticSeverity.Warning),
        code=e.id,
        code_description=types.CodeDescription(href=e.sources[0].url) if e.sources else None,
        source="errhint",
        data={
            "id": e.id,
            "title": title,
            "tool": e.tool,
            "confidence": f.match.confidence,
            "pack": e.pack,
            "captures": {k: redact(v) for k, v in f.match.captures.items()} if f.match.captures else {},
        },
    )


class _Converted:
    """A finding's diagnostic, and its JSON form once something asked for it."""

    __slots__ = ("diagnostic", "encoding", "finding", "json")

    def __init__(self, finding: Finding, encoding: str, diagnostic: types.Diagnostic) -> None:
        self.finding = finding
        self.encoding = encoding
        self.diagnostic = diagnostic
        self.json: Any = None


# Per document: id(finding) -> its conversion. A finding an edit did not touch keeps its
# identity (LiveDocument), and so does its line, so its diagnostic is reused: a republish
# then costs a lookup per finding, not a conversion (flat in document size).
_converted: WeakKeyDictionary[LiveDocument, dict[int, _Converted]] = WeakKeyDictionary()


def _conversions(doc: LiveDocument, encoding: str, cap: int) -> list[_Converted]:
    before = _converted.get(doc, {})
    now: dict[int, _Converted] = {}
    for f in doc.findings[:cap]:
        hit = before.get(id(f))
        if hit is None or hit.finding is not f or hit.encoding != encoding:
            hit = _Converted(f, encoding, diagnostic(doc, f, encoding))
        now[id(f)] = hit
    _converted[doc] = now
    return list(now.values())


def diagnostics_for(doc: LiveDocument, encoding: str, cap: int) -> list[types.Diagnostic]:
    """One diagnostic per finding, capped, with a summary when findings were left out."""
    out = [c.diagnostic for c in _conversions(doc, encoding, cap)]
    if len(doc.findings) > cap:
        out.append(_summary(doc, cap))
    return out


def _summary(doc: LiveDocument, cap: int) -> types.Diagnostic:
    last = doc.findings[cap]
    return types.Diagnostic(
        range=types.Range(
            start=types.Position(line=last.line, character=0), end=types.Position(line=last.line, character=0)
        ),
        message=f"errhint: {len(doc.findings) - cap} more known error(s) not shown (limit maxDiagnostics={cap})",
        severity=types.DiagnosticSeverity.Information,
        source="errhint",
        code="errhint/too-many",
    )


def diagnostics_json(doc: LiveDocument, encoding: str, cap: int, unstructure: Callable[[Any], Any]) -> list[Any]:
    """``diagnostics_for`` as JSON values (``unstructure``: the protocol's converter), each
    converted once while its finding lasts: serialising hundreds of diagnostics on every
    publish cost more than the edit itself."""
    out = []
    for c in _conversions(doc, encoding, cap):
        if c.json is None:
            c.json = unstructure(c.diagnostic)
        out.append(c.json)
    if len(doc.findings) > cap:
        out.append(unstructure(_summary(doc, cap)))
    return out
