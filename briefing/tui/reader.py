"""BriefingApp: wires the store lane, the screens, undo, links, export and refresh."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import time
import webbrowser
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

from briefing.config import Config, ConfigError, load_config, shipped_feeds_path, user_feeds_path
from briefing.models import Story, Thread
from briefing.sanitize import clean_line, http_url
from briefing.store import Store
from briefing.store.db import to_db, utcnow
from briefing.textfmt import plural
from briefing.tui import refresh_hook
from briefing.tui.format import display_zone, path_lines
from briefing.tui.messages import RefreshFinished, RefreshPlaced, RefreshProgress, ThreadsLoaded
from briefing.tui.prefetch import StartupData, load_startup, thread_list
from briefing.tui.screens.dialogs import NEW_THREAD
from briefing.tui.screens.feeds import FeedsScreen
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.main import MainScreen
from briefing.tui.screens.results import StoryResultsScreen
from briefing.tui.screens.typeahead import CLOSE_WAIT, MAX_WAIT, TypeAhead
from briefing.tui.storecalls import StoreLane

T = TypeVar("T")

UNDO_LEVELS = 50
FAILED = object()  # what BriefingApp._save returns when the write did not happen
# Seconds after the first data arrives by which the first thread's stories and article are
# on screen too (they load right after it): then the start-up objects are frozen (see start).
STARTUP_SETTLED = 1.0
TOAST_WIDTH = 60  # a notification's width at most (textual.widgets._toast: Toast)
TRIAGE_WORDS = {
    ("read", True): "Marked read", ("read", False): "Marked unread",
    ("starred", True): "Starred", ("starred", False): "Unstarred",
    ("in_briefing", True): "Added to the briefing", ("in_briefing", False): "Removed from the briefing",
    ("hidden", True): "Hidden", ("hidden", False): "Unhidden",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class UndoStep:
    label: str
    revert: Callable[[], Awaitable[Any]]
    select: int | None = None  # the thread to show after the undo (it got stories back)
    story: int | None = None  # the story to put under the cursor (back in that list)
    note: str | None = None  # a step that cannot be undone: z says this, and undoes nothing


MERGE_NOTE = "A merge cannot be undone. z again undoes the step before it."


async def _nothing() -> None:
    return None


@dataclass(frozen=True, slots=True)
class LeftBehind:
    """What a move or split undo did not put back: stories another program moved since."""

    count: int


def _stamp(path: Path) -> tuple[int, int] | None:
    """When and how big a file is now (None if it cannot be read): tells an edit."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def open_in_browser(url: str) -> bool:
    """Hand an http(s) URL to the desktop browser; never a shell, never a console browser
    that would take over this terminal."""
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("BROWSER")
    ):
        return False
    return webbrowser.open(url, new=2)


