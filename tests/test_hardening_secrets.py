"""No secret survives any output: CLI formats, ``errhint run``, the language server, logs.

The corpus (tests/secrets_corpus.py) holds fake keys of every kind errhint
masks, built at run time. They are embedded in error lines that entries match,
so they reach every surface: matched text in cards, captures, reports,
diagnostics, hover, code actions, commands, log messages. The tests collect
everything each surface emits and look for identifying slices of each secret.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SEED_LINE, entry_yaml, errhint_cmd
from errhint.cli import main
from errhint.redact import MASK, redact
from hardening_rpc import RpcServer, encode, server_env
from secrets_corpus import ORDINARY, corpus

SECRETS = corpus()
ENV_SECRET = "sk-ant-" + "api03-" + "Q" * 40 + "envsecretvalue" + "Z" * 40


def leaks(text: str) -> list[str]:
    """Kinds of secrets whose identifying slices occur in text."""
    found = [s.kind for s in SECRETS if any(frag in text for frag in s.fragments())]
    if ENV_SECRET[20:40] in text or "envsecretvalue" in text:
        found.append("environment value")
    return found


def error_log() -> str:
    lines = ["starting build", SEED_LINE]
    for s in SECRETS:
        lines.append(f"DEMO-FAILURE {s.line}")
        lines.append(s.line)  # also bare, where bundled entries may match it
    lines.append(f"API Error: 401 {SEED_LINE[15:]} key={SECRETS[0].value}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def secret_pack(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("secretpack") / "pack"
    path = root / "demo" / "failure.yaml"
    path.parent.mkdir(parents=True)
    text = entry_yaml(regex=r"DEMO-FAILURE (?P<detail>.+)", example="DEMO-FAILURE 42")
    text += "fixes:\n  - title: Retry the demo\n    shell: {posix: 'demo --retry', powershell: 'demo -Retry'}\n"
    path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def log_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("secretlog") / "build.log"
    path.write_text(error_log(), encoding="utf-8")
    return path


# --- the redactor itself ------------------------------------------------------


@pytest.mark.parametrize("secret", SECRETS, ids=[s.kind for s in SECRETS])
def test_every_corpus_secret_is_masked(secret):
    out = redact(secret.line)
    assert not leaks(out), out
    assert MASK in out
    assert redact(out) == out  # idempotent


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text):
    assert redact(text) == text


def test_masking_keeps_a_kind_hint():
    anthropic = next(s for s in SECRETS if s.kind == "anthropic-bare")
    assert "sk-ant-api03-" + MASK in redact(anthropic.line)


# --- CLI ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_cli_scan_outputs_carry_no_secret(isolated_env, capsys, secret_pack, log_file, monkeypatch, fmt):
    monkeypatch.setenv("ANTHROPIC_API_KEY", ENV_SECRET)
    code = main(["scan", str(log_file), "--knowledge", str(secret_pack), "--format", fmt, "--full"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out.count("DEMO-FAILURE") or out.count("demo/failure")  # the secret lines were matched
    assert not leaks(out + err), leaks(out + err)


def test_cli_scan_stdin_carries_no_secret(isolated_env, secret_pack):
    proc = subprocess.run(
        [*errhint_cmd(), "scan", "-", "--knowledge", str(secret_pack), "--full"],
        input=error_log().encode(),
        capture_output=True,
        timeout=120,
        env={**isolated_env_vars(), "ANTHROPIC_API_KEY": ENV_SECRET},
    )
    assert proc.returncode == 1
    text = proc.stdout.decode() + proc.stderr.decode()
    assert "demo/failure" in text and not leaks(text), leaks(text)


def isolated_env_vars() -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if "KEY" not in k and "TOKEN" not in k}
    env.update(NO_COLOR="1", ERRHINT_USER_KNOWLEDGE="/nonexistent-errhint-user-pack")
    return env


def test_errhint_run_cards_carry_no_secret(secret_pack, tmp_path):
    script = tmp_path / "noisy.py"
    script.write_text(f"import sys\nsys.stdout.write({error_log()!r})\nsys.exit(3)\n", encoding="utf-8")
    proc = subprocess.run(
        [*errhint_cmd(), "run", "--knowledge", str(secret_pack), "--", sys.executable, str(script)],
        capture_output=True,
        timeout=120,
        env={**isolated_env_vars(), "ANTHROPIC_API_KEY": ENV_SECRET},
    )
    assert proc.returncode == 3  # the command's own exit code
    assert proc.stdout.decode() == error_log()  # the command's output passes through unchanged
    cards = proc.stderr.decode()
    assert "demo/failure" in cards and not leaks(cards), leaks(cards)


def test_explain_query_is_not_echoed_with_secrets(isolated_env, capsys):
    for s in SECRETS[:8]:
        main(["explain", "--no-user", f"zzqx nothing matches {s.line}"])
        out, err = capsys.readouterr()
        assert not leaks(out + err), (s.kind, out + err)


def test_knowledge_problems_do_not_echo_secrets(isolated_env, capsys, tmp_path):
    root = tmp_path / "pack" / "demo"
    root.mkdir(parents=True)
    bad = entry_yaml().replace("title: Demo failure", f"title: Demo failure\n{SECRETS[0].line.split(': ')[1]}: 1")
    (root / "failure.yaml").write_text(bad, encoding="utf-8")
    (root / "other.yaml").write_text(entry_yaml("demo/other") + f"colour: {SECRETS[5].line}\n", encoding="utf-8")
    main(["validate", str(tmp_path / "pack")])
    main(["scan", "--knowledge", str(tmp_path / "pack"), str(tmp_path / "pack" / "demo" / "failure.yaml")])
    out, err = capsys.readouterr()
    assert "failure.yaml:" in err and "unknown key" in err
    assert not leaks(out + err), leaks(out + err)


# --- language server ----------------------------------------------------------


def test_language_server_surfaces_carry_no_secret(secret_pack, tmp_path):
    env = server_env(ANTHROPIC_API_KEY=ENV_SECRET, TMPDIR=str(tmp_path))
    uri = (tmp_path / "build.log").as_uri()
    with RpcServer(env) as srv:
        srv.initialize(knowledgePaths=[str(secret_pack)])
        srv.open(uri, error_log())
        diags = srv.diagnostics(uri, version=1)
        assert len(diags) >= len(SECRETS)
        lines = sorted({d["range"]["start"]["line"] for d in diags if d.get("source") == "errhint"})
        results = []
        for line in lines:
            hover = srv.request(
                "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": 2}}
            )
            results.append(hover)
        actions = srv.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": len(lines) * 3, "character": 0}},
                "context": {"diagnostics": diags[:20]},
            },
        )["result"]
        results.append(actions)
        titles = [a["title"] for a in actions]
        assert any("Run fix" in t for t in titles) and any("Create redacted report" in t for t in titles)
        for action in actions:
            cmd = action["command"]
            if cmd["command"] in ("errhint.runFix", "errhint.copyFix", "errhint.createReport", "errhint.openGuide"):
                results.append(
                    srv.request("workspace/executeCommand", {"command": cmd["command"], "arguments": cmd["arguments"]})
                )
        for line in lines:
            results.append(srv.request("errhint/createReport", {"id": "demo/failure", "uri": uri, "line": line}))
        for entry_id in {d["code"] for d in diags if d.get("source") == "errhint"}:
            results.append(srv.request("errhint/renderGuide", {"id": entry_id}))
        results.append(srv.request("errhint/scanText", {"text": error_log()}))
        results.append(
            srv.request(
                "workspace/executeCommand",
                {
                    "command": "errhint.runFix",
                    "arguments": [{"title": SECRETS[1].line, "commands": {"posix": SECRETS[2].line}}],
                },
            )
        )
        # a knowledge YAML open in the editor, with a secret on a broken line
        yaml_uri = (tmp_path / "knowledge" / "demo" / "failure.yaml").as_uri()
        srv.open(yaml_uri, entry_yaml() + f"{SECRETS[3].line.split('=')[0]}: {SECRETS[3].value}\n", language="yaml")
        results.append(srv.diagnostics(yaml_uri, version=1))
        srv.drain(0.5)
        everything = json.dumps([srv.seen, results, diags], ensure_ascii=False)
        assert "Retry the demo" in everything and "demo/failure" in everything
        assert "ANTHROPIC_API_KEY" in everything  # the check reports presence ...
        for s in SECRETS:  # ... never the value
            for frag in s.fragments():
                assert frag not in everything, (s.kind, everything[max(0, everything.find(frag) - 300) :][:400])
        assert not leaks(everything), leaks(everything)
        shown = [
            Path(m["params"]["uri"].removeprefix("file://"))
            for m in srv.seen
            if m.get("method") == "window/showDocument" and m["params"]["uri"].startswith("file://")
        ]
        assert shown
        for path in shown:  # markdown written for the client to show
            assert not leaks(path.read_text(encoding="utf-8")), path
        err = b"".join(srv.stderr_chunks).decode("utf-8", "replace")
        assert not leaks(err), err[-2000:]


def test_server_stderr_is_redacted_even_for_rejected_messages():
    """pygls logs a traceback quoting what it could not structure; that goes through redaction too."""
    with RpcServer(server_env()) as srv:
        srv.initialize()
        for s in SECRETS[:10]:
            srv.notify("textDocument/didOpen", {"textDocument": {"uri": s.line, "languageId": 5, "text": s.line}})
            srv.notify("workspace/didChangeConfiguration", {"settings": {"errhint": {"knowledgePaths": s.line}}})
            srv.request("textDocument/hover", {"textDocument": {"uri": s.line}, "position": s.line})
            wrong_version = {
                "jsonrpc": "1.0",
                "method": "textDocument/didClose",
                "params": {"textDocument": {"uri": s.line}},
            }
            srv.send_raw(encode(wrong_version))  # pygls logs the whole message it refuses
        srv.drain(0.5)
    err = b"".join(srv.stderr_chunks).decode("utf-8", "replace")
    assert "Unable to deserialize" in err or err  # pygls did complain ...
    assert not leaks(err), leaks(err)  # ... without quoting a secret
    assert not leaks(json.dumps(srv.seen)), leaks(json.dumps(srv.seen))


# --- the redactor is itself safe on hostile text ------------------------------------------------

PATHOLOGICAL = {
    "dotted run": "a." * 200_000,
    "dashed run": "a-" * 200_000,
    "word run": "a" * 1_000_000,
    "keyword run": "token" * 100_000,
    "separator storm": "api_key=" * 100_000,
    "scheme storm": "http://a:" * 100_000,
    "header storm": 'x-api-key: "' * 50_000,
    "pem openers": "-----BEGIN RSA PRIVATE KEY-----\n" * 3_000,
    "bearer storm": "Bearer " * 100_000,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_redaction_is_linear_on_pathological_text(name):
    """Every output goes through redact, so its own regexes must not backtrack (was 3.8 s for 8 KB of 'a.')."""
    import time

    text = PATHOLOGICAL[name]
    start = time.perf_counter()
    redact(text)
    assert time.perf_counter() - start < 5.0  # linear: well under a second; quadratic: minutes


_ALPHABET = st.sampled_from([*"aZ09_.-:= \"'\t,;&*é@/$", "token", "API_KEY", "password", "secret", "http://", "sk-"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_redaction_is_idempotent_and_total(text):
    once = redact(text)
    assert redact(once) == once
