"""Incremental sync: sources -> cache, with cursors, resume and a request budget (SPEC §8).

Per GitHub repo a sync reads four listings (issues+PRs, issue comments, review
comments since the watermark; milestones only when events are read), then,
per item, only what the listings cannot say: events of ticket promises that
changed, reviews of PRs merged in the reporting period, and an existence
check of comments that hold unresolved promises (GitHub lists no deletions).

Every page is saved before the next is read; a listing's cursor advances to
the last saved item, and the watermark to the run's start minus a safety
margin once the repo is done. A crashed run therefore resumes where it
stopped. Network work runs in a small thread pool; all writes to SQLite
happen on the calling thread.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import queue
import re
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import click

from followthrough.config import Config
from followthrough.evaluate import Period, evaluate_promise
from followthrough.records import SourceStatus, ThreadRecord
from followthrough.sources.github import GitHubSource, IssuePage, RepoInfo, TextPage
from followthrough.sources.jira import JiraSource, JiraTicket
from followthrough.store import Store, decode_promise, rederive
from followthrough.wins import is_bot

log = logging.getLogger(__name__)

SAFETY_MARGIN = timedelta(minutes=10)
_COMMENT_ID = re.compile(r"^github:[^#]+#(\d+):(comment|review-comment):\d+$")
# A repo's name and visibility are read again after this long; before posting,
# the digest's target and every repo it shows are read fresh anyway.
REPO_INFO_TTL = timedelta(hours=24)
REPO_WORKERS = 4


class Progress:
    """One status line on a terminal's stderr during long syncs; silent elsewhere."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.counts: dict[str, int] = {}
        self.shown = False

    @classmethod
    def for_terminal(cls) -> Progress:
        return cls(enabled=sys.stderr.isatty())

    def add(self, what: str, count: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + count
        if self.enabled:
            line = ", ".join(f"{n} {name}" for name, n in self.counts.items())
            click.echo(f"\rsyncing: {line}", err=True, nl=False)
            self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("", err=True)
            self.shown = False


@dataclass
class SyncReport:
    sources: list[SourceStatus] = field(default_factory=list)
    changed_threads: int = 0

    @property
    def complete(self) -> bool:
        return all(s.ok for s in self.sources)


# --- GitHub -----------------------------------------------------------------------------


class _Stop:
    """Sentinel: a worker is done with a repo."""

    def __init__(self, repo: str, error: BaseException | None = None) -> None:
        self.repo, self.error = repo, error


def _run_workers(
    tasks: Sequence[tuple[str, Callable[[Callable[[Any], None]], None]]],
    handle: Callable[[str, Any], None],
) -> dict[str, BaseException]:
    """Run network tasks in a pool; feed their output to ``handle`` on this thread."""
    inbox: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=64)
    errors: dict[str, BaseException] = {}

    def work(repo: str, task: Callable[[Callable[[Any], None]], None]) -> None:
        try:
            task(lambda item: inbox.put((repo, item)))
        except BaseException as exc:  # reported per repo, the others go on
            inbox.put((repo, _Stop(repo, exc)))
        else:
            inbox.put((repo, _Stop(repo)))

    pending = len(tasks)
    if not pending:
        return errors
    with ThreadPoolExecutor(max_workers=min(REPO_WORKERS, pending)) as pool:
        for repo, task in tasks:
            pool.submit(work, repo, task)
        while pending:
            repo, item = inbox.get()
            if isinstance(item, _Stop):
                pending -= 1
                if item.error is not None:
                    errors[repo] = item.error
                continue
            if repo in errors:
                continue
            try:
                handle(repo, item)
            except Exception as exc:
                errors[repo] = exc
    return errors


