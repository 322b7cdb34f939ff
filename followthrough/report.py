"""Assembling one report: a period's judged promises, trend, wins, kudos, sources.

This is the pure step between the cache and the renderers: it takes loaded
records and a ``now`` and produces a :class:`Report`, plus :func:`report_json`,
the stable JSON of SPEC §6.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any, Protocol, TypeVar

from followthrough.config import Config
from followthrough.evaluate import (
    TREND_PERIODS,
    Facts,
    Outcome,
    Period,
    PeriodResult,
    TrendPoint,
    cutoff_for,
    evaluate_period,
    evaluate_trend,
    period_for,
    previous_periods,
)
from followthrough.model import Kudos, Promise
from followthrough.records import SourceStatus
from followthrough.wins import Win


@dataclass(frozen=True)
class Report:
    period: Period
    generated_at: datetime
    zone: tzinfo
    result: PeriodResult
    trend: list[TrendPoint]
    wins: list[Win]
    kudos: list[Kudos]
    sources: list[SourceStatus]
    config: Config
    owner: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def previous(self) -> TrendPoint | None:
        return self.trend[-2] if len(self.trend) >= 2 else None

    @property
    def rate_change(self) -> float | None:
        """Change in follow-through rate from the previous period, in points (0..100)."""
        rate, previous = self.result.team.rate, self.previous
        if rate is None or previous is None or previous.rate is None:
            return None
        return (rate - previous.rate) * 100

    def shown_github_repos(self) -> dict[str, bool]:
        """Every GitHub repo whose text the report shows -> its cached private flag."""
        shown: dict[str, bool] = {}
        promises = [o.promise for o in (*self.result.outcomes, *self.result.due_next)]
        items = [
            *((p.repo, p.private) for p in promises if p.source == "github"),
            *((w.repo, w.private) for w in self.wins),
            *((k.repo, k.private) for k in self.kudos if k.id.startswith("github:")),
        ]
        for repo, private in items:
            shown[repo] = shown.get(repo, False) or private
        return shown


class _Owned(Protocol):
    @property
    def owner(self) -> str: ...


Owned = TypeVar("Owned", bound=_Owned)


def tracked(promises: Iterable[Owned], *, config: Config, owner: str | None) -> list[Owned]:
    """Apply ``[people] leaders`` and ``--owner``."""
    leaders = {name.lower() for name in config.people.leaders}
    kept = [p for p in promises if not leaders or p.owner.lower() in leaders]
    if owner:
        kept = [p for p in kept if p.owner.lower() == owner.lower()]
    return kept


def build_report(
    *,
    promises: Sequence[Promise] | Sequence[Facts],
    materialize: Callable[[Sequence[Facts]], Sequence[Promise]] | None = None,
    kudos: Sequence[Kudos],
    wins: Sequence[Win],
    period: Period,
    now: datetime,
    config: Config,
    sources: Sequence[SourceStatus] = (),
    owner: str | None = None,
) -> Report:
    zone = config.timezone
    items: list[Promise | Facts] = list(promises)
    chosen = tracked(items, config=config, owner=owner)
    next_week = period_for(period.end + timedelta(hours=1), zone)
    result = evaluate_period(
        chosen,
        period=period,
        now=now,
        grace=config.grace,
        next_period=next_week,
        materialize=materialize,
    )
    weeks = trend_periods(period, zone)
    trend = evaluate_trend(chosen, periods=weeks, now=now, grace=config.grace)
    return Report(
        period=period,
        generated_at=now,
        zone=zone,
        result=result,
        trend=trend,
        wins=list(wins),
        kudos=[k for k in kudos if period.start <= k.at < cutoff_for(period, now)],
        sources=list(sources),
        config=config,
        owner=owner,
    )


def trend_periods(period: Period, zone: tzinfo) -> list[Period]:
    """The 12 periods ending with ``period`` (a custom range keeps its own bounds)."""
    weeks = previous_periods(period_for(period.start, zone), zone, TREND_PERIODS)
    weeks[-1] = period
    return weeks


# --- JSON (SPEC §6) ---------------------------------------------------------------


def iso(moment: datetime | None, zone: tzinfo) -> str | None:
    """ISO 8601 with the team zone's offset, to the second (SPEC §5)."""
    if moment is None:
        return None
    return _iso(moment.timestamp(), zone)


@functools.lru_cache(maxsize=65536)
def _iso(timestamp: float, zone: tzinfo) -> str:
    # Due times repeat a lot (end of Friday...): a big report formats each once.
    return datetime.fromtimestamp(timestamp, zone).isoformat(timespec="seconds")


def outcome_json(outcome: Outcome, zone: tzinfo) -> dict[str, Any]:
    p = outcome.promise
    return {
        "id": p.id,
        "source": p.source,
        "url": p.url,
        "kind": p.kind,
        "owner": p.owner,
        "owner_name": p.owner_name,
        "co_owners": list(p.co_owners),
        "text": p.text,
        "made_at": iso(p.made_at, zone),
        "due_at": iso(outcome.due_at, zone),
        "original_due_at": iso(outcome.original_due_at, zone),
        "done_at": iso(outcome.done_at, zone),
        "status": outcome.status,
        "undated_reason": p.undated_reason if outcome.status == "undated" else None,
        "released_reason": outcome.released_reason if outcome.status == "released" else None,
        "revisions": [
            {
                "at": iso(r.at, zone),
                "from": iso(r.from_due, zone),
                "to": iso(r.to_due, zone),
                "reason": r.reason,
                "on_time": r.on_time,
                "via": r.via,
            }
            for r in outcome.revisions
        ],
    }


def win_json(win: Win, zone: tzinfo) -> dict[str, Any]:
    merged = win.merged_at if isinstance(win.merged_at, datetime) else None
    return {
        "url": win.url,
        "repo": win.repo,
        "number": win.number,
        "title": win.title,
        "author": win.author,
        "merged_at": iso(merged, zone),
        "highlights": list(win.highlights),
        "reviewers": list(win.reviewers),
        "fulfils": list(win.fulfils),
    }


def report_json(report: Report) -> dict[str, Any]:
    zone = report.zone
    return {
        "period": {
            "label": report.period.label,
            "start": iso(report.period.start, zone),
            "end": iso(report.period.end, zone),
        },
        "generated_at": iso(report.generated_at, zone),
        "promises": [outcome_json(o, zone) for o in report.result.outcomes],
        "wins": [win_json(w, zone) for w in report.wins],
        "kudos": [{"from": k.giver, "to": k.to, "why": k.why, "url": k.url} for k in report.kudos],
        "stats": {
            "team": report.result.team.as_dict(),
            "by_owner": {o: s.as_dict() for o, s in report.result.by_owner.items()},
        },
        "trend": [
            {"period": t.period.label, "kept": t.kept, "scored": t.scored, "rate": t.rate}
            for t in report.trend
        ],
        "sources": [{"name": s.name, "ok": s.ok, "error": s.error} for s in report.sources],
    }
