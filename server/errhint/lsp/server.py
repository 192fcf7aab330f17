"""errhint's language server: thin handlers over the core the CLI uses.

Documents are kept by errhint itself (``LiveDocument``, a list of lines) instead
of pygls's workspace, so an edit costs the lines it touches, not the document.
Fix commands are never executed here: clients that can run them (the VS Code
extension) do so after asking the user; for other clients the server shows
the command to copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from ..catalog import MAX_ENTRY_BYTES, LoadProblem, Pack, check_examples, parse_entry_text
from ..context import Machine
from ..document import LiveDocument, ScanOptions
from ..engine import Engine, EngineOptions
from ..findings import BINARY_SNIFF, Finding
from ..redact import redact
from ..render import PACK_LABELS, build_card, markdown_card, report_markdown
from . import convert
from .settings import TERMINAL_SCHEME, Settings, is_knowledge_yaml, is_watched, load_workspace_settings

log = logging.getLogger("errhint.lsp")

CLIENT_COMMANDS = (
    "errhint.runFix",
    "errhint.copyFix",
    "errhint.openGuide",
    "errhint.openSource",
    "errhint.createReport",
)


class _Rejected:
    """A message that could not be structured; already answered or logged."""


class ErrhintProtocol(LanguageServerProtocol):
    """Text sync goes to errhint's own documents, not pygls's whole-string workspace.

    Bad input from a client never goes unanswered: a request whose params do not
    fit its type gets an InvalidParams error (pygls would drop it and the client
    would wait forever), a JSON value that is not a JSON-RPC message gets
    InvalidRequest, and a notification with bad params is logged and ignored.
    """

    def structure_message(self, data: dict[str, Any]):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            method = data.get("method")
            if "id" in data and method is not None:
                self.send_error(data.get("id"), exc.code, f"invalid params for {method}")
            else:
                log.warning("ignored %s: invalid params", method)
            return _Rejected()

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Rejected):
            return
        if not hasattr(message, "jsonrpc"):  # valid JSON, but not a JSON-RPC message
            msg_id = message.get("id") if isinstance(message, dict) else None
            self.send_error(msg_id if isinstance(msg_id, (int, str)) else None, -32600, "invalid JSON-RPC message")
            return
        super().handle_message(message)

    def send_error(self, msg_id: Any, code: int, message: str) -> None:
        if not isinstance(msg_id, (int, str)):
            msg_id = None
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None


class TrackedDocument:
    """An open document: its scan state, or why it is not scanned."""

    def __init__(self, uri: str, language_id: str, version: int | None, text: str) -> None:
        self.uri = uri
        self.language_id = language_id
        self.version = version
        self.live: LiveDocument | None = None
        self.kind = "ignored"  # errors | knowledge | too-large | binary | ignored
        self.raw_text = text  # only kept for knowledge YAML and ignored docs switching on later
        self.yaml_problems: list[types.Diagnostic] = []


class ErrhintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("errhint", __version__, protocol_cls=ErrhintProtocol)
        self.settings = Settings()
        self.engine: Engine | None = None
        self.docs: dict[str, TrackedDocument] = {}
        self.workspace_root: Path | None = None
        self.pull_mode = False
        self.encoding = "utf-16"
        self._pending: dict[str, asyncio.TimerHandle] = {}

    # --- engine and settings -------------------------------------------------

    def scan_options(self) -> ScanOptions:
        return ScanOptions(self.settings.minConfidence, frozenset(self.settings.ignoredIds))

    def load_engine(self) -> None:
        options = EngineOptions(
            knowledge_paths=self.settings.knowledgePaths,
            user=self.settings.userKnowledge,
            workspace=self.workspace_root,
            workspace_trusted=self.settings.workspaceTrusted,
        )
        self.engine = Engine.load(options)
        for problem in self.engine.problems:
            level = types.MessageType.Error if problem.severity == "error" else types.MessageType.Warning
            self.log(f"knowledge: {problem}", level)
        self.log(f"loaded {len(self.engine.catalog)} entries from {len(self.engine.catalog.packs)} pack(s)")

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Errors outside a request: answer unparseable input, log the rest (no pop-ups)."""
        if isinstance(error, ValueError) and not isinstance(error, JsonRpcException):  # bad JSON / not UTF-8
            self.protocol.send_error(None, -32700, "parse error: message body is not valid JSON")
            self.log("ignored a message that is not valid JSON", types.MessageType.Warning)
            return
        if isinstance(error, JsonRpcInvalidParams):
            return  # already answered or logged by ErrhintProtocol
        self.log(f"internal error ({getattr(source, '__name__', source)}): {error}", types.MessageType.Error)

    def log(self, message: str, level: types.MessageType = types.MessageType.Info) -> None:
        log.info(message)
        with contextlib.suppress(Exception):
            self.window_log_message(types.LogMessageParams(type=level, message=redact(message)))

    def apply_settings(self, raw: Any) -> None:
        merged, problems = Settings.from_options(raw, self.settings)
        merged.ignoredIds = sorted(
            set(merged.ignoredIds) | set(load_workspace_settings(self.workspace_root).get("ignoredIds", []))
        )
        reload_needed = (
            merged.knowledgePaths != self.settings.knowledgePaths
            or merged.workspaceTrusted != self.settings.workspaceTrusted
            or merged.userKnowledge != self.settings.userKnowledge
        )
        self.settings = merged
        for p in problems:
            self.log(p, types.MessageType.Warning)
        if self.engine is None or reload_needed:
            self.load_engine()
        self.refresh_all()

    def refresh_all(self) -> None:
        for doc in self.docs.values():
            self.classify(doc, doc.live.text if doc.live else doc.raw_text)
            self.publish(doc.uri)
        if self.pull_mode:
            self.request_refresh()

    def request_refresh(self) -> None:
        caps = self.client_capabilities.workspace
        if caps and caps.diagnostics and caps.diagnostics.refresh_support:
            with contextlib.suppress(Exception):
                self.workspace_diagnostic_refresh(None)

    # --- documents ------------------------------------------------------------

    def classify(self, doc: TrackedDocument, text: str) -> None:
        """Decide how a document is handled and (re)scan it."""
        assert self.engine is not None
        doc.live = None
        doc.raw_text = ""
        if is_knowledge_yaml(doc.uri) or (doc.language_id == "yaml" and "/.errhint/" in doc.uri):
            doc.kind = "knowledge"
            doc.raw_text = text
            doc.yaml_problems = self.yaml_diagnostics(doc.uri, text)
        elif not is_watched(doc.uri, doc.language_id, self.settings):
            doc.kind = "ignored"
            doc.raw_text = text
        elif len(text) > self.settings.maxDocumentBytes:
            doc.kind = "too-large"
            doc.raw_text = ""
        elif "\x00" in text[:BINARY_SNIFF] and not doc.uri.startswith(TERMINAL_SCHEME + ":"):
            doc.kind = "binary"  # as the CLI does: NUL bytes near the start mean this is not a text log
            doc.raw_text = text
        else:
            doc.kind = "errors"
            doc.live = LiveDocument(text, self.engine.matcher, self.scan_options(), doc.uri)

    def yaml_diagnostics(self, uri: str, text: str) -> list[types.Diagnostic]:
        path = Path(to_fs_path(uri) or uri)
        pack = Pack(path.parent.parent, "path")
        if len(text) > MAX_ENTRY_BYTES:  # what the loader refuses, the editor is not made to parse
            problems = [
                LoadProblem(
                    str(path), 1, 1, f"file is {len(text)} characters; entries are limited to {MAX_ENTRY_BYTES} bytes"
                )
            ]
            entry = None
        else:
            entry, problems = parse_entry_text(text, str(path), pack, path)
        if entry is not None:
            problems = problems + check_examples(entry)
            if self.engine is not None:
                for i, rel in enumerate(entry.related):
                    line, col = entry.mark(f"related[{i}]")
                    if rel == entry.id:
                        problems.append(
                            LoadProblem(str(path), line + 1, col + 1, "an entry cannot be related to itself", "warning")
                        )
                    elif rel not in self.engine.catalog.entries:
                        problems.append(
                            LoadProblem(str(path), line + 1, col + 1, f"related id {rel!r} does not exist", "warning")
                        )
                other = self.engine.catalog.entries.get(entry.id)
                if other is not None and other.pack != "bundled" and not _same_file(other.location.path, path):
                    line, col = entry.mark("id")
                    problems.append(
                        LoadProblem(
                            str(path),
                            line + 1,
                            col + 1,
                            f"duplicate id {entry.id!r}: also defined in {other.location.path}",
                            "warning",
                        )
                    )
        out = []
        for p in problems:
            pos = types.Position(line=max(p.line - 1, 0), character=max(p.column - 1, 0))
            self.log(f"knowledge: {p}", types.MessageType.Warning)
            out.append(
                types.Diagnostic(
                    range=types.Range(start=pos, end=types.Position(line=pos.line, character=pos.character + 1)),
                    message=redact(p.message),
                    severity=types.DiagnosticSeverity.Error
                    if p.severity == "error"
                    else types.DiagnosticSeverity.Warning,
                    source="errhint",
                    code="errhint/knowledge",
                )
            )
        return out

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        doc = self.docs.get(uri)
        if doc is None:
            return []
        if doc.kind == "knowledge":
            return doc.yaml_problems
        if doc.kind == "too-large":
            return [
                types.Diagnostic(
                    range=types.Range(
                        start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
                    ),
                    message=f"errhint: document larger than maxDocumentBytes ({self.settings.maxDocumentBytes}); "
                    "not scanned. Use `errhint scan FILE` in a terminal.",
                    severity=types.DiagnosticSeverity.Information,
                    source="errhint",
                    code="errhint/too-large",
                )
            ]
        if doc.kind == "binary":
            return [
                types.Diagnostic(
                    range=types.Range(
                        start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)
                    ),
                    message="errhint: binary content (NUL bytes near the start); not scanned.",
                    severity=types.DiagnosticSeverity.Information,
                    source="errhint",
                    code="errhint/binary",
                )
            ]
        if doc.live is None:
            return []
        return convert.diagnostics_for(doc.live, self.encoding, self.settings.maxDiagnostics)

    def publish(self, uri: str) -> None:
        """Push the document's diagnostics. For a scanned document they go out as JSON values
        cached per finding (``convert.diagnostics_json``), so a republish after an edit does
        not re-serialise hundreds of unchanged diagnostics; the message is the one pygls
        would send for ``PublishDiagnosticsParams``."""
        if self.pull_mode:
            return
        doc = self.docs.get(uri)
        unstructure = self.protocol._converter.unstructure
        if doc is not None and doc.kind == "errors" and doc.live is not None:
            diagnostics = convert.diagnostics_json(doc.live, self.encoding, self.settings.maxDiagnostics, unstructure)
        else:
            diagnostics = [unstructure(d) for d in self.diagnostics(uri)]
        params: dict[str, Any] = {"uri": uri, "diagnostics": diagnostics}
        if doc is not None and doc.version is not None:
            params["version"] = doc.version
        self.protocol._send_data(
            {"jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params}
        )

    def schedule_publish(self, uri: str) -> None:
        if self.pull_mode:
            return
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.publish(uri)
            return
        self._pending[uri] = loop.call_later(self.settings.debounceMs / 1000, self._flush, uri)

    def _flush(self, uri: str) -> None:
        self._pending.pop(uri, None)
        if uri in self.docs:
            self.publish(uri)

    def finding_at(self, uri: str, position: types.Position) -> tuple[TrackedDocument, Finding] | None:
        doc = self.docs.get(uri)
        if doc is None or doc.live is None or position.line >= len(doc.live.lines):
            return None
        col = convert.from_client_col(doc.live.lines[position.line], position.character, self.encoding)
        f = doc.live.finding_at(position.line, col)
        return (doc, f) if f else None


server = ErrhintServer()


def _same_file(a: str, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except OSError:
        return False


def _get(params: Any, name: str, default: Any = None) -> Any:
    if isinstance(params, dict):
        return params.get(name, default)
    if hasattr(params, "_fields"):  # pygls structures unknown params as namedtuples
        return getattr(params, name, default)
    if isinstance(params, (list, tuple)) and params:
        return _get(params[0], name, default)
    return getattr(params, name, default)


def _str(params: Any, name: str, default: str = "") -> str:
    """A string argument from a client; anything else is the default."""
    value = _get(params, name, default)
    return value if isinstance(value, str) else default


def _int(params: Any, name: str) -> int | None:
    value = _get(params, name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _commands(params: Any) -> dict[str, str]:
    """The ``commands`` argument of a fix: shell name -> command text, strings only."""
    raw = _get(params, "commands", {}) or {}
    if hasattr(raw, "_asdict"):  # pygls structures unknown objects as namedtuples
        raw = raw._asdict()
    if not isinstance(raw, dict):
        return {}
    return {str(k): v for k, v in raw.items() if isinstance(v, str)}


# --- lifecycle ----------------------------------------------------------------


@server.feature(types.INITIALIZE)
def on_initialize(ls: ErrhintServer, params: types.InitializeParams) -> None:
    root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
    if root:
        path = to_fs_path(root)
        ls.workspace_root = Path(path) if path else None
    ls.settings, problems = Settings.from_options(params.initialization_options)
    if ls.settings.clientCommands:
        for name in CLIENT_COMMANDS:
            ls.protocol.fm.commands.pop(name, None)
    td = params.capabilities.text_document
    client_pulls = bool(td and td.diagnostic)
    ls.pull_mode = ls.settings.diagnosticMode == "pull" or (ls.settings.diagnosticMode == "auto" and client_pulls)
    if not ls.pull_mode:  # advertise pull only when used, or clients would pull and get pushes too
        ls.protocol.fm.features.pop(types.TEXT_DOCUMENT_DIAGNOSTIC, None)
        ls.protocol.fm.feature_options.pop(types.TEXT_DOCUMENT_DIAGNOSTIC, None)
    encodings = (params.capabilities.general.position_encodings if params.capabilities.general else None) or []
    ls.encoding = "utf-16"
    for enc in encodings:  # pygls picks the first the client offers that it supports
        if enc in (types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32, types.PositionEncodingKind.Utf8):
            ls.encoding = str(enc.value if hasattr(enc, "value") else enc)
            break
    ls.apply_settings({})
    for p in problems:
        ls.log(p, types.MessageType.Warning)


@server.feature(types.INITIALIZED)
def on_initialized(ls: ErrhintServer, params: types.InitializedParams) -> None:
    caps = ls.client_capabilities.workspace
    watch = caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration
    if not watch:
        return
    globs = ["**/.errhint/**/*.yaml", "**/.errhint/**/*.yml", "**/.errhint/settings.json", "**/knowledge/**/*.yaml"]
    globs += [str(Path(p).expanduser()) + "/**/*.yaml" for p in ls.settings.knowledgePaths]
    registration = types.Registration(
        id="errhint-knowledge-watch",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=g) for g in globs]
        ),
    )
    try:
        ls.client_register_capability(types.RegistrationParams(registrations=[registration]))
    except Exception as exc:
        ls.log(f"could not register file watchers: {exc}", types.MessageType.Warning)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def on_configuration(ls: ErrhintServer, params: types.DidChangeConfigurationParams) -> None:
    ls.apply_settings(params.settings if isinstance(params.settings, dict) else {})


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def on_watched_files(ls: ErrhintServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.log(f"knowledge changed ({len(params.changes)} file(s)); reloading")
    ls.load_engine()
    ls.apply_settings({})


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def on_open(ls: ErrhintServer, params: types.DidOpenTextDocumentParams) -> None:
    td = params.text_document
    doc = TrackedDocument(td.uri, td.language_id, td.version, td.text)
    ls.docs[td.uri] = doc
    ls.classify(doc, td.text)
    ls.publish(td.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def on_change(ls: ErrhintServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return
    doc.version = params.text_document.version
    for change in params.content_changes:
        rng = getattr(change, "range", None)
        if doc.live is not None and rng is not None:
            lines = doc.live.lines
            sl = min(rng.start.line, len(lines) - 1)
            el = min(rng.end.line, len(lines) - 1)
            sc = (
                convert.from_client_col(lines[sl], rng.start.character, ls.encoding)
                if rng.start.line < len(lines)
                else len(lines[sl])
            )
            ec = (
                convert.from_client_col(lines[el], rng.end.character, ls.encoding)
                if rng.end.line < len(lines)
                else len(lines[el])
            )
            doc.live.edit(sl, sc, el, ec, change.text)
            if doc.live.size() > ls.settings.maxDocumentBytes:
                doc.live = None
                doc.kind = "too-large"
        elif rng is not None:
            text = _apply_to_text(doc.raw_text, rng, change.text, ls.encoding)
            if doc.kind == "too-large":  # we do not keep the text of a too-large document
                continue
            ls.classify(doc, text)
        else:
            ls.classify(doc, change.text)
    ls.schedule_publish(doc.uri)


def _apply_to_text(text: str, rng: types.Range, new_text: str, encoding: str) -> str:
    lines = text.split("\n")
    sl = min(rng.start.line, len(lines) - 1)
    el = min(rng.end.line, len(lines) - 1)
    sc = convert.from_client_col(lines[sl], rng.start.character, encoding)
    ec = convert.from_client_col(lines[el], rng.end.character, encoding)
    merged = lines[sl][:sc] + new_text + lines[el][ec:]
    return "\n".join([*lines[:sl], merged, *lines[el + 1 :]])


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def on_save(ls: ErrhintServer, params: types.DidSaveTextDocumentParams) -> None:
    doc = ls.docs.get(params.text_document.uri)
    if doc is not None and doc.kind == "knowledge":
        ls.load_engine()
        ls.apply_settings({})


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def on_close(ls: ErrhintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.docs.pop(uri, None)
    handle = ls._pending.pop(uri, None)
    if handle is not None:
        handle.cancel()
    if not ls.pull_mode:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier="errhint", inter_file_dependencies=False, workspace_diagnostics=False),
)
def on_pull_diagnostics(ls: ErrhintServer, params: types.DocumentDiagnosticParams):
    return types.RelatedFullDocumentDiagnosticReport(items=ls.diagnostics(params.text_document.uri))


# --- hover and code actions ---------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: ErrhintServer, params: types.HoverParams) -> types.Hover | None:
    found = ls.finding_at(params.text_document.uri, params.position)
    if found is None:
        return None
    doc, f = found
    card = build_card(f.entry, Machine(), f)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown_card(card)),
        range=convert.lsp_range(doc.live, f, ls.encoding),
    )


