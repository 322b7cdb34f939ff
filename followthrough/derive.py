"""Threads -> promises: applying the SPEC §1 rules to what the trackers hold.

Input is one thread as the cache knows it (the ticket, every text with each
version seen, its events); output is the promises and kudos it contains, each
fact stamped with its time so that :mod:`followthrough.evaluate` can judge them
as of any moment. Pure: no I/O and no clock; the zone and date rules come from
the config.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from followthrough.config import Config
from followthrough.grammar import Command, parse_commands
from followthrough.model import Derived, DueChange, Kudos, Promise, StateChange
from followthrough.records import EventRecord, TextRecord, ThreadRecord
from followthrough.when import Resolution, resolve_when, split_leading_when

# A label added within this long of the ticket's creation was "labelled at creation".
AT_CREATION = timedelta(seconds=60)
# GitHub's "close with comment" writes the comment a moment before the close.
CLOSING_COMMENT_SLACK = timedelta(seconds=10)
GITHUB_RELEASED_REASONS = frozenset({"not_planned", "duplicate"})


@dataclass(frozen=True, slots=True)
class TextHistory:
    """A text with every version the cache has observed, oldest first."""

    record: TextRecord
    versions: tuple[tuple[datetime, str], ...]  # (written_at, body)


@dataclass(frozen=True, slots=True)
class ThreadBundle:
    thread: ThreadRecord
    texts: tuple[TextHistory, ...]
    events: tuple[EventRecord, ...] = ()
    milestone_dues: Mapping[str, str | None] = field(default_factory=dict)  # title -> due_on


@dataclass(slots=True)
class _Line:
    """A command as it stands in the latest version, with the time it was written."""

    at: datetime
    order: tuple[int, int]  # (text position, line) breaks ties in time
    command: Command
    text: TextHistory
    author: str


@dataclass(slots=True)
class _PromiseLine:
    """A /promise line followed through the edits of its text."""

    line: _Line
    edits: list[tuple[datetime, Command]]  # later versions whose date phrase changed


@dataclass
class _Builder:
    id: str
    kind: str
    owner: str
    owner_name: str | None
    made_at: datetime
    text: str
    url: str
    order: tuple[int, int]
    zone: str
    original_due: datetime | None = None
    undated_reason: str | None = None
    changes: list[DueChange] = field(default_factory=list)
    states: list[StateChange] = field(default_factory=list)
    co_owners: tuple[str, ...] = ()
    source_line: str = ""
    phrase: str | None = None
    notes: list[str] = field(default_factory=list)

    def state_at(self, at: datetime) -> str:
        state = "open"
        for change in sorted(self.states, key=lambda s: s.at):
            if change.at <= at:
                state = change.state
        return state

    def due_at(self, at: datetime) -> datetime | None:
        due = self.original_due
        for change in sorted(self.changes, key=lambda c: c.at):
            if change.at <= at:
                due = change.due
        return due

    def build(self, *, thread: ThreadRecord) -> Promise:
        return Promise(
            id=self.id,
            source=thread.source,
            kind=self.kind,
            url=self.url,
            thread_id=thread.id,
            repo=thread.repo,
            owner=self.owner,
            owner_name=self.owner_name,
            co_owners=self.co_owners,
            text=self.text,
            made_at=self.made_at,
            original_due=self.original_due,
            undated_reason=self.undated_reason if self.original_due is None else None,
            changes=tuple(sorted(self.changes, key=lambda c: c.at)),
            states=tuple(sorted(self.states, key=lambda s: s.at)),
            private=thread.private,
            source_line=self.source_line,
            phrase=self.phrase,
            zone=self.zone,
            notes=tuple(self.notes),
        )


def derive_thread(bundle: ThreadBundle, *, config: Config) -> Derived:
    """All promises and kudos of one thread."""
    reader = _ThreadReader(bundle, config)
    return reader.derive()


class _ThreadReader:
    def __init__(self, bundle: ThreadBundle, config: Config) -> None:
        self.bundle = bundle
        self.thread = bundle.thread
        self.config = config
        self.texts = sorted(bundle.texts, key=_text_order)
        self.inline: list[_Builder] = []
        self.ticket: _Builder | None = None
        self.kudos: list[Kudos] = []
        self.thread_notes: list[str] = []

    # -- people and dates ----------------------------------------------------

    def person(self, login: str, email: str | None = None) -> str:
        return self.config.alias(login, email) or login

    def zone(self, owner: str) -> tzinfo:
        return self.config.zone_for(owner)

    def zone_name(self, owner: str) -> str:
        zone = self.zone(owner)
        return str(getattr(zone, "key", None) or zone)

    def resolve(self, phrase: str, *, at: datetime, owner: str) -> Resolution:
        resolution = resolve_when(
            phrase, written_at=at, zone=self.zone(owner), rules=self.config.rules
        )
        return _in_utc(resolution)

    def end_of_day_team(self, day: date) -> datetime:
        zone = self.config.timezone
        return datetime.combine(day, time(23, 59, 59), tzinfo=zone).astimezone(UTC)

    # -- the whole thread ----------------------------------------------------

    def derive(self) -> Derived:
        promise_lines, commands = self.read_texts()
        ticket_lines = [p for p in promise_lines if p.line.command.ticket]
        self.ticket = self.make_ticket_promise(ticket_lines)
        timeline: list[tuple[datetime, tuple[int, int], int, object]] = []
        for p in promise_lines:
            if not p.line.command.ticket:
                timeline.append((p.line.at, p.line.order, 0, p))
        for p in ticket_lines:
            timeline.append((p.line.at, p.line.order, 1, p))
        for line in commands:
            timeline.append((line.at, line.order, 2, line))
        timeline.sort(key=lambda item: (item[0], item[1], item[2]))
        for _, _, kind, item in timeline:
            if kind == 0:
                assert isinstance(item, _PromiseLine)
                self.add_inline(item)
            elif kind == 1:
                assert isinstance(item, _PromiseLine)
                self.apply_ticket_line(item)
            else:
                assert isinstance(item, _Line)
                self.apply_command(item)
        if self.ticket is not None:
            self.finish_ticket(self.ticket)
        promises = [b.build(thread=self.thread) for b in self.inline]
        if self.ticket is not None:
            promises.append(self.ticket.build(thread=self.thread))
        return Derived(promises=promises, kudos=self.kudos)

    def read_texts(self) -> tuple[list[_PromiseLine], list[_Line]]:
        promise_lines: list[_PromiseLine] = []
        commands: list[_Line] = []
        for position, text in enumerate(self.texts):
            author = self.person(text.record.author, text.record.author_email)
            found_promises, found_commands = _read_versions(text)
            for at, command, edits in found_promises:
                line = _Line(at, (position, command.line), command, text, author)
                promise_lines.append(_PromiseLine(line, edits))
            for at, command in found_commands:
                commands.append(_Line(at, (position, command.line), command, text, author))
        return promise_lines, commands

    # -- inline promises -----------------------------------------------------

    def add_inline(self, item: _PromiseLine) -> None:
        line, command = item.line, item.line.command
        record = line.text.record
        owner = line.author
        builder = _Builder(
            id=f"{record.id}:{command.k}",
            kind="inline",
            owner=owner,
            owner_name=self.owner_name(record.author, record.author_name, owner),
            made_at=line.at,
            text=command.what,
            url=record.url,
            order=line.order,
            zone=self.zone_name(owner),
            source_line=command.raw,
            phrase=command.when,
        )
        due, reason = self.first_due(command, at=line.at, owner=owner)
        builder.original_due, builder.undated_reason = due, reason
        for at, edited in item.edits:
            builder.text = edited.what or builder.text
            self.apply_edit(builder, edited, at=at, origin=record.id)
        self.inline.append(builder)

    def first_due(
        self, command: Command, *, at: datetime, owner: str
    ) -> tuple[datetime | None, str | None]:
        if command.when is None:
            return None, "no date given: add one, e.g. /promise … by Friday"
        resolution = self.resolve(command.when, at=at, owner=owner)
        return resolution.due, resolution.reason

    def apply_edit(
        self, builder: _Builder, command: Command, *, at: datetime, origin: str | None = None
    ) -> None:
        builder.source_line = command.raw
        if command.when is None:
            if builder.due_at(at) is not None:
                builder.notes.append(f"edit at {at.isoformat()} removed the date; the due is kept")
            return
        resolution = self.resolve(command.when, at=at, owner=builder.owner)
        if resolution.due is None:
            builder.notes.append(f"edit at {at.isoformat()} ignored: {resolution.reason}")
            return
        builder.phrase = command.when
        if resolution.due != builder.due_at(at):
            builder.changes.append(
                DueChange(at, resolution.due, "edit", None, f"edited line: {command.raw}", origin)
            )

    def owner_name(self, raw_id: str, display: str | None, owner: str) -> str | None:
        # A Jira person nobody mapped is shown by accountId, with the name beside it.
        if self.thread.source == "jira" and owner == raw_id:
            return display
        return None

    # -- /done /revise /drop /kudos -------------------------------------------

    def apply_command(self, line: _Line) -> None:
        command = line.command
        if command.kind == "kudos":
            self.add_kudos(line)
        elif command.kind == "done":
            self.apply_done(line)
        elif command.kind == "revise":
            self.apply_revise(line)
        elif command.kind == "drop":
            self.apply_drop(line)

    def add_kudos(self, line: _Line) -> None:
        command = line.command
        if not command.to:
            return
        record = line.text.record
        self.kudos.append(
            Kudos(
                id=f"{record.id}:kudos:{command.line}:{command.to.lower()}",
                giver=line.author,
                to=command.to,
                why=command.why,
                url=record.url,
                at=line.at,
                repo=self.thread.repo,
                private=self.thread.private,
            )
        )

    def own_inline(self, author: str, at: datetime) -> list[_Builder]:
        mine = [b for b in self.inline if b.owner == author and b.made_at <= at]
        return sorted(mine, key=lambda b: b.order)

    def latest_open(self, author: str, at: datetime, *, with_ticket: bool) -> _Builder | None:
        candidates = [b for b in self.own_inline(author, at) if b.state_at(at) == "open"]
        ticket = self.ticket
        if (
            with_ticket
            and ticket is not None
            and ticket.owner == author
            and ticket.made_at <= at
            and ticket.state_at(at) == "open"
        ):
            candidates.append(ticket)
        if not candidates:
            return None
        return max(candidates, key=lambda b: (b.made_at, b.order))

    def numbered(self, line: _Line) -> _Builder | None:
        mine = self.own_inline(line.author, line.at)
        n = line.command.n
        assert n is not None
        if 1 <= n <= len(mine):
            return mine[n - 1]
        self.note_ignored(line, f"{line.author} has no promise number {n} in this thread")
        return None

    def note_ignored(self, line: _Line, why: str) -> None:
        """Say in `why` that a line did nothing, on the promise it probably meant."""
        message = f"ignored {line.command.raw!r} by {line.author} at {line.at.isoformat()}: {why}"
        everyone = [*self.inline, *([self.ticket] if self.ticket else [])]
        targets = [b for b in everyone if b.made_at <= line.at and b.state_at(line.at) == "open"]
        target = max(targets, key=lambda b: (b.made_at, b.order)) if targets else None
        if target is not None:
            target.notes.append(message)
        else:
            self.thread_notes.append(message)

    def others_note(self, line: _Line) -> str:
        owners = sorted({b.owner for b in self.inline if b.made_at <= line.at} - {line.author})
        if self.ticket is not None and self.ticket.owner != line.author:
            owners = sorted({*owners, self.ticket.owner})
        if owners:
            return "only the owner can do that (" + ", ".join(owners) + ")"
        return "no promise of theirs is open in this thread"

    def apply_done(self, line: _Line) -> None:
        if line.command.n is not None:
            target = self.numbered(line)
            if target is None:
                return
            if target.state_at(line.at) != "open":
                self.note_ignored(line, f"promise {line.command.n} was already done or released")
                return
        else:
            target = self.latest_open(line.author, line.at, with_ticket=False)
            if target is None:
                why = self.others_note(line)
                if self.ticket is not None and self.ticket.owner == line.author:
                    why = "a ticket promise is done by closing or merging the ticket"
                self.note_ignored(line, why)
                return
        record = line.text.record
        target.states.append(
            StateChange(line.at, "done", None, f"/done in {record.url}", record.id)
        )

    def apply_revise(self, line: _Line) -> None:
        command = line.command
        if command.n is not None:
            target = self.numbered(line)
        else:
            target = self.latest_open(line.author, line.at, with_ticket=True)
        if target is None:
            if command.n is None:
                self.note_ignored(line, self.others_note(line))
            return
        if target.state_at(line.at) != "open":
            self.note_ignored(line, "that promise was already done or released")
            return
        zone_owner = target.owner
        if command.when is not None:
            resolution = self.resolve(command.when, at=line.at, owner=zone_owner)
            reason = command.reason
        else:
            split = split_leading_when(
                command.rest,
                written_at=line.at,
                zone=self.zone(zone_owner),
                rules=self.config.rules,
            )
            if split is None:
                self.note_ignored(line, f"could not read a date in {command.rest!r}")
                return
            _, rest, resolution = split
            resolution = _in_utc(resolution)
            reason = rest or None
        if resolution.due is None:
            self.note_ignored(line, resolution.reason or "could not read the date")
            return
        target.changes.append(
            DueChange(line.at, resolution.due, "command", reason, command.raw, line.text.record.id)
        )

    def apply_drop(self, line: _Line) -> None:
        target = self.latest_open(line.author, line.at, with_ticket=True)
        if target is None:
            self.note_ignored(line, self.others_note(line))
            return
        record = line.text.record
        target.states.append(
            StateChange(
                line.at, "released", line.command.reason, f"/drop in {record.url}", record.id
            )
        )

    # -- ticket promises -----------------------------------------------------

    def make_ticket_promise(self, lines: Sequence[_PromiseLine]) -> _Builder | None:
        thread = self.thread
        if thread.source == "jira":
            return self.make_jira_promise()
        label_since = self.label_added_at()
        if label_since is None and not lines:
            return None
        if label_since is not None:
            if thread.assignees:
                owner = self.person(thread.assignees[0])
                co_owners = tuple(self.person(a) for a in thread.assignees[1:])
            else:
                owner, co_owners = self.person(thread.author), ()
        else:
            owner, co_owners = lines[0].line.author, ()
        made = [t for t in (label_since, lines[0].line.at if lines else None) if t is not None]
        source = f"label {self.config.github.label!r}" if label_since is not None else ""
        builder = _Builder(
            id=thread.id,
            kind="ticket",
            owner=owner,
            owner_name=None,
            made_at=min(made),
            text=thread.title,
            url=thread.url,
            order=(-1, 0),
            zone=self.zone_name(owner),
            co_owners=co_owners,
            source_line=source or lines[0].line.command.raw,
        )
        self.milestone_dues(builder)
        builder.states.extend(self.github_states(builder))
        return builder

    def label_added_at(self) -> datetime | None:
        """When the configured label was first added, or None if it never was."""
        thread, wanted = self.thread, self.config.github.label.lower()
        history = sorted(
            (
                e
                for e in self.bundle.events
                if e.kind in ("labeled", "unlabeled") and (e.name or "").lower() == wanted
            ),
            key=lambda e: e.at,
        )
        has_now = any(label.lower() == wanted for label in thread.labels)
        if not history:
            return thread.created_at if has_now else None
        first = history[0]
        # An "unlabeled" first means the label came with the ticket (no event for that).
        if first.kind == "unlabeled" or first.at - thread.created_at <= AT_CREATION:
            return thread.created_at
        return first.at

    def milestone_dues(self, builder: _Builder) -> None:
        """The due from the milestone at the promise's making, and moves after."""
        thread = self.thread
        history = sorted(
            (e for e in self.bundle.events if e.kind in ("milestoned", "demilestoned")),
            key=lambda e: e.at,
        )
        current: str | None = None
        moves: list[tuple[datetime, str | None]] = []
        for event in history:
            if event.kind == "milestoned":
                moves.append((event.at, event.name))
        if not history and thread.milestone is not None:
            current = thread.milestone.title
        elif history and history[0].kind == "demilestoned":
            # Set when the ticket was created (no event for that): it was there from the start.
            current = history[0].name
        for at, title in moves:
            if at <= builder.made_at:
                current = title
        due = self.milestone_due(current)
        builder.original_due = due
        if due is None:
            builder.undated_reason = "no /promise by line and no milestone due date"
        for at, title in moves:
            if at <= builder.made_at:
                continue
            new_due = self.milestone_due(title)
            if new_due is None:
                continue
            if builder.original_due is None and not builder.changes:
                builder.changes.append(
                    DueChange(at, new_due, "milestone", None, f"milestone {title!r}")
                )
                continue
            if new_due != builder.due_at(at):
                builder.changes.append(
                    DueChange(at, new_due, "milestone", None, f"moved to milestone {title!r}")
                )

    def milestone_due(self, title: str | None) -> datetime | None:
        if title is None:
            return None
        due_on = self.bundle.milestone_dues.get(title)
        milestone = self.thread.milestone
        if due_on is None and milestone is not None and milestone.title == title:
            due_on = milestone.due_on
        if not due_on:
            return None
        try:
            day = date.fromisoformat(due_on[:10])
        except ValueError:
            return None
        return self.end_of_day_team(day)

    def apply_ticket_line(self, item: _PromiseLine) -> None:
        ticket = self.ticket
        line = item.line
        if ticket is None:
            return
        if line.author != ticket.owner:
            self.note_ignored(line, f"only the ticket's owner ({ticket.owner}) sets its due")
            return
        if ticket.state_at(line.at) != "open":
            ticket.notes.append(f"ignored {line.command.raw!r}: the ticket was closed then")
            return
        owner_set = any(c.via in ("command", "edit") for c in ticket.changes) or (
            ticket.phrase is not None
        )
        resolution = (
            self.resolve(line.command.when or "", at=line.at, owner=ticket.owner)
            if line.command.when
            else Resolution(None, "no date after /promise by")
        )
        if resolution.due is None:
            ticket.notes.append(f"ignored {line.command.raw!r}: {resolution.reason}")
            if not owner_set and ticket.original_due is None:
                ticket.undated_reason = resolution.reason
            return
        if not owner_set:
            # The owner's first line sets the due. Milestone moves made before
            # it were revisions of the milestone's due; drop the later ones.
            ticket.changes = [c for c in ticket.changes if c.at <= line.at]
            ticket.phrase = line.command.when
            ticket.source_line = line.command.raw
        if line.at <= ticket.made_at and not owner_set:
            ticket.original_due = resolution.due
        else:
            ticket.changes.append(
                DueChange(
                    line.at,
                    resolution.due,
                    "command",
                    None,
                    line.command.raw,
                    line.text.record.id,
                )
            )
        for at, edited in item.edits:
            if edited.when:
                self.apply_edit(ticket, edited, at=at, origin=line.text.record.id)

    def github_states(self, builder: _Builder) -> list[StateChange]:
        thread = self.thread
        events = sorted(
            (e for e in self.bundle.events if e.kind in ("closed", "reopened", "merged")),
            key=lambda e: e.at,
        )
        merged_at = thread.merged_at
        states: list[StateChange] = []
        for event in events:
            if event.kind == "reopened":
                states.append(StateChange(event.at, "open", None, "reopened"))
            elif event.kind == "merged":
                states.append(StateChange(event.at, "done", None, "PR merged"))
            elif thread.kind == "pr":
                if merged_at is not None and abs(event.at - merged_at) <= CLOSING_COMMENT_SLACK:
                    continue
                if any(
                    e.kind == "merged" and abs(e.at - event.at) <= CLOSING_COMMENT_SLACK
                    for e in events
                ):
                    continue
                states.append(self.released_by_close(builder, event.at, "PR closed unmerged"))
            else:
                reason = event.state_reason or (
                    thread.state_reason if event is events[-1] else None
                )
                if reason in GITHUB_RELEASED_REASONS:
                    states.append(self.released_by_close(builder, event.at, f"closed as {reason}"))
                else:
                    states.append(StateChange(event.at, "done", None, "issue closed as completed"))
        snapshot = self.github_snapshot(builder)
        return _reconcile(states, snapshot, updated_at=thread.updated_at)

    def github_snapshot(self, builder: _Builder) -> StateChange | None:
        thread = self.thread
        if thread.merged_at is not None:
            return StateChange(thread.merged_at, "done", None, "PR merged")
        if thread.state != "closed":
            return None
        at = thread.closed_at or thread.updated_at
        if thread.kind == "pr":
            return self.released_by_close(builder, at, "PR closed unmerged")
        if thread.state_reason in GITHUB_RELEASED_REASONS:
            return self.released_by_close(builder, at, f"closed as {thread.state_reason}")
        return StateChange(at, "done", None, "issue closed as completed")

    def released_by_close(self, builder: _Builder, at: datetime, evidence: str) -> StateChange:
        return StateChange(at, "released", self.owner_comment(builder.owner, at), evidence)

    def owner_comment(self, owner: str, at: datetime) -> str | None:
        """The owner's closing comment, or their last comment before ``at``."""
        written = [
            t
            for t in self.texts
            if t.record.kind == "comment"
            and self.person(t.record.author, t.record.author_email) == owner
            and t.record.created_at <= at + CLOSING_COMMENT_SLACK
        ]
        if not written:
            return None
        last = max(written, key=lambda t: t.record.created_at)
        text = _plain_reason(last.versions[-1][1])
        return text or None

    def finish_ticket(self, ticket: _Builder) -> None:
        if self.thread.source != "github":
            return
        # Removing the label before the due releases the promise (SPEC §1).
        wanted = self.config.github.label.lower()
        for event in sorted(self.bundle.events, key=lambda e: e.at):
            if (event.name or "").lower() != wanted or event.at < ticket.made_at:
                continue
            if event.kind == "unlabeled":
                due = ticket.due_at(event.at)
                if ticket.state_at(event.at) == "open" and (due is None or event.at < due):
                    ticket.states.append(
                        StateChange(event.at, "released", "label removed", "label removed")
                    )
            elif event.kind == "labeled" and ticket.state_at(event.at) == "released":
                last = [s for s in ticket.states if s.at <= event.at][-1:]
                if last and last[0].reason == "label removed":
                    ticket.states.append(StateChange(event.at, "open", None, "label added again"))

    # -- Jira ------------------------------------------------------------------

    def make_jira_promise(self) -> _Builder:
        thread = self.thread
        if thread.assignees:
            raw = thread.assignees[0]
            email = thread.assignee_emails[0] if thread.assignee_emails else None
            display = thread.assignee_names[0] if thread.assignee_names else None
        else:
            raw, email, display = thread.author, thread.author_email, thread.author_name
        owner = self.person(raw, email)
        builder = _Builder(
            id=thread.id,
            kind="ticket",
            owner=owner,
            owner_name=display if owner == raw else None,
            made_at=thread.created_at,
            text=thread.title,
            url=thread.url,
            order=(-1, 0),
            zone=self.zone_name(owner),
            source_line=f"Jira ticket {thread.key} matching the configured JQL",
        )
        if not thread.assignees:
            builder.notes.append("unassigned: owned by the reporter until someone is assigned")
        self.jira_dues(builder)
        builder.states.extend(self.jira_states(builder))
        return builder

    def jira_dues(self, builder: _Builder) -> None:
        history = sorted((e for e in self.bundle.events if e.kind == "duedate"), key=lambda e: e.at)
        first = history[0].from_value if history else self.thread.due_date
        builder.original_due = self.jira_day(first)
        if builder.original_due is None:
            builder.undated_reason = "the Jira ticket has no due date"
        for event in history:
            due = self.jira_day(event.to_value)
            if due is None:
                builder.notes.append(f"due date cleared at {event.at.isoformat()}: kept")
                continue
            builder.changes.append(
                DueChange(
                    event.at,
                    due,
                    "jira",
                    None,
                    f"duedate {event.from_value or '(none)'} -> {event.to_value}",
                )
            )

    def jira_day(self, value: str | None) -> datetime | None:
        if not value:
            return None
        try:
            return self.end_of_day_team(date.fromisoformat(value[:10]))
        except ValueError:
            return None

    def jira_states(self, builder: _Builder) -> list[StateChange]:
        thread = self.thread
        wontdo = {r.lower() for r in self.config.jira.wontdo_resolutions}
        states: list[StateChange] = []
        for event in sorted(self.bundle.events, key=lambda e: e.at):
            if event.kind != "resolution":
                continue
            name = event.to_value
            if not name:
                states.append(StateChange(event.at, "open", None, "resolution cleared (reopened)"))
            elif name.lower() in wontdo:
                reason = self.owner_comment(builder.owner, event.at)
                states.append(StateChange(event.at, "released", reason, f"resolved as {name}"))
            else:
                states.append(StateChange(event.at, "done", None, f"resolved as {name}"))
        snapshot: StateChange | None = None
        if thread.resolution:
            at = thread.resolution_date or thread.updated_at
            if thread.resolution.lower() in wontdo:
                reason = self.owner_comment(builder.owner, at)
                snapshot = StateChange(at, "released", reason, f"resolved as {thread.resolution}")
            else:
                snapshot = StateChange(at, "done", None, f"resolved as {thread.resolution}")
        elif thread.status_category == "done":
            at = thread.status_category_changed_at or thread.updated_at
            snapshot = StateChange(at, "done", None, f"moved to {thread.status or 'a Done status'}")
        return _reconcile(states, snapshot, updated_at=thread.updated_at)


