"""Malformed knowledge: every corruption class gives a clear file:line error, and the rest still works.

Each class is checked on the three surfaces an author sees: the CLI
(``errhint validate`` and ``errhint scan --knowledge``), the language server's
log (window/logMessage) and diagnostics on the YAML file open in the editor.
A good entry in the same pack keeps matching throughout.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import entry_yaml, errhint_cmd
from errhint.catalog import MAX_ENTRY_BYTES
from errhint.cli import main
from hardening_rpc import RpcServer, server_env

GOOD = entry_yaml("demo/fine", regex=r"FINE-FAILURE \d+", example="FINE-FAILURE 1")
GOOD_LINE = "FINE-FAILURE 7"


def bomb() -> str:
    """A billion-laughs alias bomb in an entry's ``tags``."""
    lines = ["id: demo/bomb", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    lines.append("tags: *a9")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Case:
    name: str  # file name under demo/ (and the slug of its id)
    content: bytes
    line: int  # 1-based line of the reported problem
    fragment: str
    editor_text: bool = True  # can the file be opened as text in an editor?


def _entry(name: str, **extra: str) -> str:
    return entry_yaml(
        f"demo/{name}", regex=rf"{name.upper()}-FAILURE \d+", example=f"{name.upper()}-FAILURE 1", **extra
    )


CASES = [
    Case("badyaml", _entry("badyaml").replace("title: Demo failure", "title: [oops").encode(), 3, "invalid YAML"),
    Case(
        "wrongtype", _entry("wrongtype").replace("title: Demo failure", "title: {a: 1}").encode(), 2, "title: expected"
    ),
    Case(
        "wronglist",
        _entry("wronglist").replace("\nexamples:\n", "\nexamples: 42\nx_examples:\n").encode(),
        11,
        "examples: expected a list",
    ),
    Case(
        "missing",
        _entry("missing").replace("meaning: The demo failed.\n", "").encode(),
        1,
        "meaning: required key is missing",
    ),
    Case("unknownkey", (_entry("unknownkey") + "colour: red\n").encode(), 15, "colour: unknown key"),
    Case(
        "badregex",
        _entry("badregex").replace(r"BADREGEX-FAILURE \d+", "BADREGEX-(FAILURE").encode(),
        7,
        "signatures[0]",
    ),
    Case("selfrelated", (_entry("selfrelated") + "related: [demo/selfrelated]\n").encode(), 15, "related to itself"),
    Case(
        "unknownrelated",
        (_entry("unknownrelated") + "related: [demo/nowhere]\n").encode(),
        15,
        "'demo/nowhere' does not exist",
    ),
    Case(
        "pythontag",
        (_entry("pythontag") + "tags: !!python/object/apply:os.system ['echo pwned']\n").encode(),
        15,
        "not allowed",
    ),
    Case("notutf8", b"id: demo/notutf8\ntitle: caf\xe9 failure\n", 2, "not valid UTF-8", editor_text=False),
    Case("binary", b"id: demo/binary\n\x00\x01\x02\x03", 2, "NUL", editor_text=False),
    Case(
        "huge",
        (_entry("huge") + "faq:\n" + "  - {q: why, a: because}\n" * (MAX_ENTRY_BYTES // 24 + 10)).encode(),
        1,
        "limited to",
    ),
    Case("deep", ("id: demo/deep\ntags: " + "[" * 5000 + "]" * 5000 + "\n").encode(), 2, "invalid YAML"),
    Case("bomb", bomb().encode(), 10, "tags[0]: expected a string"),
    Case("emptyfile", b"", 1, "empty file"),
    Case("notamapping", b"- just\n- a list\n", 1, "expected a mapping"),
]


@pytest.fixture(scope="module")
def bad_pack(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("badpack")
    root = base / "knowledge"
    (root / "demo").mkdir(parents=True)
    (root / "demo" / "fine.yaml").write_text(GOOD, encoding="utf-8")
    for case in CASES:
        (root / "demo" / f"{case.name}.yaml").write_bytes(case.content)
    (root / "demo" / "loop").symlink_to(root, target_is_directory=True)  # a symlink loop
    # duplicate ids: two files outside the <tool>/<slug> layout claim the same id
    dup = base / "dups"
    dup.mkdir()
    (dup / "one.yaml").write_text(entry_yaml("dup/same", regex=r"DUP-ONE \d+", example="DUP-ONE 1"))
    (dup / "two.yaml").write_text(entry_yaml("dup/same", regex=r"DUP-TWO \d+", example="DUP-TWO 1"))
    return root


def problem_lines(text: str, pack: Path) -> list[str]:
    return [line for line in text.splitlines() if str(pack) in line]


def expect(case: Case, text: str, pack: Path) -> None:
    path = str(pack / "demo" / f"{case.name}.yaml")
    hits = [line for line in text.splitlines() if f"{path}:{case.line}:" in line and case.fragment in line]
    assert hits, f"{case.name}: no '{path}:{case.line}: …{case.fragment}…' in:\n" + "\n".join(problem_lines(text, pack))


# --- CLI --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validate_output(bad_pack) -> tuple[int, str]:
    proc = subprocess.run(
        [*errhint_cmd(), "validate", str(bad_pack)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ERRHINT_USER_KNOWLEDGE": "/nonexistent"},
    )
    return proc.returncode, proc.stdout + proc.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_names_file_and_line(validate_output, bad_pack, case):
    code, text = validate_output
    assert code == 2
    expect(case, text, bad_pack)


def test_validate_reports_symlink_loop_and_counts_the_good_entry(validate_output, bad_pack):
    _code, text = validate_output
    assert "symlink loop" in text
    assert "FAILED" in text and "Traceback" not in text


def test_validate_duplicate_ids(bad_pack, capsys):
    dups = bad_pack.parent / "dups"
    assert main(["validate", str(dups)]) == 2
    err = capsys.readouterr().err
    assert f"{dups / 'two.yaml'}:1:" in err and "duplicate id 'dup/same'" in err


def test_scan_with_bad_pack_still_finds_good_entries(bad_pack, tmp_path, capsys, isolated_env):
    log = tmp_path / "x.log"
    log.write_text(f"{GOOD_LINE}\nDUP-ONE 3\n", encoding="utf-8")
    code = main(["scan", "--knowledge", str(bad_pack), "--knowledge", str(bad_pack.parent / "dups"), str(log)])
    out, err = capsys.readouterr()
    assert code == 1 and "demo/fine" in out and "dup/same" in out
    for case in CASES:
        if case.name not in ("selfrelated", "unknownrelated"):  # warnings: not printed by scan
            expect(case, err, bad_pack)
    assert "symlink loop" in err


# --- language server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def lsp(bad_pack):
    srv = RpcServer(server_env())
    srv.initialize(knowledgePaths=[str(bad_pack), str(bad_pack.parent / "dups")])
    yield srv
    srv.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_server_log_names_file_and_line(lsp, bad_pack, case):
    expect(case, "\n".join(lsp.logs()), bad_pack)


def test_server_log_symlink_loop_and_duplicates(lsp, bad_pack):
    logs = "\n".join(lsp.logs())
    assert "symlink loop" in logs
    assert "duplicate id 'dup/same'" in logs


def test_server_still_matches_good_entry(lsp):
    uri = "file:///catalog/after.log"
    lsp.open(uri, f"noise\n{GOOD_LINE}\nDUP-ONE 4\n")
    assert sorted(d["code"] for d in lsp.diagnostics(uri, version=1)) == ["demo/fine", "dup/same"]


@pytest.mark.parametrize("case", [c for c in CASES if c.editor_text], ids=[c.name for c in CASES if c.editor_text])
def test_open_yaml_gets_diagnostic_at_the_line(lsp, bad_pack, case):
    path = bad_pack / "demo" / f"{case.name}.yaml"
    uri = path.as_uri()
    lsp.open(uri, case.content.decode("utf-8"), language="yaml")
    diags = lsp.diagnostics(uri, version=1)
    lsp.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    hits = [d for d in diags if d["range"]["start"]["line"] == case.line - 1 and case.fragment in d["message"]]
    assert hits, [(d["range"]["start"]["line"], d["message"][:120]) for d in diags]


def test_open_yaml_duplicate_of_another_file_is_flagged(lsp, bad_pack):
    uri = (bad_pack / "demo" / "copy.yaml").as_uri()  # not on disk: an unsaved new file claiming demo/fine
    lsp.open(uri, GOOD.replace("title: Demo failure", "title: Copy"), language="yaml")
    diags = lsp.diagnostics(uri, version=1)
    assert any("demo/fine" in d["message"] and d["range"]["start"]["line"] == 0 for d in diags), diags
