"""Build ``sample.json``, the bundled team behind ``followthrough demo``.

Run ``python -m followthrough.demo.build_sample`` to rewrite the file. The
script is deterministic (no randomness, no clock: every moment is an ISO-week
day and time such as ``"W47 Mon 10:15"`` in the year of the fixed :data:`NOW`,
and none may be after it), so two runs give byte-identical output.

The sample is one small engineering org over twelve ISO weeks, told in plain
Python with a few helpers (:meth:`Sample.issue`, :meth:`Sample.comment`,
:meth:`Sample.pr`, ...). The helpers keep drafts; :meth:`Sample.records` turns
them into the records of :mod:`followthrough.records`, numbered and
timestamped the way the GitHub and Jira sources produce them (GitHub times in
UTC, Jira times with the server's offset), so the demo exercises exactly the
same derive -> evaluate -> render path as real data.

The story: Acme's platform team (an API, a web app, infrastructure) is led by
Mara, the engineering manager in Berlin, and Tomas, the staff engineer in New
York. In early September they keep about half of what they promise; a retro
in week 39 agrees to "promise less, date it, revise openly". An incident in
week 44 costs a week; by week 47, the week the demo reports on, they keep
about four in five.
"""

# The story below is data: prose and command lines written as the team wrote them.
# A command is one physical line by definition (SPEC §1), so those lines cannot wrap.
# ruff: noqa: E501

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from followthrough.codec import to_jsonable
from followthrough.grammar import parse_commands
from followthrough.records import (
    EventRecord,
    MilestoneRecord,
    MilestoneRef,
    ReviewRecord,
    TextRecord,
    ThreadRecord,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# A Wednesday morning: the demo's default period is the last full week, 2026-W47.
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=BERLIN)
YEAR = NOW.year
OUTPUT = Path(__file__).with_name("sample.json")

LEADERS = ("mara", "tomas")
ZONES: dict[str, tzinfo] = {"tomas": NEW_YORK}
BOTS = frozenset({"dependabot[bot]", "sonarcloud[bot]"})
LABEL = "commitment"
JIRA_SERVER = "https://acme.atlassian.net"
# Jira Cloud knows people by accountId; [people] aliases maps them to logins.
JIRA_ACCOUNTS = {
    "mara": ("712020:3f1c9a52-8e0d-4b7a-9d41-6c2e5b8f0a13", "Mara Lindqvist"),
    "tomas": ("712020:a84d07e6-19b3-4c55-8f2e-0d7b3e91c642", "Tomas Okafor"),
    "aiko": ("712020:5be2c1d9-7a64-4f08-b3e5-92d1f6a0c7e8", "Aiko Tanaka"),
}
# Where each repo's numbering stood when the sample begins.
FIRST_NUMBER = {"acme/api": 1180, "acme/web": 742, "acme/infra": 305}

CONFIG: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "workdays": ["Mon", "Tue", "Wed", "Thu", "Fri"],
    "workday_end": "17:00",
    "grace": "0m",
    "people": {
        "leaders": list(LEADERS),
        "timezones": {"tomas": "America/New_York"},
        "aliases": {account: login for login, (account, _) in JIRA_ACCOUNTS.items()},
    },
    "github": {"repos": ["acme/api", "acme/web", "acme/infra"], "label": LABEL},
    "jira": {"server": JIRA_SERVER, "jql": "project = OPS AND labels = commitment"},
    "wins": {"long_running_days": 14},
    "digest": {"issue": "acme/team#1"},
}

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SPEC = re.compile(r"W(\d{1,2}) (Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{2}):(\d{2})(?::(\d{2}))?")
_REF = re.compile(r"#\[([a-z0-9-]+)\]")


def zone_of(login: str) -> tzinfo:
    return ZONES.get(login, BERLIN)


def moment(spec: str, *, who: str) -> datetime:
    """``"W47 Mon 10:15"`` on ``who``'s clock -> an aware datetime."""
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise ValueError(f"not a moment like 'W47 Mon 10:15': {spec!r}")
    week, day, hour, minute, second = match.groups()
    local_day = date.fromisocalendar(YEAR, int(week), _DAYS.index(day) + 1)
    clock = time(int(hour), int(minute), int(second or 0))
    at = datetime.combine(local_day, clock, tzinfo=zone_of(who))
    if at > NOW:
        raise ValueError(f"{spec} ({who}) is after NOW: the sample cannot know the future")
    return at


def md(text: str) -> str:
    """A Markdown body written as an indented triple-quoted string."""
    return textwrap.dedent(text).strip("\n")


def utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def author_type(login: str) -> str:
    return "Bot" if login in BOTS else "User"


# --- drafts --------------------------------------------------------------------------


@dataclass
class TextDraft:
    kind: str  # "body" | "comment" | "review-comment"
    author: str
    created_at: datetime
    versions: list[tuple[datetime, str]]
    number: int = 0  # the comment id, given in time order by records()


@dataclass
class EventDraft:
    kind: str
    at: datetime
    actor: str
    name: str | None = None
    state_reason: str | None = None
    number: int = 0


@dataclass
class ReviewDraft:
    author: str
    at: datetime
    state: str
    number: int = 0


@dataclass
class ThreadDraft:
    key: str
    repo: str
    kind: str  # "issue" | "pr"
    title: str
    author: str
    created_at: datetime
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    milestone: str | None = None
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    texts: list[TextDraft] = field(default_factory=list)
    events: list[EventDraft] = field(default_factory=list)
    reviews: list[ReviewDraft] = field(default_factory=list)
    number: int = 0

    @property
    def body(self) -> TextDraft:
        return self.texts[0]


@dataclass
class JiraDraft:
    key: str
    title: str
    reporter: str
    assignee: str
    created_at: datetime
    due: str
    description: str
    comments: list[tuple[datetime, str, str]] = field(default_factory=list)  # at, who, body
    changes: list[tuple[datetime, str, str, str | None, str | None]] = field(
        default_factory=list
    )  # at, who, field, from, to
    resolution: str | None = None
    resolved_at: datetime | None = None


