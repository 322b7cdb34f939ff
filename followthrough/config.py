"""The frozen configuration: ``followthrough.toml`` plus secrets from the environment.

One cleaner per key turns the raw TOML value into a typed field or raises
:class:`ConfigError` with a message naming the file, the key (and its line when
it can be found) and what was expected. Unknown keys are errors too: a typo must
never silently fall back to a default.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followthrough.when import WhenRules

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_WONTDO = (
    "Won't Do",
    "Won't Fix",
    "Duplicate",
    "Cannot Reproduce",
    "Declined",
    "Rejected",
    "Incomplete",
)
DEFAULT_WIN_LABELS: Mapping[str, tuple[str, ...]] = {
    "fix": ("bug", "fix", "bugfix"),
    "tests": ("test", "tests", "testing"),
    "docs": ("documentation", "docs"),
}
PUBLIC_API_URL = "https://api.github.com"
REPO_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/(?:\*|[A-Za-z0-9._-]+)$")
ISSUE_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)#([1-9][0-9]*)$")
DURATION_RE = re.compile(r"^\s*(\d+)\s*(s|m|h|d|w)\s*$", re.IGNORECASE)
SECRET_KEY_RE = re.compile(r"token|password|secret|api_key|apikey", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class ConfigError(Exception):
    """The configuration cannot be used; the message is meant for the user as is."""


@dataclass(frozen=True)
class PeopleConfig:
    leaders: tuple[str, ...] = ()
    timezones: Mapping[str, tzinfo] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GithubConfig:
    repos: tuple[str, ...] = ()
    label: str = "commitment"
    api_url: str = ""


@dataclass(frozen=True)
class JiraConfig:
    server: str = ""
    jql: str = ""
    wontdo_resolutions: tuple[str, ...] = DEFAULT_WONTDO

    @property
    def enabled(self) -> bool:
        return bool(self.server)


@dataclass(frozen=True)
class WinsConfig:
    long_running_days: int = 14
    exclude: tuple[str, ...] = ()
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_WIN_LABELS))


@dataclass(frozen=True)
class DigestConfig:
    issue: str = ""
    template: str = ""
    mentions: bool = False
    allow_private: bool = False


def _backoff(text: str | None) -> float:
    """The environment's first-retry wait, clamped to 0..30 s; a bad value is the default."""
    try:
        return min(30.0, max(0.0, float(text))) if text else 0.5
    except ValueError:
        return 0.5


