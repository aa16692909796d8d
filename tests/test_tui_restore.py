"""The app opens where it was left: the thread and story under the cursor are kept in the
cache (meta "position": after the cursor rests, and at q) and put back at the next start, if
that thread is still listed; else it opens at the top, without a word."""

from __future__ import annotations

from test_tui_support import FEEDS, add_articles, item, loaded, make_app, screen_text, settle

from briefing.tui.prefetch import POSITION_KEY
from briefing.tui.screens import main as main_screen


async def test_the_app_opens_on_the_thread_and_story_it_was_left_on(cache):
    armenia, a2 = cache.threads["armenia"], cache.ids["a2"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        await pilot.press("j", "j")  # Armenia, its second story (in the story list beside)
        await settle(pilot, lambda: main.story_list.key == armenia)
        await pilot.press("enter", "j", "escape")
        await settle(pilot, lambda: main.level == 0 and main.story_list.current.id == a2)
        await pilot.press("q")
        await settle(pilot, lambda: not app.is_running)
    assert cache.store.get_meta(POSITION_KEY) == f"{armenia} {a2}"

    again = make_app(cache)
    async with again.run_test(size=(120, 40)) as pilot:
        main = again.main
        await settle(pilot, lambda: getattr(main.story_list.current, "id", None) == a2)
        assert main.thread_list.current.id == armenia
        assert again.focused is main.thread_list and main.level == 0  # the cursor alone
        assert not cache.store.story(a2).read  # put back under the cursor, not opened
        assert "Lachin corridor talks resume" in main.article.text  # shown beside


async def test_the_position_is_saved_once_the_cursor_rests(cache, monkeypatch):
    monkeypatch.setattr(main_screen, "REMEMBER_AFTER", 0.05)
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("j")
        await settle(pilot, lambda: app.main.story_list.key == georgia)
        first = app.main.story_list.current.id
        # no q: a killed terminal keeps it too
        await settle(pilot, lambda: cache.store.get_meta(POSITION_KEY) == f"{georgia} {first}")


async def test_a_place_that_is_gone_opens_at_the_top_without_a_word(cache):
    store, georgia = cache.store, cache.threads["georgia"]
    store.set_triage(cache.ids["g2"], hidden=True)
    for stored, thread, story in (
        ("999 5", 1, None),  # a thread deleted (merged away, emptied) since
        (f"{georgia} {cache.ids['g2']}", georgia, cache.ids["g1"]),  # a story hidden since
        ("not ids", 1, None),
    ):  # fmt: skip
        store.set_meta(POSITION_KEY, stored)
        app = make_app(cache)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            main = app.main
            await settle(pilot, loaded(app))
            assert main.thread_list.current.id == thread, stored
            if story is not None:
                assert main.story_list.current.id == story, stored
            assert main.story_list.highlighted == 0, stored
            assert not app._notifications, stored


async def test_a_thread_far_down_the_list_is_scrolled_into_view(cache):
    store = cache.store
    ids = add_articles(store, FEEDS[0], [
        item(f"x{i}", f"Extra story number {i}", 40 + i) for i in range(30)])  # fmt: skip
    threads = []
    for i, article in enumerate(ids):
        threads.append(store.create_thread(f"Extra thread {i}"))
        store.assign(article, threads[-1])
    last = threads[-1]  # the oldest news: the bottom of the list
    store.set_meta(POSITION_KEY, f"{last} {ids[-1]}")
    app = make_app(cache)
    async with app.run_test(size=(120, 30)) as pilot:
        main = app.main
        await settle(pilot, lambda: getattr(main.story_list.current, "id", None) == ids[-1])
        assert main.thread_list.current.id == last
        assert main.thread_list.highlighted == len(main.thread_list.threads) - 1
        await settle(pilot, lambda: "Extra thread 29" in screen_text(app))
