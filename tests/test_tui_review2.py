"""Second hands-on review, driven through Pilot: refining a search, the stories pane header
after a rename, the selection after undo, the article after a resize, the split prompt."""

from __future__ import annotations

from test_tui_support import loaded, make_app, open_thread, settle
from textual.content import Content

from briefing.tui.screens.results import StoryResultsScreen


def title(widget) -> str:
    """A border title as shown (Textual hands it back as markup)."""
    return Content.from_markup(widget.border_title).plain


def results_of(app):
    return app.screen.query_one("#results")


async def test_typing_on_the_search_results_refines_the_query(cache):
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, loaded(app))
        starred_before = [s.starred for s in cache.store.stories(georgia)]
        await pilot.press("slash", *"protest", "enter")
        await settle(pilot, lambda: results_of(app).has_focus)
        screen = app.screen
        assert isinstance(screen, StoryResultsScreen)
        # refine: a space and words with q, s and S in them, then Enter (j and k move in
        # the results, as in every list: see the next test)
        await pilot.press("space", *"qsS", "backspace", "backspace", "backspace",
                          *"tbilisi", "enter")  # fmt: skip
        await settle(pilot, lambda: "for “protest tbilisi”" in str(
            screen.query_one("#results-info").render()))  # fmt: skip
        assert app.screen is screen  # still searching: nothing was opened
        assert screen.query_one("#query").value == "protest tbilisi"
        # the main screen saw none of those keys (s would star, S split)
        assert [s.starred for s in cache.store.stories(georgia)] == starred_before
        assert len(cache.store.threads()) == 3


async def test_j_k_move_in_the_search_results_as_in_every_list(cache):
    """In the box letters type; once on the results (Enter, Down, Tab) j and k move there, as
    in the thread and story lists (they were typed into the box)."""
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("slash", *"body", "enter")  # every story has "Body text."
        await settle(pilot, lambda: results_of(app).has_focus and len(results_of(app).stories) > 3)
        screen, results = app.screen, results_of(app)
        query = screen.query_one("#query")
        assert results.highlighted == 0
        await pilot.press("j", "j", "j", "k")
        await settle(pilot)
        assert results.highlighted == 2 and query.value == "body"
        await pilot.press("tab", "j")  # back in the box: j types
        await settle(pilot)
        assert query.has_focus and query.value == "bodyj"
        await pilot.press("backspace", "down")  # Down goes to the results
        await settle(pilot, lambda: results.has_focus)
        await pilot.press("j")
        await settle(pilot)
        assert results.highlighted == 3 and query.value == "body"
        chosen = results.current
        await pilot.press("enter")  # opens the story under the cursor, in its thread
        await settle(pilot, lambda: getattr(app.main.article.story, "id", 0) == chosen.id)
        assert app.screen is app.main


async def test_renaming_a_thread_renames_the_stories_pane_at_once(cache):
    armenia = cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, app, armenia)
        stories = app.main.story_list
        assert title(stories) == "Armenia–Azerbaijan border talks"
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("ctrl+u", *"Border [b]commission", "enter")
        await settle(pilot, lambda: app.main.thread_list.current.title == "Border [b]commission")
        assert title(stories) == "Border [b]commission"  # text, not markup
        await pilot.press("z")
        await settle(pilot, lambda: app.main.thread_list.current.title != "Border [b]commission")
        assert title(stories) == "Armenia–Azerbaijan border talks"


async def test_undoing_a_split_shows_the_thread_that_got_the_stories_back(cache):
    georgia = cache.threads["georgia"]
    cache.store.set_thread_flag(georgia, "pinned", True)  # listed above the split-off thread
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        await pilot.press("j", "S")  # the second story: it and the newest go
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, lambda: main.thread_list.current.id not in (georgia, 1)
                     and main.story_list.key == main.thread_list.current.id)  # fmt: skip
        new_thread = main.thread_list.current.id
        await pilot.press("z")
        await settle(pilot, lambda: main.thread_list.index_of(new_thread) is None
                     and main.story_list.key == main.thread_list.current.id)  # fmt: skip
        assert main.thread_list.current.id == georgia
        assert len(main.story_list.stories) == 4
        assert main.story_list.border_title and "Georgia" in title(main.story_list)


def add_lone_thread(cache) -> tuple[int, int]:
    """One more thread with one story, older than the others (listed last)."""
    from test_tui_support import add_articles, item

    (article,) = add_articles(cache.store, cache.config.feeds[2],
                              [item("lone", "Lone story in Shusha", 40)])  # fmt: skip
    thread = cache.store.create_thread("Shusha")
    cache.store.assign(article, thread)
    return thread, article


async def test_undoing_a_move_that_emptied_a_thread_shows_that_thread(cache):
    lone, article = add_lone_thread(cache)
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, app, lone)
        main = app.main
        await pilot.press("m")
        await settle(pilot)
        await pilot.press(*"armenia", "enter")
        await settle(pilot, lambda: cache.store.story(article).thread_id != lone
                     and main.story_list.key == main.thread_list.current.id)  # fmt: skip
        await pilot.press("z")
        await settle(pilot, lambda: cache.store.story(article).thread_id == lone
                     and main.story_list.key == main.thread_list.current.id
                     and main.thread_list.index_of(lone) is not None)  # fmt: skip
        assert main.thread_list.current.id == lone
        assert [s.id for s in main.story_list.stories] == [article]


