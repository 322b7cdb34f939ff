"""Derived records: promises as read from the trackers, before judging.

A :class:`Promise` is everything that happened to one commitment, each fact
with its time: when it was made, what its due was then, every later change of
the due, and every change of its state (done, released, reopened). Judging it
"as of" a moment (``evaluate``) just replays the facts up to that moment, which
is what makes a past period's report stable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DueChange:
    """The due time was set or moved at ``at``."""

    at: datetime
    due: datetime
    via: str  # "command" | "edit" | "milestone" | "jira"
    reason: str | None = None
    evidence: str = ""  # the line or event it came from, for `why`
    origin: str | None = None  # id of the text whose line made the change, if any


@dataclass(frozen=True, slots=True)
class StateChange:
    """The promise became done, released, or open again at ``at``."""

    at: datetime
    state: str  # "done" | "released" | "open"
    reason: str | None = None  # the released reason shown to users
    evidence: str = ""  # what showed it, for `why`
    origin: str | None = None  # id of the text whose line made the change, if any


@dataclass(frozen=True, slots=True)
class Promise:
    id: str
    source: str  # "github" | "jira"
    kind: str  # "inline" | "ticket"
    url: str
    thread_id: str
    repo: str
    owner: str
    owner_name: str | None
    co_owners: tuple[str, ...]
    text: str
    made_at: datetime
    original_due: datetime | None
    undated_reason: str | None = None
    changes: tuple[DueChange, ...] = ()
    states: tuple[StateChange, ...] = ()
    private: bool = False
    source_line: str = ""
    phrase: str | None = None
    zone: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Kudos:
    id: str
    giver: str
    to: str
    why: str
    url: str
    at: datetime
    repo: str = ""
    private: bool = False


@dataclass(frozen=True, slots=True)
class Derived:
    """What one thread yields."""

    promises: list[Promise] = field(default_factory=list)
    kudos: list[Kudos] = field(default_factory=list)
