"""Feeds that moved permanently (every redirect 301/308): recorded on the feed, cleared by a
later fetch without one, shown by `briefing feeds` and the app's feeds screen; the v3 -> v4
migration."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from fetchenv import FetchEnv, report, rss
from httpserver import RequestHandler, TestServer
from test_tui_support import loaded, make_app, screen_text, settle

from briefing.cli import main
from briefing.commands.feeds import describe
from briefing.models import FeedState, FeedUpdate
from briefing.store import DB_FILENAME, Store
from briefing.store.db import utcnow
from briefing.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from briefing.tui.screens.feeds import FeedsScreen


def redirect(code: int, target: str) -> Callable[[RequestHandler], None]:
    def handler(h: RequestHandler) -> None:
        h.respond(code, b"", headers={"Location": target})

    return handler


def feeds_cli(env: FetchEnv, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = main(["--feeds", str(env.feeds_path), "--data-dir", str(env.data_dir), "feeds", *args])
    assert code == 0
    return capsys.readouterr().out


def test_301_chain_is_recorded_shown_and_cleared_by_a_direct_200(
    fetch_env: FetchEnv, http_server: TestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    new = http_server.url("/new/feed.xml")
    http_server.route("/old", redirect(301, "/mid"))
    http_server.route("/mid", redirect(308, new))
    http_server.add("/new/feed.xml", rss([("a", "Baku moved")]))
    http_server.add("/other", rss([("b", "Tbilisi stays")]))
    fetch_env.configure(("Moved", "/old"), ("Stays", "/other"))

    summary = fetch_env.run()
    assert report(summary, "Moved").new == 1
    assert fetch_env.state("Moved").moved_to == new
    assert fetch_env.state("Stays").moved_to is None
    # the run's own report (`briefing fetch --json`) says so too
    reported = {f["name"]: f["moved_to"] for f in summary.as_dict()["feeds"]}
    assert reported == {"Moved": new, "Stays": None}

    by_name = {f["name"]: f for f in json.loads(feeds_cli(fetch_env, capsys, "--json"))}
    assert by_name["Moved"]["moved_to"] == new
    assert by_name["Stays"]["moved_to"] is None
    text = feeds_cli(fetch_env, capsys)
    assert f"moved permanently to {new}: update feeds.toml" in text
    assert text.count("moved permanently") == 1

    # An unchanged body through the same redirects (not_modified) keeps it.
    again = report(fetch_env.run(force=True), "Moved")
    assert again.status == "not_modified" and again.moved_to == new
    assert fetch_env.state("Moved").moved_to == new

    # A failed fetch says nothing about where the feed lives: the note stays.
    http_server.add("/new/feed.xml", b"down", status=500, content_type="text/plain")
    assert report(fetch_env.run(force=True), "Moved").status == "error"
    assert fetch_env.state("Moved").moved_to == new

    # The old URL answers directly again: the note goes.
    http_server.add("/old", rss([("a", "Baku moved")]))
    assert report(fetch_env.run(force=True), "Moved").status in ("ok", "not_modified")
    assert fetch_env.state("Moved").moved_to is None
    assert json.loads(feeds_cli(fetch_env, capsys, "--json"))[0]["moved_to"] is None
    assert "moved permanently" not in feeds_cli(fetch_env, capsys)


@pytest.mark.parametrize("codes", [(302,), (301, 302), (307, 308)], ids=str)
def test_a_chain_with_a_temporary_redirect_is_not_recorded(
    fetch_env: FetchEnv, http_server: TestServer, codes: tuple[int, ...]
) -> None:
    for i, code in enumerate(codes):
        target = f"/hop{i + 1}" if i + 1 < len(codes) else "/feed"
        http_server.route(f"/hop{i}", redirect(code, target))
    http_server.add("/feed", rss([("a", "Baku after a temporary redirect")]))
    fetch_env.configure(("F", "/hop0"))

    assert report(fetch_env.run(), "F").new == 1
    assert len(http_server.hits("/feed")) == 1
    assert fetch_env.state("F").moved_to is None


def test_a_permanent_redirect_back_to_the_same_url_is_not_a_move(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    served = []

    def once_then_feed(h: RequestHandler) -> None:
        if not served:
            served.append(1)
            h.respond(301, b"", headers={"Location": "/f"})
        else:
            h.respond(200, rss([("a", "Baku")]), content_type="application/rss+xml")

    http_server.route("/f", once_then_feed)
    fetch_env.configure(("F", "/f"))
    assert report(fetch_env.run(), "F").new == 1
    assert len(http_server.hits("/f")) == 2
    assert fetch_env.state("F").moved_to is None


def test_shown_text_has_no_controls() -> None:
    state = FeedState(
        id=1, url="http://a/", name="A", status="ok", moved_to="http://b/\x1b[31mred\x07 x"
    )
    text = describe(state)
    assert "moved permanently to http://b/" in text
    assert "\x1b" not in text and "\x07" not in text
    # A last error from a cache written by anything else is cleaned when shown, too.
    failing = FeedState(id=2, url="http://c/", name="C", status="error", error_count=1,
                        last_error="HTTP 500 \x1b]0;pwned\x07\x1b[2Jgone")  # fmt: skip
    text = describe(failing)
    assert text.endswith(": HTTP 500 gone") and "\x1b" not in text and "\x07" not in text


async def test_feeds_screen_shows_the_move_as_plain_text(cache) -> None:
    feed = cache.config.feeds[0]
    moved = "https://oc-media.org/new-feed/[b]bold[/b]"
    cache.store.save_feed_result(
        feed.url, FeedUpdate(status="ok", checked=utcnow(), moved_to=moved + "\x1b[2J")
    )
    app = make_app(cache)
    async with app.run_test(size=(250, 30)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("F")
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen) and app.screen.feeds)
        await settle(pilot)
        text = screen_text(app)
        assert f"moved permanently to {moved}: update feeds.toml" in text
        # Once in the table's row and once in the detail line under it, both as
        # plain text: no bold, and the escape sequence gone whole.
        assert text.count(f"moved permanently to {moved}: update feeds.toml") == 2
        assert "[2J" not in text and "\x1b" not in text


def test_migrates_from_schema_3(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    for step in MIGRATIONS[:3]:
        step(db, "2025-07-01T00:00:00+00:00")
    db.execute(
        "INSERT INTO feeds (id, url, name, status, etag) VALUES"
        " (7, 'http://127.0.0.1:9/f', 'F', 'ok', '\"v1\"')"
    )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 3")
    db.execute("COMMIT")
    db.close()

    with Store.open(tmp_path) as store:
        assert store.schema_version == SCHEMA_VERSION
        old = store.feed("http://127.0.0.1:9/f")
        assert old is not None and old.moved_to is None
        assert old.status == "ok" and old.etag == '"v1"'
        store.save_feed_result(
            old.url, FeedUpdate(status="ok", checked=utcnow(), moved_to="http://127.0.0.1:9/g")
        )
        state = store.feed(old.url)
        assert state is not None and state.moved_to == "http://127.0.0.1:9/g"
        assert store.integrity_check() == ["ok"]
