"""A fake Jira (Cloud or Data Center) on 127.0.0.1, spoken to over real HTTP.

A small werkzeug app in a background thread on an ephemeral port, serving
Atlassian-shaped JSON, so the real ``jira`` client and its ``requests``
session (and our retry adapter under it) are exercised end to end.

Python API (or the ``fake_jira`` fixture in ``tests/conftest.py``)::

    with FakeJira(deployment="Cloud",          # or "DataCenter" / "Server"
                  user_tz="Europe/Berlin",     # myself.timeZone; JQL dates are read in it
                  email="sync@acme.io", token="jira-token-s3cret",
                  embedded_histories=40,       # changelog histories a search result embeds
                  embedded_comments=20,        # comments a search result embeds
                  max_page=100,                # the most issues one search page serves
                  changelog_endpoint=True,     # False: a Data Center without /changelog
                  ) as fake:
        fake.url, fake.deployment, fake.user_tz, fake.email, fake.token
        fake.add_issue("OPS-7", summary="Ship it", created=dt, assignee=("acc-2", "Bo", None),
                       duedate="2026-12-04", labels=("commitment",), description="/promise ...",
                       status="To Do", category="new")
        fake.set_duedate("OPS-7", "2026-12-11", at=dt)      # changelog item, bumps updated
        fake.resolve("OPS-7", "Done", at=dt)                # resolution + status items
        fake.reopen("OPS-7", at=dt)                         # clears the resolution
        fake.transition("OPS-7", "In Progress", "indeterminate", at=dt)
        cid = fake.add_comment("OPS-7", author=("acc-1", "Ada", None), body="...", created=dt)
        fake.edit_comment("OPS-7", cid, body="...", at=dt)
        fake.delete_comment("OPS-7", cid, at=dt)
        fake.touch("OPS-7", at=dt)                          # any edit: bumps updated only
        fake.add_history("OPS-7", at=dt, items=[{"field": "labels", "from": None, "to": "x"}])
        fake.fail(r"/search", status=503, times=2, headers={"Retry-After": "0"})
        fake.fail(r"/myself", status=None, delay=1.0)       # slow, then the normal answer
        fake.fail(r"/search", status=None, drop=True)       # connection dropped, no answer
        fake.requests       # [FakeRequest(method, path, query, status, body)], in order
        fake.count("GET", "/rest/api/3/search")             # requests by method/path prefix
        fake.last_query("/rest/api/3/search/jql")           # that request's query dict
        fake.reset_log()

Users are ``(id, display name, email or None)``: the id is an accountId on
Cloud, a username on Data Center. Times given as aware datetimes are served in
the fake user's zone ("2026-11-23T09:00:00.000+0100"). Bodies are wiki/plain
text, served as is in v2 and converted to ADF in v3 ({code}/{noformat} become
codeBlock, {quote}/bq. blockquote, [~id] a mention); a dict body is ADF, served
verbatim in v3. Auth: Cloud takes basic ``email:token``, Data Center a bearer
token; anything else is 401.

Endpoints: ``/rest/api/2/serverInfo``; ``/rest/api/{2,3}/myself``,
``/field``; Cloud ``/rest/api/{2,3}/search/jql`` (GET/POST, nextPageToken),
while ``/rest/api/{2,3}/search`` answers 410; Data Center ``/rest/api/2/search``
(GET/POST, startAt/total); ``/rest/api/{2,3}/issue/{key}`` (expand=changelog),
``.../changelog`` and ``.../comment`` (paged; a Data Center built with
``changelog_endpoint=False`` has no ``/changelog``, like Jira Server 9.12). Search
results embed at most ``embedded_histories`` histories and
``embedded_comments`` comments with their ``total``. The JQL evaluator knows
project, key, labels, status, resolution, created, updated with = != >= <= > <
IN, AND/OR/NOT, parentheses and ORDER BY; anything else is a 400 like Jira's.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

User = tuple[str, str, str | None]
ADA: User = ("acc-1", "Ada", "ada@acme.io")

STATUS_IDS = {"To Do": "10000", "In Progress": "3", "Done": "10001", "Reopened": "4"}
RESOLUTION_IDS = {"Done": "10000", "Won't Do": "10001", "Duplicate": "10002"}
CATEGORY_IDS = {"new": 2, "indeterminate": 4, "done": 3}
CATEGORY_NAMES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
ALL_FIELDS = (
    "summary",
    "status",
    "resolution",
    "resolutiondate",
    "duedate",
    "assignee",
    "reporter",
    "created",
    "updated",
    "description",
    "comment",
    "statuscategorychangedate",
    "labels",
    "project",
)


@dataclass(frozen=True)
class FakeRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    body: Any = None


@dataclass
class _Fault:
    pattern: re.Pattern[str]
    status: int | None
    times: int
    headers: dict[str, str]
    body: Any
    delay: float
    drop: bool


@dataclass
class _Comment:
    id: str
    author: User
    body: str | dict[str, Any]
    created: datetime
    updated: datetime


@dataclass
class _History:
    id: str
    author: User
    created: datetime
    items: list[dict[str, Any]]


@dataclass
class _Issue:
    id: str
    key: str
    summary: str
    created: datetime
    updated: datetime
    reporter: User
    assignee: User | None
    duedate: str | None
    labels: list[str]
    description: str | dict[str, Any]
    status: str
    category: str
    category_changed: datetime
    resolution: str | None = None
    resolutiondate: datetime | None = None
    comments: list[_Comment] = field(default_factory=list)
    histories: list[_History] = field(default_factory=list)

    @property
    def project(self) -> str:
        return self.key.rsplit("-", 1)[0]

    @property
    def number(self) -> int:
        return int(self.key.rsplit("-", 1)[1])


class JQLError(Exception):
    """A query the fake (like Jira) refuses, with Jira's wording."""


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class FakeJira:
    """See the module docstring for the API."""

    def __init__(
        self,
        *,
        deployment: str = "Cloud",
        user_tz: str = "Europe/Berlin",
        email: str = "sync@acme.io",
        token: str = "jira-token-s3cret",
        embedded_histories: int = 40,
        embedded_comments: int = 20,
        max_page: int = 100,
        changelog_endpoint: bool = True,
    ) -> None:
        if deployment not in ("Cloud", "DataCenter", "Server"):
            raise ValueError(f"unknown deployment {deployment!r}")
        self.deployment = deployment
        self.user_tz = user_tz
        self.email = email
        self.token = token
        self.embedded_histories = embedded_histories
        self.embedded_comments = embedded_comments
        self.max_page = max_page
        self.changelog_endpoint = changelog_endpoint
        self.requests: list[FakeRequest] = []
        self._zone = ZoneInfo(user_tz)
        self._issues: dict[str, _Issue] = {}
        self._users: dict[str, User] = {}
        self._faults: list[_Fault] = []
        self._ids = 10000
        self._lock = threading.RLock()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    @property
    def cloud(self) -> bool:
        return self.deployment == "Cloud"

    # -- lifecycle --------------------------------------------------------------

    def start(self) -> FakeJira:
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        if isinstance(self._server, ThreadingMixIn):
            # Handlers still sleeping in a `delay` fault must not hold up stop().
            self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeJira:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- data -------------------------------------------------------------------

    def _next_id(self) -> str:
        self._ids += 1
        return str(self._ids)

    def _user(self, user: User) -> User:
        self._users[user[0]] = user
        return user

    def add_issue(
        self,
        key: str,
        *,
        summary: str,
        created: datetime,
        reporter: User = ADA,
        assignee: User | None = None,
        duedate: str | None = None,
        labels: Iterable[str] = (),
        description: str | dict[str, Any] = "",
        status: str = "To Do",
        category: str = "new",
    ) -> None:
        with self._lock:
            self._issues[key] = _Issue(
                id=self._next_id(),
                key=key,
                summary=summary,
                created=created,
                updated=created,
                reporter=self._user(reporter),
                assignee=self._user(assignee) if assignee else None,
                duedate=duedate,
                labels=list(labels),
                description=description,
                status=status,
                category=category,
                category_changed=created,
            )

    def issue(self, key: str) -> _Issue:
        return self._issues[key]

    def add_history(
        self, key: str, *, at: datetime, items: Sequence[Mapping[str, Any]], author: User = ADA
    ) -> str:
        """A changelog entry of raw items (``field``, ``from``/``to``, ...); bumps updated."""
        with self._lock:
            issue = self._issues[key]
            full = []
            for item in items:
                entry = {
                    "field": item["field"],
                    "fieldtype": "jira",
                    "fieldId": item.get("fieldId", item["field"]),
                    "from": item.get("from"),
                    "fromString": item.get("fromString", item.get("from")),
                    "to": item.get("to"),
                    "toString": item.get("toString", item.get("to")),
                }
                full.append(entry)
            history = _History(self._next_id(), self._user(author), at, full)
            issue.histories.append(history)
            issue.updated = max(issue.updated, at)
            return history.id

    def set_duedate(self, key: str, value: str | None, *, at: datetime, author: User = ADA) -> str:
        with self._lock:
            issue = self._issues[key]
            old, issue.duedate = issue.duedate, value
            return self.add_history(
                key,
                at=at,
                author=author,
                items=[
                    {
                        "field": "duedate",
                        "from": old,
                        "fromString": f"{old} 00:00:00.0" if old else None,
                        "to": value,
                        "toString": f"{value} 00:00:00.0" if value else None,
                    }
                ],
            )

    def _status_item(
        self, issue: _Issue, status: str, category: str, at: datetime
    ) -> dict[str, Any]:
        item = {
            "field": "status",
            "from": STATUS_IDS.get(issue.status, "1"),
            "fromString": issue.status,
            "to": STATUS_IDS.get(status, "1"),
            "toString": status,
        }
        if category != issue.category:
            issue.category_changed = at
        issue.status, issue.category = status, category
        return item

    def resolve(
        self, key: str, resolution: str, *, at: datetime, status: str = "Done", author: User = ADA
    ) -> str:
        with self._lock:
            issue = self._issues[key]
            items = [
                {
                    "field": "resolution",
                    "from": RESOLUTION_IDS.get(issue.resolution or ""),
                    "fromString": issue.resolution,
                    "to": RESOLUTION_IDS.get(resolution, "10009"),
                    "toString": resolution,
                },
                self._status_item(issue, status, "done", at),
            ]
            issue.resolution, issue.resolutiondate = resolution, at
            return self.add_history(key, at=at, author=author, items=items)

    def reopen(
        self,
        key: str,
        *,
        at: datetime,
        status: str = "Reopened",
        category: str = "new",
        author: User = ADA,
    ) -> str:
        with self._lock:
            issue = self._issues[key]
            items = [
                {
                    "field": "resolution",
                    "from": RESOLUTION_IDS.get(issue.resolution or "", "10009"),
                    "fromString": issue.resolution,
                    "to": None,
                    "toString": None,
                },
                self._status_item(issue, status, category, at),
            ]
            issue.resolution, issue.resolutiondate = None, None
            return self.add_history(key, at=at, author=author, items=items)

    def transition(
        self, key: str, status: str, category: str, *, at: datetime, author: User = ADA
    ) -> str:
        with self._lock:
            issue = self._issues[key]
            item = self._status_item(issue, status, category, at)
            return self.add_history(key, at=at, author=author, items=[item])

    def add_comment(
        self, key: str, *, author: User, body: str | dict[str, Any], created: datetime
    ) -> str:
        with self._lock:
            issue = self._issues[key]
            comment = _Comment(self._next_id(), self._user(author), body, created, created)
            issue.comments.append(comment)
            issue.updated = max(issue.updated, created)
            return comment.id

    def edit_comment(
        self, key: str, comment_id: str, *, body: str | dict[str, Any], at: datetime
    ) -> None:
        with self._lock:
            issue = self._issues[key]
            for comment in issue.comments:
                if comment.id == comment_id:
                    comment.body, comment.updated = body, at
            issue.updated = max(issue.updated, at)

    def delete_comment(self, key: str, comment_id: str, *, at: datetime | None = None) -> None:
        with self._lock:
            issue = self._issues[key]
            issue.comments = [c for c in issue.comments if c.id != comment_id]
            if at is not None:
                issue.updated = max(issue.updated, at)

    def touch(self, key: str, *, at: datetime) -> None:
        """Bumps ``updated`` as any edit would (e.g. mid-scan, to shift pages)."""
        with self._lock:
            self._issues[key].updated = max(self._issues[key].updated, at)

    # -- faults and the request log ------------------------------------------------

    def fail(
        self,
        path_regex: str,
        *,
        status: int | None,
        times: int = 1,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
        delay: float = 0.0,
        drop: bool = False,
    ) -> None:
        """The next ``times`` requests whose path matches answer ``status``.

        ``status=None`` serves the normal answer (after ``delay`` seconds);
        ``drop=True`` closes the connection without any answer.
        """
        with self._lock:
            self._faults.append(
                _Fault(
                    re.compile(path_regex), status, times, dict(headers or {}), body, delay, drop
                )
            )

    def count(self, method: str | None = None, path_prefix: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if (method is None or r.method == method)
                and (path_prefix is None or r.path.startswith(path_prefix))
            )

    def last_query(self, path: str) -> dict[str, list[str]]:
        with self._lock:
            for r in reversed(self.requests):
                if r.path == path:
                    return r.query
        raise KeyError(path)

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    # -- HTTP ---------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        query = {k: request.args.getlist(k) for k in request.args}
        body = request.get_json(silent=True) if request.method == "POST" else None
        fault = self._take_fault(request.path)
        if fault is not None:
            if fault.delay:
                # Logged on arrival: the client may have given up and retried
                # long before this answer is written.
                self._log(request, query, fault.status or 200, body)
                time.sleep(fault.delay)
            if fault.drop:
                if not fault.delay:
                    self._log(request, query, 0, body)
                sock = environ.get("werkzeug.socket")
                if sock is not None:
                    sock.shutdown(socket.SHUT_RDWR)
                return Response(b"", status=200)(environ, start_response)
            if fault.status is not None:
                if fault.body is None or isinstance(fault.body, str):
                    response = Response(fault.body or "", status=fault.status)
                else:
                    response = _json(fault.body, fault.status)
                for name, value in fault.headers.items():
                    response.headers[name] = value
                if not fault.delay:
                    self._log(request, query, fault.status, body)
                return response(environ, start_response)
        if not self._authorised(request.headers.get("Authorization", "")):
            response = Response(
                "Client must be authenticated to access this resource.",
                status=401,
                content_type="text/html;charset=UTF-8",
            )
        else:
            with self._lock:
                response = self._route(request, body)
        if fault is None or not fault.delay:
            self._log(request, query, response.status_code, body)
        return response(environ, start_response)

    def _log(self, request: Request, query: dict[str, list[str]], status: int, body: Any) -> None:
        with self._lock:
            self.requests.append(FakeRequest(request.method, request.path, query, status, body))

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.pattern.search(path):
                    fault.times -= 1
                    return fault
        return None

    def _authorised(self, header: str) -> bool:
        if self.cloud:
            expected = base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
            return header == f"Basic {expected}"
        return header == f"Bearer {self.token}"

    def _route(self, request: Request, body: Any) -> Response:
        match = re.fullmatch(r"/rest/api/(2|3|latest)/(.+)", request.path)
        if not match:
            return _not_found(request.path)
        version, rest = match.group(1), match.group(2).rstrip("/")
        if version == "3" and not self.cloud:
            return _not_found(request.path)  # Data Center has no v3
        v3 = version == "3"
        params = _params(request, body)
        if rest == "serverInfo" and request.method == "GET":
            return _json(self._server_info())
        if rest == "myself" and request.method == "GET":
            me = self._user_json(("me", "Sync", self.email)) or {}
            return _json({**me, "timeZone": self.user_tz})
        if rest == "field" and request.method == "GET":
            return _json(
                [
                    {"id": f, "key": f, "name": f.title(), "custom": False, "clauseNames": [f]}
                    for f in ALL_FIELDS
                ]
            )
        if rest == "search/jql" and request.method in ("GET", "POST"):
            if not self.cloud:
                return _not_found(request.path)
            return self._search_jql(params, v3=v3)
        if rest == "search" and request.method in ("GET", "POST"):
            if self.cloud:
                return _json(
                    {
                        "errorMessages": [
                            "The requested API has been removed. Please migrate to the "
                            "/rest/api/3/search/jql API. A full migration guideline is "
                            "available at https://developer.atlassian.com/changelog/#CHANGE-2046"
                        ],
                        "errors": {},
                    },
                    410,
                )
            return self._search_offset(params, v3=v3)
        issue_match = re.fullmatch(r"issue/([^/]+)(?:/(changelog|comment))?", rest)
        if issue_match and request.method == "GET":
            key, sub = issue_match.group(1), issue_match.group(2)
            if sub == "changelog" and not self.cloud and not self.changelog_endpoint:
                return _json({"message": f"null for uri: {request.url}", "status-code": 404}, 404)
            issue = self._issues.get(key) or next(
                (i for i in self._issues.values() if i.id == key), None
            )
            if issue is None:
                return _json(
                    {
                        "errorMessages": [
                            "Issue does not exist or you do not have permission to see it."
                        ],
                        "errors": {},
                    },
                    404,
                )
            if sub == "changelog":
                return self._changelog_page(issue, params)
            if sub == "comment":
                return self._comment_page(issue, params, v3=v3)
            return _json(self._issue_json(issue, params, v3=v3, full_changelog=True))
        return _not_found(request.path)

    def _server_info(self) -> dict[str, Any]:
        version = [1001, 0, 0] if self.cloud else [9, 12, 7]
        return {
            "baseUrl": self.url,
            "version": ".".join(map(str, version)) + ("-SNAPSHOT" if self.cloud else ""),
            "versionNumbers": version,
            "deploymentType": self.deployment,
            "buildNumber": 100000,
            "serverTitle": "Jira",
        }

    # -- search -------------------------------------------------------------------

    def _matching(self, jql: str) -> list[_Issue]:
        predicate, order = parse_jql(jql, zone=self._zone)
        found = [i for i in self._issues.values() if predicate(i)]
        found.sort(key=lambda i: (i.project, i.number))
        for name, descending in reversed(order):
            found.sort(key=_SORT_KEYS[name], reverse=descending)
        return found

    def _search_jql(self, params: dict[str, Any], *, v3: bool) -> Response:
        try:
            found = self._matching(str(params.get("jql") or ""))
        except JQLError as exc:
            return _json({"errorMessages": [str(exc)], "errors": {}}, 400)
        token = params.get("nextPageToken")
        offset = _decode_token(token) if token else 0
        if offset is None:
            return _json({"errorMessages": ["Invalid nextPageToken."], "errors": {}}, 400)
        size = min(_int(params.get("maxResults"), 50), self.max_page)
        page = found[offset : offset + size]
        more = offset + len(page) < len(found)
        # /search/jql returns only ids unless fields are asked for.
        out: dict[str, Any] = {
            "issues": [self._issue_json(i, params, v3=v3, default_fields=()) for i in page],
            "isLast": not more,
        }
        if more:
            out["nextPageToken"] = _encode_token(offset + len(page))
        return _json(out)

    def _search_offset(self, params: dict[str, Any], *, v3: bool) -> Response:
        try:
            found = self._matching(str(params.get("jql") or ""))
        except JQLError as exc:
            return _json({"errorMessages": [str(exc)], "errors": {}}, 400)
        start = _int(params.get("startAt"), 0)
        size = min(_int(params.get("maxResults"), 50), self.max_page)
        page = found[start : start + size]
        return _json(
            {
                "expand": "schema,names",
                "startAt": start,
                "maxResults": size,
                "total": len(found),
                "issues": [self._issue_json(i, params, v3=v3) for i in page],
            }
        )

    # -- JSON shapes ----------------------------------------------------------------

    def _time(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        local = moment.astimezone(self._zone)
        return (
            local.strftime("%Y-%m-%dT%H:%M:%S.")
            + f"{local.microsecond // 1000:03d}"
            + (local.strftime("%z"))
        )

    def _user_json(self, user: User | None) -> dict[str, Any] | None:
        if user is None:
            return None
        uid, name, email = user
        out: dict[str, Any] = {"displayName": name, "active": True, "timeZone": self.user_tz}
        if self.cloud:
            out["accountId"] = uid
            out["accountType"] = "app" if uid.startswith("app-") else "atlassian"
            out["self"] = f"{self.url}/rest/api/3/user?accountId={uid}"
        else:
            out["name"] = uid
            out["key"] = f"JIRAUSER-{uid}"
            out["self"] = f"{self.url}/rest/api/2/user?username={uid}"
        if email:
            out["emailAddress"] = email
        return out

    def _body(self, body: str | dict[str, Any], *, v3: bool) -> Any:
        if v3:
            return body if isinstance(body, dict) else text_to_adf(body, users=self._users)
        if isinstance(body, dict):
            return _adf_plain(body)
        return body

    def _comment_json(self, comment: _Comment, *, v3: bool) -> dict[str, Any]:
        return {
            "id": comment.id,
            "author": self._user_json(comment.author),
            "updateAuthor": self._user_json(comment.author),
            "body": self._body(comment.body, v3=v3),
            "created": self._time(comment.created),
            "updated": self._time(comment.updated),
            "jsdPublic": True,
        }

    def _history_json(self, history: _History) -> dict[str, Any]:
        return {
            "id": history.id,
            "author": self._user_json(history.author),
            "created": self._time(history.created),
            "items": [dict(item) for item in history.items],
        }

    def _issue_json(
        self,
        issue: _Issue,
        params: Mapping[str, Any],
        *,
        v3: bool,
        default_fields: Sequence[str] = ALL_FIELDS,
        full_changelog: bool = False,
    ) -> dict[str, Any]:
        wanted = _list(params.get("fields"))
        if not wanted:
            names = list(default_fields)
        elif "*all" in wanted or "*navigable" in wanted:
            names = list(ALL_FIELDS)
        else:
            names = [n for n in wanted if n in ALL_FIELDS]
        comments = issue.comments
        shown = comments[: self.embedded_comments]
        values: dict[str, Any] = {
            "summary": issue.summary,
            "status": {
                "name": issue.status,
                "id": STATUS_IDS.get(issue.status, "1"),
                "statusCategory": {
                    "id": CATEGORY_IDS[issue.category],
                    "key": issue.category,
                    "name": CATEGORY_NAMES[issue.category],
                },
            },
            "resolution": (
                {"name": issue.resolution, "id": RESOLUTION_IDS.get(issue.resolution, "10009")}
                if issue.resolution
                else None
            ),
            "resolutiondate": self._time(issue.resolutiondate),
            "duedate": issue.duedate,
            "assignee": self._user_json(issue.assignee),
            "reporter": self._user_json(issue.reporter),
            "created": self._time(issue.created),
            "updated": self._time(issue.updated),
            "description": (self._body(issue.description, v3=v3) if issue.description else None),
            "comment": {
                "comments": [self._comment_json(c, v3=v3) for c in shown],
                "self": f"{self.url}/rest/api/{3 if v3 else 2}/issue/{issue.id}/comment",
                "maxResults": len(shown),
                "total": len(comments),
                "startAt": 0,
            },
            "statuscategorychangedate": self._time(issue.category_changed),
            "labels": list(issue.labels),
            "project": {"key": issue.project, "name": issue.project},
        }
        out: dict[str, Any] = {
            "expand": "renderedFields,names,schema,operations,changelog",
            "id": issue.id,
            "self": f"{self.url}/rest/api/{3 if v3 else 2}/issue/{issue.id}",
            "key": issue.key,
            "fields": {n: values[n] for n in names},
        }
        if "changelog" in _list(params.get("expand")):
            histories = issue.histories
            if full_changelog and not self.cloud:
                served = histories
            else:
                served = histories[: self.embedded_histories]
            out["changelog"] = {
                "startAt": 0,
                "maxResults": len(served),
                "total": len(histories),
                "histories": [self._history_json(h) for h in served],
            }
        return out

    def _changelog_page(self, issue: _Issue, params: Mapping[str, Any]) -> Response:
        start = _int(params.get("startAt"), 0)
        size = min(_int(params.get("maxResults"), 100), 100)
        page = issue.histories[start : start + size]
        return _json(
            {
                "self": f"{self.url}/rest/api/3/issue/{issue.key}/changelog",
                "maxResults": size,
                "startAt": start,
                "total": len(issue.histories),
                "isLast": start + len(page) >= len(issue.histories),
                "values": [self._history_json(h) for h in page],
            }
        )

    def _comment_page(self, issue: _Issue, params: Mapping[str, Any], *, v3: bool) -> Response:
        start = _int(params.get("startAt"), 0)
        size = min(_int(params.get("maxResults"), 100), 100)
        page = issue.comments[start : start + size]
        return _json(
            {
                "startAt": start,
                "maxResults": size,
                "total": len(issue.comments),
                "comments": [self._comment_json(c, v3=v3) for c in page],
            }
        )


# -- helpers ---------------------------------------------------------------------------


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, content_type="application/json")


