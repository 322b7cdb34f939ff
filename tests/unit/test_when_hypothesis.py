"""Property tests for followthrough.when: never a crash, never a due before the writing time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from followthrough.when import Resolution, WhenRules, parse_zone, resolve_when, split_leading_when

# Zones with unusual rules: half-hour DST (Lord_Howe), +13:45 (Chatham), DST at
# midnight (Santiago, Havana), a skipped calendar day (Apia, 2011-12-30), Ramadan
# DST (Casablanca), the extremes (+14 Kiritimati, -11 Niue).
IANA = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "America/Santiago",
    "America/Havana",
    "Pacific/Apia",
    "Africa/Casablanca",
    "Pacific/Kiritimati",
    "Pacific/Niue",
    "America/St_Johns",
]
FIXED: list[tzinfo] = [timezone(timedelta(minutes=m)) for m in (0, 60, -300, 330, 345, 840, -720)]
ZONES: list[tzinfo] = [*(ZoneInfo(name) for name in IANA), *FIXED]

zones = st.sampled_from(ZONES)
written_ats = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 12, 31), timezones=zones
)
rules = st.builds(
    WhenRules,
    workdays=st.frozensets(st.integers(min_value=-1, max_value=7)),
    workday_end=st.times(),
    date_order=st.sampled_from(["", "MDY", "DMY", "ymd"]),
)

TOKENS = [
    *("by", "the", "in", "within", "next", "this", "end", "of", "on", "at", "@", "a", "an"),
    *("week", "weeks", "month", "year", "day", "days", "hours", "h", "m", "mins", "business"),
    *("today", "tonight", "tomorrow", "noon", "midnight", "EOD", "COB", "EOW", "EOM"),
    *("Friday", "fri", "Mon", "Tues", "Thurs", "sunday", "Dec", "December", "Feb", "Sept."),
    *("29", "30", "31", "1", "1st", "4th", "0", "-3", "48", "99999999", "2026", "26", "0000"),
    *("12/01", "01.12.", "12-01", "13/13/2026", "2026-12-01", "2026-02-29", "9999-12-31"),
    *("2026-12-01T17:00Z", "2026-12-01T17:00:00.000+05:30", "3pm", "3", "pm", "p.m."),
    *("15:00", "24:00", "99:99", "12am", "one", "twelve", "half"),
    *("CET", "PST", "Z", "IST", "+05:30", "-0800", "+99", "UTC+5", "Europe/Berlin", "Mars/X"),
    *(",", ".", "!", ")", "(", ";", ":", "—", "\u00a0", "\u2212"),
]
DAYS = [
    *("", "today", "tonight", "tomorrow", "day after tomorrow", "Friday", "this Sunday"),
    *("next Monday", "Sunday next week", "Dec 31", "Feb 29", "1st of March", "Sunday Mar 29"),
    *("2026-03-29", "2011-12-30", "12/31", "31.12.", "the 31st", "Friday the 13th"),
]
TIMES = ["", "noon", "midnight", "EOD", "2:30am", "1:30 a.m.", "23:59", "0:00", "3pm", "24:00"]
ZONE_WORDS = ["", "CET", "Z", "+14:00", "-12:00", "Europe/Berlin", "Pacific/Apia", "IST"]
PERIODS = [
    *("this week", "EOW", "next week", "end of month", "end of next month", "EOM"),
    *("end of December", "end of the year", "end of February 2028"),
]
grammar_phrases = st.one_of(
    st.tuples(
        st.sampled_from(["", "by", "on"]),
        st.sampled_from(DAYS),
        st.sampled_from(["", "at"]),
        st.sampled_from(TIMES),
        st.sampled_from(ZONE_WORDS),
    ).map(lambda parts: " ".join(p for p in parts if p)),
    st.tuples(st.sampled_from(PERIODS), st.sampled_from(ZONE_WORDS)).map(" ".join),
    st.tuples(
        st.sampled_from(["in", "within", "within the next"]),
        st.integers(min_value=-2, max_value=10**7).map(str) | st.sampled_from(["a", "an", "one"]),
        st.sampled_from(["minutes", "h", "hours", "days", "weeks", "months", "business days"]),
    ).map(" ".join),
)
phrases = st.one_of(
    st.text(),
    st.lists(st.sampled_from(TOKENS), max_size=8).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=8).map("".join),
    grammar_phrases,
)


def check(result: Resolution, written_at: datetime) -> None:
    assert isinstance(result, Resolution)
    if result.due is None:
        assert isinstance(result.reason, str)
        assert result.reason
    else:
        assert result.reason is None
        assert result.due.utcoffset() is not None
        # Compared in UTC: same-tzinfo comparisons would ignore fold.
        assert result.due.astimezone(UTC) >= written_at.astimezone(UTC)


@settings(max_examples=1000)
@given(phrase=phrases, written_at=written_ats, zone=zones, rules=rules)
def test_resolve_never_raises_and_never_goes_back(
    phrase: str, written_at: datetime, zone: tzinfo, rules: WhenRules
) -> None:
    check(resolve_when(phrase, written_at=written_at, zone=zone, rules=rules), written_at)


@given(
    phrase=phrases,
    written_at=st.datetimes(timezones=st.sampled_from([UTC, *FIXED])),
    zone=zones,
)
def test_resolve_survives_the_ends_of_the_calendar(
    phrase: str, written_at: datetime, zone: tzinfo
) -> None:
    # Years 1 and 9999: arithmetic can overflow; it must become a reason, not an exception.
    check(resolve_when(phrase, written_at=written_at, zone=zone), written_at)


@given(text=phrases, written_at=written_ats, zone=zones, rules=rules)
def test_split_never_raises(
    text: str, written_at: datetime, zone: tzinfo, rules: WhenRules
) -> None:
    split = split_leading_when(text, written_at=written_at, zone=zone, rules=rules)
    if split is not None:
        when, rest, resolution = split
        assert when
        assert text.strip().startswith(when)
        assert text.strip().endswith(rest)
        assert resolution.due is not None
        check(resolution, written_at)


# Zones where every local calendar day exists and has a 23:59:59 (not Apia in 2011).
REGULAR = [zone for zone in ZONES if getattr(zone, "key", "") != "Pacific/Apia"]


@given(
    hours=st.integers(min_value=1, max_value=24 * 400),
    written_at=written_ats,
    zone=st.sampled_from(REGULAR),
)
def test_hours_are_exactly_elapsed(hours: int, written_at: datetime, zone: tzinfo) -> None:
    due = resolve_when(f"within {hours} hours", written_at=written_at, zone=zone).due
    assert due is not None
    assert due.astimezone(UTC) - written_at.astimezone(UTC) == timedelta(hours=hours)


@given(
    days=st.integers(min_value=1, max_value=1000),
    written_at=written_ats,
    zone=st.sampled_from(REGULAR),
)
def test_days_end_on_that_local_calendar_day(days: int, written_at: datetime, zone: tzinfo) -> None:
    due = resolve_when(f"in {days} days", written_at=written_at, zone=zone).due
    assert due is not None
    local = due.astimezone(zone)
    assert local.date() == written_at.astimezone(zone).date() + timedelta(days=days)
    assert (local.hour, local.minute, local.second, local.microsecond) == (23, 59, 59, 0)


@given(
    index=st.integers(min_value=0, max_value=6),
    written_at=written_ats,
    zone=st.sampled_from(REGULAR),
)
def test_weekdays_are_the_next_such_day(index: int, written_at: datetime, zone: tzinfo) -> None:
    name = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[index]
    today = written_at.astimezone(zone).date()
    due = resolve_when(name, written_at=written_at, zone=zone).due
    after = resolve_when(f"next {name}", written_at=written_at, zone=zone).due
    assert due is not None
    assert after is not None
    ahead = (due.astimezone(zone).date() - today).days
    # 7 only when written in the last fraction of a second of that very day.
    assert due.astimezone(zone).weekday() == index
    assert 0 <= ahead <= 7
    next_monday = today + timedelta(days=7 - today.weekday())
    assert after.astimezone(zone).date() == next_monday + timedelta(days=index)


@given(name=st.text(max_size=30))
def test_parse_zone_never_raises(name: str) -> None:
    zone = parse_zone(name)
    if zone is not None:
        assert zone.utcoffset(datetime(2026, 1, 1)) is not None
