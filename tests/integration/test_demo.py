"""``followthrough demo``: the bundled sample team, through the CLI, in every format.

The sample (followthrough/demo/sample.json, written by build_sample.py) is a
small org over twelve ISO weeks ending at its fixed "now", Wednesday
2026-11-25 10:00 Berlin; the demo reports on the last full week, 2026-W47.
These tests hold the demo to SPEC §6 with a strict JSON Schema, and hold the
sample to its purpose: every status, revision kind, highlight and source
shape appears where a user looks first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from followthrough.cli import cli
from followthrough.demo import build_sample

PERIOD = "2026-W47"
TREND_LABELS = [f"2026-W{week:02d}" for week in range(36, 48)]
STATUSES = ("kept", "late", "overdue", "open", "released", "undated")
HIGHLIGHTS = ("first-contribution", "long-running", "fix", "tests", "docs")
LEADERS = {"mara", "tomas"}

# --- SPEC §6 as a JSON Schema ----------------------------------------------------------
# Timestamps carry the team zone's offset: Europe/Berlin is +01:00 or +02:00.
ISO = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+0[12]:00$"}
ISO_OR_NULL = {"anyOf": [ISO, {"type": "null"}]}
TEXT_OR_NULL = {"type": ["string", "null"]}
COUNT = {"type": "integer", "minimum": 0}
RATE = {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}]}
URL = {"type": "string", "pattern": r"^https://"}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    """An object with exactly these keys, all required."""
    return {
        "type": "object",
        "required": sorted(properties),
        "additionalProperties": False,
        "properties": properties,
    }


STATS = _object({**dict.fromkeys(STATUSES, COUNT), "scored": COUNT, "rate": RATE})
REVISION = _object(
    {
        "at": ISO,
        "from": ISO,
        "to": ISO,
        "reason": TEXT_OR_NULL,
        "on_time": {"type": "boolean"},
        "via": {"enum": ["command", "edit", "milestone", "jira"]},
    }
)
PROMISE = _object(
    {
        "id": {
            "type": "string",
            "pattern": r"^(github:[\w.-]+/[\w.-]+#\d+(:(body|comment:\d+|review-comment:\d+):\d+)?"
            r"|jira:[A-Z][A-Z0-9]*-\d+(:(description|comment:\d+):\d+)?)$",
        },
        "source": {"enum": ["github", "jira"]},
        "url": URL,
        "kind": {"enum": ["inline", "ticket"]},
        "owner": {"type": "string", "minLength": 1},
        "owner_name": TEXT_OR_NULL,
        "co_owners": {"type": "array", "items": {"type": "string"}},
        "text": {"type": "string"},
        "made_at": ISO,
        "due_at": ISO_OR_NULL,
        "original_due_at": ISO_OR_NULL,
        "done_at": ISO_OR_NULL,
        "status": {"enum": list(STATUSES)},
        "undated_reason": TEXT_OR_NULL,
        "released_reason": TEXT_OR_NULL,
        "revisions": {"type": "array", "items": REVISION},
    }
)
WIN = _object(
    {
        "url": URL,
        "repo": {"type": "string", "pattern": r"^[\w.-]+/[\w.-]+$"},
        "number": {"type": "integer", "minimum": 1},
        "title": {"type": "string"},
        "author": {"type": "string", "minLength": 1},
        "merged_at": ISO,
        "highlights": {"type": "array", "items": {"enum": list(HIGHLIGHTS)}, "uniqueItems": True},
        "reviewers": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "fulfils": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
    }
)
KUDOS = _object(
    {
        "from": {"type": "string", "minLength": 1},
        "to": {"type": "string", "pattern": r"^[^@\s]+$"},
        "why": {"type": "string"},
        "url": URL,
    }
)
REPORT_SCHEMA = _object(
    {
        "period": _object(
            {"label": {"type": "string", "pattern": r"^\d{4}-W\d{2}$"}, "start": ISO, "end": ISO}
        ),
        "generated_at": ISO,
        "promises": {"type": "array", "items": PROMISE},
        "wins": {"type": "array", "items": WIN},
        "kudos": {"type": "array", "items": KUDOS},
        "stats": _object(
            {"team": STATS, "by_owner": {"type": "object", "additionalProperties": STATS}}
        ),
        "trend": {
            "type": "array",
            "items": _object(
                {
                    "period": {"type": "string", "pattern": r"^\d{4}-W\d{2}$"},
                    "kept": COUNT,
                    "scored": COUNT,
                    "rate": RATE,
                }
            ),
        },
        "sources": {
            "type": "array",
            "items": _object(
                {
                    "name": {"enum": ["github", "jira"]},
                    "ok": {"type": "boolean"},
                    "error": TEXT_OR_NULL,
                }
            ),
        },
    }
)


# --- running the demo ------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Callable[..., Result]:
    """Run ``followthrough demo ARGS``; the machine's FOLLOWTHROUGH_NOW must not leak in."""
    runner = CliRunner(env={"FOLLOWTHROUGH_NOW": None})

    def run(*args: str) -> Result:
        result = runner.invoke(cli, ["demo", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    return run


@pytest.fixture(scope="module")
def report(demo: Callable[..., Result]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(demo("--format", "json").output)
    return data


@pytest.fixture(scope="module")
def sample() -> dict[str, Any]:
    from followthrough.demo import load_sample

    return load_sample()


def _week(label: str) -> date:
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


# --- text ---------------------------------------------------------------------------------


def test_text_shows_every_status_the_trend_and_the_wins(demo: Callable[..., Result]) -> None:
    out = demo().output

    assert out.startswith(f"followthrough · {PERIOD}")
    for status in STATUSES:
        assert re.search(rf"^{status}\s+(mara|tomas)\s", out, re.MULTILINE), status
    trend = out.split("Trend (12 weeks)\n", 1)[1].split("\n\n", 1)[0]
    assert re.findall(r"W\d\d", trend) == [label[-3:] for label in TREND_LABELS]
    assert re.search(r"^Team wins \(\d+\)$", out, re.MULTILINE)
    assert (
        "docs: explain the local setup with docker compose — sam [first-contribution, docs]" in out
    )
    assert re.search(r"^Kudos \(\d+\)$", out, re.MULTILINE)


# --- JSON -----------------------------------------------------------------------------------


def test_json_matches_the_schema_of_spec_6(report: dict[str, Any]) -> None:
    jsonschema.validate(report, REPORT_SCHEMA)


def test_json_reports_the_last_full_week_as_of_the_sample_now(report: dict[str, Any]) -> None:
    assert report["period"] == {
        "label": PERIOD,
        "start": "2026-11-16T00:00:00+01:00",
        "end": "2026-11-23T00:00:00+01:00",
    }
    assert report["generated_at"] == "2026-11-25T10:00:00+01:00"
    assert report["sources"] == [
        {"name": "github", "ok": True, "error": None},
        {"name": "jira", "ok": True, "error": None},
    ]


def test_every_status_is_listed_in_the_report_week(report: dict[str, Any]) -> None:
    team = report["stats"]["team"]
    for status in STATUSES:
        assert team[status] > 0, status
    listed = [p["status"] for p in report["promises"]]
    assert {s: listed.count(s) for s in STATUSES} == {s: team[s] for s in STATUSES}
    # Only the leaders' promises are tracked; priya's /promise lines are not.
    assert {p["owner"] for p in report["promises"]} == LEADERS
    assert set(report["stats"]["by_owner"]) == LEADERS
    assert 0 < team["scored"] <= team["kept"] + team["late"] + team["overdue"]
    assert team["rate"] == pytest.approx(
        report["trend"][-1]["kept"] / report["trend"][-1]["scored"]
    )


def test_every_source_shape_is_in_the_report_week(report: dict[str, Any]) -> None:
    ids = [p["id"] for p in report["promises"]]
    for shape in (
        r":body:\d+$",
        r":comment:\d+:\d+$",
        r":review-comment:\d+:\d+$",
        r"^github:[^:]+#\d+$",
        r"^jira:OPS-\d+$",
    ):
        assert any(re.search(shape, i) for i in ids), shape
    undated = {p["undated_reason"] for p in report["promises"] if p["status"] == "undated"}
    assert any("full moon" in (reason or "") for reason in undated)
    assert any("no date" in (reason or "") for reason in undated)
    released = [p["released_reason"] for p in report["promises"] if p["status"] == "released"]
    assert all(released), "every release in the sample says why"


def test_revisions_on_time_and_late_by_every_route(report: dict[str, Any]) -> None:
    revisions = [r for p in report["promises"] for r in p["revisions"]]
    assert any(r["on_time"] for r in revisions)
    assert any(not r["on_time"] for r in revisions)
    assert {"command", "edit", "milestone", "jira"} <= {r["via"] for r in revisions}
    late = next(p for p in report["promises"] if any(not r["on_time"] for r in p["revisions"]))
    assert late["status"] == "late"  # done after a late revision is at best late


def test_trend_has_twelve_weeks_oldest_first_and_a_visible_shape(report: dict[str, Any]) -> None:
    trend = report["trend"]
    assert [t["period"] for t in trend] == TREND_LABELS
    assert trend[-1]["period"] == report["period"]["label"]
    assert all(t["scored"] > 0 for t in trend)
    first, last = trend[:4], trend[-4:]
    assert sum(t["kept"] for t in first) / sum(t["scored"] for t in first) < 0.6
    assert sum(t["kept"] for t in last) / sum(t["scored"] for t in last) > 0.7


def test_wins_have_every_highlight_and_no_bot(
    report: dict[str, Any], sample: dict[str, Any]
) -> None:
    wins = report["wins"]
    assert set(HIGHLIGHTS) <= {h for w in wins for h in w["highlights"]}
    bots = {t["author"] for t in sample["threads"] if t["author_type"] == "Bot"}
    merged_by_bots = [
        t
        for t in sample["threads"]
        if t["author"] in bots and t["merged_at"] and _in_period(t["merged_at"], report)
    ]
    assert merged_by_bots, "the sample has bot PRs merged in the report week"
    assert not {w["author"] for w in wins} & bots
    assert not any(w["author"].endswith("[bot]") for w in wins)
    for win in wins:
        assert win["author"] not in win["reviewers"]
        assert not any(r.endswith("[bot]") for r in win["reviewers"])


def test_a_win_fulfils_a_ticket_promise_and_credits_its_reviewers(
    report: dict[str, Any], sample: dict[str, Any]
) -> None:
    tickets = {p["id"] for p in report["promises"] if p["kind"] == "ticket"}
    fulfilling = [w for w in report["wins"] if w["fulfils"]]
    assert fulfilling
    for win in fulfilling:
        assert set(win["fulfils"]) <= tickets

    # Some such PR was reviewed by its author and by a bot too: both are left out.
    def reviewed_by(win: dict[str, Any]) -> set[str]:
        thread_id = f"github:{win['repo']}#{win['number']}"
        return {r["author"] for r in sample["reviews"] if r["thread_id"] == thread_id}

    win = next(
        w
        for w in fulfilling
        if w["author"] in reviewed_by(w) and any(r.endswith("[bot]") for r in reviewed_by(w))
    )
    humans = {r for r in reviewed_by(win) if not r.endswith("[bot]")}
    assert win["reviewers"]
    assert set(win["reviewers"]) == humans - {win["author"]}


def test_kudos_written_in_the_report_week(report: dict[str, Any]) -> None:
    kudos = report["kudos"]
    assert kudos
    assert all(k["why"] for k in kudos)
    assert {"sam", "lena", "jonas"} <= {k["to"] for k in kudos}


def test_sixty_leader_promises_over_the_twelve_weeks(report: dict[str, Any]) -> None:
    """Counted two ways: scored slots in the trend, and distinct ids listed week by week.

    A promise revised late into another week is scored in both (SPEC §3), so the
    second count, over the same pipeline with one cache for all twelve weeks, is
    the one that says "60 different promises".
    """
    assert sum(t["scored"] for t in report["trend"]) >= 60
    ids: set[str] = set()
    for label, week in _weekly_reports(TREND_LABELS).items():
        assert week["period"]["label"] == label
        assert {p["owner"] for p in week["promises"]} <= LEADERS
        ids |= {p["id"] for p in week["promises"]}
    assert len(ids) >= 60


def _weekly_reports(labels: list[str]) -> dict[str, dict[str, Any]]:
    """What ``demo --format json --period LABEL`` gives, without a new cache per week."""
    from followthrough import pipeline
    from followthrough.config import config_from_mapping
    from followthrough.demo import fill_store, load_sample
    from followthrough.evaluate import parse_period
    from followthrough.report import report_json
    from followthrough.store import Store, rederive

    sample = load_sample()
    config = config_from_mapping(sample["config"], env={})
    now = datetime.fromisoformat(sample["now"])
    store = Store(":memory:")
    try:
        fill_store(store, sample)
        rederive(store, config)
        reports = {}
        for label in labels:
            period = parse_period(label, config.timezone)
            assert period is not None
            made = pipeline.make_report(store, config, now=now, period=period, sources=[])
            reports[label] = report_json(made)
    finally:
        store.close()
    return reports


def test_the_cli_and_the_pipeline_agree_on_a_past_week(demo: Callable[..., Result]) -> None:
    via_cli = json.loads(demo("--format", "json", "--period", "2026-W44").output)
    direct = _weekly_reports(["2026-W44"])["2026-W44"]
    assert via_cli["promises"] == direct["promises"]
    assert via_cli["trend"] == direct["trend"]


def test_a_past_week_does_not_change_with_later_activity(demo: Callable[..., Result]) -> None:
    """Mara publishes an overdue checklist in W48: the W47 report still says overdue."""
    as_of_now = json.loads(demo("--format", "json").output)
    later = CliRunner(env={"FOLLOWTHROUGH_NOW": None}).invoke(
        cli,
        ["--now", "2026-12-20T12:00:00+01:00", "demo", "--format", "json", "--period", PERIOD],
    )
    assert later.exit_code == 0, later.output
    again = json.loads(later.output)
    assert again["promises"] == as_of_now["promises"]
    assert again["stats"] == as_of_now["stats"]
    checklist = [p for p in again["promises"] if "handover checklist" in p["text"]]
    assert [p["status"] for p in checklist] == ["overdue"]


def test_owner_filter(demo: Callable[..., Result]) -> None:
    data = json.loads(demo("--format", "json", "--owner", "tomas").output)
    assert data["promises"]
    assert {p["owner"] for p in data["promises"]} == {"tomas"}
    assert set(data["stats"]["by_owner"]) == {"tomas"}


def _in_period(moment: str, report: dict[str, Any]) -> bool:
    at = datetime.fromisoformat(moment)
    period = report["period"]
    return datetime.fromisoformat(period["start"]) <= at < datetime.fromisoformat(period["end"])


# --- Markdown and HTML ------------------------------------------------------------------------


def test_markdown_is_the_digest_comment(demo: Callable[..., Result]) -> None:
    out = demo("--format", "markdown").output
    assert out.startswith(f"<!-- followthrough:digest {PERIOD} -->\n")
    assert len(out) < 65536
    assert "Follow-through" in out


def test_html_is_one_self_contained_document(demo: Callable[..., Result]) -> None:
    out = demo("--format", "html").output
    assert out.lstrip().lower().startswith("<!doctype html>")
    assert out.rstrip().endswith("</html>")
    assert len(re.findall(r"<html[\s>]", out, re.IGNORECASE)) == 1
    remote = re.compile(
        r"<(?:script[^>]*\bsrc|link[^>]*\bhref)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE
    )
    assert not remote.search(out)
    assert PERIOD in out


def test_bad_period_is_a_user_error() -> None:
    result = CliRunner(env={"FOLLOWTHROUGH_NOW": None}).invoke(
        cli, ["demo", "--period", "2026-W99"]
    )
    assert result.exit_code == 2
    assert (
        'Error: --period must be an ISO week like 2026-W47 (or "last"), got "2026-W99"'
        in result.output
    )


# --- the sample itself ----------------------------------------------------------------------------


def test_build_sample_is_deterministic_and_matches_the_committed_file() -> None:
    first = build_sample.render(build_sample.build())
    second = build_sample.render(build_sample.build())
    assert first == second
    assert build_sample.OUTPUT.read_text(encoding="utf-8") == first, (
        "sample.json is stale: run python -m followthrough.demo.build_sample"
    )
    assert len(first.encode("utf-8")) < 1_500_000


def test_sample_spans_twelve_weeks_before_now(sample: dict[str, Any]) -> None:
    assert sample["now"] == "2026-11-25T10:00:00+01:00"
    now = datetime.fromisoformat(sample["now"])
    created = min(datetime.fromisoformat(t["created_at"]) for t in sample["threads"])
    assert _week_of(created) <= _week("2026-W36")
    assert all(datetime.fromisoformat(t["updated_at"]) <= now for t in sample["threads"])
    people = {t["author"] for t in sample["threads"]}
    assert len(people) >= 6
    assert any(t["author_type"] == "Bot" for t in sample["threads"])


def _week_of(moment: datetime) -> date:
    day = moment.astimezone(build_sample.BERLIN).date()
    return date.fromisocalendar(*day.isocalendar()[:2], 1)
