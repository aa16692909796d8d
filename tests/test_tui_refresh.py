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
