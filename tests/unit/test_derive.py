"""SPEC §1: how threads become promises (inline, ticket, Jira), commands and edits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from followthrough.config import Config, config_from_mapping
from followthrough.derive import TextHistory, ThreadBundle, derive_thread
from followthrough.evaluate import Outcome, evaluate_promise
from followthrough.model import Promise
from followthrough.records import EventRecord, MilestoneRef, TextRecord, ThreadRecord

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
T0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
LATER = datetime(2027, 1, 1, tzinfo=UTC)
REPO = "acme/api"


def cfg(**extra: Any) -> Config:
    raw: dict[str, Any] = {"timezone": "Europe/Berlin"}
    raw.update(extra)
    return config_from_mapping(raw, env={})


def thread(**fields: Any) -> ThreadRecord:
    base: dict[str, Any] = {
        "id": f"github:{REPO}#12",
        "source": "github",
        "kind": "issue",
        "repo": REPO,
        "number": 12,
        "key": None,
        "url": f"https://github.com/{REPO}/issues/12",
        "title": "Publish the on-call handover doc",
        "author": "alice",
        "author_name": None,
        "author_type": "User",
        "created_at": T0,
        "updated_at": T0,
        "state": "open",
    }
    base.update(fields)
    return ThreadRecord(**base)


class Thread:
    """A tiny builder for one thread's texts and events."""

    def __init__(self, **fields: Any) -> None:
        self.thread = thread(**fields)
        self.texts: list[TextHistory] = []
        self.events: list[EventRecord] = []
        self.milestones: dict[str, str | None] = {}
        self.next_id = 100

    def body(
        self, text: str, *, author: str | None = None, edits: tuple[tuple[datetime, str], ...] = ()
    ) -> Thread:
        record = TextRecord(
            id=f"{self.thread.id}:body",
            thread_id=self.thread.id,
            kind="body",
            author=author or self.thread.author,
            author_name=None,
            author_type="User",
            created_at=self.thread.created_at,
            updated_at=self.thread.created_at,
            body=text,
            url=self.thread.url,
        )
        self.texts.append(TextHistory(record, ((record.created_at, text), *edits)))
        return self

    def comment(
        self,
        text: str,
        *,
        by: str,
        at: datetime,
        kind: str = "comment",
        edits: tuple[tuple[datetime, str], ...] = (),
        author_email: str | None = None,
    ) -> str:
        self.next_id += 1
        text_id = f"{self.thread.id}:{kind}:{self.next_id}"
        record = TextRecord(
            id=text_id,
            thread_id=self.thread.id,
            kind=kind,
            author=by,
            author_name=None,
            author_type="User",
            created_at=at,
            updated_at=edits[-1][0] if edits else at,
            body=edits[-1][1] if edits else text,
            url=f"{self.thread.url}#issuecomment-{self.next_id}",
            author_email=author_email,
        )
        self.texts.append(TextHistory(record, ((at, text), *edits)))
        return text_id

    def event(self, kind: str, at: datetime, **fields: Any) -> Thread:
        self.next_id += 1
        self.events.append(
            EventRecord(id=f"e{self.next_id}", thread_id=self.thread.id, kind=kind, at=at, **fields)
        )
        return self

    def derive(self, config: Config | None = None) -> list[Promise]:
        bundle = ThreadBundle(
            thread=self.thread,
            texts=tuple(self.texts),
            events=tuple(self.events),
            milestone_dues=self.milestones,
        )
        return derive_thread(bundle, config=config or cfg()).promises

    def derived(self, config: Config | None = None) -> Any:
        bundle = ThreadBundle(
            thread=self.thread,
            texts=tuple(self.texts),
            events=tuple(self.events),
            milestone_dues=self.milestones,
        )
        return derive_thread(bundle, config=config or cfg())


def judge(p: Promise, cutoff: datetime = LATER) -> Outcome:
    outcome = evaluate_promise(p, cutoff=cutoff, grace=timedelta(0))
    assert outcome is not None
    return outcome


