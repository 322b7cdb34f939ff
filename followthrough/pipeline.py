"""Wiring: sources -> store -> evaluate -> render -> post, shared by the CLI and the Action.

Each function here is one step a command needs; none parses flags or prints.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from importlib import resources
from typing import TYPE_CHECKING

from followthrough.config import Config, ConfigError
from followthrough.evaluate import Period, evaluate_promise
from followthrough.records import SourceStatus
from followthrough.render import MARKER, RENDERERS, render_digest
from followthrough.report import Report, build_report, iso, trend_periods
from followthrough.sources import SourceUnavailable
from followthrough.store import Store, ensure_derived, rederive
from followthrough.wins import find_wins

if TYPE_CHECKING:  # the HTTP clients load slowly; `demo` and `--offline` never need them
    from followthrough.sources.github import GitHubSource, PostedComment
    from followthrough.sources.jira import JiraSource
    from followthrough.sync import SyncReport

log = logging.getLogger(__name__)


class CannotPostDigest(Exception):
    """Posting was refused or failed; the message says why and what to do."""


class IncompleteSync(Exception):
    """A source failed, so the digest would be wrong; --allow-partial overrides."""


def starter_config() -> str:
    return (
        resources.files("followthrough")
        .joinpath("templates/config.example.toml")
        .read_text(encoding="utf-8")
    )


# --- sources ----------------------------------------------------------------------------------


def github_source(config: Config) -> GitHubSource:
    from followthrough.sources.github import GitHubSource

    return GitHubSource(
        api_url=config.github_api_url(),
        token=config.secrets.github_token,
        backoff=config.secrets.retry_backoff,
    )


def jira_source(config: Config) -> JiraSource:
    from followthrough.sources.jira import JiraSource

    return JiraSource(
        server=config.jira.server,
        token=config.secrets.jira_token,
        email=config.secrets.jira_email,
        backoff=config.secrets.retry_backoff,
    )


def sync_sources(
    store: Store, config: Config, *, now: datetime, period: Period | None
) -> SyncReport:
    """Read every configured source; a failing one is reported, the others still run."""
    from followthrough.sync import SyncReport

    result = SyncReport()
    if config.github.repos:
        result.sources.append(
            _guarded("github", config, lambda: _sync_github(store, config, now, period))
        )
    if config.jira.enabled:
        result.sources.append(_guarded("jira", config, lambda: _sync_jira(store, config, now)))
    return result


def _sync_github(
    store: Store, config: Config, now: datetime, period: Period | None
) -> SourceStatus:
    if not config.secrets.github_token:
        log.warning("GITHUB_TOKEN is not set: reading GitHub unauthenticated (60 requests/hour)")
    from followthrough.sync import GitHubSync, Progress

    with github_source(config) as source:
        return GitHubSync(
            config=config,
            store=store,
            source=source,
            started=now,
            period=period,
            progress=Progress.for_terminal(),
        ).run()


def _sync_jira(store: Store, config: Config, now: datetime) -> SourceStatus:
    if not config.secrets.jira_token:
        return SourceStatus(
            name="jira",
            ok=False,
            error="JIRA_API_TOKEN is not set (with JIRA_EMAIL for Jira Cloud, alone for a "
            "Data Center personal access token)",
        )
    from followthrough.sync import JiraSync, Progress

    with jira_source(config) as source:
        return JiraSync(
            config=config, store=store, source=source, started=now, progress=Progress.for_terminal()
        ).run()


def _guarded(name: str, config: Config, work: Callable[[], SourceStatus]) -> SourceStatus:
    try:
        status = work()
    except SourceUnavailable as exc:
        return SourceStatus(name=name, ok=False, error=config.secrets.redact(_one_line(exc)))
    except Exception as exc:  # one source's bug must not stop the others or lose the run
        log.warning("%s sync failed unexpectedly", name, exc_info=True)
        message = f"unexpected {type(exc).__name__}: {_one_line(exc)}"
        return SourceStatus(name=name, ok=False, error=config.secrets.redact(message))
    if status.error:
        status = SourceStatus(
            name=status.name,
            ok=status.ok,
            error=config.secrets.redact(status.error),
            requests=status.requests,
        )
    return status


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def rebuild(store: Store, config: Config) -> int:
    return rederive(store, config)


# --- reports ------------------------------------------------------------------------------------


def make_report(
    store: Store,
    config: Config,
    *,
    now: datetime,
    period: Period,
    owner: str | None = None,
    offline: bool = False,
    sources: list[SourceStatus] | None = None,
) -> Report:
    if sources is None:
        sources = [] if offline else sync_sources(store, config, now=now, period=period).sources
    ensure_derived(store, config)
    trend_start = trend_periods(period, config.timezone)[0].start
    facts = store.load_facts(window=(trend_start, period.end))
    tickets = store.ticket_promise_ids()
    until = min(period.end, now + timedelta(microseconds=1))
    wins = find_wins(
        store.load_merged_prs(period.start, until),
        reviews=store.load_reviews,
        bodies=store.pr_body,
        first_merges=store.first_merges(),
        ticket_promises=tickets,
        config=config.wins,
    )
    return build_report(
        promises=facts,
        materialize=store.load_full,
        kudos=store.load_kudos(period.start, until),
        wins=wins,
        period=period,
        now=now,
        config=config,
        sources=sources,
        owner=owner,
    )


def render(report: Report, fmt: str) -> str:
    return RENDERERS[fmt](report)


def run_url(env: Mapping[str, str]) -> str | None:
    """The Actions run page, where the step summary holds the full report."""
    server, repo, run_id = (
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if server and repo and run_id:
        return f"{server.rstrip('/')}/{repo}/actions/runs/{run_id}"
    return None


def digest_body(report: Report, *, env: Mapping[str, str]) -> str:
    config = report.config
    return render_digest(
        report,
        template=config.digest.template,
        full_report_url=run_url(env),
        base_dir=config.path.parent if config.path else None,
    )


def post_digest(
    store: Store, report: Report, *, body: str, now: datetime, allow_partial: bool
) -> PostedComment:
    config = report.config
    failed = [s for s in report.sources if not s.ok]
    if failed and not allow_partial:
        raise IncompleteSync(
            "not posting the digest: the sync was incomplete ("
            + "; ".join(f"{s.name}: {s.error}" for s in failed)
            + "); fix it or pass --allow-partial"
        )
    issue = config.digest.issue
    if not issue:
        where = config.path or "followthrough.toml"
        raise ConfigError(f'{where}: [digest] issue must be set to post, like "acme/team#1"')
    if not config.secrets.github_token:
        raise CannotPostDigest("cannot post the digest: GITHUB_TOKEN is not set")
    repo = issue.split("#", 1)[0]
    with github_source(config) as source:
        return _post(store, report, source=source, body=body, now=now, repo=repo)


def _post(
    store: Store, report: Report, *, source: GitHubSource, body: str, now: datetime, repo: str
) -> PostedComment:
    config, issue = report.config, report.config.digest.issue
    try:
        if not config.digest.allow_private and not source.fetch_repo_private(repo):
            # Read every shown repo's visibility now: the cached flag may predate a change.
            private = sorted(
                name
                for name, cached in report.shown_github_repos().items()
                if cached or source.fetch_repo_private(name)
            )
            if private:
                raise CannotPostDigest(
                    "refusing to post: the digest shows text from private repos "
                    f"({', '.join(private)}) and {repo} is public; "
                    "set [digest] allow_private = true to allow it"
                )
        marker = MARKER.format(period=report.period.label)
        posted = source.post_or_update_comment(issue, marker=marker, body=body)
    except SourceUnavailable as exc:
        raise CannotPostDigest(
            config.secrets.redact(f"cannot post the digest on {issue}: {exc}")
        ) from None
    store.save_digest(
        period=report.period.label, issue=issue, comment_id=posted.id, url=posted.url, at=now
    )
    return posted


# --- why --------------------------------------------------------------------------------


def explain(store: Store, config: Config, *, target: str, now: datetime) -> str | None:
    ensure_derived(store, config)
    wanted = target.strip()
    matches = store.find_promises(wanted)
    if not matches:
        return None
    zone = config.timezone
    out = []
    for promise in matches:
        outcome = evaluate_promise(
            promise, cutoff=now + timedelta(microseconds=1), grace=config.grace
        )
        out.append(f"{promise.id}  ({promise.kind} promise, {promise.source})")
        out.append(f"  url:        {promise.url}")
        out.append(
            f"  owner:      {promise.owner}"
            + (f" ({promise.owner_name})" if promise.owner_name else "")
        )
        if promise.co_owners:
            out.append(f"  co-owners:  {', '.join(promise.co_owners)}")
        out.append(f"  text:       {promise.text or '(the ticket itself)'}")
        out.append(f"  source:     {promise.source_line}")
        if promise.phrase is not None:
            out.append(f"  phrase:     {promise.phrase!r} read in {promise.zone}")
        out.append(f"  made at:    {iso(promise.made_at, zone)}")
        if promise.original_due is not None:
            out.append(f"  due:        {iso(promise.original_due, zone)} (as first read)")
        else:
            out.append(f"  due:        none — {promise.undated_reason}")
        for change in promise.changes:
            out.append(
                f"  change:     {iso(change.at, zone)} via {change.via}: "
                f"due {iso(change.due, zone)}"
                + (f" — {change.reason}" if change.reason else "")
                + (f"  [{change.evidence}]" if change.evidence else "")
            )
        for state in promise.states:
            out.append(
                f"  state:      {iso(state.at, zone)} {state.state}: {state.evidence}"
                + (f" — {state.reason}" if state.reason else "")
            )
        for note in promise.notes:
            out.append(f"  note:       {note}")
        if outcome is None:
            out.append("  status:     not made yet at this time")
        else:
            for r in outcome.revisions:
                out.append(
                    f"  revision:   {iso(r.at, zone)} "
                    f"{iso(r.from_due, zone)} -> {iso(r.to_due, zone)} "
                    f"({'on time' if r.on_time else 'late'}, via {r.via})"
                )
            out.append(f"  status:     {outcome.status} as of {iso(now, zone)}")
            out.append(f"  rule:       {outcome.rule}")
        out.append("")
    return "\n".join(out)
