"""Table tests for followthrough.grammar: which lines are commands, and their fields."""

from __future__ import annotations

import pytest

from followthrough.grammar import Command, has_commands, parse_commands


def one(text: str) -> Command:
    commands = parse_commands(text)
    assert len(commands) == 1, commands
    return commands[0]


def kinds(text: str) -> list[tuple[str, int]]:
    return [(c.kind, c.line) for c in parse_commands(text)]


# --- command words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("/promise x", "promise"),
        ("/PROMISE x", "promise"),
        ("/Promise x", "promise"),
        ("/done", "done"),
        ("/DONE", "done"),
        ("/dOnE 2", "done"),
        ("/revise Friday", "revise"),
        ("/REVISE Friday", "revise"),
        ("/Revise Friday", "revise"),
        ("/drop", "drop"),
        ("/DROP", "drop"),
        ("/Drop because", "drop"),
        ("/kudos @a", "kudos"),
        ("/KUDOS @a", "kudos"),
        ("/Kudos @a thanks", "kudos"),
    ],
)
def test_each_command_word_in_any_case(text: str, kind: str) -> None:
    assert one(text).kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "/promises x by Friday",
        "/doner",
        "/done.",
        "/done!",
        "/dropped it",
        "/kudos@a",
        "/revised Friday",
        "- /promise x by Friday",
        "* /done",
        "1. /done",
        "I'll /promise x by Friday",
        "see /done",
        "`/done`",
        "promise x by Friday",
        "/ done",
        "/promi\u017fe x",  # long s folds to "s" under Unicode case folding
        "/\u212audos @a",  # so does the Kelvin sign to "k"
        "",
        "\n\n",
    ],
)
def test_not_a_command_line(text: str) -> None:
    assert parse_commands(text) == []


@pytest.mark.parametrize(
    "text",
    ["/done", "/done ", "/done\t", "/done\n", "  /done", "   /done", "\u00a0/done", " \u2003/done"],
)
def test_command_word_followed_by_blank_or_end(text: str) -> None:
    assert one(text).kind == "done"


def test_unicode_whitespace_counts_as_blank() -> None:
    cmd = one("\u2003\u00a0/promise\u00a0send the notes\u2003by\u00a0Friday\u00a0")
    assert (cmd.what, cmd.connector, cmd.when) == ("send the notes", "by", "Friday")


def test_unicode_text_is_preserved() -> None:
    cmd = one("/promise envoyer les notes à Zoë 🚀 by vendredi")
    assert (cmd.what, cmd.when) == ("envoyer les notes à Zoë 🚀", "vendredi")


def test_attached_colon_is_allowed() -> None:
    assert one("/promise: ship x by Friday").what == "ship x"


# --- line endings, line numbers, raw ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "hello\r\n/done 2\r\nbye",
        "hello\r/done 2\rbye",
        "hello\n/done 2\nbye",
        "hello\r\n/done 2",
    ],
)
def test_line_endings_are_normalised(text: str) -> None:
    cmd = one(text)
    assert (cmd.kind, cmd.line, cmd.n, cmd.raw) == ("done", 2, 2, "/done 2")


def test_crlf_fields_carry_no_carriage_return() -> None:
    cmd = one("/promise send notes by Friday\r\n")
    assert cmd.when == "Friday"
    assert cmd.raw == "/promise send notes by Friday"


def test_mixed_line_endings_count_physical_lines() -> None:
    assert kinds("a\r\n\rb\n/done\r/drop") == [("done", 4), ("drop", 5)]


def test_raw_is_the_stripped_line() -> None:
    assert one("   /promise x by Friday   \n").raw == "/promise x by Friday"


