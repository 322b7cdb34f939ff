"""When is ``<when>``: a date phrase + the moment it was written + a zone -> a due moment.

This module owns SPEC §2: every phrase a promise's ``by``/``within``/``in`` part
may take, and the rules that turn it into an aware ``datetime``. It is pure: no
clock (the writing moment is passed in), no I/O, never the machine's zone.

Reading happens in two steps. :func:`_parse` turns the phrase into a small plan
(which family, which day, which time of day, which explicit zone); it depends on
the text only, so it is cached — the same phrase is read for thousands of
promises. :func:`_evaluate` then places the plan on the owner's calendar.
Local-date arithmetic is done on ``date`` objects and only then localised, so a
DST change never makes "tomorrow" 23 or 25 hours long; elapsed durations are
added in UTC, so a DST change never stretches "within 48 hours".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import MAXYEAR, UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import islice
from typing import Final, TypeAlias, assert_never
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Resolution", "WhenRules", "parse_zone", "resolve_when", "split_leading_when"]


@dataclass(frozen=True, slots=True)
class WhenRules:
    """The owner's working calendar, read on the owner's clock."""

    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # datetime.weekday(): Mon=0 .. Sun=6
    workday_end: time = time(17, 0)
    date_order: str = ""  # "", "MDY" or "DMY"


@dataclass(frozen=True, slots=True)
class Resolution:
    """A phrase's due moment, or why it has none."""

    due: datetime | None  # aware; None = undated
    reason: str | None = None  # why undated (None when due is set)


_DEFAULT_RULES: Final = WhenRules()
_END_OF_DAY: Final = time(23, 59, 59)
_NOON: Final = time(12, 0)
# Longer than any real date phrase; keeps garbage cheap and reasons readable.
_MAX_PHRASE: Final = 120
_SPLIT_MAX_TOKENS: Final = 8

# ---------------------------------------------------------------------------
# Zones

_H: Final = timedelta(hours=1)
_ABBREVIATIONS: Final[dict[str, timedelta]] = {
    "utc": 0 * _H,
    "gmt": 0 * _H,
    "z": 0 * _H,
    "cet": 1 * _H,
    "cest": 2 * _H,
    "eet": 2 * _H,
    "eest": 3 * _H,
    "bst": 1 * _H,
    "ist": 5.5 * _H,
    "jst": 9 * _H,
    "aest": 10 * _H,
    "aedt": 11 * _H,
    "est": -5 * _H,
    "edt": -4 * _H,
    "cst": -6 * _H,
    "cdt": -5 * _H,
    "mst": -7 * _H,
    "mdt": -6 * _H,
    "pst": -8 * _H,
    "pdt": -7 * _H,
}
_FIXED_ZONES: Final[dict[str, tzinfo]] = {
    name: timezone(offset, "UTC" if name == "z" else name.upper())
    for name, offset in _ABBREVIATIONS.items()
}
_OFFSET_RE: Final = re.compile(
    r"(?:(?:utc|gmt)(?P<psign>[+-])(?P<phours>\d{1,2})|(?P<sign>[+-])(?P<hours>\d{2}))"
    r"(?::?(?P<minutes>\d{2}))?",
    re.IGNORECASE | re.ASCII,
)
_PREFIXES: Final = ("utc", "gmt")
_MAX_OFFSET: Final = timedelta(hours=18)
_IANA_KEY_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", re.ASCII)
# Keys that exist as files under the zoneinfo path but name the machine's own zone.
_MACHINE_KEYS: Final = frozenset({"localtime", "posixrules"})


def parse_zone(name: str) -> tzinfo | None:
    """Read a zone name: an abbreviation from SPEC §2, ``+05:30``/``UTC-8``, or an IANA key.

    Abbreviations are fixed offsets (``CET`` is always +01:00, also in summer);
    IANA keys are case-sensitive, as zoneinfo reads them. ``None`` if unknown.
    """
    key = name.strip().replace("\u2212", "-")
    fixed = _FIXED_ZONES.get(key.lower())
    if fixed is not None:
        return fixed
    offset = _parse_offset(key)
    if offset is not None:
        return offset
    return _load_iana(key)


def _parse_offset(text: str) -> tzinfo | None:
    m = _OFFSET_RE.fullmatch(text)
    if m is None:
        return None
    sign = m["psign"] or m["sign"]
    hours = int(m["phours"] or m["hours"])
    minutes = int(m["minutes"] or 0)
    offset = timedelta(hours=hours, minutes=minutes)
    if minutes > 59 or offset > _MAX_OFFSET:
        return None
    return timezone(-offset if sign == "-" else offset)


