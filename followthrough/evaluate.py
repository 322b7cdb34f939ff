"""Judging promises: outcomes as of a moment, periods, rates and the trend (SPEC §3).

Pure: promises and times in, outcomes out. No clock is read here; callers pass
``now``. Every rule of SPEC §3 lives in :func:`evaluate_promise` (one promise,
one moment) and :func:`evaluate_period` (which promises a period lists and
scores).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from followthrough.model import DueChange, Promise, StateChange

STATUSES = ("kept", "late", "overdue", "open", "released", "undated")
SCORED_STATUSES = frozenset({"kept", "late", "overdue"})
TREND_PERIODS = 12


@dataclass(frozen=True, slots=True)
class Revision:
    at: datetime
    from_due: datetime
    to_due: datetime
    reason: str | None
    on_time: bool
    via: str


@dataclass(frozen=True, slots=True)
class Outcome:
    promise: Promise
    status: str
    due_at: datetime | None
    original_due_at: datetime | None
    done_at: datetime | None
    released_at: datetime | None
    released_reason: str | None
    revisions: tuple[Revision, ...]
    late_from: tuple[datetime, ...]  # dues that had passed when a late revision moved them
    rule: str  # the sentence that explains the status, for `why`


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    start: datetime
    end: datetime

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end


def period_for(moment: datetime, zone: tzinfo) -> Period:
    """The ISO week containing ``moment``, in ``zone``."""
    local = moment.astimezone(zone).date()
    monday = local - timedelta(days=local.weekday())
    return _week(monday, zone)


def parse_period(label: str, zone: tzinfo) -> Period | None:
    """``"2026-W47"`` -> that ISO week in ``zone``; None if not a valid label."""
    try:
        year_text, week_text = label.strip().upper().split("-W")
        monday = date.fromisocalendar(int(year_text), int(week_text), 1)
    except ValueError:
        return None
    return _week(monday, zone)


def _week(monday: date, zone: tzinfo) -> Period:
    start = _local_midnight(monday, zone)
    end = _local_midnight(monday + timedelta(days=7), zone)
    year, week, _ = monday.isocalendar()
    return Period(f"{year}-W{week:02d}", start, end)


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    # Round-trip through UTC so a midnight that does not exist (DST) normalises.
    wall = datetime.combine(day, time(0), tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone)


def custom_period(start: datetime, end: datetime, zone: tzinfo) -> Period:
    s, e = start.astimezone(zone), end.astimezone(zone)
    last = (e - timedelta(microseconds=1)).date()  # the label names the last day included
    return Period(f"{s.date().isoformat()}..{last.isoformat()}", s, e)


def previous_periods(period: Period, zone: tzinfo, count: int) -> list[Period]:
    """``count`` consecutive ISO weeks ending with ``period``, oldest first."""
    monday = period.start.astimezone(zone).date()
    weeks = [_week(monday - timedelta(weeks=i), zone) for i in range(count - 1, 0, -1)]
    return [*weeks, period]


# --- one promise, one moment --------------------------------------------------


def evaluate_promise(promise: Promise, *, cutoff: datetime, grace: timedelta) -> Outcome | None:
    """Judge ``promise`` using only what happened strictly before ``cutoff``.

    Returns None when the promise had not been made yet.
    """
    if promise.made_at >= cutoff:
        return None
    due = promise.original_due
    original = promise.original_due
    revisions: list[Revision] = []
    late_from: list[datetime] = []
    state, done_at, released_at, released_reason = "open", None, None, None
    for event in _timeline(promise.changes, promise.states):
        if event.at >= cutoff:
            break
        if isinstance(event, StateChange):
            state = event.state
            done_at = event.at if state == "done" else None
            released_at, released_reason = (
                (event.at, event.reason) if state == "released" else (None, None)
            )
            continue
        if state != "open":
            continue  # a done or released promise has no due to move
        if due is None:
            due = original = event.due  # dating an undated promise is not a revision
            continue
        on_time = event.at < due
        revisions.append(Revision(event.at, due, event.due, event.reason, on_time, event.via))
        if not on_time:
            late_from.append(due)
        due = event.due
    status, rule = _status(
        state=state,
        due=due,
        done_at=done_at,
        late_revised=bool(late_from),
        cutoff=cutoff,
        grace=grace,
    )
    return Outcome(
        promise=promise,
        status=status,
        due_at=due,
        original_due_at=original,
        done_at=done_at,
        released_at=released_at,
        released_reason=released_reason,
        revisions=tuple(revisions),
        late_from=tuple(late_from),
        rule=rule,
    )


def _timeline(
    changes: Sequence[DueChange], states: Sequence[StateChange]
) -> list[DueChange | StateChange]:
    # At the same instant a due change comes first: "/revise" then "/done" in
    # one comment means the revised due is the one judged.
    tagged: list[tuple[datetime, int, DueChange | StateChange]] = [(c.at, 0, c) for c in changes]
    tagged += [(s.at, 1, s) for s in states]
    tagged.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in tagged]


def _status(
    *,
    state: str,
    due: datetime | None,
    done_at: datetime | None,
    late_revised: bool,
    cutoff: datetime,
    grace: timedelta,
) -> tuple[str, str]:
    if state == "released":
        return (
            "released",
            "released openly (dropped, closed as not planned / won't do, or label removed)",
        )
    if due is None:
        return "undated", "no readable due time, so it is never scored"
    if state == "done":
        assert done_at is not None
        if late_revised:
            return "late", "done, but its due was revised after it had passed: at best late"
        if done_at <= due + grace:
            return "kept", "done at or before the due time plus grace"
        return "late", "done after the due time plus grace"
    if late_revised:
        return "overdue", "revised after its due had passed and not done yet"
    if due < cutoff:
        return "overdue", "not done and the due time has passed"
    return "open", "not done, not yet due"


# --- periods -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stats:
    """Listed promises counted by status; the rate is over the scored ones."""

    kept: int = 0
    late: int = 0
    overdue: int = 0
    released: int = 0
    open: int = 0
    undated: int = 0
    scored: int = 0
    kept_scored: int = 0  # a promise done early is listed as kept but scored later

    @property
    def rate(self) -> float | None:
        return self.kept_scored / self.scored if self.scored else None

    def as_dict(self) -> dict[str, int | float | None]:
        return {
            "kept": self.kept,
            "late": self.late,
            "overdue": self.overdue,
            "released": self.released,
            "open": self.open,
            "undated": self.undated,
            "scored": self.scored,
            "rate": self.rate,
        }


@dataclass(frozen=True, slots=True)
class Judged:
    outcome: Outcome
    scored: bool


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    cutoff: datetime
    judged: list[Judged]
    team: Stats
    by_owner: dict[str, Stats]
    open_revisions: int
    median_horizon: timedelta | None
    due_next: list[Outcome] = field(default_factory=list)

    @property
    def outcomes(self) -> list[Outcome]:
        return [j.outcome for j in self.judged]


def cutoff_for(period: Period, now: datetime) -> datetime:
    """A past period is judged as of its end; a running one as of now."""
    return period.end if period.end <= now else now + timedelta(microseconds=1)


def is_listed(outcome: Outcome, period: Period) -> bool:
    return (
        period.contains(outcome.promise.made_at)
        or period.contains(outcome.due_at)
        or period.contains(outcome.done_at)
        or outcome.status == "overdue"
    )


def is_scored(outcome: Outcome, period: Period) -> bool:
    if outcome.status not in SCORED_STATUSES:
        return False
    return period.contains(outcome.due_at) or any(period.contains(d) for d in outcome.late_from)


def count_stats(judged: Iterable[Judged]) -> Stats:
    counts = dict.fromkeys(STATUSES, 0)
    scored = kept_scored = 0
    for item in judged:
        counts[item.outcome.status] += 1
        if item.scored:
            scored += 1
            kept_scored += item.outcome.status == "kept"
    return Stats(scored=scored, kept_scored=kept_scored, **counts)


def evaluate_period(
    promises: Iterable[Promise],
    *,
    period: Period,
    now: datetime,
    grace: timedelta,
    next_period: Period | None = None,
) -> PeriodResult:
    """Which promises the period lists and scores, with stats and honesty signals."""
    cutoff = cutoff_for(period, now)
    judged: list[Judged] = []
    due_next: list[Outcome] = []
    for promise in promises:
        outcome = evaluate_promise(promise, cutoff=cutoff, grace=grace)
        if outcome is None:
            continue
        if is_listed(outcome, period):
            judged.append(Judged(outcome, is_scored(outcome, period)))
        elif (
            next_period is not None
            and outcome.status == "open"
            and next_period.contains(outcome.due_at)
        ):
            due_next.append(outcome)
    judged.sort(key=_listing_order)
    due_next.sort(key=lambda o: (o.due_at or period.end, o.promise.id))
    by_owner_items: dict[str, list[Judged]] = {}
    for item in judged:
        by_owner_items.setdefault(item.outcome.promise.owner, []).append(item)
    return PeriodResult(
        period=period,
        cutoff=cutoff,
        judged=judged,
        team=count_stats(judged),
        by_owner={o: count_stats(items) for o, items in sorted(by_owner_items.items())},
        open_revisions=sum(
            1
            for item in judged
            for r in item.outcome.revisions
            if r.on_time and period.contains(r.at)
        ),
        median_horizon=_median_horizon(judged),
        due_next=due_next,
    )


def _listing_order(item: Judged) -> tuple[int, datetime, str]:
    outcome = item.outcome
    rank = STATUSES.index(outcome.status)
    moment = outcome.due_at or outcome.promise.made_at
    return rank, moment, outcome.promise.id


def _median_horizon(judged: Sequence[Judged]) -> timedelta | None:
    """How far ahead the scored promises were made: median of original due - made."""
    spans = [
        (_utc(j.outcome.original_due_at) - _utc(j.outcome.promise.made_at)).total_seconds()
        for j in judged
        if j.scored and j.outcome.original_due_at is not None
    ]
    return timedelta(seconds=statistics.median(spans)) if spans else None


def _utc(moment: datetime) -> datetime:
    # Subtracting two times of the same ZoneInfo ignores DST; UTC never lies.
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    period: Period
    kept: int
    scored: int

    @property
    def rate(self) -> float | None:
        return self.kept / self.scored if self.scored else None


def evaluate_trend(
    promises: Sequence[Promise],
    *,
    periods: Sequence[Period],
    now: datetime,
    grace: timedelta,
) -> list[TrendPoint]:
    """Kept and scored per period, each judged as of its own end.

    Only promises with some due time inside a period can be scored there, so
    each period looks only at those (this keeps 100k promises fast).
    """
    points = []
    for period in periods:
        cutoff = cutoff_for(period, now)
        kept = scored = 0
        for promise in _candidates(promises, period):
            outcome = evaluate_promise(promise, cutoff=cutoff, grace=grace)
            if outcome is None or not is_scored(outcome, period):
                continue
            scored += 1
            kept += outcome.status == "kept"
        points.append(TrendPoint(period, kept, scored))
    return points


def _candidates(promises: Sequence[Promise], period: Period) -> Iterable[Promise]:
    for promise in promises:
        if promise.made_at >= period.end:
            continue
        dues = [promise.original_due, *(c.due for c in promise.changes)]
        if any(period.contains(d) for d in dues):
            yield promise
