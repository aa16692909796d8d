"""A run whose thread engine failed (or was killed while placing) leaves its stories stored but
in no thread; the next run places them, even when it brings nothing new."""

from __future__ import annotations

import sqlite3

import pytest
from fetchenv import FetchEnv, report, rss
from httpserver import TestServer

from briefing import refresh


def unplaced(env: FetchEnv) -> int:
    with sqlite3.connect(env.data_dir / "briefing.sqlite3") as db:
        return db.execute(
            "SELECT count(*) FROM articles a LEFT JOIN membership m ON m.article_id = a.id"
            " WHERE m.article_id IS NULL"
        ).fetchone()[0]


def test_the_next_run_places_what_a_failed_engine_left(
    fetch_env: FetchEnv, http_server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.add("/feed", rss([("a", "Baku and Moscow trade accusations"),
                                  ("b", "Tbilisi protest enters its third week")]))  # fmt: skip
    fetch_env.configure(("Wire", "/feed"))

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("engine down")

    with monkeypatch.context() as m:
        m.setattr(refresh, "assign_threads", broken)
        first = fetch_env.run()
    assert report(first, "Wire").new == 2
    assert first.threads_error == "thread engine failed: RuntimeError: engine down"
    assert unplaced(fetch_env) == 2

    second = fetch_env.run(force=True)  # the feed is unchanged: nothing new
    assert report(second, "Wire").status == "not_modified"
    assert second.threads_assigned == 2 and second.threads_error is None
    assert unplaced(fetch_env) == 0


def test_a_failed_placement_write_leaves_no_empty_thread(
    fetch_env: FetchEnv, http_server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.add("/feed", rss([("a", "Baku and Moscow trade accusations"),
                                  ("b", "Tbilisi protest enters its third week")]))  # fmt: skip
    fetch_env.configure(("Wire", "/feed"))

    def locked(*args: object, **kwargs: object) -> int:
        raise sqlite3.OperationalError("database is locked")

    with monkeypatch.context() as m:
        m.setattr(type(fetch_env.store), "assign_many", locked)
        first = fetch_env.run()
    assert first.threads_error == "thread engine failed: OperationalError: database is locked"
    with sqlite3.connect(fetch_env.data_dir / "briefing.sqlite3") as db:
        empty = db.execute(
            "SELECT count(*) FROM threads t WHERE NOT EXISTS"
            " (SELECT 1 FROM membership m WHERE m.thread_id = t.id)"
        ).fetchone()[0]
    assert empty == 0  # the threads opened for the two stories were removed again
    assert fetch_env.run(force=True).threads_assigned == 2
    assert unplaced(fetch_env) == 0