def _findings_in(ls: ErrhintServer, uri: str, rng: types.Range) -> list[Finding]:
    doc = ls.docs.get(uri)
    if doc is None or doc.live is None:
        return []
    out = []
    for f in doc.live.findings:
        if f.end_line < rng.start.line or f.line > rng.end.line:
            continue
        out.append(f)
    return out


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix], resolve_provider=False),
)
def on_code_action(ls: ErrhintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    doc = ls.docs.get(uri)
    actions: list[types.CodeAction] = []
    for f in _findings_in(ls, uri, params.range)[:5]:
        e = f.entry
        diag = convert.diagnostic(doc.live, f, ls.encoding)
        origin = "" if e.pack == "bundled" else f" [{e.pack} pack]"

        def action(
            title: str, command: str, arg: dict, preferred: bool = False, diag: types.Diagnostic = diag
        ) -> types.CodeAction:
            return types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diag],
                is_preferred=preferred,
                command=types.Command(title=title, command=command, arguments=[arg]),
            )

        actions.append(action(f"errhint: Show full guide — {e.title}", "errhint.openGuide", {"id": e.id}, True))
        for i, fix in enumerate(e.fixes):
            if not fix.commands:
                continue
            arg = {
                "id": e.id,
                "fixIndex": i,
                "title": fix.title,
                "commands": {k: redact(v) for k, v in fix.commands.items()},
                "pack": e.pack,
            }
            actions.append(action(f"errhint: Run fix — {fix.title}{origin}", "errhint.runFix", arg))
            actions.append(action(f"errhint: Copy fix command — {fix.title}{origin}", "errhint.copyFix", arg))
        for s in e.sources[:3]:
            actions.append(
                action(f"errhint: Open source — {s.title}", "errhint.openSource", {"url": s.url, "title": s.title})
            )
        actions.append(
            action("errhint: Create redacted report", "errhint.createReport", {"id": e.id, "uri": uri, "line": f.line})
        )
        actions.append(action(f"errhint: Ignore {e.id} in this workspace", "errhint.ignoreId", {"id": e.id}))
    return actions


