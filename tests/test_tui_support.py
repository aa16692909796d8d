"""Helpers for the TUI tests (no tests here): a real cache with threads, the app, waiting,
and the screen as plain text."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from briefing.config import Config, Feed, Settings
from briefing.models import ArticleIn, FeedUpdate
from briefing.store import Store
from briefing.tui.app import BriefingApp

FEEDS = (
    Feed("OC Media", "http://127.0.0.1:9/oc"),
    Feed("JAMnews", "http://127.0.0.1:9/jam"),
    Feed("Civil.ge", "http://127.0.0.1:9/civil"),
)


def make_config(tmp_path: Path, *, keys: dict[str, str] | None = None, tz: str = "Asia/Baku",
                feeds: Sequence[Feed] = FEEDS) -> Config:  # fmt: skip
    settings = Settings(timezone=tz, keys=keys or {}, export_dir=str(tmp_path / "exports"))
    return Config(path=tmp_path / "feeds.toml", feeds=tuple(feeds), threads=(), settings=settings)


@dataclass
class Cache:
    store: Store
    config: Config
    threads: dict[str, int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # article key -> id


def add_articles(
    store: Store, feed: Feed, items: Sequence[ArticleIn], when: datetime | None = None
) -> list[int]:
    update = FeedUpdate(status="ok", checked=when or datetime.now(UTC))
    return list(store.save_feed_result(feed.url, update, items).new_ids)


def item(key: str, title: str, hours_ago: float, *, text: str | None = "Body text.",
         summary: str = "Summary.", link: str | None = None, author: str = "") -> ArticleIn:  # fmt: skip
    return ArticleIn(
        key=key, link=link if link is not None else f"https://example.org/{key}", title=title,
        summary=summary, author=author, text=text, content_hash=key,
        published=datetime.now(UTC) - timedelta(hours=hours_ago),
    )  # fmt: skip


def build_cache(tmp_path: Path, **config_kw: object) -> Cache:
    """Two threads beside the seed thread: Georgia (5 stories, one wire copy folded, one
    without full text) and Armenia (3 stories)."""
    config = make_config(tmp_path, **config_kw)  # type: ignore[arg-type]
    store = Store.open(tmp_path / "data")
    store.sync_feeds(config.feeds)
    cache = Cache(store, config)
    oc, jam, civil = config.feeds
    ids = add_articles(store, oc, [
        item("g1", "Tbilisi protest enters its third week", 1, author="Mariam K."),
        item("g2", "Georgian Dream passes foreign agents bill", 5),
        item("g3", "Opposition leaders detained in Batumi", 30, text=None,
             summary="Police detained three opposition leaders."),
        item("a1", "Armenia and Azerbaijan agree border commission", 2),
    ])  # fmt: skip
    ids += add_articles(
        store,
        jam,
        [
            item("g1-copy", "Tbilisi protest enters third week", 1.5),
            item("a2", "Lachin corridor talks resume", 8),
        ],
    )
    ids += add_articles(
        store,
        civil,
        [
            item("g4", "EU ambassador comments on Georgian bill", 10),
            item("a3", "Yerevan hosts regional security forum", 20),
        ],
    )
    keys = ["g1", "g2", "g3", "a1", "g1-copy", "a2", "g4", "a3"]
    cache.ids = dict(zip(keys, ids, strict=True))
    georgia = store.create_thread("Georgia: protests over the foreign agents bill")
    armenia = store.create_thread("Armenia–Azerbaijan border talks")
    cache.threads = {"georgia": georgia, "armenia": armenia, "seed": 1}
    for key in ("g1", "g2", "g3", "g4"):
        store.assign(cache.ids[key], georgia)
    store.assign(cache.ids["g1-copy"], georgia, duplicate_of=cache.ids["g1"])
    store.set_article_text(cache.ids["g3"], text=None, error="HTTP 403 from the site")
    for key in ("a1", "a2", "a3"):
        store.assign(cache.ids[key], armenia)
    return cache


def make_app(cache: Cache, **kw: object) -> BriefingApp:
    opened: list[str] = []

    def opener(url: str) -> bool:
        opened.append(url)
        return True

    app = BriefingApp(cache.store, cache.config, offline=True, open_url=opener, **kw)  # type: ignore[arg-type]
    app.opened = opened  # type: ignore[attr-defined]
    return app


async def settle(
    pilot: object, until: Callable[[], bool] | None = None, *, tries: int = 100
) -> None:
    """Let workers and messages run until `until()` holds (or fail)."""
    app = pilot.app  # type: ignore[attr-defined]

    async def drain() -> None:
        # Workers waiting on a dialog only finish when the dialog is answered.
        busy = [w for w in app.workers if w.group != "dialog" and not w.is_finished]
        if busy:  # (an empty list would mean "all workers")
            # A newer load cancels an older one (exclusive workers): that is not a failure.
            with contextlib.suppress(WorkerCancelled):
                await app.workers.wait_for_complete(busy)
        await pilot.pause()  # type: ignore[attr-defined]

    for _ in range(tries):
        await drain()
        if until is None or until():
            await drain()
            return
    raise AssertionError("the app did not reach the expected state")


def screen_text(app: BriefingApp) -> str:
    """What the terminal shows, as plain text lines."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def loaded(app: BriefingApp) -> Callable[[], bool]:
    def check() -> bool:
        main = app.main
        return (
            bool(main.thread_list.threads)
            and main.story_list.key is not None
            and (main.story_list.key == getattr(main.thread_list.current, "id", None))
            and bool(main.story_list.stories)
        )

    return check


async def open_thread(pilot: Pilot, app: BriefingApp, thread_id: int) -> None:
    """From the start: highlight the thread, Enter, wait for its stories."""
    main = app.main
    await settle(pilot, loaded(app))
    while main.thread_list.current.id != thread_id:
        await pilot.press("j")
    await settle(pilot, lambda: main.story_list.key == thread_id and bool(main.story_list.stories))
    await pilot.press("enter")
    await settle(pilot, lambda: main.story_list.has_focus)


def record_notes(app: BriefingApp) -> list[str]:
    """Every message the app notifies from now on, in order (toasts time out; this stays)."""
    said: list[str] = []
    notify = app.notify

    def recording(message: str, **kw: Any) -> None:
        said.append(message)
        notify(message, **kw)

    app.notify = recording  # type: ignore[method-assign]
    return said


async def briefing_written(pilot: Pilot, app: BriefingApp) -> str:
    """Wait for E's "Briefing written" message (run_test with notifications=True); return it."""
    await settle(pilot, lambda: any("Briefing written" in n.message for n in app._notifications))
    (message,) = [n.message for n in app._notifications if "Briefing written" in n.message]
    return message
