"""GitHub as a source: listings in, plain records out; and the one digest comment.

This module owns every conversation with GitHub (github.com or Enterprise,
``https://ghe.example/api/v3``). It reads **listings only** (SPEC §8): repos,
issues+PRs, issue comments and review comments repo-wide (all ``since`` the
watermark, oldest change first), milestones, and, where the caller asks,
one ticket's events or one PR's reviews. It never fetches an item on its own.

How PyGithub is used, and why this way: every request goes through PyGithub's
``Requester.requestJsonAndCheck`` (token auth, the Enterprise path prefix, the
pause between requests, the timeout, urllib3's retries with the policy below,
and PyGithub's own classification of error answers), but no PyGithub object is
ever built. The listing's JSON is mapped straight to records and the ``Link``
header is followed here. That keeps three promises by construction:

- page-wise reading: each page is yielded before the next is requested, so the
  caller saves it first (PaginatedList only offers items or numbered pages);
- no hidden per-item GET: a listed PyGithub object completes itself with a GET
  when an attribute it lacks is read (``raw_data``, ``issue.pull_request``,
  ``pr.merged``, ``totalCount``...); raw JSON has nothing that could;
- the token only goes to the configured host: a ``Link`` is re-requested as a
  path under ``api_url`` (PyGithub would open an extra connection, without a
  timeout, for a link that names another host or port).

Faults (SPEC §7), all decided in :class:`_GitHubRetry`, one urllib3 ``Retry``:
GET/HEAD/PUT/PATCH/DELETE are retried up to 6 attempts on connection errors,
read timeouts, 500/502/503/504, 429 and rate-limited 403s; ``Retry-After`` is
honoured, a primary limit (``x-ratelimit-remaining: 0``) waits for
``x-ratelimit-reset``, a secondary one without ``Retry-After`` waits 60 s,
doubling, as GitHub asks; anything else backs off 0.5 s, 1 s, 2 s... (≤ 30 s).
No wait is ever longer than ``max_rate_wait``: such a limit becomes
:class:`SourceUnavailable` saying when it resets. POST is never retried by
urllib3: :meth:`GitHubSource.post_or_update_comment` looks before it posts
again, so one marker never yields two comments.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

import requests
from github import Auth, Github
from github.GithubException import GithubException
from github.Requester import Requester
from urllib3.connectionpool import ConnectionPool
from urllib3.exceptions import (
    InvalidHeader,
    MaxRetryError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

from followthrough.records import (
    EventRecord,
    MilestoneRecord,
    MilestoneRef,
    ReviewRecord,
    TextRecord,
    ThreadRecord,
)
from followthrough.sources import SourceUnavailable

log = logging.getLogger(__name__)
R = TypeVar("R")

# The pause between requests, measured against tests/fakes/github.py on this
# machine (the fake answers in ~7-11 ms):
#   300 requests (300 pages of 10 issues):  0.25 s -> 78.3 s,  0.07 s -> 23.8 s,  0 -> 2.1 s
#   SPEC §8 cold sync, 272 requests (5,000 issues, 20,000 comments, 2,000 review
#   comments, per_page 100):               0.25 s -> 84.2 s,  0.07 s -> 38.9 s,  0 -> 15.2 s
# PyGithub's 0.25 s makes the pause the whole cost and leaves the 2-minute budget
# little room on a slower runner. 0.07 s is the floor GitHub itself sets: the
# secondary limit allows 900 points a minute per REST endpoint, a GET being one
# point, so one GET per 0.0667 s; PyGithub counts the pause from the end of the
# previous request, so 0.07 s stays under it whatever the latency.
DEFAULT_PAUSE = 0.07
# GitHub asks for >= 1 s between writes when making *many*; followthrough makes at
# most two per run (a POST and, after a lost answer, one more), so a short spacing
# suffices and keeps a re-post from hammering a struggling server.
WRITE_PAUSE = 0.2
MAX_ATTEMPTS = 6
BACKOFF_CAP = 30.0
SECONDARY_WAIT = 60.0  # GitHub: "wait for at least one minute", then exponentially longer
RESET_MARGIN = 1.0  # x-ratelimit-reset has whole seconds; the reset happens within that second
MAX_TIMEOUT = 60  # SPEC §7: no request waits longer than this
# After a POST whose answer was lost, give GitHub a moment to make the comment
# visible before listing again to see whether it landed.
POST_SETTLE = 1.0
RETRY_METHODS = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
RETRY_STATUSES = frozenset({403, 429, 500, 502, 503, 504})

_REPO_RE = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)/([A-Za-z0-9_.-]+|\*)$")
_ISSUE_RE = re.compile(r"^([^/#\s]+/[^/#\s]+)#(\d+)$")
_LINK_RE = re.compile(r'<([^>]+)>\s*;\s*rel="([^"]+)"')
_HTML_COMMENT_RE = re.compile(r"<!--(.*?)-->", re.DOTALL)
# the issue events followthrough reads; "assigned", "referenced", ... are skipped
_EVENT_KINDS = frozenset(
    {"labeled", "unlabeled", "milestoned", "demilestoned", "closed", "reopened", "merged"}
)


class GitHubUnavailable(SourceUnavailable):
    """GitHub could not be read (or written); names the repo or issue and the cause."""


@dataclass(frozen=True)
class RepoInfo:
    full_name: str
    private: bool
    archived: bool
    html_url: str


@dataclass(frozen=True)
class IssuePage:
    """One page of the issues listing: threads, their bodies, the newest ``updated_at``."""

    threads: list[ThreadRecord]
    bodies: list[TextRecord]
    last_updated_at: datetime | None


@dataclass(frozen=True)
class TextPage:
    texts: list[TextRecord]
    last_updated_at: datetime | None


@dataclass(frozen=True)
class ThreadComments:
    """One thread's comments; ``texts`` is None when a conditional request said 304."""

    texts: list[TextRecord] | None
    etag: str | None


