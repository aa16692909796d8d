"""The export's mark against fetches committing around it: a story a fetch commits is in
exactly one default export, however close to the export's read of the cache it lands.

A fetch stamps a new story's first seen when it commits, to the second; the export remembers
where it read. These tests interleave a real fetch's commit (another connection to the same
cache file) just before and just after the export's read, with the store's clock held at the
export's own second, through the CLI's export and the app's `E` (write_briefing)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import export_db
import pytest

import briefing.commands.export as export_cmd
import briefing.export.briefing as briefing_mod
import briefing.store.db as db_mod
from briefing.cli import Context, build_parser
from briefing.export.briefing import (
    LAST_EXPORT_ID_KEY,
    LAST_EXPORT_KEY,
    last_export_mark,
    write_briefing,
)
from briefing.models import FeedUpdate
from briefing.store import Store

OC = export_db.FEEDS[0].url
T = datetime(2025, 7, 1, 12, 0, 0, 250_000, tzinfo=UTC)  # the first export's clock


@pytest.fixture()
def env(tmp_path: Path) -> Path:
    export_db.build(tmp_path).close()
    (tmp_path / "feeds.toml").write_text(export_db.CONFIG)
    return tmp_path


def cli_export(env: Path, now: datetime, out: Path, *extra: str) -> int:
    """`briefing export --format json -o OUT` with the export's clock at `now`."""
    argv = ["--feeds", str(env / "feeds.toml"), "--data-dir", str(env / "data"), "export"]
    args = build_parser().parse_args([*argv, "--format", "json", "-o", str(out), *extra])
    return args.func(args, Context(args), now=now)


def fetch(env: Path, key: str, title: str) -> int:
    """A fetch in another process: its own connection, stamping first seen at its commit."""
    with Store.open(env / "data") as other:
        result = other.save_feed_result(
            OC,
            FeedUpdate("ok", T - timedelta(minutes=1)),  # the request went out a minute before
            [export_db.item(key, title, 1)],
            seen_at_commit=True,
        )
        (new_id,) = result.new_ids
        return new_id


