"""Host name lookups that hang (a broken resolver over a bad link: 30 s or more per name).

socket.getaddrinfo is replaced by one that *blocks the thread calling it* (threading.Event
wait) for names ending in .hang.test, and answers 127.0.0.1 for names ending in .ok.test.
That is the real failure mode: the C call cannot be interrupted, so it holds whatever thread
runs it until the resolver gives up. Patching the event loop's getaddrinfo with an asyncio
sleep instead would hide both problems found: the lookups ran on the loop's default executor
(6 threads on 2 cores), so a few hung names starved every other lookup of the run, and
asyncio.run joined those threads, holding the run (and `briefing fetch`) until the last
lookup returned. Before: with a 1 s connect timeout and an 8 s hang, a run took 8 s, a good
host looked up by name after 8 hung ones failed with ConnectTimeout, and an article host's
lookup was bounded only by the 60 s total deadline. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fetchenv import FetchEnv, report, rss
from httpserver import TestServer

from briefing.fetch.http import Limits, MiB

HANG = 5.0  # seconds a lookup of a .hang.test name blocks its thread (released at teardown)
QUICK = Limits(connect=0.5, read=2.0, total=3.0, feed_bytes=2 * MiB, page_bytes=2 * MiB)
ARTICLE = (
    "<html lang='en'><head><title>Talks</title></head><body><article><h1>Talks in Baku</h1>"
    + "".join(f"<p>Paragraph {i}: ministers met in Baku for border talks.</p>" for i in range(8))
    + "</article></body></html>"
)


class Resolver:
    """The patched socket.getaddrinfo, and what it was asked."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.release = threading.Event()
        self.asked: list[str] = []
        self.fixed: dict[str, list[str]] = {}  # name -> addresses (127.x), in order

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        self.asked.append(name)
        if name.endswith(".hang.test"):
            self.release.wait(HANG)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        if name in self.fixed:
            return [
                info
                for address in self.fixed[name]
                for info in self.real(address, port, *args, **kwargs)
            ]
        if name.endswith(".ok.test"):
            return self.real("127.0.0.1", port, *args, **kwargs)
        return self.real(host, port, *args, **kwargs)


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Resolver]:
    fake = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    try:
        yield fake
    finally:
        fake.release.set()  # the hung threads end now, not HANG seconds later


def test_a_hung_lookup_of_a_feed_host_fails_at_the_connect_timeout_and_ends_the_run(
    fetch_env: FetchEnv, http_server: TestServer, resolver: Resolver
) -> None:
    http_server.add("/good", rss([("a", "Baku talks")]))
    fetch_env.configure(
        ("Hung", f"http://feed.hang.test:{http_server.port}/feed"), ("Good", "/good")
    )

    summary, elapsed = fetch_env.timed(limits=QUICK)

    assert "feed.hang.test" in resolver.asked
    assert elapsed < 2.0, elapsed  # was HANG: the run waited for the lookup's thread
    hung = report(summary, "Hung")
    assert hung.status == "error"
    assert hung.error == (
        "cannot connect to feed.hang.test: host name lookup timed out after 0.5 s"
        " (DNS; offline, or the name server is not answering?)"
    )
    assert hung.next_check is not None  # a failure like any other: it backs off
    assert fetch_env.state("Hung").error_count == 1
    assert report(summary, "Good").status == "ok"


def test_hung_lookups_do_not_starve_the_lookups_of_other_feeds(
    fetch_env: FetchEnv, http_server: TestServer, resolver: Resolver
) -> None:
    http_server.add("/good", rss([("a", "Baku talks")]))
    port = http_server.port
    hung = [(f"Hung {i}", f"http://h{i}.hang.test:{port}/feed") for i in range(10)]
    fetch_env.configure(*hung, ("Good", f"http://good.ok.test:{port}/good"))

    summary, elapsed = fetch_env.timed(limits=QUICK)

    assert report(summary, "Good").status == "ok", report(summary, "Good").error
    assert elapsed < 2.0, elapsed
    assert all(report(summary, name).status == "error" for name, _ in hung)


def test_a_hung_lookup_of_an_article_host_is_bounded_by_the_connect_timeout(
    fetch_env: FetchEnv, http_server: TestServer, resolver: Resolver
) -> None:
    """Article hosts are looked up by us (the public-address check): that lookup was bounded
    only by the request's total deadline (60 s by default), not the connect timeout."""
    http_server.add(
        "/news", rss([(f"p{i}", f"Baku talks {i}") for i in range(6)], base="http://x.hang.test")
    )
    fetch_env.configure(("News", "/news"))

    summary, elapsed = fetch_env.timed(limits=QUICK, articles=True)

    assert elapsed < QUICK.total, elapsed  # was > 3 s (the total deadline) and HANG for the run
    assert report(summary, "News").status == "ok"
    # a timeout may pass: the pages are tried again by the next fetches, not failed at once
    assert summary.articles_deferred == 6 and summary.articles_failed == 0
    assert resolver.asked.count("x.hang.test") == 1  # one lookup for the pages of one host


def test_a_host_with_an_unreachable_first_address_is_reached_on_the_next(
    fetch_env: FetchEnv, http_server: TestServer, resolver: Resolver
) -> None:
    """Feed hosts are now looked up by us too, so we also try their addresses the way anyio
    did (happy eyeballs): the next address 0.25 s after the first, not after the connect
    timeout. 127.0.0.2's listener has a full accept queue, so a connect to it hangs, as to
    an IPv6 address behind a broken route."""
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.2", http_server.port))
    blackhole.listen(0)
    filler = socket.create_connection(("127.0.0.2", http_server.port), timeout=1)
    try:
        resolver.fixed["dual.ok.test"] = ["127.0.0.2", "127.0.0.1"]
        http_server.add("/feed", rss([("a", "Baku talks")]))
        fetch_env.configure(("Dual", f"http://dual.ok.test:{http_server.port}/feed"))
        slow = Limits(connect=2.0, read=2.0, total=3.0, feed_bytes=MiB, page_bytes=MiB)

        start = time.monotonic()
        summary = fetch_env.run(limits=slow)
        elapsed = time.monotonic() - start

        assert report(summary, "Dual").status == "ok", report(summary, "Dual").error
        assert elapsed < 1.5, elapsed  # not the 2 s connect timeout of the first address
    finally:
        filler.close()
        blackhole.close()
