"""A feed item that changes after it was stored (a developing story): its text follows it.

Before, a changed item had its title and summary rewritten but kept the full text of its first
version (the feed's content:encoded, or its page), and its thread kept the old "last moved".
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from fetchenv import FetchEnv
from httpserver import RequestHandler, TestServer

HTML = "text/html; charset=utf-8"


def page(headline: str, fact: str) -> str:
    return (
        f"<html lang='en'><head><title>{headline}</title></head><body><article>"
        f"<h1>{headline}</h1>"
        + "".join(
            f"<p>Paragraph {i}: {fact}, officials in Baku told reporters on Tuesday.</p>"
            for i in range(6)
        )
        + "</article></body></html>"
    )


def feed(base: str, title: str, summary: str, when: datetime, *, full: str | None = None) -> str:
    content = f"<content:encoded>{escape(full)}</content:encoded>" if full else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        f"<item><guid>quake</guid><title>{escape(title)}</title>"
        f"<link>{base}/articles/quake</link><pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(summary)}</description>{content}</item>"
        "</channel></rss>"
    )


def story(env: FetchEnv) -> sqlite3.Row:
    (row,) = env.rows("F")
    return row


def thread_updated(env: FetchEnv, article_id: int) -> str | None:
    db = sqlite3.connect(env.data_dir / "briefing.sqlite3")
    try:
        return db.execute(
            "SELECT t.updated FROM threads t JOIN membership m ON m.thread_id = t.id"
            " WHERE m.article_id = ?",
            (article_id,),
        ).fetchone()[0]
    finally:
        db.close()


def test_a_changed_item_reads_its_page_again_and_redates_its_thread(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    base = http_server.url("")
    first = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    http_server.add(
        "/f", feed(base, "Earthquake near Shamakhi", "A quake was felt in Baku.", first)
    )
    http_server.add(
        "/articles/quake", page("Earthquake near Shamakhi", "no one was hurt"), content_type=HTML
    )
    fetch_env.configure(("F", "/f"))
    fetch_env.run(articles=True)
    row = story(fetch_env)
    assert "no one was hurt" in row["text"]
    before = thread_updated(fetch_env, row["id"])
    assert before is not None and before.startswith(first.strftime("%Y-%m-%dT%H:%M"))

    # An hour later the outlet updates the item (new headline, summary, date) and its page.
    later = first + timedelta(hours=1)
    http_server.add(
        "/f", feed(base, "Earthquake near Shamakhi: two injured", "Two people hurt.", later)
    )
    http_server.add(
        "/articles/quake", page("Two injured", "two people were injured"), content_type=HTML
    )
    summary = fetch_env.run(articles=True)

    row = story(fetch_env)
    assert summary.feeds[0].updated == 1 and not summary.new_ids
    assert row["title"] == "Earthquake near Shamakhi: two injured"
    assert "two people were injured" in row["text"] and "no one was hurt" not in row["text"]
    assert len(http_server.hits("/articles/quake")) == 2
    assert thread_updated(fetch_env, row["id"]).startswith(later.strftime("%Y-%m-%dT%H:%M"))

    # Only the date moves (some feeds restamp every item): the page is not read again, the
    # thread follows the date. Then the page goes away: the text read before is kept.
    latest = later + timedelta(minutes=30)
    http_server.add(
        "/f", feed(base, "Earthquake near Shamakhi: two injured", "Two people hurt.", latest)
    )
    fetch_env.run(articles=True)
    assert len(http_server.hits("/articles/quake")) == 2
    assert thread_updated(fetch_env, row["id"]).startswith(latest.strftime("%Y-%m-%dT%H:%M"))
    http_server.add(
        "/f", feed(base, "Earthquake near Shamakhi: three injured", "Three hurt.", latest)
    )
    http_server.add("/articles/quake", "gone", status=404)
    fetch_env.run(articles=True)
    row = story(fetch_env)
    assert row["title"] == "Earthquake near Shamakhi: three injured"
    assert "two people were injured" in row["text"]
    assert len(http_server.hits("/articles/quake")) == 3


def test_a_changed_full_text_item_replaces_its_text_without_reading_the_page(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    base = http_server.url("")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    # long enough to count as the full article (parse.FULL_TEXT_MIN)
    body = "<p>{}</p>" + "<p>The talks on the border commissions continued in Baku.</p>" * 30
    http_server.add(
        "/f",
        feed(base, "Talks in Baku", "Talks.", when, full=body.format("Round one.")),
    )
    fetch_env.configure(("F", "/f"))
    fetch_env.run(articles=True)
    assert "Round one." in story(fetch_env)["text"]
    http_server.add(
        "/f",
        feed(base, "Talks in Baku end", "Ended.", when, full=body.format("Round two.")),
    )
    fetch_env.run(articles=True)
    text = story(fetch_env)["text"]
    assert "Round two." in text and "Round one." not in text
    assert not http_server.hits("/articles/quake")  # the feed carries the text


def test_pages_a_killed_run_never_read_are_read_by_the_next_fetch(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """A fetch killed while it read pages (or one run with --no-articles) leaves stories with
    no text and no recorded failure. The next fetch reads them even though the feed has not
    changed; a page that failed before is not asked again. Before, they stayed summaries."""
    base = http_server.url("")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    http_server.add("/f", feed(base, "Earthquake near Shamakhi", "Felt in Baku.", when))
    http_server.add("/articles/quake", page("Earthquake", "no one was hurt"), content_type=HTML)
    fetch_env.configure(("F", "/f"))
    fetch_env.run(articles=False)  # the pages were never read
    assert story(fetch_env)["text"] is None and story(fetch_env)["extract_error"] is None

    summary = fetch_env.run(articles=True)  # the feed is unchanged (same body)
    assert summary.feeds[0].status in ("ok", "not_modified") and not summary.new_ids
    assert "no one was hurt" in story(fetch_env)["text"]
    assert len(http_server.hits("/articles/quake")) == 1
    fetch_env.run(articles=True)  # read once: not again
    assert len(http_server.hits("/articles/quake")) == 1


def read_then_change_while_busy(
    env: FetchEnv, server: TestServer, title: str, status: int
) -> tuple[str, datetime]:
    """The quake story read once ("no one was hurt"), then its item renamed `title` while
    its page answers `status` (429/503, no Retry-After): left for the next run."""
    base = server.url("")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    server.add("/f", feed(base, "Earthquake near Shamakhi", "Felt in Baku.", when))
    server.add("/articles/quake", page("Earthquake", "no one was hurt"), content_type=HTML)
    env.configure(("F", "/f"))
    env.run(articles=True)
    assert "no one was hurt" in story(env)["text"]
    server.add("/f", feed(base, title, "Two hurt.", when))
    server.add("/articles/quake", "busy", status=status)
    summary = env.run(articles=True)
    assert summary.feeds[0].updated == 1 and summary.articles_deferred == 1
    return base, when


def test_a_changed_item_whose_page_could_not_be_read_again_is_read_by_a_later_fetch(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """A changed item's page that a run leaves unread (the outlet asked to wait, the page
    budget was spent, the run had --no-articles) is read by a later run. Before, its story
    kept the text of the first version for good: the page was "read", so nothing was pending,
    and no later run read it again unless the item changed once more."""
    # The item changes while the outlet asks us to wait: the page is left for the next run.
    base, first = read_then_change_while_busy(
        fetch_env, http_server, "Earthquake near Shamakhi: two hurt", 429
    )
    assert "no one was hurt" in story(fetch_env)["text"]  # the text read before, for now

    # The next run (the feed unchanged) reads it; the one after does not read it again.
    http_server.add("/articles/quake", page("Two hurt", "two people were hurt"), content_type=HTML)
    summary = fetch_env.run(articles=True)
    assert not summary.feeds[0].updated and summary.articles_extracted == 1
    assert "two people were hurt" in story(fetch_env)["text"]
    fetch_env.run(articles=True)
    assert len(http_server.hits("/articles/quake")) == 3

    # Changed during a run without pages: the next run with pages reads it.
    http_server.add("/f", feed(base, "Earthquake near Shamakhi: three hurt", "Three.", first))
    fetch_env.run(articles=False)
    http_server.add("/articles/quake", page("Three hurt", "three were hurt"), content_type=HTML)
    fetch_env.run(articles=True)
    assert "three were hurt" in story(fetch_env)["text"]
    assert len(http_server.hits("/articles/quake")) == 4


def test_a_changed_item_gets_a_new_try_at_a_page_that_failed_before(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """A failure recorded for the first version's page (a 404: the link was wrong) does not
    stand in the way of the changed item's page, which has tries of its own, even when the
    run that saw the change could not read it."""
    base = http_server.url("")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    http_server.add("/f", feed(base, "Earthquake near Shamakhi", "Felt in Baku.", when))
    http_server.add("/articles/quake", "not yet", status=404)
    fetch_env.configure(("F", "/f"))
    fetch_env.run(articles=True)
    assert "HTTP 404" in story(fetch_env)["extract_error"]

    http_server.add("/f", feed(base, "Earthquake near Shamakhi: update", "Update.", when))
    http_server.add("/articles/quake", "busy", status=503)
    assert fetch_env.run(articles=True).articles_deferred == 1
    http_server.add("/articles/quake", page("Update", "no one was hurt"), content_type=HTML)
    fetch_env.run(articles=True)
    row = story(fetch_env)
    assert "no one was hurt" in row["text"] and row["extract_error"] is None


def test_a_pending_page_whose_item_now_links_elsewhere_gives_way_to_the_new_link(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """A run reads the pages left pending before it reads the feeds. When the pending item
    has changed again, to a new link, the new link's text is the one kept, even if the old
    page answers last."""
    # pending, to be read again
    base, when = read_then_change_while_busy(
        fetch_env, http_server, "Earthquake near Shamakhi: two hurt", 503
    )

    def old_page(h: RequestHandler) -> None:  # answers after the new link's page
        time.sleep(1.0)
        h.respond(200, page("Two hurt", "the old address").encode(), content_type=HTML)

    http_server.route("/articles/quake", old_page)
    moved = feed(base, "Earthquake near Shamakhi: two hurt", "Two.", when).replace(
        "/articles/quake", "/articles/quake-2"
    )
    http_server.add("/f", moved)
    http_server.add("/articles/quake-2", page("Two hurt", "the new address"), content_type=HTML)
    fetch_env.run(articles=True)
    row = story(fetch_env)
    assert row["link"].endswith("/articles/quake-2")
    assert len(http_server.hits("/articles/quake")) == 3  # the old page was asked, and ignored
    assert "the new address" in row["text"] and "the old address" not in row["text"]


def test_a_superseded_page_that_fails_takes_no_try_from_the_new_link_and_is_not_deferred(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """The old link of a pending page whose item now links elsewhere answers a passing
    failure (a 502) after the feed moved the item: the new link's page is read, so nothing
    is left for the next run, and the old link's failure is not a try of the new one's."""
    base = http_server.url("")
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    http_server.add("/f", feed(base, "Earthquake near Shamakhi", "Felt in Baku.", when))
    http_server.add("/articles/quake", "busy", status=503)
    fetch_env.configure(("F", "/f"))
    assert fetch_env.run(articles=True).articles_deferred == 1  # pending: never read

    def old_page(h: RequestHandler) -> None:  # fails after the feed moved the item
        time.sleep(1.0)
        h.respond(502, b"bad gateway")

    http_server.route("/articles/quake", old_page)
    moved = feed(base, "Earthquake near Shamakhi", "Felt in Baku.", when).replace(
        "/articles/quake", "/articles/quake-2"
    )
    http_server.add("/f", moved)
    http_server.add("/articles/quake-2", page("Earthquake", "the new address"), content_type=HTML)
    summary = fetch_env.run(articles=True)
    assert len(http_server.hits("/articles/quake")) == 2  # the old page was asked, and failed
    row = story(fetch_env)
    assert "the new address" in row["text"]
    assert summary.articles_extracted == 1
    assert summary.articles_deferred == 0  # was 1: "left for the next run", though it was read
    assert row["page_tries"] == 0  # was 1: the old link's 502 counted against the new link
