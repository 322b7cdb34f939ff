"""Configuration: every key validated, errors name the file, key and line (SPEC §5, §7)."""

from __future__ import annotations

import tomllib
from datetime import time, timedelta
from pathlib import Path

import pytest

from followthrough.config import (
    DEFAULT_WONTDO,
    ConfigError,
    Secrets,
    config_from_mapping,
    load_config,
)

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "followthrough.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text), env={})
    return str(info.value)


def test_defaults_without_a_file() -> None:
    config = config_from_mapping({}, env={})
    assert config.timezone_name == "UTC"
    assert config.workdays == (0, 1, 2, 3, 4)
    assert config.workday_end == time(17, 0)
    assert config.grace == timedelta(0)
    assert config.github.label == "commitment"
    assert config.jira.wontdo_resolutions == DEFAULT_WONTDO
    assert config.wins.long_running_days == 14
    assert config.wins.labels["fix"] == ("bug", "fix", "bugfix")
    assert config.digest.mentions is False and config.digest.allow_private is False


def test_the_example_file_documents_every_key_and_loads() -> None:
    example = ROOT / "config.example.toml"
    packaged = ROOT / "followthrough" / "templates" / "config.example.toml"
    assert example.read_text() == packaged.read_text()
    raw = tomllib.loads(example.read_text())
    keys = {k for k, v in raw.items() if not isinstance(v, dict)}
    keys |= {f"{s}.{k}" for s, table in raw.items() if isinstance(table, dict) for k in table}
    assert keys == {
        "timezone",
        "workdays",
        "workday_end",
        "date_order",
        "grace",
        "people.leaders",
        "people.timezones",
        "people.aliases",
        "github.repos",
        "github.label",
        "github.api_url",
        "jira.server",
        "jira.jql",
        "jira.wontdo_resolutions",
        "wins.long_running_days",
        "wins.exclude",
        "wins.labels",
        "digest.issue",
        "digest.template",
        "digest.mentions",
        "digest.allow_private",
    }
    load_config(example, env={})


def test_full_config_is_read(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """
timezone = "Europe/Berlin"
workdays = ["Sun", "Mon", "Tue", "Wed", "Thu"]
workday_end = "18:30"
date_order = "DMY"
grace = "90m"
[people]
leaders = ["mara"]
timezones = { alice = "America/New_York" }
aliases = { "557058:f1c2" = "octocat", "bob@acme.io" = "bob" }
[github]
repos = ["acme/api", "acme/*"]
label = "promise"
api_url = "https://ghe.example.com/api/v3/"
[jira]
server = "https://acme.atlassian.net/"
jql = "project = OPS"
wontdo_resolutions = ["Obsolete"]
[wins]
long_running_days = 7
exclude = ["renovate"]
labels = { fix = ["hotfix"] }
[digest]
issue = "acme/team#1"
mentions = true
""",
        ),
        env={"GITHUB_TOKEN": "ghp_secret", "GITHUB_API_URL": "https://ignored"},
    )
    assert config.workdays == (0, 1, 2, 3, 6)
    assert config.workday_end == time(18, 30)
    assert config.grace == timedelta(minutes=90)
    assert config.zone_for("alice").key == "America/New_York"  # type: ignore[attr-defined]
    assert config.zone_for("bob") is config.timezone
    assert config.alias("bob@acme.io") == "bob"
    assert config.github_api_url() == "https://ghe.example.com/api/v3"
    assert config.jira.server == "https://acme.atlassian.net"
    assert config.jira.wontdo_resolutions == ("Obsolete",)
    assert config.wins.labels == {
        "fix": ("hotfix",),
        "tests": ("test", "tests", "testing"),
        "docs": ("documentation", "docs"),
    }
    assert config.secrets.github_token == "ghp_secret"
    assert "ghp_secret" not in repr(config)