def _not_found(path: str) -> Response:
    return _json({"message": f"null for uri: {path}", "status-code": 404}, 404)


def _params(request: Request, body: Any) -> dict[str, Any]:
    if request.method == "POST" and isinstance(body, dict):
        return dict(body)
    out: dict[str, Any] = {}
    for name in request.args:
        values = request.args.getlist(name)
        out[name] = values if len(values) > 1 else values[0]
    return out


def _list(value: Any) -> list[str]:
    """A Jira list parameter: repeated, comma-separated or a JSON array."""
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode()


def _decode_token(token: str) -> int | None:
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["o"])
    except (ValueError, KeyError, TypeError):
        return None


def _adf_plain(doc: Mapping[str, Any]) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text":
                parts.append(str(node.get("text", "")))
            for child in node.get("content") or []:
                walk(child)
            if node.get("type") in ("paragraph", "codeBlock", "heading"):
                parts.append("\n")

    walk(doc)
    return "".join(parts).strip()


# -- wiki text -> ADF (what Jira Cloud's v3 serves for text typed in the editor) --------------

_MENTION = re.compile(r"\[~(?:accountid:)?([^\]]+)\]")


def _inline(text: str, users: Mapping[str, User]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    pos = 0
    for match in _MENTION.finditer(text):
        if match.start() > pos:
            nodes.append({"type": "text", "text": text[pos : match.start()]})
        uid = match.group(1)
        name = users.get(uid, (uid, uid, None))[1]
        nodes.append({"type": "mention", "attrs": {"id": uid, "text": f"@{name}"}})
        pos = match.end()
    if pos < len(text):
        nodes.append({"type": "text", "text": text[pos:]})
    return nodes


def _paragraphs(lines: Iterable[str], users: Mapping[str, User]) -> list[dict[str, Any]]:
    return [
        {"type": "paragraph", "content": _inline(line, users)} for line in lines if line.strip()
    ]


def text_to_adf(text: str, *, users: Mapping[str, User] | None = None) -> dict[str, Any]:
    """Wiki-ish text as the ADF document Jira Cloud would store for it."""
    users = users or {}
    blocks: list[dict[str, Any]] = []
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        one_line = re.fullmatch(r"\s*\{(code|noformat)(?::[^}]*)?\}(.*)\{\1\}\s*", line)
        if one_line:
            text_node = {"type": "text", "text": one_line.group(2)}
            blocks.append({"type": "codeBlock", "content": [text_node]})
            i += 1
            continue
        opening = re.fullmatch(r"\s*\{(code|noformat)(?::([^}|]*)[^}]*)?\}\s*", line)
        if opening or re.fullmatch(r"\s*\{quote\}\s*", line):
            tag = opening.group(1) if opening else "quote"
            inner: list[str] = []
            i += 1
            while i < len(lines) and not re.fullmatch(r"\s*\{" + tag + r"\}\s*", lines[i]):
                inner.append(lines[i])
                i += 1
            i += 1
            if tag == "quote":
                blocks.append({"type": "blockquote", "content": _paragraphs(inner, users)})
            else:
                node: dict[str, Any] = {
                    "type": "codeBlock",
                    "content": [{"type": "text", "text": "\n".join(inner)}],
                }
                if opening and opening.group(2):
                    node["attrs"] = {"language": opening.group(2)}
                blocks.append(node)
            continue
        if line.lstrip().startswith("bq. "):
            content = _paragraphs([line.lstrip()[4:]], users)
            blocks.append({"type": "blockquote", "content": content})
        else:
            blocks.extend(_paragraphs([line], users))
        i += 1
    return {"type": "doc", "version": 1, "content": blocks}


# -- a JQL evaluator good enough for the tests ---------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<op>!=|>=|<=|=|>|<|~|\(|\)|,)
      | (?P<word>[A-Za-z0-9_.\-/:*]+)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "order", "by", "asc", "desc", "in", "empty", "null", "is"}