# --- ignored blocks -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "```\n/done\n```",
        "~~~\n/done\n~~~",
        "```python\n/done\n```",
        "~~~ text {.x}\n/done\n~~~",
        "````\n/done\n```\n/done\n````",
        "~~~~~\n/done\n~~~\n~~~~\n/done\n~~~~~",
        "```\n/done",
        "```\nstill code\n\n/done\n",
        "   ```\n/done\n   ```",
        "```\n/done\n~~~\n/done",
        "    /done",
        "\t/done",
        "  \t/done",
        "        /promise x by Friday",
        "<!-- /done -->",
        "<!--\n/done\n-->",
        "<!-- start\n/promise x by Friday\n/done\nend -->",
        "> /done",
        "  > /done",
        "> > /done",
        ">/done",
        ">> /promise x by Friday",
    ],
)
def test_ignored_blocks(text: str) -> None:
    assert parse_commands(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("```\n/done 1\n```\n/done 2", [("done", 4)]),
        ("~~~\n/done\n~~~\n/drop", [("drop", 4)]),
        ("````\n```\n/done\n````\n/drop", [("drop", 5)]),
        ("```\n/done\n```   \n/drop", [("drop", 4)]),
        ("```\n/done\n   ```\n/drop", [("drop", 4)]),
        ("```\n/done\n    ```\n/drop\n```\n/kudos @a", [("kudos", 6)]),
        # A backtick "fence" whose info string has a backtick is inline code.
        ("```a`b```\n/done", [("done", 2)]),
        # Four spaces of indentation is indented code, not a fence.
        ("    ```\n/done", [("done", 2)]),
        ("<!-- note --> /done", [("done", 1)]),
        ("<!-- a --><!-- b -->/done", [("done", 1)]),
        ("<!--\nhidden\n--> /done", [("done", 3)]),
        ("<!-- one\ntwo -->\n/done", [("done", 3)]),
        ("<!--> /done", [("done", 1)]),
        ("<!-- x -->\n/done", [("done", 2)]),
        ("> quoted\n/done", [("done", 2)]),
        ("> quoted\nlazy continuation\n/done", [("done", 3)]),
        ("   /done", [("done", 1)]),
        ("```\n<!--\n```\n/done", [("done", 4)]),
        ("<!--\n```\n-->\n/done", [("done", 4)]),
    ],
)
def test_commands_around_ignored_blocks(text: str, expected: list[tuple[str, int]]) -> None:
    assert kinds(text) == expected


def test_partly_comment_line_is_judged_on_what_remains() -> None:
    cmd = one("/promise send the <!-- draft --> notes by Friday<!-- ! -->")
    assert (cmd.what, cmd.when) == ("send the  notes", "Friday")
    assert cmd.raw == "/promise send the  notes by Friday"


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("/done<!-- x -->", "/done"),
        ("/done<!-- x --> 2", "/done 2"),
        ("/pro<!-- x -->mise y", "/promise y"),
        ("<!-- x -->/done<!--\n-->", "/done"),
    ],
)
def test_comment_glued_to_a_command_word(text: str, raw: str) -> None:
    assert has_commands(text) is True
    assert one(text).raw == raw


def test_text_before_a_comment_is_still_text() -> None:
    assert parse_commands("see <!-- x --> /done") == []


# --- k numbering ---------------------------------------------------------------


def test_k_counts_promise_lines_in_order() -> None:
    text = "/promise a by Friday\n/done\n/promise b\n/kudos @x\n/promise by Monday"
    assert [(c.kind, c.k) for c in parse_commands(text)] == [
        ("promise", 1),
        ("done", None),
        ("promise", 2),
        ("kudos", None),
        ("promise", 3),
    ]


def test_k_skips_ignored_lines() -> None:
    text = "\n".join(
        [
            "```",
            "/promise in code",
            "```",
            "> /promise quoted",
            "    /promise indented",
            "<!-- /promise hidden -->",
            "- /promise listed",
            "/promise first by Friday",
            "<!--",
            "/promise hidden too",
            "-->",
            "/promise second",
        ]
    )
    assert [(c.what, c.k, c.line) for c in parse_commands(text)] == [
        ("first", 1, 8),
        ("second", 2, 12),
    ]


