"""Judging promises: outcomes as of a moment, periods, rates and the trend (SPEC §3).

Pure: promises and times in, outcomes out. No clock is read here; callers pass
``now``. Every rule of SPEC §3 lives in :func:`evaluate_promise` (one promise,
one moment) and :func:`evaluate_period` (which promises a period lists and
scores).
"""

from __future__ import annotations

import bisect
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from followthrough.model import Promise

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
    # The bounds in UTC and as timestamps, for exact and fast comparisons.
    start_utc: datetime = field(init=False, repr=False, compare=False)
    end_utc: datetime = field(init=False, repr=False, compare=False)
    start_ts: float = field(init=False, repr=False, compare=False)
    end_ts: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start_utc", self.start.astimezone(UTC))
        object.__setattr__(self, "end_utc", self.end.astimezone(UTC))
        object.__setattr__(self, "start_ts", self.start.timestamp())
        object.__setattr__(self, "end_ts", self.end.timestamp())

    def holds(self, moment: float | None) -> bool:
        return moment is not None and self.start_ts <= moment < self.end_ts

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start_utc <= moment < self.end_utc


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
# The rules live once, in `judge`, on plain numbers: a report may judge
# 100k promises in 13 periods, and datetimes are slow to compare. Everything
# else (Outcome, listing, scoring, the trend) is built on its Verdict.

OPEN, DONE, RELEASED = "open", "done", "released"
_NEVER = float("inf")


# Facts and Verdicts are made by the hundred thousand; a frozen dataclass costs
# four times as much to build, so these two are plain slotted ones, never mutated.
@dataclass(slots=True)
class Facts:
    """The timed facts of one promise as POSIX timestamps, in time order.

    ``key`` identifies the promise to whoever made the Facts: the Promise
    itself (see :func:`facts_of`) or a cache row id.
    """

    key: object
    owner: str
    made: float
    due0: float | None
    changes: tuple[tuple[float, float], ...]  # (at, new due)
    states: tuple[tuple[float, str], ...]  # (at, "open" | "done" | "released")


def facts_of(promise: Promise) -> Facts:
    return Facts(
        key=promise,
        owner=promise.owner,
        made=promise.made_at.timestamp(),
        due0=promise.original_due.timestamp() if promise.original_due else None,
        changes=tuple((c.at.timestamp(), c.due.timestamp()) for c in promise.changes),
        states=tuple((s.at.timestamp(), s.state) for s in promise.states),
    )


@dataclass(slots=True)
class Verdict:
    """What `judge` found. Due positions: -1 = the original due, i = changes[i]."""

    status: str
    due: float | None
    due_pos: int | None
    original_pos: int | None
    done: float | None
    state_pos: int  # index of the last state change that applied, -1 if none
    applied: tuple[tuple[int, int, bool], ...]  # (change index, index of the due it moved, on time)
    late_from: tuple[float, ...]  # dues that had passed when a late revision moved them


def judge(facts: Facts, *, cutoff: float, grace: float) -> Verdict | None:
    """Judge one promise on what happened strictly before ``cutoff`` (SPEC §3).

    None when it had not been made yet. At one instant a due change comes
    before a state change: "/revise" then "/done" in one comment means the
    revised due is the one judged.
    """
    if facts.made >= cutoff:
        return None
    if not facts.changes:
        return _judge_states_only(facts.due0, facts.states, cutoff, grace)
    return _replay(facts, cutoff, grace)


def _replay(facts: Facts, cutoff: float, grace: float) -> Verdict:
    """The general case: due changes and state changes replayed in time order."""
    changes, states = facts.changes, facts.states
    due, due_pos = facts.due0, (-1 if facts.due0 is not None else None)
    original_pos = due_pos
    state, done, state_pos = OPEN, None, -1
    applied: list[tuple[int, int, bool]] = []
    late_from: list[float] = []
    ci = si = 0
    while True:
        change_at = changes[ci][0] if ci < len(changes) else _NEVER
        state_at = states[si][0] if si < len(states) else _NEVER
        if change_at <= state_at:
            if change_at >= cutoff:
                break
            if state == OPEN:  # a done or released promise has no due to move
                new_due = changes[ci][1]
                if due is None or due_pos is None:
                    original_pos = ci  # dating an undated promise is not a revision
                else:
                    on_time = change_at < due
                    applied.append((ci, due_pos, on_time))
                    if not on_time:
                        late_from.append(due)
                due, due_pos = new_due, ci
            ci += 1
        else:
            if state_at >= cutoff:
                break
            state, state_pos = states[si][1], si
            done = state_at if state == DONE else None
            si += 1
    return Verdict(
        status=_status(state, due, done, bool(late_from), cutoff, grace),
        due=due,
        due_pos=due_pos,
        original_pos=original_pos,
        done=done,
        state_pos=state_pos,
        applied=tuple(applied),
        late_from=tuple(late_from),
    )


