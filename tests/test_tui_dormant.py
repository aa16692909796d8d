"""Dormant threads (quiet for `dormant_after_days`) in the app: D lists them after the
others, the merge picker offers them, and a move into one says where the story went."""

from __future__ import annotations

import pytest
from test_tui_support import (
    add_articles,
    item,
    loaded,
    make_app,
    make_config,
    open_thread,
    screen_text,
    settle,
)

from briefing.tui.prefetch import POSITION_KEY, SHOW_DORMANT_KEY
from briefing.tui.reader import BriefingApp


def add_dormant(cache, key: str, title: str, days: float = 60) -> tuple[int, int]:
    """A thread whose one story is `days` old: (thread id, story id)."""
    store = cache.store
    (story,) = add_articles(store, cache.config.feeds[0], [item(key, title, days * 24)])
    thread = store.create_thread(title)
    store.assign(story, thread)
    return thread, story


def footer_line(app: BriefingApp) -> str:
    return screen_text(app).splitlines()[-1]


async def test_d_lists_the_dormant_threads_after_the_others_marked_through_reloads(
    cache, monkeypatch
):
    """The dormant threads could not be browsed at all: only a search reached their stories.
    D lists them after the active ones (by latest activity), each marked "dormant", the pane
    counting them apart; the list stays so through the quiet reload the app does when
    another program commits, and D hides them again."""
    monkeypatch.setattr(BriefingApp, "CHANGES_POLL", 0.05)
    older, _ = add_dormant(cache, "old1", "Tbilisi city hall shake-up", days=90)
    newer, newer_story = add_dormant(cache, "old2", "Batumi port sale", days=40)
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        active = [t.id for t in main.thread_list.threads]
        assert len(active) == 3 and newer not in active and older not in active
        assert "D Dormant threads" in footer_line(app)
        await pilot.press("j")  # Georgia
        await settle(pilot, lambda: main.story_list.key == cache.threads["georgia"])
        await pilot.press("D")
        await settle(pilot, lambda: len(main.thread_list.threads) == 5)
        assert [t.id for t in main.thread_list.threads] == [*active, newer, older]
        assert main.thread_list.current.id == cache.threads["georgia"]  # the cursor stays
        text = screen_text(app)
        assert "Threads (3 + 2 dormant)" in text
        assert "Batumi port sale" in text and text.count("dormant  ") >= 2
        assert any("2 dormant threads" in n.message for n in app._notifications)
        assert cache.store.get_meta(SHOW_DORMANT_KEY) == "1"

        # another program commits (a `briefing mark` in another window): the quiet reload
        # keeps the dormant threads listed
        other = type(cache.store).open(cache.store.path.parent)
        try:
            other.set_triage(newer_story, starred=True)
        finally:
            other.close()
        reloads = []
        reload_all = main.reload_all
        main.reload_all = lambda select=None: (reloads.append(1), reload_all(select))  # type: ignore[method-assign]
        await settle(pilot, lambda: bool(reloads), tries=400)
        await settle(pilot)
        assert [t.id for t in main.thread_list.threads] == [*active, newer, older]

        while main.thread_list.current.id != older:
            await pilot.press("j")
        await pilot.press("D")  # hidden again: the cursor goes to the nearest thread listed
        await settle(pilot, lambda: len(main.thread_list.threads) == 3)
        assert main.thread_list.current.id == active[-1]
        assert "Threads (3)" in screen_text(app)
        assert cache.store.get_meta(SHOW_DORMANT_KEY) == "0"


async def test_d_acts_on_the_thread_list_and_can_be_remapped(tmp_path):
    """D is offered in the thread list's footer (with ? Help still whole at 80 columns) and
    the palette; in the story list, where it would change a list not on screen at 80
    columns, it is off like the story keys on the thread list. [keys] dormant remaps it."""
    from test_tui_support import build_cache

    cache = build_cache(tmp_path, keys={"dormant": "ctrl+d"})
    add_dormant(cache, "old1", "Tbilisi city hall shake-up")
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        footer = footer_line(app)
        assert "^d Dormant threads" in footer and "? Help" in footer, footer
        await pilot.press("D")  # the old key does nothing now
        await settle(pilot)
        assert len(main.thread_list.threads) == 3
        await pilot.press("enter")  # the story list, alone on screen
        await settle(pilot, lambda: main.story_list.has_focus)
        assert "Dormant" not in footer_line(app)
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert len(main.thread_list.threads) == 3 and not main.show_dormant
        await pilot.press("escape", "ctrl+d")
        await settle(pilot, lambda: len(main.thread_list.threads) == 4)
    cache.store.close()


