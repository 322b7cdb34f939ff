"""The SQLite cache (sqlite-utils): raw observations, derived promises, cursors.

Raw tables hold what the trackers said (threads, every version of every text
seen, events, milestones, reviews); derived tables (promises, kudos) are
recomputed from them by :func:`rederive` and can be dropped at any time. Every
save is an idempotent upsert by id. The schema carries a version, and
:func:`migrate` brings an older file up to date.
"""

from __future__ import annotations

import contextlib
import gc
import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from followthrough import codec
from followthrough.config import Config
from followthrough.derive import TextHistory, ThreadBundle, derive_thread
from followthrough.evaluate import Facts, facts_of
from followthrough.model import Derived, DueChange, Kudos, Promise, StateChange
from followthrough.records import (
    EventRecord,
    MilestoneRecord,
    ReviewRecord,
    TextRecord,
    ThreadRecord,
)

T = TypeVar("T")
SCHEMA_VERSION = 3
DEFAULT_DB = Path(".followthrough") / "followthrough.db"


class StoreError(Exception):
    """The cache file cannot be used; the message says which file and why."""


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot create its folder ({exc})") from None
        try:
            self.conn = sqlite3.connect(str(path))
            self.db = sqlite_utils.Database(self.conn)
            migrate(self.db)
            self.db.execute("PRAGMA journal_mode=WAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a followthrough cache ({exc})") from None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- meta and cursors ----------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.table("meta").upsert({"key": key, "value": value}, pk="key")

    def get_cursor(self, name: str) -> datetime | None:
        value = self.get_meta(f"cursor:{name}")
        return datetime.fromisoformat(value) if value else None

    def set_cursor(self, name: str, value: datetime) -> None:
        self.set_meta(f"cursor:{name}", value.isoformat())

    def clear_cursor(self, name: str) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM meta WHERE key = ?", (f"cursor:{name}",))

    # -- raw records -----------------------------------------------------------

    def save_threads(self, threads: Iterable[ThreadRecord]) -> None:
        rows = [
            {
                "id": t.id,
                "source": t.source,
                "kind": t.kind,
                "repo": t.repo,
                "author": t.author,
                "updated_at": t.updated_at.isoformat(),
                "merged_at": t.merged_at.isoformat() if t.merged_at else None,
                "merged_ts": t.merged_at.timestamp() if t.merged_at else None,
                "data": codec.dumps(t),
            }
            for t in threads
        ]
        if rows:
            with self.conn:
                self.db.table("threads").upsert_all(rows, pk="id")

    def save_texts(self, texts: Iterable[TextRecord]) -> None:
        """Upsert texts; a changed body is kept as a new version, never overwritten."""
        texts = list(texts)
        if not texts:
            return
        with self.conn:
            known = self._latest_bodies([t.id for t in texts])
            versions = []
            for text in texts:
                previous = known.get(text.id)
                if previous is None:
                    versions.append(_version(text, text.created_at))
                elif previous != text.body:
                    versions.append(_version(text, max(text.updated_at, text.created_at)))
                known[text.id] = text.body
            self.db.table("texts").upsert_all(
                (
                    {
                        "id": t.id,
                        "thread_id": t.thread_id,
                        "kind": t.kind,
                        "author": t.author,
                        "created_at": t.created_at.isoformat(),
                        "deleted": 0,
                        "data": codec.dumps(t),
                    }
                    for t in texts
                ),
                pk="id",
            )
            if versions:
                self.db.table("text_versions").upsert_all(versions, pk=("text_id", "at"))

    def _latest_bodies(self, ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(ids, 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT text_id, body FROM text_versions WHERE text_id IN ({marks}) "
                "ORDER BY text_id, at",
                chunk,
            )
            for text_id, body in rows:
                found[text_id] = body
        return found

    def mark_deleted(self, text_ids: Iterable[str]) -> None:
        with self.conn:
            for text_id in text_ids:
                self.conn.execute("UPDATE texts SET deleted = 1 WHERE id = ?", (text_id,))

    def save_events(self, thread_id: str, events: Sequence[EventRecord]) -> None:
        """Replace the events known for a thread (a fetch lists all of them)."""
        with self.conn:
            self.conn.execute("DELETE FROM events WHERE thread_id = ?", (thread_id,))
            self.db.table("events").insert_all(
                (
                    {
                        "id": e.id,
                        "thread_id": e.thread_id,
                        "at": e.at.isoformat(),
                        "data": codec.dumps(e),
                    }
                    for e in events
                ),
                pk="id",
                replace=True,
            )
            self.set_meta(f"events:{thread_id}", "1")

    def has_events(self, thread_id: str) -> bool:
        return self.get_meta(f"events:{thread_id}") is not None

    def save_milestones(self, milestones: Iterable[MilestoneRecord]) -> None:
        rows = [
            {"id": m.id, "repo": m.repo, "title": m.title, "data": codec.dumps(m)}
            for m in milestones
        ]
        if rows:
            with self.conn:
                self.db.table("milestones").upsert_all(rows, pk="id")

    def save_reviews(self, thread_id: str, reviews: Sequence[ReviewRecord], *, seen: str) -> None:
        with self.conn:
            self.conn.execute("DELETE FROM reviews WHERE thread_id = ?", (thread_id,))
            self.db.table("reviews").insert_all(
                ({"id": r.id, "thread_id": thread_id, "data": codec.dumps(r)} for r in reviews),
                pk="id",
                replace=True,
            )
            self.set_meta(f"reviews:{thread_id}", seen)

    def reviews_seen(self, thread_id: str) -> str | None:
        return self.get_meta(f"reviews:{thread_id}")

    # -- loading raw records ---------------------------------------------------

    def load_thread(self, thread_id: str) -> ThreadRecord | None:
        row = self.conn.execute("SELECT data FROM threads WHERE id = ?", (thread_id,)).fetchone()
        return None if row is None else codec.loads(ThreadRecord, row[0])

    def thread_ids(self) -> list[str]:
        return [row[0] for row in self.conn.execute("SELECT id FROM threads ORDER BY id")]

    def load_texts(self, thread_id: str, *, include_deleted: bool = False) -> list[TextRecord]:
        sql = "SELECT data FROM texts WHERE thread_id = ?"
        if not include_deleted:
            sql += " AND deleted = 0"
        return [codec.loads(TextRecord, r[0]) for r in self.conn.execute(sql, (thread_id,))]

    def load_bundles(self, thread_ids: Iterable[str] | None = None) -> Iterator[ThreadBundle]:
        ids = self.thread_ids() if thread_ids is None else list(thread_ids)
        milestone_dues: dict[str, dict[str, str | None]] = {}
        for row in self.conn.execute("SELECT data FROM milestones"):
            m = codec.loads(MilestoneRecord, row[0])
            milestone_dues.setdefault(m.repo, {})[m.title] = m.due_on
        for thread_id in ids:
            thread = self.load_thread(thread_id)
            if thread is None:
                continue
            yield ThreadBundle(
                thread=thread,
                texts=tuple(self._histories(thread_id)),
                events=tuple(self.load_events(thread_id)),
                milestone_dues=milestone_dues.get(thread.repo, {}),
            )

    def _histories(self, thread_id: str) -> Iterator[TextHistory]:
        versions: dict[str, list[tuple[datetime, str]]] = {}
        rows = self.conn.execute(
            "SELECT v.text_id, v.at, v.body FROM text_versions v JOIN texts t ON t.id = v.text_id "
            "WHERE t.thread_id = ? AND t.deleted = 0 ORDER BY v.text_id, v.at",
            (thread_id,),
        )
        for text_id, at, body in rows:
            versions.setdefault(text_id, []).append((datetime.fromisoformat(at), body))
        for record in self.load_texts(thread_id):
            yield TextHistory(
                record, tuple(versions.get(record.id, [(record.created_at, record.body)]))
            )

    def load_events(self, thread_id: str) -> list[EventRecord]:
        rows = self.conn.execute(
            "SELECT data FROM events WHERE thread_id = ? ORDER BY at, id", (thread_id,)
        )
        return [codec.loads(EventRecord, r[0]) for r in rows]

    def load_reviews(self, thread_id: str) -> list[ReviewRecord]:
        rows = self.conn.execute("SELECT data FROM reviews WHERE thread_id = ?", (thread_id,))
        return [codec.loads(ReviewRecord, r[0]) for r in rows]

    def load_merged_prs(self, start: datetime, end: datetime) -> list[ThreadRecord]:
        rows = self.conn.execute(
            "SELECT data FROM threads WHERE kind = 'pr' AND merged_ts >= ? AND merged_ts < ? "
            "ORDER BY merged_ts, id",
            (start.timestamp(), end.timestamp()),
        )
        return [codec.loads(ThreadRecord, r[0]) for r in rows]

    def first_merges(self) -> dict[tuple[str, str], str]:
        """(repo, author) -> id of the author's first merged PR in that repo."""
        rows = self.conn.execute(
            "SELECT repo, author, id, MIN(merged_ts) FROM threads "
            "WHERE kind = 'pr' AND merged_ts IS NOT NULL GROUP BY repo, author"
        )
        return {(repo, author): thread_id for repo, author, thread_id, _ in rows}

    def pr_body(self, thread_id: str) -> str:
        row = self.conn.execute(
            "SELECT data FROM texts WHERE id = ? AND deleted = 0", (f"{thread_id}:body",)
        ).fetchone()
        return codec.loads(TextRecord, row[0]).body if row else ""

    # -- derived -----------------------------------------------------------------

    def save_derived(self, thread_id: str, derived: Derived) -> None:
        with self.conn:
            self._replace_derived(thread_id, derived)

    def _replace_derived(self, thread_id: str, derived: Derived) -> None:
        self.conn.execute("DELETE FROM promises WHERE thread_id = ?", (thread_id,))
        self.conn.execute("DELETE FROM kudos WHERE thread_id = ?", (thread_id,))
        self.conn.executemany(
            "INSERT OR REPLACE INTO promises (id, thread_id, owner, kind, made_at, due0, "
            "due_lo, due_hi, last_ts, final_state, facts, url, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (p.id, thread_id, p.owner, p.kind, *_promise_columns(p), encode_promise(p))
                for p in derived.promises
            ],
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO kudos (id, thread_id, at, data) VALUES (?, ?, ?, ?)",
            [(k.id, thread_id, k.at.timestamp(), codec.dumps(k)) for k in derived.kudos],
        )

    def save_all_derived(self, items: Iterable[tuple[str, Derived]]) -> None:
        with self.conn:
            for thread_id, derived in items:
                self._replace_derived(thread_id, derived)

    def clear_derived(self) -> None:
        with self.conn:
            for table in ("promises", "kudos"):
                self.conn.execute(f"DELETE FROM {table}")

    _WINDOW = (
        "made_at < :end AND NOT ("
        " made_at < :start AND last_ts < :start"
        " AND (due_hi IS NULL OR due_hi < :start)"
        " AND (final_state != 'open' OR due_hi IS NULL))"
    )

    def load_promises(self, *, window: tuple[datetime, datetime] | None = None) -> list[Promise]:
        """Promises, or only those a report on ``window`` (start, end) can list or score.

        Left out: promises made after the window, and those settled before it
        (done or released, or undated) with nothing at all happening inside it.
        """
        if window is None:
            rows = self.conn.execute("SELECT data FROM promises ORDER BY made_at, id")
        else:
            start, end = (moment.timestamp() for moment in window)
            rows = self.conn.execute(
                f"SELECT data FROM promises WHERE {self._WINDOW} ORDER BY made_at, id",
                {"start": start, "end": end},
            )
        with _bulk():
            return [decode_promise(r[0]) for r in rows]

    def load_facts(self, *, window: tuple[datetime, datetime]) -> list[Facts]:
        """The timed facts of the promises a report on ``window`` can list or score.

        Cheap to read (numbers only); :meth:`load_full` decodes the few shown.
        """
        start, end = (moment.timestamp() for moment in window)
        rows = self.conn.execute(
            f"SELECT rowid, owner, made_at, due0, facts FROM promises WHERE {self._WINDOW}",
            {"start": start, "end": end},
        )
        loads, intern = json.loads, sys.intern
        facts = []
        with _bulk():
            for rowid, owner, made, due0, events in rows:
                changes, states = loads(events) if events else ((), ())
                facts.append(
                    Facts(
                        key=rowid,
                        owner=intern(owner),
                        made=made,
                        due0=due0,
                        changes=tuple((a, d) for a, d in changes),
                        states=tuple((a, intern(state)) for a, state in states),
                    )
                )
        return facts

    def load_full(self, facts: Sequence[Facts]) -> list[Promise]:
        """The Promises behind Facts from :meth:`load_facts`, in the same order."""
        found: dict[object, Promise] = {}
        keys = [f.key for f in facts]
        with _bulk():
            for chunk in _chunks(keys, 900):
                marks = ",".join("?" * len(chunk))
                rows = self.conn.execute(
                    f"SELECT rowid, data FROM promises WHERE rowid IN ({marks})", list(chunk)
                )
                found.update((rowid, decode_promise(data)) for rowid, data in rows)
        return [found[key] for key in keys]

    def find_promises(self, target: str) -> list[Promise]:
        """Promises whose id or URL is ``target``."""
        rows = self.conn.execute(
            "SELECT data FROM promises WHERE id = ? OR url = ? ORDER BY made_at, id",
            (target, target),
        )
        return [decode_promise(r[0]) for r in rows]

    def ticket_promise_ids(self) -> set[str]:
        rows = self.conn.execute("SELECT id FROM promises WHERE kind = 'ticket'")
        return {row[0] for row in rows}

    def load_kudos(self, start: datetime, end: datetime) -> list[Kudos]:
        rows = self.conn.execute(
            "SELECT data FROM kudos WHERE at >= ? AND at < ? ORDER BY at, id",
            (start.timestamp(), end.timestamp()),
        )
        return [codec.loads(Kudos, r[0]) for r in rows]

    def count(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0])

    # -- digests -------------------------------------------------------------------

    def save_digest(
        self, *, period: str, issue: str, comment_id: int, url: str, at: datetime
    ) -> None:
        self.db.table("digests").upsert(
            {
                "period": period,
                "issue": issue,
                "comment_id": comment_id,
                "url": url,
                "posted_at": at.isoformat(),
            },
            pk=("period", "issue"),
        )


