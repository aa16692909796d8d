"""Several programs on one cache at once: a fetch placing its stories while `briefing merge`
(another window, a script) changes the threads it read."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from typing import Any

from fetchenv import rss

import briefing.threads as engine_module

PROTEST = "Tbilisi protesters rally outside Georgian parliament over foreign agents law"


def briefing_cli(env: Any, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", "--feeds", str(env.feeds_path),
         "--data-dir", str(env.data_dir), *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_stories_placed_while_their_thread_is_merged_go_where_it_went(
    fetch_env: Any, monkeypatch: Any
) -> None:
    env = fetch_env
    first = [(f"p{i}", f"{PROTEST}, day {i}") for i in range(4)]
    env.server.add("/ge", rss(first))
    env.configure(("ge", "/ge"))
    env.run()
    store = env.store
    (protest,) = [t.id for t in store.threads() if "protesters" in t.title]

    # The next fetch brings more of the same story; while its engine places them (it read the
    # threads before), `briefing merge` in another window merges that thread into thread 1.
    later = [(f"q{i}", f"{PROTEST}, day {10 + i}") for i in range(4)]
    env.server.add("/ge", rss(later + first))
    original = engine_module.ThreadEngine.assign_batch
    merged: list[subprocess.CompletedProcess[str]] = []

    def assign_batch(self: Any, *args: Any, **kwargs: Any) -> Any:
        decisions = original(self, *args, **kwargs)
        if not merged:
            merged.append(briefing_cli(env, "merge", str(protest), "1"))
        return decisions

    monkeypatch.setattr(engine_module.ThreadEngine, "assign_batch", assign_batch)
    summary = env.run()
    assert merged and merged[0].returncode == 0, merged[0].stderr
    assert summary.threads_error is None and summary.threads_assigned == 4

    db = sqlite3.connect(env.data_dir / "briefing.sqlite3")
    try:
        lost = db.execute(
            "SELECT count(*) FROM membership m JOIN threads t ON t.id = m.thread_id"
            " WHERE t.merged_into IS NOT NULL"
        ).fetchone()[0]
    finally:
        db.close()
    assert lost == 0  # no story in a thread no list shows
    shown = {s.title for s in store.stories(1, fold_copies=False)}
    assert {title for _guid, title in later} <= shown
    # thread 1 is dated by the stories that joined it
    thread = store.thread(1)
    assert thread is not None and thread.updated is not None
    newest = max(s.published for s in store.stories(1, fold_copies=False) if s.published)
    assert thread.updated == newest