def titles(path: Path) -> list[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [s["title"] for t in data["threads"] for s in t["stories"]]


def around_the_read(
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    before: Callable[[], None],
    after: Callable[[], None],
) -> None:
    """Run `before` just before the export reads the cache (build_briefing) and `after` just
    after it (render), once, in the export `module` that calls them."""
    real_build, real_render = module.build_briefing, module.render
    done: set[str] = set()

    def build(*a: Any, **kw: Any) -> Any:
        if "before" not in done:
            done.add("before")
            before()
        return real_build(*a, **kw)

    def render(*a: Any, **kw: Any) -> Any:
        if "after" not in done:
            done.add("after")
            after()
        return real_render(*a, **kw)

    monkeypatch.setattr(module, "build_briefing", build)
    monkeypatch.setattr(module, "render", render)


@pytest.mark.parametrize("path", ["cli", "app"])
@pytest.mark.parametrize(
    ("before_at", "after_at"),
    [
        # both in the export's own second: the one committed after the read was first seen
        # at the very second the export recorded, so `first_seen > mark` never took it
        (T, T),
        # the export waited (the fetch held the write lock) and read a few seconds after the
        # time it gives itself: stories first seen after that time but read must not be lost
        (T + timedelta(seconds=2), T + timedelta(seconds=2)),
    ],
    ids=["same-second", "read-seconds-later"],
)
def test_every_story_is_in_exactly_one_default_export(
    env: Path,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    before_at: datetime,
    after_at: datetime,
) -> None:
    clock = [T.replace(microsecond=0)]
    monkeypatch.setattr(db_mod, "utcnow", lambda: clock[0])
    ids: dict[str, int] = {}

    def before() -> None:
        clock[0] = before_at.replace(microsecond=0)
        ids["early"] = fetch(env, "early", "Committed just before the export read")
        if path == "app":  # the app exports the marked stories
            with Store.open(env / "data") as other:
                other.set_triage(ids["early"], in_briefing=True)

    def after() -> None:
        clock[0] = after_at.replace(microsecond=0)
        ids["racer"] = fetch(env, "racer", "Committed just after the export read")

    first = env / "first.json"
    if path == "cli":
        around_the_read(monkeypatch, export_cmd, before, after)
        assert cli_export(env, T, first) == 0
    else:
        around_the_read(monkeypatch, briefing_mod, before, after)
        with Store.open(env / "data") as app_store:
            written, _ = write_briefing(
                app_store,
                export_db.config(env),
                marked=True,
                fmt="json",
                directory=env / "briefings",
                now=T,
            )
        written.rename(first)
    assert set(ids) == {"early", "racer"}  # both hooks ran
    monkeypatch.undo()  # the real clock and the real export from here on

    second, third = env / "second.json", env / "third.json"
    assert cli_export(env, T + timedelta(hours=1), second) == 0
    assert cli_export(env, T + timedelta(hours=2), third) == 0
    exports = [titles(first), titles(second), titles(third)]
    for title in ("Committed just before the export read", "Committed just after the export read"):
        assert sum(t.count(title) for t in exports) == 1, (title, exports)
    assert "Committed just after the export read" in exports[1]
    assert exports[2] == []


def test_a_mark_an_older_briefing_recorded_is_used_by_time(env: Path) -> None:
    """A cache whose last export an older briefing recorded (a time, no article id; or an id
    recorded with another export's time): the next default export takes what was first seen
    after that time, as before, and records an id mark from then on."""
    with Store.open(env / "data") as store:
        store.set_metas(
            {
                LAST_EXPORT_KEY: "2025-06-30T16:02:00+00:00",  # between two fetches' stamps
                LAST_EXPORT_ID_KEY: "1 2025-06-29T00:00:00+00:00",  # another export's id
            }
        )
    first, second = env / "first.json", env / "second.json"
    assert cli_export(env, T, first) == 0
    # first seen at 16:05; those first seen at 16:00 were in the older export
    assert titles(first) == ["Georgian Dream adopts a 'foreign agents' amendment"]
    with Store.open(env / "data") as store:
        assert last_export_mark(store) == (T.replace(microsecond=0), store.max_article_id())
    assert cli_export(env, T + timedelta(hours=1), second) == 0
    assert titles(second) == []


@pytest.mark.skipif(not Path("/proc/self/wchan").is_file(), reason="no /proc/PID/wchan")
def test_a_killed_export_records_nothing_and_loses_nothing(env: Path) -> None:
    """`briefing export -o FILE` killed after it read the cache but before it wrote FILE:
    the mark stays where it was, and the next export has every story the killed one had."""
    assert cli_export(env, datetime.now(UTC), env / "first.json") == 0
    with Store.open(env / "data") as store:
        mark = store.get_metas(LAST_EXPORT_KEY, LAST_EXPORT_ID_KEY)
    assert set(mark) == {LAST_EXPORT_KEY, LAST_EXPORT_ID_KEY}
    with Store.open(env / "data") as other:
        other.save_feed_result(
            OC, FeedUpdate("ok", datetime.now(UTC)), [export_db.item("new", "A new story", 1)],
            seen_at_commit=True,
        )  # fmt: skip
    fifo = env / "briefing.md"
    os.mkfifo(fifo)  # nobody reads it: opening it to write waits, the briefing built by then
    argv = ["--feeds", str(env / "feeds.toml"), "--data-dir", str(env / "data"), "export"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing", *argv, "-o", str(fifo)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        wchan = Path(f"/proc/{proc.pid}/wchan")
        while wchan.read_text() != "wait_for_partner":  # blocked opening the pipe
            assert proc.poll() is None and time.monotonic() < deadline, "never reached -o"
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with Store.open(env / "data") as store:
        assert store.get_metas(LAST_EXPORT_KEY, LAST_EXPORT_ID_KEY) == mark
    after = env / "after.json"
    assert cli_export(env, datetime.now(UTC), after) == 0
    assert titles(after) == ["A new story"]


@pytest.mark.parametrize("path", ["cli", "app"])
def test_each_default_export_starts_where_the_last_one_ended(env: Path, path: str) -> None:
    """The windows of successive exports meet: the next one's `since` is this one's `until`,
    to the second the cache stores (before, `until` and `generated` carried the clock's
    microseconds and the next `since` did not: a script chaining windows saw a gap)."""
    first, second = env / "first.json", env / "second.json"
    if path == "cli":
        assert cli_export(env, T, first) == 0
    else:
        with Store.open(env / "data") as app_store:
            written, _ = write_briefing(
                app_store, export_db.config(env), marked=True, fmt="json",
                directory=env / "briefings", now=T,
            )  # fmt: skip
        written.rename(first)
    assert cli_export(env, T + timedelta(hours=1, microseconds=500), second) == 0
    one, two = (json.loads(p.read_text(encoding="utf-8")) for p in (first, second))
    assert one["until"] == one["generated"] == "2025-07-01T16:00:00+04:00"
    assert two["since"] == one["until"]
    assert two["until"] == "2025-07-01T17:00:00+04:00"
