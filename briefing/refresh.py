"""The refresh pipeline: fetch -> parse -> store -> article pages -> extract -> threads.

Used by `briefing fetch` and by the app's background refresh. One run:

1. sync the configured feeds into the cache; feeds backing off (a failure or a 429/503 whose
   next_check is still in the future, or gone) are reported as `skipped` and not requested
   (unless the run is forced: `briefing fetch --force`);
2. fetch every other feed concurrently with one HTTP client (conditional GET with the stored
   validators), parse in a process pool (both cores), save each feed in ONE transaction
   (Store.save_feed_result);
3. download the new articles' pages (same client, same limits) and extract their text in the
   pool; store it (Store.set_article_text) with the page's author, language and date (the
   date also becomes the item's `published` when the feed gave none), or keep the summary
   and record why not;
4. hand every visible article in no thread (the new ones, and any a failed or killed run
   left) to the thread engine through `assign_threads(store)`.

Progress is reported through a callback; the result is a RefreshSummary.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import itertools
import multiprocessing
import os
import random
import sqlite3
import sys
import time
import weakref
from array import array
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from http import HTTPStatus
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.config import Config, Feed
from briefing.fetch.extract import Extracted, extract_article
from briefing.fetch.http import (
    MAX_RETRY_AFTER,
    Deferred,
    Fetcher,
    FetchError,
    FetchResult,
    Limits,
    backoff_delay,
    host_of,
    parse_retry_after,
    retry_after_delay,
)
from briefing.fetch.parse import ParsedFeed, ParseError, parse_feed, sane_page_date
from briefing.models import FeedState, FeedUpdate, Story
from briefing.pool_guard import watch_owner
from briefing.sanitize import clean_line

if TYPE_CHECKING:
    from briefing.store import Store
    from briefing.store.db import EngineText

LOCK_FILENAME = "fetch.lock"
CPU_DEADLINE = 120.0  # seconds of parsing/extraction for one document before we give up
ARTICLE_MAX_AGE = timedelta(days=14)  # older new items keep their summary; no page download
# Pages left unread by a killed run are read by the next one: at most this many per run, from
# this far back when `article_max_age` is None (tests, benchmarks)
PENDING_LIMIT = 500
PENDING_WINDOW = timedelta(days=14)
ERROR_CAP = 300
# Seconds from a run's start after which no new article page download begins. Each request is
# bounded (Limits.total), but pages queue behind the per-host cap: a slow outlet's 30 pages,
# 4 at a time, 60 s each, held the run (the thread placement of every other feed's stories,
# the next cron run) for 7.5 minutes. The pages left are read by the next run.
PAGE_BUDGET = 300.0
# Bytes of article pages downloaded and not yet extracted above which no new page download
# starts. Pages come faster than the pool extracts them (a big page takes seconds): without
# this bound 40 pages of 19 MB took a fetch to 887 MB, and the last in the pool's queue hit
# CPU_DEADLINE while waiting there.
PAGE_HOLD_BYTES = 64 * 1024 * 1024
# Fetches that try an article page again after a timeout, a broken connection or a 5xx (a
# flaky link, a server restarting) before its failure is recorded for good: a recorded one
# keeps the feed's summary and is never read again.
PAGE_TRIES = 3
# The longest an outlet's Retry-After on an article page holds its pages (later runs do not
# ask it before then): pages older than ARTICLE_MAX_AGE are not read at all, and a day is
# already more than outlets ask for in practice.
PAGE_WAIT_MAX = timedelta(days=1)
# A long run (a first fetch, pages over a slow link: up to PAGE_BUDGET) places the stories
# that are ready (stored, their page read or not to be read) after this many seconds, and
# again after twice as long each time, so they show in their threads before the last page is
# in. Not sooner or more often: the engine places a batch better than it places its parts.
PLACE_FIRST_AFTER = 30.0


# ----------------------------------------------------------------------------- results
@dataclass(slots=True)
class FeedReport:
    name: str
    url: str
    status: str  # ok | not_modified | error | gone | skipped
    new: int = 0
    updated: int = 0
    hidden: int = 0  # new items hidden by the region filter
    error: str | None = None
    warning: str | None = None  # e.g. items recovered from malformed XML
    next_check: datetime | None = None
    moved_to: str | None = None  # the feed answered from here after 301/308 redirects only

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["next_check"] = self.next_check.isoformat() if self.next_check else None
        return d


@dataclass(slots=True)
class Progress:
    """A snapshot handed to the progress callback (a copy; keep it if you like)."""

    feeds_total: int
    feeds_done: int = 0
    failures: int = 0
    articles_total: int = 0
    articles_done: int = 0
    articles_extracted: int = 0
    articles_failed: int = 0
    placed: int = 0  # stories placed in their threads before the run's end (PLACE_FIRST_AFTER)
    last: str = ""  # name of the feed or URL of the page just finished


@dataclass(slots=True)
class RefreshSummary:
    started: datetime
    finished: datetime | None = None
    seconds: float = 0.0
    feeds: list[FeedReport] = field(default_factory=list)
    articles_fetched: int = 0
    articles_extracted: int = 0
    articles_failed: int = 0
    articles_deferred: int = 0  # not started within the run's page budget: the next run's
    # outlets whose pages wait, until when: they asked (429/503 with Retry-After), this run
    # or before (those pages were not asked for)
    host_waits: dict[str, datetime] = field(default_factory=dict)
    new_ids: list[int] = field(default_factory=list)
    threads_assigned: int = 0
    threads_error: str | None = None
    threads_seconds: float = 0.0

    def totals(self) -> dict[str, int]:
        out = {
            "feeds": len(self.feeds),
            "ok": 0,
            "not_modified": 0,
            "error": 0,
            "gone": 0,
            "skipped": 0,
        }
        for report in self.feeds:
            out[report.status] = out.get(report.status, 0) + 1
        out["new"] = sum(r.new for r in self.feeds)
        out["updated"] = sum(r.updated for r in self.feeds)
        out["hidden"] = sum(r.hidden for r in self.feeds)
        out["articles_fetched"] = self.articles_fetched
        out["articles_extracted"] = self.articles_extracted
        out["articles_failed"] = self.articles_failed
        out["articles_deferred"] = self.articles_deferred
        out["threads_assigned"] = self.threads_assigned
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None,
            "seconds": round(self.seconds, 3),
            "feeds": [r.as_dict() for r in self.feeds],
            "totals": self.totals(),
            "threads_error": self.threads_error,
            "threads_seconds": round(self.threads_seconds, 3),
            "host_waits": {h: t.isoformat() for h, t in sorted(self.host_waits.items())},
        }


ProgressCallback = Callable[[Progress], None]


# ----------------------------------------------------------------------------- lock
class CpuFailure(Exception):
    """Parsing or extraction of one document failed outside the parser (crash, deadline)."""


class RefreshBusy(Exception):
    """Another refresh holds the lock of this data directory (`holder`: its pid, "" when
    the lock file does not say)."""

    def __init__(self, message: str, holder: str = "") -> None:
        super().__init__(message)
        self.holder = holder


@contextlib.contextmanager
def refresh_lock(data_dir: str | os.PathLike[str]) -> Iterator[Path]:
    """An exclusive, non-blocking flock on <data_dir>/fetch.lock for the whole run. The kernel
    drops it when the process dies (even with kill -9), so a stale file never blocks."""
    path = Path(data_dir) / LOCK_FILENAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            with contextlib.suppress(OSError):
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            holder = holder if holder.isdigit() else ""
            raise RefreshBusy(
                f"another fetch is already running on {data_dir}"
                + (f" (pid {holder})" if holder else ""),
                holder,
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield path
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------- thread engine
def assign_threads(
    store: Store,
    new_ids: Sequence[int] | None = None,
    config: Config | None = None,
    pool: Executor | None = None,
) -> int:
    """The one call point from fetching to the thread engine: place each new article.

    Loads the engine with the pinned threads (seed texts from `config`) and the threads active
    within the engine's `forget_after` (dormant ones too: a story joining one wakes it), then
    assigns the visible articles of `new_ids` that are in no thread, in publication order;
    with None, every visible article in no thread (what a fetch passes: its new ones, and any
    a failed or killed run left unplaced).
    Returns how many were placed. Never raises: the fetch is already stored, threads can be
    rebuilt later (the error is reported by the caller as a warning). With a process `pool`,
    the per-item text work of the next chunk runs there while this one is assigned."""
    if new_ids is not None and not new_ids:
        return 0
    try:
        from briefing.threads import Item, ThreadEngine, prepare_batch
    except ImportError:  # no engine installed: fetching still works (a broken one raises)
        return 0
    # Only the order is kept for all of them; the stories themselves are loaded a chunk at a
    # time below (a cold run brings tens of thousands: memory stays flat).
    queue = array("q", store.unplaced_order(None if new_ids is None else list(new_ids)))
    if not queue:  # (8 bytes an item)
        return 0
    release_memory()  # a fetch's freed buffers go back before the engine builds its state
    now = _now()

    created: list[int] = []

    def new_thread_id() -> int:
        created.append(store.create_thread("New thread"))
        return created[-1]

    engine = ThreadEngine(next_thread_id=new_thread_id)
    # the dormant threads of keep_min_stories stories or more too (quiet for
    # dormant_after_days, off the default list), up to the engine's forget_after: a story
    # that joins one wakes it (its latest story dates it)
    dormant = timedelta(days=config.settings.dormant_after_days if config else 21)
    ep = engine.params
    seeded: set[int] = set()
    known = {
        t.id: t for t in store.threads(include_dormant=True, include_empty=True)
    }  # one query, not one per thread
    titles = {thread_id: t.title for thread_id, t in known.items()}
    for thread_id, title, text, keywords in _pinned_seeds(store, config, titles):
        engine.add_pinned(thread_id, title, text, keywords)
        seeded.add(thread_id)
    fresh = set(queue)
    _hydrate(engine, store, known, seeded, fresh, now - dormant, now - ep.forget_after, pool)
    del fresh
    touched: set[int] = set()
    placements: list[tuple[int, int, int | None, float | None]] = []
    placed = 0

    def chunks() -> Iterator[list[Any]]:
        for start in range(0, len(queue), _CHUNK):
            ids = queue[start : start + _CHUNK].tolist()
            by_id = {row[0]: row for row in store.engine_texts(ids)}
            yield [_engine_item(Item, row) for i in ids if (row := by_id.get(i)) is not None]

    def submit(items: list[Any]) -> Future[Any] | None:
        if pool is None or len(queue) <= _CHUNK:
            return None
        return pool.submit(prepare_batch, items, engine.params)

    # Two chunks ahead: prepared in the pool while this one is placed. The pool's text work
    # per item costs about as much as placing it, so one chunk ahead left the engine waiting
    # (4.6-5.0 s for 30,000 items against 4.1-4.4 s with two, on 2 cores).
    try:
        for items, prepared in _prepared_ahead(chunks(), submit):
            # a chunk is one batch: its stories are grouped among themselves before they
            # join threads (the engine's `assign_batch`); the pool did the grouping
            for item, decision in zip(items, engine.assign_batch(items, prepared), strict=True):
                dup = decision.duplicate_of or ""
                root = int(dup) if dup.isdigit() else None
                placements.append((int(item.id), decision.thread_id, root, decision.score))
                touched.add(decision.thread_id)
                if len(placements) >= 2000:  # short write transactions (readers go on), and the
                    placed += store.assign_many(placements, touch=False)  # list stays small
                    placements.clear()
        if placements:
            placed += store.assign_many(placements, touch=False)
        store.touch_threads(touched)  # once per thread, not once per batch
    except BaseException:
        # a failed write (or an interrupt): the threads opened for stories that were not
        # written would stay empty in the list; the next run places those stories again
        with contextlib.suppress(Exception):
            for thread_id in created:
                store.delete_thread_if_empty(thread_id)
        raise
    store.label_threads({thread_id: engine.label(thread_id) for thread_id in touched})
    return placed


def _hydrate(
    engine: Any,
    store: Store,
    known: Mapping[int, Any],
    seeded: set[int],
    fresh: set[int],
    active_since: datetime,
    wake_since: datetime,
    pool: Executor | None,
) -> None:
    """Load the engine with the threads a new story may join: those active since
    `active_since`, and those of `keep_min_stories` or more since `wake_since` (dormant ones
    it may wake), each from its latest `HYDRATE_MEMBERS` stories not in `fresh` (the ones
    about to be placed). With a process `pool`, the members' text work (most of the cost)
    runs there, `_CHUNK` stories' threads at a time, two chunks ahead of the loading here:
    the engine's state is the same, and the app's process holds the CPU for less of a
    refresh."""
    from briefing.threads import Item, prepare

    params = engine.params

    def chunks() -> Iterator[list[tuple[int, Any, list[Any], dict[str, str]]]]:
        chunk: list[tuple[int, Any, list[Any], dict[str, str]]] = []
        size = 0
        ids = store.active_thread_ids(
            active_since, wake_since=wake_since, min_stories=params.keep_min_stories
        )
        for thread_id in ids:
            thread = known.get(thread_id)
            rows = [
                (row, dup)
                for row, dup in store.thread_texts(thread_id, limit=HYDRATE_MEMBERS)
                if row[0] not in fresh
            ]
            members = [_engine_item(Item, row) for row, _dup in rows]
            roots = {str(row[0]): str(dup) for row, dup in rows if dup is not None}
            if thread is None or (not members and thread_id not in seeded and not thread.pinned):
                continue
            chunk.append((thread_id, thread, members, roots))
            size += len(members)
            if size >= _CHUNK:
                yield chunk
                chunk, size = [], 0
        if chunk:
            yield chunk

    def submit(chunk: list[tuple[int, Any, list[Any], dict[str, str]]]) -> Future[Any] | None:
        items = [m for c in chunk for m in c[2]]
        # (a short last chunk is done here: a small cache never waits on a pool's start)
        if pool is None or len(items) < _CHUNK:
            return None
        return pool.submit(prepare, items, params)

    for chunk, prepared in _prepared_ahead(chunks(), submit):
        at = 0
        for thread_id, thread, members, roots in chunk:
            engine.load_thread(
                thread_id, members,
                title=thread.title if (thread.user_titled or thread.pinned) else None,
                last_activity=thread.updated, roots=roots,
                prepared=prepared[at : at + len(members)] if prepared is not None else None,
            )  # fmt: skip
            at += len(members)


def _prepared_ahead(
    chunks: Iterator[Any], submit: Callable[[Any], Future[Any] | None]
) -> Iterator[tuple[Any, Any]]:
    """Each chunk with what `submit` had the CPU pool prepare for it (None: the engine does
    it all; `submit` returns None, the pool is broken or the work failed), two chunks ahead:
    the pool works on the next ones while the caller uses this one."""

    def ahead(chunk: Any) -> tuple[Any, Future[Any] | None]:
        future = None
        with contextlib.suppress(Exception):  # a broken pool: the engine does it all
            future = submit(chunk)
        return chunk, future

    pending = deque(ahead(c) for c in itertools.islice(chunks, 2))
    while pending:
        chunk, future = pending.popleft()
        pending.extend(ahead(c) for c in itertools.islice(chunks, 1))
        prepared = None
        if future is not None:
            with contextlib.suppress(Exception):
                prepared = future.result(timeout=CPU_DEADLINE)
        yield chunk, prepared


# Stories the engine reads (and the pool prepares) at a time: with two chunks in flight, 500
# keeps a cold run's peak RSS at 133 MB where 1000 gave 145 MB, at the same speed.
_CHUNK = 500
# Each active thread is rebuilt in the engine from its latest stories only: the centroid of
# a news thread is dominated by its recent coverage, and hydration runs on every fetch (50
# members x 300 active threads took 2.3 s a run; 20 take about 40% of that). The integration
# tests place every fixture story in the same thread with 20 as with 50.
HYDRATE_MEMBERS = 20


def _pinned_seeds(
    store: Store, config: Config | None, titles: Mapping[int, str] | None = None
) -> list[tuple[int, str, str, tuple[str, ...]]]:
    """(thread id, title, seed text, keywords) for every pinned thread in the cache.

    Taken from the config's [[threads]]; a pinned thread the config no longer names (e.g. the
    shipped seed thread, with a user's feeds.toml that has no [[threads]]) keeps working from
    its shipped seed file, so new reports about it still join it. `titles`: thread id ->
    title, when the caller has read the threads already."""
    by_key = {(p.seed or f"title:{p.title}"): p for p in (config.threads if config else ())}
    if titles is None:
        titles = {t.id: t.title for t in store.threads(include_dormant=True) if t.pinned}
    out = []
    for key, thread_id in store.pinned_thread_ids().items():
        pinned = by_key.get(key)
        if pinned is not None:
            # a seed text, or keywords alone: a crisis defined by its names
            if pinned.seed_text or pinned.keywords:
                out.append((thread_id, pinned.title, pinned.seed_text, pinned.keywords))
            continue
        shipped = resources.files("briefing.seeds").joinpath(key)
        if not key.startswith("title:") and shipped.is_file():
            title = titles.get(thread_id, key)
            out.append((thread_id, title, shipped.read_text(encoding="utf-8"), ()))
    return out


def _engine_item(item_cls: Any, row: EngineText) -> Any:
    article_id, title, text, when, outlet, lang = row
    return item_cls(
        id=str(article_id), title=title, text=text, published=when, source=outlet, lang=lang
    )


# ----------------------------------------------------------------------------- scheduling
def feed_interval(feed: Feed, config: Config) -> timedelta:
    return timedelta(minutes=feed.interval or config.settings.refresh_interval)


def _moved_to(result: FetchResult) -> str | None:
    """The URL a feed moved to for good (301/308 redirects only); None otherwise, and None for
    a URL that is not one clean line of at most 2000 characters (it is shown to the user)."""
    moved = result.moved_to
    return moved if moved and clean_line(moved, 2000) == moved else None


def backing_off(state: FeedState | None, now: datetime) -> bool:
    """A feed is left alone while a failure's (or Retry-After's, or Gone's) wait runs."""
    if state is None or state.next_check is None:
        return False
    return state.status in ("error", "gone", "backoff") and state.next_check > now


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _http_reason(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


# ----------------------------------------------------------------------------- the run
def release_memory() -> None:
    """Give the C heap's free pages back to the system (glibc's malloc_trim; elsewhere a no-op).

    A cold fetch frees tens of MB of response bodies and parsed items before the thread engine
    builds its state; without this the process keeps both (measured: RSS 100 MB -> 68 MB on
    1000 feeds x 30 items, and the run's peak 160 MB -> 142 MB)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None)
        trim = getattr(libc, "malloc_trim", None)
        if trim is not None:
            trim(0)


def start_pool_helpers(ctx: Any) -> None:
    """Start multiprocessing's fork server and resource tracker with the real stderr.

    They pass `sys.stderr.fileno()` to their child; inside the Textual app sys.stderr is a
    capture object whose fileno() is -1, and starting them there fails with "bad value(s) in
    fds_to_keep". Once running they are reused by every later pool."""
    from multiprocessing import forkserver, resource_tracker

    with contextlib.suppress(Exception):
        ctx.set_forkserver_preload(
            [
                "briefing.fetch.parse",
                "briefing.fetch.extract",
                "briefing.threads.engine",
                "briefing.pool_guard",
            ]
        )
    saved = sys.stderr
    if sys.__stderr__ is not None:
        sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
        forkserver.ensure_running()
    finally:
        sys.stderr = saved


# Every pool make_pool made that is still referenced: a run's own, the replacement after a
# worker crash, the one-off pools of its retries (see live_pools).
_pools: weakref.WeakSet[ProcessPoolExecutor] = weakref.WeakSet()


def make_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """The CPU pool for parsing and extraction: one worker per core (at most 4), started by a
    fork server (the parent has threads; forking it is not safe)."""
    ctx = multiprocessing.get_context("forkserver")
    start_pool_helpers(ctx)
    n = workers or min(os.cpu_count() or 2, 4)
    # each worker ends with this process, even one killed (SIGTERM, SIGKILL): see pool_guard
    pool = ProcessPoolExecutor(
        max_workers=max(1, n), mp_context=ctx, initializer=watch_owner, initargs=(os.getpid(),)
    )
    _pools.add(pool)
    return pool


def live_pools() -> list[ProcessPoolExecutor]:
    """The pools made here and not yet collected (for a quitting app: see
    tui.refresh_hook.abandon)."""
    return list(_pools)


def kill_workers(pool: Executor) -> None:
    """End a pool's worker processes now, a task under way included. (`_processes`, pid ->
    Process, is CPython's ProcessPoolExecutor's own record; None once it is shut down.)"""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.kill()


def stop_pool(pool: Executor, *, now: bool = False) -> None:
    """Shut `pool` down without waiting. `now` (a run cut short: Ctrl-C, SIGTERM, a bug): end
    its workers first. Shutting down stops no task under way, and the process's exit waits
    for each (a runaway page: CPU_DEADLINE and more); the workers ignore Ctrl-C (pool_guard)."""
    if now:
        kill_workers(pool)
    pool.shutdown(wait=False, cancel_futures=True)


# SQLite's primary result codes for a write the disk refused.
_SQLITE_IOERR, _SQLITE_FULL = 10, 13


def _failure(exc: Exception) -> str:
    """A feed's unexpected failure in words: a disk that is full or failing says so (its
    state is not written either, so the next fetch asks for it again and stores its items);
    anything else is named as an internal error."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code == _SQLITE_FULL:
            return (
                "cannot store its items: the disk holding the cache is full (what is stored"
                " is kept; the next fetch tries again)"
            )
        if code == _SQLITE_IOERR:
            return f"cannot store its items: the cache's disk failed ({exc})"
    return f"internal error: {type(exc).__name__}: {exc}"


class _Run:
    def __init__(
        self,
        store: Store,
        config: Config,
        feeds: Sequence[Feed],
        *,
        articles: bool,
        fetcher: Fetcher,
        pool: Executor,
        db: ThreadPoolExecutor,
        progress: ProgressCallback | None,
        due_only: bool,
        article_max_age: timedelta | None = ARTICLE_MAX_AGE,
        force: bool = False,
        page_budget: float | None = PAGE_BUDGET,
    ) -> None:
        # no page download starts after this (time.monotonic()); None: no budget
        self.pages_by = None if page_budget is None else time.monotonic() + page_budget
        self.article_max_age = article_max_age
        self.force = force
        self.spare_pools: list[Executor] = []  # broken pools replaced during the run
        self.solo_slots = asyncio.Semaphore(2)  # retries after a crash, one process each
        self.store = store
        self.config = config
        self.feeds = feeds
        self.articles = articles
        self.fetcher = fetcher
        self.pool = pool
        self.db = db
        self.progress_cb = progress
        self.due_only = due_only
        self.summary = RefreshSummary(started=_now())
        self.progress = Progress(feeds_total=len(feeds))
        self.article_tasks: list[asyncio.Task[None]] = []
        self.queued_pages: dict[int, str] = {}  # article id -> the link being read this run
        self.reading: set[int] = set()  # article ids whose page is being read
        self.arrived: list[int] = []  # new article ids, once their page (if any) is queued
        self.rng = random.Random()
        self.held_bytes = 0  # article pages downloaded, not yet extracted
        self.hold_limit = PAGE_HOLD_BYTES
        self.page_room = asyncio.Condition()
        # hosts that answered a page with 429 or 503 (too many requests, busy): no more of
        # their pages this run; those pages wait for the next run, as after the page budget
        self.busy_hosts: set[str] = set()
        self.held_back: set[int] = set()  # pending pages of outlets that asked to wait

    def _tick(self) -> None:
        if self.progress_cb is not None:
            self.progress_cb(replace(self.progress))

    async def _db(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.db, partial(func, *args, **kwargs))

    async def _cpu(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `func` in the CPU pool, with a deadline. A worker that dies (a parser crash on
        some hostile input) breaks the whole pool and every task in it: the pool is replaced,
        and each of those tasks is retried alone in a one-off process, so only the input that
        really crashes fails."""
        loop = asyncio.get_running_loop()
        call = partial(func, *args, **kwargs)
        pool = self.pool
        try:
            return await asyncio.wait_for(loop.run_in_executor(pool, call), CPU_DEADLINE)
        except TimeoutError:
            raise CpuFailure(f"gave up after {CPU_DEADLINE:g} s of processing") from None
        except BrokenProcessPool:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                # the run is cut short (SIGTERM to the group ends the workers too; 3.11's
                # wait_for then gives the pool's break, not the cancel): no new pool, no retry
                raise asyncio.CancelledError from None
            if self.pool is pool:  # the first task to notice replaces it
                self.spare_pools.append(pool)
                self.pool = make_pool()
        async with self.solo_slots:
            solo = make_pool(1)
            done = False  # (else its worker may still be on the task: given up, or cancelled)
            try:
                result = await asyncio.wait_for(loop.run_in_executor(solo, call), CPU_DEADLINE)
                done = True
                return result
            except BrokenProcessPool:
                raise CpuFailure("the parser process crashed on this input") from None
            except TimeoutError:
                raise CpuFailure(f"gave up after {CPU_DEADLINE:g} s of processing") from None
            finally:
                stop_pool(solo, now=not done)

    async def run(self) -> RefreshSummary:
        start = time.monotonic()
        states = {s.url: s for s in await self._db(self.store.feeds)}
        if self.articles:  # pages an earlier run did not read (it was killed, or left them)
            now = _now()
            if not self.force:  # outlets that asked to wait: their pages are not asked for
                self.summary.host_waits = await self._db(self.store.host_waits, now)
                self.busy_hosts.update(self.summary.host_waits)
            since = now - (self.article_max_age or PENDING_WINDOW)
            waits = self.summary.host_waits  # (their pages take no place in the limit)
            pending, held_back = await self._db(
                self.store.pages_pending,
                [f.url for f in self.feeds],
                since,
                PENDING_LIMIT,
                (lambda link: host_of(link) in waits) if waits else None,
            )
            self.held_back.update(held_back)  # counted as left for the next run, at the end
            self._queue_articles(pending, now, again=True)  # never read, or to read again
        self._tick()
        placer = asyncio.create_task(self._place_in_rounds())
        try:
            reports = await asyncio.gather(
                *(self._feed(feed, states.get(feed.url)) for feed in self.feeds)
            )
            if self.article_tasks:
                await asyncio.gather(*self.article_tasks)
            self.summary.articles_deferred += len(self.held_back)
        finally:
            placer.cancel()
            try:
                await placer  # (a round under way finishes: its placements are committed)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():  # the run itself (Ctrl-C)
                    raise
        self.summary.feeds = list(reports)
        # Every visible story in no thread: this run's new ones, and any an earlier run stored
        # but did not place (its engine failed, or the process was killed while placing).
        t0 = time.monotonic()
        try:
            self.summary.threads_assigned += await self._db(
                assign_threads, self.store, None, self.config, self.pool
            )
        except Exception as exc:  # stored items stay; the next run places them
            self.summary.threads_error = clean_line(
                f"thread engine failed: {type(exc).__name__}: {exc}", ERROR_CAP
            )
        self.summary.threads_seconds += time.monotonic() - t0
        self.summary.finished = _now()
        self.summary.seconds = time.monotonic() - start
        return self.summary

    async def _place_in_rounds(self) -> None:
        """While the run goes on: after PLACE_FIRST_AFTER s, and after twice as long each
        time, place this run's new stories that are ready (their page read, or none to read),
        so a reader sees them in their threads before the slowest page is in."""
        wait = PLACE_FIRST_AFTER
        waiting: list[int] = []  # arrived, their page still being read
        while True:
            await asyncio.sleep(wait)
            wait *= 2
            arrived, self.arrived = waiting + self.arrived, []
            ready = [i for i in arrived if i not in self.reading]
            waiting = [i for i in arrived if i in self.reading]
            if ready:
                await self._place_round(ready)

    async def _place_round(self, ids: list[int]) -> None:
        t0 = time.monotonic()
        call = asyncio.ensure_future(
            self._db(assign_threads, self.store, ids, self.config, self.pool)
        )
        try:
            placed = await asyncio.shield(call)
        except asyncio.CancelledError:  # the run ends: this round finishes (and counts) first
            with contextlib.suppress(Exception):
                self._placed(await call, t0)
            raise
        except Exception:
            return  # the run's end places them (and reports a failing engine)
        self._placed(placed, t0)

    def _placed(self, placed: int, t0: float) -> None:
        self.summary.threads_seconds += time.monotonic() - t0
        self.summary.threads_assigned += placed
        self.progress.placed += placed
        self._tick()

    # ---------------------------------------------------------------- one feed
    async def _feed(self, feed: Feed, state: FeedState | None) -> FeedReport:
        try:
            report = await self._feed_inner(feed, state)
        except Exception as exc:  # a bug or a store error must not take the other feeds down
            report = FeedReport(
                feed.name, feed.url, "error", error=clean_line(_failure(exc), ERROR_CAP)
            )
        self.progress.feeds_done += 1
        if report.status in ("error", "gone"):
            self.progress.failures += 1
        self.progress.last = feed.name
        self._tick()
        return report

    async def _feed_inner(self, feed: Feed, state: FeedState | None) -> FeedReport:
        now = _now()
        interval = feed_interval(feed, self.config)
        if not self.force and (
            backing_off(state, now)
            or (self.due_only and state and state.next_check and state.next_check > now)
        ):
            assert state is not None and state.next_check is not None
            # an error only for a feed that is failing: one whose last check said "not
            # modified" is merely not due (the status line counts errors as "backing off")
            why = f"; last error: {state.last_error}" if state.last_error else ""
            return FeedReport(
                feed.name, feed.url, "skipped", next_check=state.next_check,
                error=clean_line(
                    f"waiting until {state.next_check.isoformat()}{why}", ERROR_CAP
                ) if state.error_count or state.status in ("error", "gone") else None,
            )  # fmt: skip
        headers: dict[str, str] = {}
        if state is not None:
            if state.etag:
                headers["If-None-Match"] = state.etag
            if state.last_modified:
                headers["If-Modified-Since"] = state.last_modified
        try:
            result = await self.fetcher.get(feed.url, kind="feed", headers=headers)
        except FetchError as exc:
            return await self._fail(feed, state, now, str(exc))
        if result.status == 304:
            return await self._save_unchanged(feed, result, now, interval)
        if result.status in (429, 503):
            wait = parse_retry_after(result.headers.get("retry-after"), now)
            if wait is not None:
                delay = retry_after_delay(wait, interval)
                return await self._fail(
                    feed, state, now,
                    f"{_http_reason(result.status)}; the server asks to wait, next try after"
                    f" {(now + delay).isoformat()}",
                    delay=delay,
                )  # fmt: skip
            return await self._fail(feed, state, now, _http_reason(result.status))
        if result.status == 410:
            return await self._fail(
                feed, state, now, f"{_http_reason(410)}: the feed was removed; remove it from"
                " feeds.toml or fix the URL", status="gone", delay=MAX_RETRY_AFTER,
            )  # fmt: skip
        if result.status != 200:
            return await self._fail(feed, state, now, _http_reason(result.status))
        body_hash = hashlib.sha256(result.body).hexdigest()
        if state is not None and state.body_hash == body_hash:
            # The server ignores validators but nothing changed: no parse, no item writes.
            return await self._save_unchanged(feed, result, now, interval)
        try:
            parsed: ParsedFeed = await self._cpu(
                parse_feed, result.body, dict(result.headers), url=result.url, now=now,
                general=feed.general, region_keywords=tuple(self.config.settings.region_keywords),
            )  # fmt: skip
        except (ParseError, CpuFailure) as exc:
            return await self._fail(feed, state, now, str(exc))
        update = FeedUpdate(
            status="ok", checked=now,
            etag=result.headers.get("etag"), last_modified=result.headers.get("last-modified"),
            body_hash=body_hash, next_check=now + interval, title=parsed.title, reset_errors=True,
            moved_to=_moved_to(result),
            # kept as the feed's last_error (status stays "ok"): the feeds screen shows it
            error=clean_line(parsed.warning, ERROR_CAP) or None,
        )  # fmt: skip
        saved = await self._db(
            self.store.save_feed_result, feed.url, update, parsed.items, seen_at_commit=True
        )
        self.summary.new_ids.extend(saved.new_ids)
        if saved.new_ids and self.articles:  # the stories are read back only to queue pages
            stories = await self._db(self.store.stories_by_id, list(saved.new_ids))
            self._queue_articles(stories, now)
        self.arrived.extend(saved.new_ids)  # (after their pages are queued: see _place_in_rounds)
        if saved.refetch_ids and self.articles:
            stories = await self._db(self.store.stories_by_id, list(saved.refetch_ids))
            self._queue_articles(stories, now, again=True)
        return FeedReport(
            feed.name, feed.url, "ok", new=len(saved.new_ids), updated=saved.updated,
            hidden=saved.hidden, warning=parsed.warning, next_check=update.next_check,
            moved_to=update.moved_to,
        )  # fmt: skip

    async def _save_unchanged(
        self, feed: Feed, result: FetchResult, now: datetime, interval: timedelta
    ) -> FeedReport:
        update = FeedUpdate(
            status="not_modified", checked=now,
            etag=result.headers.get("etag"), last_modified=result.headers.get("last-modified"),
            next_check=now + interval, reset_errors=True, moved_to=_moved_to(result),
        )  # fmt: skip
        await self._db(self.store.save_feed_result, feed.url, update, ())
        return FeedReport(
            feed.name, feed.url, "not_modified", next_check=update.next_check,
            moved_to=update.moved_to,
        )  # fmt: skip

    async def _fail(
        self, feed: Feed, state: FeedState | None, now: datetime, error: str, *,
        status: str = "error", delay: timedelta | None = None,
    ) -> FeedReport:  # fmt: skip
        failures = (state.error_count if state else 0) + 1
        if delay is None:
            delay = backoff_delay(
                feed_interval(feed, self.config), failures, self.rng.uniform(-1, 1)
            )
        error = clean_line(error, ERROR_CAP)
        update = FeedUpdate(status=status, checked=now, next_check=now + delay, error=error)
        await self._db(self.store.save_feed_result, feed.url, update, ())
        return FeedReport(feed.name, feed.url, status, error=error, next_check=update.next_check)

    # ---------------------------------------------------------------- article pages
    def _queue_articles(
        self, stories: Sequence[Story], now: datetime, *, again: bool = False
    ) -> None:
        """Read the pages of new stories (`again`: of changed ones, even with a text)."""
        for story in stories:
            if story.hidden or (story.text and not again) or not story.link:
                continue
            if self.queued_pages.get(story.id) == story.link:  # pending, and changed again
                continue
            age = self.article_max_age
            if age is not None and story.published is not None and story.published < now - age:
                continue
            self.queued_pages[story.id] = story.link  # a new link supersedes the one queued
            self.held_back.discard(story.id)  # (counted when its read ends)
            self.progress.articles_total += 1
            self.reading.add(story.id)
            task = asyncio.create_task(self._article(story.id, story.link))
            task.add_done_callback(partial(self._page_done, story.id, story.link))
            self.article_tasks.append(task)

    def _page_done(self, article_id: int, link: str, _task: asyncio.Task[None]) -> None:
        if self.queued_pages.get(article_id) == link:  # (not a read a new link superseded)
            self.reading.discard(article_id)

    async def _page_room(self) -> None:
        """Memory: a page download waits (its host's slot taken) while the pages downloaded
        and not yet extracted hold `hold_limit` bytes: the pool has enough to chew on."""
        async with self.page_room:
            await self.page_room.wait_for(lambda: self.held_bytes < self.hold_limit)

    def _left_for_next_run(self) -> None:
        """A page neither read nor recorded as failed: it stays pending (no text, no error)
        and the next fetch reads it (a page recorded as failed is never read again)."""
        self.summary.articles_deferred += 1
        self.progress.articles_done += 1
        self._tick()

    async def _host_wait(self, host: str, retry_after: str | None) -> None:
        """An outlet's Retry-After on a page holds its pages in later runs too, up to
        PAGE_WAIT_MAX (without one, they wait for the next run only)."""
        now = _now()
        wait = parse_retry_after(retry_after, now)
        if wait is None or wait <= timedelta(0):
            return
        until = now + min(wait, PAGE_WAIT_MAX)
        if self.summary.host_waits.get(host, until) <= until:
            self.summary.host_waits[host] = until
            with contextlib.suppress(Exception):  # not kept: the next run asks again
                await self._db(self.store.set_host_wait, host, until)

    async def _page_try_recorded(self, article_id: int, error: str) -> bool:
        """Count a failed try of a page for a passing reason; True when that was its last
        (`PAGE_TRIES`) and the failure is recorded. A store error records nothing now."""
        try:
            return bool(await self._db(self.store.page_try_failed, article_id, error, PAGE_TRIES))
        except Exception:
            return True

    async def _article(self, article_id: int, link: str) -> None:
        extracted: Extracted
        held = 0
        left = passing = False  # deferred (budget, busy host); failed for a passing reason

        async def ready(hop: str) -> None:
            """Before each hop, once the host's slot is ours (a 429 may have come meanwhile)."""
            if host_of(hop) in self.busy_hosts:
                raise Deferred(link)
            await self._page_room()

        try:
            result = await self.fetcher.get(link, kind="page", start_by=self.pages_by, ready=ready)
            held = len(result.body)
            self.held_bytes += held
            if result.status in (429, 503):
                # the outlet asks us to wait: not a failure of this page (a recorded one is
                # never read again); it and the host's other pages wait for the next run
                # (the outlet that answered: not a redirector before it, whose links to
                # other outlets go on, the hop to this one is checked in `ready`)
                host = host_of(result.url)
                self.busy_hosts.add(host)
                await self._host_wait(host, result.headers.get("retry-after"))
                raise Deferred(link)
            if result.status in (500, 502, 504):  # the server's trouble, maybe passing
                raise FetchError(_http_reason(result.status), transient=True)
            if result.status != 200:
                extracted = Extracted(
                    None, error=f"page download failed: {_http_reason(result.status)}"
                )
            else:
                self.summary.articles_fetched += 1
                extracted = await self._cpu(
                    extract_article, result.body, dict(result.headers), result.url
                )
        except Deferred:  # the page budget is spent, or the host is busy
            left, extracted = True, Extracted(None)
        except FetchError as exc:  # a timeout, a broken connection: maybe tried again
            passing = exc.transient
            extracted = Extracted(None, error=clean_line(f"page download failed: {exc}", ERROR_CAP))
        except CpuFailure as exc:
            extracted = Extracted(None, error=f"extraction failed: {exc}")
        except Exception as exc:  # anything else must not stop the run either
            extracted = Extracted(None, error=f"extraction failed: {type(exc).__name__}")
        finally:
            if held:
                self.held_bytes -= held
                async with self.page_room:
                    self.page_room.notify_all()
        if self.queued_pages.get(article_id) != link:
            # the item changed meanwhile and now links elsewhere: that page's read stores,
            # and this one's outcome counts for nothing (no try of the new link's, no deferral)
            self.progress.articles_done += 1
            self._tick()
            return
        if left or (
            passing and not await self._page_try_recorded(article_id, extracted.error or "")
        ):
            self._left_for_next_run()
            return
        try:
            await self._db(
                self.store.set_article_text, article_id, text=extracted.text,
                author=extracted.author, lang=extracted.lang,
                error=clean_line(extracted.error, ERROR_CAP) if extracted.error else None,
                page_date=extracted.date, page_published=sane_page_date(extracted.date, _now()),
            )  # fmt: skip
        except Exception:
            extracted = Extracted(None, error="could not store the text")
        if extracted.text:
            self.summary.articles_extracted += 1
            self.progress.articles_extracted += 1
        else:
            self.summary.articles_failed += 1
            self.progress.articles_failed += 1
        self.progress.articles_done += 1
        self.progress.last = link
        self._tick()


def trusted_hosts(config: Config) -> set[str]:
    """Hosts the user put in feeds.toml: requests to them skip the public-address check."""
    return {host_of(feed.url) for feed in config.feeds if host_of(feed.url)}


async def refresh_async(
    store: Store,
    config: Config,
    *,
    feed_names: Sequence[str] | None = None,
    articles: bool | None = None,
    concurrency: int | None = None,
    per_host: int | None = None,
    limits: Limits | None = None,
    progress: ProgressCallback | None = None,
    pool: Executor | None = None,
    due_only: bool = False,
    article_max_age: timedelta | None = ARTICLE_MAX_AGE,
    force: bool = False,
    page_budget: float | None = PAGE_BUDGET,
) -> RefreshSummary:
    """One refresh run. `feed_names` limits it (names or URLs; unknown ones raise ValueError).
    `articles` defaults to settings.full_text. `due_only` (the app's periodic refresh) also
    skips feeds checked less than their interval ago. New items published more than
    `article_max_age` ago keep their summary (no page download); None downloads them all.
    `force` requests every selected feed, even one backing off (after failures, a
    Retry-After) or marked gone; a new failure is recorded as usual (one more error, a new
    wait). No article page download starts more than `page_budget` seconds after the run's
    start (None: no limit); the pages left stay unread for the next run."""
    feeds = select_feeds(config, feed_names)
    if articles is None:
        articles = config.settings.full_text
    settings = config.settings
    await asyncio.to_thread(store.sync_feeds, config.feeds)
    own_pool = pool is None
    cpu = pool if pool is not None else make_pool()
    db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing-db")
    finished = False  # the run returned (else Ctrl-C, SIGTERM or a bug cut it short)
    try:
        async with Fetcher(
            trusted_hosts=trusted_hosts(config),
            concurrency=concurrency or settings.concurrency,
            per_host=per_host or settings.per_host,
            limits=limits,
        ) as fetcher:
            run = _Run(
                store, config, feeds, articles=articles, fetcher=fetcher, pool=cpu, db=db,
                progress=progress, due_only=due_only, article_max_age=article_max_age,
                force=force, page_budget=page_budget,
            )  # fmt: skip
            try:
                summary = await run.run()
                finished = True
                return summary
            finally:
                for spare in run.spare_pools:
                    stop_pool(spare, now=not finished)
                if run.pool is not cpu:  # a replacement we started
                    stop_pool(run.pool, now=not finished)
    finally:
        if own_pool:  # (first: the store thread may be waiting on it, placing stories)
            stop_pool(cpu, now=not finished)
        db.shutdown(wait=True)


def refresh(store: Store, config: Config, **kwargs: Any) -> RefreshSummary:
    """Synchronous wrapper (own event loop) for the CLI and worker threads."""
    return asyncio.run(refresh_async(store, config, **kwargs))


def select_feeds(config: Config, names: Sequence[str] | None) -> list[Feed]:
    if not names:
        return list(config.feeds)
    chosen: list[Feed] = []
    unknown: list[str] = []
    for name in names:
        feed = config.feed_named(name)
        if feed is None:
            unknown.append(name)
        elif feed not in chosen:
            chosen.append(feed)
    if unknown:
        raise ValueError(
            "no feed named "
            + ", ".join(repr(clean_line(n, 80)) for n in unknown)
            + " in "
            + str(config.path)
        )
    return chosen