@contextlib.contextmanager
def _bulk() -> Iterator[None]:
    """Decoding 100k promises makes millions of small objects that all stay alive;
    the cyclic garbage collector would re-scan them again and again for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _promise_columns(p: Promise) -> tuple[Any, ...]:
    """Indexed facts that let a report skip promises outside its window, and the
    numeric facts it judges the rest on (see evaluate.Facts)."""
    f = facts_of(p)
    dues = [d for d in (f.due0, *(c[1] for c in f.changes)) if d is not None]
    moments = [f.made, *(c[0] for c in f.changes), *(s[0] for s in f.states)]
    final = f.states[-1][1] if f.states else "open"
    events = json.dumps([f.changes, f.states], separators=(",", ":")) if moments[1:] else None
    return (
        f.made,
        f.due0,
        min(dues) if dues else None,
        max(dues) if dues else None,
        max(moments),
        final,
        events,
        p.url,
    )


def _version(text: TextRecord, at: datetime) -> dict[str, Any]:
    return {"text_id": text.id, "at": at.isoformat(), "body": text.body}


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# -- derivation ----------------------------------------------------------------------------


def rederive(store: Store, config: Config, thread_ids: Sequence[str] | None = None) -> int:
    """Recompute promises and kudos from raw records (all threads when ids is None)."""
    if thread_ids is None:
        store.clear_derived()
    count = 0
    batch = []
    for bundle in store.load_bundles(thread_ids):
        batch.append((bundle.thread.id, derive_thread(bundle, config=config)))
        count += 1
        if len(batch) >= 500:
            store.save_all_derived(batch)
            batch = []
    store.save_all_derived(batch)
    if thread_ids is None:
        store.set_meta("derivation_key", config.derivation_key())
    return count


def ensure_derived(store: Store, config: Config) -> bool:
    """Re-derive everything when the rules it depends on changed; True if it did."""
    if store.get_meta("derivation_key") == config.derivation_key():
        return False
    rederive(store, config)
    return True


# -- promise encoding ---------------------------------------------------------------
# Promises are the hot path of `report` (100k of them must load in well under a
# second), so they get a compact hand-written encoding instead of the generic codec.


def _utc(moment: datetime) -> str:
    # UTC everywhere in the cache: decoding then shares one tzinfo, and
    # comparisons take CPython's fast path.
    return moment.astimezone(UTC).isoformat()


def encode_promise(p: Promise) -> str:
    return json.dumps(
        [
            p.id,
            p.source,
            p.kind,
            p.url,
            p.thread_id,
            p.repo,
            p.owner,
            p.owner_name,
            list(p.co_owners),
            p.text,
            _utc(p.made_at),
            _utc(p.original_due) if p.original_due else None,
            p.undated_reason,
            [[_utc(c.at), _utc(c.due), c.via, c.reason, c.evidence, c.origin] for c in p.changes],
            [[_utc(s.at), s.state, s.reason, s.evidence, s.origin] for s in p.states],
            p.private,
            p.source_line,
            p.phrase,
            p.zone,
            list(p.notes),
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )


def decode_promise(text: str) -> Promise:
    (
        pid,
        source,
        kind,
        url,
        thread_id,
        repo,
        owner,
        owner_name,
        co_owners,
        what,
        made_at,
        original_due,
        undated_reason,
        changes,
        states,
        private,
        source_line,
        phrase,
        zone,
        notes,
    ) = json.loads(text)
    parse, intern = datetime.fromisoformat, sys.intern
    return Promise(
        id=pid,
        source=intern(source),
        kind=intern(kind),
        url=url,
        thread_id=thread_id,
        repo=intern(repo),
        owner=intern(owner),
        owner_name=owner_name,
        co_owners=tuple(co_owners),
        text=what,
        made_at=parse(made_at),
        original_due=parse(original_due) if original_due else None,
        undated_reason=undated_reason,
        changes=tuple(
            DueChange(parse(a), parse(d), intern(v), r, e, o) for a, d, v, r, e, o in changes
        ),
        states=tuple(StateChange(parse(a), intern(s), r, e, o) for a, s, r, e, o in states),
        private=private,
        source_line=source_line,
        phrase=phrase,
        zone=intern(zone),
        notes=tuple(notes),
    )


# -- schema ---------------------------------------------------------------------------


def migrate(db: sqlite_utils.Database) -> None:
    """Create or upgrade the schema; idempotent. Refuses another program's database."""
    tables = db.table_names()
    if tables and "meta" not in tables:
        raise sqlite3.DatabaseError(
            "it holds other tables (" + ", ".join(sorted(tables)[:3]) + ") and is left untouched"
        )
    if "meta" not in tables:
        db.table("meta").create({"key": str, "value": str}, pk="key")
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"schema version {version} is newer than this followthrough ({SCHEMA_VERSION})"
        )
    if version < 1:
        _create_v1(db)
    if version < 3:
        _recreate_promises(db)
    db.table("meta").upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")


