"""Type-ahead for screens that a key opens (search, pickers, prompts, feeds).

Textual handles a burst of keys (a fast typist, a paste, ssh) one after the other without
waiting for anything in between. A screen pushed by the first key is on the stack at once, but
it composes and focuses its input in its own task, later: the keys after it would reach a
screen with nothing focused, and be lost. So the app holds back each key while the top screen
is a `TypeAhead` that is not ready yet (see `BriefingApp.on_event`), and the screen says when
it is ready (`keys_ready`, at the end of its `on_mount`). The keys keep their order.
"""

from __future__ import annotations

import asyncio
import contextlib

from textual.widget import Widget

# Never hold keys longer than this, even if a screen fails to say it is ready.
MAX_WAIT = 1.0


class TypeAhead:
    """Mixin (first base) for a screen that keys typed right after the one that opened it
    must reach."""

    _keys_ready: asyncio.Event | None = None

    def _ready_event(self) -> asyncio.Event:
        if self._keys_ready is None:
            self._keys_ready = asyncio.Event()
        return self._keys_ready

    @property
    def takes_keys(self) -> bool:
        return self._keys_ready is not None and self._keys_ready.is_set()

    def keys_ready(self, focus: Widget | None = None) -> None:
        """Focus `focus` now (not after a refresh, as `focus()` would) and let the held keys
        through; they go to whatever has the focus when each is handled."""
        if focus is not None:
            self.set_focus(focus)  # type: ignore[attr-defined]
        self._ready_event().set()

    async def wait_until_ready(self, timeout: float = MAX_WAIT) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready_event().wait(), timeout)

    def _on_unmount(self) -> None:
        self._ready_event().set()  # a screen dismissed before it was ready holds nothing
