"""JiraSource against a fake Jira over real HTTP, with the real ``jira`` client.

Both deployments run through the same tests where the behaviour is the same:
Cloud (``/rest/api/3/search/jql``, tokens, ADF) and Data Center
(``/rest/api/2/search``, offsets, wiki markup). Request counts are asserted
where SPEC §8 makes them a promise. No test sleeps: waits go to a recorder.
"""

from __future__ import annotations

import email.utils
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followthrough.sources.jira import (
    SEARCH_FIELDS,
    JiraSource,
    JiraTicket,
    JiraUnavailable,
    adf_to_text,
    build_search_jql,
    format_jql_since,
    strip_order_by,
    wiki_to_text,
)
from tests.fakes.jira import FakeJira

BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)  # a Monday
JQL = "project = OPS AND labels = commitment"
ADA = ("acc-1", "Ada", "ada@acme.io")
BO = ("acc-2", "Bo", None)

BOTH = pytest.mark.parametrize("fake_jira", ["Cloud", "DataCenter"], indirect=True)


class Sleeps(list[float]):
    """Stands in for time.sleep: records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def source(fake_jira: FakeJira, sleeps: Sleeps) -> Iterator[JiraSource]:
    with open_source(fake_jira, sleep=sleeps) as src:
        yield src


def open_source(fake: FakeJira, **kwargs: Any) -> JiraSource:
    kwargs.setdefault("backoff", 0.0)
    return JiraSource(
        server=fake.url, token=fake.token, email=fake.email if fake.cloud else None, **kwargs
    )


def search_path(fake: FakeJira) -> str:
    return "/rest/api/3/search/jql" if fake.cloud else "/rest/api/2/search"


def api(fake: FakeJira) -> str:
    return "/rest/api/3" if fake.cloud else "/rest/api/2"


def fetch_all(src: JiraSource, jql: str = JQL, since: datetime | None = None) -> list[JiraTicket]:
    return [t for page in src.fetch_tickets(jql, since=since) for t in page.tickets]


def add(fake: FakeJira, key: str, *, at: datetime = T0, **kwargs: Any) -> None:
    kwargs.setdefault("labels", ("commitment",))
    fake.add_issue(key, summary=f"Ticket {key}", created=at, **kwargs)


def texts(ticket: JiraTicket) -> dict[str, str]:
    return {t.id: t.body for t in ticket.texts}


# -- search, paging, cost ---------------------------------------------------------------


@BOTH
def test_cold_sync_pages_through_the_search_with_exact_request_count(
    fake_jira: FakeJira, sleeps: Sleeps
) -> None:
    for n in range(1, 6):
        add(fake_jira, f"OPS-{n}", at=T0 + timedelta(hours=n))
    add(fake_jira, "OPS-99", labels=())  # not a commitment
    add(fake_jira, "WEB-1")  # another project

    with open_source(fake_jira, page_size=2, sleep=sleeps) as src:
        pages = list(src.fetch_tickets(JQL, since=None))
        assert src.requests == 2 + 3  # serverInfo + myself, then ⌈5/2⌉ pages

    assert [[t.thread.key for t in p.tickets] for p in pages] == [
        ["OPS-1", "OPS-2"],
        ["OPS-3", "OPS-4"],
        ["OPS-5"],
    ]
    assert pages[0].last_updated_at == T0 + timedelta(hours=2)
    assert pages[-1].last_updated_at == T0 + timedelta(hours=5)
    assert fake_jira.count() == 5
    assert fake_jira.count("GET", search_path(fake_jira)) == 3
    assert [r.path for r in fake_jira.requests[:2]] == [
        "/rest/api/2/serverInfo",
        "/rest/api/2/myself",
    ]
    # Never the field catalogue, never a detail request for complete tickets.
    assert fake_jira.count(path_prefix=f"{api(fake_jira)}/field") == 0
    assert fake_jira.count(path_prefix=f"{api(fake_jira)}/issue") == 0
    assert sleeps == []


def test_cloud_never_touches_the_removed_search_endpoints(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    for n in range(1, 4):
        add(fake_jira, f"OPS-{n}")
    assert len(fetch_all(source)) == 3
    assert source.deployment == "Cloud"
    paths = {r.path for r in fake_jira.requests}
    assert "/rest/api/2/search" not in paths
    assert "/rest/api/3/search" not in paths
    assert all(r.status != 410 for r in fake_jira.requests)
    assert fake_jira.last_query("/rest/api/3/search/jql").get("nextPageToken") is None


def test_cloud_follows_next_page_tokens(fake_jira: FakeJira, sleeps: Sleeps) -> None:
    for n in range(1, 8):
        add(fake_jira, f"OPS-{n}", at=T0 + timedelta(minutes=n))
    with open_source(fake_jira, page_size=3, sleep=sleeps) as src:
        keys = [t.thread.key for t in fetch_all(src)]
    assert keys == [f"OPS-{n}" for n in range(1, 8)]
    tokens = [r.query.get("nextPageToken") for r in fake_jira.requests if "search" in r.path]
    assert tokens[0] is None
    assert all(t is not None for t in tokens[1:])
    assert len(tokens) == 3


@pytest.mark.parametrize("deployment", ["Cloud", "DataCenter"])
def test_server_serving_fewer_than_asked_is_paged_by_what_came_back(
    deployment: str, sleeps: Sleeps
) -> None:
    with FakeJira(deployment=deployment, max_page=2) as fake:
        for n in range(1, 6):
            add(fake, f"OPS-{n}", at=T0 + timedelta(minutes=n))
        with open_source(fake, sleep=sleeps) as src:
            keys = [t.thread.key for t in fetch_all(src)]
            assert src.requests == 2 + 3
    assert keys == [f"OPS-{n}" for n in range(1, 6)]


@BOTH
def test_warm_sync_costs_one_search_and_reads_deployment_and_zone_once(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1")
    assert len(fetch_all(source)) == 1
    assert source.requests == 3

    # Nothing changed since: the next run costs a single search request.
    assert fetch_all(source, since=T0 + timedelta(hours=1)) == []
    assert source.requests == 4
    assert fake_jira.count(path_prefix="/rest/api/2/serverInfo") == 1
    assert fake_jira.count(path_prefix="/rest/api/2/myself") == 1


@BOTH
def test_search_asks_only_for_needed_fields_in_updated_order(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1")
    fetch_all(source, jql="project = OPS ORDER BY created DESC")
    query = fake_jira.last_query(search_path(fake_jira))
    assert query["fields"] == [",".join(SEARCH_FIELDS)]
    assert set(query["fields"][0].split(",")) == {
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
    }
    assert query["expand"] == ["changelog"]
    assert query["maxResults"] == ["100"]
    # The user's ORDER BY is dropped: a sync reads by update time.
    assert query["jql"] == ["(project = OPS) ORDER BY updated ASC, key ASC"]


@BOTH
def test_since_is_written_in_the_jira_users_zone_rounded_down_to_the_minute(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    # The fake user is in Berlin (+01:00 in November).
    add(fake_jira, "OPS-1", at=datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    add(fake_jira, "OPS-2", at=datetime(2026, 11, 23, 8, 30, 5, tzinfo=UTC))  # same minute
    add(fake_jira, "OPS-3", at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    since = datetime(2026, 11, 23, 8, 30, 45, tzinfo=UTC)

    keys = [t.thread.key for t in fetch_all(source, since=since)]

    jql = fake_jira.last_query(search_path(fake_jira))["jql"][0]
    assert jql == f'({JQL}) AND updated >= "2026/11/23 09:30" ORDER BY updated ASC, key ASC'
    # Rounded down, so a ticket 40 s before `since` is read again (overlap), not missed.
    assert keys == ["OPS-2", "OPS-3"]


def test_since_follows_a_user_zone_west_of_utc(sleeps: Sleeps) -> None:
    with FakeJira(user_tz="America/New_York") as fake:
        add(fake, "OPS-1", at=datetime(2026, 11, 23, 14, 0, tzinfo=UTC))
        with open_source(fake, sleep=sleeps) as src:
            keys = [
                t.thread.key
                for t in fetch_all(src, since=datetime(2026, 11, 23, 13, 59, 59, tzinfo=UTC))
            ]
        assert keys == ["OPS-1"]
        assert (
            'updated >= "2026/11/23 08:59"' in fake.last_query("/rest/api/3/search/jql")["jql"][0]
        )


def test_format_jql_since_never_lands_after_since() -> None:
    # 02:30 happens twice in Berlin on 2026-10-25; Jira might read the later one.
    first_0230 = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert format_jql_since(first_0230, zone=BERLIN) == "2026/10/25 01:30"
    assert format_jql_since(datetime(2026, 7, 1, 12, 0, 59, tzinfo=UTC), zone=BERLIN) == (
        "2026/07/01 14:00"
    )
    # Without a known zone, UTC wall time minus 12 hours is early enough anywhere.
    assert format_jql_since(datetime(2026, 7, 1, 12, 0, tzinfo=UTC), zone=None) == (
        "2026/07/01 00:00"
    )
    with pytest.raises(ValueError, match="aware"):
        format_jql_since(datetime(2026, 7, 1, 12, 0), zone=BERLIN)


@pytest.mark.parametrize(
    ("jql", "expected"),
    [
        ("project = OPS ORDER BY created DESC", "project = OPS"),
        ("project = OPS order   by rank", "project = OPS"),
        ('labels = "order by x" ORDER BY key', 'labels = "order by x"'),
        (
            "summary ~ 'a \\' order by' AND project = OPS",
            "summary ~ 'a \\' order by' AND project = OPS",
        ),
        ("reorder = 1", "reorder = 1"),
        ("ORDER BY created", ""),
    ],
)
def test_strip_order_by(jql: str, expected: str) -> None:
    assert strip_order_by(jql) == expected


def test_build_search_jql_without_a_filter_or_since() -> None:
    assert build_search_jql("", since=None) == "ORDER BY updated ASC, key ASC"
    assert build_search_jql("ORDER BY key", since="2026/11/23 09:30") == (
        'updated >= "2026/11/23 09:30" ORDER BY updated ASC, key ASC'
    )


@BOTH
def test_tickets_edited_mid_scan_are_neither_lost_nor_repeated(
    fake_jira: FakeJira, sleeps: Sleeps
) -> None:
    for n in range(1, 6):
        add(fake_jira, f"OPS-{n}", at=T0 + timedelta(minutes=n))
    with open_source(fake_jira, page_size=2, sleep=sleeps) as src:
        pages = src.fetch_tickets(JQL, since=None)
        first = next(pages)
        # OPS-1, already read, is edited: it jumps to the end and OPS-3 slides
        # back onto the first page, behind the offset.
        fake_jira.touch("OPS-1", at=T0 + timedelta(hours=1))
        rest = list(pages)

    seen = [str(t.thread.key) for p in [first, *rest] for t in p.tickets]
    assert sorted(set(seen)) == [f"OPS-{n}" for n in range(1, 6)]
    # OPS-1 comes twice (the edit is news), nothing else does.
    assert sorted(seen) == ["OPS-1", "OPS-1", "OPS-2", "OPS-3", "OPS-4", "OPS-5"]


@BOTH
def test_repeats_across_pages_are_dropped(fake_jira: FakeJira, sleeps: Sleeps) -> None:
    for n in range(1, 4):
        add(fake_jira, f"OPS-{n}")  # identical `updated`: key order breaks the tie
    with open_source(fake_jira, page_size=2, sleep=sleeps) as src:
        keys = [t.thread.key for t in fetch_all(src)]
        assert src.requests == 2 + 2
    assert keys == ["OPS-1", "OPS-2", "OPS-3"]


# -- records -------------------------------------------------------------------------------


@BOTH
def test_ticket_maps_to_thread_texts_and_events(fake_jira: FakeJira, source: JiraSource) -> None:
    add(fake_jira, "OPS-7", reporter=ADA, assignee=BO, duedate="2026-12-04")
    fake_jira.set_duedate("OPS-7", "2026-12-11", at=T0 + timedelta(days=1), author=BO)
    fake_jira.transition("OPS-7", "In Progress", "indeterminate", at=T0 + timedelta(days=2))
    cid = fake_jira.add_comment("OPS-7", author=BO, body="/done", created=T0 + timedelta(days=3))
    fake_jira.resolve("OPS-7", "Done", at=T0 + timedelta(days=4))

    (ticket,) = fetch_all(source)
    thread = ticket.thread
    server = fake_jira.url
    assert thread.id == "jira:OPS-7"
    assert (thread.source, thread.kind, thread.repo, thread.key) == ("jira", "jira", "OPS", "OPS-7")
    assert thread.number is None
    assert thread.url == f"{server}/browse/OPS-7"
    assert thread.title == "Ticket OPS-7"
    assert (thread.author, thread.author_name, thread.author_email) == ADA
    assert thread.author_type == "User"
    assert thread.assignees == ("acc-2",)
    assert thread.assignee_names == ("Bo",)
    assert thread.assignee_emails == (None,)
    assert thread.due_date == "2026-12-11"
    assert thread.created_at == T0
    assert thread.created_at.utcoffset() == timedelta(hours=1)
    assert thread.updated_at == T0 + timedelta(days=4)
    assert (thread.resolution, thread.status, thread.status_category) == ("Done", "Done", "done")
    assert thread.resolution_date == T0 + timedelta(days=4)
    assert thread.status_category_changed_at == T0 + timedelta(days=4)
    assert (thread.state, thread.closed_at) == ("closed", T0 + timedelta(days=4))

    description, comment = ticket.texts
    assert description.id == "jira:OPS-7:description"
    assert (description.kind, description.author, description.created_at) == (
        "description",
        "acc-1",
        T0,
    )
    assert description.author_email == "ada@acme.io"
    assert comment.id == f"jira:OPS-7:comment:{cid}"
    assert (comment.kind, comment.author, comment.author_name, comment.body) == (
        "comment",
        "acc-2",
        "Bo",
        "/done",
    )
    assert comment.author_email is None
    assert comment.created_at == comment.updated_at == T0 + timedelta(days=3)
    assert comment.thread_id == "jira:OPS-7"

    assert [(e.kind, e.from_value, e.to_value, e.at - T0) for e in ticket.events] == [
        ("duedate", "2026-12-04", "2026-12-11", timedelta(days=1)),
        ("status", "To Do", "In Progress", timedelta(days=2)),
        ("resolution", None, "Done", timedelta(days=4)),
        ("status", "In Progress", "Done", timedelta(days=4)),
    ]
    first = ticket.events[0]
    assert first.id.startswith("jira:OPS-7:history:")
    assert first.id.endswith(":duedate")
    assert first.actor == "acc-2"
    assert {e.thread_id for e in ticket.events} == {"jira:OPS-7"}


def test_data_center_users_are_known_by_name(sleeps: Sleeps) -> None:
    with FakeJira(deployment="DataCenter") as fake:
        add(fake, "OPS-1", reporter=("ada", "Ada L.", "ada@acme.io"), assignee=("bo", "Bo", None))
        with open_source(fake, sleep=sleeps) as src:
            (ticket,) = fetch_all(src)
    assert (ticket.thread.author, ticket.thread.assignees) == ("ada", ("bo",))


@BOTH
def test_due_date_set_after_creation_is_an_event_from_nothing(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1")
    fake_jira.set_duedate("OPS-1", "2026-12-04", at=T0 + timedelta(hours=1))
    fake_jira.set_duedate("OPS-1", None, at=T0 + timedelta(hours=2))
    (ticket,) = fetch_all(source)
    assert [(e.from_value, e.to_value) for e in ticket.events] == [
        (None, "2026-12-04"),
        ("2026-12-04", None),
    ]
    assert ticket.thread.due_date is None


@BOTH
@pytest.mark.parametrize("resolution", ["Done", "Won't Do"])
def test_resolution_name_is_kept_for_done_versus_wont_do(
    fake_jira: FakeJira, source: JiraSource, resolution: str
) -> None:
    add(fake_jira, "OPS-1", assignee=BO)
    fake_jira.resolve("OPS-1", resolution, at=T0 + timedelta(days=1))
    (ticket,) = fetch_all(source)
    assert ticket.thread.resolution == resolution
    assert ticket.thread.state == "closed"
    assert ticket.events[0].kind == "resolution"
    assert ticket.events[0].to_value == resolution


@BOTH
def test_reopened_ticket_is_open_with_the_whole_story(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1", assignee=BO)
    fake_jira.resolve("OPS-1", "Done", at=T0 + timedelta(days=1))
    fake_jira.reopen("OPS-1", at=T0 + timedelta(days=2))
    (ticket,) = fetch_all(source)
    thread = ticket.thread
    assert (thread.state, thread.resolution, thread.resolution_date, thread.closed_at) == (
        "open",
        None,
        None,
        None,
    )
    assert (thread.status, thread.status_category) == ("Reopened", "new")
    assert [(e.kind, e.from_value, e.to_value) for e in ticket.events] == [
        ("resolution", None, "Done"),
        ("status", "To Do", "Done"),
        ("resolution", "Done", None),
        ("status", "Done", "Reopened"),
    ]


@BOTH
def test_workflow_without_resolution_closes_by_status_category(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1", assignee=BO)
    fake_jira.transition("OPS-1", "Shipped", "done", at=T0 + timedelta(days=1))
    (ticket,) = fetch_all(source)
    assert ticket.thread.resolution is None
    assert ticket.thread.state == "closed"
    assert ticket.thread.closed_at == T0 + timedelta(days=1)


@BOTH
def test_unassigned_ticket_and_app_reporter(fake_jira: FakeJira, source: JiraSource) -> None:
    add(fake_jira, "OPS-1", reporter=("app-automation", "Automation for Jira", None))
    (ticket,) = fetch_all(source)
    assert ticket.thread.assignees == ()
    assert ticket.thread.assignee_names == ()
    expected = "Bot" if fake_jira.cloud else "User"  # only Cloud says accountType "app"
    assert ticket.thread.author_type == expected
    assert ticket.texts[0].author_type == expected


@BOTH
def test_description_edit_time_comes_from_the_changelog(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1", description="/promise notes by Friday")
    fake_jira.add_history(
        "OPS-1",
        at=T0 + timedelta(hours=3),
        items=[{"field": "description", "from": None, "to": None}],
    )
    (ticket,) = fetch_all(source)
    description = ticket.texts[0]
    assert description.created_at == T0
    assert description.updated_at == T0 + timedelta(hours=3)
    assert ticket.events == []  # description edits are not events


# -- truncated changelogs and comments ----------------------------------------------------------


@BOTH
def test_long_changelog_is_fetched_once_for_that_ticket_only(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1", duedate="2026-12-01")
    add(fake_jira, "OPS-2")
    fake_jira.set_duedate("OPS-1", "2026-12-04", at=T0 + timedelta(minutes=1))  # the 1st history
    for n in range(45):
        fake_jira.add_history(
            "OPS-1",
            at=T0 + timedelta(minutes=2 + n),
            items=[{"field": "labels", "from": None, "to": f"l{n}"}],
        )
    fake_jira.set_duedate("OPS-1", "2026-12-18", at=T0 + timedelta(hours=2))  # the 47th
    fake_jira.set_duedate("OPS-2", "2026-12-05", at=T0 + timedelta(hours=3))

    tickets = {t.thread.key: t for t in fetch_all(source)}

    changelog = f"{api(fake_jira)}/issue/OPS-1/changelog"
    assert fake_jira.count("GET", changelog) == 1
    assert fake_jira.count(path_prefix=f"{api(fake_jira)}/issue/") == 1
    assert fake_jira.last_query(changelog) == {"startAt": ["0"], "maxResults": ["100"]}
    assert source.requests == 2 + 1 + 1
    assert [(e.from_value, e.to_value) for e in tickets["OPS-1"].events] == [
        ("2026-12-01", "2026-12-04"),
        ("2026-12-04", "2026-12-18"),
    ]
    assert [e.to_value for e in tickets["OPS-2"].events] == ["2026-12-05"]


@BOTH
def test_very_long_changelog_is_paged(fake_jira: FakeJira, source: JiraSource) -> None:
    add(fake_jira, "OPS-1")
    for n in range(150):
        fake_jira.add_history(
            "OPS-1",
            at=T0 + timedelta(minutes=n + 1),
            items=[{"field": "duedate", "from": None, "to": f"2027-01-{n % 28 + 1:02d}"}],
        )
    (ticket,) = fetch_all(source)
    assert len(ticket.events) == 150
    assert len({e.id for e in ticket.events}) == 150
    assert fake_jira.count("GET", f"{api(fake_jira)}/issue/OPS-1/changelog") == 2


def test_data_center_without_changelog_endpoint_reads_the_issue(sleeps: Sleeps) -> None:
    with FakeJira(deployment="DataCenter", changelog_endpoint=False) as fake:
        for key in ("OPS-1", "OPS-2"):
            add(fake, key)
            for n in range(41):
                fake.set_duedate(key, f"2027-01-{n % 28 + 1:02d}", at=T0 + timedelta(minutes=n))
        with open_source(fake, sleep=sleeps) as src:
            tickets = fetch_all(src)
        assert [len(t.events) for t in tickets] == [41, 41]
        # One 404 teaches the source; the second ticket goes straight to the issue.
        assert fake.count("GET", "/rest/api/2/issue/OPS-1/changelog") == 1
        assert fake.count("GET", "/rest/api/2/issue/OPS-2/changelog") == 0
        issue_reads = [r.path for r in fake.requests if r.path.endswith(("OPS-1", "OPS-2"))]
        assert issue_reads == ["/rest/api/2/issue/OPS-1", "/rest/api/2/issue/OPS-2"]
        assert fake.last_query("/rest/api/2/issue/OPS-2") == {
            "fields": ["created"],
            "expand": ["changelog"],
        }


@BOTH
def test_comments_beyond_the_embedded_page_are_fetched(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1")
    add(fake_jira, "OPS-2")
    ids = [
        fake_jira.add_comment(
            "OPS-1", author=BO, body=f"comment {n}", created=T0 + timedelta(minutes=n)
        )
        for n in range(25)
    ]
    fake_jira.add_comment("OPS-2", author=BO, body="only one", created=T0)

    tickets = {t.thread.key: t for t in fetch_all(source)}

    comments = [t for t in tickets["OPS-1"].texts if t.kind == "comment"]
    assert [c.id for c in comments] == [f"jira:OPS-1:comment:{i}" for i in ids]
    assert comments[-1].body == "comment 24"
    assert fake_jira.count("GET", f"{api(fake_jira)}/issue/OPS-1/comment") == 1
    assert fake_jira.count(path_prefix=f"{api(fake_jira)}/issue/OPS-2") == 0
    assert len(tickets["OPS-2"].texts) == 2


@BOTH
def test_a_deleted_comment_is_absent(fake_jira: FakeJira, source: JiraSource) -> None:
    add(fake_jira, "OPS-1")
    keep = fake_jira.add_comment("OPS-1", author=BO, body="/kudos @Ada", created=T0)
    gone = fake_jira.add_comment("OPS-1", author=BO, body="/drop", created=T0)
    fake_jira.delete_comment("OPS-1", gone, at=T0 + timedelta(minutes=5))
    (ticket,) = fetch_all(source)
    assert set(texts(ticket)) == {"jira:OPS-1:description", f"jira:OPS-1:comment:{keep}"}


# -- text ---------------------------------------------------------------------------------------

WIKI = """Plan for the week:
/promise send the retro notes by Friday noon
  /PROMISE review the runbook within 2 days
{code:java}
/done
/promise not a promise by Monday
{code}
{noformat}/drop inside noformat{noformat}
bq. /revise Monday because quoted
{quote}
/kudos @bo quoted too
{quote}
thanks [~acc-2] /kudos-not-a-line
/kudos [~acc-2] for the fix"""


def test_cloud_text_from_adf_keeps_commands_and_fences_code(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    add(fake_jira, "OPS-1", description=WIKI, reporter=ADA, assignee=BO)
    (ticket,) = fetch_all(source)
    assert texts(ticket)["jira:OPS-1:description"] == (
        "Plan for the week:\n\n"
        "/promise send the retro notes by Friday noon\n\n"
        "  /PROMISE review the runbook within 2 days\n\n"
        "```java\n/done\n/promise not a promise by Monday\n```\n\n"
        "```\n/drop inside noformat\n```\n\n"
        "> /revise Monday because quoted\n\n"
        "> /kudos @bo quoted too\n\n"
        "thanks @Bo /kudos-not-a-line\n\n"
        "/kudos @Bo for the fix"
    )


def test_data_center_text_from_wiki_keeps_commands_and_fences_code(sleeps: Sleeps) -> None:
    with FakeJira(deployment="DataCenter") as fake:
        add(fake, "OPS-1", description=WIKI)
        with open_source(fake, sleep=sleeps) as src:
            (ticket,) = fetch_all(src)
    assert texts(ticket)["jira:OPS-1:description"] == (
        "Plan for the week:\n"
        "/promise send the retro notes by Friday noon\n"
        "  /PROMISE review the runbook within 2 days\n\n"
        "```java\n/done\n/promise not a promise by Monday\n```\n\n"
        "```\n/drop inside noformat\n```\n\n"
        "> /revise Monday because quoted\n\n"
        "> /kudos @bo quoted too\n\n"
        "thanks @acc-2 /kudos-not-a-line\n"
        "/kudos @acc-2 for the fix"
    )


def test_cloud_comment_served_as_adf_document(fake_jira: FakeJira, source: JiraSource) -> None:
    doc = {
        "type": "doc",
        "version": 1,
        "content": [
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "Sure."},
                    {"type": "hardBreak"},
                    {"type": "text", "text": "/promise ship the fix by "},
                    {"type": "date", "attrs": {"timestamp": "1796256000000"}},
                ],
            },
            {
                "type": "codeBlock",
                "attrs": {"language": "bash"},
                "content": [{"type": "text", "text": "/done\n```nested```"}],
            },
            {
                "type": "blockquote",
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": "/drop old"}]},
                    {"type": "paragraph", "content": [{"type": "text", "text": "/done old"}]},
                ],
            },
            {
                "type": "paragraph",
                "content": [
                    {"type": "text", "text": "/kudos "},
                    {"type": "mention", "attrs": {"id": "557058:f1c2", "text": "@Bo Berg"}},
                    {"type": "text", "text": " for "},
                    {"type": "text", "text": "/done", "marks": [{"type": "code"}]},
                ],
            },
            {
                "type": "bulletList",
                "content": [
                    {
                        "type": "listItem",
                        "content": [
                            {"type": "paragraph", "content": [{"type": "text", "text": "one"}]},
                            {
                                "type": "orderedList",
                                "attrs": {"order": 3},
                                "content": [
                                    {
                                        "type": "listItem",
                                        "content": [
                                            {
                                                "type": "paragraph",
                                                "content": [{"type": "text", "text": "nested"}],
                                            }
                                        ],
                                    }
                                ],
                            },
                        ],
                    }
                ],
            },
            {"type": "mediaSingle", "content": [{"type": "media", "attrs": {"id": "x"}}]},
            {
                "type": "panel",
                "attrs": {"panelType": "info"},
                "content": [
                    {"type": "paragraph", "content": [{"type": "text", "text": "/done 2"}]}
                ],
            },
        ],
    }
    add(fake_jira, "OPS-1")
    cid = fake_jira.add_comment("OPS-1", author=BO, body=doc, created=T0)
    (ticket,) = fetch_all(source)
    assert texts(ticket)[f"jira:OPS-1:comment:{cid}"] == (
        "Sure.\n/promise ship the fix by 2026-12-03\n\n"
        "````bash\n/done\n```nested```\n````\n\n"
        "> /drop old\n>\n> /done old\n\n"
        "/kudos @Bo Berg for `/done`\n\n"
        "- one\n  3. nested\n\n"
        "/done 2"
    )
    assert "557058" not in texts(ticket)[f"jira:OPS-1:comment:{cid}"]


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"type": "doc", "content": []}, ""),
        (
            {
                "type": "doc",
                "content": [
                    {
                        "type": "heading",
                        "attrs": {"level": 2},
                        "content": [{"type": "text", "text": "Plan"}],
                    },
                    {
                        "type": "taskList",
                        "content": [
                            {
                                "type": "taskItem",
                                "attrs": {"state": "DONE"},
                                "content": [{"type": "text", "text": "a"}],
                            },
                            {
                                "type": "taskItem",
                                "attrs": {"state": "TODO"},
                                "content": [{"type": "text", "text": "b"}],
                            },
                        ],
                    },
                ],
            },
            "## Plan\n\n- [x] a\n- [ ] b",
        ),
        (
            {
                "type": "doc",
                "content": [
                    {
                        "type": "paragraph",
                        "content": [
                            {"type": "mention", "attrs": {"id": "557058:abc"}},
                            {"type": "emoji", "attrs": {"shortName": ":tada:", "text": "🎉"}},
                            {"type": "inlineCard", "attrs": {"url": "https://x.test/1"}},
                            {"type": "status", "attrs": {"text": "BLOCKED"}},
                        ],
                    }
                ],
            },
            "@someone🎉https://x.test/1BLOCKED",
        ),
    ],
)
def test_adf_to_text(doc: dict[str, Any], expected: str) -> None:
    assert adf_to_text(doc) == expected


@pytest.mark.parametrize(
    ("wiki", "expected"),
    [
        ("", ""),
        ("a\r\nb", "a\nb"),
        ("h2. /promise x by Friday", "## /promise x by Friday"),
        ("{code}\n/done\n", "```\n/done\n```"),  # an unclosed block stays code
        ("x {{code}} y", "x {{code}} y"),
        ("{code:title=a.py|borderStyle=solid}/done{code}", "```\n/done\n```"),
        ("{color:red}/promise x by Friday{color}", "/promise x by Friday"),
        ("hi [~accountid:557058:abc]", "hi @someone"),
        ("{quote}a\n{code}/done{code}\nb{quote}", "> a\n>\n> ```\n> /done\n> ```\n>\n> b"),
    ],
)
def test_wiki_to_text(wiki: str, expected: str) -> None:
    assert wiki_to_text(wiki) == expected


# -- failures --------------------------------------------------------------------------------------


@BOTH
def test_bad_jql_shows_jiras_message(fake_jira: FakeJira, source: JiraSource) -> None:
    with pytest.raises(JiraUnavailable) as caught:
        fetch_all(source, jql="projekt = OPS")
    assert str(caught.value) == (
        "Jira rejected the JQL: Field 'projekt' does not exist or you do not have "
        "permission to view it."
    )
    assert fake_jira.count(path_prefix=search_path(fake_jira)) == 1  # a 400 is not retried


@BOTH
def test_jql_syntax_error_message(fake_jira: FakeJira, source: JiraSource) -> None:
    with pytest.raises(JiraUnavailable, match=r"^Jira rejected the JQL: Error in the JQL Query: "):
        fetch_all(source, jql="project = OPS labels = x")


@pytest.mark.parametrize(
    ("deployment", "email", "message"),
    [
        (
            "Cloud",
            "sync@acme.io",
            "Jira rejected the credentials (401) — check JIRA_EMAIL/JIRA_API_TOKEN",
        ),
        (
            "DataCenter",
            None,
            "Jira rejected the credentials (401) — check JIRA_API_TOKEN (alone it is used as a "
            "Data Center personal access token; set JIRA_EMAIL too for Jira Cloud)",
        ),
    ],
)
def test_rejected_credentials_message_is_exact_and_token_free(
    deployment: str, email: str | None, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong = "not-the-token-0xDEADBEEF"
    with FakeJira(deployment=deployment) as fake:
        src = JiraSource(server=fake.url, token=wrong, email=email, backoff=0.0)
        with src, pytest.raises(JiraUnavailable) as caught:
            fetch_all(src)
        assert str(caught.value) == message
        assert src.requests == 1  # a 401 is not retried
        assert fake.requests[0].status == 401
    for text in (str(caught.value), repr(src), caplog.text, repr(caught.value.__cause__)):
        assert wrong not in text
    assert caught.value.__cause__ is None  # no chained JIRAError with headers


def test_anonymous_access_refused(sleeps: Sleeps) -> None:
    with FakeJira() as fake:
        src = JiraSource(server=fake.url, token=None, email=None, sleep=sleeps)
        with src, pytest.raises(JiraUnavailable) as caught:
            fetch_all(src)
    assert str(caught.value) == (
        "Jira requires credentials (401) — set JIRA_API_TOKEN (and JIRA_EMAIL for Cloud)"
    )


@BOTH
def test_forbidden_and_removed_api_messages(fake_jira: FakeJira, source: JiraSource) -> None:
    path = search_path(fake_jira)
    fake_jira.fail(
        path, status=403, body={"errorMessages": ["You do not have permission."], "errors": {}}
    )
    with pytest.raises(JiraUnavailable) as caught:
        fetch_all(source)
    assert str(caught.value) == (
        "Jira refused access (403) to the search — check the account's permissions: "
        "You do not have permission."
    )
    fake_jira.fail(
        path, status=410, body={"errorMessages": ["The requested API has been removed."]}
    )
    with pytest.raises(JiraUnavailable) as caught:
        fetch_all(source)
    assert str(caught.value) == (
        "Jira removed the API used for the search (410): The requested API has been removed."
    )


def test_jira_messages_never_echo_the_token(fake_jira: FakeJira, source: JiraSource) -> None:
    fake_jira.fail(
        "/search/jql",
        status=400,
        body={"errorMessages": [f"Bad query from {fake_jira.token}"], "errors": {}},
    )
    with pytest.raises(JiraUnavailable) as caught:
        fetch_all(source)
    assert str(caught.value) == "Jira rejected the JQL: Bad query from ***"


@BOTH
def test_429_storm_recovers_with_identical_results(fake_jira: FakeJira, sleeps: Sleeps) -> None:
    for n in range(1, 4):
        add(fake_jira, f"OPS-{n}", at=T0 + timedelta(minutes=n))
        fake_jira.set_duedate(f"OPS-{n}", "2026-12-04", at=T0 + timedelta(hours=n))
    with open_source(fake_jira, page_size=2, sleep=sleeps) as src:
        calm = fetch_all(src)
        calm_requests = src.requests

    fake_jira.fail(search_path(fake_jira), status=429, times=4, headers={"Retry-After": "0"})
    with open_source(fake_jira, page_size=2, sleep=sleeps) as src:
        stormy = fetch_all(src)
        assert src.requests == calm_requests + 4
    assert stormy == calm
    assert sleeps == [0.0] * 4  # Retry-After: 0 means now, not "at least a second"


def test_retry_after_is_honoured_exactly(
    fake_jira: FakeJira, source: JiraSource, sleeps: Sleeps
) -> None:
    fake_jira.fail("/myself", status=503, headers={"Retry-After": "1"})
    fake_jira.fail("/search/jql", status=429, headers={"Retry-After": "1"})
    assert fetch_all(source) == []
    assert sleeps == [1.0, 1.0]


def test_retry_after_as_http_date_is_measured_on_the_servers_clock(
    fake_jira: FakeJira, source: JiraSource, sleeps: Sleeps
) -> None:
    # Measured against the response's Date header (second precision), so 2-3 s.
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
    fake_jira.fail("/search/jql", status=429, headers={"Retry-After": later})
    assert fetch_all(source) == []
    assert len(sleeps) == 1
    assert 2.0 <= sleeps[0] <= 3.0


def test_retry_after_real_sleep_of_zero(fake_jira: FakeJira) -> None:
    fake_jira.fail("/search/jql", status=429, times=2, headers={"Retry-After": "0"})
    with open_source(fake_jira) as src:  # the real time.sleep
        assert fetch_all(src) == []
        assert src.requests == 2 + 3


def test_too_long_retry_after_fails_at_once(fake_jira: FakeJira, source: JiraSource) -> None:
    fake_jira.fail("/search/jql", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(JiraUnavailable) as caught:
        fetch_all(source)
    assert str(caught.value) == (
        "Jira is rate-limiting the search (429) and asked to wait 3600 s — try again later"
    )
    assert fake_jira.count(path_prefix="/rest/api/3/search/jql") == 1


def test_429_storm_longer_than_the_retries_gives_up(fake_jira: FakeJira, sleeps: Sleeps) -> None:
    fake_jira.fail("/search/jql", status=429, times=10, headers={"Retry-After": "0"})
    with open_source(fake_jira, max_retries=2, sleep=sleeps) as src:
        with pytest.raises(JiraUnavailable) as caught:
            fetch_all(src)
        assert src.requests == 2 + 3
    assert str(caught.value) == "Jira failed the search (HTTP 429) 3 times — try again later"


@BOTH
def test_5xx_is_retried_with_backoff_then_given_up(fake_jira: FakeJira, sleeps: Sleeps) -> None:
    add(fake_jira, "OPS-1")
    fake_jira.fail(search_path(fake_jira), status=502, times=2, body="<html>Bad gateway</html>")
    with open_source(fake_jira, sleep=sleeps, backoff=1.0, max_retries=3) as src:
        assert len(fetch_all(src)) == 1
        assert src.requests == 2 + 3
    assert len(sleeps) == 2
    assert 0.5 <= sleeps[0] <= 1.0  # exponential, jittered
    assert 1.0 <= sleeps[1] <= 2.0

    fake_jira.fail(search_path(fake_jira), status=500, times=10)
    with open_source(fake_jira, sleep=sleeps, max_retries=3) as src:
        with pytest.raises(JiraUnavailable) as caught:
            fetch_all(src)
        assert src.requests == 2 + 4
    assert str(caught.value) == "Jira failed the search (HTTP 500) 4 times — try again later"


def test_slow_response_beyond_the_timeout_is_retried(fake_jira: FakeJira, sleeps: Sleeps) -> None:
    add(fake_jira, "OPS-1")
    fake_jira.fail("/search/jql", status=None, delay=0.6)
    with open_source(fake_jira, timeout=0.2, sleep=sleeps) as src:
        assert [t.thread.key for t in fetch_all(src)] == ["OPS-1"]
        assert src.requests == 2 + 2
    assert fake_jira.count(path_prefix="/rest/api/3/search/jql") == 2


def test_every_attempt_timing_out_is_a_clear_error(fake_jira: FakeJira, sleeps: Sleeps) -> None:
    fake_jira.fail("/serverInfo", status=None, delay=0.3, times=2)
    src = open_source(fake_jira, timeout=0.1, max_retries=1, sleep=sleeps)
    with src, pytest.raises(JiraUnavailable) as caught:
        _ = src.deployment
    assert str(caught.value) == (
        f"Jira at {fake_jira.url} is unreachable (no answer within 0.1 s) after 2 attempts"
    )


def test_dropped_connection_is_retried(fake_jira: FakeJira, source: JiraSource) -> None:
    add(fake_jira, "OPS-1")
    fake_jira.fail("/search/jql", status=None, drop=True)
    assert len(fetch_all(source)) == 1
    assert source.requests == 2 + 2


def test_connection_dropped_every_time_names_the_cause(fake_jira: FakeJira, sleeps: Sleeps) -> None:
    fake_jira.fail("/serverInfo", status=None, drop=True, times=5)
    src = open_source(fake_jira, max_retries=1, sleep=sleeps)
    with src, pytest.raises(JiraUnavailable) as caught:
        fetch_all(src)
    assert str(caught.value) == (
        f"Jira at {fake_jira.url} is unreachable (Remote end closed connection without "
        "response) after 2 attempts"
    )


def test_a_login_page_instead_of_json_is_a_clear_error(
    fake_jira: FakeJira, source: JiraSource
) -> None:
    fake_jira.fail("/serverInfo", status=200, body="<html><title>Log in</title></html>")
    with pytest.raises(JiraUnavailable) as caught:
        fetch_all(source)
    assert str(caught.value) == (
        f"Jira at {fake_jira.url} answered the server info request with something that is "
        "not JSON — check [jira] server"
    )


def test_server_deployment_uses_the_offset_search(sleeps: Sleeps) -> None:
    with FakeJira(deployment="Server") as fake:
        add(fake, "OPS-1")
        with open_source(fake, sleep=sleeps) as src:
            assert [t.thread.key for t in fetch_all(src)] == ["OPS-1"]
            assert src.deployment == "Server"
        assert fake.count("GET", "/rest/api/2/search") == 1


def test_unreachable_server_is_a_clear_error(sleeps: Sleeps) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    src = JiraSource(
        server=f"http://127.0.0.1:{port}", token="t", email=None, max_retries=2, sleep=sleeps
    )
    with src, pytest.raises(JiraUnavailable) as caught:
        fetch_all(src)
    assert str(caught.value) == (
        f"Jira at http://127.0.0.1:{port} is unreachable (Connection refused) after 3 attempts"
    )
    assert src.requests == 3
    assert len(sleeps) == 2


def test_settings_are_checked_before_any_request() -> None:
    with pytest.raises(JiraUnavailable, match=r"^\[jira\] server must be a URL"):
        JiraSource(server="acme.atlassian.net", token="t", email=None)
    with pytest.raises(JiraUnavailable, match=r"^JIRA_EMAIL is set but JIRA_API_TOKEN is not$"):
        JiraSource(server="https://acme.atlassian.net", token=None, email="a@b.c")
    with pytest.raises(ValueError, match="timeout"):
        JiraSource(server="https://acme.atlassian.net", token="t", email=None, timeout=120)
    src = JiraSource(server="https://acme.atlassian.net/", token="s3cret", email="a@b.c")
    assert src.server == "https://acme.atlassian.net"
    assert "s3cret" not in repr(src)
    assert src.requests == 0