class BriefingApp(App[int]):
    # Seconds between looks for changes other programs made to the cache (`briefing move`,
    # `rename`, `export --mark`, a cron `briefing fetch`): see _poll_changes.
    CHANGES_POLL = 3.0
    # While another program keeps committing (a cron fetch commits once per feed), a reload
    # for its changes comes at most every this many polls: each reload re-reads the thread
    # list, which takes about 0.5 s on a 100,000-article cache and holds the store lane.
    CHANGES_RELOAD_EVERY = 4
    CSS_PATH = "app.tcss"
    TITLE = "briefing"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("slash", "search", "Search", id="search"),
        Binding("a", "new_since", "New since visit", show=False, id="new_since"),
        Binding("g", "refresh", "Refresh", show=False, id="refresh"),
        Binding(
            "G", "refresh_all", "Refresh all, also feeds backing off", show=False, id="refresh_all"
        ),  # fmt: skip
        Binding("F", "feeds", "Feeds", show=False, id="feeds"),
        Binding("E", "export", "Export", show=False, id="export"),
        Binding(
            "B", "clear_briefing", "Clear the briefing marks", show=False, id="clear_briefing"
        ),  # fmt: skip
    ]

    def __init__(
        self, store: Store, config: Config, *, offline: bool, data_dir: Path | None = None,
        open_url: Callable[[str], bool] = open_in_browser,
        startup: Future[StartupData] | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.store = store
        self.config = config
        self.offline = offline
        self.data_dir = data_dir or store.path.parent
        self.open_url = open_url
        self.startup = startup  # the first reads, already running (see prefetch.py)
        self.lane = StoreLane(store)
        self.zone, self.zone_label = display_zone(config.settings.timezone)
        self.since: datetime | None = None  # the previous visit
        self.undo_stack: list[UndoStep] = []
        self.refreshing = False
        self._asked_refresh = False
        # The store connection's PRAGMA data_version when the screen last matched the cache:
        # it moves only when another connection commits (see _poll_changes).
        self._data_version: int | None = None
        self._polls_since_reload = self.CHANGES_RELOAD_EVERY  # so a first change shows at once
        self.triage_writes = 0  # triage writes queued so far: see write_triage
        self._exporting = False  # an E's briefing is being written: see action_export
        # The feeds.toml last read and its stamp; whether it is the shipped list: see
        # reread_config and _feeds_file
        self._config_seen = (config.path, _stamp(config.path))
        self._on_shipped = _same_file(config.path, shipped_feeds_path())
        self._polling = False
        # The last keys handed to a screen, and which: see on_event.
        self._handed_to: deque[tuple[events.Key, Screen]] = deque(maxlen=64)
        self._held_keys: list[events.Key] | None = None  # see _hold_key
        self._stories_wait: float | None = None  # since when keys wait for a story list
        self._hold_timer: Timer | None = None
        self.set_keymap(dict(config.settings.keys))

    def notify(
        self, message: str, *, title: str = "", severity: SeverityLevel = "information",
        timeout: float | None = None, markup: bool = False,
    ) -> None:  # fmt: skip
        """Notifications quote feed text (titles, errors): never read them as markup."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    # ------------------------------------------------------------------ start / stop
    def get_default_screen(self) -> Screen:
        return MainScreen()

    @property
    def main(self) -> MainScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    def on_mount(self) -> None:
        self.start()

    @work(group="startup")
    async def start(self) -> None:
        now = utcnow()
        if self.startup is not None:
            data = await asyncio.wrap_future(self.startup)
        else:
            data = await self.lane.call(load_startup, self.store, self.config)
        self.since = data.since
        self.main.show_dormant = data.show_dormant  # D as it was left
        keep = self.main.start_at(data.position, data.threads)  # where the user left off
        self.main.post_message(ThreadsLoaded(data.threads, keep_id=keep, dormant=data.show_dormant))
        self.main.status.set_state(last_success=data.last_success, feed_health=data.feed_health)
        self._data_version = data.data_version
        # Once the first screen is up, the objects made so far (modules, widgets, styles, the
        # thread list) are the app's for good: moved out of the collector's sight, a full
        # collection no longer walks them. Those collections were the key presses that took
        # 45-75 ms instead of 7-13 ms (bench/startup_bench.py).
        self.set_timer(STARTUP_SETTLED, gc.freeze)
        await self.lane.call(self.store.set_meta, "last_visit", to_db(now) or "")
        if self._data_version is None:
            self._data_version = await self.lane.call(self.store.data_version)
        self.set_interval(self.CHANGES_POLL, self._poll_changes)
        if not self.offline:
            self.start_refresh(due_only=True)
            minutes = self.config.settings.refresh_interval
            self.set_interval(minutes * 60, partial(self.start_refresh, due_only=True))

    async def action_quit(self) -> None:
        """q: the cursor's place is saved first (queued on the store lane, which finishes
        its work before the app closes the store), so the next start opens there."""
        self.main.remember_position()
        self.exit()

    def action_help_quit(self) -> None:
        """ctrl+c (a reflex) does not quit: say which key does, as plain text (this app's
        notify never reads markup, so Textual's own note showed its [b] tags) and naming the
        app's quit key, q or its [keys] remap; ctrl+q where a text box takes the letters."""
        key = self._keymap.get("quit", "q").split(",")[0].strip()
        if isinstance(self.focused, Input) or not key:
            key = "ctrl+q"
        shown = self.get_key_display(Binding(key, "quit"))
        self.notify(f"Press {shown} to quit the app.", title="Do you want to quit?")

    def load_threads(self, include_dormant: bool = False) -> list[Thread]:
        """Runs on the store thread."""
        return thread_list(self.store, self.config, self.since, include_dormant=include_dormant)

    def status_facts(self) -> tuple[int, datetime | None, tuple[int, int]]:
        """Runs on the store thread: the data version first, then the status line's facts
        (last good fetch, feed health), so a commit landing in between is seen next time."""
        store = self.store
        return store.data_version(), store.last_success(), store.feed_health()

    # ------------------------------------------------------------------ outside changes
    def _poll_changes(self) -> None:
        """Timer: did another program commit to the cache (`briefing move`, a cron fetch)?
        Not while a refresh runs (its own connection commits all along; its end reloads once
        and takes a new baseline), nor while a dialog or another screen is up (the change
        shows when it closes, on the next tick)."""
        if self._polling or self.refreshing or len(self.screen_stack) > 1:
            return
        self._polling = True
        self.run_worker(self._check_changes(), group="changes", exit_on_error=False)

    async def _check_changes(self) -> None:
        try:
            version, last_ok, health = await self.lane.call(self.status_facts)
        except Exception:
            return  # a locked or closing cache: the next tick looks again
        finally:
            self._polling = False
        self._polls_since_reload += 1
        if version == self._data_version or self.refreshing or len(self.screen_stack) > 1:
            return
        if self._polls_since_reload < self.CHANGES_RELOAD_EVERY:
            return  # commits keep coming: shown a few polls on, not on every one
        # Quietly, like a finished refresh: the selection and the reader's scroll stay.
        self._polls_since_reload = 0
        self._data_version = version
        status = self.main.status
        # Another program fetched (a cron `briefing fetch`): the note of the app's own last
        # refresh ("40 feeds failing") no longer says how things stand; the mode and the
        # last good fetch do. (Times are stored to the second: the feeds' health tells a
        # fetch in the same second as the last one.)
        fetched_elsewhere = last_ok is not None and (
            last_ok != status.last_success or health != status.feed_health
        )
        status.set_state(
            last_success=last_ok, feed_health=health, note="" if fetched_elsewhere else None
        )
        self.main.reload_all()

    async def on_unmount(self) -> None:
        self.lane.close()

    async def on_event(self, event: events.Event) -> None:
        """Type-ahead: keys typed right after the one that opens a dialog go to the dialog.

        Textual hands each key to the focused widget as it arrives and resolves its binding
        when the key comes back up to the app, against whatever is focused then. In a burst
        (`/` then `s`), `s` is handed to the main screen's list before `/` has opened the
        search; when it comes back, the search is the screen. Such a key is handed on to the
        dialog's focused input instead of being dropped (or, before the dialog opened at once,
        acted on by the main screen). A key that arrives while the dialog is still composing
        waits for it. See screens/typeahead.py.

        Esc and a letter in one burst (Esc j over a slow ssh link) reach the app as one
        alt+letter key, the way a terminal sends Alt: both keys are handled, as typed."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            keys = self._escape_and_key(event)
            if keys is not None:
                for key in keys:
                    await self.on_event(key)
                return
        if isinstance(event, events.Key):
            screen = self.screen
            if not event.is_forwarded:
                if self._held_keys is not None or (
                    isinstance(screen, TypeAhead) and screen.may_close
                ):
                    self._hold_key(event)  # the key before may be closing the dialog
                    return
                if self._wait_for_stories(screen):
                    self._hold_key(event)  # released when the stories are listed
                    return
                if isinstance(screen, TypeAhead) and not screen.takes_keys:
                    await screen.wait_until_ready()
                if isinstance(self.screen, TypeAhead):
                    self.screen.key_handed(event.key)
                self._handed_to.append((event, self.screen))
            else:
                if screen is self.screen_stack[0] and (
                    self._held_keys is not None or self._wait_for_stories(screen)
                ):
                    self._hold_key(event)  # back from the focused widget: not acted on yet
                    return
                handed_to = next((s for e, s in self._handed_to if e is event), None)
                if (handed_to is not None and handed_to is not screen
                        and isinstance(screen, TypeAhead)):  # fmt: skip
                    await screen.wait_until_ready()
                    if self._held_keys is not None or screen.may_close:
                        self._hold_key(event)
                        return
                    if self.screen is screen:
                        screen.key_handed(event.key)
                        (self.focused or screen)._forward_event(event.copy())
                        return
        await super().on_event(event)

    def _escape_and_key(self, event: events.Key) -> tuple[events.Key, events.Key] | None:
        """alt+j as Esc then j (alt+shift+m as Esc then M), unless alt+j is bound (a
        [keys] remap): Textual's input parser reads an Esc followed within its escape delay
        by a letter as that letter with Alt, and the app binds no Alt key, so both were lost
        (in the reader, Esc j did not go back to the list nor move in it)."""
        rest = event.key.removeprefix("alt+")
        char = event.character
        if rest == event.key or not char or len(char) != 1 or not char.isalpha():
            return None
        if event.key in self.screen.active_bindings:
            return None
        if rest.startswith("shift+") and char.isupper():
            rest = char
        return events.Key("escape", "\x1b"), events.Key(rest, char)

    def _wait_for_stories(self, screen: Screen) -> bool:
        """A key for the story list or the reader while the list still shows the thread
        highlighted before (j then Enter j j Enter in one burst: the new thread's stories
        are on their way) waits for them, at most `MAX_WAIT` all told; it would move or open
        a story of the other thread, or be lost."""
        if screen is not self.screen_stack[0] or not self.main.stories_pending():
            self._stories_wait = None
            return False
        now = time.monotonic()
        if self._stories_wait is None:
            self._stories_wait = now
        return now - self._stories_wait < MAX_WAIT

    def stories_listed(self) -> None:
        """The story list caught up with the thread list: the keys held for it go on."""
        self._stories_wait = None
        if self._held_keys is not None and self.screen is self.screen_stack[0]:
            self.release_held_keys()

    def _hold_key(self, event: events.Key) -> None:
        """Hold a key typed right behind one that may close the dialog on top (Enter in a
        picker, `y` in a confirm): the dialog closes in its own task, a moment later, and the
        key is for the screen under it. Held keys are replayed in order when the dialog is
        gone (`TypeAhead.dismiss`), or after `CLOSE_WAIT` if it stays (then they are its)."""
        if self._held_keys is None:
            self._held_keys = []
            self._hold_timer = self.set_timer(CLOSE_WAIT, self.release_held_keys)
        self._held_keys.append(events.Key(event.key, event.character))

    def release_held_keys(self) -> None:
        held, self._held_keys = self._held_keys, None
        if self._hold_timer is not None:
            self._hold_timer.stop()
            self._hold_timer = None
        if isinstance(self.screen, TypeAhead):
            self.screen.may_close = False
        for key in held or ():
            self.post_message(key)

    def open_dialog(self, screen: Screen[T]) -> asyncio.Future[T]:
        """Push `screen` now, from the key's own handler, and return its answer to await.

        Not `push_screen_wait` in a worker: a worker starts only after the keys already queued
        have been handled, so the keys typed after the one that opens a dialog would reach the
        screen behind it (`/` then `s` would star a story instead of searching for "s")."""
        answer: asyncio.Future[T] = asyncio.get_running_loop().create_future()

        def done(result: T | None) -> None:
            if not answer.done():
                answer.set_result(result)  # type: ignore[arg-type]

        self.push_screen(screen, done)
        return answer

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The app-wide views open from the main screen only (not on top of each other).
        views = ("help", "search", "new_since", "feeds")
        return not (action in views and len(self.screen_stack) > 1)

    # ------------------------------------------------------------------ triage and undo
    def push_undo(
        self, label: str, revert: Callable[[], Awaitable[Any]], *, select: int | None = None,
        story: int | None = None,
    ) -> UndoStep:  # fmt: skip
        step = UndoStep(label, revert, select, story)
        self.undo_stack.append(step)
        del self.undo_stack[:-UNDO_LEVELS]
        return step

    def write_triage(
        self, screen: MainScreen, story: Story, flag: str, value: bool, *, undoable: bool = True
    ) -> None:
        """Show the change at once, write it at once (in order, on the store thread).

        The write is queued in the same step as the screen change, and `triage_writes` counts
        it: a read queued before it (a reload for another program's change, say) returns the
        old flags, so the screen's loaders compare the count and read again (`MainScreen.
        load_stories`) rather than paint the old state over this change."""
        screen.story_changed(replace(story, **{flag: value}))  # type: ignore[arg-type]
        if flag == "read" and story.read != value:
            screen.thread_list.adjust_unread(story.thread_id, -1 if value else 1)
        self.triage_writes += 1
        future = self.lane.submit(self.store.set_triage, story.id, **{flag: value})
        step = None
        if undoable:
            # The undo step is on the stack now, in the key's own step: a `z` typed right
            # behind the key (one burst over ssh) undoes it, not the step before. Only the flag
            # this key changed goes back: another program may have changed the story's other
            # flags since (`briefing mark` in another window).
            async def revert() -> None:
                before = await asyncio.wrap_future(future)
                await self.lane.call(self.store.set_triage, story.id, **{flag: before[flag]})

            label = TRIAGE_WORDS[(flag, value)]
            # an unhidden story is back in its thread's list: the undo shows it there
            hide = flag == "hidden"
            step = self.push_undo(label, revert, select=story.thread_id if hide else None,
                                  story=story.id if hide else None)  # fmt: skip
            self.notify(f"{label}: {clean_line(story.title, 60)}", timeout=2)
        self.run_worker(self._write_triage(screen, step, future), group="write")

    async def _save(self, screen: MainScreen, func: Callable[..., T], *args: Any,
                    **kwargs: Any) -> T | object:  # fmt: skip
        """Run a store write on the store thread. A locked or broken cache (say a cron fetch
        holding it past the busy timeout) is a message, and the screen shows the truth again;
        it never ends the app. Returns FAILED then."""
        return await self._saved(screen, self.lane.submit(func, *args, **kwargs))

    async def _saved(self, screen: MainScreen, future: Future[T]) -> T | object:
        """Await a queued store write; a failure as `_save` says."""
        try:
            return await asyncio.wrap_future(future)
        except Exception as exc:
            self.notify(f"Could not save: {exc}", severity="error")
            screen.reload_all()
            return FAILED

    async def _write_triage(
        self, screen: MainScreen, step: UndoStep | None, future: Future[dict[str, bool]]
    ) -> None:
        if await self._saved(screen, future) is FAILED and step in self.undo_stack:
            self.undo_stack.remove(step)  # nothing was written: nothing to undo

    def undo(self, screen: MainScreen) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.")
            return
        step = self.undo_stack.pop()
        if step.note is not None:
            self.notify(step.note, severity="warning", timeout=4)
            return
        self.run_worker(self._undo(screen, step), group="write")

    async def _undo(self, screen: MainScreen, step: UndoStep) -> None:
        try:
            result = await step.revert()
        except Exception as exc:
            self.notify(f"Undo failed: {exc}", severity="error")
            return
        if step.story is not None:
            screen.select_on_load(step.story)
        screen.reload_all(select=step.select)
        if isinstance(result, LeftBehind) and result.count:
            # a move or split undone after another program moved some of its stories on
            where = "it is" if result.count == 1 else "they are"
            self.notify(
                f"Undone: {step.label}, except {plural(result.count, 'story', 'stories')} moved"
                f" elsewhere since (left where {where})",
                timeout=4,
            )
        else:
            self.notify(f"Undone: {step.label}", timeout=2)

    async def move_story(
        self, screen: MainScreen, story: Story, choice: int | tuple[str, str]
    ) -> None:
        store = self.store

        def move() -> tuple[Callable[[], LeftBehind], tuple[str, bool]]:
            # Read the placement first (same store thread): the undo puts it back exactly,
            # engine decision, score and wire-copy link included, so the engine keeps
            # re-evaluating a story the user did not mean to move.
            before = store.placement(story.id)
            copies = store.copy_placements(story.id)
            created = None
            if isinstance(choice, tuple) and choice[0] == NEW_THREAD:
                created = target = store.create_thread(choice[1], by_user=True)
            else:
                target = int(choice)  # type: ignore[arg-type]
            store.move_story(story.id, target)

            def revert() -> LeftBehind:
                if before is None:
                    left = store.restore_placement(copies, clear=[story.id], only_in=target)
                else:
                    left = store.restore_placement([before, *copies], only_in=target)
                if created is not None:
                    store.delete_thread_if_empty(created)
                return LeftBehind(left)

            return revert, self._where(target)

        saved = await self._save(screen, move)
        if saved is FAILED:
            return
        revert, (where, dormant) = saved  # type: ignore[misc]
        screen.story_list.remove_story(story.id)
        self.push_undo("move", partial(self.lane.call, revert), select=story.thread_id,
                       story=story.id)  # fmt: skip
        # Where it went: a thread that stays dormant (an old story moved into it) is not
        # listed, so the story would just vanish from the list.
        note = self._dormant_note(screen, dormant)
        self.notify(f"Moved to “{clean_line(where, 50)}”{note}: {clean_line(story.title, 60)}",
                    timeout=4 if dormant else 2)  # fmt: skip
        screen.back_if_emptied()  # the reload below drops an emptied thread
        screen.reload_all()

    def _where(self, thread_id: int) -> tuple[str, bool]:
        """Runs on the store thread, after a move or merge: the title of the thread that
        took the stories (the one it was merged into meanwhile, if so) and whether it is
        dormant now (the stories' own times may have woken it)."""
        live = self.store.live_thread(thread_id) or thread_id
        days = timedelta(days=self.config.settings.dormant_after_days)
        dormant = self.store.thread_dormant(live, dormant_after=days)
        return self.store.thread_title(live) or "?", dormant

    @staticmethod
    def _dormant_note(screen: MainScreen, dormant: bool) -> str:
        if not dormant:
            return ""
        return ", a dormant thread" if screen.show_dormant else (
            ", a dormant thread (D lists those)")  # fmt: skip

    async def split_thread(self, screen: MainScreen, story: Story) -> None:
        store = self.store
        result = await self._save(screen, store.split_thread, story.id,
                                  clean_line(story.title, 200))  # fmt: skip
        if result is FAILED:
            return
        if result is None:
            self.notify("Nothing to split: every story of the thread would move.",
                        severity="warning")  # fmt: skip
            return
        new_id, before = result

        def revert() -> LeftBehind:
            left = store.restore_placement(before, only_in=new_id)
            store.delete_thread_if_empty(new_id)
            return LeftBehind(left)

        self.push_undo("split", partial(self.lane.call, revert), select=story.thread_id,
                       story=story.id)  # fmt: skip
        self.notify(f"Split: {plural(len(before), 'story', 'stories')} in a new thread.", timeout=3)
        screen.select_on_load(story.id)  # the new thread opens at the story split at
        screen.load_threads(keep_id=new_id)

    async def merge_threads(
        self, screen: MainScreen, thread: Thread, target: int, *, moves: int | None = None
    ) -> None:
        """`moves`: the thread list's move count when the user confirmed; keys pressed after
        that (while the merge runs) keep their selection when the list reloads."""
        threads = screen.thread_list
        moves = threads.moves if moves is None else moves
        threads.redirects[thread.id] = target  # any reload while it is still listed follows

        def merge() -> tuple[str, bool]:
            self.store.merge_threads(thread.id, target)
            return self._where(target)

        # a reflex z after the merge must not undo, unseen, the step before it (a star, a
        # move): this z only says so, and the next one goes on down the stack. On the stack
        # now, with the write queued: a z typed behind the y (one burst, or while the merge
        # waits for a busy cache) reaches it, not the step before.
        note = UndoStep("merge", _nothing, note=MERGE_NOTE)
        self.undo_stack.append(note)
        del self.undo_stack[:-UNDO_LEVELS]
        saved = await self._save(screen, merge)
        if saved is FAILED:
            threads.redirects.pop(thread.id, None)
            # nothing merged: no note (by identity: every merge's note is equal)
            self.undo_stack[:] = [step for step in self.undo_stack if step is not note]
            return
        where, dormant = saved  # type: ignore[misc]
        self.notify(f"Merged “{clean_line(thread.title, 50)}” into “{clean_line(where, 50)}”"
                    f"{self._dormant_note(screen, dormant)}.", timeout=4 if dormant else 3)  # fmt: skip
        screen.keep_story_through_merge(thread.id)
        screen.load_threads(keep_id=target, moves=moves)

    async def rename_thread(self, screen: MainScreen, thread: Thread, title: str) -> None:
        if await self._save(screen, self.store.rename_thread, thread.id, title) is FAILED:
            return
        self.push_undo("rename", partial(self.lane.call, self.store.restore_title, thread.id,
                                         thread.title, thread.user_titled))  # fmt: skip
        screen.load_threads(keep_id=thread.id)

    def set_thread_flag(self, screen: MainScreen, thread: Thread, flag: str, value: bool) -> None:
        """p / u: shown, queued and undoable in the key's own step, as `write_triage` is (a z
        right behind p undoes the pin, not the step before it)."""
        screen.thread_list.update_thread(replace(thread, **{flag: value}))  # type: ignore[arg-type]
        self.triage_writes += 1  # a thread list read queued before it reads again
        future = self.lane.submit(self.store.set_thread_flag, thread.id, flag, value)
        words = {"pinned": ("Pinned", "Unpinned"), "muted": ("Muted", "Unmuted")}[flag]
        label = words[0] if value else words[1]  # z says "Undone: Unpinned", as it is
        step = self.push_undo(label, partial(self.lane.call, self.store.set_thread_flag, thread.id,
                                             flag, not value))  # fmt: skip

        async def write() -> None:
            if await self._saved(screen, future) is FAILED:
                if step in self.undo_stack:
                    self.undo_stack.remove(step)  # nothing was written: nothing to undo
                return
            self.notify(f"{label}: {clean_line(thread.title, 50)}")
            screen.load_threads(keep_id=thread.id)

        self.run_worker(write(), group="write")

    async def mark_thread_read(self, screen: MainScreen, thread: Thread) -> None:
        ids = await self._save(screen, self.store.mark_thread_read, thread.id)
        if ids is FAILED:
            return
        self.push_undo("mark thread read", partial(self.lane.call, self.store.mark_unread, ids))
        self.notify(f"{plural(len(ids), 'story', 'stories')} marked read.", timeout=2)
        screen.reload_all()

    # ------------------------------------------------------------------ links
    def open_link(self, link: str) -> None:
        url = http_url(link)
        if url is None:
            if clean_line(link, 2000):
                self.notify("Not an http(s) link; not opened.", severity="warning")
            else:  # as y says (the seed article has none)
                self.notify("This story has no link.", severity="warning")
            return
        self._open_link(url)

    @work(thread=True, group="browser")
    def _open_link(self, url: str) -> None:
        try:
            opened = self.open_url(url)
        except Exception as exc:
            opened = False
            self.notify(f"Could not open the browser: {exc}", severity="error")
            return
        if not opened:
            self.notify("No graphical browser here (ssh?): press y to copy the link instead.",
                        severity="warning")  # fmt: skip

    def copy_link(self, link: str) -> None:
        url = clean_line(link, 2000)
        if not url:
            self.notify("This story has no link.", severity="warning")
            return
        self.copy_to_clipboard(url)
        self.notify("Link copied to the terminal clipboard.", timeout=2)

    # ------------------------------------------------------------------ app-wide views
    def action_search(self) -> None:
        self.push_screen(StoryResultsScreen(zone=self.zone, searching=True), self._found)

    def action_new_since(self) -> None:
        screen = StoryResultsScreen(zone=self.zone, searching=False, since=self.since)
        self.push_screen(screen, self._found)

    def _found(self, story: Story | None) -> None:
        if story is not None:
            self.main.show_found(story)

    def action_feeds(self) -> None:
        self.reread_config()
        self.push_screen(FeedsScreen(zone=self.zone))

    def _feeds_file(self) -> Path:
        """The feeds.toml to read: the one in use, but while that is the shipped list, the
        user's own copy as soon as it exists. `briefing feeds add` and `import` make that copy
        on a first edit (and say briefing now reads it): before, an app opened on the shipped
        list never saw it, so a new user's first feed was neither listed nor fetched until a
        restart."""
        if self._on_shipped:
            user = user_feeds_path()
            if user.is_file():
                return user
        return self.config.path

    def reread_config(self) -> None:
        """Before a refresh and the feeds screen: read feeds.toml again if it changed since
        (`briefing feeds add` in another window), so a new feed is fetched and listed without
        a restart. Its feeds and pinned threads go to the cache on the store lane, before any
        read queued after. A file that no longer loads is said, and the feeds as they were
        are kept. Settings (keys, zone) take effect at the next start."""
        path = self._feeds_file()
        stamp = _stamp(path)
        if stamp is None or (path, stamp) == self._config_seen:
            return
        self._config_seen = (path, stamp)
        try:
            config = load_config(path)
        except ConfigError as exc:
            self.notify(f"feeds.toml not reloaded: {exc}", severity="error", timeout=8)
            return
        added = len({f.url for f in config.feeds} - {f.url for f in self.config.feeds})
        switched = path != self.config.path
        self.config = config
        self._on_shipped = self._on_shipped and not switched
        self.lane.submit(self.store.sync_feeds, config.feeds)
        self.lane.submit(self.store.ensure_pinned, config.threads)
        if switched:
            self.notify(f"Now reading your own feeds.toml: {plural(added, 'new feed')}.", timeout=3)
        elif added:
            self.notify(f"feeds.toml changed: {plural(added, 'new feed')}.", timeout=3)

    def binding_rows(self) -> list[tuple[str, str]]:
        """(keys as shown, description) for every named binding, after the user's keymap."""

        def shown(binding: Binding) -> str:
            keys = self._keymap.get(binding.id or "", binding.key)
            return ", ".join(
                self.get_key_display(replace(binding, key=k.strip(), key_display=None))
                for k in keys.split(",")
            )

        # j/k are the lists' and the article's own bindings (ids down/up), remappable too;
        # the arrows stay
        down, up = shown(Binding("j", "", id="down")), shown(Binding("k", "", id="up"))
        rows = [(f"{down} / {up} / ↑ / ↓", "move in a list, scroll the article  [down] [up]"),
                ("Enter", "open")]  # fmt: skip
        for binding in [*MainScreen.BINDINGS, *BriefingApp.BINDINGS]:
            assert isinstance(binding, Binding)
            if not binding.id:  # Enter: the fixed first rows
                continue
            rows.append((shown(binding), f"{binding.description}  [{binding.id}]"))
        return rows

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.binding_rows()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for binding in [*MainScreen.BINDINGS, *BriefingApp.BINDINGS]:
            assert isinstance(binding, Binding)
            if binding.id in ("quit", None):
                continue
            if screen.check_action(binding.action.partition("(")[0], ()) is False:
                continue  # a story key on the thread list: it would do nothing there
            keys = self._keymap.get(binding.id or "", binding.key)
            # The palette reads help text as markup; the keys come from feeds.toml.
            yield SystemCommand(
                binding.description, f"key: {escape(keys)}", partial(self._palette, binding.action)
            )

    def _palette(self, action: str) -> None:
        self.call_later(self.run_action, action, self.main)

    # ------------------------------------------------------------------ export
    def action_export(self) -> None:
        """E: write the marked stories as a briefing. An E while one is being written (a
        busy cache) says so: as an exclusive worker the second E cancelled the first after
        its file was queued, so that file was written unannounced beside a second one."""
        if self._exporting:
            self.notify("A briefing is being written; its message follows.")
            return
        self._exporting = True
        self._export()

    @work(group="export")
    async def _export(self) -> None:
        try:
            await self._write_export()
        finally:
            self._exporting = False

    async def _write_export(self) -> None:
        try:
            from briefing.export.briefing import (  # type: ignore[attr-defined]
                default_export_dir,
                write_briefing,
            )
        except ImportError:
            self.notify("Export is not available in this build.", severity="warning")
            return
        try:
            marked = await self.lane.call(self.store.marked)
        except Exception as exc:
            self.notify(f"Export failed: {exc}", severity="error")
            return
        if not marked:  # an empty briefing file helps nobody: say how to fill one
            self.notify("No story is marked for the briefing (b marks one); nothing written.",
                        severity="warning")  # fmt: skip
            return
        directory = default_export_dir(self.config)
        try:
            path, written = await self.lane.call(
                write_briefing, self.store, self.config, marked=True, fmt="markdown",
                directory=directory,
            )  # fmt: skip
        except Exception as exc:
            self.notify(f"Export failed: {exc}", severity="error")
            return
        # What the file holds: a marked wire copy is folded under its marked original.
        count = written.story_count
        # The path on its own line(s), ~ for the home directory, broken only after a /: a
        # toast is at most TOAST_WIDTH wide and half the screen (Textual's Toast CSS), less
        # its border and padding.
        width = min(TOAST_WIDTH, self.size.width // 2) - 3
        # the clear key as the help shows it ("^x", not "ctrl+x"), as the quit hint does
        key = self._keymap.get("clear_briefing", "B").split(",")[0].strip()
        clear = self.get_key_display(Binding(key, "clear_briefing"))
        self.notify(f"Briefing written ({count} stor{'ies' if count != 1 else 'y'}):\n"
                    f"{path_lines(path, width)}\n"
                    f"The stories stay marked; {clear} clears the marks.", timeout=6)  # fmt: skip

    @work(group="clear_briefing")
    async def action_clear_briefing(self) -> None:
        """B: take every story out of the briefing, for the next one (z puts them back).

        Not an exclusive worker: a second B while the first one's write waits (a busy cache)
        would cancel the first after its write was queued, so the marks went with no undo
        step and the list still showing them. Each B runs to its end; the second finds none."""
        screen = self.main
        self.triage_writes += 1  # a story list read queued before it reads again
        # one write that reads and clears every mark, hidden stories' too (Store.marked leaves
        # those out: unhidden later, one would be in the next export)
        ids = await self._save(screen, self.store.clear_briefing)
        if ids is FAILED:
            return
        assert isinstance(ids, list)
        if not ids:
            self.notify("No story is marked for the briefing.")
            return
        self.push_undo("Briefing cleared", partial(self.lane.call, self.store.set_triage_many,
                                                   ids, in_briefing=True))  # fmt: skip
        self.notify(f"Took {plural(len(ids), 'story', 'stories')} out of the briefing"
                    " (z puts them back).", timeout=3)  # fmt: skip
        screen.reload_all()

    # ------------------------------------------------------------------ refresh
    def action_refresh(self, force: bool = False) -> None:
        if self.offline:
            self.notify("Offline (started with --offline): no refresh.", severity="warning")
            return
        if self.refreshing:
            self.notify("A refresh is already running.")
            return
        self.start_refresh(force=force)

    def action_refresh_all(self) -> None:
        """G: like g, but also the feeds that are backing off after failures or a server's
        Retry-After, and those marked gone (what `briefing fetch --force` does)."""
        self.action_refresh(force=True)

    def start_refresh(self, *, due_only: bool = False, force: bool = False) -> None:
        """Run the fetch pipeline in a worker thread; `due_only` for the automatic runs."""
        if self.offline or self.refreshing:
            return
        self.reread_config()
        self.refreshing = True
        self._asked_refresh = not due_only  # g: say when it is done, even if nothing changed
        self.main.status.set_state(progress="refreshing all feeds…" if force else "refreshing…")
        self._refresh_worker(due_only, force)

    @work(group="refresh", exclusive=True)
    async def _refresh_worker(self, due_only: bool, force: bool = False) -> None:
        """The pipeline runs on a daemon thread of its own, not on the event loop's default
        executor: asyncio.run joins that executor's threads on the way out, so `q` during a
        refresh left the terminal hanging until the slowest feed answered or timed out.
        `tui.app.run` ends the process once the app has closed (see there)."""

        def progress(text: str) -> None:
            self.post_message(RefreshProgress(text))

        done: Future[tuple[bool, str]] = Future()
        done.set_running_or_notify_cancel()  # the app closing cancels the wait, not the run

        def placed() -> None:
            self.post_message(RefreshPlaced())

        def run() -> None:
            try:
                done.set_result(refresh_hook.run_refresh(
                    self.data_dir, self.config, progress, due_only=due_only, force=force,
                    placed=placed,
                ))  # fmt: skip
            except BaseException as exc:  # (run_refresh reports its own failures) never
                # leave the app "refreshing" for the rest of the session
                done.set_result((False, f"{type(exc).__name__}: {exc}"))

        threading.Thread(target=run, name="briefing-refresh", daemon=True).start()
        ok, text = await asyncio.wrap_future(done)
        self.post_message(RefreshFinished(ok, text))

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        self.main.status.set_state(progress=message.text)

    def on_refresh_placed(self, message: RefreshPlaced) -> None:
        """A long refresh (a first fetch, a slow link) placed the stories it has so far: they
        show now, quietly as after a refresh (the selection and the reader's scroll stay),
        not when its slowest page is in. Not under a dialog or another screen: the refresh's
        end shows them there."""
        if self.refreshing and len(self.screen_stack) == 1:
            self.main.reload_all()

    @work(group="refresh-done")
    async def on_refresh_finished(self, message: RefreshFinished) -> None:
        try:
            version, last_ok, health = await self.lane.call(self.status_facts)
            self.main.status.set_state(last_success=last_ok, feed_health=health, progress="")
            for screen in self.screen_stack:  # open on F (g or G pressed there): its states
                if isinstance(screen, FeedsScreen):
                    screen.load()
            if message.ok:
                # The refresh's commits (and any outside one before them) are on screen after
                # this one reload: the poll must not reload for them again. A failed refresh
                # keeps the old baseline, so what it did commit shows on the next poll.
                self._data_version = version
                self.main.status.set_state(note=message.text)
                self.main.reload_all()
                if self._asked_refresh:
                    self.notify(message.text[:1].upper() + message.text[1:], timeout=4)
            else:
                self.notify(f"Refresh failed: {message.text}", severity="error", timeout=8)
                self.main.status.set_state(note="refresh failed")
        finally:
            self.refreshing = False
