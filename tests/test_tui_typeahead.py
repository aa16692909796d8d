"""Keys typed in the same burst as the key that opens a dialog (`/`, `m`, `M`, `R`, `F`) go to
the dialog, never to the main screen behind it (over ssh a burst arrives all at once); keys
typed right behind the key that closes it (Enter, `y`, Esc) go to the screen under it."""

from __future__ import annotations

from test_tui_support import loaded, make_app, settle
from textual import events
from textual.widgets import DataTable, Input

from briefing.tui.screens.dialogs import TextPrompt, ThreadPicker
from briefing.tui.screens.feeds import FeedsScreen
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.results import StoryResultsScreen

CHARS = {"slash": "/", "enter": "\r", "escape": "\x1b", "space": " "}


def burst(app, *keys: str) -> None:
    """Queue every key before the first one is handled (no pause between them)."""
    for key in keys:
        app.post_message(events.Key(key, CHARS.get(key, key if len(key) == 1 else None)))


def triage(cache) -> list[tuple]:
    stories = [cache.store.story(i) for i in sorted(cache.ids.values())]
    return [(s.id, s.thread_id, s.read, s.starred, s.in_briefing, s.hidden) for s in stories]


async def start(pilot, app):
    await settle(pilot, loaded(app))
    return app.main.story_list.current


async def into_stories(pilot, app) -> None:
    """Enter the highlighted thread: the story keys (m, s, x) act from its story list."""
    await pilot.press("enter")
    await settle(pilot, lambda: app.main.story_list.has_focus)


