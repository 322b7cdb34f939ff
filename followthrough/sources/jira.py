"""Jira Cloud and Data Center -> plain records (SPEC §1 "Jira", §7, §8).

This module owns everything followthrough says to Jira: one paged JQL search on
``updated >=`` for the configured tickets, the full changelog or comment list
only for tickets whose embedded copy in the search result is truncated, and the
conversion of what comes back into :mod:`followthrough.records`.

It speaks through the ``jira`` package (pycontribs), which supplies the session,
authentication and JSON handling, and goes around it where it would cost
requests or correctness:

* Retries. ``ResilientSession`` retries only 429/503 and connection errors,
  doubles ``Retry-After`` (and sleeps at least one second for ``Retry-After:
  0``), backs off 20-60 s on a connection error, never retries a read timeout
  or a 500/502/504, and retries invisibly (no attempt count). We set its
  ``max_retries`` to 0 and mount :class:`_RetryingAdapter` on its session
  instead: every attempt is counted, 429/5xx/timeouts/connection errors are
  retried with bounded backoff, and ``Retry-After`` is honoured as given.
* Requests. ``JIRA.enhanced_search_issues`` / ``search_issues`` first download
  the whole field catalogue (``/field``, one request and often megabytes) to
  translate field names we already give as ids, and the library has no paged
  changelog call; both are read through the client's ``_get_json`` instead.

Endpoints by deployment (``deploymentType`` from ``/rest/api/2/serverInfo``):
Cloud uses ``/rest/api/3/search/jql`` with ``nextPageToken`` (the old search is
gone: HTTP 410) and reads ADF documents; Server/Data Center uses the offset
``/rest/api/2/search`` and reads wiki markup.
"""

from __future__ import annotations

import email.utils
import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from jira import JIRA, JIRAError
from requests.adapters import HTTPAdapter

from followthrough.records import EventRecord, TextRecord, ThreadRecord
from followthrough.sources import SourceUnavailable

__all__ = [
    "SEARCH_FIELDS",
    "JiraPage",
    "JiraSource",
    "JiraTicket",
    "JiraUnavailable",
    "adf_to_text",
    "build_search_jql",
    "format_jql_since",
    "strip_order_by",
    "wiki_to_text",
]

log = logging.getLogger(__name__)

#: The only fields a sync needs; asking for fewer keeps Jira's pages fast and full.
SEARCH_FIELDS = (
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
)
#: Changelog fields that become :class:`EventRecord` kinds.
EVENT_FIELDS = frozenset({"duedate", "resolution", "status"})

DETAIL_PAGE_SIZE = 100  # the most Jira serves per changelog or comment page
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_TIMEOUT = 60.0  # SPEC §7: every request has a timeout of at most 60 s


class JiraUnavailable(SourceUnavailable):
    """Jira could not be read; ``str()`` is one line for the user, never a secret."""


@dataclass(frozen=True)
class JiraTicket:
    """One ticket with everything written on it and its dated changes.

    ``texts`` is complete (the description and every comment that still exists),
    so a comment missing from it was deleted. ``events`` are in time order.
    """

    thread: ThreadRecord
    texts: list[TextRecord]
    events: list[EventRecord]


@dataclass(frozen=True)
class JiraPage:
    """One page of the search, in ascending ``updated`` order.

    ``last_updated_at`` is the newest ``updated`` on the page (also counting
    tickets left out as repeats), or None for an empty page.
    """

    tickets: list[JiraTicket]
    last_updated_at: datetime | None


