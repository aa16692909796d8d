"""Type-ahead for screens that a key opens (search, pickers, prompts, feeds).

Textual handles a burst of keys (a fast typist, a paste, ssh) one after the other without
waiting for anything in between. A screen pushed by the first key is on the stack at once, but
it composes and focuses its input in its own task, later: the keys after it would reach a
screen with nothing focused, and be lost. So the app holds back each key while the top screen
is a `TypeAhead` that is not ready yet (see `BriefingApp.on_event`), and the screen says when
it is ready (`keys_ready`, at the end of its `on_mount`). The keys keep their order.

The same holds on the way out: Enter in a picker, `y` in a confirm, dismiss the screen in its
own task, a moment after the key. A key typed right behind (`m`, `geo`, Enter, `s`) would reach
the closing screen's input and be lost, so after a key that may close the screen
(`CLOSING_KEYS`) the next ones are held until the screen is gone, then replayed in order
(or, after `CLOSE_WAIT` if it stays, given to it).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, ClassVar

from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.widget import Widget

# Never hold keys longer than this, even if a screen fails to say it is ready.
MAX_WAIT = 1.0
# After a key that may close the screen, hold the next keys this long at most (an Enter that
# does not close it, e.g. in an empty picker).
CLOSE_WAIT = 0.3


class TypeAhead:
    """Mixin (first base) for a screen that keys typed right after the one that opened it
    must reach."""

    # What may close the screen: Enter in its focused input (submit), and the keys of these
    # bindings (by id, so a key the user remapped in [keys] counts, not the default).
    CLOSING_KEYS: ClassVar[frozenset[str]] = frozenset({"enter"})
    CLOSING_BINDINGS: ClassVar[tuple[str, ...]] = ()
    _keys_ready: asyncio.Event | None = None
    may_close = False  # a closing key was handed to it; the keys after it are held

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

    def closes_on(self, key: str) -> bool:
        if key in self.CLOSING_KEYS:
            return True
        keymap: dict[str, str] = getattr(self.app, "_keymap", {})  # type: ignore[attr-defined]
        for binding in getattr(self, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id in self.CLOSING_BINDINGS:
                keys = keymap.get(binding.id, binding.key)
                if key in (k.strip() for k in keys.split(",")):
                    return True
        return False

    def key_handed(self, key: str) -> None:
        """The app handed this screen `key`: after a closing key, the next keys are held
        until the screen is gone (`BriefingApp._hold_key`)."""
        if self.closes_on(key):
            self.may_close = True
            self.set_timer(CLOSE_WAIT, self._stays)  # type: ignore[attr-defined]

    def _stays(self) -> None:
        """The closing key did not close it (an Enter in an empty picker): keys pass again."""
        self.may_close = False

    def dismiss(self, result: Any = None) -> AwaitComplete:
        done = super().dismiss(result)  # type: ignore[misc]  # the stack is popped now
        self._release_keys()
        return done

    def _release_keys(self) -> None:
        self.may_close = False
        release = getattr(self.app, "release_held_keys", None)  # type: ignore[attr-defined]
        if release is not None:
            self.app.call_later(release)  # type: ignore[attr-defined]

    def _on_unmount(self) -> None:
        self._ready_event().set()  # a screen dismissed before it was ready holds nothing
        if self.may_close:  # removed without dismiss (e.g. the app quits)
            self._release_keys()