def by_id(promises: list[Promise]) -> dict[str, Promise]:
    return {p.id: p for p in promises}


def berlin(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, tzinfo=BERLIN)


# --- inline promises ------------------------------------------------------------------------


def test_inline_promises_from_body_comment_and_review_comment_with_ids() -> None:
    t = Thread().body(
        "Plan:\n/promise send the retro notes by Friday\n/promise book the room by Wed"
    )
    cid = t.comment("/promise review the runbook by tomorrow", by="bob", at=T0 + timedelta(hours=1))
    rid = t.comment(
        "/promise add a test by Thursday",
        by="carol",
        at=T0 + timedelta(hours=2),
        kind="review-comment",
    )
    promises = by_id(t.derive())
    assert set(promises) == {
        f"github:{REPO}#12:body:1",
        f"github:{REPO}#12:body:2",
        f"{cid}:1",
        f"{rid}:1",
    }
    first = promises[f"github:{REPO}#12:body:1"]
    assert (first.owner, first.kind, first.text) == ("alice", "inline", "send the retro notes")
    assert first.original_due == berlin(20, 23, 59, 59)
    assert promises[f"{cid}:1"].owner == "bob"
    assert promises[f"{cid}:1"].original_due == berlin(17, 23, 59, 59)


def test_owner_zone_reads_the_date_on_the_owners_clock() -> None:
    config = cfg(people={"timezones": {"alice": "America/New_York"}})
    t = Thread().body("/promise send the notes by Friday")
    (p,) = t.derive(config)
    assert p.original_due == datetime(2026, 11, 20, 23, 59, 59, tzinfo=NEW_YORK)
    assert p.zone == "America/New_York"


def test_undated_promise_keeps_the_reason() -> None:
    t = Thread().body("/promise look into flaky CI\n/promise write docs by the next full moon")
    first, second = t.derive()
    assert (judge(first).status, first.undated_reason is not None) == ("undated", True)
    assert judge(second).status == "undated"
    assert "full moon" in (second.undated_reason or "")


def test_done_marks_the_latest_open_inline_promise_of_its_author() -> None:
    t = Thread().body("/promise one by Friday\n/promise two by Friday")
    t.comment("/done", by="alice", at=T0 + timedelta(days=1))
    one, two = t.derive()
    assert judge(one).status == "overdue"
    assert judge(two).status == "kept"
    assert judge(two).done_at == T0 + timedelta(days=1)


def test_done_twice_walks_back_through_the_open_promises() -> None:
    t = Thread().body("/promise one by Friday\n/promise two by Friday")
    t.comment("/done", by="alice", at=T0 + timedelta(days=1))
    t.comment("/done", by="alice", at=T0 + timedelta(days=2))
    assert [judge(p).status for p in t.derive()] == ["kept", "kept"]


def test_done_n_counts_only_the_authors_own_inline_promises_in_time_order() -> None:
    t = Thread().body("/promise alice one by Friday")
    t.comment("/promise bob one by Friday", by="bob", at=T0 + timedelta(hours=1))
    t.comment(
        "/promise alice two\n/promise alice three by Friday", by="alice", at=T0 + timedelta(hours=2)
    )
    t.comment("/done 3", by="alice", at=T0 + timedelta(days=1))
    statuses = {p.text: judge(p).status for p in t.derive()}
    assert statuses == {
        "alice one": "overdue",
        "bob one": "overdue",
        "alice two": "undated",
        "alice three": "kept",
    }


def test_other_peoples_done_is_ignored_and_why_says_so() -> None:
    t = Thread().body("/promise ship the fix by Friday")
    t.comment("/done", by="mallory", at=T0 + timedelta(days=1))
    (p,) = t.derive()
    assert judge(p).status == "overdue"
    assert any("mallory" in note and "only the owner" in note for note in p.notes)