class JiraSource:
    """Reads tickets matching a JQL from one Jira site.

    ``email`` + ``token`` is Jira Cloud basic auth, ``token`` alone a Data
    Center personal access token (bearer), neither is anonymous access.
    Nothing is sent before the first :meth:`fetch_tickets` or
    :attr:`deployment`. ``requests`` counts every HTTP attempt, retries included.
    """

    def __init__(
        self,
        *,
        server: str,
        token: str | None,
        email: str | None,
        timeout: float = 30.0,
        max_retries: int = 5,
        page_size: int = 100,
        backoff: float = 1.0,
        max_retry_wait: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        server = server.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", server):
            raise JiraUnavailable(
                f"[jira] server must be a URL like https://acme.atlassian.net, got {server!r}"
            )
        if email and not token:
            raise JiraUnavailable("JIRA_EMAIL is set but JIRA_API_TOKEN is not")
        if not 0 < timeout <= MAX_TIMEOUT:
            raise ValueError(f"timeout must be within (0, {MAX_TIMEOUT:g}] seconds")
        if max_retries < 0 or page_size < 1:
            raise ValueError("max_retries must be >= 0 and page_size >= 1")
        self.server = server
        self.requests = 0
        self._token = token
        self._email = email or None
        self._timeout = timeout
        self._page_size = page_size
        self._retry = _RetryPolicy(
            attempts=max_retries + 1, backoff=backoff, max_wait=max_retry_wait, sleep=sleep
        )
        self._client: JIRA | None = None
        self._deployment: str | None = None
        self._zone: tzinfo | None = None
        self._rest = "{server}/rest/api/2/{path}"
        # Server/Data Center (seen on 9.12) has no paged changelog endpoint:
        # learnt from the first 404, then the issue's own changelog is read.
        self._changelog_endpoint = True

    def __repr__(self) -> str:
        # The token stays out: reprs end up in logs and tracebacks.
        return f"JiraSource(server={self.server!r}, deployment={self._deployment!r})"

    def __enter__(self) -> JiraSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            # JIRA.close() is untyped; closing its session is all it does.
            self._client._session.close()
            self._client = None

    @property
    def cloud(self) -> bool:
        return self.deployment == "Cloud"

    @property
    def deployment(self) -> str:
        """``"Cloud"``, ``"Server"`` or ``"DataCenter"``; read once from serverInfo."""
        self._connect()
        assert self._deployment is not None  # set by _connect
        return self._deployment

    # -- search ---------------------------------------------------------------

    def fetch_tickets(self, jql: str, *, since: datetime | None) -> Iterator[JiraPage]:
        """Yield the tickets matching ``jql`` updated at or after ``since``, page by page.

        ``since`` is an aware moment (the caller has already taken its safety
        margin off); it is written in the Jira user's zone and rounded down to
        the minute, so the search overlaps rather than misses. A ticket seen
        twice in one call is yielded again only when it changed in between.
        Rarely (tickets edited mid-scan) the search is read a second time, and
        its pages start again from the oldest ``updated``.
        """
        self._connect()
        stamp = format_jql_since(since, zone=self._zone) if since is not None else None
        query = build_search_jql(jql, since=stamp)
        seen: dict[str, datetime] = {}
        # Paging is by position (offset or token) over a list ordered by
        # `updated`: a matching ticket edited mid-scan jumps to the end and
        # shifts the rest left, so one ticket at a page boundary could be
        # skipped for good (it is older than the next watermark). A repeat
        # seen with a newer `updated`, or a shrinking total, gives that away;
        # then the search is read once more, repeats dropped before any detail
        # request, so the extra cost is the search pages alone.
        for scan in range(2):
            shifted = False
            for issues, total_shrank in self._search_pages(query):
                page, moved = self._page(issues, seen)
                shifted = shifted or moved or total_shrank
                yield page
            if not shifted:
                return
            if scan == 0:
                log.info("Jira tickets changed while being read; reading the search again")

    def _search_pages(self, query: str) -> Iterator[tuple[list[dict[str, Any]], bool]]:
        params: dict[str, Any] = {
            "jql": query,
            "maxResults": self._page_size,
            "fields": ",".join(SEARCH_FIELDS),
            "expand": "changelog",
        }
        if self.cloud:
            tokens: set[str] = set()
            while True:
                data = self._get("search/jql", params, what="search")
                yield _issues(data), False
                token = data.get("nextPageToken")
                # A repeated token would loop forever on a misbehaving proxy.
                if data.get("isLast") is True or not token or token in tokens:
                    return
                tokens.add(token)
                params["nextPageToken"] = token
        else:
            start, first_total = 0, None
            while True:
                data = self._get("search", {**params, "startAt": start}, what="search")
                issues, total = _issues(data), data.get("total")
                if first_total is None and isinstance(total, int):
                    first_total = total
                shrank = isinstance(total, int) and first_total is not None and total < first_total
                yield issues, shrank
                start += len(issues)
                # Jira may serve fewer than asked: advance by what came back.
                if not issues or not isinstance(total, int) or start >= total:
                    return

    def _page(
        self, issues: list[dict[str, Any]], seen: dict[str, datetime]
    ) -> tuple[JiraPage, bool]:
        tickets: list[JiraTicket] = []
        newest: datetime | None = None
        moved = False
        for raw in issues:
            key = str(raw.get("key") or "")
            fields = raw.get("fields") or {}
            updated = _parse_time(fields.get("updated")) or _parse_time(fields.get("created"))
            if not key or updated is None:
                continue
            newest = updated if newest is None or updated > newest else newest
            if key in seen:
                if updated <= seen[key]:
                    continue
                moved = True
            seen[key] = updated
            histories = self._histories(key, raw.get("changelog"))
            comments = self._comments(key, fields.get("comment"))
            tickets.append(
                parse_ticket(raw, server=self.server, histories=histories, comments=comments)
            )
        return JiraPage(tickets=tickets, last_updated_at=newest), moved

    # -- details, only when the embedded copy is truncated ----------------------

    def _histories(self, key: str, embedded: Any) -> list[dict[str, Any]]:
        embedded = embedded if isinstance(embedded, dict) else {}
        histories = [h for h in embedded.get("histories") or [] if isinstance(h, dict)]
        if not _truncated(embedded, len(histories)):
            return histories
        if self._changelog_endpoint:
            values = self._paged(f"issue/{key}/changelog", "values", what=f"{key} changelog")
            if values is not None:
                return values
            if not self.cloud:
                # No /changelog on this Server/DC; there the issue itself
                # carries the whole history.
                self._changelog_endpoint = False
        if not self.cloud:
            data = self._get_if_exists(
                f"issue/{key}",
                {"fields": "created", "expand": "changelog"},
                what=f"{key} changelog",
            )
            full = _mapping((data or {}).get("changelog"))
            if full.get("histories") is not None:
                return [h for h in full["histories"] if isinstance(h, dict)]
        log.warning("Jira ticket %s vanished while being read; its history is partial", key)
        return histories

    def _comments(self, key: str, embedded: Any) -> list[dict[str, Any]]:
        embedded = embedded if isinstance(embedded, dict) else {}
        comments = [c for c in embedded.get("comments") or [] if isinstance(c, dict)]
        if not _truncated(embedded, len(comments)):
            return comments
        values = self._paged(f"issue/{key}/comment", "comments", what=f"{key} comments")
        if values is None:
            log.warning("Jira ticket %s vanished while being read; its comments are partial", key)
            return comments
        return values

    def _paged(self, path: str, items: str, *, what: str) -> list[dict[str, Any]] | None:
        """Every item of an offset-paged list from the start, or None on 404.

        Reading from 0 (not from where the embedded page ended) keeps the list
        one consistent snapshot when comments are deleted in between.
        """
        out: list[dict[str, Any]] = []
        ids: set[str] = set()
        start = 0
        while True:
            params = {"startAt": start, "maxResults": DETAIL_PAGE_SIZE}
            data = self._get_if_exists(path, params, what=what)
            if data is None:
                return None
            page = [v for v in data.get(items) or [] if isinstance(v, dict)]
            for value in page:
                vid = str(value.get("id"))
                if vid not in ids:
                    ids.add(vid)
                    out.append(value)
            start += len(page)
            total = data.get("total")
            if (
                not page
                or data.get("isLast") is True
                or (isinstance(total, int) and start >= total)
            ):
                return out

    # -- transport ------------------------------------------------------------

    def _connect(self) -> JIRA:
        if self._client is not None:
            return self._client
        auth: dict[str, Any] = {}
        if self._email and self._token:
            auth["basic_auth"] = (self._email, self._token)
        elif self._token:
            auth["token_auth"] = self._token
        client = JIRA(
            server=self.server,
            options={"check_update": False},
            get_server_info=False,  # read below, through our error handling
            max_retries=0,  # _RetryingAdapter retries; ResilientSession must not
            timeout=self._timeout,
            logging=False,  # JIRA() would otherwise force the "jira" logger to INFO
            **auth,
        )
        adapter = _RetryingAdapter(policy=self._retry, on_attempt=self._count_attempt)
        client._session.mount("https://", adapter)
        client._session.mount("http://", adapter)
        self._client = client
        try:
            info = self._get("serverInfo", {}, what="server info", rest=_REST_V2)
            deployment = str(info.get("deploymentType") or "Server")
            me = self._get("myself", {}, what="the Jira user", rest=_REST_V2)
        except BaseException:
            self.close()
            raise
        self._deployment = deployment
        client.deploymentType = deployment  # what the library's own Cloud checks read
        if deployment == "Cloud":
            # v3: /search/jql lives here and texts come as ADF, which keeps
            # code blocks and mentions apart from plain lines.
            self._rest = "{server}/rest/api/3/{path}"
        self._zone = _zone(me.get("timeZone"))
        return client

    def _count_attempt(self) -> None:
        self.requests += 1

    def _get(
        self, path: str, params: Mapping[str, Any], *, what: str, rest: str | None = None
    ) -> dict[str, Any]:
        data = self._fetch(path, params, what=what, rest=rest, missing_ok=False)
        assert data is not None  # _fetch returns None only when missing_ok
        return data

    def _get_if_exists(
        self, path: str, params: Mapping[str, Any], *, what: str
    ) -> dict[str, Any] | None:
        """Like :meth:`_get`, but None on 404 (a ticket deleted mid-sync, an old API)."""
        return self._fetch(path, params, what=what, rest=None, missing_ok=True)

    def _fetch(
        self,
        path: str,
        params: Mapping[str, Any],
        *,
        what: str,
        rest: str | None,
        missing_ok: bool,
    ) -> dict[str, Any] | None:
        client = self._client if self._client is not None else self._connect()
        try:
            data = client._get_json(path, params=dict(params), base=rest or self._rest)
        except JIRAError as exc:
            if missing_ok and exc.status_code == 404:
                return None
            raise JiraUnavailable(self._scrub(self._explain(exc, what=what))) from None
        except requests.exceptions.JSONDecodeError:
            raise JiraUnavailable(
                f"Jira at {self.server} answered the {what} request with something that is "
                "not JSON — check [jira] server"
            ) from None
        except requests.RequestException as exc:
            raise JiraUnavailable(self._scrub(self._explain_network(exc))) from None
        if not isinstance(data, dict):
            raise JiraUnavailable(f"Jira at {self.server} sent an unexpected {what} response")
        return data

    def _explain(self, exc: JIRAError, *, what: str) -> str:
        status = exc.status_code
        response = exc.response if isinstance(exc.response, requests.Response) else None
        headers: Mapping[str, str] = response.headers if response is not None else {}
        details = "; ".join(_error_messages(response))
        suffix = f": {details}" if details else ""
        if status == 401:
            if self._email:
                return "Jira rejected the credentials (401) — check JIRA_EMAIL/JIRA_API_TOKEN"
            if self._token:
                return (
                    "Jira rejected the credentials (401) — check JIRA_API_TOKEN "
                    "(alone it is used as a Data Center personal access token; "
                    "set JIRA_EMAIL too for Jira Cloud)"
                )
            return "Jira requires credentials (401) — set JIRA_API_TOKEN (and JIRA_EMAIL for Cloud)"
        if status == 403:
            denied = headers.get("X-Authentication-Denied-Reason")
            if denied:  # e.g. a CAPTCHA after failed logins
                return f"Jira refused the login (403: {denied}) — sign in once in a browser"
            return (
                f"Jira refused access (403) to the {what} — check the account's permissions{suffix}"
            )
        if status == 400 and what == "search":
            return f"Jira rejected the JQL: {details or 'no reason given'}"
        if status == 410:
            return f"Jira removed the API used for the {what} (410){suffix}"
        if status == 404:
            return f"Jira at {self.server} has no API for the {what} (404) — check [jira] server"
        if status in RETRY_STATUSES:
            wait = _retry_after(response) if response is not None else None
            if wait is not None and wait > self._retry.max_wait:
                return (
                    f"Jira is {'rate-limiting' if status == 429 else 'unavailable for'} the "
                    f"{what} ({status}) and asked to wait {wait:.0f} s — try again later"
                )
            return (
                f"Jira failed the {what} (HTTP {status}) {self._retry.attempts} times — "
                "try again later"
            )
        return f"Jira refused the {what} (HTTP {status}){suffix}"

    def _explain_network(self, exc: requests.RequestException) -> str:
        tries = self._retry.attempts
        if isinstance(exc, requests.exceptions.SSLError):
            return f"Jira at {self.server} failed the TLS check: {_innermost(exc)}"
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            cause = "connecting timed out"
        elif isinstance(exc, requests.Timeout):
            cause = f"no answer within {self._timeout:g} s"
        else:
            cause = _innermost(exc)
        return f"Jira at {self.server} is unreachable ({cause}) after {tries} attempts"

    def _scrub(self, message: str) -> str:
        # Belt and braces: Jira's own messages are quoted, and must never echo a
        # secret. (Real tokens are long; masking a 1-letter test token would
        # only garble the message.)
        if self._token and len(self._token) >= 8:
            message = message.replace(self._token, "***")
        return message


_REST_V2 = "{server}/rest/api/2/{path}"


def _issues(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    return [i for i in (data or {}).get("issues") or [] if isinstance(i, dict)]


def _truncated(embedded: Mapping[str, Any], have: int) -> bool:
    total = embedded.get("total")
    return isinstance(total, int) and (total > have or int(embedded.get("startAt") or 0) > 0)


def _zone(name: Any) -> tzinfo | None:
    if not isinstance(name, str) or not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("Jira user time zone %r is unknown here; widening the search window", name)
        return None


def _error_messages(response: requests.Response | None) -> list[str]:
    if response is None:
        return []
    try:
        data = response.json()
    except ValueError:
        return []  # an HTML error page says nothing a user can act on
    if not isinstance(data, dict):
        return []
    messages = [str(m) for m in data.get("errorMessages") or [] if m]
    errors = data.get("errors")
    if isinstance(errors, dict):
        messages += [f"{k}: {v}" for k, v in errors.items() if v]
    if not messages and isinstance(data.get("message"), str):
        messages.append(data["message"])
    return messages


def _innermost(exc: BaseException) -> str:
    """The OS-level reason behind a requests error, e.g. "Connection refused".

    requests wraps urllib3, which wraps the socket error; the outer messages
    repeat the URL and pool details, the innermost one says what happened.
    """
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    fallback = ""
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError):
            if current.strerror:
                return current.strerror
            if not fallback and current.args and isinstance(current.args[0], str):
                fallback = current.args[0]  # e.g. http.client.RemoteDisconnected
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        for nested in (current.__cause__, current.__context__, getattr(current, "reason", None)):
            if isinstance(nested, BaseException):
                stack.append(nested)
    return fallback or type(exc).__name__


# -- retries ------------------------------------------------------------------


@dataclass(frozen=True)
class _RetryPolicy:
    attempts: int
    backoff: float
    max_wait: float
    sleep: Callable[[float], None]

    def backoff_delay(self, attempt: int) -> float:
        # Jitter spreads the cron jobs of several teams hitting one Jira at :00.
        delay = min(self.max_wait, self.backoff * 2.0 ** (attempt - 1))
        return delay * random.uniform(0.5, 1.0)


class _RetryingAdapter(HTTPAdapter):
    """Counts every attempt and retries what is worth retrying, within bounds.

    Retried (idempotent requests only): 429, 500, 502, 503, 504, connection
    errors and timeouts, including a timeout or a cut while reading the body. A
    ``Retry-After`` (seconds or HTTP date) is waited exactly; one longer than
    ``max_wait`` is not waited at all: the response goes back as the error.
    """

    def __init__(self, *, policy: _RetryPolicy, on_attempt: Callable[[], None]) -> None:
        super().__init__(max_retries=0)  # urllib3 must not retry uncounted
        self._policy = policy
        self._on_attempt = on_attempt

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: Any = None,
    ) -> requests.Response:
        policy = self._policy
        retryable = (request.method or "GET").upper() in IDEMPOTENT_METHODS
        attempt = 0
        while True:
            attempt += 1
            last = not retryable or attempt >= policy.attempts
            self._on_attempt()
            try:
                response = super().send(
                    request,
                    stream=stream,
                    timeout=timeout,
                    verify=verify,
                    cert=cert,
                    proxies=proxies,
                )
                if not stream:
                    # Read the body here, so a timeout mid-body is retried too.
                    _ = response.content
            except requests.exceptions.SSLError:
                raise  # a certificate problem does not heal by retrying
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,  # a body cut short
            ) as exc:
                if last:
                    raise
                delay = policy.backoff_delay(attempt)
                log.info("Jira request failed (%s); retry %d in %.1f s", exc, attempt, delay)
                policy.sleep(delay)
                continue
            if last or response.status_code not in RETRY_STATUSES:
                return response
            wait = _retry_after(response)
            if wait is None:
                wait = policy.backoff_delay(attempt)
            elif wait > policy.max_wait:
                return response  # asked to come back too late for a scheduled run
            log.info("Jira answered %d; retry %d in %.1f s", response.status_code, attempt, wait)
            response.close()
            policy.sleep(wait)


