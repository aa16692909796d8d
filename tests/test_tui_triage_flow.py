"""The keyboard triage workflow end to end: what a journalist decided stays decided."""

from __future__ import annotations

from test_tui_fixes import merge_current_into
from test_tui_support import briefing_written, make_app, open_thread, record_notes, settle
from test_tui_typeahead import burst


async def star_then_ask_to_merge(pilot, app, thread_id: int):  # noqa: ANN001, ANN201
    """Star the first story of `thread_id`, then M into the Armenia thread: the merge's
    confirmation is on screen. Returns the starred story."""
    await open_thread(pilot, app, thread_id)
    story = app.main.story_list.current
    await pilot.press("s")
    await settle(pilot, lambda: app.store.story(story.id).starred)
    await pilot.press("escape")
    await merge_current_into(pilot, app, "armenia")
    return story


async def test_a_story_marked_unread_in_the_reader_stays_unread_back_in_the_list(
    cache, monkeypatch
):
    """Wide layout: Enter opens a story (read), r marks it unread to come back to it, Esc goes
    back to the story list, where the same story stays shown beside the list. Before, the
    2 s "shown beside the list" timer started again on the way back and marked it read once
    more, silently undoing the r. Moving off it and back still counts as showing it anew."""
    from briefing.tui.screens.main import MainScreen

    monkeypatch.setattr(MainScreen, "READ_AFTER", 0.3)
    app = make_app(cache)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        main = app.main
        story = main.story_list.current
        await pilot.press("enter")
        await settle(pilot, lambda: cache.store.story(story.id).read)
        await pilot.press("r")
        await settle(pilot, lambda: not cache.store.story(story.id).read)
        for back in ("escape", "shift+tab"):
            await pilot.press(back)
            await settle(pilot, lambda: main.story_list.has_focus)
            await pilot.pause(0.6)
            await settle(pilot)
            assert not cache.store.story(story.id).read, back
            assert not main.story_list.current.read
            assert main.story_list.current.id == story.id
            await pilot.press("enter", "r")  # back in the reader, unread again for the next key
            await settle(pilot, lambda: not cache.store.story(story.id).read)
        await pilot.press("escape", "j", "k")  # off it and back: shown anew, it counts again
        await settle(pilot, lambda: main.story_list.current.id == story.id)
        await pilot.pause(0.6)
        await settle(pilot, lambda: cache.store.story(story.id).read)


async def test_undoing_an_unpin_or_unmute_says_what_it_undid(cache):
    """z after p or u names what the key did, as the story keys' undo does ("Undone:
    Unstarred"). Before, it named the flag: after an unpin, z said "Undone: pinned" while it
    pinned the thread again."""
    from test_tui_support import loaded

    app = make_app(cache)
    said = record_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        thread_id = app.main.thread_list.current.id  # the seed thread: pinned

        async def press(key: str, flag: str, value: bool) -> None:
            await pilot.press(key)
            await settle(pilot, lambda: getattr(cache.store.thread(thread_id), flag) == value)

        for key, flag in (("p", "pinned"), ("u", "muted")):
            for value in (False, True) if flag == "pinned" else (True, False):
                await press(key, flag, value)
                await press("z", flag, not value)
                await settle(pilot, lambda: said[-1].startswith("Undone"))
                await press(key, flag, value)  # as it was before z, for the next round
    undone = [m for m in said if m.startswith("Undone")]
    assert undone == ["Undone: Unpinned", "Undone: Pinned", "Undone: Muted", "Undone: Unmuted"]


async def test_z_right_behind_p_undoes_the_pin_not_the_step_before(cache):
    """p then z in one burst (over ssh keys often arrive together): z undoes the pin, as z
    right behind a story key undoes that key. Before, the pin's undo step was stacked only
    once its write was done, so z undid the step before it (here: the star) and the thread
    stayed pinned."""
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(pilot, app, georgia)
        story = app.main.story_list.current
        await pilot.press("s")
        await settle(pilot, lambda: cache.store.story(story.id).starred)
        burst(app, "p", "z")
        await settle(pilot, lambda: not app.workers)
        await settle(pilot)
        assert not cache.store.thread(georgia).pinned
        assert cache.store.story(story.id).starred
        assert not app.main.thread_list.threads[app.main.thread_list.index_of(georgia)].pinned


async def test_ctrl_c_says_how_to_quit_in_plain_words(cache):
    """ctrl+c (a reflex) does not quit: the note says which key does, as plain text, naming
    the app's own q. Before, Textual's note came through the app's plain-text notify as
    "Press [b]ctrl+q[/b] to quit the app", markup tags and all."""
    from test_tui_support import loaded

    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("ctrl+c")
        await settle(pilot, lambda: bool(app._notifications))
        note = list(app._notifications)[-1]
        assert app.is_running
    assert "[" not in note.message and "[" not in note.title
    assert "Press q to quit" in note.message


