"""Commands that only check a thread id (or need its title) use the cheap lookup, never the
whole thread view; the "no thread N" error reads the same in every command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_tui_support import FEEDS

from briefing.cli import main
from briefing.store import Store


@pytest.fixture
def cli(cache, tmp_path: Path, monkeypatch):
    feeds = tmp_path / "feeds.toml"
    feeds.write_text("".join(f'[[feeds]]\nname = "{f.name}"\nurl = "{f.url}"\n\n' for f in FEEDS))

    def whole_view(self: Store, thread_id: int) -> None:
        raise AssertionError(f"Store.thread({thread_id}) built the whole view for a check")

    monkeypatch.setattr(Store, "thread", whole_view)

    def run(*args: str) -> int:
        return main(["--feeds", str(feeds), "--data-dir", str(tmp_path / "data"), *args])

    return run


def test_thread_title_finds_what_thread_finds(cache) -> None:
    store = cache.store
    georgia, armenia = cache.threads["georgia"], cache.threads["armenia"]
    empty = store.create_thread("New thread")
    assert store.thread_title(georgia) == "Georgia: protests over the foreign agents bill"
    assert store.thread_exists(empty) and store.thread(empty) is not None
    assert not store.thread_exists(99999) and store.thread_title(99999) is None
    store.merge_threads(armenia, georgia)
    assert store.thread(armenia) is None and not store.thread_exists(armenia)


def test_commands_check_thread_ids_without_the_whole_view(cache, cli, capsys) -> None:
    ids, th = cache.ids, cache.threads
    assert cli("stories", "--thread", str(th["armenia"]), "--json") == 0
    assert len(json.loads(capsys.readouterr().out)) == 3
    assert cli("show", str(ids["a1"]), "--json") == 0
    assert json.loads(capsys.readouterr().out)["thread_title"] == "Armenia–Azerbaijan border talks"
    assert cli("show", str(ids["a1"])) == 0
    assert f"thread {th['armenia']}: Armenia–Azerbaijan border talks" in capsys.readouterr().out
    assert cli("rename", str(th["armenia"]), "Border talks") == 0
    assert cli("move", str(ids["a1"]), str(th["georgia"])) == 0
    assert cli("export", "--thread", str(th["georgia"]), "--no-record") == 0
    assert cli("merge", str(th["armenia"]), str(th["georgia"])) == 0
    capsys.readouterr()
    see = "(see `briefing threads --all`)"
    for args, command in [
        (("stories", "--thread", "98"), "stories"),
        (("rename", "98", "T"), "rename"),
        (("move", str(ids["g1"]), "98"), "move"),
        (("export", "--thread", "98"), "export"),
    ]:
        assert cli(*args) == 2
        assert capsys.readouterr().err == f"briefing {command}: no thread 98 {see}\n"
    assert cli("merge", "98", "99") == 2
    assert capsys.readouterr().err == f"briefing merge: no thread 98, 99 {see}\n"
    assert cli("merge", str(th["armenia"]), str(th["seed"])) == 2  # merged away: gone
    assert capsys.readouterr().err == f"briefing merge: no thread {th['armenia']} {see}\n"
