"""Typed messages that background store calls post back to the UI."""

from __future__ import annotations

from collections.abc import Sequence

from textual.message import Message

from briefing.models import Story, Thread


class ThreadsLoaded(Message):
    def __init__(
        self,
        threads: Sequence[Thread],
        *,
        keep_id: int | None = None,
        moves: int | None = None,
        dormant: bool | None = None,
    ) -> None:
        super().__init__()
        self.threads = list(threads)
        self.dormant = dormant  # read with the dormant threads (D) or not; None: not said
        self.keep_id = keep_id  # the thread to keep highlighted
        self.moves = moves  # the thread list's move count when the reload was asked for


class StoriesLoaded(Message):
    """A page of a thread's stories. `offset == 0` replaces the list, else appends."""

    def __init__(
        self, thread_id: int, offset: int, stories: Sequence[Story], *, complete: bool,
        select_id: int | None = None,
    ) -> None:  # fmt: skip
        super().__init__()
        self.thread_id = thread_id
        self.offset = offset
        self.stories = list(stories)
        self.complete = complete  # no more pages after this one
        self.select_id = select_id


class ArticleLoaded(Message):
    def __init__(self, story: Story, copies: Sequence[Story]) -> None:
        super().__init__()
        self.story = story
        self.copies = list(copies)


class RefreshPlaced(Message):
    """A long refresh placed the stories ready so far in their threads (before its end)."""


class RefreshProgress(Message):
    """Progress of the background refresh; a burst collapses into one repaint."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RefreshProgress)


class RefreshFinished(Message):
    def __init__(self, ok: bool, text: str) -> None:
        super().__init__()
        self.ok = ok
        self.text = text