# --- commands (server side) ---------------------------------------------------


_private_dir: Path | None = None


def _markdown_dir() -> Path:
    """A directory only this user can write, made fresh for this server process.

    A fixed name under the shared temp directory (``/tmp/errhint``) could be
    created first by another local user, with symlinks in it pointing at this
    user's files; ``mkdtemp`` makes a new 0700 directory with a random name.
    """
    global _private_dir
    if _private_dir is None or not _private_dir.is_dir():
        _private_dir = Path(tempfile.mkdtemp(prefix="errhint-"))
    return _private_dir


def _show_markdown(ls: ErrhintServer, name: str, markdown: str) -> str:
    """Write markdown to a private temporary file and ask the client to show it."""
    path = _markdown_dir() / Path(name).name
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, 0o600), "w", encoding="utf-8") as fh:
        fh.write(markdown)
    uri = from_fs_path(str(path)) or path.as_uri()
    try:
        ls.window_show_document(types.ShowDocumentParams(uri=uri, take_focus=True))
    except Exception as exc:
        ls.log(f"client could not show {uri}: {exc}", types.MessageType.Warning)
    return uri


def _entry_or_error(ls: ErrhintServer, args: Any):
    entry_id = _str(args, "id")
    entry = ls.engine.entry(entry_id) if ls.engine and entry_id else None
    if entry is None:
        ls.window_show_message(
            types.ShowMessageParams(
                type=types.MessageType.Error, message=redact(f"errhint: unknown entry {entry_id[:200]!r}")
            )
        )
    return entry


