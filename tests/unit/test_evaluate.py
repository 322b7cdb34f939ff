"""SPEC §3: outcomes, revisions, listing, scoring, rates and the trend."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from followthrough.evaluate import (
    Period,
    cutoff_for,
    evaluate_period,
    evaluate_promise,
    evaluate_trend,
    parse_period,
    period_for,
    previous_periods,
)
from followthrough.model import DueChange, Promise, StateChange

BERLIN = ZoneInfo("Europe/Berlin")
W47 = parse_period("2026-W47", BERLIN)
W48 = parse_period("2026-W48", BERLIN)
W49 = parse_period("2026-W49", BERLIN)
assert W47 and W48 and W49
LATER = datetime(2027, 1, 1, tzinfo=BERLIN)


def at(day: int, hour: int = 12, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


def promise(
    *,
    made: datetime = at(16, 9),
    due: datetime | None = at(20, 23, 59),
    changes: tuple[DueChange, ...] = (),
    states: tuple[StateChange, ...] = (),
    owner: str = "alice",
    pid: str = "github:acme/api#1:body:1",
) -> Promise:
    return Promise(
        id=pid,
        source="github",
        kind="inline",
        url="https://github.com/acme/api/issues/1",
        thread_id="github:acme/api#1",
        repo="acme/api",
        owner=owner,
        owner_name=None,
        co_owners=(),
        text="send the retro notes",
        made_at=made,
        original_due=due,
        undated_reason=None if due else "no date given",
        changes=changes,
        states=states,
    )


def done(moment: datetime) -> StateChange:
    return StateChange(moment, "done")


def judge(p: Promise, cutoff: datetime = LATER, grace: timedelta = timedelta(0)) -> str:
    outcome = evaluate_promise(p, cutoff=cutoff, grace=grace)
    assert outcome is not None
    return outcome.status


# --- statuses -------------------------------------------------------------------------


def test_done_before_due_is_kept() -> None:
    assert judge(promise(states=(done(at(19)),))) == "kept"


def test_done_exactly_at_due_is_kept() -> None:
    assert judge(promise(states=(done(at(20, 23, 59)),))) == "kept"


def test_done_after_due_is_late() -> None:
    assert judge(promise(states=(done(at(21, 9)),))) == "late"


def test_grace_turns_a_slightly_late_done_into_kept() -> None:
    p = promise(states=(done(at(21, 1)),))
    assert judge(p, grace=timedelta(hours=2)) == "kept"
    assert judge(p, grace=timedelta(minutes=30)) == "late"


def test_not_done_and_due_passed_is_overdue() -> None:
    assert judge(promise()) == "overdue"


def test_not_done_not_due_is_open() -> None:
    assert judge(promise(), cutoff=at(18)) == "open"


def test_released_keeps_its_due() -> None:
    outcome = evaluate_promise(
        promise(states=(StateChange(at(18), "released", "priorities changed"),)),
        cutoff=LATER,
        grace=timedelta(0),
    )
    assert outcome is not None
    assert outcome.status == "released"
    assert outcome.released_reason == "priorities changed"
    assert outcome.due_at == at(20, 23, 59)


def test_no_due_is_undated_even_when_done() -> None:
    assert judge(promise(due=None)) == "undated"
    assert judge(promise(due=None, states=(done(at(18)),))) == "undated"


def test_reopen_undoes_done_and_the_last_close_counts() -> None:
    states = (done(at(19)), StateChange(at(19, 15), "open"), done(at(22)))
    assert judge(promise(states=states)) == "late"
    # As of a moment between the reopen and the second close: not done, due passed.
    assert judge(promise(states=states), cutoff=at(21)) == "overdue"
    assert judge(promise(states=states), cutoff=at(19, 14)) == "kept"


def test_promise_not_made_yet_is_not_judged() -> None:
    assert evaluate_promise(promise(), cutoff=at(16, 8), grace=timedelta(0)) is None


# --- revisions ---------------------------------------------------------------------------


def test_open_revision_moves_the_due_and_can_still_be_kept() -> None:
    p = promise(
        changes=(DueChange(at(19), at(27, 23, 59), "command", "vendor is late"),),
        states=(done(at(26)),),
    )
    outcome = evaluate_promise(p, cutoff=LATER, grace=timedelta(0))
    assert outcome is not None
    assert outcome.status == "kept"
    assert outcome.due_at == at(27, 23, 59)
    assert outcome.original_due_at == at(20, 23, 59)
    (revision,) = outcome.revisions
    assert revision.on_time is True
    assert (revision.from_due, revision.to_due, revision.reason) == (
        at(20, 23, 59),
        at(27, 23, 59),
        "vendor is late",
    )


def test_late_revision_caps_at_late_even_if_done_before_the_new_due() -> None:
    p = promise(
        changes=(DueChange(at(22), at(27, 23, 59), "command", None),),
        states=(done(at(25)),),
    )
    outcome = evaluate_promise(p, cutoff=LATER, grace=timedelta(0))
    assert outcome is not None
    assert outcome.status == "late"
    assert outcome.revisions[0].on_time is False


def test_late_revision_not_done_is_overdue_even_before_the_new_due() -> None:
    p = promise(changes=(DueChange(at(22), at(27, 23, 59), "command", None),))
    assert judge(p, cutoff=at(23)) == "overdue"


def test_revision_after_done_is_ignored() -> None:
    p = promise(
        states=(done(at(19)),),
        changes=(DueChange(at(21), at(28, 23, 59), "command", None),),
    )
    outcome = evaluate_promise(p, cutoff=LATER, grace=timedelta(0))
    assert outcome is not None
    assert outcome.status == "kept"
    assert outcome.revisions == ()


def test_revising_an_undated_promise_dates_it_without_a_revision() -> None:
    p = promise(due=None, changes=(DueChange(at(17), at(20, 23, 59), "command", None),))
    outcome = evaluate_promise(p, cutoff=LATER, grace=timedelta(0))
    assert outcome is not None
    assert outcome.status == "overdue"
    assert outcome.original_due_at == at(20, 23, 59)
    assert outcome.revisions == ()


def test_revision_in_the_future_of_the_cutoff_does_not_count_yet() -> None:
    p = promise(changes=(DueChange(at(24), at(27, 23, 59), "command", None),))
    outcome = evaluate_promise(p, cutoff=W47.end, grace=timedelta(0))
    assert outcome is not None
    assert outcome.due_at == at(20, 23, 59)
    assert outcome.revisions == ()


# --- periods ---------------------------------------------------------------------------------


def test_iso_week_in_the_team_zone() -> None:
    assert W47.start == datetime(2026, 11, 16, tzinfo=BERLIN)
    assert W47.end == datetime(2026, 11, 23, tzinfo=BERLIN)
    assert period_for(datetime(2026, 11, 22, 23, 30, tzinfo=BERLIN), BERLIN).label == "2026-W47"
    # Sunday 23:30 UTC is already Monday in Berlin.
    utc_sunday = datetime(2026, 11, 22, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert period_for(utc_sunday, BERLIN).label == "2026-W48"


def test_week_across_dst_is_169_elapsed_hours_long() -> None:
    week = parse_period("2026-W43", BERLIN)
    assert week is not None
    utc = ZoneInfo("UTC")
    # Oct 25 falls back: the week has one more hour, and both ends are local midnights.
    assert week.end.astimezone(utc) - week.start.astimezone(utc) == timedelta(hours=169)
    assert (week.start.hour, week.end.hour) == (0, 0)


def test_iso_year_boundary_and_bad_labels() -> None:
    week = parse_period("2026-W53", BERLIN)
    assert week is not None and week.start.date().isoformat() == "2026-12-28"
    assert parse_period("2026-W54", BERLIN) is None
    assert parse_period("2026-47", BERLIN) is None


def test_previous_periods_are_twelve_oldest_first() -> None:
    weeks = previous_periods(W47, BERLIN, 12)
    assert [w.label for w in weeks][:2] == ["2026-W36", "2026-W37"]
    assert weeks[-1] == W47 and len(weeks) == 12


def test_cutoff_is_period_end_for_past_and_now_for_running() -> None:
    assert cutoff_for(W47, at(30)) == W47.end
    assert cutoff_for(W47, at(18)) == at(18) + timedelta(microseconds=1)


def _period(promises: list[Promise], period: Period, now: datetime = LATER):  # type: ignore[no-untyped-def]
    return evaluate_period(promises, period=period, now=now, grace=timedelta(0))


def test_listed_made_due_done_or_overdue_and_never_made_after() -> None:
    made_in = promise(made=at(17), due=at(2, month=12), pid="a")
    due_in = promise(made=at(2), due=at(18), states=(done(at(10)),), pid="b")
    done_in = promise(made=at(2), due=at(4, month=12), states=(done(at(18)),), pid="c")
    old_overdue = promise(made=at(2), due=at(4), pid="d")
    unrelated = promise(made=at(2), due=at(5), states=(done(at(4)),), pid="e")
    made_after = promise(made=at(24), due=at(25), pid="f")
    result = _period([made_in, due_in, done_in, old_overdue, unrelated, made_after], W47)
    assert [o.promise.id for o in result.outcomes] == ["b", "c", "d", "a"]


def test_scored_only_when_due_in_the_period_and_kept_late_or_overdue() -> None:
    kept_due = promise(states=(done(at(19)),), pid="kept")
    done_early_due_later = promise(due=at(4, month=12), states=(done(at(18)),), pid="early")
    old_overdue = promise(made=at(2), due=at(4), pid="old")
    open_later = promise(due=at(4, month=12), pid="open")
    result = _period([kept_due, done_early_due_later, old_overdue, open_later], W47)
    scored = {j.outcome.promise.id for j in result.judged if j.scored}
    assert scored == {"kept"}
    assert result.team.kept == 2  # counts listed promises by status
    assert result.team.scored == 1
    assert result.team.rate == 1.0


def test_rate_is_null_when_nothing_is_scored() -> None:
    result = _period([promise(due=at(4, month=12))], W47)
    assert result.team.scored == 0
    assert result.team.rate is None


def test_a_late_revision_into_a_later_period_is_scored_twice() -> None:
    # Due in W47, revised late in W48 to W49, done in W49 before the new due.
    p = promise(
        changes=(DueChange(at(24), at(3, 12, month=12), "command", "lost track"),),
        states=(done(at(2, 10, month=12)),),
    )
    w47 = _period([p], W47)
    w48 = _period([p], W48)
    w49 = _period([p], W49)
    assert [(j.outcome.status, j.scored) for j in w47.judged] == [("overdue", True)]
    assert [(j.outcome.status, j.scored) for j in w48.judged] == [("overdue", False)]
    assert [(j.outcome.status, j.scored) for j in w49.judged] == [("late", True)]


def test_late_revision_within_the_same_period_still_scores_the_passed_due() -> None:
    p = promise(changes=(DueChange(at(21), at(2, month=12), "command", None),))
    result = _period([p], W47)
    assert [(j.outcome.status, j.scored) for j in result.judged] == [("overdue", True)]


def test_a_past_period_report_does_not_change_with_later_events() -> None:
    p_then = promise()
    p_now = promise(changes=(DueChange(at(25), at(30), "command", None),), states=(done(at(26)),))
    assert _period([p_then], W47).team == _period([p_now], W47).team


def test_rates_per_owner_and_team() -> None:
    promises = [
        promise(owner="alice", states=(done(at(19)),), pid="1"),
        promise(owner="alice", pid="2"),
        promise(owner="bob", states=(done(at(19)),), pid="3"),
    ]
    result = _period(promises, W47)
    assert result.by_owner["alice"].rate == 0.5
    assert result.by_owner["bob"].rate == 1.0
    assert result.team.rate == pytest.approx(2 / 3)


def test_honesty_signals_median_horizon_and_open_revisions() -> None:
    promises = [
        promise(made=at(16, 12), due=at(17, 12), states=(done(at(17)),), pid="1"),
        promise(made=at(16, 12), due=at(19, 12), states=(done(at(17)),), pid="2"),
        promise(
            made=at(10, 12),
            due=at(18, 12),
            changes=(DueChange(at(17, 12), at(20, 12), "command", "waiting on legal"),),
            states=(done(at(20)),),
            pid="3",
        ),
    ]
    result = _period(promises, W47)
    assert result.median_horizon == timedelta(days=3)
    assert result.open_revisions == 1


def test_running_period_is_judged_as_of_now() -> None:
    p = promise(due=at(18, 12))
    assert [j.outcome.status for j in _period([p], W47, now=at(17)).judged] == ["open"]
    assert [j.outcome.status for j in _period([p], W47, now=at(19)).judged] == ["overdue"]


def test_trend_matches_each_period_judged_at_its_own_end() -> None:
    promises = [
        promise(made=at(9), due=at(13), states=(done(at(12)),), pid="1"),
        promise(made=at(9), due=at(13), pid="2"),
        promise(states=(done(at(19)),), pid="3"),
    ]
    weeks = previous_periods(W47, BERLIN, 3)
    trend = evaluate_trend(promises, periods=weeks, now=LATER, grace=timedelta(0))
    assert [(t.period.label, t.kept, t.scored, t.rate) for t in trend] == [
        ("2026-W45", 0, 0, None),
        ("2026-W46", 1, 2, 0.5),
        ("2026-W47", 1, 1, 1.0),
    ]
