"""Request budget and wall time of a Jira sync against a fake Jira Cloud (SPEC §8).

Starts ``tests.fakes.jira.FakeJira`` (Cloud, real HTTP on 127.0.0.1; search
results embed at most 40 changelog histories and 20 comments, as Jira Cloud
does) and fills it through its public methods (``random.Random(seed)``):
2,000 OPS tickets matching the JQL (plus 300 WEB tickets that do not) over 16
weeks, with assignees, due dates set at creation or later, due-date changes,
transitions, resolutions (Done, Won't Do), wiki-markup descriptions and
comments (code blocks, quotes, some ``/promise``, ``/done``, ``/revise``
lines); ~3% have more than 40 changelog histories and ~3% more than 20
comments, so their embedded copies are truncated. Then, in this process,
``pipeline.sync_sources`` with a ``[jira]`` config (server = the fake, jql
``project = OPS``, ``JIRA_EMAIL`` + ``JIRA_API_TOKEN``):

1. cold, on an empty cache: compared with ⌈J/100⌉ + truncated changelogs + 2
   (serverInfo, myself), plus the comment pages that truncated comments need;
2. warm, one hour later, nothing new (target: <= 3 requests);
3. after 5 tickets changed (a comment, a due-date move), 30 minutes later.

    python bench/bench_jira.py
    python bench/bench_jira.py --tickets 500
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from followthrough.config import Config, config_from_mapping
from followthrough.pipeline import sync_sources
from followthrough.store import Store
from tests.fakes.jira import FakeJira, User

COLD = datetime.fromisoformat("2026-11-25T10:00:00+01:00")  # Wednesday of 2026-W48
WEEKS = 16
WARM_TARGET = 3
EMBEDDED_HISTORIES = 40
EMBEDDED_COMMENTS = 20
PAGE = 100

_NAMES = (
    "Mara Tomas Ines Yuki Omar Lena Pavel Sade Arjun Noor Kofi Eva Li Ravi Hana Jonas "
    "Fatima Diego Mei Sven Aiko Bruno Chloe Dmitri Elif Farah Goran Hugo Ivy Jamal Kira "
    "Lars Mina Nico Olga Priya Quinn Rosa Tariq Uma"
)
PEOPLE: tuple[User, ...] = tuple(
    (f"5b10a2844c20165700ede{i:03d}", name, f"{name.lower()}@acme.io")
    for i, name in enumerate(_NAMES.split())
)
_VOCABULARY = (
    "the a this that we it is was be will should could review change fix test deploy "
    "release merge branch build pipeline flaky issue ticket sprint team meeting notes "
    "retro customer api endpoint latency cache database migration schema config timeout "
    "error log metric dashboard alert on-call incident thanks great looks good nit maybe "
    "later tomorrow Friday week because and or but so for with in by to of on at from"
)
WORDS = tuple(_VOCABULARY.split())
TASKS = (
    "send the retro notes",
    "review the migration plan",
    "write up the incident timeline",
    "update the runbook for the cache failover",
    "answer the customer about the latency spike",
)
WHENS = ("Friday", "Friday noon", "tomorrow", "EOD", "next week", "Monday 3pm", "Dec 4")
REASONS = ("the vendor is late", "waiting on the security review", "priorities changed")
STATUSES = (("In Progress", "indeterminate"), ("In Review", "indeterminate"), ("To Do", "new"))


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 1.0)
    return start + timedelta(seconds=rng.uniform(0, span))


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


@dataclass
class World:
    matching: int = 0
    other: int = 0
    histories: dict[str, int] = field(default_factory=dict)  # OPS key -> histories
    comments: dict[str, int] = field(default_factory=dict)  # OPS key -> comments
    with_commands: int = 0
    created: dict[str, datetime] = field(default_factory=dict)


def _outside_code(lines: list[str]) -> int:
    """How many leading lines are outside the code block (which always ends a text)."""
    return lines.index("{code}") if "{code}" in lines else len(lines)


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randrange(4, 16))
        return " ".join(words).capitalize() + self.rng.choice("....!?")

    def text(self, world: World, *, commands: float) -> str:
        rng = self.rng
        lines = [
            " ".join(self.sentence() for _ in range(rng.randrange(1, 3)))
            for _ in range(rng.randrange(1, 5))
        ]
        roll = rng.random()
        if roll < 0.06:
            code = ["/promise an example by Friday", f"curl https://api/{rng.choice(WORDS)}"]
            lines[rng.randrange(len(lines) + 1) :] = ["{code}", *code, "{code}"]
        elif roll < 0.1:
            lines.insert(0, "bq. " + self.sentence())
        if rng.random() < commands:
            world.with_commands += 1
            lines.insert(rng.randrange(_outside_code(lines) + 1), self.command())
        return "\n".join(lines)

    def command(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            return f"/promise {rng.choice(TASKS)} by {rng.choice(WHENS)}"
        if roll < 0.7:
            return rng.choice(("/done", "/done 1"))
        if roll < 0.9:
            return f"/revise {rng.choice(WHENS)} because {rng.choice(REASONS)}"
        return f"/drop because {rng.choice(REASONS)}"


def build_world(fake: FakeJira, *, tickets: int, other: int, seed: int) -> World:
    """Fill the fake through its public methods; returns what the bound needs."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    world = World()
    start, end = COLD - timedelta(weeks=WEEKS), COLD - timedelta(days=1)
    for project, count in (("OPS", tickets), ("WEB", other)):
        moments = sorted(_between(rng, start, end) for _ in range(count))
        for number, created in enumerate(moments, start=1):
            key = f"{project}-{number}"
            _add_ticket(fake, rng, writer, world, key=key, created=created, end=end)
            if project == "OPS":
                world.matching += 1
                world.histories[key] = len(fake.issue(key).histories)
                world.comments[key] = len(fake.issue(key).comments)
            else:
                world.other += 1
    return world