@dataclass
class Sample:
    """The sample as it is being told; :meth:`records` freezes it."""

    threads: dict[str, ThreadDraft] = field(default_factory=dict)
    jira: list[JiraDraft] = field(default_factory=list)
    milestones: dict[tuple[str, str], str] = field(default_factory=dict)  # (repo, title) -> day

    # -- GitHub ----------------------------------------------------------------------

    def milestone_def(self, repo: str, title: str, due_on: str) -> None:
        self.milestones[(repo, title)] = due_on

    def issue(
        self,
        key: str,
        repo: str,
        title: str,
        *,
        by: str,
        at: str,
        body: str,
        labels: tuple[str, ...] = (),
        assignees: tuple[str, ...] = (),
        milestone: str | None = None,
    ) -> ThreadDraft:
        return self._thread(
            key,
            repo,
            "issue",
            title,
            by=by,
            at=at,
            body=body,
            labels=labels,
            assignees=assignees,
            milestone=milestone,
        )

    def pr(
        self,
        key: str,
        repo: str,
        title: str,
        *,
        by: str,
        at: str,
        body: str,
        labels: tuple[str, ...] = (),
        merged: str | None = None,
        merged_by: str | None = None,
        reviews: tuple[tuple[str, str, str], ...] = (),
    ) -> ThreadDraft:
        """A pull request; ``reviews`` are (reviewer, at, state), ``merged`` when it merged."""
        thread = self._thread(key, repo, "pr", title, by=by, at=at, body=body, labels=labels)
        for reviewer, when, state in reviews:
            self.review(thread, by=reviewer, at=when, state=state)
        if merged is not None:
            self.merge(thread, by=merged_by or by, at=merged)
        return thread

    def _thread(
        self,
        key: str,
        repo: str,
        kind: str,
        title: str,
        *,
        by: str,
        at: str,
        body: str,
        labels: tuple[str, ...] = (),
        assignees: tuple[str, ...] = (),
        milestone: str | None = None,
    ) -> ThreadDraft:
        if key in self.threads:
            raise ValueError(f"thread {key!r} told twice")
        created = moment(at, who=by)
        thread = ThreadDraft(key, repo, kind, title, by, created, assignees=list(assignees))
        thread.texts.append(TextDraft("body", by, created, [(created, md(body))]))
        for label in labels:
            self._label(thread, label, by=by, at=created)
        if milestone is not None:
            self._milestone(thread, milestone, by=by, at=created)
        self.threads[key] = thread
        return thread

    def comment(
        self,
        thread: ThreadDraft,
        *,
        by: str,
        at: str,
        body: str,
        edits: tuple[tuple[str, str], ...] = (),
    ) -> TextDraft:
        """A conversation comment; ``edits`` are later versions (at, body) of it."""
        return self._text(thread, "comment", by=by, at=at, body=body, edits=edits)

    def review_comment(self, thread: ThreadDraft, *, by: str, at: str, body: str) -> TextDraft:
        """An inline comment on the PR's diff."""
        if thread.kind != "pr":
            raise ValueError(f"{thread.key} is not a pull request")
        return self._text(thread, "review-comment", by=by, at=at, body=body)

    def _text(
        self,
        thread: ThreadDraft,
        kind: str,
        *,
        by: str,
        at: str,
        body: str,
        edits: tuple[tuple[str, str], ...] = (),
    ) -> TextDraft:
        written = moment(at, who=by)
        versions = [(written, md(body))]
        versions += [(moment(when, who=by), md(text)) for when, text in edits]
        text = TextDraft(kind, by, written, versions)
        thread.texts.append(text)
        return text

    def label(self, thread: ThreadDraft, name: str, *, by: str, at: str) -> None:
        self._label(thread, name, by=by, at=moment(at, who=by))

    def _label(self, thread: ThreadDraft, name: str, *, by: str, at: datetime) -> None:
        thread.labels.append(name)
        thread.events.append(EventDraft("labeled", at, by, name=name))

    def unlabel(self, thread: ThreadDraft, name: str, *, by: str, at: str) -> None:
        thread.labels.remove(name)
        thread.events.append(EventDraft("unlabeled", moment(at, who=by), by, name=name))

    def move_milestone(self, thread: ThreadDraft, title: str, *, by: str, at: str) -> None:
        self._milestone(thread, title, by=by, at=moment(at, who=by))

    def _milestone(self, thread: ThreadDraft, title: str, *, by: str, at: datetime) -> None:
        if (thread.repo, title) not in self.milestones:
            raise ValueError(f"{thread.repo} has no milestone {title!r}")
        if thread.milestone is not None:
            thread.events.append(EventDraft("demilestoned", at, by, name=thread.milestone))
        thread.milestone = title
        thread.events.append(EventDraft("milestoned", at, by, name=title))

    def close(self, thread: ThreadDraft, *, by: str, at: str, reason: str = "completed") -> None:
        self._close(thread, by=by, at=moment(at, who=by), reason=reason)

    def _close(self, thread: ThreadDraft, *, by: str, at: datetime, reason: str | None) -> None:
        thread.state, thread.closed_at = "closed", at
        thread.state_reason = reason
        thread.events.append(EventDraft("closed", at, by, state_reason=reason))

    def reopen(self, thread: ThreadDraft, *, by: str, at: str) -> None:
        thread.state, thread.closed_at, thread.state_reason = "open", None, "reopened"
        thread.events.append(EventDraft("reopened", moment(at, who=by), by))

    def merge(self, thread: ThreadDraft, *, by: str, at: str) -> None:
        """Merge a PR; a ``Fixes #[key]`` in its body closes that issue a moment later."""
        merged = moment(at, who=by)
        thread.merged_at = merged
        thread.events.append(EventDraft("merged", merged, by))
        self._close(thread, by=by, at=merged, reason=None)
        for key in re.findall(
            r"(?i)\b(?:fixes|closes|resolves) #\[([a-z0-9-]+)\]", thread.body.versions[-1][1]
        ):
            target = self.threads[key]
            self._close(target, by=by, at=merged + timedelta(seconds=2), reason="completed")

    def close_unmerged(self, thread: ThreadDraft, *, by: str, at: str) -> None:
        self._close(thread, by=by, at=moment(at, who=by), reason=None)

    def review(self, thread: ThreadDraft, *, by: str, at: str, state: str) -> None:
        thread.reviews.append(ReviewDraft(by, moment(at, who=by), state))

    # -- Jira ---------------------------------------------------------------------------

    def jira_ticket(
        self,
        key: str,
        title: str,
        *,
        reporter: str,
        assignee: str,
        at: str,
        due: str,
        description: str,
    ) -> JiraDraft:
        ticket = JiraDraft(
            key, title, reporter, assignee, moment(at, who=reporter), due, md(description)
        )
        self.jira.append(ticket)
        return ticket

    def jira_comment(self, ticket: JiraDraft, *, by: str, at: str, body: str) -> None:
        ticket.comments.append((moment(at, who=by), by, md(body)))

    def jira_due(self, ticket: JiraDraft, *, by: str, at: str, to: str) -> None:
        ticket.changes.append((moment(at, who=by), by, "duedate", ticket.due, to))
        ticket.due = to

    def jira_resolve(self, ticket: JiraDraft, *, by: str, at: str, resolution: str) -> None:
        when = moment(at, who=by)
        ticket.changes.append((when, by, "resolution", None, resolution))
        ticket.changes.append((when, by, "status", "In Progress", "Done"))
        ticket.resolution, ticket.resolved_at = resolution, when

    # -- freezing -----------------------------------------------------------------------

    def records(self) -> dict[str, Any]:
        """Every draft as the records a sync would have saved by :data:`NOW`."""
        for draft in self.threads.values():
            _check_order(draft)
        self._number()
        threads: list[ThreadRecord] = []
        texts: list[dict[str, Any]] = []
        events: list[EventRecord] = []
        reviews: list[ReviewRecord] = []
        ordered = sorted(self.threads.values(), key=lambda t: (t.repo, t.number))
        for draft in ordered:
            thread = self._thread_record(draft)
            threads.append(thread)
            texts += [self._text_json(thread, text) for text in draft.texts]
            if _is_ticket_promise(draft):
                # A sync reads events only for ticket promises.
                events += [self._event_record(thread, e) for e in draft.events]
            reviews += [
                ReviewRecord(
                    id=f"{thread.id}:review:{r.number}",
                    thread_id=thread.id,
                    author=r.author,
                    author_type=author_type(r.author),
                    state=r.state,
                    submitted_at=utc(r.at),
                )
                for r in sorted(draft.reviews, key=lambda r: r.at)
            ]
        for ticket in self.jira:
            thread, jira_texts, jira_events = self._jira_records(ticket)
            threads.append(thread)
            texts += jira_texts
            events += jira_events
        milestones = [
            MilestoneRecord(
                id=f"github:{repo}:milestone:{self._milestone_number(repo, title)}",
                repo=repo,
                number=self._milestone_number(repo, title),
                title=title,
                due_on=f"{due}T08:00:00Z",
                updated_at=None,
            )
            for (repo, title), due in sorted(self.milestones.items())
        ]
        return {
            "now": NOW.isoformat(),
            "config": CONFIG,
            "sources": ["github", "jira"],
            "threads": to_jsonable(threads),
            "texts": texts,
            "events": to_jsonable(sorted(events, key=lambda e: (e.at, e.id))),
            "milestones": to_jsonable(milestones),
            "reviews": to_jsonable(reviews),
        }

    def _number(self) -> None:
        """Issue numbers, comment, event and review ids, all in time order."""
        by_repo: dict[str, list[ThreadDraft]] = {}
        for thread in self.threads.values():
            by_repo.setdefault(thread.repo, []).append(thread)
        for repo, items in by_repo.items():
            for offset, thread in enumerate(sorted(items, key=lambda t: t.created_at)):
                thread.number = FIRST_NUMBER[repo] + offset
        numbers = {key: t.number for key, t in self.threads.items()}
        every = list(self.threads.values())
        comments = sorted(
            (x for t in every for x in t.texts if x.kind != "body"), key=lambda x: x.created_at
        )
        for i, text in enumerate(comments):
            text.number = 3_318_604_207 + 2_713 * i
        for text in (x for t in every for x in t.texts):
            text.versions = [(at, _resolve_refs(body, numbers)) for at, body in text.versions]
        for i, event in enumerate(sorted((e for t in every for e in t.events), key=lambda e: e.at)):
            event.number = 20_418_330_115 + 977 * i
        for i, review in enumerate(
            sorted((r for t in every for r in t.reviews), key=lambda r: r.at)
        ):
            review.number = 2_468_117_039 + 3_301 * i

    def _milestone_number(self, repo: str, title: str) -> int:
        """Milestones are numbered per repo, in the order of their due dates."""
        mine = sorted((due, t) for (r, t), due in self.milestones.items() if r == repo)
        return 3 + mine.index((self.milestones[(repo, title)], title))

    def _thread_record(self, draft: ThreadDraft) -> ThreadRecord:
        path = "pull" if draft.kind == "pr" else "issues"
        milestone = None
        if draft.milestone is not None:
            milestone = MilestoneRef(
                number=self._milestone_number(draft.repo, draft.milestone),
                title=draft.milestone,
                due_on=f"{self.milestones[(draft.repo, draft.milestone)]}T08:00:00Z",
            )
        activity = [draft.created_at]
        activity += [at for text in draft.texts for at, _ in text.versions]
        activity += [e.at for e in draft.events] + [r.at for r in draft.reviews]
        return ThreadRecord(
            id=f"github:{draft.repo}#{draft.number}",
            source="github",
            kind=draft.kind,
            repo=draft.repo,
            number=draft.number,
            key=None,
            url=f"https://github.com/{draft.repo}/{path}/{draft.number}",
            title=draft.title,
            author=draft.author,
            author_name=None,
            author_type=author_type(draft.author),
            created_at=utc(draft.created_at),
            updated_at=utc(max(activity)),
            state=draft.state,
            state_reason=draft.state_reason,
            closed_at=utc(draft.closed_at) if draft.closed_at else None,
            merged_at=utc(draft.merged_at) if draft.merged_at else None,
            labels=tuple(draft.labels),
            assignees=tuple(draft.assignees),
            assignee_names=tuple(None for _ in draft.assignees),
            milestone=milestone,
        )

    def _text_json(self, thread: ThreadRecord, text: TextDraft) -> dict[str, Any]:
        if text.kind == "body":
            text_id, url = f"{thread.id}:body", thread.url
        elif text.kind == "comment":
            text_id = f"{thread.id}:comment:{text.number}"
            url = f"{thread.url}#issuecomment-{text.number}"
        else:
            text_id = f"{thread.id}:review-comment:{text.number}"
            url = f"{thread.url}#discussion_r{text.number}"
        latest_at, latest = text.versions[-1]
        record = TextRecord(
            id=text_id,
            thread_id=thread.id,
            kind=text.kind,
            author=text.author,
            author_name=None,
            author_type=author_type(text.author),
            created_at=utc(text.created_at),
            updated_at=utc(latest_at),
            body=latest,
            url=url,
        )
        versions = [[utc(at).isoformat(), body] for at, body in text.versions]
        return {"record": to_jsonable(record), "versions": versions}

    def _event_record(self, thread: ThreadRecord, event: EventDraft) -> EventRecord:
        return EventRecord(
            id=f"{thread.id}:event:{event.number}",
            thread_id=thread.id,
            kind=event.kind,
            at=utc(event.at),
            actor=event.actor,
            name=event.name,
            state_reason=event.state_reason if event.kind == "closed" else None,
        )

    def _jira_records(
        self, ticket: JiraDraft
    ) -> tuple[ThreadRecord, list[dict[str, Any]], list[EventRecord]]:
        """A Jira ticket as :func:`followthrough.sources.jira.parse_ticket` gives it."""
        thread_id, url = f"jira:{ticket.key}", f"{JIRA_SERVER}/browse/{ticket.key}"
        reporter, reporter_name = JIRA_ACCOUNTS[ticket.reporter]
        assignee, assignee_name = JIRA_ACCOUNTS[ticket.assignee]
        history_base = 48_120 + 37 * int(ticket.key.split("-")[1])
        events = [
            EventRecord(
                id=f"{thread_id}:history:{history_base + i}:{name}",
                thread_id=thread_id,
                kind=name,
                at=at.astimezone(BERLIN),
                actor=JIRA_ACCOUNTS[who][0],
                from_value=old,
                to_value=new,
            )
            for i, (at, who, name, old, new) in enumerate(ticket.changes)
        ]
        texts = [
            {
                "record": to_jsonable(
                    TextRecord(
                        id=f"{thread_id}:description",
                        thread_id=thread_id,
                        kind="description",
                        author=reporter,
                        author_name=reporter_name,
                        author_type="User",
                        created_at=ticket.created_at.astimezone(BERLIN),
                        updated_at=ticket.created_at.astimezone(BERLIN),
                        body=ticket.description,
                        url=url,
                    )
                ),
                "versions": [
                    [ticket.created_at.astimezone(BERLIN).isoformat(), ticket.description]
                ],
            }
        ]
        for i, (at, who, body) in enumerate(ticket.comments):
            comment_id = 10_400 + 11 * int(ticket.key.split("-")[1]) + i
            account, name = JIRA_ACCOUNTS[who]
            written = at.astimezone(BERLIN)
            record = TextRecord(
                id=f"{thread_id}:comment:{comment_id}",
                thread_id=thread_id,
                kind="comment",
                author=account,
                author_name=name,
                author_type="User",
                created_at=written,
                updated_at=written,
                body=body,
                url=f"{url}?focusedCommentId={comment_id}",
            )
            texts.append({"record": to_jsonable(record), "versions": [[written.isoformat(), body]]})
        activity = [
            ticket.created_at,
            *(c[0] for c in ticket.changes),
            *(c[0] for c in ticket.comments),
        ]
        resolved = ticket.resolved_at.astimezone(BERLIN) if ticket.resolved_at else None
        thread = ThreadRecord(
            id=thread_id,
            source="jira",
            kind="jira",
            repo=ticket.key.rsplit("-", 1)[0],
            number=None,
            key=ticket.key,
            url=url,
            title=ticket.title,
            author=reporter,
            author_name=reporter_name,
            author_type="User",
            created_at=ticket.created_at.astimezone(BERLIN),
            updated_at=max(activity).astimezone(BERLIN),
            state="closed" if ticket.resolution else "open",
            closed_at=resolved,
            labels=(LABEL,),
            assignees=(assignee,),
            assignee_names=(assignee_name,),
            assignee_emails=(None,),
            due_date=ticket.due,
            resolution=ticket.resolution,
            resolution_date=resolved,
            status="Done" if ticket.resolution else "In Progress",
            status_category="done" if ticket.resolution else "indeterminate",
            status_category_changed_at=resolved,
        )
        return thread, texts, events


def _check_order(thread: ThreadDraft) -> None:
    """Nothing happens on a thread before it exists (a typo in a moment would)."""
    moments = [at for text in thread.texts for at, _ in text.versions]
    moments += [e.at for e in thread.events] + [r.at for r in thread.reviews]
    early = [at for at in moments if at < thread.created_at]
    if early:
        raise ValueError(f"{thread.key}: something at {min(early)} before it was created")


def _resolve_refs(body: str, numbers: dict[str, int]) -> str:
    return _REF.sub(lambda m: f"#{numbers[m.group(1)]}", body)


def _is_ticket_promise(thread: ThreadDraft) -> bool:
    if any(e.kind == "labeled" and e.name == LABEL for e in thread.events):
        return True
    return any(
        command.kind == "promise" and command.ticket
        for text in thread.texts
        for _, body in text.versions
        for command in parse_commands(body)
    )