def _retry_after(response: requests.Response) -> float | None:
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # Measured against the server's own clock when it sent one: no skew.
    sent = response.headers.get("Date")
    try:
        now = email.utils.parsedate_to_datetime(sent) if sent else datetime.now(UTC)
    except (TypeError, ValueError):
        now = datetime.now(UTC)
    if when.tzinfo is None or now.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


# -- JQL ------------------------------------------------------------------------

_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


def strip_order_by(jql: str) -> str:
    """``jql`` without a trailing ``ORDER BY`` clause (outside quotes).

    A sync must read in ``updated`` order (that is what makes a page a safe
    resume point), so the user's ordering is dropped rather than rejected: it
    cannot change which tickets match.
    """
    quote: str | None = None
    i = 0
    while i < len(jql):
        ch = jql[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "oO":
            match = _ORDER_BY.match(jql, i)
            if match and (i == 0 or not (jql[i - 1].isalnum() or jql[i - 1] == "_")):
                log.info("Ignoring %r in [jira] jql: tickets are read by update time", jql[i:])
                return jql[:i].rstrip()
        i += 1
    return jql.strip()


def build_search_jql(jql: str, *, since: str | None) -> str:
    """The search actually sent: the user's filter, the watermark, a stable order.

    ``key`` breaks ties between equal ``updated`` times, which would otherwise
    be free to swap places between two offset pages.
    """
    clauses = []
    base = strip_order_by(jql)
    if base:
        clauses.append(f"({base})")
    if since is not None:
        clauses.append(f'updated >= "{since}"')
    return (" AND ".join(clauses) + " ORDER BY updated ASC, key ASC").strip()


def format_jql_since(since: datetime, *, zone: tzinfo | None) -> str:
    """``since`` as JQL reads it: "yyyy/MM/dd HH:mm" wall time in the user's zone.

    Rounded down to the minute, and never later than ``since`` whichever way
    Jira reads an hour repeated at a DST change. Without a usable zone the UTC
    wall time minus 12 hours is always early enough (no zone is behind UTC-12).
    """
    if since.tzinfo is None:
        raise ValueError("since must be an aware datetime")
    instant = since.astimezone(UTC)
    if zone is None:
        wall = instant.replace(tzinfo=None) - timedelta(hours=12)
    else:
        wall = instant.astimezone(zone).replace(tzinfo=None)
    wall = wall.replace(second=0, microsecond=0)
    if zone is not None:
        while any(
            wall.replace(tzinfo=zone, fold=fold).astimezone(UTC) > instant for fold in (0, 1)
        ):
            wall -= timedelta(minutes=30)
    return wall.strftime("%Y/%m/%d %H:%M")


# -- records --------------------------------------------------------------------


def parse_ticket(
    raw: Mapping[str, Any],
    *,
    server: str,
    histories: Iterable[Mapping[str, Any]],
    comments: Iterable[Mapping[str, Any]],
) -> JiraTicket:
    """One search result (plus its complete history and comments) as records."""
    key = str(raw["key"])
    fields: Mapping[str, Any] = raw.get("fields") or {}
    thread_id = f"jira:{key}"
    url = f"{server}/browse/{key}"
    created = _parse_time(fields.get("created")) or _parse_time(fields.get("updated"))
    updated = _parse_time(fields.get("updated")) or created
    if created is None or updated is None:
        raise ValueError(f"Jira ticket {key} has no created/updated time")
    reporter = _user(fields.get("reporter"))
    assignee = _user(fields.get("assignee"))
    status: Mapping[str, Any] = _mapping(fields.get("status"))
    category = _mapping(status.get("statusCategory")).get("key")
    resolution = _mapping(fields.get("resolution")).get("name") or None
    resolution_date = _parse_time(fields.get("resolutiondate"))
    category_changed = _parse_time(fields.get("statuscategorychangedate"))
    closed = bool(resolution) or category == "done"
    # A workflow that sets no resolution closes by status category alone.
    closed_at = resolution_date or (category_changed if closed else None)

    histories = sorted(histories, key=lambda h: _parse_time(h.get("created")) or created)
    events: list[EventRecord] = []
    description_edited = created
    for history in histories:
        at = _parse_time(history.get("created"))
        if at is None:
            continue
        actor = _user(history.get("author"))
        for item in history.get("items") or []:
            field = str(item.get("fieldId") or item.get("field") or "").lower()
            if field == "description":
                description_edited = max(description_edited, at)
            if field not in EVENT_FIELDS:
                continue
            if field == "duedate":
                old = item.get("from") or _date_part(item.get("fromString"))
                new = item.get("to") or _date_part(item.get("toString"))
            else:
                old, new = item.get("fromString") or None, item.get("toString") or None
            events.append(
                EventRecord(
                    id=f"{thread_id}:history:{history.get('id')}:{field}",
                    thread_id=thread_id,
                    kind=field,
                    at=at,
                    actor=actor.id if actor else None,
                    from_value=old,
                    to_value=new,
                )
            )

    texts = [
        TextRecord(
            id=f"{thread_id}:description",
            thread_id=thread_id,
            kind="description",
            author=reporter.id if reporter else "unknown",
            author_name=reporter.name if reporter else None,
            author_type=reporter.type if reporter else "User",
            created_at=created,
            updated_at=description_edited,
            body=_body_text(fields.get("description")),
            url=url,
            author_email=reporter.email if reporter else None,
        )
    ]
    for comment in sorted(comments, key=lambda c: _parse_time(c.get("created")) or created):
        author = _user(comment.get("author"))
        written = _parse_time(comment.get("created")) or created
        texts.append(
            TextRecord(
                id=f"{thread_id}:comment:{comment.get('id')}",
                thread_id=thread_id,
                kind="comment",
                author=author.id if author else "unknown",
                author_name=author.name if author else None,
                author_type=author.type if author else "User",
                created_at=written,
                updated_at=_parse_time(comment.get("updated")) or written,
                body=_body_text(comment.get("body")),
                url=f"{url}?focusedCommentId={comment.get('id')}",
                author_email=author.email if author else None,
            )
        )

    thread = ThreadRecord(
        id=thread_id,
        source="jira",
        kind="jira",
        repo=key.rsplit("-", 1)[0],
        number=None,
        key=key,
        url=url,
        title=str(fields.get("summary") or ""),
        author=reporter.id if reporter else "unknown",
        author_name=reporter.name if reporter else None,
        author_type=reporter.type if reporter else "User",
        created_at=created,
        updated_at=updated,
        state="closed" if closed else "open",
        closed_at=closed_at,
        assignees=(assignee.id,) if assignee else (),
        assignee_names=(assignee.name,) if assignee else (),
        assignee_emails=(assignee.email,) if assignee else (),
        due_date=_date_part(fields.get("duedate")),
        resolution=resolution,
        resolution_date=resolution_date,
        status=status.get("name"),
        status_category=category,
        status_category_changed_at=category_changed,
        author_email=reporter.email if reporter else None,
    )
    return JiraTicket(thread=thread, texts=texts, events=events)


@dataclass(frozen=True)
class _User:
    id: str
    name: str | None
    email: str | None
    type: str


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _user(raw: Any) -> _User | None:
    """Cloud users are known by accountId; Server/DC users by name (or key)."""
    if not isinstance(raw, dict):
        return None
    uid = raw.get("accountId") or raw.get("name") or raw.get("key")
    if not uid:
        return None
    kind = "Bot" if raw.get("accountType") == "app" else "User"
    return _User(str(uid), raw.get("displayName"), raw.get("emailAddress") or None, kind)


def _parse_time(value: Any) -> datetime | None:
    """Jira's "2026-11-23T09:00:00.000+0100" as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _date_part(value: Any) -> str | None:
    """ "2026-12-04" from "2026-12-04" or a changelog's "2026-12-04 00:00:00.0"."""
    if not isinstance(value, str):
        return None
    match = re.match(r"\d{4}-\d{2}-\d{2}", value.strip())
    return match.group(0) if match else None


def _body_text(body: Any) -> str:
    if isinstance(body, dict):
        return adf_to_text(body)
    if isinstance(body, str):
        return wiki_to_text(body)
    return ""


# -- text: ADF (Cloud v3) ----------------------------------------------------------
#
# Both converters keep one written line per output line, so command lines
# survive, and turn code into ``` fences and quotes into "> " lines, which the
# grammar never reads as commands. Blocks are separated by a blank line so no
# Markdown reader folds a following line into a quote or list ("lazy lines").

_INLINE = frozenset(
    {
        "text",
        "hardBreak",
        "mention",
        "emoji",
        "inlineCard",
        "date",
        "status",
        "placeholder",
        "mediaInline",
        "inlineExtension",
    }
)
_SKIPPED = frozenset({"media", "mediaSingle", "mediaGroup", "extension", "embedCard"})


def adf_to_text(doc: Mapping[str, Any]) -> str:
    """An Atlassian Document Format document as plain, line-faithful text."""
    return _adf_blocks(doc.get("content") or [], sep="\n\n").strip("\n")


def _adf_blocks(nodes: Iterable[Any], *, sep: str) -> str:
    parts = [_adf_block(n) for n in nodes if isinstance(n, dict)]
    return sep.join(p for p in parts if p.strip())


def _adf_block(node: Mapping[str, Any]) -> str:
    kind = node.get("type")
    content = node.get("content") or []
    attrs = node.get("attrs") or {}
    if kind in _INLINE:
        return _adf_inline([node])
    if kind == "paragraph":
        return _adf_inline(content)
    if kind == "heading":
        text = _adf_inline(content)
        return f"{'#' * int(attrs.get('level') or 1)} {text}" if text else ""
    if kind == "codeBlock":
        code = "".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
        return _fence(code, str(attrs.get("language") or ""))
    if kind == "blockquote":
        return _quote(_adf_blocks(content, sep="\n\n"))
    if kind in ("bulletList", "orderedList", "taskList", "decisionList"):
        return _adf_list(node)
    if kind == "rule":
        return "---"
    if kind == "table":
        rows = []
        for row in content:
            cells = [_adf_blocks(c.get("content") or [], sep=" ") for c in row.get("content") or []]
            rows.append("| " + " | ".join(c.replace("\n", " ") for c in cells) + " |")
        return "\n".join(rows)
    if kind in _SKIPPED:
        return ""
    if kind in ("expand", "nestedExpand") and attrs.get("title"):
        return str(attrs["title"]) + "\n\n" + _adf_blocks(content, sep="\n\n")
    # panel, layouts, bodied extensions, anything new: keep what they contain.
    if content and all(isinstance(c, dict) and c.get("type") in _INLINE for c in content):
        return _adf_inline(content)
    return _adf_blocks(content, sep="\n\n")


def _adf_list(node: Mapping[str, Any]) -> str:
    kind = node.get("type")
    number = int((node.get("attrs") or {}).get("order") or 1)
    lines = []
    for item in node.get("content") or []:
        if not isinstance(item, dict):
            continue
        if kind == "orderedList":
            marker = f"{number}. "
            number += 1
        elif item.get("type") == "taskItem":
            done = (item.get("attrs") or {}).get("state") == "DONE"
            marker = "- [x] " if done else "- [ ] "
        else:
            marker = "- "
        inner = item.get("content") or []
        if item.get("type") in ("taskItem", "decisionItem") and all(
            isinstance(c, dict) and c.get("type") in _INLINE for c in inner
        ):
            body = _adf_inline(inner)
        else:
            body = _adf_blocks(inner, sep="\n")
        indent = " " * len(marker)
        body_lines = body.split("\n") or [""]
        lines.append(marker + body_lines[0])
        lines.extend(indent + line if line else "" for line in body_lines[1:])
    return "\n".join(lines)


def _adf_inline(nodes: Iterable[Any]) -> str:
    out: list[str] = []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        kind = node.get("type")
        attrs = node.get("attrs") or {}
        if kind == "text":
            text = str(node.get("text", ""))
            marks = {m.get("type") for m in node.get("marks") or [] if isinstance(m, dict)}
            out.append(_code_span(text) if "code" in marks else text)
        elif kind == "hardBreak":
            out.append("\n")
        elif kind == "mention":
            # The display name, never the accountId: this text is shown to people.
            name = str(attrs.get("text") or "").strip()
            out.append(name if name.startswith("@") else f"@{name or 'someone'}")
        elif kind == "emoji":
            out.append(str(attrs.get("text") or attrs.get("shortName") or ""))
        elif kind == "inlineCard":
            out.append(str(attrs.get("url") or ""))
        elif kind == "date":
            out.append(_adf_date(attrs.get("timestamp")))
        elif kind == "status":
            out.append(str(attrs.get("text") or ""))
        elif node.get("content"):
            out.append(_adf_inline(node["content"]))
        elif "text" in node:
            out.append(str(node["text"]))
    return "".join(out)


def _adf_date(timestamp: Any) -> str:
    try:
        moment = datetime.fromtimestamp(int(timestamp) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
    return moment.date().isoformat()  # date nodes are midnight UTC of the chosen day


def _code_span(text: str) -> str:
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _fence(code: str, language: str = "") -> str:
    fence = "`" * max(3, max((len(m) for m in re.findall(r"`{3,}", code)), default=0) + 1)
    return f"{fence}{language}\n{code.strip(chr(10))}\n{fence}"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


# -- text: wiki markup (Server/DC, v2) -------------------------------------------------

# Not inside {{monospace}}: "{{code}}" is the word "code", not a block.
_WIKI_BLOCK = re.compile(r"(?<!\{)\{(code|noformat|quote)(?::([^}]*))?\}(?!\})", re.IGNORECASE)
_WIKI_MENTION = re.compile(r"\[~(accountid:)?([^\]]+)\]", re.IGNORECASE)
_WIKI_NOISE = re.compile(r"\{(?:color|panel)(?::[^}]*)?\}", re.IGNORECASE)
_WIKI_HEADING = re.compile(r"^(\s*)h([1-6])\.\s+")
_WIKI_BQ = re.compile(r"^\s*bq\.\s?")


def wiki_to_text(text: str) -> str:
    """Jira wiki markup as plain, line-faithful text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\n{3,}", "\n\n", _wiki(text)).strip("\n")


def _wiki(text: str) -> str:
    out: list[str] = []
    pos = 0
    while (match := _WIKI_BLOCK.search(text, pos)) is not None:
        out.append(_wiki_lines(text[pos : match.start()]))
        tag = match.group(1).lower()
        # The closing tag carries no parameters; an unclosed block runs to the
        # end, so code is never mistaken for commands.
        close = re.compile(r"(?<!\{)\{" + tag + r"\}(?!\})", re.IGNORECASE).search(
            text, match.end()
        )
        end = close.start() if close else len(text)
        inner = text[match.end() : end]
        pos = close.end() if close else len(text)
        if tag == "quote":
            quoted = re.sub(r"\n{3,}", "\n\n", _wiki(inner)).strip("\n")
            out.append("\n\n" + _quote(quoted) + "\n\n")
        else:
            # {code:java} names the language; {code:title=x|borderStyle=y} does not.
            first = (match.group(2) or "").split("|")[0]
            language = first if tag == "code" and "=" not in first else ""
            out.append("\n\n" + _fence(inner, language.strip()) + "\n\n")
    out.append(_wiki_lines(text[pos:]))
    return "".join(out)


def _wiki_lines(text: str) -> str:
    lines = []
    for line in _WIKI_NOISE.sub("", text).split("\n"):
        line = _WIKI_MENTION.sub(lambda m: "@someone" if m.group(1) else f"@{m.group(2)}", line)
        if _WIKI_BQ.match(line):
            line = "\n> " + _WIKI_BQ.sub("", line) + "\n"
        else:
            line = _WIKI_HEADING.sub(lambda m: m.group(1) + "#" * int(m.group(2)) + " ", line)
        lines.append(line)
    return "\n".join(lines)
