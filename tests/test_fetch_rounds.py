"""A long run places the stories that are ready before its slowest page is in.

Before, a run placed its stories in threads only once every page was read: on a first fetch
over a slow link (up to the 5-minute page budget) the reader saw no new story in any thread
for minutes, though most of them were stored with their text early on."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from fetchenv import ARTICLE, FetchEnv, rss
from httpserver import RequestHandler, TestServer

from briefing import refresh as pipeline
from briefing.refresh import Progress


def placed(env: FetchEnv) -> dict[str, int | None]:
    db = sqlite3.connect(env.data_dir / "briefing.sqlite3")
    try:
        rows = db.execute(
            "SELECT a.key, m.thread_id FROM articles a"
            " LEFT JOIN membership m ON m.article_id = a.id WHERE a.feed_id IS NOT NULL"
        ).fetchall()
        return dict(rows)
    finally:
        db.close()


def test_ready_stories_are_placed_while_a_slow_page_is_still_read(
    fetch_env: FetchEnv, http_server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "PLACE_FIRST_AFTER", 0.3)
    release = threading.Event()
    seen_mid_run: list[dict[str, int | None]] = []

    def slow(h: RequestHandler) -> None:
        release.wait(5)
        h.respond(200, ARTICLE.encode(), content_type="text/html; charset=utf-8")

    def progress(p: Progress) -> None:
        # (both ready stories placed: by the first round, or on a loaded machine, where a
        # page's extraction can miss it, by the next, 0.6 s later)
        if p.placed >= 2 and not seen_mid_run:
            seen_mid_run.append(placed(fetch_env))  # the cache as another reader sees it
            release.set()

    base = http_server.url("")
    http_server.route("/articles/slow", slow)
    http_server.add("/articles/fast", ARTICLE, content_type="text/html; charset=utf-8")
    http_server.add("/articles/quick", ARTICLE, content_type="text/html; charset=utf-8")
    items = [("fast", "Yerevan border talks"), ("quick", "Earthquake near Shamakhi"),
             ("slow", "Tbilisi protest march")]  # fmt: skip
    http_server.add("/f", rss(items, base=base))
    fetch_env.configure(("F", "/f"))
    try:
        summary = fetch_env.run(articles=True, progress=progress)
    finally:
        release.set()

    (mid,) = seen_mid_run
    assert mid["fast"] is not None and mid["quick"] is not None  # in threads mid-run
    assert mid["slow"] is None  # its page was not in yet: placed with its text, at the end
    end = placed(fetch_env)
    assert all(end[k] is not None for k in ("fast", "quick", "slow"))
    assert summary.threads_assigned == 3 and summary.articles_extracted == 3
    slow_row = next(r for r in fetch_env.rows("F") if r["key"] == "slow")
    assert "Paragraph 7" in slow_row["text"]


def test_a_short_run_places_its_stories_once_at_its_end(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    rounds: list[int] = []
    base = http_server.url("")
    http_server.add("/articles/a", ARTICLE, content_type="text/html; charset=utf-8")
    http_server.add("/f", rss([("a", "Yerevan border talks")], base=base))
    fetch_env.configure(("F", "/f"))
    summary = fetch_env.run(articles=True, progress=lambda p: rounds.append(p.placed))
    assert set(rounds) == {0} and summary.threads_assigned == 1
