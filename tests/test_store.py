"""The SQLite cache: create, reopen, migrate, refuse, WAL, seed thread once, concurrent access."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.config import Feed, PinnedThread
from briefing.models import ArticleIn, FeedUpdate
from briefing.store import DB_FILENAME, Store, StoreError
from briefing.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

FEED = Feed("Example", "http://127.0.0.1:9/feed", ("ge", "en"))
NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def item(key: str, title: str = "A title", **kw: object) -> ArticleIn:
    return ArticleIn(key=key, link=f"http://127.0.0.1:9/{key}", title=title,
                     summary=kw.pop("summary", "Summary"), content_hash=kw.pop("h", title),
                     **kw)  # type: ignore[arg-type]  # fmt: skip


def test_new_cache_has_seed_thread_first(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        threads = store.threads()
        assert [t.id for t in threads] == [1]
        assert threads[0].pinned and "Azerbaijan" in threads[0].title
        stories = store.stories(1)
        assert len(stories) == 1
        assert "Safarov" in (stories[0].text or "")
        assert stories[0].decided_by == "seed"
        assert store.journal_mode == "wal"
        assert store.schema_version == SCHEMA_VERSION


def test_seed_thread_created_once(tmp_path: Path) -> None:
    pinned = PinnedThread("Azerbaijan–Russia crisis", "azerbaijan-russia-crisis.txt")
    for _ in range(3):
        with Store.open(tmp_path) as store:
            store.ensure_pinned([pinned, PinnedThread("Georgia protests", None)])
    with Store.open(tmp_path) as store:
        assert store.counts()["threads"] == 2
        assert store.counts()["articles"] == 1
        # (both pinned and undated: their order follows their creation times, which can
        # fall in two different seconds)
        assert "Georgia protests" in {t.title for t in store.threads()}


def test_refuses_newer_schema_without_writing(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    path = tmp_path / DB_FILENAME
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer briefing"):
        Store.open(tmp_path)
    assert path.read_bytes() == before


def test_refuses_foreign_database(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="not a briefing cache"):
        Store.open(tmp_path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 0
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_schema")] == ["invoices"]


def test_refuses_garbage_file(tmp_path: Path) -> None:
    (tmp_path / DB_FILENAME).write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store.open(tmp_path)


def test_migrates_from_first_schema_version(tmp_path: Path) -> None:
    # Build a version-1 file with the first migration only, as an old briefing would have.
    path = tmp_path / DB_FILENAME
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    MIGRATIONS[0](db, "2025-07-01T00:00:00+00:00")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 1")
    db.execute("COMMIT")
    db.close()
    with Store.open(tmp_path) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.counts()["threads"] == 1
        store.set_meta("last_visit", "x")  # a v2 table
        assert store.get_meta("last_visit") == "x"
        assert store.stories(1)[0].extract_error is None  # a v2 column


def test_save_feed_result_is_idempotent_and_detects_changes(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.sync_feeds([FEED])
        update = FeedUpdate("ok", NOW, etag='"abc"', last_modified="Fri, 27 Nov 2026 08:00:00 GMT")
        first = store.save_feed_result(FEED.url, update, [item("1"), item("2")])
        assert len(first.new_ids) == 2 and first.updated == 0
        again = store.save_feed_result(FEED.url, update, [item("1"), item("2")])
        assert again.new_ids == () and again.updated == 0
        changed = store.save_feed_result(FEED.url, update, [item("1", "New title"), item("2")])
        assert changed.updated == 1
        state = store.feed(FEED.url)
        assert state is not None and state.etag == '"abc"' and state.status == "ok"
        assert store.story(first.new_ids[0]).title == "New title"  # type: ignore[union-attr]
        assert [s.id for s in store.search("title")] and not store.search("zzzz")


def test_errors_are_counted_and_reset(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.sync_feeds([FEED])
        for _ in range(2):
            store.save_feed_result(FEED.url, FeedUpdate("error", NOW, error="HTTP 500"))
        state = store.feed(FEED.url)
        assert state and state.error_count == 2 and state.last_error == "HTTP 500"
        store.save_feed_result(FEED.url, FeedUpdate("not_modified", NOW))
        state = store.feed(FEED.url)
        assert state and state.error_count == 0 and state.last_error is None


def test_user_move_is_never_undone_by_engine(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.sync_feeds([FEED])
        (aid,) = store.save_feed_result(FEED.url, FeedUpdate("ok", NOW), [item("1")]).new_ids
        other = store.create_thread("Other")
        assert store.assign(aid, 1)
        assert store.move_story(aid, other) == 1
        assert not store.assign(aid, 1, decided_by="engine")
        story = store.story(aid)
        assert story and story.thread_id == other and story.decided_by == "user"
        assert store.rename_thread(other, "engine label", by_user=False)
        store.rename_thread(other, "My title")
        assert not store.rename_thread(other, "engine label 2", by_user=False)
        assert store.thread(other).title == "My title"  # type: ignore[union-attr]


def test_triage_flags_and_previous_values(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        before = store.set_triage(1, starred=True)
        assert before == {"read": False, "starred": False, "in_briefing": False, "hidden": False}
        assert store.set_triage(1, read=True)["starred"] is True
        story = store.story(1)
        assert story and story.read and story.starred and not story.hidden
        with pytest.raises(ValueError):
            store.set_triage(1, loved=True)


def test_write_while_another_connection_reads(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.sync_feeds([FEED])
        reader = sqlite3.connect(tmp_path / DB_FILENAME, isolation_level=None)
        reader.execute("BEGIN")
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
        # WAL: the writer is not blocked by the open read transaction.
        store.save_feed_result(FEED.url, FeedUpdate("ok", NOW), [item("x")])
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 1  # snapshot
        reader.execute("COMMIT")
        assert reader.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
        reader.close()


def test_second_writer_waits_instead_of_failing(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    blocker = sqlite3.connect(tmp_path / DB_FILENAME, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        time.sleep(0.7)
        blocker.execute("COMMIT")
        released.set()

    threading.Thread(target=release).start()
    with Store.open(tmp_path) as store:
        start = time.monotonic()
        store.set_triage(1, starred=True)  # must wait for the lock, not raise
        waited = time.monotonic() - start
    assert released.is_set() and waited >= 0.5
    blocker.close()


def test_thread_with_every_story_hidden_stays_listed(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.set_triage(1, hidden=True)  # the seed article
        threads = store.threads()
        assert [t.id for t in threads] == [1]
        assert (threads[0].stories, threads[0].unread) == (0, 0)
        assert store.thread(1) is not None


def test_counts_fold_copies_and_ignore_empty_joins(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.sync_feeds([FEED, Feed("Wire", "http://127.0.0.1:9/wire")])
        (a,) = store.save_feed_result(FEED.url, FeedUpdate("ok", NOW), [item("1")]).new_ids
        (b,) = store.save_feed_result(
            "http://127.0.0.1:9/wire", FeedUpdate("ok", NOW), [item("1")]
        ).new_ids
        thread = store.create_thread("T")
        empty = store.create_thread("Empty")
        store.assign(a, thread)
        store.assign(b, thread, duplicate_of=a)
        t = store.thread(thread)
        assert t and (t.stories, t.sources, t.unread) == (1, 2, 1)
        e = store.thread(empty)
        assert e and (e.stories, e.sources, e.unread) == (0, 0, 0)