@dataclass
class GitHubSync:
    config: Config
    store: Store
    source: GitHubSource
    started: datetime
    period: Period | None
    changed: set[str] = field(default_factory=set)
    listed_texts: set[str] = field(default_factory=set)
    progress: Progress = field(default_factory=lambda: Progress(enabled=False))

    def cursor_name(self, repo: str, listing: str) -> str:
        return f"github:{repo}:{listing}"

    def since(self, repo: str, listing: str) -> datetime | None:
        watermark = self.store.get_cursor(self.cursor_name(repo, listing))
        partial = self.store.get_cursor(self.cursor_name(repo, listing) + ":partial")
        if partial is not None and (watermark is None or partial - SAFETY_MARGIN > watermark):
            return partial - SAFETY_MARGIN
        return watermark

    def run(self) -> SourceStatus:
        repos = self._repos()
        names = [r.full_name for r in repos]
        errors = _run_workers([(n, self._listings_task(n)) for n in names], self._save_page)
        # Derive what the listings changed, so the follow-up knows the ticket promises.
        rederive(self.store, self.config, sorted(self.changed))
        listed, self.changed = self.changed, set()
        done = [n for n in names if n not in errors]
        follow_errors = _run_workers(
            [(n, self._follow_up_task(n, listed)) for n in done], self._save_follow_up
        )
        errors.update(follow_errors)
        self.progress.close()
        for name in names:
            if name not in errors:
                watermark = self.started - SAFETY_MARGIN
                for listing in ("issues", "comments", "review-comments"):
                    self.store.set_cursor(self.cursor_name(name, listing), watermark)
                    self.store.clear_cursor(self.cursor_name(name, listing) + ":partial")
        if self.changed:
            rederive(self.store, self.config, sorted(self.changed))
        messages = [f"{repo}: {_message(exc)}" for repo, exc in sorted(errors.items())]
        log.info("github: %d repos, %d requests", len(names), self.source.requests)
        return SourceStatus(
            name="github",
            ok=not errors,
            error="; ".join(messages) or None,
            requests=self.source.requests,
        )

    def _repos(self) -> list[RepoInfo]:
        """The configured repos; names seen within REPO_INFO_TTL cost no request."""
        fresh = []
        for pattern in self.config.github.repos:
            if pattern.endswith("/*"):
                continue
            cached = self.store.get_meta(f"repo:{pattern.lower()}")
            if cached:
                seen_at, info = json.loads(cached)
                if self.started - datetime.fromisoformat(seen_at) <= REPO_INFO_TTL:
                    fresh.append(RepoInfo(**info))
        self.source.remember_repos(fresh)
        repos: list[RepoInfo] = self.source.fetch_repos(self.config.github.repos)
        for info in repos:
            self.store.set_meta(
                f"repo:{info.full_name.lower()}",
                json.dumps([self.started.isoformat(), dataclasses.asdict(info)]),
            )
        return repos

    # -- phase 1: listings --------------------------------------------------------------

    def _listings_task(self, repo: str) -> Callable[[Callable[[Any], None]], None]:
        since = {k: self.since(repo, k) for k in ("issues", "comments", "review-comments")}

        def task(emit: Callable[[Any], None]) -> None:
            for issues in self.source.fetch_issues(repo, since=since["issues"]):
                emit(("issues", issues))
            for texts in self.source.fetch_issue_comments(repo, since=since["comments"]):
                emit(("comments", texts))
            for texts in self.source.fetch_review_comments(repo, since=since["review-comments"]):
                emit(("review-comments", texts))

        return task

    def _save_page(self, repo: str, item: tuple[str, IssuePage | TextPage]) -> None:
        listing, page = item
        if isinstance(page, IssuePage):
            self.store.save_threads(page.threads)
            texts = page.bodies
            self.changed.update(t.id for t in page.threads)
        else:
            texts = page.texts
        self.store.save_texts(texts)
        self.changed.update(t.thread_id for t in texts)
        self.listed_texts.update(t.id for t in texts)
        self.progress.add("issues and PRs" if listing == "issues" else listing, len(texts))
        if page.last_updated_at is not None:
            self.store.set_cursor(
                self.cursor_name(repo, listing) + ":partial", page.last_updated_at
            )

    # -- phase 2: what listings cannot say ----------------------------------------------

    def _follow_up_task(
        self, repo: str, listed: set[str]
    ) -> Callable[[Callable[[Any], None]], None]:
        plan = self._plan(repo, listed)

        def task(emit: Callable[[Any], None]) -> None:
            if plan.events:
                emit(("milestones", self.source.fetch_milestones(repo)))
            for number, thread_id in plan.events:
                emit(("events", (thread_id, self.source.fetch_issue_events(repo, number))))
            for number, thread in plan.reviews:
                emit(("reviews", (thread, self.source.fetch_reviews(repo, number))))
            for (number, kind), (known, etag) in sorted(plan.checks.items()):
                answer = self.source.fetch_thread_comments(repo, number, kind=kind, etag=etag)
                if answer is None or answer.texts is None:
                    continue  # gone as a whole (nothing to conclude), or unchanged
                emit(("texts", (f"{repo}#{number}:{kind}", answer)))
                present = {t.id for t in answer.texts}
                for text_id in sorted(known - present):
                    emit(("deleted", text_id))

        return task

    def _plan(self, repo: str, listed: set[str]) -> _Plan:
        plan = _Plan()
        label = self.config.github.label.lower()
        for thread_id in sorted(t for t in listed if t.startswith(f"github:{repo}#")):
            thread = self.store.load_thread(thread_id)
            if thread is None or thread.number is None:
                continue
            labelled = any(x.lower() == label for x in thread.labels)
            # Events tell when a label came and went, milestone moves and reopens:
            # needed for ticket promises, and for tickets that used to be one.
            if labelled or self.store.has_events(thread_id) or self._is_ticket(thread_id):
                plan.events.append((thread.number, thread_id))
        if self.period is not None:
            for thread in self.store.load_merged_prs(self.period.start, self.period.end):
                if thread.repo != repo or thread.number is None:
                    continue
                if is_bot(thread.author, thread.author_type):
                    continue
                if self.store.reviews_seen(thread.id) == thread.updated_at.isoformat():
                    continue
                plan.reviews.append((thread.number, thread))
        for text_id in self._texts_to_verify(repo):
            match = _COMMENT_ID.match(text_id)
            if match:
                number, kind = int(match.group(1)), match.group(2)
                known, _ = plan.checks.setdefault((number, kind), (set(), None))
                known.add(text_id)
        for (number, kind), (known, _) in list(plan.checks.items()):
            etag = self.store.get_meta(f"etag:{repo}#{number}:{kind}") or None
            plan.checks[(number, kind)] = (known, etag)
        return plan

    def _is_ticket(self, thread_id: str) -> bool:
        row = self.store.conn.execute(
            "SELECT 1 FROM promises WHERE id = ?", (thread_id,)
        ).fetchone()
        return row is not None

    def _texts_to_verify(self, repo: str) -> list[str]:
        """Comments whose deletion would change what this run reports.

        GitHub lists no deletions, so each thread holding a comment that made or
        moved a promise still in play (unresolved now, or changed during the
        reporting period) has its comments listed once, unless this run's
        listings just showed that comment.
        """
        prefix = f"github:{repo}#"
        cutoff = self.started + timedelta(microseconds=1)
        since = self.period.start if self.period is not None else self.started
        texts: set[str] = set()
        rows = self.store.conn.execute(
            "SELECT data FROM promises WHERE thread_id LIKE ? ESCAPE '\\'",
            (prefix.replace("_", "\\_").replace("%", "\\%") + "%",),
        )
        for (data,) in rows:
            promise = decode_promise(data)
            outcome = evaluate_promise(promise, cutoff=cutoff, grace=self.config.grace)
            if outcome is None:
                continue
            moments = [c.at for c in promise.changes] + [s.at for s in promise.states]
            in_play = outcome.status in ("open", "overdue", "undated") or any(
                since <= m < cutoff for m in moments
            )
            if not in_play:
                continue
            origins = {c.origin for c in promise.changes} | {s.origin for s in promise.states}
            if promise.kind == "inline":
                origins.add(promise.id.rsplit(":", 1)[0])
            texts |= {t for t in origins if t and _is_comment(t) and t not in self.listed_texts}
        return sorted(texts)

    def _save_follow_up(self, repo: str, item: tuple[str, Any]) -> None:
        kind, payload = item
        if kind == "milestones":
            self.store.save_milestones(payload)
        elif kind == "events":
            thread_id, events = payload
            self.store.save_events(thread_id, events)
            self.changed.add(thread_id)
        elif kind == "reviews":
            thread, reviews = payload
            self.store.save_reviews(thread.id, reviews, seen=thread.updated_at.isoformat())
        elif kind == "texts":
            name, answer = payload
            self.store.save_texts(answer.texts)
            self.changed.update(t.thread_id for t in answer.texts)
            self.store.set_meta(f"etag:{name}", answer.etag or "")
        elif kind == "deleted":
            self.store.mark_deleted([payload])
            self.changed.add(payload.split(":comment:")[0].split(":review-comment:")[0])


