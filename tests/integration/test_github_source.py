"""GitHubSource against the fake GitHub over real HTTP: mapping, cost, faults, posting.

Nothing of followthrough is mocked: PyGithub's Requester, urllib3's retries and
the socket timeouts all run. Waits are kept to Retry-After 0/1 and 1 s timeouts.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from followthrough.records import (
    EventRecord,
    MilestoneRecord,
    MilestoneRef,
    ReviewRecord,
    TextRecord,
    ThreadRecord,
)
from followthrough.sources.github import GitHubSource, GitHubUnavailable, RepoInfo
from tests.fakes.github import FakeGitHub

TOKEN = "ghp_s3cretT0kenValue"
MARKER = "<!-- followthrough:digest 2026-W47 -->"

MakeSource = Callable[..., GitHubSource]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def make_source(fake_github: FakeGitHub) -> Iterator[MakeSource]:
    """GitHubSource factory: small pages, no pause, no backoff; closed after the test."""
    made: list[GitHubSource] = []

    def make(**kwargs: Any) -> GitHubSource:
        options: dict[str, Any] = {
            "api_url": fake_github.url,
            "token": fake_github.token,
            "per_page": 2,
            "pause": 0.0,
            "backoff": 0.0,
            "timeout": 5,
        }
        options.update(kwargs)
        source = GitHubSource(**options)
        made.append(source)
        return source

    yield make
    for source in made:
        source.close()


@pytest.fixture
def fake(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add_repo("acme/api")
    return fake_github


def issues_paths(fake: FakeGitHub) -> list[str]:
    return [r.path for r in fake.requests]


def add_issues(fake: FakeGitHub, count: int) -> None:
    for i in range(count):
        fake.add_issue("acme/api", title=f"issue {i}", created_at=f"2026-11-{10 + i}T09:00:00Z")


# -- listings: pages, cost, since ----------------------------------------------------


def test_issues_are_read_page_by_page_following_the_link_header(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    add_issues(fake, 5)
    source = make_source()
    source.fetch_repos(["acme/api"])

    pages = source.fetch_issues("acme/api", since=None)
    first = next(pages)
    # the next page is not requested before the caller asks for it
    assert fake.count("GET", "/repos/acme/api/issues") == 1
    rest = list(pages)

    assert [[t.number for t in p.threads] for p in [first, *rest]] == [[1, 2], [3, 4], [5]]
    assert [p.last_updated_at for p in [first, *rest]] == [
        utc("2026-11-11T09:00:00Z"),
        utc("2026-11-13T09:00:00Z"),
        utc("2026-11-14T09:00:00Z"),
    ]
    assert fake.count("GET", "/repos/acme/api/issues") == 3
    assert source.requests == len(fake.requests) == 4  # the repo + 3 pages
    assert [r.query.get("page") for r in fake.requests[1:]] == [None, "2", "3"]


def test_issue_listing_asks_for_all_states_oldest_change_first_since_the_watermark(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    add_issues(fake, 4)  # updated 11-10 .. 11-13
    fake.add_comment("acme/api", 1, user="bob", body="bump", created_at="2026-11-20T08:00:00Z")
    source = make_source(per_page=100)
    source.fetch_repos(["acme/api"])

    pages = list(source.fetch_issues("acme/api", since=datetime(2026, 11, 12, 10, tzinfo=UTC)))

    assert [t.number for p in pages for t in p.threads] == [4, 1]  # 1 was bumped by the comment
    assert fake.requests[-1].query == {
        "state": "all",
        "sort": "updated",
        "direction": "asc",
        "since": "2026-11-12T10:00:00Z",
        "per_page": "100",
    }


def test_comment_listings_are_repo_wide_since_the_watermark(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    add_issues(fake, 2)
    pr = fake.add_pr("acme/api", title="PR", created_at="2026-11-01T00:00:00Z")
    fake.add_comment("acme/api", 1, user="bob", body="old", created_at="2026-11-01T00:00:00Z")
    new = fake.add_comment("acme/api", 2, user="bob", body="new", created_at="2026-11-21T00:00:00Z")
    fake.add_review_comment("acme/api", pr, user="eve", body="old", created_at="2026-11-01T00:00Z")
    newer = fake.add_review_comment(
        "acme/api", pr, user="eve", body="new", created_at="2026-11-22T00:00:00Z"
    )
    source = make_source()
    since = datetime(2026, 11, 20, tzinfo=UTC)

    comments = [t.id for p in source.fetch_issue_comments("acme/api", since=since) for t in p.texts]
    reviews = [t.id for p in source.fetch_review_comments("acme/api", since=since) for t in p.texts]

    assert comments == [f"github:acme/api#2:comment:{new}"]
    assert reviews == [f"github:acme/api#{pr}:review-comment:{newer}"]
    assert [(r.path, r.query) for r in fake.requests] == [
        (
            "/repos/acme/api/issues/comments",
            {
                "sort": "updated",
                "direction": "asc",
                "since": "2026-11-20T00:00:00Z",
                "per_page": "2",
            },
        ),
        (
            "/repos/acme/api/pulls/comments",
            {
                "sort": "updated",
                "direction": "asc",
                "since": "2026-11-20T00:00:00Z",
                "per_page": "2",
            },
        ),
    ]


def test_owner_star_lists_the_org_without_archived_repos_but_keeps_a_named_archived_one(
    fake_github: FakeGitHub, make_source: MakeSource
) -> None:
    fake_github.add_repo("acme/web")
    fake_github.add_repo("acme/api", private=True)
    fake_github.add_repo("acme/old", archived=True)
    fake_github.add_repo("acme/zoo", archived=True)
    fake_github.add_repo("other/lib")
    source = make_source()

    repos = source.fetch_repos(["acme/*", "acme/old", "other/lib", "acme/api"])

    assert repos == [
        RepoInfo("acme/api", private=True, archived=False, html_url="https://github.com/acme/api"),
        RepoInfo("acme/web", private=False, archived=False, html_url="https://github.com/acme/web"),
        RepoInfo("acme/old", private=False, archived=True, html_url="https://github.com/acme/old"),
        RepoInfo(
            "other/lib", private=False, archived=False, html_url="https://github.com/other/lib"
        ),
    ]
    # 4 repos in pages of 2, then only the repo the listing did not show
    assert issues_paths(fake_github) == ["/orgs/acme/repos"] * 2 + ["/repos/other/lib"]
    assert fake_github.requests[0].query == {"type": "all", "per_page": "2"}
    assert source.fetch_repo_private("acme/api") is True
    assert source.requests == 3  # privacy came from the cache


def test_owner_star_falls_back_to_a_users_repos(
    fake_github: FakeGitHub, make_source: MakeSource
) -> None:
    fake_github.add_repo("mona/dots", owner_type="User")
    fake_github.add_repo("mona/blog", owner_type="User")
    source = make_source()

    repos = source.fetch_repos(["mona/*"])

    assert [r.full_name for r in repos] == ["mona/blog", "mona/dots"]
    assert [(r.path, r.status) for r in fake_github.requests] == [
        ("/orgs/mona/repos", 404),
        ("/users/mona/repos", 200),
    ]


def test_unknown_owner_and_repo_are_named(fake: FakeGitHub, make_source: MakeSource) -> None:
    source = make_source()
    with pytest.raises(GitHubUnavailable) as owner:
        source.fetch_repos(["nobody/*"])
    with pytest.raises(GitHubUnavailable) as repo:
        source.fetch_repos(["acme/nope"])
    assert str(owner.value) == "GitHub owner nobody not found or not visible to this token"
    assert str(repo.value) == "GitHub repo acme/nope not found or not visible to this token"


def test_fetch_issues_without_fetch_repos_looks_the_repo_up_once(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    add_issues(fake, 1)
    source = make_source()
    list(source.fetch_issues("acme/api", since=None))
    list(source.fetch_issues("acme/api", since=None))
    assert issues_paths(fake) == ["/repos/acme/api"] + ["/repos/acme/api/issues"] * 2


# -- mapping -------------------------------------------------------------------------


def test_every_thread_and_body_field_is_mapped(
    fake_github: FakeGitHub, make_source: MakeSource
) -> None:
    fake_github.add_repo("acme/api", private=True)
    fake_github.add_milestone("acme/api", number=3, title="Sprint 9", due_on="2026-12-04T08:00:00Z")
    n = fake_github.add_issue(
        "acme/api",
        title="Ship the notes",
        body="/promise notes by Friday",
        user="octocat",
        created_at="2026-11-23T09:00:00Z",
        labels=["commitment", "docs"],
        assignees=["alice", "bob"],
        milestone=3,
    )
    fake_github.close("acme/api", n, at="2026-11-25T10:00:00Z", actor="alice", reason="not_planned")
    pr = fake_github.add_pr(
        "acme/api", title="fix: it", user="dependabot[bot]", user_type="Bot",
        created_at="2026-11-24T09:00:00Z",
    )  # fmt: skip
    fake_github.merge("acme/api", pr, at="2026-11-26T11:30:00Z", actor="alice")
    source = make_source()
    source.fetch_repos(["acme/api"])

    (page,) = source.fetch_issues("acme/api", since=None)

    assert page.threads == [
        ThreadRecord(
            id="github:acme/api#1",
            source="github",
            kind="issue",
            repo="acme/api",
            number=1,
            key=None,
            url="https://github.com/acme/api/issues/1",
            title="Ship the notes",
            author="octocat",
            author_name=None,
            author_type="User",
            created_at=utc("2026-11-23T09:00:00Z"),
            updated_at=utc("2026-11-25T10:00:00Z"),
            state="closed",
            state_reason="not_planned",
            closed_at=utc("2026-11-25T10:00:00Z"),
            merged_at=None,
            labels=("commitment", "docs"),
            assignees=("alice", "bob"),
            assignee_names=(None, None),
            milestone=MilestoneRef(number=3, title="Sprint 9", due_on="2026-12-04T08:00:00Z"),
            private=True,
        ),
        ThreadRecord(
            id="github:acme/api#2",
            source="github",
            kind="pr",
            repo="acme/api",
            number=2,
            key=None,
            url="https://github.com/acme/api/pull/2",
            title="fix: it",
            author="dependabot[bot]",
            author_name=None,
            author_type="Bot",
            created_at=utc("2026-11-24T09:00:00Z"),
            updated_at=utc("2026-11-26T11:30:00Z"),
            state="closed",
            state_reason=None,
            closed_at=utc("2026-11-26T11:30:00Z"),
            merged_at=utc("2026-11-26T11:30:00Z"),
            private=True,
        ),
    ]
    assert page.bodies == [
        TextRecord(
            id="github:acme/api#1:body",
            thread_id="github:acme/api#1",
            kind="body",
            author="octocat",
            author_name=None,
            author_type="User",
            created_at=utc("2026-11-23T09:00:00Z"),
            updated_at=utc("2026-11-25T10:00:00Z"),
            body="/promise notes by Friday",
            url="https://github.com/acme/api/issues/1",
        ),
        TextRecord(
            id="github:acme/api#2:body",
            thread_id="github:acme/api#2",
            kind="body",
            author="dependabot[bot]",
            author_name=None,
            author_type="Bot",
            created_at=utc("2026-11-24T09:00:00Z"),
            updated_at=utc("2026-11-26T11:30:00Z"),
            body="",  # GitHub sends null for an empty body
            url="https://github.com/acme/api/pull/2",
        ),
    ]
    assert page.last_updated_at == utc("2026-11-26T11:30:00Z")


def test_a_lone_assignee_field_still_names_the_owner(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.add_issue("acme/api", title="t", created_at="2026-11-23T09:00:00Z", assignees=["carol"])
    fake.fail(
        r"/issues$",
        status=200,
        body=[{**fake.issue("acme/api", 1), "assignees": None}],
    )
    source = make_source()
    (page,) = source.fetch_issues("acme/api", since=None)
    assert page.threads[0].assignees == ("carol",)


def test_comment_and_review_comment_fields_are_mapped(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.add_issue("acme/api", title="t", created_at="2026-11-01T00:00:00Z")
    pr = fake.add_pr("acme/api", title="p", created_at="2026-11-01T00:00:00Z")
    c = fake.add_comment("acme/api", 1, user="bob", body="/done", created_at="2026-11-23T09:00:00Z")
    fake.edit_comment(c, body="/done 1", at="2026-11-23T09:30:00Z")
    rc = fake.add_review_comment(
        "acme/api", pr, user="eve", body="/promise tests by EOD", created_at="2026-11-24T12:00:00Z"
    )
    source = make_source()

    (comments,) = source.fetch_issue_comments("acme/api", since=None)
    (reviews,) = source.fetch_review_comments("acme/api", since=None)

    assert comments.texts == [
        TextRecord(
            id=f"github:acme/api#1:comment:{c}",
            thread_id="github:acme/api#1",
            kind="comment",
            author="bob",
            author_name=None,
            author_type="User",
            created_at=utc("2026-11-23T09:00:00Z"),
            updated_at=utc("2026-11-23T09:30:00Z"),
            body="/done 1",
            url=f"https://github.com/acme/api/issues/1#issuecomment-{c}",
        )
    ]
    assert comments.last_updated_at == utc("2026-11-23T09:30:00Z")
    assert reviews.texts == [
        TextRecord(
            id=f"github:acme/api#{pr}:review-comment:{rc}",
            thread_id=f"github:acme/api#{pr}",
            kind="review-comment",
            author="eve",
            author_name=None,
            author_type="User",
            created_at=utc("2026-11-24T12:00:00Z"),
            updated_at=utc("2026-11-24T12:00:00Z"),
            body="/promise tests by EOD",
            url=f"https://github.com/acme/api/pull/{pr}#discussion_r{rc}",
        )
    ]


def test_milestones_events_and_reviews_are_mapped(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.add_milestone("acme/api", number=1, title="W47", due_on="2026-11-20T08:00:00Z")
    fake.add_milestone("acme/api", number=2, title="W48", due_on=None, state="closed")
    n = fake.add_issue("acme/api", title="t", created_at="2026-11-01T00:00:00Z")
    fake.add_label("acme/api", n, "commitment", at="2026-11-02T00:00:00Z", actor="alice")
    fake.set_milestone("acme/api", n, 1, at="2026-11-03T00:00:00Z", actor="alice")
    fake.set_milestone("acme/api", n, 2, at="2026-11-04T00:00:00Z", actor="bob")
    fake.add_event("acme/api", n, "assigned", at="2026-11-04T01:00:00Z", actor="bob")
    fake.close("acme/api", n, at="2026-11-05T00:00:00Z", actor="alice", reason="not_planned")
    fake.reopen("acme/api", n, at="2026-11-06T00:00:00Z", actor="alice")
    fake.remove_label("acme/api", n, "commitment", at="2026-11-07T00:00:00Z", actor="alice")
    pr = fake.add_pr("acme/api", title="p", created_at="2026-11-01T00:00:00Z")
    fake.merge("acme/api", pr, at="2026-11-08T00:00:00Z", actor="carol")
    r1 = fake.add_review("acme/api", pr, user="hubot", submitted_at="2026-11-07T10:00:00Z")
    fake.add_review("acme/api", pr, user="zed", state="PENDING", submitted_at="2026-11-07T11:00Z")
    r3 = fake.add_review(
        "acme/api", pr, user="ci[bot]", user_type="Bot", state="COMMENTED",
        submitted_at="2026-11-07T12:00:00Z",
    )  # fmt: skip
    source = make_source(per_page=100)

    milestones = source.fetch_milestones("acme/api")
    events = source.fetch_issue_events("acme/api", n)
    merged = source.fetch_issue_events("acme/api", pr)
    reviews = source.fetch_reviews("acme/api", pr)

    stamp = utc("2020-01-01T00:00:00Z")  # the fake's default milestone updated_at
    assert milestones == [
        MilestoneRecord("github:acme/api:milestone:1", "acme/api", 1, "W47",
                        "2026-11-20T08:00:00Z", stamp),
        MilestoneRecord("github:acme/api:milestone:2", "acme/api", 2, "W48", None, stamp),
    ]  # fmt: skip
    assert fake.requests[0].query == {"state": "all", "per_page": "100"}
    thread = f"github:acme/api#{n}"
    ids = [e.id.rsplit(":", 1)[1] for e in events]
    assert [(e.kind, e.at, e.actor, e.name, e.state_reason) for e in events] == [
        ("labeled", utc("2026-11-02T00:00:00Z"), "alice", "commitment", None),
        ("milestoned", utc("2026-11-03T00:00:00Z"), "alice", "W47", None),
        ("demilestoned", utc("2026-11-04T00:00:00Z"), "bob", "W47", None),
        ("milestoned", utc("2026-11-04T00:00:00Z"), "bob", "W48", None),
        ("closed", utc("2026-11-05T00:00:00Z"), "alice", None, "not_planned"),
        ("reopened", utc("2026-11-06T00:00:00Z"), "alice", None, None),
        ("unlabeled", utc("2026-11-07T00:00:00Z"), "alice", "commitment", None),
    ]  # "assigned" is not read
    assert events[0] == EventRecord(
        id=f"{thread}:event:{ids[0]}",
        thread_id=thread,
        kind="labeled",
        at=utc("2026-11-02T00:00:00Z"),
        actor="alice",
        name="commitment",
    )
    assert [(e.kind, e.actor) for e in merged] == [("merged", "carol"), ("closed", "carol")]
    assert reviews == [
        ReviewRecord(f"github:acme/api#{pr}:review:{r1}", f"github:acme/api#{pr}", "hubot",
                     "User", "APPROVED", utc("2026-11-07T10:00:00Z")),
        ReviewRecord(f"github:acme/api#{pr}:review:{r3}", f"github:acme/api#{pr}", "ci[bot]",
                     "Bot", "COMMENTED", utc("2026-11-07T12:00:00Z")),
    ]  # fmt: skip
    assert source.requests == 4


def test_a_full_sync_reads_listings_only(fake: FakeGitHub, make_source: MakeSource) -> None:
    add_issues(fake, 3)
    pr = fake.add_pr("acme/api", title="p", created_at="2026-11-01T00:00:00Z")
    fake.merge("acme/api", pr, at="2026-11-02T00:00:00Z", actor="bob")
    fake.add_review("acme/api", pr, user="eve", submitted_at="2026-11-02T00:00:00Z")
    for n in (1, 2, pr):
        fake.add_comment("acme/api", n, user="bob", body="c", created_at="2026-11-20T00:00:00Z")
    fake.add_review_comment("acme/api", pr, user="eve", body="r", created_at="2026-11-20T00:00Z")
    source = make_source()

    source.fetch_repos(["acme/api"])
    threads = [t for p in source.fetch_issues("acme/api", since=None) for t in p.threads]
    list(source.fetch_issue_comments("acme/api", since=None))
    list(source.fetch_review_comments("acme/api", since=None))
    source.fetch_milestones("acme/api")
    source.fetch_issue_events("acme/api", 1)
    source.fetch_reviews("acme/api", pr)

    assert len(threads) == 4
    per_item = re.compile(r"/(issues|pulls)/(comments/)?\d+$|/users/[^/]+$")
    assert [r.path for r in fake.requests if per_item.search(r.path)] == []
    # 1 repo + ⌈4/2⌉ issues + ⌈3/2⌉ comments + 1 review comments + 1 milestones + 1 + 1
    assert source.requests == len(fake.requests) == 1 + 2 + 2 + 1 + 1 + 1 + 1


def test_thread_comments_list_one_thread_and_show_deletions(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.add_issue("acme/api", title="t", created_at="2026-11-01T00:00:00Z")
    pr = fake.add_pr("acme/api", title="p", created_at="2026-11-01T00:00:00Z")
    c1 = fake.add_comment("acme/api", 1, user="bob", body="a", created_at="2026-11-01T00:00:00Z")
    c2 = fake.add_comment("acme/api", 1, user="bob", body="b", created_at="2026-11-01T01:00:00Z")
    fake.add_comment("acme/api", pr, user="bob", body="elsewhere", created_at="2026-11-01T00Z")
    rc = fake.add_review_comment("acme/api", pr, user="bob", body="x", created_at="2026-11-01T00Z")
    source = make_source(per_page=100)

    listed = source.fetch_thread_comments("acme/api", 1, kind="comment")
    assert listed is not None and listed.texts is not None
    assert [t.id for t in listed.texts] == [
        f"github:acme/api#1:comment:{c1}",
        f"github:acme/api#1:comment:{c2}",
    ]
    assert listed.etag
    # Unchanged: a conditional request, answered 304 without a body.
    same = source.fetch_thread_comments("acme/api", 1, kind="comment", etag=listed.etag)
    assert same is not None and same.texts is None and same.etag == listed.etag
    assert fake.requests[-1].status == 304
    fake.delete_comment(c1)
    fake.delete_review_comment(rc)
    after = source.fetch_thread_comments("acme/api", 1, kind="comment", etag=listed.etag)
    assert after is not None and after.texts is not None
    assert [t.id for t in after.texts] == [f"github:acme/api#1:comment:{c2}"]
    assert after.etag != listed.etag
    reviews = source.fetch_thread_comments("acme/api", pr, kind="review-comment")
    assert reviews is not None and reviews.texts == []
    assert issues_paths(fake)[:3] == ["/repos/acme/api/issues/1/comments"] * 3
    # A thread that answers 404 proves nothing about its comments.
    assert source.fetch_thread_comments("acme/api", 99, kind="comment") is None
    fake.fail(r"/issues/1/comments$", status=403, body={"message": "Forbidden"})
    with pytest.raises(GitHubUnavailable):
        source.fetch_thread_comments("acme/api", 1, kind="comment")


def test_thread_comments_over_several_pages_carry_no_etag(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.add_issue("acme/api", title="t", created_at="2026-11-01T00:00:00Z")
    for i in range(5):
        fake.add_comment("acme/api", 1, user="bob", body=str(i), created_at=f"2026-11-01T0{i}:00Z")
    source = make_source(per_page=2)
    listed = source.fetch_thread_comments("acme/api", 1, kind="comment")
    assert listed is not None and listed.texts is not None
    assert len(listed.texts) == 5
    assert listed.etag is None  # page 1 unchanged would not prove pages 2-3 unchanged


# -- faults --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_error_is_retried(fake: FakeGitHub, make_source: MakeSource, status: int) -> None:
    add_issues(fake, 1)
    fake.fail(r"/issues$", status=status)
    source = make_source()
    source.fetch_repos(["acme/api"])

    (page,) = source.fetch_issues("acme/api", since=None)

    assert len(page.threads) == 1
    assert [r.status for r in fake.requests] == [200, status, 200]
    assert source.requests == 3


def test_retries_back_off_exponentially(fake: FakeGitHub, make_source: MakeSource) -> None:
    add_issues(fake, 1)
    fake.fail(r"/issues$", status=502, times=3)
    source = make_source(backoff=0.05)
    source.fetch_repos(["acme/api"])

    started = time.monotonic()
    list(source.fetch_issues("acme/api", since=None))

    assert time.monotonic() - started >= 0.05 + 0.1 + 0.2
    assert fake.count("GET", "/repos/acme/api/issues") == 4


def test_a_retry_after_longer_than_allowed_is_not_waited_for(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.fail(r"/issues$", status=503, headers={"Retry-After": "3600"})
    source = make_source()
    source.fetch_repos(["acme/api"])

    with pytest.raises(GitHubUnavailable) as err:
        list(source.fetch_issues("acme/api", since=None))

    assert str(err.value) == (
        f"GitHub at {fake.url} is unavailable while reading acme/api issues and asks to wait "
        "3600 s, longer than the 900 s allowed; 2 requests were made this run"
    )


def test_5xx_that_never_ends_gives_up_after_six_attempts(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.fail(r"/issues$", status=502, times=10)
    source = make_source()
    source.fetch_repos(["acme/api"])

    with pytest.raises(GitHubUnavailable) as err:
        list(source.fetch_issues("acme/api", since=None))

    assert str(err.value) == (
        f"GitHub at {fake.url} kept failing while reading acme/api issues: "
        "502 Server Error (6 attempts)"
    )
    assert fake.count("GET", "/repos/acme/api/issues") == 6
    assert source.requests == 7


def test_429_with_retry_after_is_honoured(fake: FakeGitHub, make_source: MakeSource) -> None:
    add_issues(fake, 1)
    fake.fail(r"/issues$", status=429, headers={"Retry-After": "1"})
    source = make_source()
    source.fetch_repos(["acme/api"])

    started = time.monotonic()
    (page,) = source.fetch_issues("acme/api", since=None)

    assert time.monotonic() - started >= 0.9
    assert len(page.threads) == 1
    assert [r.status for r in fake.requests[1:]] == [429, 200]


def test_secondary_rate_limit_403_is_retried(fake: FakeGitHub, make_source: MakeSource) -> None:
    add_issues(fake, 1)
    fake.fail_secondary_rate_limit(r"/issues$", retry_after=0)
    source = make_source()
    source.fetch_repos(["acme/api"])

    (page,) = source.fetch_issues("acme/api", since=None)

    assert len(page.threads) == 1
    assert [r.status for r in fake.requests[1:]] == [403, 200]


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_without_retry_after_waits_a_minute_or_says_so(
    fake: FakeGitHub, make_source: MakeSource, status: int
) -> None:
    fake.fail_secondary_rate_limit(r"/issues$", retry_after=None, status=status)
    source = make_source(max_rate_wait=30)
    source.fetch_repos(["acme/api"])

    with pytest.raises(GitHubUnavailable) as err:
        list(source.fetch_issues("acme/api", since=None))

    assert str(err.value) == (
        "GitHub secondary rate limit hit while reading acme/api issues; GitHub asks to wait "
        "60 s, longer than the 30 s followthrough may wait; 2 requests were made this run"
    )


def test_secondary_rate_limit_that_persists_stops_after_six_attempts(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.fail_secondary_rate_limit(r"/issues$", retry_after=0, times=10)
    source = make_source()
    source.fetch_repos(["acme/api"])

    with pytest.raises(GitHubUnavailable) as err:
        list(source.fetch_issues("acme/api", since=None))

    assert str(err.value) == (
        "GitHub secondary rate limit still hit while reading acme/api issues after retrying; "
        "7 requests were made this run"
    )
    assert fake.count("GET", "/repos/acme/api/issues") == 6


@pytest.mark.parametrize("status", [403, 429])
def test_primary_rate_limit_waits_for_the_reset_within_the_cap(
    fake: FakeGitHub, make_source: MakeSource, status: int
) -> None:
    add_issues(fake, 1)
    fake.fail_primary_rate_limit(r"/issues$", reset=int(time.time()), status=status)
    source = make_source()
    source.fetch_repos(["acme/api"])

    started = time.monotonic()
    (page,) = source.fetch_issues("acme/api", since=None)

    assert time.monotonic() - started >= 0.9  # reset is this second: wait it out (+1 s margin)
    assert len(page.threads) == 1
    assert [r.status for r in fake.requests[1:]] == [status, 200]


def test_primary_rate_limit_beyond_the_cap_says_when_it_resets(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    reset = int(time.time()) + 3600
    fake.fail_primary_rate_limit(r"/issues$", reset=reset)
    source = make_source(max_rate_wait=900)
    source.fetch_repos(["acme/api"])

    with pytest.raises(GitHubUnavailable) as err:
        list(source.fetch_issues("acme/api", since=None))

    when = datetime.fromtimestamp(reset, UTC).isoformat()
    assert str(err.value) == (
        f"GitHub API rate limit exhausted while reading acme/api issues; it resets at {when}, "
        "later than the 900 s followthrough may wait; 2 requests were made this run"
    )
    assert fake.count("GET", "/repos/acme/api/issues") == 1  # no pointless retries


def test_a_limit_spent_mid_sync_stops_with_the_servers_own_reset(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    add_issues(fake, 5)
    reset = int(time.time()) + 1800
    fake.set_rate_limit(limit=1000, remaining=3, reset=reset)
    source = make_source()
    source.fetch_repos(["acme/api"])
    pages = source.fetch_issues("acme/api", since=None)

    assert len(next(pages).threads) == 2
    assert len(next(pages).threads) == 2
    with pytest.raises(GitHubUnavailable) as err:
        next(pages)

    when = datetime.fromtimestamp(reset, UTC).isoformat()
    assert str(err.value) == (
        f"GitHub API rate limit exhausted while reading acme/api issues; it resets at {when}, "
        "later than the 900 s followthrough may wait; 4 requests were made this run"
    )


def test_a_response_slower_than_the_timeout_is_retried(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    add_issues(fake, 1)
    fake.fail(r"/issues$", delay=1.6)
    source = make_source(timeout=1)
    source.fetch_repos(["acme/api"])

    (page,) = source.fetch_issues("acme/api", since=None)

    assert len(page.threads) == 1
    assert fake.count("GET", "/repos/acme/api/issues") == 2
    assert source.requests == 3


def test_an_unreachable_server_is_reported_after_retries(make_source: MakeSource) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    source = make_source(api_url=f"http://127.0.0.1:{port}", token=TOKEN)

    with pytest.raises(GitHubUnavailable) as err:
        source.fetch_repos(["acme/api"])

    assert str(err.value) == (
        f"could not reach GitHub at http://127.0.0.1:{port}: Connection refused (6 attempts)"
    )
    assert source.requests == 6


def test_bad_token_missing_token_and_missing_scope_have_exact_messages(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    fake.token = TOKEN
    messages = []
    for token in ("ghp_wrong", None):
        with pytest.raises(GitHubUnavailable) as err:
            make_source(token=token).fetch_repos(["acme/api"])
        messages.append(str(err.value))
    fake.fail(
        r"/issues$",
        status=403,
        headers={"X-Accepted-GitHub-Permissions": "issues=read"},
        body={"message": "Resource not accessible by integration", "documentation_url": "x"},
    )
    with pytest.raises(GitHubUnavailable) as err:
        list(make_source(token=TOKEN).fetch_issues("acme/api", since=None))
    messages.append(str(err.value))

    assert messages == [
        "GitHub rejected the token (401 Bad credentials)",
        "GitHub requires a token for reading repo acme/api (401 Requires authentication); "
        "set GITHUB_TOKEN",
        "GitHub refused access while reading acme/api issues "
        "(403 Resource not accessible by integration); the token needs issues=read",
    ]
    assert fake.count("GET", "/repos/acme/api/issues") == 1  # a plain 403 is final
    assert not any(TOKEN in m or "ghp_wrong" in m for m in messages)


def test_a_missing_per_ticket_listing_reads_as_empty(
    fake: FakeGitHub, make_source: MakeSource, caplog: pytest.LogCaptureFixture
) -> None:
    # A ticket moved away (or a server without the listing) must not fail a whole sync.
    source = make_source()
    assert source.fetch_issue_events("acme/api", 99) == []
    assert source.fetch_reviews("acme/api", 99) == []
    assert "GitHub answered 404 for /repos/acme/api/issues/99/events; read as empty" in caplog.text


def test_unknown_digest_issue_is_named(fake: FakeGitHub, make_source: MakeSource) -> None:
    with pytest.raises(GitHubUnavailable) as err:
        make_source().post_or_update_comment(
            "acme/api#99",
            marker="<!-- followthrough:digest 2026-W47 -->",
            body="<!-- followthrough:digest 2026-W47 -->\nx",
        )
    assert str(err.value) == "GitHub issue acme/api#99 not found or not visible to this token"


def test_enterprise_base_url_with_a_trailing_slash(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    add_issues(fake, 3)
    source = make_source(api_url=fake.ghe_url + "/")

    source.fetch_repos(["acme/api"])
    numbers = [t.number for p in source.fetch_issues("acme/api", since=None) for t in p.threads]

    assert numbers == [1, 2, 3]
    assert [(r.prefix, r.path) for r in fake.requests] == [
        ("/api/v3", "/repos/acme/api"),
        ("/api/v3", "/repos/acme/api/issues"),
        ("/api/v3", "/repos/acme/api/issues"),
    ]
    assert source.api_url == fake.ghe_url


def test_bad_arguments_are_refused_before_any_request(
    fake: FakeGitHub, make_source: MakeSource
) -> None:
    source = make_source()
    with pytest.raises(ValueError, match="owner/name"):
        source.fetch_repos(["acme"])
    with pytest.raises(ValueError, match="aware"):
        list(source.fetch_issue_comments("acme/api", since=datetime(2026, 11, 1)))
    with pytest.raises(ValueError, match="marker"):
        source.post_or_update_comment("acme/api#1", marker=MARKER, body="no marker here")
    with pytest.raises(ValueError, match="owner/repo#N"):
        source.post_or_update_comment("acme/api", marker=MARKER, body=MARKER)
    assert fake.requests == []


# -- the digest comment --------------------------------------------------------------


@pytest.fixture
def team(fake_github: FakeGitHub) -> FakeGitHub:
    fake_github.add_repo("acme/team")
    fake_github.add_issue("acme/team", title="Digests", created_at="2026-11-01T00:00:00Z")
    return fake_github


def digest(text: str) -> str:
    return f"{MARKER}\n## Promises kept\n{text}\n"


def test_digest_is_created_once_then_edited_in_place_then_left_alone(
    team: FakeGitHub, make_source: MakeSource
) -> None:
    team.add_comment(
        "acme/team", 1, user="bob", body="<!-- other --> hi", created_at="2026-11-02T00Z"
    )
    team.add_comment(
        "acme/team", 1, user="bob", body=f"quoting <!-- x --> {MARKER}",
        created_at="2026-11-02T01:00:00Z",
    )  # fmt: skip
    source = make_source()

    first = source.post_or_update_comment("acme/team#1", marker=MARKER, body=digest("3 kept"))
    second = source.post_or_update_comment("acme/team#1", marker=MARKER, body=digest("4 kept"))
    writes = team.count("POST") + team.count("PATCH")
    third = source.post_or_update_comment("acme/team#1", marker=MARKER, body=digest("4 kept"))

    assert first.created is True
    assert (second.id, second.created) == (first.id, False)
    assert (third.id, third.created) == (first.id, False)
    assert third.url == f"https://github.com/acme/team/issues/1#issuecomment-{first.id}"
    ours = [c for c in team.comments("acme/team", 1) if c["body"].startswith(MARKER)]
    assert [c["body"] for c in ours] == [digest("4 kept")]
    assert (team.count("POST"), team.count("PATCH"), writes) == (1, 1, 2)


def test_the_marked_comment_is_found_on_a_later_page(
    team: FakeGitHub, make_source: MakeSource
) -> None:
    for i in range(4):
        team.add_comment("acme/team", 1, user="bob", body=f"c{i}", created_at="2026-11-02T00Z")
    marked = team.add_comment(
        "acme/team", 1, user="github-actions[bot]", body=digest("old"),
        created_at="2026-11-03T00:00:00Z",
    )  # fmt: skip
    source = make_source()

    posted = source.post_or_update_comment("acme/team#1", marker=MARKER, body=digest("new"))

    assert (posted.id, posted.created) == (marked, False)
    assert team.count("GET", "/repos/acme/team/issues/1/comments") == 3
    assert team.count("POST") == 0


def test_a_post_whose_answer_times_out_after_landing_is_not_repeated(
    team: FakeGitHub, make_source: MakeSource
) -> None:
    team.fail(r"/issues/1/comments$", method="POST", delay=1.6)
    source = make_source(timeout=1)

    posted = source.post_or_update_comment("acme/team#1", marker=MARKER, body=digest("x"))

    comments = team.comments("acme/team", 1)
    assert [c["id"] for c in comments] == [posted.id]
    assert posted.created is True
    assert team.count("POST") == 1
    assert team.count("GET", "/repos/acme/team/issues/1/comments") == 2


def test_a_post_that_failed_without_landing_is_made_once_more(
    team: FakeGitHub, make_source: MakeSource
) -> None:
    team.fail(r"/issues/1/comments$", method="POST", status=502)
    source = make_source()

    posted = source.post_or_update_comment("acme/team#1", marker=MARKER, body=digest("x"))

    assert [c["id"] for c in team.comments("acme/team", 1)] == [posted.id]
    assert [r.status for r in team.requests if r.method == "POST"] == [502, 201]


def test_a_post_refused_by_a_secondary_limit_waits_and_posts_once_more(
    team: FakeGitHub, make_source: MakeSource
) -> None:
    team.fail_secondary_rate_limit(r"/issues/1/comments$", method="POST", retry_after=0)
    source = make_source()

    posted = source.post_or_update_comment("acme/team#1", marker=MARKER, body=digest("x"))

    assert [c["id"] for c in team.comments("acme/team", 1)] == [posted.id]
    assert [r.status for r in team.requests if r.method == "POST"] == [403, 201]
    # refused means not created: no second look needed
    assert team.count("GET") == 1


def test_a_post_that_keeps_failing_stops_after_two_attempts(
    team: FakeGitHub, make_source: MakeSource
) -> None:
    team.fail(r"/issues/1/comments$", method="POST", status=500, times=5)
    source = make_source()

    with pytest.raises(GitHubUnavailable) as err:
        source.post_or_update_comment("acme/team#1", marker=MARKER, body=digest("x"))

    assert str(err.value) == (
        f"GitHub at {team.url} failed while posting on acme/team#1: 500 Internal Server Error"
    )
    assert team.count("POST") == 2
    assert team.comments("acme/team", 1) == []


def test_posting_without_write_access_is_explained(
    team: FakeGitHub, make_source: MakeSource
) -> None:
    team.fail(
        r"/issues/1/comments$",
        method="POST",
        status=403,
        body={"message": "Resource not accessible by integration"},
        headers={"X-Accepted-GitHub-Permissions": "issues=write; pull_requests=write"},
    )
    with pytest.raises(GitHubUnavailable) as err:
        make_source().post_or_update_comment("acme/team#1", marker=MARKER, body=digest("x"))
    assert str(err.value) == (
        "GitHub refused access while posting on acme/team#1 (403 Resource not accessible by "
        "integration); the token needs issues=write; pull_requests=write"
    )
    assert team.count("POST") == 1