async def test_a_dormant_thread_the_cursor_was_left_on_reopens(cache):
    """The saved position is on a thread D listed: the next start lists the dormant threads
    again (the setting is kept in the cache) and opens there, on the story left under the
    cursor; before, that thread was not listed, so the app opened at the top."""
    dormant, story = add_dormant(cache, "old1", "Tbilisi city hall shake-up")
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        await pilot.press("D")
        await settle(pilot, lambda: main.thread_list.index_of(dormant) is not None)
        await open_thread(pilot, app, dormant)
        await pilot.press("q")
        await settle(pilot, lambda: not app.is_running)
    assert cache.store.get_meta(POSITION_KEY) == f"{dormant} {story}"

    again = make_app(cache)
    async with again.run_test(size=(120, 40)) as pilot:
        main = again.main
        await settle(pilot, lambda: getattr(main.story_list.current, "id", None) == story)
        assert main.thread_list.current.id == dormant and main.show_dormant
        assert "Threads (3 + 1 dormant)" in screen_text(again)


@pytest.mark.parametrize("shown", [False, True])
async def test_the_merge_picker_offers_dormant_threads_after_the_listed_ones(cache, shown):
    """M listed only the threads on screen: a thread could not be merged into a dormant
    one (the same story, picked up again months later). They are now offered after the
    others, marked '(dormant)', as the move picker does; `M` then the title and Enter in one
    burst picks it. Listed by D, they are marked too, and offered once."""
    store = cache.store
    dormant, _ = add_dormant(cache, "old1", "Tbilisi city hall shake-up")
    armenia = cache.threads["armenia"]
    if shown:
        store.set_meta("show_dormant", "1")
    app = make_app(cache, data_dir=cache.store.path.parent)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        while main.thread_list.current.id != armenia:
            await pilot.press("j")
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot, lambda: "(dormant)" in screen_text(app))
        text = screen_text(app)
        assert text.count("(dormant) Tbilisi city hall shake-up") == 1, text
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is main)
        await pilot.press("M", *"city hall", "enter")
        await settle(pilot, lambda: "Tbilisi city hall shake-up" in screen_text(app))
        assert "(dormant" in screen_text(app)  # the question says the thread is dormant
        await pilot.press("y")
        await settle(pilot, lambda: store.live_thread(armenia) == dormant)
        await settle(pilot, lambda: any("Merged" in n.message for n in app._notifications))
        message = next(n.message for n in app._notifications if "Merged" in n.message)
        assert "Tbilisi city hall shake-up" in message, message
    assert {s.thread_id for s in store.stories(dormant)} == {dormant}


async def test_a_long_dormant_title_keeps_its_mark_in_the_picker_at_80_columns(cache):
    """The mark came after the title, and a title longer than the dialog was cut with it:
    at 80 columns (the demo cache) half the dormant threads read as active ones."""
    title = "Georgia's ruling party moves to ban the main opposition parties before the vote"
    add_dormant(cache, "old1", title)
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("M")
        await settle(pilot, lambda: "Georgia's ruling party" in screen_text(app))
        (row,) = [line for line in screen_text(app).splitlines() if "Georgia's ruling" in line]
        assert "(dormant) Georgia's ruling party" in row, row