# --- helpers ---------------------------------------------------------------------


def _in_utc(resolution: Resolution) -> Resolution:
    # Times of one ZoneInfo compare and subtract on the wall clock; keep the core in UTC.
    if resolution.due is None:
        return resolution
    return Resolution(resolution.due.astimezone(UTC), resolution.reason)


def _text_order(text: TextHistory) -> tuple[int, datetime, str]:
    first = 0 if text.record.kind in ("body", "description") else 1
    return first, text.record.created_at, text.record.id


def _reconcile(
    states: list[StateChange], snapshot: StateChange | None, *, updated_at: datetime
) -> list[StateChange]:
    """Make the replayed history end where the tracker says the ticket is now.

    Events may be missing (never fetched, or older than the cache); the
    current state read from the listing wins, stamped with its own time.
    """
    final = states[-1].state if states else "open"
    wanted = snapshot.state if snapshot else "open"
    if final == wanted:
        return states
    if snapshot is None:
        last = states[-1].at if states else updated_at
        return [*states, StateChange(max(updated_at, last), "open", None, "open now")]
    if states and snapshot.at < states[-1].at:
        snapshot = StateChange(states[-1].at, snapshot.state, snapshot.reason, snapshot.evidence)
    return [*states, snapshot]


def _plain_reason(body: str) -> str:
    """A released reason from a comment: its prose lines, commands left out."""
    lines = []
    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line or line.startswith(">"):
            continue
        if line.lower().startswith(("/promise", "/done", "/revise", "/kudos")):
            continue
        if line.lower().startswith("/drop"):
            line = line[5:].lstrip(" :—-")
            if line.lower().startswith("because "):
                line = line[8:]
        if line:
            lines.append(line)
    return " ".join(lines).strip()