def test_done_does_not_apply_to_a_ticket_promise() -> None:
    t = Thread(labels=("commitment",)).body("/promise by Friday")
    t.comment("/done", by="alice", at=T0 + timedelta(days=1))
    (ticket,) = t.derive()
    assert ticket.kind == "ticket"
    assert judge(ticket).status == "overdue"
    assert any("closing" in note for note in ticket.notes)


def test_revise_before_due_is_an_open_revision_with_its_reason() -> None:
    t = Thread().body("/promise send the notes by Friday")
    t.comment(
        "/revise next Friday because the vendor slipped", by="alice", at=T0 + timedelta(days=2)
    )
    (p,) = t.derive()
    outcome = judge(p, cutoff=berlin(25, 12))
    assert outcome.status == "open"
    (revision,) = outcome.revisions
    assert (revision.on_time, revision.reason, revision.via) == (
        True,
        "the vendor slipped",
        "command",
    )
    assert revision.to_due == berlin(27, 23, 59, 59)


def test_revise_without_separator_splits_the_date_from_the_reason() -> None:
    t = Thread().body("/promise send the notes by Friday")
    t.comment("/revise Monday waiting on legal", by="alice", at=T0 + timedelta(days=1))
    (p,) = t.derive()
    (revision,) = judge(p).revisions
    assert revision.to_due == berlin(23, 23, 59, 59)
    assert revision.reason == "waiting on legal"


def test_revise_after_due_is_late_and_caps_at_late() -> None:
    t = Thread().body("/promise send the notes by Friday")
    t.comment("/revise Tuesday: lost track", by="alice", at=berlin(21, 10))
    t.comment("/done", by="alice", at=berlin(23, 10))
    (p,) = t.derive()
    outcome = judge(p)
    assert outcome.status == "late"
    assert outcome.revisions[0].on_time is False


def test_revise_n_targets_the_authors_nth_promise() -> None:
    t = Thread().body("/promise one by Friday\n/promise two by Friday")
    t.comment("/revise 1 next Friday because scope grew", by="alice", at=T0 + timedelta(hours=3))
    one, two = t.derive()
    assert len(judge(one).revisions) == 1
    assert judge(two).revisions == ()


def test_revise_relative_date_is_read_at_the_revise_time() -> None:
    t = Thread().body("/promise send the notes by Friday")
    t.comment("/revise tomorrow because sick day", by="alice", at=berlin(19, 10))
    (p,) = t.derive()
    assert judge(p).due_at == berlin(20, 23, 59, 59)


def test_drop_releases_the_latest_promise_with_the_reason() -> None:
    t = Thread().body("/promise migrate the cron jobs by Friday")
    t.comment("/drop because the service is being retired", by="alice", at=T0 + timedelta(days=1))
    (p,) = t.derive()
    outcome = judge(p)
    assert outcome.status == "released"
    assert outcome.released_reason == "the service is being retired"


def test_drop_can_release_the_ticket_promise() -> None:
    t = Thread().body("/promise by Friday")
    t.comment("/drop — superseded by #14", by="alice", at=T0 + timedelta(days=1))
    (ticket,) = t.derive()
    assert judge(ticket).status == "released"
    assert judge(ticket).released_reason == "superseded by #14"


def test_kudos_are_collected_with_their_author() -> None:
    t = Thread().body("nothing")
    t.comment("/kudos @bob for the patient bisecting", by="alice", at=T0)
    (kudos,) = t.derived().kudos
    assert (kudos.giver, kudos.to, kudos.why) == ("alice", "bob", "for the patient bisecting")


def test_commands_in_code_and_quotes_do_nothing() -> None:
    t = Thread().body(
        "```\n/promise not me by Friday\n```\n> /promise nor me by Friday\n/promise me by Friday"
    )
    (p,) = t.derive()
    assert p.text == "me"
    assert p.id.endswith(":body:1")


