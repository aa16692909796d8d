"""The CLI as a script or a cron job meets it: stdout a pipe its reader closed early, a locale
that is not UTF-8. Subprocesses (a user's environment, not pytest's), a real cache in tmp_path
filled by a real `briefing fetch` from a server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from fetchenv import rss
from httpserver import TestServer

TITLES = [
    "თბილისში საპროტესტო აქცია გაიმართა რუსთაველზე",
    "Сафаровых похоронили в Екатеринбурге",
    "Protesters gather on Rustaveli avenue in Tbilisi",
]


LEGEND = "times in UTC; N = unread, * = marked for the briefing, s = starred, h = hidden\n"


def environment(**extra: str) -> dict[str, str]:
    """The environment of a cron job: no PYTHONUNBUFFERED nor PYTHONIOENCODING from ours."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONUNBUFFERED", "PYTHONIOENCODING", "PYTHONUTF8")
        and not k.startswith("LC_")
    }
    env.update(extra)
    return env


def briefing(
    dirs: Path, *args: str, env: dict[str, str] | None = None, stdout: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", "--feeds", str(dirs / "feeds.toml"),
         "--data-dir", str(dirs / "data"), *args],
        stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE,
        timeout=60, env=env or environment(),
    )  # fmt: skip


@pytest.fixture(scope="module")
def dirs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding Georgian and Russian headlines, fetched from a local server."""
    tmp = tmp_path_factory.mktemp("scripting")
    with TestServer() as server:
        # enough text that `search --json` fills more than a pipe's buffer (64 KiB)
        items = [(f"g{i}", t, f"{t}: " + "Тбилиси, Баку. " * 30) for i, t in enumerate(TITLES)]
        items += [(f"n{i}", f"Tbilisi council notice {i}", "Tbilisi. " * 40) for i in range(200)]
        server.add("/feed", rss(items))
        (tmp / "feeds.toml").write_text(
            f'[[feeds]]\nname = "Local"\nurl = "{server.url("/feed")}"\n', encoding="utf-8"
        )
        proc = briefing(tmp, "fetch", "--no-articles")
        assert proc.returncode == 0, proc.stderr
    return tmp


def closed_pipe_run(dirs: Path, args: Sequence[str]) -> subprocess.CompletedProcess[bytes]:
    """Run with stdout a pipe whose reader is gone (`briefing ... | head -1` once head has
    quit): every write to it fails with EPIPE."""
    read, write = os.pipe()
    os.close(read)
    try:
        return briefing(dirs, *args, stdout=write)
    finally:
        os.close(write)


# ------------------------------------------------------------ 1. stdout closed early
@pytest.mark.parametrize(
    "args",
    [
        ("threads",),
        ("threads", "--json"),
        ("stories", "--thread", "2", "--json"),
        ("search", "Tbilisi"),
        ("feeds", "--json"),
        ("export", "--since", "7d", "--no-record"),
        ("export-opml",),
        ("doctor",),
        ("--help",),
        ("fetch", "--help"),
        ("--version",),
    ],
)
def test_a_reader_that_quits_early_gets_no_error_message(dirs: Path, args: tuple[str, ...]) -> None:
    proc = closed_pipe_run(dirs, args)
    # `search` prints the legend of its columns on stderr, whatever becomes of stdout
    assert proc.stderr.decode() in ("", LEGEND), proc.stderr.decode()
    assert proc.returncode == 0


@pytest.mark.parametrize(
    ("args", "toml"),
    [
        # doctor found a problem: a key given to two actions
        (("doctor",), '[keys]\nstar = "r"\n'),
        # fetch reached none of the feeds it tried: nothing listens on port 9
        (("fetch", "--no-articles"), '[[feeds]]\nname = "Closed"\nurl = "http://127.0.0.1:9/f"\n'),
    ],
)
def test_a_reader_that_quits_early_leaves_a_failures_exit_status(
    tmp_path: Path, args: tuple[str, ...], toml: str
) -> None:
    """A closed stdout is no failure of its own, but it does not turn the work's failure into
    success either: `briefing fetch | head -1` in a cron job with pipefail still says 1 when
    no feed was reached. (The status was 0: main() took the broken pipe of its last flush,
    after the command had returned 1, for the whole result.)"""
    (tmp_path / "feeds.toml").write_text(toml, encoding="utf-8")
    proc = closed_pipe_run(tmp_path, args)
    assert proc.stderr.decode() == "", proc.stderr.decode()
    assert proc.returncode == 1


def test_search_piped_into_head_prints_its_first_line_only(dirs: Path) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m briefing --feeds {dirs / 'feeds.toml'} --data-dir {dirs / 'data'}"
        " search Tbilisi --json | head -1",
        shell=True, capture_output=True, timeout=60, env=environment(),
    )  # fmt: skip
    assert proc.returncode == 0
    assert proc.stderr == b""
    assert proc.stdout == b"[\n"


# ------------------------------------------------------------ 2. a locale that is not UTF-8
# LC_ALL=C with Python's UTF-8 mode off (PYTHONUTF8=0, or a legacy locale such as
# ru_RU.KOI8-R): stdout's encoding is ASCII (or KOI8-R), which has no Georgian letters.
ASCII = {"LC_ALL": "C", "PYTHONUTF8": "0"}


def story_ids(dirs: Path) -> dict[str, int]:
    """Headline -> story id, asked in a UTF-8 environment."""
    proc = briefing(dirs, "search", "Тбилиси", "--json", env=environment(PYTHONUTF8="1"))
    assert proc.returncode == 0, proc.stderr
    return {s["title"]: s["id"] for s in json.loads(proc.stdout)}


def test_the_test_locale_really_is_ascii(dirs: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; print(sys.stdout.encoding)"],
        capture_output=True, text=True, env=environment(**ASCII),
    )  # fmt: skip
    assert proc.stdout.strip().lower() in ("ascii", "ansi_x3.4-1968")


@pytest.mark.parametrize(
    "args",
    [
        ("threads", "--json"),
        ("show", "{georgian}", "--json"),
        ("stories", "--thread", "{thread}", "--json"),
        ("feeds", "--json"),
        ("export", "--since", "7d", "--no-record", "--format", "json"),
    ],
)
def test_json_is_utf8_whatever_the_locale(dirs: Path, args: tuple[str, ...]) -> None:
    ids = story_ids(dirs)
    georgian = ids[TITLES[0]]
    shown = briefing(dirs, "show", str(georgian), "--json", env=environment(PYTHONUTF8="1"))
    thread = json.loads(shown.stdout)["thread_id"]
    args = tuple(a.format(georgian=georgian, thread=thread) for a in args)

    proc = briefing(dirs, *args, env=environment(**ASCII))

    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    data = json.loads(proc.stdout.decode("utf-8"))  # as README says: UTF-8, not \u-escaped
    if args[0] in ("show", "stories", "export"):
        assert TITLES[0] in proc.stdout.decode("utf-8"), data


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--since", "7d", "--no-record"),
        ("export", "--since", "7d", "--no-record", "--format", "html"),
    ],
)
def test_an_export_to_stdout_is_utf8_as_its_file_would_be(
    dirs: Path, args: tuple[str, ...]
) -> None:
    proc = briefing(dirs, *args, env=environment(**ASCII))
    assert proc.returncode == 0, proc.stderr.decode()
    assert TITLES[0] in proc.stdout.decode("utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ("threads",),
        ("threads", "--all"),
        ("show", "{georgian}"),
        ("show", "{russian}"),
        ("search", "Tbilisi"),
        ("stories", "--thread", "1"),
        ("feeds",),
        ("doctor",),
        ("rename", "--help"),
        ("--help",),
    ],
)
def test_text_output_in_an_ascii_locale_is_no_crash(dirs: Path, args: tuple[str, ...]) -> None:
    ids = story_ids(dirs)
    fill = {"georgian": ids[TITLES[0]], "russian": ids[TITLES[1]]}
    args = tuple(a.format(**fill) for a in args)

    proc = briefing(dirs, *args, env=environment(**ASCII))

    assert b"Traceback" not in proc.stderr, proc.stderr.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    proc.stdout.decode("ascii")  # what the terminal can show: letters it lacks become "?"
    if args[0] == "show":
        assert proc.stdout.splitlines()[0].strip(b"?  ") == b""  # the headline, as question marks


def test_words_typed_in_utf8_reach_the_command_in_an_ascii_locale(dirs: Path) -> None:
    """In the C locale without UTF-8 mode Python decodes the arguments as ASCII, keeping each
    byte of 'Сафаровых' as a lone surrogate: search found nothing and echoed
    '\\udcd0\\udca1...'; rename refused the title as 'not UTF-8 text'. The bytes are UTF-8."""
    proc = briefing(dirs, "search", "Сафаровых", "--json", env=environment(**ASCII))
    assert proc.returncode == 0, proc.stderr.decode()
    assert [s["title"] for s in json.loads(proc.stdout)] == [TITLES[1]]

    proc = briefing(dirs, "move", str(story_ids(dirs)[TITLES[0]]), "--new", "Тбилиси",
                    env=environment(**ASCII))  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()
    proc = briefing(dirs, "threads", "--json", env=environment(PYTHONUTF8="1"))
    assert "Тбилиси" in [t["title"] for t in json.loads(proc.stdout)]
