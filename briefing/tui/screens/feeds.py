"""The feeds screen: every configured feed with its state, last error and next check."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from briefing.models import FeedState
from briefing.sanitize import clean_line
from briefing.store.db import utcnow
from briefing.tui.format import ago, clock, feed_note, feed_status
from briefing.tui.screens.typeahead import TypeAhead

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp


class FeedsScreen(TypeAhead, Screen[None]):
    CLOSING_KEYS = frozenset()
    CLOSING_BINDINGS = ("feeds_back",)
    BINDINGS = [
        Binding("escape,q", "close", "Back", id="feeds_back"),
        Binding("j", "cursor_down_table", show=False, id="feeds_down"),
        Binding("k", "cursor_up_table", show=False, id="feeds_up"),
    ]

    def __init__(self, *, zone: tzinfo) -> None:
        super().__init__()
        self.feeds: list[FeedState] = []
        self._shown: list[str] = []  # the URLs of the table's rows, in order
        self.zone = zone

    def compose(self) -> ComposeResult:
        with Vertical(classes="pane feeds"):
            yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
            # the highlighted feed in full: its URL and whole error, which the table's last
            # column cuts at 80 columns
            yield Static("", id="feed-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(".feeds").border_title = "Feeds"
        table = self.query_one(DataTable)
        table.add_columns("feed", "status", "last ok", "next check", "errors", "last error / note")
        self.set_focus(table)
        self.load()

    @work(group="feeds")
    async def load(self) -> None:
        app: BriefingApp = self.app  # type: ignore[assignment]
        try:
            self.feeds = list(await app.lane.call(app.store.feeds))
        except Exception as exc:  # a locked or broken cache: say so, show the empty table
            self.notify(f"Could not read the feeds: {exc}", severity="error")
        self.fill()

    def fill(self) -> None:
        """The rows, then the keys typed since F (j/k move among the rows, not an empty table).
        Filled again after a refresh (see BriefingApp.on_refresh_finished): the cursor stays
        on its feed."""
        self.query_one(".feeds").border_title = f"Feeds ({len(self.feeds)})"
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        url = self._shown[cursor] if 0 <= cursor < len(self._shown) else None
        table.clear()
        self._shown = [feed.url for feed in self.feeds]
        now = utcnow()
        # Every cell is a rich Text, so nothing from a feed is read as markup.
        for feed in self.feeds:
            status, style = feed_status(feed, self.zone, now)
            table.add_row(
                Text(clean_line(feed.name, 40)),
                Text(status, style=_rich_style(style)),
                Text(ago(feed.last_success, now) if feed.last_success else "never"),
                Text(clock(feed.next_check, self.zone) if feed.next_check else "due"),
                Text(str(feed.error_count)),
                Text(feed_note(feed)),
            )
        if url in self._shown:
            table.move_cursor(row=self._shown.index(url))
        self.keys_ready(table)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        row = event.cursor_row
        if not 0 <= row < len(self.feeds):
            return
        feed = self.feeds[row]
        parts: list[str | tuple[str, str]] = [
            (clean_line(feed.name, 80), "bold"),
            "  ",
            (clean_line(feed.url, 300), "dim"),
        ]
        note = feed_note(feed, limit=400)
        if note:
            parts += ["\n", note]
        self.query_one("#feed-detail", Static).update(Content.assemble(*parts))

    def action_cursor_down_table(self) -> None:
        self.query_one(DataTable).action_cursor_down()

    def action_cursor_up_table(self) -> None:
        self.query_one(DataTable).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)


def _rich_style(style: str) -> str:
    # DataTable cells are rich Text, which knows no theme variables.
    return {"$success": "green", "$error": "red", "$warning": "yellow"}.get(style, "dim")