# --- the story ---------------------------------------------------------------------------
# Times are written on the clock of the person acting: Tomas's in New York,
# everyone else's in Berlin. A promise's outcome follows from its date phrase
# and from when its /done (or close, or merge) comes; nothing is stated twice.


def milestones(s: Sample) -> None:
    for repo, title, due in (
        ("acme/api", "2026.09", "2026-09-18"),
        ("acme/api", "Q4 partner launch", "2026-10-23"),
        ("acme/api", "2026.10", "2026-10-30"),
        ("acme/api", "2026.11 hardening", "2026-11-20"),
        ("acme/api", "2026.12 release", "2026-12-11"),
        ("acme/web", "Sept polish", "2026-09-04"),
        ("acme/web", "2026.10", "2026-10-23"),
        ("acme/infra", "2026.09", "2026-09-11"),
        ("acme/infra", "Oct infra window", "2026-10-02"),
        ("acme/infra", "Mid-Oct infra window", "2026-10-16"),
        ("acme/infra", "2026.11 window 1", "2026-11-06"),
        ("acme/infra", "2026.11 hardening", "2026-11-20"),
        ("acme/infra", "2026.12 release", "2026-12-11"),
    ):
        s.milestone_def(repo, title, due)


def retro(s: Sample, week: int, *, body: str) -> ThreadDraft:
    """Mara's retro issue for the previous week, opened on Monday morning."""
    return s.issue(
        f"retro-w{week - 1}",
        "acme/infra",
        f"Retro 2026-W{week - 1:02d}",
        by="mara",
        at=f"W{week} Mon 09:30",
        body=body,
        labels=("retro",),
    )


def handover(s: Sample, week: int, *, body: str) -> ThreadDraft:
    """Aiko's weekly on-call handover issue."""
    return s.issue(
        f"handover-w{week}",
        "acme/infra",
        f"On-call handover 2026-W{week:02d}",
        by="aiko",
        at=f"W{week} Mon 09:00",
        body=body,
        labels=("on-call",),
    )


def bump(s: Sample, repo: str, package: str, old: str, new: str, *, at: str, merged: str) -> None:
    """A dependabot PR: merged work, never a team win."""
    s.pr(
        f"bump-{repo.split('/')[1]}-{package.replace('/', '-')}-{new}",
        repo,
        f"Bump {package} from {old} to {new}",
        by="dependabot[bot]",
        at=at,
        body=f"""
            Bumps {package} from {old} to {new}.

            Dependabot will resolve any conflicts with this PR as long as you don't alter it yourself.
            """,
        labels=("dependencies",),
        reviews=(("aiko", merged, "APPROVED"),),
        merged=merged,
        merged_by="aiko",
    )


def week_36(s: Sample) -> None:
    """Back from the summer break: the v2 API kicks off; lots of small promises."""
    notes = retro(
        s,
        36,
        body="""
            Notes from Friday's async retro board (6 of 7 people added cards).

            **Went well**
            - The invoice PDF fix shipped before the holidays
            - Pairing on the Terraform upgrade

            **Could be better**
            - Nobody was sure who owned the staging cleanup
            - The review queue grew to 14 PRs while people were away
            """,
    )
    s.comment(
        notes,
        by="mara",
        at="W36 Mon 10:05",
        body="""
            Thanks for the candid board, everyone. I'll turn it into two concrete action items.
            /promise send the retro notes and action items by Tuesday noon
            """,
    )
    s.comment(
        notes,
        by="mara",
        at="W36 Tue 11:40",
        body="""
            Notes are in the wiki under Retros/2026-W35. Action items: a staging-owner rota, and a
            review buddy for anyone going on holiday.
            /done
            """,
    )

    kickoff = s.issue(
        "v2-kickoff",
        "acme/api",
        "API v2 kickoff: scope and timeline",
        by="tomas",
        at="W36 Mon 09:00",
        body="""
            Kicking off v2 of the public API. Goals: cursor pagination everywhere, consistent
            error bodies, idempotency keys on every POST. Non-goals: GraphQL, new resources.

            /promise circulate the v2 pagination proposal by Wednesday

            Timeline: beta with three partners in October, GA before the end of the year.
            """,
    )
    s.comment(
        kickoff,
        by="mara",
        at="W36 Tue 14:00",
        body="""
            Partner success has a shortlist of five; I'll narrow it to three with them.
            /promise confirm the partner list for the v2 beta by Thursday
            """,
    )
    s.comment(
        kickoff,
        by="tomas",
        at="W36 Wed 16:10",
        body="""
            Pagination proposal is up for comments: opaque cursors, `limit` capped at 200,
            `next` links in the body and in a `Link` header.
            /done
            """,
    )
    s.comment(
        kickoff,
        by="mara",
        at="W36 Fri 10:30",
        body="""
            Confirmed with partner success: Northwind, Globex and Initech join the beta.
            A day later than I said; the Globex contact was out until today.
            /done
            """,
    )

    page = handover(
        s,
        36,
        body="""
            Quiet week overall. One page at 03:10 on Saturday for a *staging* disk alert
            (staging-logs-2, 91% full). It resolved itself when log rotation ran.

            Open items for the next person on call:
            - staging alerts still route to the production pager
            """,
    )
    s.comment(
        page,
        by="tomas",
        at="W36 Mon 10:00",
        body="""
            Sorry you got woken up for staging, Aiko. That routing is mine to fix.
            /promise fix the paging rule so staging alerts stop paging at night by Friday
            """,
    )
    s.comment(
        page,
        by="tomas",
        at="W37 Tue 11:00",
        body="""
            Staging alerts now go to the #staging-alerts channel only, never to the pager.
            /done
            """,
    )

    roadmap = s.issue(
        "q3-roadmap-page",
        "acme/web",
        "Publish the Q3 roadmap page on the internal site",
        by="mara",
        at="W36 Mon 11:00",
        body="""
            Sales and support keep asking what we ship this quarter. One page, plain language,
            updated monthly.
            """,
        labels=(LABEL, "docs"),
        assignees=("mara",),
        milestone="Sept polish",
    )
    s.comment(
        roadmap,
        by="mara",
        at="W36 Thu 15:15",
        body="Published at /internal/roadmap. I'll refresh it on the first Monday of each month.",
    )
    s.close(roadmap, by="mara", at="W36 Thu 15:20")

    cursor = s.pr(
        "cursor-pagination",
        "acme/api",
        "Add cursor pagination to /v2/invoices",
        by="priya",
        at="W36 Mon 13:00",
        body="""
            First endpoint on the new pagination scheme from the v2 proposal.

            - opaque cursor = base64 of (created_at, id)
            - `limit` defaults to 50, capped at 200
            """,
        reviews=(("tomas", "W36 Thu 09:00", "APPROVED"), ("lena", "W36 Thu 11:00", "COMMENTED")),
        merged="W36 Thu 16:00",
    )
    s.review_comment(
        cursor,
        by="tomas",
        at="W36 Tue 09:30",
        body="""
            This looks right to me. Before we roll the same query out to other endpoints:
            /promise benchmark the cursor query against a prod-sized snapshot by Friday
            """,
    )
    s.review_comment(
        cursor,
        by="tomas",
        at="W37 Wed 10:00",
        body="""
            /drop because the DB team's replica benchmarks from last week already cover this exact query shape
            """,
    )

    s.pr(
        "react-19-admin",
        "acme/web",
        "Upgrade the admin console to React 19",
        by="jonas",
        at="W36 Tue 10:00",
        body="Mostly mechanical. The two class components left are now function components.",
        reviews=(("lena", "W36 Thu 10:00", "APPROVED"),),
        merged="W36 Thu 15:00",
    )
    s.pr(
        "pin-aws-provider",
        "acme/infra",
        "Pin the Terraform AWS provider to 5.x",
        by="aiko",
        at="W36 Wed 09:00",
        body="An unpinned provider upgraded itself in CI last week. Pinning until we plan the move.",
        reviews=(("tomas", "W36 Wed 10:30", "APPROVED"),),
        merged="W36 Wed 16:00",
    )
    bump(s, "acme/api", "pydantic", "2.8.2", "2.9.0", at="W36 Mon 06:12", merged="W36 Tue 09:40")


def week_37(s: Sample) -> None:
    """On-call moves to follow-the-sun; CI starts to flake."""
    rotation = s.issue(
        "follow-the-sun",
        "acme/infra",
        "On-call rotation: move to follow-the-sun",
        by="mara",
        at="W37 Mon 09:45",
        body="""
            With Tomas in New York we can stop paging Berlin at night. Proposal: Berlin covers
            08:00–20:00 CET, New York the rest, weekends rotate.

            /promise share the draft rotation with everyone on call by Wednesday
            /promise ask HR about the on-call allowance for the New York shift by Friday
            """,
    )
    s.comment(
        rotation,
        by="mara",
        at="W37 Wed 17:00",
        body="""
            Draft rotation is in the on-call calendar as "draft". Please check your weeks.
            /done 1
            """,
    )
    s.comment(
        rotation,
        by="aiko",
        at="W37 Thu 09:20",
        body="Looks good. I swapped W41 with Jonas already.",
    )
    s.comment(
        rotation,
        by="mara",
        at="W38 Mon 10:10",
        body="""
            HR confirmed: the same allowance applies to the New York shift, from October.
            This took longer than I said, thanks for your patience.
            /done
            """,
    )

    flaky = s.issue(
        "flaky-ci",
        "acme/web",
        "Flaky CI: checkout e2e fails about 1 in 8 runs",
        by="lena",
        at="W37 Mon 10:30",
        body="""
            `checkout.spec.ts › pays with a saved card` fails about 1 in 8 runs on main, always
            with a timeout waiting for the confirmation banner. It never fails locally.

            Rerunning has become a habit, which hides real failures. Collecting traces here.
            """,
        labels=("ci", "flaky-test"),
    )
    s.comment(
        flaky,
        by="tomas",
        at="W37 Mon 11:00",
        body="""
            The harness retries at the wrong level, I think: it retries the click, not the wait.
            /promise look at the retry logic in the Playwright harness by Thursday
            """,
    )
    s.comment(
        flaky,
        by="tomas",
        at="W37 Fri 14:00",
        body="""
            Looked at it: retries wrap `click()`, so a slow banner burns all three attempts.
            Notes for whoever picks this up are in the thread above. A day later than I said.
            /done
            """,
    )

    s.pr(
        "rate-limiter",
        "acme/api",
        "Extract the rate limiter into its own module",
        by="tomas",
        at="W37 Mon 09:30",
        body="""
            No behaviour change. The limiter moves out of the request middleware so v2 can
            reuse it with per-key budgets.

            /promise by Friday
            """,
        reviews=(("priya", "W37 Thu 10:00", "APPROVED"),),
        merged="W37 Fri 11:00",
    )

    onboarding_copy = s.issue(
        "onboarding-copy",
        "acme/web",
        "Design review: onboarding checklist",
        by="jonas",
        at="W37 Mon 09:15",
        body="Mockups in Figma, page 'Onboarding v1'. Copy still needs product sign-off.",
    )
    s.comment(
        onboarding_copy,
        by="mara",
        at="W37 Mon 10:30",
        body="""
            I'll take the copy to product.
            /promise get product sign-off on the copy by Tuesday
            """,
    )
    s.comment(
        onboarding_copy,
        by="mara",
        at="W37 Wed 10:00",
        body="""
            Signed off with two small changes (in Figma comments). One day late, sorry Jonas.
            /done
            """,
    )

    s.issue(
        "tf-split",
        "acme/infra",
        "Split the Terraform state for staging",
        by="aiko",
        at="W37 Mon 14:00",
        body="""
            One state file for all of staging means every plan takes 6 minutes and locks
            everyone out. Split into network, data and apps.
            """,
        labels=(LABEL, "terraform"),
        assignees=("tomas", "aiko"),
        milestone="2026.09",
    )
    s.pr(
        "tf-split-pr",
        "acme/infra",
        "Split Terraform state for staging into network, data and apps",
        by="aiko",
        at="W38 Mon 09:00",
        body="Fixes #[tf-split]\n\nPlans now take 40 s to 1 min per stack.",
        reviews=(("tomas", "W38 Tue 09:00", "APPROVED"),),
        merged="W38 Tue 15:00",
    )

    escalation = s.issue(
        "pdf-timeout",
        "acme/api",
        "Support escalation: invoice PDFs time out for large accounts",
        by="priya",
        at="W37 Thu 09:20",
        body="Accounts with more than 2,000 line items hit the 30 s gateway timeout.",
        labels=("bug", "support"),
    )
    s.comment(
        escalation,
        by="mara",
        at="W37 Thu 11:00",
        body="""
            Support needs something to tell the customer today.
            /promise get back to support with an ETA by EOD
            """,
    )
    s.comment(
        escalation,
        by="mara",
        at="W37 Thu 16:10",
        body="""
            Told support: the fix (render PDFs in a background job) is in review, ETA Tuesday.
            /done
            """,
    )

    s.pr(
        "checkout-waits",
        "acme/web",
        "test: wait for network idle before the checkout assertions",
        by="lena",
        at="W37 Mon 15:00",
        body="A first step on the flaky checkout test; it does not fix the banner race.",
        reviews=(("jonas", "W37 Tue 10:00", "APPROVED"),),
        merged="W37 Tue 12:00",
    )
    bump(
        s,
        "acme/infra",
        "hashicorp/aws",
        "5.65.0",
        "5.67.0",
        at="W37 Mon 06:03",
        merged="W37 Wed 09:30",
    )


