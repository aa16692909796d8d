"""The reader app driven through Pilot on a real cache: start, navigation, triage, undo."""

from __future__ import annotations

from test_tui_support import loaded, make_app, open_thread, screen_text, settle

from briefing.store import Store
from briefing.store.schema import SEED_THREAD_TITLE
from briefing.tui import refresh_hook


async def test_offline_start_shows_seed_thread_and_never_refreshes(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(refresh_hook, "run_refresh", lambda *a, **k: calls.append(a))
    store = Store.open(tmp_path / "fresh")
    from test_tui_support import make_config

    app = make_app(type("C", (), {"store": store, "config": make_config(tmp_path, feeds=())})())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        threads = app.main.thread_list.threads
        assert [t.id for t in threads] == [1]
        text = screen_text(app)
        assert SEED_THREAD_TITLE[:40] in text
        assert "OFFLINE" in text and "no successful fetch yet" in text
        await pilot.press("g")
        await settle(pilot)
        assert calls == []  # offline: not even a refresh attempt
        await pilot.press("enter", "enter")
        await settle(pilot, lambda: app.main.article.story is not None)
        assert "Safarov" in app.main.article.text
    store.close()


async def test_threads_in_order_with_counts(cache):
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        threads = app.main.thread_list.threads
        assert [t.id for t in threads] == [1, cache.threads["georgia"], cache.threads["armenia"]]
        georgia = threads[1]
        # 5 items, one a wire copy folded under its original: 4 stories from 3 outlets.
        assert (georgia.stories, georgia.unread, georgia.sources) == (4, 4, 3)
        text = screen_text(app)
        assert "Georgia: protests over the foreign agents bill" in text
        assert "4 unread" in text and "3 outlets" in text


async def test_open_thread_and_read_story(cache):
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        stories = app.main.story_list.stories
        # newest first; the wire copy is folded under its original
        assert [s.title for s in stories][:2] == [
            "Tbilisi protest enters its third week",
            "Georgian Dream passes foreign agents bill",
        ]
        assert stories[0].copies == 1 and len(stories) == 4
        await pilot.press("enter")
        await settle(pilot, lambda: app.main.article.story is not None and app.main.article.copies)
        article = app.main.article.text
        assert "Tbilisi protest enters its third week" in article
        assert "OC Media" in article and "Mariam K." in article
        assert "https://example.org/g1" in article
        assert "Also carried by 1 other outlet" in article and "JAMnews" in article
        assert "Body text." in article
        assert app.main.article.has_focus
        assert cache.store.story(cache.ids["g1"]).read  # opening is reading, written at once
        screen = screen_text(app)
        assert "+1" in screen and "times: Asia/Baku" in screen


async def test_summary_shown_when_no_full_text(cache):
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        app.main.story_list.select_id(cache.ids["g3"])
        await pilot.press("enter")
        await settle(pilot, lambda: getattr(app.main.article.story, "id", 0) == cache.ids["g3"])
        text = app.main.article.text
        assert "Full text not available (HTTP 403 from the site)" in text
        assert "Police detained three opposition leaders." in text


async def test_triage_keys_write_at_once_and_undo_several_levels(cache):
    app = make_app(cache)
    g2 = cache.ids["g2"]
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        app.main.story_list.select_id(g2)
        await settle(pilot)
        await pilot.press("s", "b", "r")
        await settle(pilot)
        story = cache.store.story(g2)
        assert (story.starred, story.in_briefing, story.read) == (True, True, True)
        # committed, not buffered: another process (a second connection) sees it now, so a
        # kill -9 of the app would lose nothing already pressed
        with Store.open(cache.store.path.parent) as other:
            seen = other.story(g2)
            assert (seen.starred, seen.in_briefing, seen.read) == (True, True, True)
        row = app.main.story_list.current
        assert (row.starred, row.in_briefing, row.read) == (True, True, True)
        assert app.main.thread_list.current.unread == 3  # 4 stories (one copy folded), one read
        await pilot.press("x")
        await settle(pilot)
        assert cache.store.story(g2).hidden
        assert app.main.story_list.index_of(g2) is None
        # four levels of undo, newest first
        await pilot.press("z")
        await settle(pilot, lambda: app.main.story_list.index_of(g2) is not None)
        assert not cache.store.story(g2).hidden
        await pilot.press("z", "z")
        await settle(pilot)
        story = cache.store.story(g2)
        assert (story.starred, story.in_briefing, story.read) == (True, False, False)
        await pilot.press("z")
        await settle(pilot)
        assert not cache.store.story(g2).starred
        await pilot.press("z")  # nothing left: a message, no crash
        await settle(pilot)
        assert app.undo_stack == []


async def test_move_story_to_thread_and_to_new_thread_then_undo(cache):
    g1, copy, g4 = cache.ids["g1"], cache.ids["g1-copy"], cache.ids["g4"]
    georgia, armenia = cache.threads["georgia"], cache.threads["armenia"]
    cache.store.assign(g1, georgia, score=0.81)  # the engine's decisions, with their scores
    cache.store.assign(g4, georgia, score=0.42)
    before = {i: cache.store.placement(i) for i in (g1, copy, g4)}
    assert before[copy][2:4] == ("engine", g1)
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, georgia)
        app.main.story_list.select_id(g1)
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"border talks")
        await pilot.press("enter")  # a matching thread is picked, not "+ new thread"
        await settle(pilot, lambda: app.main.story_list.index_of(g1) is None)
        assert cache.store.story(g1).thread_id == armenia
        assert cache.store.story(g1).decided_by == "user"
        assert cache.store.story(copy).thread_id == armenia  # the wire copy follows
        await pilot.press("z")
        await settle(pilot, lambda: app.main.story_list.index_of(g1) is not None)
        # exactly the engine's placement again (thread, decided_by, duplicate_of, score), so
        # the engine keeps re-evaluating a story the user did not mean to move
        assert cache.store.placement(g1) == before[g1]
        assert cache.store.placement(copy) == before[copy]
        app.main.story_list.select_id(g4)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"EU reaction", "enter")
        await settle(pilot, lambda: app.main.story_list.index_of(g4) is None)
        new_thread = cache.store.story(g4).thread_id
        assert new_thread not in cache.threads.values()
        assert cache.store.thread(new_thread).title == "EU reaction"
        await settle(pilot, lambda: app.main.thread_list.index_of(new_thread) is not None)
        await pilot.press("z")  # the thread the move created goes again
        await settle(pilot, lambda: app.main.thread_list.index_of(new_thread) is None)
        assert cache.store.placement(g4) == before[g4]
        assert cache.store.thread(new_thread) is None