@dataclass(frozen=True)
class Secrets:
    """Tokens read from the environment only; never shown by repr()."""

    github_token: str | None = field(default=None, repr=False)
    jira_token: str | None = field(default=None, repr=False)
    jira_email: str | None = None
    github_api_url_env: str | None = None
    retry_backoff: float = 0.5  # seconds; FOLLOWTHROUGH_RETRY_BACKOFF, the first retry's wait

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Secrets:
        return cls(
            github_token=env.get("GITHUB_TOKEN") or None,
            jira_token=env.get("JIRA_API_TOKEN") or None,
            jira_email=env.get("JIRA_EMAIL") or None,
            github_api_url_env=env.get("GITHUB_API_URL") or None,
            retry_backoff=_backoff(env.get("FOLLOWTHROUGH_RETRY_BACKOFF")),
        )

    def redact(self, text: str) -> str:
        """Remove any token from a message that may have picked one up."""
        for secret in (self.github_token, self.jira_token):
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    timezone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))
    timezone_name: str = "UTC"
    workdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    workday_end: time = time(17, 0)
    date_order: str = ""
    grace: timedelta = timedelta(0)
    people: PeopleConfig = field(default_factory=PeopleConfig)
    github: GithubConfig = field(default_factory=GithubConfig)
    jira: JiraConfig = field(default_factory=JiraConfig)
    wins: WinsConfig = field(default_factory=WinsConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    secrets: Secrets = field(default_factory=Secrets, repr=False)

    @property
    def rules(self) -> WhenRules:
        return WhenRules(
            workdays=frozenset(self.workdays),
            workday_end=self.workday_end,
            date_order=self.date_order,
        )

    def zone_for(self, login: str) -> tzinfo:
        """The owner's zone: their own if configured, else the team's."""
        return self.people.timezones.get(login, self.timezone)

    def alias(self, *names: str | None) -> str | None:
        """The login that a Jira accountId or email maps to, if any."""
        for name in names:
            if name and name in self.people.aliases:
                return self.people.aliases[name]
        return None

    def github_api_url(self) -> str:
        url = self.github.api_url or self.secrets.github_api_url_env or PUBLIC_API_URL
        return url.rstrip("/")

    def derivation_key(self) -> str:
        """What the derived promises depend on; a change means re-deriving them."""
        parts = [
            self.timezone_name,
            ",".join(map(str, self.workdays)),
            self.workday_end.isoformat(),
            self.date_order,
            repr(sorted((k, str(v)) for k, v in self.people.timezones.items())),
            repr(sorted(self.people.aliases.items())),
            self.github.label.lower(),
            repr(sorted(self.jira.wontdo_resolutions)),
        ]
        return "|".join(parts)


# --- loading -----------------------------------------------------------------


class _Where:
    """Names a key in error messages: ``file: [section] key (line N)``."""

    def __init__(self, path: Path | None, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    @property
    def file(self) -> str:
        return str(self.path) if self.path else "configuration"

    def line_of(self, section: str | None, key: str) -> int | None:
        current: str | None = None
        key_re = re.compile(rf"^\s*(?:\"{re.escape(key)}\"|{re.escape(key)})\s*=")
        for number, line in enumerate(self.lines, start=1):
            header = re.match(r"^\s*\[([^\]]+)\]\s*(?:#.*)?$", line)
            if header:
                current = header.group(1).strip()
                continue
            if current == section and key_re.match(line):
                return number
        return None

    def error(self, section: str | None, key: str, expected: str, got: Any = None) -> ConfigError:
        name = f"[{section}] {key}" if section else key
        line = self.line_of(section, key)
        where = f"{self.file}:{line}" if line else self.file
        got_text = "" if got is None else f", got {_show(got)}"
        return ConfigError(f"{where}: {name} must be {expected}{got_text}")


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def parse_duration(text: str) -> timedelta | None:
    """``"90m"``, ``"2h"``, ``"1d"`` -> timedelta; None if unreadable."""
    match = DURATION_RE.match(text)
    if not match:
        return None
    return timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


def parse_zone_name(name: str) -> tzinfo | None:
    if not name or name.startswith("/") or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


Cleaner = Callable[[Any, "_Where", str | None, str], Any]


def _string(value: Any, where: _Where, section: str | None, key: str) -> str:
    if not isinstance(value, str):
        raise where.error(section, key, "a string", value)
    return value


def _bool(value: Any, where: _Where, section: str | None, key: str) -> bool:
    if not isinstance(value, bool):
        raise where.error(section, key, "true or false", value)
    return value


def _string_list(value: Any, where: _Where, section: str | None, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(section, key, "a list of strings", value)
    return tuple(value)


def _timezone(value: Any, where: _Where, section: str | None, key: str) -> str:
    if not isinstance(value, str) or parse_zone_name(value) is None:
        raise where.error(section, key, 'an IANA time zone name like "Europe/Berlin"', value)
    return value


def _workdays(value: Any, where: _Where, section: str | None, key: str) -> tuple[int, ...]:
    expected = 'a non-empty list of weekdays from "Mon" to "Sun"'
    if not isinstance(value, list) or not value:
        raise where.error(section, key, expected, value)
    days = []
    for item in value:
        name = item.strip().title()[:3] if isinstance(item, str) else None
        if name not in WEEKDAYS:
            raise where.error(section, key, expected, item)
        days.append(WEEKDAYS.index(name))
    return tuple(sorted(set(days)))


def _clock_time(value: Any, where: _Where, section: str | None, key: str) -> time:
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value) if isinstance(value, str) else None
    if not match:
        raise where.error(section, key, 'a time of day "HH:MM"', value)
    return time(int(match.group(1)), int(match.group(2)))


def _date_order(value: Any, where: _Where, section: str | None, key: str) -> str:
    if value not in ("", "MDY", "DMY"):
        raise where.error(section, key, '"", "MDY" or "DMY"', value)
    return str(value)


def _duration(value: Any, where: _Where, section: str | None, key: str) -> timedelta:
    parsed = parse_duration(value) if isinstance(value, str) else None
    if parsed is None:
        raise where.error(section, key, 'a duration like "0m", "90m", "2h" or "1d"', value)
    return parsed


def _positive_int(value: Any, where: _Where, section: str | None, key: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise where.error(section, key, "a whole number of days (0 or more)", value)
    return value


def _repos(value: Any, where: _Where, section: str | None, key: str) -> tuple[str, ...]:
    expected = 'a list of "owner/name" or "owner/*"'
    if not isinstance(value, list):
        raise where.error(section, key, expected, value)
    for item in value:
        if not isinstance(item, str) or not REPO_RE.match(item):
            raise where.error(section, key, expected, item)
    return tuple(dict.fromkeys(value))


def _issue(value: Any, where: _Where, section: str | None, key: str) -> str:
    if not isinstance(value, str) or (value and not ISSUE_RE.match(value)):
        raise where.error(section, key, 'an issue like "owner/repo#1"', value)
    return value


def _url(value: Any, where: _Where, section: str | None, key: str) -> str:
    if not isinstance(value, str) or (value and not re.match(r"^https?://[^\s/]+", value)):
        raise where.error(section, key, 'an http(s) URL like "https://acme.atlassian.net"', value)
    return value.rstrip("/")


def _zone_table(value: Any, where: _Where, section: str | None, key: str) -> dict[str, tzinfo]:
    if not isinstance(value, dict):
        raise where.error(section, key, 'a table of login = "IANA zone"', value)
    zones: dict[str, tzinfo] = {}
    for login, name in value.items():
        zone = parse_zone_name(name) if isinstance(name, str) else None
        if zone is None:
            raise where.error(
                section, key, f'a table of login = "IANA zone" ({login} has an unknown zone)', name
            )
        zones[login] = zone
    return zones


def _alias_table(value: Any, where: _Where, section: str | None, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
        raise where.error(section, key, 'a table of "accountId or email" = "login"', value)
    return dict(value)


def _win_labels(
    value: Any, where: _Where, section: str | None, key: str
) -> dict[str, tuple[str, ...]]:
    expected = "a table with lists of label names for fix, tests and docs"
    if not isinstance(value, dict):
        raise where.error(section, key, expected, value)
    labels = dict(DEFAULT_WIN_LABELS)
    for name, names in value.items():
        if name not in DEFAULT_WIN_LABELS:
            raise where.error(section, key, expected + f' (unknown highlight "{name}")')
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise where.error(section, key, expected, names)
        labels[name] = tuple(n.lower() for n in names)
    return labels


_TOP: dict[str, Cleaner] = {
    "timezone": _timezone,
    "workdays": _workdays,
    "workday_end": _clock_time,
    "date_order": _date_order,
    "grace": _duration,
}
_SECTIONS: dict[str, dict[str, Cleaner]] = {
    "people": {"leaders": _string_list, "timezones": _zone_table, "aliases": _alias_table},
    "github": {"repos": _repos, "label": _string, "api_url": _url},
    "jira": {"server": _url, "jql": _string, "wontdo_resolutions": _string_list},
    "wins": {"long_running_days": _positive_int, "exclude": _string_list, "labels": _win_labels},
    "digest": {
        "issue": _issue,
        "template": _string,
        "mentions": _bool,
        "allow_private": _bool,
    },
}


def _clean_section(
    raw: Mapping[str, Any], section: str | None, cleaners: Mapping[str, Cleaner], where: _Where
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        cleaner = cleaners.get(key)
        if cleaner is None and SECRET_KEY_RE.search(key):
            name = f"[{section}] {key}" if section else key
            line = where.line_of(section, key)
            loc = f"{where.file}:{line}" if line else where.file
            raise ConfigError(
                f"{loc}: {name} looks like a secret; secrets never go in the file: set "
                "GITHUB_TOKEN, JIRA_API_TOKEN or JIRA_EMAIL in the environment instead"
            )
        if cleaner is None:
            known = ", ".join(cleaners)
            name = f"[{section}] {key}" if section else key
            line = where.line_of(section, key)
            loc = f"{where.file}:{line}" if line else where.file
            raise ConfigError(f"{loc}: unknown key {name} (known keys: {known})")
        out[key] = cleaner(value, where, section, key)
    return out


def config_from_mapping(
    raw: Mapping[str, Any],
    *,
    path: Path | None = None,
    text: str = "",
    env: Mapping[str, str] | None = None,
) -> Config:
    """Build a Config from parsed TOML, validating every key."""
    where = _Where(path, text)
    top = {k: v for k, v in raw.items() if k not in _SECTIONS}
    values = _clean_section(top, None, _TOP, where)
    sections: dict[str, dict[str, Any]] = {}
    for name, cleaners in _SECTIONS.items():
        section = raw.get(name, {})
        if not isinstance(section, dict):
            raise ConfigError(f"{where.file}: [{name}] must be a table")
        sections[name] = _clean_section(section, name, cleaners, where)
    zone_name = values.pop("timezone", "UTC")
    zone = parse_zone_name(zone_name)
    assert zone is not None  # validated by _timezone
    config = Config(
        path=path,
        timezone=zone,
        timezone_name=zone_name,
        people=PeopleConfig(**sections["people"]),
        github=GithubConfig(**sections["github"]),
        jira=JiraConfig(**sections["jira"]),
        wins=WinsConfig(**sections["wins"]),
        digest=DigestConfig(**sections["digest"]),
        secrets=Secrets.from_env(env or {}),
        **values,
    )
    _check_together(config, where)
    return config


def _check_together(config: Config, where: _Where) -> None:
    if config.jira.server and not config.jira.jql:
        raise where.error("jira", "jql", "set when [jira] server is set (the tickets to track)")
    if config.wins.labels.keys() != DEFAULT_WIN_LABELS.keys():  # pragma: no cover - defensive
        raise where.error("wins", "labels", "a table for fix, tests and docs")


def load_config(path: Path, *, env: Mapping[str, str], required: bool = True) -> Config:
    """Read ``path``; a missing file gives the defaults unless ``required``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(
                f"{path}: no such file (create one with `followthrough init`)"
            ) from None
        return config_from_mapping({}, path=None, env=env)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return config_from_mapping(raw, path=path, text=text, env=env)
