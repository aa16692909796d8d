"""The remaining bindings: links, paging, help, feeds, export, refresh, quit, remapping,
and the command palette."""

from __future__ import annotations

import os
from pathlib import Path

from test_tui_support import (
    add_articles,
    briefing_written,
    build_cache,
    item,
    loaded,
    make_app,
    screen_text,
    settle,
)

from briefing.store import Store
from briefing.tui import refresh_hook
from briefing.tui.screens.feeds import FeedsScreen
from briefing.tui.screens.help import HelpScreen


async def open_first_story(pilot, app) -> None:
    await settle(pilot, loaded(app))
    await pilot.press("j")
    await settle(pilot, lambda: len(app.main.story_list.stories) == 4)
    await pilot.press("enter", "enter")
    await settle(pilot, lambda: app.main.article.story is not None)


async def test_open_and_copy_link(cache):
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_first_story(pilot, app)
        await pilot.press("o", "y")
        await settle(pilot)
        assert app.opened == ["https://example.org/g1"]
        assert app.clipboard == "https://example.org/g1"


async def test_space_pages_the_article_and_j_k_move(cache):
    long_text = "\n\n".join(f"Paragraph {i}: " + "words " * 30 for i in range(60))
    cache.store.set_article_text(cache.ids["g1"], text=long_text)
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first_story(pilot, app)
        article = app.main.article
        assert article.scroll_y == 0
        await pilot.press("space")
        await settle(pilot)
        assert article.scroll_y >= 15
        before = article.scroll_y
        await pilot.press("j")
        await settle(pilot)
        assert article.scroll_y == before + 1
        await pilot.press("escape", "j")
        await settle(pilot)
        assert app.main.story_list.highlighted == 1
        await pilot.press("k", "down")
        await settle(pilot)
        assert app.main.story_list.highlighted == 1


async def test_help_shows_the_moving_keys_as_remapped_with_their_ids(tmp_path):
    """README: every binding but Enter has an id, `?` shows them, j/k are down/up. The help's
    first row said "j / k / ↑ / ↓" whatever [keys] said and showed no id: with down and up
    remapped, j no longer moved but the help still offered it."""
    cache = build_cache(tmp_path, keys={"down": "ctrl+n", "up": "ctrl+b"})
    app = make_app(cache)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("j")  # no longer down
        await settle(pilot)
        assert app.main.thread_list.highlighted == 0
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.main.thread_list.highlighted == 1
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        row = next(line for line in screen_text(app).splitlines() if "move in a list" in line)
        assert "^n / ^b / ↑ / ↓" in row and "[down] [up]" in row, row
        assert "j" not in row.split("move")[0], row
    app = make_app(build_cache(tmp_path / "plain"))
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        row = next(line for line in screen_text(app).splitlines() if "move in a list" in line)
        assert "j / k / ↑ / ↓" in row and "[down] [up]" in row, row


async def test_help_lists_remapped_keys_and_remap_works(tmp_path):
    cache = build_cache(tmp_path, keys={"star": "f", "hide": "delete"})
    app = make_app(cache)
    async with app.run_test(size=(120, 50)) as pilot:  # tall enough for the whole help
        await open_first_story(pilot, app)
        await pilot.press("s")  # no longer star
        await settle(pilot)
        assert not cache.store.story(cache.ids["g1"]).starred
        await pilot.press("f")
        await settle(pilot)
        assert cache.store.story(cache.ids["g1"]).starred
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        lines = text.splitlines()
        assert " f " in next(line for line in lines if "[star]" in line)
        assert "del" in next(line for line in lines if "[hide]" in line)
        for binding_id in ("read", "briefing", "move", "merge", "rename", "pin", "mute",
                           "next_unread", "mark_thread_read", "undo", "open_link", "copy_link",
                           "refresh", "refresh_all", "search", "help", "quit", "new_since",
                           "feeds", "export"):  # fmt: skip
            assert f"[{binding_id}]" in text, binding_id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main
    cache.store.close()


async def test_feeds_screen(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("F")
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen))
        text = screen_text(app)
        assert "Feeds (3)" in text
        for name in ("OC Media", "JAMnews", "Civil.ge"):
            assert name in text
        assert text.count(" ok ") >= 3
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main


