"""Defects found using the reader as a user: empty results said "Enter opens one", a first
visit claimed 500 stories "arrived since your last visit", E wrote an empty briefing, M opened
an empty picker, help did not scroll with j/k, and `?` was cut off the footer at 80 columns."""

from __future__ import annotations

from pathlib import Path

from test_tui_support import loaded, make_app, make_config, open_thread, screen_text, settle
from textual.containers import VerticalScroll

from briefing.store import Store
from briefing.tui.screens.dialogs import ThreadPicker
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.results import StoryResultsScreen


def messages(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_search_without_results_says_so(cache):
    app = make_app(cache)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("slash", *"zzqx", "enter")
        await settle(pilot, lambda: "Nothing found" in screen_text(app))
        assert "Nothing found for “zzqx”." in screen_text(app)
        assert "Enter opens" not in screen_text(app)
        assert app.screen.query_one("#query").has_focus  # ready for another try
        await pilot.press(*["backspace"] * 4, *"tbilisi", "enter")
        await settle(pilot, lambda: "results for “tbilisi”" in screen_text(app))


async def test_first_visit_new_view_does_not_claim_a_last_visit(cache):
    app = make_app(cache)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, loaded(app))
        assert app.since is None
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, StoryResultsScreen)
                     and bool(app.screen.query_one("#results").stories))  # fmt: skip
        text = screen_text(app)
        assert "New (first visit)" in text and "No earlier visit: the 7 latest arrivals" in text
        assert "since your last visit" not in text


async def test_export_with_nothing_marked_writes_nothing(cache):
    app = make_app(cache)
    exports = Path(cache.config.settings.export_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("E")
        await settle(pilot, lambda: any("nothing written" in m for m in messages(app)))
        assert not exports.exists() or not any(exports.iterdir())
        await pilot.press("enter", "b")  # mark the first story, then export again
        await settle(pilot, lambda: bool(cache.store.marked()))
        await pilot.press("E")
        await settle(pilot, lambda: any("Briefing written (1 story)" in m for m in messages(app)))
        assert len(list(exports.iterdir())) == 1


async def test_merge_with_no_other_thread_warns_and_move_offers_a_new_thread(tmp_path):
    store = Store.open(tmp_path / "fresh")
    cache = type("C", (), {"store": store, "config": make_config(tmp_path, feeds=())})()
    app = make_app(cache)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, loaded(app))
            await pilot.press("M")  # the picker opens: dormant threads may be offered
            await settle(pilot, lambda: "There is no other thread to merge into" in
                         screen_text(app))  # fmt: skip
            await pilot.press("enter")  # nothing to pick: nothing happens
            await settle(pilot)
            assert isinstance(app.screen, ThreadPicker)
            await pilot.press("escape")
            await settle(pilot, lambda: app.screen is app.main)
            await pilot.press("enter", "m")
            await settle(pilot, lambda: isinstance(app.screen, ThreadPicker))
            await settle(pilot)
            assert "No other thread yet: type a title to start one." in screen_text(app)
            await pilot.press(*"Baku", "enter")
            await settle(pilot, lambda: len(app.main.thread_list.threads) == 2)
    finally:
        store.close()


async def test_help_scrolls_with_j_and_k_and_says_how_to_close(cache):
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        scroll = app.screen.query_one("#help", VerticalScroll)
        assert scroll.max_scroll_y > 0  # 80x24 cannot show every key at once
        await pilot.press("j", "j", "j")
        await settle(pilot)
        assert scroll.scroll_y == 3
        await pilot.press("k")
        await settle(pilot)
        assert scroll.scroll_y == 2
        await pilot.press("space")
        await settle(pilot)
        assert scroll.scroll_y > 2
        assert "Esc, q or ? closes this help" in app.screen.query_one("#help-text").render().plain
        await pilot.press("q")
        await settle(pilot, lambda: app.screen is app.main)


def test_refresh_summary_names_failing_and_backing_off_feeds():
    from datetime import UTC, datetime

    from briefing.refresh import FeedReport, RefreshSummary
    from briefing.tui.refresh_hook import summarise

    summary = RefreshSummary(started=datetime.now(UTC), feeds=[
        FeedReport("A", "http://a", "ok", new=2),
        FeedReport("B", "http://b", "error", error="connection refused"),
        FeedReport("C", "http://c", "skipped", error="waiting until …; last error: 503"),
        FeedReport("D", "http://d", "skipped"),  # merely not due: not a problem
    ])  # fmt: skip
    assert summarise(summary) == (
        "refreshed: 2 new stories, 1 feed failing and 1 backing off (F: feeds, G: retry now)"
    )
    assert summarise(RefreshSummary(started=datetime.now(UTC))) == "refreshed: 0 new stories"
    # a correction (an outlet changed a story already here) is said, not silent
    corrected = RefreshSummary(started=datetime.now(UTC), feeds=[
        FeedReport("A", "http://a", "ok", updated=1)])  # fmt: skip
    assert summarise(corrected) == "refreshed: 0 new stories, 1 updated"


