"""SPEC §7-8: a crashed sync resumes where it stopped; a digest is never posted twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from followthrough.cli import cli
from followthrough.store import Store
from tests.fakes.github import FakeGitHub

TOKEN = "ghp_resilience_token_0000"
NOW = "2026-11-25T10:00:00+01:00"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        fake.add_repo("acme/api")
        fake.add_repo("acme/team")
        fake.add_issue("acme/team", title="Team digest", created_at="2026-09-01T09:00:00Z")
        yield fake


def config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "followthrough.toml"
    path.write_text(
        'timezone = "Europe/Berlin"\n[github]\nrepos = ["acme/api"]\n[digest]\nissue = "acme/team#1"\n'
    )
    return path


def invoke(gh: FakeGitHub, folder: Path, *args: str, now: str = NOW) -> Result:
    return CliRunner().invoke(
        cli,
        [*args[:1], "--config", str(config(folder)), "--db", str(folder / "ft.db"), *args[1:]],
        env={
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_API_URL": gh.url,
            "FOLLOWTHROUGH_NOW": now,
            "FOLLOWTHROUGH_RETRY_BACKOFF": "0.01",
        },
        catch_exceptions=False,
    )


def report_json(gh: FakeGitHub, folder: Path) -> dict[str, Any]:
    result = invoke(gh, folder, "report", "--period", "2026-W47", "--format", "json", "--offline")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    data.pop("generated_at")
    return data


def many_issues(gh: FakeGitHub, count: int) -> None:
    for i in range(count):
        day = 16 + i % 5
        gh.add_issue(
            "acme/api",
            title=f"Task {i}",
            user="mara",
            body=f"/promise finish task {i} by Friday",
            created_at=f"2026-11-{day:02d}T{8 + i % 9:02d}:{i % 60:02d}:00Z",
        )


def test_a_sync_that_dies_on_page_two_resumes_from_the_saved_page(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    many_issues(gh, 250)  # three pages of 100
    clean = tmp_path / "clean"
    assert invoke(gh, clean, "sync", "--period", "2026-W47").exit_code == 0

    broken = tmp_path / "broken"
    gh.clear_requests()
    gh.fail(r"/repos/acme/api/issues$", status=500, times=50)  # outlasts every retry
    first = invoke(gh, broken, "sync", "--period", "2026-W47")
    assert first.exit_code == 1
    assert "github" in first.stderr and "FAILED" in first.stderr
    gh.clear_faults()
    with Store(broken / "ft.db") as store:
        saved_before = store.count("threads")
    second = invoke(gh, broken, "sync", "--period", "2026-W47")
    assert second.exit_code == 0, second.output
    assert report_json(gh, broken) == report_json(gh, clean)
    with Store(broken / "ft.db") as store:
        assert store.count("threads") == 251 - 1  # acme/team is not a synced repo
    assert saved_before < 250


def test_resume_starts_from_the_last_saved_item(gh: FakeGitHub, tmp_path: Path) -> None:
    many_issues(gh, 250)
    folder = tmp_path / "resume"
    # Page 1 succeeds, then page 2 fails for good.
    gh.fail(r"/repos/acme/api/issues$", delay=0.01, times=1)
    gh.fail(r"/repos/acme/api/issues$", status=500, times=50)
    assert invoke(gh, folder, "sync", "--period", "2026-W47").exit_code == 1
    gh.clear_faults()
    with Store(folder / "ft.db") as store:
        partial = store.get_cursor("github:acme/api:issues:partial")
        assert partial is not None
        assert store.get_cursor("github:acme/api:issues") is None  # watermark not advanced
        saved = store.count("threads")
    assert saved == 100
    gh.clear_requests()
    assert invoke(gh, folder, "sync", "--period", "2026-W47").exit_code == 0
    (first_listing,) = [
        r for r in gh.requests if r.path == "/repos/acme/api/issues" and "page" not in r.query
    ]
    expected = (partial - timedelta(minutes=10)).astimezone(UTC)
    assert first_listing.query["since"] == expected.strftime("%Y-%m-%dT%H:%M:%SZ")
    with Store(folder / "ft.db") as store:
        assert store.count("threads") == 250
        assert store.get_cursor("github:acme/api:issues:partial") is None


def test_a_crash_between_post_and_save_still_edits_the_one_comment(
    gh: FakeGitHub, tmp_path: Path
) -> None:
    many_issues(gh, 3)
    assert invoke(gh, tmp_path / "a", "digest", "--period", "2026-W47", "--post").exit_code == 0
    # A second machine (or a run whose cache was lost after posting) finds the marker.
    assert invoke(gh, tmp_path / "b", "digest", "--period", "2026-W47", "--post").exit_code == 0
    assert len(gh.comments("acme/team", 1)) == 1
    assert gh.count("POST") == 1


def test_a_new_period_gets_its_own_comment(gh: FakeGitHub, tmp_path: Path) -> None:
    many_issues(gh, 3)
    assert invoke(gh, tmp_path, "digest", "--period", "2026-W47", "--post").exit_code == 0
    assert invoke(gh, tmp_path, "digest", "--period", "2026-W48", "--post").exit_code == 0
    bodies = [c["body"].splitlines()[0] for c in gh.comments("acme/team", 1)]
    assert bodies == [
        "<!-- followthrough:digest 2026-W47 -->",
        "<!-- followthrough:digest 2026-W48 -->",
    ]
