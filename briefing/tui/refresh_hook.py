"""Runs the fetch pipeline (`briefing.refresh`) for the app, on a worker thread.

The pipeline gets its own Store connection (the store contract: one per long job) and holds
the data directory's fetch lock, so a `briefing fetch` from cron and the app never fetch at
the same time, and the app's own store lane stays free for triage while a refresh runs. Every
failure comes back as (False, message): a failed refresh is a status-line message, not a crash.
"""

from __future__ import annotations

import contextlib
import multiprocessing.util
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from briefing.config import Config
from briefing.store import Store

Report = Callable[[str], None]


def describe(progress: Any) -> str:
    """One line from the pipeline's Progress snapshot."""
    total = getattr(progress, "feeds_total", 0)
    text = f"refreshing: feeds {getattr(progress, 'feeds_done', 0)}/{total}"
    if getattr(progress, "articles_total", 0):
        text += f", pages {progress.articles_done}/{progress.articles_total}"
    if getattr(progress, "failures", 0):
        text += f", {progress.failures} failed"
    return text


def summarise(summary: Any) -> str:
    """One line for the status bar: new stories, then the feeds that need a look (failing, or
    skipped because they are backing off after failures), pointing at the feeds screen."""
    totals = summary.totals() if hasattr(summary, "totals") else {}
    new = totals.get("new", 0)
    text = f"refreshed: {new} new stor{'y' if new == 1 else 'ies'}"
    if totals.get("updated", 0):  # an outlet changed stories already here (a correction)
        text += f", {totals['updated']} updated"
    failing = totals.get("error", 0) + totals.get("gone", 0)
    # A skipped feed with an error is backing off; one without is merely not due yet.
    waiting = sum(1 for r in getattr(summary, "feeds", ()) if r.status == "skipped" and r.error)
    problems = []
    if failing:
        problems.append(f"{failing} feed{'s' * (failing != 1)} failing")
    if waiting:
        problems.append(f"{waiting} backing off")
    if problems:
        text += f", {' and '.join(problems)} (F: feeds{', G: retry now' if waiting else ''})"
    return text


def abandon(pools: Iterable[ProcessPoolExecutor] | None = None) -> None:
    """Quitting while a refresh runs (`tui.app.run` ends the process without waiting for
    it): kill that refresh's worker processes, in every pool it made (its own, and the
    replacement and one-off pools after a worker crashed). Nothing else would end them: an
    idle pool worker waits for work for ever, and the fork server stays up while any worker
    lives. Their semaphores go too (see _remove_semaphores). `pools`: these only (a test's)."""
    pipeline = sys.modules.get("briefing.refresh")  # (not imported: no refresh ran)
    if pipeline is None:
        return
    for pool in pipeline.live_pools() if pools is None else pools:
        pipeline.kill_workers(pool)
        with contextlib.suppress(Exception):
            _remove_semaphores(pool)


def _remove_semaphores(pool: ProcessPoolExecutor) -> None:
    """The named semaphores of a pool's queues are removed by a normal exit, which the
    quitting app skips (os._exit): multiprocessing's tracker process then removed them,
    printing "There appear to be 5 leaked semaphore objects" under the shell prompt. Run
    their own clean-up now (what the exit would have done: each SemLock's Finalize, which
    also tells the tracker), for this pool's only."""
    from multiprocessing.synchronize import SemLock  # (fails where there is no sem_open)

    locks = set()
    for queue in (getattr(pool, "_call_queue", None), getattr(pool, "_result_queue", None)):
        for name in ("_rlock", "_wlock", "_sem"):
            lock = getattr(queue, name, None)
            if isinstance(lock, SemLock):
                locks.add(id(lock))
    for finalizer in list(multiprocessing.util._finalizer_registry.values()):
        ref = getattr(finalizer, "_weakref", None)
        if ref is not None and id(ref()) in locks:
            finalizer()


def run_refresh(
    data_dir: Path, config: Config, report: Report, *, due_only: bool = False,
    force: bool = False, placed: Callable[[], None] | None = None,
) -> tuple[bool, str]:  # fmt: skip
    """One refresh: `report` gets a line of progress; `placed` is called when a long run
    has placed stories in their threads before its end (the reader may show them)."""
    try:
        from briefing import refresh as pipeline
    except ImportError as exc:
        return False, f"the fetch pipeline is not available in this build ({exc})"
    try:
        with pipeline.refresh_lock(data_dir), Store.open(data_dir) as store:
            pool = pipeline.make_pool()
            try:
                seen_placed = 0  # stories placed by the run's rounds, as last reported

                def progress(p: Any) -> None:
                    nonlocal seen_placed
                    report(describe(p))
                    if placed is not None and getattr(p, "placed", 0) > seen_placed:
                        seen_placed = p.placed
                        placed()

                summary = pipeline.refresh(
                    store, config, progress=progress, due_only=due_only, force=force,
                    pool=pool,
                )  # fmt: skip
            finally:
                pool.shutdown(wait=False, cancel_futures=True)
        return True, summarise(summary)
    except pipeline.RefreshBusy as exc:
        # another program's fetch (cron's, a `briefing fetch` in another window) is doing the
        # work: no failure, and its stories show as it stores them (the app polls for other
        # programs' commits)
        who = f" (pid {exc.holder})" if exc.holder else ""
        return True, f"another fetch is running{who}: its stories show as it stores them"
    except Exception as exc:  # the pipeline's failure is a message for the status line
        return False, f"{type(exc).__name__}: {exc}"