def _read_versions(
    text: TextHistory,
) -> tuple[
    list[tuple[datetime, Command, list[tuple[datetime, Command]]]], list[tuple[datetime, Command]]
]:
    """Commands of a text's latest version, each with the time it first appeared.

    A /promise line is followed by its number k across versions: a changed
    date phrase is an edit (a revision at that version's time). Other lines
    are matched by their content; a line that appears only in a later version
    was written at that version's time.
    """
    tracks: dict[int, tuple[datetime, Command, list[tuple[datetime, Command]]]] = {}
    seen: dict[tuple[str, str, int], tuple[datetime, Command]] = {}
    for at, body in text.versions:
        commands = parse_commands(body)
        next_tracks: dict[int, tuple[datetime, Command, list[tuple[datetime, Command]]]] = {}
        next_seen: dict[tuple[str, str, int], tuple[datetime, Command]] = {}
        counts: dict[tuple[str, str], int] = {}
        for command in commands:
            if command.kind == "promise":
                assert command.k is not None
                previous = tracks.get(command.k)
                if previous is None:
                    next_tracks[command.k] = (at, command, [])
                    continue
                first_at, first, edits = previous
                last = edits[-1][1] if edits else first
                if last.raw != command.raw:
                    # An edited line is re-read at the edit's time (SPEC §1).
                    edits = [*edits, (at, command)]
                next_tracks[command.k] = (first_at, first, edits)
                continue
            content = " ".join(command.raw.lower().split())
            key_base = (command.kind, content + f"|{command.to or ''}")
            occurrence = counts.get(key_base, 0)
            counts[key_base] = occurrence + 1
            key = (*key_base, occurrence)
            next_seen[key] = (seen[key][0], command) if key in seen else (at, command)
        tracks, seen = next_tracks, next_seen
    promises = [tracks[k] for k in sorted(tracks)]
    others = sorted(seen.values(), key=lambda item: (item[1].line, item[0]))
    return promises, others
