"""Tests for followthrough.when: SPEC §2, phrase by phrase.

Expected values are computed here, independently of the code under test: a
curated table of literal wall-clock strings (with their UTC offsets, so DST is
checked too), and a matrix in which every phrase family is written on every
weekday of a normal week and of a DST week, in two zones, at two times of day,
against a small oracle written from the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from followthrough.when import Resolution, WhenRules, parse_zone, resolve_when, split_leading_when

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
CET = timezone(timedelta(hours=1))
PST = timezone(timedelta(hours=-8))
IST_OFFSET = timezone(timedelta(hours=5, minutes=30))

DEFAULT = WhenRules()
MDY = WhenRules(date_order="MDY")
DMY = WhenRules(date_order="DMY")
SUN_THU = WhenRules(workdays=frozenset({6, 0, 1, 2, 3}))
MON_THU = WhenRules(workdays=frozenset({0, 1, 2, 3}))
LATE_END = WhenRules(workday_end=time(18, 30))

MONTH_ABBR = (
    "",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
MONTH_FULL = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAY_FULL = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def resolve(
    phrase: str, written: datetime, zone: tzinfo, rules: WhenRules | None = None
) -> Resolution:
    return resolve_when(phrase, written_at=written, zone=zone, rules=rules or WhenRules())


def fmt(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S%z")


def ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# ---------------------------------------------------------------------------
# Curated examples: literal expectations

ZONES = {"Berlin": BERLIN, "NY": NEW_YORK, "London": LONDON, "UTC": UTC}

# (zone, written at (local wall clock), phrase, rules, expected "wall+offset" in the zone named)
CURATED: list[tuple[str, str, str, WhenRules | None, str]] = [
    # SPEC examples
    ("Berlin", "2026-11-16 14:00", "noon", None, "2026-11-17 12:00:00+0100"),
    ("Berlin", "2026-11-20 16:00", "Friday 3pm", None, "2026-11-27 15:00:00+0100"),
    ("Berlin", "2026-11-20 14:00", "Friday 3pm", None, "2026-11-20 15:00:00+0100"),
    ("Berlin", "2026-11-23 09:00", "next Friday", None, "2026-12-04 23:59:59+0100"),  # Mon W48
    ("Berlin", "2026-11-29 22:00", "next Friday", None, "2026-12-04 23:59:59+0100"),  # Sun W48
    ("Berlin", "2026-11-23 09:00", "next Monday", None, "2026-11-30 23:59:59+0100"),
    ("Berlin", "2026-11-29 22:00", "next Monday", None, "2026-11-30 23:59:59+0100"),
    ("Berlin", "2026-11-21 10:00", "EOW", None, "2026-11-27 23:59:59+0100"),  # Saturday
    ("Berlin", "2026-11-20 23:30", "EOW", None, "2026-11-20 23:59:59+0100"),  # Friday night
    ("Berlin", "2026-11-16 18:00", "EOD", None, "2026-11-16 23:59:59+0100"),
    ("Berlin", "2026-11-16 16:59", "EOD", None, "2026-11-16 17:00:00+0100"),
    ("Berlin", "2026-11-16 17:00", "EOD", None, "2026-11-16 17:00:00+0100"),
    ("Berlin", "2026-11-20 18:00", "Friday EOD", None, "2026-11-20 23:59:59+0100"),
    ("Berlin", "2026-11-19 18:00", "Friday EOD", None, "2026-11-20 17:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday", None, "2026-11-20 23:59:59+0100"),
    ("Berlin", "2026-11-20 23:00", "Friday", None, "2026-11-20 23:59:59+0100"),  # today
    ("Berlin", "2026-11-16 10:00", "midnight", None, "2026-11-16 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday midnight", None, "2026-11-20 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "12pm", None, "2026-11-16 12:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "12am", None, "2026-11-17 00:00:00+0100"),
    ("Berlin", "2026-11-16 15:00", "3pm", None, "2026-11-17 15:00:00+0100"),  # equal = passed
    ("Berlin", "2026-11-16 15:00", "today 3pm", None, "2026-11-16 15:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "24:00", None, "2026-11-16 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "15:00:30", None, "2026-11-16 15:00:30+0100"),
    # absolute dates without a year: the next such day, today included
    ("Berlin", "2026-12-01 10:00", "Dec 1", None, "2026-12-01 23:59:59+0100"),
    ("Berlin", "2026-12-02 10:00", "Dec 1", None, "2027-12-01 23:59:59+0100"),
    ("Berlin", "2026-12-01 16:00", "Dec 1 15:00", None, "2027-12-01 15:00:00+0100"),
    ("Berlin", "2026-12-01 14:00", "Dec 1 15:00", None, "2026-12-01 15:00:00+0100"),
    ("Berlin", "2026-03-01 10:00", "Feb 29", None, "2028-02-29 23:59:59+0100"),
    ("Berlin", "2028-02-29 10:00", "Feb 29", None, "2028-02-29 23:59:59+0100"),
    ("Berlin", "2028-03-01 10:00", "Feb 29", None, "2032-02-29 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "Sept 3", None, "2027-09-03 23:59:59+0200"),
    ("Berlin", "2026-11-16 10:00", "Sept. 3", None, "2027-09-03 23:59:59+0200"),
    ("Berlin", "2026-11-16 10:00", "Dec. 1st", None, "2026-12-01 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday Dec 4", None, "2026-12-04 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "Fri, 4 Dec", None, "2026-12-04 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday, December 4th 2026", None, "2026-12-04 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "the 1st of December", None, "2026-12-01 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "December 1st 2026 3pm", None, "2026-12-01 15:00:00+0100"),
    # ISO and numeric with times; explicit zones
    ("Berlin", "2026-11-16 10:00", "2026-12-01 15:00", None, "2026-12-01 15:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "2026-12-01T15:00", None, "2026-12-01 15:00:00+0100"),
    ("UTC", "2026-11-16 10:00", "2026-12-01T17:00Z", None, "2026-12-01 17:00:00+0000"),
    ("Berlin", "2026-11-16 10:00", "2026-12-01T17:00Z", None, "2026-12-01 18:00:00+0100"),
    ("UTC", "2026-11-16 10:00", "2026-12-01T17:00:00.000Z", None, "2026-12-01 17:00:00+0000"),
    ("UTC", "2026-11-16 10:00", "2026-12-01T17:00:00+05:30", None, "2026-12-01 11:30:00+0000"),
    ("UTC", "2026-11-16 10:00", "2026-12-01 17:00 -0800", None, "2026-12-02 01:00:00+0000"),
    ("UTC", "2026-11-16 10:00", "Dec 4 PST", None, "2026-12-05 07:59:59+0000"),
    ("UTC", "2026-11-16 10:00", "Dec 4 +01", None, "2026-12-04 22:59:59+0000"),
    ("UTC", "2026-11-16 10:00", "Friday 5pm UTC+5", None, "2026-11-20 12:00:00+0000"),
    ("NY", "2026-11-16 10:00", "Friday 5pm Europe/Berlin", None, "2026-11-20 11:00:00-0500"),
    ("NY", "2026-11-16 10:00", "5pm CET Friday", None, "2026-11-20 11:00:00-0500"),
    # the explicit zone wins for the whole phrase, including which day "Friday" is
    ("NY", "2026-11-20 10:00", "Friday 5pm CET", None, "2026-11-20 11:00:00-0500"),
    ("NY", "2026-11-20 12:00", "Friday 5pm CET", None, "2026-11-27 11:00:00-0500"),
    ("NY", "2026-11-19 20:00", "Friday 5pm CET", None, "2026-11-20 11:00:00-0500"),
    ("NY", "2026-11-20 19:00", "Friday", None, "2026-11-20 23:59:59-0500"),
    ("NY", "2026-11-20 19:00", "Friday CET", None, "2026-11-27 17:59:59-0500"),
    ("NY", "2026-11-19 19:00", "tomorrow CET", None, "2026-11-21 17:59:59-0500"),
    ("Berlin", "2026-07-01 10:00", "Friday 5pm CET", None, "2026-07-03 18:00:00+0200"),  # fixed
    ("Berlin", "2026-07-01 10:00", "Friday 5pm Europe/Berlin", None, "2026-07-03 17:00:00+0200"),
    ("Berlin", "2026-11-16 10:00", "Friday +05:30", None, "2026-11-20 19:29:59+0100"),
    # DST: local days stay calendar days, elapsed durations stay exact
    ("Berlin", "2026-03-28 10:00", "tomorrow", None, "2026-03-29 23:59:59+0200"),
    ("Berlin", "2026-10-24 10:00", "tomorrow", None, "2026-10-25 23:59:59+0100"),
    ("Berlin", "2026-03-27 10:00", "in 3 days", None, "2026-03-30 23:59:59+0200"),
    ("Berlin", "2026-10-23 10:00", "in 3 days", None, "2026-10-26 23:59:59+0100"),
    ("NY", "2026-03-06 10:00", "in 3 days", None, "2026-03-09 23:59:59-0400"),
    ("NY", "2026-10-30 10:00", "in 3 days", None, "2026-11-02 23:59:59-0500"),
    ("Berlin", "2026-03-27 10:00", "within 48 hours", None, "2026-03-29 11:00:00+0200"),
    ("Berlin", "2026-10-23 10:00", "within 48 hours", None, "2026-10-25 09:00:00+0100"),
    ("NY", "2026-03-06 10:00", "within 48 hours", None, "2026-03-08 11:00:00-0400"),
    ("NY", "2026-10-30 10:00", "within 48 hours", None, "2026-11-01 09:00:00-0500"),
    ("NY", "2026-03-07 23:00", "in 3 hours", None, "2026-03-08 03:00:00-0400"),
    ("NY", "2026-03-08 01:30", "in 1 hour", None, "2026-03-08 03:30:00-0400"),
    ("Berlin", "2026-03-28 10:00", "within 2 weeks", None, "2026-04-11 23:59:59+0200"),
    ("Berlin", "2026-03-25 10:00", "next week", None, "2026-04-03 23:59:59+0200"),
    ("Berlin", "2026-03-28 10:00", "Monday", None, "2026-03-30 23:59:59+0200"),
    # a wall time that the spring-forward gap skips moves forward by the gap
    ("Berlin", "2026-03-28 10:00", "tomorrow 2:30am", None, "2026-03-29 03:30:00+0200"),
    ("NY", "2026-03-07 10:00", "tomorrow 2:30am", None, "2026-03-08 03:30:00-0400"),
    # an ambiguous fall-back wall time is its first occurrence
    ("Berlin", "2026-10-24 10:00", "tomorrow 2:30am", None, "2026-10-25 02:30:00+0200"),
    ("NY", "2026-10-31 10:00", "tomorrow 1:30am", None, "2026-11-01 01:30:00-0400"),
    # custom workdays and workday_end
    ("Berlin", "2026-11-16 10:00", "end of week", SUN_THU, "2026-11-19 23:59:59+0100"),
    ("Berlin", "2026-11-19 23:00", "end of week", SUN_THU, "2026-11-19 23:59:59+0100"),
    ("Berlin", "2026-11-20 10:00", "end of week", SUN_THU, "2026-11-26 23:59:59+0100"),
    ("Berlin", "2026-11-22 10:00", "end of week", SUN_THU, "2026-11-26 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "next week", SUN_THU, "2026-11-26 23:59:59+0100"),
    ("Berlin", "2026-11-18 10:00", "EOW", MON_THU, "2026-11-19 23:59:59+0100"),
    ("Berlin", "2026-11-20 10:00", "EOW", MON_THU, "2026-11-26 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "next week", MON_THU, "2026-11-26 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "EOD", LATE_END, "2026-11-16 18:30:00+0100"),
    ("Berlin", "2026-11-16 18:45", "EOD", LATE_END, "2026-11-16 23:59:59+0100"),
    ("Berlin", "2026-11-16 18:45", "tomorrow EOD", LATE_END, "2026-11-17 18:30:00+0100"),
    ("Berlin", "2026-11-16 10:00", "COB Friday", LATE_END, "2026-11-20 18:30:00+0100"),
    ("Berlin", "2026-11-16 10:00", "in 3 business days", None, "2026-11-19 23:59:59+0100"),
    ("Berlin", "2026-11-19 10:00", "in 3 business days", None, "2026-11-24 23:59:59+0100"),
    ("Berlin", "2026-11-21 10:00", "in 1 business day", None, "2026-11-23 23:59:59+0100"),
    ("Berlin", "2026-11-19 10:00", "in 11 working days", None, "2026-12-04 23:59:59+0100"),
    ("Berlin", "2026-11-19 10:00", "in 2 workdays", SUN_THU, "2026-11-23 23:59:59+0100"),
    # months, years, day of month
    ("Berlin", "2026-11-16 10:00", "end of next month", None, "2026-12-31 23:59:59+0100"),
    ("Berlin", "2026-12-16 10:00", "end of next month", None, "2027-01-31 23:59:59+0100"),
    ("Berlin", "2026-01-31 10:00", "end of the month", None, "2026-01-31 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "end of January", None, "2027-01-31 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "end of November", None, "2026-11-30 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "end of February 2028", None, "2028-02-29 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "end of the year", None, "2026-12-31 23:59:59+0100"),
    ("Berlin", "2026-01-31 10:00", "in a month", None, "2026-02-28 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "in 2 months", None, "2027-01-16 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "the 15th", None, "2026-12-15 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "the 16th", None, "2026-11-16 23:59:59+0100"),
    ("Berlin", "2026-01-31 10:00", "the 30th", None, "2026-03-30 23:59:59+0200"),
    ("Berlin", "2026-11-16 10:00", "Friday the 4th", None, "2026-12-04 23:59:59+0100"),
    # other forms
    ("Berlin", "2026-11-16 10:00", "within the next 48 hours", None, "2026-11-18 10:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "in half an hour", None, "2026-11-16 10:30:00+0100"),
    ("Berlin", "2026-11-16 10:00", "in 1.5 hours", None, "2026-11-16 11:30:00+0100"),
    ("Berlin", "2026-11-16 10:00", "day after tomorrow", None, "2026-11-18 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "end of tomorrow", None, "2026-11-17 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "noon tomorrow", None, "2026-11-17 12:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "EOD tomorrow", None, "2026-11-17 17:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "3pm on Friday", None, "2026-11-20 15:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "on Friday at 3pm", None, "2026-11-20 15:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday @ 3pm", None, "2026-11-20 15:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday by noon", None, "2026-11-20 12:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday next week", None, "2026-11-27 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "tonight 9pm", None, "2026-11-16 21:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday, 3pm.", None, "2026-11-20 15:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "(by Friday)", None, "2026-11-20 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday 🎉", None, "2026-11-20 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "“EOD”!", None, "2026-11-16 17:00:00+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday;", None, "2026-11-20 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday)", None, "2026-11-20 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "Friday!", None, "2026-11-20 23:59:59+0100"),
    ("Berlin", "2026-11-16 10:00", "@ 3pm", None, "2026-11-16 15:00:00+0100"),
    (
        "Berlin",
        "2026-11-16 10:00",
        "  BY   THE END OF THE WEEK!  ",
        None,
        "2026-11-20 23:59:59+0100",
    ),
]


@pytest.mark.parametrize(
    ("zone_name", "written", "phrase", "rules", "expected"),
    CURATED,
    ids=[f"{c[0]}-{c[1]}-{c[2].strip()}" for c in CURATED],
)
def test_curated_examples(
    zone_name: str, written: str, phrase: str, rules: WhenRules | None, expected: str
) -> None:
    zone = ZONES[zone_name]
    written_at = datetime.fromisoformat(written).replace(tzinfo=zone)
    result = resolve(phrase, written_at, zone, rules)
    assert result.reason is None
    assert result.due is not None
    assert fmt(result.due, zone) == expected


# (zone, written at, phrase, rules, a piece of the reason)
UNDATED: list[tuple[str, str, str, WhenRules | None, str]] = [
    ("Berlin", "2026-11-16 16:00", "today 3pm", None, "before the time it was written"),
    ("Berlin", "2026-11-02 10:00", "2026-11-01", None, "before the time it was written"),
    ("Berlin", "2026-12-01 10:01", "2026-12-01T09:00Z", None, "before the time it was written"),
    ("Berlin", "2026-12-01 16:00", "2026-12-01 15:00", None, "before the time it was written"),
    ("Berlin", "2026-11-16 10:00", "Dec 1 2025", None, "before the time it was written"),
    ("Berlin", "2026-11-16 10:00", "end of October 2026", None, "before the time it was written"),
    ("Berlin", "2026-11-16 10:00", "Feb 30", None, "not a valid date"),
    ("Berlin", "2026-11-16 10:00", "2026-13-01", None, "not a valid date"),
    ("Berlin", "2026-11-16 10:00", "2026-02-29", None, "not a valid date"),
    ("Berlin", "2026-11-16 10:00", "Feb 29 2027", None, "not a valid date"),
    ("Berlin", "2026-11-16 10:00", "31 April", None, "not a valid date"),
    ("Berlin", "2026-11-16 10:00", "the 32nd", None, "not a valid date"),
    ("Berlin", "2026-11-16 10:00", "13/01", MDY, "not a valid date"),
    (
        "Berlin",
        "2026-11-16 10:00",
        "Thursday Dec 4",
        None,
        "2026-12-04 is a Friday, not a Thursday",
    ),
    ("Berlin", "2026-11-16 10:00", "Mon 2026-12-01", None, "is a Tuesday, not a Monday"),
    ("Berlin", "2026-11-16 10:00", "Friday the 5th", None, "not a Friday"),
    ("Berlin", "2026-11-16 10:00", "13pm", None, "not a valid time"),
    ("Berlin", "2026-11-16 10:00", "Friday 25:00", None, "not a valid time"),
    ("Berlin", "2026-11-16 10:00", "0am", None, "not a valid time"),
    ("Berlin", "2026-11-16 10:00", "in 0 days", None, "more than zero"),
    ("Berlin", "2026-11-16 10:00", "in -3 days", None, "more than zero"),
    ("Berlin", "2026-11-16 10:00", "within 0 hours", None, "more than zero"),
    ("Berlin", "2026-11-16 10:00", "in 1.5 days", None, "whole number of days"),
    ("Berlin", "2026-11-16 10:00", "5pm CET PST", None, "more than one time zone"),
    ("Berlin", "2026-11-16 10:00", "email", None, 'could not read "email" as a date'),
    ("Berlin", "2026-11-16 10:00", "soon", None, 'could not read "soon" as a date'),
    ("Berlin", "2026-11-16 10:00", "Friday 5pm Mars/Olympus", None, "could not read"),
    ("Berlin", "2026-11-16 10:00", "CET", None, 'could not read "CET" as a date'),
    ("Berlin", "2026-11-16 10:00", "at 3", None, "could not read"),
    ("Berlin", "2026-11-16 10:00", "", None, "no date given"),
    ("Berlin", "2026-11-16 10:00", "   ", None, "no date given"),
    ("Berlin", "2026-11-16 10:00", "by", None, "no date given"),
    ("Berlin", "2026-11-16 10:00", "end of week", WhenRules(workdays=frozenset()), "no workdays"),
    (
        "Berlin",
        "2026-11-16 10:00",
        "in 2 business days",
        WhenRules(workdays=frozenset()),
        "workdays",
    ),
    ("Berlin", "2026-11-16 10:00", "12/01", None, "ambiguous date"),
    ("Berlin", "2026-11-16 10:00", "12/01/26", MDY, "two-digit year"),
    ("Berlin", "2026-11-16 10:00", "Dec 1 26", None, "two-digit year"),
]


@pytest.mark.parametrize(
    ("zone_name", "written", "phrase", "rules", "reason"),
    UNDATED,
    ids=[f"{c[2].strip() or 'empty'}-{c[4]}" for c in UNDATED],
)
def test_undated_with_reason(
    zone_name: str, written: str, phrase: str, rules: WhenRules | None, reason: str
) -> None:
    zone = ZONES[zone_name]
    result = resolve(phrase, datetime.fromisoformat(written).replace(tzinfo=zone), zone, rules)
    assert result.due is None
    assert result.reason is not None
    assert reason in result.reason


def test_reason_quotes_the_phrase_and_the_writing_time() -> None:
    written = datetime(2026, 11, 16, 16, 0, tzinfo=BERLIN)
    assert resolve("email", written, BERLIN) == Resolution(None, 'could not read "email" as a date')
    assert resolve("today 3pm", written, BERLIN).reason == (
        '"today 3pm" is before the time it was written (2026-11-16T16:00+01:00)'
    )
    long = resolve("x" * 500, written, BERLIN).reason
    assert long is not None
    assert len(long) < 100


def test_naive_written_at_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        resolve_when("Friday", written_at=datetime(2026, 11, 16, 10), zone=BERLIN)


# ---------------------------------------------------------------------------
# date_order: every numeric form under "", "MDY" and "DMY"

DATE_ORDER_WRITTEN = datetime(2025, 6, 2, 10, 0, tzinfo=BERLIN)  # a Monday
# phrase -> expected day under MDY, under DMY
NUMERIC: list[tuple[str, str, str]] = [
    ("12/01", "2025-12-01", "2026-01-12"),
    ("12-01", "2025-12-01", "2026-01-12"),
    ("12.01.", "2025-12-01", "2026-01-12"),
    ("01.12.", "2026-01-12", "2025-12-01"),
    ("1.12", "2026-01-12", "2025-12-01"),
    ("12/01/2026", "2026-12-01", "2026-01-12"),
    ("12-01-2026", "2026-12-01", "2026-01-12"),
    ("01.12.2026", "2026-01-12", "2026-12-01"),
    ("06/02", "2025-06-02", "2026-02-06"),  # MDY: today, included
    ("02/06", "2026-02-06", "2025-06-02"),  # DMY: today, included
    ("Mon 12/01", "2025-12-01", "2026-01-12"),  # both are Mondays
    ("Fri, 07/11", "2025-07-11", "2025-11-07"),  # both are Fridays
]


@pytest.mark.parametrize(("phrase", "mdy", "dmy"), NUMERIC)
def test_numeric_dates_follow_date_order(phrase: str, mdy: str, dmy: str) -> None:
    unset = resolve(phrase, DATE_ORDER_WRITTEN, BERLIN)
    assert unset.due is None
    assert unset.reason is not None
    assert "ambiguous date" in unset.reason
    assert "date_order" in unset.reason
    for rules, expected in ((MDY, mdy), (DMY, dmy), (WhenRules(date_order="mdy"), mdy)):
        due = resolve(phrase, DATE_ORDER_WRITTEN, BERLIN, rules).due
        assert due is not None
        assert due.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M:%S") == f"{expected} 23:59:59"


def test_numeric_date_with_a_time() -> None:
    due = resolve("12/01 15:00", DATE_ORDER_WRITTEN, BERLIN, MDY).due
    assert due is not None
    assert fmt(due, BERLIN) == "2025-12-01 15:00:00+0100"


@pytest.mark.parametrize("phrase", ["12/01/26", "01.12.26", "12-01-26", "1/2/99"])
@pytest.mark.parametrize("rules", [WhenRules(), MDY, DMY], ids=["unset", "MDY", "DMY"])
def test_two_digit_years_are_refused(phrase: str, rules: WhenRules) -> None:
    result = resolve(phrase, DATE_ORDER_WRITTEN, BERLIN, rules)
    assert result.due is None
    assert result.reason is not None
    assert "two-digit year" in result.reason


@pytest.mark.parametrize("rules", [WhenRules(), MDY, DMY], ids=["unset", "MDY", "DMY"])
@pytest.mark.parametrize("phrase", ["2026-12-01", "2026/12/01", "Dec 1 2026", "1 December 2026"])
def test_iso_and_month_names_ignore_date_order(phrase: str, rules: WhenRules) -> None:
    due = resolve(phrase, DATE_ORDER_WRITTEN, BERLIN, rules).due
    assert due is not None
    assert fmt(due, BERLIN) == "2026-12-01 23:59:59+0100"


def test_numeric_mismatched_weekday_is_undated() -> None:
    result = resolve("Friday 12/01", DATE_ORDER_WRITTEN, BERLIN, MDY)
    assert result.due is None
    assert result.reason is not None
    assert "not a Friday" in result.reason


# ---------------------------------------------------------------------------
# The matrix: every family x every weekday x normal and DST weeks x two zones


def end(w: datetime, day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=w.tzinfo)


def at(w: datetime, day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=w.tzinfo)


def next_weekday(day: date, index: int) -> date:
    return day + timedelta(days=(index - day.weekday()) % 7)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def last_of_month(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def upcoming(w: datetime, day: date, clock: time | None = None) -> datetime:
    """This year's ``day`` (at ``clock`` or its end) if not passed, else next year's."""
    this_year = day.replace(year=w.year)
    if clock is None:
        return end(w, this_year) if this_year >= w.date() else end(w, day.replace(year=w.year + 1))
    moment = datetime.combine(this_year, clock, tzinfo=w.tzinfo)
    return moment if moment > w else moment.replace(year=w.year + 1)


def by_hour(w: datetime, hour: int, minute: int = 0) -> datetime:
    """A bare time of day: today's if still ahead, else tomorrow's."""
    today = at(w, w.date(), hour, minute)
    return today if today > w else at(w, w.date() + timedelta(days=1), hour, minute)


def weekday_at(w: datetime, index: int, hour: int, minute: int = 0) -> datetime:
    moment = at(w, next_weekday(w.date(), index), hour, minute)
    return moment if moment > w else moment + timedelta(days=7)


def eod(w: datetime, end_at: time = time(17)) -> datetime:
    workday_end = datetime.combine(w.date(), end_at, tzinfo=w.tzinfo)
    return workday_end if w <= workday_end else end(w, w.date())


def week_end(w: datetime, last: int) -> datetime:
    day = monday_of(w.date()) + timedelta(days=last)
    return end(w, day) if w.date() <= day else end(w, day + timedelta(days=7))


def elapsed(w: datetime, delta: timedelta) -> datetime:
    return w.astimezone(UTC) + delta


def explicit(moment: datetime, w: datetime) -> datetime | None:
    return moment if moment >= w else None


def in_zone(w: datetime, zone: tzinfo, pick: Callable[[datetime], datetime]) -> datetime:
    return pick(w.astimezone(zone))


Oracle = Callable[[datetime, date], datetime | None]  # (written at, that week's Wednesday)
PhraseOf = Callable[[date], str]  # that week's Wednesday -> the phrase


@dataclass(frozen=True)
class Row:
    phrase: str | PhraseOf
    expect: Oracle
    rules: WhenRules = DEFAULT
    label: str = ""

    def text(self, wednesday: date) -> str:
        return self.phrase if isinstance(self.phrase, str) else self.phrase(wednesday)

    @property
    def id(self) -> str:
        return self.label or (self.phrase if isinstance(self.phrase, str) else "?")


def md(day: date) -> str:
    return f"{MONTH_ABBR[day.month]} {day.day}"


def consistent(moment: datetime | None, weekday: int) -> datetime | None:
    """A date written with a weekday only stands if the weekday matches."""
    return moment if moment is not None and moment.date().weekday() == weekday else None


WEEKDAY_SPELLINGS = [
    (0, ["Monday", "mon", "MON", "this Monday"]),
    (1, ["Tuesday", "tue", "Tues", "tues."]),
    (2, ["Wednesday", "wed", "Wed."]),
    (3, ["Thursday", "thu", "Thur", "Thurs"]),
    (4, ["Friday", "fri", "FRIDAY", "this Friday", "Fri."]),
    (5, ["Saturday", "sat"]),
    (6, ["Sunday", "sun"]),
]


def this_or_next(index: int) -> Oracle:
    return lambda w, _: end(w, next_weekday(w.date(), index))


def following_week(index: int) -> Oracle:
    return lambda w, _: end(w, monday_of(w.date()) + timedelta(days=7 + index))


def weekday_rows() -> list[Row]:
    rows = []
    for index, spellings in WEEKDAY_SPELLINGS:
        rows += [Row(spelling, this_or_next(index)) for spelling in spellings]
        rows.append(Row(f"next {WEEKDAY_FULL[index]}", following_week(index)))
    return rows


ROWS: list[Row] = [
    # 1. absolute dates -> end of that day; without a year the next such day
    Row("2026-12-01", lambda w, _: end(w, date(2026, 12, 1))),
    Row("2026/12/01", lambda w, _: end(w, date(2026, 12, 1))),
    Row("Dec 1", lambda w, _: end(w, date(2026, 12, 1))),
    Row("December 1st", lambda w, _: end(w, date(2026, 12, 1))),
    Row("1 December", lambda w, _: end(w, date(2026, 12, 1))),
    Row("1st of December", lambda w, _: end(w, date(2026, 12, 1))),
    Row("December 1st 2026", lambda w, _: end(w, date(2026, 12, 1))),
    Row("Dec 1, 2026", lambda w, _: end(w, date(2026, 12, 1))),
    Row("1 Dec 2026", lambda w, _: end(w, date(2026, 12, 1))),
    Row("Tuesday Dec 1", lambda w, _: end(w, date(2026, 12, 1))),
    Row("Feb 29", lambda w, _: end(w, date(2028, 2, 29))),
    Row("Feb 30", lambda w, _: None),
    Row("2026-13-01", lambda w, _: None),
    Row(md, lambda w, wed: upcoming(w, wed), label="<Wed as Mon D>"),
    Row(
        lambda wed: f"{MONTH_FULL[wed.month]} {ordinal(wed.day)}",
        lambda w, wed: upcoming(w, wed),
        label="<Wed as Month Dth>",
    ),
    Row(
        lambda wed: f"{wed.day} {MONTH_FULL[wed.month]}",
        lambda w, wed: upcoming(w, wed),
        label="<Wed as D Month>",
    ),
    Row(
        lambda wed: f"{ordinal(wed.day)} of {MONTH_FULL[wed.month]}",
        lambda w, wed: upcoming(w, wed),
        label="<Wed as Dth of Month>",
    ),
    Row(
        lambda wed: f"Wednesday {md(wed)}",
        lambda w, wed: consistent(upcoming(w, wed), 2),
        label="<Wednesday Mon D>",
    ),
    Row(
        lambda wed: f"Wed, {wed.day} {MONTH_ABBR[wed.month]}",
        lambda w, wed: consistent(upcoming(w, wed), 2),
        label="<Wed, D Mon>",
    ),
    Row(
        lambda wed: f"{md(wed)} 15:00",
        lambda w, wed: upcoming(w, wed, time(15)),
        label="<Wed as Mon D 15:00>",
    ),
    Row(
        lambda wed: wed.isoformat(),
        lambda w, wed: explicit(end(w, wed), w),
        label="<Wed ISO>",
    ),
    Row(
        lambda wed: f"{MONTH_FULL[wed.month]} {ordinal(wed.day)} {wed.year}",
        lambda w, wed: explicit(end(w, wed), w),
        label="<Wed as Month Dth YYYY>",
    ),
    Row(
        lambda wed: f"{wed.isoformat()} 15:00",
        lambda w, wed: explicit(at(w, wed, 15), w),
        label="<Wed ISO 15:00>",
    ),
    Row(
        lambda wed: f"{wed.isoformat()}T15:00",
        lambda w, wed: explicit(at(w, wed, 15), w),
        label="<Wed ISO T15:00>",
    ),
    # 2. numeric forms, only with date_order
    Row(
        lambda wed: f"{wed.month:02}/{wed.day:02}",
        lambda w, wed: upcoming(w, wed),
        MDY,
        "<Wed MM/DD MDY>",
    ),
    Row(
        lambda wed: f"{wed.month:02}-{wed.day:02}",
        lambda w, wed: upcoming(w, wed),
        MDY,
        "<Wed MM-DD MDY>",
    ),
    Row(
        lambda wed: f"{wed.day:02}.{wed.month:02}.",
        lambda w, wed: upcoming(w, wed),
        DMY,
        "<Wed DD.MM. DMY>",
    ),
    Row(
        lambda wed: f"{wed.day:02}/{wed.month:02}",
        lambda w, wed: upcoming(w, wed),
        DMY,
        "<Wed DD/MM DMY>",
    ),
    Row(
        lambda wed: f"{wed.month:02}/{wed.day:02}/{wed.year}",
        lambda w, wed: explicit(end(w, wed), w),
        MDY,
        "<Wed MM/DD/YYYY MDY>",
    ),
    Row(
        lambda wed: f"{wed.day:02}.{wed.month:02}.{wed.year}",
        lambda w, wed: explicit(end(w, wed), w),
        DMY,
        "<Wed DD.MM.YYYY DMY>",
    ),
    Row(
        lambda wed: f"{wed.day:02}-{wed.month:02}-{wed.year}",
        lambda w, wed: explicit(end(w, wed), w),
        DMY,
        "<Wed DD-MM-YYYY DMY>",
    ),
    Row(lambda wed: f"{wed.month:02}/{wed.day:02}", lambda w, _: None, label="<MM/DD unset>"),
    Row(lambda wed: f"{wed.day:02}.{wed.month:02}.", lambda w, _: None, label="<DD.MM. unset>"),
    Row("12/01/26", lambda w, _: None, MDY),
    Row("01.12.26", lambda w, _: None, DMY),
    # 3. today, tonight, tomorrow
    Row("today", lambda w, _: end(w, w.date())),
    Row("tonight", lambda w, _: end(w, w.date())),
    Row("tomorrow", lambda w, _: end(w, w.date() + timedelta(days=1))),
    Row("tomorrow 3pm", lambda w, _: at(w, w.date() + timedelta(days=1), 15)),
    Row("tomorrow 15:00", lambda w, _: at(w, w.date() + timedelta(days=1), 15)),
    Row("tomorrow noon", lambda w, _: at(w, w.date() + timedelta(days=1), 12)),
    Row("tomorrow EOD", lambda w, _: at(w, w.date() + timedelta(days=1), 17)),
    Row("today 5pm", lambda w, _: explicit(at(w, w.date(), 17), w)),
    # 4. end of the business day
    *[
        Row(phrase, lambda w, _: eod(w))
        for phrase in (
            "EOD",
            "end of day",
            "end of the day",
            "COB",
            "close of business",
            "EOB",
            "end of business",
            "by EOD",
        )
    ],
    Row("EOD", lambda w, _: eod(w, time(18, 30)), LATE_END, "EOD (workday_end 18:30)"),
    # 5. times of day, alone and with a day
    Row("noon", lambda w, _: by_hour(w, 12)),
    Row("midnight", lambda w, _: end(w, w.date())),
    Row("3pm", lambda w, _: by_hour(w, 15)),
    Row("3 pm", lambda w, _: by_hour(w, 15)),
    Row("3:30pm", lambda w, _: by_hour(w, 15, 30)),
    Row("3:30 p.m.", lambda w, _: by_hour(w, 15, 30)),
    Row("15:00", lambda w, _: by_hour(w, 15)),
    Row("9am", lambda w, _: by_hour(w, 9)),
    Row("at 3pm", lambda w, _: by_hour(w, 15)),
    Row("Friday noon", lambda w, _: weekday_at(w, 4, 12)),
    Row("Friday 3pm", lambda w, _: weekday_at(w, 4, 15)),
    Row("Friday at 3pm", lambda w, _: weekday_at(w, 4, 15)),
    Row("Monday 9am", lambda w, _: weekday_at(w, 0, 9)),
    Row("Sunday 21:00", lambda w, _: weekday_at(w, 6, 21)),
    Row(
        "next Friday 3pm",
        lambda w, _: at(w, monday_of(w.date()) + timedelta(days=11), 15),
    ),
    Row("Friday EOD", lambda w, _: eod(w) if w.weekday() == 4 else weekday_at(w, 4, 17)),
    # 6. and 7. weekdays, this and next
    *weekday_rows(),
    # 8. and 9. weeks
    *[Row(p, lambda w, _: week_end(w, 4)) for p in ("this week", "end of week", "end of the week")],
    Row("EOW", lambda w, _: week_end(w, 4)),
    Row("EOW", lambda w, _: week_end(w, 3), SUN_THU, "EOW (Sun-Thu)"),
    Row("end of week", lambda w, _: week_end(w, 3), MON_THU, "end of week (Mon-Thu)"),
    Row("next week", lambda w, _: end(w, monday_of(w.date()) + timedelta(days=11))),
    Row("end of next week", lambda w, _: end(w, monday_of(w.date()) + timedelta(days=11))),
    Row(
        "next week",
        lambda w, _: end(w, monday_of(w.date()) + timedelta(days=10)),
        SUN_THU,
        "next week (Sun-Thu)",
    ),
    # 10. months
    *[
        Row(p, lambda w, _: end(w, last_of_month(w.year, w.month)))
        for p in ("end of month", "end of the month", "EOM")
    ],
    Row("end of next month", lambda w, _: end(w, last_of_month(w.year, w.month + 1))),
    # 11. durations
    Row("within 48 hours", lambda w, _: elapsed(w, timedelta(hours=48))),
    Row("in 90 minutes", lambda w, _: elapsed(w, timedelta(minutes=90))),
    Row("in 2 hours", lambda w, _: elapsed(w, timedelta(hours=2))),
    Row("in 1 hour", lambda w, _: elapsed(w, timedelta(hours=1))),
    Row("in an hour", lambda w, _: elapsed(w, timedelta(hours=1))),
    Row("in 30 mins", lambda w, _: elapsed(w, timedelta(minutes=30))),
    Row("in 2h", lambda w, _: elapsed(w, timedelta(hours=2))),
    Row("in 90m", lambda w, _: elapsed(w, timedelta(minutes=90))),
    Row("in 3 days", lambda w, _: end(w, w.date() + timedelta(days=3))),
    Row("within 2 weeks", lambda w, _: end(w, w.date() + timedelta(days=14))),
    Row("in a week", lambda w, _: end(w, w.date() + timedelta(days=7))),
    Row("in one day", lambda w, _: end(w, w.date() + timedelta(days=1))),
    Row("in twelve days", lambda w, _: end(w, w.date() + timedelta(days=12))),
    Row("in 0 days", lambda w, _: None),
    Row("in -3 days", lambda w, _: None),
    Row("within 0 hours", lambda w, _: None),
    # 12. explicit zones win for the whole phrase
    Row("Friday 5pm CET", lambda w, _: in_zone(w, CET, lambda c: weekday_at(c, 4, 17))),
    Row("Friday 5pm PST", lambda w, _: in_zone(w, PST, lambda c: weekday_at(c, 4, 17))),
    Row(
        "Friday 5pm Europe/London",
        lambda w, _: in_zone(w, LONDON, lambda c: weekday_at(c, 4, 17)),
    ),
    Row(
        "Friday +05:30",
        lambda w, _: in_zone(w, IST_OFFSET, lambda c: end(c, next_weekday(c.date(), 4))),
    ),
    Row(
        "tomorrow IST",
        lambda w, _: in_zone(w, IST_OFFSET, lambda c: end(c, c.date() + timedelta(1))),
    ),
    Row(
        lambda wed: f"{md(wed)} PST",
        lambda w, wed: in_zone(w, PST, lambda c: upcoming(c, wed)),
        label="<Wed as Mon D PST>",
    ),
    Row(
        lambda wed: f"{wed.isoformat()}T17:00Z",
        lambda w, wed: explicit(datetime.combine(wed, time(17), tzinfo=UTC), w),
        label="<Wed ISO T17:00Z>",
    ),
    Row(
        lambda wed: f"{wed.isoformat()}T17:00:00+05:30",
        lambda w, wed: explicit(datetime.combine(wed, time(17), tzinfo=IST_OFFSET), w),
        label="<Wed ISO T17:00:00+05:30>",
    ),
    Row(
        lambda wed: f"{wed.isoformat()}T17:00:00.000Z",
        lambda w, wed: explicit(datetime.combine(wed, time(17), tzinfo=UTC), w),
        label="<Wed ISO T17:00:00.000Z>",
    ),
    # tolerated wrapping
    Row("by Friday", lambda w, _: end(w, next_weekday(w.date(), 4))),
    Row("Friday.", lambda w, _: end(w, next_weekday(w.date(), 4))),
    Row("(by tomorrow)", lambda w, _: end(w, w.date() + timedelta(days=1))),
    Row("the end of the month!", lambda w, _: end(w, last_of_month(w.year, w.month))),
    # 14. anything else
    Row("email", lambda w, _: None),
    Row("", lambda w, _: None),
]

# Mondays of a normal week and of each week holding a DST change (on its Sunday).
WEEKS: dict[str, tuple[ZoneInfo, list[date]]] = {
    "Berlin": (BERLIN, [date(2026, 11, 16), date(2026, 3, 23), date(2026, 10, 19)]),
    "NY": (NEW_YORK, [date(2026, 11, 16), date(2026, 3, 2), date(2026, 10, 26)]),
}
HOURS = (10, 20)  # before and after noon, 3pm and workday_end


def writing_moments() -> list[tuple[ZoneInfo, datetime]]:
    moments = []
    for zone, mondays in WEEKS.values():
        for monday in mondays:
            for offset in range(7):
                for hour in HOURS:
                    day = monday + timedelta(days=offset)
                    moments.append((zone, datetime.combine(day, time(hour), tzinfo=zone)))
    return moments


def test_the_matrix_weeks_hold_dst_changes() -> None:
    for zone, mondays in WEEKS.values():
        offsets = [
            {
                datetime.combine(monday + timedelta(days=n), time(12), tzinfo=zone).utcoffset()
                for n in range(7)
            }
            for monday in mondays
        ]
        assert [len(seen) for seen in offsets] == [1, 2, 2]


@pytest.mark.parametrize("row", ROWS, ids=[f"{i:03}-{row.id}" for i, row in enumerate(ROWS)])
def test_matrix(row: Row) -> None:
    failures = []
    for zone, written in writing_moments():
        wednesday = monday_of(written.date()) + timedelta(days=2)
        phrase = row.text(wednesday)
        expected = row.expect(written, wednesday)
        result = resolve(phrase, written, zone, row.rules)
        got = None if result.due is None else fmt(result.due, zone)
        want = None if expected is None else fmt(expected, zone)
        where = f"{zone.key} {written:%a %Y-%m-%d %H:%M} {phrase!r}"
        if got != want:
            failures.append(f"{where}: got {got} ({result.reason}), want {want}")
        elif result.due is None and not result.reason:
            failures.append(f"{where}: undated without a reason")
        elif result.due is not None:
            if result.due.utcoffset() is None or result.due.astimezone(UTC) < written:
                failures.append(f"{where}: {got} is naive or before the writing time")
            if result.reason is not None:
                failures.append(f"{where}: dated with a reason {result.reason!r}")
    assert not failures, "\n".join(failures[:20])


# ---------------------------------------------------------------------------
# split_leading_when

SPLIT_WRITTEN = datetime(2026, 11, 16, 10, 0, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("text", "when", "rest", "due"),
    [
        ("Friday the vendor is late", "Friday", "the vendor is late", "2026-11-20 23:59:59+0100"),
        (
            "next Friday 3pm waiting on legal",
            "next Friday 3pm",
            "waiting on legal",
            "2026-11-27 15:00:00+0100",
        ),
        ("in 3 days blocked", "in 3 days", "blocked", "2026-11-19 23:59:59+0100"),
        ("  Dec 1   2026 vendor late ", "Dec 1   2026", "vendor late", "2026-12-01 23:59:59+0100"),
        ("tomorrow at noon: legal", "tomorrow at noon", "legal", "2026-11-17 12:00:00+0100"),
        ("Friday, the vendor", "Friday", "the vendor", "2026-11-20 23:59:59+0100"),
        ("EOW", "EOW", "", "2026-11-20 23:59:59+0100"),
        ("Friday 5pm CET legal", "Friday 5pm CET", "legal", "2026-11-20 17:00:00+0100"),
        (
            "end of the week 3 people out",
            "end of the week",
            "3 people out",
            "2026-11-20 23:59:59+0100",
        ),
    ],
)
def test_split_leading_when(text: str, when: str, rest: str, due: str) -> None:
    split = split_leading_when(text, written_at=SPLIT_WRITTEN, zone=BERLIN)
    assert split is not None
    got_when, got_rest, resolution = split
    assert (got_when, got_rest) == (when, rest)
    assert resolution.due is not None
    assert fmt(resolution.due, BERLIN) == due


@pytest.mark.parametrize(
    "text", ["", "   ", "the vendor is late", "email me", "12/01 vendor", "2026-11-01 too late"]
)
def test_split_leading_when_without_a_date(text: str) -> None:
    assert split_leading_when(text, written_at=SPLIT_WRITTEN, zone=BERLIN) is None


def test_split_leading_when_uses_the_rules() -> None:
    split = split_leading_when("12/01 vendor", written_at=SPLIT_WRITTEN, zone=BERLIN, rules=MDY)
    assert split is not None
    assert split[:2] == ("12/01", "vendor")


# ---------------------------------------------------------------------------
# parse_zone

ABBREVIATIONS = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "BST": 60,
    "IST": 330,
    "JST": 540,
    "AEST": 600,
    "AEDT": 660,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
}


@pytest.mark.parametrize(("name", "minutes"), ABBREVIATIONS.items())
def test_abbreviations_are_fixed_offsets(name: str, minutes: int) -> None:
    for spelling in (name, name.lower()):
        zone = parse_zone(spelling)
        assert zone is not None
        for moment in (datetime(2026, 1, 15), datetime(2026, 7, 15)):
            assert zone.utcoffset(moment) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("name", "minutes"),
    [
        ("+05:30", 330),
        ("+0530", 330),
        ("-0800", -480),
        ("-08:00", -480),
        ("+01", 60),
        ("UTC+5", 300),
        ("GMT-8", -480),
        ("utc+05:45", 345),
        ("\u221205:00", -300),
        ("+14:00", 840),
    ],
)
def test_numeric_offsets(name: str, minutes: int) -> None:
    zone = parse_zone(name)
    assert zone is not None
    assert zone.utcoffset(None) == timedelta(minutes=minutes)


def test_iana_names() -> None:
    assert parse_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert parse_zone(" America/New_York ") == ZoneInfo("America/New_York")
    assert parse_zone("Etc/GMT+5") == ZoneInfo("Etc/GMT+5")


@pytest.mark.parametrize(
    "name",
    [
        "",
        "Mars/Olympus",
        "Europe",
        "localtime",
        "posixrules",
        "../etc/passwd",
        "+25:00",
        "+05:75",
        "x",
    ],
)
def test_unknown_zones(name: str) -> None:
    assert parse_zone(name) is None