# --- edits ------------------------------------------------------------------------------------


def test_edit_that_moves_the_date_is_a_revision_read_at_the_edit_time() -> None:
    edit_at = berlin(18, 10)
    t = Thread()
    cid = t.comment(
        "/promise send the notes by tomorrow",
        by="alice",
        at=T0,
        edits=((edit_at, "/promise send the retro notes by tomorrow"),),
    )
    (p,) = t.derive()
    outcome = judge(p)
    assert p.id == f"{cid}:1"
    assert outcome.original_due_at == berlin(17, 23, 59, 59)
    (revision,) = outcome.revisions
    assert revision.via == "edit"
    assert revision.at == edit_at
    assert revision.on_time is False  # the first due had passed when it was edited
    assert outcome.due_at == berlin(19, 23, 59, 59)  # "tomorrow" read at the edit


def test_edit_that_only_changes_the_wording_is_not_a_revision() -> None:
    t = Thread()
    t.comment(
        "/promise send the notes by Friday",
        by="alice",
        at=T0,
        edits=((T0 + timedelta(hours=1), "/promise send the retro notes by Friday"),),
    )
    (p,) = t.derive()
    assert p.text == "send the retro notes"
    assert judge(p).revisions == ()
    assert p.made_at == T0


def test_a_done_line_added_by_editing_counts_from_the_edit() -> None:
    t = Thread().body("/promise ship it by Friday")
    edit_at = berlin(21, 9)
    t.comment("on it", by="alice", at=T0, edits=((edit_at, "on it\n/done"),))
    (p,) = t.derive()
    assert judge(p).done_at == edit_at
    assert judge(p).status == "late"


def test_a_promise_line_removed_by_editing_is_gone() -> None:
    t = Thread()
    t.comment(
        "/promise x by Friday", by="alice", at=T0, edits=((T0 + timedelta(hours=1), "never mind"),)
    )
    assert t.derive() == []


# --- ticket promises -----------------------------------------------------------------------------


def test_label_makes_a_ticket_promise_owned_by_the_first_assignee() -> None:
    t = Thread(
        labels=("Commitment",),
        assignees=("bob", "carol"),
        milestone=MilestoneRef(3, "Sprint 47", "2026-11-20T08:00:00Z"),
    ).body("Publish it.")
    t.event("labeled", T0, name="commitment")
    (ticket,) = t.derive()
    assert ticket.id == f"github:{REPO}#12"
    assert (ticket.owner, ticket.co_owners, ticket.kind) == ("bob", ("carol",), "ticket")
    assert ticket.made_at == T0  # labelled at creation
    assert ticket.original_due == berlin(20, 23, 59, 59)  # milestone day, end, team zone
    assert ticket.text == "Publish the on-call handover doc"


def test_label_added_later_sets_made_at_and_unassigned_means_the_author() -> None:
    t = Thread(labels=("commitment",)).body("x")
    t.event("labeled", T0 + timedelta(days=1), name="commitment")
    (ticket,) = t.derive()
    assert ticket.owner == "alice"
    assert ticket.made_at == T0 + timedelta(days=1)
    assert judge(ticket).status == "undated"


def test_promise_by_line_makes_a_ticket_promise_owned_by_its_writer() -> None:
    t = Thread().body("nothing promised here")
    t.comment("/promise by Friday", by="bob", at=T0 + timedelta(hours=2))
    (ticket,) = t.derive()
    assert (ticket.id, ticket.owner) == (f"github:{REPO}#12", "bob")
    assert ticket.made_at == T0 + timedelta(hours=2)
    assert ticket.original_due == berlin(20, 23, 59, 59)


