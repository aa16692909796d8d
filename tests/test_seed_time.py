"""The seed article dates nothing: a thread's `updated` (when it last moved) comes from its dated
(fetched) stories only, in new caches and in caches an older briefing wrote; and `briefing feeds`
gives its times in the configured zone. Real caches in tmp_path, the CLI in-process."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import export_db
import pytest

from briefing.cli import main
from briefing.models import FeedUpdate
from briefing.store import Store

MADE = "2025-07-01T08:00:00+00:00"  # when the cache was made: later than any story below
STORY = "2025-06-30T16:00:00+00:00"  # export_db.item(..., 2): NOW - 2 h


def cache_file(env: Path) -> Path:
    return env / "data" / "briefing.sqlite3"


def made_at(env: Path, when: str = MADE) -> None:
    """Date the cache's making (the seed article's first seen, thread 1's creation) `when`."""
    with sqlite3.connect(cache_file(env)) as db:
        db.execute("UPDATE articles SET first_seen = ? WHERE feed_id IS NULL", (when,))
        db.execute("UPDATE threads SET created = ? WHERE id = 1", (when,))
    db.close()


def add_story(store: Store, thread_id: int) -> int:
    store.sync_feeds(export_db.FEEDS[:1])
    (story,) = store.save_feed_result(
        export_db.FEEDS[0].url,
        FeedUpdate("ok", export_db.NOW),
        [export_db.item("talks", "Talks in Gabala", 2, text="Commissions met.")],
    ).new_ids
    store.assign(story, thread_id)
    return story


@pytest.fixture()
def env(tmp_path: Path) -> Path:
    (tmp_path / "feeds.toml").write_text(export_db.CONFIG)
    Store.open(tmp_path / "data").close()
    made_at(tmp_path)
    return tmp_path


def cli(env: Path, *args: str) -> int:
    return main(["--feeds", str(env / "feeds.toml"), "--data-dir", str(env / "data"), *args])


def seed_thread_output(env: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, dict]:
    """(`briefing threads` line 2 of thread 1, thread 1 of `briefing threads --json`)."""
    assert cli(env, "threads") == 0
    lines = capsys.readouterr().out.splitlines()
    line = lines[lines.index(next(x for x in lines if x.startswith("    1  "))) + 1]
    assert cli(env, "threads", "--json") == 0
    data = {t["id"]: t for t in json.loads(capsys.readouterr().out)}
    return line.strip(), data[1]


