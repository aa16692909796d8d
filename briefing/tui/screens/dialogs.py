"""Small modal dialogs: confirm, text prompt, and the thread picker (move / merge)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import Future

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from briefing.models import Thread
from briefing.sanitize import clean_line
from briefing.tui.screens.typeahead import TypeAhead
from briefing.tui.widgets.textbox import TextBox

NEW_THREAD = "new"


def dormant_label(title: str) -> Content:
    """A picker row for a dormant thread: its (clean) title, marked first (a long title is
    cut at the dialog's edge: a mark after it went with it)."""
    return Content.assemble(("(dormant) ", "dim"), title)


class ConfirmScreen(TypeAhead, ModalScreen[bool]):
    CLOSING_KEYS = frozenset()
    CLOSING_BINDINGS = ("confirm_yes", "confirm_no")
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm_yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no"),
    ]

    def __init__(self, question: Content) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, markup=False)
            yield Static(Content.assemble(("y / Enter: yes    n / Esc: no", "dim")), markup=False)

    def on_mount(self) -> None:
        self.keys_ready()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class TextPrompt(TypeAhead, ModalScreen[str | None]):
    CLOSING_BINDINGS = ("prompt_cancel",)
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt_cancel")]

    def __init__(self, label: str, value: str = "") -> None:
        super().__init__()
        self.label = label
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.label), markup=False)
            yield TextBox(value=clean_line(self.value), id="prompt-input")

    def on_mount(self) -> None:
        self.keys_ready(self.query_one("#prompt-input", Input))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(clean_line(event.value, 300))  # "" when nothing is left; None: Esc

    def action_cancel(self) -> None:
        self.dismiss(None)


class ThreadPicker(TypeAhead, ModalScreen[int | tuple[str, str] | None]):
    """Pick a thread by typing part of its title; optionally offer "new thread: <text>".

    `dormant`: the threads left out of the thread list as dormant, (id, title), still being
    read: listed after the others, marked, once they arrive; keys typed meanwhile wait for
    them (TypeAhead), so `m` `protests` Enter in one burst picks a dormant thread rather
    than start a new one of that title.

    Returns a thread id, (NEW_THREAD, title) or None when cancelled.
    """

    CLOSING_BINDINGS = ("picker_cancel",)
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="picker_cancel"),
        Binding("down", "move(1)", show=False, id="picker_down"),
        Binding("up", "move(-1)", show=False, id="picker_up"),
    ]

    def __init__(
        self, title: str, threads: Sequence[Thread], *, allow_new: bool,
        dormant: Future[list[tuple[int, str]]] | None = None, exclude: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.title_text = title
        self.threads = list(threads)
        self.allow_new = allow_new
        self.dormant = dormant
        self.exclude = exclude  # the thread the story is in (a dormant one, found by /)
        # (id, title as shown, folded for matching): cleaned once, not on every key typed;
        # a dormant thread listed (D) is marked as those read later are
        self._rows = [(str(t.id), dormant_label(title) if t.dormant else Content(title),
                       title.casefold())
                      for t in self.threads for title in [clean_line(t.title)]]  # fmt: skip
        # every thread offered: id -> (title, dormant), for the caller to say which it was
        self.offered = {t.id: (t.title, t.dormant) for t in self.threads}
        self._reading = dormant is not None  # the dormant threads are not here yet

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(Content(self.title_text), markup=False)
            hint = "type to filter, or a new thread's title" if self.allow_new else "type to filter"
            yield TextBox(placeholder=f"{hint}; Enter picks", id="picker-input")
            yield OptionList(markup=False, id="picker-options")
            yield Static("", id="picker-empty", markup=False)

    def on_mount(self) -> None:
        self._fill("")
        if self.dormant is None:
            self.keys_ready(self.query_one("#picker-input", Input))
        else:
            self._add_dormant(self.dormant)

    @work(group="picker")
    async def _add_dormant(self, dormant: Future[list[tuple[int, str]]]) -> None:
        box = self.query_one("#picker-input", Input)
        try:
            rows = await asyncio.wrap_future(dormant)
        except Exception:
            rows = []  # a locked cache: the threads on screen are still offered
        listed = {row[0] for row in self._rows} | {str(self.exclude)}
        for thread_id, title in rows:
            if str(thread_id) not in listed:
                shown = clean_line(title)
                self._rows.append((str(thread_id), dormant_label(shown), shown.casefold()))
                self.offered[thread_id] = (title, True)
        self._reading = False
        self._fill(box.value)
        self.keys_ready(box)

    def _fill(self, query: str) -> None:
        options = self.query_one("#picker-options", OptionList)
        words = query.casefold().split()
        found = []
        if self.allow_new and query.strip():
            label = Content.assemble(("+ new thread: ", "bold $success"), clean_line(query))
            found.append(Option(label, id="new"))
        found += [Option(label, id=thread_id) for thread_id, label, key in self._rows
                  if all(w in key for w in words)]  # fmt: skip
        options.set_options(found)  # one update of the list, not one per row
        empty = self.query_one("#picker-empty", Static)
        empty.display = not options.option_count
        if not options.option_count:
            if self._reading:
                text = "Reading the dormant threads…"
            elif query.strip() and self._rows:
                text = "No thread matches."
            elif self.allow_new:
                text = "No other thread yet: type a title to start one."
            else:
                text = "There is no other thread to merge into (Esc closes)."
            empty.update(Content.assemble((text, "dim")))
        if options.option_count:
            # Enter picks the first matching thread; "+ new thread" only when nothing matches,
            # so filtering for a thread and pressing Enter never creates one by accident.
            has_new = self.allow_new and bool(query.strip())
            options.highlighted = 1 if has_new and options.option_count > 1 else 0

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._pick()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick()

    def action_move(self, delta: int) -> None:
        options = self.query_one("#picker-options", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + delta))

    def _pick(self) -> None:
        options = self.query_one("#picker-options", OptionList)
        option = options.highlighted_option
        if option is None or option.id is None:
            return
        if option.id == "new":
            query = clean_line(self.query_one("#picker-input", Input).value, 300)
            self.dismiss((NEW_THREAD, query))
        else:
            self.dismiss(int(option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