@dataclass(frozen=True)
class PostedComment:
    id: int
    url: str
    created: bool  # False when an existing comment was edited (or left as it was)


# -- the retry policy ----------------------------------------------------------------


class _Attempts:
    """Retries counted across the copies of the Retry that urllib3 makes per attempt."""

    def __init__(self) -> None:
        self.retries = 0


class _RateLimited(Exception):
    """GitHub asked for a wait followthrough will not make (or kept limiting).

    Raised from inside urllib3. Deliberately not an ``OSError`` or urllib3 error,
    so requests and PyGithub let it through untouched to :class:`GitHubSource`.
    """

    def __init__(
        self, *, kind: str, wait: float, reset: datetime | None, exhausted: bool = False
    ) -> None:
        super().__init__(kind)
        self.kind = kind  # "primary" | "secondary" | "unavailable" (a 5xx with Retry-After)
        self.wait = wait
        self.reset = reset
        self.exhausted = exhausted


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """``name`` (lowercase) from urllib3's case-insensitive or PyGithub's lowercased headers."""
    value = headers.get(name)
    return None if value is None else str(value)


def _reset_of(headers: Mapping[str, str]) -> datetime | None:
    value = _header(headers, "x-ratelimit-reset")
    if value is None or not value.strip().isdigit():
        return None
    return datetime.fromtimestamp(int(value), UTC)


def _server_now(headers: Mapping[str, str]) -> float:
    """The server's clock from ``Date`` when present: a reset is on GitHub's clock, not ours."""
    value = _header(headers, "date")
    if value:
        try:
            return parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            pass
    return time.time()


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = _header(headers, "retry-after")
    if value is None:
        return None
    try:
        return Retry().parse_retry_after(value)
    except InvalidHeader:
        return None


def _limit_wait(
    status: int,
    headers: Mapping[str, str],
    message: Callable[[], str],
    *,
    prior_hits: int,
) -> tuple[float, str, datetime | None] | None:
    """How long GitHub wants us to wait, or None when this 403/429 is not a rate limit.

    Order as GitHub documents it: ``Retry-After`` first; then a spent primary limit
    waits for its reset; then a secondary limit waits a minute, doubling per hit.
    ``message`` is only called (it reads the body) when the headers do not decide.
    """
    reset = _reset_of(headers)
    spent = _header(headers, "x-ratelimit-remaining") == "0"
    after = _retry_after(headers)
    if after is not None:
        return after, "primary" if spent else "secondary", reset
    if spent and reset is not None:
        return max(0.0, reset.timestamp() - _server_now(headers)) + RESET_MARGIN, "primary", reset
    text = message()
    if status == 429 or "secondary rate limit" in text.lower() or Requester.isRateLimitError(text):
        return SECONDARY_WAIT * 2**prior_hits, "secondary", reset
    return None