@server.command("errhint.openGuide")
def cmd_open_guide(ls: ErrhintServer, args: Any) -> dict | None:
    entry = _entry_or_error(ls, args)
    if entry is None:
        return None
    markdown = markdown_card(build_card(entry, Machine()))
    uri = _show_markdown(ls, entry.id.replace("/", "__") + ".md", markdown)
    return {"uri": uri, "markdown": markdown}


def _fix_text(args: Any) -> str:
    commands = _commands(args)
    lines = [f"# {shell}\n{cmd}" for shell, cmd in commands.items()]
    pack = _str(args, "pack", "bundled")
    if pack != "bundled":  # a command from a cloned repository's pack must never pass for a bundled one
        lines.insert(0, f"# from {PACK_LABELS.get(pack, 'a knowledge pack that is not bundled')}, not errhint's own")
    return redact("\n".join(lines))


@server.command("errhint.runFix")
def cmd_run_fix(ls: ErrhintServer, args: Any) -> dict:
    """Never runs anything: this client cannot run commands, so show what to run."""
    text = _fix_text(args)
    ls.window_show_message(
        types.ShowMessageParams(
            type=types.MessageType.Info,
            message=redact(
                f"errhint does not run commands by itself. To apply “{_str(args, 'title', 'fix')}”, run:\n{text}"
            ),
        )
    )
    return {"executed": False, "commands": {k: redact(v) for k, v in _commands(args).items()}}