async def test_after_a_resize_the_article_pane_shows_a_story_of_the_thread_shown(cache):
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        main = app.main
        first = main.thread_list.threads[1].id
        await open_thread(pilot, app, first)
        await pilot.press("enter")  # read its first story
        await settle(pilot, lambda: main.article.story is not None)
        assert main.article.story.thread_id == first
        await pilot.press("escape", "escape", "j")
        other = main.thread_list.current.id
        assert other != first
        await settle(pilot, lambda: main.story_list.key == other)
        await pilot.resize_terminal(120, 40)
        await settle(pilot, lambda: main.article.display)
        await settle(pilot)
        assert main.story_list.display and main.story_list.key == other
        assert main.article.story is not None
        assert main.article.story.id == main.story_list.current.id
        assert main.article.story.thread_id == other


async def test_the_split_prompt_counts_what_moves_in_the_seed_thread(cache):
    from briefing.tui.screens.dialogs import ConfirmScreen

    for key in ("a1", "a2", "a3"):  # three dated stories beside the undated seed article
        cache.store.assign(cache.ids[key], 1)
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_thread(pilot, app, 1)
        main = app.main
        stories = main.story_list
        seed = next(s for s in stories.stories if s.decided_by == "seed")
        stories.select_id(seed.id)
        await pilot.press("S")  # the seed article never moves: no prompt that says it would
        await settle(pilot)
        assert app.screen is main
        assert any("seed article stays" in n.message for n in app._notifications)
        stories.select_id(cache.ids["a2"])
        await pilot.press("S")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        text = "".join(s.visual.plain for s in app.screen.query("Static")
                       if hasattr(s.visual, "plain"))  # fmt: skip
        assert "and the 1 newer story above it go to a new thread" in text
        assert "(the seed article stays)" in text
        await pilot.press("y")
        await settle(pilot, lambda: cache.store.story(cache.ids["a2"]).thread_id != 1)
        moved = {s.id for s in cache.store.stories(cache.store.story(cache.ids["a2"]).thread_id)}
        assert moved == {cache.ids["a1"], cache.ids["a2"]}


async def test_a_hidden_story_found_by_search_is_marked_and_x_brings_it_back(cache):
    """After a restart the undo list is empty: a story hidden yesterday is found by `/`, shown
    as hidden in the results and the reader, and x there unhides it (before, x hid it again
    and only `briefing mark ID --unhide` brought it back)."""
    g2, georgia = cache.ids["g2"], cache.threads["georgia"]
    cache.store.set_triage(g2, hidden=True)
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("slash", *"foreign agents", "enter")
        await settle(pilot, lambda: results_of(app).has_focus and results_of(app).stories)
        row = results_of(app).stories[0]
        assert row.id == g2 and row.hidden
        shown = results_of(app).get_option_at_index(0).prompt
        assert "(hidden) Georgian Dream passes foreign agents bill" in shown.plain
        await pilot.press("enter")
        main = app.main
        await settle(
            pilot, lambda: app.screen is main and getattr(main.article.story, "id", 0) == g2
        )
        assert "hidden (x: unhide)" in main.article.text
        assert main.story_list.index_of(g2) is None  # a hidden story is not listed
        await pilot.press("x")
        await settle(pilot, lambda: not cache.store.story(g2).hidden)
        await settle(pilot, lambda: main.story_list.index_of(g2) is not None)
        assert main.story_list.key == georgia
        assert "hidden (x: unhide)" not in main.article.text
        await pilot.press("z")  # and the unhide can be undone like any triage key
        await settle(pilot, lambda: cache.store.story(g2).hidden)


async def test_a_blank_rename_says_the_thread_needs_a_title(cache):
    armenia = cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_thread(pilot, app, armenia)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("ctrl+u", "space", "enter")  # nothing left but a space
        await settle(pilot, lambda: app.screen is app.main)
        await settle(pilot)
        assert cache.store.thread(armenia).title == "Armenia–Azerbaijan border talks"
        assert any(n.message == "Not renamed: a thread needs a title." for n in app._notifications)


async def test_split_at_a_threads_oldest_story_says_so_before_asking(cache):
    """S on the oldest story of a thread (no seed article in it) would move every story: it
    is said at once, no prompt. Before, the prompt asked 'Split the thread here?' and only
    after y said 'Nothing to split'."""
    from briefing.tui.screens.dialogs import ConfirmScreen

    armenia = cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await open_thread(pilot, app, armenia)
        main = app.main
        main.story_list.select_id(cache.ids["a3"])  # the oldest of the three
        await pilot.press("S")
        await settle(pilot)
        assert app.screen is main and not isinstance(app.screen, ConfirmScreen)
        assert any("Nothing to split" in n.message for n in app._notifications)
        assert {s.thread_id for s in cache.store.stories(armenia)} == {armenia}
        main.story_list.select_id(cache.ids["a2"])  # a3 stays: the prompt as before
        await pilot.press("S")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")


