"""`briefing fetch` as a user runs it: a subprocess, its own data dir, a real server."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fetchenv import rss
from httpserver import RequestHandler, TestServer

from briefing.refresh import refresh_lock
from briefing.store import Store


def briefing(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", "--feeds", str(tmp_path / "feeds.toml"),
         "--data-dir", str(tmp_path / "data"), *args],
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def write_feeds(tmp_path: Path, server: TestServer, names: list[str]) -> None:
    lines = [f'[[feeds]]\nname = "{n}"\nurl = "{server.url("/" + n)}"\n' for n in names]
    (tmp_path / "feeds.toml").write_text("\n".join(lines), encoding="utf-8")


def test_fetch_json_summary(tmp_path: Path, http_server: TestServer) -> None:
    http_server.add("/one", rss([("a", "Baku one"), ("b", "Baku two")]))
    http_server.route("/two", lambda h: h.respond(500, b"oops"))
    write_feeds(tmp_path, http_server, ["one", "two"])

    proc = briefing(tmp_path, "fetch", "--json", "--no-articles")

    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    feeds = {f["name"]: f for f in out["feeds"]}
    assert feeds["one"] == {
        **feeds["one"], "status": "ok", "new": 2, "updated": 0, "error": None,
        "url": http_server.url("/one"),
    }  # fmt: skip
    assert feeds["two"]["status"] == "error"
    assert feeds["two"]["error"] == "HTTP 500 Internal Server Error"
    assert out["totals"]["new"] == 2 and out["totals"]["error"] == 1 and out["totals"]["feeds"] == 2
    assert "\x1b" not in proc.stderr  # no progress bar when stderr is not a terminal

    proc = briefing(tmp_path, "fetch", "--feed", "one")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("fetched 1 feed in ") and "1 not modified" in proc.stdout


def test_fetch_usage_errors_exit_2(tmp_path: Path, http_server: TestServer) -> None:
    write_feeds(tmp_path, http_server, ["one"])
    proc = briefing(tmp_path, "fetch", "--feed", "nope")
    assert proc.returncode == 2 and "no feed named 'nope'" in proc.stderr
    proc = briefing(tmp_path, "fetch", "--concurrency", "0")
    assert proc.returncode == 2 and "must be at least 1" in proc.stderr
    (tmp_path / "feeds.toml").write_text("[[feeds]]\nurl = 'ftp://x'\n")
    proc = briefing(tmp_path, "fetch")
    assert proc.returncode == 2 and "config error" in proc.stderr
    assert not (tmp_path / "data" / "briefing.sqlite3").exists()


def test_second_fetch_while_one_runs_says_so_and_exits_1(
    tmp_path: Path, http_server: TestServer
) -> None:
    http_server.add("/one", rss([("a", "Baku")]))
    write_feeds(tmp_path, http_server, ["one"])
    with refresh_lock(tmp_path / "data"):
        proc = briefing(tmp_path, "fetch")
    assert proc.returncode == 1
    assert "another fetch is already running" in proc.stderr and f"pid {os.getpid()}" in proc.stderr
    assert not http_server.hits("/one")
    assert briefing(tmp_path, "fetch").returncode == 0  # the lock went with its holder


ITEMS = 100


def slow_feed(index: int):  # -> handler
    body = rss([(f"f{index}-{i}", f"Feed {index} item {i} from Baku") for i in range(ITEMS)])

    def handler(h: RequestHandler) -> None:
        time.sleep(0.05 * index)  # feeds arrive one after another over a couple of seconds
        h.respond(200, body, content_type="application/rss+xml")

    return handler


def held_feed(index: int, release: threading.Event):  # -> handler
    """slow_feed's, held until `release` is set."""
    answer = slow_feed(index)

    def handler(h: RequestHandler) -> None:
        release.wait(30)
        answer(h)

    return handler


def wait_for_saved_feeds(db_path: Path, count: int, within: float = 30) -> None:
    """Return once `count` feeds are stored as fetched (read as another program would), or
    fail: the fetch did not get going."""
    deadline = time.monotonic() + within
    saved = 0
    while time.monotonic() < deadline and saved < count:
        time.sleep(0.02)
        if db_path.exists():
            try:
                with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as ro:
                    saved = ro.execute("SELECT count(*) FROM feeds WHERE status='ok'").fetchone()[0]
            except sqlite3.Error:
                pass
    assert saved >= count, "fetch did not get going"


