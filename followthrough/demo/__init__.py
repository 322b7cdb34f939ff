"""``followthrough demo``: the whole report on a bundled sample team, offline.

The sample (``sample.json``, written by ``build_sample.py``) holds raw source
records exactly as the GitHub and Jira sources produce them. They are saved
into a temporary SQLite cache and go through the same derive -> evaluate ->
render path as real data.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from followthrough import codec, pipeline
from followthrough.clock import parse_now
from followthrough.config import config_from_mapping
from followthrough.evaluate import parse_period, period_for
from followthrough.records import (
    EventRecord,
    MilestoneRecord,
    ReviewRecord,
    SourceStatus,
    TextRecord,
    ThreadRecord,
)
from followthrough.store import Store, rederive

SAMPLE = "sample.json"


class DemoError(Exception):
    pass


def load_sample() -> dict[str, Any]:
    text = resources.files("followthrough.demo").joinpath(SAMPLE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def fill_store(store: Store, sample: dict[str, Any]) -> None:
    """Save the sample's raw records the way a sync would: oldest versions first."""
    store.save_threads(codec.from_jsonable(ThreadRecord, t) for t in sample["threads"])
    rounds: list[list[TextRecord]] = []
    for item in sample["texts"]:
        record = codec.from_jsonable(TextRecord, item["record"])
        versions = item.get("versions") or [[record.updated_at.isoformat(), record.body]]
        for i, (at, body) in enumerate(versions):
            if len(rounds) <= i:
                rounds.append([])
            edited = dataclasses.replace(record, body=body, updated_at=datetime.fromisoformat(at))
            rounds[i].append(edited)
    for texts in rounds:
        store.save_texts(texts)
    for thread_id, events in _grouped(EventRecord, sample.get("events", [])).items():
        store.save_events(thread_id, events)
    store.save_milestones(
        codec.from_jsonable(MilestoneRecord, m) for m in sample.get("milestones", [])
    )
    for thread_id, reviews in _grouped(ReviewRecord, sample.get("reviews", [])).items():
        store.save_reviews(thread_id, reviews, seen="demo")


R = TypeVar("R", EventRecord, ReviewRecord)


def _grouped(cls: type[R], items: list[dict[str, Any]]) -> dict[str, list[R]]:
    grouped: dict[str, list[R]] = {}
    for item in items:
        record = codec.from_jsonable(cls, item)
        grouped.setdefault(record.thread_id, []).append(record)
    return grouped


def run_demo(
    *,
    fmt: str,
    period_label: str | None = None,
    owner: str | None = None,
    now_text: str | None = None,
) -> str:
    sample = load_sample()
    config = config_from_mapping(sample["config"], env={})
    now = parse_now(now_text or sample["now"], config.timezone)
    if period_label and period_label.strip().lower() not in ("last", "previous"):
        period = parse_period(period_label, config.timezone)
        if period is None:
            raise DemoError(
                f'--period must be an ISO week like 2026-W47 (or "last"), got "{period_label}"'
            )
    else:
        # The last full week before the sample's "now".
        period = period_for(
            period_for(now, config.timezone).start - timedelta(seconds=1), config.timezone
        )
    with tempfile.TemporaryDirectory(prefix="followthrough-demo-") as folder:
        store = Store(Path(folder) / "demo.db")
        try:
            fill_store(store, sample)
            rederive(store, config)
            sources = [
                SourceStatus(name=name, ok=True) for name in sample.get("sources", ["github"])
            ]
            report = pipeline.make_report(
                store, config, now=now, period=period, owner=owner, sources=sources
            )
        finally:
            store.close()
    if fmt == "markdown":
        return pipeline.digest_body(report, env={})
    return pipeline.render(report, fmt)
