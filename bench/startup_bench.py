"""Startup, key-press and memory figures for the reader on a 30,000 and a 100,000-article cache.

Run by hand (never by `make test`):

    .venv/bin/python bench/startup_bench.py                 # both sizes, caches in /tmp
    .venv/bin/python bench/startup_bench.py --sizes 30000 --runs 5 --cache-root /tmp/bb

Per cache it reports:
- build: time to fill the cache through the public Store API (save_feed_result per feed
  batch, create_thread, assign), done once and reused;
- pty: wall time from spawning the real `briefing --offline` in a pseudo-terminal (160x50)
  until the terminal receives the frame with the real thread list ("Threads (N)"), with no
  saved position (the app opens at the top) and reopening on the last thread of the list;
  the same for a trivial Textual app as the floor;
- headless: in one warm process, time from constructing the app to the first frame with
  the thread list (App.run_test), then the time for a key press that moves the selection
  to be handled and repainted (median and worst of 60, in the thread list and the story
  list), and the process's RSS.
Targets (issue 5): first frame <= 0.5 s at 30k and <= 0.7 s at 100k, key repaint < 50 ms
and memory < 200 MB at 100k.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import fcntl
import os
import pty
import random
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.config import Config, Feed  # noqa: E402
from briefing.models import ArticleIn, FeedUpdate  # noqa: E402
from briefing.store import Store  # noqa: E402

N_FEEDS = 40
N_THREADS = 300
WORDS = (
    "Baku Tbilisi Yerevan Moscow border ceasefire talks minister protest election parliament "
    "pipeline gas sanctions court journalist arrested detained corridor Lachin Karabakh peace "
    "treaty delegation summit EU NATO Russia Azerbaijan Armenia Georgia opposition police"
).split()


def feeds_toml(path: Path) -> Path:
    lines = ["[settings]", 'timezone = "Asia/Baku"', ""]
    for i in range(N_FEEDS):
        lines += ["[[feeds]]", f'name = "Outlet {i:02d}"', f'url = "http://127.0.0.1:9/f{i}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def build(cache: Path, n: int) -> float:
    """Fill `cache` with n articles in N_THREADS threads (once; reused if complete)."""
    marker = cache / f"built-{n}"
    if marker.exists():
        return 0.0
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob("briefing.sqlite3*"):
        stale.unlink()
    rng = random.Random(n)
    start = time.perf_counter()
    feeds = [Feed(f"Outlet {i:02d}", f"http://127.0.0.1:9/f{i}") for i in range(N_FEEDS)]
    store = Store.open(cache)
    store.sync_feeds(feeds)
    now = datetime.now(UTC)
    ids: list[int] = []
    per_feed = n // N_FEEDS
    for f, feed in enumerate(feeds):
        for chunk in range(0, per_feed, 1000):
            items = []
            for k in range(chunk, min(per_feed, chunk + 1000)):
                words = rng.choices(WORDS, k=220)
                title = " ".join(rng.choices(WORDS, k=9)).capitalize()
                items.append(ArticleIn(
                    key=f"{f}-{k}", link=f"https://example.org/{f}/{k}", title=title,
                    summary=" ".join(words[:40]), text=" ".join(words), content_hash=f"{f}-{k}",
                    published=now - timedelta(minutes=rng.randint(0, 60 * 24 * 45)),
                ))  # fmt: skip
            update = FeedUpdate(status="ok", checked=now)
            ids += store.save_feed_result(feed.url, update, items).new_ids
    threads = [store.create_thread(" ".join(rng.choices(WORDS, k=6)).capitalize())
               for _ in range(N_THREADS)]  # fmt: skip
    weights = [1 / (i + 1) for i in range(N_THREADS)]  # a few big threads, a long tail
    for article_id in ids:
        store.assign(article_id, rng.choices(threads, weights)[0])
    for article_id in rng.sample(ids, len(ids) // 3):
        store.set_triage(article_id, read=True)
    store.close()
    marker.write_text("ok")
    return time.perf_counter() - start


# ----------------------------------------------------------------------------- pty variant
class PtyApp:
    """The real program in a pseudo-terminal: what a user's terminal would receive."""

    def __init__(self, argv: list[str], size: tuple[int, int] = (160, 50)) -> None:
        env = {**os.environ, "TERM": "xterm-256color"}
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.start = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # child
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.seen = b""

    def read(self, timeout: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return b""
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            return b""
        self.seen = (self.seen + chunk)[-400000:]
        return chunk

    def wait_for(self, marker: bytes, limit: float = 30) -> float:
        """Seconds since spawn when `marker` arrived (nan if it never did)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline:
            self.read(0.02)
            if marker in self.seen:
                return time.perf_counter() - self.start
        return float("nan")

    def quiet(self, gap: float = 0.3, limit: float = 10) -> None:
        """Read until nothing arrives for `gap` seconds (background loads have painted)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline and self.read(gap):
            pass

    def key_latency(self, key: bytes) -> float:
        """Seconds from writing the key until the first bytes of the repaint arrive."""
        t = time.perf_counter()
        os.write(self.fd, key)
        while time.perf_counter() - t < 2:
            if self.read(0.5):
                return time.perf_counter() - t
        return float("nan")

    def rss_mb(self) -> tuple[float, float]:
        """(current, peak) resident memory of the app process, in MB."""
        fields = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            fields[name] = value
        return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)

    def close(self) -> None:
        os.write(self.fd, b"q")
        self.quiet(0.2, 5)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def save_position(cache: Path, position: str | None) -> None:
    """Set (or, with None, forget) where the app reopens: the runs must not start wherever
    the previous run left the cursor (the app saves it at q)."""
    import sqlite3

    db = sqlite3.connect(cache / "briefing.sqlite3")
    with db:
        if position is None:
            db.execute("DELETE FROM meta WHERE key = 'position'")
        else:
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('position', ?)", (position,)
            )
    db.close()


