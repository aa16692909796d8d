"""`briefing mark`, `pin` and `mute`: the app's triage keys from scripts, stored exactly as the
app stores them, with clear errors that change nothing."""

from __future__ import annotations

import pytest


def flags(cache, key: str) -> tuple[bool, bool, bool, bool]:
    s = cache.store.story(cache.ids[key])
    return (s.read, s.starred, s.in_briefing, s.hidden)


def test_mark_sets_and_clears_each_flag(cache, run, capsys):
    g1, a1 = cache.ids["g1"], cache.ids["a1"]
    before = flags(cache, "a2")
    assert run("mark", str(g1), str(a1), "--read", "--star", "--briefing") == 0
    assert capsys.readouterr().out == f"2 stories ({g1}, {a1}): read, starred, in the briefing\n"
    assert flags(cache, "g1") == flags(cache, "a1") == (True, True, True, False)
    assert flags(cache, "a2") == before  # only the stories named
    # `briefing stories` shows each flag (before, a star did not show)
    assert run("stories", "--thread", str(cache.threads["georgia"])) == 0
    captured = capsys.readouterr()
    line = next(x for x in captured.out.splitlines() if x.startswith(f"{g1:>6} "))
    assert line.startswith(f"{g1:>6} * s  ")
    assert "s = starred" in captured.err
    assert run("mark", str(g1), "--unread", "--unstar", "--hide") == 0
    assert capsys.readouterr().out == f"1 story ({g1}): unread, not starred, hidden\n"
    assert flags(cache, "g1") == (False, False, True, True)  # in_briefing left as it was
    assert run("mark", str(g1), "--unhide", "--no-briefing") == 0
    assert flags(cache, "g1") == (False, False, False, False)
    # What the export reads: the briefing's marked stories.
    assert [s.id for s in cache.store.marked()] == [a1]


def test_mark_thread_read_is_the_apps_A(cache, run, capsys):
    georgia = cache.threads["georgia"]
    unread = [s for s in cache.store.stories(georgia) if not s.read]
    assert unread
    assert run("mark", "--thread", str(georgia), "--read") == 0
    assert "marked read" in capsys.readouterr().out
    assert all(s.read for s in cache.store.stories(georgia))
    assert not all(s.read for s in cache.store.stories(cache.threads["armenia"]))


def test_mark_refuses_bad_requests_and_changes_nothing(cache, run, capsys):
    g1 = str(cache.ids["g1"])
    before = {k: flags(cache, k) for k in cache.ids}
    assert run("mark", g1, "99999", "--read") == 2  # one unknown id: none is marked
    assert "no story 99999" in capsys.readouterr().err
    assert run("mark", g1) == 2
    assert "say what to mark" in capsys.readouterr().err
    assert run("mark", "--read") == 2
    assert "give one or more story ids" in capsys.readouterr().err
    assert run("mark", "--thread", "99999", "--read") == 2
    assert "no thread 99999" in capsys.readouterr().err
    assert run("mark", "--thread", str(cache.threads["georgia"]), "--star") == 2
    assert "--thread takes --read only" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run("mark", g1, "--read", "--unread")  # argparse: not both
    assert exc.value.code == 2
    capsys.readouterr()
    assert {k: flags(cache, k) for k in cache.ids} == before


def test_pin_and_mute(cache, run, capsys):
    armenia = cache.threads["armenia"]

    def thread():
        return next(t for t in cache.store.threads(include_dormant=True) if t.id == armenia)

    assert run("pin", str(armenia)) == 0 and thread().pinned
    assert run("mute", str(armenia)) == 0 and thread().muted
    assert run("pin", str(armenia), "--off") == 0 and not thread().pinned
    assert run("mute", str(armenia), "--off") == 0 and not thread().muted
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{w} thread {armenia}" for w in ("pinned", "muted", "unpinned", "unmuted")]
    assert run("pin", "99999") == 2
    assert "no thread 99999" in capsys.readouterr().err


def test_a_locked_cache_is_a_clear_error_not_a_traceback(cache, run, capsys, monkeypatch):
    """A cache another program holds past the busy timeout: one line saying so, exit 1, and
    (one transaction for every id) no story marked."""
    import sqlite3

    from briefing.store import Store

    def locked(self, *args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    before = {k: flags(cache, k) for k in cache.ids}
    monkeypatch.setattr(Store, "set_triage_many", locked)
    assert run("mark", str(cache.ids["g1"]), str(cache.ids["a1"]), "--read") == 1
    err = capsys.readouterr().err
    assert err.startswith("briefing: the cache could not be written: database is locked")
    assert "Traceback" not in err
    assert {k: flags(cache, k) for k in cache.ids} == before
