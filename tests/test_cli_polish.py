"""CLI and export polish: `threads` in the configured zone, singular/plural counts, the seed
article's time in exports and on the sparkline. Real caches in tmp_path, the CLI in-process."""

from __future__ import annotations

import json
from pathlib import Path

import export_db
import pytest

from briefing.cli import main

CONFIG = """\
[settings]
timezone = "{zone}"

[[feeds]]
name = "OC Media"
url = "https://oc-media.org/feed/"
"""


def make_env(tmp_path: Path, zone: str = "Asia/Baku") -> Path:
    export_db.build(tmp_path).close()
    (tmp_path / "feeds.toml").write_text(CONFIG.format(zone=zone))
    return tmp_path


@pytest.fixture()
def env(tmp_path: Path) -> Path:
    return make_env(tmp_path)


def cli(env: Path, *args: str) -> int:
    return main(["--feeds", str(env / "feeds.toml"), "--data-dir", str(env / "data"), *args])


def thread_lines(env: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """`briefing threads --all`: thread title -> its second (counts) line."""
    assert cli(env, "threads", "--all") == 0
    lines = capsys.readouterr().out.splitlines()
    return {lines[i].split(maxsplit=1)[1]: lines[i + 1].strip() for i in range(0, len(lines), 2)}


# ------------------------------------------------------------ 1. threads in the configured zone
def test_threads_prints_times_in_the_configured_zone(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = thread_lines(env, capsys)
    # the border thread last moved at 09:00 UTC (its wire copy's publication time): 13:00 in
    # Baku, named as `export` and `show` name it
    border = lines["Armenia–Azerbaijan border talks"]
    assert border.endswith("last moved 2025-06-30 13:00 (Asia/Baku, UTC+04:00)"), border
    assert "09:00" not in border and not border.endswith("UTC")
    assert cli(env, "export", "--since", "2025-06-29", "--no-record") == 0
    assert "(Asia/Baku, UTC+04:00)" in capsys.readouterr().out  # the same label


def test_threads_follows_another_zone_and_daylight_saving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = make_env(tmp_path, "America/New_York")
    border = thread_lines(env, capsys)["Armenia–Azerbaijan border talks"]
    assert border.endswith("last moved 2025-06-30 05:00 (America/New_York, UTC-04:00)"), border


def test_threads_json_stays_iso_8601_utc_with_offset(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(env, "threads", "--all", "--json") == 0
    data = {t["title"]: t for t in json.loads(capsys.readouterr().out)}
    assert data["Armenia–Azerbaijan border talks"]["updated"] == "2025-06-30T09:00:00+00:00"


# ------------------------------------------------------------ 2. one story, two stories
def test_threads_counts_say_story_and_stories(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = thread_lines(env, capsys)
    assert lines["Football results"].startswith("muted, 1 story, 1 outlet, 1 unread, ")
    assert lines["Georgia: protests in Tbilisi"].startswith("6 stories, 3 outlets, 6 unread, ")
    # the seed thread: one story, no outlet (the seed article has none), so no "0 outlets"
    seed = next(v for k, v in lines.items() if k.startswith("Azerbaijan–Russia crisis"))
    assert seed.startswith("pinned, 1 story, 1 unread, "), seed


def test_export_to_a_file_counts_story_and_thread(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = env / "b.md"
    assert cli(env, "export", "--thread", "4", "--no-record", "-o", str(out)) == 0
    assert capsys.readouterr().err == f"1 story in 1 thread -> {out}\n"
    assert "*1 story from 1 outlet, 2025-06-30 17:00 (Asia/Baku, UTC+04:00)*" in out.read_text()
    assert cli(env, "export", "--marked", "--no-record", "-o", str(out)) == 0
    assert capsys.readouterr().err == f"3 stories in 2 threads -> {out}\n"


def test_feeds_doctor_and_opml_count_one_feed(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(env, "feeds") == 0
    assert capsys.readouterr().out.endswith(f"1 feed from {env / 'feeds.toml'}\n")
    assert cli(env, "doctor") == 0
    out = capsys.readouterr().out
    # the fixture lists no pinned thread; the shipped seed is thread 1 all the same
    assert "feeds.toml  ok: 1 feed, 0 pinned threads (and thread 1, the shipped seed" in out
    # the fixture's three feeds are still in the cache
    assert ", 11 articles, 4 threads, 3 feeds\n" in out
    opml = env / "feeds.opml"
    assert cli(env, "export-opml", "-o", str(opml)) == 0
    assert capsys.readouterr().err == f"1 feed -> {opml}\n"


def test_import_counts_one_feed(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    urls = env / "urls"
    urls.write_text("https://civil.ge/feed\n")
    assert cli(env, "import", str(urls), "--dry-run") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{urls}: newsboat urls, 1 feed -> "), out


def test_split_counts_one_story(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(env, "stories", "--thread", "3", "--json") == 0
    latest = json.loads(capsys.readouterr().out)[0]  # newest first: the last one splits alone
    assert cli(env, "split", str(latest["id"]), "--title", "Later") == 0
    out = capsys.readouterr().out
    assert out.startswith("split thread 3: 1 story now in thread "), out


def test_fetch_summary_and_progress_count_one_of_each() -> None:
    import io
    from datetime import UTC, datetime

    from briefing.commands.fetch import ProgressBar, print_summary
    from briefing.refresh import FeedReport, Progress, RefreshSummary

    out = io.StringIO()
    report = FeedReport("One", "http://one", "ok", new=1, updated=1, hidden=1)
    summary = RefreshSummary(
        started=datetime.now(UTC), seconds=0.5, feeds=[report], articles_extracted=1
    )
    print_summary(summary, out)
    assert out.getvalue() == (
        "fetched 1 feed in 0.5 s: 1 ok, 0 not modified; 1 new item (1 hidden by the region"
        " filter), 1 updated; 1 article extracted, 0 kept as summary\n"
    )
    out = io.StringIO()
    bar = ProgressBar(out)
    bar.update(Progress(feeds_total=1, feeds_done=1, articles_total=1, articles_done=1,
                        articles_extracted=1, failures=1))  # fmt: skip
    assert out.getvalue().endswith("] 1/1 feed, 1/1 article, 1 feed failure")
    summary.feeds.append(FeedReport("Two", "http://two", "ok", new=2))
    out = io.StringIO()
    print_summary(summary, out)
    assert "fetched 2 feeds in " in out.getvalue() and "; 3 new items (1 hidden" in out.getvalue()


# ------------------------------------------------------------ 4. the seed is no spike
def test_sparkline_leaves_the_seed_article_out(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from briefing.models import ArticleIn, FeedUpdate
    from briefing.store import Store

    with Store.open(tmp_path / "data") as store:  # made just now: the seed's first seen is now
        store.sync_feeds(export_db.FEEDS)
        now = datetime.now(UTC).replace(microsecond=0)
        (seed_thread,) = store.threads(now=now, only=1)
        assert seed_thread.stories == 1  # the seed is still one of the thread's stories
        assert seed_thread.per_day == (0,) * 14  # but no news on the day the cache was made
        # a fetched story with no date of its own counts on the day it arrived
        (story,) = store.save_feed_result(
            export_db.FEEDS[0].url,
            FeedUpdate("ok", now),
            [ArticleIn(key="k", link="https://oc-media.org/k/", title="Talks", content_hash="k")],
        ).new_ids
        store.assign(story, 1)
        (seed_thread,) = store.threads(now=now, only=1)
        assert seed_thread.stories == 2 and seed_thread.per_day == (0,) * 13 + (1,)


# ------------------------------------------------------------ 3. a marked seed has no news time
MADE = "2025-07-01T08:00:00+00:00"  # when the cache was made (12:00 in Baku): no news time


@pytest.fixture()
def seeded(tmp_path: Path) -> Path:
    """A cache made at MADE (its seed article's first seen) with the seed and one fetched story
    of thread 1 marked for the briefing."""
    import sqlite3

    from briefing.models import FeedUpdate
    from briefing.store import Store

    (tmp_path / "feeds.toml").write_text(CONFIG.format(zone="Asia/Baku"))
    with Store.open(tmp_path / "data") as store:
        store.sync_feeds(export_db.FEEDS[:1])
        (story,) = store.save_feed_result(
            export_db.FEEDS[0].url,
            FeedUpdate("ok", export_db.NOW),
            [export_db.item("talks", "Talks in Gabala", 2, text="Commissions met. Again.")],
        ).new_ids
        store.assign(story, 1)
        (seed,) = [s for s in store.stories(1) if s.feed_id is None]
        assert seed.published is None  # the seed article gives no publication date
        for article_id in (seed.id, story):
            store.set_triage(article_id, in_briefing=True)
    with sqlite3.connect(tmp_path / "data" / "briefing.sqlite3") as db:
        db.execute("UPDATE articles SET first_seen = ? WHERE feed_id IS NULL", (MADE,))
    db.close()
    return tmp_path


def test_marked_seed_is_exported_undated_not_at_the_cache_creation_time(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(seeded, "export", "--marked", "--no-record") == 0
    text = capsys.readouterr().out
    assert "2025-07-01" not in text  # neither 08:00 UTC nor 12:00 in Baku, anywhere
    assert "\n  seed article, undated \\[1\\]  \n" in text  # the seed first, as the oldest
    assert "\n  OC Media, 2025-06-30 20:00 (Asia/Baku, UTC+04:00) \\[2\\]  \n" in text
    assert (
        "\n1. seed article: Azerbaijan–Russia crisis" in text and ", undated. (no link)\n" in text
    )
    # the seed article is no outlet; the span covers the dated story only
    assert "*2 stories marked from 1 outlet, 2025-06-30 20:00 (Asia/Baku, UTC+04:00)*" in text
    assert cli(seeded, "export", "--marked", "--no-record", "--format", "html") == 0
    html = capsys.readouterr().out
    assert "2025-07-01" not in html and '<div class="meta">seed article, undated <a' in html
    assert cli(seeded, "export", "--marked", "--no-record", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    (thread,) = data["threads"]
    assert [(s["outlet"], s["time"]) for s in thread["stories"]] == [
        ("seed article", None),
        ("OC Media", "2025-06-30T20:00:00+04:00"),
    ]
    assert [src["time"] for src in data["sources"]] == [None, "2025-06-30T20:00:00+04:00"]


def test_seed_alone_and_whole_thread_exports(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing.store import Store

    # the whole thread: the seed is listed, undated
    assert cli(seeded, "export", "--thread", "1", "--no-record") == 0
    text = capsys.readouterr().out
    assert "2025-07-01" not in text and "\n  seed article, undated \\[1\\]  \n" in text
    # marked since a date: the seed's first seen is no arrival, so only the fetched story
    assert cli(seeded, "export", "--marked", "--since", "2025-06-01", "--no-record") == 0
    text = capsys.readouterr().out
    assert "seed article" not in text and "*1 story marked from 1 outlet, 2025-06-30" in text
    # the seed alone: one story, no outlet, no span
    with Store.open(seeded / "data") as store:
        (story,) = [s for s in store.stories(1) if s.feed_id is not None]
        store.set_triage(story.id, in_briefing=False)
    assert cli(seeded, "export", "--marked", "--no-record") == 0
    text = capsys.readouterr().out
    assert "\n*1 story marked*\n" in text and "2025-07-01" not in text


def test_stories_and_show_give_the_seed_no_time(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(seeded, "stories", "--thread", "1") == 0
    lines = capsys.readouterr().out.splitlines()
    assert " 2025-06-30 20:00  OC Media " in lines[0]  # newest first, the seed last
    assert " undated           seed article " in lines[1], lines[1]
    assert "2025-07-01" not in lines[1]
    assert cli(seeded, "stories", "--thread", "1", "--json") == 0
    seed = json.loads(capsys.readouterr().out)[1]
    # the JSON keeps the facts: no publication date, first seen when the cache was made
    assert (seed["published"], seed["first_seen"]) == (None, MADE)
    assert cli(seeded, "show", str(seed["id"])) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "seed article · undated"
