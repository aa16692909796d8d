"""The 14-day sparkline counts the stories the thread's story count shows: visible originals
(hidden stories and copies folded under an original count nowhere)."""

from __future__ import annotations

from test_tui_support import FEEDS, add_articles, item


def test_sparkline_counts_visible_originals_like_the_story_count(cache) -> None:
    store = cache.store
    thread = store.create_thread("Gas talks")
    a, b, hidden, copy = add_articles(store, FEEDS[0], [
        item("s1", "One", 3), item("s2", "Two", 3), item("s3", "Hidden", 3), item("s4", "Copy", 3),
    ])  # fmt: skip
    for article in (a, b, hidden):
        store.assign(article, thread)
    store.assign(copy, thread, duplicate_of=a)
    store.set_triage(hidden, hidden=True)
    t = store.thread(thread)
    assert t is not None and t.stories == 2
    assert sum(t.per_day) == t.stories and len(t.per_day) == 14
    # the reader's fixture thread: 5 items, one a wire copy: 4 stories, 4 on the sparkline
    georgia = store.thread(cache.threads["georgia"])
    assert georgia is not None and sum(georgia.per_day) == georgia.stories == 4
