"""Feed lists in and out: OPML and newsboat parsing, `briefing import`, `export-opml`, `feeds
add/remove`; the user's feeds.toml keeps its comments and is never half-changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.cli import main
from briefing.config import load_config, shipped_feeds_path
from briefing.export.feedsfile import unique_name
from briefing.export.newsboat import parse_urls
from briefing.export.opml import ImportFormatError, export_opml, parse_opml

FIXTURES = Path(__file__).parent / "fixtures" / "import"

USER_TOML = """\
# My own feed list. Keep this comment!
[settings]
timezone = "Asia/Baku"   # where I work

[[feeds]]
name = "OC Media"
url = "https://oc-media.org/feed/"
tags = ["caucasus"]  # the first one I read

# ---- pinned
[[threads]]
title = "Border talks"
"""


def cli(tmp_path: Path, feeds: Path, *args: str) -> int:
    return main(["--feeds", str(feeds), "--data-dir", str(tmp_path / "data"), *args])


@pytest.fixture()
def user_toml(tmp_path: Path) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(USER_TOML, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- parsing
def test_opml_from_another_reader_nested_folders_become_tags() -> None:
    parsed = parse_opml((FIXTURES / "inoreader-nested.opml").read_bytes())
    feeds = {f.url: f for f in parsed.feeds}
    assert list(feeds) == [
        "https://civil.ge/feed",
        "https://netgazeti.ge/feed/",
        "https://formulanews.ge/rss",
        "https://www.civilnet.am/en/feed/",
        "http://www.azatutyun.am/api/zrqiteuuir",  # feed:// repaired
        "https://eurasianet.org/rss.xml",
    ]
    # Three levels of folders; a feed listed in two folders keeps both (and appears once).
    assert feeds["https://formulanews.ge/rss"].tags == ("Caucasus", "Georgia", "Opposition press")
    assert feeds["https://civil.ge/feed"].tags == ("Caucasus", "Georgia", "Must read")
    assert feeds["https://netgazeti.ge/feed/"].name == "Netgazeti & Batumelebi"
    assert feeds["http://www.azatutyun.am/api/zrqiteuuir"].name == "Azatutyun — RFE/RL"
    assert feeds["https://www.civilnet.am/en/feed/"].line == 19  # lower-case xmlurl accepted
    assert feeds["https://eurasianet.org/rss.xml"].tags == ()
    skipped = {s.line: s.reason for s in parsed.skipped}
    assert skipped[25] == "same feed as line 12 (tags merged)"
    assert skipped[26] == "no xmlUrl (not a feed)"
    assert skipped[27].startswith("must be an http(s) URL")


def test_opml_2_categories_and_declared_encodings() -> None:
    parsed = parse_opml((FIXTURES / "reader-2.0.opml").read_bytes())
    assert [(f.name, f.tags) for f in parsed.feeds] == [
        ("Meduza", ("Russia", "Independent", "en")),
        ("Café Babel", ("europe",)),
    ]
    cyrillic = (
        '<?xml version="1.0" encoding="windows-1251"?>\n<opml version="1.1"><body>\n'
        '<outline text="Новости"><outline text="Кавказский узел" '
        'xmlUrl="https://www.kavkaz-uzel.eu/articles.rss"/></outline>\n</body></opml>\n'
    ).encode("cp1251")
    (feed,) = parse_opml(cyrillic).feeds
    assert (feed.name, feed.tags, feed.line) == ("Кавказский узел", ("Новости",), 3)


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (
            (FIXTURES / "broken.opml").read_bytes(),
            6,
            "the <outline> opened on line 4 is not closed",
        ),
        ((FIXTURES / "entities.opml").read_bytes(), 2, "DOCTYPE/entity declarations"),
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', 2, "not an OPML file"),
        (b"<opml>\n<head/>\n</opml>", 3, "without a <body>"),
        (b"<opml><body>\n<outline text='a &nbsp; b'/></body></opml>", 2, "undefined entity"),
    ],
)
def test_malformed_opml_names_the_line(data: bytes, line: int, message: str) -> None:
    with pytest.raises(ImportFormatError) as err:
        parse_opml(data)
    assert err.value.line == line and message in str(err.value)
    assert str(err.value).startswith(f"line {line}: ")


def test_newsboat_urls_every_feature() -> None:
    parsed = parse_urls((FIXTURES / "urls").read_text())
    got = [(f.line, f.url, f.name, f.tags) for f in parsed.feeds]
    assert got == [
        (2, "https://oc-media.org/feed/", "OC Media (English)", ("caucasus", "en", "duplicate")),
        (3, "https://jam-news.net/feed/", "", ("South Caucasus", "en")),
        (4, "https://civil.ge/feed", 'Civil "Georgia"', ("georgia",)),
        (7, "https://tass.com/rss/v2.xml", "TASS", ("russia", "state", "hidden")),
        (10, "https://www.kavkaz-uzel.eu/articles.rss", "", ("ru",)),
        (12, "http://www.azatutyun.am/api/zrqiteuuir", "", ("armenia",)),
    ]
    assert "hidden in newsboat" in parsed.feeds[3].note
    skipped = [(s.line, s.reason.split(" (")[0]) for s in parsed.skipped]
    assert skipped == [
        (6, "query feed"),
        (8, "exec feed"),
        (9, "filter feed"),
        (11, "same feed as line 2"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ((FIXTURES / "broken-urls").read_text(), 2, "unterminated quote"),
        ("# ok\n\nnot-a-url tag\n", 3, "not a feed URL: 'not-a-url'"),
    ],
)
def test_malformed_urls_names_the_line(text: str, line: int, message: str) -> None:
    with pytest.raises(ImportFormatError) as err:
        parse_urls(text)
    assert err.value.line == line and message in str(err.value)


# ------------------------------------------------------------------------------- import
def test_import_urls_keeps_comments_skips_duplicates_and_reports(
    tmp_path: Path, user_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(tmp_path, user_toml, "import", str(FIXTURES / "urls")) == 0
    out = capsys.readouterr().out
    text = user_toml.read_text()
    assert text.startswith(USER_TOML.split("# ---- pinned")[0].rstrip("\n"))
    for comment in ("Keep this comment!", "# where I work", "# the first one I read", "# ----"):
        assert comment in text
    config = load_config(user_toml)
    names = [f.name for f in config.feeds]
    assert names == ["OC Media", "jam-news.net", 'Civil "Georgia"', "TASS",
                     "www.kavkaz-uzel.eu", "www.azatutyun.am"]  # fmt: skip
    assert config.feed_named("TASS").tags == ("russia", "state", "hidden")
    assert config.threads[0].title == "Border talks"
    assert "skipped line 2: https://oc-media.org/feed/: already in feeds.toml as 'OC Media'" in out
    for line in (6, 8, 9, 11):
        assert f"skipped line {line}:" in out
    assert "5 added, 5 skipped" in out
    # Importing again adds nothing and leaves the file as it is.
    before = user_toml.read_bytes()
    assert cli(tmp_path, user_toml, "import", str(FIXTURES / "urls")) == 0
    assert user_toml.read_bytes() == before
    assert "0 added" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["broken.opml", "entities.opml", "broken-urls"])
def test_malformed_import_exits_2_and_changes_nothing(
    tmp_path: Path, user_toml: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    before = user_toml.read_bytes()
    assert cli(tmp_path, user_toml, "import", str(FIXTURES / name)) == 2
    err = capsys.readouterr().err
    assert f"{name}: line " in err and "nothing was changed" in err
    assert user_toml.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feeds.toml"]  # no temp files left


def test_import_into_invalid_config_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "feeds.toml"
    bad.write_text('[[feeds]]\nname = "x"\nurl = "ftp://x"\n')
    before = bad.read_bytes()
    assert cli(tmp_path, bad, "import", str(FIXTURES / "urls")) == 2
    assert "config error" in capsys.readouterr().err
    assert bad.read_bytes() == before


def test_import_creates_feeds_file_from_shipped_when_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "conf" / "feeds.toml"
    assert cli(tmp_path, target, "import", str(FIXTURES / "reader-2.0.opml")) == 0
    assert "created" in capsys.readouterr().out
    shipped = load_config(shipped_feeds_path())
    config = load_config(target)
    assert config.feeds[: len(shipped.feeds)] == shipped.feeds
    assert [f.name for f in config.feeds[len(shipped.feeds) :]] == ["Café Babel"]  # Meduza known
    assert target.read_text().startswith(shipped_feeds_path().read_text()[:200])


def test_import_dry_run_changes_nothing(
    tmp_path: Path, user_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = user_toml.read_bytes()
    assert cli(tmp_path, user_toml, "import", "--dry-run", str(FIXTURES / "urls")) == 0
    assert "would add" in capsys.readouterr().out
    assert user_toml.read_bytes() == before


def test_opml_round_trip_into_empty_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "source.toml"
    source.write_text(
        shipped_feeds_path().read_text()
        + '\n[[feeds]]\nname = "Odd <&> \\"name\\""\nurl = "https://x.example/rss?a=1&b=2"\n'
        'tags = ["a,b", "world"]\ninterval = 90\ngeneral = true\n'
    )
    opml = tmp_path / "out.opml"
    assert cli(tmp_path, source, "export-opml", "-o", str(opml)) == 0
    empty = tmp_path / "empty.toml"
    empty.write_text("# nothing yet\n[settings]\n")
    assert cli(tmp_path, empty, "import", str(opml)) == 0
    original = load_config(source).feeds
    imported = load_config(empty).feeds
    assert len(imported) == len(original) > 20
    odd = imported[-1]
    assert (odd.name, odd.url, odd.tags, odd.general, odd.interval) == (
        'Odd <&> "name"',
        "https://x.example/rss?a=1&b=2",
        ("a b", "world"),
        True,
        90,
    )
    assert imported[:-1] == original[:-1]  # names, URLs, tags, general, interval


def test_export_opml_is_opml_2_with_categories() -> None:
    config = load_config(shipped_feeds_path())
    text = export_opml(config.feeds)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"')
    assert 'category="caucasus,en,independent"' in text
    assert len(parse_opml(text.encode()).feeds) == len(config.feeds)


# ------------------------------------------------------------------------------- feeds add/remove
def test_feeds_add_and_remove_keep_comments(
    tmp_path: Path, user_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("feeds", "add", "https://civil.ge/feed", "--name", "Civil.ge", "--tag", "georgia")
    assert cli(tmp_path, user_toml, *args) == 0
    assert "added Civil.ge [georgia]" in capsys.readouterr().out
    config = load_config(user_toml)
    assert [f.name for f in config.feeds] == ["OC Media", "Civil.ge"]
    assert "# the first one I read" in user_toml.read_text()
    assert cli(tmp_path, user_toml, "feeds", "remove", "https://CIVIL.ge/feed/") == 0
    assert user_toml.read_text() == USER_TOML
    assert cli(tmp_path, user_toml, "feeds", "remove", "OC Media") == 0
    assert load_config(user_toml).feeds == ()
    assert "Keep this comment!" in user_toml.read_text()


def test_feeds_add_then_remove_gives_back_the_file_as_it_was(tmp_path: Path) -> None:
    """Before, the removed feed's table left a blank line at the end of the file."""
    path = tmp_path / "feeds.toml"
    original = '[[feeds]]\nname = "A"\nurl = "http://127.0.0.1:9/a"\n'
    path.write_text(original, encoding="utf-8")
    assert cli(tmp_path, path, "feeds", "add", "http://127.0.0.1:9/b", "--name", "B") == 0
    assert cli(tmp_path, path, "feeds", "remove", "B") == 0
    assert path.read_text(encoding="utf-8") == original


