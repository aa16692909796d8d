"""A cold fetch's thread assignment with its text work done ahead in the CPU pool places every
story exactly as the engine alone does, and a broken pool only costs speed."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import Executor, Future
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from briefing import refresh
from briefing.config import Feed
from briefing.models import ArticleIn, FeedUpdate
from briefing.store import Store

T0 = datetime(2025, 7, 1, 8, 0, tzinfo=UTC)
FEED = Feed("Wire", "https://wire.example/feed", ())
TOPICS = [
    ("Tbilisi", "protesters rally on Rustaveli Avenue against the Georgian Dream government"),
    ("Gabala", "border commissions of Armenia and Azerbaijan agree on a delimitation section"),
    ("Aktau", "investigators publish findings on the Azerbaijan Airlines crash near Aktau"),
    ("Sukhumi", "Abkhazia's parliament debates the investment law amid street protests"),
]


def build(data: Path) -> tuple[Store, list[int]]:
    store = Store.open(data)
    store.sync_feeds([FEED])
    items = []
    for n in range(45):
        place, text = TOPICS[n % len(TOPICS)]
        title = f"{place}: {text.split(' on ')[0]} (report {n // len(TOPICS)})"
        if n % 9 == 0:  # the same wire text again: a copy
            title, text = f"{place}: wire report", f"{place} agency: {text}."
        items.append(
            ArticleIn(
                key=f"k{n}", link=f"https://wire.example/{n}", title=title,
                summary=f"{text} in {place}, officials said on day {n}.",
                published=T0 + timedelta(minutes=17 * n), content_hash=f"h{n}",
            )
        )  # fmt: skip
    saved = store.save_feed_result(FEED.url, FeedUpdate("ok", T0 + timedelta(days=1)), items)
    return store, list(saved.new_ids)


def placements(store: Store) -> list[tuple[Any, ...]]:
    with sqlite3.connect(store.path) as db:
        return db.execute(
            "SELECT m.article_id, m.thread_id, m.duplicate_of, m.score, t.title"
            " FROM membership m JOIN threads t ON t.id = m.thread_id ORDER BY m.article_id"
        ).fetchall()


class Recording(Executor):
    """Runs submitted work inline (or fails it), and counts the calls."""

    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail
        self.names: list[str] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls += 1
        self.names.append(fn.__name__)
        future: Future[Any] = Future()
        if self.fail:
            future.set_exception(RuntimeError("worker died"))
        else:
            future.set_result(fn(*args, **kwargs))
        return future


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(refresh, "_CHUNK", 7)  # 45 stories: seven chunks, work ahead overlaps


def test_pool_places_every_story_as_the_engine_alone(tmp_path: Path, small_chunks: None) -> None:
    alone, ids = build(tmp_path / "alone")
    assert refresh.assign_threads(alone, ids) == 45
    expected = placements(alone)
    assert len({row[1] for row in expected}) >= 4 and any(row[2] for row in expected)

    pooled, ids = build(tmp_path / "pooled")
    with refresh.make_pool(1) as pool:
        assert refresh.assign_threads(pooled, ids, pool=pool) == 45
    assert placements(pooled) == expected

    recording = Recording()
    inline, ids = build(tmp_path / "inline")
    assert refresh.assign_threads(inline, ids, pool=recording) == 45
    assert recording.calls == 7  # every chunk was prepared ahead
    assert placements(inline) == expected


def test_a_failing_pool_only_costs_speed(tmp_path: Path, small_chunks: None) -> None:
    alone, ids = build(tmp_path / "alone")
    refresh.assign_threads(alone, ids)
    broken, ids = build(tmp_path / "broken")
    failing = Recording(fail=True)
    assert refresh.assign_threads(broken, ids, pool=failing) == 45
    assert failing.calls == 7
    assert placements(broken) == placements(alone)


def test_the_engine_queue_is_unplaced_visible_stories_oldest_first(tmp_path: Path) -> None:
    store, ids = build(tmp_path / "q")
    undated = store.save_feed_result(
        FEED.url, FeedUpdate("ok", T0 + timedelta(days=2)), [ArticleIn(key="u", link="https://wire.example/u",
                                                   title="Undated", content_hash="u")],
    ).new_ids  # fmt: skip
    store.set_triage(ids[3], hidden=True)
    store.assign(ids[5], 1)
    order = store.unplaced_order(list(reversed([*ids, *undated])))
    # published times rise with the id; the undated story counts from when it was first seen
    # (two days on, after every published time)
    assert order == [i for i in ids if i not in (ids[3], ids[5])] + list(undated)


def test_batch_placement_keeps_the_users_moves(tmp_path: Path) -> None:
    store, ids = build(tmp_path / "u")
    mine = store.create_thread("Mine")
    store.move_story(ids[0], mine)
    store.assign(ids[1], 1, score=0.3)  # the engine's earlier decision may be revised
    written = store.assign_many([(ids[0], 1, None, 0.9), (ids[1], mine, None, 0.8),
                                 (ids[2], mine, ids[1], 0.7)])  # fmt: skip
    assert written == 2
    rows = {row[0]: row[1:3] for row in placements(store)}
    assert rows[ids[0]] == (mine, None)  # still where the user put it
    assert rows[ids[1]] == (mine, None) and rows[ids[2]] == (mine, ids[1])
    with sqlite3.connect(store.path) as db:
        decided = dict(db.execute("SELECT article_id, decided_by FROM membership").fetchall())
    assert decided[ids[0]] == "user" and decided[ids[1]] == "engine"


def test_each_thread_ends_dated_by_its_latest_story(tmp_path: Path, small_chunks: None) -> None:
    # assign_threads writes its batches untouched and dates each thread once at the end
    store, ids = build(tmp_path / "d")
    refresh.assign_threads(store, ids)
    with sqlite3.connect(store.path) as db:
        rows = db.execute(
            "SELECT t.id, t.updated, max(coalesce(a.published, a.first_seen)) FROM threads t"
            " JOIN membership m ON m.thread_id = t.id JOIN articles a ON a.id = m.article_id"
            " WHERE t.id != 1 GROUP BY t.id"
        ).fetchall()
    assert len(rows) >= 4
    assert all(updated == latest for _id, updated, latest in rows)


def test_engine_texts_reads_what_the_engine_needs(tmp_path: Path) -> None:
    store, ids = build(tmp_path / "t")
    seen = T0 + timedelta(days=3)
    (undated,) = store.save_feed_result(
        FEED.url, FeedUpdate("ok", seen), [ArticleIn(key="u", link="https://wire.example/u",
                                                     title="Undated", summary="S", content_hash="u")],
    ).new_ids  # fmt: skip
    store.set_article_text(undated, text="Full text")
    rows = {r[0]: r for r in store.engine_texts([ids[0], undated, 10**9])}
    assert set(rows) == {ids[0], undated}  # an unknown id is skipped
    _id, title, text, when, outlet, _lang = rows[ids[0]]
    assert (title, when, outlet) == ("Tbilisi: wire report", T0, "Wire")
    assert text.startswith("Tbilisi agency: protesters rally")  # the summary, without text
    assert rows[undated][1:5] == ("Undated", "Full text", seen, "Wire")  # text; first seen


def test_engine_labels_never_replace_a_users_title(tmp_path: Path) -> None:
    store, _ids = build(tmp_path / "l")
    mine, engines = store.create_thread("Mine"), store.create_thread("New thread")
    store.rename_thread(mine, "My title")
    store.label_threads({mine: "Engine label", engines: "Gabala talks", 1: ""})
    titles = {t.id: t.title for t in store.threads(include_empty=True)}
    assert titles[mine] == "My title" and titles[engines] == "Gabala talks"
    assert titles[1].startswith("Azerbaijan–Russia crisis")  # an empty label changes nothing


def add_round(store: Store, start: int, count: int) -> list[int]:
    """`count` more reports of the four topics, after the first 45 (a later fetch)."""
    items = []
    for n in range(start, start + count):
        place, text = TOPICS[n % len(TOPICS)]
        items.append(
            ArticleIn(
                key=f"k{n}", link=f"https://wire.example/{n}", title=f"{place}: follow-up {n}",
                summary=f"{text} in {place}, officials said on day {n}.",
                published=T0 + timedelta(minutes=17 * n), content_hash=f"h{n}",
            )
        )  # fmt: skip
    when = T0 + timedelta(days=2)
    return list(store.save_feed_result(FEED.url, FeedUpdate("ok", when), items).new_ids)


def test_hydration_in_the_pool_loads_the_engine_as_alone(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a later fetch rebuilds the engine from the cached threads (hydration) before placing its
    # stories: with a pool, the members' text work is done there, chunk by chunk
    monkeypatch.setattr(refresh, "_now", lambda: T0 + timedelta(days=3))  # threads active
    alone, ids = build(tmp_path / "alone")
    refresh.assign_threads(alone, ids)
    assert refresh.assign_threads(alone, add_round(alone, 45, 6)) == 6
    expected = placements(alone)

    recording = Recording()
    pooled, ids = build(tmp_path / "pooled")
    refresh.assign_threads(pooled, ids)
    assert recording.calls == 0
    assert refresh.assign_threads(pooled, add_round(pooled, 45, 6), pool=recording) == 6
    # the 45 cached stories are in four topic threads of 9-12 stories: a thread's members make
    # a full chunk of 7 each time (a short last chunk would be done here); the 6 new stories
    # are one batch, not prepared ahead (it is the whole queue)
    assert recording.names == ["prepare"] * 4
    assert placements(pooled) == expected

    failing = Recording(fail=True)
    broken, ids = build(tmp_path / "broken")
    refresh.assign_threads(broken, ids)
    assert refresh.assign_threads(broken, add_round(broken, 45, 6), pool=failing) == 6
    assert failing.calls == 4 and placements(broken) == expected


def test_placements_for_a_thread_deleted_meanwhile_are_left_for_the_next_fetch(
    tmp_path: Path,
) -> None:
    # the engine read a thread that an undo then deleted (it was a user's new thread, emptied):
    # its stories stay unplaced and the rest of the batch is written (before, the foreign key
    # refused the whole batch, and then the merge-following raised ValueError for it)
    store, ids = build(tmp_path / "g")
    gone = store.create_thread("New thread")
    assert store.delete_thread_if_empty(gone)
    written = store.assign_many([(ids[0], gone, None, 0.5), (ids[1], 1, None, 0.4)])
    assert written == 1
    rows = {row[0]: row[1] for row in placements(store)}
    assert ids[0] not in rows and rows[ids[1]] == 1
    assert ids[0] in store.unplaced_order(None)
