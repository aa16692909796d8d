"""The headless CLI, run as a user runs it: a subprocess with its own data dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_threads_json_on_empty_data_dir_lists_seed_thread_first(tmp_path: Path) -> None:
    proc = run("--data-dir", str(tmp_path / "x"), "threads", "--json")
    assert proc.returncode == 0, proc.stderr
    threads = json.loads(proc.stdout)
    first = threads[0]
    assert first["id"] == 1 and first["pinned"] is True
    assert "Azerbaijan" in first["title"] and "Russia" in first["title"]
    assert first["stories"] == 1 and isinstance(first["sources"], int)
    assert first["updated"] is None  # the seed article alone is no news: no time it moved


def test_data_dir_from_environment(tmp_path: Path) -> None:
    proc = run("threads", env={"BRIEFING_DATA_DIR": str(tmp_path / "env")})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "env" / "briefing.sqlite3").exists()
    assert "Azerbaijan" in proc.stdout


def test_version_names_sqlite_and_expat() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert "briefing 0.1.0" in proc.stdout and "SQLite 3." in proc.stdout
    assert "expat_2." in proc.stdout


def test_help_explains_every_command_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    expected = ["threads", "feeds", "fetch", "doctor", "cluster", "export", "import",
                "export-opml", "stories", "search", "show"]  # fmt: skip
    commands = [c for c in expected if f"\n    {c} " in text]
    assert commands == expected
    for command in commands:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "example:\n  briefing" in capsys.readouterr().out


def test_help_gives_the_exit_status_a_script_can_test(capsys: pytest.CaptureFixture[str]) -> None:
    """What README's "Exit status, for scripts" says, where a cron author looks first."""
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "exit status:\n  0  " in text
    assert "\n  1  " in text and "\n  2  " in text and "bad feeds.toml" in text
    with pytest.raises(SystemExit):
        main(["fetch", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "exit status: 0 " in text and "none of the feeds it tried" in text
    assert "another fetch" in text  # the lock: a second fetch on the cache is exit 1
    with pytest.raises(SystemExit):
        main(["doctor", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "exit status: 0 when all is well, 1 " in text


def test_feeds_lists_configured_feeds(tmp_path: Path) -> None:
    proc = run("--data-dir", str(tmp_path), "feeds", "--json")
    assert proc.returncode == 0, proc.stderr
    feeds = json.loads(proc.stdout)
    assert {"name": "OC Media", "status": "new"}.items() <= feeds[0].items()


def test_doctor_ok_then_reports_corruption(tmp_path: Path) -> None:
    assert run("--data-dir", str(tmp_path), "threads").returncode == 0
    proc = run("--data-dir", str(tmp_path), "doctor")
    assert proc.returncode == 0, proc.stdout
    assert "integrity   ok" in proc.stdout and str(tmp_path) in proc.stdout
    db = tmp_path / "briefing.sqlite3"
    raw = bytearray(db.read_bytes())
    raw[:16] = b"garbage garbage!"
    db.write_bytes(bytes(raw))
    proc = run("--data-dir", str(tmp_path), "doctor")
    assert proc.returncode == 1 and "ERROR" in proc.stdout


def test_doctor_reports_bad_config(tmp_path: Path) -> None:
    bad = tmp_path / "feeds.toml"
    bad.write_text("[[feeds]]\nname = 'x'\n")
    proc = run("--feeds", str(bad), "--data-dir", str(tmp_path), "doctor")
    assert proc.returncode == 1 and "'url'" in proc.stdout


def test_opening_the_app_skips_command_parsing() -> None:
    from briefing.cli import opens_app

    assert opens_app([]) and opens_app(["--offline", "--data-dir", "/x", "--feeds=f.toml"])
    assert not opens_app(["threads"]) and not opens_app(["--data-dir", "/x", "fetch"])
    assert not opens_app(["--help"]) and not opens_app(["--version"])


@pytest.mark.parametrize(
    "args",
    [
        ("show", "99999999999999999999"),
        ("mark", "99999999999999999999", "--read"),
        ("stories", "--thread", "99999999999999999999"),
        ("move", "1", "99999999999999999999"),
        ("export", "--thread", "0"),
        ("pin", "-3"),
    ],
)
def test_an_id_sqlite_cannot_hold_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    """Before, a 20-digit id reached the driver: OverflowError and a traceback."""
    with pytest.raises(SystemExit) as stop:
        main(["--data-dir", str(tmp_path / "d"), *args])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "no such id: " in err and "(ids are whole numbers from 1)" in err
    assert not (tmp_path / "d").exists()  # refused before the cache was opened


@pytest.mark.parametrize("command", ["stories", "search"])
@pytest.mark.parametrize("limit", ["0", "-3"])
def test_a_limit_below_one_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, limit: str
) -> None:
    # before, 0 and -3 listed one story, as if --limit 1 had been given
    args = ["--thread", "1"] if command == "stories" else ["Safarov"]
    with pytest.raises(SystemExit) as stop:
        main(["--data-dir", str(tmp_path), command, *args, "--limit", limit])
    assert stop.value.code == 2
    assert f"must be 1 or more: '{limit}'" in capsys.readouterr().err


def test_a_huge_limit_means_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "stories", "--thread", "1", "--limit",
                 "99999999999999999999", "--json"]) == 0  # fmt: skip
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == [1]  # the seed story