async def test_n_in_the_reader_goes_on_reading_into_the_next_thread(cache):
    """At 80 columns, n in the reader opens the next unread story; at the end of the thread
    it opens the next thread's first unread story, still in the reader. Before, it dropped
    to that thread's story list with the story highlighted but not opened, and the next n
    (from the list) went past it, leaving it unread."""
    ids, armenia = cache.ids, cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        main = app.main
        await pilot.press("enter")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == ids["g1"])
        for key in ("g2", "g4", "g3"):  # the thread's other unread stories, newest first
            await pilot.press("n")
            await settle(pilot, lambda: getattr(main.article.story, "id", None) == ids[key])  # noqa: B023
        await pilot.press("n")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == ids["a1"])
        assert main.level == 2 and app.focused is main.article
        assert main.thread_list.current.id == armenia
        assert main.story_list.current.id == ids["a1"]
        await settle(pilot, lambda: cache.store.story(ids["a1"]).read)
        await pilot.press("n")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == ids["a2"])
        assert main.level == 2


async def test_z_right_after_a_merge_undoes_nothing_unseen(cache):
    """The merge dialog says a merge cannot be undone with z. A reflex z after it undid the
    step before the merge instead (a star given minutes ago), with only "Undone: Starred" to
    show for it. Now that z says the merge stays, and the next z undoes the star."""
    from briefing.tui.reader import MERGE_NOTE

    georgia = cache.threads["georgia"]
    app = make_app(cache)
    said = record_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        story = await star_then_ask_to_merge(pilot, app, georgia)
        await pilot.press("y")  # the confirmation
        await settle(pilot, lambda: app.main.thread_list.index_of(georgia) is None)

        await pilot.press("z")
        await settle(pilot)
        assert said[-1] == MERGE_NOTE
        assert cache.store.story(story.id).starred  # not undone
        await pilot.press("z")
        await settle(pilot, lambda: not cache.store.story(story.id).starred)
        assert said[-1].startswith("Undone: Starred")


async def test_b_clears_the_briefing_marks_after_an_export_and_z_puts_them_back(cache):
    """A daily briefing: mark, E, and the next day mark again. The marks stayed after E, and
    the only way to start the next briefing afresh was b on each of yesterday's stories (E
    wrote them all again). E now says how to clear them; B takes every story out of the
    briefing at once, and z puts them back."""
    from pathlib import Path

    from test_tui_keys import open_first_story

    app = make_app(cache)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await open_first_story(pilot, app)
        await pilot.press("b", "escape", "j", "b", "E")
        toast = await briefing_written(pilot, app)
        assert toast.endswith("The stories stay marked; B clears the marks.")
        marked = {s.id for s in cache.store.marked()}
        assert len(marked) == 2

        await pilot.press("B")
        await settle(pilot, lambda: not cache.store.marked())
        await settle(pilot, lambda: not any(s.in_briefing for s in app.main.story_list.stories))
        await pilot.press("z")
        await settle(pilot, lambda: {s.id for s in cache.store.marked()} == marked)
        await pilot.press("E")  # the same two again, in a second file
        await settle(pilot, lambda: len(list(Path(cache.config.settings.export_dir)
                                             .glob("briefing-*.md"))) == 2)  # fmt: skip


async def test_b_clears_the_mark_of_a_hidden_story_too(cache):
    """A story marked for the briefing, then hidden (x): Store.marked leaves it out, so B
    left it marked. Unhidden later (x on it, found by /), it was in the next E's briefing
    although B had cleared the marks."""
    from test_tui_keys import open_first_story

    app = make_app(cache)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_first_story(pilot, app)
        story = app.main.story_list.current
        await pilot.press("b")
        await settle(pilot, lambda: cache.store.story(story.id).in_briefing)
        await pilot.press("x")
        await settle(pilot, lambda: cache.store.story(story.id).hidden)
        await pilot.press("B")
        await settle(pilot, lambda: not cache.store.story(story.id).in_briefing)
        cache.store.set_triage(story.id, hidden=False)  # found by / and unhidden
        assert not cache.store.marked()
        await pilot.press("z")  # B's undo puts it back as it was: marked, hidden
        await settle(pilot, lambda: cache.store.story(story.id).in_briefing)