def test_kill_9_mid_run_leaves_every_feed_whole(tmp_path: Path, http_server: TestServer) -> None:
    names = [f"feed{i}" for i in range(30)]
    for i, name in enumerate(names):
        http_server.route(f"/{name}", slow_feed(i))
    write_feeds(tmp_path, http_server, names)
    db_path = tmp_path / "data" / "briefing.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing", "--feeds", str(tmp_path / "feeds.toml"),
         "--data-dir", str(tmp_path / "data"), "fetch", "--no-articles"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_saved_feeds(db_path, 3)
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its pool workers, all at once
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    with Store.open(tmp_path / "data") as store:
        assert store.integrity_check() == ["ok"]
        counts = dict(
            store._all(
                "SELECT f.name, count(a.id) FROM feeds f LEFT JOIN articles a ON a.feed_id = f.id"
                " GROUP BY f.id"
            )
        )
        states = {s.name: s.status for s in store.feeds()}
    assert set(counts.values()) <= {0, ITEMS}, counts  # no feed half-written
    assert all((counts[n] == ITEMS) == (states[n] == "ok") for n in names), (counts, states)
    assert 3 <= sum(1 for n in names if counts[n] == ITEMS) < len(names)

    proc2 = briefing(tmp_path, "fetch", "--no-articles", "--json")
    assert proc2.returncode == 0, proc2.stderr
    with Store.open(tmp_path / "data") as store:
        assert store.integrity_check() == ["ok"]
        assert store.counts()["articles"] == 1 + ITEMS * len(names)  # + the seed article


def test_progress_bar_rewrites_one_line() -> None:
    import io

    from briefing.commands.fetch import ProgressBar
    from briefing.refresh import Progress

    out = io.StringIO()
    bar = ProgressBar(out)
    bar.update(Progress(feeds_total=4, feeds_done=1))
    bar.update(Progress(feeds_total=4, feeds_done=4, articles_total=2, articles_done=2,
                        articles_extracted=1, articles_failed=1, failures=1))  # fmt: skip
    bar.close()
    text = out.getvalue()
    assert "1/4 feeds" in text and "4/4 feeds, 1/2 articles, 1 feed failure" in text
    assert "\n" not in text and text.endswith("\r\x1b[2K")


def test_feeds_failing_for_one_reason_share_a_line() -> None:
    """Offline, every feed fails with "host name not found": one line naming them all, and a
    last line saying what that likely means, instead of 24 lines saying the same."""
    import io
    from datetime import UTC, datetime

    from briefing.commands.fetch import print_summary
    from briefing.refresh import FeedReport, RefreshSummary

    dns = "host name not found (DNS; offline, or a typo in the URL?)"
    names = ["OC Media", "JAMnews", "Civil.ge", "APA"]
    feeds = [FeedReport(n, f"https://{i}.example/", "error", error=f"cannot connect to {i}.example:"
                        f" {dns}") for i, n in enumerate(names)]  # fmt: skip
    summary = RefreshSummary(started=datetime.now(UTC), seconds=0.1, feeds=feeds)
    out = io.StringIO()
    print_summary(summary, out)
    assert out.getvalue().splitlines()[1:] == [
        f"  error  4 feeds cannot connect: {dns}",
        "         OC Media, JAMnews, Civil.ge, APA",
        "No feed could be reached: is this machine online? The cached stories are all kept.",
    ]
    # one good feed and two refused connections: each failure keeps its own line, no advice
    summary.feeds[2:] = [
        FeedReport("Civil.ge", "https://c/", "ok", new=1),
        FeedReport("APA", "https://a/", "error", error="HTTP 503 Service Unavailable"),
    ]
    out = io.StringIO()
    print_summary(summary, out)
    assert out.getvalue().splitlines()[1:] == [
        f"  error  OC Media: cannot connect to 0.example: {dns}",
        f"  error  JAMnews: cannot connect to 1.example: {dns}",
        "  error  APA: HTTP 503 Service Unavailable",
    ]


