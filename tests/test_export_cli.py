"""`briefing export`, `stories`, `search`, `show` on the fixture cache, through the real CLI."""

from __future__ import annotations

import json
import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import export_db
import pytest

from briefing.cli import main
from briefing.export.briefing import LAST_EXPORT_KEY
from briefing.store import Store


@pytest.fixture()
def env(tmp_path: Path) -> Path:
    export_db.build(tmp_path).close()
    (tmp_path / "feeds.toml").write_text(export_db.CONFIG)
    return tmp_path


def cli(env: Path, *args: str) -> int:
    return main(["--feeds", str(env / "feeds.toml"), "--data-dir", str(env / "data"), *args])


def story_ids(env: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    assert cli(env, "search", "Gabala", "--json") == 0
    found = json.loads(capsys.readouterr().out)
    return {s["title"]: s["id"] for s in found}


def test_export_to_file_and_since_last_export(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = env / "b.html"
    assert cli(env, "export", "--no-record", "--format", "json") == 0
    # Never exported: the last 24 hours (real clock). The cache was made just now, but its seed
    # article is not news (no publication date): nothing to report.
    assert json.loads(capsys.readouterr().out)["threads"] == []
    assert cli(env, "export", "--since", "2025-06-29", "--format", "html", "-o", str(out)) == 0
    text = out.read_text()
    assert text.startswith("<!DOCTYPE html>") and "Delimitation commissions meet" in text
    assert "(Asia/Baku, UTC+04:00)" in text
    assert "-> " in capsys.readouterr().err
    # The export was recorded: by default the next one covers only what came after it.
    assert cli(env, "export", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scope"] == "since" and data["threads"] == []


def test_export_marked_and_thread_markdown(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(env, "export", "--marked") == 0
    text = capsys.readouterr().out
    assert "Earlier: talks announced" in text and "## Sources" in text
    assert "Delimitation" not in text  # not marked
    assert cli(env, "export", "--thread", "4", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["title"] for t in data["threads"]] == ["Football results"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--since", "yesterday"), "not a duration or a date"),
        # an empty value (`--since "$WINDOW"`, the variable unset): was the default window,
        # recorded, so the stories since the last export were skipped by the next one
        (("--since", ""), "not a duration or a date: ''"),
        # beyond what a date can hold: was an OverflowError traceback, exit 1
        (("--since", "99999999d"), "outside the years 1 to 9999: '99999999d'"),
        (("--since", "9999999999999999999999w"), "outside the years 1 to 9999"),
        (("--since", "0001-01-01T00:00+04:00"), "outside the years 1 to 9999"),
        (("--since", "9999-12-31T23:59-05:00"), "outside the years 1 to 9999"),
        (("--thread", "999"), "no thread 999"),
    ],
)
def test_export_usage_errors(
    env: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert cli(env, "export", *args) == 2
    assert message in capsys.readouterr().err
    with Store.open(env / "data") as store:  # and nothing was recorded
        assert store.get_meta(LAST_EXPORT_KEY) is None


def test_stories_json_and_text(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(env, "stories", "--thread", "2", "--json") == 0
    stories = json.loads(capsys.readouterr().out)
    assert [s["title"] for s in stories] == [
        "Delimitation commissions meet in Gabala",
        "Earlier: talks announced",
    ]  # newest first, the JAMnews copy folded
    first = stories[0]
    assert set(first) == {"id", "thread_id", "title", "outlet", "link", "author", "published",
                          "page_date", "first_seen", "summary", "lang", "read", "starred",
                          "marked", "hidden", "copies"}  # fmt: skip
    assert first["copies"] == 1 and first["thread_id"] == 2 and first["marked"] is False
    assert first["published"] == "2025-06-30T08:00:00+00:00"
    assert cli(env, "stories", "--thread", "2") == 0
    out = capsys.readouterr()
    assert "2025-06-30 12:00" in out.out and "Delimitation" in out.out  # Baku time
    assert "times in Asia/Baku" in out.err
    assert cli(env, "stories", "--thread", "99") == 2


def test_search_and_show(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = story_ids(env, capsys)
    story_id = ids["Delimitation commissions meet in Gabala"]
    assert cli(env, "show", str(story_id), "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["text"].startswith("The border commissions of Armenia and Azerbaijan")
    assert shown["thread_title"] == "Armenia–Azerbaijan border talks"
    assert [c["outlet"] for c in shown["also"]] == ["JAMnews"]
    assert cli(env, "show", str(story_id)) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == "Delimitation commissions meet in Gabala"
    assert "also carried by: JAMnews" in text
    assert cli(env, "show", "9999") == 2  # an unknown id is bad usage, as for move/mark
    assert "no story 9999" in capsys.readouterr().err
    assert cli(env, "search", "nothingmatchesthis", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_hostile_text_in_terminal_output(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(env, "search", "alert", "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert found and all(s["link"] is None or s["link"].startswith("https://") for s in found)
    for story in found:
        assert cli(env, "show", str(story["id"])) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out
    assert cli(env, "stories", "--thread", "3") == 0
    out = capsys.readouterr().out
    assert "Red alert link bell" in out and "\x1b" not in out


def test_an_empty_export_says_why_and_never_replaces_a_file(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same export run twice: the second is empty (nothing new since the first). It says so
    on stderr with the option that widens it, and leaves the first file as it was."""
    out = env / "today.md"
    assert cli(env, "export", "--since", "2025-06-29", "-o", str(out)) == 0
    first = out.read_text()
    assert "Delimitation commissions meet" in first
    capsys.readouterr()
    assert cli(env, "export", "-o", str(out)) == 0
    err = capsys.readouterr().err
    assert "empty briefing: nothing new since the last export (" in err
    assert "--since 24h covers the last day" in err
    assert f"{out} left as it was" in err
    assert out.read_text() == first
    # to stdout, the empty briefing is printed (as asked) and the reason is on stderr
    assert cli(env, "export", "--no-record") == 0
    captured = capsys.readouterr()
    assert "No stories." in captured.out and "empty briefing: nothing new" in captured.err
    # an empty briefing to a new file is written: the file says "No stories."
    new = env / "new.md"
    assert cli(env, "export", "--no-record", "-o", str(new)) == 0
    assert "No stories." in new.read_text()
    assert "0 stories in 0 threads -> " in capsys.readouterr().err


@pytest.mark.parametrize("command", ["export", "export-opml"])
def test_output_that_cannot_be_written_is_one_line_and_exit_1(
    env: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """-o into a missing directory: no directory is made behind the user's back (a typo in a
    path), no traceback, and an export that was not written is not recorded either."""
    target = env / "no" / "such" / "out.md"
    args = ("--since", "2025-06-29") if command == "export" else ()
    assert cli(env, command, *args, "-o", str(target)) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == (
        f"briefing {command}: cannot write {target}: no directory {target.parent}"
    )
    assert "Traceback" not in err and not (env / "no").exists()
    assert cli(env, command, *args, "-o", str(env)) == 1  # a directory
    assert f"cannot write {env}: it is a directory" in capsys.readouterr().err
    if command == "export":  # neither failed export was recorded: the default window is 24h
        assert cli(env, "export", "--format", "json", "--no-record") == 0
        data = json.loads(capsys.readouterr().out)
        window = datetime.fromisoformat(data["until"]) - datetime.fromisoformat(data["since"])
        assert window == timedelta(hours=24)


@pytest.mark.parametrize(
    "target",
    [
        "named pipe",
        pytest.param(  # (no /proc on macOS: there the command fails with no such directory)
            "/proc/self/fd/N",
            marks=pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc"),
        ),
    ],
)
@pytest.mark.parametrize("command", ["export", "export-opml"])
def test_output_into_a_pipe_is_written_into_it(
    env: Path, capsys: pytest.CaptureFixture[str], command: str, target: str
) -> None:
    """-o /dev/stdout (a link to /proc/self/fd/1, a pipe under cron or `| mail`) or a named
    pipe: written into, as a shell's `>` does. Before, the pipe was replaced by a regular
    file (its reader waited forever; as root, `-o /dev/null` replaced /dev/null) or, for
    /proc/self/fd/N, the command failed: "No such file or directory"."""
    fifo = env / "pipe"
    if target == "named pipe":
        os.mkfifo(fifo)
        read_fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader waiting on the pipe
        write_fd, path = -1, str(fifo)
    else:
        read_fd, write_fd = os.pipe()
        path = f"/proc/self/fd/{write_fd}"
    try:
        args = ("--since", "2025-06-29", "--no-record") if command == "export" else ()
        assert cli(env, command, *args, "-o", path) == 0
        if write_fd >= 0:
            os.close(write_fd)
            write_fd = -1
        chunks = []
        while True:
            try:
                chunk = os.read(read_fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if write_fd >= 0:
            os.close(write_fd)
    got = b"".join(chunks).decode()
    assert ("Delimitation commissions meet" if command == "export" else "<opml") in got
    if target == "named pipe":
        assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, not a regular file
    assert "-> " in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc")
def test_output_into_a_descriptor_open_on_a_file_appends_to_it(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o /dev/stdout >> log`: the descriptor stands for the log, which keeps what it had.
    Before, the link was followed to the log and the log replaced by the briefing alone."""
    log = env / "log.md"
    log.write_text("earlier run\n", encoding="utf-8")
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        args = ("--since", "2025-06-29", "--no-record")
        assert cli(env, "export", *args, "-o", f"/proc/self/fd/{fd}") == 0
    finally:
        os.close(fd)
    text = log.read_text(encoding="utf-8")
    assert text.startswith("earlier run\n") and "Delimitation commissions meet" in text
    assert log.is_file() and not log.is_symlink()


def test_an_empty_export_to_a_directory_is_an_error_as_a_full_one_is(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`-o DIR` fails (exit 1) whether or not the briefing is empty: before, an empty one said
    "DIR left as it was" and exited 0, so a cron job's wrong -o showed only on busy days."""
    assert cli(env, "export", "--since", "0m", "-o", str(env)) == 1
    err = capsys.readouterr().err
    assert "empty briefing" in err and f"cannot write {env}: it is a directory" in err
