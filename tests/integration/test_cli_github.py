"""End to end: the CLI against the fake GitHub — sync, report, digest, post, why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from followthrough.cli import cli
from tests.fakes.github import FakeGitHub

TOKEN = "ghp_test_token_1234567890"
NOW = "2026-11-25T10:00:00+01:00"  # Wednesday of W48; W47 is the last full week


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        fake.add_repo("acme/api")
        fake.add_repo("acme/team")
        fake.add_issue("acme/team", title="Team digest", created_at="2026-09-01T09:00:00Z")
        yield fake


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "followthrough.toml").write_text(
        'timezone = "Europe/Berlin"\n'
        '[github]\nrepos = ["acme/api"]\n'
        '[digest]\nissue = "acme/team#1"\n',
        encoding="utf-8",
    )
    return tmp_path


def invoke(
    gh: FakeGitHub, workdir: Path, *args: str, now: str = NOW, env: dict[str, str] | None = None
) -> Result:
    runner = CliRunner()
    base_env = {"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": gh.url, "FOLLOWTHROUGH_NOW": now}
    base_env.update(env or {})
    return runner.invoke(
        cli,
        [
            *args[:1],
            "--config",
            str(workdir / "followthrough.toml"),
            "--db",
            str(workdir / "cache" / "ft.db"),
            *args[1:],
        ],
        env=base_env,
        catch_exceptions=False,
    )


def report(gh: FakeGitHub, workdir: Path, *extra: str, now: str = NOW) -> dict[str, Any]:
    result = invoke(
        gh, workdir, "report", "--period", "2026-W47", "--format", "json", *extra, now=now
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in data["promises"]}


def seed_week(gh: FakeGitHub) -> dict[str, int]:
    """A W47 with one of each: kept, late ticket, overdue, revised openly, dropped."""
    n1 = gh.add_issue(
        "acme/api",
        title="Retro follow-ups",
        user="mara",
        body="/promise send the retro notes by Friday\n/promise book the offsite by Wed",
        created_at="2026-11-16T08:00:00Z",
    )
    c_done = gh.add_comment(
        "acme/api",
        n1,
        user="mara",
        body="Notes are out.\n/done 1",
        created_at="2026-11-19T15:00:00Z",
    )
    gh.add_comment(
        "acme/api",
        n1,
        user="mara",
        body="/revise next Friday because the venue needs a deposit",
        created_at="2026-11-17T09:00:00Z",
    )
    gh.add_comment("acme/api", n1, user="bob", body="/done 2", created_at="2026-11-18T09:00:00Z")
    n2 = gh.add_issue(
        "acme/api",
        title="Publish the on-call handover doc",
        user="mara",
        created_at="2026-11-16T09:00:00Z",
        labels=["commitment"],
        assignees=["tomas"],
    )
    gh.close("acme/api", n2, at="2026-11-21T11:00:00Z", actor="tomas")  # Saturday: late vs Friday?
    gh.add_comment(
        "acme/api", n2, user="tomas", body="/promise by Friday", created_at="2026-11-16T10:00:00Z"
    )
    n3 = gh.add_issue(
        "acme/api",
        title="Flaky CI",
        user="tomas",
        body="/promise quarantine the flaky test by Thursday",
        created_at="2026-11-16T12:00:00Z",
    )
    n4 = gh.add_issue(
        "acme/api",
        title="Cron migration",
        user="mara",
        body="/promise migrate the cron jobs by Friday",
        created_at="2026-11-16T12:30:00Z",
    )
    gh.add_comment(
        "acme/api",
        n4,
        user="mara",
        body="/drop because the service is being retired",
        created_at="2026-11-18T12:00:00Z",
    )
    pr = gh.add_pr(
        "acme/api",
        title="fix: retry the webhook",
        user="newbie",
        body="Fixes #2",
        created_at="2026-11-17T09:00:00Z",
    )
    gh.add_review("acme/api", pr, user="bob", submitted_at="2026-11-18T09:00:00Z")
    gh.add_review(
        "acme/api", pr, user="newbie", state="COMMENTED", submitted_at="2026-11-18T10:00:00Z"
    )
    gh.add_review(
        "acme/api", pr, user="ci-helper[bot]", user_type="Bot", submitted_at="2026-11-18T10:30:00Z"
    )
    gh.merge("acme/api", pr, at="2026-11-19T09:00:00Z", actor="bob")
    bot_pr = gh.add_pr(
        "acme/api",
        title="chore(deps): bump x",
        user="dependabot[bot]",
        user_type="Bot",
        created_at="2026-11-17T09:00:00Z",
    )
    gh.merge("acme/api", bot_pr, at="2026-11-19T10:00:00Z", actor="bob")
    gh.add_comment(
        "acme/api",
        n3,
        user="mara",
        body="/kudos @bob for the patient bisecting",
        created_at="2026-11-20T09:00:00Z",
    )
    return {"retro": n1, "handover": n2, "flaky": n3, "cron": n4, "pr": pr, "done_comment": c_done}


def test_report_judges_a_real_week_read_over_http(gh: FakeGitHub, workdir: Path) -> None:
    n = seed_week(gh)
    data = report(gh, workdir)
    promises = by_id(data)
    retro = promises[f"github:acme/api#{n['retro']}:body:1"]
    assert (retro["status"], retro["owner"], retro["kind"]) == ("kept", "mara", "inline")
    assert retro["due_at"] == "2026-11-20T23:59:59+01:00"
    assert retro["done_at"] == "2026-11-19T16:00:00+01:00"
    offsite = promises[f"github:acme/api#{n['retro']}:body:2"]
    assert offsite["status"] == "open"  # revised openly to next Friday; bob's /done 2 ignored
    assert offsite["revisions"][0]["on_time"] is True
    assert offsite["revisions"][0]["reason"] == "the venue needs a deposit"
    handover = promises[f"github:acme/api#{n['handover']}"]
    assert (handover["kind"], handover["owner"], handover["status"]) == ("ticket", "tomas", "late")
    assert handover["done_at"] == "2026-11-21T12:00:00+01:00"
    flaky = promises[f"github:acme/api#{n['flaky']}:body:1"]
    assert flaky["status"] == "overdue"
    cron = promises[f"github:acme/api#{n['cron']}:body:1"]
    assert (cron["status"], cron["released_reason"]) == ("released", "the service is being retired")
    assert data["stats"]["team"] == {
        "kept": 1,
        "late": 1,
        "overdue": 1,
        "released": 1,
        "open": 1,
        "undated": 0,
        "scored": 3,
        "rate": pytest.approx(1 / 3),
    }
    assert data["sources"] == [{"name": "github", "ok": True, "error": None}]
    assert data["generated_at"] == NOW
    (win,) = data["wins"]
    assert win["author"] == "newbie"
    assert win["highlights"] == ["first-contribution", "fix"]
    assert win["reviewers"] == ["bob"]
    assert win["fulfils"] == [f"github:acme/api#{n['handover']}"]
    assert data["kudos"] == [
        {
            "from": "mara",
            "to": "bob",
            "why": "for the patient bisecting",
            "url": data["kudos"][0]["url"],
        }
    ]
    assert [t["period"] for t in data["trend"]][-1] == "2026-W47" and len(data["trend"]) == 12


def test_second_sync_is_incremental_and_sees_edits_and_deletions(
    gh: FakeGitHub, workdir: Path
) -> None:
    n = seed_week(gh)
    report(gh, workdir)
    gh.clear_requests()
    data = report(gh, workdir)  # nothing new
    assert [r.path for r in gh.requests] == [
        "/repos/acme/api/issues",
        "/repos/acme/api/issues/comments",
        "/repos/acme/api/pulls/comments",
        # GitHub lists no deletions: the threads holding comments that made or moved a
        # promise still in play get their comments listed once (retro: /done and
        # /revise; handover: the ticket's "/promise by"; cron: the /drop).
        f"/repos/acme/api/issues/{n['retro']}/comments",
        f"/repos/acme/api/issues/{n['handover']}/comments",
        f"/repos/acme/api/issues/{n['cron']}/comments",
    ]
    assert data["stats"]["team"]["kept"] == 1
    # Once more: the thread listings are conditional now, and unchanged threads cost
    # a 304 (which GitHub does not count against the rate limit).
    gh.clear_requests()
    report(gh, workdir)
    assert [
        r.status
        for r in gh.requests
        if "/issues/" in r.path
        and r.path.endswith("/comments")
        and r.path != "/repos/acme/api/issues/comments"
    ] == [304, 304, 304]

    # The done comment is deleted: promise 1 is no longer done.
    gh.delete_comment(n["done_comment"])
    data = report(gh, workdir, now="2026-11-25T11:00:00+01:00")
    retro = by_id(data)[f"github:acme/api#{n['retro']}:body:1"]
    assert retro["status"] == "overdue"


def test_edited_comment_moves_the_due_as_a_revision(gh: FakeGitHub, workdir: Path) -> None:
    n = gh.add_issue("acme/api", title="Docs", user="mara", created_at="2026-11-16T08:00:00Z")
    cid = gh.add_comment(
        "acme/api",
        n,
        user="mara",
        body="/promise write the API guide by Thursday",
        created_at="2026-11-16T09:00:00Z",
    )
    report(gh, workdir, now="2026-11-18T09:00:00+01:00")
    gh.edit_comment(cid, body="/promise write the API guide by Friday", at="2026-11-18T10:00:00Z")
    data = report(gh, workdir, now="2026-11-25T10:00:00+01:00")
    promise = by_id(data)[f"github:acme/api#{n}:comment:{cid}:1"]
    assert promise["original_due_at"] == "2026-11-19T23:59:59+01:00"
    assert promise["due_at"] == "2026-11-20T23:59:59+01:00"
    assert promise["revisions"] == [
        {
            "at": "2026-11-18T11:00:00+01:00",
            "from": "2026-11-19T23:59:59+01:00",
            "to": "2026-11-20T23:59:59+01:00",
            "reason": None,
            "on_time": True,
            "via": "edit",
        }
    ]


def test_label_removed_and_milestone_move(gh: FakeGitHub, workdir: Path) -> None:
    gh.add_milestone("acme/api", number=1, title="Sprint 47", due_on="2026-11-20T08:00:00Z")
    gh.add_milestone("acme/api", number=2, title="Sprint 48", due_on="2026-11-27T08:00:00Z")
    moved = gh.add_issue(
        "acme/api",
        title="Rotate certs",
        user="mara",
        created_at="2026-11-16T08:00:00Z",
        labels=["commitment"],
        milestone=1,
    )
    gh.set_milestone("acme/api", moved, 2, at="2026-11-18T09:00:00Z", actor="mara")
    dropped = gh.add_issue(
        "acme/api",
        title="Write RFC",
        user="mara",
        created_at="2026-11-16T08:00:00Z",
        labels=["commitment"],
        milestone=1,
    )
    report(gh, workdir, now="2026-11-17T08:00:00+01:00")  # seen while labelled
    gh.remove_label("acme/api", dropped, "commitment", at="2026-11-17T09:00:00Z", actor="mara")
    data = report(gh, workdir)
    promises = by_id(data)
    rotate = promises[f"github:acme/api#{moved}"]
    assert rotate["original_due_at"] == "2026-11-20T23:59:59+01:00"
    assert rotate["due_at"] == "2026-11-27T23:59:59+01:00"
    assert [(r["via"], r["on_time"]) for r in rotate["revisions"]] == [("milestone", True)]
    rfc = promises[f"github:acme/api#{dropped}"]
    assert (rfc["status"], rfc["released_reason"]) == ("released", "label removed")


def test_digest_is_posted_once_and_edited_in_place(gh: FakeGitHub, workdir: Path) -> None:
    seed_week(gh)
    first = invoke(gh, workdir, "digest", "--period", "2026-W47", "--post")
    assert first.exit_code == 0, first.output
    second = invoke(
        gh, workdir, "digest", "--period", "2026-W47", "--post", now="2026-11-26T10:00:00+01:00"
    )
    assert second.exit_code == 0, second.output
    comments = gh.comments("acme/team", 1)
    assert len(comments) == 1
    assert comments[0]["body"].startswith("<!-- followthrough:digest 2026-W47 -->\n")
    assert gh.count("POST") == 1
    printed = invoke(
        gh, workdir, "digest", "--period", "2026-W47", "--offline", now="2026-11-26T10:00:00+01:00"
    )
    assert printed.stdout == comments[0]["body"]


def test_run_twice_one_comment_and_action_outputs(gh: FakeGitHub, workdir: Path) -> None:
    seed_week(gh)
    outputs = workdir / "out.txt"
    summary = workdir / "summary.md"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    for now in (NOW, "2026-11-25T12:00:00+01:00"):
        result = invoke(gh, workdir, "run", "--period", "2026-W47", now=now, env=env)
        assert result.exit_code == 0, result.output
    assert len(gh.comments("acme/team", 1)) == 1
    text = outputs.read_text()
    assert "kept<<" in text and "\n1\n" in text
    assert "scored<<" in text and "\n3\n" in text
    assert "rate<<" in text and "\n0.3333\n" in text
    assert "digest-url<<" in text and "https://github.com/acme/team/issues/1#issuecomment-" in text
    assert summary.read_text().count("<!-- followthrough:digest 2026-W47 -->") == 2
    assert "::warning title=followthrough::1 promise(s) still open past their due" in result.stdout


def test_private_repo_text_is_never_posted_on_a_public_issue(gh: FakeGitHub, workdir: Path) -> None:
    gh.add_repo("acme/secret", private=True)
    gh.add_issue(
        "acme/secret",
        title="Layoffs plan",
        user="mara",
        body="/promise tell the team by Friday",
        created_at="2026-11-16T08:00:00Z",
    )
    (workdir / "followthrough.toml").write_text(
        'timezone = "Europe/Berlin"\n[github]\nrepos = ["acme/secret"]\n[digest]\nissue = "acme/team#1"\n'
    )
    result = invoke(gh, workdir, "digest", "--period", "2026-W47", "--post")
    assert result.exit_code == 1
    assert "refusing to post" in result.stderr and "acme/secret" in result.stderr
    assert gh.comments("acme/team", 1) == []
    (workdir / "followthrough.toml").write_text(
        'timezone = "Europe/Berlin"\n[github]\nrepos = ["acme/secret"]\n[digest]\nissue = "acme/team#1"\nallow_private = true\n'
    )
    assert invoke(gh, workdir, "digest", "--period", "2026-W47", "--post").exit_code == 0
    assert len(gh.comments("acme/team", 1)) == 1


def test_bad_token_is_reported_per_source_and_never_printed(gh: FakeGitHub, workdir: Path) -> None:
    result = invoke(
        gh,
        workdir,
        "report",
        "--period",
        "2026-W47",
        "--format",
        "json",
        env={"GITHUB_TOKEN": "ghp_wrong_secret_value"},
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    (source,) = data["sources"]
    assert source["ok"] is False and "401" in source["error"]
    assert "ghp_wrong_secret_value" not in result.output
    posted = invoke(
        gh,
        workdir,
        "digest",
        "--period",
        "2026-W47",
        "--post",
        env={"GITHUB_TOKEN": "ghp_wrong_secret_value"},
    )
    assert posted.exit_code == 1
    assert "not posting the digest: the sync was incomplete" in posted.stderr
    assert "ghp_wrong_secret_value" not in posted.output


def test_faults_are_retried_with_identical_results(
    gh: FakeGitHub, workdir: Path, tmp_path: Path
) -> None:
    seed_week(gh)
    clean = report(gh, workdir)
    other = tmp_path / "other"
    other.mkdir()
    (other / "followthrough.toml").write_text((workdir / "followthrough.toml").read_text())
    gh.fail(r"/issues$", status=502, times=2)
    gh.fail_secondary_rate_limit(r"/issues/comments$", retry_after=0)
    gh.fail(r"/pulls/comments$", status=429, headers={"Retry-After": "0"})
    faulty = report(gh, other)
    for data in (clean, faulty):
        data.pop("generated_at")
    assert faulty == clean


def test_why_explains_a_promise(gh: FakeGitHub, workdir: Path) -> None:
    n = seed_week(gh)
    result = invoke(gh, workdir, "why", f"github:acme/api#{n['retro']}:body:2")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "phrase:     'Wed' read in Europe/Berlin" in out
    assert "revision:" in out and "on time, via command" in out
    assert "ignored '/done 2' by bob" in out
    assert "status:     open" in out
    missing = invoke(gh, workdir, "why", "github:acme/api#999:body:1", "--offline")
    assert missing.exit_code == 2
    assert 'no promise matches "github:acme/api#999:body:1"' in missing.stderr


def test_a_deleted_review_comment_takes_its_promise_with_it(gh: FakeGitHub, workdir: Path) -> None:
    pr = gh.add_pr(
        "acme/api", title="Add retries", user="newbie", created_at="2026-11-16T08:00:00Z"
    )
    rc = gh.add_review_comment(
        "acme/api",
        pr,
        user="mara",
        body="/promise add a backoff test by Friday",
        created_at="2026-11-16T09:00:00Z",
    )
    promise_id = f"github:acme/api#{pr}:review-comment:{rc}:1"
    assert promise_id in by_id(report(gh, workdir, now="2026-11-17T10:00:00+01:00"))
    gh.delete_review_comment(rc)
    gh.clear_requests()
    data = report(gh, workdir, now="2026-11-17T11:00:00+01:00")
    assert promise_id not in by_id(data)
    assert f"/repos/acme/api/pulls/{pr}/comments" in [r.path for r in gh.requests]


def test_a_repo_made_private_after_the_sync_is_still_refused(gh: FakeGitHub, workdir: Path) -> None:
    gh.add_issue(
        "acme/api",
        title="Plan",
        user="mara",
        body="/promise share it by Friday",
        created_at="2026-11-16T08:00:00Z",
    )
    assert report(gh, workdir)["promises"]  # synced while acme/api was public
    gh.set_private("acme/api", True)
    result = invoke(gh, workdir, "digest", "--period", "2026-W47", "--post", "--offline")
    assert result.exit_code == 1
    assert "refusing to post: the digest shows text from private repos (acme/api)" in result.stderr
    assert gh.comments("acme/team", 1) == []
