"""Cost of ``report`` on a big cache: 100,000 derived promises, judged for one week.

Fills a fresh SQLite cache (``followthrough.store.Store``) with N derived
promises spread over 16 weeks (``random.Random(seed)``): ~40 owners, ~3
promises per thread (GitHub issues/PRs in four repos and Jira tickets), inline
and ticket promises, ~60% kept, then late, overdue, released, open and undated
ones, ~15% revised once or twice (on time or late), done/released/reopened
states, some kudos, and ~40 merged PRs a week with reviews and closing keywords
so the wins are read too. The derivation key is stored, so nothing is
re-derived. Then, each time in a fresh interpreter with the file evicted from
the OS page cache (``posix_fadvise(DONTNEED)``, best effort):

- ``pipeline.make_report(..., offline=True)`` + ``render_json`` for the last full
  week: wall time (targets: < 1 s) and peak memory (target: < 200 MB), as
  tracemalloc's peak (in a separate run, as tracing slows Python down) and as
  the growth of the process's peak RSS (``ru_maxrss``) over the call;
- the CLI, ``python -m followthrough --now ... report --offline --format json``,
  as a subprocess: wall time including interpreter start, and its peak RSS.

    python bench/bench_report.py                        # 100,000 promises, temporary cache
    python bench/bench_report.py --promises 20000
    python bench/bench_report.py --keep /tmp/ft-report.db   # fill once, reuse afterwards
    python bench/bench_report.py --keep /tmp/ft-report.db --profile   # + cProfile, top 25
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Runnable from a checkout without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from followthrough import pipeline
from followthrough.config import Config, load_config
from followthrough.evaluate import (
    evaluate_period,
    evaluate_promise,
    evaluate_trend,
    parse_period,
    period_for,
)
from followthrough.model import Derived, DueChange, Kudos, Promise, StateChange
from followthrough.records import ReviewRecord, TextRecord, ThreadRecord
from followthrough.render import render_json
from followthrough.report import build_report, report_json, trend_periods
from followthrough.store import Store
from followthrough.wins import find_wins

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-11-25T10:00:00+01:00"  # a Wednesday in 2026-W48
PERIOD = "2026-W47"  # the last full week
WEEKS = 16
CONFIG_TOML = """\
timezone = "Europe/Berlin"
workday_end = "17:00"

[github]
repos = ["acme/api", "acme/web", "acme/infra", "acme/mobile"]

