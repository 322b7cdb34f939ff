"""The scheduled job and the GitHub Action's view of it.

:func:`run` does sync -> report -> digest -> post and, inside GitHub Actions
(``GITHUB_ACTIONS=true``), writes the step outputs (``kept``, ``scored``,
``rate``, ``digest-url``), appends the digest to ``$GITHUB_STEP_SUMMARY`` and
prints ``::error::``/``::warning::`` annotations.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click

from followthrough import pipeline
from followthrough.config import Config
from followthrough.evaluate import Period
from followthrough.report import Report
from followthrough.store import Store


@dataclass(frozen=True)
class RunOutcome:
    report: Report
    body: str
    url: str | None
    error: str | None


def run(
    *,
    store: Store,
    config: Config,
    now: datetime,
    period: Period,
    env: Mapping[str, str],
    post: bool,
    allow_partial: bool,
) -> RunOutcome:
    report = pipeline.make_report(store, config, now=now, period=period)
    body = pipeline.digest_body(report, env=env)
    url: str | None = None
    error: str | None = None
    if post:
        try:
            url = pipeline.post_digest(
                store, report, body=body, now=now, allow_partial=allow_partial
            ).url
        except (pipeline.CannotPostDigest, pipeline.IncompleteSync) as exc:
            error = str(exc)
    elif any(not s.ok for s in report.sources) and not allow_partial:
        error = "sync incomplete: " + "; ".join(
            f"{s.name}: {s.error}" for s in report.sources if not s.ok
        )
    outcome = RunOutcome(report=report, body=body, url=url, error=error)
    if env.get("GITHUB_ACTIONS") == "true":
        write_action_outputs(outcome, env=env)
    return outcome


def _escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def write_action_outputs(outcome: RunOutcome, *, env: Mapping[str, str]) -> None:
    team = outcome.report.result.team
    rate = "" if team.rate is None else f"{team.rate:.4f}".rstrip("0").rstrip(".")
    values = {
        "kept": str(team.kept_scored),
        "scored": str(team.scored),
        "rate": rate,
        "digest-url": outcome.url or "",
    }
    output = env.get("GITHUB_OUTPUT")
    if output:
        with Path(output).open("a", encoding="utf-8") as handle:
            for key, value in values.items():
                delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
                handle.write(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as handle:
            handle.write(outcome.body.rstrip("\n") + "\n")
    for source in outcome.report.sources:
        if not source.ok:
            message = _escape_annotation(source.error or "")
            click.echo(f"::error title=followthrough: {source.name}::{message}")
    overdue = team.overdue
    if overdue:
        click.echo(f"::warning title=followthrough::{overdue} promise(s) still open past their due")
    if outcome.error:
        click.echo(f"::error title=followthrough::{_escape_annotation(outcome.error)}")
