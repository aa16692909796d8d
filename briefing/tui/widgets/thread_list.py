"""The thread list: two-line rows (title; sparkline and counts), selection kept by thread id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from textual.actions import SkipAction
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.models import Thread
from briefing.store.db import utcnow
from briefing.tui.format import thread_age, thread_prompt
from briefing.tui.widgets.lists import StoppingList

ROW_HEIGHT = 2
TICK = 60.0  # seconds between updates of the rows' "last moved 5m" (no SQL: all in memory)


class ThreadList(StoppingList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("enter", "open", "Open", show=False),
    ]

    class Highlighted(Message):
        def __init__(self, thread: Thread) -> None:
            super().__init__()
            self.thread = thread

    class Opened(Message):
        def __init__(self, thread: Thread) -> None:
            super().__init__()
            self.thread = thread

    def __init__(self, **kwargs: object) -> None:
        super().__init__(markup=False, **kwargs)  # type: ignore[arg-type]
        self.threads: list[Thread] = []
        # Counts the selection's moves other than by set_threads (keys, clicks, jumps): a
        # reload asked for before the user moved must not move the selection back.
        self.moves = 0
        self._quiet = False
        self.redirects: dict[int, int] = {}  # a merged (gone) thread -> the one it went into
        self._ages: list[str] = []  # each row's "last moved" as shown

    def on_mount(self) -> None:
        self.set_interval(TICK, self.tick)

    def tick(self) -> None:
        """Repaint the rows whose "last moved" reads differently now (few, once a minute)."""
        now = utcnow()
        for index, thread in enumerate(self.threads):
            if self._ages[index] != thread_age(thread, now):
                self._set_row(index, thread, now)

    @property
    def current(self) -> Thread | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.threads):
            return None
        return self.threads[index]

    def set_threads(
        self, threads: Sequence[Thread], keep_id: int | None = None, *, moves: int | None = None
    ) -> None:
        """Replace the rows; the highlighted thread (by id) keeps its row on screen.

        `keep_id` is the thread to select, unless the selection moved since the reload was
        asked for (`moves`, the count then): the user's choice wins. A thread that is gone
        (merged) is followed to where it went; then the old index is kept."""
        old = self.current
        if old is not None and (keep_id is None or (moves is not None and moves != self.moves)):
            keep_id = old.id
        old_index = self.highlighted
        screen_row = (old_index * ROW_HEIGHT - self.scroll_y) if old_index is not None else None
        now = utcnow()
        self.threads = list(threads)
        self._ages = [thread_age(t, now) for t in self.threads]
        seen: set[int] = set()
        while keep_id in self.redirects and self.index_of(keep_id) is None and keep_id not in seen:
            seen.add(keep_id)
            keep_id = self.redirects[keep_id]
        self._quiet = True
        try:
            with self.prevent(OptionList.OptionHighlighted):
                self.set_options(Option(thread_prompt(t, now), id=str(t.id)) for t in self.threads)
                index = self.index_of(keep_id) if keep_id is not None else None
                if index is None and self.threads:
                    index = min(old_index or 0, len(self.threads) - 1)
                self.highlighted = index
        finally:
            self._quiet = False
        if index is not None and screen_row is not None:
            self.scroll_to(y=max(0, index * ROW_HEIGHT - screen_row), animate=False, force=True)
        if self.current is not None and (old is None or self.current.id != old.id):
            self.post_message(self.Highlighted(self.current))

    def watch_highlighted(self, highlighted: int | None) -> None:
        if not self._quiet:
            self.moves += 1
        super().watch_highlighted(highlighted)

    def index_of(self, thread_id: int) -> int | None:
        for i, thread in enumerate(self.threads):
            if thread.id == thread_id:
                return i
        return None

    def update_thread(self, thread: Thread) -> None:
        index = self.index_of(thread.id)
        if index is not None:
            self._set_row(index, thread, utcnow())

    def _set_row(self, index: int, thread: Thread, now: datetime) -> None:
        self.threads[index] = thread
        self._ages[index] = thread_age(thread, now)
        self.replace_option_prompt_at_index(index, thread_prompt(thread, now))

    def adjust_unread(self, thread_id: int | None, delta: int) -> None:
        index = self.index_of(thread_id) if thread_id is not None else None
        if index is not None and delta:
            thread = self.threads[index]
            self.update_thread(replace(thread, unread=max(0, thread.unread + delta)))

    def action_open(self) -> None:
        # Enter is the screen's binding: it moves the focus at once, so keys typed right
        # after it (one burst over ssh) reach the pane it opened. A click still selects.
        raise SkipAction()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.current is not None:
            self.post_message(self.Highlighted(self.current))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.current is not None:
            self.post_message(self.Opened(self.current))
