"""The reader's counts read as English: "1 other outlet", "2 other outlets"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from rich.cells import cell_len

from briefing.models import Story, Thread
from briefing.tui.format import article_content, fit, mark_read_question

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


def test_marking_a_thread_read_asks_in_english() -> None:
    thread = Thread(4, "Georgia protests", False, False, False, WHEN, WHEN, 5, 3, unread=4)
    assert mark_read_question(thread).plain == (
        "Mark all 4 unread stories of Georgia protests as read?"
    )
    one = mark_read_question(replace(thread, unread=1)).plain
    assert one == "Mark the 1 unread story of Georgia protests as read?"


def test_an_outlet_column_is_counted_in_cells() -> None:
    # a Chinese outlet name is two cells a character: counted by characters, the headline
    # column after it moved right by one cell a character
    assert cell_len(fit("新华社", 10)) == 10 and fit("新华社", 10).startswith("新华社")
    cut = fit("中国新闻网国际新闻", 10)
    assert cut.endswith("…") and cell_len(cut) == 10
    assert fit("OC Media", 5) == "OC M…" and fit("APA", 5) == "APA  "
