"""The SQLite cache: versions of texts, deletions, cursors, schema upgrades."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from followthrough.config import config_from_mapping
from followthrough.records import TextRecord, ThreadRecord
from followthrough.store import SCHEMA_VERSION, Store, StoreError, _create_v1, ensure_derived

T0 = datetime(2026, 11, 16, 8, tzinfo=UTC)


def thread() -> ThreadRecord:
    return ThreadRecord(
        id="github:acme/api#1",
        source="github",
        kind="issue",
        repo="acme/api",
        number=1,
        key=None,
        url="https://github.com/acme/api/issues/1",
        title="t",
        author="mara",
        author_name=None,
        author_type="User",
        created_at=T0,
        updated_at=T0,
        state="open",
    )


def comment(body: str, *, updated: datetime = T0) -> TextRecord:
    return TextRecord(
        id="github:acme/api#1:comment:7",
        thread_id="github:acme/api#1",
        kind="comment",
        author="mara",
        author_name=None,
        author_type="User",
        created_at=T0,
        updated_at=updated,
        body=body,
        url="https://github.com/acme/api/issues/1#c7",
    )


def test_an_edit_is_kept_as_a_new_version_and_a_repeat_is_not(tmp_path: Path) -> None:
    with Store(tmp_path / "ft.db") as store:
        store.save_threads([thread()])
        store.save_texts([comment("/promise x by Friday")])
        store.save_texts([comment("/promise x by Friday")])  # listed again, unchanged
        store.save_texts([comment("/promise x by Monday", updated=T0 + timedelta(hours=2))])
        (bundle,) = store.load_bundles()
    (history,) = bundle.texts
    assert history.versions == (
        (T0, "/promise x by Friday"),
        (T0 + timedelta(hours=2), "/promise x by Monday"),
    )


def test_a_deleted_text_is_left_out_of_its_thread(tmp_path: Path) -> None:
    with Store(tmp_path / "ft.db") as store:
        store.save_threads([thread()])
        store.save_texts([comment("hello")])
        store.mark_deleted(["github:acme/api#1:comment:7"])
        (bundle,) = store.load_bundles()
    assert bundle.texts == ()


def test_cursors_round_trip_and_clear(tmp_path: Path) -> None:
    with Store(tmp_path / "ft.db") as store:
        assert store.get_cursor("github:acme/api:issues") is None
        store.set_cursor("github:acme/api:issues", T0)
        assert store.get_cursor("github:acme/api:issues") == T0
        store.clear_cursor("github:acme/api:issues")
        assert store.get_cursor("github:acme/api:issues") is None


def test_missing_folders_are_created(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "ft.db"
    Store(path).close()
    assert path.is_file()


def test_a_v1_cache_is_upgraded_and_its_promises_derived_again(tmp_path: Path) -> None:
    path = tmp_path / "ft.db"
    db = sqlite_utils.Database(path)
    db.table("meta").create({"key": str, "value": str}, pk="key")
    _create_v1(db)  # every v1 table but promises, which v1 made like this:
    db.execute(
        "CREATE TABLE promises (id TEXT PRIMARY KEY, thread_id TEXT, owner TEXT, "
        "made_at FLOAT, data TEXT)"
    )
    db.execute("INSERT INTO promises VALUES ('x', 't', 'o', 0, '[]')")
    db.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('derivation_key', 'old')")
    db.conn.commit()
    db.close()
    config = config_from_mapping({}, env={})
    with Store(path) as store:
        assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
        columns = [row[1] for row in store.conn.execute("PRAGMA table_info(promises)")]
        assert columns[:5] == ["id", "thread_id", "owner", "kind", "made_at"]
        assert {"facts", "due_lo", "due_hi", "last_ts", "final_state"} <= set(columns)
        assert store.count("promises") == 0
        assert store.get_meta("derivation_key") is None
        assert ensure_derived(store, config) is True
        assert ensure_derived(store, config) is False


def test_a_cache_from_a_newer_followthrough_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ft.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 99 is newer than this followthrough"):
        Store(path)


def test_changing_a_rule_the_promises_depend_on_derives_them_again(tmp_path: Path) -> None:
    with Store(tmp_path / "ft.db") as store:
        store.save_threads([thread()])
        store.save_texts([replace(comment("/promise x by Friday"))])
        berlin = config_from_mapping({"timezone": "Europe/Berlin"}, env={})
        tokyo = config_from_mapping({"timezone": "Asia/Tokyo"}, env={})
        assert ensure_derived(store, berlin) is True
        (in_berlin,) = store.load_promises()
        assert ensure_derived(store, tokyo) is True
        (in_tokyo,) = store.load_promises()
    assert in_berlin.original_due != in_tokyo.original_due
