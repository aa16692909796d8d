"""Review fixes in the briefing export: the seed article is not news, hidden stories are never
exported, an excerpt does not repeat its headline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import export_db
import pytest

from briefing.export.briefing import build_briefing, render
from briefing.models import ArticleIn, FeedUpdate
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