async def test_status_line_at_80_columns_keeps_the_refresh_result(cache):
    from datetime import UTC, datetime, timedelta

    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("enter")  # the story list, whose footer has no room for "? Help"
        await settle(pilot, lambda: app.main.status.help_hint)
        note = "refreshed: 0 new stories, 40 feeds failing (F: feeds)"
        app.main.status.set_state(last_success=datetime.now(UTC) - timedelta(minutes=6, seconds=30),
                                  note=note)  # fmt: skip
        await settle(pilot)
        line = screen_text(app).splitlines()[-2]
        assert line.rstrip() == " ? keys · OFFLINE · " + note  # the last fetch gives way
        app.main.status.set_state(note="refreshed: 3 new stories")
        await settle(pilot)
        line = screen_text(app).splitlines()[-2]
        assert line.rstrip().endswith("3 new stories · last good fetch 6m ago"), line
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        line = screen_text(app).splitlines()[-2]
        assert "last good fetch 6m ago (" in line and "? keys" not in line, line


async def test_at_80_columns_story_keys_on_the_thread_list_touch_no_hidden_story(cache):
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        main = app.main
        await pilot.press("j")
        await settle(pilot, lambda: main.story_list.key == cache.threads["georgia"])
        assert not main.story_list.display  # only the thread list is on screen
        hidden_story = main.story_list.current
        for key in ("s", "b", "r", "x", "y", "o", "m"):
            await pilot.press(key)
            await settle(pilot)
        assert app.screen is main
        assert cache.store.story(hidden_story.id) == hidden_story  # untouched
        assert app.opened == []
        # the thread list does not offer them (tests/test_tui_levels.py)
        assert " Star " not in screen_text(app).splitlines()[-1]
        await pilot.press("enter", "s")  # with the story list on screen, s stars
        await settle(pilot, lambda: cache.store.story(hidden_story.id).starred)


async def test_q_closes_the_results_like_the_other_screens_and_is_typed_in_the_box(cache):
    app = make_app(cache)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("slash", *"tbilisiq", "backspace", "enter")  # q typed, then erased
        await settle(pilot, lambda: app.screen.query_one("#results").has_focus)
        assert app.screen.query_one("#query").value == "tbilisi"
        # on the search's results q refines the query too (test_tui_review2.py); Esc closes
        await pilot.press("q")
        await settle(pilot)
        assert app.screen.query_one("#query").value == "tbilisiq"
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is app.main)
        await pilot.press("a")  # the new-since view: q closes it
        await settle(pilot, lambda: app.screen is not app.main
                     and bool(app.screen.query_one("#results").stories))  # fmt: skip
        await pilot.press("q")
        await settle(pilot, lambda: app.screen is app.main)
        assert app.is_running


async def test_story_keys_on_an_empty_story_list_say_so(cache):
    # no_story() used to call itself here: a RecursionError that ended the app
    app = make_app(cache)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await open_thread(pilot, app, cache.threads["seed"])
        # another program hides the seed thread's only story (x here would go back to the
        # thread list, where the story keys are off): the list is empty now, and stays open
        # (a pinned thread stays listed)
        seed_story = app.main.story_list.current
        cache.store.set_triage(seed_story.id, hidden=True)
        app.main.reload_all()
        await settle(pilot, lambda: not app.main.story_list.stories)
        assert app.main.level == 1 and app.main.story_list.has_focus
        for key in ("s", "b", "r", "m", "S", "o", "y"):
            await pilot.press(key)
            await settle(pilot)
        assert app.is_running and app.screen is app.main
        assert any(n.message == "No story selected." for n in app._notifications)


async def test_n_goes_back_up_when_the_only_unread_stories_are_above_the_cursor(cache):
    store, ids = cache.store, cache.ids
    for story in store.stories(1) + store.stories(cache.threads["armenia"]):
        store.set_triage(story.id, read=True)
    store.set_triage(ids["g3"], read=True)
    app = make_app(cache)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        stories = app.main.story_list
        await pilot.press("j", "j", "j")  # g3, the oldest and only read story
        await settle(pilot, lambda: stories.current.id == ids["g3"])
        await pilot.press("n")
        await settle(pilot)
        assert stories.current.id == ids["g1"]  # the first unread one, from the top
        assert not app.main._first_unread_on_load
        assert not any(n.message == "Nothing unread." for n in app._notifications)


async def test_a_locked_cache_during_a_move_or_pin_is_a_message_not_the_end(cache, monkeypatch):
    import sqlite3

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(cache.store, "move_story", locked)
    monkeypatch.setattr(cache.store, "set_thread_flag", locked)
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await open_thread(pilot, app, georgia)
        await pilot.press("m", *"border talks", "enter")
        await settle(pilot, lambda: any("Could not save" in n.message
                                        for n in app._notifications))  # fmt: skip
        assert app.is_running and cache.store.story(cache.ids["g1"]).thread_id == georgia
        assert app.undo_stack == []  # nothing to undo: nothing happened
        await pilot.press("escape", "p")
        await settle(pilot, lambda: sum("Could not save" in n.message
                                        for n in app._notifications) == 2)  # fmt: skip
        assert app.is_running and not cache.store.thread(georgia).pinned