def _add_ticket(
    fake: FakeJira,
    rng: random.Random,
    writer: _Writer,
    world: World,
    *,
    key: str,
    created: datetime,
    end: datetime,
) -> None:
    reporter, assignee = rng.choice(PEOPLE), rng.choice(PEOPLE)
    due_at_creation = rng.random() < 0.7
    due = created + timedelta(days=rng.uniform(1, 21))
    fake.add_issue(
        key,
        summary=" ".join(rng.choices(WORDS, k=rng.randrange(3, 9))).capitalize(),
        created=created,
        reporter=reporter,
        assignee=assignee if rng.random() < 0.9 else None,
        duedate=_day(due) if due_at_creation else None,
        labels=("commitment",) if rng.random() < 0.3 else (),
        description=writer.text(world, commands=0.05) if rng.random() < 0.8 else "",
    )
    world.created[key] = created
    # What happens to it, in time order (every change bumps `updated`).
    moments = sorted(_between(rng, created, end) for _ in range(_changes(rng)))
    comments = _comment_count(rng)
    comment_times = sorted(_between(rng, created, end) for _ in range(comments))
    if not due_at_creation and rng.random() < 0.8 and moments:
        fake.set_duedate(key, _day(due), at=moments.pop(0), author=assignee)
    for at in moments:
        roll = rng.random()
        if roll < 0.15:
            due += timedelta(days=rng.uniform(1, 7))
            fake.set_duedate(key, _day(due), at=at, author=assignee)
        elif roll < 0.55:
            status, category = rng.choice(STATUSES)
            fake.transition(key, status, category, at=at, author=assignee)
        else:
            fake.add_history(
                key,
                at=at,
                author=rng.choice(PEOPLE),
                items=[{"field": rng.choice(("labels", "priority", "Sprint", "Rank")), "to": "x"}],
            )
    for at in comment_times:
        fake.add_comment(
            key, author=rng.choice(PEOPLE), body=writer.text(world, commands=0.04), created=at
        )
    if rng.random() < 0.65:
        at = _between(rng, max([created, *moments, *comment_times]), end + timedelta(hours=12))
        if at < end:
            resolution = "Done" if rng.random() < 0.9 else "Won't Do"
            fake.resolve(key, resolution, at=at, author=assignee)


def _changes(rng: random.Random) -> int:
    """Changelog entries besides resolving: a few, now and then more than 40 embed."""
    if rng.random() < 0.03:
        return rng.randrange(EMBEDDED_HISTORIES + 1, 160)
    return rng.randrange(0, 8)


def _comment_count(rng: random.Random) -> int:
    if rng.random() < 0.03:
        return rng.randrange(EMBEDDED_COMMENTS + 1, 80)
    return rng.randrange(0, 6)


