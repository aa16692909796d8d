"""Reviewed defects, driven through Pilot: the selection after a merge, the relative times,
typed-ahead keys, and config/engine text never read as markup. (Undo of a move: test_tui.py.)"""

from __future__ import annotations

from pathlib import Path

from test_tui_support import build_cache, loaded, make_app, open_thread, settle


def test_delete_thread_if_empty_keeps_pinned_and_used_threads(cache):
    store = cache.store
    pinned = store.create_thread("Pinned meanwhile", pinned=True)
    assert not store.delete_thread_if_empty(pinned)
    assert not store.delete_thread_if_empty(cache.threads["georgia"])  # has stories
    assert not store.delete_thread_if_empty(1)  # the seed thread
    empty = store.create_thread("Empty")
    assert store.delete_thread_if_empty(empty) and store.thread(empty) is None


def add_threads(cache, n: int) -> list[int]:
    """n more threads, one story each, older than the others (listed after them)."""
    from test_tui_support import add_articles, item

    ids = []
    for i in range(n):
        (article,) = add_articles(cache.store, cache.config.feeds[2],
                                  [item(f"t{i}", f"Older story {i}", 40 + i)])  # fmt: skip
        ids.append(cache.store.create_thread(f"Older thread {i}"))
        cache.store.assign(article, ids[-1])
    return ids


async def merge_current_into(pilot, app, words: str) -> None:
    await pilot.press("M")
    await settle(pilot)
    await pilot.press(*words, "enter")
    await settle(pilot)


async def test_keys_pressed_before_the_reload_after_a_merge_are_kept(cache):
    import threading

    georgia = cache.threads["georgia"]
    older = add_threads(cache, 3)
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(pilot, app, georgia)
        await merge_current_into(pilot, app, "armenia")
        gate = threading.Event()
        app.lane._pool.submit(gate.wait, 10)  # the store is busy (a slow disk, a long refresh)
        await pilot.press("y", "escape", "j", "j")  # the merge and the reload wait behind it
        threads = app.main.thread_list
        # the old rows: seed, georgia, armenia, older...; two down from georgia
        assert threads.current.id == older[0]
        gate.set()
        await settle(pilot, lambda: threads.index_of(georgia) is None)
        assert threads.current.id == older[0]  # the reload did not take the selection away


async def test_a_reload_asked_for_with_the_merged_thread_selects_its_target(cache):
    import threading

    armenia = cache.threads["armenia"]
    older = add_threads(cache, 3)
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(pilot, app, older[2])  # the last row
        await merge_current_into(pilot, app, "armenia")
        gate = threading.Event()
        merge = cache.store.merge_threads

        def merge_then_stall(source: int, target: int) -> None:
            merge(source, target)
            app.lane._pool.submit(gate.wait, 10)  # the merge's reload waits behind this

        cache.store.merge_threads = merge_then_stall
        await pilot.press("y")
        while cache.store.thread(older[2]) is not None:
            await pilot.pause(0.01)
        await pilot.pause(0.05)  # the merge's reload is asked for (and waits)
        app.main.reload_all()  # e.g. a refresh finishing: asks by the (merged) current id
        gate.set()
        threads = app.main.thread_list
        await settle(pilot, lambda: threads.index_of(older[2]) is None)
        assert threads.current.id == armenia  # not whatever row took the gone thread's index


async def test_status_line_and_thread_rows_keep_their_relative_times_true(cache, monkeypatch):
    from datetime import timedelta

    from briefing.store.db import utcnow
    from briefing.tui.widgets import status, thread_list

    clock = [utcnow()]
    for module in (status, thread_list):
        monkeypatch.setattr(module, "utcnow", lambda: clock[0])
    monkeypatch.setattr(status.StatusLine, "TICK", 0.05, raising=False)
    monkeypatch.setattr(thread_list, "TICK", 0.05, raising=False)
    app = make_app(cache)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, loaded(app))
        line, threads = app.main.status, app.main.thread_list

        def georgia_row() -> str:
            return threads.get_option(str(cache.threads["georgia"])).prompt.plain

        await settle(pilot, lambda: "just now" in str(line.content))
        local = line.last_success.astimezone(app.zone)
        assert f"({local:%d %b %H:%M} +04)" in str(line.content)  # Asia/Baku, zone shown
        assert "  1h  " in georgia_row()  # its newest story is an hour old
        clock[0] += timedelta(hours=3)  # nothing happens in the app meanwhile
        await pilot.pause(0.3)
        assert "last good fetch 3h ago" in str(line.content)
        assert "  4h  " in georgia_row()


HOSTILE = "[b]Pin[/] [@click=app.quit]c[/]"


async def test_config_and_engine_text_is_never_markup(tmp_path: Path):
    from test_tui_support import screen_text

    from briefing.config import PinnedThread

    keys = "f,[@click=app.quit]x[/]"  # a remapped key from feeds.toml
    cache = build_cache(tmp_path, keys={"star": keys})
    cache.store.ensure_pinned([PinnedThread(HOSTILE)])  # a pinned thread's title from the config
    cache.store.rename_thread(cache.threads["armenia"], "[red]L[/] $accent", by_user=False)
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, loaded(app))
        text = screen_text(app)
        assert HOSTILE in text and "[red]L[/] $accent" in text
        await pilot.press("enter")  # the palette offers Star where a story is chosen
        await settle(pilot, lambda: app.main.level == 1)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Star")
        await settle(pilot, lambda: "key: f," in screen_text(app))
        assert f"key: {keys}" in screen_text(app)  # the palette's help is not read as markup
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is app.main)
        threads = app.main.thread_list
        threads.highlighted = threads.index_of(cache.threads["georgia"])
        await pilot.press("M")  # the picker lists the other threads' titles
        await settle(pilot)
        text = screen_text(app)
        assert HOSTILE in text and "[red]L[/] $accent" in text
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is app.main)
        threads.highlighted = next(i for i, t in enumerate(threads.threads) if t.title == HOSTILE)
        await pilot.press("u", "R")  # a notification and the rename prompt quote the title
        await settle(pilot)
        assert HOSTILE in screen_text(app)
        assert any(HOSTILE in n.message for n in app._notifications)
        assert not any(n.markup for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
    cache.store.close()


async def test_keys_typed_ahead_reach_the_pane_that_enter_opened(cache):
    from textual import events

    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        await pilot.press("j")
        await settle(pilot, lambda: main.story_list.key == georgia)
        # one burst, as over ssh: every key is queued before the first one is handled
        for key, char in (("enter", "\r"), ("j", "j"), ("j", "j"), ("enter", "\r")):
            app.post_message(events.Key(key, char))
        await settle(pilot, lambda: main.article.story is not None)
        assert main.thread_list.current.id == georgia  # the j's did not move the thread list
        assert main.story_list.highlighted == 2
        assert main.article.story.id == main.story_list.stories[2].id
        assert app.focused is main.article
