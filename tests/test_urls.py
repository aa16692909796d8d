"""Malformed URLs from feeds or files are refused quietly, never a crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefing.sanitize import http_url
from briefing.tui import reader

BAD = ["http://[::1/a", "http://a.example:99999/", "javascript:alert(1)", "file:///etc/passwd",
       "http://", "http://a b/", "http://a.example/\x1b[31m", ""]  # fmt: skip


@pytest.mark.parametrize("url", BAD)
def test_bad_urls_are_refused(url: str) -> None:
    assert http_url(url) is None
    assert reader.http_url(url) is None  # the check the app's o and y go through


def test_good_urls_pass() -> None:
    for url in ("https://oc-media.org/feed/", "http://[::1]:8080/x", "https://civil.ge/ru/feed"):
        assert http_url(url) == url


def test_import_reports_a_malformed_url_instead_of_crashing(tmp_path: Path) -> None:
    urls = tmp_path / "urls"
    urls.write_text("https://oc-media.org/feed/ caucasus\nhttp://[::1/feed tag\n")
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("[settings]\n")
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "--feeds", str(feeds), "--data-dir",
         str(tmp_path / "d"), "import", str(urls)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr
    assert "line 2" in proc.stdout + proc.stderr


@pytest.mark.parametrize("fast", [True, False])
def test_feed_item_with_malformed_link_is_kept_without_the_link(fast: bool) -> None:
    from briefing.fetch.parse import parse_feed

    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Baku talks</title><link>http://[::1/a</link><guid>g1</guid></item>"
        b"<item><title>Good</title><link>https://oc-media.org/a</link><guid>g2</guid></item>"
        b"</channel></rss>"
    )
    items = {
        i.title: i for i in parse_feed(body, {}, url="https://oc-media.org/feed", fast=fast).items
    }
    assert items["Baku talks"].link == "" and items["Good"].link == "https://oc-media.org/a"