# `briefing fetch`, in its own process as a user's fetch, Ctrl-C raising KeyboardInterrupt
# (Python keeps SIGINT ignored when it starts so, as under a shell's background job).
_FETCH = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
from briefing.cli import main
sys.exit(main())
"""


def start_fetch(tmp_path: Path, script: str, *first: str, env: dict[str, str] | None = None):  # noqa: ANN201
    """`script` run as `briefing fetch --no-articles` on tmp_path's feeds and cache, in a
    process group of its own (a signal to it reaches the pool's workers too, as a
    terminal's or systemd's does); `first`: arguments the script takes before briefing's."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *first, "--feeds", str(tmp_path / "feeds.toml"),
         "--data-dir", str(tmp_path / "data"), "fetch", "--no-articles"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        env=env,
    )  # fmt: skip


def end_group(proc: subprocess.Popen) -> None:
    """A test's fetch still running (it failed): kill its whole process group."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.parametrize(("how", "status", "message"), [
    ("SIGTERM", 143, "briefing: terminated\n"),
    ("SIGINT", 130, "briefing: interrupted\n"),
])  # fmt: skip
def test_a_fetch_stopped_by_a_signal_says_so_and_the_next_one_goes_on(
    tmp_path: Path, http_server: TestServer, how: str, status: int, message: str
) -> None:
    """cron's or systemd's SIGTERM (to the whole group, as systemd does) and a Ctrl-C: one
    line on stderr, the shell's status for that signal, every stored feed kept, no stale lock.
    Feeds 3 and on answer only after the signal, so it always comes mid-run."""
    names = [f"feed{i}" for i in range(30)]
    release = threading.Event()
    for i, name in enumerate(names):
        http_server.route(f"/{name}", slow_feed(i) if i < 3 else held_feed(i, release))
    write_feeds(tmp_path, http_server, names)
    db_path = tmp_path / "data" / "briefing.sqlite3"
    proc = start_fetch(tmp_path, _FETCH)
    try:
        wait_for_saved_feeds(db_path, 3)
        os.killpg(proc.pid, getattr(signal, how))
        out, err = proc.communicate(timeout=15)
    finally:
        release.set()
        end_group(proc)
    assert (proc.returncode, err) == (status, message)

    with Store.open(tmp_path / "data") as store:
        assert store.integrity_check() == ["ok"]
        states = {s.name: s.status for s in store.feeds()}
    kept = sum(1 for n in names if states[n] == "ok")
    assert kept >= 3
    proc2 = briefing(tmp_path, "fetch", "--no-articles", "--json")
    assert proc2.returncode == 0, proc2.stderr  # no stale lock
    with Store.open(tmp_path / "data") as store:
        assert store.counts()["articles"] == 1 + ITEMS * len(names)  # + the seed article


# `briefing fetch` with the feed parser swapped for slowwork.slow_parse (a page that takes a
# worker a minute), in its own process as a user's fetch.
_SLOW_FETCH = """
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, sys.argv.pop(1))  # (before the pool's fork server starts: its workers too)
import slowwork
from briefing import refresh
refresh.parse_feed = slowwork.slow_parse
from briefing.cli import main
sys.exit(main())
"""


@pytest.mark.parametrize(("how", "status", "message"), [
    ("SIGINT", 130, "briefing: interrupted\n"),
    ("SIGTERM", 143, "briefing: terminated\n"),
])  # fmt: skip
def test_a_fetch_stopped_while_a_worker_is_busy_ends_at_once(
    tmp_path: Path, http_server: TestServer, how: str, status: int, message: str
) -> None:
    """Ctrl-C (or SIGTERM) while a pool worker is busy on a long page: the fetch ends now,
    not when the worker is done. With the workers ignoring Ctrl-C (4da31e1) the fetch said
    'briefing: interrupted' and then waited for the busy worker's task to finish (a minute
    here; a runaway page up to CPU_DEADLINE and more): the interpreter's exit joins the
    pool, which waits for the tasks under way."""
    http_server.add("/slow", rss([("s1", "Baku talks")]))
    write_feeds(tmp_path, http_server, ["slow"])
    started = tmp_path / "started"
    proc = start_fetch(tmp_path, _SLOW_FETCH, str(Path(__file__).parent),
                       env={**os.environ, "BRIEFING_TEST_STARTED": str(started)})  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started.exists(), "the worker did not start parsing"
        os.killpg(proc.pid, getattr(signal, how))
        begun = time.monotonic()
        _out, err = proc.communicate(timeout=50)
        took = time.monotonic() - begun
    finally:
        end_group(proc)
    assert (proc.returncode, err) == (status, message)
    assert took < 20, f"the fetch took {took:.1f} s to end after {how}"
