"""Text -> command lines: the ``/promise /done /revise /drop /kudos`` grammar (SPEC §1).

This module owns two decisions and nothing else:

* which lines of a text are *command lines* — Markdown-aware, so lines in fenced
  or indented code, HTML comments and block quotes never are, and do not count
  when promises are numbered;
* how one command line splits into fields (what / connector / when, promise
  number, reason, mention).

It resolves no dates (``when.py`` does) and does not decide which promise a
``/done`` or ``/revise`` applies to (``evaluate.py`` does). Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Command", "has_commands", "parse_commands"]


@dataclass(frozen=True, slots=True)
class Command:
    """One command line, split into fields; see SPEC §1 for what each kind means."""

    kind: str  # "promise" | "done" | "revise" | "drop" | "kudos"
    line: int  # 1-based physical line number (after normalising line endings)
    raw: str  # the command line as seen (HTML comments removed), stripped
    k: int | None = None  # promise only: 1-based index among /promise lines of this text
    what: str = ""  # promise: what is promised ("" for a ticket promise)
    connector: str | None = None  # promise: "by" | "within" | "in" | None (undated)
    when: str | None = None  # promise: date phrase ("in …"/"within …" keep the connector);
    #                          revise: the part before a separator, else None
    ticket: bool = False  # promise: nothing before the connector = the ticket is promised
    n: int | None = None  # done/revise: explicit promise number
    rest: str = ""  # revise: text after the number when no separator was found
    reason: str | None = None  # revise/drop: the reason, None if none given
    to: str | None = None  # kudos: login without "@"
    why: str = ""  # kudos: the rest of the line


# Every keyword group in this module is written `(?ai:...)`: case-insensitive
# with ASCII-only case folding. Under Unicode folding "/promiſe" (long s),
# "/\u212audos" (Kelvin sign) or "ın" (dotless i) would match too. The flag is
# scoped so that `\s` stays Unicode-aware (NBSP and em spaces are blanks).
_WORDS = "(?ai:promise|done|revise|drop|kudos)"

# --- the fast path -----------------------------------------------------------
# Almost no comment contains a command, so a text without one must be rejected
# in about a microsecond. Patterns that start with a literal let the regex
# engine skip ahead with a memchr-like scan; a pattern starting with `^` in
# MULTILINE mode is tried at every position and is ~20x slower. So the check is
# split by what can precede a command word on its physical line: the text
# start, "\n" or "\r" (line endings are not yet normalised here).
# The terminator `(?![^\s:])` must agree with _COMMAND below: the fast path may
# say yes too often (code blocks, quotes), never too rarely.
_TAIL = rf"[^\S\n\r]*/{_WORDS}(?![^\s:])"
_AT_START = re.compile(_TAIL)
_AFTER_LF = re.compile("\n" + _TAIL)
_AFTER_CR = re.compile("\r" + _TAIL)
# HTML comments can hide anything around a command word ("<!-- x --> /done",
# "/pro<!-- x -->mise", "/done<!-- unclosed"). For a text with "<!--", cut
# out every comment that opens and closes on one line, exactly as
# _strip_comments does ("<!-->" and "<!--->" are complete), then look for a
# command word anywhere, followed by a blank, ":", "<" or the end. That finds
# every visible command: a comment spanning lines only ever hides text.
_COMMENT_OPEN = re.compile("<!--")
_ONE_LINE_COMMENT = re.compile(r"<!--(?:-?>|[^\n\r]*?-->)")
_WORD_ANYWHERE = re.compile(rf"/{_WORDS}(?![^\s:<])")


def has_commands(text: str) -> bool:
    """True if ``parse_commands(text)`` could return anything.

    A cheap pre-check: false means no command for certain; true may still mean
    none (a command word in a code block or a quote, say).
    """
    if _AT_START.match(text) or _AFTER_LF.search(text):
        return True
    if "\r" in text and _AFTER_CR.search(text):
        return True
    if _COMMENT_OPEN.search(text) is None:  # a regex search for a literal beats `in`
        return False
    return _WORD_ANYWHERE.search(_ONE_LINE_COMMENT.sub("", text)) is not None


def parse_commands(text: str) -> list[Command]:
    """Every command in ``text``, in line order (a /kudos line may give several)."""
    if not has_commands(text):
        return []
    return _parse_all(text)


def _parse_all(text: str) -> list[Command]:
    """The block-aware scan, without the pre-check (the tests compare the two)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    commands: list[Command] = []
    promises = 0
    for number, visible in _visible_lines(text):
        found = _parse_line(visible, line=number, k=promises + 1)
        if found and found[0].kind == "promise":
            promises += 1
        commands.extend(found)
    return commands


# --- which lines count ---------------------------------------------------------
# CommonMark: an opening fence is indented at most 3 spaces; a backtick fence's
# info string may not contain a backtick (that is inline code, not a fence).
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r" {0,3}(`{3,}|~{3,})\s*")


