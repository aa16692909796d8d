"""The status line: online / OFFLINE / all feeds failing, refresh progress, the latest message,
the last good fetch."""

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
        self.feed_health: tuple[int, int] = (0, 0)  # active feeds, failing (Store.feed_health)

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
        feed_health: tuple[int, int] | None = None,
    ) -> None:  # fmt: skip
        if last_success is not None:
            self.last_success = last_success
        if progress is not None:
            self.progress = progress
        if note is not None:
            self.note = note
        if help_hint is not None:
            self.help_hint = help_hint
        if feed_health is not None:
            self.feed_health = feed_health
        self.update(self.render_state())

    def _modes(self) -> list[tuple[str, str]]:
        """The mode word, from the longest wording to the shortest. "online" only while some
        feed works or may work: with every active feed failing (no network on this machine, a
        dead ssh line's proxy) it says so instead. Feeds never tried are not failing."""
        if self.offline:
            return [("OFFLINE", "bold $error")]
        total, failing = self.feed_health
        if total and failing >= total:
            if total == 1:
                return [("the feed is failing", "bold $error"), ("feed failing", "bold $error")]
            return [("all feeds failing", "bold $error"), ("all failing", "bold $error")]
        return [("online", "$success")]

    def render_state(self) -> Content:
        """Mode, then what is happening (refresh progress, the latest result), then the last
        good fetch: the part that says least is last, and shortened first when space runs out
        (at 80 columns "… · refreshed: 0 new stories, 40 feeds failing" must not be cut):
        the last fetch's wording, then the last fetch itself, then the mode's wording."""
        modes = self._modes()
        width = self.size.width

        def line(mode: tuple[str, str], last: str | None, note: str) -> Content:
            parts: list[str | tuple[str, str]] = [" "]
            if self.help_hint:
                parts += [("?", "bold $accent"), " keys · "]
            parts += [mode]
            if self.progress:
                parts += [" · ", (self.progress, "$accent")]
            if note:
                parts += [" · ", note]
            if last is not None:
                parts += [" · ", (last, "dim")]
            return Content.assemble(*parts)

        note = self.note
        candidates: list[tuple[tuple[str, str], str | None, str]] = [
            (modes[0], last, note) for last in self._last_fetch()
        ]
        # no room: the feeds screen (F) has the last fetch; then the shorter mode; then the
        # note without its "refreshed: " ("40 backing off (F: feeds, G: retry now)" is the
        # part that must stay whole)
        candidates += [(mode, None, note) for mode in modes]
        candidates.append((modes[-1], None, note.removeprefix("refreshed: ")))
        for mode, last, text in candidates:
            content = line(mode, last, text)
            if not width or content.cell_length <= width:
                return content
        return line(modes[-1], None, candidates[-1][2])

    def _last_fetch(self) -> list[str]:
        """The last good fetch, from the longest wording to the shortest. None yet while
        the first refresh runs: its progress says how it goes."""
        if not self.last_success:
            return [] if self.progress else ["no successful fetch yet", "no fetch yet"]
        since = ago(self.last_success, utcnow())
        since = "just now" if since == "now" else since + " ago"
        return [
            f"last good fetch {since} ({clock(self.last_success, self.zone, with_zone=True)})",
            f"last good fetch {since}",
            f"fetched {since}",
        ]
