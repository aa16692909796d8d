"""Article pages downloaded faster than they are extracted must not pile up in memory.

Each page is capped (20 MB decoded), but nothing bounded how many downloaded pages wait for
the extraction pool: a loopback feed of 40 items whose pages were 19 MB each took
`briefing fetch` to 887 MB, and 14 of the 40 pages failed with "gave up after 120 s of
processing" (CPU_DEADLINE counts the wait in the pool's queue) though each took ~10 s.
A new page download now waits while the pages downloaded and not yet extracted hold
PAGE_HOLD_BYTES."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fetchenv import FetchEnv, report, rss
from httpserver import TestServer

import briefing.refresh
from briefing.fetch.extract import Extracted

PAGE = b"<html><body><p>" + b"Tbilisi " * 25_000 + b"</p></body></html>"  # 200 kB


@pytest.mark.parametrize("redirected", [False, True], ids=["direct", "redirected"])
def test_downloaded_pages_waiting_for_extraction_are_bounded(
    fetch_env: FetchEnv, http_server: TestServer, monkeypatch: pytest.MonkeyPatch,
    redirected: bool,
) -> None:  # fmt: skip
    # redirected: each link answers 302 to the page (a tracking link, http to https); the
    # room was awaited at the first hop only, before anything was downloaded, so every
    # such page passed it at once: 39 downloaded ahead of the extractor, 20 failed
    pages = "/real/" if redirected else "/articles/"
    lock = threading.Lock()
    ahead: list[int] = []  # at each extraction's start: pages downloaded, not yet extracted
    extracted = [0]

    def slow_extract(body: bytes, headers: Any, url: str) -> Extracted:
        with lock:
            asked = sum(1 for r in list(http_server.requests) if r.path.startswith(pages))
            ahead.append(asked - extracted[0])
        time.sleep(0.05)
        with lock:
            extracted[0] += 1
        return Extracted("Tbilisi text", None, None, "en")

    monkeypatch.setattr(briefing.refresh, "extract_article", slow_extract)
    monkeypatch.setattr(briefing.refresh, "CPU_DEADLINE", 1.0)
    monkeypatch.setattr(briefing.refresh, "PAGE_HOLD_BYTES", 3 * len(PAGE))
    base = http_server.url("")
    for i in range(40):
        http_server.add(f"{pages}p{i}", PAGE, content_type="text/html")
        if redirected:
            http_server.add(f"/articles/p{i}", b"", status=302, content_type="text/plain",
                            headers={"Location": f"/real/p{i}"})  # fmt: skip
    http_server.add("/f", rss([(f"p{i}", f"Tbilisi story {i}") for i in range(40)], base=base))
    fetch_env.configure(("F", "/f"))

    with ThreadPoolExecutor(1) as pool:  # one slow extractor: downloads outrun it
        summary = fetch_env.run(articles=True, pool=pool, per_host=4)

    # 40 x 0.05 s in one queue is 2 s: past the 1 s deadline for the last pages when they
    # all wait there at once
    assert summary.articles_extracted == 40 and summary.articles_failed == 0
    # at most the budget (3 pages, one more to cross it) plus the downloads in flight (4)
    assert max(ahead) <= 8, ahead


def test_time_waiting_for_room_is_not_counted_against_a_redirected_request(
    fetch_env: FetchEnv, http_server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Limits.total bounds a request, not its wait in the run's queue. A page download waits
    for room (its host's slot taken) and for slots; the total deadline was counted from the
    call, so a page or feed that waited longer than that and was then redirected (http to
    https, a tracking link, a moved feed) failed at its second hop with "no answer within
    N s (total deadline)" though the server answered at once, and was recorded as failed
    (never read again). A moved feed's second hop queues behind the pages the same way."""
    from briefing.fetch.http import Limits, MiB

    def slow_extract(body: bytes, headers: Any, url: str) -> Extracted:
        time.sleep(0.4)
        return Extracted("Tbilisi text", None, None, "en")

    monkeypatch.setattr(briefing.refresh, "extract_article", slow_extract)
    monkeypatch.setattr(briefing.refresh, "PAGE_HOLD_BYTES", len(PAGE))  # one page fills it
    base = http_server.url("")

    def moved(h: Any) -> None:  # /articles/pN -> /real/pN, as a tracking link does
        h.respond(302, b"", headers={"Location": h.path.replace("/articles/", "/real/")})

    for key in [*(f"p{i}" for i in range(6)), "g1"]:
        http_server.route(f"/articles/{key}", moved)
        http_server.add(f"/real/{key}", PAGE, content_type="text/html")
    http_server.add("/f", rss([(f"p{i}", f"Tbilisi story {i}") for i in range(6)], base=base))

    def feed_moved(h: Any) -> None:  # asked at once; its second hop queues behind the pages
        time.sleep(0.3)
        h.respond(302, b"", headers={"Location": "/g2"})

    http_server.route("/g", feed_moved)
    http_server.add("/g2", rss([("g1", "Baku court jails reporter")], base=base))
    fetch_env.configure(("F", "/f"), ("G", "/g"))
    limits = Limits(connect=2.0, read=2.0, total=1.0, feed_bytes=2 * MiB, page_bytes=2 * MiB)

    with ThreadPoolExecutor(1) as pool:  # 6 pages x 0.4 s, one room: ~2 s of waiting
        summary = fetch_env.run(
            articles=True, pool=pool, per_host=1, limits=limits, page_budget=None
        )

    rows = [*fetch_env.rows("F"), *fetch_env.rows("G")]
    errors = [r["extract_error"] for r in rows if r["extract_error"]]
    assert errors == [] and summary.articles_extracted == 7, errors
    assert report(summary, "G").status == "ok", report(summary, "G").error
