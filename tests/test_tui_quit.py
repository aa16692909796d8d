"""Quitting the reader while its refresh waits on a slow feed: the app ends at once, and
the refresh's worker processes with it."""

from __future__ import annotations

import threading
import time

from fetchenv import rss
from httpserver import RequestHandler
from test_tui_support import make_app

from briefing.tui import refresh_hook


def test_quit_mid_refresh_returns_without_waiting_for_the_feeds(fetch_env, http_server):
    """`App.run` (asyncio.run, as `briefing` runs it) returns right after q while the refresh
    still waits on a feed, and `refresh_hook.abandon` (what `tui.app.run` calls before it
    ends the process) kills the refresh's worker processes. The refresh ran on the event
    loop's default executor, whose threads asyncio.run joins on its way out: the terminal
    hung, blank, until the slowest feed answered or timed out."""
    release = threading.Event()
    asked = threading.Event()

    def stall(h: RequestHandler) -> None:
        asked.set()
        release.wait(30)  # (set at the end of the test)
        h.respond(200, b"", content_type="application/rss+xml")

    http_server.add("/fast.xml", rss([("f1", "Tbilisi court jails opposition leader")]))
    http_server.route("/slow.xml", stall)
    config = fetch_env.configure(
        ("Fast News", "/fast.xml"), ("Slow News", "/slow.xml"), full_text=False
    )
    cache = type("C", (), {"store": fetch_env.store, "config": config})()
    app = make_app(cache, data_dir=fetch_env.data_dir)
    app.offline = False  # the automatic refresh at start asks for both feeds
    pressed: list[float] = []
    workers: list = []

    async def quit_mid_refresh(pilot) -> None:  # noqa: ANN001
        for _ in range(400):  # the fast feed parsed in the pool, the slow one still asked
            pools = list(refresh_hook._running)
            workers[:] = [p for pool in pools for p in pool._processes.values()]
            if asked.is_set() and workers and app.main.status.progress.endswith("1/2"):
                break
            await pilot.pause(0.02)
        assert asked.is_set() and workers and app.refreshing
        pressed.append(time.monotonic())
        await pilot.press("q")

    try:
        app.run(headless=True, size=(80, 24), auto_pilot=quit_mid_refresh)
        waited = time.monotonic() - pressed[0]
        assert app.refreshing  # still running: tui.app.run ends the process here
        assert waited < 10, f"quitting waited {waited:.1f} s for the refresh"
        refresh_hook.abandon()
        for process in workers:
            process.join(5)
            assert not process.is_alive()
    finally:
        release.set()
        for thread in threading.enumerate():  # the refresh finishes, its store closes
            if thread.name.startswith("briefing-refresh"):
                thread.join(30)
