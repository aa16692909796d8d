"""The fetch pipeline against a real HTTP server on 127.0.0.1 and a real SQLite file.

Formats (RSS 2.0, RSS 1.0/RDF, Atom, content:encoded, Russian in lying charsets), conditional
GET, and one test per hostile server behaviour. Every hostile test checks: the run ends in
bounded time, the bad feed gets a clear recorded error, the good feed in the same run is stored,
and nothing already cached is lost.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from fetchenv import FetchEnv, fixture, report, rss
from httpserver import RequestHandler, TestServer

CONTROL = {chr(c) for c in range(32) if c not in (9, 10)} | {chr(c) for c in range(127, 160)}


def no_controls(text: str | None) -> bool:
    return not (set(text or "") & CONTROL)


# ----------------------------------------------------------------------------- formats
FORMATS = {
    "RSS 2.0": ("rss20.xml", "application/rss+xml"),
    "RDF": ("rss10.rdf", "application/rdf+xml"),
    "Atom": ("atom.xml", "application/atom+xml"),
    "Full text": ("content_encoded.xml", "application/rss+xml"),
    # Really cp1251, declared UTF-8 in the XML and in the header.
    "Ru cp1251": ("russian_cp1251.xml", "application/rss+xml; charset=utf-8"),
    # Really koi8-r, declared windows-1251 in the XML and in the header.
    "Ru koi8": ("russian_koi8r.xml", "text/xml; charset=windows-1251"),
}


def test_fixture_formats_are_parsed_and_stored(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    base = http_server.url("")
    for file, ctype in FORMATS.values():
        http_server.add(f"/{file}", fixture(file, base), content_type=ctype)
    fetch_env.configure(*((name, f"/{file}") for name, (file, _) in FORMATS.items()))

    summary = fetch_env.run()

    assert [r.status for r in summary.feeds] == ["ok"] * len(FORMATS), summary.as_dict()
    rss20 = fetch_env.rows("RSS 2.0")
    assert [r["title"] for r in rss20] == [
        "Talks in Baku end without agreement",
        "Yerevan protests continue",
        "Weather in Tbilisi",
    ]
    first = rss20[0]
    assert first["key"] == "rss20-1" and first["author"] == "Jane Reporter"
    assert first["published"] == "2025-06-24T05:30:00+00:00"  # +0400 normalised to UTC
    assert first["summary"] == "Foreign ministers met in Baku on Tuesday.\n\nNo agreement."
    assert rss20[2]["published"] is None and rss20[2]["key"].endswith("/articles/tbilisi-weather")
    assert rss20[1]["summary"] == "Thousands rallied in Yerevan & Gyumri."

    rdf = fetch_env.rows("RDF")
    assert [r["title"] for r in rdf] == [
        "Georgian Dream passes foreign agents law",
        "Second RDF item",
    ]
    assert rdf[0]["author"] == "RDF Author" and rdf[0]["published"] == "2025-06-24T06:00:00+00:00"

    atom = fetch_env.rows("Atom")
    assert atom[0]["title"] == "Karabakh refugees return"  # type="html" title, tags removed
    assert atom[0]["key"] == "urn:fixture:atom:1" and atom[0]["author"] == "Atom Author"
    assert atom[1]["summary"] == "Plain content of the second entry."

    full = fetch_env.rows("Full text")[0]
    assert full["summary"] == "A short teaser about the deal."
    assert full["text"] and full["text"].count("initialled by both sides") == 12
    assert "<p>" not in full["text"]

    for name in ("Ru cp1251", "Ru koi8"):
        titles = [r["title"] for r in fetch_env.rows(name)]
        assert titles == [
            "Президент Азербайджана Ильхам Алиев прибыл в Баку",
            "Пашинян заявил о продолжении переговоров",
        ], name
        assert fetch_env.state(name).title == "Новости Кавказа"


def test_second_run_sends_validators_byte_for_byte_and_304_writes_nothing(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    etag = 'W/"\xe9t\xe9-42"'  # a non-ASCII byte: must come back exactly as sent
    last_modified = "Tue, 24 Jun 2025 09:30:00 GMT"
    body = rss([("a", "Baku one"), ("b", "Baku two")])

    def handler(h: RequestHandler) -> None:
        if h.headers.get("If-None-Match") == etag:
            h.respond(304, content_type=None, headers={"ETag": etag})
        else:
            h.respond(200, body, content_type="application/rss+xml",
                      headers={"ETag": etag, "Last-Modified": last_modified})  # fmt: skip

    http_server.route("/f", handler)
    fetch_env.configure(("F", "/f"))
    first = fetch_env.run()
    assert report(first, "F").new == 2
    before = [dict(r) for r in fetch_env.rows("F")]

    second = fetch_env.run()

    rep = report(second, "F")
    assert (rep.status, rep.new, rep.updated, rep.error) == ("not_modified", 0, 0, None)
    sent = http_server.hits("/f")[-1].headers
    assert sent["If-None-Match"] == etag
    assert sent["If-Modified-Since"] == last_modified
    assert [dict(r) for r in fetch_env.rows("F")] == before
    state = fetch_env.state("F")
    assert state.status == "not_modified" and state.etag == etag
    assert state.last_modified == last_modified


def test_server_ignoring_validators_same_body_is_not_reparsed(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    http_server.add("/f", rss([("a", "Baku one")]))
    fetch_env.configure(("F", "/f"))
    assert report(fetch_env.run(), "F").status == "ok"
    assert report(fetch_env.run(), "F").status == "not_modified"


def test_changed_item_is_updated_unchanged_items_are_not_rewritten(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    when = datetime.now(UTC) - timedelta(hours=2)
    http_server.add("/f", rss([("a", "Baku one"), ("b", "Baku two")], when=when))
    fetch_env.configure(("F", "/f"))
    fetch_env.run()
    http_server.add(
        "/f", rss([("c", "Baku three"), ("a", "Baku one, updated"), ("b", "Baku two")], when=when)
    )

    rep = report(fetch_env.run(), "F")

    assert (rep.new, rep.updated) == (1, 2)  # b moved down a minute: its date changed too
    titles = {r["key"]: r["title"] for r in fetch_env.rows("F")}
    assert titles == {"a": "Baku one, updated", "b": "Baku two", "c": "Baku three"}


def test_duplicate_guids_do_not_crash_or_duplicate(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    body = rss([("same", "First copy"), ("same", "Second copy"), ("other", "Other")])
    http_server.add("/f", body)
    fetch_env.configure(("F", "/f"))

    rep = report(fetch_env.run(), "F")

    assert (rep.status, rep.new) == ("ok", 2)
    assert [r["title"] for r in fetch_env.rows("F")] == ["First copy", "Other"]
    http_server.add("/f", body + b" ")  # new body hash, same items
    rep = report(fetch_env.run(), "F")
    assert (rep.status, rep.new, rep.updated) == ("ok", 0, 0)


def test_future_old_and_unparseable_dates_are_unknown(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    soon = datetime.now(UTC) + timedelta(hours=2)
    items = [
        ("future", "Tue, 01 Jan 2199 00:00:00 GMT"),
        ("old", "Mon, 01 Jan 1985 00:00:00 GMT"),
        ("garbage", "the day after tomorrow"),
        ("soon", soon.strftime("%a, %d %b %Y %H:%M:%S GMT")),  # within a day: kept
    ]
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>D</title>'
        + "".join(
            f"<item><title>{g}</title><guid>{g}</guid><pubDate>{d}</pubDate></item>"
            for g, d in items
        )
        + "</channel></rss>"
    )
    http_server.add("/f", body)
    fetch_env.configure(("F", "/f"))

    assert report(fetch_env.run(), "F").status == "ok"

    rows = {r["key"]: r for r in fetch_env.rows("F")}
    assert rows["future"]["published"] is None
    assert rows["old"]["published"] is None
    assert rows["garbage"]["published"] is None
    assert rows["soon"]["published"] == soon.replace(microsecond=0).isoformat()
    assert all(r["first_seen"] for r in rows.values())
    # Ordering falls back to first-seen time: the stories are listed, none lost or crashed.
    assert fetch_env.store is not None
    stories = fetch_env.store.stories_by_id([r["id"] for r in rows.values()])
    assert all(s.when for s in stories)


def test_escape_sequences_in_titles_are_stripped(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    raw = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>\x1b]0;pwned\x07Esc feed</title>'
        b"<item><guid>1</guid><title>\x1b[31mRed\x1b[0m \x1b]8;;http://evil/\x07link\x1b]8;;\x07"
        b" \xc2\x9b2J</title><author>\x1b[5mBlink\x1b[0m</author>"
        b"<description>line one\x1b[2Kstill&#x1b;[1m\nline two</description></item>"
        b"<item><guid>2</guid><title>&#x1b;]0;Title&#x7; refs &#27;[31mred</title></item>"
        b"</channel></rss>"
    )
    http_server.add("/f", raw)
    fetch_env.configure(("F", "/f"))

    assert report(fetch_env.run(), "F").status == "ok"

    rows = fetch_env.rows("F")
    assert rows[0]["title"] == "Red link"
    assert rows[0]["author"] == "Blink"
    assert rows[0]["summary"].startswith("line onestill") and rows[0]["summary"].endswith("two")
    assert no_controls(rows[1]["title"]) and "red" in rows[1]["title"]
    assert fetch_env.state("F").title == "Esc feed"
    for row in rows:
        for field in ("title", "summary", "author", "link"):
            assert no_controls(row[field]), (field, row[field])


def test_character_references_python_cannot_encode_keep_the_feed(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    """A reference to a lone surrogate (or a surrogate pair written as two references, as
    some CMSs write an emoji), to a number past U+10FFFF or one of thousands of digits: each
    took the whole feed down ("internal error: UnicodeEncodeError" in feedparser), every
    other item of it lost."""
    refs = ["&#xd800;", "&#56320;", "&#xD83D;&#xDE00;", "&#x110000;", "&#" + "9" * 5000 + ";"]
    items = "".join(
        f"<item><guid>{i}</guid><title>Baku {ref} talks</title>"
        f"<description>Text {ref} here</description></item>"
        for i, ref in enumerate(refs)
    )
    raw = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Refs &#xd800;</title>'
        f"{items}<item><guid>ok</guid><title>Plain story</title></item></channel></rss>"
    ).encode()
    http_server.add("/f", raw)
    fetch_env.configure(("F", "/f"))

    assert report(fetch_env.run(), "F").status == "ok"

    titles = {row["key"]: row["title"] for row in fetch_env.rows("F")}
    assert titles["ok"] == "Plain story"
    assert titles["2"] == "Baku \U0001f600 talks"  # the pair is the character it stands for
    for key in ("0", "1", "3", "4"):
        assert titles[key] == "Baku \ufffd talks", key
    assert fetch_env.state("F").title == "Refs \ufffd"


@cache
def bomb() -> bytes:
    """About 200 MB of zeros in about 200 KB of gzip."""
    return gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=6)


def billion_laughs() -> bytes:
    decls = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?><!DOCTYPE rss [' + "".join(decls) + ']><rss version="2.0">'
        "<channel><title>Laughs</title><item><guid>1</guid><title>Baku &lol9;</title>"
        "<description>&lol9;&lol9;</description></item></channel></rss>"
    ).encode()


def quadratic_blowup() -> bytes:
    return (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "A" * 50_000 + '">]>'
        '<rss version="2.0"><channel><title>Quad</title><item><guid>1</guid><title>Quad &a;</title>'
        "<description>" + "&a;" * 20_000 + "</description></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize("make", [billion_laughs, quadratic_blowup], ids=["billion", "quadratic"])
def test_entity_expansion_feeds_are_not_expanded(
    fetch_env: FetchEnv, http_server: TestServer, make: Callable[[], bytes]
) -> None:
    http_server.add("/bad", make())
    http_server.add("/good", rss([("g1", "Good one")]))
    fetch_env.configure(("Good", "/good"), ("Bad", "/bad"))

    summary, elapsed = fetch_env.timed()

    assert elapsed < 10
    assert report(summary, "Good").new == 1
    rows = fetch_env.rows("Bad")
    assert len(rows) <= 1
    for row in rows:
        assert "lollol" not in row["title"] and "AAAA" not in row["title"]
        assert len(row["summary"]) <= 5000 and "lollol" not in row["summary"]
        assert "AAAAAAAAAA" not in row["summary"]


# ----------------------------------------------------------------------------- hostile servers
def drip(h: RequestHandler) -> None:
    """Valid headers, then one byte every half second: never trips a 2 s read timeout."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    end = h.deadline()
    while time.monotonic() < end and not h.stopping():
        h.wfile.write(b"<")
        h.wfile.flush()
        time.sleep(0.5)


