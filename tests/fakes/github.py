"""A fake GitHub REST API on 127.0.0.1 that speaks real HTTP.

Tests talk to it through PyGithub exactly as followthrough talks to GitHub, so
urllib3's retries, timeouts and PyGithub's error handling all run for real.
JSON is shaped like GitHub's (field names from github/rest-api-description),
timestamps are ``"2026-11-23T09:00:00Z"``, listings paginate with ``Link``
headers, every response carries the ``x-ratelimit-*`` headers, errors carry
``{"message": ..., "documentation_url": ...}``.

Usage (the ``fake_github`` fixture in ``tests/conftest.py`` yields a started one)::

    fake = FakeGitHub(token="s3cret")          # serving already; fake.stop() when done
    fake.add_repo("acme/api")
    n = fake.add_issue("acme/api", title="Ship it", created_at="2026-11-23T09:00:00Z",
                       labels=["commitment"], assignees=["alice"])
    fake.add_comment("acme/api", n, user="bob", body="/promise docs by Friday",
                     created_at="2026-11-23T10:00:00Z")
    fake.close("acme/api", n, at="2026-11-27T12:00:00Z", actor="alice")
    fake.fail(r"/issues$", status=502)         # the next matching request gets a 502
    ...
    fake.url        # "http://127.0.0.1:PORT"          (github.com style base)
    fake.ghe_url    # "http://127.0.0.1:PORT/api/v3"   (Enterprise style base, same data)
    fake.requests   # [Request(method, path, query, status, body, prefix), ...]
    fake.count("GET", "/repos/acme/api/issues")

API, all keyword-only past the repo/number (times are ISO strings or aware datetimes):

- ``add_repo(full_name, *, private=False, archived=False, owner_type="Organization")``
- ``add_issue(repo, *, title, body="", user="alice", user_type="User", created_at,
  labels=(), assignees=(), milestone=None, pull_request=False, number=None,
  updated_at=None) -> int``;
  ``add_pr(...)`` is the same with ``pull_request=True``;
  ``edit_issue(repo, n, *, at, title=None, body=None)``
- ``set_labels(repo, n, labels, *, at, actor)``, ``add_label(repo, n, label, *, at, actor)``,
  ``remove_label(...)`` (``labeled``/``unlabeled`` events);
  ``set_assignees(repo, n, assignees, *, at)``
- ``add_milestone(repo, *, number, title, due_on, state="open")``;
  ``set_milestone(repo, n, number_or_None, *, at, actor)`` (``milestoned``/``demilestoned``)
- ``stop()`` ends the server (also ``with FakeGitHub() as fake:``)
- ``close(repo, n, *, at, actor, reason="completed")``, ``reopen(repo, n, *, at, actor)``,
  ``merge(repo, n, *, at, actor)`` (``merged`` + ``closed``), ``close_pr(repo, n, *, at, actor)``
- ``add_comment(repo, n, *, user, body, created_at, user_type="User") -> id``,
  ``edit_comment(id, *, body, at)``, ``delete_comment(id)``
- ``add_review_comment(repo, n, *, user, body, created_at, user_type="User") -> id``,
  ``edit_review_comment(id, *, body, at)``, ``delete_review_comment(id)``
- ``add_review(repo, n, *, user, state="APPROVED", submitted_at, user_type="User") -> id``
- ``add_event(repo, n, event, *, at, actor, **fields)``: any other issue event
- ``set_private(repo, private)`` changes a repo's visibility.
- ``clear_faults()`` forgets injected faults that have not fired yet.
- ``fail(path_regex, *, status=None, times=1, headers=None, body=None, method=None, delay=0.0)``:
  the next ``times`` requests whose path (without query and without ``/api/v3``)
  matches ``re.search(path_regex, path)`` are answered with ``status``/``body``/
  ``headers`` after ``delay`` seconds; with ``status=None`` they are served
  normally (the change is made) and the answer is held back ``delay`` seconds,
  which is how a write that "times out after landing" is simulated. Injected
  answers skip the token check; they still carry the rate-limit headers.
  Helpers: ``fail_primary_rate_limit(path_regex, *, reset, ...)``,
  ``fail_secondary_rate_limit(path_regex, *, retry_after=0, ...)``.
- ``set_rate_limit(*, limit=5000, remaining=None, reset=None)``: the fake then
  answers 403 "API rate limit exceeded" once ``remaining`` hits 0, until ``reset``.
- ``comments(repo, n) -> list[dict]`` (as the API renders them), ``issue(repo, n) -> dict``,
  ``count(method=None, path_prefix=None) -> int``, ``clear_requests()``.
- ``clock``: ``None`` (real time) or a datetime used for writes made through the API;
  ``viewer``/``viewer_type``: the account API writes are attributed to.

Behaviour worth knowing: every 200 GET carries an ``ETag``; a request sending it
back in ``If-None-Match`` gets ``304 Not Modified`` and no body. Mutations bump the issue's ``updated_at`` as GitHub does
(new comments, review comments, reviews, labels, milestones, close/reopen/merge);
editing or deleting a comment changes only the comment. ``/users/{u}/repos`` lists
public repos only, like GitHub. With ``token`` set, a request without it gets 401
"Requires authentication", one with another token 401 "Bad credentials".
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request as WsgiRequest
from werkzeug.wrappers import Response as WsgiResponse

T = TypeVar("T")
When = str | datetime
JSON = Any

WEB = "https://github.com"
DOCS = "https://docs.github.com/rest"
GHE_PREFIX = "/api/v3"
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID 0000:0000."
)
SECONDARY_DOCS = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)


@dataclass(frozen=True)
class Request:
    """One request the fake answered, as the tests see it."""

    method: str
    path: str  # without the GHE prefix and without the query: "/repos/acme/api/issues"
    query: dict[str, str]
    status: int
    body: JSON = None  # the parsed JSON body of a POST/PATCH, else None
    prefix: str = ""  # "/api/v3" when the client used the Enterprise-style base URL


@dataclass
class _Fault:
    pattern: re.Pattern[str]
    status: int | None
    times: int
    headers: dict[str, str]
    body: JSON
    method: str | None
    delay: float


@dataclass
class _Repo:
    full_name: str
    id: int
    private: bool
    archived: bool
    owner_type: str
    created_at: datetime
    next_number: int = 1
    issues: dict[int, _Issue] = field(default_factory=dict)
    milestones: dict[int, _Milestone] = field(default_factory=dict)

    @property
    def owner(self) -> str:
        return self.full_name.split("/", 1)[0]


@dataclass
class _Issue:
    number: int
    id: int
    title: str
    body: str
    user: str
    user_type: str
    created_at: datetime
    updated_at: datetime
    pull_request: bool
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    milestone: int | None = None
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    merged_at: datetime | None = None


@dataclass
class _Milestone:
    number: int
    id: int
    title: str
    due_on: str | None
    state: str
    created_at: datetime
    updated_at: datetime


@dataclass
class _Comment:
    id: int
    repo: str
    number: int
    user: str
    user_type: str
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass
class _Ctx:
    """What a route handler needs to know about the request."""

    method: str
    path: str
    api: str  # the API base the client used, e.g. "http://127.0.0.1:PORT/api/v3"
    query: dict[str, str]
    body: JSON


Answer = tuple[int, JSON] | tuple[int, JSON, dict[str, str]]


def _when(value: When) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give the fake aware times")
        return value.astimezone(UTC)
    return datetime.fromisoformat(value).astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _error(status: int, message: str) -> Answer:
    return status, {"message": message, "documentation_url": DOCS, "status": str(status)}


class _QuietHandler(WSGIRequestHandler):
    """Keeps werkzeug from logging every request into the test output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class FakeGitHub:
    """A small, stateful GitHub REST server; see the module docstring for the API."""

    def __init__(self, *, token: str | None = None) -> None:
        self.token = token
        self.requests: list[Request] = []
        self.clock: datetime | None = None
        self.viewer = "github-actions[bot]"
        self.viewer_type = "Bot"
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._ids = itertools.count(1001)
        self._repos: dict[str, _Repo] = {}
        self._comments: dict[int, _Comment] = {}
        self._comment_counts: dict[tuple[str, int], int] = {}  # keeps issue JSON O(1)
        self._review_comments: dict[int, _Comment] = {}
        self._events: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self._reviews: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self._faults: list[_Fault] = []
        self._limit = 5000
        self._remaining = 5000
        self._reset = int(time.time()) + 3600
        self._enforce_limit = False
        self._routes = self._route_table()
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.ghe_url = self.url + GHE_PREFIX
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    # -- lifecycle -------------------------------------------------------------------

    def stop(self) -> None:
        """Stop serving (``close`` is taken: it closes an issue, as on GitHub).

        Wakes any delayed answer first so that no handler thread lingers.
        """
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- building the world -----------------------------------------------------------

    def add_repo(
        self,
        full_name: str,
        *,
        private: bool = False,
        archived: bool = False,
        owner_type: str = "Organization",
    ) -> None:
        with self._lock:
            self._repos[full_name.lower()] = _Repo(
                full_name=full_name,
                id=next(self._ids),
                private=private,
                archived=archived,
                owner_type=owner_type,
                created_at=_when("2020-01-01T00:00:00Z"),
            )

    def add_issue(
        self,
        repo: str,
        *,
        title: str,
        body: str = "",
        user: str = "alice",
        user_type: str = "User",
        created_at: When,
        labels: Iterable[str] = (),
        assignees: Iterable[str] = (),
        milestone: int | None = None,
        pull_request: bool = False,
        number: int | None = None,
        updated_at: When | None = None,
    ) -> int:
        """Create an issue (or a PR) and return its number."""
        with self._lock:
            r = self._repo(repo)
            if number is None:
                number = r.next_number
            if number in r.issues:
                raise ValueError(f"{repo}#{number} exists already")
            r.next_number = max(r.next_number, number + 1)
            created = _when(created_at)
            r.issues[number] = _Issue(
                number=number,
                id=next(self._ids),
                title=title,
                body=body,
                user=user,
                user_type=user_type,
                created_at=created,
                updated_at=_when(updated_at) if updated_at is not None else created,
                pull_request=pull_request,
                labels=list(labels),
                assignees=list(assignees),
                milestone=milestone,
            )
            return number

    def add_pr(self, repo: str, **kwargs: Any) -> int:
        """``add_issue(..., pull_request=True)``."""
        return self.add_issue(repo, pull_request=True, **kwargs)

    def edit_issue(
        self, repo: str, n: int, *, at: When, title: str | None = None, body: str | None = None
    ) -> None:
        with self._lock:
            issue = self._issue(repo, n)
            if title is not None:
                issue.title = title
            if body is not None:
                issue.body = body
            issue.updated_at = _when(at)

    def set_labels(self, repo: str, n: int, labels: Iterable[str], *, at: When, actor: str) -> None:
        """Make the labels exactly ``labels``, recording an event per change."""
        wanted = list(labels)
        with self._lock:
            issue = self._issue(repo, n)
            for name in [x for x in issue.labels if x not in wanted]:
                self.remove_label(repo, n, name, at=at, actor=actor)
            for name in [x for x in wanted if x not in issue.labels]:
                self.add_label(repo, n, name, at=at, actor=actor)

    def add_label(self, repo: str, n: int, label: str, *, at: When, actor: str) -> None:
        with self._lock:
            issue = self._issue(repo, n)
            if label not in issue.labels:
                issue.labels.append(label)
                self._event(repo, n, "labeled", at=at, actor=actor, label={"name": label})

    def remove_label(self, repo: str, n: int, label: str, *, at: When, actor: str) -> None:
        with self._lock:
            issue = self._issue(repo, n)
            if label in issue.labels:
                issue.labels.remove(label)
                self._event(repo, n, "unlabeled", at=at, actor=actor, label={"name": label})

    def set_assignees(self, repo: str, n: int, assignees: Iterable[str], *, at: When) -> None:
        with self._lock:
            issue = self._issue(repo, n)
            issue.assignees = list(assignees)
            issue.updated_at = _when(at)

    def add_event(
        self, repo: str, n: int, event: str, *, at: When, actor: str, **fields: Any
    ) -> None:
        """Record any other issue event (``assigned``, ``referenced``...), fields as given."""
        with self._lock:
            self._event(repo, n, event, at=at, actor=actor, extra=fields)

    def add_milestone(
        self,
        repo: str,
        *,
        number: int,
        title: str,
        due_on: str | None,
        state: str = "open",
        updated_at: When | None = None,
    ) -> None:
        with self._lock:
            r = self._repo(repo)
            stamp = _when(updated_at) if updated_at is not None else r.created_at
            r.milestones[number] = _Milestone(
                number=number,
                id=next(self._ids),
                title=title,
                due_on=due_on,
                state=state,
                created_at=stamp,
                updated_at=stamp,
            )

    def set_milestone(
        self, repo: str, n: int, milestone: int | None, *, at: When, actor: str
    ) -> None:
        with self._lock:
            r = self._repo(repo)
            issue = self._issue(repo, n)
            if issue.milestone == milestone:
                return
            if issue.milestone is not None:
                old = r.milestones[issue.milestone].title
                self._event(repo, n, "demilestoned", at=at, actor=actor, milestone={"title": old})
            issue.milestone = milestone
            if milestone is not None:
                new = r.milestones[milestone].title
                self._event(repo, n, "milestoned", at=at, actor=actor, milestone={"title": new})

    def close(self, repo: str, n: int, *, at: When, actor: str, reason: str = "completed") -> None:
        """Close an issue (``reason``: "completed" or "not_planned") or a PR, unmerged."""
        with self._lock:
            issue = self._issue(repo, n)
            issue.state = "closed"
            issue.state_reason = None if issue.pull_request else reason
            issue.closed_at = _when(at)
            self._event(repo, n, "closed", at=at, actor=actor, state_reason=issue.state_reason)

    def reopen(self, repo: str, n: int, *, at: When, actor: str) -> None:
        with self._lock:
            issue = self._issue(repo, n)
            issue.state = "open"
            issue.state_reason = None if issue.pull_request else "reopened"
            issue.closed_at = None
            self._event(repo, n, "reopened", at=at, actor=actor, state_reason=issue.state_reason)

    def merge(self, repo: str, n: int, *, at: When, actor: str) -> None:
        with self._lock:
            issue = self._issue(repo, n)
            if not issue.pull_request:
                raise ValueError(f"{repo}#{n} is not a pull request")
            issue.merged_at = _when(at)
            self._event(repo, n, "merged", at=at, actor=actor)
            self.close(repo, n, at=at, actor=actor)

    def close_pr(self, repo: str, n: int, *, at: When, actor: str) -> None:
        with self._lock:
            if not self._issue(repo, n).pull_request:
                raise ValueError(f"{repo}#{n} is not a pull request")
            self.close(repo, n, at=at, actor=actor)

    def add_comment(
        self,
        repo: str,
        n: int,
        *,
        user: str,
        body: str,
        created_at: When,
        user_type: str = "User",
    ) -> int:
        with self._lock:
            return self._new_comment(self._comments, repo, n, user, user_type, body, created_at)

    def edit_comment(self, comment_id: int, *, body: str, at: When) -> None:
        with self._lock:
            c = self._comments[comment_id]
            c.body, c.updated_at = body, _when(at)

    def delete_comment(self, comment_id: int) -> None:
        with self._lock:
            self._drop_comment(comment_id)

    def add_review_comment(
        self,
        repo: str,
        n: int,
        *,
        user: str,
        body: str,
        created_at: When,
        user_type: str = "User",
    ) -> int:
        with self._lock:
            if not self._issue(repo, n).pull_request:
                raise ValueError(f"{repo}#{n} is not a pull request")
            return self._new_comment(
                self._review_comments, repo, n, user, user_type, body, created_at
            )

    def edit_review_comment(self, comment_id: int, *, body: str, at: When) -> None:
        with self._lock:
            c = self._review_comments[comment_id]
            c.body, c.updated_at = body, _when(at)

    def delete_review_comment(self, comment_id: int) -> None:
        with self._lock:
            del self._review_comments[comment_id]

    def add_review(
        self,
        repo: str,
        n: int,
        *,
        user: str,
        state: str = "APPROVED",
        submitted_at: When,
        user_type: str = "User",
    ) -> int:
        with self._lock:
            r = self._repo(repo)
            issue = self._issue(repo, n)
            review_id = next(self._ids)
            at = _when(submitted_at)
            self._reviews.setdefault((r.full_name.lower(), n), []).append(
                {
                    "id": review_id,
                    "user": (user, user_type),
                    "state": state,
                    "submitted_at": None if state == "PENDING" else at,
                }
            )
            issue.updated_at = max(issue.updated_at, at)
            return review_id

    # -- faults and limits ------------------------------------------------------------

    def fail(
        self,
        path_regex: str,
        *,
        status: int | None = None,
        times: int = 1,
        headers: Mapping[str, str] | None = None,
        body: JSON = None,
        method: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer the next ``times`` matching requests badly (see the module docstring)."""
        if status is None and delay <= 0:
            raise ValueError("fail() needs a status, a delay, or both")
        if status is not None and body is None:
            body = {"message": _REASONS.get(status, "Error"), "documentation_url": DOCS}
        with self._lock:
            self._faults.append(
                _Fault(
                    pattern=re.compile(path_regex),
                    status=status,
                    times=times,
                    headers=dict(headers or {}),
                    body=body,
                    method=method.upper() if method else None,
                    delay=delay,
                )
            )

    def set_private(self, repo: str, private: bool) -> None:
        """Change a repo's visibility (as an owner can at any time)."""
        with self._lock:
            self._repo(repo).private = private

    def clear_faults(self) -> None:
        """Forget every fault injected with :meth:`fail` that has not fired yet."""
        with self._lock:
            self._faults.clear()

    def fail_primary_rate_limit(
        self,
        path_regex: str,
        *,
        reset: int,
        times: int = 1,
        status: int = 403,
        method: str | None = None,
    ) -> None:
        """GitHub's primary limit: 403 (or 429), ``x-ratelimit-remaining: 0`` until ``reset``."""
        self.fail(
            path_regex,
            status=status,
            times=times,
            method=method,
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
            body={
                "message": "API rate limit exceeded for installation ID 1.",
                "documentation_url": DOCS,
            },
        )

    def fail_secondary_rate_limit(
        self,
        path_regex: str,
        *,
        retry_after: int | None = 0,
        times: int = 1,
        status: int = 403,
        method: str | None = None,
    ) -> None:
        """GitHub's secondary limit: 403 with the "secondary rate limit" message."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        self.fail(
            path_regex,
            status=status,
            times=times,
            method=method,
            headers=headers,
            body={"message": SECONDARY_MESSAGE, "documentation_url": SECONDARY_DOCS},
        )

    def set_rate_limit(
        self, *, limit: int = 5000, remaining: int | None = None, reset: int | None = None
    ) -> None:
        """Enforce a primary limit: once ``remaining`` is 0, answer 403 until ``reset``."""
        with self._lock:
            self._limit = limit
            self._remaining = limit if remaining is None else remaining
            self._reset = reset if reset is not None else int(time.time()) + 3600
            self._enforce_limit = True

    # -- looking at what happened -----------------------------------------------------

    def comments(self, repo: str, n: int) -> list[dict[str, Any]]:
        """The issue's comments as ``GET /repos/{repo}/issues/{n}/comments`` shows them."""
        with self._lock:
            key = self._repo(repo).full_name.lower()
            found = [c for c in self._comments.values() if (c.repo.lower(), c.number) == (key, n)]
            return [self._comment_json(self.url, c) for c in sorted(found, key=lambda c: c.id)]

    def issue(self, repo: str, n: int) -> dict[str, Any]:
        with self._lock:
            return self._issue_json(self.url, self._repo(repo), self._issue(repo, n))

    def count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        """How many requests matched ``method`` and started with ``path_prefix``."""
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method.upper())
                and (path_prefix is None or r.path.startswith(path_prefix))
            )

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- internals: model -------------------------------------------------------------

    def _now(self) -> datetime:
        return self.clock.astimezone(UTC) if self.clock is not None else datetime.now(UTC)

    def _repo(self, repo: str) -> _Repo:
        try:
            return self._repos[repo.lower()]
        except KeyError:
            raise KeyError(f"fake has no repo {repo!r}; call add_repo first") from None

    def _issue(self, repo: str, n: int) -> _Issue:
        try:
            return self._repo(repo).issues[n]
        except KeyError:
            raise KeyError(f"fake has no issue {repo}#{n}") from None

    def _event(self, repo: str, n: int, kind: str, *, at: When, actor: str, **extra: Any) -> None:
        stamp = _when(at)
        key = (self._repo(repo).full_name.lower(), n)
        self._events.setdefault(key, []).append(
            {"id": next(self._ids), "event": kind, "at": stamp, "actor": actor, **extra}
        )
        issue = self._issue(repo, n)
        issue.updated_at = max(issue.updated_at, stamp)

    def _drop_comment(self, comment_id: int) -> None:
        comment = self._comments.pop(comment_id)
        self._comment_counts[(comment.repo.lower(), comment.number)] -= 1

    def _new_comment(
        self,
        store: dict[int, _Comment],
        repo: str,
        n: int,
        user: str,
        user_type: str,
        body: str,
        created_at: When,
    ) -> int:
        issue = self._issue(repo, n)
        stamp = _when(created_at)
        comment = _Comment(
            id=next(self._ids),
            repo=self._repo(repo).full_name,
            number=n,
            user=user,
            user_type=user_type,
            body=body,
            created_at=stamp,
            updated_at=stamp,
        )
        store[comment.id] = comment
        if store is self._comments:
            key = (comment.repo.lower(), n)
            self._comment_counts[key] = self._comment_counts.get(key, 0) + 1
        issue.updated_at = max(issue.updated_at, stamp)
        return comment.id

    # -- internals: JSON as GitHub renders it -----------------------------------------

    @staticmethod
    def _user_json(api: str, login: str, kind: str = "User") -> dict[str, Any]:
        return {
            "login": login,
            "id": abs(hash(login)) % 10_000_000,
            "node_id": f"U_{login}",
            "avatar_url": f"https://avatars.githubusercontent.com/{login}",
            "url": f"{api}/users/{login}",
            "html_url": f"{WEB}/{login}",
            "type": kind,
            "site_admin": False,
        }

    def _repo_json(self, api: str, r: _Repo) -> dict[str, Any]:
        return {
            "id": r.id,
            "node_id": f"R_{r.id}",
            "name": r.full_name.split("/", 1)[1],
            "full_name": r.full_name,
            "private": r.private,
            "visibility": "private" if r.private else "public",
            "owner": self._user_json(api, r.owner, r.owner_type),
            "html_url": f"{WEB}/{r.full_name}",
            "description": None,
            "fork": False,
            "url": f"{api}/repos/{r.full_name}",
            "archived": r.archived,
            "disabled": False,
            "has_issues": True,
            "default_branch": "main",
            "created_at": _iso(r.created_at),
            "updated_at": _iso(r.created_at),
        }

    def _milestone_json(self, api: str, r: _Repo, m: _Milestone) -> dict[str, Any]:
        issues = [i for i in r.issues.values() if i.milestone == m.number]
        return {
            "url": f"{api}/repos/{r.full_name}/milestones/{m.number}",
            "html_url": f"{WEB}/{r.full_name}/milestone/{m.number}",
            "labels_url": f"{api}/repos/{r.full_name}/milestones/{m.number}/labels",
            "id": m.id,
            "node_id": f"MI_{m.id}",
            "number": m.number,
            "title": m.title,
            "description": None,
            "creator": self._user_json(api, "octocat"),
            "open_issues": sum(1 for i in issues if i.state == "open"),
            "closed_issues": sum(1 for i in issues if i.state == "closed"),
            "state": m.state,
            "created_at": _iso(m.created_at),
            "updated_at": _iso(m.updated_at),
            "closed_at": None,
            "due_on": m.due_on,
        }

    def _issue_json(self, api: str, r: _Repo, i: _Issue) -> dict[str, Any]:
        base = f"{api}/repos/{r.full_name}/issues/{i.number}"
        page = "pull" if i.pull_request else "issues"
        people = [self._user_json(api, login) for login in i.assignees]
        comments = self._comment_counts.get((r.full_name.lower(), i.number), 0)
        data: dict[str, Any] = {
            "url": base,
            "repository_url": f"{api}/repos/{r.full_name}",
            "labels_url": base + "/labels{/name}",
            "comments_url": base + "/comments",
            "events_url": base + "/events",
            "html_url": f"{WEB}/{r.full_name}/{page}/{i.number}",
            "id": i.id,
            "node_id": f"I_{i.id}",
            "number": i.number,
            "title": i.title,
            "user": self._user_json(api, i.user, i.user_type),
            "labels": [
                {
                    "id": abs(hash(name)) % 10_000_000,
                    "node_id": f"LA_{name}",
                    "url": f"{api}/repos/{r.full_name}/labels/{name}",
                    "name": name,
                    "color": "ededed",
                    "default": False,
                    "description": None,
                }
                for name in i.labels
            ],
            "state": i.state,
            "locked": False,
            "assignee": people[0] if people else None,
            "assignees": people,
            "milestone": (
                self._milestone_json(api, r, r.milestones[i.milestone])
                if i.milestone is not None
                else None
            ),
            "comments": comments,
            "created_at": _iso(i.created_at),
            "updated_at": _iso(i.updated_at),
            "closed_at": _iso(i.closed_at),
            "author_association": "MEMBER",
            "active_lock_reason": None,
            # GitHub sends null, not "", for an empty body
            "body": i.body or None,
            "state_reason": i.state_reason,
        }
        if i.pull_request:
            data["draft"] = False
            data["pull_request"] = {
                "url": f"{api}/repos/{r.full_name}/pulls/{i.number}",
                "html_url": f"{WEB}/{r.full_name}/pull/{i.number}",
                "diff_url": f"{WEB}/{r.full_name}/pull/{i.number}.diff",
                "patch_url": f"{WEB}/{r.full_name}/pull/{i.number}.patch",
                "merged_at": _iso(i.merged_at),
            }
        return data

    def _comment_json(self, api: str, c: _Comment) -> dict[str, Any]:
        issue = self._repo(c.repo).issues.get(c.number)
        page = "pull" if issue is not None and issue.pull_request else "issues"
        return {
            "url": f"{api}/repos/{c.repo}/issues/comments/{c.id}",
            "html_url": f"{WEB}/{c.repo}/{page}/{c.number}#issuecomment-{c.id}",
            "issue_url": f"{api}/repos/{c.repo}/issues/{c.number}",
            "id": c.id,
            "node_id": f"IC_{c.id}",
            "user": self._user_json(api, c.user, c.user_type),
            "created_at": _iso(c.created_at),
            "updated_at": _iso(c.updated_at),
            "author_association": "MEMBER",
            "body": c.body,
            "performed_via_github_app": None,
        }

    def _review_comment_json(self, api: str, c: _Comment) -> dict[str, Any]:
        return {
            "url": f"{api}/repos/{c.repo}/pulls/comments/{c.id}",
            "pull_request_review_id": None,
            "id": c.id,
            "node_id": f"PRRC_{c.id}",
            "diff_hunk": "@@ -1 +1 @@",
            "path": "README.md",
            "commit_id": "0" * 40,
            "original_commit_id": "0" * 40,
            "user": self._user_json(api, c.user, c.user_type),
            "body": c.body,
            "created_at": _iso(c.created_at),
            "updated_at": _iso(c.updated_at),
            "html_url": f"{WEB}/{c.repo}/pull/{c.number}#discussion_r{c.id}",
            "pull_request_url": f"{api}/repos/{c.repo}/pulls/{c.number}",
            "author_association": "MEMBER",
            "line": 1,
            "side": "RIGHT",
        }

    def _event_json(self, api: str, repo: str, n: int, e: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": e["id"],
            "node_id": f"E_{e['id']}",
            "url": f"{api}/repos/{repo}/issues/events/{e['id']}",
            "actor": self._user_json(api, e["actor"]),
            "event": e["event"],
            "commit_id": None,
            "commit_url": None,
            "created_at": _iso(e["at"]),
            "performed_via_github_app": None,
        }
        if "label" in e:
            data["label"] = {"name": e["label"]["name"], "color": "ededed"}
        if "milestone" in e:
            data["milestone"] = {"title": e["milestone"]["title"]}
        if e["event"] in ("closed", "reopened"):
            data["state_reason"] = e.get("state_reason")
        data.update(e.get("extra", {}))
        return data

    def _review_json(self, api: str, repo: str, n: int, rv: dict[str, Any]) -> dict[str, Any]:
        login, kind = rv["user"]
        data: dict[str, Any] = {
            "id": rv["id"],
            "node_id": f"PRR_{rv['id']}",
            "user": self._user_json(api, login, kind),
            "body": "",
            "state": rv["state"],
            "html_url": f"{WEB}/{repo}/pull/{n}#pullrequestreview-{rv['id']}",
            "pull_request_url": f"{api}/repos/{repo}/pulls/{n}",
            "author_association": "MEMBER",
            "commit_id": "0" * 40,
        }
        if rv["submitted_at"] is not None:  # GitHub leaves it out of PENDING reviews
            data["submitted_at"] = _iso(rv["submitted_at"])
        return data

    # -- internals: HTTP --------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = WsgiRequest(environ)
        response = self._answer(request)
        return response(environ, start_response)

    def _answer(self, request: WsgiRequest) -> WsgiResponse:
        path = request.path
        prefix = GHE_PREFIX if path.startswith(GHE_PREFIX + "/") else ""
        path = path[len(prefix) :] or "/"
        ctx = _Ctx(
            method=request.method.upper(),
            path=path,
            api=request.host_url.rstrip("/") + prefix,
            query=dict(request.args.items()),
            body=request.get_json(silent=True) if request.data else None,
        )
        fault = self._take_fault(ctx)
        if fault is not None and fault.status is not None:
            self._stop.wait(fault.delay)
            answer: Answer = (fault.status, fault.body, fault.headers)
        else:
            answer = self._serve(request, ctx)
        status, data = answer[0], answer[1]
        headers = self._rate_headers(ctx)
        if len(answer) == 3:
            headers.update(answer[2])
        if ctx.method == "GET" and status == 200 and data is not None:
            # Conditional requests, as GitHub answers them: same body, same ETag, 304.
            etag = 'W/"' + hashlib.sha1(json.dumps(data).encode()).hexdigest() + '"'
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                status, data = 304, None
        with self._lock:
            self.requests.append(Request(ctx.method, ctx.path, ctx.query, status, ctx.body, prefix))
        if fault is not None and fault.status is None:
            # the change is made; only the answer is late (a timed-out write that landed)
            self._stop.wait(fault.delay)
        if status in (204, 304) or data is None:
            return WsgiResponse(b"", status=status, headers=headers)
        return WsgiResponse(
            json.dumps(data),
            status=status,
            headers=headers,
            content_type="application/json; charset=utf-8",
        )

    def _take_fault(self, ctx: _Ctx) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method not in (None, ctx.method):
                    continue
                if fault.pattern.search(ctx.path):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _rate_headers(self, ctx: _Ctx) -> dict[str, str]:
        with self._lock:
            if ctx.path != "/rate_limit":
                if self._remaining <= 0 and time.time() >= self._reset:
                    self._remaining, self._reset = self._limit, int(time.time()) + 3600
                self._remaining = max(self._remaining - 1, 0)
            return {
                "x-ratelimit-limit": str(self._limit),
                "x-ratelimit-remaining": str(self._remaining),
                "x-ratelimit-reset": str(self._reset),
                "x-ratelimit-used": str(self._limit - self._remaining),
                "x-ratelimit-resource": "core",
                "x-github-api-version-selected": "2022-11-28",
            }

    def _serve(self, request: WsgiRequest, ctx: _Ctx) -> Answer:
        auth = self._check_auth(request.headers.get("Authorization"))
        if auth is not None:
            return auth
        with self._lock:
            if self._enforce_limit and self._remaining <= 0 and time.time() < self._reset:
                return (
                    403,
                    {
                        "message": "API rate limit exceeded for user ID 1.",
                        "documentation_url": DOCS,
                    },
                    {"x-ratelimit-remaining": "0"},
                )
            for method, pattern, handler in self._routes:
                match = pattern.fullmatch(ctx.path)
                if match is not None and method == ctx.method:
                    return handler(ctx, *match.groups())
            return _error(404, "Not Found")

    def _check_auth(self, header: str | None) -> Answer | None:
        if self.token is None:
            return None
        if not header:
            return _error(401, "Requires authentication")
        scheme, _, value = header.partition(" ")
        if scheme.lower() not in ("token", "bearer") or value != self.token:
            return _error(401, "Bad credentials")
        return None

    def _route_table(self) -> list[tuple[str, re.Pattern[str], Callable[..., Answer]]]:
        repo = r"/repos/([^/]+/[^/]+)"
        table: list[tuple[str, str, Callable[..., Answer]]] = [
            ("GET", r"/rate_limit", self._get_rate_limit),
            ("GET", r"/orgs/([^/]+)/repos", self._get_org_repos),
            ("GET", r"/users/([^/]+)/repos", self._get_user_repos),
            ("GET", repo, self._get_repo),
            ("GET", repo + r"/issues", self._get_issues),
            ("GET", repo + r"/issues/comments", self._get_repo_comments),
            ("GET", repo + r"/issues/comments/(\d+)", self._get_comment),
            ("PATCH", repo + r"/issues/comments/(\d+)", self._patch_comment),
            ("DELETE", repo + r"/issues/comments/(\d+)", self._delete_comment),
            ("GET", repo + r"/issues/(\d+)", self._get_issue),
            ("GET", repo + r"/issues/(\d+)/comments", self._get_issue_comments),
            ("POST", repo + r"/issues/(\d+)/comments", self._post_issue_comment),
            ("GET", repo + r"/issues/(\d+)/events", self._get_events),
            ("GET", repo + r"/pulls/comments", self._get_repo_review_comments),
            ("GET", repo + r"/pulls/comments/(\d+)", self._get_review_comment),
            ("GET", repo + r"/pulls/(\d+)/comments", self._get_pr_review_comments),
            ("GET", repo + r"/pulls/(\d+)/reviews", self._get_reviews),
            ("GET", repo + r"/milestones", self._get_milestones),
        ]
        return [(m, re.compile(p), h) for m, p, h in table]

    def _page(self, ctx: _Ctx, items: Sequence[T], render: Callable[[T], JSON]) -> Answer:
        """One page of ``items``, rendered, with GitHub's Link header (per_page ≤ 100)."""
        try:
            per_page = min(max(int(ctx.query.get("per_page", "30")), 1), 100)
            page = max(int(ctx.query.get("page", "1")), 1)
        except ValueError:
            return _error(422, "Validation Failed")
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = [render(x) for x in items[(page - 1) * per_page : page * per_page]]

        def link(n: int, rel: str) -> str:
            query = {**ctx.query, "per_page": str(per_page), "page": str(n)}
            return f'<{ctx.api}{ctx.path}?{urlencode(query)}>; rel="{rel}"'

        rels = []
        if page > 1:
            rels += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            rels += [link(page + 1, "next"), link(last, "last")]
        return 200, chunk, ({"Link": ", ".join(rels)} if rels else {})

    @staticmethod
    def _since(ctx: _Ctx) -> datetime | None:
        value = ctx.query.get("since")
        return _when(value) if value else None

    @staticmethod
    def _ordered(ctx: _Ctx, items: list[Any], *, sort: str, direction: str) -> list[Any]:
        key = ctx.query.get("sort", sort)
        reverse = ctx.query.get("direction", direction) == "desc"
        if key == "updated":
            return sorted(items, key=lambda x: (x.updated_at, x.id), reverse=reverse)
        return sorted(items, key=lambda x: (x.created_at, x.id), reverse=reverse)

    # -- route handlers ---------------------------------------------------------------

    def _get_rate_limit(self, ctx: _Ctx) -> Answer:
        core = {
            "limit": self._limit,
            "remaining": self._remaining,
            "reset": self._reset,
            "used": self._limit - self._remaining,
            "resource": "core",
        }
        return 200, {"resources": {"core": core}, "rate": core}

    def _owner_repos(self, owner: str) -> list[_Repo]:
        return sorted(
            (r for r in self._repos.values() if r.owner.lower() == owner.lower()),
            key=lambda r: r.full_name.lower(),
        )

    def _get_org_repos(self, ctx: _Ctx, org: str) -> Answer:
        repos = self._owner_repos(org)
        if not repos or repos[0].owner_type != "Organization":
            return _error(404, "Not Found")
        kind = ctx.query.get("type", "all")
        if kind == "public":
            repos = [r for r in repos if not r.private]
        elif kind == "private":
            repos = [r for r in repos if r.private]
        return self._page(ctx, repos, lambda r: self._repo_json(ctx.api, r))

    def _get_user_repos(self, ctx: _Ctx, user: str) -> Answer:
        repos = self._owner_repos(user)
        if not repos:
            return _error(404, "Not Found")
        return self._page(
            ctx, [r for r in repos if not r.private], lambda r: self._repo_json(ctx.api, r)
        )

    def _get_repo(self, ctx: _Ctx, repo: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None:
            return _error(404, "Not Found")
        return 200, self._repo_json(ctx.api, r)

    def _get_issues(self, ctx: _Ctx, repo: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None:
            return _error(404, "Not Found")
        state = ctx.query.get("state", "open")
        since = self._since(ctx)
        items = [
            i
            for i in r.issues.values()
            if (state == "all" or i.state == state) and (since is None or i.updated_at >= since)
        ]
        items = self._ordered(ctx, items, sort="created", direction="desc")
        return self._page(ctx, items, lambda i: self._issue_json(ctx.api, r, i))

    def _get_issue(self, ctx: _Ctx, repo: str, n: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None or int(n) not in r.issues:
            return _error(404, "Not Found")
        return 200, self._issue_json(ctx.api, r, r.issues[int(n)])

    def _comments_of(self, store: dict[int, _Comment], repo: str) -> list[_Comment]:
        return [c for c in store.values() if c.repo.lower() == repo.lower()]

    def _get_repo_comments(self, ctx: _Ctx, repo: str) -> Answer:
        return self._repo_wide(ctx, repo, self._comments, self._comment_json)

    def _repo_wide(
        self,
        ctx: _Ctx,
        repo: str,
        store: dict[int, _Comment],
        render: Callable[[str, _Comment], dict[str, Any]],
    ) -> Answer:
        """A repo-wide comment listing: ``since``, ``sort``/``direction``, pages."""
        if repo.lower() not in self._repos:
            return _error(404, "Not Found")
        since = self._since(ctx)
        found = [
            c for c in self._comments_of(store, repo) if since is None or c.updated_at >= since
        ]
        found = self._ordered(ctx, found, sort="created", direction="asc")
        return self._page(ctx, found, lambda c: render(ctx.api, c))

    def _get_comment(self, ctx: _Ctx, repo: str, comment_id: str) -> Answer:
        c = self._comments.get(int(comment_id))
        if c is None or c.repo.lower() != repo.lower():
            return _error(404, "Not Found")
        return 200, self._comment_json(ctx.api, c)

    def _patch_comment(self, ctx: _Ctx, repo: str, comment_id: str) -> Answer:
        c = self._comments.get(int(comment_id))
        if c is None or c.repo.lower() != repo.lower():
            return _error(404, "Not Found")
        if not isinstance(ctx.body, dict) or not isinstance(ctx.body.get("body"), str):
            return _error(422, "Validation Failed")
        c.body, c.updated_at = ctx.body["body"], self._now()
        return 200, self._comment_json(ctx.api, c)

    def _delete_comment(self, ctx: _Ctx, repo: str, comment_id: str) -> Answer:
        c = self._comments.get(int(comment_id))
        if c is None or c.repo.lower() != repo.lower():
            return _error(404, "Not Found")
        self._drop_comment(c.id)
        return 204, None

    def _get_issue_comments(self, ctx: _Ctx, repo: str, n: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None or int(n) not in r.issues:
            return _error(404, "Not Found")
        since = self._since(ctx)
        found = sorted(
            (
                c
                for c in self._comments_of(self._comments, repo)
                if c.number == int(n) and (since is None or c.updated_at >= since)
            ),
            key=lambda c: c.id,
        )
        return self._page(ctx, found, lambda c: self._comment_json(ctx.api, c))

    def _post_issue_comment(self, ctx: _Ctx, repo: str, n: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None or int(n) not in r.issues:
            return _error(404, "Not Found")
        if not isinstance(ctx.body, dict) or not isinstance(ctx.body.get("body"), str):
            return _error(422, "Validation Failed")
        comment_id = self._new_comment(
            self._comments,
            r.full_name,
            int(n),
            self.viewer,
            self.viewer_type,
            ctx.body["body"],
            self._now(),
        )
        return 201, self._comment_json(ctx.api, self._comments[comment_id])

    def _get_events(self, ctx: _Ctx, repo: str, n: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None or int(n) not in r.issues:
            return _error(404, "Not Found")
        events = self._events.get((r.full_name.lower(), int(n)), [])
        return self._page(ctx, events, lambda e: self._event_json(ctx.api, r.full_name, int(n), e))

    def _get_repo_review_comments(self, ctx: _Ctx, repo: str) -> Answer:
        return self._repo_wide(ctx, repo, self._review_comments, self._review_comment_json)

    def _get_pr_review_comments(self, ctx: _Ctx, repo: str, n: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None or int(n) not in r.issues or not r.issues[int(n)].pull_request:
            return _error(404, "Not Found")
        found = sorted(
            (c for c in self._comments_of(self._review_comments, repo) if c.number == int(n)),
            key=lambda c: c.id,
        )
        return self._page(ctx, found, lambda c: self._review_comment_json(ctx.api, c))

    def _get_review_comment(self, ctx: _Ctx, repo: str, comment_id: str) -> Answer:
        c = self._review_comments.get(int(comment_id))
        if c is None or c.repo.lower() != repo.lower():
            return _error(404, "Not Found")
        return 200, self._review_comment_json(ctx.api, c)

    def _get_reviews(self, ctx: _Ctx, repo: str, n: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None or int(n) not in r.issues or not r.issues[int(n)].pull_request:
            return _error(404, "Not Found")
        reviews = self._reviews.get((r.full_name.lower(), int(n)), [])
        return self._page(
            ctx, reviews, lambda x: self._review_json(ctx.api, r.full_name, int(n), x)
        )

    def _get_milestones(self, ctx: _Ctx, repo: str) -> Answer:
        r = self._repos.get(repo.lower())
        if r is None:
            return _error(404, "Not Found")
        state = ctx.query.get("state", "open")
        found = [
            m
            for m in sorted(r.milestones.values(), key=lambda m: m.number)
            if state == "all" or m.state == state
        ]
        return self._page(ctx, found, lambda m: self._milestone_json(ctx.api, r, m))


_REASONS = {
    400: "Bad Request",
    401: "Bad credentials",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
    422: "Validation Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
