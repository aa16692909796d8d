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
from fetchenv import FetchEnv, rss
from httpserver import TestServer

import briefing.refresh
from briefing.fetch.extract import Extracted

PAGE = b"<html><body><p>" + b"Tbilisi " * 25_000 + b"</p></body></html>"  # 200 kB


def test_downloaded_pages_waiting_for_extraction_are_bounded(
    fetch_env: FetchEnv, http_server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock = threading.Lock()
    ahead: list[int] = []  # at each extraction's start: pages downloaded, not yet extracted
    extracted = [0]

    def slow_extract(body: bytes, headers: Any, url: str) -> Extracted:
        with lock:
            asked = sum(1 for r in list(http_server.requests) if r.path.startswith("/articles/"))
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
        http_server.add(f"/articles/p{i}", PAGE, content_type="text/html")
    http_server.add("/f", rss([(f"p{i}", f"Tbilisi story {i}") for i in range(40)], base=base))
    fetch_env.configure(("F", "/f"))

    with ThreadPoolExecutor(1) as pool:  # one slow extractor: downloads outrun it
        summary = fetch_env.run(articles=True, pool=pool, per_host=4)

    # 40 x 0.05 s in one queue is 2 s: past the 1 s deadline for the last pages when they
    # all wait there at once
    assert summary.articles_extracted == 40 and summary.articles_failed == 0
    # at most the budget (3 pages, one more to cross it) plus the downloads in flight (4)
    assert max(ahead) <= 8, ahead