def endless(h: RequestHandler) -> None:
    """A chunked body that never ends, as fast as the client reads."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"<item><title>x</title></item>" * 2000
    end = h.deadline()
    h.wfile.write(b'%x\r\n<?xml version="1.0"?><rss><channel>\r\n' % 35)
    while time.monotonic() < end and not h.stopping():
        h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))


def length_lie(h: RequestHandler) -> None:
    """Content-Length promises 100 000 bytes; 300 come, then the connection closes."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(rss([("x", "x")])[:300])
    h.wfile.flush()
    h.close_connection = True


def reset_mid_body(h: RequestHandler) -> None:
    """Part of the body, then a TCP reset (SO_LINGER 0): a server restart, a flaky link."""
    import socket
    import struct

    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    h.wfile.write(rss([("x", "x")])[:300])
    h.wfile.flush()
    time.sleep(0.2)
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def gzip_bomb(h: RequestHandler) -> None:
    h.respond(200, bomb(), content_type="application/rss+xml", headers={"Content-Encoding": "gzip"})


def redirect_to(target: str) -> Callable[[RequestHandler], None]:
    def handler(h: RequestHandler) -> None:
        location = target.replace("{port}", str(h.server.server_address[1]))
        h.respond(302, b"", headers={"Location": location})

    return handler


