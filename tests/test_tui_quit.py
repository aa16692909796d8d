"""Quitting the reader while its refresh waits on a slow feed: the app ends at once, and
the refresh's worker processes with it."""

from __future__ import annotations

import threading
import time

import pytest
from fetchenv import rss
from httpserver import RequestHandler
from test_tui_support import make_app

from briefing import refresh as pipeline
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
    pools: list = []

    async def quit_mid_refresh(pilot) -> None:  # noqa: ANN001
        for _ in range(400):  # the fast feed parsed in the pool, the slow one still asked
            pools[:] = [p for p in pipeline.live_pools() if p is not fetch_env.pool]  # the app's
            workers[:] = [p for pool in pools for p in (pool._processes or {}).values()]
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
        refresh_hook.abandon(pools)
        for process in workers:
            process.join(5)
            assert not process.is_alive()
    finally:
        release.set()
        for thread in threading.enumerate():  # the refresh finishes, its store closes
            if thread.name.startswith("briefing-refresh"):
                thread.join(30)


# What `tui.app.run` does on q mid-refresh, in a process of its own: a refresh's pool with
# its workers busy (and a second one's, as after a worker crashed: the run replaces its
# pool), then abandon() and os._exit. Prints the pools' semaphore names.
_QUIT_MID_REFRESH = """
import gc, os, sys, time
from multiprocessing.synchronize import SemLock
from briefing import refresh as pipeline
from briefing.tui import refresh_hook
pools = [pipeline.make_pool(2) for _ in range(int(sys.argv[1]))]
futures = [pool.submit(time.sleep, 30) for pool in pools for _ in range(2)]
while any(len(pool._processes) < 2 for pool in pools):
    time.sleep(0.05)
time.sleep(0.5)
names = [o._semlock.name for o in gc.get_objects() if isinstance(o, SemLock)]
print(" ".join(n for n in names if n))
refresh_hook.abandon()
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
"""


@pytest.mark.parametrize("pools", [1, 2])
def test_quit_mid_refresh_leaves_no_warning_on_the_terminal(pools: int) -> None:
    """After q mid-refresh the terminal showed, under the shell prompt, Python's
    'resource_tracker: There appear to be 5 leaked semaphore objects to clean up at
    shutdown': os._exit skips the pool's clean-up, so multiprocessing's tracker process
    found the pool's semaphores still there and said so. abandon() removes them now; none
    is left behind in /dev/shm either. With 2 pools (a run replaces its pool when a worker
    crashed) the second one's were left before: abandon() knew the run's first pool only."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run(
        [sys.executable, "-c", _QUIT_MID_REFRESH, str(pools)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    # (run returns once every holder of the stderr pipe is gone, the tracker included)
    assert done.returncode == 0, done.stderr
    names = done.stdout.split()
    assert names  # the pool's call queue has locks: the check below looks at something
    assert "leaked" not in done.stderr and "Warning" not in done.stderr, done.stderr
    shm = Path("/dev/shm")
    if shm.is_dir():
        left = [n for n in names if (shm / f"sem.{n.lstrip('/')}").exists()]
        assert not left
