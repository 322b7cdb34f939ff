"""The command line as a user meets it: help, init, exact error messages, files, the clock.

Errors are one line naming the thing and the fix, exit 2 for bad input, and
never a traceback. Outputs depend on the injected clock and the team zone only,
never on the machine's TZ.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from followthrough.cli import cli
from tests.fakes.github import FakeGitHub

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "ghp_ux_token_0123456789"
NOW = "2026-11-25T10:00:00+01:00"  # Wednesday of W48


def run_cli(*args: str, env: dict[str, str | None] | None = None) -> Result:
    base: dict[str, str | None] = {
        "FOLLOWTHROUGH_NOW": None,
        "GITHUB_TOKEN": None,
        "GITHUB_API_URL": None,
        "JIRA_API_TOKEN": None,
        "JIRA_EMAIL": None,
    }
    base.update(env or {})
    return CliRunner().invoke(cli, list(args), env=base, catch_exceptions=False)


def assert_user_error(result: Result, message: str) -> None:
    """Exit 2, exactly one line on stderr, and no traceback anywhere."""
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {message}\n"
    assert "Traceback" not in result.output
    assert result.stdout == ""


# --- help -------------------------------------------------------------------------------------


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path) or "followthrough", command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from walk(sub, (*path, name))


def all_commands() -> list[tuple[str, click.Command]]:
    return list(walk(cli))


def test_the_spec_commands_exist() -> None:
    names = {name for name, _ in all_commands()}
    assert {"init", "sync", "report", "digest", "run", "why", "demo"} <= names


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=lambda v: str(v))
def test_every_command_and_option_has_help(name: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"{name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"{name} {param.opts[0]} has no help text"


@pytest.mark.parametrize(("name", "command"), all_commands(), ids=lambda v: str(v))
def test_help_runs_for_every_command(name: str, command: click.Command) -> None:
    args = [] if name == "followthrough" else name.split()
    result = run_cli(*args, "--help")
    assert result.exit_code == 0, result.output
    assert (command.help or "").split("\n")[0].strip() in result.stdout


# --- init -------------------------------------------------------------------------------------


def test_init_writes_a_config_that_loads(tmp_path: Path) -> None:
    config = tmp_path / "followthrough.toml"
    result = run_cli("init", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert config.is_file()
    assert f"Wrote {config}." in result.stdout
    report = run_cli(
        "--now",
        NOW,
        "report",
        "--offline",
        "--config",
        str(config),
        "--db",
        str(tmp_path / "ft.db"),
        "--format",
        "json",
    )
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout)["promises"] == []


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    config = tmp_path / "followthrough.toml"
    config.write_text("# mine\n", encoding="utf-8")
    result = run_cli("init", "--config", str(config))
    assert_user_error(result, f"{config}: already exists (use --force to overwrite)")
    assert config.read_text(encoding="utf-8") == "# mine\n"
    forced = run_cli("init", "--config", str(config), "--force")
    assert forced.exit_code == 0, forced.output
    assert config.read_text(encoding="utf-8") != "# mine\n"


def test_init_writes_the_documented_example(tmp_path: Path) -> None:
    config = tmp_path / "followthrough.toml"
    assert run_cli("init", "--config", str(config)).exit_code == 0
    assert config.read_text(encoding="utf-8") == (ROOT / "config.example.toml").read_text(
        encoding="utf-8"
    )


# --- bad input ------------------------------------------------------------------------------------


def offline_report(config: Path, db: Path, *extra: str, now: str = NOW) -> Result:
    return run_cli(
        "--now", now, "report", "--offline", "--config", str(config), "--db", str(db), *extra
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[github]\nrepos = "acme/api"\n',
            '{file}:2: [github] repos must be a list of "owner/name" or "owner/*", got "acme/api"',
        ),
        (
            'timezone = "Mars/Olympus"\n',
            '{file}:1: timezone must be an IANA time zone name like "Europe/Berlin", '
            'got "Mars/Olympus"',
        ),
        (
            '# a comment\n[digest]\nissue = "acme/team"\n',
            '{file}:3: [digest] issue must be an issue like "owner/repo#1", got "acme/team"',
        ),
        (
            "[wins]\nlong_running_days = -1\n",
            "{file}:2: [wins] long_running_days must be a whole number of days (0 or more), got -1",
        ),
        (
            '[github]\nrepo = ["acme/api"]\n',
            "{file}:2: unknown key [github] repo (known keys: repos, label, api_url)",
        ),
        (
            '[github]\ntoken = "ghp_in_the_file"\n',
            "{file}:2: [github] token looks like a secret; secrets never go in the file: set "
            "GITHUB_TOKEN, JIRA_API_TOKEN or JIRA_EMAIL in the environment instead",
        ),
    ],
)
def test_bad_config_is_one_line_naming_file_line_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    config = tmp_path / "followthrough.toml"
    config.write_text(text, encoding="utf-8")
    result = offline_report(config, tmp_path / "ft.db")
    assert_user_error(result, message.format(file=config))
    assert "ghp_in_the_file" not in result.output


def test_missing_config_says_how_to_make_one(tmp_path: Path) -> None:
    config = tmp_path / "nope.toml"
    result = offline_report(config, tmp_path / "ft.db")
    assert_user_error(result, f"{config}: no such file (create one with `followthrough init`)")


def test_invalid_toml_is_a_user_error(tmp_path: Path) -> None:
    config = tmp_path / "followthrough.toml"
    config.write_text("[github\nrepos = [", encoding="utf-8")
    result = offline_report(config, tmp_path / "ft.db")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {config}: not valid TOML: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "followthrough.toml"
    path.write_text('timezone = "Europe/Berlin"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("period", ["2026-47", "2026-W54", "W47", "2026-w47x"])
def test_bad_period_is_a_clear_user_error(config: Path, tmp_path: Path, period: str) -> None:
    result = offline_report(config, tmp_path / "ft.db", "--period", period)
    assert_user_error(
        result, f'--period must be an ISO week like 2026-W47 (or "last"), got "{period}"'
    )


def test_period_and_since_together_are_refused(config: Path, tmp_path: Path) -> None:
    result = offline_report(
        config, tmp_path / "ft.db", "--period", "2026-W47", "--since", "2026-11-01"
    )
    assert_user_error(result, "use either --period or --since/--until, not both")


def test_bad_since_is_a_clear_user_error(config: Path, tmp_path: Path) -> None:
    result = offline_report(config, tmp_path / "ft.db", "--since", "last tuesday")
    assert_user_error(result, '--since must be an ISO date like 2026-11-16, got "last tuesday"')


@pytest.mark.parametrize("source", ["option", "env"])
def test_bad_clock_is_a_clear_user_error(config: Path, tmp_path: Path, source: str) -> None:
    args = ["report", "--offline", "--config", str(config), "--db", str(tmp_path / "ft.db")]
    if source == "option":
        result = run_cli("--now", "garbage", *args)
    else:
        result = run_cli(*args, env={"FOLLOWTHROUGH_NOW": "garbage"})
    assert_user_error(
        result,
        "--now / FOLLOWTHROUGH_NOW must be an ISO 8601 time like 2026-11-20T09:00:00+01:00, "
        'got "garbage"',
    )


def test_db_in_a_missing_nested_folder_is_created(config: Path, tmp_path: Path) -> None:
    db = tmp_path / "a" / "b" / "c" / "ft.db"
    result = offline_report(config, db)
    assert result.exit_code == 0, result.output
    assert db.is_file()


def test_corrupt_db_is_not_a_followthrough_cache(config: Path, tmp_path: Path) -> None:
    db = tmp_path / "ft.db"
    db.write_bytes(b"\x00\xffnot sqlite at all\x13\x37" * 200)
    result = offline_report(config, db)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {db}: not a followthrough cache (")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert db.read_bytes().startswith(b"\x00\xffnot sqlite")  # never overwritten


def test_another_apps_sqlite_database_is_refused_and_left_alone(
    config: Path, tmp_path: Path
) -> None:
    db = tmp_path / "notes.db"
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    result = offline_report(config, db)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"notes"}
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {db}: not a followthrough cache")


def test_unwritable_output_is_a_user_error(config: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    out = blocker / "out.json"  # a folder that is a file
    result = offline_report(config, tmp_path / "ft.db", "--format", "json", "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {out}: cannot write (")
    assert "Traceback" not in result.output


# --- with data -------------------------------------------------------------------------------------


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(token=TOKEN) as fake:
        fake.add_repo("acme/api")
        retro = fake.add_issue(
            "acme/api",
            title="Retro",
            user="mara",
            body="/promise send the retro notes by Friday",
            created_at="2026-11-16T08:00:00Z",
        )
        fake.add_comment(
            "acme/api", retro, user="mara", body="/done", created_at="2026-11-19T15:00:00Z"
        )
        fake.add_issue(
            "acme/api",
            title="Flaky CI",
            user="tomas",
            body="/promise quarantine the flaky test by Thursday 15:00\n/promise fix it for good",
            created_at="2026-11-16T12:00:00Z",
        )
        yield fake


@pytest.fixture
def synced(gh: FakeGitHub, tmp_path: Path) -> tuple[Path, Path]:
    """A config and a cache holding W47, synced once from the fake GitHub."""
    config = tmp_path / "followthrough.toml"
    config.write_text(
        'timezone = "Europe/Berlin"\n[github]\nrepos = ["acme/api"]\n', encoding="utf-8"
    )
    db = tmp_path / "cache" / "ft.db"
    result = run_cli(
        "--now",
        NOW,
        "sync",
        "--config",
        str(config),
        "--db",
        str(db),
        env={"GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": gh.url},
    )
    assert result.exit_code == 0, result.output
    return config, db


def json_report(config: Path, db: Path, *extra: str, **kwargs: Any) -> dict[str, Any]:
    result = offline_report(
        config, db, "--period", "2026-W47", "--format", "json", *extra, **kwargs
    )
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_owner_filters_promises(synced: tuple[Path, Path]) -> None:
    config, db = synced
    everyone = json_report(config, db)
    assert {p["owner"] for p in everyone["promises"]} == {"mara", "tomas"}
    tomas = json_report(config, db, "--owner", "tomas")
    assert {p["owner"] for p in tomas["promises"]} == {"tomas"}
    assert len(tomas["promises"]) == 2
    assert set(tomas["stats"]["by_owner"]) == {"tomas"}
    assert tomas["stats"]["team"]["scored"] == 1
    assert json_report(config, db, "--owner", "nobody")["promises"] == []


def test_html_output_is_one_self_contained_file(synced: tuple[Path, Path], tmp_path: Path) -> None:
    config, db = synced
    out = tmp_path / "site" / "out.html"
    result = offline_report(config, db, "--period", "2026-W47", "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"Wrote {out}" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert html.rstrip().lower().endswith("</html>")
    lowered = html.lower()
    for external in ("<link", "<script src", "<img", "@import", "url(http"):
        assert external not in lowered, external
    assert "send the retro notes" in html and "<svg" in html


def test_output_file_gets_exactly_what_stdout_would(
    synced: tuple[Path, Path], tmp_path: Path
) -> None:
    config, db = synced
    printed = offline_report(config, db, "--period", "2026-W47", "--format", "markdown")
    out = tmp_path / "report.md"
    written = offline_report(
        config, db, "--period", "2026-W47", "--format", "markdown", "-o", str(out)
    )
    assert printed.exit_code == written.exit_code == 0
    assert out.read_text(encoding="utf-8") == printed.stdout


def test_generated_at_is_the_injected_clock(synced: tuple[Path, Path]) -> None:
    config, db = synced
    assert json_report(config, db)["generated_at"] == NOW
    # No offset: the team zone (Berlin, +01:00 in November).
    assert json_report(config, db, now="2026-11-25T10:00:00")["generated_at"] == NOW
    assert json_report(config, db, now="2026-11-25T09:00:00Z")["generated_at"] == NOW


def test_now_option_wins_over_the_environment(synced: tuple[Path, Path]) -> None:
    config, db = synced
    args = ["report", "--offline", "--config", str(config), "--db", str(db), "--format", "json"]
    from_env = run_cli(*args, env={"FOLLOWTHROUGH_NOW": "2026-11-18T10:00:00+01:00"})
    assert from_env.exit_code == 0, from_env.output
    data = json.loads(from_env.stdout)
    assert (data["generated_at"], data["period"]["label"]) == (
        "2026-11-18T10:00:00+01:00",
        "2026-W47",
    )
    both = run_cli("--now", NOW, *args, env={"FOLLOWTHROUGH_NOW": "2026-11-18T10:00:00+01:00"})
    assert both.exit_code == 0, both.output
    data = json.loads(both.stdout)
    assert (data["generated_at"], data["period"]["label"]) == (NOW, "2026-W48")


def test_a_wall_time_in_the_dst_gap_is_a_real_instant_with_the_zones_offset(
    config: Path, tmp_path: Path
) -> None:
    result = offline_report(
        config, tmp_path / "ft.db", "--format", "json", now="2026-03-29T02:30:00"
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["generated_at"] == "2026-03-29T03:30:00+02:00"


def test_default_period_is_the_clocks_week(synced: tuple[Path, Path]) -> None:
    config, db = synced
    result = offline_report(config, db, "--format", "json")
    data = json.loads(result.stdout)
    assert data["period"] == {
        "label": "2026-W48",
        "start": "2026-11-23T00:00:00+01:00",
        "end": "2026-11-30T00:00:00+01:00",
    }
    last = json.loads(offline_report(config, db, "--format", "json", "--period", "last").stdout)
    assert last["period"]["label"] == "2026-W47"


def subprocess_cli(args: list[str], *, tz: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        "TZ": tz,
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    return subprocess.run(
        [sys.executable, "-m", "followthrough", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_outputs_do_not_depend_on_the_machines_time_zone(synced: tuple[Path, Path]) -> None:
    config, db = synced
    outputs: dict[str, list[str]] = {}
    for tz in ("UTC", "Pacific/Kiritimati"):  # +14:00, the farthest from Berlin
        runs = []
        for fmt in ("json", "text"):
            done = subprocess_cli(
                [
                    "--now",
                    "2026-11-25T00:30:00",  # no offset: the team zone, a different day in UTC+14
                    "report",
                    "--offline",
                    "--config",
                    str(config),
                    "--db",
                    str(db),
                    "--format",
                    fmt,
                ],
                tz=tz,
            )
            assert done.returncode == 0, done.stderr
            runs.append(done.stdout)
        outputs[tz] = runs
    assert outputs["UTC"] == outputs["Pacific/Kiritimati"]
    data = json.loads(outputs["UTC"][0])
    assert data["generated_at"] == "2026-11-25T00:30:00+01:00"
    assert data["period"]["label"] == "2026-W48"
