"""The main screen: thread list | story list | article reader, and every triage action."""

from __future__ import annotations

from collections.abc import Awaitable
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from briefing.models import Story, Thread
from briefing.sanitize import clean_line
from briefing.textfmt import plural
from briefing.tui.coalesce import Coalescer
from briefing.tui.format import mark_read_question
from briefing.tui.messages import ArticleLoaded, StoriesLoaded, ThreadsLoaded
from briefing.tui.prefetch import POSITION_KEY, SHOW_DORMANT_KEY, Position, format_position
from briefing.tui.screens.dialogs import ConfirmScreen, TextPrompt, ThreadPicker
from briefing.tui.storecalls import Stale
from briefing.tui.widgets import ArticleView, StatusLine, StoryList, ThreadList
from briefing.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from briefing.tui.app import BriefingApp

PAGE = 100  # rows per story page; a screen shows at most ~45
COALESCE_SECONDS = 0.12
LEVELS = ("threads", "stories", "article")
# Below these sizes the panes stop sharing the screen.
FULL_MIN = (110, 30)  # threads | (stories over article)
PAIR_MIN_WIDTH = 110  # threads | (stories or article)
# The actions that act on one story (the one read, else the one highlighted in the story
# list): off on the thread list, where that story is one the user never picked (the first
# of the highlighted thread, shown beside it or not on screen at all). check_action hides
# them from the footer there and the keys do nothing; the help screen lists them all.
STORY_ACTIONS = frozenset({"toggle", "hide", "move", "split", "open_link", "copy_link"})
# Seconds the cursor stays on a thread or story before it is saved as the place to open at
# next time (holding j through the threads writes nothing); quitting saves it at once.
REMEMBER_AFTER = 2.0


