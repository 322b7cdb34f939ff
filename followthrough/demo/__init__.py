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
from typing import Any

from followthrough import codec, pipeline
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
from followthrough.store import Store
from followthrough.sync import rederive

SAMPLE = "sample.json"


class DemoError(Exception):
    pass


def load_sample() -> dict[str, Any]:
    text = resources.files("followthrough.demo").joinpath(SAMPLE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def fill_store(store: Store, sample: dict[str, Any]) -> None:
    """Save the sample's raw records the way a sync would."""
    store.save_threads(codec.from_jsonable(ThreadRecord, t) for t in sample["threads"])
    for item in sample["texts"]:
        record = codec.from_jsonable(TextRecord, item["record"])
        for at, body in item.get("versions") or [[record.updated_at.isoformat(), record.body]]:
            moment = datetime.fromisoformat(at)
            store.save_texts([dataclasses.replace(record, body=body, updated_at=moment)])
    events: dict[str, list[EventRecord]] = {}
    for e in sample.get("events", []):
        event = codec.from_jsonable(EventRecord, e)
        events.setdefault(event.thread_id, []).append(event)
    for thread_id, items in events.items():
        store.save_events(thread_id, items)
    store.save_milestones(codec.from_jsonable(MilestoneRecord, m) for m in sample.get("milestones", []))
    reviews: dict[str, list[ReviewRecord]] = {}
    for r in sample.get("reviews", []):
        review = codec.from_jsonable(ReviewRecord, r)
        reviews.setdefault(review.thread_id, []).append(review)
    for thread_id, items in reviews.items():
        store.save_reviews(thread_id, items, seen="demo")


def run_demo(
    *,
    fmt: str,
    period_label: str | None = None,
    owner: str | None = None,
    now_text: str | None = None,
) -> str:
    sample = load_sample()
    config = config_from_mapping(sample["config"], env={})
    now = datetime.fromisoformat(now_text) if now_text else datetime.fromisoformat(sample["now"])
    if now.tzinfo is None:
        now = now.replace(tzinfo=config.timezone)
    if period_label:
        period = parse_period(period_label, config.timezone)
        if period is None:
            raise DemoError(f'--period must be an ISO week like 2026-W47, got "{period_label}"')
    else:
        # The last full week before the sample's "now".
        period = period_for(period_for(now, config.timezone).start - timedelta(seconds=1), config.timezone)
    with tempfile.TemporaryDirectory(prefix="followthrough-demo-") as folder:
        store = Store(Path(folder) / "demo.db")
        try:
            fill_store(store, sample)
            rederive(store, config)
            sources = [SourceStatus(name=name, ok=True) for name in sample.get("sources", ["github"])]
            report = pipeline.make_report(
                store, config, now=now, period=period, owner=owner, sources=sources
            )
        finally:
            store.close()
    if fmt == "markdown":
        return pipeline.digest_body(report, env={})
    return pipeline.render(report, fmt)

