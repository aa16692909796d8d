"""The CLI facing a damaged cache, odd feeds.toml files and odd paths: one clear line and an
exit status, never a traceback. Real caches in tmp_path, the CLI in-process."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from fetchenv import rss
from httpserver import TestServer

from briefing.cli import main

FEED = '[[feeds]]\nname = "Local"\nurl = "http://127.0.0.1:9/feed"\n'


def cli(tmp_path: Path, *args: str, feeds: str | None = FEED) -> int:
    """`briefing --feeds tmp/feeds.toml --data-dir tmp/data ARGS` (feeds.toml written first
    unless feeds is None)."""
    if feeds is not None:
        (tmp_path / "feeds.toml").write_text(feeds, encoding="utf-8")
    return main(["--feeds", str(tmp_path / "feeds.toml"), "--data-dir", str(tmp_path / "data"),
                 *args])  # fmt: skip


def make_cache(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    assert cli(tmp_path, "threads") == 0
    capsys.readouterr()
    db = tmp_path / "data" / "briefing.sqlite3"
    assert not Path(f"{db}-wal").exists()  # closed: everything is in the main file
    return db


def damage_table(db: Path, table: str) -> None:
    """Overwrite the root page of one table with 0xff: the file still opens, a query of that
    table meets 'database disk image is malformed'."""
    con = sqlite3.connect(db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_schema WHERE name = ?", (table,)).fetchone()[0]
    con.close()
    raw = bytearray(db.read_bytes())
    raw[(root - 1) * page_size : root * page_size] = b"\xff" * page_size
    db.write_bytes(bytes(raw))


def one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# ------------------------------------------------------------ 1. a damaged cache
@pytest.mark.parametrize("damage", ["random bytes", "a damaged table page"])
@pytest.mark.parametrize(
    "args", [("threads",), ("stories", "--thread", "1"), ("feeds",), ("fetch",)]
)
def test_a_damaged_cache_is_one_line_naming_the_file_and_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str, args: tuple[str, ...]
) -> None:
    db = make_cache(tmp_path, capsys)
    if damage == "random bytes":
        db.write_bytes(os.urandom(8192))
    else:
        damage_table(db, "feeds")  # passes Store.open; the first write of a command meets it
    before = db.read_bytes()

    assert cli(tmp_path, *args) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"briefing: {db} is not a briefing cache or is damaged (")
    assert "move it aside" in line and "`briefing doctor`" in line
    assert db.read_bytes() == before  # never deleted nor overwritten


def test_doctor_reports_a_file_of_random_bytes_and_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = make_cache(tmp_path, capsys)
    db.write_bytes(os.urandom(8192))
    before = db.read_bytes()

    assert cli(tmp_path, "doctor") == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.out.splitlines()
    assert "feeds.toml  ok: 1 feed, 0 pinned threads" in captured.out  # the config was checked
    assert (
        f"cache       ERROR: {db} is not a briefing cache or is damaged (file is not a database)"
        in lines
    )
    assert db.read_bytes() == before


def test_doctor_reports_a_damaged_page_after_the_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, PRAGMA integrity_check raised DatabaseError out of doctor: a traceback."""
    db = make_cache(tmp_path, capsys)
    damage_table(db, "feeds")
    before = db.read_bytes()

    assert cli(tmp_path, "doctor") == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    lines = captured.out.splitlines()
    assert any(line.startswith("cache       schema ") for line in lines)  # the counts still ran
    assert (
        f"integrity   ERROR: {db} is not a briefing cache or is damaged (database disk image"
        " is malformed)" in lines
    )
    assert any("move it aside" in line for line in lines)
    assert db.read_bytes() == before


# ------------------------------------------------------------ 3. a byte-order mark
def test_feeds_toml_with_a_utf8_bom_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "feeds.toml").write_bytes(b"\xef\xbb\xbf" + FEED.encode())
    assert cli(tmp_path, "feeds", "--json", feeds=None) == 0
    assert [f["name"] for f in json.loads(capsys.readouterr().out)] == ["Local"]
    assert cli(tmp_path, "doctor", feeds=None) == 0
    assert "feeds.toml  ok: 1 feed" in capsys.readouterr().out
    # and `feeds add` edits it (before: "TOML syntax error" at the BOM)
    assert cli(tmp_path, "feeds", "add", "http://127.0.0.1:9/two", "--name", "Two",
               feeds=None) == 0  # fmt: skip
    capsys.readouterr()
    assert cli(tmp_path, "feeds", "--json", feeds=None) == 0
    assert [f["name"] for f in json.loads(capsys.readouterr().out)] == ["Local", "Two"]