def change_tickets(fake: FakeJira, world: World, *, count: int, at: datetime, seed: int) -> None:
    """A comment with a command and a due-date move on ``count`` OPS tickets."""
    rng = random.Random(seed + 3)
    writer = _Writer(rng)
    for i, key in enumerate(rng.sample(sorted(world.histories), count)):
        moment = at + timedelta(seconds=i)
        fake.add_comment(key, author=rng.choice(PEOPLE), body=writer.command(), created=moment)
        new_due = date.fromisoformat(_day(moment)) + timedelta(days=rng.randrange(2, 10))
        fake.set_duedate(key, new_due.isoformat(), at=moment)
        world.histories[key] += 1
        world.comments[key] += 1


# --- running -----------------------------------------------------------------------------------


@dataclass
class SyncRun:
    name: str
    now: datetime
    wall: float
    ok: bool
    error: str | None
    counted: int  # what the source says it sent
    requests: list[Any]

    def by_endpoint(self) -> Counter[str]:
        return Counter(endpoint(r.method, r.path) for r in self.requests)


def endpoint(method: str, path: str) -> str:
    path = re.sub(r"/issue/[^/]+", "/issue/{key}", path)
    return f"{method} {path}"


def run_sync(fake: FakeJira, store: Store, config: Config, *, name: str, now: datetime) -> SyncRun:
    fake.reset_log()
    started = time.perf_counter()
    report = sync_sources(store, config, now=now, period=None)
    wall = time.perf_counter() - started
    (status,) = report.sources
    return SyncRun(name, now, wall, status.ok, status.error, status.requests, list(fake.requests))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=2_000, help="tickets matching the JQL")
    parser.add_argument("--other", type=int, default=300, help="tickets the JQL leaves out")
    parser.add_argument("--changed", type=int, default=5, help="tickets changed before sync 3")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    fake = FakeJira(
        deployment="Cloud",
        user_tz="Europe/Berlin",
        embedded_histories=EMBEDDED_HISTORIES,
        embedded_comments=EMBEDDED_COMMENTS,
        max_page=PAGE,
    )
    with fake, tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        world = build_world(fake, tickets=args.tickets, other=args.other, seed=args.seed)
        built = time.perf_counter() - started
        config = config_from_mapping(
            {"timezone": "Europe/Berlin", "jira": {"server": fake.url, "jql": "project = OPS"}},
            env={"JIRA_EMAIL": fake.email, "JIRA_API_TOKEN": fake.token},
        )
        expected = _expected(world)
        with Store(Path(tmp) / "followthrough.db") as store:
            cold = run_sync(fake, store, config, name="cold", now=COLD)
            warm_at = COLD + timedelta(hours=1)
            warm = run_sync(fake, store, config, name="warm", now=warm_at)
            change_tickets(
                fake, world, count=args.changed, at=warm_at + timedelta(minutes=5), seed=args.seed
            )
            third = run_sync(
                fake, store, config, name="changed", now=warm_at + timedelta(minutes=30)
            )
            cached = (store.count("threads"), store.count("texts"), store.count("promises"))
        _summary(args, world, built, expected, cached, [cold, warm, third])


@dataclass
class Expected:
    search_pages: int
    truncated_changelogs: int
    changelog_pages: int
    truncated_comments: int
    comment_pages: int
    changelog_pages_on: int  # had the reading gone on after the embedded histories
    comment_pages_on: int

    @property
    def brief_bound(self) -> int:
        return self.search_pages + self.truncated_changelogs + 2

    @property
    def full_bound(self) -> int:
        return self.search_pages + self.changelog_pages + self.comment_pages + 2


def _expected(world: World) -> Expected:
    histories = [h for h in world.histories.values() if h > EMBEDDED_HISTORIES]
    comments = [c for c in world.comments.values() if c > EMBEDDED_COMMENTS]
    return Expected(
        search_pages=max(1, math.ceil(world.matching / PAGE)),
        truncated_changelogs=len(histories),
        changelog_pages=sum(math.ceil(h / PAGE) for h in histories),
        truncated_comments=len(comments),
        comment_pages=sum(math.ceil(c / PAGE) for c in comments),
        changelog_pages_on=sum(math.ceil((h - EMBEDDED_HISTORIES) / PAGE) for h in histories),
        comment_pages_on=sum(math.ceil((c - EMBEDDED_COMMENTS) / PAGE) for c in comments),
    )