class _GitHubRetry(Retry):
    """followthrough's urllib3 retry policy for GitHub (see the module docstring).

    Written on urllib3's Retry rather than PyGithub's GithubRetry because that one
    retries POST (a duplicate digest), waits a fixed time for secondary limits,
    leaves 429s without ``Retry-After`` (primary 429s among them) unretried, and,
    once attempts run out on a limited 403, ends in a bare ``RetryError`` (or a
    403 whose body it has already consumed) instead of the limit and its reset.
    """

    def __init__(
        self,
        *,
        max_rate_wait: float,
        backoff: float,
        attempts: _Attempts,
        wait: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_rate_wait = max_rate_wait
        self.backoff = backoff
        self.attempts = attempts
        self.wait = wait  # how long to sleep before the attempt this copy governs

    def new(self, **kw: Any) -> Self:
        # urllib3 makes a fresh copy per attempt; carry our settings along
        kw.setdefault("max_rate_wait", self.max_rate_wait)
        kw.setdefault("backoff", self.backoff)
        kw.setdefault("attempts", self.attempts)
        return super().new(**kw)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        # Only idempotent methods, only these statuses: a 413 with Retry-After, say, is final.
        return method.upper() in RETRY_METHODS and status_code in RETRY_STATUSES

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        wait: float | None = None
        limit: tuple[float, str, datetime | None] | None = None
        if response is not None and response.status in (403, 429):
            limit = self._limit(response)
            wait = limit[0]
        elif response is not None:
            wait = _retry_after(response.headers)
            if wait is not None and wait > self.max_rate_wait:
                response.drain_conn()
                raise _RateLimited(kind="unavailable", wait=wait, reset=None)
        try:
            new = super().increment(method, url, response, error, _pool, _stacktrace)
        except MaxRetryError:
            if limit is None or response is None:
                raise
            # Still limited after every attempt. Raise our own error: the body was
            # read to classify the 403, so PyGithub could not report it any more.
            response.drain_conn()
            raise _RateLimited(
                kind=limit[1], wait=limit[0], reset=limit[2], exhausted=True
            ) from None
        if wait is None:
            wait = min(BACKOFF_CAP, self.backoff * 2 ** (len(new.history) - 1))
        new.wait = wait
        self.attempts.retries += 1
        log.info(
            "GitHub %s %s failed (%s); retrying in %.1f s",
            method,
            url,
            response.status if response is not None else error,
            wait,
        )
        return new

    def _limit(self, response: BaseHTTPResponse) -> tuple[float, str, datetime | None]:
        read: dict[str, Any] = {}

        def message() -> str:
            read["data"] = _json_body(response)
            data = read["data"]
            return str(data.get("message") or "") if isinstance(data, dict) else ""

        hits = sum(1 for h in self.history if h.status in (403, 429))
        limit = _limit_wait(response.status, response.headers, message, prior_hits=hits)
        if limit is None:
            # A plain 403 (missing scope, not accessible...): final. Raise the exception
            # PyGithub itself would have raised, from the body we had to read.
            response.drain_conn()
            headers = {k.lower(): v for k, v in response.headers.items()}
            data = read.get("data")
            raise Requester.createException(
                response.status, headers, data if isinstance(data, dict) else {}
            )
        if limit[0] > self.max_rate_wait:
            response.drain_conn()
            raise _RateLimited(kind=limit[1], wait=limit[0], reset=limit[2])
        return limit

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        # The wait was decided in increment() (Retry-After, reset or backoff).
        if self.wait > 0:
            time.sleep(self.wait)


def _json_body(response: BaseHTTPResponse) -> Any:
    try:
        # requests asks urllib3 not to decode; a gzip'd error body must still be read
        raw = response.read(decode_content=True)
        return json.loads(raw) if raw else None
    except (ValueError, OSError, ProtocolError):
        return None


# -- the source ----------------------------------------------------------------------


class GitHubSource:
    """Reads one GitHub (or GHE) API; every fetch returns plain records.

    ``requests`` counts every HTTP request sent, retries included. Use as a
    context manager, or call :meth:`close`, to release the connections.
    """

    def __init__(
        self,
        *,
        api_url: str,
        token: str | None,
        timeout: float = 30.0,
        per_page: int = 100,
        max_rate_wait: float = 900.0,
        pause: float = DEFAULT_PAUSE,
        backoff: float = 0.5,
    ) -> None:
        base = api_url.strip().rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"GitHub API URL must look like https://host[/api/v3], got {api_url!r}"
            )
        if not 1 <= per_page <= 100:
            raise ValueError(f"per_page must be 1..100, got {per_page}")
        self.api_url = base
        self._prefix = parts.path
        self._authenticated = bool(token)
        # PyGithub only takes whole seconds; round up so a 0.5 s timeout stays > 0
        self._timeout = min(MAX_TIMEOUT, max(1, math.ceil(timeout)))
        self._per_page = per_page
        self._max_rate_wait = max_rate_wait
        self._attempts = _Attempts()
        self._sent = 0
        self._last_attempts = 0
        self._repos: dict[str, RepoInfo] = {}
        retry = _GitHubRetry(
            max_rate_wait=max_rate_wait,
            backoff=backoff,
            attempts=self._attempts,
            total=MAX_ATTEMPTS - 1,
            connect=None,
            read=None,
            status=None,
            redirect=0,  # PyGithub follows GitHub's 301s itself; urllib3 must not
            allowed_methods=RETRY_METHODS,
            status_forcelist=RETRY_STATUSES,
            # hand the last 5xx to PyGithub so the error keeps GitHub's status and message
            raise_on_status=False,
        )
        self._github = Github(
            base_url=base,
            auth=Auth.Token(token) if token else None,
            per_page=per_page,
            timeout=self._timeout,
            lazy=True,
            retry=retry,
            seconds_between_requests=pause,
            seconds_between_writes=WRITE_PAUSE,
        )
        self._requester = self._github.requester

    @property
    def requests(self) -> int:
        """HTTP requests sent so far, every attempt counted."""
        return self._sent + self._attempts.retries

    def close(self) -> None:
        self._github.close()

    def __enter__(self) -> GitHubSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GitHubSource(api_url={self.api_url!r})"

    # -- repos -----------------------------------------------------------------------

    def fetch_repos(self, patterns: Sequence[str]) -> list[RepoInfo]:
        """Expand ``owner/name`` and ``owner/*`` into repos, in pattern order, no duplicates.

        ``owner/*`` is every repo of the organisation (or, when ``owner`` is not an
        organisation, the user's public repos), archived ones left out; a repo named
        explicitly is kept even when archived. Costs one request per named repo not
        already listed, and ⌈repos/100⌉ per ``owner/*`` (+1 when the owner is a user).
        """
        chosen: dict[str, RepoInfo] = {}
        seen: dict[str, RepoInfo] = {}
        for pattern in patterns:
            owner, name = _split_repo(pattern)
            if name == "*":
                for info in self._fetch_owner_repos(owner):
                    seen.setdefault(info.full_name.lower(), info)
                    if not info.archived:
                        chosen.setdefault(info.full_name.lower(), info)
                continue
            key = f"{owner}/{name}".lower()
            info = seen.get(key) or self._repos.get(key) or self._fetch_repo(f"{owner}/{name}")
            seen[key] = info
            chosen.setdefault(key, info)
        self._repos.update(seen)
        return list(chosen.values())

    def remember_repos(self, infos: Iterable[RepoInfo]) -> None:
        """Seed the repo cache from an earlier run, so named repos cost no request."""
        for info in infos:
            self._repos[info.full_name.lower()] = info

    def fetch_repo_private(self, repo: str) -> bool:
        """Whether ``repo`` is private; free after :meth:`fetch_repos`, else one request."""
        _split_repo(repo)
        key = repo.lower()
        if key not in self._repos:
            self._repos[key] = self._fetch_repo(repo)
        return self._repos[key].private

    def _fetch_repo(self, repo: str) -> RepoInfo:
        with self._translating(f"reading repo {repo}", not_found=_repo_not_found(repo)):
            _, data = self._request("GET", f"/repos/{repo}")
            return _repo_info(data)

    def _fetch_owner_repos(self, owner: str) -> list[RepoInfo]:
        not_found = f"GitHub owner {owner} not found or not visible to this token"
        with self._translating(f"listing the repos of {owner}", not_found=not_found):
            try:
                pages = list(self._pages(f"/orgs/{owner}/repos", {"type": "all"}))
            except GithubException as exc:
                if exc.status != 404:
                    raise
                # not an organisation: a user (GitHub lists only their public repos)
                pages = list(self._pages(f"/users/{owner}/repos", {"type": "owner"}))
            infos = [_repo_info(item) for page in pages for item in page]
        return sorted(infos, key=lambda info: info.full_name.lower())

    # -- listings since a watermark --------------------------------------------------

    def fetch_issues(self, repo: str, *, since: datetime | None) -> Iterator[IssuePage]:
        """Issues and PRs updated at or after ``since``, oldest change first, page by page.

        ``repo`` is a :attr:`RepoInfo.full_name` (it becomes part of every record id).

        Costs ⌈I/100⌉ requests (at least one); the repo's privacy comes from the
        :meth:`fetch_repos` cache (one more request if it was not called).
        """
        _split_repo(repo)
        private = self.fetch_repo_private(repo)
        params = _since_params(since, state="all")
        with self._translating(f"reading {repo} issues", not_found=_repo_not_found(repo)):
            for items in self._pages(f"/repos/{repo}/issues", params):
                threads = [_thread_record(repo, item, private=private) for item in items]
                bodies = [_body_record(repo, item) for item in items]
                yield IssuePage(threads, bodies, _newest(t.updated_at for t in threads))

    def fetch_issue_comments(self, repo: str, *, since: datetime | None) -> Iterator[TextPage]:
        """Conversation comments on all issues and PRs of ``repo``: ⌈C/100⌉ requests."""
        yield from self._text_pages(
            repo, f"/repos/{repo}/issues/comments", "comment", "issue_url", since, "issue comments"
        )

    def fetch_review_comments(self, repo: str, *, since: datetime | None) -> Iterator[TextPage]:
        """Inline review comments on all PRs of ``repo``: ⌈R/100⌉ requests."""
        yield from self._text_pages(
            repo,
            f"/repos/{repo}/pulls/comments",
            "review-comment",
            "pull_request_url",
            since,
            "review comments",
        )

    def _text_pages(
        self,
        repo: str,
        path: str,
        kind: str,
        parent_field: str,
        since: datetime | None,
        label: str,
    ) -> Iterator[TextPage]:
        _split_repo(repo)
        params = _since_params(since)
        with self._translating(f"reading {repo} {label}", not_found=_repo_not_found(repo)):
            for items in self._pages(path, params):
                texts = [
                    _comment_record(repo, item, kind=kind, parent=parent_field) for item in items
                ]
                yield TextPage(texts, _newest(t.updated_at for t in texts))

    # -- small per-repo and per-ticket listings --------------------------------------

    def fetch_milestones(self, repo: str) -> list[MilestoneRecord]:
        """Every milestone, open or closed: ⌈M/100⌉ requests."""
        _split_repo(repo)
        with self._translating(f"reading {repo} milestones"):
            return [
                _milestone_record(repo, item)
                for page in self._optional_pages(f"/repos/{repo}/milestones", {"state": "all"})
                for item in page
            ]

    def fetch_issue_events(self, repo: str, number: int) -> list[EventRecord]:
        """Label, milestone, close/reopen and merge events of one ticket: usually 1 request."""
        return self._ticket_listing(repo, number, "issues", "events", _event_record)

    def fetch_reviews(self, repo: str, number: int) -> list[ReviewRecord]:
        """Submitted reviews of one PR (pending ones skipped): usually 1 request."""
        return self._ticket_listing(repo, number, "pulls", "reviews", _review_record)

    def _ticket_listing(
        self,
        repo: str,
        number: int,
        section: str,
        what: str,
        parse: Callable[[str, int, dict[str, Any]], R | None],
    ) -> list[R]:
        _split_repo(repo)
        with self._translating(f"reading {repo}#{number} {what}"):
            records = (
                parse(repo, number, item)
                for page in self._optional_pages(f"/repos/{repo}/{section}/{number}/{what}", {})
                for item in page
            )
            return [r for r in records if r is not None]

    def _optional_pages(self, path: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """A listing that may be absent: a 404 (a ticket moved away, or a server that
        offers no such listing) reads as empty instead of failing the whole sync."""
        try:
            yield from self._pages(path, params)
        except GithubException as exc:
            if exc.status != 404:
                raise
            log.warning("GitHub answered 404 for %s; read as empty", path)

    def fetch_thread_comments(
        self, repo: str, number: int, *, kind: str, etag: str | None = None
    ) -> ThreadComments | None:
        """Every comment of one issue/PR (``kind`` "comment") or every inline review
        comment of one PR ("review-comment"): ⌈C/100⌉ requests.

        This is how deletions are found, since the repo-wide listings never show
        them. With the ``etag`` of an earlier one-page answer the request is
        conditional: GitHub answers 304 for an unchanged thread and does not count
        it against the rate limit (``texts`` is then None). None when the thread
        itself answers 404 (moved or gone): nothing can be concluded then.
        """
        _split_repo(repo)
        section, parent = (
            ("issues", "issue_url") if kind == "comment" else ("pulls", "pull_request_url")
        )
        path = f"/repos/{repo}/{section}/{number}/comments"
        texts: list[TextRecord] = []
        with self._translating(f"reading the comments of {repo}#{number}"):
            try:
                headers, data = self._request(
                    "GET",
                    path,
                    params={"per_page": self._per_page},
                    headers={"If-None-Match": etag} if etag else None,
                )
                if data is None:  # 304: what we have is still all there is
                    return ThreadComments(texts=None, etag=etag)
                next_url = self._next_page(headers)
                texts += [_comment_record(repo, item, kind=kind, parent=parent) for item in data]
                # Only a one-page answer's ETag covers the whole thread.
                new_etag = None if next_url else headers.get("etag")
                while next_url is not None:
                    headers, data = self._request("GET", next_url)
                    texts += [
                        _comment_record(repo, item, kind=kind, parent=parent) for item in data
                    ]
                    next_url = self._next_page(headers)
            except GithubException as exc:
                if exc.status == 404:
                    return None
                raise
        return ThreadComments(texts=texts, etag=new_etag)

    # -- the digest comment ----------------------------------------------------------

    def post_or_update_comment(self, issue: str, *, marker: str, body: str) -> PostedComment:
        """Keep exactly one comment whose first HTML comment is ``marker`` on ``issue``.

        Lists the issue's comments (⌈K/100⌉ requests); edits the marked one in place
        (no request when the body is unchanged) or creates it with one POST. A POST
        whose answer is lost (timeout, 5xx, dropped connection) is followed by
        another listing, and posted once more only if the comment did not land.
        """
        match = _ISSUE_RE.match(issue)
        if match is None:
            raise ValueError(f'digest issue must look like "owner/repo#N", got {issue!r}')
        repo, number = match.group(1), int(match.group(2))
        _split_repo(repo)
        wanted = _first_html_comment(marker)
        if wanted is None:
            raise ValueError(f"marker must be an HTML comment, got {marker!r}")
        if _first_html_comment(body) != wanted:
            # Otherwise the comment could never be found again: a duplicate next run.
            raise ValueError(f"the body's first HTML comment must be the marker {marker!r}")
        with self._translating(f"posting on {issue}", not_found=_issue_not_found(issue)):
            found = self._find_marked(repo, number, wanted)
            if found is not None:
                if found.get("body") == body:
                    return _posted(found, created=False)
                _, data = self._request(
                    "PATCH", f"/repos/{repo}/issues/comments/{found['id']}", body={"body": body}
                )
                return _posted(data, created=False)
            return self._post_comment(repo, number, wanted, body)

    def _post_comment(self, repo: str, number: int, wanted: str, body: str) -> PostedComment:
        path = f"/repos/{repo}/issues/{number}/comments"
        for attempt in (1, 2):
            try:
                _, data = self._request("POST", path, body={"body": body})
                return _posted(data, created=True)
            except (GithubException, requests.RequestException) as exc:
                if _may_have_landed(exc):
                    log.warning(
                        "posting on %s#%d: the answer was lost (%s); looking before posting again",
                        repo,
                        number,
                        type(exc).__name__,
                    )
                    time.sleep(POST_SETTLE)
                    found = self._find_marked(repo, number, wanted)
                    if found is not None:
                        return _posted(found, created=True)
                    if attempt == 2:
                        raise
                    continue
                limit = _exception_limit(exc)
                if limit is None or attempt == 2:
                    raise
                # Refused by a rate limit: certainly not created, so wait and post again.
                wait, kind, reset = limit
                if wait > self._max_rate_wait:
                    raise _RateLimited(kind=kind, wait=wait, reset=reset) from exc
                time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _find_marked(self, repo: str, number: int, wanted: str) -> dict[str, Any] | None:
        for page in self._pages(f"/repos/{repo}/issues/{number}/comments", {}):
            for item in page:
                if _first_html_comment(item.get("body") or "") == wanted:
                    return dict(item)
        return None

    # -- plumbing --------------------------------------------------------------------

    def _request(
        self,
        verb: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[dict[str, Any], Any]:
        self._sent += 1
        before = self._attempts.retries
        try:
            return self._requester.requestJsonAndCheck(
                verb, path, parameters=params, headers=headers, input=body
            )
        finally:
            self._last_attempts = 1 + self._attempts.retries - before

    def _pages(self, path: str, params: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
        """The listing at ``path`` one page at a time, following ``Link: rel="next"``."""
        url: str | None = path
        query: dict[str, Any] | None = {**params, "per_page": self._per_page}
        while url is not None:
            headers, data = self._request("GET", url, params=query)
            if not isinstance(data, list):
                raise ValueError(f"expected a JSON list from {path}, got {type(data).__name__}")
            yield data
            url, query = self._next_page(headers), None

    def _next_page(self, headers: Mapping[str, Any]) -> str | None:
        links = {rel: target for target, rel in _LINK_RE.findall(str(headers.get("link", "")))}
        target = links.get("next")
        if target is None:
            return None
        parts = urlsplit(target)
        if self._prefix and not parts.path.startswith(self._prefix + "/"):
            raise GitHubUnavailable(
                f"GitHub at {self.api_url} sent a pagination link outside it: {parts.path}"
            )
        # a path under api_url: the token never goes to a host the user did not configure
        path = parts.path[len(self._prefix) :]
        return f"{path}?{parts.query}" if parts.query else path

    @contextmanager
    def _translating(self, what: str, *, not_found: str | None = None) -> Iterator[None]:
        """Turn every failure inside into one SourceUnavailable line about ``what``."""
        try:
            yield
        except SourceUnavailable:
            raise
        except _RateLimited as exc:
            raise GitHubUnavailable(self._rate_limited_message(exc, what)) from None
        except GithubException as exc:
            raise GitHubUnavailable(self._answer_message(exc, what, not_found)) from exc
        except requests.RequestException as exc:
            tries = f" ({self._last_attempts} attempts)" if self._last_attempts > 1 else ""
            host = urlsplit(self.api_url).hostname or self.api_url
            reason = _network_reason(exc, timeout=self._timeout, host=host)
            raise GitHubUnavailable(
                f"could not reach GitHub at {self.api_url}: {reason}{tries}"
            ) from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise GitHubUnavailable(
                f"GitHub sent data followthrough cannot read while {what} ({exc!r})"
            ) from exc

    def _rate_limited_message(self, exc: _RateLimited, what: str) -> str:
        made = f"{self.requests} requests were made this run"
        if exc.kind == "unavailable":
            return (
                f"GitHub at {self.api_url} is unavailable while {what} and asks to wait "
                f"{exc.wait:.0f} s, longer than the {self._max_rate_wait:g} s allowed; {made}"
            )
        if exc.kind == "primary" and exc.reset is not None:
            when = f"it resets at {exc.reset.isoformat()}"
            if exc.exhausted:
                return f"GitHub API rate limit still exhausted while {what}; {when}; {made}"
            return (
                f"GitHub API rate limit exhausted while {what}; {when}, later than the "
                f"{self._max_rate_wait:g} s followthrough may wait; {made}"
            )
        if exc.exhausted:
            return f"GitHub secondary rate limit still hit while {what} after retrying; {made}"
        return (
            f"GitHub secondary rate limit hit while {what}; GitHub asks to wait {exc.wait:.0f} s, "
            f"longer than the {self._max_rate_wait:g} s followthrough may wait; {made}"
        )

    def _answer_message(self, exc: GithubException, what: str, not_found: str | None) -> str:
        status = exc.status
        message = _github_message(exc) or _STATUS_TEXT.get(status, "error")
        headers = exc.headers or {}
        if status == 401:
            if self._authenticated:
                return f"GitHub rejected the token (401 {message})"
            return f"GitHub requires a token for {what} (401 {message}); set GITHUB_TOKEN"
        limit = _exception_limit(exc)
        if limit is not None:  # a limited write (never retried), or limits we could not read
            reset = limit[2]
            when = f"; it resets at {reset.isoformat()}" if reset is not None else ""
            return (
                f"GitHub API rate limit hit while {what} ({status} {message}){when}; "
                f"{self.requests} requests were made this run"
            )
        if status == 403:
            return f"GitHub refused access while {what} (403 {message}){_needs(headers)}"
        if status == 404:
            return not_found or f"GitHub found nothing while {what} (404 {message})"
        if status >= 500:
            if self._last_attempts > 1:
                return (
                    f"GitHub at {self.api_url} kept failing while {what}: {status} {message} "
                    f"({self._last_attempts} attempts)"
                )
            return f"GitHub at {self.api_url} failed while {what}: {status} {message}"
        return f"GitHub answered {status} {message} while {what}"


# -- helpers: input ------------------------------------------------------------------


def _split_repo(repo: str) -> tuple[str, str]:
    match = _REPO_RE.match(repo)
    if match is None:
        raise ValueError(f'GitHub repo must look like "owner/name" or "owner/*", got {repo!r}')
    return match.group(1), match.group(2)


def _since_params(since: datetime | None, **extra: str) -> dict[str, Any]:
    params: dict[str, Any] = {"sort": "updated", "direction": "asc", **extra}
    if since is not None:
        if since.tzinfo is None:
            raise ValueError(f"since must be an aware datetime, got {since!r}")
        params["since"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return params


def _repo_not_found(repo: str) -> str:
    return f"GitHub repo {repo} not found or not visible to this token"


def _issue_not_found(issue: str) -> str:
    return f"GitHub issue {issue} not found or not visible to this token"


def _first_html_comment(text: str) -> str | None:
    """The first ``<!-- ... -->`` of ``text``, whitespace-normalised, without the delimiters."""
    match = _HTML_COMMENT_RE.search(text)
    return " ".join(match.group(1).split()) if match else None


# -- helpers: errors -----------------------------------------------------------------

_STATUS_TEXT = {
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    422: "Validation Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _github_message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict) and data.get("message"):
        return " ".join(str(data["message"]).split())
    return ""


def _exception_limit(exc: BaseException) -> tuple[float, str, datetime | None] | None:
    """The wait a rate-limited answer asks for, when ``exc`` is one."""
    if not isinstance(exc, GithubException) or exc.status not in (403, 429):
        return None
    return _limit_wait(exc.status, exc.headers or {}, lambda: _github_message(exc), prior_hits=0)


def _may_have_landed(exc: BaseException) -> bool:
    """A failed POST GitHub may nevertheless have carried out (so look before re-posting)."""
    if isinstance(exc, requests.RequestException):
        return True
    return isinstance(exc, GithubException) and exc.status >= 500


def _needs(headers: Mapping[str, str]) -> str:
    """What GitHub says the token lacks, when it says so."""
    permissions = _header(headers, "x-accepted-github-permissions")
    if permissions:
        return f"; the token needs {permissions}"
    scopes = _header(headers, "x-accepted-oauth-scopes")
    if scopes and scopes.strip():
        return f"; the token needs the scope {scopes.strip()}"
    return ""


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps: requests wraps urllib3, which wraps the OS error."""
    todo, seen = [exc], set()
    while todo:
        item = todo.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        if isinstance(item, MaxRetryError) and item.reason is not None:
            todo.append(item.reason)
        todo.extend(a for a in item.args if isinstance(a, BaseException))
        todo.extend(x for x in (item.__cause__, item.__context__) if x is not None)


def _network_reason(exc: BaseException, *, timeout: int, host: str) -> str:
    """One short phrase for why nothing usable came back (never a URL with a query)."""
    causes = list(_causes(exc))
    if any(isinstance(c, (ReadTimeoutError, requests.ReadTimeout)) for c in causes):
        return f"no answer within {timeout} s"
    if any(isinstance(c, NameResolutionError) for c in causes):
        return f"cannot resolve the host name {host}"
    if any(isinstance(c, requests.ConnectTimeout) for c in causes) and not any(
        isinstance(c, NewConnectionError) for c in causes
    ):
        return f"no connection within {timeout} s"
    for cause in reversed(causes):
        if isinstance(cause, OSError) and cause.strerror:
            return str(cause.strerror)
    last = causes[-1]
    return str(last).splitlines()[0][:200] or type(last).__name__


# -- helpers: JSON -> records --------------------------------------------------------


def _ts(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected a timestamp, got {value!r}")
    return datetime.fromisoformat(value).astimezone(UTC)


def _ts_or_none(value: Any) -> datetime | None:
    return None if value in (None, "") else _ts(value)


def _newest(stamps: Iterable[datetime]) -> datetime | None:
    return max(stamps, default=None)


def _login(user: Any) -> tuple[str, str | None, str]:
    """(login, name, type) of a user object; GitHub sends null for deleted accounts."""
    if not isinstance(user, dict):
        return "ghost", None, "User"
    return str(user.get("login") or "ghost"), user.get("name"), str(user.get("type") or "User")


def _number_from_url(url: Any) -> int:
    """``.../issues/12`` or ``.../pulls/12`` -> 12."""
    return int(str(url).rstrip("/").rsplit("/", 1)[1])


def _repo_info(data: Any) -> RepoInfo:
    return RepoInfo(
        full_name=str(data["full_name"]),
        private=bool(data.get("private", False)),
        archived=bool(data.get("archived", False)),
        html_url=str(data.get("html_url") or ""),
    )


def _thread_record(repo: str, item: dict[str, Any], *, private: bool) -> ThreadRecord:
    number = int(item["number"])
    author, author_name, author_type = _login(item.get("user"))
    people = item.get("assignees") or ([item["assignee"]] if item.get("assignee") else [])
    assignees = [_login(p) for p in people]
    pull = item.get("pull_request")
    milestone = item.get("milestone")
    return ThreadRecord(
        id=f"github:{repo}#{number}",
        source="github",
        kind="pr" if pull else "issue",
        repo=repo,
        number=number,
        key=None,
        url=str(item.get("html_url") or ""),
        title=str(item.get("title") or ""),
        author=author,
        author_name=author_name,
        author_type=author_type,
        created_at=_ts(item["created_at"]),
        updated_at=_ts(item["updated_at"]),
        state=str(item["state"]),
        state_reason=item.get("state_reason"),
        closed_at=_ts_or_none(item.get("closed_at")),
        merged_at=_ts_or_none(pull.get("merged_at")) if isinstance(pull, dict) else None,
        labels=tuple(
            str(label["name"]) if isinstance(label, dict) else str(label)
            for label in item.get("labels") or ()
        ),
        assignees=tuple(login for login, _, _ in assignees),
        assignee_names=tuple(name for _, name, _ in assignees),
        milestone=(
            MilestoneRef(
                number=int(milestone["number"]),
                title=str(milestone["title"]),
                due_on=milestone.get("due_on"),
            )
            if isinstance(milestone, dict)
            else None
        ),
        private=private,
    )


def _body_record(repo: str, item: dict[str, Any]) -> TextRecord:
    number = int(item["number"])
    author, author_name, author_type = _login(item.get("user"))
    return TextRecord(
        id=f"github:{repo}#{number}:body",
        thread_id=f"github:{repo}#{number}",
        kind="body",
        author=author,
        author_name=author_name,
        author_type=author_type,
        created_at=_ts(item["created_at"]),
        updated_at=_ts(item["updated_at"]),
        body=str(item.get("body") or ""),
        url=str(item.get("html_url") or ""),
    )


def _comment_record(repo: str, item: dict[str, Any], *, kind: str, parent: str) -> TextRecord:
    number = _number_from_url(item[parent])
    author, author_name, author_type = _login(item.get("user"))
    return TextRecord(
        id=f"github:{repo}#{number}:{kind}:{int(item['id'])}",
        thread_id=f"github:{repo}#{number}",
        kind=kind,
        author=author,
        author_name=author_name,
        author_type=author_type,
        created_at=_ts(item["created_at"]),
        updated_at=_ts(item["updated_at"]),
        body=str(item.get("body") or ""),
        url=str(item.get("html_url") or ""),
    )


def _milestone_record(repo: str, item: dict[str, Any]) -> MilestoneRecord:
    number = int(item["number"])
    return MilestoneRecord(
        id=f"github:{repo}:milestone:{number}",
        repo=repo,
        number=number,
        title=str(item["title"]),
        due_on=item.get("due_on"),
        updated_at=_ts_or_none(item.get("updated_at")),
    )


def _event_record(repo: str, number: int, item: dict[str, Any]) -> EventRecord | None:
    kind = item.get("event")
    if kind not in _EVENT_KINDS:
        return None
    name: str | None = None
    if kind in ("labeled", "unlabeled") and isinstance(item.get("label"), dict):
        name = item["label"].get("name")
    elif kind in ("milestoned", "demilestoned") and isinstance(item.get("milestone"), dict):
        name = item["milestone"].get("title")
    actor = item.get("actor")
    return EventRecord(
        id=f"github:{repo}#{number}:event:{int(item['id'])}",
        thread_id=f"github:{repo}#{number}",
        kind=str(kind),
        at=_ts(item["created_at"]),
        actor=_login(actor)[0] if isinstance(actor, dict) else None,
        name=name,
        state_reason=item.get("state_reason") if kind == "closed" else None,
    )


def _review_record(repo: str, number: int, item: dict[str, Any]) -> ReviewRecord | None:
    state = str(item.get("state") or "")
    if state == "PENDING":
        return None
    author, _, author_type = _login(item.get("user"))
    return ReviewRecord(
        id=f"github:{repo}#{number}:review:{int(item['id'])}",
        thread_id=f"github:{repo}#{number}",
        author=author,
        author_type=author_type,
        state=state,
        submitted_at=_ts_or_none(item.get("submitted_at")),
    )


def _posted(data: Any, *, created: bool) -> PostedComment:
    return PostedComment(id=int(data["id"]), url=str(data.get("html_url") or ""), created=created)
