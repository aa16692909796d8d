"""The briefing export: golden files per format, hostile text stays inert, windows, files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import export_db
import pytest
from markdown_it import MarkdownIt

from briefing.export.briefing import (
    LAST_EXPORT_KEY,
    build_briefing,
    format_time,
    md_escape,
    parse_since,
    render,
    safe_url,
    write_briefing,
)
from briefing.store import Store

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("BRIEFING_UPDATE_GOLDEN") == "1"


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = export_db.build(tmp_path)
    yield s
    s.close()


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs (BRIEFING_UPDATE_GOLDEN=1)"


@pytest.mark.parametrize(("fmt", "ext"), [("markdown", "md"), ("html", "html"), ("json", "json")])
def test_window_briefing_matches_golden(store: Store, tmp_path: Path, fmt: str, ext: str) -> None:
    model = build_briefing(
        store, export_db.config(tmp_path), since=export_db.SINCE, now=export_db.NOW
    )
    check_golden(f"briefing-window.{ext}", render(model, fmt))


@pytest.mark.parametrize(("fmt", "ext"), [("markdown", "md"), ("json", "json")])
def test_marked_briefing_matches_golden(store: Store, tmp_path: Path, fmt: str, ext: str) -> None:
    model = build_briefing(store, export_db.config(tmp_path), marked=True, now=export_db.NOW)
    check_golden(f"briefing-marked.{ext}", render(model, fmt))


def test_model_groups_threads_folds_copies_and_numbers_sources(
    store: Store, tmp_path: Path
) -> None:
    model = build_briefing(
        store, export_db.config(tmp_path), since=export_db.SINCE, now=export_db.NOW
    )
    titles = [t.title for t in model.threads]
    # Muted thread left out; the seed article (first seen "now", in 2026+) is outside the window.
    assert titles == ["Georgia: protests in Tbilisi", "Armenia–Azerbaijan border talks"]
    border = model.threads[1]
    assert len(border.stories) == 1 and border.stories[0].also == ("JAMnews",)
    assert border.moved.startswith("1 new story from 2 outlets since 2025-06-29 22:00")
    georgia = model.threads[0]
    assert georgia.moved.startswith("6 new stories from 3 outlets")
    # Stories oldest first inside a thread, each with a source number; numbers are 1..n.
    assert [s.when for s in georgia.stories] == sorted(s.when for s in georgia.stories)
    assert [src.number for src in model.sources] == list(range(1, len(model.sources) + 1))
    first = georgia.stories[0]
    assert first.when.utcoffset() == timedelta(hours=4)
    assert first.excerpt == "Thousands gathered again outside parliament."
    gabala = border.stories[0].excerpt
    assert gabala.endswith("near Tavush.") and "July" not in gabala  # two sentences


def test_thread_selection_includes_muted_and_whole_thread(store: Store, tmp_path: Path) -> None:
    config = export_db.config(tmp_path)
    threads = {t.title: t.id for t in store.threads(include_dormant=True, now=export_db.NOW)}
    football = threads["Football results"]
    border = threads["Armenia–Azerbaijan border talks"]
    model = build_briefing(store, config, thread_ids=[border, football], now=export_db.NOW)
    assert [t.title for t in model.threads] == [
        "Armenia–Azerbaijan border talks",
        "Football results",
    ]
    # Without --since: the whole thread, including the story from 60 hours ago.
    assert "Earlier: talks announced" in [s.title for s in model.threads[0].stories]
    assert model.scope == "threads"


def test_hostile_text_is_inert_in_html(store: Store, tmp_path: Path) -> None:
    html_text = render(
        build_briefing(store, export_db.config(tmp_path), since=export_db.SINCE, now=export_db.NOW),
        "html",
    )
    tags: list[str] = []
    hrefs: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.append(tag)
            for name, value in attrs:
                assert not name.startswith("on"), (tag, name)
                if name in ("href", "src"):
                    hrefs.append(value or "")

    Collect().feed(html_text)
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "ul", "ol",
               "li", "div", "a", "span"}  # fmt: skip
    assert set(tags) <= allowed
    assert tags.count("style") == 1 and "script" not in tags and "img" not in tags
    assert hrefs and all(re.match(r"https?://|#source-\d+$", h) for h in hrefs), hrefs
    assert "\x1b" not in html_text and "\x07" not in html_text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_text
    assert 'href="https://evil.example/a%22onmouseover=%22alert(1)"' in html_text
    assert "Content-Security-Policy" in html_text and "default-src 'none'" in html_text


@pytest.mark.parametrize("scope", ["window", "marked"])
def test_hostile_text_is_inert_in_markdown(store: Store, tmp_path: Path, scope: str) -> None:
    config = export_db.config(tmp_path)
    model = (
        build_briefing(store, config, marked=True, now=export_db.NOW)
        if scope == "marked"
        else build_briefing(store, config, since=export_db.SINCE, now=export_db.NOW)
    )
    text = render(model, "markdown")
    assert "\x1b" not in text and "\x07" not in text
    # Render as CommonMark (what GitHub and pandoc build on) with raw HTML allowed: the only
    # links are the autolinks we wrote, no images, no HTML from titles.
    rendered = MarkdownIt("commonmark", {"html": True}).render(text)
    assert "<img" not in rendered and "<script" not in rendered and "<b>" not in rendered
    hrefs = re.findall(r'href="([^"]*)"', rendered)
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs), hrefs
    assert "javascript" not in "".join(hrefs)
    # Every headline comes out as its literal text.
    for thread in model.threads:
        for story in thread.stories:
            literal = story.title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            assert f"<strong>{literal}</strong>" in rendered


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
@pytest.mark.parametrize("reader", ["markdown", "gfm"])
def test_markdown_golden_renders_inert_in_pandoc(reader: str) -> None:
    text = (GOLDEN / "briefing-window.md").read_text()
    html_out = subprocess.run(
        ["pandoc", "-f", reader, "-t", "html"], input=text, capture_output=True, text=True,
        check=True, timeout=60,
    ).stdout  # fmt: skip
    assert "<img" not in html_out and "<script" not in html_out and "<b>" not in html_out
    hrefs = re.findall(r'href="([^"]*)"', html_out)
    assert len(hrefs) == 12 and all(h.startswith("https://") for h in hrefs), hrefs
    assert html_out.count("<li>") == 7 + 7  # 7 stories, 7 sources
    assert "[@click=app.quit]x[/] rich markup" in html_out


def test_md_escape_neutralises_block_starts_and_links() -> None:
    assert md_escape("1. Not a list") == "1\\. Not a list"
    assert md_escape("- not a bullet") == "\\- not a bullet"
    assert md_escape("![x](javascript:y)") == "\\!\\[x\\]\\(javascript:y\\)"
    html_out = MarkdownIt("commonmark", {"html": True}).render(
        md_escape("<a href='javascript:x'>hi</a> &#106; `c` *e*")
    )
    assert "<a" not in html_out and "<code>" not in html_out and "<em>" not in html_out


def test_json_export_shape(store: Store, tmp_path: Path) -> None:
    model = build_briefing(
        store, export_db.config(tmp_path), since=export_db.SINCE, now=export_db.NOW
    )
    data = json.loads(render(model, "json"))
    assert data["format"] == "briefing/1" and data["timezone"] == "Asia/Baku"
    assert set(data) == {"format", "title", "generated", "timezone", "scope", "since", "until",
                         "summary", "threads", "sources"}  # fmt: skip
    story = data["threads"][0]["stories"][1]
    assert set(story) == {"id", "title", "outlet", "time", "excerpt", "link", "source", "also"}
    assert story["link"] is None  # javascript: link dropped
    numbers = {s["number"] for s in data["sources"]}
    assert all(s["source"] in numbers for t in data["threads"] for s in t["stories"])


def test_time_zone_is_named_for_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        moment = datetime(2025, 1, 15, 12, 0, tzinfo=UTC).astimezone()
        assert format_time(moment) == "2025-01-15 13:00 (CET, UTC+01:00)"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    baku = datetime(2025, 6, 30, 14, 0, tzinfo=UTC).astimezone(ZoneInfo("Asia/Baku"))
    assert format_time(baku, "Asia/Baku") == "2025-06-30 18:00 (Asia/Baku, UTC+04:00)"


def test_local_zone_names_each_time_with_its_own_abbreviation(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        config = export_db.config(tmp_path, timezone="")
        model = build_briefing(store, config, since=export_db.SINCE, now=export_db.NOW)
        text = render(model, "markdown")
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert "2025-06-30 14:00 (CEST, UTC+02:00)" in text  # the Gabala story, 08:00 UTC
    assert "Asia/Baku" not in text


def test_marked_since_keeps_only_recent_marks(store: Store, tmp_path: Path) -> None:
    config = export_db.config(tmp_path)
    model = build_briefing(store, config, marked=True, since=export_db.SINCE, now=export_db.NOW)
    titles = [s.title for t in model.threads for s in t.stories]
    assert "Earlier: talks announced" not in titles and len(titles) == 2
    assert model.scope_line.startswith("Stories marked for the briefing, first seen since")


def test_parse_since() -> None:
    now = export_db.NOW
    baku = ZoneInfo("Asia/Baku")
    assert parse_since("24h", now, baku) == now - timedelta(hours=24)
    assert parse_since("7d", now, baku) == now - timedelta(days=7)
    assert parse_since("90m", now, baku) == now - timedelta(minutes=90)
    assert parse_since("2025-06-30", now, baku) == datetime(2025, 6, 29, 20, 0, tzinfo=UTC)
    assert parse_since("2025-06-30T08:00+00:00", now, baku) == datetime(2025, 6, 30, 8, tzinfo=UTC)
    with pytest.raises(ValueError, match="not a duration or a date"):
        parse_since("yesterday", now, baku)


def test_safe_url_only_web_links() -> None:
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("data:text/html,<script>") == ""
    assert safe_url("https://x.example/a b<c>") == "https://x.example/a%20b%3Cc%3E"
    assert safe_url("http://[::1") == ""
    assert safe_url("https://новости.рф/статья?x=1") == (
        "https://xn--b1amnebsh.xn--p1ai/%D1%81%D1%82%D0%B0%D1%82%D1%8C%D1%8F?x=1"
    )


def test_export_briefing_default_window_and_never_overwrites(store: Store, tmp_path: Path) -> None:
    config = export_db.config(tmp_path)
    out = tmp_path / "briefings"
    first = write_briefing(store, config, marked=False, directory=out, now=export_db.NOW)[0]
    assert first.name == "briefing-2025-06-30.md"
    # First export: the last 24 hours.
    assert "Protesters block Rustaveli Avenue" in first.read_text()
    assert store.get_meta(LAST_EXPORT_KEY) == "2025-06-30T18:00:00+00:00"
    later = export_db.NOW + timedelta(hours=1)
    second = write_briefing(store, config, marked=False, directory=out, now=later)[0]
    third = write_briefing(store, config, marked=True, fmt="html", directory=out, now=later)[0]
    assert second.name == "briefing-2025-06-30-2.md" and third.name == "briefing-2025-06-30.html"
    # Nothing new since the last export.
    assert "No stories." in second.read_text()
    assert first.read_text() != second.read_text()
    assert "Earlier: talks announced" in third.read_text()
    with pytest.raises(ValueError):
        write_briefing(store, config, marked=True, fmt="pdf", directory=out)[0]