def week_38(s: Sample) -> None:
    """Hiring starts; the first ADR of the v2 work."""
    notes = retro(
        s,
        38,
        body="""
            **Went well**: follow-the-sun draft, Terraform split is nearly there.
            **Could be better**: three of us were blocked on reviews for more than a day.
            """,
    )
    s.comment(
        notes,
        by="mara",
        at="W38 Mon 10:00",
        body="/promise send the retro notes by Tuesday noon",
    )
    s.comment(
        notes,
        by="mara",
        at="W38 Tue 15:30",
        body="""
            Notes are in the wiki. Later than promised: the hiring sync ran over.
            /done
            """,
    )

    hiring = s.issue(
        "hiring-backend",
        "acme/infra",
        "Hiring: backend engineer (two openings)",
        by="mara",
        at="W38 Mon 11:00",
        body="""
            We have headcount for two backend engineers. Loop: intro call, take-home (2 h max,
            paid), onsite with a pairing session and a systems conversation.

            /promise publish the job description by Thursday
            """,
        labels=("hiring",),
    )
    s.comment(
        hiring,
        by="mara",
        at="W38 Thu 12:00",
        body="The job description is live on the careers page.\n/done",
    )

    adr = s.issue(
        "adr-idempotency",
        "acme/api",
        "ADR: idempotency keys for POST endpoints",
        by="tomas",
        at="W38 Mon 09:00",
        body="""
            Context: partners retry POSTs on timeouts and sometimes create duplicate payments.

            /promise write the ADR draft by Wednesday
            """,
        labels=("adr",),
    )
    s.comment(
        adr,
        by="tomas",
        at="W38 Wed 17:30",
        body="Draft is in docs/adr/0007-idempotency-keys.md on a branch; comments welcome.\n/done",
    )

    lazy = s.pr(
        "lazy-analytics",
        "acme/web",
        "Lazy-load the analytics bundle",
        by="jonas",
        at="W38 Tue 10:00",
        body="Cuts 180 kB from the first load of the dashboard.",
        reviews=(("lena", "W38 Wed 11:00", "COMMENTED"),),
    )
    s.review_comment(
        lazy,
        by="tomas",
        at="W38 Tue 11:00",
        body="""
            Nice win. The bundle budget check in CI may not see lazy chunks, though.
            /promise double-check the bundle budget in CI by Friday
            """,
    )
    s.review_comment(
        lazy,
        by="tomas",
        at="W39 Tue 09:00",
        body="""
            /revise Thursday because the rotation draft ate my Friday. Sorry for the silence, Jonas.
            """,
    )
    s.review_comment(
        lazy,
        by="tomas",
        at="W39 Thu 15:00",
        body="Budget check does see lazy chunks; we pass with 18 kB to spare.\n/done",
    )
    s.review(lazy, by="tomas", at="W39 Thu 15:05", state="APPROVED")
    s.merge(lazy, by="jonas", at="W39 Thu 16:00")

    deprecation_mail = s.issue(
        "v1-announcement",
        "acme/api",
        "Announce the v1 deprecation to customers",
        by="mara",
        at="W38 Mon 14:00",
        body="Email to all API customers plus a banner in the developer portal. Draft with partner success.",
        labels=(LABEL, "comms"),
        assignees=("mara",),
        milestone="2026.09",
    )
    s.comment(
        deprecation_mail,
        by="mara",
        at="W38 Thu 17:00",
        body="Sent to 412 API customers; the portal banner is live.",
    )
    s.close(deprecation_mail, by="mara", at="W38 Thu 17:05")

    page = handover(
        s,
        38,
        body="""
            Two pages, both for disk space on the log hosts at 85%. Neither needed action.
            Thresholds feel too tight for hosts that rotate nightly.
            """,
    )
    s.comment(
        page,
        by="tomas",
        at="W38 Mon 10:00",
        body="/promise tune the disk alert thresholds on the log hosts by Thursday",
    )
    s.comment(
        page,
        by="tomas",
        at="W39 Mon 10:00",
        body="Thresholds are now 92% for 30 minutes on log hosts. Done, a few days late.\n/done",
    )


def week_39(s: Sample) -> None:
    """The retro where the team admits it over-promises."""
    notes = retro(
        s,
        39,
        body="""
            The uncomfortable card this time, from Mara: *we say "I'll do it by Friday" a lot,
            and about half the time it doesn't happen, and nobody says so.*

            Nobody did anything wrong; the promises were too many, too small and undated.
            Proposal: fewer promises, always with a date, and revise openly when plans change.
            """,
    )
    s.comment(
        notes,
        by="mara",
        at="W39 Mon 10:10",
        body="""
            I'll write this up as a working agreement so we can try it for a quarter.
            /promise write up a "promise less, date it, revise openly" working agreement by Friday
            """,
    )
    s.comment(
        notes,
        by="tomas",
        at="W39 Mon 09:00",
        body="+1. I'm the worst offender on review-comment promises, happy to be measured.",
    )
    s.comment(
        notes,
        by="mara",
        at="W39 Thu 16:00",
        body="Working agreement is in the team handbook, section 4. Trial until the end of the year.\n/done",
    )

    flaky = s.threads["flaky-ci"]
    s.comment(
        flaky,
        by="mara",
        at="W39 Mon 12:00",
        body="""
            Lena, you've been fighting this between other work. Let's make it real work.
            /promise clear two focus days for Lena's flaky-test hunt by Wednesday
            """,
    )
    s.comment(
        flaky,
        by="mara",
        at="W39 Tue 09:30",
        body="Thursday and Friday are blocked in the calendar; I moved the two syncs.\n/done",
    )

    beta = s.issue(
        "v2-beta-feedback",
        "acme/api",
        "v2 beta: partner feedback, round 1",
        by="priya",
        at="W39 Mon 09:40",
        body="Collected questions from Northwind, Globex and Initech in the table below.",
        labels=("v2",),
    )
    s.comment(
        beta,
        by="tomas",
        at="W39 Mon 10:00",
        body="/promise answer the open questions from the beta partners by Thursday",
    )
    s.comment(
        beta,
        by="tomas",
        at="W39 Wed 09:00",
        body="""
            /revise Friday because two partners sent more questions yesterday and I'd rather answer all of them together
            """,
    )
    s.comment(
        beta,
        by="tomas",
        at="W39 Fri 12:00",
        body="All 14 questions answered inline; two became issues for the v2 backlog.\n/done",
    )

    pool = s.issue(
        "pg-pool",
        "acme/infra",
        "Postgres connection pool exhausted on Sunday night",
        by="aiko",
        at="W39 Mon 08:50",
        body="""
            At 23:40 on Sunday the billing worker opened 180 connections and starved the API.
            Restarted the worker; no data loss. Timeline in the incident doc.
            """,
        labels=("incident",),
    )
    s.comment(
        pool,
        by="tomas",
        at="W39 Mon 09:30",
        body="/promise propose per-service pool limits by Wednesday",
    )
    s.comment(
        pool,
        by="tomas",
        at="W39 Thu 11:00",
        body="Proposal: API 60, billing worker 30, everything else 10, enforced in PgBouncer.\n/done",
    )

    csv = s.issue(
        "csv-umlauts",
        "acme/api",
        "Support escalation: CSV exports garble umlauts",
        by="priya",
        at="W39 Tue 10:00",
        body="Excel opens our UTF-8 CSVs as Windows-1252. A BOM would fix it for Excel users.",
        labels=("bug", "support"),
    )
    s.comment(
        csv,
        by="mara",
        at="W39 Tue 11:00",
        body="/promise loop in the customer's account manager by tomorrow",
    )
    s.comment(
        csv,
        by="mara",
        at="W39 Thu 09:00",
        body="Talked to the account manager this morning; they will tell the customer.\n/done",
    )

    page = handover(
        s,
        39,
        body="""
            Sunday's pool exhaustion is the only real incident (see the infra issue). The rest:
            one flapping health check on web-3, fixed by replacing the node.
            """,
    )
    s.comment(
        page,
        by="mara",
        at="W39 Tue 09:00",
        body="/kudos @aiko for calm, thorough handover notes that set the bar for all of us",
    )

    s.pr(
        "cursor-docs",
        "acme/api",
        "docs: document cursor pagination for /v2/invoices",
        by="priya",
        at="W39 Mon 14:00",
        body="Reference docs plus a worked example with `curl`.",
        reviews=(("tomas", "W39 Tue 09:30", "APPROVED"),),
        merged="W39 Tue 11:00",
    )