def test_later_owner_promise_by_line_is_a_command_revision() -> None:
    t = Thread().body("/promise by Friday")
    t.comment("/promise by next Friday", by="alice", at=berlin(19, 10))
    t.comment("/promise by Monday", by="mallory", at=berlin(19, 11))
    (ticket,) = t.derive()
    outcome = judge(ticket)
    (revision,) = outcome.revisions
    assert (revision.via, revision.on_time, revision.to_due) == (
        "command",
        True,
        berlin(27, 23, 59, 59),
    )
    assert any("mallory" in n for n in ticket.notes)


def test_milestone_move_is_a_revision_until_the_owner_sets_the_due() -> None:
    t = Thread(
        labels=("commitment",), milestone=MilestoneRef(4, "Sprint 48", "2026-11-27T00:00:00Z")
    )
    t.body("x")
    t.milestones = {"Sprint 47": "2026-11-20T00:00:00Z", "Sprint 48": "2026-11-27T00:00:00Z"}
    t.event("labeled", T0, name="commitment")
    t.event("milestoned", T0, name="Sprint 47")
    t.event("demilestoned", berlin(19, 9), name="Sprint 47")
    t.event("milestoned", berlin(19, 9), name="Sprint 48")
    (ticket,) = t.derive()
    outcome = judge(ticket)
    assert outcome.original_due_at == berlin(20, 23, 59, 59)
    (revision,) = outcome.revisions
    assert (revision.via, revision.on_time, revision.to_due) == (
        "milestone",
        True,
        berlin(27, 23, 59, 59),
    )


def test_milestone_moves_after_an_owner_line_do_not_count() -> None:
    t = Thread(labels=("commitment",))
    t.body("/promise by Friday")
    t.milestones = {"Sprint 48": "2026-11-27T00:00:00Z"}
    t.event("labeled", T0, name="commitment")
    t.event("milestoned", berlin(18, 9), name="Sprint 48")
    (ticket,) = t.derive()
    assert judge(ticket).revisions == ()
    assert judge(ticket).due_at == berlin(20, 23, 59, 59)


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        (
            {
                "state": "closed",
                "state_reason": "completed",
                "closed_at": datetime(2026, 11, 19, tzinfo=UTC),
            },
            "kept",
        ),
        (
            {
                "state": "closed",
                "state_reason": None,
                "closed_at": datetime(2026, 11, 19, tzinfo=UTC),
            },
            "kept",
        ),
        (
            {
                "state": "closed",
                "state_reason": "not_planned",
                "closed_at": datetime(2026, 11, 19, tzinfo=UTC),
            },
            "released",
        ),
        (
            {
                "state": "closed",
                "state_reason": "completed",
                "closed_at": datetime(2026, 11, 23, tzinfo=UTC),
            },
            "late",
        ),
        (
            {
                "kind": "pr",
                "state": "closed",
                "merged_at": datetime(2026, 11, 19, tzinfo=UTC),
                "closed_at": datetime(2026, 11, 19, tzinfo=UTC),
            },
            "kept",
        ),
        (
            {"kind": "pr", "state": "closed", "closed_at": datetime(2026, 11, 19, tzinfo=UTC)},
            "released",
        ),
        ({"state": "open"}, "overdue"),
    ],
)
def test_ticket_done_and_released_from_the_listing(fields: dict[str, Any], status: str) -> None:
    t = Thread(**fields).body("/promise by Friday")
    (ticket,) = t.derive()
    assert judge(ticket).status == status


def test_released_reason_is_the_owners_closing_comment() -> None:
    closed = datetime(2026, 11, 19, 10, tzinfo=UTC)
    t = Thread(state="closed", state_reason="not_planned", closed_at=closed).body(
        "/promise by Friday"
    )
    t.comment(
        "Folded into the platform roadmap instead.", by="alice", at=closed - timedelta(seconds=2)
    )
    t.comment("Thanks!", by="bob", at=closed + timedelta(minutes=5))
    (ticket,) = t.derive()
    assert judge(ticket).released_reason == "Folded into the platform roadmap instead."