PROMISE_COLUMNS: dict[str, Any] = {
    # Small columns first: a report reads these for every promise in its window
    # and must not wade through `data` to reach them.
    "id": str,
    "thread_id": str,
    "owner": str,
    "kind": str,
    "made_at": float,
    "due0": float,
    "due_lo": float,
    "due_hi": float,
    "last_ts": float,
    "final_state": str,
    "facts": str,
    "url": str,
    "data": str,
}


def _recreate_promises(db: sqlite_utils.Database) -> None:
    """v2 and v3: the promises table gains the columns a report filters and judges on.

    Promises are derived data, so the table is simply made anew and filled
    again from the raw records on the next report.
    """
    db.execute("DROP TABLE IF EXISTS promises")
    promises = db.table("promises")
    promises.create(PROMISE_COLUMNS, pk="id")
    for columns in (["thread_id"], ["url"], ["kind", "id"]):
        promises.create_index(columns, if_not_exists=True)
    # Covers the report's window query, so it reads this index (~100 bytes a
    # promise) and never the wide rows.
    promises.create_index(
        ["made_at", "last_ts", "due_hi", "final_state", "owner", "due0", "facts"],
        index_name="promises_window",
        if_not_exists=True,
    )
    db.execute("DELETE FROM meta WHERE key = 'derivation_key'")


