"""The app and other programs writing the same cache (`briefing mark`/`merge` in another
window, a cron fetch): a reload in flight never paints over a key just pressed, an undo puts
back only what the app changed, and a story is never moved into a thread merged meanwhile."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from test_tui_support import make_app, open_thread, settle

from briefing.store import Store
from briefing.tui.reader import BriefingApp


@pytest.fixture
def fast_poll(monkeypatch):
    monkeypatch.setattr(BriefingApp, "CHANGES_POLL", 0.1)


async def test_star_during_poll_reload(cache, fast_poll):
    store = cache.store
    georgia, armenia = cache.threads["georgia"], cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        main.story_list.select_id(cache.ids["g2"])
        main.set_focus(main.story_list)
        await settle(pilot)
        entered, slow, real = threading.Event(), {"on": True}, app.store.stories

        def stories(*a, **kw):
            if slow["on"]:
                entered.set()
                time.sleep(0.5)  # the reload's story query, slow (big thread / busy disk)
            return real(*a, **kw)

        app.store.stories = stories
        other = Store.open(store.path.parent)
        other.rename_thread(armenia, "Renamed from the CLI")  # any outside commit
        other.close()
        deadline = time.monotonic() + 5
        while not entered.is_set():
            assert time.monotonic() < deadline
            await pilot.pause(0.02)
        slow["on"] = False
        await pilot.press("s")  # star while the poll's reload query runs
        await pilot.pause(1.0)
        await settle(pilot)
        shown = main.story_list.stories[main.story_list.index_of(cache.ids["g2"])].starred
        assert shown == store.story(cache.ids["g2"]).starred is True


async def test_undo_of_a_star_keeps_what_another_program_marked(cache, fast_poll):
    """s, then `briefing mark --briefing` elsewhere, then z: the star goes, the mark stays."""
    g2 = cache.ids["g2"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        main = app.main
        main.story_list.select_id(g2)
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot, lambda: cache.store.story(g2).starred)
        other = Store.open(cache.store.path.parent)
        other.set_triage(g2, in_briefing=True)  # what `briefing mark ID --briefing` stores
        other.close()
        await settle(pilot, lambda: main.story_list.current.in_briefing)
        await pilot.press("z")
        await settle(pilot, lambda: not cache.store.story(g2).starred)
        await settle(pilot)
        story = cache.store.story(g2)
        assert (story.starred, story.in_briefing) == (False, True)
        assert main.story_list.current.in_briefing and not main.story_list.current.starred


def live_thread(store: Store, article_id: int) -> int:
    with sqlite3.connect(store.path) as db:
        thread, merged = db.execute(
            "SELECT m.thread_id, t.merged_into FROM membership m JOIN threads t"
            " ON t.id = m.thread_id WHERE m.article_id = ?",
            (article_id,),
        ).fetchone()
    assert merged is None, f"story {article_id} sits in thread {thread}, merged into {merged}"
    return thread


def test_moves_and_undos_follow_a_thread_merged_meanwhile(cache):
    """A picker or an undo step names a thread another program merged since: the story goes
    where that thread's stories went, never into a thread no list shows."""
    store, ids, th = cache.store, cache.ids, cache.threads
    # 1. The m picker still lists Armenia; `briefing merge` moved it into the seed thread.
    store.merge_threads(th["armenia"], 1)
    store.move_story(ids["g2"], th["armenia"])
    assert live_thread(store, ids["g2"]) == 1
    # 2. An undo step read g1's placement (Georgia); Georgia is merged away meanwhile.
    before = store.placement(ids["g1"])
    store.move_story(ids["g1"], 1)
    other = store.create_thread("Other", by_user=True)
    store.merge_threads(th["georgia"], other)
    store.restore_placement([before])
    assert live_thread(store, ids["g1"]) == other
    # 3. Merging a thread merged meanwhile is refused (its stories are gone already).
    with pytest.raises(ValueError, match="merged meanwhile"):
        store.merge_threads(th["georgia"], 1)
    with pytest.raises(ValueError, match="no thread 99999"):
        store.move_story(ids["g1"], 99999)
    assert live_thread(store, ids["g1"]) == other


