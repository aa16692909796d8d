"""Review fixes in the briefing export: the seed article is not news, hidden stories are never
exported, an excerpt does not repeat its headline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import export_db
import pytest

from briefing.export.briefing import build_briefing, excerpt, render
from briefing.models import ArticleIn, FeedUpdate, Story
from briefing.store import Store


@pytest.fixture()
def fresh(tmp_path: Path) -> Store:
    """A cache made just now (the seed's first seen is now) with one story fetched just now."""
    s = Store.open(tmp_path / "data")
    s.sync_feeds(export_db.FEEDS)
    now = datetime.now(UTC).replace(microsecond=0)
    (story,) = s.save_feed_result(
        export_db.FEEDS[0].url,
        FeedUpdate("ok", now),
        [ArticleIn(key="k1", link="https://oc-media.org/k1/", title="Talks resume in Gabala",
                   summary="", published=now - timedelta(hours=1), content_hash="k1",
                   text="Commissions met again on Monday. They agreed on a section.")],
    ).new_ids  # fmt: skip
    s.assign(story, 1)
    yield s
    s.close()


def seed_id(store: Store) -> int:
    (seed,) = [s for s in store.stories(1) if s.feed_id is None]
    return seed.id


def later() -> datetime:
    return datetime.now(UTC) + timedelta(minutes=1)


def test_default_export_leaves_the_seed_out(fresh: Store, tmp_path: Path) -> None:
    model = build_briefing(fresh, export_db.config(tmp_path), now=later())
    ids = [s.id for t in model.threads for s in t.stories]
    assert seed_id(fresh) not in ids and len(ids) == 1
    assert all(s.outlet != "seed article" for s in model.sources)
    text = render(model, "markdown")
    assert "seed article" not in text
    assert "1 new story from 1 outlet since" in text


def test_since_export_leaves_the_seed_out(fresh: Store, tmp_path: Path) -> None:
    model = build_briefing(
        fresh, export_db.config(tmp_path), since=datetime(2000, 1, 1, tzinfo=UTC), now=later()
    )
    assert model.story_count == 1
    assert "seed article" not in render(model, "json")


def test_marked_seed_can_still_be_exported(fresh: Store, tmp_path: Path) -> None:
    fresh.set_triage(seed_id(fresh), in_briefing=True)
    model = build_briefing(fresh, export_db.config(tmp_path), marked=True, now=later())
    assert [s.id for t in model.threads for s in t.stories] == [seed_id(fresh)]


# ---------------------------------------------------------------- hidden stories are never exported
def test_hidden_marked_story_is_not_exported(tmp_path: Path) -> None:
    store = export_db.build(tmp_path)
    try:
        lone = store.create_thread("A thread with one story")
        (hidden,) = store.save_feed_result(
            export_db.FEEDS[0].url,
            FeedUpdate("ok", export_db.NOW - timedelta(hours=1)),
            [export_db.item("lone", "Hidden but marked", 1, text="Not for the briefing. At all.")],
        ).new_ids
        store.assign(hidden, lone)
        store.set_triage(hidden, in_briefing=True)
        store.set_triage(hidden, hidden=True)
        before = {s.id for s in store.marked()}
        assert hidden not in before and before  # the other marked stories stay
        config = export_db.config(tmp_path)
        for kw in ({"marked": True}, {"thread_ids": [lone]}, {"since": export_db.SINCE}):
            model = build_briefing(store, config, now=export_db.NOW, **kw)  # type: ignore[arg-type]
            assert hidden not in [s.id for t in model.threads for s in t.stories], kw
            assert not any(t.title.startswith("Thread ") for t in model.threads), kw
            assert "Hidden but marked" not in render(model, "markdown"), kw
        model = build_briefing(store, config, marked=True, now=export_db.NOW)
        assert model.story_count == len(before)
    finally:
        store.close()


# ---------------------------------------------------------------- excerpts skip the headline
def story(title: str, text: str | None, summary: str = "") -> Story:
    return Story(id=1, feed_id=1, outlet="OC Media", link="https://oc-media.org/x/", title=title,
                 summary=summary, author="", published=None,
                 first_seen=datetime(2025, 6, 30, tzinfo=UTC), text=text, lang="en",
                 thread_id=None, decided_by=None, duplicate_of=None, read=False, starred=False,
                 in_briefing=False, hidden=False)  # fmt: skip


TITLE = "Baku detains two more Sputnik Azerbaijan staff"
BODY = (
    "Two more Sputnik employees were detained on Tuesday. Their lawyers were not told why. "
    "The agency called it pressure."
)
FIRST = "Two more Sputnik employees were detained on Tuesday. Their lawyers were not told why."


@pytest.mark.parametrize(
    "text",
    [
        f"{TITLE}\n\n{BODY}",  # the page's <h1> as its own paragraph
        f"{TITLE} {BODY}",  # run into the first paragraph
        f"{TITLE.upper()}.\n{BODY}",
        f"  Baku  detains two-more Sputnik   Azerbaijan staff: {BODY}",
        f"Baku detains two more «Sputnik Azerbaijan» staff — {BODY}",
    ],
)
def test_excerpt_leaves_out_a_leading_copy_of_the_headline(text: str) -> None:
    assert excerpt(story(TITLE, text)) == FIRST


def test_excerpt_keeps_text_that_only_looks_like_the_headline() -> None:
    text = f"Baku detains two more Sputnik Azerbaijan staffers, officials said. {BODY}"
    assert excerpt(story(TITLE, text)).startswith("Baku detains two more Sputnik")
    assert excerpt(story(TITLE, BODY)) == FIRST
    assert excerpt(story("", BODY)) == FIRST
    later = f"Officials said: {TITLE}. {BODY}"
    assert excerpt(story(TITLE, later)).startswith("Officials said")


def test_excerpt_of_a_text_that_is_only_the_headline_uses_the_summary() -> None:
    assert excerpt(story(TITLE, TITLE, summary=BODY)) == FIRST
    assert excerpt(story(TITLE, TITLE)) == ""
    quoted = 'Aliyev: "No talks with Moscow"'
    assert excerpt(story(quoted, f"{quoted} {BODY}")) == FIRST


@pytest.mark.parametrize(
    "title",
    [f"{TITLE} [VIDEO]", f"{TITLE} [bold]", "Алиев: „Никаких переговоров с Москвой“"],
)
def test_excerpt_leaves_out_the_marks_that_close_the_headline(title: str) -> None:
    """A headline ending in a bracket or a quote mark the separators do not list: the
    excerpt used to begin with that mark ('] Two more Sputnik employees...')."""
    assert excerpt(story(title, f"{title}\n{BODY}")) == FIRST
    assert excerpt(story(title, f"{title} {BODY}")) == FIRST


def test_exported_markdown_does_not_repeat_the_headline(tmp_path: Path) -> None:
    store = export_db.build(tmp_path)
    try:
        (new,) = store.save_feed_result(
            export_db.FEEDS[0].url,
            FeedUpdate("ok", export_db.NOW - timedelta(hours=1)),
            [export_db.item("h1", TITLE, 1, text=f"{TITLE}\n\n{BODY}")],
        ).new_ids
        model = build_briefing(
            store, export_db.config(tmp_path), since=export_db.SINCE, now=export_db.NOW
        )
        text = render(model, "markdown")
        assert text.count("Baku detains two more") == 2  # the headline and its source line
        assert f"  {FIRST}  " in text
    finally:
        store.close()
