"""The help screen: every binding of the main screen and the app, with its current key."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing.tui.format import (
    DORMANT,
    HIDDEN,
    IN_BRIEFING,
    MUTED,
    PINNED,
    QUIET_DAY,
    SPARK,
    STARRED,
    UNREAD,
)
from briefing.tui.widgets.scroll import SteadyScroll

# Every marker the thread and story rows show (tui/format.py), explained.
MARKS_HELP = (
    f"Thread rows: {PINNED} pinned  {MUTED} muted (dimmed; n skips it);  bold: unread stories\n"
    f"  {SPARK} stories per day over two weeks, today last ({QUIET_DAY} none);\n"
    "  N new: arrived since your last visit;  "
    f"{DORMANT}: no news for dormant_after_days (D lists or hides those)\n"
    f"Story rows: {UNREAD} unread  {STARRED} starred  {IN_BRIEFING} in the briefing;"
    "  +N: other outlets carrying it;\n"
    f"  {HIDDEN}: hidden with x (only a search lists it; x there unhides it)"
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help_close"),
        # The first row says j/k move and scroll: they scroll this list too.
        Binding("j,down", "scroll(1)", show=False),
        Binding("k,up", "scroll(-1)", show=False),
        Binding("space,pagedown", "page(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
    ]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        """rows: (keys as shown, description)."""
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.rows), default=4) + 2
        parts: list[str | tuple[str, str]] = [("Keys", "bold"), "\n"]
        for keys, description in self.rows:
            parts += [(keys.ljust(width), "bold $accent"), description, "\n"]
        parts += ["\n", (MARKS_HELP, "dim"), "\n", ("ctrl+p: every action by name", "dim"), "\n",
                  ("Esc, q or ? closes this help; j/k scroll it.", "dim")]  # fmt: skip
        with SteadyScroll(classes="dialog help", id="help", page_overlap=1):
            yield Static(Content.assemble(*parts), markup=False, id="help-text")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help", SteadyScroll).scroll_lines(lines)

    def action_page(self, pages: int) -> None:
        self.query_one("#help", SteadyScroll).scroll_pages(pages)

    def action_close(self) -> None:
        self.dismiss(None)