# --- /promise -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "what", "connector", "when"),
    [
        ("/promise send the notes by Friday noon", "send the notes", "by", "Friday noon"),
        ("/promise review the by-laws by Friday", "review the by-laws", "by", "Friday"),
        ("/promise pass by the office by 3pm", "pass by the office", "by", "3pm"),
        ("/promise ship it BY Friday", "ship it", "by", "Friday"),
        ("/promise stand by", "stand", "by", ""),
        ("/promise fix nearby bugs", "fix nearby bugs", None, None),
        ("/promise send notes by Friday.", "send notes", "by", "Friday."),
        ("/promise send notes, by Friday", "send notes", "by", "Friday"),
        ("/promise answer within 48 hours", "answer", "within", "within 48 hours"),
        ("/promise answer within 48h", "answer", "within", "within 48h"),
        ("/promise answer in 90 minutes", "answer", "in", "in 90 minutes"),
        ("/promise answer in 90m", "answer", "in", "in 90m"),
        ("/promise answer in 3 days", "answer", "in", "in 3 days"),
        ("/promise answer in 3d!", "answer", "in", "in 3d!"),
        ("/promise answer within 2 weeks.", "answer", "within", "within 2 weeks."),
        ("/promise answer in a week", "answer", "in", "in a week"),
        ("/promise answer in an hour", "answer", "in", "in an hour"),
        ("/promise answer within twelve hrs", "answer", "within", "within twelve hrs"),
        ("/promise answer in one day", "answer", "in", "in one day"),
        ("/promise answer IN 2 Days", "answer", "in", "IN 2 Days"),
        ("/promise answer in 5 min", "answer", "in", "in 5 min"),
        ("/promise answer in 1 hr", "answer", "in", "in 1 hr"),
        ("/promise answer in 2 w", "answer", "in", "in 2 w"),
        ("/promise fix the bug in the parser", "fix the bug in the parser", None, None),
        ("/promise fix it in 5 months", "fix it in 5 months", None, None),
        ("/promise fix it in 5 daysx", "fix it in 5 daysx", None, None),
        ("/promise fix it in ahour", "fix it in ahour", None, None),
        ("/promise fix it in thirteen days", "fix it in thirteen days", None, None),
        ("/promise log in by Friday", "log in", "by", "Friday"),
        ("/promise fix in 2 days by Friday", "fix in 2 days", "by", "Friday"),
        ("/promise read by-laws in 2 days", "read by-laws", "in", "in 2 days"),
        ("/promise finish by Friday in 3 days", "finish by Friday", "in", "in 3 days"),
        ("/promise fix bugs in parser by Friday", "fix bugs in parser", "by", "Friday"),
        ("/promise fix it by Friday in the morning", "fix it", "by", "Friday in the morning"),
        ("/promise write docs", "write docs", None, None),
        ("/promise", "", None, None),
    ],
)
def test_promise_split(text: str, what: str, connector: str | None, when: str | None) -> None:
    cmd = one(text)
    assert (cmd.kind, cmd.what, cmd.connector, cmd.when) == ("promise", what, connector, when)
    assert cmd.ticket is False
    assert cmd.k == 1


@pytest.mark.parametrize(
    ("text", "connector", "when"),
    [
        ("/promise by Friday", "by", "Friday"),
        ("/promise BY next week", "by", "next week"),
        ("/promise by", "by", ""),
        ("/promise   by   Friday 3pm  ", "by", "Friday 3pm"),
        ("/promise within 2 days", "within", "within 2 days"),
    ],
)
def test_ticket_promise(text: str, connector: str, when: str) -> None:
    cmd = one(text)
    assert (cmd.ticket, cmd.what, cmd.connector, cmd.when) == (True, "", connector, when)


@pytest.mark.parametrize(
    "text",
    [
        "/promise fix it \u0131n 2 days",  # dotless i: no "in" under ASCII case folding
        "/promise fix it \u0130n 2 days",
        "/promise fix it b\u0443 Friday",  # Cyrillic u
    ],
)
def test_connectors_fold_case_in_ascii_only(text: str) -> None:
    cmd = one(text)
    assert (cmd.connector, cmd.when, cmd.what) == (None, None, text.removeprefix("/promise "))


def test_promise_of_nothing_is_not_a_ticket() -> None:
    cmd = one("/promise")
    assert (cmd.ticket, cmd.what, cmd.connector, cmd.when) == (False, "", None, None)


def test_promise_leaves_other_fields_empty() -> None:
    cmd = one("/promise x by Friday")
    assert (cmd.n, cmd.rest, cmd.reason, cmd.to, cmd.why) == (None, "", None, None, "")


