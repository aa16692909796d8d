"""Runs every Store call on one background thread, in the order they were made.

One ordered lane keeps triage writes and the reads that follow them consistent (a reload after
`r` sees the write) and keeps SQL off the event loop. Reads that a newer request has made
stale are skipped before they reach SQLite (see `Latest`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from briefing.store import Store

T = TypeVar("T")


class Stale(Exception):
    """A read was superseded before it ran."""


class StoreLane:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefing-store")
        self._generation: dict[str, int] = {}

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(*args, **kwargs)` on the store thread and await its result."""
        return await asyncio.wrap_future(self._pool.submit(fn, *args, **kwargs))

    def submit(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> Future[T]:
        """Queue `fn` on the store thread now (not when a coroutine first runs): its place in
        the lane is fixed by the caller's own step. Await it with `asyncio.wrap_future`."""
        return self._pool.submit(fn, *args, **kwargs)

    async def latest(self, slot: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Like `call`, but raises Stale (without running) if a newer call used the same slot."""
        generation = self._generation.get(slot, 0) + 1
        self._generation[slot] = generation

        def run() -> T:
            if self._generation.get(slot) != generation:
                raise Stale(slot)
            return fn(*args, **kwargs)

        return await asyncio.wrap_future(self._pool.submit(run))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
