"""Request budget and wall time of ``followthrough sync`` against a fake GitHub (SPEC §8).

Starts ``tests.fakes.github.FakeGitHub`` (real HTTP on 127.0.0.1) and fills one
repo, ``acme/api``, through its public methods (``random.Random(seed)``): 5,000
issues and PRs over 16 weeks (about 30% PRs, most merged, some merged in the
reporting week 2026-W47, each with 0-3 reviews), ~1% labelled ``commitment``
with a milestone, 20,000 issue comments and 2,000 review comments of ordinary
prose (code blocks, quotes, links) of which a few % hold ``/promise``,
``/done``, ``/revise``, ``/drop`` or ``/kudos`` lines. Then runs the real CLI
as a subprocess, ``followthrough --now X sync --period 2026-W47 --config F --db D``
with ``GITHUB_API_URL`` pointing at the fake, three times:

1. cold, on an empty cache;
2. warm, one hour later, nothing new (target: <= 3 requests);
3. after 10 new comments (some with commands), 30 minutes after that.

For each it counts the fake's requests per endpoint and its wall time
(interpreter start included; target for the cold sync: < 2 min on 2 cores), and
compares the cold sync with the bound ⌈I/100⌉ + ⌈C/100⌉ + ⌈R/100⌉ + M + c.

    python bench/bench_github_sync.py
    python bench/bench_github_sync.py --issues 1000 --comments 4000 --review-comments 400
    python bench/bench_github_sync.py --profile      # the cold sync under cProfile (main thread)

One internal of the fake is touched: ``FakeGitHub._answer`` is wrapped to add up
the time the fake spends answering, so the client's share can be told apart
(the fake runs in this process, the sync in another).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from followthrough.sources.github import DEFAULT_PAUSE
from followthrough.sync import REPO_INFO_TTL, SAFETY_MARGIN
from tests.fakes.github import FakeGitHub

ROOT = Path(__file__).resolve().parents[1]
REPO = "acme/api"
TOKEN = "ghp_bench_token_0123456789abcdef"
COLD = datetime.fromisoformat("2026-11-25T10:00:00+01:00")  # Wednesday of 2026-W48
PERIOD = "2026-W47"
PERIOD_START = datetime.fromisoformat("2026-11-16T00:00:00+01:00")
PERIOD_END = datetime.fromisoformat("2026-11-23T00:00:00+01:00")
WEEKS = 16
COLD_TARGET = 120.0
WARM_TARGET = 3

_NAMES = (
    "mara tomas ines yuki omar lena pavel sade arjun noor kofi eva li ravi hana jonas "
    "fatima diego mei sven aiko bruno chloe dmitri elif farah goran hugo ivy jamal kira "
    "lars mina nico olga priya quinn rosa tariq uma"
)
PEOPLE = tuple(_NAMES.split())
BOTS = ("dependabot[bot]", "renovate[bot]")
_VOCABULARY = (
    "the a this that we it is was be will should could review change fix test deploy "
    "release merge branch build pipeline flaky issue ticket sprint team meeting notes "
    "retro customer api endpoint latency cache database migration schema config timeout "
    "error log metric dashboard alert on-call incident thanks great looks good LGTM nit "
    "maybe later tomorrow Friday week because and or but so for with in by to of on at "
    "from after before about again"
)
WORDS = tuple(_VOCABULARY.split())
LINKS = (
    "https://github.com/acme/api/pull/{n}",
    "https://acme.atlassian.net/browse/OPS-{n}",
    "src/api/handlers/{w}.py",
    "@{p}",
    "#{n}",
    "`{w}()`",
)
CODE = (
    "def {w}(x):",
    "    return x + {n}",
    "$ make {w}",
    "/promise {w} by Friday",  # an example inside code: must not count
    "SELECT * FROM {w} WHERE id = {n};",
)
TASKS = (
    "send the retro notes",
    "review the migration plan",
    "fix the flaky checkout test",
    "write up the incident timeline",
    "update the runbook for the cache failover",
    "answer the customer about the latency spike",
    "clean up the stale feature flags",
)
WHENS = ("Friday", "Friday noon", "tomorrow", "EOD", "next week", "Monday 3pm", "Dec 4")
REASONS = ("the vendor is late", "waiting on the security review", "priorities changed")
TITLES = ("fix: ", "docs: ", "test: ", "feat: ", "", "", "")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 1.0)
    return start + timedelta(seconds=rng.uniform(0, span))


# --- the data ------------------------------------------------------------------------------


@dataclass
class World:
    """What was put into the fake, for the bound and the summary."""

    items: int = 0
    prs: int = 0
    comments: int = 0
    review_comments: int = 0
    with_commands: int = 0
    labelled: set[int] = field(default_factory=set)
    promise_by: set[int] = field(default_factory=set)  # threads with a "/promise by" line
    merged_in_period: int = 0
    bot_merged_in_period: int = 0
    reviews: int = 0
    created: dict[int, datetime] = field(default_factory=dict)
    is_pr: dict[int, bool] = field(default_factory=dict)
    promisers: dict[int, list[str]] = field(default_factory=dict)


def _outside_code(lines: list[str]) -> int:
    """How many leading lines are outside the code block (which always ends a text)."""
    return lines.index("```") if "```" in lines else len(lines)


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str) -> str:
        rng = self.rng
        return template.format(w=rng.choice(WORDS), n=rng.randrange(1, 5000), p=rng.choice(PEOPLE))

    def sentence(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randrange(4, 18))
        if self.rng.random() < 0.3:
            words.insert(self.rng.randrange(len(words) + 1), self.fill(self.rng.choice(LINKS)))
        return " ".join(words).capitalize() + self.rng.choice(".....!?:")

    def prose(self, lines: int) -> list[str]:
        rng = self.rng
        out = []
        for _ in range(lines):
            line = " ".join(self.sentence() for _ in range(rng.randrange(1, 4)))
            roll = rng.random()
            out.append("> " + line if roll < 0.05 else "- " + line if roll < 0.1 else line)
        if rng.random() < 0.08:
            code = [self.fill(rng.choice(CODE)) for _ in range(rng.randrange(1, 5))]
            out[rng.randrange(len(out) + 1) :] = ["```", *code, "```"]
        return out

    def command(self, *, thread: int, user: str, world: World) -> str:
        rng = self.rng
        roll = rng.random()
        mine = user in world.promisers.get(thread, [])
        if roll < 0.35:
            world.promisers.setdefault(thread, []).append(user)
            return f"/promise {rng.choice(TASKS)} by {rng.choice(WHENS)}"
        if roll < 0.45:
            world.promise_by.add(thread)
            return f"/promise by {rng.choice(WHENS)}"
        if roll < 0.55:
            world.promisers.setdefault(thread, []).append(user)
            return f"/promise {rng.choice(TASKS)} within {rng.randrange(2, 72)} hours"
        if roll < 0.70 or (mine and roll < 0.8):
            return rng.choice(("/done", "/done 1", "/done 2"))
        if roll < 0.82:
            return f"/revise {rng.choice(WHENS)} because {rng.choice(REASONS)}"
        if roll < 0.88:
            return f"/drop because {rng.choice(REASONS)}"
        return f"/kudos @{rng.choice(PEOPLE)} for patient debugging of the {rng.choice(WORDS)}"

    def text(self, *, thread: int, user: str, world: World, commands: float) -> str:
        lines = self.prose(self.rng.randrange(1, 6))
        if self.rng.random() < commands:
            world.with_commands += 1
            line = self.command(thread=thread, user=user, world=world)
            lines.insert(self.rng.randrange(_outside_code(lines) + 1), line)
        return "\n".join(lines)


def build_world(
    fake: FakeGitHub, *, issues: int, comments: int, review_comments: int, seed: int
) -> World:
    """Fill ``acme/api`` through the fake's public methods."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    world = World()
    start, end = COLD - timedelta(weeks=WEEKS), COLD - timedelta(days=1)
    fake.add_repo(REPO)
    for number in range(1, 9):
        due = PERIOD_START + timedelta(weeks=number - 5, days=4)
        fake.add_milestone(
            REPO,
            number=number,
            title=f"Sprint {number}",
            due_on=_iso(due.replace(hour=8)),
            state="closed" if due < COLD else "open",
        )
    # Issues and PRs, oldest first (numbers grow with time, as on GitHub).
    moments = sorted(_between(rng, start, end) for _ in range(issues))
    for created in moments:
        _add_item(fake, rng, writer, world, created=created, end=end)
    numbers = list(world.created)
    # Comments: a few threads get many (a long-tailed spread).
    weights = [rng.paretovariate(1.2) for _ in numbers]
    for number in rng.choices(numbers, weights, k=comments):
        user = rng.choice(PEOPLE)
        at = _between(rng, world.created[number], end)
        body = writer.text(thread=number, user=user, world=world, commands=0.04)
        fake.add_comment(REPO, number, user=user, body=body, created_at=at)
        world.comments += 1
    prs = [n for n in numbers if world.is_pr[n]]
    for number in rng.choices(prs, k=review_comments):
        user = rng.choice(PEOPLE)
        at = _between(rng, world.created[number], end)
        body = writer.text(thread=number, user=user, world=world, commands=0.01)
        fake.add_review_comment(REPO, number, user=user, body=body, created_at=at)
        world.review_comments += 1
    return world


