"""The article reader: a scrollable view of one story; shows Content, never markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from briefing.models import Story
from briefing.tui.format import article_content
from briefing.tui.widgets.scroll import SteadyScroll

PLACEHOLDER = Content.assemble(("Select a story to read it here.", "dim italic"))


class ArticleView(SteadyScroll, can_focus=True):
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="down"),
        Binding("k", "scroll_up", "Up", show=False, id="up"),
    ]

    def __init__(self, *, zone: tzinfo = UTC, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.zone = zone
        self.story: Story | None = None
        self.copies: list[Story] = []

    def compose(self) -> ComposeResult:
        yield Static(PLACEHOLDER, id="article-body", markup=False)

    def show(self, story: Story, copies: Sequence[Story], *, keep_scroll: bool = False) -> None:
        same = self.story is not None and self.story.id == story.id
        self.story = story
        self.copies = list(copies)
        self.query_one("#article-body", Static).update(article_content(story, copies, self.zone))
        if not (same and keep_scroll):
            self.scroll_goal(0)  # keys pressed before the repaint count from the top

    def clear(self) -> None:
        self.story = None
        self.copies = []
        self.query_one("#article-body", Static).update(PLACEHOLDER)

    @property
    def text(self) -> str:
        """The plain text on show (for tests and copy)."""
        return str(self.query_one("#article-body", Static).content)
