"""Third hands-on review (tmux at 120x40, 80x24 and 60x24 over a cache fetched from a local
feed server), driven through Pilot: next unread from the thread list beside the stories."""

from __future__ import annotations

from fetchenv import rss
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


async def test_the_first_refresh_does_not_say_no_fetch_yet_while_it_runs(fetch_env, http_server):
    """A new cache, the app's first refresh under way, one feed answered and one still
    waited for: the status line said "refreshing: feeds 1/2 · no successful fetch yet",
    as if the refresh had already failed. While a refresh runs its progress says how it
    goes; "no successful fetch yet" shows when it ends with none."""
    import threading

    release = threading.Event()

    def stall(h) -> None:  # noqa: ANN001
        release.wait(30)
        h.respond(404, b"gone")

    http_server.add("/fast.xml", rss([("f1", "Tbilisi court jails opposition leader")]))
    http_server.route("/slow.xml", stall)
    config = fetch_env.configure(("Fast", "/fast.xml"), ("Slow", "/slow.xml"), full_text=False)
    cache = type("C", (), {"store": fetch_env.store, "config": config})()
    app = make_app(cache, data_dir=fetch_env.data_dir)
    app.offline = False
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            status = app.main.status
            for _ in range(400):
                if status.progress.startswith("refreshing: feeds 1/2"):
                    break
                await pilot.pause(0.02)
            assert app.refreshing and status.progress.startswith("refreshing: feeds 1/2")
            text = status.render_state().plain
            assert "no successful fetch yet" not in text and "no fetch yet" not in text, text
            assert "refreshing: feeds 1/2" in text
            release.set()
            await settle(pilot, lambda: not app.refreshing, tries=400)
            # the slow feed failed, the fast one worked: a good fetch now
            assert "last good fetch just now" in status.render_state().plain
    finally:
        release.set()


async def test_the_feeds_screen_shows_what_a_refresh_run_from_it_found(fetch_env, http_server):
    """F, then G (the status line's advice for feeds backing off) on the feeds screen: the
    refresh ran, but the table kept the states it was opened with (2 errors, the old next
    check) until F was closed and opened again, so G looked like it did nothing. The table
    is read again when a refresh ends, the cursor on the same feed."""
    from briefing.tui.screens.feeds import FeedsScreen

    http_server.add("/ok.xml", rss([("f1", "Tbilisi court jails opposition leader")]))
    http_server.add("/broken.xml", b"down", status=500, content_type="text/plain")
    config = fetch_env.configure(("Fine", "/ok.xml"), ("Broken", "/broken.xml"), full_text=False)
    cache = type("C", (), {"store": fetch_env.store, "config": config})()
    app = make_app(cache, data_dir=fetch_env.data_dir)
    app.offline = False  # the refresh at start: the broken feed's first error

    def errors_shown() -> list[str]:
        table = app.screen.query_one("#feeds-table")
        return [str(table.get_row_at(i)[4]) for i in range(table.row_count)]

    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: not app.refreshing and bool(app.main.thread_list.threads),
                     tries=400)  # fmt: skip
        await pilot.press("F")
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen) and app.screen.feeds)
        screen = app.screen
        assert errors_shown() == ["0", "1"]
        await pilot.press("j")  # on the broken feed
        await pilot.press("G")

        def stored() -> list[int]:
            return [f.error_count for f in fetch_env.store.feeds()]

        await settle(pilot, lambda: not app.refreshing and stored() == [0, 2], tries=400)
        await settle(pilot)
        assert errors_shown() == ["0", "2"]
        assert app.screen is screen
        assert screen.query_one("#feeds-table").cursor_row == 1