async def test_b_pressed_again_while_its_write_waits_keeps_the_undo(cache):
    """B while the cache is slow to write (a cron fetch holding it): a second B, pressed
    because nothing seemed to happen, cancelled the first one's worker after its write was
    queued. The marks went, but no undo step was left, the list kept showing them marked,
    and the second B said no story was marked: z could not put them back."""
    import threading

    from test_tui_keys import open_first_story

    app = make_app(cache)
    async with app.run_test(size=(120, 30)) as pilot:
        await open_first_story(pilot, app)
        await pilot.press("b", "escape", "j", "b")
        await settle(pilot, lambda: len(cache.store.marked()) == 2)
        marked = {s.id for s in cache.store.marked()}
        started, gate = threading.Event(), threading.Event()
        write = cache.store.clear_briefing

        def slow_write(*args, **kwargs):
            started.set()
            gate.wait(10)
            return write(*args, **kwargs)

        cache.store.clear_briefing = slow_write
        await pilot.press("B")
        while not started.is_set():
            await pilot.pause(0.01)
        await pilot.press("B")
        await pilot.pause(0.05)
        gate.set()
        await settle(pilot, lambda: not cache.store.marked())
        await settle(pilot, lambda: not any(s.in_briefing for s in app.main.story_list.stories))
        await pilot.press("z")
        await settle(pilot, lambda: {s.id for s in cache.store.marked()} == marked)


async def test_z_typed_right_behind_the_merge_confirmation_undoes_nothing_unseen(cache):
    """The y that confirms a merge and a reflex z in one burst (over ssh), or a z while the
    merge waits for a busy cache: the merge's note was put on the undo stack only once the
    merge was written, so that z undid the step before the merge (a star), unseen."""
    import threading

    from briefing.tui.reader import MERGE_NOTE

    georgia = cache.threads["georgia"]
    app = make_app(cache)
    said = record_notes(app)
    async with app.run_test(size=(80, 24)) as pilot:
        story = await star_then_ask_to_merge(pilot, app, georgia)
        gate = threading.Event()
        app.lane._pool.submit(gate.wait, 10)  # the store is busy: the merge waits behind it
        await pilot.press("y", "z")
        await pilot.pause(0.05)
        gate.set()
        await settle(pilot, lambda: app.main.thread_list.index_of(georgia) is None)
        assert MERGE_NOTE in said
        assert cache.store.story(story.id).starred  # not undone


async def test_a_failed_merge_leaves_no_note_on_the_undo_stack(cache):
    """The note goes on the stack as the merge is queued; a merge that fails (a locked
    cache) takes it off again, so z goes on undoing the step before."""
    import sqlite3

    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        story = await star_then_ask_to_merge(pilot, app, georgia)

        def locked(source: int, target: int) -> None:
            raise sqlite3.OperationalError("database is locked")

        cache.store.merge_threads = locked
        await pilot.press("y")
        await settle(pilot)
        assert all(step.note is None for step in app.undo_stack)
        await pilot.press("z")
        await settle(pilot, lambda: not cache.store.story(story.id).starred)


async def test_the_export_message_names_a_remapped_clear_key_as_the_help_does(tmp_path):
    """[keys] clear_briefing = "ctrl+x": E's message named it as written ("ctrl+x clears the
    marks") while ? shows it as ^x; the quit hint already gives a key as the help does."""
    from test_tui_keys import open_first_story
    from test_tui_support import build_cache

    cache = build_cache(tmp_path, keys={"clear_briefing": "ctrl+x"})
    app = make_app(cache)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await open_first_story(pilot, app)
        await pilot.press("b", "E")
        toast = await briefing_written(pilot, app)
        assert toast.endswith("The stories stay marked; ^x clears the marks."), toast
        await pilot.press("ctrl+x")
        await settle(pilot, lambda: not cache.store.marked())


async def test_e_pressed_again_while_the_briefing_is_written_writes_one_file(cache, monkeypatch):
    """E while the cache is slow (a cron fetch holding it): a second E, pressed because
    nothing seemed to happen, cancelled the first one's worker after its file was queued.
    Two files were written, and only the second was announced."""
    import threading
    from pathlib import Path

    from test_tui_keys import open_first_story

    from briefing.export import briefing as export

    app = make_app(cache)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await open_first_story(pilot, app)
        await pilot.press("b")
        await settle(pilot, lambda: len(cache.store.marked()) == 1)
        started, gate = threading.Event(), threading.Event()
        write = export.write_briefing

        def slow_write(*args, **kwargs):
            started.set()
            gate.wait(10)
            return write(*args, **kwargs)

        monkeypatch.setattr(export, "write_briefing", slow_write)
        await pilot.press("E")
        while not started.is_set():
            await pilot.pause(0.01)
        await pilot.press("E")
        await pilot.pause(0.05)
        gate.set()
        await briefing_written(pilot, app)
        messages = [n.message for n in app._notifications]
    assert any("is being written" in m for m in messages), messages
    assert sum("Briefing written" in m for m in messages) == 1
    assert len(list(Path(cache.config.settings.export_dir).glob("briefing-*.md"))) == 1
