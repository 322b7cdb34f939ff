"""Team wins: merged PRs with their highlights, reviewers and fulfilled promises (SPEC §4).

Pure: the caller passes the merged PRs of the period, their reviews and bodies,
and which PR was each author's first merge in its repo.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from followthrough.config import WinsConfig
from followthrough.records import ReviewRecord, ThreadRecord

HIGHLIGHTS = ("first-contribution", "long-running", "fix", "tests", "docs")
TITLE_PREFIXES = {
    "fix": re.compile(r"^\s*fix(?:\([^)]*\))?!?:", re.IGNORECASE),
    "tests": re.compile(r"^\s*tests?(?:\([^)]*\))?!?:", re.IGNORECASE),
    "docs": re.compile(r"^\s*docs(?:\([^)]*\))?!?:", re.IGNORECASE),
}
# GitHub's closing keywords, then "#12", "owner/repo#12" or an issue URL.
CLOSING = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+"
    r"(?:(?P<repo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)?#(?P<n>\d+)"
    r"|https?://[^\s/]+/(?P<urepo>[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+)/issues/(?P<un>\d+))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Win:
    url: str
    repo: str
    number: int
    title: str
    author: str
    merged_at: object  # datetime; typed loosely to keep the JSON renderer generic
    highlights: tuple[str, ...]
    reviewers: tuple[str, ...]
    fulfils: tuple[str, ...]
    private: bool = False


def is_bot(login: str, account_type: str | None = None) -> bool:
    return account_type == "Bot" or login.lower().endswith("[bot]")


def find_wins(
    merged: Iterable[ThreadRecord],
    *,
    reviews: Callable[[str], Sequence[ReviewRecord]],
    bodies: Callable[[str], str],
    first_merges: Mapping[tuple[str, str], str],
    ticket_promises: Collection[str],
    config: WinsConfig,
) -> list[Win]:
    excluded = {login.lower() for login in config.exclude}
    # GitHub reads owner/repo case-insensitively: "Fixes Acme/API#3" closes acme/api#3.
    known = {promise_id.lower(): promise_id for promise_id in ticket_promises}
    wins = []
    for pr in merged:
        if pr.merged_at is None or is_bot(pr.author, pr.author_type):
            continue
        if pr.author.lower() in excluded:
            continue
        wins.append(
            Win(
                url=pr.url,
                repo=pr.repo,
                number=pr.number or 0,
                title=pr.title,
                author=pr.author,
                merged_at=pr.merged_at,
                highlights=highlights(pr, first_merges=first_merges, config=config),
                reviewers=reviewers_of(pr, reviews(pr.id), excluded=excluded),
                fulfils=fulfilled(pr, bodies(pr.id), known),
                private=pr.private,
            )
        )
    return wins


def highlights(
    pr: ThreadRecord, *, first_merges: Mapping[tuple[str, str], str], config: WinsConfig
) -> tuple[str, ...]:
    found = []
    if first_merges.get((pr.repo, pr.author)) == pr.id:
        found.append("first-contribution")
    if pr.merged_at is not None and (pr.merged_at - pr.created_at).days >= config.long_running_days:
        found.append("long-running")
    labels = {label.lower() for label in pr.labels}
    for name in ("fix", "tests", "docs"):
        wanted = {label.lower() for label in config.labels.get(name, ())}
        if labels & wanted or TITLE_PREFIXES[name].match(pr.title):
            found.append(name)
    return tuple(found)


def reviewers_of(
    pr: ThreadRecord, reviews: Sequence[ReviewRecord], *, excluded: Collection[str] = ()
) -> tuple[str, ...]:
    """Who reviewed, in order of their first review; the author and bots left out."""
    seen: dict[str, None] = {}
    ordered = sorted(reviews, key=lambda r: (r.submitted_at is None, r.submitted_at, r.id))
    for review in ordered:
        login = review.author
        if not login or login == pr.author or is_bot(login, review.author_type):
            continue
        if login.lower() in excluded:
            continue
        seen.setdefault(login, None)
    return tuple(seen)


def fulfilled(pr: ThreadRecord, body: str, known: Mapping[str, str]) -> tuple[str, ...]:
    """Ticket promises this PR closed through closing keywords in its body.

    ``known`` maps each ticket promise id, lower-cased, to the id itself.
    """
    found: dict[str, None] = {}
    for match in CLOSING.finditer(body or ""):
        repo = match.group("repo") or match.group("urepo") or pr.repo
        number = match.group("n") or match.group("un")
        promise_id = known.get(f"github:{repo}#{int(number)}".lower())
        if promise_id is not None:
            found.setdefault(promise_id, None)
    return tuple(found)
