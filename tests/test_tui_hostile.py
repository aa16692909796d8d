"""Hostile feed text: markup, click actions and escape sequences show literally and do nothing."""

from __future__ import annotations

from pathlib import Path

from test_tui_support import (
    add_articles,
    build_cache,
    item,
    loaded,
    make_app,
    make_config,
    screen_text,
    settle,
)
from textual import events
from textual.widgets import Input, Static

from briefing.config import Feed
from briefing.store import Store
from briefing.tui.screens.dialogs import TextPrompt, ThreadPicker
from briefing.tui.screens.results import StoryResultsScreen

HOSTILE_TITLES = [
    "[@click=app.quit]x[/]",
    "[/bold] closing tag",
    "[b]not bold[/b] $accent [link=https://evil.example]link[/link]",
    "\x1b[31mred\x1b]0;pwned title\x07 after \x9b2J",
    "bidi \u202eevil\u202c and \x00nul \x7fdel",
]


async def test_hostile_text_is_literal_and_inert(tmp_path: Path):
    feed = Feed("[@click=app.quit]outlet[/]", "http://127.0.0.1:9/evil")
    config = make_config(tmp_path, feeds=[feed])
    store = Store.open(tmp_path / "data")
    store.sync_feeds(config.feeds)
    items = [
        item(f"h{i}", title, i + 1, author="[@click=app.bell]author[/]",
             text="[@click=app.quit]body[/] \x1b[2J text", link="javascript:alert(1)")
        for i, title in enumerate(HOSTILE_TITLES)
    ]  # fmt: skip
    ids = add_articles(store, feed, items)
    thread = store.create_thread("[@click=app.quit]thread[/] [red]title")
    for article_id in ids:
        store.assign(article_id, thread)

    cache = type("C", (), {"store": store, "config": config})()
    app = make_app(cache)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        main = app.main
        await settle(pilot, lambda: len(main.thread_list.threads) == 2)
        # click every thread row (two lines each), then every story row
        for row in range(len(main.thread_list.threads)):
            await pilot.click("#threads", offset=(5, 1 + 2 * row))
            await settle(pilot)
        assert main.thread_list.current.id == thread
        await settle(pilot, lambda: len(main.story_list.stories) == len(HOSTILE_TITLES))
        for row in range(len(HOSTILE_TITLES)):
            await pilot.click("#stories", offset=(30, 1 + row))
            await settle(pilot)
            await pilot.click("#article", offset=(10, 1))  # the title line of the article
            await settle(pilot)
        await pilot.click("#stories", offset=(30, 1))
        await pilot.press("s")  # the notification quotes the hostile title
        await settle(pilot)
        quoted = [n for n in app._notifications if "[@click" in n.message]
        assert quoted and not any(n.markup for n in app._notifications)
        await pilot.click("#article", offset=(10, 4))  # the (refused) link line
        await pilot.press("o")
        await settle(pilot)
        assert app.is_running and app.return_code is None
        assert app.opened == []  # javascript: is never handed to a browser

        text = screen_text(app)
        assert "[@click=app.quit]thread[/] [red]title" in text
        assert "[@click=app.quit]outlet[/]" in text
        for title in HOSTILE_TITLES[:3]:
            assert title[:48] in text, title
        assert "red after" in text  # the escape sequences are gone, the words stay
        assert "\x1b" not in text and "\x9b" not in text and "\u202e" not in text
        for story in main.story_list.stories:
            plain = main.story_list.get_option(str(story.id)).prompt.plain
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in plain)
        article = main.article.text
        assert "[@click=app.quit]body[/]" in article and "[@click=app.bell]author[/]" in article
        assert "\x1b" not in article
    store.close()


PASTED = "\x1b]0;pwned\x07\x1b[31mBaku\x1b[0m \x9b2J talks \u202eevil\u202c z\u200bw [b]x[/b]"


async def test_pasted_text_reaches_no_input_box_with_its_escape_sequences(tmp_path: Path):
    """Text copied from a web page and pasted into the search box, the rename prompt or the
    move picker kept its escape sequences, C1 controls and bidi override: the box and the
    search's "Nothing found for ..." line gave them to the terminal. A paste now loses them,
    as a stored title does; the markup-looking rest stays literal."""
    cache = build_cache(tmp_path)
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, loaded(app))

        async def paste(selector: str) -> Input:
            box = app.screen.query_one(selector, Input)
            box.post_message(events.Paste(PASTED))
            await settle(pilot, lambda: bool(box.value))
            return box

        await pilot.press("slash")
        await settle(pilot, lambda: isinstance(app.screen, StoryResultsScreen))
        box = await paste("#query")
        assert box.value == "Baku talks evil zw [b]x[/b]"
        await pilot.press("enter")
        await settle(pilot)
        info = str(app.screen.query_one("#results-info", Static).render())
        assert info == "Nothing found for “Baku talks evil zw [b]x[/b]”."
        text = screen_text(app)
        assert not any(c in text for c in "\x1b\x9b\u202e\u200b")
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is app.main)

        await pilot.press("R")  # rename the thread: the prompt's box holds its title
        await settle(pilot, lambda: isinstance(app.screen, TextPrompt))
        box = app.screen.query_one("#prompt-input", Input)
        box.value = ""
        box = await paste("#prompt-input")
        assert box.value == "Baku talks evil zw [b]x[/b]"
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is app.main)

        await pilot.press("tab", "m")  # move the story: the picker's box
        await settle(pilot, lambda: isinstance(app.screen, ThreadPicker))
        box = await paste("#picker-input")
        assert box.value == "Baku talks evil zw [b]x[/b]"
        text = screen_text(app)
        assert "+ new thread: Baku talks evil zw [b]x[/b]" in text
        assert not any(c in text for c in "\x1b\x9b\u202e\u200b")
    cache.store.close()