async def test_search_gets_the_keys_typed_after_the_slash(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        story = await start(pilot, app)
        before = triage(cache)
        burst(app, "slash", "s", "b", "r")  # s/b/r would star, brief, read on the main screen
        await settle(pilot, lambda: isinstance(app.screen, StoryResultsScreen))
        await settle(pilot)
        assert app.screen.query_one("#query", Input).value == "sbr"
        assert triage(cache) == before
        assert app.main.story_list.current == story


async def test_move_picker_gets_the_filter_typed_after_m(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        story = await start(pilot, app)
        await into_stories(pilot, app)
        before = triage(cache)
        burst(app, "m", "s", "x", "j")  # s stars, x hides, j moves on the main screen
        await settle(pilot, lambda: isinstance(app.screen, ThreadPicker))
        await settle(pilot)
        assert app.screen.query_one("#picker-input", Input).value == "sxj"
        assert triage(cache) == before
        assert app.main.story_list.current == story
        burst(app, "escape")
        await settle(pilot, lambda: app.screen is app.main)
        assert triage(cache) == before


async def test_merge_picker_and_rename_prompt_get_the_keys_typed_after_them(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        thread = app.main.thread_list.current
        burst(app, "M", "u", "p")  # u mutes, p pins the thread on the main screen
        await settle(pilot, lambda: isinstance(app.screen, ThreadPicker))
        await settle(pilot)
        assert app.screen.query_one("#picker-input", Input).value == "up"
        burst(app, "escape")
        await settle(pilot, lambda: app.screen is app.main)
        burst(app, "R", "u")
        await settle(pilot, lambda: isinstance(app.screen, TextPrompt))
        await settle(pilot)
        # the title starts selected, so typing replaces it
        assert app.screen.query_one("#prompt-input", Input).value == "u"
        burst(app, "escape")
        await settle(pilot, lambda: app.screen is app.main)
        after = cache.store.thread(thread.id)
        assert (after.title, after.pinned, after.muted) == (
            thread.title,
            thread.pinned,
            thread.muted,
        )


async def test_feeds_screen_gets_the_keys_typed_after_f(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        threads = app.main.thread_list
        first = threads.highlighted
        burst(app, "F", "j")  # j moves the thread list on the main screen
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen))
        await settle(pilot)
        assert app.screen.query_one(DataTable).cursor_row == 1
        assert threads.highlighted == first


async def test_confirm_gets_the_answer_typed_after_a(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        thread = app.main.thread_list.current
        before = triage(cache)
        burst(app, "A", "n")  # n is "next unread" on the main screen
        await settle(pilot, lambda: app.screen is app.main and not app.workers)
        assert triage(cache) == before
        burst(app, "A", "y")  # y copies the link on the main screen
        await settle(pilot, lambda: not cache.store.thread(thread.id).unread)
        assert app.screen is app.main
        assert not any("copied" in n.message for n in app._notifications)


async def test_a_whole_move_typed_in_one_burst(cache):
    """m, a filter and Enter, all queued before m is handled: the story moves where asked."""
    georgia, armenia = cache.threads["georgia"], cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        main = app.main
        while main.thread_list.current.id != armenia:
            await pilot.press("j")
        await settle(pilot, lambda: main.story_list.key == armenia)
        await into_stories(pilot, app)
        story = main.story_list.current
        burst(app, "m", *"geo", "enter")
        await settle(pilot, lambda: cache.store.story(story.id).thread_id == georgia)
        assert app.screen is main


async def test_keys_typed_right_after_the_key_that_closes_a_dialog_reach_the_main_screen(cache):
    """m, a filter, Enter, then s, all in one burst: the move is made, and s stars the story
    now under the cursor. Before, s went to the closing picker's input and was lost."""
    georgia, armenia = cache.threads["georgia"], cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        main = app.main
        while main.thread_list.current.id != armenia:
            await pilot.press("j")
        await settle(pilot, lambda: main.story_list.key == armenia)
        await into_stories(pilot, app)
        moved = main.story_list.current
        burst(app, "m", *"geo", "enter", "s")
        await settle(pilot, lambda: cache.store.story(moved.id).thread_id == georgia)
        await settle(pilot, lambda: any(row[3] for row in triage(cache)))
        # s reached the main screen: one story starred (the moved one, or the one under the
        # cursor once the list has reloaded: the move's reload races the key), none typed
        # into the closed picker
        assert len([row for row in triage(cache) if row[3]]) == 1
        # a confirm answered and a key behind the answer: A, y, then b marks the story for
        # the briefing (before, b was lost with the closing confirm)
        current = main.story_list.current
        burst(app, "A", "y", "b")
        await settle(pilot, lambda: cache.store.story(current.id).in_briefing)
        assert app.screen is main and not cache.store.thread(armenia).unread


async def test_an_enter_that_does_not_close_the_picker_keeps_the_keys_after_it(cache):
    """Enter in the merge picker when the filter matches nothing closes nothing: the keys
    behind it are held a moment, then typed into the picker as before."""
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot, app)
        thread = app.main.thread_list.current
        before = triage(cache)
        burst(app, "M", *"zz", "enter", *"geo")
        await settle(pilot, lambda: isinstance(app.screen, ThreadPicker))
        picker_input = app.screen.query_one("#picker-input", Input)
        await settle(pilot, lambda: picker_input.value == "zzgeo")
        assert isinstance(app.screen, ThreadPicker)
        burst(app, "escape", "j")
        await settle(pilot, lambda: app.main.thread_list.current.id != thread.id)
        assert app.screen is app.main and triage(cache) == before  # nothing merged


async def test_z_typed_right_behind_a_triage_key_undoes_it(cache):
    """x z, or b s z, in one burst: z undoes the key just before it. Before, the undo step
    was stacked only once the write was done, so z found nothing (or an older step)."""
    g2, g3 = cache.ids["g2"], cache.ids["g3"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await start(pilot, app)
        main = app.main
        while main.thread_list.current.id != cache.threads["georgia"]:
            await pilot.press("j")
        await settle(pilot, lambda: main.story_list.key == cache.threads["georgia"])
        main.set_focus(main.story_list)
        main.story_list.select_id(g2)
        await settle(pilot)
        burst(app, "x", "z")
        await settle(pilot, lambda: not app.undo_stack and not app.workers)
        await settle(pilot)
        assert not cache.store.story(g2).hidden
        main.story_list.select_id(g3)
        await settle(pilot)
        burst(app, "b", "s", "z")
        await settle(pilot, lambda: len(app.undo_stack) == 1)
        await settle(pilot)
        story = cache.store.story(g3)
        assert (story.in_briefing, story.starred) == (True, False)
        assert [step.label for step in app.undo_stack] == ["Added to the briefing"]


LONG_TEXT = "\n\n".join(f"Paragraph {i}: " + "words " * 30 for i in range(60))


async def test_every_space_and_j_of_a_burst_scrolls_the_article(cache):
    """Space Space Space in one burst pages three times, j j j moves three lines. Before,
    Textual deferred each scroll and counted it from where the view was at the key press,
    so the burst paged (or scrolled) once."""
    cache.store.set_article_text(cache.ids["g1"], text=LONG_TEXT)
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        main = app.main
        await pilot.press("j")
        await settle(pilot, lambda: len(main.story_list.stories) == 4)
        # Enter and the pages in one burst: they page the story Enter opens, from its top
        burst(app, "enter", "enter", "space", "space", "space")
        await settle(pilot, lambda: main.article.story is not None)
        await settle(pilot)
        article = main.article
        page = article.scrollable_content_region.height
        assert article.scroll_y == 3 * page
        burst(app, "j", "j", "j")
        await settle(pilot)
        assert article.scroll_y == 3 * page + 3
        burst(app, "k", "k")
        await settle(pilot)
        assert article.scroll_y == 3 * page + 1


async def test_every_j_of_a_burst_scrolls_the_help(cache):
    """? j j j j j in one burst scrolls the help five lines (it scrolled one)."""
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        burst(app, "question_mark", *"jjjjj")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        await settle(pilot)
        help_view = app.screen.query_one("#help")
        assert help_view.scroll_y == 5
        burst(app, "k", "k", "space")
        await settle(pilot)
        assert help_view.scroll_y == 3 + help_view.scrollable_content_region.height - 1


async def test_keys_typed_into_a_thread_whose_stories_are_loading_wait_for_them(cache):
    """j Enter j j Enter from the thread list in one burst, at 80 columns: the third story
    of the thread j moved to is opened, and read. Before, j j and Enter acted on the story
    list of the thread highlighted before (its stories were still loading): the reader
    then showed the new thread's first story, unread, with the cursor on it."""
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(pilot, app)
        main = app.main
        assert main.thread_list.current.id != georgia
        burst(app, "j", "enter", "j", "j", "enter")
        await settle(pilot, lambda: main.article.story is not None and main.level == 2)
        await settle(pilot)
        assert main.thread_list.current.id == georgia
        assert main.story_list.key == georgia and main.story_list.highlighted == 2
        third = main.story_list.stories[2]
        assert main.article.story.id == third.id
        assert cache.store.story(third.id).read