def week_40(s: Sample) -> None:
    """v2 goes to partners; the first milestone is moved openly."""
    hiring = s.threads["hiring-backend"]
    s.comment(
        hiring,
        by="mara",
        at="W40 Mon 10:00",
        body="""
            Take-home is ready for a dry run.
            /promise send the take-home exercise to the panel for review by Wednesday
            """,
    )
    s.comment(hiring, by="mara", at="W40 Wed 11:00", body="Sent to the panel.\n/done")

    page = handover(
        s,
        40,
        body="First week of follow-the-sun. Handover at 20:00 CET worked both days it was needed.",
    )
    s.comment(
        page,
        by="mara",
        at="W40 Mon 10:30",
        body="""
            The escalation policy page still describes the old rotation.
            /promise update the escalation policy page by Friday
            """,
    )
    s.comment(page, by="mara", at="W40 Fri 15:30", body="Updated, with both time zones.\n/done")

    v1 = s.issue(
        "deprecate-v1",
        "acme/api",
        "Deprecate API v1",
        by="tomas",
        at="W40 Mon 09:00",
        body="""
            Tracking issue for sunsetting v1. v1 traffic is 31% of requests, mostly from
            integrations older than two years.
            """,
        labels=("v1-sunset",),
    )
    s.comment(
        v1,
        by="tomas",
        at="W40 Mon 09:10",
        body="/promise publish the v1 sunset timeline in the changelog by Friday",
    )
    s.comment(
        v1,
        by="tomas",
        at="W41 Mon 10:00",
        body="Timeline is in the changelog: deprecation headers in November, sunset on 2027-06-30.\n/done",
    )

    sort_bug = s.issue(
        "invoice-sort",
        "acme/web",
        "Invoices table sorts dates as text",
        by="lena",
        at="W40 Mon 11:00",
        body="`01.10.2026` sorts before `30.09.2026`. Support has two tickets about it.",
        labels=("bug",),
        assignees=("jonas",),
    )
    s.comment(
        sort_bug,
        by="tomas",
        at="W40 Mon 09:30",
        body="""
            I told support we'd have this fixed this week. Jonas already has a fix in mind.
            /promise by Thursday
            """,
    )
    s.pr(
        "invoice-sort-pr",
        "acme/web",
        "fix: sort invoice dates as dates, not strings",
        by="jonas",
        at="W40 Tue 10:00",
        body="Fixes #[invoice-sort]\n\nSorts on the ISO value and formats only for display.",
        reviews=(("lena", "W40 Wed 15:00", "APPROVED"),),
        merged="W40 Thu 14:00",
    )

    trap = s.issue(
        "keyboard-trap",
        "acme/web",
        "Accessibility: keyboard trap in the checkout modal",
        by="jonas",
        at="W40 Tue 09:30",
        body="Tab never leaves the modal once the card field has focus. Screen reader users are stuck.",
        labels=("accessibility", "bug"),
    )
    s.comment(
        trap,
        by="mara",
        at="W40 Tue 10:00",
        body="""
            We should have an expert look at the whole checkout, not only this bug.
            /promise get a quote from an external accessibility auditor by Thursday
            """,
    )
    s.comment(
        trap,
        by="mara",
        at="W41 Mon 11:00",
        body="Quote is in: five days of auditing, earliest slot in December. Approved. Sorry, this took longer than I said.\n/done",
    )

    k8s = s.issue(
        "k8s-upgrade",
        "acme/infra",
        "Upgrade staging Kubernetes to 1.31",
        by="aiko",
        at="W40 Mon 14:00",
        body="1.29 leaves extended support in February. Staging first, production in the next window.",
        labels=(LABEL, "kubernetes"),
        assignees=("tomas", "aiko"),
        milestone="Oct infra window",
    )
    s.comment(
        k8s,
        by="tomas",
        at="W40 Thu 09:00",
        body="""
            Moving this to the mid-October window: the CNI plugin needs an upgrade first and I
            don't want to do both in one go.
            """,
    )
    s.move_milestone(k8s, "Mid-Oct infra window", by="tomas", at="W40 Thu 09:01")
    s.pr(
        "k8s-upgrade-pr",
        "acme/infra",
        "Upgrade staging to Kubernetes 1.31",
        by="aiko",
        at="W42 Wed 10:00",
        body="Fixes #[k8s-upgrade]\n\nCNI upgraded last week; node pools rolled one at a time.",
        reviews=(("tomas", "W42 Thu 09:00", "APPROVED"),),
        merged="W42 Thu 16:00",
    )
    bump(s, "acme/api", "httpx", "0.27.0", "0.27.2", at="W40 Mon 06:20", merged="W40 Tue 09:10")


def week_41(s: Sample) -> None:
    """Incident reviews get a template; a commitment is taken back openly."""
    notes = retro(
        s,
        41,
        body="""
            First retro under the working agreement. Fewer promises last week, every one with a
            date, and the Kubernetes upgrade was moved openly instead of quietly slipping.
            """,
    )
    s.comment(
        notes, by="mara", at="W41 Mon 10:00", body="/promise send the retro notes by Tuesday noon"
    )
    s.comment(notes, by="mara", at="W41 Tue 11:50", body="Notes are in the wiki.\n/done")

    template = s.issue(
        "incident-template",
        "acme/api",
        "A blameless incident review template",
        by="mara",
        at="W41 Mon 11:00",
        body="""
            Our incident docs vary a lot. A shared template: timeline, contributing factors
            (not root cause), what went well, follow-ups with owners and dates.

            /promise draft a blameless incident review template by Thursday
            """,
    )
    s.comment(template, by="mara", at="W41 Thu 14:00", body="Template is in the handbook.\n/done")

    idem = s.pr(
        "idempotency-pr",
        "acme/api",
        "Idempotency keys for POST /v2/payments",
        by="priya",
        at="W41 Mon 09:00",
        body="Implements ADR 0007. Keys are kept for 24 h; replays return the stored response.",
        reviews=(("lena", "W41 Thu 10:00", "APPROVED"),),
    )
    s.review_comment(
        idem,
        by="tomas",
        at="W41 Mon 10:00",
        body="/promise review the retry semantics section properly by Wednesday",
    )
    s.review_comment(
        idem,
        by="tomas",
        at="W41 Wed 15:00",
        body="Reviewed: one question on concurrent replays, otherwise this is exactly the ADR.\n/done",
    )
    s.review(idem, by="tomas", at="W41 Wed 15:05", state="APPROVED")
    s.merge(idem, by="priya", at="W41 Fri 11:00")

    disk = s.issue(
        "runner-disk",
        "acme/infra",
        "CI runners keep running out of disk",
        by="lena",
        at="W41 Mon 13:00",
        body="Three red builds today with `no space left on device` on runner-4 and runner-7.",
        labels=("ci",),
    )
    s.comment(
        disk,
        by="tomas",
        at="W41 Tue 09:00",
        body="/promise clean up the old runner images by Friday",
    )
    s.comment(
        disk,
        by="tomas",
        at="W42 Mon 10:00",
        body="Old images removed and a weekly prune job added. Done on Monday rather than Friday.\n/done",
    )

    checklist = s.issue(
        "onboarding-v2",
        "acme/web",
        "Onboarding checklist v2",
        by="mara",
        at="W41 Mon 14:00",
        body="""
            Next iteration after the design review.

            /promise add the accessibility checks to the onboarding checklist by Friday
            """,
    )
    s.comment(checklist, by="mara", at="W42 Tue 09:30", body="Added (late, sorry).\n/done")

    keys = s.issue(
        "self-serve-keys",
        "acme/api",
        "Self-serve API keys for partners",
        by="priya",
        at="W40 Wed 10:00",
        body="Partners email us for keys today. A page in the portal to create and rotate them.",
        assignees=("mara",),
    )
    s.label(keys, LABEL, by="mara", at="W41 Mon 10:30")
    s.move_milestone(keys, "Q4 partner launch", by="mara", at="W41 Mon 10:31")
    s.comment(
        keys,
        by="mara",
        at="W41 Thu 09:00",
        body="""
            Taking the commitment label off: product moved this to the Q1 roadmap, so it is no
            longer a promise this team is making for October.
            """,
    )
    s.unlabel(keys, LABEL, by="mara", at="W41 Thu 09:01")

    tokens = s.issue(
        "design-tokens",
        "acme/web",
        "Design tokens migration",
        by="jonas",
        at="W41 Tue 10:00",
        body="Replace hard-coded colours with tokens. A codemod does 90% of it.",
    )
    s.comment(
        tokens,
        by="tomas",
        at="W41 Tue 10:30",
        body="/promise pair with Jonas on the token codemod by Thursday",
    )
    s.comment(
        tokens,
        by="tomas",
        at="W41 Thu 13:00",
        body="Paired for two hours; the codemod handles nested themes now.\n/done",
    )

    s.pr(
        "e2e-shards",
        "acme/web",
        "Run the checkout e2e suite in two shards",
        by="lena",
        at="W41 Tue 11:00",
        body="Halves the wall-clock time of the e2e job.",
        reviews=(("jonas", "W41 Wed 10:00", "APPROVED"),),
        merged="W41 Thu 12:00",
    )


def week_42(s: Sample) -> None:
    """Hiring loops start; a promise is dropped instead of quietly lapsing."""
    hiring = s.threads["hiring-backend"]
    s.comment(
        hiring,
        by="mara",
        at="W42 Mon 10:00",
        body="/promise schedule the first three onsite loops by Wednesday",
    )
    s.comment(
        hiring, by="mara", at="W42 Wed 09:00", body="Three loops booked for W43 and W44.\n/done"
    )

    page = handover(
        s,
        42,
        body="Quiet. The new disk thresholds have not paged once. Holiday cover for December is still open.",
    )
    s.comment(
        page,
        by="mara",
        at="W42 Mon 10:30",
        body="/promise confirm the holiday on-call cover by Friday",
    )
    s.comment(
        page,
        by="mara",
        at="W42 Thu 15:00",
        body="/revise Oct 23 because two people are still checking travel plans with their families",
    )
    s.comment(
        page,
        by="mara",
        at="W43 Thu 11:00",
        body="Holiday cover is confirmed and in the calendar.\n/done",
    )

    bus = s.issue(
        "adr-event-bus",
        "acme/api",
        "ADR: event bus for webhook fan-out",
        by="tomas",
        at="W42 Mon 09:00",
        body="""
            Webhook fan-out runs in the API process today. Candidates: SQS + SNS, Kafka (MSK),
            or Postgres LISTEN/NOTIFY for now.

            /promise compare SQS and Kafka costs for our volume by Thursday
            """,
        labels=("adr",),
    )
    s.comment(
        bus,
        by="tomas",
        at="W42 Thu 16:00",
        body="Costs at 40 M events/month: SQS+SNS about 30 USD, MSK about 600 USD. Table above.\n/done",
    )

    bundle = s.issue(
        "bundle-regression",
        "acme/web",
        "Bundle size regression after the charts upgrade",
        by="jonas",
        at="W42 Mon 11:00",
        body="The charts upgrade added 240 kB. Tree-shaking seems to have stopped working.",
    )
    s.comment(
        bundle,
        by="tomas",
        at="W42 Mon 10:00",
        body="/promise pair on the tree-shaking fix by Friday",
    )
    s.comment(
        bundle,
        by="tomas",
        at="W43 Tue 11:00",
        body="Paired today: `sideEffects` was missing from the charts package.\n/done",
    )

    s.comment(
        s.threads["flaky-ci"],
        by="mara",
        at="W42 Mon 12:00",
        body="/promise share flaky-test progress at the all-hands by Thursday",
    )
    s.comment(
        s.threads["flaky-ci"],
        by="mara",
        at="W42 Thu 16:30",
        body="Shared: flake rate down from 12% to 4% since the shards and the new waits.\n/done",
    )

    alerts = s.issue(
        "noisy-alerts",
        "acme/infra",
        "Alert fatigue: the ten noisiest alerts",
        by="aiko",
        at="W42 Mon 09:30",
        body="Ten alerts account for 70% of pages in the last quarter. List and counts below.",
        labels=("on-call",),
    )
    s.comment(
        alerts,
        by="tomas",
        at="W42 Mon 09:45",
        body="/promise delete or downgrade the ten noisiest alerts by Friday",
    )
    s.comment(
        alerts,
        by="tomas",
        at="W43 Wed 10:00",
        body="""
            /drop because we're replacing the whole set with SLO-based alerts (proposal in the handover notes); tuning these ten would be wasted work
            """,
    )

    s.pr(
        "charts-treeshake",
        "acme/web",
        "fix: tree-shake the charts bundle again",
        by="jonas",
        at="W43 Mon 14:00",
        body="Adds `sideEffects: false` and a bundle-size check for the charts chunk.",
        reviews=(("lena", "W43 Tue 10:00", "APPROVED"),),
        merged="W43 Tue 15:00",
    )