@server.command("errhint.copyFix")
def cmd_copy_fix(ls: ErrhintServer, args: Any) -> dict:
    text = _fix_text(args)
    ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Info, message=f"Copy and run:\n{text}"))
    return {"text": text}


@server.command("errhint.openSource")
def cmd_open_source(ls: ErrhintServer, args: Any) -> dict:
    url = _str(args, "url")
    if not url.startswith(("https://", "http://")):
        return {"opened": False}
    try:
        ls.window_show_document(types.ShowDocumentParams(uri=url, external=True))
    except Exception as exc:
        ls.log(f"client could not open {url}: {exc}", types.MessageType.Warning)
    return {"opened": True, "url": url}


def report_for(ls: ErrhintServer, args: Any) -> str | None:
    entry = _entry_or_error(ls, args)
    if entry is None:
        return None
    uri, line = _str(args, "uri"), _int(args, "line")
    finding = None
    doc = ls.docs.get(uri) if uri else None
    if doc is not None and doc.live is not None:
        finding = next(
            (f for f in doc.live.findings if f.entry.id == entry.id and (line is None or f.line == line)), None
        )
    return report_markdown(build_card(entry, Machine(), finding), finding)


@server.command("errhint.createReport")
def cmd_create_report(ls: ErrhintServer, args: Any) -> dict | None:
    markdown = report_for(ls, args)
    if markdown is None:
        return None
    uri = _show_markdown(ls, "errhint-report.md", markdown)
    return {"uri": uri, "markdown": markdown}


