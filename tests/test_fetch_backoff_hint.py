"""`briefing fetch` with feeds backing off says they were not requested, and how to retry.

Offline, a first fetch fails every feed; back online minutes later, a second fetch requested
none of them (they back off for the feed's interval) and printed only "0 new items" with exit
0: nothing told the user that nothing was tried, nor about --force (the app says "G: retry
now")."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpserver import TestServer
from test_robustness_cli import cli, feeds_on


def test_a_fetch_of_feeds_backing_off_says_nothing_was_requested(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], http_server: TestServer
) -> None:
    http_server.route("/a", lambda h: h.respond(500, b"oops"))
    http_server.route("/b", lambda h: h.respond(500, b"oops"))
    feeds = feeds_on(http_server, "a", "b")
    assert cli(tmp_path, "fetch", "--no-articles", feeds=feeds) == 1
    assert "backing off" not in capsys.readouterr().out

    assert cli(tmp_path, "fetch", "--no-articles", feeds=feeds) == 0
    out = capsys.readouterr().out
    assert ": 0 ok, 0 not modified, 2 backing off;" in out
    line = next(li for li in out.splitlines() if "not requested" in li)
    assert line.startswith("  2 feeds backing off after failures, not requested (the first is due ")
    assert line.endswith("); `briefing fetch --force` requests them now")
    assert len(http_server.hits("/a")) == 1  # not requested again

    assert cli(tmp_path, "fetch", "--no-articles", "--feed", "a", feeds=feeds) == 0
    assert "  1 feed backing off after failures, not requested" in capsys.readouterr().out


def test_the_backing_off_hint_gives_the_time_as_briefing_feeds_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], http_server: TestServer
) -> None:
    """A cron user in Baku: the summary's "the first is due" was ISO 8601 in UTC with
    seconds ("2026-11-29T18:31:22+00:00") while `briefing feeds`, beside it, gives the same
    feed's next try as "2026-11-29 22:31 (Asia/Baku, UTC+04:00)". Now both say the latter."""
    http_server.route("/a", lambda h: h.respond(500, b"oops"))
    feeds = '[settings]\ntimezone = "Asia/Baku"\n\n' + feeds_on(http_server, "a")
    assert cli(tmp_path, "fetch", "--no-articles", feeds=feeds) == 1
    capsys.readouterr()
    assert cli(tmp_path, "feeds", feeds=feeds) == 0
    listed = capsys.readouterr().out
    assert cli(tmp_path, "fetch", "--no-articles", feeds=feeds) == 0
    line = next(li for li in capsys.readouterr().out.splitlines() if "not requested" in li)
    due = line.split("(the first is due ")[1].split("); ")[0]
    assert due.endswith(" (Asia/Baku, UTC+04:00)"), line
    assert f"next try {due}" in listed, (line, listed)