# ------------------------------------------------------------ 4. --data-dir is a file
@pytest.mark.parametrize("args", [("threads",), ("fetch",), ("doctor",), ("feeds",)])
@pytest.mark.parametrize("below", [False, True])
def test_data_dir_that_is_a_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], below: bool
) -> None:
    (tmp_path / "feeds.toml").write_text(FEED)
    afile = tmp_path / "notes.txt"
    afile.write_text("mine\n")
    data_dir = afile / "sub" if below else afile
    code = main(["--feeds", str(tmp_path / "feeds.toml"), "--data-dir", str(data_dir), *args])
    assert code == 2
    line = one_line(capsys.readouterr().err)
    if below:
        assert line.startswith(f"briefing: the data directory {data_dir} (--data-dir) cannot be")
        assert f"{afile} is a file" in line
    else:
        assert line.startswith(f"briefing: the data directory {afile} (--data-dir) is a file")
    assert afile.read_text() == "mine\n"


@pytest.mark.parametrize("below", [False, True])
def test_data_dir_that_is_a_broken_symlink_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], below: bool
) -> None:
    # Before: "... (--data-dir) is a file", of a link to nothing
    (tmp_path / "feeds.toml").write_text(FEED)
    link = tmp_path / "data"
    link.symlink_to(tmp_path / "gone")
    data_dir = link / "sub" if below else link
    code = main(["--feeds", str(tmp_path / "feeds.toml"), "--data-dir", str(data_dir), "threads"])
    assert code == 2
    line = one_line(capsys.readouterr().err)
    what = f"is a broken symbolic link to {tmp_path / 'gone'} (which does not exist)"
    if below:
        assert line.startswith(
            f"briefing: the data directory {data_dir} (--data-dir) cannot be made: {link} {what};"
        )
    else:
        assert line.startswith(f"briefing: the data directory {link} (--data-dir) {what};")
    assert link.is_symlink() and not (tmp_path / "gone").exists()  # nothing made


def test_data_dir_that_is_a_looping_or_odd_symlink_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "feeds.toml").write_text(FEED)
    (tmp_path / "notes.txt").write_text("mine\n")
    cases = {
        "loop": (tmp_path / "loop", "is a symbolic link that loops"),
        "file": (tmp_path / "notes.txt", "is a symbolic link to a file"),
        "escape": (tmp_path / "red\x1b[31m", "is a broken symbolic link to '"),
    }
    for name, (target, what) in cases.items():
        link = tmp_path / name
        link.symlink_to(target)
        args = ["--feeds", str(tmp_path / "feeds.toml"), "--data-dir", str(link), "threads"]
        assert main(args) == 2
        err = capsys.readouterr().err
        assert f"(--data-dir) {what}" in err, err
        assert "\x1b" not in err  # the link's target is shown escaped