def status(code: int, headers: dict[str, str] | None = None) -> Callable[[RequestHandler], None]:
    def handler(h: RequestHandler) -> None:
        h.respond(code, b"<html>error</html>", content_type="text/html", headers=headers)

    return handler


def body(data: bytes, ctype: str = "application/rss+xml") -> Callable[[RequestHandler], None]:
    def handler(h: RequestHandler) -> None:
        h.respond(200, data, content_type=ctype)

    return handler


TRUNCATED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
    b"<item><guid>t1</guid><title>Cut in the mid"
)
MALFORMED = b'<?xml version="1.0"?><rss version="2.0"><chan<<nel>>&&<title>x</tit></rss'
HTML_PAGE = (
    b"<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>Our news</h1>"
    b"<p>Subscribe to our newsletter!</p></body></html>"
)


class Hostile:
    """Run 1 caches the bad feed's two items; run 2 turns the server hostile."""

    def __init__(
        self, env: FetchEnv, server: TestServer, handler: Callable[[RequestHandler], None]
    ):
        self.env, self.server, self.handler = env, server, handler
        self.hostile = False
        server.add("/good", rss([("g1", "Good one"), ("g2", "Good two")]))
        valid = rss([("b1", "Bad one"), ("b2", "Bad two")], title="Bad feed")

        def bad(h: RequestHandler) -> None:
            if self.hostile:
                handler(h)
            else:
                h.respond(200, valid, content_type="application/rss+xml")

        server.route("/bad", bad)
        env.configure(("Good", "/good"), ("Bad", "/bad"))
        first = env.run()
        assert [r.status for r in first.feeds] == ["ok", "ok"], first.as_dict()

    def run(self, bound: float = 6.0):  # -> (summary, bad report)
        self.hostile = True
        self.server.add(
            "/good", rss([("g3", "Good three"), ("g1", "Good one"), ("g2", "Good two")])
        )
        summary, elapsed = self.env.timed()
        assert elapsed < bound, f"took {elapsed:.1f} s"
        good = report(summary, "Good")
        assert (good.status, good.new) == ("ok", 1), good
        assert len(self.env.rows("Good")) == 3
        assert [r["title"] for r in self.env.rows("Bad")] == ["Bad one", "Bad two"]  # kept
        bad = report(summary, "Bad")
        state = self.env.state("Bad")
        assert state.last_error == bad.error and state.error_count == 1
        assert state.title == "Bad feed"
        return summary, bad


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        (drip, "total deadline"),
        (endless, "larger than 2 MiB"),
        (length_lie, "broken HTTP response"),
        (reset_mid_body, "broke off mid-answer"),
        (gzip_bomb, "larger than 2 MiB (decoded)"),
        (redirect_to("/bad"), "too many redirects"),
        (redirect_to("file:///etc/passwd"), "refused to follow a file URL"),
        (
            redirect_to("http://localhost:{port}/good"),
            "blocked: localhost resolves to a non-public",
        ),
        (redirect_to("http://127.0.0.2:{port}/good"), "blocked: 127.0.0.2 resolves"),
        (redirect_to("http://0.0.0.0:{port}/good"), "blocked: 0.0.0.0 resolves"),
        (redirect_to("http://2130706433:{port}/good"), "blocked: 2130706433 resolves"),
        (status(500), "HTTP 500 Internal Server Error"),
        (body(MALFORMED), "malformed XML"),
        (body(TRUNCATED), "truncated XML"),
        (body(HTML_PAGE, "text/html; charset=utf-8"), "not a feed: the server sent an HTML page"),
    ],
    ids=[
        "drip",
        "endless",
        "length-lie",
        "reset",
        "gzip-bomb",
        "redirect-loop",
        "file-url",
        "localhost",
        "127.0.0.2",
        "0.0.0.0",
        "decimal-ip",
        "http-500",
        "malformed",
        "truncated",
        "html",
    ],  # fmt: skip
)
def test_hostile_server(
    fetch_env: FetchEnv,
    http_server: TestServer,
    handler: Callable[[RequestHandler], None],
    expected: str,
) -> None:
    bomb()  # build it before the clock starts: compressing 200 MB takes ~1 s of CPU
    scenario = Hostile(fetch_env, http_server, handler)

    summary, bad = scenario.run()

    assert bad.status == "error"
    assert expected in (bad.error or ""), bad.error
    state = fetch_env.state("Bad")
    assert state.status == "error"
    assert state.next_check is not None and state.next_check > datetime.now(UTC)


