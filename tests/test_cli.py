"""The CLI as a user runs it: exit codes, formats, stdin, run -- pass-through, import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import SEED_ID, SEED_LINE, SEED_PAGE, entry_yaml, errhint_cmd

pytestmark = pytest.mark.usefixtures("isolated_env")


def run(*args: str, stdin: str | bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run([*errhint_cmd(), *args], input=data, capture_output=True, timeout=120, env=full_env)


@pytest.fixture
def demo_pack(pack):
    return pack({"demo/failure": entry_yaml()})


def test_scan_exit_codes(demo_pack, tmp_path):
    clean = tmp_path / "clean.log"
    clean.write_text("all good\n")
    bad = tmp_path / "bad.log"
    bad.write_text("one\nDEMO-FAILURE 42\n")
    base = ["scan", "--no-bundled", "--knowledge", str(demo_pack)]
    assert run(*base, str(clean)).returncode == 0
    assert run(*base, str(bad)).returncode == 1
    missing = run(*base, str(tmp_path / "missing.log"))
    assert missing.returncode == 2 and b"missing.log" in missing.stderr
    assert run("scan", "--format", "nope").returncode == 2


def test_scan_json_reports_line_and_columns(demo_pack, tmp_path):
    log = tmp_path / "x.log"
    log.write_text("first\n  🙂 DEMO-FAILURE 42 trailing\n")
    out = run("scan", "--no-bundled", "--knowledge", str(demo_pack), "--format", "json", str(log))
    doc = json.loads(out.stdout)
    assert doc["version"] == 1
    (m,) = doc["matches"]
    assert set(m) >= {
        "id",
        "title",
        "tool",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "confidence",
        "text",
    }
    assert (m["id"], m["line"], m["column"], m["end_line"], m["end_column"]) == ("demo/failure", 2, 5, 2, 20)
    assert m["text"] == "DEMO-FAILURE 42"


def test_scan_stdin(demo_pack):
    out = run("scan", "--no-bundled", "--knowledge", str(demo_pack), "-", stdin="x\nDEMO-FAILURE 7\n")
    assert out.returncode == 1
    assert b"Demo failure" in out.stdout and b"-:2:1" in out.stdout


def test_scan_binary_is_skipped_with_message(demo_pack, tmp_path):
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"\x00\x01DEMO-FAILURE 1\x00" * 100)
    out = run("scan", "--no-bundled", "--knowledge", str(demo_pack), str(blob))
    assert out.returncode == 0 and b"binary" in out.stderr


def test_sarif_and_github_formats(demo_pack, tmp_path):
    log = tmp_path / "x.log"
    log.write_text("DEMO-FAILURE 42\n")
    sarif = json.loads(run("scan", "--no-bundled", "--knowledge", str(demo_pack), "--format", "sarif", str(log)).stdout)
    result = sarif["runs"][0]["results"][0]
    assert result["ruleId"] == "demo/failure"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
    gh = run("scan", "--no-bundled", "--knowledge", str(demo_pack), "--format", "github", str(log)).stdout.decode()
    assert gh.startswith("::error file=") and "line=1,col=1" in gh


def test_secrets_never_printed(pack, tmp_path):
    root = pack({"demo/failure": entry_yaml(regex=r"DEMO-FAILURE key=\S+", example="DEMO-FAILURE key=x")})
    secret = "sk-ant-api03-" + "Q" * 40
    log = tmp_path / "x.log"
    log.write_text(f"DEMO-FAILURE key={secret}\nAuthorization: Bearer {secret}\n")
    for fmt in ("text", "json", "sarif", "github"):
        out = run("scan", "--no-bundled", "--knowledge", str(root), "--format", fmt, str(log))
        assert out.returncode == 1, out.stderr
        assert secret.encode() not in out.stdout + out.stderr
        assert b"Q" * 20 not in out.stdout


def test_run_passes_output_through_and_keeps_exit_code(demo_pack):
    code = "import sys; print('hello'); print('DEMO-FAILURE 3', file=sys.stderr); sys.exit(7)"
    out = run("run", "--no-bundled", "--knowledge", str(demo_pack), "--", sys.executable, "-c", code)
    assert out.returncode == 7
    assert out.stdout.startswith(b"hello\n")
    assert b"DEMO-FAILURE 3\n" in out.stderr and b"Demo failure" in out.stderr


def test_run_exit_zero_when_command_succeeds(demo_pack):
    out = run("run", "--no-bundled", "--knowledge", str(demo_pack), "--", sys.executable, "-c", "print(1)")
    assert out.returncode == 0 and out.stdout == b"1\n"


def test_run_missing_command():
    assert run("run", "--", "definitely-not-a-command-xyz").returncode == 127


def test_explain_by_id_and_by_text(demo_pack):
    by_id = run("explain", "--no-bundled", "--knowledge", str(demo_pack), "demo/failure")
    assert by_id.returncode == 0 and b"Demo failure" in by_id.stdout
    by_text = run("explain", "--no-bundled", "--knowledge", str(demo_pack), "DEMO-FAILURE 9")
    assert b"Demo failure" in by_text.stdout
    nothing = run("explain", "--no-bundled", "--knowledge", str(demo_pack), "zzz qqq")
    assert nothing.returncode == 1


def test_validate_fails_with_file_line_on_broken_pack(pack):
    root = pack({"demo/failure": entry_yaml().replace("title: Demo failure", "title: [broken")})
    out = run("validate", str(root))
    assert out.returncode == 2
    assert b"failure.yaml:3:" in out.stderr and b"line 2" in out.stderr


def test_validate_bundled_passes():
    out = run("validate")
    assert out.returncode == 0, out.stderr.decode()[-2000:]


def test_schema_prints_json():
    assert json.loads(run("schema").stdout)["title"] == "errhint knowledge entry"


def test_list_and_stats():
    out = run("list")
    assert out.returncode == 0 and b"entries" in out.stdout
    stats = json.loads(run("list", "--stats", "--format", "json").stdout)
    assert stats["entries"] >= 1 and "sections" in stats


def test_help_mentions_every_command():
    out = run("--help").stdout.decode()
    for cmd in ("scan", "explain", "run", "list", "validate", "import", "schema", "serve"):
        assert cmd in out


def test_cli_does_not_import_the_lsp_stack():
    code = "import sys, errhint.cli as c; c.main(['list']); print('pygls' in sys.modules, 'lsprotocol' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("False False")


@pytest.mark.skipif(not SEED_PAGE.exists(), reason="seed page is provided in ../shared")
def test_import_seed_round_trip(tmp_path):
    out_file = tmp_path / "claude-code" / "auth-401-invalid-credentials.yaml"
    out_file.parent.mkdir()
    res = run(
        "import", str(SEED_PAGE), "--id", SEED_ID, "--source-url", "https://example.com/page", "-o", str(out_file)
    )
    assert res.returncode == 0, res.stderr
    from errhint.catalog import Pack, check_examples, load_catalog

    cat = load_catalog([Pack(tmp_path, "path")])
    assert cat.problems == []
    e = cat.entries[SEED_ID]
    assert e.title.startswith("Claude Code 401 Auth Loop")
    assert e.category == "AI Coding Tools"
    assert len(e.causes) == 2 and len(e.fixes) == 3 and len(e.checks) == 3
    assert len(e.steps) == 5 and len(e.prevention) == 3 and len(e.see_also) == 3 and len(e.faq) == 4
    assert e.quick_fix.startswith("Verify the account session")
    assert e.evidence.startswith("User on Windows")
    assert check_examples(e) == []
    from errhint.matcher import Matcher

    m = Matcher([e])
    assert m.scan(SEED_LINE)
    assert m.scan(SEED_LINE.replace(":", ": ").replace(",", ", "))  # spacing variant
    assert m.scan(SEED_LINE[:60] + "\n" + SEED_LINE[60:])  # hard-wrapped at the terminal width
    assert not m.scan("401 tests passed")


@pytest.mark.skipif(sys.platform == "win32", reason="pty is POSIX-only")
def test_run_on_a_terminal_gives_the_command_a_pty(demo_pack):
    """Interactive tools (claude, ssh prompts) must still see a terminal under `errhint run`."""
    import os
    import pty

    child = "import sys; print('tty' if sys.stdout.isatty() else 'pipe'); print('DEMO-FAILURE 9'); sys.exit(3)"
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child process
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "errhint",
                "run",
                "--no-bundled",
                "--knowledge",
                str(demo_pack),
                "--",
                sys.executable,
                "-c",
                child,
            ],
        )
    out = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 3
    text = out.decode(errors="replace")
    assert text.splitlines()[0].strip() == "tty"
    assert "Demo failure" in text


def test_scan_json_on_the_sample_session_reports_the_seed_entry():
    from conftest import ROOT

    out = run("scan", "--format", "json", str(ROOT / "samples" / "claude-session.log"))
    assert out.returncode == 1
    matches = json.loads(out.stdout)["matches"]
    assert [(m["id"], m["line"]) for m in matches] == [(SEED_ID, 6), (SEED_ID, 11)]
    # columns count the original characters, colour escapes included: "\x1b[31m  ⎿  " is 10
    assert matches[0]["column"] == 11 and matches[1]["column"] == 6
    assert matches[1]["text"].startswith("API Error: 401")


def test_demo_output_is_the_seed_card():
    from conftest import ROOT

    out = run("scan", str(ROOT / "samples" / "claude-session.log"))
    text = out.stdout.decode()
    assert "Claude Code 401 auth loop" in text and "Likely causes" in text and "Fixes" in text
    assert "\x1b[" not in text  # NO_COLOR / not a TTY


# Modules a warm-cache `scan` that finds nothing must not import: each costs start-up time
# (the everyday `cmd | errhint scan -` has a 100 ms budget; see bench/RESULTS.md).
NOT_ON_THE_FAST_PATH = (
    "errhint.schema",  # validation: only when the catalog is rebuilt
    "errhint.render",  # cards: only when there is something to print
    "errhint.fuzzy",
    "yaml",
    "re2",  # the byte probe: only for inputs of 64 KB and more
    "hashlib",
    "shutil",
    "tempfile",
    "difflib",
    "json",
    "typing",
    "pygls",
    "lsprotocol",
)


def test_small_clean_scan_stays_on_the_light_path(tmp_path):
    log = tmp_path / "clean.log"
    log.write_text("compiling\nall tests passed\n" * 20)
    code = (
        "import sys, errhint.cli as c; c.main(['scan', sys.argv[1]]); "
        f"print(sorted(m for m in {NOT_ON_THE_FAST_PATH!r} if m in sys.modules))"
    )
    first = subprocess.run([sys.executable, "-c", code, str(log)], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr  # builds the cache: may import anything
    warm = subprocess.run([sys.executable, "-c", code, str(log)], capture_output=True, text=True)
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout.strip() == "[]", warm.stdout


def test_many_kinds_get_cards_for_the_first_few_and_a_line_each_after(pack, tmp_path):
    names = [f"demo/kind{i}" for i in range(8)]
    root = pack({n: entry_yaml(n, regex=rf"KIND{i}-FAIL \d+", example=f"KIND{i}-FAIL 1") for i, n in enumerate(names)})
    log = tmp_path / "many.log"
    log.write_text("".join(f"KIND{i}-FAIL {j}\n" for j in range(2) for i in range(8)))
    base = ["scan", "--no-bundled", "--knowledge", str(root)]
    out = run(*base, "--cards", "3", str(log)).stdout.decode()
    for i in range(8):
        assert f"demo/kind{i}" in out
    assert "5 more kind(s) of known error" in out
    assert "demo/kind7 — " in out and f"(2×, first at {log}:8)" in out
    assert "errhint: 16 known error(s) of 8 kinds" in out
    assert out.count("· confidence") == 3  # three cards
    everything = run(*base, "--cards", "0", str(log)).stdout.decode()
    assert "more kind(s)" not in everything and len(everything) > len(out)
