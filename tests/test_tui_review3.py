"""Third hands-on review (tmux at 120x40, 80x24 and 60x24 over a cache fetched from a local
feed server), driven through Pilot: next unread from the thread list beside the stories."""

from __future__ import annotations

from test_tui_support import loaded, make_app, settle


async def test_n_on_the_thread_list_beside_the_stories_shows_the_first_unread(cache):
    """In the wide layout the story list stands beside the thread list with its first story
    highlighted (shown in the reader, but not read: nothing counts it read while the thread
    list has the focus). n there opens that story. Before, n took it as seen and went to
    the second unread story, so the newest story of the thread was skipped."""
    armenia = cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        while main.thread_list.current.id != armenia:
            await pilot.press("j")
        await settle(pilot, lambda: main.story_list.key == armenia and main.story_list.stories)
        assert main.level == 0 and main.story_list.display
        assert main.story_list.highlighted == 0 and not main.story_list.current.read
        first = main.story_list.current.id
        await pilot.press("n")
        await settle(pilot)
        assert main.level == 1 and app.focused is main.story_list
        assert main.story_list.current.id == first