async def test_merge_thread_after_confirm(cache):
    app = make_app(cache)
    georgia, armenia = cache.threads["georgia"], cache.threads["armenia"]
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("M")
        await settle(pilot)
        await pilot.press(*"armenia", "enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, lambda: app.main.thread_list.index_of(georgia) is None)
        assert {s.thread_id for s in cache.store.stories(armenia)} == {armenia}
        assert len(cache.store.stories(armenia)) == 7
        assert app.main.thread_list.current.id == armenia


async def test_rename_pin_mute_and_undo(cache):
    app = make_app(cache)
    armenia = cache.threads["armenia"]
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("j", "j")
        await settle(pilot)
        assert app.main.thread_list.current.id == armenia
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("ctrl+u", *"Border commission", "enter")
        await settle(pilot, lambda: app.main.thread_list.current.title == "Border commission")
        assert cache.store.thread(armenia).user_titled
        await pilot.press("p")
        # pinned with news: before thread 1, whose seed article alone gives it no news time
        await settle(pilot, lambda: app.main.thread_list.threads[0].id == armenia)
        assert cache.store.thread(armenia).pinned
        assert app.main.thread_list.current.id == armenia  # the cursor follows the thread
        await pilot.press("u")
        await settle(pilot)
        assert cache.store.thread(armenia).muted
        await pilot.press("z", "z", "z")
        await settle(pilot, lambda: app.main.thread_list.current.title != "Border commission")
        thread = cache.store.thread(armenia)
        assert (thread.muted, thread.pinned, thread.title) == (
            False, False, "Armenia–Azerbaijan border talks")  # fmt: skip


async def test_mark_thread_read_asks_first_and_undoes(cache):
    app = make_app(cache)
    georgia = cache.threads["georgia"]
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("j", "A")
        await settle(pilot)
        await pilot.press("n")  # "no": nothing changes
        await settle(pilot)
        assert cache.store.thread(georgia).unread == 4
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, lambda: app.main.thread_list.current.unread == 0)
        assert cache.store.thread(georgia).unread == 0
        await pilot.press("A")  # nothing left to mark: a message, not a question
        await settle(pilot)
        assert app.screen is app.main
        assert any("read already" in n.message for n in app._notifications)
        await pilot.press("z")
        await settle(pilot, lambda: app.main.thread_list.current.unread == 4)


