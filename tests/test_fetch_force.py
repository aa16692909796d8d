"""`briefing fetch --force`: feeds backing off (failures, Retry-After) or gone are requested."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fetchenv import FetchEnv, report, rss
from httpserver import RequestHandler, TestServer

from briefing.store import Store


def briefing(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", "--feeds", str(tmp_path / "feeds.toml"),
         "--data-dir", str(tmp_path / "data"), *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_fetch_force_requests_a_feed_that_is_backing_off(
    tmp_path: Path, http_server: TestServer
) -> None:
    state = {"up": False}
    good = rss([("a", "Baku talks resume"), ("b", "Yerevan reacts")])

    def flaky(h: RequestHandler) -> None:
        if state["up"]:
            h.respond(200, good, content_type="application/rss+xml")
        else:
            h.respond(503, b"busy", headers={"Retry-After": "7200"})

    http_server.route("/f", flaky)
    (tmp_path / "feeds.toml").write_text(
        f'[[feeds]]\nname = "F"\nurl = "{http_server.url("/f")}"\n', encoding="utf-8"
    )
    first = json.loads(briefing(tmp_path, "fetch", "--json", "--no-articles").stdout)
    assert first["feeds"][0]["status"] == "error" and "HTTP 503" in first["feeds"][0]["error"]
    assert len(http_server.hits("/f")) == 1

    state["up"] = True  # the outage is over, but the server asked for two hours
    proc = briefing(tmp_path, "fetch", "--json", "--no-articles")
    assert proc.returncode == 0, proc.stderr
    skipped = json.loads(proc.stdout)["feeds"][0]
    assert skipped["status"] == "skipped" and "HTTP 503" in skipped["error"]
    assert len(http_server.hits("/f")) == 1  # not requested

    proc = briefing(tmp_path, "fetch", "--json", "--no-articles", "--force")
    assert proc.returncode == 0, proc.stderr
    forced = json.loads(proc.stdout)["feeds"][0]
    assert (forced["status"], forced["new"], forced["error"]) == ("ok", 2, None)
    assert len(http_server.hits("/f")) == 2
    with Store.open(tmp_path / "data", create=False) as store:
        titles = sorted(s.title for s in store.stories_between(None) if s.feed_id is not None)
        assert titles == ["Baku talks resume", "Yerevan reacts"]
        feed_state = store.feed(http_server.url("/f"))
        assert feed_state is not None
        assert (feed_state.status, feed_state.error_count, feed_state.last_error) == ("ok", 0, None)


def test_force_retries_a_gone_feed_until_it_works(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    gone = {"yes": True}

    def handler(h: RequestHandler) -> None:
        if gone["yes"]:
            h.respond(410, b"gone")
        else:
            h.respond(200, rss([("a", "Tbilisi back online")]), content_type="application/rss+xml")

    http_server.route("/f", handler)
    fetch_env.configure(("F", "/f", {"interval": 10}))
    assert report(fetch_env.run(), "F").status == "gone"
    assert report(fetch_env.run(), "F").status == "skipped"
    assert len(http_server.hits("/f")) == 1

    assert report(fetch_env.run(force=True), "F").status == "gone"  # still gone: asked again
    assert len(http_server.hits("/f")) == 2
    assert fetch_env.state("F").error_count == 2

    gone["yes"] = False  # the URL works again
    rep = report(fetch_env.run(force=True), "F")
    assert (rep.status, rep.new) == ("ok", 1)
    state = fetch_env.state("F")
    assert (state.status, state.error_count, state.last_error) == ("ok", 0, None)
    assert [r["title"] for r in fetch_env.rows("F")] == ["Tbilisi back online"]
