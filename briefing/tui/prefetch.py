"""The first store reads of a session (last visit, thread list), started on a plain thread
before Textual is imported, so the query and the import overlap. No Textual here."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from briefing.config import Config
from briefing.models import Thread
from briefing.store import Store
from briefing.store.db import from_db

# The thread and story the cursor was on (the story None when none was listed), kept in the
# cache's meta table under POSITION_KEY as "thread story" ("thread" alone without a story).
Position = tuple[int, int | None]
POSITION_KEY = "position"
# Whether the thread list shows the dormant threads too (D), kept in the meta table as "1"
# or "0": a start shows the list as it was left, so the position on a dormant thread holds.
SHOW_DORMANT_KEY = "show_dormant"


def format_position(position: Position) -> str:
    thread, story = position
    return str(thread) if story is None else f"{thread} {story}"


def parse_position(value: str | None) -> Position | None:
    """The stored position, or None for none or one that does not read as ids."""
    parts = (value or "").split()
    if not 1 <= len(parts) <= 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), (int(parts[1]) if len(parts) == 2 else None)


@dataclass(frozen=True, slots=True)
class StartupData:
    since: datetime | None  # the previous visit
    threads: list[Thread]
    last_success: datetime | None
    feed_health: tuple[int, int] = (0, 0)  # active feeds, failing feeds (Store.feed_health)
    data_version: int | None = None  # read before the rest: a later outside commit shows
    position: Position | None = None  # where the cursor was when the app last left it
    show_dormant: bool = False  # the list had the dormant threads when the app last left it


def thread_list(
    store: Store, config: Config, since: datetime | None, *, include_dormant: bool = False
) -> list[Thread]:
    """The thread list: the active threads in display order, then (`include_dormant`) the
    dormant ones, latest activity first. The same one query either way: the store counts
    every thread and leaves the dormant ones out afterwards."""
    days = config.settings.dormant_after_days
    threads = store.threads(
        since=since, dormant_after=timedelta(days=days), include_dormant=include_dormant
    )
    if include_dormant:  # after every active one (one just created, still empty, sorts late)
        threads.sort(key=lambda t: t.dormant)  # stable: each part keeps its order
    return threads


def load_startup(store: Store, config: Config) -> StartupData:
    version = store.data_version()  # first: a commit made while the rest is read is seen later
    since = from_db(store.get_meta("last_visit"))
    dormant = store.get_meta(SHOW_DORMANT_KEY) == "1"
    return StartupData(
        since, thread_list(store, config, since, include_dormant=dormant), store.last_success(),
        store.feed_health(), version, parse_position(store.get_meta(POSITION_KEY)), dormant,
    )  # fmt: skip


def prefetch(store: Store, config: Config) -> Future[StartupData]:
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing-prefetch")
    future = pool.submit(load_startup, store, config)
    pool.shutdown(wait=False)
    return future