async def test_undo_of_a_move_keeps_a_move_made_since_by_another_program(cache, fast_poll):
    """m (to Armenia), then `briefing move` elsewhere (to the seed thread), then z: the story
    stays where the other program put it, and the message says so. Before, z pulled it back."""
    g2, georgia, armenia = cache.ids["g2"], cache.threads["georgia"], cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        main.story_list.select_id(g2)
        await settle(pilot)
        await app.move_story(main, main.story_list.current, armenia)
        await settle(pilot, lambda: cache.store.story(g2).thread_id == armenia)
        other = Store.open(cache.store.path.parent)
        other.move_story(g2, 1)  # what `briefing move g2 1` stores
        other.close()
        await pilot.press("z")
        await settle(pilot, lambda: any("Undone" in n.message for n in app._notifications))
        assert cache.store.story(g2).thread_id == 1
        assert any(
            n.message == "Undone: move, except 1 story moved elsewhere since (left where it is)"
            for n in app._notifications
        )
        # with nothing moved outside, an undo puts the story back as before
        g1 = cache.ids["g1"]
        await app.move_story(main, cache.store.story(g1), armenia)
        await settle(pilot, lambda: cache.store.story(g1).thread_id == armenia)
        await pilot.press("z")
        await settle(pilot, lambda: cache.store.story(g1).thread_id == georgia)


def test_undo_of_a_split_keeps_a_story_moved_since(cache):
    store, ids, georgia = cache.store, cache.ids, cache.threads["georgia"]
    new_id, before = store.split_thread(ids["g2"], "Split")
    moved = [row[0] for row in before]
    assert ids["g2"] in moved
    store.move_story(ids["g2"], cache.threads["armenia"])  # `briefing move` meanwhile
    assert store.restore_placement(before, only_in=new_id) == 1
    assert store.story(ids["g2"]).thread_id == cache.threads["armenia"]
    assert all(store.story(i).thread_id == georgia for i in moved if i != ids["g2"])


async def test_a_merge_by_another_program_takes_the_reader_along(cache, fast_poll):
    """Reading a story of Georgia, `briefing merge georgia armenia` in another window: the
    selection follows Georgia into Armenia, the story stays on screen. Before, the thread
    now at Georgia's row was selected, and the article pane showed one of its stories."""
    g2, georgia, armenia = cache.ids["g2"], cache.threads["georgia"], cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        main.story_list.select_id(g2)
        await settle(pilot, lambda: main.article.story is not None and main.article.story.id == g2)
        other = Store.open(cache.store.path.parent)
        other.merge_threads(georgia, armenia)
        other.close()
        await settle(pilot, lambda: main.thread_list.index_of(georgia) is None)
        await settle(pilot, lambda: main.story_list.key == armenia)
        assert main.thread_list.current.id == armenia
        await settle(pilot, lambda: main.story_list.current is not None
                     and main.story_list.current.id == g2)  # fmt: skip
        assert main.story_list.current.id == g2
        assert main.article.story.id == g2
        # (the list may show the first story under the cursor for a moment, when it is
        # listed before the selection is put back: it is never opened or marked read)
        assert not cache.store.story(cache.ids["g1"]).read


async def test_the_apps_own_merge_keeps_the_story_under_the_cursor(cache):
    g2, georgia, armenia = cache.ids["g2"], cache.threads["georgia"], cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        main.story_list.select_id(g2)
        await settle(pilot)
        await app.merge_threads(main, main.thread_list.current, armenia)
        await settle(pilot, lambda: main.story_list.key == armenia)
        await settle(pilot, lambda: main.story_list.current is not None)
        assert main.story_list.current.id == g2
