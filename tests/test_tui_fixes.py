"""Reviewed defects, each driven through Pilot: undo of a move, the selection after a merge,
the status line's clock, typed-ahead keys, and config/engine text never read as markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_support import build_cache, loaded, make_app, settle


@pytest.fixture
def cache(tmp_path: Path):
    c = build_cache(tmp_path)
    yield c
    c.store.close()


async def open_thread(pilot, app, thread_id: int) -> None:
    main = app.main
    await settle(pilot, loaded(app))
    while main.thread_list.current.id != thread_id:
        await pilot.press("j")
    await settle(pilot, lambda: main.story_list.key == thread_id and bool(main.story_list.stories))
    await pilot.press("enter")
    await settle(pilot, lambda: main.story_list.has_focus)


async def move_to(pilot, app, story_id: int, words: str) -> None:
    app.main.story_list.select_id(story_id)
    await pilot.press("m")
    await settle(pilot)
    await pilot.press(*words, "enter")
    await settle(pilot, lambda: app.main.story_list.index_of(story_id) is None)


async def test_undo_of_a_move_restores_the_placement_exactly_and_drops_the_new_thread(cache):
    store, georgia = cache.store, cache.threads["georgia"]
    g1, copy, g4 = cache.ids["g1"], cache.ids["g1-copy"], cache.ids["g4"]
    store.assign(g1, georgia, score=0.81)  # the engine's decisions, with their scores
    store.assign(g4, georgia, score=0.42)
    before = {i: store.placement(i) for i in (g1, copy, g4)}
    assert before[copy][2:4] == ("engine", g1)
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, georgia)
        await move_to(pilot, app, g1, "border talks")
        assert store.placement(g1)[1:3] == (cache.threads["armenia"], "user")
        assert store.placement(copy)[1] == cache.threads["armenia"]  # the copy followed
        await pilot.press("z")
        await settle(pilot, lambda: app.main.story_list.index_of(g1) is not None)
        # the engine's placement is back, so the engine keeps re-evaluating the story
        assert store.placement(g1) == before[g1] and store.placement(copy) == before[copy]

        await move_to(pilot, app, g4, "EU reaction")
        created = store.placement(g4)[1]
        await settle(pilot, lambda: app.main.thread_list.index_of(created) is not None)
        await pilot.press("z")
        await settle(pilot, lambda: app.main.thread_list.index_of(created) is None)
        assert store.placement(g4) == before[g4]
        assert store.thread(created) is None  # the thread the move created is gone again


def test_delete_thread_if_empty_keeps_pinned_and_used_threads(cache):
    store = cache.store
    pinned = store.create_thread("Pinned meanwhile", pinned=True)
    assert not store.delete_thread_if_empty(pinned)
    assert not store.delete_thread_if_empty(cache.threads["georgia"])  # has stories
    assert not store.delete_thread_if_empty(1)  # the seed thread
    empty = store.create_thread("Empty")
    assert store.delete_thread_if_empty(empty) and store.thread(empty) is None
