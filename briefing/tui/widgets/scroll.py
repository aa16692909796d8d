"""A VerticalScroll that counts every key of a burst (the article, the help)."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.containers import VerticalScroll


class SteadyScroll(VerticalScroll):
    """j/k, Space and the page keys move by one step per key, however fast they come.

    Textual defers a scroll until after the next repaint and counts it from where the view
    is at the key press, so keys arriving together (held down, or sent in one burst by a
    slow ssh link) all counted from the same place: three Spaces paged once. Here each key
    adds its step to what is pending, and the sum is applied after the repaint, where the
    view's size (a new article's text, a pane just shown) is known and the ends clamp it."""

    def __init__(self, *args: object, page_overlap: int = 0, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.page_overlap = page_overlap  # lines a page keeps from the one before
        self._base: float | None = None  # where the pending keys count from (None: none)
        self._lines = 0.0
        self._pages = 0

    def scroll_lines(self, lines: float) -> None:
        self._add(lines, 0)

    def scroll_pages(self, pages: int) -> None:
        self._add(0, pages)

    def _add(self, lines: float, pages: int) -> None:
        if self._base is None:
            self.scroll_goal(self.scroll_y)
        assert self._base is not None
        self._pages += pages
        self._lines += lines
        if not self._pages:  # above the top a key does nothing, as one at a time
            self._lines = max(-self._base, self._lines)

    def scroll_goal(self, y: float) -> None:
        """Scroll to `y` after the next repaint; keys pressed until then count from it."""
        if self._base is None:
            self.call_after_refresh(self._reach_goal)
        self._base, self._lines, self._pages = y, 0.0, 0

    def _reach_goal(self) -> None:
        if self._base is None:
            return
        page = max(1, self.scrollable_content_region.height - self.page_overlap)
        y = self._base + self._lines + self._pages * page
        self._base = None
        self.scroll_to(y=max(0.0, y), animate=False, immediate=True)

    def _can_scroll(self) -> None:
        if not self.allow_vertical_scroll and self._base is None:
            raise SkipAction()

    def action_scroll_down(self) -> None:
        self._can_scroll()
        self.scroll_lines(1)

    def action_scroll_up(self) -> None:
        self._can_scroll()
        self.scroll_lines(-1)

    def action_page_down(self) -> None:
        self._can_scroll()
        self.scroll_pages(1)

    def action_page_up(self) -> None:
        self._can_scroll()
        self.scroll_pages(-1)