def _add_item(
    fake: FakeGitHub,
    rng: random.Random,
    writer: _Writer,
    world: World,
    *,
    created: datetime,
    end: datetime,
) -> None:
    pr = rng.random() < 0.3
    bot = pr and rng.random() < 0.05
    user = rng.choice(BOTS) if bot else rng.choice(PEOPLE)
    title = rng.choice(TITLES) + " ".join(rng.choices(WORDS, k=rng.randrange(3, 9)))
    number = len(world.created) + 1
    body_lines = writer.prose(rng.randrange(0, 8))
    if pr and rng.random() < 0.4:
        body_lines.append(f"Fixes #{rng.randrange(1, number + 1)}")
    body = "\n".join(body_lines)
    if not bot and rng.random() < 0.02:
        world.with_commands += 1
        body = writer.command(thread=number, user=user, world=world) + "\n" + body
    labelled = not pr and rng.random() < 0.01
    owner = rng.choice(PEOPLE)
    fake.add_issue(
        REPO,
        title=title,
        body=body,
        user=user,
        user_type="Bot" if bot else "User",
        created_at=created,
        assignees=[owner] if labelled or rng.random() < 0.3 else [],
        pull_request=pr,
        number=number,
    )
    world.items += 1
    world.prs += pr
    world.created[number] = created
    world.is_pr[number] = pr
    if labelled:
        world.labelled.add(number)
        at = created + timedelta(hours=rng.uniform(0.1, 24))
        fake.add_label(REPO, number, "commitment", at=min(at, end), actor=owner)
        sprint = min(8, max(1, 5 + int((created - PERIOD_START).days // 7) + rng.choice((0, 1))))
        fake.set_milestone(REPO, number, sprint, at=min(at, end), actor=owner)
    closed = _between(rng, created + timedelta(hours=1), created + timedelta(days=20))
    if closed >= end:
        return
    if pr:
        if rng.random() < 0.85:
            for _ in range(rng.randrange(4)):
                reviewer = rng.choice((*PEOPLE, "copilot[bot]"))
                fake.add_review(REPO, number, user=reviewer, submitted_at=closed)
                world.reviews += 1
            fake.merge(REPO, number, at=closed, actor=user)
            if PERIOD_START <= closed < PERIOD_END:
                world.merged_in_period += 1
                world.bot_merged_in_period += bot
        else:
            fake.close_pr(REPO, number, at=closed, actor=user)
    elif rng.random() < 0.65:
        reason = "completed" if rng.random() < 0.85 else "not_planned"
        fake.close(REPO, number, at=closed, actor=owner, reason=reason)


def add_new_comments(
    fake: FakeGitHub, world: World, *, count: int, at: datetime, seed: int
) -> list[str]:
    """``count`` fresh comments, most on threads with promises; returns their first lines."""
    rng = random.Random(seed + 7)
    writer = _Writer(rng)
    busy = sorted(set(world.promisers) | world.labelled | world.promise_by)
    lines = []
    for i in range(count):
        number = rng.choice(busy) if busy and i % 2 == 0 else rng.randrange(1, world.items + 1)
        users = world.promisers.get(number) or list(PEOPLE)
        user = rng.choice(users)
        text = writer.prose(rng.randrange(1, 3))
        if i % 3 == 0:
            command = writer.command(thread=number, user=user, world=world)
            text.insert(0, command)
            lines.append(f"#{number} {user}: {command}")
        else:
            lines.append(f"#{number} {user}: (prose)")
        fake.add_comment(
            REPO, number, user=user, body="\n".join(text), created_at=at + timedelta(seconds=i)
        )
        world.comments += 1
    return lines


# --- running a sync --------------------------------------------------------------------------


class _ServerClock:
    """Adds up the time the fake spends answering (wraps its ``_answer``)."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.seconds = 0.0
        self._lock = threading.Lock()
        answer: Callable[[Any], Any] = fake._answer

        def timed(request: Any) -> Any:
            started = time.perf_counter()
            try:
                return answer(request)
            finally:
                with self._lock:
                    self.seconds += time.perf_counter() - started

        fake._answer = timed  # type: ignore[method-assign]

    def take(self) -> float:
        with self._lock:
            seconds, self.seconds = self.seconds, 0.0
        return seconds


@dataclass
class SyncRun:
    name: str
    now: datetime
    wall: float
    server: float
    output: str
    requests: list[Any]

    def by_endpoint(self) -> Counter[str]:
        return Counter(endpoint(r.method, r.path) for r in self.requests)


_ENDPOINTS = (
    (re.compile(r"^/repos/[^/]+/[^/]+/issues/comments/\d+$"), "issues/comments/{id}"),
    (re.compile(r"^/repos/[^/]+/[^/]+/pulls/comments/\d+$"), "pulls/comments/{id}"),
    (re.compile(r"^/repos/[^/]+/[^/]+/issues/\d+/events$"), "issues/{n}/events"),
    (re.compile(r"^/repos/[^/]+/[^/]+/pulls/\d+/reviews$"), "pulls/{n}/reviews"),
    (re.compile(r"^/repos/[^/]+/[^/]+/issues/\d+/comments$"), "issues/{n}/comments"),
    (re.compile(r"^/repos/[^/]+/[^/]+/pulls/\d+/comments$"), "pulls/{n}/comments"),
    (re.compile(r"^/repos/[^/]+/[^/]+/issues/comments$"), "issues/comments"),
    (re.compile(r"^/repos/[^/]+/[^/]+/pulls/comments$"), "pulls/comments"),
    (re.compile(r"^/repos/[^/]+/[^/]+/issues$"), "issues"),
    (re.compile(r"^/repos/[^/]+/[^/]+/milestones$"), "milestones"),
    (re.compile(r"^/repos/[^/]+/[^/]+$"), "repo"),
)


def endpoint(method: str, path: str) -> str:
    for pattern, name in _ENDPOINTS:
        if pattern.match(path):
            return f"{method} /repos/{{r}}/{name}" if name != "repo" else f"{method} /repos/{{r}}"
    return f"{method} {path}"


def run_sync(
    fake: FakeGitHub,
    clock: _ServerClock,
    *,
    name: str,
    now: datetime,
    workdir: Path,
    profile: Path | None = None,
) -> SyncRun:
    fake.clear_requests()
    clock.take()
    prefix = [sys.executable]
    if profile is not None:
        prefix += ["-m", "cProfile", "-o", str(profile)]
    argv = [
        *prefix,
        "-m",
        "followthrough",
        "--now",
        now.isoformat(),
        "sync",
        "--period",
        PERIOD,
        "--config",
        str(workdir / "followthrough.toml"),
        "--db",
        str(workdir / "followthrough.db"),
    ]
    env = {
        **os.environ,
        "GITHUB_TOKEN": TOKEN,
        "GITHUB_API_URL": fake.url,
        "PYTHONPATH": str(ROOT),
    }
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{name} sync failed with exit code {done.returncode}")
    return SyncRun(name, now, wall, clock.take(), done.stderr.strip(), list(fake.requests))


# --- the summary -------------------------------------------------------------------------------


def _is_check(name: str) -> bool:
    """A request that looks for deleted comments (one comment, or one thread's list)."""
    return name.endswith("/comments/{id}") or name.endswith("/{n}/comments")


def _explain(request: Any) -> str:
    """Why a sync with nothing new made this request."""
    name = endpoint(request.method, request.path)
    since = request.query.get("since")
    if name.endswith("/repos/{r}"):
        return f"repo info (privacy, name) cached {REPO_INFO_TTL} ago is no longer fresh"
    if name.endswith("/issues") or name.endswith("/issues/comments"):
        return f"listing since the watermark {since}"
    if name.endswith("/pulls/comments"):
        return f"listing since the watermark {since}"
    if name.endswith("/milestones"):
        return "milestones, read because events are read"
    if name.endswith("/events"):
        return "events of a ticket promise that changed"
    if name.endswith("/reviews"):
        return "reviews of a PR merged in the period"
    if name.endswith("/comments/{id}"):
        return "existence check: comment behind a promise in play, not in this run's listings"
    if name.endswith("/{n}/comments"):
        return "deletion check: the thread's comments, for promises in play not listed this run"
    return ""


def _print_requests(run: SyncRun, *, limit: int = 12) -> None:
    counts = run.by_endpoint()
    print(f"\n{run.name} sync at {run.now.isoformat()}: {len(run.requests)} requests")
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {count:6,}  {name}")
    checks = [r for r in run.requests if _is_check(endpoint(r.method, r.path))]
    if checks:
        threads = {r.path for r in checks}
        print(
            f"  deletion checks: {len(checks)} requests on {len(threads)} threads "
            f"({len(checks) - len(threads)} of them further pages)"
        )
    shown = run.requests[:limit]
    if len(run.requests) <= 3 * limit:
        shown = run.requests
    print("  requests, in order, and why:")
    for r in shown:
        query = "&".join(f"{k}={v}" for k, v in sorted(r.query.items()))
        print(f"    {r.method} {r.path}{'?' + query if query else ''} -> {r.status}")
        print(f"        {_explain(r)}")
    if len(shown) < len(run.requests):
        print(f"    ... and {len(run.requests) - len(shown)} more")


def _print_profile(path: Path) -> None:
    import pstats

    print("\ncProfile of the cold sync (main thread only: the fetching runs in a worker):")
    pstats.Stats(str(path)).sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=5_000, help="issues and PRs")
    parser.add_argument("--comments", type=int, default=20_000, help="issue comments")
    parser.add_argument("--review-comments", type=int, default=2_000, help="review comments")
    parser.add_argument("--new-comments", type=int, default=10, help="for the third sync")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="run the cold sync in cProfile")
    parser.add_argument("--keep", type=Path, help="keep the cache and config in this folder")
    args = parser.parse_args()

    with FakeGitHub(token=TOKEN) as fake, tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for name in ("followthrough.db", "followthrough.db-wal", "followthrough.db-shm"):
            (workdir / name).unlink(missing_ok=True)  # always a cold start
        (workdir / "followthrough.toml").write_text(
            f'timezone = "Europe/Berlin"\n[github]\nrepos = ["{REPO}"]\n', encoding="utf-8"
        )
        started = time.perf_counter()
        world = build_world(
            fake,
            issues=args.issues,
            comments=args.comments,
            review_comments=args.review_comments,
            seed=args.seed,
        )
        built = time.perf_counter() - started
        clock = _ServerClock(fake)
        profile = Path(tmp) / "cold.prof" if args.profile else None
        cold = run_sync(fake, clock, name="cold", now=COLD, workdir=workdir, profile=profile)
        warm_at = COLD + timedelta(hours=1)
        warm = run_sync(fake, clock, name="warm", now=warm_at, workdir=workdir)
        new_at = warm_at + timedelta(minutes=5)
        added = add_new_comments(fake, world, count=args.new_comments, at=new_at, seed=args.seed)
        third = run_sync(
            fake, clock, name="new", now=warm_at + timedelta(minutes=30), workdir=workdir
        )
        _summary(args, world, built, cold, warm, third, added)
        if profile is not None:
            _print_profile(profile)


def _summary(
    args: argparse.Namespace,
    world: World,
    built: float,
    cold: SyncRun,
    warm: SyncRun,
    third: SyncRun,
    added: list[str],
) -> None:
    today = datetime.now(UTC).date()
    print(f"followthrough GitHub sync benchmark — {today}, {os.cpu_count()} cores")
    print(
        f"fake {REPO}: {world.items:,} issues+PRs ({world.prs:,} PRs, {len(world.labelled)} "
        f"labelled commitment), {args.comments:,} comments, {args.review_comments:,} review "
        f"comments, {world.reviews:,} reviews; {world.with_commands:,} texts with a command; "
        f"built in {built:.1f} s"
    )
    counts = cold.by_endpoint()
    i_pages = max(1, math.ceil(world.items / 100))
    c_pages = max(1, math.ceil(args.comments / 100))
    r_pages = max(1, math.ceil(args.review_comments / 100))
    m = world.merged_in_period - world.bot_merged_in_period
    tickets = world.labelled | world.promise_by
    constant = 1 + 1  # repo GET + milestones (one page)
    bound = i_pages + c_pages + r_pages + m + constant + len(tickets)
    events = counts.get("GET /repos/{r}/issues/{n}/events", 0)
    checks = sum(n for name, n in counts.items() if _is_check(name))
    print(
        f"bound: ⌈I/100⌉ {i_pages} + ⌈C/100⌉ {c_pages} + ⌈R/100⌉ {r_pages} + M {m} "
        f"(PRs merged in {PERIOD}: {world.merged_in_period}, {world.bot_merged_in_period} by bots "
        f"skipped) + c {constant + len(tickets)} = {bound}"
    )
    print(
        f"       c = 1 repo GET + 1 milestones page + {len(tickets)} events listings "
        f"(one per ticket promise: {len(world.labelled)} labelled, "
        f"{len(world.promise_by - world.labelled)} more with a '/promise by' line) "
        f"+ 0 existence checks (a cold sync lists every comment)"
    )
    print(f"       measured: events {events}, existence checks {checks}")
    pause = len(cold.requests) * DEFAULT_PAUSE
    rows = [
        (
            "cold",
            len(cold.requests),
            f"<= {bound}",
            "ok" if len(cold.requests) <= bound else "TARGET MISSED",
            cold,
            f"< {COLD_TARGET:.0f} s",
            "ok" if cold.wall < COLD_TARGET else "TARGET MISSED",
        ),
        (
            "warm, nothing new (+1 h)",
            len(warm.requests),
            f"<= {WARM_TARGET}",
            "ok" if len(warm.requests) <= WARM_TARGET else "TARGET MISSED",
            warm,
            "",
            "",
        ),
        (f"{len(added)} new comments (+30 min)", len(third.requests), "", "", third, "", ""),
    ]
    print()
    print(
        f"{'sync':<26} {'requests':>8} {'budget':>8} {'':<13} {'wall':>8} {'fake':>7} "
        f"{'target':>8}  verdict"
    )
    print("-" * 100)
    for name, count, budget, verdict, run, target, wall_verdict in rows:
        print(
            f"{name:<26} {count:>8,} {budget:>8} {verdict:<13} {run.wall:>7.1f}s "
            f"{run.server:>6.1f}s {target:>8}  {wall_verdict}"
        )
    print(
        f"\nwall = the CLI subprocess, interpreter start included; fake = time the fake spent "
        f"answering.\nPyGithub's pause between requests ({DEFAULT_PAUSE} s) alone accounts for "
        f"{pause:.1f} s of the cold sync; watermark margin {SAFETY_MARGIN}."
    )
    print(f"\ncold sync, requests per endpoint ({cold.output.splitlines()[-1]}):")
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {count:6,}  {name}")
    _print_requests(warm)
    print(f"\nnew comments written at {(warm.now + timedelta(minutes=5)).isoformat()}:")
    for line in added:
        print(f"  {line}")
    _print_requests(third)


if __name__ == "__main__":
    main()
