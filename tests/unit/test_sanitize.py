"""SPEC §7: text copied into a digest is inert — no HTML, images, live links or pings."""

from __future__ import annotations

import re

import pytest

from followthrough.render import ZWSP, handle, sanitize


def visible(text: str) -> str:
    """What a reader sees: zero-width spaces and backslash escapes removed."""
    return (
        re.sub(r"\\(.)", r"\1", text.replace(ZWSP, "")).replace("&amp;", "&").replace("&lt;", "<")
    )


@pytest.mark.parametrize(
    "text",
    [
        "ping @octocat and @acme/team",
        "cc @bob.",
    ],
)
def test_no_mention_survives(text: str) -> None:
    assert re.search(r"(?<![\w\u200b])@[A-Za-z0-9]", sanitize(text)) is None


def test_html_is_removed_not_rendered() -> None:
    out = sanitize(
        '<img src="https://evil.example/x.png"> hi <b>there</b> <!-- hidden --> <script>x</script>'
    )
    assert "<" not in out and ">" not in out.replace("\\>", "")
    assert visible(out) == "hi there x"


def test_markdown_images_and_links_are_inert() -> None:
    out = sanitize("![pixel](https://evil.example/p.png) and [click](https://evil.example)")
    assert "![" not in out and "](" not in out.replace("\\](", "")
    assert "https://" not in out  # autolinks are broken up
    assert visible(out).startswith("![pixel](https://evil.example/p.png)")


def test_bare_urls_and_www_do_not_autolink() -> None:
    out = sanitize("see https://evil.example/a and www.evil.example")
    assert "https://" not in out and "www." not in out


def test_issue_references_do_not_cross_link() -> None:
    assert "#12" not in sanitize("Fixes #12 and acme/api#3")


def test_capped_at_280_characters() -> None:
    out = sanitize("x" * 1000)
    assert len(visible(out)) == 280
    assert visible(out).endswith("…")


def test_newlines_and_whitespace_collapse_to_one_line() -> None:
    assert sanitize("line one\n\n  line two\r\n") == "line one line two"


def test_emphasis_and_tables_are_escaped_but_words_keep_underscores() -> None:
    out = sanitize("*bold* | snake_case _em_ `code`")
    assert out == "\\*bold\\* \\| snake_case \\_em\\_ \\`code\\`"


@pytest.mark.parametrize(
    ("login", "mentions", "expected"),
    [
        ("octocat", False, "octocat"),
        ("octocat", True, "@octocat"),
        ("dependabot[bot]", True, "dependabot[bot]"),
        ("557058:f1c2", True, "557058:f1c2"),
    ],
)
def test_handles_ping_only_with_mentions(login: str, mentions: bool, expected: str) -> None:
    assert handle(login, mentions=mentions) == expected