_DATE_FIELDS = {"updated", "created"}
_FIELDS = {"project", "key", "issuekey", "labels", "status", "resolution"} | _DATE_FIELDS
_SORT_KEYS: dict[str, Callable[[_Issue], Any]] = {
    "updated": lambda i: i.updated,
    "created": lambda i: i.created,
    "key": lambda i: (i.project, i.number),
    "issuekey": lambda i: (i.project, i.number),
}

Predicate = Callable[[_Issue], bool]


@dataclass
class _Tok:
    kind: str  # "string" | "op" | "word"
    text: str

    @property
    def value(self) -> str:
        if self.kind == "string":
            return re.sub(r"\\(.)", r"\1", self.text[1:-1])
        return self.text

    def keyword(self, *names: str) -> bool:
        return self.kind == "word" and self.text.lower() in names


def _tokens(jql: str) -> list[_Tok]:
    out, pos = [], 0
    jql = jql.rstrip()
    while pos < len(jql):
        match = _TOKEN.match(jql, pos)
        if not match or match.end() == pos:
            raise JQLError(
                f"Error in the JQL Query: The character '{jql[pos].strip() or jql[pos]}' is a "
                f"reserved JQL character. (line 1, character {pos + 1})"
            )
        kind = match.lastgroup or "word"
        out.append(_Tok(kind, match.group(kind)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, tokens: list[_Tok], zone: ZoneInfo) -> None:
        self.tokens = tokens
        self.pos = 0
        self.zone = zone

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        token = self.peek()
        if token is None:
            raise JQLError("Error in the JQL Query: Expecting a field name but reached the end.")
        self.pos += 1
        return token

    def query(self) -> tuple[Predicate, list[tuple[str, bool]]]:
        predicate: Predicate = lambda _issue: True  # noqa: E731
        token = self.peek()
        if token is not None and not token.keyword("order"):
            predicate = self.or_expr()
        order: list[tuple[str, bool]] = []
        token = self.peek()
        if token is not None:
            if not token.keyword("order"):
                raise JQLError(
                    f"Error in the JQL Query: Expecting either 'OR' or 'AND' but got "
                    f"'{token.text}'."
                )
            self.take()
            if not self.take().keyword("by"):
                raise JQLError("Error in the JQL Query: Expecting 'BY' after 'ORDER'.")
            while True:
                name = self.take().value.lower()
                if name not in _SORT_KEYS:
                    raise JQLError(f"Not able to sort using field '{name}'.")
                descending = False
                nxt = self.peek()
                if nxt is not None and nxt.keyword("asc", "desc"):
                    descending = self.take().text.lower() == "desc"
                order.append((name, descending))
                nxt = self.peek()
                if nxt is None:
                    break
                if nxt.text != ",":
                    raise JQLError(f"Error in the JQL Query: Expecting ',' but got '{nxt.text}'.")
                self.take()
        return predicate, order

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while (token := self.peek()) is not None and token.keyword("or"):
            self.take()
            parts.append(self.and_expr())
        return lambda issue: any(p(issue) for p in parts)

    def and_expr(self) -> Predicate:
        parts = [self.not_expr()]
        while (token := self.peek()) is not None and token.keyword("and"):
            self.take()
            parts.append(self.not_expr())
        return lambda issue: all(p(issue) for p in parts)

    def not_expr(self) -> Predicate:
        token = self.take()
        if token.keyword("not"):
            inner = self.not_expr()
            return lambda issue: not inner(issue)
        if token.text == "(":
            inner = self.or_expr()
            if self.take().text != ")":
                raise JQLError("Error in the JQL Query: Expecting ')'.")
            return inner
        return self.clause(token)

    def clause(self, token: _Tok) -> Predicate:
        name = token.value.lower()
        if token.kind == "op" or name in _KEYWORDS:
            raise JQLError(
                f"Error in the JQL Query: Expecting a field name but got '{token.text}'."
            )
        if name not in _FIELDS:
            raise JQLError(
                f"Field '{token.value}' does not exist or you do not have permission to view it."
            )
        op_token = self.take()
        op = op_token.text.lower()
        if op == "in" or (op == "not" and self.peek() is not None):
            negate = op == "not"
            if negate and not self.take().keyword("in"):
                raise JQLError("Error in the JQL Query: Expecting 'IN' after 'NOT'.")
            if self.take().text != "(":
                raise JQLError("Error in the JQL Query: Expecting '(' after 'IN'.")
            values = []
            while True:
                values.append(self.take().value)
                sep = self.take().text
                if sep == ")":
                    break
                if sep != ",":
                    raise JQLError("Error in the JQL Query: Expecting ',' or ')'.")
            tests = [self.compare(name, "=", v) for v in values]
            return lambda issue: any(t(issue) for t in tests) != negate
        if op_token.kind != "op" or op not in ("=", "!=", ">=", "<=", ">", "<"):
            raise JQLError(
                f"Error in the JQL Query: Expecting operator but got '{op_token.text}'. "
                f"The valid operators are '=', '!=', '<', '>', '<=', '>=', '~', 'IN'."
            )
        value = self.take()
        if value.kind == "op":
            raise JQLError(f"Error in the JQL Query: Expecting a value but got '{value.text}'.")
        return self.compare(name, op, value.value)

    def compare(self, name: str, op: str, value: str) -> Predicate:
        if name in _DATE_FIELDS:
            moment = self.date(name, value)

            def by_date(issue: _Issue) -> bool:
                have = issue.updated if name == "updated" else issue.created
                return {
                    "=": have == moment,
                    "!=": have != moment,
                    ">=": have >= moment,
                    "<=": have <= moment,
                    ">": have > moment,
                    "<": have < moment,
                }[op]

            return by_date
        if op not in ("=", "!="):
            raise JQLError(f"The operator '{op}' is not supported by the '{name}' field.")
        want = value.lower()

        def by_value(issue: _Issue) -> bool:
            if name == "project":
                hit = issue.project.lower() == want
            elif name in ("key", "issuekey"):
                hit = issue.key.lower() == want
            elif name == "labels":
                hit = want in {label.lower() for label in issue.labels}
            elif name == "status":
                hit = issue.status.lower() == want
            else:  # resolution
                hit = (issue.resolution or "unresolved").lower() == want
            return hit if op == "=" else not hit

        return by_value

    def date(self, name: str, value: str) -> datetime:
        for fmt in ("%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d"):
            try:
                wall = datetime.strptime(value, fmt)
            except ValueError:
                continue
            return wall.replace(tzinfo=self.zone)
        raise JQLError(
            f"Date value '{value}' for field '{name}' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
            "format e.g. '-5d', '4w 2d'."
        )


def parse_jql(jql: str, *, zone: ZoneInfo) -> tuple[Predicate, list[tuple[str, bool]]]:
    """A predicate over fake issues and the ORDER BY list, or :class:`JQLError`."""
    return _Parser(_tokens(jql), zone).query()


def at_minute(moment: datetime) -> datetime:
    """``moment`` rounded down to the minute (what a JQL date can express)."""
    return moment - timedelta(seconds=moment.second, microseconds=moment.microsecond)