def test_default_data_dir_that_is_a_file_is_not_blamed_on_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before: '(... ($BRIEFING_DATA_DIR) is a file' with no such variable set
    (tmp_path / "feeds.toml").write_text(FEED)
    monkeypatch.delenv("BRIEFING_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "briefing").write_text("mine\n")
    assert main(["--feeds", str(tmp_path / "feeds.toml"), "threads"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(
        f"briefing: the data directory {tmp_path / 'share' / 'briefing'} (the default) is a file"
    )
    monkeypatch.setenv("BRIEFING_DATA_DIR", str(tmp_path / "share" / "briefing"))
    assert main(["--feeds", str(tmp_path / "feeds.toml"), "threads"]) == 2
    assert "($BRIEFING_DATA_DIR) is a file" in capsys.readouterr().err


# ------------------------------------------------------------ 6. feeds with no name
def test_two_unnamed_feeds_on_one_host_get_distinct_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before: `feeds[2] key 'name': duplicate of feeds[1]: 'example.org'`, a name nobody
    wrote. Names are only labels (the cache keys feeds by URL), so no error is needed."""
    feeds = (
        '[[feeds]]\nurl = "https://example.org/rss/a"\n\n'
        '[[feeds]]\nurl = "https://example.org/rss/b"\n\n'
        '[[feeds]]\nurl = "https://news.example.org/x"\n\n'
        '[[feeds]]\nname = "news.example.org"\nurl = "https://other.example.net/feed"\n'
    )
    assert cli(tmp_path, "feeds", "--json", feeds=feeds) == 0
    names = {f["url"]: f["name"] for f in json.loads(capsys.readouterr().out)}
    assert names == {
        "https://example.org/rss/a": "example.org",
        "https://example.org/rss/b": "example.org/rss/b",
        # the name the user wrote for another feed wins over a derived one
        "https://news.example.org/x": "news.example.org/x",
        "https://other.example.net/feed": "news.example.org",
    }


def test_a_derived_name_that_shifts_keeps_the_feeds_stories_and_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], http_server: TestServer
) -> None:
    """An unnamed feed is "host" until another unnamed feed on its host comes before it in
    feeds.toml, then "host/path". The cache keys feeds by URL and a story by its feed's id,
    so the new name is only a new label: its stories, read marks and fetch state stay with
    it, and every story of it, old or new, shows the new name."""
    http_server.add("/a", rss([("a1", "Baku one")]))
    http_server.add("/b", rss([("b1", "Yerevan one")]))
    a, b = http_server.url("/a"), http_server.url("/b")
    assert cli(tmp_path, "fetch", "--no-articles", feeds=f'[[feeds]]\nurl = "{a}"\n') == 0
    db = sqlite3.connect(tmp_path / "data" / "briefing.sqlite3")
    before = db.execute("SELECT id, last_success, body_hash FROM feeds WHERE url = ?", (a,))
    feed_id, last_success, body_hash = before.fetchone()
    db.execute("INSERT INTO triage (article_id, read) SELECT id, 1 FROM articles WHERE key = 'a1'")
    db.commit()

    both = f'[[feeds]]\nurl = "{b}"\n\n[[feeds]]\nurl = "{a}"\n'
    assert cli(tmp_path, "fetch", "--no-articles", "--force", feeds=both) == 0
    capsys.readouterr()
    rows = db.execute(
        "SELECT a.key, f.url, f.name, coalesce(t.read, 0) FROM articles a JOIN feeds f"
        " ON f.id = a.feed_id LEFT JOIN triage t ON t.article_id = a.id ORDER BY a.id"
    ).fetchall()
    assert rows == [("a1", a, "127.0.0.1/a", 1), ("b1", b, "127.0.0.1", 0)]
    after = db.execute("SELECT id, body_hash FROM feeds WHERE url = ?", (a,)).fetchone()
    assert after == (feed_id, body_hash) and last_success is not None
    db.close()
    assert cli(tmp_path, "feeds", "--json", feeds=None) == 0
    names = {f["url"]: f["name"] for f in json.loads(capsys.readouterr().out)}
    assert names == {b: "127.0.0.1", a: "127.0.0.1/a"}


def test_two_feeds_given_one_name_still_an_error_naming_what_was_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    feeds = (
        '[[feeds]]\nname = "Same"\nurl = "https://example.org/a"\n\n'
        '[[feeds]]\nname = "Same"\nurl = "https://example.org/b"\n'
    )
    assert cli(tmp_path, "feeds", feeds=feeds) == 2
    line = one_line(capsys.readouterr().err)
    assert line.endswith("feeds[2] (Same) key 'name': duplicate of feeds[1]: 'Same'")


# A number too big for a time span: a usage error naming the key, not an OverflowError from
# timedelta or datetime (a traceback for `threads`, "internal error" per feed for `fetch`).
@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ("[settings]\ndormant_after_days = 1000000\n", "settings key 'dormant_after_days'"),
        ("[settings]\ndormant_after_days = 99999999999999999999\n", "settings key 'dormant_after_days'"),
        ("[settings]\nrefresh_interval = 9999999999\n", "settings key 'refresh_interval'"),
        ('[[feeds]]\nname = "Big"\nurl = "http://127.0.0.1:9/big"\ninterval = 99999999999999999999\n',
         "feeds[1] (Big) key 'interval'"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("args", [("threads",), ("fetch", "--json"), ("doctor",)])
def test_a_time_span_too_long_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str, key: str, args: tuple[str, ...]
) -> None:
    feeds = entry if entry.startswith("[[feeds]]") else entry + "\n" + FEED
    assert cli(tmp_path, *args, feeds=feeds) == (1 if args == ("doctor",) else 2)
    captured = capsys.readouterr()
    text = captured.err if args != ("doctor",) else captured.out
    assert "Traceback" not in captured.err and "internal error" not in captured.out
    assert f"{key}: must be at most " in text, text
    if args != ("doctor",):
        one_line(captured.err)
        assert captured.out == ""
        assert not (tmp_path / "data").exists()  # the cache is not touched


def test_the_longest_time_spans_allowed_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing.config import MAX_DAYS, MAX_MINUTES

    feeds = (
        f"[settings]\ndormant_after_days = {MAX_DAYS}\nrefresh_interval = {MAX_MINUTES}\n\n"
        f'[[feeds]]\nname = "Local"\nurl = "http://127.0.0.1:9/feed"\ninterval = {MAX_MINUTES}\n'
    )
    assert cli(tmp_path, "threads", "--all", feeds=feeds) == 0
    capsys.readouterr()
    assert cli(tmp_path, "fetch", "--json", "--no-articles", feeds=feeds) == 1  # port 9: refused
    summary = json.loads(capsys.readouterr().out)
    assert "internal error" not in (summary["feeds"][0]["error"] or "")


# ------------------------------------------------------------ 2. fetch's exit status
def feeds_on(server: TestServer, *paths: str) -> str:
    return "".join(f'[[feeds]]\nname = "{p}"\nurl = "{server.url("/" + p)}"\n\n' for p in paths)


def test_fetch_exits_1_when_no_feed_was_reached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], http_server: TestServer
) -> None:
    http_server.route("/bad", lambda h: h.respond(500, b"oops"))
    http_server.route("/gone", lambda h: h.respond(404, b"no"))
    assert cli(tmp_path, "fetch", "--no-articles", feeds=feeds_on(http_server, "bad", "gone")) == 1
    out = capsys.readouterr().out
    assert out.startswith("fetched 2 feeds in ") and ": 0 ok, 0 not modified, 2 failed;" in out
    assert "  error  bad: HTTP 500 Internal Server Error" in out  # the lines as they were


def test_fetch_exits_0_when_one_feed_worked_or_was_not_modified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], http_server: TestServer
) -> None:
    http_server.add("/good", rss([("a", "Baku one")]))
    http_server.route("/bad", lambda h: h.respond(500, b"oops"))
    feeds = feeds_on(http_server, "good", "bad")
    assert cli(tmp_path, "fetch", "--no-articles", feeds=feeds) == 0
    assert ": 1 ok, 0 not modified, 1 failed;" in capsys.readouterr().out
    # again, with --force so the failed feed is tried and not skipped as backing off: the good
    # one is now 'not modified', which counts as reached
    assert cli(tmp_path, "fetch", "--no-articles", "--force", feeds=feeds) == 0
    assert ": 0 ok, 1 not modified, 1 failed;" in capsys.readouterr().out
    # a feed backing off is not tried: nothing failed, exit 0; tried with --force, it fails
    assert cli(tmp_path, "fetch", "--no-articles", "--feed", "bad", feeds=feeds) == 0
    assert ": 0 ok, 0 not modified, 1 backing off;" in capsys.readouterr().out
    args = ("fetch", "--no-articles", "--json", "--force", "--feed", "bad")
    assert cli(tmp_path, *args, feeds=feeds) == 1
    assert json.loads(capsys.readouterr().out)["totals"]["error"] == 1


# ------------------------------------------------------------ 5. no feeds at all
@pytest.mark.parametrize("text", ["", "[settings]\nrefresh_interval = 30\n"])
def test_fetch_with_no_feeds_says_how_to_add_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    assert cli(tmp_path, "fetch", feeds=text) == 0
    feeds = tmp_path / "feeds.toml"
    assert capsys.readouterr().out == (
        f"no feeds in {feeds}: add one with `briefing feeds add URL`\n"
    )
    assert cli(tmp_path, "fetch", "--json", feeds=text) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["totals"]["feeds"] == 0
    # whole seconds, as every other run's summary gives them (before: "...T04:50:32.950877+00:00")
    assert summary["started"] == summary["finished"]
    assert len(summary["started"]) == len("2026-11-29T04:50:32+00:00")
    assert (
        captured.err
        == f"briefing fetch: no feeds in {feeds}: add one with `briefing feeds add URL`\n"
    )
    assert cli(tmp_path, "threads", "--json", feeds=text) == 0
    threads = json.loads(capsys.readouterr().out)
    assert [t["id"] for t in threads] == [1] and threads[0]["pinned"]  # the seed thread


# ------------------------------------------------------------ 7. [keys] clashes
# Where each tui class's bindings act (config.DEFAULT_KEYS's scopes).
CLASS_SCOPES = {
    "BriefingApp": ("app",),
    "MainScreen": ("main",),
    "ThreadList": ("main",),
    "ArticleView": ("main",),
    "StoryList": ("main", "results"),
    "StoryResultsScreen": ("results",),
    "FeedsScreen": ("feeds",),
    "HelpScreen": ("help",),
    "ConfirmScreen": ("confirm",),
    "TextPrompt": ("prompt",),
    "ThreadPicker": ("picker",),
}


def test_default_key_table_matches_the_apps_bindings() -> None:
    """doctor checks [keys] without importing Textual, from config.DEFAULT_KEYS: it must say
    what the app's Bindings say (a class with bindings not listed here fails too)."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import briefing.tui
    from briefing.config import DEFAULT_KEYS

    app: set[tuple[str, str | None, str]] = set()
    for info in pkgutil.walk_packages(briefing.tui.__path__, "briefing.tui."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not (inspect.isclass(obj) and obj.__module__ == module.__name__):
                continue
            bindings = [b for b in obj.__dict__.get("BINDINGS") or [] if isinstance(b, Binding)]
            if bindings:
                assert name in CLASS_SCOPES, f"{name}: add its scope to config.DEFAULT_KEYS"
            for binding in bindings:
                for scope in CLASS_SCOPES.get(name, ()):
                    app.add((scope, binding.id, binding.key))
    table = {(scope, bid, keys) for scope, bid, _action, keys in DEFAULT_KEYS}
    assert table == app, (sorted(table - app, key=str), sorted(app - table, key=str))


KEYS_FEEDS = FEED + "\n[keys]\n{keys}\n"


@pytest.mark.parametrize(
    "keys, line",
    [
        ('star = "x"', 'x is the key of both star and hide on the main screen ([keys] star = "x")'),
        # an app-wide key: on the main screen the screen's binding wins, so quit would be lost
        ('star = "q"', 'q is the key of both star and quit on the main screen ([keys] star = "q")'),
        # a key written as its character is the key Textual names: "/" is search's "slash"
        (
            'help = "/"',
            'slash is the key of both help and search everywhere ([keys] help = "/")',
        ),
        (
            'star = "?"',
            'question_mark is the key of both star and help on the main screen ([keys] star = "?")',
        ),
        (
            'star = "b"\nbriefing = "b"',
            'b is the key of both briefing and star on the main screen ([keys] briefing = "b",'
            ' star = "b")',
        ),
    ],
)
def test_doctor_names_both_actions_and_the_key_of_a_keys_clash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: str, line: str
) -> None:
    assert cli(tmp_path, "doctor", feeds=KEYS_FEEDS.format(keys=keys)) == 1
    out = capsys.readouterr().out.splitlines()
    errors = [x for x in out if x.startswith("keys        ")]
    assert errors == [
        f"keys        ERROR: {line}; only one can have it: give the other another key"
    ]
    assert "cache       not created yet (it is made on first use)" in out  # and it went on


def test_doctor_accepts_swapped_keys_and_the_apps_own_overlaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """star and hide swapped clash with nothing; q closing the feeds screen while it quits
    elsewhere is the app's design, not a clash [keys] made."""
    keys = 'star = "x"\nhide = "s"\nfeeds_back = "escape, q"'
    assert cli(tmp_path, "doctor", feeds=KEYS_FEEDS.format(keys=keys)) == 0
    assert "keys        ok: 3 key bindings remapped, no clash\n" in capsys.readouterr().out


def test_key_names_are_textuals() -> None:
    from textual.keys import _character_to_key

    from briefing.config import key_name

    for char in [chr(c) for c in range(32, 127)] + ["\t", "é", "ж", "€"]:
        assert key_name(char) == _character_to_key(char), char
    assert key_name("ctrl+s") == "ctrl+s" and key_name("question_mark") == "question_mark"


def test_keys_with_spaces_after_commas_mean_the_keys() -> None:
    """Textual splits "s, f" into "s" and " f" (a key nobody can press)."""
    from briefing.config import parse_config

    config = parse_config({"keys": {"star": "s, ctrl+f "}}, Path("feeds.toml"))
    assert config.settings.keys == {"star": "s,ctrl+f"}


# ------------------------------------------------------------ 7. --offline with fetch
def test_offline_with_fetch_is_a_usage_error_and_requests_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], http_server: TestServer
) -> None:
    http_server.add("/feed", rss([("1", "Talks in Baku")]))
    feeds = f'[[feeds]]\nname = "Local"\nurl = "{http_server.url("/feed")}"\n'
    with pytest.raises(SystemExit) as exc:
        cli(tmp_path, "--offline", "fetch", feeds=feeds)
    assert exc.value.code == 2
    assert "--offline means no network: it cannot go with fetch" in capsys.readouterr().err
    assert http_server.requests == []  # before: every feed was requested
    # the commands that read the cache take it as they always did
    assert cli(tmp_path, "--offline", "threads", feeds=None) == 0


def test_feeds_prints_a_url_without_bidi_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A URL from someone else's OPML can carry a right-to-left override, which reorders
    what the terminal shows after it; plain `briefing feeds` prints it without."""
    feeds = '[[feeds]]\nname = "Odd"\nurl = "http://127.0.0.1:9/\u202egnp.feed"\n'
    assert cli(tmp_path, "feeds", feeds=feeds) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9/gnp.feed" in out and "\u202e" not in out


# A feed name written by hand (or kept from someone else's list): feeds.toml refuses control
# characters in it, not a right-to-left override or a zero-width space.
ODD_NAME = "Odd \u202eswen\u202c \u200bwire"


def test_fetch_and_feeds_print_a_feed_name_without_bidi_overrides(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], http_server: TestServer
) -> None:
    """The fetch summary names a failing feed and a feed with a parse warning, and plain
    `briefing feeds` lists every name: all without the override (which reorders what the
    terminal shows after it) or the invisible space."""
    http_server.add("/gone", b"", status=404)
    http_server.add("/warn", rss([("a", "Baku talks")]).replace(b"</rss>", b"</rss><x>"))
    feeds = (
        f'[[feeds]]\nname = "{ODD_NAME} 1"\nurl = "{http_server.url("/gone")}"\n'
        f'[[feeds]]\nname = "{ODD_NAME} 2"\nurl = "{http_server.url("/warn")}"\n'
    )
    assert cli(tmp_path, "fetch", "--no-articles", feeds=feeds) == 0
    out = capsys.readouterr().out
    assert "error  Odd swen wire 1: HTTP 404" in out
    assert "warn   Odd swen wire 2: " in out
    assert cli(tmp_path, "feeds", feeds=None) == 0
    out = capsys.readouterr().out
    assert "Odd swen wire 1  error" in out and "Odd swen wire 2  ok" in out
    assert "\u202e" not in out and "\u200b" not in out


def test_json_output_escapes_a_bidi_override_in_a_feed_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], http_server: TestServer
) -> None:
    """`fetch --json` and `feeds --json` gave the name's override and zero-width space to
    the terminal as written (ensure_ascii=False); they are JSON escapes now, so a script
    still reads the name exactly as feeds.toml has it."""
    http_server.add("/gone", b"", status=404)
    feeds = f'[[feeds]]\nname = "{ODD_NAME}"\nurl = "{http_server.url("/gone")}"\n'
    assert cli(tmp_path, "fetch", "--json", feeds=feeds) == 1
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\u200b" not in out and "\\u202e" in out
    assert json.loads(out)["feeds"][0]["name"] == ODD_NAME
    assert cli(tmp_path, "feeds", "--json", feeds=None) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\u200b" not in out
    assert json.loads(out)[0]["name"] == ODD_NAME