def _visible_lines(text: str) -> Iterator[tuple[int, str]]:
    """Yield (line number, stripped text outside HTML comments) of lines that start with "/"."""
    fence: str | None = None  # the opening fence while inside a fenced block
    in_comment = False
    for number, line in enumerate(text.split("\n"), start=1):
        if fence is not None:
            if fence[0] in line and _closes_fence(line, fence):
                fence = None
            continue
        if in_comment:
            end = line.find("-->")
            if end < 0:
                continue
            # What follows the comment on its closing line is ordinary text.
            line, in_comment = line[end + 3 :], False
        else:
            if line[:1] in "`~ " and (fence := _opening_fence(line)):
                continue
            if "/" not in line and "<!--" not in line:
                continue  # plain prose: no command, and no comment opens here
            if _indent(line) >= 4 or line.lstrip().startswith(">"):
                continue
        if "<!--" in line:
            line, in_comment = _strip_comments(line)
        visible = line.strip()
        if visible.startswith("/"):
            yield number, visible


def _opening_fence(line: str) -> str | None:
    opened = _FENCE_OPEN.fullmatch(line)
    if opened is None or (opened[1][0] == "`" and "`" in opened[2]):
        return None
    return opened[1]


def _closes_fence(line: str, fence: str) -> bool:
    closing = _FENCE_CLOSE.fullmatch(line)
    if closing is None:
        return False
    return closing[1][0] == fence[0] and len(closing[1]) >= len(fence)


def _indent(line: str) -> int:
    """Columns of leading spaces and tabs (a tab advances to the next multiple of 4)."""
    column = 0
    for char in line:
        if char == " ":
            column += 1
        elif char == "\t":
            column += 4 - column % 4
        else:
            break
        if column >= 4:
            break
    return column


def _strip_comments(line: str) -> tuple[str, bool]:
    """The line without its HTML comments, and whether a comment is still open at its end."""
    parts: list[str] = []
    pos = 0
    while (start := line.find("<!--", pos)) >= 0:
        parts.append(line[pos:start])
        # "<!-->" and "<!--->" are complete comments (CommonMark 0.31), hence +2.
        end = line.find("-->", start + 2)
        if end < 0:
            return "".join(parts), True
        pos = end + 3
    parts.append(line[pos:])
    return "".join(parts), False


# --- one command line ------------------------------------------------------------
# A colon may be attached to the word ("/drop: reason"); any other attached
# character makes it an ordinary word ("/doner", "/promises", "/done.").
_COMMAND = re.compile(rf"/({_WORDS})(?::|(?=\s)|$)")


def _parse_line(text: str, *, line: int, k: int) -> list[Command]:
    """The command(s) on one visible, stripped line; ``k`` is used if it is a promise."""
    word = _COMMAND.match(text)
    if word is None:
        return []
    kind = word[1].lower()
    rest = text[word.end() :].strip()
    if kind == "promise":
        return [_parse_promise(rest, line=line, raw=text, k=k)]
    if kind == "done":
        return [Command("done", line, text, n=_leading_number(rest))]
    if kind == "revise":
        return [_parse_revise(rest, line=line, raw=text)]
    if kind == "drop":
        return [Command("drop", line, text, reason=_drop_reason(rest))]
    return _parse_kudos(rest, line=line, raw=text)


# A connector is a standalone token: "by-laws" and "nearby" are not "by".
_CONNECTOR = re.compile(r"(?<!\S)((?ai:by|within|in))(?!\S)")
_NUMBER_WORDS = "an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_UNITS = r"minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w"
# "in 48h", "within two days", "in an hour." — a number word needs a space
# ("ahour" is no duration); trailing punctuation or emoji is left to when.py.
_DURATION = re.compile(
    rf"(?ai:within|in)\s+(?:[0-9]+\s*|(?ai:{_NUMBER_WORDS})\s+)(?ai:{_UNITS})[^\w]*"
)
# Punctuation that joins what to its connector ("send the notes, by Friday").
_WHAT_TRAILER = " \t,;:—–-"


def _parse_promise(rest: str, *, line: int, raw: str, k: int) -> Command:
    split = _promise_split(rest)
    if split is None:
        return Command("promise", line, raw, k=k, what=rest)
    what = rest[: split.start()].strip().rstrip(_WHAT_TRAILER).strip()
    connector = split[1].lower()
    # "by" is dropped from the phrase; a duration keeps its connector, because
    # "in 3 days" (end of that day) and "within 3 days" are read differently.
    when = rest[split.end() :] if connector == "by" else rest[split.start() :]
    return Command(
        "promise",
        line,
        raw,
        k=k,
        what=what,
        connector=connector,
        when=when.strip(),
        ticket=not what,
    )