@lru_cache(maxsize=256)
def _load_iana(key: str) -> tzinfo | None:
    # Cached because zoneinfo does not cache misses: each one walks TZPATH again.
    if not _IANA_KEY_RE.fullmatch(key) or key.lower() in _MACHINE_KEYS:
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _phrase_zone(token: str) -> tzinfo | None:
    """A zone written inside a phrase: as :func:`parse_zone`, but IANA keys need a ``/``.

    Single-word IANA keys ("Japan", "Poland") are too easily ordinary words.
    """
    lowered = token.lower()
    if "/" in token or token[:1] in "+-" or lowered in _FIXED_ZONES or lowered[:3] in _PREFIXES:
        return parse_zone(token)
    return None


# ---------------------------------------------------------------------------
# The plan a phrase is read into


@dataclass(frozen=True, slots=True)
class _At:
    at: time


@dataclass(frozen=True, slots=True)
class _EndOfDay:
    pass


@dataclass(frozen=True, slots=True)
class _WorkdayEnd:
    """EOD/COB: workday_end on that day, or the end of the day once that has passed."""


_Clock: TypeAlias = _At | _EndOfDay | _WorkdayEnd


@dataclass(frozen=True, slots=True)
class _Relative:
    days: int  # today = 0, tomorrow = 1
    rolling: bool = False  # only a bare time of day rolls over to tomorrow


@dataclass(frozen=True, slots=True)
class _Weekday:
    index: int
    next_week: bool


@dataclass(frozen=True, slots=True)
class _Calendar:
    month: int
    day: int
    year: int | None
    weekday: int | None  # a weekday written beside the date, to check it against


@dataclass(frozen=True, slots=True)
class _Numeric:
    """``12/01``-style: which number is the month depends on rules.date_order."""

    first: int
    second: int
    year_digits: str
    weekday: int | None


@dataclass(frozen=True, slots=True)
class _DayOfMonth:
    day: int
    weekday: int | None


_Day: TypeAlias = _Relative | _Weekday | _Calendar | _Numeric | _DayOfMonth


@dataclass(frozen=True, slots=True)
class _Moment:
    day: _Day
    clock: _Clock


@dataclass(frozen=True, slots=True)
class _Elapsed:
    delta: timedelta


@dataclass(frozen=True, slots=True)
class _Later:
    count: int
    unit: str  # "days" | "weeks" | "months" | "workdays"


@dataclass(frozen=True, slots=True)
class _WeekEnd:
    ahead: int


@dataclass(frozen=True, slots=True)
class _MonthEnd:
    ahead: int


@dataclass(frozen=True, slots=True)
class _NamedMonthEnd:
    month: int
    year: int | None


@dataclass(frozen=True, slots=True)
class _YearEnd:
    pass


_Form: TypeAlias = _Moment | _Elapsed | _Later | _WeekEnd | _MonthEnd | _NamedMonthEnd | _YearEnd


@dataclass(frozen=True, slots=True)
class _Plan:
    quote: str
    zone: tzinfo | None  # an explicit zone in the phrase wins over the owner's
    form: _Form


@dataclass(frozen=True, slots=True)
class _Failed:
    reason: str


# ---------------------------------------------------------------------------
# Vocabulary

_WEEKDAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_WEEKDAYS: Final = {name[:3].lower(): i for i, name in enumerate(_WEEKDAY_NAMES)}
_MONTHS: Final = {
    name: i + 1
    for i, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_COUNTING: Final = (
    *("one", "two", "three", "four", "five", "six"),
    *("seven", "eight", "nine", "ten", "eleven", "twelve"),
)
_NUMBER_WORDS: Final[dict[str, float]] = {
    "a": 1,
    "an": 1,
    "half a": 0.5,
    "half an": 0.5,
    **{word: n for n, word in enumerate(_COUNTING, start=1)},
}
_NUMBER_WORD: Final = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_UNIT_WORDS: Final = (
    ("minutes", ("m", "min", "mins", "minute", "minutes")),
    ("hours", ("h", "hr", "hrs", "hour", "hours")),
    ("days", ("d", "day", "days")),
    ("weeks", ("w", "wk", "wks", "week", "weeks")),
    ("months", ("month", "months")),
    ("workdays", ("workday", "workdays", "work day", "work days", "working day")),
    ("workdays", ("working days", "business day", "business days")),
)
_UNITS: Final = {word: unit for unit, words in _UNIT_WORDS for word in words}

_WD: Final = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
    r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\.?"
)
_MON: Final = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORD: Final = r"\d{1,2}(?:st|nd|rd|th)?"
_YR: Final = r"(?:\d{4}|\d{2})"
_ISO: Final = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
_NUM: Final = r"\d{1,2}[-/.]\d{1,2}(?:[-/.]\d{1,4})?\.?"
_REL: Final = r"today|tonight|tomorrow|day after tomorrow"
_EOD: Final = (
    r"eod|cob|eob|end of (?:the )?(?:business )?day|close of (?:the )?business(?: day)?"
    r"|end of business(?: day)?"
)
_DAY: Final = (
    rf"(?:{_REL}|(?:this )?{_WD}|next {_WD}|{_WD} next week|next week {_WD}"
    rf"|(?:{_WD} )?(?:{_ISO}|{_NUM}|{_MON} {_ORD}(?: {_YR})?"
    rf"|(?:the )?{_ORD} (?:of )?{_MON}(?: {_YR})?"
    r"|(?:the )?\d{1,2}(?:st|nd|rd|th)))"
)
_TIME: Final = (
    rf"(?:noon|midday|midnight|{_EOD}|\d{{1,2}}(?::\d{{2}})?[ap]m"
    r"|\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)"
)


def _rx(pattern: str) -> re.Pattern[str]:
    # Phrases are lower-cased before matching; ASCII keeps \d from reading other scripts' digits.
    return re.compile(pattern, re.ASCII)


_DAY_THEN_TIME_RE: Final = _rx(rf"(?:on )?(?P<day>{_DAY})(?:(?: at| by)? (?P<time>{_TIME}))?")
_TIME_THEN_DAY_RE: Final = _rx(rf"(?:at )?(?P<time>{_TIME})(?:(?: on)? (?P<day>{_DAY}))?")
_END_OF_NAMED_DAY_RE: Final = _rx(rf"end of (?P<day>{_DAY})")