async def test_next_unread_walks_stories_then_threads(cache):
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        for story in app.main.story_list.stories[:3]:
            cache.store.set_triage(story.id, read=True)
        app.main.reload_all()
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert app.main.story_list.current.id == cache.ids["g3"]
        await pilot.press("r", "n")  # g3 read now; nothing unread below: next thread
        await settle(pilot, lambda: app.main.story_list.key == cache.threads["armenia"])
        assert app.main.thread_list.current.id == cache.threads["armenia"]
        assert not app.main.story_list.current.read


async def test_search_opens_result_in_its_thread(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"Lachin", "enter")
        await settle(pilot, lambda: bool(getattr(app.screen, "searching", False)
                                         and app.screen.query_one("#results").stories))  # fmt: skip
        results = app.screen.query_one("#results").stories
        assert [s.id for s in results] == [cache.ids["a2"]]
        assert "1 result" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot, lambda: getattr(app.main.article.story, "id", 0) == cache.ids["a2"])
        assert app.main.thread_list.current.id == cache.threads["armenia"]
        await settle(pilot, lambda: app.main.story_list.current is not None
                     and app.main.story_list.current.id == cache.ids["a2"])  # fmt: skip
        assert "Lachin corridor talks resume" in app.main.article.text


async def test_new_since_last_visit_view(cache):
    cache.store.set_meta("last_visit", "2000-01-01T00:00:00+00:00")
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, loaded(app))
        assert app.main.thread_list.threads[1].new == 4  # the wire copy is folded
        await pilot.press("a")
        await settle(pilot, lambda: bool(getattr(app.screen, "query_one", None)
                                         and app.screen.query("#results")
                                         and app.screen.query_one("#results").stories))  # fmt: skip
        titles = [s.title for s in app.screen.query_one("#results").stories]
        assert "Lachin corridor talks resume" in titles
        # newest first by publish time (they all arrived together); the seed article is not
        # news (no publication date, stored when the cache was made): never listed here
        assert titles == ["Tbilisi protest enters its third week",
                          "Armenia and Azerbaijan agree border commission",
                          "Georgian Dream passes foreign agents bill",
                          "Lachin corridor talks resume",
                          "EU ambassador comments on Georgian bill",
                          "Yerevan hosts regional security forum",
                          "Opposition leaders detained in Batumi"], titles  # fmt: skip
        assert not any("seed article" in t for t in titles)
        assert "Tbilisi protest enters third week" not in titles  # copies stay folded
        assert "arrived since your last visit" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main
    assert cache.store.get_meta("last_visit") > "2020"


def test_core_and_entry_point_import_without_textual():
    """Only the reader itself loads Textual: the CLI, the store, the refresh pipeline and the
    `briefing.tui.app` entry point (which starts the first query before importing it) do not."""
    import subprocess
    import sys

    code = (
        "import sys, briefing.cli, briefing.store, briefing.refresh, briefing.tui.app, "
        "briefing.tui.prefetch; assert 'textual' not in sys.modules, 'textual imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


async def test_start_up_objects_are_frozen_once_the_first_screen_settled(cache):
    # full collections walking the start-up objects were the slow key presses (45-80 ms)
    import gc

    from briefing.tui import reader

    gc.unfreeze()
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.pause(reader.STARTUP_SETTLED + 0.3)
        assert gc.get_freeze_count() > 1000


async def test_the_seed_article_is_undated_not_shown_at_the_cache_creation_time(tmp_path):
    """The seed article has no publication date; its first seen is only when the cache was
    made. The story row and the reader say "undated" instead of presenting that as news time."""
    store = Store.open(tmp_path / "fresh")
    seed = store.stories(1)[0]
    assert seed.feed_id is None and seed.published is None
    from test_tui_support import make_config

    from briefing.tui.format import clock

    app = make_app(type("C", (), {"store": store, "config": make_config(tmp_path, feeds=())})())
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("enter")
        await settle(pilot, lambda: app.main.article.story is not None)
        made = clock(seed.first_seen, app.zone)
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "seed article" in line and "●" in line)
        assert "undated" in row and made not in row
        assert "undated: the seed article gives no publication date" in app.main.article.text
        assert "first seen" not in app.main.article.text
        # Its thread has no news: its row says so instead of the cache's age ("now", "26m").
        thread_row = text.splitlines()[2]
        assert "no news" in thread_row and "1 unread" in thread_row
        assert " now " not in thread_row
    store.close()