def test_reopen_then_close_the_last_close_counts() -> None:
    first, reopened, second = (datetime(2026, 11, d, 10, tzinfo=UTC) for d in (18, 19, 23))
    t = Thread(labels=("commitment",), state="closed", state_reason="completed", closed_at=second)
    t.body("/promise by Friday")
    t.event("labeled", T0, name="commitment")
    t.event("closed", first, state_reason="completed")
    t.event("reopened", reopened)
    t.event("closed", second, state_reason="completed")
    (ticket,) = t.derive()
    assert judge(ticket).status == "late"
    assert judge(ticket, cutoff=berlin(18, 20)).status == "kept"
    assert judge(ticket, cutoff=berlin(20, 12)).status == "open"


def test_reopened_ticket_without_events_is_open_again() -> None:
    t = Thread(labels=("commitment",), state="open").body("/promise by Friday")
    t.event("labeled", T0, name="commitment")
    t.event("closed", T0 + timedelta(days=1), state_reason="completed")
    t.event("reopened", T0 + timedelta(days=2))
    (ticket,) = t.derive()
    assert judge(ticket).status == "overdue"


def test_label_removed_before_due_releases_after_due_changes_nothing() -> None:
    t = Thread(labels=(), milestone=MilestoneRef(3, "S", "2026-11-20T00:00:00Z")).body("x")
    t.milestones = {"S": "2026-11-20T00:00:00Z"}
    t.event("labeled", T0, name="commitment")
    t.event("unlabeled", berlin(18, 9), name="commitment")
    (ticket,) = t.derive()
    assert (judge(ticket).status, judge(ticket).released_reason) == ("released", "label removed")

    late = Thread(labels=(), milestone=MilestoneRef(3, "S", "2026-11-20T00:00:00Z")).body("x")
    late.milestones = {"S": "2026-11-20T00:00:00Z"}
    late.event("labeled", T0, name="commitment")
    late.event("unlabeled", berlin(23, 9), name="commitment")
    (ticket,) = late.derive()
    assert judge(ticket).status == "overdue"


def test_no_label_and_no_promise_by_line_is_no_ticket_promise() -> None:
    assert Thread(labels=("bug",)).body("plain").derive() == []


def test_custom_label_from_config() -> None:
    t = Thread(labels=("promise",)).body("x")
    assert [p.kind for p in t.derive(cfg(github={"label": "promise"}))] == ["ticket"]
    assert t.derive() == []


# --- Jira ---------------------------------------------------------------------------------------


def jira(**fields: Any) -> Thread:
    base: dict[str, Any] = {
        "id": "jira:OPS-7",
        "source": "jira",
        "kind": "jira",
        "repo": "OPS",
        "number": None,
        "key": "OPS-7",
        "url": "https://acme.atlassian.net/browse/OPS-7",
        "title": "Rotate the staging certificates",
        "author": "acc-reporter",
        "author_name": "Rita Reporter",
        "assignees": ("acc-557058",),
        "assignee_names": ("Mona Lisa",),
        "assignee_emails": ("mona@acme.io",),
        "due_date": "2026-11-20",
    }
    base.update(fields)
    return Thread(**base)


def test_jira_ticket_owned_by_assignee_due_end_of_day_team_zone() -> None:
    t = jira().body("Rotate them.")
    (p,) = t.derive()
    assert (p.id, p.owner, p.owner_name) == ("jira:OPS-7", "acc-557058", "Mona Lisa")
    assert p.original_due == berlin(20, 23, 59, 59)


def test_jira_alias_maps_account_or_email_to_a_login() -> None:
    by_account = cfg(people={"aliases": {"acc-557058": "mona"}})
    by_email = cfg(people={"aliases": {"mona@acme.io": "mona"}})
    for config in (by_account, by_email):
        (p,) = jira().body("x").derive(config)
        assert (p.owner, p.owner_name) == ("mona", None)