async def test_export_writes_the_marked_briefing(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await open_first_story(pilot, app)
        await pilot.press("b", "E")
        await briefing_written(pilot, app)
    written = list((Path(cache.config.settings.export_dir)).glob("briefing-*.md"))
    assert len(written) == 1
    assert "Tbilisi protest enters its third week" in written[0].read_text()


async def test_quit(cache):
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_command_palette_offers_every_action(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_first_story(pilot, app)
        titles = {c.title: c for c in app.get_system_commands(app.main)}
        for title in ("Star", "Briefing", "Move", "Merge thread", "Rename thread",
                      "Mark thread read", "Search", "Feeds", "Export", "Refresh"):  # fmt: skip
            assert title in titles, title
        titles["Star"].callback()
        await settle(pilot)
        assert cache.store.story(cache.ids["g1"]).starred


async def test_failed_refresh_is_a_message(cache, monkeypatch):
    monkeypatch.setattr(refresh_hook, "run_refresh", lambda *a, **k: (False, "network down"))
    app = make_app(cache)
    app.offline = False
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot, lambda: not app.refreshing and loaded(app)())
        assert "refresh failed" in app.main.status.render_state().plain
        assert any("network down" in n.message for n in app._notifications)
        await pilot.press("g")
        await settle(pilot, lambda: not app.refreshing)
        assert app.is_running


async def test_a_refresh_that_raises_ends_as_a_failed_refresh(cache, monkeypatch):
    """Before, an exception out of run_refresh (its own failures are returned, but a bug
    outside them, or a wrong call) killed its thread: the app stayed "refreshing" for the
    rest of the session, and g did nothing."""

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the pipeline")

    monkeypatch.setattr(refresh_hook, "run_refresh", broken)
    app = make_app(cache)
    app.offline = False
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot, lambda: not app.refreshing and loaded(app)())
        assert "refresh failed" in app.main.status.render_state().plain
        assert any("RuntimeError: a bug in the pipeline" in n.message for n in app._notifications)


async def test_a_fetch_running_elsewhere_is_no_failure(cache):
    """Cron's `briefing fetch` holds the lock when the app's refresh starts: before, a red
    "Refresh failed" notice and "refresh failed" in the status line, though the other fetch
    was doing the work and its stories showed as it stored them."""
    from briefing import refresh

    data_dir = cache.store.path.parent
    app = make_app(cache, data_dir=data_dir)
    app.offline = False
    with refresh.refresh_lock(data_dir):
        async with app.run_test(size=(120, 30), notifications=True) as pilot:
            await settle(pilot, lambda: not app.refreshing and loaded(app)())
            state = app.main.status.render_state().plain
            assert "refresh failed" not in state and "another fetch is running" in state
            await pilot.press("g")  # asked for: said, calmly
            await settle(pilot, lambda: not app.refreshing)
            notes = [n for n in app._notifications if "another fetch" in n.message.lower()]
            assert notes and all(n.severity == "information" for n in notes)
            assert f"pid {os.getpid()}" in notes[-1].message


async def test_shift_g_also_retries_feeds_backing_off(cache, monkeypatch):
    calls = []

    def fake_refresh(data_dir, config, report, *, due_only=False, force=False, placed=None):
        calls.append((due_only, force))
        return True, "refreshed: 0 new stories"

    monkeypatch.setattr(refresh_hook, "run_refresh", fake_refresh)
    app = make_app(cache)
    app.offline = False
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: not app.refreshing and loaded(app)())
        await pilot.press("g")
        await settle(pilot, lambda: not app.refreshing and len(calls) == 2)
        await pilot.press("G")
        await settle(pilot, lambda: not app.refreshing and len(calls) == 3)
    # start-up: due feeds only; g: every feed that is not backing off; G: every feed
    assert calls == [(True, False), (False, False), (False, True)]


async def test_refresh_adds_stories_without_moving_the_cursor(cache, monkeypatch):
    armenia = cache.threads["armenia"]
    oc = cache.config.feeds[0]
    many = add_articles(cache.store, oc, [item(f"x{i}", f"Filler story {i}", 40 + i)
                                          for i in range(80)])  # fmt: skip
    for article_id in many:
        cache.store.assign(article_id, armenia)
    calls = []

    def fake_refresh(data_dir, config, report, *, due_only=False, force=False, placed=None):
        calls.append(due_only)
        if len(calls) == 1:
            return True, "refreshed: 0 new stories"  # the start-up run
        report("refreshing: feeds 1/3")
        with Store.open(data_dir) as store:
            (new,) = add_articles(store, oc, [item("fresh", "Breaking: new border incident", 0)])
            store.assign(new, armenia)
        return True, "refreshed: 1 new story"

    monkeypatch.setattr(refresh_hook, "run_refresh", fake_refresh)
    app = make_app(cache)
    app.offline = False
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, lambda: loaded(app)() and not app.refreshing)
        await pilot.press("j", "j", "enter")
        await settle(pilot, lambda: app.main.story_list.key == armenia)
        stories = app.main.story_list
        for _ in range(30):
            await pilot.press("j")
        await settle(pilot, lambda: app.main.article.story is not None
                     and app.main.article.story.id == stories.current.id)  # fmt: skip
        current, row = stories.current.id, stories.highlighted - stories.scroll_y
        assert stories.scroll_y > 0
        article_id = app.main.article.story.id
        app.main.article.scroll_to(y=0, animate=False)
        await pilot.press("g")
        await settle(pilot, lambda: not app.refreshing and len(stories.stories) == 84)
        assert calls == [True, False]  # start-up: due feeds only; g: everything now
        assert stories.stories[0].title == "Breaking: new border incident"
        assert stories.current.id == current
        assert stories.highlighted - stories.scroll_y == row  # same story on the same row
        assert app.main.article.story.id == article_id
        assert "refreshed: 1 new story" in screen_text(app)
        # g was asked for: its result is also a message; the start-up run's was not
        assert [n.message for n in app._notifications if "efreshed" in n.message] == [
            "Refreshed: 1 new story"
        ]


