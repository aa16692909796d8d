"""A slow outlet's article pages must not hold up the whole run.

Each page request is bounded (Limits.total), but they queue behind the per-host cap: 30 pages
dripping until the 60 s deadline, 4 at a time, kept `briefing fetch` (and with it the thread
placement of every other feed's stories, and the next cron run, locked out) busy for 7.5
minutes. After the run's page budget no new page download starts; the pages left are read by
the next run (they stay pending: no text, no recorded failure)."""

from __future__ import annotations

import io
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fetchenv import ARTICLE, FetchEnv, report, rss
from httpserver import RequestHandler, TestServer

from briefing import refresh as refresh_module
from briefing.commands.fetch import print_summary
from briefing.fetch.http import Limits, MiB
from briefing.store import Store
from briefing.store.db import to_db, utcnow

SLOW = Limits(connect=1.0, read=1.0, total=0.5, feed_bytes=2 * MiB, page_bytes=2 * MiB)


def test_slow_pages_stop_at_the_page_budget_and_wait_for_the_next_run(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    slow = {"on": True}

    def page(h: RequestHandler) -> None:
        if not slow["on"]:
            h.respond(200, ARTICLE.encode(), content_type="text/html; charset=utf-8")
            return
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        end = time.monotonic() + 3
        while time.monotonic() < end and not h.stopping():
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.1)

    base = http_server.url("")
    for key in [*(f"s{i}" for i in range(10)), "g1"]:
        http_server.route(f"/articles/{key}", page)
    http_server.add(
        "/slow", rss([(f"s{i}", f"Yerevan border talks {i}") for i in range(10)], base=base)
    )
    http_server.add("/good", rss([("g1", "Baku court jails reporter")], base=base))
    fetch_env.configure(("Slow", "/slow"), ("Good", "/good"))

    start = time.monotonic()
    summary = fetch_env.run(articles=True, limits=SLOW, per_host=1, page_budget=1.0)
    elapsed = time.monotonic() - start

    # 10 pages x 0.5 s one at a time would be 5 s; the budget stops new ones after 1 s
    assert elapsed < 3.0, f"took {elapsed:.1f} s"
    assert report(summary, "Good").status == "ok"
    assert summary.articles_deferred > 0
    rows = {r["key"]: r for r in [*fetch_env.rows("Slow"), *fetch_env.rows("Good")]}
    left = [k for k, r in rows.items() if r["text"] is None and r["extract_error"] is None]
    assert len(left) == summary.articles_deferred  # (g1's page waited behind them too)
    assert summary.threads_assigned == 11  # every story is placed, the deferred ones too
    out = io.StringIO()
    print_summary(summary, out)
    assert f", {summary.articles_deferred} left for the next fetch (time limit" in out.getvalue()

    slow["on"] = False  # the outlet recovers: the next run reads the pages left over
    again = fetch_env.run(articles=True, limits=SLOW, per_host=1, page_budget=1.0)
    assert again.articles_deferred == 0
    rows = {r["key"]: r for r in [*fetch_env.rows("Slow"), *fetch_env.rows("Good")]}
    assert all(rows[k]["text"] and "Yerevan" in rows[k]["text"] for k in left)


def busy_outlet(
    fetch_env: FetchEnv, http_server: TestServer, headers: dict[str, str]
) -> tuple[list[str], dict[str, bool]]:
    """A feed "Busy" of 3 stories whose pages answer 429 (with `headers`) while busy["on"],
    then the article; `asked` lists the page requests."""
    busy = {"on": True}
    asked: list[str] = []

    def page(h: RequestHandler) -> None:
        asked.append(h.path)
        if busy["on"]:
            h.respond(429, b"slow down", content_type="text/plain", headers=headers)
        else:
            h.respond(200, ARTICLE.encode(), content_type="text/html; charset=utf-8")

    base = http_server.url("")
    for i in range(3):
        http_server.route(f"/articles/b{i}", page)
    http_server.add("/busy", rss([(f"b{i}", f"Yerevan border talks {i}") for i in range(3)],
                                 base=base))  # fmt: skip
    fetch_env.configure(("Busy", "/busy"))
    return asked, busy