async def test_the_merge_picker_opens_when_every_other_thread_is_dormant(tmp_path):
    """With no other thread listed, M said 'There is no other thread to merge into.' and
    opened nothing, though dormant ones were there (the demo cache: one active thread,
    twelve dormant). It now opens the picker on them."""
    from briefing.store import Store

    store = Store.open(tmp_path / "fresh")
    config = make_config(tmp_path)
    store.sync_feeds(config.feeds)
    cache = type("C", (), {"store": store, "config": config})()
    dormant, _ = add_dormant(cache, "old1", "Tbilisi city hall shake-up")
    app = make_app(cache)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            main = app.main
            await settle(pilot, loaded(app))
            assert [t.id for t in main.thread_list.threads] == [1]  # the seed thread alone
            await pilot.press("M", "enter")
            await settle(pilot, lambda: app.screen is not main and "Merge " in screen_text(app))
            assert "Tbilisi city hall shake-up" in screen_text(app)
            await pilot.press("y")
            await settle(pilot, lambda: store.live_thread(1) == dormant)
    finally:
        store.close()


async def test_a_move_into_a_dormant_thread_says_where_the_story_went(cache):
    """An old story moved into a dormant thread stays out of the list (the thread stays
    dormant): it vanished with 'Moved: <title>', not saying where. The message now names
    the thread and says it is dormant (and how to list it)."""
    store = cache.store
    dormant, _ = add_dormant(cache, "old1", "Tbilisi city hall shake-up")
    (late,) = add_articles(store, cache.config.feeds[0], [
        item("old2", "Mayor's deputy questioned", 50 * 24)])  # fmt: skip
    store.assign(late, cache.threads["georgia"])
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        main = app.main
        await open_thread(pilot, app, cache.threads["georgia"])
        main.story_list.select_id(late)
        await settle(pilot)
        await pilot.press("m", *"city hall", "enter")
        await settle(pilot, lambda: main.story_list.index_of(late) is None)
        await settle(pilot, lambda: any("Moved" in n.message for n in app._notifications))
        message = next(n.message for n in app._notifications if "Moved" in n.message)
        assert "Tbilisi city hall shake-up" in message and "dormant" in message, message
        assert main.thread_list.index_of(dormant) is None  # it stayed dormant
        # a move into a listed thread names it too
        main.story_list.select_id(cache.ids["g2"])
        await settle(pilot)
        await pilot.press("m", *"Armenia", "enter")
        await settle(pilot, lambda: main.story_list.index_of(cache.ids["g2"]) is None)
        await settle(pilot, lambda: any("Armenia" in n.message for n in app._notifications))
        message = next(n.message for n in app._notifications if "Armenia" in n.message)
        assert "dormant" not in message, message
    assert store.story(late).thread_id == dormant


async def test_m_pressed_before_the_list_d_asked_for_arrives_still_offers_dormant(cache):
    """`D` then `M` before the list with the dormant threads arrived (the store busy): the
    picker took the list on screen, without them, and read none itself since D was on, so
    the dormant threads were not offered. It reads them whenever the list on screen has
    none."""
    import threading

    dormant, _ = add_dormant(cache, "old1", "Tbilisi city hall shake-up")
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        busy = threading.Event()
        app.lane.submit(busy.wait, 10)  # the store thread busy: D's list waits behind it
        try:
            await pilot.press("D", "M")
            for _ in range(20):  # (not settle: it waits for the load held up behind)
                await pilot.pause()
            assert app.screen is not main
            assert main.show_dormant and main.thread_list.index_of(dormant) is None
        finally:
            busy.set()
        await settle(pilot, lambda: main.thread_list.index_of(dormant) is not None)
        await settle(pilot, lambda: "(dormant) Tbilisi city hall shake-up" in screen_text(app))


async def test_d_says_what_the_list_it_asked_for_holds_not_an_older_one(cache):
    """A reload read before D (another program's commit, a refresh) could reach the screen
    after D was pressed: D's message counted the dormant threads of that older list, 'No
    dormant thread: every thread had news…', and the list D asked for came after it in
    silence. The message waits for a list read the way D asked."""
    from briefing.tui.messages import ThreadsLoaded

    add_dormant(cache, "old1", "Tbilisi city hall shake-up")
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        # a list read before D, still on its way to the screen as D is pressed
        main.post_message(ThreadsLoaded(main.thread_list.threads, keep_id=None))
        main.action_toggle_dormant()
        await settle(pilot, lambda: len(main.thread_list.threads) == 4)
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert not any("No dormant thread" in m for m in said), said
        assert any("1 dormant thread" in m for m in said), said
