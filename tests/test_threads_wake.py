"""A dormant thread (quiet for dormant_after_days, off the default list) of keep_min_stories
stories or more wakes when a new story joins it; one quiet for longer than the engine's
forget_after is no longer a candidate, nor a small one quiet for dormant_after_days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_tui_support import add_articles, item, make_config

from briefing import refresh
from briefing.store import Store
from briefing.threads import EngineParams

PROTEST = (
    "Thousands of protesters marched on Rustaveli Avenue in Tbilisi against the Georgian Dream "
    "government of Irakli Kobakhidze, demanding new elections and the release of detained "
    "opposition leaders; police used water cannon near the parliament building."
)


def _thread_of(store: Store, article_id: int) -> int:
    import sqlite3

    with sqlite3.connect(store.path) as db:
        return db.execute(
            "SELECT thread_id FROM membership WHERE article_id = ?", (article_id,)
        ).fetchone()[0]


def _protest_thread(store: Store, feed, days_ago: float) -> int:
    old = add_articles(store, feed, [
        item("p1", "Protesters rally on Rustaveli Avenue in Tbilisi", days_ago * 24, text=PROTEST),
        item("p2", "Tbilisi protest against Kobakhidze government continues",
             days_ago * 24 - 2, text=PROTEST + " The rally went on into the night."),
        item("p2b", "Police disperse Tbilisi protesters with water cannon",
             days_ago * 24 - 4, text=PROTEST + " Dozens were detained."),
    ])  # fmt: skip
    assert refresh.assign_threads(store, old) == 3  # a crisis: enough stories to be woken
    assert len({_thread_of(store, a) for a in old}) == 1
    return _thread_of(store, old[0])


def _new_report(store: Store, feed) -> int:
    (new,) = add_articles(store, feed, [item(
        "p3", "Protesters return to Rustaveli Avenue in Tbilisi", 1,
        text=PROTEST + " It was the first large rally in weeks.",
    )])  # fmt: skip
    assert refresh.assign_threads(store, [new]) == 1
    return new


def test_a_story_joining_a_dormant_thread_wakes_it(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = Store.open(tmp_path / "data")
    store.sync_feeds(config.feeds)
    feed = config.feeds[0]
    thread = _protest_thread(store, feed, days_ago=50)
    assert thread not in {t.id for t in store.threads()}  # dormant: off the default list
    assert thread in {tid for tid, _ in store.dormant_threads()}
    new = _new_report(store, feed)
    assert _thread_of(store, new) == thread  # before, the engine never saw it: a new thread
    assert thread in {t.id for t in store.threads()}  # awake again
    assert thread not in {tid for tid, _ in store.dormant_threads()}


def test_a_thread_quiet_beyond_forget_after_is_not_reopened(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = Store.open(tmp_path / "data")
    store.sync_feeds(config.feeds)
    feed = config.feeds[0]
    days = EngineParams().forget_after.days + 10
    thread = _protest_thread(store, feed, days_ago=days)
    new = _new_report(store, feed)
    assert _thread_of(store, new) != thread


def test_a_dormant_one_story_thread_is_not_loaded(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    store = Store.open(tmp_path / "data")
    store.sync_feeds(config.feeds)
    feed = config.feeds[0]
    (old,) = add_articles(
        store,
        feed,
        [item("p1", "Protesters rally on Rustaveli Avenue in Tbilisi", 50 * 24, text=PROTEST)],
    )
    assert refresh.assign_threads(store, [old]) == 1
    now = datetime.now(UTC)
    days = timedelta(days=21)
    forget = EngineParams().forget_after
    assert store.active_thread_ids(now - days, wake_since=now - forget, min_stories=1) == [
        1,
        _thread_of(store, old),
    ]  # (the seed thread is pinned)
    assert store.active_thread_ids(now - days, wake_since=now - forget, min_stories=3) == [1]
    assert _thread_of(store, _new_report(store, feed)) != _thread_of(store, old)