def _create_v1(db: sqlite_utils.Database) -> None:
    tables: dict[str, tuple[dict[str, Any], str | tuple[str, ...]]] = {
        "threads": (
            {
                "id": str,
                "source": str,
                "kind": str,
                "repo": str,
                "author": str,
                "updated_at": str,
                "merged_at": str,
                "merged_ts": float,
                "data": str,
            },
            "id",
        ),
        "texts": (
            {
                "id": str,
                "thread_id": str,
                "kind": str,
                "author": str,
                "created_at": str,
                "deleted": int,
                "data": str,
            },
            "id",
        ),
        "text_versions": ({"text_id": str, "at": str, "body": str}, ("text_id", "at")),
        "events": ({"id": str, "thread_id": str, "at": str, "data": str}, "id"),
        "milestones": ({"id": str, "repo": str, "title": str, "data": str}, "id"),
        "reviews": ({"id": str, "thread_id": str, "data": str}, "id"),
        "kudos": ({"id": str, "thread_id": str, "at": float, "data": str}, "id"),
        "digests": (
            {
                "period": str,
                "issue": str,
                "comment_id": int,
                "url": str,
                "posted_at": str,
            },
            ("period", "issue"),
        ),
    }
    for name, (columns, pk) in tables.items():
        db.table(name).create(columns, pk=pk, if_not_exists=True)
    for table, cols in (
        ("threads", ["repo", "kind"]),
        ("threads", ["merged_ts"]),
        ("texts", ["thread_id"]),
        ("events", ["thread_id"]),
        ("reviews", ["thread_id"]),
        ("kudos", ["thread_id"]),
        ("kudos", ["at"]),
    ):
        db.table(table).create_index(cols, if_not_exists=True)
