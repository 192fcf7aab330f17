"""Protocol faults against the real server process over stdio.

Malformed JSON-RPC, wrong parameter types, unknown methods, requests for
documents that were never opened, cancellation, lone surrogates and a client
that goes away without ``shutdown``: the server answers with a proper error
(or ignores a bad notification) and keeps serving; it never dies on bad input.
"""

from __future__ import annotations

import time

import pytest

from conftest import SEED_LINE
from hardening_rpc import RpcServer, frame, server_env

URI = "file:///proto/session.log"


@pytest.fixture(scope="module")
def srv():
    """One server for the module: every test also checks it survived the tests before it."""
    with RpcServer(server_env()) as s:
        s.initialize()
        yield s


def still_serving(s: RpcServer) -> None:
    """The server is alive and still finds the seed error in a new document."""
    uri = f"file:///proto/check-{time.monotonic_ns()}.log"
    s.open(uri, "x\n" + SEED_LINE + "\n")
    diags = s.diagnostics(uri, version=1)
    assert [d["range"]["start"]["line"] for d in diags] == [1]
    assert s.alive()


def hover(s: RpcServer, uri: str, line: int = 0, character: int = 0) -> dict:
    return s.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
    )


def test_bad_json_gets_parse_error_and_server_lives(srv):
    srv.send_raw(frame(b'{"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {'))
    srv.send_raw(frame(b"\xff\xfe not utf-8 at all"))
    srv.send_raw(frame(b"[1, 2, 3]"))
    srv.send_raw(frame(b'"just a string"'))
    still_serving(srv)
    errors = [m for m in srv.seen if "error" in m]
    assert any(m["error"]["code"] == -32700 for m in errors), srv.seen  # JSON-RPC parse error


def test_frames_without_content_length_are_skipped(srv):
    srv.send_raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")
    srv.send_raw(b"garbage line without a header\r\n\r\n")
    srv.send_raw(b"Content-Length: not-a-number\r\n\r\n")
    still_serving(srv)


WRONG_PARAMS = [
    ("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": "zero", "character": None}}),
    ("textDocument/hover", {"textDocument": 42}),
    ("textDocument/hover", None),
    ("textDocument/hover", [1, 2]),
    ("textDocument/codeAction", {"textDocument": {"uri": URI}, "range": "everything"}),
    ("workspace/executeCommand", {"command": 7, "arguments": "nope"}),
    ("workspace/executeCommand", {"command": "errhint.runFix", "arguments": [None]}),
    ("workspace/executeCommand", {"command": "errhint.copyFix", "arguments": [{"commands": "rm -rf /"}]}),
    ("workspace/executeCommand", {"command": "errhint.createReport", "arguments": [{"id": [], "line": "x"}]}),
    ("workspace/executeCommand", {"command": "errhint.ignoreId", "arguments": []}),
    ("errhint/scanText", {"text": {"nested": True}}),
    ("errhint/renderGuide", {"id": {"not": "a string"}}),
    ("errhint/createReport", {"id": 5, "uri": [], "line": {}}),
]


@pytest.mark.parametrize(("method", "params"), WRONG_PARAMS)
def test_wrong_param_types_get_an_answer(srv, method, params):
    reply = srv.request(method, params)
    assert "result" in reply or reply["error"]["code"] < 0
    still_serving(srv)


def test_bad_notifications_are_ignored(srv):
    srv.notify("textDocument/didOpen", {"textDocument": {"uri": 5}})
    srv.notify("textDocument/didOpen", None)
    srv.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": "file:///never.log", "version": 2}, "contentChanges": [{"text": "x"}]},
    )
    srv.notify("textDocument/didChange", {"textDocument": {"uri": URI}, "contentChanges": "nope"})
    srv.notify("textDocument/didClose", {"textDocument": {"uri": "file:///never.log"}})
    srv.notify(
        "workspace/didChangeConfiguration", {"settings": {"errhint": {"maxDiagnostics": "lots", "knowledgePaths": 3}}}
    )
    srv.notify("workspace/didChangeConfiguration", {"settings": "not an object"})
    srv.notify("errhint/unknownNotification", {"x": 1})
    srv.notify("$/somethingOptional", {})
    still_serving(srv)


def test_invalid_params_on_a_request_is_invalid_params_error(srv):
    reply = srv.request("textDocument/hover", {"textDocument": 42})
    assert reply["error"]["code"] == -32602 and "textDocument/hover" in reply["error"]["message"]
    reply = srv.request("textDocument/hover", {"textDocument": {"uri": URI}})  # position missing
    assert reply["error"]["code"] == -32602
    srv.send_raw(frame(b'{"jsonrpc": "2.0", "id": 777, "no_method": true}'))
    srv.send_raw(frame(b"[1, 2, 3]"))
    err = srv.wait_for(lambda m: m.get("error", {}).get("code") == -32600)
    assert err["error"]["message"]
    still_serving(srv)


