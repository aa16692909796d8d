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
        # The story being opened (Enter): until it shows, scroll keys count from its top
        # (Enter Space Space in one burst pages the new story twice, not the old one), and
        # the story keys act on it (see `subject`).
        self.coming: Story | None = None
        self._early = (0.0, 0)  # lines, pages

    @property
    def subject(self) -> Story | None:
        """The story the reader is about: the one being opened, else the one shown. While
        an opened story loads, the pane still shows the story before (or nothing)."""
        return self.coming or self.story

    def expect(self, story: Story) -> None:
        self.coming, self._early = story, (0.0, 0)

    def forget(self, story_id: int) -> None:
        """The story expected will not show (gone, or its load failed)."""
        if self.coming is not None and self.coming.id == story_id:
            self.coming = None

    def _add(self, lines: float, pages: int) -> None:
        if self.coming is None:
            super()._add(lines, pages)
            return
        early_lines, early_pages = self._early
        early_lines += lines
        early_pages += pages
        self._early = (early_lines if early_pages else max(0.0, early_lines), early_pages)

    def _can_scroll(self) -> None:
        if self.coming is None:
            super()._can_scroll()

    def compose(self) -> ComposeResult:
        yield Static(PLACEHOLDER, id="article-body", markup=False)

    def show(self, story: Story, copies: Sequence[Story]) -> None:
        """Show a story from its top; the same story shown again (a reload, or the second of
        the loads an Enter may start) keeps the reader where it is."""
        same = self.story is not None and self.story.id == story.id
        self.story = story
        self.copies = list(copies)
        self.query_one("#article-body", Static).update(article_content(story, copies, self.zone))
        coming, self.coming = self.coming, None  # any story shown ends the wait
        if coming is not None and story.id == coming.id:
            self.scroll_goal(0)
            self._add(*self._early)
        elif not same:
            self.scroll_goal(0)  # keys pressed before the repaint count from the top

    def clear(self) -> None:
        self.coming = None
        self.story = None
        self.copies = []
        self.query_one("#article-body", Static).update(PLACEHOLDER)

    @property
    def text(self) -> str:
        """The plain text on show (for tests and copy)."""
        return str(self.query_one("#article-body", Static).content)