def last_thread_position(cache: Path) -> str:
    """'thread story' for the last thread of the app's list and its newest story."""
    store = Store.open(cache)
    try:
        thread = store.threads()[-1]
        story = store.stories(thread.id)[0]
        return f"{thread.id} {story.id}"
    finally:
        store.close()


def pty_first_frame(argv: list[str], marker: bytes) -> float:
    app = PtyApp(argv)
    try:
        return app.wait_for(marker)
    finally:
        app.close()


def pty_keys(argv: list[str], presses: int = 40) -> dict[str, float]:
    """Key-press repaint latency in the thread list and in the biggest thread's story list
    (each press measured from a quiet screen), and the process's memory."""
    app = PtyApp(argv)
    out: dict[str, float] = {}
    try:
        app.wait_for(b"Threads (")
        app.quiet()
        threads = []
        for i in range(presses):
            threads.append(app.key_latency(b"j" if i < presses // 2 else b"k"))
            app.quiet(0.25)
        out["thread_median_ms"] = statistics.median(threads) * 1000
        out["thread_max_ms"] = max(threads) * 1000
        # a burst: hold j through 20 threads (key repeat ~30/s), time to the last repaint
        t = time.perf_counter()
        for _ in range(20):
            os.write(app.fd, b"j")
            time.sleep(1 / 30)
        app.quiet(0.25)
        out["burst_settle_s"] = time.perf_counter() - t - 0.25 - 20 / 30
        os.write(app.fd, b"\r")  # into the story list of the current thread
        app.quiet()
        stories = []
        for i in range(presses):
            # j and k in turn: every press moves the highlight, however short the thread
            # (j on the last story moves nothing, and the press would time out at 2 s)
            stories.append(app.key_latency(b"j" if i % 2 == 0 else b"k"))
            app.quiet(0.25)
        out["story_median_ms"] = statistics.median(stories) * 1000
        out["story_max_ms"] = max(stories) * 1000
        out["rss_mb"], out["peak_rss_mb"] = app.rss_mb()
    finally:
        app.close()
    return out


TRIVIAL_APP = """
from textual.app import App
from textual.widgets import Static
class T(App):
    def compose(self):
        yield Static("Threads (1)")
    def on_key(self, event):
        self.exit()
T().run()
"""


# ----------------------------------------------------------------------------- headless
async def headless(cache: Path, config: Config) -> dict[str, float]:
    """In-process (imports already done): app construction -> frame with the thread list."""
    from briefing.tui.app import BriefingApp

    start = time.perf_counter()
    store = Store.open(cache)
    app = BriefingApp(store, config, offline=True, open_url=lambda url: False)
    out: dict[str, float] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        main = app.main
        while not main.thread_list.threads:
            await asyncio.sleep(0.001)
        await pilot.pause()
        out["first_frame"] = time.perf_counter() - start
        out["threads"] = len(main.thread_list.threads)
        await app.workers.wait_for_complete()
    store.close()
    return out


def headless_child(cache: str, feeds: str) -> None:
    import briefing.tui.app  # noqa: F401  (warm imports: this measures the app, not Python)
    from briefing.config import load_config

    config = load_config(feeds)
    runs = [asyncio.run(headless(Path(cache), config)) for _ in range(3)]
    best = min(runs, key=lambda r: r["first_frame"])
    print(" ".join(f"{k}={v:.4f}" for k, v in best.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="30000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache-root", default="/tmp/briefing-bench")
    parser.add_argument("--child", nargs=2, metavar=("CACHE", "FEEDS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        headless_child(*args.child)
        return 0
    root = Path(args.cache_root)
    root.mkdir(parents=True, exist_ok=True)
    feeds = feeds_toml(root / "feeds.toml")
    briefing = str(Path(sys.executable).parent / "briefing")
    floor_script = root / "trivial_app.py"
    floor_script.write_text(TRIVIAL_APP)
    floor = [pty_first_frame([sys.executable, str(floor_script)], b"Threads (1)")
             for _ in range(args.runs)]  # fmt: skip
    print(f"textual floor (trivial app, pty): median {statistics.median(floor):.3f} s, "
          f"runs {_fmt(floor)}")  # fmt: skip
    for n in (int(s) for s in args.sizes.split(",")):
        cache = root / f"cache-{n}"
        built = build(cache, n)
        size_mb = sum(p.stat().st_size for p in cache.glob("briefing.sqlite3*")) / 2**20
        print(f"\n[{n:,} articles, {N_THREADS} threads, cache {size_mb:.0f} MB"
              + (f", built in {built:.0f} s" if built else "") + "]")  # fmt: skip
        argv = [briefing, "--offline", "--feeds", str(feeds), "--data-dir", str(cache)]
        times = []
        for _ in range(args.runs):
            save_position(cache, None)  # every run opens at the top, as a new cache does
            times.append(pty_first_frame(argv, b"Threads ("))
        print(f"  first frame with the thread list (real `briefing --offline` in a pty): "
              f"median {statistics.median(times):.3f} s, runs {_fmt(times)}")  # fmt: skip
        last = last_thread_position(cache)
        times = []
        for _ in range(args.runs):
            save_position(cache, last)  # left on the last thread of the list last time
            times.append(pty_first_frame(argv, b"Threads ("))
        print(f"  the same, reopening on the last thread of the list (saved position): "
              f"median {statistics.median(times):.3f} s, runs {_fmt(times)}")  # fmt: skip
        save_position(cache, None)
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(cache), str(feeds)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        figures = {k: float(v) for k, v in (kv.split("=") for kv in child.stdout.split())}
        print(
            f"  in-process (warm imports): app start -> thread list frame "
            f"{figures['first_frame']:.3f} s ({int(figures['threads'])} threads)"
        )
        keys = pty_keys(argv)  # opens at the top: the position was forgotten above
        print(
            f"  key press -> first repaint bytes, thread list: median "
            f"{keys['thread_median_ms']:.1f} ms, worst {keys['thread_max_ms']:.1f} ms"
        )
        print(
            f"  key press -> first repaint bytes, story list: median "
            f"{keys['story_median_ms']:.1f} ms, worst {keys['story_max_ms']:.1f} ms"
        )
        print(
            f"  holding j through 20 threads: screen settled {keys['burst_settle_s']:.3f} s "
            "after the last key"
        )
        print(
            f"  memory of the app process: RSS {keys['rss_mb']:.0f} MB, "
            f"peak {keys['peak_rss_mb']:.0f} MB"
        )
    return 0


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
