"""End to end: the CLI over a mixed config, GitHub on FakeGitHub and Jira on FakeJira.

One person, two trackers: ``[people] aliases`` maps a Jira accountId (or an
email) to the GitHub login, so the report has one row per person. A failing
Jira is reported beside a working GitHub, and blocks posting unless
``--allow-partial``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from followthrough.cli import cli
from tests.fakes.github import FakeGitHub
from tests.fakes.jira import FakeJira

GH_TOKEN = "ghp_mixed_token_0123456789"
NOW = "2026-11-25T10:00:00+01:00"  # Wednesday of W48; W47 is the last full week
BERLIN = ZoneInfo("Europe/Berlin")
JQL = "project = OPS AND labels = commitment"
# Jira users: (accountId, display name, email)
BOB = ("557058:bob-0001", "Bob Builder", None)  # mapped by accountId
CARA = ("557058:cara-0002", "Cara Diaz", "cara@acme.io")  # mapped by email
DANA = ("557058:dana-0003", "Dana Quist", None)  # unmapped


def at(text: str) -> datetime:
    """A Berlin wall time in W47 and after: ``at("11-19 12:00")``."""
    return datetime.fromisoformat(f"2026-{text}").replace(tzinfo=BERLIN)


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=GH_TOKEN) as fake:
        fake.add_repo("acme/api")
        fake.add_repo("acme/team")
        fake.add_issue("acme/team", title="Team digest", created_at="2026-09-01T09:00:00Z")
        yield fake


@pytest.fixture
def jira() -> Iterator[FakeJira]:
    with FakeJira(deployment="Cloud") as fake:
        yield fake


def write_config(workdir: Path, jira: FakeJira, *, jql: str = JQL) -> None:
    (workdir / "followthrough.toml").write_text(
        'timezone = "Europe/Berlin"\n'
        "[people]\n"
        f'aliases = {{ "{BOB[0]}" = "bob", "cara@acme.io" = "cara" }}\n'
        '[github]\nrepos = ["acme/api"]\n'
        f'[jira]\nserver = "{jira.url}"\njql = "{jql}"\n'
        '[digest]\nissue = "acme/team#1"\n',
        encoding="utf-8",
    )


@pytest.fixture
def workdir(tmp_path: Path, jira: FakeJira) -> Path:
    write_config(tmp_path, jira)
    return tmp_path


def invoke(
    gh: FakeGitHub,
    jira: FakeJira,
    workdir: Path,
    *args: str,
    env: dict[str, str | None] | None = None,
) -> Result:
    base_env: dict[str, str | None] = {
        "GITHUB_TOKEN": GH_TOKEN,
        "GITHUB_API_URL": gh.url,
        "JIRA_EMAIL": jira.email,
        "JIRA_API_TOKEN": jira.token,
        "FOLLOWTHROUGH_NOW": NOW,
        "FOLLOWTHROUGH_RETRY_BACKOFF": "0",
    }
    base_env.update(env or {})
    result = CliRunner().invoke(
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
    # SPEC §7: tokens never appear in any output.
    for secret in (GH_TOKEN, jira.token, (env or {}).get("JIRA_API_TOKEN")):
        if secret:
            assert secret not in result.output
    return result


def report(
    gh: FakeGitHub, jira: FakeJira, workdir: Path, *, env: dict[str, str | None] | None = None
) -> dict[str, Any]:
    result = invoke(
        gh, jira, workdir, "report", "--period", "2026-W47", "--format", "json", env=env
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in data["promises"]}


def seed_github(gh: FakeGitHub) -> dict[str, int]:
    """bob keeps one promise on GitHub; cara lets one lapse."""
    guide = gh.add_issue(
        "acme/api",
        title="Migration guide",
        user="bob",
        body="/promise write the migration guide by Thursday",
        created_at="2026-11-16T08:00:00Z",
    )
    gh.add_comment("acme/api", guide, user="bob", body="/done", created_at="2026-11-18T15:00:00Z")
    rfc = gh.add_issue(
        "acme/api",
        title="RFC review",
        user="cara",
        body="/promise review the storage RFC by Friday",
        created_at="2026-11-16T09:00:00Z",
    )
    return {"guide": guide, "rfc": rfc}


def add(jira: FakeJira, key: str, *, assignee: tuple[str, str, str | None], due: str) -> None:
    jira.add_issue(
        key,
        summary=f"Ticket {key}",
        created=at("11-16 09:00"),
        assignee=assignee,
        duedate=due,
        labels=("commitment",),
    )


def seed_jira(jira: FakeJira) -> dict[str, str]:
    # OPS-1, bob: done before its due.
    add(jira, "OPS-1", assignee=BOB, due="2026-11-20")
    jira.resolve("OPS-1", "Done", at=at("11-19 12:00"))
    # OPS-2, cara: due moved openly before it was due, then done in time.
    add(jira, "OPS-2", assignee=CARA, due="2026-11-18")
    jira.set_duedate("OPS-2", "2026-11-20", at=at("11-17 09:00"), author=CARA)
    jira.resolve("OPS-2", "Done", at=at("11-20 10:00"))
    # OPS-3, dana: due moved after it had passed, then done: late at best.
    add(jira, "OPS-3", assignee=DANA, due="2026-11-17")
    jira.set_duedate("OPS-3", "2026-11-19", at=at("11-18 09:00"), author=DANA)
    jira.resolve("OPS-3", "Done", at=at("11-19 11:00"))
    # OPS-4, bob: won't do, with his reason.
    add(jira, "OPS-4", assignee=BOB, due="2026-11-19")
    jira.add_comment(
        "OPS-4", author=BOB, body="Superseded by the new intake form.", created=at("11-18 10:00")
    )
    jira.resolve("OPS-4", "Won't Do", at=at("11-18 10:01"))
    # OPS-5, dana: done, then reopened: not done, and overdue at the week's end.
    add(jira, "OPS-5", assignee=DANA, due="2026-11-20")
    jira.resolve("OPS-5", "Done", at=at("11-18 09:00"))
    jira.reopen("OPS-5", at=at("11-19 09:00"))
    # A /promise in a Jira comment on OPS-1, by cara, done by her /done.
    promise = jira.add_comment(
        "OPS-1",
        author=CARA,
        body="Happy to help.\n/promise send the runbook by Friday",
        created=at("11-17 10:00"),
    )
    jira.add_comment("OPS-1", author=CARA, body="/done", created=at("11-19 16:00"))
    # Not matched by the JQL: never reported.
    jira.add_issue(
        "OPS-9",
        summary="Not a commitment",
        created=at("11-16 09:00"),
        assignee=BOB,
        duedate="2026-11-17",
    )
    return {"comment": promise}


def seed(gh: FakeGitHub, jira: FakeJira) -> dict[str, Any]:
    return {**seed_github(gh), **seed_jira(jira)}


def test_report_lists_github_and_jira_promises(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    n = seed(gh, jira)
    data = report(gh, jira, workdir)
    promises = by_id(data)
    assert data["sources"] == [
        {"name": "github", "ok": True, "error": None},
        {"name": "jira", "ok": True, "error": None},
    ]
    assert {p["source"] for p in data["promises"]} == {"github", "jira"}
    assert set(promises) == {
        f"github:acme/api#{n['guide']}:body:1",
        f"github:acme/api#{n['rfc']}:body:1",
        "jira:OPS-1",
        "jira:OPS-2",
        "jira:OPS-3",
        "jira:OPS-4",
        "jira:OPS-5",
        f"jira:OPS-1:comment:{n['comment']}:1",
    }
    ops1 = promises["jira:OPS-1"]
    assert (ops1["kind"], ops1["owner"], ops1["status"]) == ("ticket", "bob", "kept")
    assert ops1["url"] == f"{jira.url}/browse/OPS-1"
    assert ops1["text"] == "Ticket OPS-1"
    assert ops1["due_at"] == ops1["original_due_at"] == "2026-11-20T23:59:59+01:00"
    assert ops1["done_at"] == "2026-11-19T12:00:00+01:00"
    assert ops1["revisions"] == []
    cache = (workdir / "cache" / "ft.db").read_bytes()
    assert GH_TOKEN.encode() not in cache and jira.token.encode() not in cache


def test_aliases_make_one_row_per_person_across_sources(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    seed(gh, jira)
    data = report(gh, jira, workdir)
    by_owner = data["stats"]["by_owner"]
    assert set(by_owner) == {"bob", "cara", DANA[0]}
    # bob: GitHub guide kept + OPS-1 kept (accountId alias) + OPS-4 released.
    assert by_owner["bob"] == {
        "kept": 2,
        "late": 0,
        "overdue": 0,
        "released": 1,
        "open": 0,
        "undated": 0,
        "scored": 2,
        "rate": 1.0,
    }
    # cara: GitHub RFC overdue + OPS-2 kept (email alias) + the runbook comment promise kept.
    assert by_owner["cara"] == {
        "kept": 2,
        "late": 0,
        "overdue": 1,
        "released": 0,
        "open": 0,
        "undated": 0,
        "scored": 3,
        "rate": pytest.approx(2 / 3),
    }
    assert data["stats"]["team"]["scored"] == 7
    assert data["stats"]["team"]["kept"] == 4


def test_unmapped_jira_owner_is_its_account_id_with_the_display_name(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    seed(gh, jira)
    data = report(gh, jira, workdir)
    promises = by_id(data)
    for key in ("OPS-3", "OPS-5"):
        assert (promises[f"jira:{key}"]["owner"], promises[f"jira:{key}"]["owner_name"]) == (
            DANA[0],
            "Dana Quist",
        )
    assert data["stats"]["by_owner"][DANA[0]]["scored"] == 2
    assert data["stats"]["by_owner"][DANA[0]]["rate"] == 0.0
    # A mapped owner is the login, never the accountId.
    assert promises["jira:OPS-1"]["owner"] == "bob"
    assert promises["jira:OPS-2"]["owner"] == "cara"


def test_due_date_moved_before_and_after_the_due(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    seed(gh, jira)
    promises = by_id(report(gh, jira, workdir))
    openly = promises["jira:OPS-2"]
    assert openly["status"] == "kept"
    assert openly["original_due_at"] == "2026-11-18T23:59:59+01:00"
    assert openly["due_at"] == "2026-11-20T23:59:59+01:00"
    (revision,) = openly["revisions"]
    assert {k: revision[k] for k in ("at", "from", "to", "on_time", "via")} == {
        "at": "2026-11-17T09:00:00+01:00",
        "from": "2026-11-18T23:59:59+01:00",
        "to": "2026-11-20T23:59:59+01:00",
        "on_time": True,
        "via": "jira",
    }
    late = promises["jira:OPS-3"]
    assert late["status"] == "late"  # done before the new due, but the revision came too late
    assert late["done_at"] == "2026-11-19T11:00:00+01:00"
    (revision,) = late["revisions"]
    assert {k: revision[k] for k in ("at", "from", "to", "on_time", "via")} == {
        "at": "2026-11-18T09:00:00+01:00",
        "from": "2026-11-17T23:59:59+01:00",
        "to": "2026-11-19T23:59:59+01:00",
        "on_time": False,
        "via": "jira",
    }


def test_done_wont_do_and_reopened(gh: FakeGitHub, jira: FakeJira, workdir: Path) -> None:
    seed(gh, jira)
    promises = by_id(report(gh, jira, workdir))
    wont = promises["jira:OPS-4"]
    assert (wont["status"], wont["released_reason"]) == (
        "released",
        "Superseded by the new intake form.",
    )
    assert wont["due_at"] == "2026-11-19T23:59:59+01:00"  # released promises keep their due
    reopened = promises["jira:OPS-5"]
    assert (reopened["status"], reopened["done_at"]) == ("overdue", None)


def test_promise_in_a_jira_comment(gh: FakeGitHub, jira: FakeJira, workdir: Path) -> None:
    n = seed(gh, jira)
    promise = by_id(report(gh, jira, workdir))[f"jira:OPS-1:comment:{n['comment']}:1"]
    assert (promise["source"], promise["kind"], promise["owner"]) == ("jira", "inline", "cara")
    assert promise["text"] == "send the runbook"
    assert promise["made_at"] == "2026-11-17T10:00:00+01:00"
    assert promise["due_at"] == "2026-11-20T23:59:59+01:00"
    assert promise["done_at"] == "2026-11-19T16:00:00+01:00"
    assert promise["status"] == "kept"


def test_data_center_with_a_personal_access_token_alone(gh: FakeGitHub, tmp_path: Path) -> None:
    with FakeJira(deployment="DataCenter") as dc:
        dc.add_issue(
            "OPS-1",
            summary="Rotate the on-call keys",
            created=at("11-16 09:00"),
            assignee=("bbuilder", "Bob Builder", "bob@acme.io"),
            duedate="2026-11-20",
            labels=("commitment",),
        )
        dc.resolve("OPS-1", "Done", at=at("11-20 09:00"))
        (tmp_path / "followthrough.toml").write_text(
            'timezone = "Europe/Berlin"\n'
            '[people]\naliases = { "bob@acme.io" = "bob" }\n'
            f'[jira]\nserver = "{dc.url}"\njql = "{JQL}"\n',
            encoding="utf-8",
        )
        data = report(gh, dc, tmp_path, env={"JIRA_EMAIL": None})
        assert any(r.path == "/rest/api/2/search" for r in dc.requests)
    assert data["sources"] == [{"name": "jira", "ok": True, "error": None}]
    (promise,) = data["promises"]
    assert (promise["id"], promise["owner"], promise["status"]) == ("jira:OPS-1", "bob", "kept")


def test_cloud_token_without_email_is_read_as_a_data_center_token(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    seed(gh, jira)
    data = report(gh, jira, workdir, env={"JIRA_EMAIL": None})
    jira_source = data["sources"][1]
    assert jira_source == {
        "name": "jira",
        "ok": False,
        "error": "Jira rejected the credentials (401) — check JIRA_API_TOKEN (alone it is used "
        "as a Data Center personal access token; set JIRA_EMAIL too for Jira Cloud)",
    }


# --- failure isolation ------------------------------------------------------------------------

BAD = "jira-wrong-token-0xDEADBEEF"
CREDENTIALS = "Jira rejected the credentials (401) — check JIRA_EMAIL/JIRA_API_TOKEN"


def test_bad_jira_token_keeps_github_and_says_what_failed(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    n = seed(gh, jira)
    result = invoke(
        gh,
        jira,
        workdir,
        "report",
        "--period",
        "2026-W47",
        "--format",
        "json",
        env={"JIRA_API_TOKEN": BAD},
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sources"] == [
        {"name": "github", "ok": True, "error": None},
        {"name": "jira", "ok": False, "error": CREDENTIALS},
    ]
    assert set(by_id(data)) == {
        f"github:acme/api#{n['guide']}:body:1",
        f"github:acme/api#{n['rfc']}:body:1",
    }
    assert f"Warning: jira could not be read: {CREDENTIALS}" in result.stderr
    assert BAD not in (workdir / "cache" / "ft.db").read_bytes().decode("latin-1")


def test_partial_sync_blocks_posting_unless_allowed(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    seed(gh, jira)
    env: dict[str, str | None] = {"JIRA_API_TOKEN": BAD}
    refused = invoke(gh, jira, workdir, "digest", "--period", "2026-W47", "--post", env=env)
    assert refused.exit_code == 1
    assert (
        f"Error: not posting the digest: the sync was incomplete (jira: {CREDENTIALS}); "
        "fix it or pass --allow-partial"
    ) in refused.stderr
    assert gh.comments("acme/team", 1) == []
    assert gh.count("POST") == 0

    allowed = invoke(
        gh, jira, workdir, "digest", "--period", "2026-W47", "--post", "--allow-partial", env=env
    )
    assert allowed.exit_code == 0, allowed.output
    (comment,) = gh.comments("acme/team", 1)
    assert comment["body"].startswith("<!-- followthrough:digest 2026-W47 -->\n")
    assert "Incomplete: jira could not be read" in comment["body"]
    assert BAD not in comment["body"] and jira.token not in comment["body"]


def test_sync_reports_each_source_and_fails_when_one_did(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    seed(gh, jira)
    env: dict[str, str | None] = {"JIRA_API_TOKEN": BAD}
    failed = invoke(gh, jira, workdir, "sync", env=env)
    assert failed.exit_code == 1
    assert "github: ok (" in failed.stderr
    assert f"jira: FAILED: {CREDENTIALS} (" in failed.stderr
    assert f"Error: sync incomplete: jira: {CREDENTIALS}\n" in failed.stderr
    allowed = invoke(gh, jira, workdir, "sync", "--allow-partial", env=env)
    assert allowed.exit_code == 0, allowed.output


def test_run_without_allow_partial_fails_and_posts_nothing(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    seed(gh, jira)
    result = invoke(gh, jira, workdir, "run", "--period", "2026-W47", env={"JIRA_API_TOKEN": BAD})
    assert result.exit_code == 1
    assert "not posting the digest: the sync was incomplete" in result.stderr
    assert gh.comments("acme/team", 1) == []


def test_bad_jql_shows_jiras_own_message(gh: FakeGitHub, jira: FakeJira, workdir: Path) -> None:
    seed(gh, jira)
    write_config(workdir, jira, jql="projekt = OPS")
    data = report(gh, jira, workdir)
    assert data["sources"][0] == {"name": "github", "ok": True, "error": None}
    assert data["sources"][1] == {
        "name": "jira",
        "ok": False,
        "error": "Jira rejected the JQL: Field 'projekt' does not exist or you do not have "
        "permission to view it.",
    }
    assert {p["source"] for p in data["promises"]} == {"github"}


# --- more Jira shapes ----------------------------------------------------------------------------


def test_due_first_set_after_creation_is_the_original_not_a_revision(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    jira.add_issue(
        "OPS-1",
        summary="Later due",
        created=at("11-16 09:00"),
        assignee=BOB,
        labels=("commitment",),
    )
    jira.set_duedate("OPS-1", "2026-11-20", at=at("11-17 09:00"))
    jira.resolve("OPS-1", "Done", at=at("11-19 12:00"))
    promise = by_id(report(gh, jira, workdir))["jira:OPS-1"]
    assert promise["original_due_at"] == promise["due_at"] == "2026-11-20T23:59:59+01:00"
    assert (promise["revisions"], promise["status"]) == ([], "kept")


def test_workflow_without_resolution_is_done_by_its_status_category(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    add(jira, "OPS-1", assignee=BOB, due="2026-11-20")
    jira.transition("OPS-1", "Shipped", "done", at=at("11-19 12:00"))
    promise = by_id(report(gh, jira, workdir))["jira:OPS-1"]
    assert (promise["status"], promise["done_at"]) == ("kept", "2026-11-19T12:00:00+01:00")


def test_promise_in_a_jira_description_belongs_to_the_reporter(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    jira.add_issue(
        "OPS-1",
        summary="Postmortem",
        created=at("11-16 09:00"),
        reporter=CARA,
        labels=("commitment",),
        duedate="2026-11-20",
        description="Context first.\n/promise write the postmortem by Thursday",
    )
    promise = by_id(report(gh, jira, workdir))["jira:OPS-1:description:1"]
    assert (promise["owner"], promise["kind"], promise["text"]) == (
        "cara",
        "inline",
        "write the postmortem",
    )
    assert promise["made_at"] == "2026-11-16T09:00:00+01:00"
    assert promise["due_at"] == "2026-11-19T23:59:59+01:00"


def test_configured_wontdo_resolutions_replace_the_default(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    config = workdir / "followthrough.toml"
    config.write_text(
        config.read_text().replace(
            f'jql = "{JQL}"\n', f'jql = "{JQL}"\nwontdo_resolutions = ["Obsolete"]\n'
        )
    )
    add(jira, "OPS-1", assignee=BOB, due="2026-11-20")
    jira.resolve("OPS-1", "Obsolete", at=at("11-18 12:00"))
    add(jira, "OPS-2", assignee=BOB, due="2026-11-20")
    jira.resolve("OPS-2", "Won't Do", at=at("11-18 12:00"))
    promises = by_id(report(gh, jira, workdir))
    assert promises["jira:OPS-1"]["status"] == "released"
    assert promises["jira:OPS-2"]["status"] == "kept"  # no longer a won't-do resolution


def test_leaders_and_owner_zones_apply_to_aliased_jira_people(
    gh: FakeGitHub, jira: FakeJira, workdir: Path
) -> None:
    config = workdir / "followthrough.toml"
    config.write_text(
        config.read_text().replace(
            "[people]\n",
            '[people]\nleaders = ["cara"]\ntimezones = { cara = "America/New_York" }\n',
        )
    )
    n = seed(gh, jira)
    data = report(gh, jira, workdir)
    assert {p["owner"] for p in data["promises"]} == {"cara"}
    assert set(by_id(data)) == {
        f"github:acme/api#{n['rfc']}:body:1",
        "jira:OPS-2",
        f"jira:OPS-1:comment:{n['comment']}:1",
    }
    # "by Friday" read on cara's own clock; the Jira due date stays a team-zone day.
    runbook = by_id(data)[f"jira:OPS-1:comment:{n['comment']}:1"]
    assert runbook["due_at"] == "2026-11-21T05:59:59+01:00"
    assert by_id(data)["jira:OPS-2"]["due_at"] == "2026-11-20T23:59:59+01:00"
