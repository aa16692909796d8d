"""A story list loaded in pages: one-line rows, asks for the next page near the end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo

from textual import events
from textual.actions import SkipAction
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from briefing.models import Story
from briefing.tui.format import RowLayout, row_layout, story_prompt
from briefing.tui.widgets.lists import StoppingList

PREFETCH = 30  # ask for the next page this many rows before the end
DAY_TICK = 60.0  # seconds between checks for a new day (short times say "18:16" for today)
# The pane's border and padding (4) and the scrollbar (1): a list not laid out yet (hidden
# behind the thread list at 80 columns) guesses its rows' width from the terminal's.
GUESS_MARGIN = 5


class StoryList(StoppingList):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="down"),
        Binding("k", "cursor_up", "Up", show=False, id="up"),
        Binding("enter", "open", "Open", show=False),
    ]

    class _Event(Message):
        """Base of the list's messages: `control` is the list, so handlers can tell lists apart."""

        def __init__(self, story_list: StoryList) -> None:
            super().__init__()
            self.story_list = story_list

        @property
        def control(self) -> StoryList:
            return self.story_list

    class Highlighted(_Event):
        def __init__(self, story_list: StoryList, story: Story) -> None:
            super().__init__(story_list)
            self.story = story

    class Opened(_Event):
        def __init__(self, story_list: StoryList, story: Story) -> None:
            super().__init__(story_list)
            self.story = story

    class NeedMore(_Event):
        def __init__(self, story_list: StoryList, offset: int) -> None:
            super().__init__(story_list)
            self.offset = offset

    def __init__(
        self, *, zone: tzinfo = UTC, show_outlet: bool = True, enter_to_screen: bool = False,
        **kwargs: object,
    ) -> None:  # fmt: skip
        super().__init__(markup=False, **kwargs)  # type: ignore[arg-type]
        self.zone = zone
        # Leave Enter to the screen's own binding (see MainScreen.action_open).
        self.enter_to_screen = enter_to_screen
        self.show_outlet = show_outlet
        self.stories: list[Story] = []
        self.complete = True
        self._asked_at: int | None = None
        self.key: object = None  # what the rows belong to (a thread id, a search)
        self.rows_layout: RowLayout | None = None  # how the rows are laid out (the list's width)

    def on_mount(self) -> None:
        self.set_interval(DAY_TICK, self._relayout)

    def on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def _fit_layout(self) -> RowLayout:
        """The layout for the list's width now. The scrollbar's column is always left out,
        so a list that grows one does not lay its rows out again."""
        width = self.size.width - 1 if self.size.width else self.app.size.width - GUESS_MARGIN
        return row_layout(width, self.zone)

    def _relayout(self) -> None:
        """Lay the rows out again where the width (or, with short times, the day) asks for
        another layout: the same stories, cursor and scroll; no message."""
        layout = self._fit_layout()
        if layout == self.rows_layout:
            return
        self.rows_layout = layout
        if not self.stories:
            return
        index, scroll_y = self.highlighted, self.scroll_y
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(self._option(s) for s in self.stories)
            self.highlighted = index
        self.scroll_to(y=scroll_y, animate=False, force=True)

    @property
    def current(self) -> Story | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.stories):
            return None
        return self.stories[index]

    def _option(self, story: Story) -> Option:
        if self.rows_layout is None:
            self.rows_layout = self._fit_layout()
        prompt = story_prompt(story, self.zone, outlet=self.show_outlet, layout=self.rows_layout)
        return Option(prompt, id=str(story.id))

    def set_stories(
        self, stories: Sequence[Story], *, key: object = None, complete: bool = True,
        keep_id: int | None = None,
    ) -> None:  # fmt: skip
        """Replace the rows. Reloading the same list keeps the highlighted story (by id) on
        the same screen row, so stories arriving above it do not move what the reader sees."""
        same = key == self.key
        old = self.current if same else None
        keep_id = keep_id if keep_id is not None else (old.id if old else None)
        old_index = self.highlighted if same else None
        screen_row = (old_index - self.scroll_y) if old_index is not None else None
        self.key = key
        self.stories = list(stories)
        self.complete = complete
        self._asked_at = None
        self.rows_layout = self._fit_layout()
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(self._option(s) for s in self.stories)
            index = self.index_of(keep_id) if keep_id is not None else None
            if index is None and self.stories:
                index = min(old_index or 0, len(self.stories) - 1)
            self.highlighted = index
        if index is not None and screen_row is not None:
            self.scroll_to(y=max(0, index - screen_row), animate=False, force=True)
        elif not same:
            if index:  # a story asked for by id (search, new since) may be further down
                self.call_after_refresh(self.scroll_to_highlight)
            else:
                self.scroll_to(y=0, animate=False, force=True)
        if self.current is not None and (old is None or self.current.id != old.id):
            self.post_message(self.Highlighted(self, self.current))

    def append_stories(self, stories: Sequence[Story], *, complete: bool) -> None:
        known = {s.id for s in self.stories}
        fresh = [s for s in stories if s.id not in known]
        self.stories += fresh
        self.complete = complete
        self._asked_at = None
        self.add_options(self._option(s) for s in fresh)

    def index_of(self, story_id: int) -> int | None:
        for i, story in enumerate(self.stories):
            if story.id == story_id:
                return i
        return None

    def update_story(self, story: Story) -> None:
        index = self.index_of(story.id)
        if index is not None:
            self.stories[index] = story
            self.replace_option_prompt_at_index(index, self._option(story).prompt)

    def remove_story(self, story_id: int) -> None:
        index = self.index_of(story_id)
        if index is None:
            return
        del self.stories[index]
        self.remove_option_at_index(index)
        if self.current is not None:
            self.post_message(self.Highlighted(self, self.current))

    def select_id(self, story_id: int) -> bool:
        index = self.index_of(story_id)
        if index is not None:
            self.highlighted = index
            self.scroll_to_highlight()
        return index is not None

    def _maybe_ask_more(self) -> None:
        index = self.highlighted or 0
        if (
            not self.complete
            and self._asked_at != len(self.stories)
            and index >= len(self.stories) - PREFETCH
        ):
            self._asked_at = len(self.stories)
            self.post_message(self.NeedMore(self, len(self.stories)))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.current is not None:
            self.post_message(self.Highlighted(self, self.current))
        self._maybe_ask_more()

    def action_open(self) -> None:
        if self.enter_to_screen:
            raise SkipAction()
        self.action_select()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.current is not None:
            self.post_message(self.Opened(self, self.current))