def test_feeds_remove_where_an_unnamed_feed_takes_the_freed_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Unnamed feeds are named after their URL once the written names are known: removing
    # one (or a feed whose name one of them would take) renames another. Before, the edit
    # check saw a feed named otherwise and refused: 'could not edit the feed list safely'.
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[feeds]]\nurl = "https://example.org/a"\n\n[[feeds]]\nurl = "https://example.org/b"\n'
        '\n[[feeds]]\nname = "news.example"\nurl = "https://other.example/rss"\n'
        '\n[[feeds]]\nurl = "https://news.example/rss"\n'
    )
    before = [f.name for f in load_config(path).feeds]
    assert before == ["example.org", "example.org/b", "news.example", "news.example/rss"]
    assert cli(tmp_path, path, "feeds", "remove", "example.org") == 0
    assert cli(tmp_path, path, "feeds", "remove", "news.example") == 0, capsys.readouterr().err
    feeds = load_config(path).feeds
    assert [(f.name, f.url) for f in feeds] == [
        ("example.org", "https://example.org/b"),
        ("news.example", "https://news.example/rss"),
    ]
    assert "removed news.example: https://other.example/rss" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "ftp://example.org/feed"), "must be an http(s) URL"),
        (("add", "https://"), "no host name"),
        (("add", "https://OC-media.org/feed"), "already in"),
        (("add", "https://new.example/rss", "--name", "OC Media"), "already exists"),
        (("add", "https://new.example/rss", "--tag", " "), "empty tag"),
        (("remove", "Nope"), "no feed named or at 'Nope'"),
    ],
)
def test_feeds_add_remove_errors_exit_2_and_change_nothing(
    tmp_path: Path,
    user_toml: Path,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
) -> None:
    assert cli(tmp_path, user_toml, "feeds", *args) == 2
    assert message in capsys.readouterr().err
    assert user_toml.read_text() == USER_TOML


