"""Leftovers from the UI reviews."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from test_tui_support import loaded, make_app, open_thread, screen_text, settle

BAKU = ZoneInfo("Asia/Baku")


async def test_article_time_line_reads_on_one_line_at_80_columns(cache):
    """The reader's time line names the zone once and drops the seconds and the date first
    seen shares with published; before, 'published 29 Nov 2026 02:36:21 +04   first seen
    29 Nov 2026 03:36:21 +04' (72 cells) wrapped in any pane narrower than the screen."""
    story = cache.store.story(cache.ids["g1"])
    pub, seen = story.published.astimezone(BAKU), story.first_seen.astimezone(BAKU)
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: "Tbilisi protest enters" in screen_text(app))
        lines = [line.strip("│ ") for line in screen_text(app).splitlines()]
    # published 1 h before first seen (the fixture): same day, unless it crossed midnight
    seen_text = f"{seen:%H:%M}" if pub.date() == seen.date() else f"{seen:%d %b %H:%M}"
    want = f"published {pub:%d %b %Y %H:%M}, first seen {seen_text} (+04)"
    assert want in lines, lines[:6]
    assert not any(re.search(r"\d\d:\d\d:\d\d", line) for line in lines)  # no seconds


async def test_a_thread_id_reused_after_an_undone_split_carries_no_old_state(cache):
    """Split, give the new thread a title and a mute (as `briefing rename`/`mute` in another
    window would), undo, split again: SQLite hands out the same id (no AUTOINCREMENT), but
    the title, mute and stories of the undone thread went with its row; none reach the new
    one. (Every per-thread state lives on the threads row; membership is put back first.)"""
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        await pilot.press("j", "S")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, lambda: main.thread_list.current.id not in (georgia, 1))
        first = main.thread_list.current.id
        cache.store.rename_thread(first, "My own title")
        cache.store.set_thread_flag(first, "muted", True)
        await pilot.press("z")
        await settle(pilot, lambda: main.thread_list.index_of(first) is None)
        assert cache.store.thread(first) is None
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, lambda: main.thread_list.current.id not in (georgia, 1))
        second = main.thread_list.current.id
        thread = cache.store.thread(second)
    assert second == first  # the id is reused ...
    assert thread is not None and not thread.muted and thread.title != "My own title"
    assert not thread.user_titled  # ... and nothing else
    stories = cache.store.stories(second, limit=100, fold_copies=False)
    assert {s.thread_id for s in stories} == {second}


async def test_a_story_shown_beside_the_list_is_read_after_it_stays_shown(cache, monkeypatch):
    """Wide layout: skimming with j marks nothing; a story left shown for READ_AFTER is read
    (on screen and in the store). READ_AFTER shortened so the test stays fast."""
    from briefing.tui.screens.main import MainScreen

    monkeypatch.setattr(MainScreen, "READ_AFTER", 0.3)
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        assert main.article.display and main.story_list.has_focus
        first = main.story_list.current
        for _ in range(3):  # skim: each story shown well under READ_AFTER
            await pilot.press("j")
            await pilot.pause(0.05)
        await pilot.press("k")
        await pilot.pause(0.1)
        shown = main.story_list.current
        assert not cache.store.story(shown.id).read
        await pilot.pause(0.5)
        await settle(pilot, lambda: cache.store.story(shown.id).read)
        assert main.story_list.current.read
        skimmed = [s for s in main.story_list.stories if s.id not in (shown.id, first.id)]
    assert skimmed and not any(cache.store.story(s.id).read for s in skimmed)


async def test_the_story_shown_when_a_thread_opens_is_read_after_it_stays_shown(cache, monkeypatch):
    """The first story, highlighted before the story list had focus, counts from the moment
    the list gets it (before: only after the highlight moved)."""
    from briefing.tui.screens.main import MainScreen

    monkeypatch.setattr(MainScreen, "READ_AFTER", 0.3)
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        first = main.story_list.current
        assert main.article.display and main.story_list.has_focus
        assert not first.read
        await pilot.pause(0.5)
        await settle(pilot, lambda: cache.store.story(first.id).read)
        assert main.story_list.current.read


async def test_the_story_x_moves_the_reader_on_to_is_read_after_it_stays_shown(cache, monkeypatch):
    """At 80 columns, x in the reader hides the story and shows the next one in full: left
    shown for READ_AFTER it counts as read, as a story shown beside the list does (it stayed
    unread); hidden again at once (x x), it was never read."""
    from briefing.tui.screens.main import MainScreen

    monkeypatch.setattr(MainScreen, "READ_AFTER", 0.3)
    georgia, g1, g2, g4 = (cache.threads["georgia"], cache.ids["g1"], cache.ids["g2"],
                           cache.ids["g4"])  # fmt: skip
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        await pilot.press("enter")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == g1)
        await pilot.press("x")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == g2)
        assert app.focused is main.article and not cache.store.story(g2).read
        await pilot.press("x")  # hidden at once: never counted as read
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == g4)
        await pilot.pause(0.5)
        await settle(pilot, lambda: cache.store.story(g4).read)
        assert not cache.store.story(g2).read
        assert main.story_list.current.id == g4 and main.story_list.current.read


def app_with_one_armenia_story(cache):
    """The app over `cache` with a1 and a2 hidden: the Armenia thread shows a3 alone."""
    for key in ("a1", "a2"):
        cache.store.set_triage(cache.ids[key], hidden=True)
    return make_app(cache)


async def open_armenia(pilot, app, cache):
    await open_thread(pilot, app, cache.threads["armenia"])
    assert [s.id for s in app.main.story_list.stories] == [cache.ids["a3"]]
    return app.main


async def test_hiding_the_last_story_of_a_thread_takes_the_thread_off_the_list(cache):
    """x on the only story left in a thread: back on the thread list, without that thread
    (as after a restart); z brings the story and its thread back. Before, the thread stayed
    listed with "0 unread" over an empty story list."""
    armenia = cache.threads["armenia"]
    app = app_with_one_armenia_story(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await open_armenia(pilot, app, cache)
        await pilot.press("x")
        await settle(pilot, lambda: main.thread_list.index_of(armenia) is None)
        assert main.level == 0 and app.focused is main.thread_list
        assert main.thread_list.current is not None and main.thread_list.current.id != armenia
        await pilot.press("z")
        await settle(pilot, lambda: main.thread_list.index_of(armenia) is not None
                     and main.story_list.key == armenia and main.story_list.stories)  # fmt: skip
        assert main.thread_list.current.id == armenia
        assert main.story_list.current.id == cache.ids["a3"]


async def test_moving_the_last_story_of_a_thread_goes_back_to_the_thread_list(cache):
    """m on the only story shown in a thread: back on the thread list. Before, the story
    list went on to show the stories of whichever thread took the emptied one's row."""
    georgia = cache.threads["georgia"]
    app = app_with_one_armenia_story(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        main = await open_armenia(pilot, app, cache)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"Georgia", "enter")
        await settle(pilot, lambda: cache.store.story(cache.ids["a3"]).thread_id == georgia)
        await settle(pilot)
        assert main.level == 0 and app.focused is main.thread_list
        assert not main.story_list.display
