"""Team wins (SPEC §4): highlights, bots, exclusions, reviewers and fulfilled promises."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from followthrough.config import DEFAULT_WIN_LABELS, WinsConfig, config_from_mapping
from followthrough.records import ReviewRecord, ThreadRecord
from followthrough.wins import Win, find_wins, fulfilled, highlights, is_bot, reviewers_of

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
MERGED = T0 + timedelta(days=3)
TICKETS = frozenset({"github:acme/api#3", "github:acme/api#12", "github:acme/web#5"})
KNOWN = {promise_id.lower(): promise_id for promise_id in TICKETS}


def pr(
    number: int = 7,
    *,
    repo: str = "acme/api",
    title: str = "Tidy the retry loop",
    author: str = "mara",
    author_type: str = "User",
    labels: Sequence[str] = (),
    created_at: datetime = T0,
    merged_at: datetime | None = MERGED,
) -> ThreadRecord:
    return ThreadRecord(
        id=f"github:{repo}#{number}",
        source="github",
        kind="pr",
        repo=repo,
        number=number,
        key=None,
        url=f"https://github.com/{repo}/pull/{number}",
        title=title,
        author=author,
        author_name=None,
        author_type=author_type,
        created_at=created_at,
        updated_at=merged_at or created_at,
        state="closed" if merged_at else "open",
        closed_at=merged_at,
        merged_at=merged_at,
        labels=tuple(labels),
    )


def review(
    thread: ThreadRecord,
    author: str,
    *,
    hours: float,
    review_id: int,
    author_type: str = "User",
    state: str = "APPROVED",
) -> ReviewRecord:
    return ReviewRecord(
        id=f"{thread.id}:review:{review_id}",
        thread_id=thread.id,
        author=author,
        author_type=author_type,
        state=state,
        submitted_at=T0 + timedelta(hours=hours),
    )


def wins_config(**wins: Any) -> WinsConfig:
    """A WinsConfig built by the real config loader, as ``[wins]`` in the TOML would."""
    return config_from_mapping({"wins": wins}).wins


def run(
    prs: Sequence[ThreadRecord],
    *,
    reviews: Mapping[str, Sequence[ReviewRecord]] | None = None,
    bodies: Mapping[str, str] | None = None,
    first_merges: Mapping[tuple[str, str], str] | None = None,
    config: WinsConfig | None = None,
) -> list[Win]:
    return find_wins(
        prs,
        reviews=lambda thread_id: (reviews or {}).get(thread_id, ()),
        bodies=lambda thread_id: (bodies or {}).get(thread_id, ""),
        first_merges=first_merges or {},
        ticket_promises=TICKETS,
        config=config or WinsConfig(),
    )


def tags(thread: ThreadRecord, **kwargs: Any) -> tuple[str, ...]:
    kwargs.setdefault("first_merges", {})
    kwargs.setdefault("config", WinsConfig())
    return highlights(thread, **kwargs)


# --- first-contribution ------------------------------------------------------------------


def test_first_contribution_only_for_the_authors_first_merge_in_that_repo() -> None:
    first, second = pr(1), pr(2, merged_at=MERGED + timedelta(days=7))
    elsewhere = pr(5, repo="acme/web")
    firsts = {("acme/api", "mara"): first.id, ("acme/web", "mara"): elsewhere.id}
    wins = {w.number: w for w in run([first, second, elsewhere], first_merges=firsts)}
    assert wins[1].highlights == ("first-contribution",)
    assert wins[2].highlights == ()
    assert wins[5].highlights == ("first-contribution",)


def test_first_contribution_is_per_author() -> None:
    thread = pr(4, author="newbie")
    assert tags(thread, first_merges={("acme/api", "mara"): thread.id}) == ()
    assert tags(thread, first_merges={("acme/api", "newbie"): thread.id}) == ("first-contribution",)


# --- long-running ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("open_for", "days", "expected"),
    [
        (timedelta(days=14), 14, True),
        (timedelta(days=14) - timedelta(seconds=1), 14, False),
        (timedelta(days=30), 14, True),
        (timedelta(days=3), 3, True),
        (timedelta(days=3) - timedelta(minutes=1), 3, False),
    ],
)
def test_long_running_from_exactly_long_running_days(
    open_for: timedelta, days: int, expected: bool
) -> None:
    thread = pr(created_at=MERGED - open_for)
    found = "long-running" in tags(thread, config=wins_config(long_running_days=days))
    assert found is expected


def test_long_running_default_is_fourteen_days() -> None:
    assert WinsConfig().long_running_days == 14
    assert tags(pr(created_at=MERGED - timedelta(days=14))) == ("long-running",)
    assert tags(pr(created_at=MERGED - timedelta(days=13, hours=23))) == ()


# --- fix / tests / docs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("bug", "fix"),
        ("fix", "fix"),
        ("bugfix", "fix"),
        ("Bug", "fix"),
        ("test", "tests"),
        ("tests", "tests"),
        ("testing", "tests"),
        ("TESTS", "tests"),
        ("documentation", "docs"),
        ("docs", "docs"),
        ("Documentation", "docs"),
    ],
)
def test_default_labels(label: str, expected: str) -> None:
    assert tags(pr(labels=[label])) == (expected,)


def test_defaults_are_the_spec_lists() -> None:
    assert dict(DEFAULT_WIN_LABELS) == {
        "fix": ("bug", "fix", "bugfix"),
        "tests": ("test", "tests", "testing"),
        "docs": ("documentation", "docs"),
    }
    assert dict(WinsConfig().labels) == dict(DEFAULT_WIN_LABELS)


@pytest.mark.parametrize("label", ["enhancement", "bugs", "doc", "testing-infra", "fixme"])
def test_other_labels_are_no_highlight(label: str) -> None:
    assert tags(pr(labels=[label])) == ()


def test_configured_labels_replace_that_keys_default_only() -> None:
    config = wins_config(labels={"fix": ["Defect", "hotfix"]})
    assert tags(pr(labels=["defect"]), config=config) == ("fix",)
    assert tags(pr(labels=["HOTFIX"]), config=config) == ("fix",)
    assert tags(pr(labels=["bug"]), config=config) == ()  # the default for fix is replaced
    # tests and docs keep their defaults
    assert tags(pr(labels=["testing"]), config=config) == ("tests",)
    assert tags(pr(labels=["docs"]), config=config) == ("docs",)


def test_configured_labels_are_case_insensitive_both_ways() -> None:
    config = wins_config(labels={"docs": ["Handbook"], "tests": ["QA"]})
    assert tags(pr(labels=["handbook"]), config=config) == ("docs",)
    assert tags(pr(labels=["HANDBOOK"]), config=config) == ("docs",)
    assert tags(pr(labels=["qa"]), config=config) == ("tests",)
    assert tags(pr(labels=["documentation"]), config=config) == ()


def test_an_empty_configured_list_turns_that_label_rule_off_but_not_the_title_rule() -> None:
    config = wins_config(labels={"fix": []})
    assert tags(pr(labels=["bug"]), config=config) == ()
    assert tags(pr(title="fix: the retry loop"), config=config) == ("fix",)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("fix: retry the webhook", ("fix",)),
        ("fix(api): retry the webhook", ("fix",)),
        ("Fix(api)!: drop the v1 route", ("fix",)),
        ("FIX: shouting", ("fix",)),
        ("  fix: leading blanks", ("fix",)),
        ("test: cover the retry", ("tests",)),
        ("tests: cover the retry", ("tests",)),
        ("tests(retry): cover it", ("tests",)),
        ("docs: explain the retry", ("docs",)),
        ("docs(readme): explain it", ("docs",)),
        # no false positives
        ("fixture: a shared user", ()),
        ("fixes the retry", ()),
        ("fix the retry", ()),
        ("docsify: the site", ()),
        ("doc: typo", ()),
        ("testing: a thing", ()),
        ("feat: add retry", ()),
        ("chore(deps): bump x", ()),
        ("prefix: fix: nested", ()),
        ("Refactor the fix: later", ()),
    ],
)
def test_conventional_commit_title_prefixes(title: str, expected: tuple[str, ...]) -> None:
    assert tags(pr(title=title)) == expected


def test_highlights_combine_in_a_stable_order() -> None:
    thread = pr(
        title="docs: explain the retry",
        labels=["bug", "tests"],
        created_at=MERGED - timedelta(days=20),
    )
    assert tags(thread, first_merges={("acme/api", "mara"): thread.id}) == (
        "first-contribution",
        "long-running",
        "fix",
        "tests",
        "docs",
    )


# --- bots and exclusions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "account_type", "expected"),
    [
        ("dependabot[bot]", "Bot", True),
        ("renovate[bot]", "User", True),  # the suffix alone is enough
        ("Renovate[BOT]", "User", True),
        ("ci-helper", "Bot", True),  # the type alone is enough
        ("robot", "User", False),
        ("bot", "User", False),
        ("mara", "User", False),
        ("mara", None, False),
    ],
)
def test_is_bot(login: str, account_type: str | None, expected: bool) -> None:
    assert is_bot(login, account_type) is expected


def test_bots_are_never_authors_of_wins() -> None:
    prs = [
        pr(1, author="dependabot[bot]", author_type="Bot"),
        pr(2, author="renovate[bot]", author_type="User"),
        pr(3, author="ci-helper", author_type="Bot"),
        pr(4, author="mara"),
    ]
    assert [w.number for w in run(prs)] == [4]


def test_wins_exclude_adds_logins_case_insensitively() -> None:
    prs = [pr(1, author="Release-Captain"), pr(2, author="mara")]
    wins = run(prs, config=wins_config(exclude=["release-captain"]))
    assert [w.author for w in wins] == ["mara"]


def test_unmerged_prs_are_no_wins() -> None:
    assert run([pr(1, merged_at=None)]) == []


def test_a_win_carries_the_prs_facts() -> None:
    thread = pr(9, title="fix: the retry", labels=["bug"])
    (win,) = run([thread])
    assert (win.url, win.repo, win.number, win.title, win.author, win.merged_at) == (
        "https://github.com/acme/api/pull/9",
        "acme/api",
        9,
        "fix: the retry",
        "mara",
        MERGED,
    )
    assert win.highlights == ("fix",)
    assert (win.reviewers, win.fulfils) == ((), ())


# --- reviewers -----------------------------------------------------------------------------------


def test_reviewers_in_first_review_order_without_author_bots_or_repeats() -> None:
    thread = pr(7, author="mara")
    reviews = [
        review(thread, "zoe", hours=5, review_id=50),
        review(thread, "bob", hours=1, review_id=10, state="CHANGES_REQUESTED"),
        review(thread, "mara", hours=2, review_id=20, state="COMMENTED"),  # the author
        review(thread, "ci-helper[bot]", hours=3, review_id=30),
        review(thread, "lint-app", hours=3.5, review_id=35, author_type="Bot"),
        review(thread, "bob", hours=6, review_id=60),  # bob again
        review(thread, "amy", hours=4, review_id=40, state="COMMENTED"),
    ]
    assert reviewers_of(thread, reviews) == ("bob", "amy", "zoe")
    (win,) = run([thread], reviews={thread.id: reviews})
    assert win.reviewers == ("bob", "amy", "zoe")


def test_excluded_logins_are_not_credited_as_reviewers() -> None:
    thread = pr(7)
    reviews = [
        review(thread, "Release-Captain", hours=1, review_id=1),
        review(thread, "bob", hours=2, review_id=2),
    ]
    (win,) = run(
        [thread], reviews={thread.id: reviews}, config=wins_config(exclude=["release-captain"])
    )
    assert win.reviewers == ("bob",)


def test_review_without_a_submission_time_comes_last() -> None:
    thread = pr(7)
    pending = ReviewRecord(
        id=f"{thread.id}:review:1",
        thread_id=thread.id,
        author="zoe",
        author_type="User",
        state="COMMENTED",
        submitted_at=None,
    )
    reviews = [pending, review(thread, "bob", hours=1, review_id=2)]
    assert reviewers_of(thread, reviews) == ("bob", "zoe")


# --- fulfils ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Fixes #12", ("github:acme/api#12",)),
        ("fixes #12", ("github:acme/api#12",)),
        ("Fixed #12", ("github:acme/api#12",)),
        ("Fix #12", ("github:acme/api#12",)),
        ("Closes #12", ("github:acme/api#12",)),
        ("close #12", ("github:acme/api#12",)),
        ("closed #12", ("github:acme/api#12",)),
        ("Resolves #12", ("github:acme/api#12",)),
        ("Resolved #12", ("github:acme/api#12",)),
        ("resolve #12", ("github:acme/api#12",)),
        ("Fixes: #12", ("github:acme/api#12",)),
        ("This PR\n\nCloses #3 and fixes #12.", ("github:acme/api#3", "github:acme/api#12")),
        ("Fixes acme/web#5", ("github:acme/web#5",)),
        ("Resolves https://github.com/acme/web/issues/5", ("github:acme/web#5",)),
        ("closes https://github.com/acme/api/issues/12#issuecomment-1", ("github:acme/api#12",)),
        ("Fixes #12\nAlso fixes #12", ("github:acme/api#12",)),  # once
        # not ticket promises, or not closing
        ("Fixes #99", ()),
        ("Fixes acme/other#3", ()),
        ("See #12", ()),
        ("Related to #12", ()),
        ("Prefixes #12 with a zero", ()),
        ("Unfixed #12", ()),
        ("Fixes https://github.com/acme/api/pull/12", ()),
        ("", ()),
    ],
)
def test_fulfils_from_closing_keywords(body: str, expected: tuple[str, ...]) -> None:
    assert fulfilled(pr(7), body, KNOWN) == expected


def test_fulfils_only_ticket_promises_and_reads_the_body() -> None:
    thread = pr(7)
    (win,) = run([thread], bodies={thread.id: "Fixes #3, see #12; closes #4"})
    assert win.fulfils == ("github:acme/api#3",)


def test_bare_reference_is_in_the_prs_own_repo() -> None:
    assert fulfilled(pr(7, repo="acme/web"), "Fixes #5", KNOWN) == ("github:acme/web#5",)
    assert fulfilled(pr(7, repo="acme/web"), "Fixes #12", KNOWN) == ()


@pytest.mark.parametrize(
    "body", ["Fixes Acme/API#3", "Closes https://github.com/ACME/api/issues/3"]
)
def test_fulfils_owner_and_repo_are_case_insensitive(body: str) -> None:
    assert fulfilled(pr(7), body, KNOWN) == ("github:acme/api#3",)
