"""Properties of followthrough.grammar on arbitrary text: it never crashes, never
finds a command where the Markdown hides it, and its fast path never misses one."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from followthrough import grammar
from followthrough.grammar import has_commands, parse_commands

# Fragments that exercise the grammar, mixed with arbitrary text.
_FRAGMENTS = [
    "/promise",
    "/PROMISE",
    "/done",
    "/Done",
    "/revise",
    "/drop",
    "/kudos",
    "/promises",
    " by ",
    " in ",
    " within ",
    "by",
    " 2 days",
    "48h",
    "Friday",
    "15 December",
    "15:00",
    " because ",
    ":",
    " — ",
    " -- ",
    "#2",
    " 3 ",
    "@mona",
    "@a-b",
    " and ",
    ",",
    "```",
    "~~~",
    "````",
    "<!--",
    "-->",
    ">",
    "> ",
    "    ",
    "\t",
    " ",
    "\u00a0",
    "\u2003",
    "\n",
    "\r\n",
    "\r",
    "- ",
    "<",
    "/pro",
    "mise",
    "<!-->",
    "<!--->",
    "-",
    "!",
]
texts = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)), max_size=40).map(
    "".join
)


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _is_subsequence(needle: str, haystack: str) -> bool:
    rest = iter(haystack)
    return all(char in rest for char in needle)


@given(texts)
def test_never_raises_and_fields_are_stripped(text: str) -> None:
    for cmd in parse_commands(text):
        assert cmd.kind in {"promise", "done", "revise", "drop", "kudos"}
        for value in (cmd.raw, cmd.what, cmd.when, cmd.rest, cmd.reason, cmd.to, cmd.why):
            assert value is None or value == value.strip()


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    parse_commands(text)


@given(texts)
def test_raw_is_the_command_line(text: str) -> None:
    lines = _lines(text)
    for cmd in parse_commands(text):
        line = lines[cmd.line - 1]
        assert cmd.raw.startswith("/")
        if "<!--" in text or "-->" in text:
            # HTML comments are cut out of the line, so what remains is a subsequence.
            assert _is_subsequence(cmd.raw, line)
        else:
            assert cmd.raw == line.strip()


def _fenced(text: str) -> str:
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


@given(texts)
def test_fenced_text_has_no_commands(text: str) -> None:
    assert parse_commands(_fenced(text)) == []
    assert parse_commands("intro\n" + _fenced(text) + "\n") == []


@given(texts)
def test_quoted_text_has_no_commands(text: str) -> None:
    assert parse_commands("\n".join("> " + line for line in _lines(text))) == []


@given(texts)
def test_indented_text_has_no_commands(text: str) -> None:
    assert parse_commands("\n".join("    " + line for line in _lines(text))) == []


@given(texts)
def test_fast_path_never_misses_a_command(text: str) -> None:
    if not has_commands(text):
        assert grammar._parse_all(text) == []


@given(texts)
def test_fast_path_agrees_with_the_scan(text: str) -> None:
    assert parse_commands(text) == grammar._parse_all(text)


@given(texts)
def test_promises_are_numbered_one_to_n(text: str) -> None:
    ks = [cmd.k for cmd in parse_commands(text) if cmd.kind == "promise"]
    assert ks == list(range(1, len(ks) + 1))
    assert all(cmd.k is None for cmd in parse_commands(text) if cmd.kind != "promise")


@given(texts)
def test_line_endings_do_not_matter(text: str) -> None:
    unix = "\n".join(_lines(text))
    assert parse_commands(unix.replace("\n", "\r\n")) == parse_commands(unix)
    assert parse_commands(unix.replace("\n", "\r")) == parse_commands(unix)


@given(texts)
def test_lines_are_in_order_and_inside_the_text(text: str) -> None:
    numbers = [cmd.line for cmd in parse_commands(text)]
    assert numbers == sorted(numbers)
    assert all(1 <= n <= len(_lines(text)) for n in numbers)


@given(texts, texts)
def test_prefixing_ordinary_prose_shifts_lines(prose: str, text: str) -> None:
    prose_line = "Thanks, " + prose.replace("\r", " ").replace("\n", " ").replace("<", "")
    shifted = parse_commands(prose_line + "\n" + text)
    assert [(c.kind, c.line - 1, c.raw) for c in shifted] == [
        (c.kind, c.line, c.raw) for c in parse_commands(text)
    ]
