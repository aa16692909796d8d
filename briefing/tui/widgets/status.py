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

    def on_resize(self) -> None:
        self.update(self.render_state())

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
        """Mode, then what is happening (refresh progress, the latest result), then the last
        good fetch: the part that says least is last, and shortened first when space runs out
        (at 80 columns "… · refreshed: 0 new stories, 40 feeds failing" must not be cut)."""
        if self.offline:
            mode = ("OFFLINE", "bold $error")
        else:
            mode = ("online", "$success")
        parts: list[str | tuple[str, str]] = [" "]
        if self.help_hint:
            parts += [("?", "bold $accent"), " keys · "]
        parts += [mode]
        if self.progress:
            parts += [" · ", (self.progress, "$accent")]
        if self.note:
            parts += [" · ", self.note]
        width = self.size.width
        for last in self._last_fetch():
            content = Content.assemble(*parts, " · ", (last, "dim"))
            if not width or content.cell_length <= width:
                return content
        return Content.assemble(*parts)  # no room at all: the feeds screen (F) has it

    def _last_fetch(self) -> list[str]:
        """The last good fetch, from the longest wording to the shortest."""
        if not self.last_success:
            return ["no successful fetch yet", "no fetch yet"]
        since = ago(self.last_success, utcnow())
        since = "just now" if since == "now" else since + " ago"
        return [
            f"last good fetch {since} ({clock(self.last_success, self.zone, with_zone=True)})",
            f"last good fetch {since}",
            f"fetched {since}",
        ]