[jira]
server = "https://acme.atlassian.net"
jql = "project = OPS"
"""
TARGET_SECONDS = 1.0
TARGET_MB = 200.0
MB = 1024 * 1024

REPOS = ("acme/api", "acme/web", "acme/infra", "acme/mobile")
OWNERS = tuple(
    f"{name}{i}" if i else name
    for i, name in enumerate(
        [
            "mara",
            "tomas",
            "ines",
            "yuki",
            "omar",
            "lena",
            "pavel",
            "sade",
            "arjun",
            "noor",
            "kofi",
            "eva",
            "li",
            "ravi",
            "hana",
            "jonas",
            "fatima",
            "diego",
            "mei",
            "sven",
            "aiko",
            "bruno",
            "chloe",
            "dmitri",
            "elif",
            "farah",
            "goran",
            "hugo",
            "ivy",
            "jamal",
            "kira",
            "lars",
            "mina",
            "nico",
            "olga",
            "priya",
            "quinn",
            "rosa",
            "tariq",
            "uma",
        ]
    )
)
TASKS = (
    "send the retro notes",
    "review the migration plan",
    "fix the flaky checkout test",
    "write up the incident timeline",
    "book the offsite",
    "publish the on-call handover doc",
    "pair with the new hire on the deploy pipeline",
    "answer the customer about the latency spike",
    "update the runbook for the cache failover",
    "draft the Q1 roadmap",
    "bump the TLS certificates",
    "triage the open bug reports",
    "share the interview feedback",
    "clean up the stale feature flags",
    "get the security review scheduled",
)
PHRASES = ("Friday", "Friday noon", "EOD", "tomorrow", "next week", "Monday 3pm", "in 3 days")
REASONS = (
    "the vendor is late",
    "waiting on the security review",
    "priorities changed",
    "blocked by the database migration",
    None,
)
RELEASE_REASONS = ("priorities changed", "superseded by the new design", "label removed", None)
UNDATED = ("no date given", 'ambiguous date "12/01" (set date_order)', 'cannot read "soonish"')


# --- generating the cache ------------------------------------------------------------------


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 1.0)
    return start + timedelta(seconds=rng.uniform(0, span))


def _horizon(rng: random.Random) -> timedelta:
    """How far ahead a promise is due: hours to two weeks, mostly a few days."""
    return timedelta(hours=min(336.0, rng.lognormvariate(3.6, 0.9)))


class _Maker:
    """Builds threads of promises whose facts lead to a chosen status as of ``now``."""

    FATES = (
        ("kept", 0.60),
        ("late", 0.12),
        ("overdue", 0.06),
        ("released", 0.07),
        ("open", 0.10),
        ("undated", 0.05),
    )

    def __init__(
        self, rng: random.Random, now: datetime, resolve_after: timedelta | None = None
    ) -> None:
        self.rng = rng
        self.now = now
        # None: an overdue promise stays open forever (6% of all ever made are listed
        # in every report). Otherwise owners close or drop them this long after the due.
        self.resolve_after = resolve_after
        self.start = now - timedelta(weeks=WEEKS)
        self.comment_ids = iter(range(3_000_000_000, 4_000_000_000, 7))
        self.fates = [f for f, _ in self.FATES]
        # "open" promises are made in the last 10 days; keep their number per week
        # what it is over 16 weeks when the history is longer (the rest are kept).
        weights = dict(self.FATES)
        scaled = weights["open"] * 16 / WEEKS
        weights["kept"] += weights["open"] - scaled
        weights["open"] = scaled
        self.weights = [weights[f] for f in self.fates]

    def thread(self, index: int, size: int) -> tuple[str, Derived]:
        rng = self.rng
        if rng.random() < 0.2:
            key = f"OPS-{index}"
            thread_id, source, repo = f"jira:{key}", "jira", "OPS"
            url = f"https://acme.atlassian.net/browse/{key}"
        else:
            repo = REPOS[index % len(REPOS)]
            number = index // len(REPOS) + 1
            thread_id, source = f"github:{repo}#{number}", "github"
            url = f"https://github.com/{repo}/issues/{number}"
        promises = []
        ticket = rng.random() < 0.25
        for k in range(size):
            fate = rng.choices(self.fates, self.weights)[0]
            kind = "ticket" if ticket and k == 0 else "inline"
            promises.append(
                self.promise(thread_id, source, repo, url, kind=kind, fate=fate, k=k + 1)
            )
        kudos = []
        if rng.random() < 0.05:
            giver, to = rng.sample(OWNERS, 2)
            text_id = f"{thread_id}:comment:{next(self.comment_ids)}"
            kudos.append(
                Kudos(
                    id=f"{text_id}:kudos:1:{to}",
                    giver=giver,
                    to=to,
                    why=f"for patient debugging of the {rng.choice(('cache', 'pipeline', 'api'))}",
                    url=url,
                    at=_between(rng, self.start, self.now),
                    repo=repo,
                )
            )
        return thread_id, Derived(promises=promises, kudos=kudos)

    def promise(
        self, thread_id: str, source: str, repo: str, url: str, *, kind: str, fate: str, k: int
    ) -> Promise:
        rng, now = self.rng, self.now
        owner = rng.choice(OWNERS)
        phrase = rng.choice(PHRASES)
        task = rng.choice(TASKS)
        if kind == "ticket":
            pid, text, origin = thread_id, "", None
            line = f"/promise by {phrase}" if source == "github" else "duedate"
        else:
            text_id = f"{thread_id}:comment:{next(self.comment_ids)}"
            pid, text, origin = f"{text_id}:{k}", task, text_id
            line = f"/promise {task} by {phrase}"
        if fate == "open":
            made = _between(rng, now - timedelta(days=10), now - timedelta(hours=1))
            due = now + timedelta(hours=rng.uniform(1, 240))
        else:
            made = _between(rng, self.start, now - timedelta(hours=2))
            due = made + _horizon(rng)
        if fate == "overdue" and self.resolve_after and due < now - self.resolve_after:
            fate = rng.choice(("late", "released"))
        base = {
            "id": pid,
            "source": source,
            "kind": kind,
            "url": url,
            "thread_id": thread_id,
            "repo": repo,
            "owner": owner,
            "owner_name": None,
            "co_owners": (rng.choice(OWNERS),) if kind == "ticket" and rng.random() < 0.2 else (),
            "text": text,
            "made_at": made,
            "source_line": line,
            "zone": "Europe/Berlin",
        }
        if fate == "undated":
            return Promise(
                **base, original_due=None, undated_reason=rng.choice(UNDATED), phrase=None
            )
        changes = self.revisions(made, due, kind=kind, source=source, origin=origin)
        final = changes[-1].due if changes else due
        after = changes[-1].at if changes else made
        states = self.states(fate, after=after, due=final, kind=kind, origin=origin)
        return Promise(
            **base,
            original_due=due,
            changes=tuple(changes),
            states=tuple(states),
            phrase=phrase,
        )

    def revisions(
        self, made: datetime, due: datetime, *, kind: str, source: str, origin: str | None
    ) -> list[DueChange]:
        rng, changes = self.rng, []
        if rng.random() >= 0.15:
            return changes
        at_least = made
        for _ in range(rng.choice((1, 1, 1, 2))):
            if rng.random() < 0.8:  # open revision: before the due
                at = at_least + (due - at_least) * rng.uniform(0.2, 0.9)
            else:  # late revision: after the due had passed
                at = due + timedelta(hours=rng.uniform(1, 48))
            if at >= self.now - timedelta(minutes=5):
                break
            new_due = max(at, due) + timedelta(days=rng.uniform(1, 7))
            if source == "jira" and kind == "ticket":
                via = "jira"
            elif kind == "ticket" and rng.random() < 0.3:
                via = "milestone"
            else:
                via = "edit" if rng.random() < 0.1 else "command"
            changes.append(
                DueChange(
                    at=at,
                    due=new_due,
                    via=via,
                    reason=rng.choice(REASONS),
                    evidence=f"/revise {rng.choice(PHRASES)}" if via == "command" else via,
                    origin=origin if via in ("command", "edit") else None,
                )
            )
            at_least, due = at, new_due
        return changes

    def states(
        self, fate: str, *, after: datetime, due: datetime, kind: str, origin: str | None
    ) -> list[StateChange]:
        rng, now = self.rng, self.now
        evidence = "closed as completed" if kind == "ticket" else "/done"
        states = []
        if fate == "kept":
            done = after + (due - after) * rng.uniform(0.3, 1.0)
            if done < now:
                if kind == "ticket" and rng.random() < 0.03:  # closed, reopened, closed again
                    first = after + (done - after) * 0.5
                    reopened = first + (done - first) * 0.5
                    states.append(StateChange(first, "done", None, evidence, origin))
                    states.append(StateChange(reopened, "open", None, "reopened", origin))
                states.append(StateChange(done, "done", None, evidence, origin))
        elif fate == "late":
            done = due + timedelta(hours=rng.uniform(1, 120))
            if done < now:
                states.append(StateChange(done, "done", None, evidence, origin))
        elif fate == "released":
            at = after + (due - after) * rng.uniform(0.2, 1.5)
            if at < now:
                reason = rng.choice(RELEASE_REASONS)
                how = "/drop" if kind == "inline" else "closed as not planned"
                states.append(StateChange(at, "released", reason, how, origin))
        return states  # overdue and open: no state change


def generate_threads(
    n: int, *, seed: int, now: datetime, resolve_after: timedelta | None = None
) -> list[tuple[str, Derived]]:
    """Threads holding ``n`` promises in all (1-5 each, ~3 on average)."""
    rng = random.Random(seed)
    maker = _Maker(rng, now, resolve_after)
    threads, made, index = [], 0, 1
    while made < n:
        size = min(n - made, rng.choice((1, 2, 3, 3, 3, 4, 5)))
        threads.append(maker.thread(index, size))
        made += size
        index += 1
    return threads


def generate_merged_prs(
    *, per_week: int, seed: int, now: datetime, first_number: int
) -> list[tuple[ThreadRecord, TextRecord, list[ReviewRecord]]]:
    """Merged PRs over the weeks, with a body (closing keywords) and 0-3 reviews each."""
    rng = random.Random(seed + 1)
    start = now - timedelta(weeks=WEEKS)
    prs = []
    for i in range(per_week * WEEKS):
        repo = REPOS[i % len(REPOS)]
        number = first_number + i
        thread_id = f"github:{repo}#{number}"
        author = rng.choice(OWNERS) if rng.random() < 0.95 else "dependabot[bot]"
        created = _between(rng, start, now - timedelta(hours=3))
        merged = _between(rng, created + timedelta(hours=1), now - timedelta(hours=1))
        title = rng.choice(("fix: ", "docs: ", "test: ", "", "", "")) + rng.choice(TASKS)
        url = f"https://github.com/{repo}/pull/{number}"
        thread = ThreadRecord(
            id=thread_id,
            source="github",
            kind="pr",
            repo=repo,
            number=number,
            key=None,
            url=url,
            title=title,
            author=author,
            author_name=None,
            author_type="Bot" if author.endswith("[bot]") else "User",
            created_at=created,
            updated_at=merged,
            state="closed",
            closed_at=merged,
            merged_at=merged,
            labels=("bug",) if rng.random() < 0.2 else (),
        )
        body = TextRecord(
            id=f"{thread_id}:body",
            thread_id=thread_id,
            kind="body",
            author=author,
            author_name=None,
            author_type=thread.author_type,
            created_at=created,
            updated_at=created,
            body=f"Changes the {rng.choice(TASKS)}.\n\nFixes #{rng.randrange(1, first_number)}",
            url=url,
        )
        reviews = [
            ReviewRecord(
                id=f"{thread_id}:review:{number * 10 + j}",
                thread_id=thread_id,
                author=rng.choice(OWNERS),
                author_type="User",
                state=rng.choice(("APPROVED", "COMMENTED", "CHANGES_REQUESTED")),
                submitted_at=_between(rng, created, merged),
            )
            for j in range(rng.randrange(4))
        ]
        prs.append((thread, body, reviews))
    return prs


def fill_cache(
    db: Path,
    config: Config,
    *,
    promises: int,
    prs_per_week: int,
    seed: int,
    weeks: int,
    resolve_after: int | None,
) -> None:
    global WEEKS
    WEEKS = weeks
    now = datetime.fromisoformat(NOW)
    threads = generate_threads(
        promises,
        seed=seed,
        now=now,
        resolve_after=timedelta(weeks=resolve_after) if resolve_after else None,
    )
    prs = generate_merged_prs(
        per_week=prs_per_week, seed=seed, now=now, first_number=len(threads) + 1
    )
    with Store(db) as store:
        store.save_all_derived(threads)
        store.save_threads(t for t, _, _ in prs)
        store.save_texts(b for _, b, _ in prs)
        for thread, _, reviews in prs:
            store.save_reviews(thread.id, reviews, seen=thread.updated_at.isoformat())
        store.set_meta("derivation_key", config.derivation_key())
        store.set_meta("bench:fill", _fill_tag(promises, prs_per_week, seed, weeks, resolve_after))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _fill_tag(
    promises: int, prs_per_week: int, seed: int, weeks: int, resolve_after: int | None
) -> str:
    return (
        f"promises={promises} prs_per_week={prs_per_week} seed={seed} weeks={weeks} "
        f"resolve_overdue_after={resolve_after} now={NOW}"
    )


def _drop_os_cache(db: Path) -> bool:
    """Evict the cache files from the OS page cache (no root needed for clean pages)."""
    if not hasattr(os, "posix_fadvise"):
        return False
    for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    return True


# --- measuring (the child process) -----------------------------------------------------------


def _maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _vm_hwm_bytes() -> int | None:
    """This process's own peak RSS (Linux ``VmHWM``); unlike ``ru_maxrss`` it starts
    afresh at exec, while ``ru_maxrss`` keeps the peak of the parent it was forked from."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def measure(db: Path, config_path: Path, *, mode: str) -> dict[str, Any]:
    """One make_report + render_json in this (fresh) process; ``mode`` plain|traced|profile."""
    import tracemalloc

    config = load_config(config_path, env={})
    now = datetime.fromisoformat(NOW).astimezone(config.timezone)
    period = parse_period(PERIOD, config.timezone)
    assert period is not None
    loop = calibrate()
    rss_before, hwm_before = _maxrss_bytes(), _vm_hwm_bytes()
    profiler = None
    if mode == "traced":
        tracemalloc.start()
    elif mode == "profile":
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started, cpu = time.perf_counter(), time.process_time()
    with Store(db) as store:
        built = pipeline.make_report(store, config, now=now, period=period, offline=True)
    reported = time.perf_counter()
    text = render_json(built)
    finished = time.perf_counter()
    result: dict[str, Any] = {
        "wall": finished - started,
        "cpu": time.process_time() - cpu,
        "loop": loop,
        "make_report": reported - started,
        "render_json": finished - reported,
        "rss_before": rss_before,
        "rss_delta": _maxrss_bytes() - rss_before,
        "hwm_before": hwm_before,
        "hwm_delta": (_vm_hwm_bytes() or 0) - (hwm_before or 0),
        "hwm_peak": _vm_hwm_bytes(),
        "listed": len(built.result.judged),
        "scored": built.result.team.scored,
        "rate": built.result.team.rate,
        "wins": len(built.wins),
        "kudos": len(built.kudos),
        "json_bytes": len(text.encode()),
    }
    if mode == "traced":
        result["traced_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        result["profile"] = out.getvalue()
    return result


def measure_stages(db: Path, config_path: Path) -> dict[str, float]:
    """The steps ``make_report`` + ``render_json`` take, timed one by one (no profiler).

    Mirrors ``pipeline.make_report`` with the same public calls; ``evaluate_period``
    and ``evaluate_trend`` are also timed on their own (``build_report`` runs both).
    """
    config = load_config(config_path, env={})
    now = datetime.fromisoformat(NOW).astimezone(config.timezone)
    period = parse_period(PERIOD, config.timezone)
    assert period is not None
    stages: dict[str, float] = {}

    def timed(name: str, work: Any) -> Any:
        started = time.perf_counter()
        value = work()
        stages[name] = time.perf_counter() - started
        return value

    with Store(db) as store:
        window = (trend_periods(period, config.timezone)[0].start, period.end)
        promises = timed("Store.load_facts (window)", lambda: store.load_facts(window=window))
        tickets = store.ticket_promise_ids()
        until = min(period.end, now + timedelta(microseconds=1))
        wins = timed(
            "find_wins (+ its cache reads)",
            lambda: find_wins(
                store.load_merged_prs(period.start, until),
                reviews=store.load_reviews,
                bodies=store.pr_body,
                first_merges=store.first_merges(),
                ticket_promises=tickets,
                config=config.wins,
            ),
        )
        kudos = timed("Store.load_kudos", lambda: store.load_kudos(period.start, until))
        zone = config.timezone
        next_week = period_for(period.end + timedelta(hours=1), zone)
        timed(
            "  evaluate_period (alone, + load_full)",
            lambda: evaluate_period(
                promises,
                period=period,
                now=now,
                grace=config.grace,
                next_period=next_week,
                materialize=store.load_full,
            ),
        )
        weeks = trend_periods(period, zone)
        timed(
            "  evaluate_trend (alone)",
            lambda: evaluate_trend(promises, periods=weeks, now=now, grace=config.grace),
        )
        built = timed(
            "build_report (+ load_full of the listed)",
            lambda: build_report(
                promises=promises,
                materialize=store.load_full,
                kudos=kudos,
                wins=wins,
                period=period,
                now=now,
                config=config,
                sources=[],
            ),
        )
    data = timed("render_json: report_json", lambda: report_json(built))
    timed(
        "render_json: json.dumps (compact, as render_json)",
        lambda: json.dumps(data, ensure_ascii=False, separators=(",", ":")),
    )
    return stages


def status_mix(db: Path, config_path: Path) -> dict[str, int]:
    """Status of every stored promise as of now, and the cache's shape."""
    config = load_config(config_path, env={})
    cutoff = datetime.fromisoformat(NOW) + timedelta(microseconds=1)
    with Store(db) as store:
        promises = store.load_promises()
    mix: Counter[str] = Counter()
    for p in promises:
        outcome = evaluate_promise(p, cutoff=cutoff, grace=config.grace)
        mix[outcome.status if outcome else "not made"] += 1
    mix["revised"] = sum(1 for p in promises if p.changes)
    mix["ticket"] = sum(1 for p in promises if p.kind == "ticket")
    mix["owners"] = len({p.owner for p in promises})
    mix["threads"] = len({p.thread_id for p in promises})
    return dict(mix)


def _child(db: Path, config_path: Path, mode: str, *extra: str) -> Any:
    """Run one ``--measure`` mode in a fresh interpreter; its stdout is JSON."""
    _drop_os_cache(db)
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--measure",
            mode,
            "--keep",
            str(db),
            "--config",
            str(config_path),
            *extra,
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(done.stdout)


def _cli(db: Path, config_path: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (``ru_maxrss`` from ``wait4``) of one CLI report."""
    _drop_os_cache(db)
    argv = [
        sys.executable,
        "-m",
        "followthrough",
        "--now",
        NOW,
        "report",
        "--offline",
        "--period",
        PERIOD,
        "--format",
        "json",
        "--db",
        str(db),
        "--config",
        str(config_path),
    ]
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, env={**os.environ, "PYTHONPATH": str(ROOT)})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"the CLI failed with exit code {proc.returncode}")
    return wall, usage.ru_maxrss * 1024


def calibrate() -> float:
    """Seconds for a fixed pure-Python loop, to compare machines and moments.

    About 0.35-0.5 s on a current laptop or an idle runner; on a shared machine it
    shows how much CPU this process got just before the measurement.
    """
    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - started


# --- the summary ------------------------------------------------------------------------------


def _verdict(value: float, target: float) -> str:
    return "ok" if value < target else "TARGET MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promises", type=int, default=100_000, help="derived promises to store")
    parser.add_argument("--prs-per-week", type=int, default=40, help="merged PRs per week")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--weeks", type=int, default=16, help="history the promises are spread over"
    )
    parser.add_argument(
        "--resolve-overdue-after",
        type=int,
        metavar="WEEKS",
        help="owners close or drop an overdue promise this many weeks after its due "
        "(default: never, so every overdue promise ever made is listed in every report)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="fresh-process runs per figure")
    parser.add_argument("--keep", type=Path, help="cache file to fill once and reuse")
    parser.add_argument(
        "--profile", action="store_true", help="also time each step and print a cProfile top 25"
    )
    parser.add_argument("--config", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--measure",
        choices=("plain", "traced", "profile", "stages", "mix", "fill"),
        help=argparse.SUPPRESS,
    )
    args = parser.parse_args()

    if args.measure:  # a child: one job, JSON on stdout
        print(json.dumps(_measure_child(args)))
        return

    # The parent stays small: filling and judging run in children, because a
    # child's ru_maxrss starts from its parent's peak (Linux keeps it across exec).
    with tempfile.TemporaryDirectory(prefix="ft-bench-report-") as tmp:
        config_path = Path(tmp) / "followthrough.toml"
        config_path.write_text(CONFIG_TOML, encoding="utf-8")
        db = args.keep or Path(tmp) / "followthrough.db"
        tag = _fill_tag(
            args.promises, args.prs_per_week, args.seed, args.weeks, args.resolve_overdue_after
        )
        fill_seconds = None
        if not db.exists() or _read_tag(db) != tag:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            started = time.perf_counter()
            _child(db, config_path, "fill", *_fill_args(args))
            fill_seconds = time.perf_counter() - started
        _report(args, db=db, config_path=config_path, fill_seconds=fill_seconds)


def _fill_args(args: argparse.Namespace) -> list[str]:
    return [
        f"--promises={args.promises}",
        f"--prs-per-week={args.prs_per_week}",
        f"--seed={args.seed}",
        f"--weeks={args.weeks}",
        *(
            [f"--resolve-overdue-after={args.resolve_overdue_after}"]
            if args.resolve_overdue_after
            else []
        ),
    ]


def _measure_child(args: argparse.Namespace) -> Any:
    if args.measure == "fill":
        config = load_config(args.config, env={})
        fill_cache(
            args.keep,
            config,
            promises=args.promises,
            prs_per_week=args.prs_per_week,
            seed=args.seed,
            weeks=args.weeks,
            resolve_after=args.resolve_overdue_after,
        )
        return {}
    if args.measure == "mix":
        return status_mix(args.keep, args.config)
    if args.measure == "stages":
        return measure_stages(args.keep, args.config)
    return measure(args.keep, args.config, mode=args.measure)


def _read_tag(db: Path) -> str | None:
    with Store(db) as store:
        return store.get_meta("bench:fill")


def _report(
    args: argparse.Namespace, *, db: Path, config_path: Path, fill_seconds: float | None
) -> None:
    statuses = ("kept", "late", "overdue", "released", "open", "undated")
    mix = _child(db, config_path, "mix")
    total = sum(mix.get(s, 0) for s in statuses)
    print(f"followthrough report benchmark — {datetime.now(UTC):%Y-%m-%d}, {os.cpu_count()} cores")
    print(f"machine:  10M-iteration Python loop in {calibrate():.2f} s (~0.4 s when idle)")
    print(f"cache:    {db} ({db.stat().st_size / MB:.1f} MB)", end="")
    print(f", filled in {fill_seconds:.1f} s" if fill_seconds is not None else ", reused")
    print(
        f"promises: {total:,} in {mix['threads']:,} threads, {mix['owners']} owners, "
        f"{args.weeks} weeks, {mix['ticket']:,} ticket promises, {mix['revised']:,} revised"
    )
    print("as of now: " + ", ".join(f"{s} {mix.get(s, 0) / total:.0%}" for s in statuses))
    print(f"report:   --period {PERIOD} --now {NOW} --offline, team zone Europe/Berlin\n")

    plain = [_child(db, config_path, "plain") for _ in range(args.repeat)]
    traced = _child(db, config_path, "traced")
    cli = [_cli(db, config_path) for _ in range(args.repeat)]
    parent_rss = _maxrss_bytes()
    first = plain[0]
    print(
        f"listed {first['listed']:,} promises ({first['scored']:,} scored), "
        f"{first['wins']} wins, {first['kudos']} kudos; JSON {first['json_bytes'] / MB:.1f} MB\n"
    )
    walls = [r["wall"] for r in plain]
    best = min(walls)
    best_run = min(plain, key=lambda r: r["wall"])
    rss = max(r["rss_delta"] for r in plain) / MB
    hwm = max(r["hwm_delta"] for r in plain) / MB
    peak = traced["traced_peak"] / MB
    cli_wall = min(w for w, _ in cli)
    cli_rss = max(r for _, r in cli) / MB
    rows = [
        ("make_report + render_json, wall (best)", f"{best:.2f} s", "< 1 s", _verdict(best, 1)),
        ("  all runs", ", ".join(f"{w:.2f}" for w in walls) + " s", "", ""),
        ("  CPU time (best run)", f"{best_run['cpu']:.2f} s", "", ""),
        (
            "  calibration loop before (best run)",
            f"{best_run['loop']:.2f} s",
            "",
            "",
        ),
        (
            "  make_report / render_json (best run)",
            f"{best_run['make_report']:.2f} / {best_run['render_json']:.2f} s",
            "",
            "",
        ),
        ("peak memory, tracemalloc", f"{peak:.0f} MB", "< 200 MB", _verdict(peak, TARGET_MB)),
        ("peak memory, ru_maxrss growth", f"{rss:.0f} MB", "< 200 MB", _verdict(rss, TARGET_MB)),
        ("  VmHWM growth (same runs)", f"{hwm:.0f} MB", "", ""),
        ("  process peak RSS, VmHWM", f"{first['hwm_peak'] / MB:.0f} MB", "", ""),
        ("CLI report --format json, wall (best)", f"{cli_wall:.2f} s", "", ""),
        ("  all runs", ", ".join(f"{w:.2f}" for w, _ in cli) + " s", "", ""),
        ("CLI peak RSS (ru_maxrss via wait4)", f"{cli_rss:.0f} MB", "", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>20}  {'target':>9}  verdict")
    print("-" * (width + 44))
    for name, value, target, verdict in rows:
        print(f"{name:<{width}}  {value:>20}  {target:>9}  {verdict}")
    print(
        f"\n{args.repeat} fresh processes per figure, the cache evicted from the OS page cache "
        f"before each.\nru_maxrss growth = ru_maxrss after - before the call, in the child "
        f"(before: {first['rss_before'] / MB:.0f} MB, imports done);\ntracemalloc ran "
        f"separately (its wall {traced['wall']:.2f} s is slowed by tracing); the CLI's "
        f"ru_maxrss cannot be below this parent's {parent_rss / MB:.0f} MB."
    )
    if args.profile:
        stages = _child(db, config_path, "stages")
        width = max(map(len, stages))
        print("\nsteps, timed one by one in a fresh process (no profiler):")
        for name, seconds in stages.items():
            print(f"  {name:<{width}}  {seconds:6.2f} s")
        profiled = _child(db, config_path, "profile")
        print(f"\ncProfile of make_report + render_json (wall {profiled['wall']:.2f} s profiled):")
        print(profiled["profile"])


if __name__ == "__main__":
    main()