class MainScreen(Screen[None]):
    READ_AFTER = 2.0  # seconds a story stays shown beside the list before it counts as read
    BINDINGS = [
        Binding("enter", "open", "Open", show=False),
        Binding("escape,backspace", "back", "Back", id="back"),
        Binding("tab", "next_pane", "Pane", show=False, id="next_pane"),
        Binding("shift+tab", "previous_pane", "Previous pane", show=False, id="previous_pane"),
        Binding("space", "page_article", "Page", show=False, id="page"),
        Binding("r", "toggle('read')", "Read", id="read"),
        Binding("s", "toggle('starred')", "Star", id="star"),
        Binding("b", "toggle('in_briefing')", "Briefing", id="briefing"),
        Binding("x", "hide", "Hide", id="hide"),
        Binding("m", "move", "Move", id="move"),
        Binding("M", "merge", "Merge thread", show=False, id="merge"),
        Binding("R", "rename", "Rename thread", show=False, id="rename"),
        Binding("S", "split", "Split thread here", show=False, id="split"),
        Binding("p", "flag('pinned')", "Pin thread", show=False, id="pin"),
        Binding("u", "flag('muted')", "Mute thread", show=False, id="mute"),
        Binding("n", "next_unread", "Next unread", id="next_unread"),
        Binding("A", "mark_thread_read", "Mark thread read", show=False, id="mark_thread_read"),
        Binding("z", "undo", "Undo", id="undo"),
        Binding("o", "open_link", "Open link", show=False, id="open_link"),
        Binding("y", "copy_link", "Copy link", show=False, id="copy_link"),
        Binding(
            "D",
            "toggle_dormant",
            "Dormant threads",
            id="dormant",
            tooltip="Show or hide the "
            "threads quiet for dormant_after_days, listed after the others",
        ),  # fmt: skip
    ]

    def __init__(self) -> None:
        super().__init__()
        self._level = 0
        # Holding j through the threads must not load every thread on the way: the first
        # move loads at once, then at most one load per interval, for the latest selection.
        self._thread_loads = Coalescer(self, COALESCE_SECONDS, self.load_stories)
        self._article_loads = Coalescer(self, COALESCE_SECONDS, self.load_article)
        self._dwell: Timer | None = None  # marks the story shown beside the list read
        # The story r marked unread while it is shown: the dwell leaves it unread until the
        # cursor moves off it (Esc from the reader back to the list shows it all along).
        self._kept_unread: int | None = None
        self._first_unread_on_load = False
        self._open_first_unread = False  # ... and open it in the reader (n from there)
        self._select_on_load: int | None = None
        # (list key, story id) of the story last under the cursor: kept when a reload empties
        # the list (its thread merged away by another program), so the story can follow
        self._last_shown: tuple[object, int] | None = None
        self._restore: Position | None = None  # the story to put back under the cursor
        self._remembered: str | None = None  # the position saved last (POSITION_KEY)
        self._remember: Timer | None = None
        # D: the thread list shows the dormant threads too, after the others (kept in the
        # cache, SHOW_DORMANT_KEY; every reload reads the list this way)
        self.show_dormant = False
        self._started = False  # the first thread list is on its way (start_at ran)
        self._say_dormant = False  # D was pressed: say what the next list holds

    @property
    def briefing(self) -> BriefingApp:
        return self.app  # type: ignore[return-value]

    @property
    def level(self) -> int:
        """The pane the user is in: 0 threads, 1 stories, 2 article (LEVELS)."""
        return self._level

    @level.setter
    def level(self, level: int) -> None:
        if level != self._level:
            self._level = level
            self.refresh_bindings()  # the footer shows the keys of the new level

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The story keys and Back only where they do something: not on the thread list;
        D (dormant threads) only there, the list it changes."""
        if action in STORY_ACTIONS or action == "back":
            return self.level > 0
        if action == "toggle_dormant":
            return self.level == 0
        return True

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        app = self.briefing
        with Horizontal(id="panes"):
            yield ThreadList(id="threads", classes="pane")
            with Vertical(id="right"):
                yield StoryList(zone=app.zone, enter_to_screen=True, id="stories", classes="pane")
                yield ArticleView(zone=app.zone, id="article", classes="pane")
        yield StatusLine(offline=app.offline, zone=app.zone, id="status")
        yield KeysFooter()

    @property
    def thread_list(self) -> ThreadList:
        return self.query_one("#threads", ThreadList)

    @property
    def story_list(self) -> StoryList:
        return self.query_one("#stories", StoryList)

    @property
    def article(self) -> ArticleView:
        return self.query_one("#article", ArticleView)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    def pane(self, level: int) -> Widget:
        return self.query_one(f"#{LEVELS[level]}")

    def on_mount(self) -> None:
        self.thread_list.border_title = "Threads"
        self.story_list.border_title = "Stories"
        self.story_list.border_subtitle = Content(f"times: {self.briefing.zone_label}")
        self.article.border_title = "Article"
        self.thread_list.focus()
        self.apply_layout()

    def on_resize(self, event: events.Resize) -> None:
        self.apply_layout()

    def on_keys_footer_help_cut(self, message: KeysFooter.HelpCut) -> None:
        """Where the footer has no room for "? Help" (80 columns in the story list, longer
        key names set in feeds.toml), the status line starts with "? keys"; only there."""
        self.status.set_state(help_hint=message.cut)

    @property
    def mode(self) -> str:
        width, height = self.size
        if width >= FULL_MIN[0] and height >= FULL_MIN[1]:
            return "full"
        return "pair" if width >= PAIR_MIN_WIDTH else "single"

    def apply_layout(self) -> None:
        mode, level = self.mode, self.level
        article_was_shown = self.article.display
        self.set_class(mode == "full", "-full")
        self.set_class(mode == "pair", "-pair")
        self.set_class(mode == "single", "-single")
        if mode == "full":
            shown = {0, 1, 2}
        elif mode == "pair":
            shown = {0, 1} if level < 2 else {0, 2}
        else:
            shown = {level}
        self.thread_list.display = 0 in shown
        self.query_one("#right").display = bool(shown & {1, 2})
        self.story_list.display = 1 in shown
        self.article.display = 2 in shown
        if self.article.display and not article_was_shown:
            self.sync_article()

    def sync_article(self) -> None:
        """The article pane, coming back on screen (a resize, another pane), shows the story
        highlighted in the thread shown, not one left from before: while it was hidden the
        cursor may have moved to other stories or threads without loading them."""
        thread, stories = self.thread_list.current, self.story_list
        story = stories.current if thread is not None and stories.key == thread.id else None
        if story is None:
            self.article.clear()  # the thread's stories are still loading: they load it
        elif self.article.story is None or self.article.story.id != story.id:
            self.load_article(story.id)  # now: a story opened right after this loads later

    def go(self, level: int) -> None:
        """Show and focus a pane. The focus moves now, not after a refresh, so keys that
        arrived in the same burst as the one that called this (Enter j j) reach the new pane:
        Textual resolves each key's binding against the focus when that key is handled."""
        self.level = level
        self.apply_layout()
        self.set_focus(self.pane(level))

    def action_open(self) -> None:
        """Enter: the thread list opens the highlighted thread, the story list the story."""
        if self.focused is self.thread_list and self.thread_list.current is not None:
            self.go(1)
        elif self.focused is self.story_list and self.story_list.current is not None:
            self.open_story(self.story_list.current)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        for level, name in enumerate(LEVELS):
            if event.widget.id == name and self.level != level:
                self.level = level
                self.apply_layout()
        if event.widget is self.story_list and self.story_list.current is not None:
            # a thread opened with Enter or Tab shows its first story without a highlight
            # event: it counts from now
            self._read_after_dwell(self.story_list.current)

    def action_next_pane(self) -> None:
        self._to_pane((self.level + 1) % 3)

    def action_previous_pane(self) -> None:
        self._to_pane((self.level - 1) % 3)

    def _to_pane(self, level: int) -> None:
        """Tab into the reader opens the highlighted story, as Enter does: it is read (at 80
        columns Tab showed it in full and left it unread)."""
        thread, story = self.thread_list.current, self.story_list.current
        listed = thread is not None and self.story_list.key == thread.id
        if level == 2 and story is not None and listed:
            self.open_story(story)
        else:
            self.go(level)

    def action_back(self) -> None:
        if self.level > 0:
            self.go(self.level - 1)

    def action_page_article(self) -> None:
        """Space pages the article on screen. Where none is shown, it goes in one level as
        Enter does: on the thread list it opens the thread (its first story, never seen,
        is not opened and marked read), on the story list the highlighted story."""
        if self.article.display:
            self.article.scroll_pages(1)
        elif self.level == 0:
            if self.thread_list.current is not None:
                self.go(1)
        elif self.story_list.current is not None:
            self.open_story(self.story_list.current)

    # ------------------------------------------------------------------ loading
    @work(group="threads", exclusive=True)
    async def load_threads(self, keep_id: int | None = None, moves: int | None = None) -> None:
        """Reload the thread list; select `keep_id` unless the user moves the selection
        before the rows arrive (`moves`: the selection's move count the request counts from)."""
        app = self.briefing
        if moves is None:
            moves = self.thread_list.moves
        writes = app.triage_writes
        shown = (self.story_list.key, self.story_list.current)  # before a reload empties it
        dormant = self.show_dormant
        try:
            threads = await app.lane.latest("threads", app.load_threads, dormant)
        except Stale:
            return
        if app.triage_writes != writes:  # read before a triage write the screen shows: again
            self.load_threads(keep_id, moves)
            return
        # The thread on screen is gone from the list: merged by another program (`briefing
        # merge` in another window)? Then the selection follows it to where it went, as after
        # the app's own M, instead of landing on whatever thread now has its row.
        listed = {t.id for t in threads}
        redirects = self.thread_list.redirects
        for gone in {keep_id, getattr(self.thread_list.current, "id", None)} - listed - {None}:
            if gone not in redirects:
                live = await app.lane.call(app.store.live_thread, gone)
                if live is not None and live != gone:
                    redirects[gone] = live
                    self.keep_story_through_merge(gone, shown)
        self.post_message(ThreadsLoaded(threads, keep_id=keep_id, moves=moves, dormant=dormant))

    def on_threads_loaded(self, message: ThreadsLoaded) -> None:
        self.thread_list.set_threads(message.threads, message.keep_id, moves=message.moves)
        dormant = sum(t.dormant for t in message.threads)
        count = f"{len(message.threads) - dormant} + {dormant} dormant" if dormant else (
            str(len(message.threads)))  # fmt: skip
        self.thread_list.border_title = Content(f"Threads ({count})")
        # D's message counts a list read the way D asked, not one read before it still on
        # its way to the screen (a reload after another program's commit)
        if self._say_dormant and message.dormant == self.show_dormant:
            self._say_dormant = False
            self._said_dormant(dormant)
        current = self.thread_list.current
        if current is not None and self.story_list.key == current.id:
            # the same thread, maybe renamed (R, its undo): its stories need no reload
            self.story_list.border_title = Content(clean_line(current.title, 80) or "Stories")
        if not message.threads:
            self.story_list.set_stories([], key=None)
            self.article.clear()

    @work(group="stories", exclusive=True)
    async def load_stories(self, thread_id: int, offset: int = 0, keep_count: int = 0) -> None:
        app = self.briefing
        limit = max(PAGE, keep_count) if offset == 0 else PAGE
        writes = app.triage_writes
        try:
            stories = await app.lane.latest(
                "stories", app.store.stories, thread_id, offset=offset, limit=limit
            )
        except Stale:
            return
        if app.triage_writes != writes:
            # A triage key was pressed while this read was queued ahead of its write: these
            # rows may hold the old flags, which would undo on screen what the user just did.
            self.load_stories(thread_id, offset, keep_count)
            return
        self.post_message(StoriesLoaded(thread_id, offset, stories, complete=len(stories) < limit))

    def on_stories_loaded(self, message: StoriesLoaded) -> None:
        current = self.thread_list.current
        if current is None or current.id != message.thread_id:
            return
        if self._restore is not None:  # the first stories listed: the restored thread's?
            thread_id, story_id = self._restore
            self._restore = None
            if thread_id == message.thread_id and story_id is not None and message.offset == 0:
                self._select_on_load = self._select_on_load or story_id
        stories = self.story_list
        if message.offset == 0:
            stories.set_stories(
                message.stories, key=message.thread_id, complete=message.complete,
                keep_id=self._select_on_load,
            )  # fmt: skip
        else:
            stories.append_stories(message.stories, complete=message.complete)
        # A thread title is feed text: a Content, so the border never reads it as markup.
        stories.border_title = Content(clean_line(current.title, 80) or "Stories")
        if self._select_on_load is not None:
            target = self._select_on_load
            if stories.select_id(target):
                self._select_on_load = None
            elif not message.complete:
                self.load_stories(message.thread_id, len(stories.stories))
                return
            elif message.thread_id not in self.thread_list.redirects:
                # (a list of a thread merged away, reloaded before the merge was seen, is not
                # where the story went: it waits for the list of the thread it went into)
                self._select_on_load = None
        if self._first_unread_on_load:
            self._first_unread_on_load = False
            opening, self._open_first_unread = self._open_first_unread, False
            for i, story in enumerate(stories.stories):
                if not story.read:
                    stories.highlighted = i
                    if opening:
                        self.open_story(story)
                    break
            else:
                if opening:
                    self.go(1)  # none left unread (read elsewhere meanwhile): the list
        if not stories.stories:
            self.article.clear()
        self.briefing.stories_listed()

    @work(group="article", exclusive=True)
    async def load_article(self, story_id: int) -> None:
        app = self.briefing

        def fetch() -> tuple[Story | None, list[Story]]:
            story = app.store.story(story_id)
            return story, (app.store.copies(story_id) if story else [])

        writes = app.triage_writes
        try:
            story, copies = await app.lane.latest("article", fetch)
        except Stale:
            return
        except Exception:  # failed (cancelled by a newer load: that one shows a story)
            self.article.forget(story_id)
            raise
        if app.triage_writes != writes:  # as in load_stories: read again, after the write
            self.load_article(story_id)
            return
        if story is not None:
            self.post_message(ArticleLoaded(story, copies))
        else:
            self.article.forget(story_id)

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        self.article.show(message.story, message.copies)

    def stories_pending(self) -> bool:
        """Keys go to the story list or the reader, and the list still shows another thread
        than the one highlighted (its stories are loading)."""
        thread = self.thread_list.current
        return (thread is not None and self.focused is not self.thread_list
                and self.story_list.key != thread.id)  # fmt: skip

    def select_on_load(self, story_id: int) -> None:
        """The next story list loaded puts this story under the cursor."""
        self._select_on_load = story_id

    def keep_story_through_merge(
        self, gone: int, shown: tuple[int | None, Story | None] | None = None
    ) -> None:
        """The thread whose stories are listed (`shown`: the list's thread and story under
        the cursor, by default now) was merged away: that story stays under the cursor once
        the thread it went into is listed."""
        key, current = shown or (self.story_list.key, self.story_list.current)
        story_id = current.id if current is not None else None
        if story_id is None and self._last_shown is not None and self._last_shown[0] == gone:
            # the list was reloaded empty before the merge was seen (the thread's stories had
            # gone): the story last under the cursor is the one to keep
            story_id = self._last_shown[1]
        if key == gone and story_id is not None:
            self._select_on_load = story_id

    def reload_all(self, select: int | None = None) -> None:
        """After a structural change or a refresh: threads, the current list, the article.
        `select`: the thread to show instead of the current one (an undo shows the thread
        that got its stories back); its stories and article follow the selection."""
        thread = self.thread_list.current
        if select is not None and (thread is None or thread.id != select):
            self.load_threads(select)
            return
        self.load_threads(thread.id if thread else None)
        if thread is not None:
            self.load_stories(thread.id, keep_count=len(self.story_list.stories))
        if self.article.story is not None:
            self.load_article(self.article.story.id)

    def action_toggle_dormant(self) -> None:
        """D: show the dormant threads (quiet for dormant_after_days) after the others, or
        hide them again. Kept in the cache, so the next start lists the threads the same way
        (and reopens on a dormant thread the cursor was left on). The cursor stays on its
        thread; hiding the one it is on moves it to the nearest thread still listed."""
        if not self._started:
            return  # the first list is still on its way, read the way it was left
        app = self.briefing
        self.show_dormant = not self.show_dormant
        self._say_dormant = True
        with suppress(RuntimeError):  # the lane is closed: the app is gone
            app.lane.submit(app.store.set_meta, SHOW_DORMANT_KEY, "1" if self.show_dormant else "0")
        current = self.thread_list.current
        self.load_threads(current.id if current is not None else None)

    def _said_dormant(self, count: int) -> None:
        if not self.show_dormant:
            self.notify("Dormant threads hidden (D shows them).", timeout=3)
            return
        days = self.briefing.config.settings.dormant_after_days
        if count:
            self.notify(f"{plural(count, 'dormant thread')} (quiet for {days} days) listed after "
                        "the others; D hides them.", timeout=4)  # fmt: skip
        else:
            self.notify(f"No dormant thread: every thread had news in the last {days} days.",
                        timeout=4)  # fmt: skip

    # ------------------------------------------------------------------ where the user was
    def start_at(self, position: Position | None, threads: list[Thread]) -> int | None:
        """At start: the thread to select, the one the cursor was left on if it is still
        listed (its story is put back under the cursor when its stories load, if still
        there); None (the first thread) otherwise, silently."""
        self._started = True
        self._remembered = format_position(position) if position is not None else None
        if position is None or not any(t.id == position[0] for t in threads):
            return None
        self._restore = position
        return position[0]

    def _moved(self) -> None:
        if self._remember is not None:
            self._remember.stop()
        self._remember = self.set_timer(REMEMBER_AFTER, self.remember_position)

    def remember_position(self) -> None:
        """Save the cursor's thread and story, to open there next time: one small write on
        the store lane, only when it changed. Not worth a word if it fails (a locked cache)."""
        if self._remember is not None:
            self._remember.stop()
            self._remember = None
        thread = self.thread_list.current
        if thread is None:
            return
        story = self.story_list.current if self.story_list.key == thread.id else None
        value = format_position((thread.id, story.id if story is not None else None))
        if value == self._remembered:
            return
        self._remembered = value
        app = self.briefing
        with suppress(RuntimeError):  # the lane is closed: the app is gone
            app.lane.submit(app.store.set_meta, POSITION_KEY, value)

    # ------------------------------------------------------------------ navigation events
    @on(ThreadList.Highlighted)
    def thread_highlighted(self, event: ThreadList.Highlighted) -> None:
        self._thread_loads(event.thread.id)
        self._moved()

    @on(ThreadList.Opened)
    def thread_opened(self, event: ThreadList.Opened) -> None:
        self.go(1)

    @on(StoryList.Highlighted, "#stories")
    def story_highlighted(self, event: StoryList.Highlighted) -> None:
        self._last_shown = (self.story_list.key, event.story.id)
        if event.story.id != self._kept_unread:
            self._kept_unread = None
        if self.article.display and (self.article.story is None or
                                     self.article.story.id != event.story.id):  # fmt: skip
            self._article_loads(event.story.id)
        self._read_after_dwell(event.story)
        self._moved()

    def _read_after_dwell(self, story: Story) -> None:
        """A story that stays shown in the article pane for READ_AFTER seconds is marked
        read, as Enter would (not undoable, like Enter): in the wide layout beside the focused
        story list, or in the reader x moved on to it (it showed the next story, unread);
        moving the highlight (j/k held or tapped, x x) cancels it, so skimming marks nothing."""
        if self._dwell is not None:
            self._dwell.stop()
            self._dwell = None
        if story.read or story.id == self._kept_unread:
            return
        if not self.article.display or not self._reading():
            return
        story_id = story.id

        def mark() -> None:
            self._dwell = None
            current = self.story_list.current
            if (
                current is None
                or current.id != story_id
                or current.read
                or current.id == self._kept_unread
                or self.app.screen is not self
                or not self.article.display
                or not self._reading()
                or getattr(self.article.story, "id", None) != story_id
            ):
                return
            self.briefing.write_triage(self, current, "read", True, undoable=False)

        self._dwell = self.set_timer(self.READ_AFTER, mark)

    def _reading(self) -> bool:
        """The focus is on the story list or the article (not the thread list, a dialog)."""
        return self.story_list.has_focus or self.article.has_focus

    @on(StoryList.Opened, "#stories")
    def story_opened(self, event: StoryList.Opened) -> None:
        self.open_story(event.story)

    @on(StoryList.NeedMore, "#stories")
    def need_more(self, event: StoryList.NeedMore) -> None:
        if isinstance(self.story_list.key, int):
            self.load_stories(self.story_list.key, event.offset)

    def open_story(self, story: Story) -> None:
        """Show the story in the reader and mark it read (opening is reading)."""
        self.go(2)
        if not story.read:  # first, so the article load below (same lane) sees it read
            self.briefing.write_triage(self, story, "read", True, undoable=False)
            story = replace(story, read=True)
        if self.article.story is None or self.article.story.id != story.id:
            self.article.expect(story)
            self.load_article(story.id)

    def show_found(self, story: Story) -> None:
        """Open a story found elsewhere (search, new since) in its own thread."""
        if story.thread_id is None:
            self.notify("That story is not in any thread.", severity="warning")
            return
        if story.hidden:  # its thread's list leaves it out: the reader alone shows it (x: unhide)
            self.open_story(story)
            return
        index = self.thread_list.index_of(story.thread_id)
        if index is None:
            why = "merged" if self.show_dormant else "dormant (D lists those) or merged"
            self.notify(f"Its thread is not in the list ({why}).", severity="warning")
        else:
            self._select_on_load = story.id
            self.thread_list.highlighted = index
            self.load_stories(story.thread_id)
        self.open_story(story)

    # ------------------------------------------------------------------ triage
    def target_story(self) -> Story | None:
        """The story the triage keys act on: the one read (or being opened: Enter s in one
        burst stars the story Enter opened, not the one the pane showed until it loads),
        else the one highlighted in the story list, if that list is on screen (at 80 columns
        the thread list is shown alone: `s` there must not star a story the user cannot see)."""
        subject = self.article.subject
        if self.article.has_focus and subject is not None:
            index = self.story_list.index_of(subject.id)
            return self.story_list.stories[index] if index is not None else subject
        return self.story_list.current if self.story_list.display else None

    def no_story(self) -> None:
        """A story key with no story to act on: an empty story list, or a reader showing
        none (its story gone). On the thread list the story keys are off (check_action)."""
        self.notify("No story selected.", severity="warning")

    def story_changed(self, story: Story) -> None:
        """Show a story's new triage state everywhere it is on screen."""
        self.story_list.update_story(story)
        article = self.article
        if article.coming is not None and article.coming.id == story.id:
            article.coming = story  # s s while it loads: the second one unstars
        if article.story is not None and article.story.id == story.id:
            article.show(story, article.copies)

    def action_toggle(self, flag: str) -> None:
        story = self.target_story()
        if story is None:
            self.no_story()
            return
        if flag == "read" and story.read:
            self._kept_unread = story.id  # the user's word: no timer marks it read again
        self.briefing.write_triage(self, story, flag, not getattr(story, flag))

    def action_hide(self) -> None:
        """x hides the story; on a hidden one (found by a search, after a restart emptied the
        undo list) it brings it back into its thread's list."""
        story = self.target_story()
        if story is None:
            self.no_story()
            return
        if story.hidden:
            self.briefing.write_triage(self, story, "hidden", False)
            self.thread_list.adjust_unread(story.thread_id, 0 if story.read else 1)
            if self.story_list.key == story.thread_id:
                self._select_on_load = story.id
                self.load_stories(story.thread_id, keep_count=len(self.story_list.stories))
            else:  # back in its thread's list: show it there (the read is queued after the write)
                self.show_found(replace(story, hidden=False))
            return
        self.briefing.write_triage(self, story, "hidden", True)
        self.story_list.remove_story(story.id)
        if not story.read:
            self.thread_list.adjust_unread(story.thread_id, -1)
        if self.back_if_emptied():
            self.load_threads()

    def back_if_emptied(self) -> bool:
        """After x or m took a story out of the list: if its thread has no story left to
        show, go back to the thread list (whose next load drops the thread, as a restart
        would), not on to an empty story list or the stories of the thread taking its row."""
        if self.story_list.stories or not self.story_list.complete:
            return False
        self.go(0)
        return True

    def action_next_unread(self) -> None:
        stories = self.story_list
        start = (stories.highlighted + 1) if stories.highlighted is not None else 0
        if not stories.display or self.level == 0:
            # from the thread list (the story list hidden, or beside it) the highlighted
            # story was not opened, and nothing marks it read there: it counts
            start = stories.highlighted or 0
        if self.article.has_focus and self.article.story is not None:
            index = stories.index_of(self.article.story.id)
            start = index + 1 if index is not None else start
        for i in range(start, len(stories.stories)):
            if not stories.stories[i].read:
                self._show_unread(i)
                return
        threads = self.thread_list
        begin = (threads.highlighted or 0) + 1
        order = list(range(begin, len(threads.threads))) + list(range(0, begin))
        for i in order:
            thread = threads.threads[i]
            if not thread.unread or thread.muted:
                continue
            if i == threads.highlighted and stories.key == thread.id:
                # back round to this thread: its unread stories are above the cursor (moving
                # the highlight to where it already is would load nothing)
                for j, story in enumerate(stories.stories[:start]):
                    if not story.read:
                        self._show_unread(j)
                        return
                continue
            self._first_unread_on_load = True
            # in the reader, n goes on reading: the next thread's first unread story opens
            # there when its stories are listed (keys typed meanwhile wait for them)
            self._open_first_unread = self.level == 2
            threads.highlighted = i
            if not self._open_first_unread:
                self.go(1)
            return
        self.notify("Nothing unread.")

    def _show_unread(self, index: int) -> None:
        """n found an unread story of the thread shown: highlight it, in the reader open it,
        from the thread list show it (at 80 columns the story list was hidden, so n moved a
        cursor nobody saw), as n does when it goes on to the next thread."""
        self.story_list.highlighted = index
        if self.level == 2:
            self.open_story(self.story_list.stories[index])
        elif self.level == 0:
            self.go(1)

    def action_undo(self) -> None:
        self.briefing.undo(self)

    # ------------------------------------------------------------------ thread actions
    def current_thread(self) -> Thread | None:
        thread = self.thread_list.current
        if thread is None:
            self.notify("No thread selected.", severity="warning")
        return thread

    # Each dialog is pushed from the key's own handler (`open_dialog`), so the keys typed
    # right after reach it; a worker then waits for the answer.
    def action_move(self) -> None:
        story = self.target_story()
        if story is None:
            self.no_story()
            return
        others = [t for t in self.thread_list.threads if t.id != story.thread_id]
        title = f"Move “{clean_line(story.title, 60)}” to which thread?"
        picker = ThreadPicker(title, others, allow_new=True, dormant=self._read_dormant(),
                              exclude=story.thread_id)  # fmt: skip
        self._move(story, self.briefing.open_dialog(picker))

    def _read_dormant(self) -> Future[list[tuple[int, str]]] | None:
        """For the move and merge pickers: the threads not listed as dormant (a story can
        still belong to one, a thread be the same story as one), read in one light query
        queued now; None when the list on screen has them already (D listed them). Not
        `show_dormant`: after D, the list with them may still be on its way (`D` `M` typed
        in one burst), and the picker takes the list on screen."""
        if any(t.dormant for t in self.thread_list.threads):
            return None
        app = self.briefing
        days = timedelta(days=app.config.settings.dormant_after_days)
        return app.lane.submit(app.store.dormant_threads, dormant_after=days)

    @work(group="dialog")
    async def _move(self, story: Story, answer: Awaitable[int | tuple[str, str] | None]) -> None:
        choice = await answer
        if choice is None:
            return
        await self.briefing.move_story(self, story, choice)

    def action_merge(self) -> None:
        thread = self.current_thread()
        if thread is None:
            return
        others = [t for t in self.thread_list.threads if t.id != thread.id]
        title = f"Merge “{clean_line(thread.title, 60)}” into which thread?"
        # dormant threads too, after the listed ones: with none listed it says there is no
        # other thread once they are read
        picker = ThreadPicker(title, others, allow_new=False, dormant=self._read_dormant(),
                              exclude=thread.id)  # fmt: skip
        self._merge(thread, picker, self.briefing.open_dialog(picker))

    @work(group="dialog")
    async def _merge(
        self, thread: Thread, picker: ThreadPicker,
        answer: Awaitable[int | tuple[str, str] | None],
    ) -> None:  # fmt: skip
        target = await answer
        if not isinstance(target, int):
            return
        target_title, dormant = picker.offered.get(target, ("?", False))
        question = Content.assemble(
            "Merge ", (clean_line(thread.title, 80), "bold"), f" ({plural(thread.stories, 'story', 'stories')}) into ",
            (clean_line(target_title, 80), "bold"), " (dormant)" if dormant else "", "?\n",
            ("A merge cannot be undone with z.", "$warning"),
        )  # fmt: skip
        moves = self.thread_list.moves
        if await self.briefing.open_dialog(ConfirmScreen(question)):
            await self.briefing.merge_threads(self, thread, target, moves=moves)

    def action_split(self) -> None:
        """S: this story and every later one (those above it in the list) leave the thread
        for a new one, as the user's decision (the engine never moves them back)."""
        story = self.target_story()
        if story is None:
            self.no_story()
            return
        if story.decided_by == "seed":
            self.notify("The seed article stays in its thread: split at a later story.",
                        severity="warning")  # fmt: skip
            return
        # Count what the store moves (Store.split_thread): the later stories by time, never
        # the seed article, which an undated seed sits above by list position.
        later = [
            s for s in self.story_list.stories
            if s.id != story.id and (s.when, s.id) > (story.when, story.id)
        ]  # fmt: skip
        newer = sum(s.decided_by != "seed" for s in later)
        listed = self.story_list.index_of(story.id) is not None
        if listed and self.story_list.complete and newer == len(self.story_list.stories) - 1:
            # said before asking (the store would refuse it once the user had said yes)
            self.notify("Nothing to split: this is the thread's oldest story, so every story "
                        "would move.", severity="warning")  # fmt: skip
            return
        stays = " (the seed article stays)" if newer < len(later) else ""
        what = (
            f" and the {newer} newer stor{'y' if newer == 1 else 'ies'} above it go"
            if newer else " goes"
        )  # fmt: skip
        question = Content.assemble(
            "Split the thread here? ", (clean_line(story.title, 80), "bold"), what,
            " to a new thread", stays, " (z undoes it).",
        )  # fmt: skip
        self._split(story, self.briefing.open_dialog(ConfirmScreen(question)))

    @work(group="dialog")
    async def _split(self, story: Story, answer: Awaitable[bool | None]) -> None:
        if await answer:
            await self.briefing.split_thread(self, story)

    def action_rename(self) -> None:
        thread = self.current_thread()
        if thread is None:
            return
        prompt = TextPrompt("New title for the thread (Enter to save, Esc to cancel):",
                            thread.title)  # fmt: skip
        self._rename(thread, self.briefing.open_dialog(prompt))

    @work(group="dialog")
    async def _rename(self, thread: Thread, answer: Awaitable[str | None]) -> None:
        title = await answer
        if title == "":
            self.notify("Not renamed: a thread needs a title.", severity="warning")
        elif title and title != thread.title:
            await self.briefing.rename_thread(self, thread, title)

    def action_flag(self, flag: str) -> None:
        thread = self.current_thread()
        if thread is not None:
            self.briefing.set_thread_flag(self, thread, flag, not getattr(thread, flag))

    def action_mark_thread_read(self) -> None:
        thread = self.current_thread()
        if thread is None:
            return
        if not thread.unread:  # no "Mark all 0 unread stories … as read?"
            self.notify("Every story of this thread is read already.")
            return
        question = mark_read_question(thread)
        self._mark_thread_read(thread, self.briefing.open_dialog(ConfirmScreen(question)))

    @work(group="dialog")
    async def _mark_thread_read(self, thread: Thread, answer: Awaitable[bool | None]) -> None:
        if await answer:
            await self.briefing.mark_thread_read(self, thread)

    # ------------------------------------------------------------------ links
    def _link_story(self) -> Story | None:
        if self.article.display and self.article.subject is not None:
            return self.article.subject
        return self.story_list.current if self.story_list.display else None

    def action_open_link(self) -> None:
        story = self._link_story()
        if story is None:
            self.no_story()
        else:
            self.briefing.open_link(story.link)

    def action_copy_link(self) -> None:
        story = self._link_story()
        if story is None:
            self.no_story()
        else:
            self.briefing.copy_link(story.link)
