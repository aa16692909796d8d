"""Story lists across threads: full-text search (`/`) and "new since last visit" (`a`).

Both return the chosen Story (Enter), which the main screen opens in its thread.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from briefing.models import Story
from briefing.tui.format import clock
from briefing.tui.screens.typeahead import TypeAhead
from briefing.tui.storecalls import Stale
from briefing.tui.widgets import StoryList, TextBox

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp

SEARCH_LIMIT = 200
NEW_LIMIT = 500


class StoryResultsScreen(TypeAhead, Screen[Story | None]):
    BINDINGS = [
        # q closes the new-since view, as on the feeds and help screens; in the search it is
        # typed (in the box, or on the list: see on_key), Esc closes
        Binding("escape,q", "close", "Back", id="results_back"),
        Binding("tab", "toggle_focus", "Input/list", show=False, id="results_tab"),
    ]

    CLOSING_BINDINGS = ("results_back",)

    def closes_on(self, key: str) -> bool:
        """Enter closes from the list (it opens the story), not in the box (it searches); q
        is typed into the search (on_key), so only the new-since view closes on it."""
        if key == "enter":
            return isinstance(self.focused, StoryList)
        if key == "q" and self.searching:
            return False
        return super().closes_on(key)

    def __init__(self, *, zone: tzinfo, searching: bool, since: datetime | None = None) -> None:
        super().__init__()
        self.zone = zone
        self.searching = searching
        self.since = since

    @property
    def briefing(self) -> BriefingApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="pane results"):
            if self.searching:
                # No select-all on focus: letters typed on the results list come back here
                # (on_key) to refine the query, not to replace it.
                yield TextBox(
                    placeholder="search titles, summaries and text; Enter", id="query",
                    select_on_focus=False,
                )  # fmt: skip
            yield Static("", id="results-info", markup=False)
            yield StoryList(zone=self.zone, id="results")
        yield Footer()

    def on_mount(self) -> None:
        pane = self.query_one(".results")
        if self.searching:
            pane.border_title = "Search"
            self._info("Type words to look for; results are ranked by relevance.")
            self.keys_ready(self.query_one("#query", Input))
        else:
            if self.since is None:
                pane.border_title = "New (first visit)"
            else:
                since = clock(self.since, self.zone, with_zone=True)
                pane.border_title = Content(f"New since {since}")
            self.set_focus(self.query_one("#results", StoryList))
            self.load_new()

    def _info(self, text: str) -> None:
        self.query_one("#results-info", Static).update(Content.assemble((text, "dim")))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.run_search(event.value)

    @work(group="search", exclusive=True)
    async def run_search(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        try:
            stories = await self.briefing.lane.latest(
                "search", self.briefing.store.search, query, limit=SEARCH_LIMIT
            )
        except Stale:
            return
        except Exception as exc:  # a locked or broken cache: say so, keep the screen
            self.notify(f"Search failed: {exc}", severity="error")
            return
        results = self.query_one("#results", StoryList)
        results.set_stories(stories, key=("search", query))
        n = len(stories)
        if not n:
            self._info(f"Nothing found for “{query}”.")
            return
        count = f"the best {n} results" if n >= SEARCH_LIMIT else f"{n} result{'s' * (n != 1)}"
        self._info(f"{count} for “{query}” — Enter opens one in its thread")
        results.focus()

    @work(group="new", exclusive=True)
    async def load_new(self) -> None:
        try:
            stories = await self.briefing.lane.call(
                self.briefing.store.new_since, self.since, limit=NEW_LIMIT
            )
        except Exception as exc:  # a locked or broken cache
            stories = []
            self.notify(f"Could not read the new stories: {exc}", severity="error")
        results = self.query_one("#results", StoryList)
        results.set_stories(stories, key="new")
        n = len(stories)
        if not n:
            text = "No stories yet." if self.since is None else "Nothing new since your last visit."
        elif self.since is None:
            text = f"No earlier visit: the {n} latest arrivals"
        elif n >= NEW_LIMIT:
            text = f"The latest {n} of the stories that arrived since your last visit"
        else:
            text = f"{n} stor{'ies' if n != 1 else 'y'} arrived since your last visit"
        self._info(text + (" — Enter opens one in its thread" if n else ""))
        self.keys_ready(results)  # j/k/Enter typed after `a` act on the list, not an empty one

    def _moves_in_list(self, key: str) -> bool:
        """`key` moves the results' cursor, as in every list: j/k, unless [keys] remaps the
        list's `down` and `up` (StoryList.BINDINGS)."""
        keymap: dict[str, str] = getattr(self.app, "_keymap", {})
        for binding in StoryList.BINDINGS:
            if isinstance(binding, Binding) and binding.id in ("down", "up"):
                keys = keymap.get(binding.id, binding.key)
                if key in (k.strip() for k in keys.split(",")):
                    return True
        return False

    def on_key(self, event: events.Key) -> None:
        """In the search box, letters type and Down goes to the results (as Tab and Enter
        do). On the results, j/k move, as in the other lists; any other letter typed there
        refines the query: it goes to the search box (now focused, so the next keys follow
        it), never to a binding (q here, or the main screen's keys once Enter had closed the
        search)."""
        if not self.searching:
            return
        query = self.query_one("#query", Input)
        results = self.query_one("#results", StoryList)
        if query.has_focus:
            if event.key == "down" and results.stories:
                event.stop()
                event.prevent_default()
                self.set_focus(results)
            return
        if not event.is_printable or not event.character or self._moves_in_list(event.key):
            return
        event.stop()
        event.prevent_default()
        self.set_focus(query)
        query.cursor_position = len(query.value)
        query.insert_text_at_cursor(event.character)

    def on_story_list_opened(self, event: StoryList.Opened) -> None:
        event.stop()
        self.dismiss(event.story)

    def on_story_list_highlighted(self, event: StoryList.Highlighted) -> None:
        event.stop()

    def action_toggle_focus(self) -> None:
        """Tab: between the box and the results; to the results only when there are some
        (as Down), else j and k typed next would move nothing and be lost to the query."""
        if not self.searching:
            return
        query = self.query_one("#query", Input)
        results = self.query_one("#results", StoryList)
        if query.has_focus:
            if results.stories:
                results.focus()
        else:
            query.focus()

    def action_close(self) -> None:
        self.dismiss(None)
