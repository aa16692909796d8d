"""The app's background refresh through the real pipeline, against a loopback feed server."""

from __future__ import annotations

from fetchenv import rss
from test_tui_support import make_app, settle


async def test_background_refresh_with_the_real_pipeline(fetch_env, http_server):
    http_server.add(
        "/feed.xml",
        rss(
            [
                ("n1", "Baku and Moscow trade protests over Sputnik raid"),
                ("n2", "Tbilisi court jails opposition leader"),
            ]
        ),  # fmt: skip
        content_type="application/rss+xml",
    )
    config = fetch_env.configure(("Loopback News", "/feed.xml"), full_text=False)
    cache = type("C", (), {"store": fetch_env.store, "config": config})()
    app = make_app(cache, data_dir=fetch_env.data_dir)
    app.offline = False
    progress: list[str] = []
    async with app.run_test(size=(120, 30), message_hook=lambda m: progress.append(
            getattr(m, "text", "")) if type(m).__name__ == "RefreshProgress" else None
    ) as pilot:  # fmt: skip
        await settle(pilot, lambda: not app.refreshing and bool(app.main.thread_list.threads),
                     tries=400)  # fmt: skip
        status = app.main.status.render_state().plain
        assert "refreshed: 2 new stories" in status, status
        assert "online" in status and "last good fetch just now" in status
        assert any(text.startswith("refreshing: feeds") for text in progress)
        titles = {s.title for s in fetch_env.store.search("Tbilisi court")}
        assert "Tbilisi court jails opposition leader" in titles
        assert len(app.main.thread_list.threads) >= 2  # the seed thread and new ones
        assert app.is_running


async def test_a_long_refresh_shows_the_stories_it_placed_before_its_end(
    fetch_env, http_server, monkeypatch
):
    """A first fetch over a slow link: the stories whose pages are in show in their threads
    while the slowest page is still read. Before, the reader saw only the seed thread until
    the run's end (up to the 5-minute page budget)."""
    import threading

    from briefing import refresh as pipeline

    monkeypatch.setattr(pipeline, "PLACE_FIRST_AFTER", 0.3)
    release = threading.Event()

    def slow(h):
        release.wait(10)
        h.respond(200, b"<html><body><p>Late.</p></body></html>", content_type="text/html")

    base = http_server.url("")
    http_server.route("/articles/n2", slow)
    http_server.add("/articles/n1", "<html><body><p>Wine.</p></body></html>",
                    content_type="text/html")  # fmt: skip
    http_server.add("/feed.xml", rss([("n1", "Areni wine festival opens in Vayots Dzor"),
                                      ("n2", "Tbilisi court jails opposition leader")],
                                     base=base))  # fmt: skip
    config = fetch_env.configure(("Loopback News", "/feed.xml"), full_text=True)
    cache = type("C", (), {"store": fetch_env.store, "config": config})()
    app = make_app(cache, data_dir=fetch_env.data_dir)
    app.offline = False
    try:
        async with app.run_test(size=(120, 30)) as pilot:

            def shown() -> set[str]:
                return {t.title for t in app.main.thread_list.threads}

            for _ in range(200):  # (not settle: it waits for the refresh worker to end)
                await pilot.pause(0.05)
                if any("Areni" in t for t in shown()):
                    break
            assert any("Areni" in t for t in shown())
            assert app.refreshing  # the slow page holds the run
            assert not any("Tbilisi" in t for t in shown())
            release.set()
            await settle(pilot, lambda: not app.refreshing, tries=400)
            await settle(pilot, lambda: any("Tbilisi" in t for t in shown()), tries=100)
    finally:
        release.set()