@dataclass
class _Plan:
    events: list[tuple[int, str]] = field(default_factory=list)
    reviews: list[tuple[int, ThreadRecord]] = field(default_factory=list)
    # (thread number, "comment" | "review-comment") -> (comment ids to look for, ETag)
    checks: dict[tuple[int, str], tuple[set[str], str | None]] = field(default_factory=dict)


def _is_comment(promise_id: str) -> bool:
    return ":comment:" in promise_id or ":review-comment:" in promise_id


def _message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


# --- Jira ---------------------------------------------------------------------------------


@dataclass
class JiraSync:
    config: Config
    store: Store
    source: JiraSource
    started: datetime
    progress: Progress = field(default_factory=lambda: Progress(enabled=False))

    CURSOR = "jira:tickets"

    def run(self) -> SourceStatus:
        watermark = self.store.get_cursor(self.CURSOR)
        partial = self.store.get_cursor(self.CURSOR + ":partial")
        since = watermark
        if partial is not None and (watermark is None or partial - SAFETY_MARGIN > watermark):
            since = partial - SAFETY_MARGIN
        changed: list[str] = []
        try:
            for page in self.source.fetch_tickets(self.config.jira.jql, since=since):
                for ticket in page.tickets:
                    self._save_ticket(ticket)
                    changed.append(ticket.thread.id)
                self.progress.add("Jira tickets", len(page.tickets))
                if page.last_updated_at is not None:
                    self.store.set_cursor(self.CURSOR + ":partial", page.last_updated_at)
        finally:
            # What was saved is derived even when the search broke off half-way.
            if changed:
                rederive(self.store, self.config, sorted(set(changed)))
            self.progress.close()
        self.store.set_cursor(self.CURSOR, self.started - SAFETY_MARGIN)
        self.store.clear_cursor(self.CURSOR + ":partial")
        log.info("jira: %d tickets read, %d requests", len(changed), self.source.requests)
        return SourceStatus(name="jira", ok=True, error=None, requests=self.source.requests)

    def _save_ticket(self, ticket: JiraTicket) -> None:
        thread = ticket.thread
        self.store.save_threads([thread])
        self.store.save_texts(ticket.texts)
        self.store.save_events(thread.id, ticket.events)
        # A ticket read in full lists all its comments: a missing one was deleted.
        present = {t.id for t in ticket.texts}
        gone = [t.id for t in self.store.load_texts(thread.id) if t.id not in present]
        if gone:
            self.store.mark_deleted(gone)
