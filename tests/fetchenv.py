"""Helpers for the fetch tests: a data dir + feeds.toml + store around a TestServer."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from httpserver import TestServer

from briefing.config import Config, load_config
from briefing.fetch.http import Limits, MiB
from briefing.refresh import FeedReport, RefreshSummary, refresh
from briefing.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
# Short limits so hostile servers cost a test about two seconds, not a minute.
# An article page trafilatura extracts (eight paragraphs on border talks in Yerevan).
ARTICLE = (
    "<html lang='en'><head><title>Talks</title></head><body><article><h1>Talks in Yerevan</h1>"
    + "".join(
        f"<p>Paragraph {i}: ministers met in Yerevan for the {i}th round of border talks,"
        f" and delegate number {i * 7} said a deal on the crossing at mile {i + 3} is near.</p>"
        for i in range(8)
    )
    + "</article></body></html>"
)

FAST = Limits(connect=2.0, read=2.0, total=2.0, feed_bytes=2 * MiB, page_bytes=2 * MiB)


def rss(
    items: Sequence[tuple[str, str] | tuple[str, str, str]],
    *,
    title: str = "Test feed",
    base: str = "http://127.0.0.1",
    when: datetime | None = None,
) -> bytes:
    """An RSS 2.0 document; items are (guid, title[, description])."""
    when = when or datetime.now(UTC) - timedelta(hours=1)
    parts = []
    for i, item in enumerate(items):
        guid, item_title = item[0], item[1]
        desc = item[2] if len(item) > 2 else f"About {item_title}."
        pub = format_datetime(when - timedelta(minutes=i))
        parts.append(
            f"<item><title>{escape(item_title)}</title><link>{base}/articles/{guid}</link>"
            f'<guid isPermaLink="false">{guid}</guid><pubDate>{pub}</pubDate>'
            f"<description>{escape(desc)}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{base}/</link>{''.join(parts)}</channel></rss>"
    ).encode()


def fixture(name: str, base: str) -> bytes:
    return (FIXTURES / name).read_bytes().replace(b"{base}", base.encode())


class FetchEnv:
    def __init__(self, tmp_path: Path, server: TestServer, pool: Executor | None) -> None:
        self.tmp = tmp_path
        self.server = server
        self.pool = pool
        self.data_dir = tmp_path / "data"
        self.feeds_path = tmp_path / "feeds.toml"
        self.config: Config | None = None
        self.store: Store | None = None

    def configure(
        self, *feeds: tuple[str, str] | tuple[str, str, dict[str, Any]], **settings: Any
    ) -> Config:
        lines = []
        if settings:
            lines.append("[settings]")
            for key, value in settings.items():
                lines.append(f"{key} = {_toml(value)}")
        for feed in feeds:
            name, path = feed[0], feed[1]
            extra = feed[2] if len(feed) > 2 else {}
            url = path if path.startswith("http") else self.server.url(path)
            lines.append(f'[[feeds]]\nname = "{name}"\nurl = "{url}"')
            for key, value in extra.items():
                lines.append(f"{key} = {_toml(value)}")
        self.feeds_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.config = load_config(self.feeds_path)
        if self.store is None:
            self.store = Store.open(self.data_dir)
        self.store.sync_feeds(self.config.feeds)
        self.store.ensure_pinned(self.config.threads)
        return self.config

    def run(self, **kwargs: Any) -> RefreshSummary:
        assert self.store is not None and self.config is not None
        kwargs.setdefault("limits", FAST)
        kwargs.setdefault("pool", self.pool)
        kwargs.setdefault("article_max_age", None)
        kwargs.setdefault("articles", False)
        return refresh(self.store, self.config, **kwargs)

    def timed(self, **kwargs: Any) -> tuple[RefreshSummary, float]:
        start = time.monotonic()
        summary = self.run(**kwargs)
        return summary, time.monotonic() - start

    def url(self, name: str) -> str:
        assert self.config is not None
        feed = self.config.feed_named(name)
        assert feed is not None
        return feed.url

    def state(self, name: str):  # -> FeedState
        assert self.store is not None
        state = self.store.feed(self.url(name))
        assert state is not None
        return state

    def rows(self, name: str) -> list[sqlite3.Row]:
        """The articles of one feed, read through a separate connection (as the app would)."""
        db = sqlite3.connect(self.data_dir / "briefing.sqlite3")
        db.row_factory = sqlite3.Row
        try:
            return db.execute(
                "SELECT a.*, coalesce(t.hidden, 0) AS hidden FROM articles a"
                " JOIN feeds f ON f.id = a.feed_id LEFT JOIN triage t ON t.article_id = a.id"
                " WHERE f.name = ? ORDER BY a.id",
                (name,),
            ).fetchall()
        finally:
            db.close()

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def report(summary: RefreshSummary, name: str) -> FeedReport:
    for rep in summary.feeds:
        if rep.name == name:
            return rep
    raise AssertionError(f"no report for {name}: {[r.name for r in summary.feeds]}")


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def crashing_parse(body: bytes, headers: Any = None, **kwargs: Any) -> Any:
    """parse_feed, except that a body containing CRASH kills the worker process."""
    import os

    from briefing.fetch.parse import parse_feed

    if b"CRASH" in body:
        os._exit(3)
    return parse_feed(body, headers, **kwargs)