def _judge_states_only(
    due: float | None, states: tuple[tuple[float, str], ...], cutoff: float, grace: float
) -> Verdict:
    """`judge` for the common case of a due that never moved: no revisions to replay."""
    state, state_pos = OPEN, -1
    for i, (at, value) in enumerate(states):
        if at >= cutoff:
            break
        state, state_pos = value, i
    done = states[state_pos][0] if state == DONE else None
    pos = -1 if due is not None else None
    return Verdict(
        _status(state, due, done, False, cutoff, grace), due, pos, pos, done, state_pos, (), ()
    )


def _status(
    state: str,
    due: float | None,
    done: float | None,
    late_revised: bool,
    cutoff: float,
    grace: float,
) -> str:
    if state == RELEASED:
        return "released"
    if due is None:
        return "undated"
    if state == DONE:
        assert done is not None
        return "late" if late_revised or done > due + grace else "kept"
    return "overdue" if late_revised or due < cutoff else "open"


RULES = {
    "released": "released openly (dropped, closed as not planned / won't do, or label removed)",
    "undated": "no readable due time, so it is never scored",
    "kept": "done at or before the due time plus grace",
    "late": "done after the due time plus grace, or after a revision made once it was due",
    "overdue": "not done and the due time has passed (or it was revised only after)",
    "open": "not done, not yet due",
}


def evaluate_promise(promise: Promise, *, cutoff: datetime, grace: timedelta) -> Outcome | None:
    """Judge ``promise`` using only what happened strictly before ``cutoff``."""
    verdict = judge(facts_of(promise), cutoff=cutoff.timestamp(), grace=grace.total_seconds())
    return None if verdict is None else outcome_of(promise, verdict)


def outcome_of(promise: Promise, verdict: Verdict) -> Outcome:
    """The full Outcome of a Verdict, in the promise's own datetimes."""

    def due_at(pos: int | None) -> datetime | None:
        if pos is None:
            return None
        return promise.original_due if pos < 0 else promise.changes[pos].due

    revisions = []
    for index, moved, on_time in verdict.applied:
        change = promise.changes[index]
        from_due = due_at(moved)
        assert from_due is not None
        revisions.append(
            Revision(change.at, from_due, change.due, change.reason, on_time, change.via)
        )
    last = promise.states[verdict.state_pos] if verdict.state_pos >= 0 else None
    released = last if last is not None and verdict.status == "released" else None
    done = last.at if last is not None and verdict.done is not None else None
    return Outcome(
        promise=promise,
        status=verdict.status,
        due_at=due_at(verdict.due_pos),
        original_due_at=due_at(verdict.original_pos),
        done_at=done,
        released_at=released.at if released else None,
        released_reason=released.reason if released else None,
        revisions=tuple(revisions),
        late_from=tuple(datetime.fromtimestamp(d, UTC) for d in verdict.late_from),
        rule=_rule(verdict),
    )


def _rule(verdict: Verdict) -> str:
    if verdict.status == "late" and verdict.late_from:
        return "done, but its due was revised after it had passed: at best late"
    if verdict.status == "overdue" and verdict.late_from:
        return "revised after its due had passed and not done yet"
    return RULES[verdict.status]


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
    """A past period is judged as of its end; a running one as of now (in UTC)."""
    if period.end_utc <= now:
        return period.end_utc
    return now.astimezone(UTC) + timedelta(microseconds=1)


def is_listed(facts: Facts, verdict: Verdict, period: Period) -> bool:
    """Made, due (as judged) or done in the period, or still overdue at its end."""
    return (
        period.holds(facts.made)
        or period.holds(verdict.due)
        or period.holds(verdict.done)
        or verdict.status == "overdue"
    )


