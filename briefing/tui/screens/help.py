"""The help screen: every binding of the main screen and the app, with its current key."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

MARKS_HELP = "Story marks: ● unread  ★ starred  B in the briefing;  +N = other outlets carrying it"


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help_close")]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        """rows: (keys as shown, description)."""
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self.rows), default=4) + 2
        parts: list[str | tuple[str, str]] = [("Keys", "bold"), "\n"]
        for keys, description in self.rows:
            parts += [(keys.ljust(width), "bold $accent"), description, "\n"]
        parts += ["\n", (MARKS_HELP, "dim"), "\n", ("ctrl+p: every action by name", "dim")]
        with VerticalScroll(classes="dialog help", id="help"):
            yield Static(Content.assemble(*parts), markup=False, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