def _summary(
    args: argparse.Namespace,
    world: World,
    built: float,
    expected: Expected,
    cached: tuple[int, int, int],
    runs: list[SyncRun],
) -> None:
    cold, warm, third = runs
    today = datetime.now(UTC).date()
    print(f"followthrough Jira sync benchmark — {today}, {os.cpu_count()} cores")
    print(
        f"fake Jira Cloud: {world.matching:,} OPS tickets match `project = OPS` "
        f"({world.other:,} WEB tickets do not); {sum(world.histories.values()):,} changelog "
        f"histories, {sum(world.comments.values()):,} comments, {world.with_commands:,} texts "
        f"with a command; built in {built:.1f} s"
    )
    print(
        f"truncated in the search result: {expected.truncated_changelogs} changelogs "
        f"(> {EMBEDDED_HISTORIES} histories; {expected.changelog_pages} pages of {PAGE}), "
        f"{expected.truncated_comments} comment lists (> {EMBEDDED_COMMENTS}; "
        f"{expected.comment_pages} pages)"
    )
    print(
        f"bound (brief): ⌈J/100⌉ {expected.search_pages} + truncated changelogs "
        f"{expected.truncated_changelogs} + 2 = {expected.brief_bound}"
    )
    print(
        f"bound (full):  ⌈J/100⌉ {expected.search_pages} + changelog pages "
        f"{expected.changelog_pages} + comment pages {expected.comment_pages} + 2 "
        f"= {expected.full_bound}"
    )
    print(
        f"cache after the syncs: {cached[0]:,} threads, {cached[1]:,} texts, {cached[2]:,} promises"
    )
    brief = len(cold.requests) <= expected.brief_bound
    rows = [
        ("cold, vs the brief's bound", cold, f"<= {expected.brief_bound}", brief),
        ("cold, vs the full bound", cold, f"<= {expected.full_bound}", None),
        ("warm, nothing new (+1 h)", warm, f"<= {WARM_TARGET}", len(warm.requests) <= WARM_TARGET),
        (f"{args.changed} tickets changed (+30 min)", third, "", None),
    ]
    print()
    print(f"{'sync':<30} {'requests':>8} {'counted':>8} {'budget':>8}  {'verdict':<14} {'wall':>7}")
    print("-" * 84)
    full = len(cold.requests) <= expected.full_bound
    for name, run, budget, ok in rows:
        verdict = "" if ok is None else "ok" if ok else "TARGET MISSED"
        if name == "cold, vs the full bound":
            verdict = "ok" if full else "TARGET MISSED"
        state = "" if run.ok else f"  FAILED: {run.error}"
        print(
            f"{name:<30} {len(run.requests):>8,} {run.counted:>8,} {budget:>8}  {verdict:<14} "
            f"{run.wall:>6.1f}s{state}"
        )
    print("\nrequests = as logged by the fake; counted = SourceStatus.requests (attempts sent)")
    if not brief:
        extra_changelog = expected.changelog_pages - expected.truncated_changelogs
        print(
            f"over the brief's bound by {len(cold.requests) - expected.brief_bound}: "
            f"{extra_changelog} more changelog pages (a changelog of > {PAGE} histories takes "
            f"⌈H/{PAGE}⌉ pages, read from 0) and {expected.comment_pages} comment pages "
            f"(tickets with > {EMBEDDED_COMMENTS} comments), which the brief's bound leaves out"
        )
        print(
            f"reading on after the embedded copy (startAt={EMBEDDED_HISTORIES} / "
            f"{EMBEDDED_COMMENTS}) would take {expected.changelog_pages_on} changelog and "
            f"{expected.comment_pages_on} comment pages instead of {expected.changelog_pages} "
            f"and {expected.comment_pages}"
        )
    for run in runs:
        print(f"\n{run.name} sync at {run.now.isoformat()}:")
        for name, count in sorted(run.by_endpoint().items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {count:6,}  {name}")
        if len(run.requests) <= 12:
            for r in run.requests:
                jql = r.query.get("jql", [""])[0]
                print(f"    {r.method} {r.path} -> {r.status}" + (f"  jql: {jql}" if jql else ""))


if __name__ == "__main__":
    main()
