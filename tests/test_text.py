"""Normalisation keeps offsets: every kept character maps back to itself in the original."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from errhint.text import LineIndex, normalize, strip_log_prefix

NOISE = st.sampled_from(
    [
        "\x1b[31m",
        "\x1b[0m",
        "\x1b[1;32m",
        "\x1b]0;title\x07",
        "\x1b]8;;https://x\x1b\\",
        "\r\n",
        "\r",
        "\n",
        "{",
        "}",
        "\n  ",
        " ",
        "progress 50%\r",
    ]
)
WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x1b\r\n{}"), max_size=12)
MIXED = st.lists(st.one_of(NOISE, WORDS), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(MIXED)
def test_kept_characters_map_back_to_the_same_character(raw):
    norm = normalize(raw)
    for i, ch in enumerate(norm.text):
        o = norm.to_original(i)
        assert 0 <= o < len(raw)
        if raw[o] != ch:  # only a newline joined into a space may differ
            assert ch == " " and raw[o] == "\n", (raw, norm.text, i)


@settings(max_examples=300, deadline=None)
@given(MIXED, st.data())
def test_spans_map_to_ordered_ranges_covering_the_text(raw, data):
    norm = normalize(raw)
    if not norm.text:
        return
    start = data.draw(st.integers(0, len(norm.text) - 1))
    end = data.draw(st.integers(start + 1, len(norm.text)))
    o_start, o_end = norm.span(start, end)
    assert 0 <= o_start < o_end <= len(raw)
    # the normalised span's visible characters are all inside the original span
    visible = norm.text[start:end].replace(" ", "")
    original = raw[o_start:o_end]
    assert all(c in original for c in visible)


def test_ansi_colours_are_removed_and_spans_exact():
    raw = "x \x1b[31mAPI Error\x1b[0m: 401"
    norm = normalize(raw)
    assert norm.text == "x API Error: 401"
    s = norm.text.index("API")
    o_start, o_end = norm.span(s, len(norm.text))
    assert raw[o_start:o_end] == "API Error\x1b[0m: 401"


def test_progress_bar_carriage_returns_keep_last_frame():
    norm = normalize("downloading 10%\rdownloading 99%\rnpm error code EACCES\nnext")
    assert norm.text == "npm error code EACCES\nnext"


def test_crlf_becomes_lf():
    assert normalize("a\r\nb\r\n").text == "a\nb\n"


def test_hard_wrapped_json_is_joined_without_space():
    raw = 'API Error: 401 {"type":"error","error":{"type":"authentic\nation_error"}}\nnext line'
    norm = normalize(raw)
    assert '"authentication_error"' in norm.text
    assert norm.text.endswith("\nnext line")


def test_pretty_printed_json_is_joined_with_spaces():
    raw = 'API Error: 429 {\n  "type": "error",\n  "error": {\n    "type": "rate_limit_error"\n  }\n}\nafter'
    norm = normalize(raw)
    assert norm.text.startswith('API Error: 429 { "type": "error", "error": { "type": "rate_limit_error" }}')
    start = norm.text.index("rate_limit_error")
    o_start, o_end = norm.span(start, start + len("rate_limit_error"))
    assert raw[o_start:o_end] == "rate_limit_error"


def test_unbalanced_brace_in_code_does_not_swallow_the_file():
    raw = "function f() {\n" + "x\n" * 100
    assert normalize(raw).text.count("\n") >= 60


def test_log_prefixes_are_recognised():
    for line in ("2024-05-01T12:00:00.123Z ERROR boom", "[12:00:01] boom", "##[error]boom", "Jan  5 12:00:00 boom"):
        assert line[strip_log_prefix(line) :].endswith("boom")
        assert strip_log_prefix(line) > 0
    assert strip_log_prefix("boom") == 0


def test_line_index_positions():
    idx = LineIndex("ab\ncd\n\nef")
    assert idx.position(0) == (0, 0)
    assert idx.position(4) == (1, 1)
    assert idx.position(7) == (3, 0)
    assert idx.line_count == 4