def test_feeds_as_inline_array_is_refused_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text('feeds = [{name = "A", url = "https://a.example/rss"}]  # compact\n')
    before = path.read_bytes()
    assert cli(tmp_path, path, "feeds", "add", "https://b.example/rss") == 2
    assert "not a list of [[feeds]] tables" in capsys.readouterr().err
    assert cli(tmp_path, path, "feeds", "remove", "A") == 2
    assert path.read_bytes() == before


def test_feeds_add_follows_a_symlinked_feeds_file(tmp_path: Path, user_toml: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(user_toml)
    assert cli(tmp_path, link, "feeds", "add", "https://new.example/rss") == 0
    assert link.is_symlink()
    assert load_config(user_toml).feed_named("new.example") is not None


def test_feeds_add_to_shipped_list_writes_the_user_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    user = tmp_path / "config" / "feeds.toml"
    monkeypatch.setattr("briefing.export.feedsfile.user_feeds_path", lambda: user)
    shipped_before = shipped_feeds_path().read_bytes()
    assert cli(tmp_path, shipped_feeds_path(), "feeds", "add", "https://new.example/rss") == 0
    assert shipped_feeds_path().read_bytes() == shipped_before
    assert load_config(user).feed_named("new.example") is not None
    assert str(user) in capsys.readouterr().out


def test_unique_names_for_imported_feeds() -> None:
    taken = {"civil.ge", "Civil", "civil.ge/ka/feed"}
    assert unique_name("", "https://civil.ge/ru/feed", taken) == "civil.ge/ru/feed"
    assert unique_name("Civil", "https://civil.ge/ru/feed", taken) == "Civil (civil.ge)"
    assert unique_name("", "https://civil.ge/", taken) == "civil.ge 2"
    assert unique_name("", "https://civil.ge/ka/feed/", taken) == "civil.ge/ka/feed 2"
    assert unique_name("New", "https://x.example/", taken) == "New"


def test_import_and_feeds_add_remove_print_a_url_without_bidi_overrides(
    tmp_path: Path, user_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A URL from someone else's OPML (or pasted) can carry a right-to-left override, which
    reorders what the terminal shows after it: `briefing feeds` printed it without, but the
    lines of `import`, `feeds add` and `feeds remove` printed it as it was."""
    odd = "http://127.0.0.1:9/\u202egnp.feed"
    opml = tmp_path / "list.opml"
    opml.write_text(
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><body>'
        f'<outline text="Odd" type="rss" xmlUrl="{odd}"/></body></opml>',
        encoding="utf-8",
    )
    assert cli(tmp_path, user_toml, "import", str(opml), "--dry-run") == 0
    assert cli(tmp_path, user_toml, "feeds", "add", odd, "--name", "Odd") == 0
    assert cli(tmp_path, user_toml, "feeds", "remove", "Odd") == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out
    assert out.count("http://127.0.0.1:9/gnp.feed") == 3  # would add, added, removed


def test_feeds_add_and_remove_print_a_name_without_bidi_overrides(
    tmp_path: Path, user_toml: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """feeds.toml refuses control characters in a name, not a right-to-left override (a
    format character): `feeds add` and `feeds remove` printed such a name as it was."""
    odd = "Odd\u202e swen"
    assert cli(tmp_path, user_toml, "feeds", "add", "http://127.0.0.1:9/odd", "--name", odd,
               "--tag", "\u202ege") == 0  # fmt: skip
    with user_toml.open("a", encoding="utf-8") as fh:  # a name written by hand
        fh.write('\n[[feeds]]\nname = "Hand\u202e made"\nurl = "http://127.0.0.1:9/hand"\n')
    assert cli(tmp_path, user_toml, "feeds", "remove", "http://127.0.0.1:9/hand") == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out
    assert "Odd swen" in out and "[ge]" in out and "removed Hand made" in out


@pytest.mark.parametrize(
    "args",
    [
        ("https://civil.ge/\udcff",),
        ("https://civil.ge/feed", "--name", "Civil\udcff"),
        ("https://civil.ge/feed", "--tag", "\udcffgeorgia"),
    ],
)
def test_feeds_add_of_text_that_is_not_utf8_is_a_usage_error(
    tmp_path: Path, user_toml: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """Bytes from a terminal in another encoding arrive as lone surrogates, which feeds.toml
    cannot hold: before, a UnicodeEncodeError traceback (exit 1) from writing the file."""
    with pytest.raises(SystemExit) as exc:
        cli(tmp_path, user_toml, "feeds", "add", *args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text" in err and "Traceback" not in err
    assert user_toml.read_text() == USER_TOML