def test_redirect_to_loopback_name_never_reaches_it(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    scenario = Hostile(fetch_env, http_server, redirect_to("http://localhost:{port}/good"))
    scenario.run()
    assert not [
        r for r in http_server.requests if r.headers.get("Host", "").startswith("localhost")
    ]


def test_redirect_chain_of_25_hops_stops_after_5(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    for i in range(25):
        http_server.route(f"/hop{i}", redirect_to(f"/hop{i + 1}"))
    http_server.add("/hop25", rss([("z", "End of the chain")]))
    scenario = Hostile(fetch_env, http_server, redirect_to("/hop0"))

    _summary, bad = scenario.run()

    assert "too many redirects (more than 5)" in (bad.error or "")
    assert len(http_server.hits("/hop5")) == 0 and len(http_server.hits("/hop4")) == 1


def test_short_redirect_chain_is_followed(fetch_env: FetchEnv, http_server: TestServer) -> None:
    http_server.route("/r1", redirect_to("/r2"))
    http_server.route("/r2", redirect_to(http_server.url("/feed")))
    http_server.add("/feed", rss([("a", "Baku after redirects")]))
    fetch_env.configure(("F", "/r1"))
    assert report(fetch_env.run(), "F").new == 1


def test_429_retry_after_is_honoured(fetch_env: FetchEnv, http_server: TestServer) -> None:
    scenario = Hostile(fetch_env, http_server, status(429, {"Retry-After": "7200"}))
    before = datetime.now(UTC)

    _summary, bad = scenario.run()

    assert bad.status == "error" and "HTTP 429 Too Many Requests" in (bad.error or "")
    state = fetch_env.state("Bad")
    assert state.next_check is not None
    assert timedelta(seconds=7190) <= state.next_check - before <= timedelta(seconds=7300)
    hits = len(http_server.hits("/bad"))

    third = fetch_env.run()

    rep = report(third, "Bad")
    assert rep.status == "skipped" and "HTTP 429" in (rep.error or "")
    assert len(http_server.hits("/bad")) == hits  # no request before the time
    assert report(third, "Good").status == "not_modified"


def test_retry_after_is_clamped_to_the_feed_interval(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    http_server.route("/f", status(503, {"Retry-After": "5"}))
    fetch_env.configure(("F", "/f", {"interval": 60}))
    before = datetime.now(UTC)
    assert report(fetch_env.run(), "F").status == "error"
    wait = fetch_env.state("F").next_check - before  # type: ignore[operator]
    assert timedelta(minutes=59) <= wait <= timedelta(minutes=61)


def test_500_backs_off_exponentially_and_success_resets(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    http_server.route("/f", status(500))
    fetch_env.configure(("F", "/f", {"interval": 10}))
    assert fetch_env.store is not None
    waits = []
    for _ in range(4):
        before = datetime.now(UTC)
        assert report(fetch_env.run(), "F").status == "error"
        state = fetch_env.state("F")
        waits.append((state.next_check - before).total_seconds() / 60)  # type: ignore[operator]
        # Pretend the wait is over, keeping the error count.
        fetch_env.store._db.execute("UPDATE feeds SET next_check = NULL")
    for wait, expected in zip(waits, [10, 20, 40, 80], strict=True):  # minutes, +-10% jitter
        assert expected * 0.89 <= wait <= expected * 1.11, waits
    assert fetch_env.state("F").error_count == 4
    http_server.add("/f", rss([("a", "Back")]))
    assert report(fetch_env.run(), "F").status == "ok"
    state = fetch_env.state("F")
    assert (state.error_count, state.last_error, state.status) == (0, None, "ok")


def test_410_marks_the_feed_gone(fetch_env: FetchEnv, http_server: TestServer) -> None:
    scenario = Hostile(fetch_env, http_server, status(410))

    _summary, bad = scenario.run()

    assert bad.status == "gone" and "HTTP 410 Gone" in (bad.error or "")
    assert fetch_env.state("Bad").status == "gone"
    assert report(fetch_env.run(), "Bad").status == "skipped"


def test_no_network_finishes_quickly_and_records_failures(fetch_env: FetchEnv) -> None:
    # Nothing listens on port 9 of 127.0.0.1; a name that cannot resolve.
    fetch_env.configure(
        ("Closed", "http://127.0.0.1:9/feed"), ("Nowhere", "http://nowhere.invalid/f")
    )
    summary, elapsed = fetch_env.timed()
    assert elapsed < 5
    assert [r.status for r in summary.feeds] == ["error", "error"]
    assert report(summary, "Closed").error == "cannot connect to 127.0.0.1: connection refused"
    # The socket layer's "[Errno -2] Name or service not known" is said in words.
    nowhere = report(summary, "Nowhere").error or ""
    assert nowhere.startswith("cannot connect to nowhere.invalid: host name")
    assert "(DNS" in nowhere and "Errno" not in nowhere


# ----------------------------------------------------------------------------- articles
ARTICLE = (
    "<html lang='en'><head><title>Talks</title><meta name='author' content='Ann Writer'>"
    + "<script>var tracking = 'SCRIPT-NOISE';</script>" * 300
    + "</head><body><nav>Home | World | SCRIPT-FREE-NAV</nav>"
    + "<script>document.write('SCRIPT-NOISE')</script>" * 300
    + "<article><h1>Ministers meet in Baku</h1>"
    + "".join(
        f"<p>Paragraph {i}: the foreign ministers of Armenia and Azerbaijan met in Baku for "
        "talks that ran late into the night&#27;[31m, officials said.</p>"
        for i in range(8)
    )
    + "</article><style>.x{color:red}</style></body></html>"
)


def test_article_pages_are_extracted_and_untrusted_hosts_refused(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    base = http_server.url("")
    evil = http_server.url("/articles/evil", host="localhost")
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>A</title>'
        f"<item><guid>ok</guid><title>Baku talks</title><link>{base}/articles/ok</link>"
        "<description>Teaser.</description></item>"
        f"<item><guid>evil</guid><title>Evil link</title><link>{evil}</link>"
        "<description>Evil teaser.</description></item>"
        f"<item><guid>missing</guid><title>Missing page</title><link>{base}/articles/404</link>"
        "<description>Missing teaser.</description></item>"
        "</channel></rss>"
    )
    http_server.add("/f", feed)
    http_server.add("/articles/ok", ARTICLE, content_type="text/html; charset=utf-8")
    http_server.add("/articles/evil", ARTICLE, content_type="text/html")
    fetch_env.configure(("F", "/f"))
    progress = []

    summary = fetch_env.run(articles=True, progress=progress.append)

    assert summary.articles_extracted == 1 and summary.articles_failed == 2
    rows = {r["key"]: r for r in fetch_env.rows("F")}
    ok = rows["ok"]
    assert ok["text"].startswith("Ministers meet in Baku") and "Paragraph 7" in ok["text"]
    assert "SCRIPT-NOISE" not in ok["text"] and "color:red" not in ok["text"]
    assert no_controls(ok["text"].replace("\n", ""))
    assert ok["author"] == "Ann Writer" and ok["lang"] == "en" and ok["extract_error"] is None
    assert ok["summary"] == "Teaser."
    assert rows["evil"]["text"] is None and "blocked" in rows["evil"]["extract_error"]
    assert rows["evil"]["summary"] == "Evil teaser."  # the feed's summary is kept
    assert not http_server.hits("/articles/evil")
    assert "HTTP 404" in rows["missing"]["extract_error"]
    last = progress[-1]
    assert (last.feeds_done, last.feeds_total, last.articles_done, last.articles_total) == (
        1,
        1,
        3,
        3,
    )


def test_no_articles_when_full_text_is_off(fetch_env: FetchEnv, http_server: TestServer) -> None:
    http_server.add("/f", rss([("a", "Baku")], base=http_server.url("")))
    http_server.add("/articles/a", ARTICLE, content_type="text/html")
    fetch_env.configure(("F", "/f"), full_text=False)
    summary = fetch_env.run(articles=None)
    assert summary.articles_fetched == 0 and not http_server.hits("/articles/a")


# ----------------------------------------------------------------------------- region filter
def test_general_feed_keeps_region_items_visible_and_hides_the_rest(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    http_server.add(
        "/world",
        rss([
            ("1", "Explosion in Makhachkala"),
            ("2", "French election results", "Macron's party lost seats."),
            ("3", "Новости дня", "Переговоры в Ереване и Карабахе продолжились."),
            ("4", "Tennis final", "Mentions Quokkaland only."),
        ]),
    )  # fmt: skip
    http_server.add("/local", rss([("l1", "French election results")]))
    fetch_env.configure(
        ("World", "/world", {"general": True}), ("Local", "/local"), region_keywords=["Quokkaland"]
    )

    summary = fetch_env.run()

    assert report(summary, "World").hidden == 1
    hidden = {r["key"]: bool(r["hidden"]) for r in fetch_env.rows("World")}
    assert hidden == {"1": False, "2": True, "3": False, "4": False}
    assert not fetch_env.rows("Local")[0]["hidden"]  # only general feeds are filtered


# ----------------------------------------------------------------------------- threads, schedule
def test_new_visible_articles_are_handed_to_the_thread_engine(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    http_server.add(
        "/world",
        rss([
            ("1", "Azerbaijan and Russia trade accusations after the AZAL crash near Aktau"),
            ("2", "French election results", "Macron's party lost seats."),
        ]),
    )  # fmt: skip
    fetch_env.configure(("World", "/world", {"general": True}))

    summary = fetch_env.run()

    assert summary.threads_assigned == 1 and summary.threads_error is None
    assert fetch_env.store is not None
    stories = {s.title: s for s in fetch_env.store.stories_by_id(summary.new_ids)}
    assert stories["French election results"].hidden
    assert stories["French election results"].thread_id is None  # hidden: not threaded
    placed = stories["Azerbaijan and Russia trade accusations after the AZAL crash near Aktau"]
    assert placed.thread_id is not None and placed.decided_by == "engine"


def test_due_only_skips_feeds_checked_within_their_interval(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    http_server.add("/f", rss([("a", "Baku")]))
    fetch_env.configure(("F", "/f"))
    fetch_env.run()
    hits = len(http_server.hits("/f"))

    rep = report(fetch_env.run(due_only=True), "F")

    assert rep.status == "skipped" and rep.error is None
    assert len(http_server.hits("/f")) == hits
    assert report(fetch_env.run(), "F").status == "not_modified"  # a manual fetch still asks
    # a feed whose last check said "not modified" is not due, not failing: no error, so the
    # app's status line does not count it as backing off (it did, after every restart)
    rep = report(fetch_env.run(due_only=True), "F")
    assert rep.status == "skipped" and rep.error is None
    from briefing.tui.refresh_hook import summarise

    assert summarise(fetch_env.run(due_only=True)) == "refreshed: 0 new stories"


def test_a_parser_crash_fails_one_feed_not_the_run(
    fetch_env: FetchEnv, http_server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fetchenv import crashing_parse

    import briefing.refresh

    monkeypatch.setattr(briefing.refresh, "parse_feed", crashing_parse)
    http_server.add("/crash", rss([("c", "CRASH")]))
    for i in range(4):
        http_server.add(f"/good{i}", rss([(f"g{i}", f"Good {i}")]))
    fetch_env.configure(("Crash", "/crash"), *((f"Good {i}", f"/good{i}") for i in range(4)))

    summary = fetch_env.run(pool=None)  # its own pool: this one gets broken on purpose

    crash = report(summary, "Crash")
    assert crash.status == "error" and crash.error == "the parser process crashed on this input"
    assert [report(summary, f"Good {i}").new for i in range(4)] == [1, 1, 1, 1]
