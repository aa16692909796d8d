"""Threads with no visible story: left out of the thread list (store, `briefing threads`, the
app) unless pinned or the user's; the empty rows a killed engine run left are deleted."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from test_tui_support import FEEDS, add_articles, item, make_app, settle

from briefing.cli import main
from briefing.store import Store
from briefing.store.db import to_db, utcnow


def engine_threads(cache) -> dict[str, int]:
    """Beside the cache's threads: threads as the engine, a killed run or the user left them."""
    store = cache.store
    made = {
        "engine_empty": store.create_thread("New thread"),  # a killed run's placeholder
        "user_empty": store.create_thread("My new thread", by_user=True),
        "renamed_empty": store.create_thread("New thread"),
        "pinned_empty": store.create_thread("Pinned", pinned=True),
        "all_hidden": store.create_thread("Hidden only"),
        "copy_only": store.create_thread("A copy only"),
    }
    store.rename_thread(made["renamed_empty"], "Renamed by me")
    (hidden, copy) = add_articles(store, FEEDS[1], [item("h1", "Hidden", 3), item("c1", "Copy", 3)])
    store.assign(hidden, made["all_hidden"])
    store.set_triage(hidden, hidden=True)
    store.assign(copy, made["copy_only"], duplicate_of=cache.ids["g1"])
    return made


def listed(store: Store) -> set[int]:
    return {t.id for t in store.threads(include_dormant=True)}


def test_thread_list_leaves_out_threads_without_a_visible_story(cache) -> None:
    made = engine_threads(cache)
    shown = listed(cache.store)
    assert made["user_empty"] in shown and made["renamed_empty"] in shown
    assert made["pinned_empty"] in shown and 1 in shown
    assert cache.threads["georgia"] in shown and cache.threads["armenia"] in shown
    for key in ("engine_empty", "all_hidden", "copy_only"):
        assert made[key] not in shown, key
    # asked for: all of them; asked by id: still there (an empty thread exists)
    assert set(made.values()) <= {t.id for t in cache.store.threads(include_empty=True)}
    empty = cache.store.thread(made["engine_empty"])
    assert empty is not None and empty.stories == 0


def test_cli_threads_leaves_out_empty_engine_threads(cache, tmp_path: Path, capsys) -> None:
    made = engine_threads(cache)
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("".join(f'[[feeds]]\nname = "{f.name}"\nurl = "{f.url}"\n\n' for f in FEEDS))
    code = main(["--feeds", str(feeds), "--data-dir", str(tmp_path / "data"), "threads", "--all",
                 "--json"])  # fmt: skip
    assert code == 0
    ids = {t["id"] for t in json.loads(capsys.readouterr().out)}
    assert made["engine_empty"] not in ids and made["all_hidden"] not in ids
    assert made["user_empty"] in ids and cache.threads["georgia"] in ids
    # the young placeholder is hidden, not deleted: a running fetch may be filling it
    assert cache.store.thread(made["engine_empty"]) is not None


async def test_app_thread_list_leaves_out_empty_engine_threads(cache) -> None:
    made = engine_threads(cache)
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        # the thread list, not a story list: the empty pinned thread, dated by its creation,
        # comes before thread 1, whose seed article alone gives it no news time
        await settle(pilot, lambda: bool(app.main.thread_list.threads))
        shown = [t.id for t in app.main.thread_list.threads]
        assert made["engine_empty"] not in shown and made["all_hidden"] not in shown
        assert made["copy_only"] not in shown
        assert made["user_empty"] in shown and made["pinned_empty"] in shown


def age(store: Store, thread_ids: list[int], hours: float) -> None:
    created = to_db(utcnow() - timedelta(hours=hours))
    with sqlite3.connect(store.path) as db:
        db.executemany(
            "UPDATE threads SET created = ? WHERE id = ?", [(created, i) for i in thread_ids]
        )


def test_delete_empty_threads_removes_only_old_engine_leftovers(cache) -> None:
    store = cache.store
    made = engine_threads(cache)
    young = store.create_thread("New thread")
    muted = store.create_thread("New thread")
    store.set_thread_flag(muted, "muted", True)
    merged, into = store.create_thread("New thread"), store.create_thread("New thread")
    store.merge_threads(merged, into)
    # an engine thread the user moved the only story out of: an open app may undo the move
    emptied = store.create_thread("Engine label")
    (story,) = add_articles(store, FEEDS[0], [item("e1", "Moved away", 4)])
    store.assign(story, emptied)
    store.move_story(story, cache.threads["armenia"])
    old = [*made.values(), muted, merged, into, emptied, cache.threads["georgia"]]
    age(store, old, hours=2)
    before = {t.id for t in store.threads(include_empty=True)} | {merged}
    assert store.delete_empty_threads() == 1
    assert store.thread(made["engine_empty"]) is None
    after = {t.id for t in store.threads(include_empty=True)}
    assert after == before - {made["engine_empty"], merged}  # merged: still stored, unlisted
    assert young in after and emptied in after and into in after
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT 1 FROM threads WHERE id = ?", (merged,)).fetchone()
    assert store.delete_empty_threads() == 0  # nothing left: a read only


def test_opening_the_cache_deletes_old_empty_engine_threads(cache, tmp_path: Path) -> None:
    store = cache.store
    old, young = store.create_thread("New thread"), store.create_thread("New thread")
    age(store, [old], hours=3)
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("".join(f'[[feeds]]\nname = "{f.name}"\nurl = "{f.url}"\n\n' for f in FEEDS))
    assert main(["--feeds", str(feeds), "--data-dir", str(tmp_path / "data"), "threads"]) == 0
    assert store.thread(old) is None and store.thread(young) is not None


def test_a_thread_the_user_starts_is_kept_when_emptied(cache, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("".join(f'[[feeds]]\nname = "{f.name}"\nurl = "{f.url}"\n\n' for f in FEEDS))
    cli = ["--feeds", str(feeds), "--data-dir", str(tmp_path / "data")]
    assert main([*cli, "move", str(cache.ids["a1"]), "--new", "Border commission"]) == 0
    (new,) = (t for t in cache.store.threads() if t.title == "Border commission")
    assert new.user_titled  # the engine does not relabel it
    assert main([*cli, "move", str(cache.ids["a1"]), str(cache.threads["armenia"])]) == 0
    assert new.id in listed(cache.store)
    age(cache.store, [new.id], hours=2)
    assert cache.store.delete_empty_threads() == 0