async def test_n_on_the_thread_list_at_80_columns_shows_the_unread_story(cache):
    """n on the thread list of the one-pane layout opens the thread's story list on its
    next unread story. Before, it moved the hidden story list's cursor and the screen did
    not change: n n n looked like nothing, and Enter then landed on the third unread."""
    georgia = cache.threads["georgia"]
    for story in cache.store.stories(georgia)[:1]:
        cache.store.set_triage(story.id, read=True)
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        while main.thread_list.current.id != georgia:
            await pilot.press("j")
        await settle(pilot, lambda: main.story_list.key == georgia and main.story_list.stories)
        assert main.level == 0 and not main.story_list.display
        await pilot.press("n")
        await settle(pilot)
        assert main.level == 1 and main.story_list.display and app.focused is main.story_list
        first_unread = next(s for s in main.story_list.stories if not s.read)
        assert main.story_list.current.id == first_unread.id
        # a thread whose highlighted (first) story is unread: n shows that one, unseen so far
        await pilot.press("escape", "j")
        await settle(pilot, lambda: main.story_list.key == cache.threads["armenia"])
        assert main.story_list.highlighted == 0 and not main.story_list.current.read
        await pilot.press("n")
        await settle(pilot)
        assert main.level == 1 and main.story_list.highlighted == 0


async def test_after_a_split_the_cursor_stays_on_the_story_split_at(cache):
    """S on the second story: the new thread opens with that story under the cursor (it
    jumped to the newest story at the top of the new thread)."""
    georgia, g2 = cache.threads["georgia"], cache.ids["g2"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        await pilot.press("j")
        await settle(pilot, lambda: main.story_list.current.id == g2)
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, lambda: main.thread_list.current.id not in (georgia, 1)
                     and main.story_list.key == main.thread_list.current.id)  # fmt: skip
        await settle(pilot)
        assert [s.id for s in main.story_list.stories] == [cache.ids["g1"], g2]
        assert main.story_list.current.id == g2


async def test_undo_puts_the_cursor_on_the_story_it_brought_back(cache):
    """z after x, m or S: the story is back in its thread's list and under the cursor.
    Before, the cursor stayed on the story below the hidden one, or went to the top."""
    georgia, g2, g4 = cache.threads["georgia"], cache.ids["g2"], cache.ids["g4"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        stories = main.story_list
        await pilot.press("j")
        await settle(pilot, lambda: stories.current.id == g2)
        await pilot.press("x")  # hidden: the cursor moves on to the next story
        await settle(pilot)
        assert stories.current.id != g2
        await pilot.press("z")
        await settle(pilot, lambda: stories.index_of(g2) is not None)
        await settle(pilot)
        assert stories.current.id == g2
        stories.select_id(g4)
        await pilot.press("S", "y")  # g4 and the two newer stories go to a new thread
        await settle(pilot, lambda: main.thread_list.current.id not in (georgia, 1)
                     and stories.key == main.thread_list.current.id)  # fmt: skip
        await pilot.press("z")
        await settle(pilot, lambda: stories.key == georgia and len(stories.stories) == 4)
        await settle(pilot)
        assert stories.current.id == g4


async def test_tab_into_the_reader_opens_the_story_as_enter_does(cache):
    """At 80 columns Tab from the story list shows the highlighted story in full: it counts
    as read, as after Enter. Before, it stayed unread (●) after being read that way."""
    georgia, g2 = cache.threads["georgia"], cache.ids["g2"]
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        await pilot.press("j")
        await settle(pilot, lambda: main.story_list.current.id == g2)
        assert not cache.store.story(g2).read
        await pilot.press("tab")
        await settle(pilot, lambda: getattr(main.article.story, "id", None) == g2)
        assert app.focused is main.article and main.article.display
        assert cache.store.story(g2).read
        assert main.story_list.current.read and main.thread_list.current.unread == 3


async def test_undoing_a_rename_gives_the_title_back_to_the_engine(cache):
    """R then z on a thread the engine titled: the title is the engine's again (it may
    relabel it, and the thread may go dormant). Before, the undo wrote the old title back
    as the user's, so the engine never relabelled it and it never left the list."""
    armenia = cache.threads["armenia"]
    assert not cache.store.thread(armenia).user_titled
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_thread(pilot, app, armenia)
        await pilot.press("escape", "R")
        await settle(pilot)
        await pilot.press("ctrl+u", *"Border commission", "enter")
        await settle(pilot, lambda: cache.store.thread(armenia).title == "Border commission")
        assert cache.store.thread(armenia).user_titled
        await pilot.press("z")
        await settle(pilot, lambda: cache.store.thread(armenia).title != "Border commission")
        thread = cache.store.thread(armenia)
        assert (thread.title, thread.user_titled) == ("Armenia–Azerbaijan border talks", False)
        cache.store.label_threads({armenia: "Armenia–Azerbaijan delimitation"})
        assert cache.store.thread(armenia).title == "Armenia–Azerbaijan delimitation"
