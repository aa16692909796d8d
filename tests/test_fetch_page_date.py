"""The article page's date: stored beside the feed's, used as `published` when the feed gave
none (within the feed-date window, never past first seen), and the v2 -> v3 migration."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from fetchenv import FetchEnv, report
from httpserver import TestServer

from briefing.commands.scripting import story_json
from briefing.config import Feed
from briefing.fetch.parse import sane_page_date
from briefing.models import ArticleIn, FeedUpdate
from briefing.store import DB_FILENAME, Store
from briefing.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

HTML = "text/html; charset=utf-8"


def page(day: str | None, words: str) -> bytes:
    """An article page; `day` goes in article:published_time (None: no date on the page)."""
    meta = f'<meta property="article:published_time" content="{day}">' if day else ""
    paragraphs = "".join(
        f"<p>Paragraph {i}: {words} met in Baku for talks that ran late, officials said.</p>"
        for i in range(6)
    )
    return (
        f"<html lang='en'><head><title>T</title>{meta}</head><body><article>"
        f"<h1>Talks</h1>{paragraphs}</article></body></html>"
    ).encode()


DATED = format_datetime(datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2))


def feed(base: str, undated_title: str = "Undated talks") -> bytes:
    """Three items: one dated by the feed (two hours ago), two without a date."""
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>A</title>'
        f"<item><guid>dated</guid><title>Dated talks</title><link>{base}/articles/dated</link>"
        f"<pubDate>{DATED}</pubDate><description>Teaser one.</description></item>"
        f"<item><guid>undated</guid><title>{undated_title}</title>"
        f"<link>{base}/articles/undated</link><description>Teaser two.</description></item>"
        f"<item><guid>nodate</guid><title>No date anywhere</title>"
        f"<link>{base}/articles/nodate</link><description>Teaser three.</description></item>"
        "</channel></rss>"
    ).encode()


def test_page_date_is_stored_and_fills_a_missing_published(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    base = http_server.url("")
    http_server.add("/f", feed(base))
    http_server.add(
        "/articles/dated", page("2025-06-20T10:00:00+04:00", "the ministers"), content_type=HTML
    )
    http_server.add(
        "/articles/undated", page("2025-06-28T09:30:00+04:00", "the envoys"), content_type=HTML
    )
    http_server.add("/articles/nodate", page(None, "the deputies"), content_type=HTML)
    fetch_env.configure(("F", "/f"))

    summary = fetch_env.run(articles=True)

    assert summary.articles_extracted == 3, summary.as_dict()
    rows = {r["key"]: r for r in fetch_env.rows("F")}
    # The feed's date is never overwritten; the page's is kept beside it.
    assert rows["dated"]["page_date"] == "2025-06-20"
    feed_date = datetime.fromisoformat(rows["dated"]["published"])
    assert timedelta(hours=1) < datetime.now(UTC) - feed_date < timedelta(hours=3)  # the feed's
    # No date in the feed: the page's date (midnight UTC) becomes published.
    assert rows["undated"]["page_date"] == "2025-06-28"
    assert rows["undated"]["published"] == "2025-06-28T00:00:00+00:00"
    # No date anywhere: still unknown, ordering falls back to first seen.
    assert rows["nodate"]["page_date"] is None and rows["nodate"]["published"] is None

    assert fetch_env.store is not None
    story = fetch_env.store.story(rows["undated"]["id"])
    assert story is not None and story.page_date == "2025-06-28"
    assert story.when == datetime(2025, 6, 28, tzinfo=UTC)
    shown = story_json(story)
    assert shown["page_date"] == "2025-06-28"
    assert shown["published"] == "2025-06-28T00:00:00+00:00"

    # The feed changes the undated item (new title, still no date): the page's date stays.
    http_server.add("/f", feed(base, undated_title="Undated talks, updated"))
    assert report(fetch_env.run(articles=True), "F").updated == 1
    again = {r["key"]: r for r in fetch_env.rows("F")}
    assert again["undated"]["title"] == "Undated talks, updated"
    assert again["undated"]["published"] == "2025-06-28T00:00:00+00:00"
    assert again["nodate"]["published"] is None


def test_page_dates_outside_the_window_are_not_used() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert sane_page_date("2025-06-30", now) == datetime(2025, 6, 30, tzinfo=UTC)
    assert sane_page_date("2025-06-30T09:30:00+04:00", now) == datetime(
        2025, 6, 30, 5, 30, tzinfo=UTC
    )
    assert sane_page_date("2026-01-02", now) == datetime(2026, 1, 2, tzinfo=UTC)  # a day ahead
    for bad in ("1989-12-31", "2026-01-03", "30/06/2025", "garbage", "", None):
        assert sane_page_date(bad, now) is None, bad


def test_a_page_date_never_moves_published_past_first_seen(tmp_path: Path) -> None:
    feed_cfg = Feed("F", "http://127.0.0.1:9/f", ())
    checked = datetime(2026, 1, 1, 12, tzinfo=UTC)
    with Store.open(tmp_path) as store:
        store.sync_feeds([feed_cfg])
        saved = store.save_feed_result(
            feed_cfg.url,
            FeedUpdate(status="ok", checked=checked),
            [ArticleIn(key="a", link="http://x/a", title="A", content_hash="1")],
        )
        (article_id,) = saved.new_ids
        # A page dated "tomorrow" (inside the one-day slack) is clamped to first seen.
        store.set_article_text(
            article_id, text="Body", page_date="2026-01-02",
            page_published=datetime(2026, 1, 2, tzinfo=UTC),
        )  # fmt: skip
        story = store.story(article_id)
        assert story is not None
        assert story.published == checked and story.page_date == "2026-01-02"


def test_migrates_from_schema_2_keeping_articles(tmp_path: Path) -> None:
    # A version-2 file, as the previous briefing left it, with one article of a feed.
    path = tmp_path / DB_FILENAME
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    for step in MIGRATIONS[:2]:
        step(db, "2025-07-01T00:00:00+00:00")
    db.execute("INSERT INTO feeds (id, url, name) VALUES (7, 'http://127.0.0.1:9/f', 'F')")
    db.execute(
        "INSERT INTO articles (feed_id, key, title, first_seen, extract_error)"
        " VALUES (7, 'k', 'Old story', '2025-07-01T09:00:00+00:00', 'no article text')"
    )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 2")
    db.execute("COMMIT")
    db.close()

    with Store.open(tmp_path) as store:
        assert store.schema_version == SCHEMA_VERSION
        (old,) = [s for s in store.stories_between(None) if s.title == "Old story"]
        assert old.page_date is None and old.extract_error == "no article text"
        assert old.published is None
        store.set_article_text(
            old.id, text=None, page_date="2025-06-30",
            page_published=datetime(2025, 6, 30, tzinfo=UTC), error="no article text",
        )  # fmt: skip
        story = store.story(old.id)
        assert story is not None and story.page_date == "2025-06-30"
        assert story.published == datetime(2025, 6, 30, tzinfo=UTC)
        assert store.integrity_check() == ["ok"]


def test_a_page_too_short_to_extract_still_dates_an_undated_item() -> None:
    """A page with a date but no article text (a video page, a stub): before, its date was
    dropped with the failed extraction, and the undated item sorted by first seen."""
    from briefing.fetch.extract import extract_article

    stub = (
        b"<html><head><meta property='article:published_time' content='2025-06-28T09:30:00Z'>"
        b"<title>Video</title></head><body><article><p>Watch.</p></article></body></html>"
    )
    got = extract_article(stub, {"content-type": HTML}, "https://example.org/v")
    assert got.text is None and got.error == "no article text found on the page"
    assert got.date == "2025-06-28"