def _promise_split(rest: str) -> re.Match[str] | None:
    """The connector the promise splits at: the last "by", or a later duration."""
    last_by: re.Match[str] | None = None
    last_duration: re.Match[str] | None = None
    for match in _CONNECTOR.finditer(rest):
        if match[1].lower() == "by":
            last_by = match
        else:
            last_duration = match
    # Only the last "in"/"within" can start a duration: an earlier one has the
    # later connector in its tail, which no duration contains.
    if last_duration is not None and not _DURATION.fullmatch(rest, last_duration.start()):
        last_duration = None
    if last_by is None or last_duration is None:
        return last_by or last_duration
    return max(last_by, last_duration, key=lambda m: m.start())


# At most 9 digits: int() of a huge run of digits is slow or raises.
_DONE_NUMBER = re.compile(r"#?([0-9]{1,9})(?=$|\s|[.,;:!?)](?!\w))")


def _leading_number(rest: str) -> int | None:
    """n in "/done 2", "/done #2." — None for "/done finally!" or "/done 15:00"."""
    match = _DONE_NUMBER.match(rest)
    return int(match[1]) if match else None


_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_REVISE_HASH_NUMBER = re.compile(r"#([0-9]{1,9})(?![0-9])[,:]?")
_REVISE_NUMBER = re.compile(r"([0-9]{1,9})(?=\s|$)")
# After a bare integer, these words make it part of a date, time or duration
# ("15 December", "3 pm", "2 days"), not a promise number.
_DATE_WORD = re.compile(
    rf"\s+(?ai:{_MONTHS}|[ap]\.?m\.?|minutes?|mins?|hours?|hrs?|days?|weeks?)(?![^\W\d_])"
)
# Earliest of: "because" (or "because:"), an em dash, a spaced en dash, "--" or
# "-", or a colon that is neither inside a time ("15:00") nor a URL ("https://").
_REVISE_SEPARATOR = re.compile(
    r"(?<!\S)(?ai:because):?(?!\S)|—|(?<!\S)(?:–|--?)(?!\S)|(?<![0-9]):(?!//)|:(?![0-9]|//)"
)


def _parse_revise(rest: str, *, line: int, raw: str) -> Command:
    n, rest = _revise_number(rest)
    separator = _REVISE_SEPARATOR.search(rest)
    if separator is None:
        return Command("revise", line, raw, n=n, rest=rest)
    reason = rest[separator.end() :].strip()
    return Command(
        "revise",
        line,
        raw,
        n=n,
        when=rest[: separator.start()].strip(),
        reason=reason or None,
    )


def _revise_number(rest: str) -> tuple[int | None, str]:
    """Split an optional leading promise number off a /revise line."""
    if match := _REVISE_HASH_NUMBER.match(rest):
        return int(match[1]), rest[match.end() :].strip()
    match = _REVISE_NUMBER.match(rest)
    if match is None or _DATE_WORD.match(rest, match.end()):
        return None, rest
    return int(match[1]), rest[match.end() :].strip()


_DROP_SEPARATOR = re.compile(r"(?:(?ai:because):?(?!\S)|[:—–]|--?(?!\S))")


def _drop_reason(rest: str) -> str | None:
    """ "/drop because x" -> "x"; "/drop" -> None. Only one leading separator goes."""
    if separator := _DROP_SEPARATOR.match(rest):
        rest = rest[separator.end() :].strip()
    return rest or None


# GitHub logins: alphanumerics and single inner hyphens, at most 39 characters.
# Underscores are allowed too, for Enterprise Managed Users ("mona_acme"). A
# mention glued to more login-ish text ("@acme/team", "@a@b", "@bob-") is none.
_MENTION = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9_]|-(?=[A-Za-z0-9])){0,38})(?![\w@/-])")
_BETWEEN_MENTIONS = re.compile(r"(?:\s*(?:[,&+]|(?ai:and)(?!\S)))*\s*(?=@)")
_KUDOS_TO = re.compile(r"(?ai:to)\s+(?=@)")
_WHY_LEADER = " \t,;:—–-"


def _parse_kudos(rest: str, *, line: int, raw: str) -> list[Command]:
    """One command per leading mention ("/kudos @a, @b and @c for pairing")."""
    logins: list[str] = []
    pos = 0
    if to := _KUDOS_TO.match(rest):
        pos = to.end()
    while mention := _MENTION.match(rest, pos):
        if mention[1].lower() not in (login.lower() for login in logins):
            logins.append(mention[1])
        pos = mention.end()
        between = _BETWEEN_MENTIONS.match(rest, pos)
        if between is None:
            break
        pos = between.end()
    why = rest[pos:].strip().lstrip(_WHY_LEADER).strip()
    return [Command("kudos", line, raw, to=login, why=why) for login in logins]
