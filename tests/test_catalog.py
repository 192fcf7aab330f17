"""Loader and validator: every rule reports path:line:col, and one bad file never sinks the rest."""

from __future__ import annotations

import json

import pytest

from conftest import entry_yaml
from errhint.catalog import Pack, check_examples, load_catalog, parse_entry_text
from errhint.schema import json_schema


def load(root, kind="path"):
    return load_catalog([Pack(root, kind)])


def messages(catalog):
    return [str(p) for p in catalog.problems]


def test_valid_entry_loads(pack):
    cat = load(pack({"demo/failure": entry_yaml()}))
    assert list(cat.entries) == ["demo/failure"]
    assert cat.problems == []


@pytest.mark.parametrize(
    ("mutation", "line", "fragment"),
    [
        (lambda t: t + "colour: red\n", 15, "colour: unknown key"),
        (lambda t: t.replace("title: Demo failure", "title: [a, b]"), 2, "title: expected a string"),
        (lambda t: t.replace("  - regex: 'DEMO-FAILURE \\d+'", "  - regex: 'DEMO-(FAILURE'"), 7, "signatures[0]"),
        (lambda t: t.replace("id: demo/failure", "id: demo/other"), 1, "does not match its path"),
        (lambda t: t.replace("title: Demo failure\n", "title: Demo failure\n  bad: indent\n"), 3, "invalid YAML"),
        (lambda t: t.replace("meaning: The demo failed.\n", ""), 1, "meaning: required key is missing"),
        (lambda t: t + "severity: fatal\n", 15, "severity: must be one of"),
    ],
)
def test_each_rule_names_file_line_column(pack, mutation, line, fragment):
    root = pack({"demo/failure": mutation(entry_yaml()), "demo/fine": entry_yaml("demo/fine")})
    cat = load(root)
    found = [p for p in cat.problems if fragment in p.message]
    assert found, messages(cat)
    problem = found[0]
    assert problem.path.endswith("failure.yaml")
    assert problem.line == line, str(problem)
    assert str(problem).startswith(f"{problem.path}:{line}:")
    assert "demo/fine" in cat.entries  # the rest of the catalog still loads
    assert "demo/failure" not in cat.entries


def test_regex_that_does_not_compile_names_its_line(pack):
    text = entry_yaml(regex="DEMO-(FAILURE")
    entry, problems = parse_entry_text(text, "x.yaml")
    assert entry is None
    assert any(p.line == 7 and "signatures[0]" in p.message for p in problems), problems


def test_duplicate_id_is_reported_and_first_wins(pack, tmp_path):
    root = pack({"demo/failure": entry_yaml()})
    (root / "demo" / "copy.yaml").write_text(entry_yaml().replace("title: Demo failure", "title: Copy"))
    cat = load(root)
    # copy.yaml's id does not match its path, so it is rejected for that reason first
    assert any("does not match its path" in m for m in messages(cat))
    assert cat.entries["demo/failure"].title == "Demo failure"


def test_duplicate_id_across_files_without_path_rule(tmp_path):
    one = tmp_path / "one.yaml"
    two = tmp_path / "two.yaml"
    one.write_text(entry_yaml())
    two.write_text(entry_yaml().replace("title: Demo failure", "title: Second"))
    cat = load_catalog([Pack(tmp_path, "path")])
    dup = [p for p in cat.problems if "duplicate id" in p.message]
    assert dup and dup[0].line == 1 and dup[0].path.endswith("two.yaml")


def test_related_id_that_does_not_exist(pack):
    cat = load(pack({"demo/failure": entry_yaml(related="[demo/missing]")}))
    problem = next(p for p in cat.problems if "related id" in p.message)
    assert problem.line == 15 and "demo/missing" in problem.message


def test_example_must_match_and_counterexample_must_not(pack):
    text = entry_yaml(example="nothing like it").replace('"nothing to see here"', '"DEMO-FAILURE 7"')
    cat = load(pack({"demo/failure": text}))
    problems = check_examples(cat.entries["demo/failure"])
    assert {p.line for p in problems} == {12, 14}
    assert any("examples[0] does not match" in p.message for p in problems)
    assert any("counterexamples[0] matches" in p.message for p in problems)


def test_non_utf8_and_binary_files_are_reported(pack):
    root = pack({"demo/fine": entry_yaml("demo/fine")})
    (root / "demo" / "latin1.yaml").write_bytes(b"id: demo/latin1\ntitle: caf\xe9\n")
    (root / "demo" / "binary.yaml").write_bytes(b"id: demo/binary\n\x00\x01\x02")
    cat = load(root)
    texts = messages(cat)
    assert any("latin1.yaml:2:" in t and "UTF-8" in t for t in texts), texts
    assert any("binary.yaml:2:" in t and "NUL" in t for t in texts), texts
    assert "demo/fine" in cat.entries


def test_unsafe_yaml_tags_are_refused(pack):
    text = entry_yaml() + "tags: !!python/object/apply:os.system ['echo pwned']\n"
    entry, problems = parse_entry_text(text, "x.yaml")
    assert entry is None and problems


def test_layers_override_and_disable(tmp_path):
    base = tmp_path / "base"
    over = tmp_path / "over"
    for root, title in ((base, "Base"), (over, "Override")):
        (root / "demo").mkdir(parents=True)
        (root / "demo" / "failure.yaml").write_text(entry_yaml().replace("Demo failure", title))
    (base / "demo" / "other.yaml").write_text(entry_yaml("demo/other"))
    (over / "demo" / "other.yaml").write_text("id: demo/other\ndisabled: true\n")
    cat = load_catalog([Pack(base, "bundled"), Pack(over, "workspace")])
    assert cat.entries["demo/failure"].title == "Override"
    assert cat.entries["demo/failure"].pack == "workspace"
    assert not cat.entries["demo/failure"].trusted
    assert "demo/other" not in cat.entries


def test_symlink_loop_is_reported_not_followed_forever(pack):
    root = pack({"demo/failure": entry_yaml()})
    (root / "demo" / "loop").symlink_to(root, target_is_directory=True)
    cat = load(root)
    assert "demo/failure" in cat.entries
    assert any("symlink loop" in m for m in messages(cat))


def test_schema_is_json_and_describes_entry_fields():
    schema = json_schema()
    json.dumps(schema)
    assert schema["required"] == ["id"]
    assert {"signatures", "causes", "fixes", "faq", "examples"} <= set(schema["properties"])
    assert schema["$defs"]["signature"]["oneOf"]


def test_bundled_catalog_has_no_errors():
    from errhint.catalog import bundled_knowledge_dir, validate

    cat = load_catalog([Pack(bundled_knowledge_dir(), "bundled")])
    errors = [str(p) for p in validate(cat) if p.severity == "error"]
    assert errors == []
    assert len(cat) >= 1
