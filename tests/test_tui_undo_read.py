"""Undoing "mark thread read" (A, then z) makes the thread's stories unread again in ONE write
transaction, not one per story."""

from __future__ import annotations

from test_tui_support import loaded, make_app, settle

from briefing.store.db import Store


async def test_undo_mark_thread_read_is_one_transaction(cache) -> None:
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("j", "A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, lambda: app.main.thread_list.current.unread == 0)
        statements: list[str] = []
        cache.store._db.set_trace_callback(statements.append)
        try:
            await pilot.press("z")
            await settle(pilot, lambda: app.main.thread_list.current.unread == 4)
        finally:
            cache.store._db.set_trace_callback(None)
        assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]
    # the folded copy was marked read with its thread and is unread again too
    assert not any(s.read for s in cache.store.stories(georgia, fold_copies=False))


def test_mark_unread_restores_only_the_given_stories(cache) -> None:
    store: Store = cache.store
    ids = cache.ids
    store.set_triage(ids["a1"], read=True, starred=True)
    unread = store.mark_thread_read(cache.threads["georgia"])
    assert len(unread) == 5  # four stories and the folded copy
    store.mark_unread(unread[:2])
    read = {s.id: s.read for s in store.stories(cache.threads["georgia"], fold_copies=False)}
    assert sorted(i for i, r in read.items() if not r) == sorted(unread[:2])
    a1 = store.story(ids["a1"])
    assert a1 is not None and a1.read and a1.starred  # another thread's story: untouched
    store.mark_unread([])  # nothing to do: no error
