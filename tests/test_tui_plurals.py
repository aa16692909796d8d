"""The reader's counts read as English: "1 other outlet", "2 other outlets"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from briefing.models import Story
from briefing.tui.format import article_content

WHEN = datetime(2025, 6, 30, 9, 0, tzinfo=UTC)
STORY = Story(
    id=1, feed_id=1, outlet="OC Media", link="https://oc-media.org/a", title="Talks resume",
    summary="", author="", published=WHEN, first_seen=WHEN, text="Talks resumed in Baku.",
    lang="en", thread_id=2, decided_by="engine", duplicate_of=None, read=False, starred=False,
    in_briefing=False, hidden=False,
)  # fmt: skip


def test_other_outlets_are_counted_in_english() -> None:
    copy = replace(STORY, id=2, outlet="JAMnews", duplicate_of=1)
    one = article_content(STORY, [copy], UTC).plain
    assert "Also carried by 1 other outlet:" in one
    two = article_content(STORY, [copy, replace(copy, id=3, outlet="APA")], UTC).plain
    assert "Also carried by 2 other outlets:" in two
    assert "(s)" not in one + two