# --- /done ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("/done", None),
        ("/done 2", 2),
        ("/done #2", 2),
        ("/done 12", 12),
        ("/done 2.", 2),
        ("/done 2, shipped it", 2),
        ("/done #3 finally", 3),
        ("/done finally!", None),
        ("/done 2nd", None),
        ("/done 15:00", None),
        ("/done 2.5", None),
        ("/done 2026-01-05", None),
        ("/done " + "9" * 20, None),
    ],
)
def test_done_number(text: str, n: int | None) -> None:
    cmd = one(text)
    assert (cmd.kind, cmd.n) == ("done", n)


# --- /revise --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n", "when", "reason", "rest"),
    [
        ("/revise Friday because the vendor is late", None, "Friday", "the vendor is late", ""),
        ("/revise Friday BECAUSE late", None, "Friday", "late", ""),
        ("/revise Friday: vendor late", None, "Friday", "vendor late", ""),
        ("/revise Friday — vendor late", None, "Friday", "vendor late", ""),
        ("/revise Friday—vendor late", None, "Friday", "vendor late", ""),
        ("/revise Friday – vendor late", None, "Friday", "vendor late", ""),
        ("/revise Friday -- vendor late", None, "Friday", "vendor late", ""),
        ("/revise Friday - vendor late", None, "Friday", "vendor late", ""),
        ("/revise 2 Friday because late", 2, "Friday", "late", ""),
        ("/revise #2 Friday because late", 2, "Friday", "late", ""),
        ("/revise #2: Friday because late", 2, "Friday", "late", ""),
        ("/revise 2 Friday", 2, None, None, "Friday"),
        ("/revise Friday noon", None, None, None, "Friday noon"),
        (
            "/revise next Friday the vendor slipped",
            None,
            None,
            None,
            "next Friday the vendor slipped",
        ),
        ("/revise 15 December because late", None, "15 December", "late", ""),
        ("/revise 1 Dec: late", None, "1 Dec", "late", ""),
        ("/revise 1 dec. late", None, None, None, "1 dec. late"),
        ("/revise 2 15 December because late", 2, "15 December", "late", ""),
        ("/revise 15th because late", None, "15th", "late", ""),
        ("/revise 3pm because late", None, "3pm", "late", ""),
        ("/revise 3 pm because late", None, "3 pm", "late", ""),
        ("/revise 15:00 because late", None, "15:00", "late", ""),
        ("/revise 15:00", None, None, None, "15:00"),
        ("/revise Friday 15:00: vendor late", None, "Friday 15:00", "vendor late", ""),
        ("/revise 2026-12-01T17:00Z because late", None, "2026-12-01T17:00Z", "late", ""),
        ("/revise Friday 5pm -05:00 because late", None, "Friday 5pm -05:00", "late", ""),
        ("/revise 2 days because late", None, "2 days", "late", ""),
        ("/revise Friday see https://x.test/y", None, None, None, "Friday see https://x.test/y"),
        ("/revise Friday because", None, "Friday", None, ""),
        ("/revise because late", None, "", "late", ""),
        ("/revise Friday: late because vendor", None, "Friday", "late because vendor", ""),
        ("/revise Friday because: vendor", None, "Friday", "vendor", ""),
        ("/revise", None, None, None, ""),
        ("/revise 3", 3, None, None, ""),
    ],
)
def test_revise(text: str, n: int | None, when: str | None, reason: str | None, rest: str) -> None:
    cmd = one(text)
    assert (cmd.kind, cmd.n, cmd.when, cmd.reason, cmd.rest) == ("revise", n, when, reason, rest)


