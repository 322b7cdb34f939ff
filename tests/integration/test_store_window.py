"""A report reads only its window's promises from the cache — and judges exactly the same."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followthrough.evaluate import (
    TREND_PERIODS,
    evaluate_period,
    evaluate_trend,
    parse_period,
    previous_periods,
)
from followthrough.model import Derived, DueChange, Promise, StateChange
from followthrough.store import Store

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 1, 5, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 9, tzinfo=UTC)


def random_promise(rng: random.Random, i: int) -> Promise:
    made = START + timedelta(hours=rng.randrange(0, 46 * 7 * 24))
    due = None if rng.random() < 0.1 else made + timedelta(hours=rng.randrange(1, 24 * 21))
    changes: list[DueChange] = []
    if due is not None and rng.random() < 0.3:
        at = made + timedelta(hours=rng.randrange(1, 24 * 30))
        changes.append(DueChange(at, at + timedelta(hours=rng.randrange(1, 24 * 14)), "command"))
    states: list[StateChange] = []
    roll = rng.random()
    if roll < 0.6:
        states.append(StateChange(made + timedelta(hours=rng.randrange(1, 24 * 30)), "done"))
        if rng.random() < 0.1:
            states.append(StateChange(states[-1].at + timedelta(days=1), "open"))
    elif roll < 0.7:
        states.append(StateChange(made + timedelta(hours=rng.randrange(1, 24 * 30)), "released"))
    return Promise(
        id=f"github:acme/api#{i}:body:1",
        source="github",
        kind="inline",
        url=f"https://github.com/acme/api/issues/{i}",
        thread_id=f"github:acme/api#{i}",
        repo="acme/api",
        owner=rng.choice(["mara", "tomas", "aiko"]),
        owner_name=None,
        co_owners=(),
        text=f"promise {i}",
        made_at=made,
        original_due=due,
        undated_reason=None if due else "no date",
        changes=tuple(changes),
        states=tuple(sorted(states, key=lambda s: s.at)),
    )


@pytest.mark.parametrize("label", ["2026-W20", "2026-W40", "2026-W47", "2026-W48"])
def test_the_window_drops_nothing_a_report_shows(tmp_path: Path, label: str) -> None:
    rng = random.Random(label)
    promises = [random_promise(rng, i) for i in range(1500)]
    with Store(tmp_path / "ft.db") as store:
        store.save_all_derived((p.thread_id, Derived(promises=[p])) for p in promises)
        period = parse_period(label, BERLIN)
        assert period is not None
        weeks = previous_periods(period, BERLIN, TREND_PERIODS)
        everything = store.load_promises()
        window = store.load_promises(window=(weeks[0].start, period.end))
    assert len(window) < len(everything)  # the filter does filter
    for chosen in (everything, window):
        result = evaluate_period(chosen, period=period, now=NOW, grace=timedelta(0))
        trend = evaluate_trend(chosen, periods=weeks, now=NOW, grace=timedelta(0))
        if chosen is everything:
            expected = (
                result.team,
                result.by_owner,
                [o.promise.id for o in result.outcomes],
                trend,
            )
        else:
            got = (result.team, result.by_owner, [o.promise.id for o in result.outcomes], trend)
            assert got == expected