def test_jira_first_duedate_value_is_original_and_later_changes_are_revisions() -> None:
    t = jira(due_date="2026-11-27").body("x")
    t.event("duedate", berlin(17, 9), from_value=None, to_value="2026-11-20")
    t.event("duedate", berlin(21, 9), from_value="2026-11-20", to_value="2026-11-27")
    (p,) = t.derive()
    outcome = judge(p)
    assert outcome.original_due_at == berlin(20, 23, 59, 59)
    (revision,) = outcome.revisions
    assert (revision.via, revision.on_time) == ("jira", False)
    assert outcome.status == "overdue"


def test_jira_duedate_set_at_creation_then_moved_on_time() -> None:
    t = jira(due_date="2026-11-27").body("x")
    t.event("duedate", berlin(18, 9), from_value="2026-11-20", to_value="2026-11-27")
    (p,) = t.derive()
    outcome = judge(p, cutoff=berlin(25, 9))
    assert outcome.original_due_at == berlin(20, 23, 59, 59)
    assert [(r.on_time, r.via) for r in outcome.revisions] == [(True, "jira")]
    assert outcome.status == "open"


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        (
            {
                "resolution": "Done",
                "resolution_date": datetime(2026, 11, 19, tzinfo=UTC),
                "state": "closed",
            },
            "kept",
        ),
        (
            {
                "resolution": "Won't Do",
                "resolution_date": datetime(2026, 11, 19, tzinfo=UTC),
                "state": "closed",
            },
            "released",
        ),
        (
            {
                "status_category": "done",
                "status_category_changed_at": datetime(2026, 11, 19, tzinfo=UTC),
            },
            "kept",
        ),
        ({"status_category": "indeterminate"}, "overdue"),
    ],
)
def test_jira_done_and_released(fields: dict[str, Any], status: str) -> None:
    (p,) = jira(**fields).body("x").derive()
    assert judge(p).status == status


def test_jira_wontdo_list_from_config_replaces_the_default() -> None:
    t = jira(resolution="Obsolete", resolution_date=datetime(2026, 11, 19, tzinfo=UTC)).body("x")
    (p,) = t.derive(
        cfg(jira={"server": "https://j.example", "jql": "x", "wontdo_resolutions": ["Obsolete"]})
    )
    assert judge(p).status == "released"


def test_jira_reopen_from_changelog() -> None:
    t = jira().body("x")
    t.event("resolution", berlin(18, 9), to_value="Done")
    t.event("resolution", berlin(19, 9), from_value="Done", to_value=None)
    (p,) = t.derive()
    assert judge(p).status == "overdue"
    assert judge(p, cutoff=berlin(18, 12)).status == "kept"


def test_jira_comment_commands_use_aliases_for_the_owner_check() -> None:
    config = cfg(people={"aliases": {"acc-557058": "mona"}})
    t = jira().body("x")
    t.comment("/revise 2026-11-27 because waiting on the CA", by="acc-557058", at=berlin(18, 9))
    (p,) = t.derive(config)
    (revision,) = judge(p).revisions
    assert revision.reason == "waiting on the CA"


def test_jira_description_promise_id() -> None:
    t = jira()
    record = TextRecord(
        id="jira:OPS-7:description",
        thread_id="jira:OPS-7",
        kind="description",
        author="acc-reporter",
        author_name="Rita",
        author_type="User",
        created_at=T0,
        updated_at=T0,
        body="/promise update the wiki by Friday",
        url="https://acme.atlassian.net/browse/OPS-7",
    )
    t.texts.append(TextHistory(record, ((T0, record.body),)))
    ids = {p.id for p in t.derive()}
    assert ids == {"jira:OPS-7", "jira:OPS-7:description:1"}


def test_derivation_is_deterministic() -> None:
    t = Thread().body("/promise a by Friday\n/promise b by Monday")
    t.comment("/done 1", by="alice", at=T0 + timedelta(days=1))
    assert t.derive() == t.derive()
    assert replace(t.derive()[0]) == t.derive()[0]