async def test_j_and_k_stop_at_the_ends_of_the_lists(cache):
    """k on the first row and j on the last stay put (before, they wrapped round to the other
    end, where the next s or x acted on a story the user never meant)."""
    from test_tui_support import loaded, make_app, open_thread, settle

    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        threads = app.main.thread_list
        threads.focus()
        threads.highlighted = 0
        await pilot.press("k")
        await settle(pilot)
        assert threads.highlighted == 0
        threads.highlighted = len(threads.threads) - 1
        await pilot.press("j", "down")
        await settle(pilot)
        assert threads.highlighted == len(threads.threads) - 1
        threads.highlighted = 0  # open_thread walks down from the top
        await open_thread(pilot, app, cache.threads["georgia"])
        stories = app.main.story_list
        stories.focus()
        stories.highlighted = 0
        await pilot.press("k", "up")
        await settle(pilot)
        assert stories.highlighted == 0
        stories.highlighted = len(stories.stories) - 1
        await pilot.press("j")
        await settle(pilot)
        assert stories.highlighted == len(stories.stories) - 1
        await pilot.press("k")
        await settle(pilot)
        assert stories.highlighted == len(stories.stories) - 2  # and still moves inside


async def test_the_feeds_screen_shows_the_highlighted_feeds_whole_error_at_80_columns(cache):
    """At 80 columns the table's last column cut the error to "cannot connect to"; the line
    under the table holds the highlighted feed's URL and whole error."""
    from briefing.models import FeedUpdate
    from briefing.store.db import utcnow

    error = "cannot connect to jam-news.net: host name not found (DNS; offline, or a typo?)"
    url = cache.config.feeds[1].url
    cache.store.save_feed_result(url, FeedUpdate(status="error", checked=utcnow(),
                                                 error=error))  # fmt: skip
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("F", "j")
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen))
        await settle(pilot)
        detail = str(app.screen.query_one("#feed-detail").content)
        assert error in detail and url in detail
        assert "cannot connect to" in screen_text(app)


async def test_o_on_a_story_without_a_link_says_so_as_y_does(cache):
    """o on the seed article (no link) says 'This story has no link.', as y does; before it
    said 'Not an http(s) link; not opened.', as if there were some other kind of link."""
    from test_tui_support import open_thread

    app = make_app(cache)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        await open_thread(pilot, app, cache.threads["seed"])
        assert app.main.story_list.current.link == ""
        await pilot.press("enter")
        await settle(pilot, lambda: app.main.article.story is not None)
        await pilot.press("o", "y")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert messages.count("This story has no link.") == 2
        assert not any("http(s)" in m for m in messages) and app.opened == []


async def test_help_explains_every_marker_the_rows_show(cache):
    """The help's legend covers each glyph of the thread and story rows (◆ and ◌, the pinned
    and muted threads, and the sparkline were not explained)."""
    from briefing.tui.format import HIDDEN, IN_BRIEFING, MUTED, PINNED, STARRED, UNREAD

    store, ids = cache.store, cache.ids
    store.set_thread_flag(cache.threads["armenia"], "muted", True)
    store.set_triage(ids["g2"], starred=True, in_briefing=True)
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, loaded(app))
        main = app.main
        await pilot.press("j")  # Georgia: starred, marked, unread stories and a wire copy
        await settle(pilot, lambda: main.story_list.key == cache.threads["georgia"])
        rows = [main.thread_list.get_option_at_index(i).prompt for i in range(3)]
        rows += [main.story_list.get_option_at_index(i).prompt for i in range(4)]
        shown = "".join(row.plain for row in rows)
        titles = "".join(t.title for t in main.thread_list.threads)
        titles += "".join(s.title + s.outlet for s in main.story_list.stories)
        glyphs = {c for c in shown if not c.isascii()} - set(titles)
        assert {PINNED, MUTED, UNREAD, STARRED} <= glyphs  # the test sees what it checks
        assert IN_BRIEFING in shown and "+1" in shown
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        legend = app.screen.query_one("#help-text").render().plain
        for glyph in glyphs:
            assert glyph in legend, glyph
        for said in (f"{PINNED} pinned", f"{MUTED} muted", f"{UNREAD} unread",
                     f"{STARRED} starred", f"{IN_BRIEFING} in the briefing", "+N", HIDDEN,
                     "stories per day"):  # fmt: skip
            assert said in legend, said
