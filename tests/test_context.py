"""Machine checks rank causes by presence only and never reveal a value."""

from __future__ import annotations

from errhint.context import Machine, evaluate, rank_causes
from errhint.model import Cause, Entry, Signature
from errhint.render import build_card, markdown_card

ENTRY = Entry(
    id="demo/x",
    title="Demo",
    tool="demo",
    signatures=(Signature("literal", "DEMO-X"),),
    meaning="m",
    quick_fix="q",
    causes=(
        Cause("A: key in env", check={"env_set": "DEMO_KEY"}, when_true="DEMO_KEY is set here and wins"),
        Cause("B: no check"),
        Cause("C: proxy", check={"env_set": "DEMO_PROXY"}),
    ),
)


def order(env: dict[str, str]) -> list[str]:
    return [r.cause.text[0] for r in rank_causes(ENTRY, Machine(env))]


def test_detected_cause_goes_first_and_the_rest_keep_their_order():
    assert order({}) == ["A", "B", "C"]
    assert order({"DEMO_PROXY": "http://proxy:3128"}) == ["C", "A", "B"]
    assert order({"DEMO_KEY": "x", "DEMO_PROXY": "y"}) == ["A", "C", "B"]


def test_card_says_likely_here_without_the_value():
    secret = "sk-live-" + "Z" * 30
    card = markdown_card(build_card(ENTRY, Machine({"DEMO_KEY": secret})))
    assert "DEMO_KEY is set here and wins" in card
    assert secret not in card and "Z" * 10 not in card


def test_checks_report_presence_only():
    m = Machine({"TOKEN": "value-123"}, os_name="linux")
    assert evaluate({"env_set": "TOKEN"}, m).description == "TOKEN is set in this environment"
    assert evaluate({"env_unset": "OTHER"}, m).value is True
    assert evaluate({"os": "linux"}, m).value is True
    assert evaluate({"any": [{"env_set": "NOPE"}, {"os": "linux"}]}, m).value is True
    assert evaluate({"not": {"env_set": "TOKEN"}}, m).value is False
    assert evaluate({"command": "definitely-not-a-program-xyz"}, m).value is False
    assert "value-123" not in repr([evaluate({"env_set": "TOKEN"}, m)])
