"""Keys typed while the story Enter opened is still loading act on that story."""

from __future__ import annotations

import time

import pytest
from test_tui_support import loaded, make_app, open_thread, screen_text, settle


def slow_story_reads(app, seconds: float = 0.3) -> None:
    """The reader's story read takes a while (a busy disk, a big cache)."""
    real = app.store.story

    def story(story_id: int):
        time.sleep(seconds)
        return real(story_id)

    app.store.story = story


@pytest.mark.parametrize("size", [(80, 24), (120, 24), (160, 50)])
async def test_keys_typed_behind_enter_act_on_the_story_it_opens(cache, size):
    """j Enter s o in one burst (ssh): s stars and o opens the story Enter opened, while the
    reader still shows the story before it (160 columns: s starred that one, o opened its
    link) or nothing yet (80 and 120 columns: 'No story on screen: Enter opens the
    thread.', said in the reader, after Enter had opened a story)."""
    g1, g2 = cache.ids["g1"], cache.ids["g2"]
    app = make_app(cache)
    async with app.run_test(size=size, notifications=True) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        main = app.main
        assert main.story_list.current.id == g1
        slow_story_reads(app)
        await pilot.press("j", "enter", "s", "o")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == g2)
        messages = [n.message for n in app._notifications]
        shown = main.article.story
    assert not any("No story" in m for m in messages), messages
    assert cache.store.story(g2).starred and not cache.store.story(g1).starred
    assert shown.starred and shown.read
    assert app.opened == ["https://example.org/g2"]


async def test_s_s_while_the_story_loads_stars_and_unstars_it(cache):
    g2 = cache.ids["g2"]
    app = make_app(cache)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        main = app.main
        slow_story_reads(app)
        await pilot.press("j", "enter", "s", "s")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == g2)
        messages = [n.message for n in app._notifications]
        shown = main.article.story
    assert [m.split(":")[0] for m in messages] == ["Starred", "Unstarred"]
    assert not cache.store.story(g2).starred and not shown.starred


@pytest.mark.parametrize("size", [(80, 24), (120, 24)])
async def test_space_on_the_thread_list_opens_the_thread_as_enter_does(cache, size):
    """Where the article is not on screen (80 columns; 120x24 shows threads beside
    stories), Space on the thread list opened the highlighted thread's first story in the
    reader and marked it read, a story the user had not seen listed. Now it opens the
    thread, as Enter does; a second Space opens the story highlighted there."""
    georgia, g1 = cache.threads["georgia"], cache.ids["g1"]
    app = make_app(cache)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, loaded(app))
        main = app.main
        await pilot.press("j")
        await settle(pilot, lambda: main.story_list.key == georgia and main.story_list.stories)
        await pilot.press("space")
        await settle(pilot)
        assert main.level == 1 and main.story_list.has_focus and main.story_list.display
        assert not main.article.display and main.story_list.current.id == g1
        assert not cache.store.story(g1).read and not main.story_list.current.read
        await pilot.press("space")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == g1)
        assert main.article.has_focus and cache.store.story(g1).read


async def test_the_move_picker_offers_dormant_threads_after_the_listed_ones(cache):
    """Threads quiet for `dormant_after_days` are not in the thread list, but a story may
    still belong to one (a late development, a story the engine put elsewhere): the move
    picker lists them after the others, marked. Before, they were not offered, and with
    every other thread dormant the picker said 'No other thread yet'; typing the old
    thread's title made a second thread of that name. `m` then the title and Enter in one
    burst picks it: the keys wait for the dormant threads to be read."""
    from test_tui_support import add_articles, item

    store = cache.store
    (old,) = add_articles(store, cache.config.feeds[0], [
        item("old", "Tbilisi mayor resigns", 24 * 60)])  # fmt: skip
    dormant = store.create_thread("Tbilisi city hall shake-up")
    store.assign(old, dormant)
    g2 = cache.ids["g2"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        main = app.main
        assert main.thread_list.index_of(dormant) is None  # not listed
        main.story_list.select_id(g2)
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot, lambda: "(dormant)" in screen_text(app))
        assert "(dormant) Tbilisi city hall shake-up" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is main)
        await pilot.press("m", *"city hall", "enter")
        await settle(pilot, lambda: main.story_list.index_of(g2) is None)
    assert store.story(g2).thread_id == dormant
    assert not [t for t in store.threads(include_dormant=True) if t.title == "city hall"]
