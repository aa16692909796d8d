"""Frozen records passed between the fetcher, the thread engine, the store and the UI; no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ArticleIn:
    """An item as parsed from a feed, cleaned and capped, ready to be stored.

    `key` is the stable identity inside its feed (GUID, else link, else a hash of title and
    summary). `content_hash` changes when the item's visible content changes; an item whose
    hash is unchanged is not rewritten.
    """

    key: str
    link: str
    title: str
    summary: str = ""
    author: str = ""
    published: datetime | None = None
    content_hash: str = ""
    text: str | None = None
    lang: str | None = None
    hidden: bool = False  # e.g. removed by the region filter: stored, not shown by default


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the cache knows about one feed (HTTP validators, health, schedule)."""

    id: int
    url: str
    name: str
    tags: tuple[str, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    last_checked: datetime | None = None
    last_success: datetime | None = None
    next_check: datetime | None = None
    error_count: int = 0
    last_error: str | None = None
    status: str = "new"  # new | ok | not_modified | error | backoff | gone
    title: str | None = None
    moved_to: str | None = None  # the last good fetch was redirected permanently (301/308) here


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """The outcome of checking one feed, applied by `Store.save_feed_result` in one transaction."""

    status: str  # ok | not_modified | error | gone
    checked: datetime
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    next_check: datetime | None = None
    error: str | None = None
    title: str | None = None
    reset_errors: bool = False
    # ok / not_modified only: where the feed moved permanently (301/308 all the way), else None,
    # which clears an earlier one. Other statuses leave the stored value alone.
    moved_to: str | None = None


@dataclass(frozen=True, slots=True)
class SaveResult:
    new_ids: tuple[int, ...] = ()
    updated: int = 0
    hidden: int = 0  # of the new items, how many were stored hidden (region filter)
    # changed items whose title, link or summary changed and whose feed gives no full text:
    # their article page is read again (a developing story's page changes with its item)
    refetch_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Thread:
    id: int
    title: str
    pinned: bool
    muted: bool
    dormant: bool
    created: datetime
    updated: datetime | None
    stories: int
    sources: int
    unread: int
    new: int = 0
    user_titled: bool = False
    per_day: tuple[int, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Story:
    """An article as the reader shows it, with its triage state and thread."""

    id: int
    feed_id: int | None
    outlet: str
    link: str
    title: str
    summary: str
    author: str
    published: datetime | None
    first_seen: datetime
    text: str | None
    lang: str | None
    thread_id: int | None
    decided_by: str | None
    duplicate_of: int | None
    read: bool
    starred: bool
    in_briefing: bool
    hidden: bool
    extract_error: str | None = None
    copies: int = 0  # other outlets carrying the same (near-duplicate) story
    page_date: str | None = None  # the date found on the article page (ISO), as found

    @property
    def when(self) -> datetime:
        """The time used for ordering: published, else first seen."""
        return self.published or self.first_seen