_REL_RE: Final = _rx(_REL)
_WEEKDAY_RE: Final = _rx(rf"(?:this )?({_WD})")
_NEXT_WEEKDAY_RE: Final = _rx(rf"next ({_WD})|({_WD}) next week|next week ({_WD})")
_LEADING_WEEKDAY_RE: Final = _rx(rf"({_WD}) (.+)")
_ISO_RE: Final = _rx(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_NUM_RE: Final = _rx(r"(\d{1,2})([-/.])(\d{1,2})(?:\2(\d{1,4}))?\.?")
_MONTH_DAY_RE: Final = _rx(rf"({_MON}) (\d{{1,2}})(?:st|nd|rd|th)?(?: ({_YR}))?")
_DAY_MONTH_RE: Final = _rx(rf"(?:the )?(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MON})(?: ({_YR}))?")
_DAY_OF_MONTH_RE: Final = _rx(r"(?:the )?(\d{1,2})(?:st|nd|rd|th)")

_EOD_RE: Final = _rx(_EOD)
_12H_RE: Final = _rx(r"(\d{1,2})(?::(\d{2}))?([ap])m")
_24H_RE: Final = _rx(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?")

_DURATION_RE: Final = _rx(
    r"(?:in|within)(?: the next)? "
    rf"(?:(?P<num>[+-]?\d{{1,7}}(?:\.\d{{1,6}})?) ?|(?P<word>{_NUMBER_WORD}) )"
    r"(?P<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?"
    r"|(?:business|working|work) days?|workdays?)"
)
_PERIODS: Final[tuple[tuple[re.Pattern[str], _Form], ...]] = (
    (_rx(r"this week|eow|end of (?:the |this )?(?:work(?:ing)? )?week"), _WeekEnd(0)),
    (_rx(r"next week|end of (?:the )?next week"), _WeekEnd(1)),
    (_rx(r"this month|eom|end of (?:the |this )?month"), _MonthEnd(0)),
    (_rx(r"next month|end of (?:the )?next month"), _MonthEnd(1)),
    (_rx(r"this year|eoy|end of (?:the |this )?year"), _YearEnd()),
)
_NAMED_MONTH_END_RE: Final = _rx(rf"end of ({_MON})(?: (\d{{4}}))?")

# Token shapes, matched case-insensitively before lower-casing (zones keep their case).
_ISO_T_RE: Final = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(.+)", re.IGNORECASE | re.ASCII)
_TIME_ZONE_RE: Final = re.compile(
    r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(z|[+-]\d{2}(?::?\d{2})?)", re.IGNORECASE | re.ASCII
)
_BARE_HOUR_RE: Final = _rx(r"\d{1,2}(?::\d{2})?")
_MERIDIEM_RE: Final = re.compile(r"([ap])\.?m\.?", re.IGNORECASE)
_HOUR_MERIDIEM_RE: Final = re.compile(
    r"(\d{1,2}(?::\d{2})?)([ap])\.?m\.?", re.IGNORECASE | re.ASCII
)
_TIME_TOKEN_RE: Final = _rx(
    r"\d{1,2}(?::\d{2})?[ap]m|\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?|noon|midday|midnight|eod|cob|eob"
)
# Brackets, quotes, punctuation, emoji. Signs and "@" may start a phrase ("@ 3pm");
# nothing the grammar reads ends in anything but a letter or a digit.
_LEADING_JUNK_RE: Final = re.compile(r"^[^\w+\-@]+")
_TRAILING_JUNK_RE: Final = re.compile(r"[\W_]+$")
_FILLERS: Final = ("by", "the")
_WORD_RE: Final = re.compile(r"\S+")


# ---------------------------------------------------------------------------
# Reasons


def _quote(text: str) -> str:
    return f'"{text}"' if len(text) <= 60 else f'"{text[:57]}…"'


def _unreadable(quote: str) -> str:
    return f"could not read {quote} as a date"


def _invalid_date(quote: str) -> str:
    return f"{quote} is not a valid date"


def _invalid_time(quote: str) -> str:
    return f"{quote} is not a valid time of day"


# ---------------------------------------------------------------------------
# Public entry points


def resolve_when(
    phrase: str, *, written_at: datetime, zone: tzinfo, rules: WhenRules = _DEFAULT_RULES
) -> Resolution:
    """Resolve ``phrase`` written at ``written_at`` by someone in ``zone`` (SPEC §2).

    Never raises for any phrase: an unreadable one is undated with a reason.
    ``written_at`` must be aware (a naive one is a programming error: ValueError).
    """
    if written_at.utcoffset() is None:
        raise ValueError("written_at must be an aware datetime")
    plan = _parse(phrase)
    if isinstance(plan, _Failed):
        return Resolution(None, plan.reason)
    try:
        zone = zone if plan.zone is None else plan.zone
        return _evaluate(plan, written_at=written_at, zone=zone, rules=rules)
    except OverflowError:
        return Resolution(None, f"{plan.quote} falls outside the years 1 to {MAXYEAR}")


def split_leading_when(
    text: str, *, written_at: datetime, zone: tzinfo, rules: WhenRules = _DEFAULT_RULES
) -> tuple[str, str, Resolution] | None:
    """Split ``"<when> <reason>"`` at the longest leading run of words that resolves.

    Returns ``(when_phrase, rest, resolution)``; ``None`` if no leading run is a date.
    Trailing separator punctuation (``,;:`` and dashes) is dropped from ``when_phrase``.
    """
    spans = [m.span() for m in islice(_WORD_RE.finditer(text), _SPLIT_MAX_TOKENS)]
    for count in range(len(spans), 0, -1):
        start, end = spans[0][0], spans[count - 1][1]
        resolution = resolve_when(text[start:end], written_at=written_at, zone=zone, rules=rules)
        if resolution.due is not None:
            when = text[start:end].rstrip(",;:—–")
            return when, text[end:].strip(), resolution
    return None


# ---------------------------------------------------------------------------
# Reading: text -> plan


@lru_cache(maxsize=4096)
def _parse(phrase: str) -> _Plan | _Failed:
    cleaned = _clean(phrase)
    if not cleaned:
        return _Failed("no date given")
    quote = _quote(" ".join(phrase.split()))
    if len(cleaned) > _MAX_PHRASE:
        return _Failed(_unreadable(quote))
    tokens = _drop_fillers(_tokens(cleaned))
    if not tokens:
        return _Failed("no date given")
    split = _split_zone(tokens, quote)
    if isinstance(split, _Failed):
        return split
    zone, core = split
    form = _parse_form(" ".join(core).lower(), quote) if core else None
    if form is None:
        return _Failed(_unreadable(quote))
    if isinstance(form, _Failed):
        return form
    return _Plan(quote, zone, form)


def _clean(phrase: str) -> str:
    text = " ".join(phrase.replace("\u2212", "-").split())
    return _TRAILING_JUNK_RE.sub("", _LEADING_JUNK_RE.sub("", text))


def _tokens(cleaned: str) -> list[str]:
    """Split into words, separating glued ISO parts and joining ``3 p.m.`` into ``3pm``."""
    raw: list[str] = []
    for word in cleaned.replace(",", " ").replace("@", " at ").split():
        iso = _ISO_T_RE.fullmatch(word)
        parts = [iso[1], iso[2]] if iso else [word]
        for part in parts:
            glued = _TIME_ZONE_RE.fullmatch(part)
            raw.extend([glued[1], glued[2]] if glued else [part])
    tokens: list[str] = []
    for word in raw:
        if tokens and _MERIDIEM_RE.fullmatch(word) and _BARE_HOUR_RE.fullmatch(tokens[-1]):
            tokens[-1] = f"{tokens[-1]}{word[0].lower()}m"
            continue
        meridiem = _HOUR_MERIDIEM_RE.fullmatch(word)
        tokens.append(f"{meridiem[1]}{meridiem[2].lower()}m" if meridiem else word)
    return tokens


def _drop_fillers(tokens: list[str]) -> list[str]:
    for filler in _FILLERS:
        if tokens and tokens[0].lower() == filler:
            tokens = tokens[1:]
    return tokens


def _split_zone(tokens: list[str], quote: str) -> tuple[tzinfo | None, list[str]] | _Failed:
    """Take out an explicit zone: the last word, or a word right after a time of day."""
    found: list[tuple[int, tzinfo]] = []
    for i, token in enumerate(tokens):
        placed = i == len(tokens) - 1 or (i > 0 and _TIME_TOKEN_RE.fullmatch(tokens[i - 1].lower()))
        zone = _phrase_zone(token) if placed else None
        if zone is not None:
            found.append((i, zone))
    if len(found) > 1:
        return _Failed(f"{quote} names more than one time zone")
    if not found:
        return None, tokens
    index, zone = found[0]
    return zone, tokens[:index] + tokens[index + 1 :]


def _parse_form(core: str, quote: str) -> _Form | _Failed | None:
    for pattern, form in _PERIODS:
        if pattern.fullmatch(core):
            return form
    named = _NAMED_MONTH_END_RE.fullmatch(core)
    if named:
        return _NamedMonthEnd(_MONTHS[named[1][:3]], int(named[2]) if named[2] else None)
    duration = _DURATION_RE.fullmatch(core)
    if duration:
        return _parse_duration(duration, quote)
    return _parse_moment(core, quote)


def _parse_duration(m: re.Match[str], quote: str) -> _Form | _Failed:
    count = float(m["num"] or _NUMBER_WORDS[m["word"]])
    unit = _UNITS[m["unit"]]
    if count <= 0:
        return _Failed(f"{quote}: a duration must be more than zero")
    if unit == "minutes":
        return _Elapsed(timedelta(minutes=count))
    if unit == "hours":
        return _Elapsed(timedelta(hours=count))
    if not count.is_integer():
        return _Failed(f"{quote}: use a whole number of {unit}")
    return _Later(int(count), unit)


def _parse_moment(core: str, quote: str) -> _Moment | _Failed | None:
    m = (
        _DAY_THEN_TIME_RE.fullmatch(core)
        or _TIME_THEN_DAY_RE.fullmatch(core)
        or _END_OF_NAMED_DAY_RE.fullmatch(core)
    )
    if m is None:
        return None
    groups = m.groupdict()
    clock = _parse_clock(groups["time"], quote) if groups.get("time") else _EndOfDay()
    if isinstance(clock, _Failed):
        return clock
    if groups["day"] is None:
        # A bare time rolls over to tomorrow once passed; a bare EOD is about today only.
        day: _Day | _Failed = _Relative(0, rolling=not isinstance(clock, _WorkdayEnd))
    else:
        day = _parse_day(groups["day"], quote)
    if isinstance(day, _Failed):
        return day
    return _Moment(day, clock)


def _parse_clock(text: str, quote: str) -> _Clock | _Failed:
    if text in ("noon", "midday"):
        return _At(_NOON)
    if text == "midnight":
        return _EndOfDay()
    if _EOD_RE.fullmatch(text):
        return _WorkdayEnd()
    m = _12H_RE.fullmatch(text)
    if m:
        hour, minute = int(m[1]), int(m[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return _Failed(_invalid_time(quote))
        return _At(time(hour % 12 + (12 if m[3] == "p" else 0), minute))
    m = _24H_RE.fullmatch(text)
    if m is None:
        return _Failed(_unreadable(quote))
    hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
    micro = int((m[4] or "0")[:6].ljust(6, "0"))
    if hour == 24 and minute == second == micro == 0:
        return _EndOfDay()
    if hour > 23 or minute > 59 or second > 59:
        return _Failed(_invalid_time(quote))
    return _At(time(hour, minute, second, micro))


def _parse_day(text: str, quote: str) -> _Day | _Failed:
    if _REL_RE.fullmatch(text):
        return _Relative({"today": 0, "tonight": 0, "tomorrow": 1}.get(text, 2))
    m = _WEEKDAY_RE.fullmatch(text)
    if m:
        return _Weekday(_WEEKDAYS[m[1][:3]], next_week=False)
    m = _NEXT_WEEKDAY_RE.fullmatch(text)
    if m:
        return _Weekday(_WEEKDAYS[(m[1] or m[2] or m[3])[:3]], next_week=True)
    m = _LEADING_WEEKDAY_RE.fullmatch(text)
    weekday, body = (_WEEKDAYS[m[1][:3]], m[2]) if m else (None, text)
    return _parse_dated(body, weekday, quote)


def _parse_dated(body: str, weekday: int | None, quote: str) -> _Day | _Failed:
    m = _DAY_OF_MONTH_RE.fullmatch(body)
    if m:
        day = int(m[1])
        return _DayOfMonth(day, weekday) if 1 <= day <= 31 else _Failed(_invalid_date(quote))
    m = _ISO_RE.fullmatch(body)
    if m:
        return _Calendar(int(m[3]), int(m[4]), _year(m[1]), weekday)
    m = _NUM_RE.fullmatch(body)
    if m:
        return _Numeric(int(m[1]), int(m[3]), m[4] or "", weekday)
    m = _MONTH_DAY_RE.fullmatch(body)
    month_first = m is not None
    m = m or _DAY_MONTH_RE.fullmatch(body)
    if m is None:
        return _Failed(_unreadable(quote))
    month_text, day_text = (m[1], m[2]) if month_first else (m[2], m[1])
    if m[3] is not None and len(m[3]) == 2:
        return _Failed(_two_digit_year(quote))
    return _Calendar(_MONTHS[month_text[:3]], int(day_text), _year(m[3]), weekday)


def _year(text: str | None) -> int | None:
    return int(text) if text else None


def _two_digit_year(quote: str) -> str:
    return f"{quote} has a two-digit year: write the year in full, e.g. 2026"


# ---------------------------------------------------------------------------
# Placing a plan on the calendar


@dataclass(frozen=True, slots=True)
class _Now:
    utc: datetime
    local: datetime  # written_at on the clock the phrase is read on
    zone: tzinfo
    rules: WhenRules
    quote: str

    @property
    def today(self) -> date:
        return self.local.date()


@dataclass(frozen=True, slots=True)
class _Days:
    """Candidate calendar days, earliest first; a rolling form offers the next one too."""

    dates: tuple[date, ...]
    rolling: bool
    weekday: int | None = None  # the weekday the phrase also named


def _evaluate(plan: _Plan, *, written_at: datetime, zone: tzinfo, rules: WhenRules) -> Resolution:
    now = _Now(written_at.astimezone(UTC), written_at.astimezone(zone), zone, rules, plan.quote)
    form = plan.form
    match form:
        case _Moment():
            return _resolve_moment(form, now)
        case _Elapsed(delta=delta):
            # Elapsed time is added in UTC: a DST change must not stretch or shrink it.
            return Resolution((now.utc + delta).astimezone(zone))
        case _Later():
            return _resolve_later(form, now)
        case _WeekEnd(ahead=ahead):
            return _resolve_week_end(ahead, now)
        case _MonthEnd(ahead=ahead):
            return _resolve_month_end(ahead, now)
        case _NamedMonthEnd():
            return _resolve_named_month_end(form, now)
        case _YearEnd():
            return _resolve_year_end(now)
        case _:
            assert_never(form)


def _localise(day: date, at: time, zone: tzinfo) -> datetime:
    # The UTC round trip moves a wall time that a spring-forward gap skips to a real instant.
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC).astimezone(zone)


def _end_of(day: date, zone: tzinfo) -> datetime:
    return _localise(day, _END_OF_DAY, zone)


def _ymd(year: int, month: int, day: int) -> date:
    if year > MAXYEAR:
        raise OverflowError("date value out of range")
    return date(year, month, day)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_day_of_month(year: int, month: int) -> date:
    first_of_next = _ymd(year + 1, 1, 1) if month == 12 else _ymd(year, month + 1, 1)
    return first_of_next - timedelta(days=1)


def _before_written(now: _Now) -> Resolution:
    written = now.local.isoformat(timespec="minutes")
    return Resolution(None, f"{now.quote} is before the time it was written ({written})")


def _resolve_moment(form: _Moment, now: _Now) -> Resolution:
    days = _candidate_days(form.day, now)
    if isinstance(days, _Failed):
        return Resolution(None, days.reason)
    for day in days.dates:
        due = _due_on(day, form.clock, now, strict=days.rolling)
        if due is None:
            continue
        if days.weekday is not None and day.weekday() != days.weekday:
            said, actual = _WEEKDAY_NAMES[days.weekday], _WEEKDAY_NAMES[day.weekday()]
            return Resolution(None, f"{now.quote}: {day.isoformat()} is a {actual}, not a {said}")
        return Resolution(due)
    return _before_written(now)


def _due_on(day: date, clock: _Clock, now: _Now, *, strict: bool) -> datetime | None:
    """The moment ``clock`` names on ``day``, or None if it is before the writing time.

    ``strict``: for forms that roll over, a time equal to the writing time has passed.
    """
    match clock:
        case _At(at=at):
            due = _localise(day, at, now.zone)
            passed = due <= now.utc if strict else due < now.utc
            return None if passed else due
        case _WorkdayEnd():
            for at in (now.rules.workday_end.replace(tzinfo=None), _END_OF_DAY):
                due = _localise(day, at, now.zone)
                if due >= now.utc:
                    return due
            return None
        case _EndOfDay():
            due = _end_of(day, now.zone)
            return due if due >= now.utc else None
        case _:
            assert_never(clock)


def _candidate_days(day: _Day, now: _Now) -> _Days | _Failed:
    today = now.today
    match day:
        case _Relative(days=offset, rolling=rolling):
            first = today + timedelta(days=offset)
            return _Days((first, first + timedelta(days=1)) if rolling else (first,), rolling)
        case _Weekday(index=index, next_week=False):
            first = today + timedelta(days=(index - today.weekday()) % 7)
            return _Days((first, first + timedelta(days=7)), rolling=True)
        case _Weekday(index=index):
            return _Days((today + timedelta(days=7 - today.weekday() + index),), rolling=False)
        case _Calendar():
            return _calendar_days(day, now)
        case _Numeric():
            calendar = _numeric_to_calendar(day, now)
            return calendar if isinstance(calendar, _Failed) else _calendar_days(calendar, now)
        case _DayOfMonth(day=dom, weekday=weekday):
            return _day_of_month_days(dom, today, weekday)
        case _:
            assert_never(day)


def _calendar_days(day: _Calendar, now: _Now) -> _Days | _Failed:
    if day.year is not None:
        exact = _valid_date(day.year, day.month, day.day)
        if exact is None:
            return _Failed(_invalid_date(now.quote))
        return _Days((exact,), rolling=False, weekday=day.weekday)
    if _valid_date(2000, day.month, day.day) is None:  # 2000 is a leap year: Feb 29 exists
        return _Failed(_invalid_date(now.quote))
    found: list[date] = []
    # Nine years always reach the next Feb 29 (the longest gap is 2096 to 2104).
    for year in range(now.today.year, min(now.today.year + 9, MAXYEAR + 1)):
        candidate = _valid_date(year, day.month, day.day)
        if candidate is not None and candidate >= now.today:
            found.append(candidate)
    if not found:
        raise OverflowError("no such day before the end of the calendar")
    return _Days(tuple(found[:2]), rolling=True, weekday=day.weekday)


def _numeric_to_calendar(day: _Numeric, now: _Now) -> _Calendar | _Failed:
    digits = day.year_digits
    if len(digits) == 2:
        return _Failed(_two_digit_year(now.quote))
    order = now.rules.date_order.upper()
    if order not in ("MDY", "DMY"):
        return _Failed(
            f'{now.quote} is an ambiguous date: set date_order = "MDY" or "DMY", '
            "or write it as YYYY-MM-DD"
        )
    if digits and len(digits) != 4:
        return _Failed(_invalid_date(now.quote))
    month, dom = (day.first, day.second) if order == "MDY" else (day.second, day.first)
    return _Calendar(month, dom, int(digits) if digits else None, day.weekday)


def _day_of_month_days(dom: int, today: date, weekday: int | None) -> _Days:
    found: list[date] = []
    year, month = today.year, today.month
    # Any day 1-31 occurs within two months; fourteen leaves room for a second one.
    while (
        len(found) < 2 and year <= MAXYEAR and (year - today.year) * 12 + month < today.month + 14
    ):
        candidate = _valid_date(year, month, dom)
        if candidate is not None and candidate >= today:
            found.append(candidate)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if not found:
        raise OverflowError("no such day before the end of the calendar")
    return _Days(tuple(found), rolling=True, weekday=weekday)


def _resolve_later(form: _Later, now: _Now) -> Resolution:
    today = now.today
    match form.unit:
        case "days":
            day = today + timedelta(days=form.count)
        case "weeks":
            day = today + timedelta(weeks=form.count)
        case "months":
            day = _add_months(today, form.count)
        case _:
            workdays = frozenset(d for d in now.rules.workdays if 0 <= d <= 6)
            if not workdays:
                return Resolution(None, f"{now.quote}: no workdays are configured")
            day = _add_workdays(today, form.count, workdays)
    return Resolution(_end_of(day, now.zone))


def _add_months(day: date, months: int) -> date:
    year, index = divmod(day.month - 1 + months, 12)
    last = _last_day_of_month(day.year + year, index + 1)
    return last.replace(day=min(day.day, last.day))


def _add_workdays(day: date, count: int, workdays: frozenset[int]) -> date:
    """The count-th workday after ``day`` (``workdays`` not empty)."""
    # Whole weeks first so a large count costs no more than a week of steps.
    weeks, remainder = divmod(count - 1, len(workdays))
    day += timedelta(weeks=weeks)
    remainder += 1
    while remainder:
        day += timedelta(days=1)
        if day.weekday() in workdays:
            remainder -= 1
    return day


def _last_workday(workdays: frozenset[int]) -> int | None:
    """The weekday a work week ends on: a workday not followed by another one.

    For Mon-Fri that is Friday; for Sun-Thu it is Thursday (Sunday starts the
    run even though ISO weeks put it last). With several runs, the latest in
    the ISO week; with every day a workday, Sunday.
    """
    days = {d for d in workdays if 0 <= d <= 6}
    if not days:
        return None
    ends = [d for d in days if (d + 1) % 7 not in days]
    return max(ends) if ends else 6


def _resolve_week_end(ahead: int, now: _Now) -> Resolution:
    last = _last_workday(now.rules.workdays)
    if last is None:
        return Resolution(None, f"{now.quote}: no workdays are configured, so a week has no end")
    monday = now.today - timedelta(days=now.today.weekday())
    due = _end_of(monday + timedelta(weeks=ahead, days=last), now.zone)
    if due < now.utc:  # this week's last workday is over: the next one
        due = _end_of(monday + timedelta(weeks=ahead + 1, days=last), now.zone)
    return Resolution(due)


def _resolve_month_end(ahead: int, now: _Now) -> Resolution:
    year, index = divmod(now.today.month - 1 + ahead, 12)
    last = _last_day_of_month(now.today.year + year, index + 1)
    due = _end_of(last, now.zone)
    if due < now.utc:
        due = _end_of(_last_day_of_month(*_next_month(last)), now.zone)
    return Resolution(due)


def _next_month(day: date) -> tuple[int, int]:
    return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)


def _resolve_named_month_end(form: _NamedMonthEnd, now: _Now) -> Resolution:
    year = form.year if form.year is not None else now.today.year
    due = _end_of(_last_day_of_month(year, form.month), now.zone)
    if due >= now.utc:
        return Resolution(due)
    if form.year is not None:
        return _before_written(now)
    return Resolution(_end_of(_last_day_of_month(year + 1, form.month), now.zone))


def _resolve_year_end(now: _Now) -> Resolution:
    due = _end_of(date(now.today.year, 12, 31), now.zone)
    if due < now.utc:
        due = _end_of(_ymd(now.today.year + 1, 12, 31), now.zone)
    return Resolution(due)