def week_43(s: Sample) -> None:
    """A good week: v2 GA gets a date."""
    notes = retro(
        s, 43, body="Short retro: good week, nothing on fire. One card: more pairing, please."
    )
    s.comment(
        notes, by="mara", at="W43 Mon 10:00", body="/promise send the retro notes by Tuesday noon"
    )
    s.comment(notes, by="mara", at="W43 Tue 10:45", body="Notes are in the wiki.\n/done")

    ga = s.issue(
        "v2-ga-comms",
        "acme/api",
        "v2 GA: partner communication",
        by="mara",
        at="W43 Mon 10:00",
        body="""
            Partner success needs the GA date four weeks ahead for their newsletter.

            /promise send the GA date to partner success by Wednesday
            """,
    )
    s.comment(ga, by="mara", at="W43 Tue 16:00", body="GA date sent: 2026-12-01.\n/done")

    s.pr(
        "webhook-signing",
        "acme/api",
        "Webhook signing v2: HMAC-SHA256 with key rotation",
        by="tomas",
        at="W43 Mon 09:00",
        body="""
            Two active signing keys at a time so partners can rotate without downtime.

            /promise by Friday
            """,
        reviews=(("priya", "W43 Wed 11:00", "APPROVED"), ("aiko", "W43 Wed 14:00", "COMMENTED")),
        merged="W43 Thu 15:00",
    )

    runbook = s.issue(
        "pg16-runbook",
        "acme/infra",
        "Postgres 16 upgrade: runbook review",
        by="aiko",
        at="W43 Mon 11:00",
        body="Runbook draft for the production upgrade is in the ops repo. Rollback is the part I'm least sure about.",
    )
    s.comment(
        runbook,
        by="tomas",
        at="W43 Mon 09:30",
        body="/promise review the upgrade runbook by Thursday",
    )
    s.comment(
        runbook,
        by="tomas",
        at="W43 Wed 17:00",
        body="Reviewed; rollback looks right, added a step to pause the billing worker.\n/done",
    )

    statement = s.issue(
        "a11y-statement",
        "acme/web",
        "Publish the accessibility statement",
        by="mara",
        at="W43 Mon 13:00",
        body="Legal has approved the text. It goes in the footer of every page.",
        labels=(LABEL, "accessibility"),
        assignees=("mara",),
        milestone="2026.10",
    )
    s.comment(
        statement,
        by="mara",
        at="W44 Mon 10:00",
        body="Published on Monday, a few days after the milestone.",
    )
    s.close(statement, by="mara", at="W44 Mon 10:02")


def week_44(s: Sample) -> None:
    """The webhook incident week."""
    incident = s.issue(
        "incident-webhooks",
        "acme/api",
        "Incident 2026-10-28: webhook deliveries delayed by up to 3 hours",
        by="aiko",
        at="W44 Wed 14:30",
        body="""
            **Impact**: webhook deliveries to all partners delayed by up to 3 h between
            10:50 and 13:55 CET. No events lost.

            **What we know**: one tenant's endpoint answered in 29 s; the shared delivery
            workers waited on it and the queue backed up.
            """,
        labels=("incident",),
    )
    s.comment(
        incident,
        by="tomas",
        at="W44 Wed 13:30",
        body="""
            Thank you Aiko and Priya for a calm, well-narrated incident channel.
            /promise run the blameless incident review by Friday
            """,
    )
    s.comment(
        incident,
        by="mara",
        at="W44 Wed 18:00",
        body="""
            Partners will want to hear from us before the review is done.
            /promise send the customer-facing incident summary within 48 hours
            """,
    )
    s.comment(
        incident,
        by="tomas",
        at="W44 Thu 10:00",
        body="""
            /kudos @aiko @priya for keeping the incident channel calm and clear at the worst moment
            /promise share the webhook queue capacity numbers by Thursday
            """,
    )
    s.comment(
        incident,
        by="mara",
        at="W44 Fri 15:00",
        body="Summary sent to all partners and posted on the status page.\n/done",
    )
    s.comment(
        incident,
        by="tomas",
        at="W44 Fri 11:00",
        body="Review held with 9 people; notes and follow-ups in the doc.\n/done 1",
    )
    s.comment(
        incident,
        by="tomas",
        at="W45 Mon 10:00",
        body="Capacity numbers: 1,800 deliveries/s per worker pool, 3x our peak. Later than I said.\n/done",
    )

    notes = retro(s, 44, body="Retro moved to Thursday because of the incident. Cards below.")
    s.comment(
        notes, by="mara", at="W44 Mon 10:00", body="/promise send the retro notes by Tuesday noon"
    )
    s.comment(
        notes,
        by="mara",
        at="W44 Thu 09:00",
        body="Notes are up. Late: the incident took Wednesday.\n/done",
    )

    hiring = s.threads["hiring-backend"]
    s.comment(
        hiring,
        by="mara",
        at="W44 Mon 10:00",
        body="/promise send decision feedback to both finalists by Friday",
    )
    s.comment(
        hiring,
        by="mara",
        at="W44 Fri 12:00",
        body="Both finalists have our feedback; one offer is out.\n/done",
    )

    page = handover(s, 44, body="Before Wednesday: nothing. Wednesday: see the webhook incident.")
    s.comment(
        page,
        by="tomas",
        at="W44 Mon 09:00",
        body="/promise move the webhook workers to the new node pool by Friday",
    )
    s.comment(
        page,
        by="tomas",
        at="W45 Tue 10:00",
        body="Moved. This slipped behind the incident follow-ups.\n/done",
    )

    banners = s.issue(
        "status-banners",
        "acme/api",
        "Status page: automate incident banners",
        by="mara",
        at="W44 Mon 11:00",
        body="Post a banner automatically when an incident is declared in the incident channel.",
        labels=(LABEL,),
        assignees=("mara",),
        milestone="2026.10",
    )
    s.comment(
        banners,
        by="mara",
        at="W44 Thu 09:00",
        body="""
            Closing as not planned: our status page vendor ships automatic banners next month,
            so we would be building the same thing twice.
            """,
    )
    s.close(banners, by="mara", at="W44 Thu 09:00:04", reason="not_planned")

    s.pr(
        "tenant-isolation",
        "acme/api",
        "fix: stop one slow tenant from blocking webhook deliveries",
        by="priya",
        at="W44 Wed 16:00",
        body="Per-tenant concurrency limit of 4 and a 10 s delivery timeout.",
        labels=("bug", "incident"),
        reviews=(("tomas", "W44 Thu 09:30", "APPROVED"), ("aiko", "W44 Thu 09:45", "APPROVED")),
        merged="W44 Thu 12:00",
    )

    onboarding = s.issue(
        "onboarding-sam",
        "acme/infra",
        "Onboarding: Sam joins the team on Nov 2",
        by="mara",
        at="W44 Thu 14:00",
        body="""
            Sam joins us as a frontend engineer. Buddy: Jonas.

            /promise get Sam's laptop and accounts ready by Monday
            """,
        labels=("onboarding",),
    )
    s.comment(
        onboarding,
        by="tomas",
        at="W44 Fri 09:00",
        body="/promise pair with Sam on the local setup by Wednesday",
    )
    s.comment(
        onboarding,
        by="mara",
        at="W45 Mon 09:10",
        body="Laptop, GitHub, Jira and the on-call calendar are ready.\n/done",
    )
    s.comment(
        onboarding,
        by="sam",
        at="W45 Mon 09:30",
        body="Thanks! Everything works; the README setup section was a bit out of date.",
    )
    s.comment(
        onboarding,
        by="tomas",
        at="W45 Wed 12:00",
        body="Paired this morning; Sam has the whole stack running.\n/done",
    )

    s.pr(
        "checkout-a11y",
        "acme/web",
        "Rework the checkout form for screen readers",
        by="jonas",
        at="W44 Fri 10:00",
        body="""
            Everything we found ourselves since the keyboard-trap bug: labelled fields, a live
            region for errors, focus moves to the first invalid field, no traps in the card modal.
            """,
        labels=("accessibility",),
    )
    bump(s, "acme/web", "vite", "5.4.8", "5.4.10", at="W44 Mon 06:08", merged="W44 Tue 10:00")


def week_45(s: Sample) -> None:
    """Incident follow-ups; a promise that will stay overdue for weeks."""
    incident = s.threads["incident-webhooks"]
    s.comment(
        incident,
        by="mara",
        at="W45 Mon 10:00",
        body="/promise publish the incident review and action items by Tuesday",
    )
    s.comment(
        incident,
        by="mara",
        at="W45 Tue 16:00",
        body="Published in the handbook, with owners and dates for all five follow-ups.\n/done",
    )

    bus = s.threads["adr-event-bus"]
    s.comment(
        bus,
        by="tomas",
        at="W45 Mon 09:00",
        body="""
            After the incident this is urgent again.
            /promise write up the ADR draft by Friday
            """,
    )

    drops = s.issue(
        "webhook-502",
        "acme/api",
        "Webhook deliveries dropped when the gateway returns 502",
        by="aiko",
        at="W45 Tue 09:00",
        body="""
            Follow-up 3 from the incident review: on a 502 from the edge gateway we mark the
            delivery as failed and never retry it. 0.3% of deliveries last week.
            """,
        labels=("bug", "incident-follow-up"),
        assignees=("tomas", "priya"),
    )
    s.label(drops, LABEL, by="mara", at="W45 Tue 10:00")
    s.move_milestone(drops, "2026.11 hardening", by="mara", at="W45 Tue 10:00")

    s.review_comment(
        s.threads["checkout-a11y"],
        by="tomas",
        at="W45 Mon 10:00",
        body="/promise review the focus management part by Thursday",
    )
    s.review_comment(
        s.threads["checkout-a11y"],
        by="tomas",
        at="W45 Thu 14:00",
        body="Focus management reviewed: moving focus on error is right; see two nits.\n/done",
    )
    s.review(s.threads["checkout-a11y"], by="tomas", at="W45 Thu 14:05", state="CHANGES_REQUESTED")

    s.comment(
        s.threads["flaky-ci"],
        by="mara",
        at="W45 Mon 11:00",
        body="/promise ask for a CI budget bump for parallel e2e shards by Friday",
    )
    s.comment(
        s.threads["flaky-ci"],
        by="mara",
        at="W46 Mon 09:45",
        body="Budget approved for four shards. I asked on Monday instead of Friday, sorry.\n/done",
    )

    s.issue(
        "pg16",
        "acme/infra",
        "Upgrade production Postgres to 16",
        by="aiko",
        at="W44 Mon 10:00",
        body="Runbook reviewed in the runbook issue. Window: Thursday 06:00 CET, 20 minutes read-only.",
        labels=(LABEL, "postgres"),
        assignees=("tomas", "aiko"),
        milestone="2026.11 window 1",
    )
    s.pr(
        "pg16-pr",
        "acme/infra",
        "Upgrade production Postgres to 16",
        by="aiko",
        at="W45 Tue 14:00",
        body="Fixes #[pg16]\n\nApplied in the Thursday window; 14 minutes read-only.",
        reviews=(("tomas", "W45 Wed 09:00", "APPROVED"),),
        merged="W45 Thu 07:00",
    )

    notes = retro(
        s,
        45,
        body="Incident retro folded into the review. Other cards: the new handbook section helps.",
    )
    s.comment(
        notes, by="mara", at="W45 Mon 10:00", body="/promise send the retro notes by Tuesday noon"
    )
    s.comment(notes, by="mara", at="W45 Tue 11:30", body="Notes are in the wiki.\n/done")

    export = s.issue(
        "export-timeout",
        "acme/api",
        "Nightly export job times out for large tenants",
        by="priya",
        at="W45 Thu 11:00",
        body="Tenants with more than 5 M rows hit the 60-minute job limit. Three tenants affected.",
        labels=("bug",),
        assignees=("mara", "lena"),
    )
    s.label(export, LABEL, by="mara", at="W45 Thu 11:30")

    bump(s, "acme/api", "urllib3", "2.2.2", "2.2.3", at="W45 Mon 06:15", merged="W45 Tue 09:00")


