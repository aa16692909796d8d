"""CLI and export polish: `threads` in the configured zone, singular/plural counts, the seed
article's time in exports and on the sparkline. Real caches in tmp_path, the CLI in-process."""

from __future__ import annotations

import json
from pathlib import Path

import export_db
import pytest

from briefing.cli import main

CONFIG = """\
[settings]
timezone = "{zone}"

[[feeds]]
name = "OC Media"
url = "https://oc-media.org/feed/"
"""


def make_env(tmp_path: Path, zone: str = "Asia/Baku") -> Path:
    export_db.build(tmp_path).close()
    (tmp_path / "feeds.toml").write_text(CONFIG.format(zone=zone))
    return tmp_path


@pytest.fixture()
def env(tmp_path: Path) -> Path:
    return make_env(tmp_path)


def cli(env: Path, *args: str) -> int:
    return main(["--feeds", str(env / "feeds.toml"), "--data-dir", str(env / "data"), *args])


def thread_lines(env: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """`briefing threads --all`: thread title -> its second (counts) line."""
    assert cli(env, "threads", "--all") == 0
    lines = capsys.readouterr().out.splitlines()
    return {lines[i].split(maxsplit=1)[1]: lines[i + 1].strip() for i in range(0, len(lines), 2)}


# ------------------------------------------------------------ 1. threads in the configured zone
def test_threads_prints_times_in_the_configured_zone(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = thread_lines(env, capsys)
    # the border thread last moved at 09:00 UTC (its wire copy's publication time): 13:00 in
    # Baku, named as `export` and `show` name it
    border = lines["Armenia–Azerbaijan border talks"]
    assert border.endswith("last moved 2025-06-30 13:00 (Asia/Baku, UTC+04:00)"), border
    assert "09:00" not in border and not border.endswith("UTC")
    assert cli(env, "export", "--since", "2025-06-29", "--no-record") == 0
    assert "(Asia/Baku, UTC+04:00)" in capsys.readouterr().out  # the same label


def test_threads_follows_another_zone_and_daylight_saving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = make_env(tmp_path, "America/New_York")
    border = thread_lines(env, capsys)["Armenia–Azerbaijan border talks"]
    assert border.endswith("last moved 2025-06-30 05:00 (America/New_York, UTC-04:00)"), border


def test_threads_json_stays_iso_8601_utc_with_offset(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(env, "threads", "--all", "--json") == 0
    data = {t["title"]: t for t in json.loads(capsys.readouterr().out)}
    assert data["Armenia–Azerbaijan border talks"]["updated"] == "2025-06-30T09:00:00+00:00"
