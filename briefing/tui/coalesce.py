"""Coalescer: turns a burst of calls (a held-down key) into the first call plus the last one."""

from __future__ import annotations

from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget


class Coalescer:
    """Calls `fn` at once, then at most once per `interval` with the latest arguments."""

    def __init__(self, owner: Widget, interval: float, fn: Callable[..., object]) -> None:
        self.owner = owner
        self.interval = interval
        self.fn = fn
        self._timer: Timer | None = None
        self._pending: tuple[object, ...] | None = None

    def __call__(self, *args: object) -> None:
        if self._timer is not None:
            self._pending = args
            return
        # after the next refresh: the key's own repaint (the moved highlight) goes out first,
        # and the load's result cannot land in between and delay it
        self.owner.call_after_refresh(self.fn, *args)
        self._timer = self.owner.set_timer(self.interval, self._tick)

    def _tick(self) -> None:
        self._timer = None
        if self._pending is not None:
            args, self._pending = self._pending, None
            self(*args)