def test_pages_an_outlet_asks_to_wait_for_are_left_for_the_next_run(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """A 429 (or 503) on an article page is the outlet asking us to wait, not a failure of
    that page: before, each such page was recorded as failed ("kept as summary") and never
    read again, and the outlet's other pages were asked for all the same."""
    asked, busy = busy_outlet(fetch_env, http_server, {})  # no Retry-After

    summary = fetch_env.run(articles=True, per_host=1)
    assert len(asked) == 1  # the first 429 paused the outlet's pages for this run
    assert summary.articles_deferred == 3 and summary.articles_failed == 0
    rows = fetch_env.rows("Busy")
    assert all(r["text"] is None and r["extract_error"] is None for r in rows)  # still pending

    busy["on"] = False
    again = fetch_env.run(articles=True, per_host=1)
    assert again.articles_extracted == 3 and again.articles_deferred == 0
    assert all("Yerevan" in (r["text"] or "") for r in fetch_env.rows("Busy"))


def test_an_outlets_retry_after_on_a_page_holds_its_pages_in_later_runs(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """A 429 with Retry-After: an hour. Before, the next run (cron's, a quarter of an hour
    later) asked the outlet for the same pages again at once, and every run after it did."""
    asked, busy = busy_outlet(fetch_env, http_server, {"Retry-After": "3600"})
    first = fetch_env.run(articles=True, per_host=1)
    assert len(asked) == 1 and first.articles_deferred == 3
    (host,) = first.host_waits
    wait = first.host_waits[host] - first.started
    assert timedelta(minutes=59) < wait <= timedelta(minutes=61)

    busy["on"] = False  # the hour is not over: no page is asked for
    second = fetch_env.run(articles=True, per_host=1)
    assert len(asked) == 1 and second.articles_deferred == 3
    assert second.host_waits == first.host_waits
    out = io.StringIO()
    print_summary(second, out)
    until = first.host_waits[host].astimezone(UTC)  # as `briefing feeds` gives a time
    assert f"outlets that asked to wait: {host} until {until:%Y-%m-%d %H:%M} (UTC)" in (
        out.getvalue()
    )
    assert second.as_dict()["host_waits"] == {host: first.host_waits[host].isoformat()}

    forced = fetch_env.run(articles=True, per_host=1, force=True)  # --force asks anyway
    assert len(asked) == 4 and forced.articles_extracted == 3
    assert all("Yerevan" in (r["text"] or "") for r in fetch_env.rows("Busy"))


def test_an_outlet_asking_to_wait_behind_a_redirector_holds_only_its_own_pages(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """Feed links that go through a tracking redirector: the outlet behind it (here
    "localhost") answers 429. Before, the redirector's host (here "127.0.0.1") was held too,
    and with it every other outlet's page behind it, for the Retry-After's length."""
    base = http_server.url("")
    outlet = http_server.url("", host="localhost")
    http_server.add("/r/busy", "", status=302, headers={"Location": f"{outlet}/busy"})
    http_server.add("/busy", "slow down", status=429, headers={"Retry-After": "3600"})
    http_server.add("/articles/calm", ARTICLE, content_type="text/html; charset=utf-8")
    feed = rss([("busy", "Yerevan border talks"), ("calm", "Yerevan border talks 2")], base=base)
    http_server.add("/f", feed.replace(f"{base}/articles/busy".encode(), f"{base}/r/busy".encode()))
    # the outlet behind the redirector is trusted like a feed's host (no public-address check)
    http_server.add("/other", rss([], base=outlet))
    fetch_env.configure(("F", "/f"), ("Other", outlet + "/other"))

    summary = fetch_env.run(articles=True)
    assert set(summary.host_waits) == {"localhost"}
    assert summary.articles_extracted == 1 and summary.articles_deferred == 1
    again = fetch_env.run(articles=True)
    assert again.articles_deferred == 1 and len(http_server.hits("/busy")) == 1
    assert len(http_server.hits("/r/busy")) == 2  # the redirector is asked; the outlet is not


def test_an_outlet_holding_many_pages_does_not_crowd_out_other_outlets_pending_pages(
    fetch_env: FetchEnv, http_server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run takes the newest PENDING_LIMIT pending pages. Before, an outlet that asked to
    wait a day, with more pending pages than that, took every place: the other outlets'
    older pending pages were not read until its wait ran out."""
    monkeypatch.setattr(refresh_module, "PENDING_LIMIT", 2)
    outlet = http_server.url("", host="localhost")
    calm = rss([("c0", "Yerevan border talks"), ("c1", "Border talks 2")], base=http_server.url(""))
    http_server.add("/calm", calm)
    http_server.add("/busy", rss([(f"b{i}", f"Tbilisi rally {i}") for i in range(3)], base=outlet))
    for i in range(2):
        http_server.add(f"/articles/c{i}", ARTICLE, content_type="text/html; charset=utf-8")
    fetch_env.configure(("Calm", "/calm"))
    fetch_env.run()  # --no-articles: Calm's 2 pages pending (an hour ago, below)
    db = sqlite3.connect(fetch_env.data_dir / "briefing.sqlite3")
    with db:
        db.execute("UPDATE articles SET first_seen = ?", (to_db(utcnow() - timedelta(hours=1)),))
    db.close()
    fetch_env.configure(("Calm", "/calm"), ("Busy", outlet + "/busy"))
    fetch_env.run()  # Busy's 3 pages pending, newer than Calm's
    assert fetch_env.store is not None
    fetch_env.store.set_host_wait("localhost", utcnow() + timedelta(days=1))

    summary = fetch_env.run(articles=True)
    assert summary.articles_extracted == 2 and summary.articles_deferred == 3
    assert all("Yerevan" in (r["text"] or "") for r in fetch_env.rows("Calm"))
    assert all(r["text"] is None for r in fetch_env.rows("Busy"))  # still pending
    assert not http_server.hits("/articles/b0")


def test_an_outlets_wait_runs_out(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        store.set_host_wait("a.example", now - timedelta(seconds=1))
        store.set_host_wait("b.example", now + timedelta(hours=2))
        store.set_host_wait("b.example", now + timedelta(hours=1))  # the later one stays
        assert store.host_waits(now) == {"b.example": now + timedelta(hours=2)}
        assert store.host_waits(now + timedelta(hours=3)) == {}
    finally:
        store.close()


def test_a_page_that_fails_for_a_passing_reason_is_tried_again_before_it_is_given_up(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """A timeout, a broken connection or a 5xx on an article page (a flaky link, a server
    restarting): before, the failure was recorded at once and the page never read again,
    the story left with the feed's summary for good. Now the next fetches try it again, up to
    PAGE_TRIES times in all; a 404 is still recorded at once."""
    answers = {"flaky": [502, 200], "down": [500, 502, 504, 200]}
    asked: list[str] = []

    def page(h: RequestHandler) -> None:
        key = h.path.rsplit("/", 1)[1]
        asked.append(key)
        status = answers[key].pop(0) if key in answers else 404
        if status == 200:
            h.respond(200, ARTICLE.encode(), content_type="text/html; charset=utf-8")
        else:
            h.respond(status, b"trouble")

    base = http_server.url("")
    for key in ("flaky", "down", "gone"):
        http_server.route(f"/articles/{key}", page)
    http_server.add("/news", rss([(k, f"Yerevan border talks: {k}") for k in
                                  ("flaky", "down", "gone")], base=base))  # fmt: skip
    fetch_env.configure(("News", "/news"))

    def rows() -> dict[str, Any]:
        return {r["key"]: r for r in fetch_env.rows("News")}

    first = fetch_env.run(articles=True)
    assert first.articles_deferred == 2 and first.articles_failed == 1  # 404: recorded
    assert "HTTP 404" in rows()["gone"]["extract_error"]
    assert all(rows()[k]["extract_error"] is None for k in ("flaky", "down"))

    second = fetch_env.run(articles=True)
    assert second.articles_extracted == 1  # flaky's second try
    assert "Yerevan" in rows()["flaky"]["text"]
    third = fetch_env.run(articles=True)
    assert third.articles_failed == 1  # down's third failure: recorded, not tried again
    assert "HTTP 504" in rows()["down"]["extract_error"]
    fetch_env.run(articles=True)
    assert asked.count("down") == 3 and asked.count("gone") == 1
    assert rows()["down"]["text"] is None


def test_a_full_disk_is_named_and_the_next_fetch_stores_what_it_could_not(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """The cache's disk full mid-fetch (SQLite's max_page_count stands in for it): each feed
    said "internal error: OperationalError: database or disk is full". It now says the disk
    is full; nothing stored is lost, and once there is room the next fetch stores the items."""
    base = http_server.url("")
    http_server.add("/f", rss([("a0", "Yerevan border talks")], base=base))
    fetch_env.configure(("F", "/f"))
    fetch_env.run()
    store = fetch_env.store
    assert store is not None
    with store._lock:  # the store's own connection: a limit of the pages it has now
        (pages,) = store._db.execute("PRAGMA page_count").fetchone()
        store._db.execute(f"PRAGMA max_page_count = {pages}")
    more = [(f"a{i}", f"Tbilisi rally {i}", "Rustaveli avenue. " * 200) for i in range(1, 40)]
    http_server.add("/f", rss([("a0", "Yerevan border talks"), *more], base=base))

    full = report(fetch_env.run(), "F")
    assert full.status == "error"
    assert full.error == (
        "cannot store its items: the disk holding the cache is full (what is stored is kept;"
        " the next fetch tries again)"
    )
    assert [r["title"] for r in fetch_env.rows("F")] == ["Yerevan border talks"]

    with store._lock:
        store._db.execute("PRAGMA max_page_count = 1073741823")
    again = report(fetch_env.run(), "F")
    assert again.status == "ok"
    assert len(fetch_env.rows("F")) == 40
