"""The LSP boundary: code-point columns <-> the negotiated position encoding, findings -> Diagnostics."""

from __future__ import annotations

from functools import lru_cache
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


# Per document: id(finding) -> (finding, encoding, diagnostic). A finding an edit did not
# touch keeps its identity (LiveDocument), and so does its line, so its diagnostic is reused:
# a republish then costs a lookup per finding, not a conversion (flat in document size).
_converted: WeakKeyDictionary[LiveDocument, dict[int, tuple[Finding, str, types.Diagnostic]]] = WeakKeyDictionary()


def diagnostics_for(doc: LiveDocument, encoding: str, cap: int) -> list[types.Diagnostic]:
    """One diagnostic per finding, capped, with a summary when findings were left out."""
    before = _converted.get(doc, {})
    now: dict[int, tuple[Finding, str, types.Diagnostic]] = {}
    out = []
    for f in doc.findings[:cap]:
        hit = before.get(id(f))
        if hit is None or hit[0] is not f or hit[1] != encoding:
            hit = (f, encoding, diagnostic(doc, f, encoding))
        now[id(f)] = hit
        out.append(hit[2])
    _converted[doc] = now
    if len(doc.findings) > cap:
        last = doc.findings[cap]
        out.append(
            types.Diagnostic(
                range=types.Range(
                    start=types.Position(line=last.line, character=0), end=types.Position(line=last.line, character=0)
                ),
                message=f"errhint: {len(doc.findings) - cap} more known error(s) not shown "
                f"(limit maxDiagnostics={cap})",
                severity=types.DiagnosticSeverity.Information,
                source="errhint",
                code="errhint/too-many",
            )
        )
    return out
