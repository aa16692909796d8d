"""Splitting a thread: a story and every later one go to a new thread, as the user's decision
(the engine leaves them there); the app's S asks first and z undoes it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from test_tui_support import add_articles, item, make_app, open_thread, screen_text, settle

from briefing import refresh
from briefing.tui.screens.dialogs import ConfirmScreen


def placements(store) -> dict[int, tuple[int, str]]:
    with sqlite3.connect(store.path) as db:
        rows = db.execute("SELECT article_id, thread_id, decided_by FROM membership").fetchall()
    return {a: (t, d) for a, t, d in rows}


def test_split_moves_the_story_the_later_ones_and_their_copies(cache):
    store, ids, georgia = cache.store, cache.ids, cache.threads["georgia"]
    # Georgia, newest first: g1 (1 h, with its copy), g2 (5 h), g4 (10 h), g3 (30 h)
    new_id, before = store.split_thread(ids["g2"], "Georgian Dream passes the bill")
    assert {row[0] for row in before} == {ids["g1"], ids["g1-copy"], ids["g2"]}
    now = placements(store)
    for key in ("g1", "g1-copy", "g2"):
        assert now[ids[key]] == (new_id, "user")
    for key in ("g3", "g4"):
        assert now[ids[key]] == (georgia, "engine")
    thread = next(t for t in store.threads() if t.id == new_id)
    assert thread.title == "Georgian Dream passes the bill" and thread.stories == 2  # copy folded
    # the thread dates follow their latest story
    assert next(t for t in store.threads() if t.id == georgia).updated < thread.updated
    # undo: exactly as before, and the new thread is gone
    store.restore_placement(before)
    assert store.delete_thread_if_empty(new_id)
    assert placements(store)[ids["g2"]] == (georgia, "engine")
    assert placements(store)[ids["g1-copy"]] == (georgia, "engine")


def test_split_refuses_to_move_a_whole_thread_or_a_copy_alone(cache):
    store, ids = cache.store, cache.ids
    assert store.split_thread(ids["g3"], "x") is None  # the oldest: every story would move
    assert store.split_thread(ids["g1-copy"], "x") is None  # a copy moves with its story
    assert store.split_thread(1, "x") is None  # the seed thread's only story
    assert len(store.threads()) == 3


def test_the_seed_article_never_leaves_its_thread(cache):
    store, ids = cache.store, cache.ids
    store.move_story(ids["g4"], 1)
    new_id, before = store.split_thread(ids["g4"], "x")
    assert [row[0] for row in before] == [ids["g4"]]
    seed_rows = [a for a, (t, d) in placements(store).items() if d == "seed"]
    assert seed_rows and all(placements(store)[a][0] == 1 for a in seed_rows)


def test_the_engine_leaves_split_stories_where_the_user_put_them(cache):
    store, ids = cache.store, cache.ids
    new_id, _ = store.split_thread(ids["g2"], "split")
    oc = cache.config.feeds[0]
    fresh = add_articles(store, oc, [item("g5", "Tbilisi protest enters its fourth week", 0.5)],
                         when=datetime.now(UTC) + timedelta(minutes=1))  # fmt: skip
    assert refresh.assign_threads(store, fresh, cache.config) == 1
    now = placements(store)
    assert now[ids["g1"]] == (new_id, "user") and now[ids["g2"]] == (new_id, "user")
    assert now[fresh[0]][1] == "engine"


async def test_shift_s_splits_after_asking_and_z_undoes_it(cache):
    app = make_app(cache)
    georgia = cache.threads["georgia"]
    async with app.run_test(size=(160, 50)) as pilot:
        main = app.main
        await open_thread(pilot, app, georgia)
        await pilot.press("j")  # g2, below g1
        await settle(pilot, lambda: main.story_list.current.id == cache.ids["g2"])
        await pilot.press("S")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "foreign agents bill and the 1 newer story above" in screen_text(app)
        await pilot.press("y")
        await settle(pilot, lambda: len(main.thread_list.threads) == 4)
        assert main.thread_list.current.title == "Georgian Dream passes foreign agents bill"
        assert main.thread_list.current.stories == 2
        await settle(pilot, lambda: {s.id for s in main.story_list.stories}
                     == {cache.ids["g1"], cache.ids["g2"]})  # fmt: skip
        await pilot.press("z")
        await settle(pilot, lambda: len(main.thread_list.threads) == 3)
        assert placements(cache.store)[cache.ids["g2"]] == (georgia, "engine")


async def test_shift_s_answered_no_changes_nothing(cache):
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        before = placements(cache.store)
        await pilot.press("S", "n")
        await settle(pilot, lambda: app.screen is app.main)
        assert placements(cache.store) == before and len(app.main.thread_list.threads) == 3


def test_a_merged_seed_thread_takes_no_new_story(cache):
    store = cache.store
    store.merge_threads(1, cache.threads["georgia"])
    (raid,) = add_articles(store, cache.config.feeds[0], [item(
        "raid", "Azerbaijani police raid Sputnik office in Baku, detain staff", 0.2,
        text="Police in Baku raided the office of Sputnik Azerbaijan, the Russian state news "
             "agency, and detained several employees as the row between Baku and Moscow deepened.",
    )])  # fmt: skip
    assert refresh.assign_threads(store, [raid], cache.config) == 1
    assert placements(store)[raid][0] != 1  # not in a thread nobody sees


def test_split_of_a_thread_larger_than_sqlites_parameter_limit(cache):
    import sqlite3

    from briefing.models import ArticleIn, FeedUpdate

    store, feed = cache.store, cache.config.feeds[0]
    # SQLite builds take 32,766 parameters (250,000 on Debian); a small limit stands in for a
    # thread larger than that
    store._db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 1000)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    items = [ArticleIn(key=f"big{n}", link=f"https://example.org/big{n}", title=f"Story {n}",
                       published=start + timedelta(minutes=n), content_hash=f"big{n}")
             for n in range(1_500)]  # fmt: skip
    ids = store.save_feed_result(feed.url, FeedUpdate("ok", start), items).new_ids
    big = store.create_thread("Big")
    store.assign_many([(i, big, None, None) for i in ids])
    new_id, moved = store.split_thread(ids[1], "Most of it")  # 1,499 stories move
    assert len(moved) == 1_499
    assert placements(store)[ids[0]][0] == big and placements(store)[ids[-1]][0] == new_id
