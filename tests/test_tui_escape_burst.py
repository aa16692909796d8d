"""Esc and the key after it in one burst (a slow ssh link): Textual's input parser reads
them as one alt+key; the reader handles both keys, as typed."""

from __future__ import annotations

from test_tui_keys import open_first_story
from test_tui_support import build_cache, make_app, settle
from textual import events


async def test_escape_then_a_letter_in_one_burst_is_both_keys(cache):
    """In the reader, Esc j goes back to the story list and moves to the next story; Esc
    shift+R is Esc then R (rename). Before, the one alt+j key was bound to nothing: the reader
    stayed on the story, as if neither key had been pressed."""
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot, app)
        main = app.main
        assert main.level == 2 and main.story_list.highlighted == 0
        app.post_message(events.Key("alt+j", "j"))  # what the driver posts for b"\x1bj"
        await settle(pilot)
        assert main.level == 1
        assert main.story_list.highlighted == 1
        app.post_message(events.Key("alt+shift+r", "R"))
        await settle(pilot)
        assert type(app.screen).__name__ == "TextPrompt"
        await pilot.press("escape")
        await settle(pilot)
        assert main.level == 0  # Esc went back from the story list to the threads


async def test_an_alt_key_given_in_feeds_toml_stays_that_key(tmp_path):
    cache = build_cache(tmp_path, keys={"star": "alt+s"})
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot, app)
        app.post_message(events.Key("alt+s", "s"))
        await settle(pilot)
        assert app.main.level == 2
        assert app.main.article.story is not None and app.main.article.story.starred
    cache.store.close()


async def test_tab_after_a_search_that_found_nothing_stays_in_the_box(cache):
    """Tab goes to the results only when there are some (as Down does): on an empty list,
    j and k typed next moved nothing and were lost from the query being refined."""
    from textual.widgets import Input

    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzz", "enter")
        await settle(pilot)
        await pilot.press("tab", "backspace", *"kj")
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == "zzkj"