@server.command("errhint.ignoreId")
def cmd_ignore_id(ls: ErrhintServer, args: Any) -> dict:
    entry_id = _str(args, "id").strip()
    if not entry_id:
        return {"ignoredIds": list(ls.settings.ignoredIds)}
    ids = sorted(set(ls.settings.ignoredIds) | {entry_id})
    ls.settings.ignoredIds = ids
    if ls.workspace_root is not None:
        path = ls.workspace_root / ".errhint" / "settings.json"
        current = load_workspace_settings(ls.workspace_root)
        current["ignoredIds"] = sorted(set(current.get("ignoredIds", [])) | {entry_id})
        content = json.dumps(current, indent=2) + "\n"
        uri = from_fs_path(str(path)) or path.as_uri()
        changes: list[Any] = []
        if not path.exists():
            changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=[
                    types.TextEdit(
                        range=types.Range(
                            start=types.Position(line=0, character=0), end=types.Position(line=10**6, character=0)
                        ),
                        new_text=content,
                    )
                ],
            )
        )
        try:
            ls.workspace_apply_edit(
                types.ApplyWorkspaceEditParams(
                    edit=types.WorkspaceEdit(document_changes=changes), label=f"errhint: ignore {entry_id}"
                )
            )
        except Exception as exc:
            ls.log(f"could not write {path}: {exc}", types.MessageType.Warning)
    ls.refresh_all()
    return {"ignoredIds": ids}


