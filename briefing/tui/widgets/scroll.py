"""A VerticalScroll that counts every key of a burst (the article, the help)."""

from __future__ import annotations

from textual.actions import SkipAction
from textual.containers import VerticalScroll


class SteadyScroll(VerticalScroll):
    """j/k, Space and the page keys move by one step per key, however fast they come.

    Textual defers a scroll until after the next repaint and counts it from where the view
    is at the key press, so keys arriving together (held down, or sent in one burst by a
    slow ssh link) all counted from the same place: three Spaces paged once. Here each key
    adds its step to the goal still pending, and the goal is applied after the repaint, where
    the view's length (a new article's text) is known and the end clamps it."""

    _goal: float | None = None

    def scroll_lines(self, lines: float) -> None:
        base = self.scroll_y if self._goal is None else self._goal
        self.scroll_goal(max(0.0, base + lines))

    def scroll_pages(self, pages: int) -> None:
        self.scroll_lines(pages * max(1, self.scrollable_content_region.height))

    def scroll_goal(self, y: float) -> None:
        """Scroll to `y` after the next repaint; keys pressed until then count from it."""
        if self._goal is None:
            self.call_after_refresh(self._reach_goal)
        self._goal = y

    def _reach_goal(self) -> None:
        goal, self._goal = self._goal, None
        if goal is not None:
            self.scroll_to(y=goal, animate=False, immediate=True)

    def _can_scroll(self) -> None:
        if not self.allow_vertical_scroll and self._goal is None:
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