# ------------------------------------------------------------ 1. the seed dates nothing
def test_seed_thread_alone_has_no_news_time(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open(env / "data") as store:
        (thread,) = store.threads(only=1)
        assert thread.stories == 1 and thread.updated is None
        assert thread.created == datetime.fromisoformat(MADE)  # the creation is kept as such
    line, data = seed_thread_output(env, capsys)
    assert line == "pinned, 1 story, 1 unread, no news yet", line
    assert "2025-07-01" not in line  # neither 08:00 UTC nor 12:00 in Baku
    assert data["updated"] is None and data["stories"] == 1


def test_seed_thread_is_dated_by_its_fetched_story_not_the_cache_creation(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the story was published before the cache was made; the seed's first seen is later
    with Store.open(env / "data") as store:
        add_story(store, 1)
        (thread,) = store.threads(only=1)
        assert thread.stories == 2
        assert thread.updated == datetime.fromisoformat(STORY)
    line, data = seed_thread_output(env, capsys)
    assert line.endswith("last moved 2025-06-30 20:00 (Asia/Baku, UTC+04:00)"), line
    assert data["updated"] == STORY


def test_moved_seed_article_does_not_date_its_new_thread(env: Path) -> None:
    with Store.open(env / "data") as store:
        other = store.create_thread("Gabala talks", by_user=True)
        add_story(store, other)
        (seed,) = [s for s in store.stories(1) if s.feed_id is None]
        assert store.move_story(seed.id, other) == 1
        assert store.thread(other).updated == datetime.fromisoformat(STORY)  # type: ignore[union-attr]
        # thread 1 is left empty, pinned: listed, with no news time
        assert store.thread(1).updated is None  # type: ignore[union-attr]


# ------------------------------------------------------------ 2. order and dormancy
def test_pinned_thread_with_news_comes_before_the_seed_thread(env: Path) -> None:
    with Store.open(env / "data") as store:
        georgia = store.create_thread("Georgia: protests", pinned=True)
        add_story(store, georgia)  # published before the cache was made
        order = [t.id for t in store.threads()]
        assert order[:2] == [georgia, 1]  # latest activity: none for the seed thread alone


def test_seed_thread_is_never_dormant_while_pinned_and_counts_from_creation_else(
    env: Path,
) -> None:
    made = datetime.fromisoformat(MADE)
    with Store.open(env / "data") as store:
        later = made + timedelta(days=400)
        assert [t.id for t in store.threads(now=later)] == [1]
        store.set_thread_flag(1, "pinned", False)
        assert store.threads(now=made + timedelta(days=20)) != []
        assert store.threads(now=later) == []
        (thread,) = store.threads(now=later, include_dormant=True)
        assert thread.dormant and thread.updated is None


# ------------------------------------------------------------ 3. caches an older briefing wrote
def test_opening_an_old_cache_redates_the_seed_thread(env: Path) -> None:
    with Store.open(env / "data") as store:
        georgia = store.create_thread("Georgia: protests", pinned=True)
        story = add_story(store, 1)
        store.ensure_pinned([SimpleNamespace(seed=None, title="Elections")])
        (elections,) = [t.id for t in store.threads() if t.title == "Elections"]
    # as an older briefing left it: thread 1 (the seed article and a story published before
    # the cache was made) dated by the cache's creation, the seed's first seen; a pinned thread
    # of the config with no story dated by its creation
    with sqlite3.connect(cache_file(env)) as db:
        db.execute("UPDATE threads SET updated = ? WHERE id = 1", (MADE,))
        db.execute("UPDATE threads SET updated = created WHERE id = ?", (elections,))
    db.close()
    with Store.open(env / "data") as store:
        assert store.thread(1).updated == datetime.fromisoformat(STORY)  # type: ignore[union-attr]
        assert store.thread(elections).updated is None  # type: ignore[union-attr]
        store.move_story(story, georgia)
    # thread 1 holding the seed article alone, dated by it
    with sqlite3.connect(cache_file(env)) as db:
        db.execute("UPDATE threads SET updated = ? WHERE id = 1", (MADE,))
    db.close()
    with Store.open(env / "data") as store:
        assert store.thread(1).updated is None  # type: ignore[union-attr]
        assert store.thread(georgia).updated == datetime.fromisoformat(STORY)  # type: ignore[union-attr]


def test_opening_a_right_cache_writes_nothing(env: Path) -> None:
    with Store.open(env / "data") as store:
        add_story(store, 1)
    watcher = sqlite3.connect(cache_file(env))
    try:
        before = watcher.execute("PRAGMA data_version").fetchone()[0]
        for _ in range(2):
            Store.open(env / "data").close()
        # data_version changes when another connection commits: nothing was committed
        assert watcher.execute("PRAGMA data_version").fetchone()[0] == before
    finally:
        watcher.close()


# ------------------------------------------------------------ 4. feeds in the configured zone
def test_feeds_prints_the_next_try_in_the_configured_zone(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    next_check = datetime(2025, 6, 30, 14, 35, tzinfo=UTC)
    with Store.open(env / "data") as store:
        store.sync_feeds(export_db.FEEDS[:1])
        store.save_feed_result(
            export_db.FEEDS[0].url,
            FeedUpdate("error", export_db.NOW, next_check=next_check, error="HTTP 503"),
        )
    assert cli(env, "feeds") == 0
    out = capsys.readouterr().out
    assert "error (1 in a row), next try 2025-06-30 18:35 (Asia/Baku, UTC+04:00): HTTP 503" in out
    assert "14:35" not in out and " UTC\n" not in out
    assert cli(env, "feeds", "--json") == 0
    (feed,) = json.loads(capsys.readouterr().out)
    assert feed["next_check"] == "2025-06-30T14:35:00+00:00"  # JSON stays ISO 8601 in UTC
    assert feed["last_checked"] == export_db.NOW.isoformat()