# --- custom requests (used by the VS Code client) -----------------------------


@server.feature("errhint/renderGuide")
def req_render_guide(ls: ErrhintServer, params: Any) -> dict:
    entry = ls.engine.entry(_str(params, "id")) if ls.engine else None
    return {"markdown": markdown_card(build_card(entry, Machine())) if entry else ""}


@server.feature("errhint/createReport")
def req_create_report(ls: ErrhintServer, params: Any) -> dict:
    return {"markdown": report_for(ls, params) or ""}


@server.feature("errhint/listEntries")
def req_list_entries(ls: ErrhintServer, params: Any) -> dict:
    entries = list(ls.engine.catalog) if ls.engine else []
    return {"entries": [{"id": e.id, "title": e.title, "tool": e.tool, "pack": e.pack} for e in entries]}


@server.feature("errhint/scanText")
def req_scan_text(ls: ErrhintServer, params: Any) -> dict:
    text = _str(params, "text")[: ls.settings.maxDocumentBytes]
    doc = LiveDocument(text, ls.engine.matcher, ls.scan_options())
    out = []
    for f in doc.findings:
        r = convert.lsp_range(doc, f, ls.encoding)
        out.append(
            {
                "id": f.entry.id,
                "title": f.entry.title,
                "tool": f.entry.tool,
                "severity": f.entry.severity,
                "line": r.start.line,
                "column": r.start.character,
                "endLine": r.end.line,
                "endColumn": r.end.character,
                "confidence": f.match.confidence,
                "quickFix": redact(f.entry.quick_fix),
            }
        )
    return {"matches": out}


@server.feature("errhint/reload")
def req_reload(ls: ErrhintServer, params: Any) -> dict:
    ls.load_engine()
    ls.apply_settings({})
    problems = [str(p) for p in ls.engine.problems if p.severity == "error"]
    return {"entries": len(ls.engine.catalog), "errors": problems}


class _RedactingFormatter(logging.Formatter):
    """stderr is the editor's output panel: log lines (and pygls tracebacks quoting params) are redacted too."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def start(tcp: str | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="errhint: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setFormatter(_RedactingFormatter("errhint: %(message)s"))
    if tcp:
        host, _, port = tcp.rpartition(":")
        server.start_tcp(host or "127.0.0.1", int(port))
    else:
        server.start_io()
    return 0