def test_unknown_method_is_method_not_found(srv):
    reply = srv.request("errhint/noSuchMethod", {})
    assert reply["error"]["code"] == -32601
    reply = srv.request("textDocument/noSuchThing", {"textDocument": {"uri": URI}})
    assert reply["error"]["code"] == -32601
    still_serving(srv)


def test_requests_for_unopened_documents(srv):
    never = "file:///proto/never-opened.log"
    assert hover(srv, never)["result"] is None
    actions = srv.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": never},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}},
            "context": {"diagnostics": []},
        },
    )
    assert actions.get("result") in (None, [])
    report = srv.request(
        "errhint/createReport", {"id": "claude-code/auth-401-invalid-credentials", "uri": never, "line": 3}
    )
    assert "result" in report
    # positions far beyond the end of an open document
    srv.open(URI, SEED_LINE)
    srv.diagnostics(URI, version=1)
    assert hover(srv, URI, line=10**6, character=10**6)["result"] is None
    assert "result" in hover(srv, URI, line=0, character=10**9)  # clamped to the line's end, as LSP says
    still_serving(srv)


def test_edits_out_of_range_do_not_crash(srv):
    srv.open(URI, "one\ntwo\n")
    srv.diagnostics(URI, version=1)
    big = {"line": 10**6, "character": 10**6}
    for version, rng in enumerate(
        [
            {"start": big, "end": big},
            {"start": {"line": 1, "character": 3}, "end": {"line": 0, "character": 0}},  # end before start
            {"start": {"line": -1, "character": -5}, "end": {"line": 0, "character": 1}},
        ],
        start=2,
    ):
        srv.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"range": rng, "text": SEED_LINE}]},
        )
    still_serving(srv)


def test_cancelled_requests(srv):
    srv.open(URI, SEED_LINE)
    srv.diagnostics(URI, version=1)
    ids = [
        srv.send_request("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 3}})
        for _ in range(5)
    ]
    for rid in ids:
        srv.notify("$/cancelRequest", {"id": rid})
    srv.notify("$/cancelRequest", {"id": 123456})  # unknown id
    srv.notify("$/cancelRequest", {"id": None})
    replies = [srv.wait_for(lambda m, rid=rid: m.get("id") == rid and "method" not in m) for rid in ids]
    for reply in replies:  # each either completed or was cancelled with RequestCancelled
        assert "result" in reply or reply["error"]["code"] == -32800
    still_serving(srv)


def test_lone_surrogates_in_open_and_edits(srv):
    text = "before \ud800 after\n" + SEED_LINE + "\n\udfff"
    srv.open(URI, text)
    diags = srv.diagnostics(URI, version=1)
    assert [d["range"]["start"]["line"] for d in diags] == [1]
    srv.change(URI, 2, 1, 3, 1, 3, "\udc00\ud83d")
    srv.diagnostics(URI, version=2)
    assert "result" in hover(srv, URI, 1, 10)
    reply = srv.request("errhint/scanText", {"text": "\ud800" + SEED_LINE})
    assert "result" in reply
    still_serving(srv)


def test_exit_without_shutdown_when_stdin_closes():
    s = RpcServer(server_env())
    s.initialize()
    assert s.proc.stdin is not None
    s.proc.stdin.close()
    start = time.monotonic()
    code = s.proc.wait(timeout=10)
    assert time.monotonic() - start < 10
    assert code is not None
    s.close()


def test_exit_notification_without_shutdown_exits():
    s = RpcServer(server_env())
    s.initialize()
    s.notify("exit", None)
    assert s.proc.wait(timeout=10) is not None
    s.close()


def test_shutdown_then_exit_is_clean():
    s = RpcServer(server_env())
    s.initialize()
    assert s.request("shutdown", None)["result"] is None
    s.notify("exit", None)
    assert s.proc.wait(timeout=10) == 0
    s.close()


def test_requests_before_initialize_get_an_error_or_answer():
    s = RpcServer(server_env())
    try:
        reply = s.request("textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}})
        assert "result" in reply or "error" in reply
        s.initialize()
        still_serving(s)
    finally:
        s.close()


def test_stderr_has_no_traceback_from_errhint_after_abuse():
    srv = RpcServer(server_env())
    srv.initialize()
    test_bad_json_gets_parse_error_and_server_lives(srv)
    test_bad_notifications_are_ignored(srv)
    for method, params in WRONG_PARAMS:
        test_wrong_param_types_get_an_answer(srv, method, params)
    srv.close()
    err = b"".join(srv.stderr_chunks).decode("utf-8", "replace")
    own_frames = [line for line in err.splitlines() if line.strip().startswith("File ") and "/errhint/" in line]
    assert own_frames == [], err[-3000:]  # pygls may log what it refused; errhint's own code never raised