def week_46(s: Sample) -> None:
    """A steady week; a fix that did not hold."""
    notes = retro(
        s, 46, body="Cards: the incident follow-ups are on track; we want a quieter December."
    )
    s.comment(
        notes, by="mara", at="W46 Mon 10:00", body="/promise send the retro notes by Tuesday noon"
    )
    s.comment(notes, by="mara", at="W46 Tue 11:15", body="Notes are in the wiki.\n/done")

    export = s.threads["export-timeout"]
    s.comment(
        export,
        by="mara",
        at="W46 Mon 09:30",
        body="""
            Support has promised the three tenants a fix this week; I'm making that our promise.
            /promise by Friday
            """,
    )
    s.pr(
        "export-chunks",
        "acme/api",
        "Raise the export chunk size for large tenants",
        by="lena",
        at="W46 Mon 14:00",
        body="Fixes #[export-timeout]\n\nChunks of 50k rows instead of 5k; the test tenant finishes in 35 minutes.",
        reviews=(("priya", "W46 Tue 10:00", "APPROVED"),),
        merged="W46 Tue 15:00",
    )
    s.comment(
        export,
        by="priya",
        at="W46 Thu 08:30",
        body="Reopening: last night's run for tenant 4471 timed out again after 61 minutes.",
    )
    s.reopen(export, by="priya", at="W46 Thu 08:31")

    ga = s.issue(
        "v2-ga-checklist",
        "acme/api",
        "v2 GA checklist",
        by="priya",
        at="W46 Mon 10:00",
        body="Docs, SDKs, rate limits, status page entries, support runbook. Each with an owner.",
        labels=("v2",),
    )
    s.comment(
        ga, by="tomas", at="W46 Mon 09:30", body="/promise sign off the v2 GA checklist by Thursday"
    )
    s.comment(
        ga,
        by="tomas",
        at="W46 Thu 11:00",
        body="Signed off; the SDK item moves to the week after GA, agreed with partner success.\n/done",
    )

    page = handover(
        s,
        46,
        body="New webhook queue is live. Two pages, both real, both handled in under 10 minutes.",
    )
    s.comment(
        page,
        by="tomas",
        at="W46 Mon 10:00",
        body="/promise document the runbook for the new webhook queue by Friday",
    )
    s.comment(
        page,
        by="tomas",
        at="W46 Fri 12:00",
        body="Runbook is in the ops repo, linked from the alert.\n/done",
    )

    hiring = s.threads["hiring-backend"]
    s.comment(
        hiring,
        by="mara",
        at="W46 Mon 10:15",
        body="/promise send the panel the calibration notes by Wednesday",
    )
    s.comment(hiring, by="mara", at="W46 Wed 17:30", body="Calibration notes sent.\n/done")

    s.comment(
        s.threads["flaky-ci"],
        by="mara",
        at="W46 Tue 10:00",
        body="/promise share the flaky-test quarantine policy draft by Thursday",
    )
    s.comment(
        s.threads["flaky-ci"],
        by="mara",
        at="W46 Thu 11:00",
        body="Draft policy: a test that flakes twice in a week is quarantined and gets an owner within a day.\n/done",
    )

    s.issue(
        "v1-comms-plan",
        "acme/api",
        "Deprecate API v1: customer communication plan",
        by="mara",
        at="W46 Thu 10:00",
        body="""
            Deprecation headers go out next week. Before that, integrators should hear it from a person.

            /promise run a Q&A session for partner integrators by Nov 19
            """,
        labels=("v1-sunset", "comms"),
    )

    s.review_comment(
        s.threads["checkout-a11y"],
        by="tomas",
        at="W46 Thu 10:00",
        body="""
            The nits are fixed, thanks. The focus trap edge cases (nested dialogs) are subtle.
            /promise pair with you on the focus-trap edge cases by Monday
            """,
    )
    s.review(s.threads["checkout-a11y"], by="lena", at="W46 Thu 15:00", state="COMMENTED")

    s.issue(
        "v2-migration-guide",
        "acme/api",
        "v2 migration guide for integrators",
        by="tomas",
        at="W46 Wed 09:00",
        body="""
            One page per v1 endpoint: what changes, a before/after request, and gotchas.

            /promise finish the v2 migration guide by Nov 26
            """,
        labels=("docs", "v2"),
    )

    checklist = s.issue(
        "handover-checklist",
        "acme/infra",
        "On-call handover checklist",
        by="aiko",
        at="W46 Fri 09:00",
        body="Handovers vary by person. A short checklist in the runbook would help new people like Sam.",
        labels=("on-call",),
    )
    s.comment(
        checklist,
        by="mara",
        at="W46 Fri 10:00",
        body="/promise publish the on-call handover checklist in the runbook by Nov 20",
    )
    s.comment(
        checklist,
        by="mara",
        at="W48 Tue 11:00",
        body="Published in the runbook, with Aiko's and Sam's edits. Late: it slipped behind the hiring loop.\n/done",
    )

    s.pr(
        "ssr-pricing",
        "acme/web",
        "Experiment: server-side render the pricing page",
        by="tomas",
        at="W46 Tue 09:00",
        body="""
            Does SSR help the pricing page enough to be worth the complexity? Measuring TTFB and
            LCP on a slow 4G profile.

            /promise by Nov 20
            """,
        labels=("experiment",),
    )

    s.pr(
        "contract-tests-setup",
        "acme/api",
        "Add Pact to the API test suite",
        by="lena",
        at="W46 Wed 10:00",
        body="Just the tooling; contract tests for webhooks follow.",
        reviews=(("priya", "W46 Thu 09:00", "APPROVED"),),
        merged="W46 Thu 14:00",
    )
    bump(
        s,
        "acme/infra",
        "hashicorp/aws",
        "5.74.0",
        "5.76.0",
        at="W46 Mon 06:04",
        merged="W46 Tue 09:20",
    )