def test_api_url_falls_back_to_environment_then_public() -> None:
    assert (
        config_from_mapping({}, env={"GITHUB_API_URL": "https://ghe/api/v3/"}).github_api_url()
        == "https://ghe/api/v3"
    )
    assert config_from_mapping({}, env={}).github_api_url() == "https://api.github.com"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'timezone = "Mars/Olympus"\n',
            'followthrough.toml:1: timezone must be an IANA time zone name like "Europe/Berlin", got "Mars/Olympus"',
        ),
        (
            'grace = "soon"\n',
            'followthrough.toml:1: grace must be a duration like "0m", "90m", "2h" or "1d", got "soon"',
        ),
        (
            'workday_end = "5pm"\n',
            'followthrough.toml:1: workday_end must be a time of day "HH:MM", got "5pm"',
        ),
        (
            'date_order = "YMD"\n',
            'followthrough.toml:1: date_order must be "", "MDY" or "DMY", got "YMD"',
        ),
        (
            'workdays = ["Mon", "Funday"]\n',
            'followthrough.toml:1: workdays must be a non-empty list of weekdays from "Mon" to "Sun", got "Funday"',
        ),
        (
            '[github]\nrepos = ["acme"]\n',
            'followthrough.toml:2: [github] repos must be a list of "owner/name" or "owner/*", got "acme"',
        ),
        (
            '[github]\nrepos = "acme/api"\n',
            'followthrough.toml:2: [github] repos must be a list of "owner/name" or "owner/*", got "acme/api"',
        ),
        (
            '[digest]\nissue = "acme/team"\n',
            'followthrough.toml:2: [digest] issue must be an issue like "owner/repo#1", got "acme/team"',
        ),
        (
            '[digest]\nmentions = "no"\n',
            'followthrough.toml:2: [digest] mentions must be true or false, got "no"',
        ),
        (
            '[people]\ntimezones = { alice = "Nowhere" }\n',
            'followthrough.toml:2: [people] timezones must be a table of login = "IANA zone" (alice has an unknown zone), got "Nowhere"',
        ),
        (
            "[wins]\nlong_running_days = -1\n",
            "followthrough.toml:2: [wins] long_running_days must be a whole number of days (0 or more), got -1",
        ),
        (
            '[jira]\nserver = "https://j.example"\n',
            "followthrough.toml: [jira] jql must be set when [jira] server is set (the tickets to track)",
        ),
    ],
)
def test_bad_values_name_file_line_key_and_expectation(
    tmp_path: Path, text: str, message: str
) -> None:
    assert error_for(tmp_path, text).replace(str(tmp_path) + "/", "") == message


def test_unknown_key_is_an_error_not_a_silent_default(tmp_path: Path) -> None:
    message = error_for(tmp_path, '[github]\nrepo = ["acme/api"]\n')
    assert message.endswith(
        "followthrough.toml:2: unknown key [github] repo (known keys: repos, label, api_url)"
    )


def test_a_token_in_the_file_is_refused_with_a_pointer_to_the_environment(tmp_path: Path) -> None:
    message = error_for(tmp_path, '[github]\ntoken = "ghp_abc"\n')
    assert "GITHUB_TOKEN" in message
    assert "ghp_abc" not in message


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    message = error_for(tmp_path, 'timezone = "UTC"\nworkdays = [Mon]\n')
    assert message.startswith(str(tmp_path / "followthrough.toml") + ": not valid TOML:")
    assert "line 2" in message


def test_missing_file_points_to_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no such file \(create one with `followthrough init`\)"):
        load_config(tmp_path / "nope.toml", env={})


def test_secrets_are_redacted_and_hidden_from_repr() -> None:
    secrets = Secrets.from_env({"GITHUB_TOKEN": "ghp_abcdef", "JIRA_API_TOKEN": "jira-xyz"})
    assert "ghp_abcdef" not in repr(secrets) and "jira-xyz" not in repr(secrets)
    assert secrets.redact("Bearer ghp_abcdef failed, jira-xyz too") == "Bearer *** failed, *** too"
