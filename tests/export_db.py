"""A fixed fixture cache for the export tests, built through the real Store API.

Times are fixed in mid-2025 (before any real run of the tests), so the seed article the migration
adds with the real clock always falls outside the briefing window.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefing.config import Config, Feed, Settings
from briefing.models import ArticleIn, FeedUpdate
from briefing.store import Store

NOW = datetime(2025, 6, 30, 18, 0, tzinfo=UTC)
SINCE = NOW - timedelta(hours=24)

FEEDS = (
    Feed("OC Media", "https://oc-media.org/feed/", ("caucasus", "en")),
    Feed("JAMnews", "https://jam-news.net/feed/", ("caucasus", "en")),
    Feed("Hostile [x](javascript:alert(1)) <b>", "https://evil.example/feed", ("test",)),
)

HOSTILE_TITLES = {
    "rich": "[@click=app.quit]x[/] rich markup",
    "script": "<script>alert('x')</script> & <img src=x onerror=alert(1)>",
    "mdlink": "Click ](javascript:alert(1)) [here](javascript:alert(2)) ![pic](http://evil/x.png)",
    "ansi": "\x1b[31mRed\x1b[0m alert \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 bell\x07",
}


# a feeds.toml for the CLI: the first of FEEDS, times in Asia/Baku
CONFIG = """\
[settings]
timezone = "Asia/Baku"

[[feeds]]
name = "OC Media"
url = "https://oc-media.org/feed/"
"""


def config(tmp_path: Path, timezone: str = "Asia/Baku") -> Config:
    return Config(
        path=tmp_path / "feeds.toml",
        feeds=FEEDS,
        threads=(),
        settings=Settings(timezone=timezone),
    )


def item(key: str, title: str, hours_ago: float, **kw: str) -> ArticleIn:
    return ArticleIn(
        key=key,
        link=kw.pop("link", f"https://oc-media.org/{key}/"),
        title=title,
        summary=kw.pop("summary", ""),
        published=NOW - timedelta(hours=hours_ago),
        content_hash=key,
        text=kw.pop("text", None),
    )


def build(tmp_path: Path) -> Store:
    """Two threads (plus the seed thread), a muted thread, a wire copy, hostile text."""
    store = Store.open(tmp_path / "data")
    store.sync_feeds(FEEDS)
    oc, jam, evil = (f.url for f in FEEDS)
    checked = NOW - timedelta(hours=2)

    def save(url: str, *items: ArticleIn, at: datetime = checked) -> list[int]:
        return list(store.save_feed_result(url, FeedUpdate("ok", at), items).new_ids)

    border = store.create_thread("Armenia–Azerbaijan border talks")
    georgia = store.create_thread("Georgia: protests in Tbilisi")
    muted = store.create_thread("Football results")
    store.set_thread_flag(muted, "muted", True)

    a1, a2, a3 = save(
        oc,
        item(
            "border-1",
            "Delimitation commissions meet in Gabala",
            10,
            text=(
                "The border commissions of Armenia and Azerbaijan met in Gabala on Monday. "
                "They agreed on a 12-km section near Tavush. Further rounds are expected in July."
            ),
        ),
        item(
            "georgia-1",
            "Protesters block Rustaveli Avenue for the 200th night",
            6,
            summary="Thousands gathered again outside parliament. Police watched from side streets.",
        ),
        item("football-1", "Qarabag win the league", 5, text="Qarabag won. Again."),
    )
    (b1,) = save(
        jam,
        item(
            "border-1-copy",
            "Armenian, Azerbaijani commissions meet in Gabala",
            9,
            link="https://jam-news.net/border-1/",
            text="Wire copy of the same story. Nothing new.",
        ),
    )
    (b2,) = save(
        jam,
        item(
            "georgia-2",
            "Georgian Dream adopts a 'foreign agents' amendment",
            3,
            link="https://jam-news.net/georgia-2/?a=1&b=<2>",
            text="Parliament passed the amendment in the third reading.",
        ),
        at=checked + timedelta(minutes=5),
    )
    hostile = save(
        evil,
        item(
            "rich",
            HOSTILE_TITLES["rich"],
            4,
            link="javascript:alert(document.cookie)",
            text="# Not a heading\n\n1. Not a list <b>bold</b> `code` $x$ @cite. Second sentence!",
        ),
        item(
            "script",
            HOSTILE_TITLES["script"],
            3.5,
            link='https://evil.example/a"onmouseover="alert(1)',
            text="<script>alert(1)</script> body text here that is long enough. And more.",
        ),
        item("mdlink", HOSTILE_TITLES["mdlink"], 2.5, link="https://evil.example/b(1)"),
        item("ansi", HOSTILE_TITLES["ansi"], 2, text="\x1b[2J\x1b[HCleared screen. Done."),
    )
    for story_id in (a1,):
        store.assign(story_id, border)
    store.assign(b1, border, duplicate_of=a1)
    store.assign(a2, georgia)
    store.assign(b2, georgia)
    store.assign(a3, muted)
    for story_id in hostile:
        store.assign(story_id, georgia)
    # An old story, outside the 24 h window, marked for the briefing.
    (old,) = save(
        oc,
        item("old-1", "Earlier: talks announced", 60),
        at=NOW - timedelta(hours=60),
    )
    store.assign(old, border)
    for story_id in (old, a2, hostile[1]):
        store.set_triage(story_id, in_briefing=True)
    return store
