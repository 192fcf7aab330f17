"""The language server end to end: a real server process driven over JSON-RPC by pytest-lsp."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import SEED_ID, SEED_LINE, entry_yaml

SERVER = [sys.executable, "-m", "errhint", "serve"]
ENV = {**os.environ, "ERRHINT_USER_KNOWLEDGE": "/nonexistent-errhint-user-pack", "ANTHROPIC_API_KEY": ""}


async def start(client: LanguageClient, root: Path | None = None, **options) -> types.InitializeResult:
    caps = client_capabilities("visual-studio-code")
    params = types.InitializeParams(
        capabilities=caps,
        root_uri=root.as_uri() if root else None,
        initialization_options={"diagnosticMode": "push", "debounceMs": 10, **options},
    )
    return await client.initialize_session(params)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER, server_env=ENV))
async def client(lsp_client: LanguageClient):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams) -> None:
        return None

    yield
    await lsp_client.shutdown_session()


async def open_doc(client: LanguageClient, uri: str, text: str, language: str = "log") -> list[types.Diagnostic]:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        )
    )
    await wait_diagnostics(client, uri)
    return client.diagnostics[uri]


async def wait_diagnostics(client: LanguageClient, uri: str, timeout: float = 20) -> None:
    async def loop():
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri:
                return

    await asyncio.wait_for(loop(), timeout)


def change(client: LanguageClient, uri: str, version: int, rng: types.Range | None, text: str) -> None:
    ev = (
        types.TextDocumentContentChangePartial(range=rng, text=text)
        if rng
        else types.TextDocumentContentChangeWholeDocument(text=text)
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[ev]
        )
    )


def rng(l1: int, c1: int, l2: int, c2: int) -> types.Range:
    return types.Range(start=types.Position(line=l1, character=c1), end=types.Position(line=l2, character=c2))


def action_command(action) -> dict:
    """The command of a code action.

    lsprotocol's client-side converter structures ``CodeAction | Command`` results as
    Command, stringifying the nested command; undo that here (the JSON on the wire is a
    proper CodeAction, which VS Code and Neovim read correctly).
    """
    if isinstance(action, types.CodeAction):
        c = action.command
        return {"command": c.command, "arguments": c.arguments}
    import ast

    return ast.literal_eval(action.command)


LOG = f"starting\n  🙂日本 {SEED_LINE}\nbye\n"
URI = "file:///tmp/errhint-test/session.log"


async def test_diagnostic_range_is_utf16_and_fields_are_complete(client: LanguageClient):
    await start(client)
    (diag,) = await open_doc(client, URI, LOG)
    # "  🙂日本 " is 2 + 2 (surrogate pair) + 2 + 1 = 7 UTF-16 units
    assert diag.range.start == types.Position(line=1, character=7)
    assert diag.range.end == types.Position(line=1, character=7 + len(SEED_LINE))
    assert diag.code == SEED_ID and diag.source == "errhint"
    assert diag.severity == types.DiagnosticSeverity.Error
    assert diag.code_description and diag.code_description.href.startswith("https://")
    assert diag.data["id"] == SEED_ID and 0 < diag.data["confidence"] <= 1
    assert " — " in diag.message


async def test_terminal_scheme_is_always_scanned_and_plain_files_are_not(client: LanguageClient):
    await start(client)
    diags = await open_doc(client, "errhint-terminal:/1/claude", SEED_LINE, language="anything")
    assert [d.code for d in diags] == [SEED_ID]
    assert await open_doc(client, "file:///tmp/x/main.py", SEED_LINE, language="python") == ()


async def test_incremental_edits_add_and_remove_diagnostics(client: LanguageClient):
    await start(client)
    assert len(await open_doc(client, URI, LOG)) == 1
    change(client, URI, 2, rng(2, 0, 2, 3), SEED_LINE)  # replace "bye" with a second error
    await wait_diagnostics(client, URI)
    assert sorted(d.range.start.line for d in client.diagnostics[URI]) == [1, 2]
    change(client, URI, 3, rng(0, 0, 2, 0), "")  # delete the first two lines
    await wait_diagnostics(client, URI)
    assert [d.range.start.line for d in client.diagnostics[URI]] == [0]
    change(client, URI, 4, None, "nothing here")
    await wait_diagnostics(client, URI)
    assert list(client.diagnostics[URI]) == []


async def test_close_clears_diagnostics(client: LanguageClient):
    await start(client)
    await open_doc(client, URI, LOG)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    await wait_diagnostics(client, URI)
    assert list(client.diagnostics[URI]) == []


async def test_hover_shows_card_with_machine_check(client: LanguageClient):
    await start(client)
    await open_doc(client, URI, LOG)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=1, character=12)
        )
    )
    assert hover is not None
    text = hover.contents.value
    assert text.startswith("### ")
    assert "ANTHROPIC_API_KEY" in text and "#### Sources" in text
    assert (
        await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=URI), position=types.Position(line=0, character=1)
            )
        )
        is None
    )


async def test_code_actions_and_server_side_commands(client: LanguageClient):
    await start(client)
    (diag,) = await open_doc(client, URI, LOG)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=URI),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag]),
        )
    )
    commands = [action_command(a)["command"] for a in actions]
    for name in (
        "errhint.openGuide",
        "errhint.runFix",
        "errhint.copyFix",
        "errhint.openSource",
        "errhint.createReport",
        "errhint.ignoreId",
    ):
        assert name in commands, commands
    assert all(
        a.kind == types.CodeActionKind.QuickFix and a.diagnostics for a in actions if isinstance(a, types.CodeAction)
    )
    run_fix = next(action_command(a) for a in actions if action_command(a)["command"] == "errhint.runFix")
    assert run_fix["arguments"][0]["commands"]["posix"]
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="errhint.runFix", arguments=run_fix["arguments"])
    )
    assert result["executed"] is False  # the server never runs a fix
    assert any("does not run commands" in m.message for m in client.messages)
    report = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="errhint.createReport", arguments=[{"id": SEED_ID, "uri": URI, "line": 1}])
    )
    assert "## Error report" in report["markdown"] and SEED_ID in report["markdown"]
    guide = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="errhint.openGuide", arguments=[{"id": SEED_ID}])
    )
    assert guide["markdown"].startswith("### ")


async def test_ignore_id_writes_workspace_settings(client: LanguageClient, tmp_path: Path):
    edits: list[types.ApplyWorkspaceEditParams] = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply(params: types.ApplyWorkspaceEditParams):
        edits.append(params)
        return types.ApplyWorkspaceEditResult(applied=True)

    await start(client, root=tmp_path)
    await open_doc(client, URI, LOG)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="errhint.ignoreId", arguments=[{"id": SEED_ID}])
    )
    await asyncio.sleep(0.2)  # the republish precedes the command's reply
    assert list(client.diagnostics[URI]) == []
    assert edits and "settings.json" in json.dumps(edits[0].edit.document_changes[-1].text_document.uri)
    assert SEED_ID in edits[0].edit.document_changes[-1].edits[0].new_text


async def test_settings_change_min_confidence_and_ignored(client: LanguageClient):
    await start(client)
    assert len(await open_doc(client, URI, LOG)) == 1
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"errhint": {"ignoredIds": [SEED_ID]}})
    )
    await wait_diagnostics(client, URI)
    assert list(client.diagnostics[URI]) == []
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"errhint": {"ignoredIds": []}})
    )
    await wait_diagnostics(client, URI)
    assert len(client.diagnostics[URI]) == 1


async def test_extra_knowledge_path_and_watched_file_reload(client: LanguageClient, tmp_path: Path):
    pack = tmp_path / "pack"
    (pack / "demo").mkdir(parents=True)
    await start(client, knowledgePaths=[str(pack)])
    assert not await open_doc(client, URI, "DEMO-FAILURE 1\n")
    (pack / "demo" / "failure.yaml").write_text(entry_yaml())
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(pack / "demo" / "failure.yaml").as_uri(), type=types.FileChangeType.Created)]
        )
    )
    await wait_diagnostics(client, URI)
    assert [d.code for d in client.diagnostics[URI]] == ["demo/failure"]


async def test_untrusted_workspace_ignores_workspace_pack(client: LanguageClient, tmp_path: Path):
    wpack = tmp_path / ".errhint" / "knowledge" / "demo"
    wpack.mkdir(parents=True)
    (wpack / "failure.yaml").write_text(entry_yaml())
    await start(client, root=tmp_path, workspaceTrusted=False)
    assert not await open_doc(client, URI, "DEMO-FAILURE 1\n")
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"errhint": {"workspaceTrusted": True}})
    )
    await wait_diagnostics(client, URI)
    (diag,) = client.diagnostics[URI]
    assert diag.data["pack"] == "workspace"


async def test_knowledge_yaml_gets_diagnostics(client: LanguageClient, tmp_path: Path):
    await start(client)
    uri = (tmp_path / "knowledge" / "demo" / "failure.yaml").as_uri()
    broken = entry_yaml().replace("title: Demo failure", "title: [oops").replace("DEMO-FAILURE 42", "x")
    diags = await open_doc(client, uri, broken, language="yaml")
    assert diags and diags[0].range.start.line == 2 and "invalid YAML" in diags[0].message
    diags = await open_doc(client, uri, entry_yaml(example="no match"), language="yaml")
    assert any("examples[0] does not match" in d.message and d.range.start.line == 11 for d in diags)


async def test_too_large_document_gets_one_info_message(client: LanguageClient):
    await start(client, maxDocumentBytes=1000)
    (diag,) = await open_doc(client, URI, SEED_LINE + "\n" + "x" * 2000)
    assert diag.severity == types.DiagnosticSeverity.Information and "maxDocumentBytes" in diag.message


async def test_many_matches_are_capped_with_summary(client: LanguageClient):
    await start(client, maxDiagnostics=50)
    diags = await open_doc(client, URI, "\n".join([SEED_LINE] * 300))
    assert len(diags) == 51 and "250 more" in diags[-1].message


async def test_pull_diagnostics(client: LanguageClient):
    await start(client, diagnosticMode="pull")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=URI, language_id="log", version=1, text=LOG)
        )
    )
    report = await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=URI))
    )
    assert [d.code for d in report.items] == [SEED_ID]


async def test_custom_requests(client: LanguageClient):
    await start(client)
    listed = await client.protocol.send_request_async("errhint/listEntries", {})
    # pygls hands results of custom methods back as namedtuples
    assert any(e.id == SEED_ID for e in listed.entries)
    scanned = await client.protocol.send_request_async("errhint/scanText", {"text": LOG})
    assert scanned.matches[0].id == SEED_ID and scanned.matches[0].line == 1
    guide = await client.protocol.send_request_async("errhint/renderGuide", {"id": SEED_ID})
    assert "ANTHROPIC_API_KEY" in guide.markdown
    reloaded = await client.protocol.send_request_async("errhint/reload", {})
    assert reloaded.entries >= 1


async def test_server_survives_bad_requests(client: LanguageClient):
    await start(client)
    with pytest.raises(Exception):  # noqa: B017 - any JSON-RPC error response is fine
        await client.protocol.send_request_async("errhint/noSuchMethod", {})
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri="file:///never/opened.log"),
            position=types.Position(line=0, character=0),
        )
    )
    assert hover is None
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="errhint.openGuide", arguments=[{"id": "no/such-entry"}])
    )
    assert len(await open_doc(client, URI, LOG)) == 1  # still alive and working