def is_scored(verdict: Verdict, period: Period) -> bool:
    """Kept, late or overdue with a due in the period (or one passed before a late move)."""
    if verdict.status not in SCORED_STATUSES:
        return False
    return period.holds(verdict.due) or any(period.holds(d) for d in verdict.late_from)


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
    items: Iterable[Promise | Facts],
    *,
    period: Period,
    now: datetime,
    grace: timedelta,
    next_period: Period | None = None,
    materialize: Callable[[Sequence[Facts]], Sequence[Promise]] | None = None,
) -> PeriodResult:
    """Which promises the period lists and scores, with stats and honesty signals.

    ``items`` are Promises, or Facts whose full Promises ``materialize`` loads
    (only for the listed ones: a cache need not decode what is not shown).
    """
    cutoff = cutoff_for(period, now)
    at, tolerance = cutoff.timestamp(), grace.total_seconds()
    listed: list[tuple[Facts, Verdict, bool]] = []
    upcoming: list[tuple[Facts, Verdict]] = []
    for item in items:
        facts = item if isinstance(item, Facts) else facts_of(item)
        verdict = judge(facts, cutoff=at, grace=tolerance)
        if verdict is None:
            continue
        if is_listed(facts, verdict, period):
            listed.append((facts, verdict, is_scored(verdict, period)))
        elif next_period and verdict.status == "open" and next_period.holds(verdict.due):
            upcoming.append((facts, verdict))
    load = materialize or _keys
    full = load([f for f, _, _ in listed] + [f for f, _ in upcoming])
    judged = [
        Judged(outcome_of(promise, verdict), scored)
        for promise, (_, verdict, scored) in zip(full, listed, strict=False)
    ]
    due_next = [
        outcome_of(promise, verdict)
        for promise, (_, verdict) in zip(full[len(listed) :], upcoming, strict=True)
    ]
    judged.sort(key=_listing_order)
    due_next.sort(key=lambda o: (o.due_at or period.end, o.promise.id))
    by_owner_items: dict[str, list[Judged]] = {}
    for entry in judged:
        by_owner_items.setdefault(entry.outcome.promise.owner, []).append(entry)
    return PeriodResult(
        period=period,
        cutoff=cutoff,
        judged=judged,
        team=count_stats(judged),
        by_owner={o: count_stats(items) for o, items in sorted(by_owner_items.items())},
        open_revisions=sum(
            1
            for entry in judged
            for r in entry.outcome.revisions
            if r.on_time and period.contains(r.at)
        ),
        median_horizon=_median_horizon(judged),
        due_next=due_next,
    )


def _keys(facts: Sequence[Facts]) -> list[Promise]:
    promises = [f.key for f in facts]
    assert all(isinstance(p, Promise) for p in promises), "pass materialize= for cache rows"
    return promises  # type: ignore[return-value]


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
    items: Iterable[Promise | Facts],
    *,
    periods: Sequence[Period],
    now: datetime,
    grace: timedelta,
) -> list[TrendPoint]:
    """Kept and scored per period, each judged as of its own end.

    A promise can be scored only in a period holding one of its due times, so
    each promise is filed under those periods first and judged only there
    (this keeps 100k promises fast).
    """
    facts = [item if isinstance(item, Facts) else facts_of(item) for item in items]
    tolerance = grace.total_seconds()
    points = []
    for period, bucket in zip(periods, _by_due_period(facts, periods), strict=True):
        at = cutoff_for(period, now).timestamp()
        kept = scored = 0
        for item in bucket:
            verdict = judge(item, cutoff=at, grace=tolerance)
            if verdict is None or not is_scored(verdict, period):
                continue
            scored += 1
            kept += verdict.status == "kept"
        points.append(TrendPoint(period, kept, scored))
    return points


def _by_due_period(facts: Sequence[Facts], periods: Sequence[Period]) -> list[list[Facts]]:
    starts = [p.start_ts for p in periods]
    ends = [p.end_ts for p in periods]
    buckets: list[list[Facts]] = [[] for _ in periods]
    for item in facts:
        filed: set[int] = set()
        for due in (item.due0, *(c[1] for c in item.changes)):
            if due is None:
                continue
            # Periods are sorted and never overlap (a custom last range starts at or
            # after the end of the week before it).
            i = bisect.bisect_right(starts, due) - 1
            if i >= 0 and due < ends[i] and i not in filed:
                filed.add(i)
                buckets[i].append(item)
    return buckets
