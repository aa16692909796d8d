"""The status line: online/offline, last good fetch, refresh progress, the latest message."""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual.content import Content
from textual.widgets import Static

from briefing.store.db import utcnow
from briefing.tui.format import ago, clock


class StatusLine(Static):
    TICK = 30.0  # seconds between repaints of "last good fetch 5m ago" (no SQL: all in memory)

    def __init__(self, *, offline: bool, zone: tzinfo, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.offline = offline
        self.zone = zone
        self.last_success: datetime | None = None
        self.progress = ""
        self.note = ""
        self.help_hint = False  # "? keys" first, when the footer is too narrow to show `?`

    def on_mount(self) -> None:
        self.set_interval(self.TICK, self.tick)

    def tick(self) -> None:
        """Keep the relative time true while nothing else repaints the line."""
        if self.last_success is not None:
            self.update(self.render_state())

    def set_state(
        self, *, last_success: datetime | None = None, progress: str | None = None,
        note: str | None = None, help_hint: bool | None = None,
    ) -> None:  # fmt: skip
        if last_success is not None:
            self.last_success = last_success
        if progress is not None:
            self.progress = progress
        if note is not None:
            self.note = note
        if help_hint is not None:
            self.help_hint = help_hint
        self.update(self.render_state())

    def render_state(self) -> Content:
        if self.offline:
            mode = ("OFFLINE", "bold $error")
        else:
            mode = ("online", "$success")
        if self.last_success:
            since = ago(self.last_success, utcnow())
            last = f"last good fetch {'just now' if since == 'now' else since + ' ago'}"
            last += f" ({clock(self.last_success, self.zone, with_zone=True)})"
        else:
            last = "no successful fetch yet"
        parts: list[str | tuple[str, str]] = [" "]
        if self.help_hint:
            parts += [("?", "bold $accent"), " keys · "]
        parts += [mode, " · ", (last, "dim")]
        if self.progress:
            parts += [" · ", (self.progress, "$accent")]
        if self.note:
            parts += [" · ", self.note]
        return Content.assemble(*parts)
