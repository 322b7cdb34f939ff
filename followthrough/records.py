"""Plain records that the sources produce and the cache stores.

These are the only shapes that cross the boundary between the network
(``sources/``) and everything else. They are source-neutral: a GitHub issue
and a Jira ticket are both a :class:`ThreadRecord`, a PR body, an issue comment
and a Jira comment are all :class:`TextRecord`. Every timestamp is an aware
``datetime``; identifiers follow SPEC §6 so that a promise id is simply
``f"{text.id}:{k}"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class MilestoneRef:
    """The milestone a GitHub ticket is in, as embedded in the issues listing."""

    number: int
    title: str
    due_on: str | None  # GitHub's raw "2026-12-04T08:00:00Z"; only [:10] matters


@dataclass(frozen=True, slots=True)
class ThreadRecord:
    """One ticket or PR: ``github:{owner}/{repo}#{n}`` or ``jira:{KEY}``."""

    id: str
    source: str  # "github" | "jira"
    kind: str  # "issue" | "pr" | "jira"
    repo: str  # "acme/api" on GitHub, the project key on Jira
    number: int | None  # GitHub number; None on Jira
    key: str | None  # Jira key ("OPS-7"); None on GitHub
    url: str  # the page a person opens (html_url / browse URL)
    title: str
    author: str  # login (GitHub) or accountId/email (Jira reporter)
    author_name: str | None
    author_type: str  # "User" | "Bot" | ...
    created_at: datetime
    updated_at: datetime
    state: str  # "open" | "closed"
    state_reason: str | None = None  # "completed" | "not_planned" | "duplicate" | "reopened"
    closed_at: datetime | None = None
    merged_at: datetime | None = None  # PRs only
    labels: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ()  # logins, first is the owner; Jira: (accountId,)
    assignee_names: tuple[str | None, ...] = ()  # display names, same order
    milestone: MilestoneRef | None = None
    private: bool = False
    # Jira only
    due_date: str | None = None  # "YYYY-MM-DD" as Jira stores it now
    resolution: str | None = None  # resolution name, e.g. "Done", "Won't Do"
    resolution_date: datetime | None = None
    status: str | None = None  # status name
    status_category: str | None = None  # "new" | "indeterminate" | "done"
    status_category_changed_at: datetime | None = None
    author_email: str | None = None  # Jira: lets [people] aliases map by email
    assignee_emails: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class TextRecord:
    """Something written on a thread: body, description, comment, review comment.

    ``id`` is the promise-id prefix: ``github:acme/api#12:body``,
    ``github:acme/api#12:comment:123``, ``github:acme/api#12:review-comment:456``,
    ``jira:OPS-7:description``, ``jira:OPS-7:comment:10001``.
    """

    id: str
    thread_id: str
    kind: str  # "body" | "comment" | "review-comment" | "description"
    author: str
    author_name: str | None
    author_type: str
    created_at: datetime
    updated_at: datetime
    body: str
    url: str
    author_email: str | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    """A dated change on a thread, from GitHub issue events or a Jira changelog.

    kinds: "labeled", "unlabeled" (``name`` = label), "milestoned",
    "demilestoned" (``name`` = milestone title), "closed" (``state_reason``),
    "reopened", "merged", "duedate" / "resolution" / "status" (Jira changelog
    items; ``from_value``/``to_value`` are the raw strings Jira shows).
    """

    id: str
    thread_id: str
    kind: str
    at: datetime
    actor: str | None = None
    name: str | None = None
    state_reason: str | None = None
    from_value: str | None = None
    to_value: str | None = None


@dataclass(frozen=True, slots=True)
class MilestoneRecord:
    id: str  # "github:acme/api:milestone:3"
    repo: str
    number: int
    title: str
    due_on: str | None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ReviewRecord:
    id: str  # "github:acme/api#7:review:55"
    thread_id: str
    author: str
    author_type: str
    state: str  # "APPROVED" | "COMMENTED" | "CHANGES_REQUESTED" | ...
    submitted_at: datetime | None


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """How one source fared in a sync; becomes an entry of the report's ``sources``."""

    name: str  # "github" | "jira"
    ok: bool
    error: str | None = None
    requests: int = 0
