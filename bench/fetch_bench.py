#!/usr/bin/env python3
"""Benchmark `briefing fetch --no-articles` (cold, then warm = all 304) against newsboat.

Generates N synthetic feeds x M items, serves them on 127.0.0.1 with a fixed per-request
latency (a threaded server; it stops by itself when the script ends or after --max-seconds),
and times each client end to end as a subprocess: wall time and peak RSS (the largest process
of the run, from getrusage of the children). Where `newsboat` is on PATH, it reloads the same
feeds (`newsboat -x reload`, reload-threads as given) and the ratio is printed.

    .venv/bin/python bench/fetch_bench.py --feeds 200 --items 30 --latency 100
    .venv/bin/python bench/fetch_bench.py --feeds 1000 --items 30 --latency 100 --json

Run by hand; never part of `make test`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

WORDS = (
    "government minister talks border ceasefire parliament election protest court energy gas "
    "pipeline sanctions president opposition journalist arrest investigation corridor railway "
    "agreement negotiations refugees villages delegation summit economy inflation currency "
    "airline crash embassy diplomat statement ministry security troops drone military exercise "
    "ambassador visit trade customs oil prices harvest wine tourism festival university students "
    "reform constitution referendum coalition"
).split()
PLACES = "Baku Yerevan Tbilisi Moscow Ankara Brussels Washington Tehran Sukhumi Batumi".split()


_SYLLABLES = "ba ka ra ze vi lo mu ne ta shi go da ri ko le an ur el is om".split()


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


_STORIES: list[list[str]] = []
_FILLER: list[str] = []


def _stories() -> tuple[list[list[str]], list[str]]:
    """300 synthetic news stories (each with its own names and words) and common filler, so
    that items cluster into threads the way news does, not into one blob or all singletons."""
    if not _STORIES:
        rng = random.Random(7)
        vocab = _vocabulary(rng, 4000)
        _FILLER.extend(WORDS)
        for _ in range(300):
            names = [w.capitalize() for w in rng.sample(vocab, 3)]
            _STORIES.append(names + rng.sample(vocab, 9) + [rng.choice(PLACES)])
    return _STORIES, _FILLER


def make_feed(index: int, items: int, rng: random.Random, base: str) -> bytes:
    now = time.time()
    stories, filler = _stories()
    parts = []
    for i in range(items):
        story = stories[min(int(rng.expovariate(1 / 60)), len(stories) - 1)]  # a few big ones
        title = " ".join(rng.sample(story, 5) + rng.sample(filler, 3)).capitalize()
        desc = " ".join(rng.choice(story) if rng.random() < 0.4 else rng.choice(filler)
                        for _ in range(60)) + "."  # fmt: skip
        when = format_datetime(datetime.fromtimestamp(now - 600 * i - index, tz=UTC))
        parts.append(
            f"<item><title>{escape(title)}</title><link>{base}/a/{index}/{i}</link>"
            f'<guid isPermaLink="false">feed{index}-item{i}</guid><pubDate>{when}</pubDate>'
            f"<description>&lt;p&gt;{escape(desc)}&lt;/p&gt;</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Synthetic feed {index}</title><link>{base}/</link>"
        f"<description>bench</description>{''.join(parts)}</channel></rss>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server  # type: ignore[assignment]

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        srv = self.server.state
        time.sleep(srv.latency)
        body = srv.feeds.get(self.path)
        with srv.lock:
            srv.count += 1
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        if self.headers.get("If-None-Match") == etag or (
            self.headers.get("If-Modified-Since") == srv.last_modified
            and not self.headers.get("If-None-Match")
        ):
            with srv.lock:
                srv.not_modified += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", srv.last_modified)
        self.end_headers()
        self.wfile.write(body)


class State:
    """What every server shares: the feeds, the latency, the counters."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.feeds: dict[str, bytes] = {}
        self.lock = threading.Lock()
        self.count = 0
        self.not_modified = 0
        self.last_modified = format_datetime(datetime.now(UTC), usegmt=True)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 2048
    allow_reuse_address = True

    def __init__(self, state: State, address: str = "127.0.0.1") -> None:
        super().__init__((address, 0), Handler)
        self.state = state

    @property
    def base(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def measure(
    cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> dict[str, Any]:
    """Run `cmd` in a wrapper process so that the peak RSS is this run's alone."""
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "wall = time.perf_counter() - t\n"
        "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'wall': wall, 'rc': p.returncode, 'maxrss_kb': ru.ru_maxrss,"
        " 'cpu': ru.ru_utime + ru.ru_stime, 'stdout': p.stdout.decode('utf-8', 'replace'),"
        " 'stderr': p.stderr.decode('utf-8', 'replace')[-2000:]}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True, env=env, cwd=cwd
    )
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--latency", type=float, default=100.0, help="milliseconds per request")
    parser.add_argument("--concurrency", type=int, default=50, help="briefing's --concurrency")
    parser.add_argument("--per-host", type=int, default=4, help="briefing's --per-host")
    parser.add_argument("--hosts", type=int, default=100, help="loopback addresses to spread over")
    parser.add_argument("--newsboat-threads", type=int, default=50)
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument(
        "--no-split", action="store_true", help="skip the extra cold run without the thread engine"
    )
    parser.add_argument("--briefing", default=str(Path(sys.executable).parent / "briefing"))
    parser.add_argument(
        "--max-seconds", type=float, default=900, help="the server stops after this"
    )
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()

    rng = random.Random(42)
    state = State(args.latency / 1000)
    # Feeds spread over --hosts loopback addresses (127.0.0.1, .2, ...), one server each, so
    # that per-host limits and connection pools behave as with real outlets.
    servers = [Server(state, f"127.0.0.{k + 1}") for k in range(args.hosts)]
    urls = []
    for i in range(args.feeds):
        server = servers[i % len(servers)]
        path = f"/feed/{i}"
        state.feeds[path] = make_feed(i, args.items, rng, server.base)
        urls.append(server.base + path)
    size = sum(map(len, state.feeds.values()))
    for server in servers:
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        ).start()

    def stop_all() -> None:
        for server in servers:
            server.shutdown()

    timer = threading.Timer(args.max_seconds, stop_all)
    timer.daemon = True
    timer.start()
    results: dict[str, Any] = {
        "feeds": args.feeds, "items": args.items, "latency_ms": args.latency,
        "bytes": size, "cpus": os.cpu_count(), "hosts": args.hosts,
    }  # fmt: skip
    print(
        f"{args.feeds} feeds x {args.items} items ({size / 1e6:.1f} MB) on {args.hosts} hosts,"
        f" {args.latency:g} ms latency, {os.cpu_count()} CPUs"
    )
    tmp = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    try:
        feeds_toml = tmp / "feeds.toml"
        feeds_toml.write_text(
            "[settings]\nfull_text = false\n\n"
            + "".join(
                f'[[feeds]]\nname = "Feed {i}"\nurl = "{url}"\n\n' for i, url in enumerate(urls)
            ),
            encoding="utf-8",
        )
        cmd = [args.briefing, "--feeds", str(feeds_toml), "--data-dir", str(tmp / "data"), "fetch",
               "--no-articles", "--json", "--concurrency", str(args.concurrency),
               "--per-host", str(args.per_host)]  # fmt: skip
        for phase in ("cold", "warm"):
            before = state.count
            r = measure(cmd)
            if r["rc"] != 0:
                print(f"briefing {phase} failed: {r['stderr']}", file=sys.stderr)
                return 1
            summary = json.loads(r["stdout"])
            t = summary["totals"]
            results[f"briefing_{phase}"] = {
                "wall": round(r["wall"], 2), "peak_rss_mb": round(r["maxrss_kb"] / 1024, 1),
                "cpu": round(r["cpu"], 2), "requests": state.count - before,
                "ok": t["ok"], "not_modified": t["not_modified"], "errors": t["error"],
                "new": t["new"], "threads_seconds": summary.get("threads_seconds"),
                "pipeline_seconds": summary["seconds"],
            }  # fmt: skip
            print(
                f"briefing {phase}: {r['wall']:.2f} s wall, peak RSS {r['maxrss_kb'] / 1024:.0f} MB,"
                f" CPU {r['cpu']:.1f} s; {t['ok']} ok, {t['not_modified']} not modified,"
                f" {t['error']} errors, {t['new']} new items"
                f" (thread engine {summary.get('threads_seconds', 0):.2f} s)"
            )
        if not args.no_split:
            # The same cold run with the thread engine switched off (monkeypatched in a tiny
            # launcher): what fetching, parsing and storing alone cost.
            launcher = (
                "import sys, briefing.refresh as r; r.assign_threads = lambda *a, **k: 0;"
                " from briefing.cli import main; sys.exit(main(sys.argv[1:]))"
            )
            split_cmd = [sys.executable, "-c", launcher, *cmd[1:]]
            split_cmd[split_cmd.index(str(tmp / "data"))] = str(tmp / "data-split")
            r = measure(split_cmd)
            t = json.loads(r["stdout"])["totals"] if r["rc"] == 0 else {}
            results["briefing_cold_without_thread_engine"] = {
                "wall": round(r["wall"], 2), "peak_rss_mb": round(r["maxrss_kb"] / 1024, 1),
                "cpu": round(r["cpu"], 2), "new": t.get("new"),
            }  # fmt: skip
            print(
                f"briefing cold without the thread engine: {r['wall']:.2f} s wall, peak RSS"
                f" {r['maxrss_kb'] / 1024:.0f} MB, CPU {r['cpu']:.1f} s; {t.get('new')} new items"
            )
        newsboat = shutil.which("newsboat")
        if newsboat and not args.no_newsboat:
            home = tmp / "nb"
            home.mkdir()
            (home / "urls").write_text("".join(url + "\n" for url in urls))
            (home / "config").write_text(
                f"reload-threads {args.newsboat_threads}\nsuppress-first-reload no\n"
            )
            nb_cmd = [newsboat, "-x", "reload", "-u", str(home / "urls"), "-c",
                      str(home / "cache.db"), "-C", str(home / "config")]  # fmt: skip
            env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home),
                   "XDG_DATA_HOME": str(home)}  # fmt: skip
            version = subprocess.run([newsboat, "-v"], capture_output=True, text=True, env=env)
            results["newsboat_version"] = (version.stdout.splitlines() or ["?"])[0]
            for phase in ("cold", "warm"):
                before, before_304 = state.count, state.not_modified
                r = measure(nb_cmd, env=env)
                results[f"newsboat_{phase}"] = {
                    "wall": round(r["wall"], 2), "peak_rss_mb": round(r["maxrss_kb"] / 1024, 1),
                    "cpu": round(r["cpu"], 2), "requests": state.count - before,
                    "not_modified": state.not_modified - before_304, "rc": r["rc"],
                }  # fmt: skip
                print(
                    f"newsboat {phase} ({args.newsboat_threads} threads): {r['wall']:.2f} s wall,"
                    f" peak RSS {r['maxrss_kb'] / 1024:.0f} MB, CPU {r['cpu']:.1f} s,"
                    f" {state.not_modified - before_304} of {state.count - before} answered 304"
                )
            for phase in ("cold", "warm"):
                ratio = results[f"briefing_{phase}"]["wall"] / max(
                    results[f"newsboat_{phase}"]["wall"], 1e-9
                )
                results[f"ratio_{phase}"] = round(ratio, 3)
                print(f"{phase}: briefing / newsboat = {ratio:.2f}")
        elif not args.no_newsboat:
            print("newsboat not on PATH: no comparison (apt-get install newsboat)")
        if args.json:
            print(json.dumps(results, indent=2))
    finally:
        stop_all()
        for server in servers:
            server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
