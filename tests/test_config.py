"""feeds.toml loading: the shipped file loads; every kind of bad input is one clear error, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.config import ConfigError, load_config, resolve_feeds_path, shipped_feeds_path

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_feeds_toml_loads_and_matches_top_level_file() -> None:
    config = load_config(shipped_feeds_path())
    assert shipped_feeds_path().read_bytes() == (ROOT / "feeds.toml").read_bytes()
    assert len(config.feeds) >= 15
    names = {f.name for f in config.feeds}
    assert {"OC Media", "Civil.ge", "JAMnews", "Report.az", "Meduza"} <= names
    assert all(f.url.startswith("https://") for f in config.feeds)
    # Low-confidence outlets are present only as comments.
    assert "Armenpress" not in names and "CivilNet" not in names
    assert "armenpress.am" in shipped_feeds_path().read_text()
    seed = config.threads[0]
    assert "Azerbaijan" in seed.title and "Safarov" in seed.seed_text
    assert config.settings.concurrency == 32 and config.settings.per_host == 4
    general = {f.name for f in config.feeds if f.general}
    assert "BBC News Europe" in general and "OC Media" not in general


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = '[[feeds]]\nname = "A"\nurl = "https://a.example/feed"\n'

BAD_CASES = {
    "syntax": ('[[feeds]]\nname = "A"\nurl = "https://a.example/feed\n', ["line 3"]),
    "unknown_top": ('colour = "red"\n', ["'colour'", "unknown"]),
    "unknown_feed_key": (GOOD + 'colour = "red"\n', ["feeds[1] (A)", "'colour'"]),
    "missing_url": ('[[feeds]]\nname = "A"\n', ["feeds[1] (A)", "'url'", "missing"]),
    "not_http": (
        GOOD + '[[feeds]]\nname = "B"\nurl = "file:///etc/passwd"\n',
        ["feeds[2] (B)", "'url'", "http(s)"],
    ),
    "malformed_url": (
        '[[feeds]]\nname = "A"\nurl = "http://[::1/"\n',
        ["feeds[1] (A)", "'url'", "not a valid URL"],
    ),
    "bad_port": (
        '[[feeds]]\nname = "A"\nurl = "http://a.example:99999/"\n',
        ["feeds[1] (A)", "'url'", "not a valid URL"],
    ),
    "escape_in_name": (
        '[[feeds]]\nname = "\\u001b[31mred"\nurl = "https://a.example/"\n',
        ["feeds[1]", "'name'", "control characters"],
    ),
    "unknown_key_id": ('[keys]\nnosuch = "f"\n', ["keys", "'nosuch'", "unknown binding id"]),
    "duplicate_url": (
        GOOD + '[[feeds]]\nname = "B"\nurl = "https://A.example/feed/"\n',
        ["feeds[2] (B)", "duplicate of feeds[1]"],
    ),
    "wrong_type_tags": (
        '[[feeds]]\nname = "A"\nurl = "https://a.example/"\ntags = "ge"\n',
        ["feeds[1] (A)", "'tags'"],
    ),
    "wrong_type_setting": (
        '[settings]\nconcurrency = "many"\n',
        ["settings", "'concurrency'", "int"],
    ),
    "unknown_setting": ("[settings]\nspeed = 3\n", ["settings", "'speed'"]),
    "bad_timezone": ('[settings]\ntimezone = "Mars/Olympus"\n', ["'timezone'", "Mars/Olympus"]),
    "missing_seed": (
        '[[threads]]\ntitle = "X"\nseed = "nope.txt"\n',
        ["threads[1]", "'seed'", "nope.txt"],
    ),
    # a pinned thread without a seed file is known by its title: two of one title were one
    # thread, the first one's keywords silently dropped
    "duplicate_thread_title": (
        '[[threads]]\ntitle = "Georgia"\nkeywords = ["Rustaveli"]\n'
        '[[threads]]\ntitle = " Georgia "\nkeywords = ["Kobakhidze"]\n',
        ["threads[2]", "'title'", "same title as threads[1]"],
    ),
    # a blank keyword matched nothing, and the thread took no story without a word said
    "blank_keyword": (
        '[[threads]]\ntitle = "Georgia"\nkeywords = ["Rustaveli", "  "]\n',
        ["threads[1]", "'keywords'", "keyword 2 is empty"],
    ),
    "keyword_with_escape": (
        '[[threads]]\ntitle = "Georgia"\nkeywords = ["Rust\\u001b[2Javeli"]\n',
        ["threads[1]", "'keywords'", "keyword 1 contains control characters"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_config_gives_one_line_error(tmp_path: Path, case: str) -> None:
    text, fragments = BAD_CASES[case]
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path))
    for fragment in fragments:
        assert fragment in message, (fragment, message)


@pytest.mark.parametrize(
    ("name", "extra", "shown"),
    [
        # the error about the name itself printed the escape sequence it refused
        ("\\u001b]0;pwned\\u0007\\u001b[2J", "", "'\\x1b]0;pwned\\x07\\x1b[2J'"),
        # another key's error names the feed: a right-to-left override reorders the line
        ("Evil\\u202eabc", 'colour = "red"\n', "'Evil\\u202eabc'"),
    ],
)
def test_a_config_error_prints_a_feed_name_without_its_controls(
    tmp_path: Path, name: str, extra: str, shown: str
) -> None:
    path = write(tmp_path, f'[[feeds]]\nname = "{name}"\nurl = "https://a.example/"\n{extra}')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.isprintable(), message
    assert f"feeds[1] ({shown})" in message


def test_a_duplicate_url_is_quoted_without_its_bidi_override(tmp_path: Path) -> None:
    """A URL (from someone else's OPML) may hold a right-to-left override: the error about
    its duplicate gave it to the terminal (and the app's notification) as written."""
    url = "https://a.example/\\u202egnp.feed"
    path = write(tmp_path, f'[[feeds]]\nurl = "{url}"\n[[feeds]]\nurl = "{url}/"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.isprintable(), message
    assert message.endswith("duplicate of feeds[1]: 'https://a.example/\\u202egnp.feed/'")


@pytest.mark.parametrize(
    "case", ["syntax", "missing_url", "not_http", "duplicate_url", "malformed_url"]
)
def test_bad_config_exits_2_without_touching_cache(tmp_path: Path, case: str) -> None:
    path = write(tmp_path, BAD_CASES[case][0])
    data = tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "--feeds", str(path), "--data-dir", str(data),
         "threads", "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "config error" in proc.stderr and str(path) in proc.stderr
    assert proc.stdout == ""
    assert not data.exists()


def test_feeds_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = write(tmp_path, GOOD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("BRIEFING_FEEDS", raising=False)
    assert resolve_feeds_path(None) == shipped_feeds_path()
    user = tmp_path / "xdg" / "briefing" / "feeds.toml"
    user.parent.mkdir(parents=True)
    user.write_text(GOOD)
    assert resolve_feeds_path(None) == user
    monkeypatch.setenv("BRIEFING_FEEDS", str(env_file))
    assert resolve_feeds_path(None) == env_file
    assert resolve_feeds_path("/x/cli.toml") == Path("/x/cli.toml")


def test_seed_file_beside_config_wins(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("My own crisis text about Tbilisi.")
    config = load_config(write(tmp_path, '[[threads]]\ntitle = "Mine"\nseed = "mine.txt"\n'))
    assert config.threads[0].seed_text.startswith("My own crisis")
    assert json.dumps(config.settings.keys) == "{}"
