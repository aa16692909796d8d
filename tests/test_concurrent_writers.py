"""Several programs on one cache at once: a fetch placing its stories while `briefing merge`
(another window, a script) changes the threads it read."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fetchenv import rss

import briefing.threads as engine_module
from briefing.store import Store

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


def read_only_run(
    target: Path, args: list[str]
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`briefing ARGS` with `target` (the data dir or the cache file) really read-only: by
    its mode for a normal user; for root (whom modes do not stop) through a read-only bind
    mount in a mount namespace of its own, skipped where that is not allowed."""
    command = [sys.executable, "-m", "briefing", *args]
    if os.geteuid() != 0:
        target.chmod(0o555 if target.is_dir() else 0o444)
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=60)
        finally:
            target.chmod(0o755 if target.is_dir() else 0o644)
    if shutil.which("unshare") is None:
        pytest.skip("no unshare to make a read-only mount as root")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 99; shift; exec "$@"'
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(target), *command],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if proc.returncode == 99 or "unshare:" in proc.stderr:
        pytest.skip(f"cannot make a read-only mount here: {proc.stderr.strip()}")
    return proc


def made_cache(tmp_path: Path, what: str) -> tuple[Path, Path, Path]:
    """feeds.toml, a data dir with a cache made by `briefing threads`, and what is to be made
    read-only in it: the directory or the cache file."""
    data = tmp_path / "data"
    feeds = tmp_path / "feeds.toml"
    feeds.write_text('[[feeds]]\nname = "one"\nurl = "http://127.0.0.1:9/feed"\n')
    base = [sys.executable, "-m", "briefing", "--feeds", str(feeds), "--data-dir", str(data)]
    made = subprocess.run([*base, "threads"], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    return feeds, data, (data if what == "directory" else data / "briefing.sqlite3")


@pytest.mark.parametrize("what", ["directory", "file"])
def test_a_read_only_cache_is_not_called_damaged_or_busy(tmp_path: Path, what: str) -> None:
    feeds, data, target = made_cache(tmp_path, what)

    proc = read_only_run(target, ["--feeds", str(feeds), "--data-dir", str(data), "threads"])

    assert proc.returncode == 1
    # neither "not a briefing cache" (whose advice is to move the file aside) nor "another
    # program may be writing to it: try again": the reason is the read-only file or directory
    assert "not a briefing cache" not in proc.stderr and "try again" not in proc.stderr
    assert f"the {what} {target} is read-only" in proc.stderr, proc.stderr
    with Store.open(data) as store:  # nothing was changed
        assert store.integrity_check() == ["ok"]


@pytest.mark.parametrize("what", ["directory", "file"])
def test_doctor_reports_a_read_only_cache(tmp_path: Path, what: str) -> None:
    """Every other command stops on a read-only cache; `doctor` said all was well (exit 0)."""
    feeds, data, target = made_cache(tmp_path, what)

    proc = read_only_run(target, ["--feeds", str(feeds), "--data-dir", str(data), "doctor"])

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"the {what} {target} is read-only" in proc.stdout + proc.stderr


def test_stories_a_fetch_commits_after_an_export_are_in_the_next_one(
    tmp_path: Path, http_server: Any
) -> None:
    """cron's `briefing export` while cron's `briefing fetch` waits for a slow feed: the
    export records its time; the stories the fetch stores after it belong to the next export
    (they were first seen, for the cache, when they were stored, not when the feed was asked)."""
    asked = threading.Event()

    def slow(h: Any) -> None:
        asked.set()
        time.sleep(3)
        h.respond(200, rss([(f"s{i}", f"Slow outlet story {i}") for i in range(3)]),
                  content_type="application/rss+xml")  # fmt: skip

    http_server.route("/slow", slow)
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feeds]]\nname = "slow"\nurl = "{http_server.url("/slow")}"\n')
    base = [sys.executable, "-m", "briefing", "--feeds", str(feeds),
            "--data-dir", str(tmp_path / "data")]  # fmt: skip

    def export() -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, "export", "--format", "json"], capture_output=True,
                              text=True, timeout=60)  # fmt: skip

    assert export().returncode == 0  # the cache made, a first export recorded
    time.sleep(1.1)  # the next second: the fetch's request comes after that export
    fetch = subprocess.Popen([*base, "fetch", "--no-articles"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        assert asked.wait(30), "the fetch never asked for the feed"
        time.sleep(1.1)  # a second later, while the feed is still answering
        during = export()
        assert during.returncode == 0, during.stderr
        assert json.loads(during.stdout)["sources"] == []
    finally:
        assert fetch.wait(timeout=60) == 0
    after = export()
    assert after.returncode == 0, after.stderr
    titles = {s["title"] for s in json.loads(after.stdout)["sources"]}
    assert titles == {f"Slow outlet story {i}" for i in range(3)}, after.stderr