def week_47(s: Sample) -> None:
    """The week the demo reports on: every kind of outcome, and a good week for wins."""
    notes = retro(
        s,
        47,
        body="""
            **Went well**: the incident follow-ups, the v2 GA checklist, Sam's first week.
            **Could be better**: the export fix that didn't hold; we closed it too early.
            """,
    )
    s.comment(
        notes,
        by="mara",
        at="W47 Mon 10:05",
        body="/promise send the retro notes and action items by Tuesday noon",
    )
    s.comment(
        notes,
        by="mara",
        at="W47 Tue 11:20",
        body="Notes and action items are in the wiki. Action item 1: a fix is only done after one clean nightly run.\n/done",
    )

    loop = s.issue(
        "onsite-loop",
        "acme/infra",
        "Hiring: onsite loop on Thursday, Nov 19",
        by="mara",
        at="W47 Mon 11:00",
        body="""
            Candidate for the second backend opening. Panel: Priya (pairing), Tomas (systems),
            Aiko (values), Mara (hiring manager). Debrief right after.
            """,
        labels=("hiring",),
    )
    s.comment(
        loop,
        by="mara",
        at="W47 Tue 09:00",
        body="""
            Two things from me before Thursday:
            /promise share the updated interview scorecard with the panel by Wednesday
            /promise book the debrief room for Thursday's loop by tomorrow
            """,
    )
    s.comment(loop, by="mara", at="W47 Wed 10:30", body="Room booked: Spree, 16:00–17:00.\n/done 2")
    s.comment(
        loop,
        by="mara",
        at="W47 Wed 18:30",
        body="Scorecard sent; it now scores the pairing session separately.\n/done",
    )

    page = handover(
        s,
        47,
        body="""
            Sam's first shadow week. One page (webhook queue depth), handled by Sam with Aiko
            watching. Rotation changes for December are in the calendar.
            """,
    )
    s.comment(
        page,
        by="mara",
        at="W47 Wed 11:00",
        body="""
            People keep asking how to swap shifts.
            /promise write a short guide for swapping on-call shifts
            """,
        edits=(
            (
                "W48 Tue 09:00",
                """
                People keep asking how to swap shifts.
                /promise write a short guide for swapping on-call shifts by Dec 4
                """,
            ),
        ),
    )
    s.comment(
        page,
        by="priya",
        at="W47 Wed 12:00",
        body="/kudos @sam for handling the queue-depth page calmly on a first shadow week",
    )

    s.comment(
        s.threads["v1-comms-plan"],
        by="mara",
        at="W47 Wed 16:00",
        body="""
            /drop because partner success is folding the Q&A into their monthly integrator office hours on Dec 3; I'll join that instead of running a separate session
            """,
    )

    billing = s.issue(
        "billing-settings-review",
        "acme/web",
        "Design review: new billing settings page",
        by="jonas",
        at="W47 Mon 09:30",
        body="Mockups in Figma, page 'Billing settings v2'. Looking for feedback on the plan picker.",
    )
    s.comment(
        billing,
        by="mara",
        at="W47 Mon 10:30",
        body="/promise give feedback on the billing settings mockups by Tuesday",
    )
    s.comment(
        billing,
        by="mara",
        at="W47 Thu 10:00",
        body="Feedback is in Figma. Sorry it took until Thursday, Jonas: the hiring loop ate Tuesday.\n/done",
    )

    ca = s.issue(
        "ca-rotation",
        "acme/infra",
        "Rotate the internal CA certificates",
        by="aiko",
        at="W47 Mon 09:00",
        body="The internal CA's intermediate expires on Jan 15. Rotation touches every service mesh sidecar.",
        labels=(LABEL, "security"),
        assignees=("tomas", "aiko"),
        milestone="2026.11 hardening",
    )
    s.comment(
        ca,
        by="tomas",
        at="W47 Thu 09:00",
        body="""
            Moving this to the December release: the Vault upgrade it depends on lands on Dec 2,
            and rotating twice would be worse than rotating a little later.
            """,
    )
    s.move_milestone(ca, "2026.12 release", by="tomas", at="W47 Thu 09:01")

    audit = s.issue(
        "a11y-audit",
        "acme/web",
        "Accessibility audit follow-ups",
        by="jonas",
        at="W47 Tue 10:00",
        body="The external audit is approved for December; dates are not confirmed yet. Collecting what we know.",
        labels=("accessibility",),
    )
    s.comment(
        audit,
        by="mara",
        at="W47 Thu 14:00",
        body="""
            The vendor hasn't confirmed slots yet.
            /promise schedule the external accessibility audit by the next full moon
            (Half joking: I'll put a real date in as soon as they reply.)
            """,
    )

    s.pr(
        "export-streaming",
        "acme/api",
        "fix: stream the nightly export instead of buffering it",
        by="lena",
        at="W47 Mon 10:00",
        body="""
            Fixes #[export-timeout]

            The export now streams rows to S3 as it reads them. Tenant 4471 finishes in 22 minutes
            with flat memory. Tested against last night's snapshot.
            """,
        labels=("bug",),
        reviews=(("priya", "W47 Tue 11:00", "APPROVED"), ("mara", "W47 Tue 12:00", "COMMENTED")),
        merged="W47 Tue 16:00",
    )

    roadmap = s.issue(
        "q1-roadmap",
        "acme/api",
        "Q1 planning: platform roadmap draft",
        by="mara",
        at="W47 Mon 09:00",
        body="""
            Inputs: the v1 sunset, the incident follow-ups, partner requests from the beta.

            /promise send the Q1 roadmap draft to the team by Friday
            """,
        labels=("planning",),
    )
    s.comment(
        roadmap,
        by="mara",
        at="W47 Fri 11:00",
        body="Draft is in the planning folder; comments until Dec 4.\n/done",
    )

    fix = s.pr(
        "webhook-502-fix",
        "acme/api",
        "fix: retry webhook deliveries on 502 from the gateway",
        by="priya",
        at="W47 Mon 10:00",
        body="""
            Fixes #[webhook-502]

            A 502 from the edge gateway is now a retryable failure with the usual backoff
            (1 min, 5 min, 30 min, 2 h). Adds a metric for retries by status code.

            /promise add a retry-rate panel to the webhook dashboard by Friday
            """,
        labels=("incident-follow-up",),
        reviews=(
            ("sonarcloud[bot]", "W47 Mon 10:04", "COMMENTED"),
            ("priya", "W47 Tue 16:00", "COMMENTED"),
            ("aiko", "W47 Wed 10:00", "APPROVED"),
        ),
    )
    s.review_comment(
        fix,
        by="tomas",
        at="W47 Tue 09:00",
        body="""
            Looks right. Before we merge I'd like real traffic through it:
            /promise replay last week's recorded deliveries against staging by Wednesday
            """,
    )
    s.review_comment(
        fix,
        by="tomas",
        at="W47 Wed 15:00",
        body="Replayed 2,000 recorded deliveries, 41 of them 502s: all retried and delivered.\n/done",
    )
    s.review(fix, by="tomas", at="W47 Wed 15:05", state="APPROVED")
    s.merge(fix, by="priya", at="W47 Thu 10:00")
    s.comment(
        fix,
        by="priya",
        at="W47 Fri 15:00",
        body="Retry-rate panel is on the webhook dashboard.\n/done",
    )

    load = s.issue(
        "load-test-v2",
        "acme/api",
        "Load test the v2 list endpoints before GA",
        by="priya",
        at="W47 Mon 08:30",
        body="Target: p99 under 300 ms at 3x today's peak for /v2/invoices and /v2/payments.",
        labels=("v2",),
    )
    s.comment(
        load,
        by="tomas",
        at="W47 Mon 09:00",
        body="""
            I'll run these.
            /promise share the load-test results by Wednesday
            """,
        edits=(
            (
                "W47 Tue 14:00",
                """
                I'll run these.
                /promise share the load-test results by Friday

                Edit: moved to Friday, the staging data refresh only lands Wednesday night.
                """,
            ),
        ),
    )
    s.comment(
        load,
        by="tomas",
        at="W47 Fri 13:00",
        body="p99 is 210 ms for invoices and 260 ms for payments at 3x peak. Full report attached.\n/done",
    )

    redis = s.issue(
        "redis-failover",
        "acme/infra",
        "Rehearse the Redis 7 failover on staging",
        by="tomas",
        at="W46 Thu 09:00",
        body="""
            Before the production upgrade we rehearse a failover on staging, with the API under load.

            /promise run the failover rehearsal by Nov 17
            """,
    )
    s.comment(
        redis,
        by="tomas",
        at="W47 Tue 16:00",
        body="""
            /revise Thursday because restoring the staging snapshot took most of today; the rehearsal is now Thursday morning
            """,
    )
    s.comment(
        redis,
        by="tomas",
        at="W47 Thu 12:00",
        body="Rehearsal done: failover took 11 s, the API shed 0.2% of requests. Notes in the runbook.\n/done",
    )

    a11y = s.threads["checkout-a11y"]
    s.review_comment(
        a11y,
        by="tomas",
        at="W47 Wed 08:00",
        body="""
            /revise Thursday 3pm — sorry Jonas, this slipped past Monday; I've blocked Thursday afternoon for it
            """,
    )
    s.review(a11y, by="priya", at="W47 Tue 11:30", state="APPROVED")
    s.review(a11y, by="jonas", at="W47 Tue 12:00", state="COMMENTED")
    s.review(a11y, by="tomas", at="W47 Wed 08:05", state="APPROVED")
    s.merge(a11y, by="jonas", at="W47 Wed 15:00")
    s.comment(
        a11y,
        by="priya",
        at="W47 Wed 15:30",
        body="/kudos @jonas for sticking with the screen-reader rework through three review rounds",
    )
    s.review_comment(
        a11y,
        by="tomas",
        at="W47 Thu 16:30",
        body="Paired on nested dialogs after the merge; follow-up PR is tiny. Thanks for your patience.\n/done",
    )

    csv = s.issue(
        "legacy-csv",
        "acme/api",
        "Remove the legacy CSV export endpoint",
        by="tomas",
        at="W45 Mon 10:00",
        body="`GET /v1/export.csv` predates the nightly export. Usage looked close to zero.",
        labels=(LABEL, "v1-sunset"),
        assignees=("tomas",),
        milestone="2026.11 hardening",
    )
    s.comment(
        csv,
        by="tomas",
        at="W47 Wed 11:00",
        body="""
            Closing as not planned: two enterprise customers still call it every night. We'll
            retire it with the rest of v1 in June instead of breaking them now.
            """,
    )
    s.close(csv, by="tomas", at="W47 Wed 11:00:05", reason="not_planned")

    runners = s.issue(
        "ci-autoscaling",
        "acme/infra",
        "Migrate CI runners to the autoscaling group",
        by="aiko",
        at="W47 Tue 10:00",
        body="Fixed runners sit idle at night and queue up at 10:00. The autoscaling group is ready.",
        labels=("ci",),
    )
    s.comment(
        runners,
        by="tomas",
        at="W47 Wed 09:00",
        body="""
            I'll own this one end to end.
            /promise by Dec 4
            """,
    )

    ssr = s.threads["ssr-pricing"]
    s.comment(
        ssr,
        by="tomas",
        at="W47 Thu 10:00",
        body="""
            Closing this experiment: TTFB improved by 40 ms but LCP stayed within noise on the
            slow profile. Not worth the complexity; the branch stays for reference.
            """,
    )
    s.close_unmerged(ssr, by="tomas", at="W47 Thu 10:00:06")

    s.pr(
        "deprecation-headers",
        "acme/api",
        "Add Deprecation and Sunset headers to v1 endpoints",
        by="tomas",
        at="W47 Mon 09:30",
        body="""
            Every v1 response now carries `Deprecation: true`, `Sunset: Wed, 30 Jun 2027 00:00:00 GMT`
            and a `Link` to the migration guide.

            /promise by Wednesday
            """,
        labels=("v1-sunset",),
        reviews=(
            ("sonarcloud[bot]", "W47 Mon 15:40", "COMMENTED"),
            ("priya", "W47 Wed 10:00", "APPROVED"),
        ),
        merged="W47 Wed 15:00",
    )

    flaky = s.threads["flaky-ci"]
    s.pr(
        "flaky-checkout-fix",
        "acme/web",
        "Quarantine and fix the flaky checkout e2e test",
        by="lena",
        at="W47 Mon 09:00",
        body="""
            The banner race: the confirmation banner is rendered before the payment intent
            resolves, then re-rendered. The test now waits for the intent, not the banner.
            200 runs in CI, zero failures.
            """,
        labels=("tests", "ci"),
        reviews=(("jonas", "W47 Wed 10:00", "APPROVED"),),
        merged="W47 Thu 11:00",
    )
    s.comment(
        flaky,
        by="mara",
        at="W47 Thu 12:00",
        body="/kudos @lena for three days of patient bisecting on the flaky checkout test",
    )
    s.close(flaky, by="lena", at="W47 Thu 12:30")

    s.pr(
        "sam-setup-docs",
        "acme/web",
        "docs: explain the local setup with docker compose",
        by="sam",
        at="W47 Tue 14:00",
        body="""
            The README still described the pre-compose setup. This is what I did on my first day,
            written down, plus a troubleshooting section for the two errors I hit.
            """,
        reviews=(
            ("sonarcloud[bot]", "W47 Tue 14:05", "COMMENTED"),
            ("sam", "W47 Wed 09:00", "COMMENTED"),
            ("jonas", "W47 Thu 10:00", "APPROVED"),
        ),
        merged="W47 Fri 11:00",
        merged_by="jonas",
    )
    s.comment(
        s.threads["sam-setup-docs"],
        by="tomas",
        at="W47 Fri 08:00",
        body="/kudos @sam for a first PR that leaves the docs better than they found them",
    )

    s.pr(
        "log-shipper",
        "acme/infra",
        "Stop the log shipper from dropping lines on restart",
        by="aiko",
        at="W47 Mon 13:00",
        body="Flushes the buffer on SIGTERM and waits up to 10 s. We lost about 2 s of logs per deploy.",
        labels=("bug",),
        reviews=(("tomas", "W47 Tue 10:00", "APPROVED"),),
        merged="W47 Tue 14:00",
    )
    s.pr(
        "webhook-contract-tests",
        "acme/api",
        "test: contract tests for the v2 webhook payloads",
        by="priya",
        at="W47 Tue 10:00",
        body="Pact contracts for all eight webhook event types, published for partners to verify against.",
        reviews=(("lena", "W47 Wed 14:00", "APPROVED"),),
        merged="W47 Fri 10:00",
    )
    bump(s, "acme/api", "urllib3", "2.2.3", "2.2.4", at="W47 Mon 06:11", merged="W47 Tue 09:15")
    bump(
        s,
        "acme/infra",
        "hashicorp/aws",
        "5.76.0",
        "5.78.0",
        at="W47 Mon 06:02",
        merged="W47 Mon 10:30",
    )


def week_48(s: Sample) -> None:
    """The running week, up to Wednesday morning: none of it changes the W47 report."""
    notes = retro(s, 48, body="Cards: we celebrated the wins; December on-call is thin.")
    s.comment(
        notes, by="mara", at="W48 Mon 10:00", body="/promise send the retro notes by Tuesday noon"
    )
    s.comment(notes, by="mara", at="W48 Tue 10:50", body="Notes are in the wiki.\n/done")
    s.comment(
        s.threads["adr-event-bus"],
        by="tomas",
        at="W48 Tue 09:00",
        body="""
            /revise Dec 2 because the cost comparison needed a second pass with finance's numbers; sorry this sat for so long
            """,
    )
    s.comment(
        s.threads["v2-migration-guide"],
        by="priya",
        at="W48 Mon 11:00",
        body="I read the first six pages: they're great. Happy to take the webhooks page.",
    )


def jira(s: Sample) -> None:
    """Operations tickets on Jira: the due date lives in the ticket, changes in its changelog."""
    tls = s.jira_ticket(
        "OPS-39",
        "Renew the TLS wildcard certificate",
        reporter="aiko",
        assignee="tomas",
        at="W37 Mon 10:00",
        due="2026-09-25",
        description="*.acme.io expires on Oct 3. Renewal needs the DNS challenge on the new provider.",
    )
    s.jira_resolve(tls, by="tomas", at="W39 Thu 11:00", resolution="Done")

    access = s.jira_ticket(
        "OPS-41",
        "Quarterly production access review",
        reporter="aiko",
        assignee="mara",
        at="W43 Tue 10:00",
        due="2026-11-06",
        description="Review who has production access and remove what is no longer needed.",
    )
    s.jira_comment(
        access,
        by="mara",
        at="W45 Thu 15:00",
        body="Reviewed with Aiko: four accounts removed, two roles narrowed.",
    )
    s.jira_resolve(access, by="mara", at="W45 Thu 15:05", resolution="Done")

    drill = s.jira_ticket(
        "OPS-44",
        "Disaster-recovery drill for the payments database",
        reporter="aiko",
        assignee="tomas",
        at="W42 Mon 10:00",
        due="2026-11-06",
        description="Restore last night's backup into an isolated account and run the smoke tests against it.",
    )
    s.jira_comment(
        drill,
        by="tomas",
        at="W45 Tue 10:00",
        body="Moving the drill to Nov 20: the new replica it should restore from is only provisioned next week.",
    )
    s.jira_due(drill, by="tomas", at="W45 Tue 10:01", to="2026-11-20")
    s.jira_comment(
        drill,
        by="tomas",
        at="W47 Thu 11:00",
        body="Drill done: restore took 38 minutes, smoke tests green.",
    )
    s.jira_resolve(drill, by="tomas", at="W47 Thu 11:02", resolution="Done")

    vpn = s.jira_ticket(
        "OPS-47",
        "Retire the legacy VPN concentrator",
        reporter="aiko",
        assignee="mara",
        at="W45 Mon 10:00",
        due="2026-11-18",
        description="Everyone is on the new VPN since October. The old box costs 900 EUR a month.",
    )
    s.jira_comment(
        vpn,
        by="mara",
        at="W47 Tue 15:00",
        body="We're keeping it until the office move in February: the building's site-to-site link still needs it.",
    )
    s.jira_resolve(vpn, by="mara", at="W47 Tue 15:01", resolution="Won't Do")


# --- output --------------------------------------------------------------------------------


def build() -> dict[str, Any]:
    """The whole sample, as the JSON-ready mapping the demo loader reads."""
    s = Sample()
    milestones(s)
    for week in (
        week_36,
        week_37,
        week_38,
        week_39,
        week_40,
        week_41,
        week_42,
        week_43,
        week_44,
        week_45,
        week_46,
        week_47,
        week_48,
    ):
        week(s)
    jira(s)
    return s.records()


def render(sample: dict[str, Any]) -> str:
    return json.dumps(sample, indent=1, ensure_ascii=False) + "\n"


def main() -> None:
    OUTPUT.write_text(render(build()), encoding="utf-8")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
