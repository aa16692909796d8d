"""The app's text box: an Input that never holds an escape sequence or a bidi override."""

from __future__ import annotations

from textual.widgets import Input

from briefing.sanitize import clean_typed


class TextBox(Input):
    """What is typed or pasted goes in cleaned (sanitize.clean_typed): text copied from a web
    page and pasted here kept its escape sequences, C1 controls and bidi overrides, which
    the box, and what quotes its value (the search's "Nothing found for ..."), gave to the
    terminal."""

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(clean_typed(text), start, end)