# --- /drop ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("/drop", None),
        ("/drop because priorities changed", "priorities changed"),
        ("/drop Because priorities changed", "priorities changed"),
        ("/drop: priorities changed", "priorities changed"),
        ("/drop : priorities changed", "priorities changed"),
        ("/drop — priorities changed", "priorities changed"),
        ("/drop —priorities changed", "priorities changed"),
        ("/drop – priorities changed", "priorities changed"),
        ("/drop -- priorities changed", "priorities changed"),
        ("/drop - priorities changed", "priorities changed"),
        ("/drop priorities changed", "priorities changed"),
        ("/drop because", None),
        ("/drop:", None),
        ("/drop because: x", "x"),
        ("/drop because because", "because"),
        ("/drop becausewhy", "becausewhy"),
    ],
)
def test_drop_reason(text: str, reason: str | None) -> None:
    cmd = one(text)
    assert (cmd.kind, cmd.reason) == ("drop", reason)


# --- /kudos ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "to", "why"),
    [
        ("/kudos @mona for patient debugging", ["mona"], "for patient debugging"),
        ("/kudos @mona", ["mona"], ""),
        ("/kudos @mona: great fix", ["mona"], "great fix"),
        ("/kudos @mona, great fix", ["mona"], "great fix"),
        ("/kudos @mona-lisa great fix", ["mona-lisa"], "great fix"),
        ("/kudos @mona_acme great fix", ["mona_acme"], "great fix"),
        ("/kudos @a @b for pairing", ["a", "b"], "for pairing"),
        ("/kudos @a, @b and @c for pairing", ["a", "b", "c"], "for pairing"),
        ("/kudos @a & @b", ["a", "b"], ""),
        ("/kudos @a @A @a", ["a"], ""),
        ("/kudos @a and the team", ["a"], "and the team"),
        ("/kudos to @mona for the review", ["mona"], "for the review"),
        ("/kudos @mona thanks @hubot", ["mona"], "thanks @hubot"),
        ("/kudos @octo🎉 cake", ["octo"], "🎉 cake"),
    ],
)
def test_kudos(text: str, to: list[str], why: str) -> None:
    commands = parse_commands(text)
    assert [c.to for c in commands] == to
    assert {(c.kind, c.why, c.line, c.raw) for c in commands} == {("kudos", why, 1, text)}


@pytest.mark.parametrize(
    "text",
    [
        "/kudos",
        "/kudos to the team",
        "/kudos thanks @mona",
        "/kudos @",
        "/kudos @-mona",
        "/kudos @mona- x",
        "/kudos @mo--na",
        "/kudos @acme/platform",
        "/kudos @a@b",
        "/kudos @" + "a" * 40,
    ],
)
def test_kudos_without_a_valid_leading_mention_is_ignored(text: str) -> None:
    assert parse_commands(text) == []


def test_kudos_login_of_39_characters() -> None:
    assert one("/kudos @" + "a" * 39).to == "a" * 39


# --- a realistic text, and the pre-check -----------------------------------------------


def test_realistic_comment() -> None:
    text = (
        "Thanks all for the retro.\r\n"
        "\r\n"
        "/promise send the retro notes by Friday noon\r\n"
        "/promise fix the flaky test in the parser\r\n"
        "> /promise quoted from someone else by Monday\r\n"
        "```\r\n"
        "/done 1\r\n"
        "```\r\n"
        "/kudos @mona @hubot for the patient debugging\r\n"
    )
    assert parse_commands(text) == [
        Command(
            "promise",
            3,
            "/promise send the retro notes by Friday noon",
            k=1,
            what="send the retro notes",
            connector="by",
            when="Friday noon",
        ),
        Command(
            "promise",
            4,
            "/promise fix the flaky test in the parser",
            k=2,
            what="fix the flaky test in the parser",
        ),
        Command(
            "kudos",
            9,
            "/kudos @mona @hubot for the patient debugging",
            to="mona",
            why="for the patient debugging",
        ),
        Command(
            "kudos",
            9,
            "/kudos @mona @hubot for the patient debugging",
            to="hubot",
            why="for the patient debugging",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no commands here", False),
        ("see https://github.com/acme/api/pull/12 and/or n/a", False),
        ("I am /done", False),
        ("/doner", False),
        ("/done", True),
        ("x\n  /done", True),
        ("x\r/done", True),
        ("<!-- x --> /done", True),
        ("```\n/done\n```", True),  # may say yes; parse_commands decides
        ("<!-- x -->\n/done", True),
    ],
)
def test_has_commands(text: str, expected: bool) -> None:
    assert has_commands(text) is expected
