"""`briefing move`, `merge`, `split` and `rename`: the app's curation from scripts, stored as the
user's decisions, with clear errors for ids that do not exist."""

from __future__ import annotations

import sqlite3

import pytest


def rows(cache) -> dict[int, tuple[int, str, int | None]]:
    with sqlite3.connect(cache.store.path) as db:
        found = db.execute("SELECT article_id, thread_id, decided_by, duplicate_of FROM membership")
        return {a: (t, d, dup) for a, t, d, dup in found}


def titles(cache) -> dict[int, str]:
    return {t.id: t.title for t in cache.store.threads(include_dormant=True)}


def test_move_to_a_thread_and_to_a_new_one(cache, run, capsys):
    ids, th = cache.ids, cache.threads
    assert run("move", str(ids["g1"]), str(th["armenia"])) == 0
    assert capsys.readouterr().out == f"moved story {ids['g1']} to thread {th['armenia']}\n"
    now = rows(cache)
    assert now[ids["g1"]] == (th["armenia"], "user", None)
    assert now[ids["g1-copy"]][0] == th["armenia"]  # the copy follows its story
    assert run("move", str(ids["a2"]), "--new", "Lachin \x1b[31mtalks") == 0
    new = rows(cache)[ids["a2"]][0]
    assert titles(cache)[new] == "Lachin talks"  # one line, no escape sequence


def test_move_refuses_unknown_ids_and_copies(cache, run, capsys):
    before, threads = rows(cache), titles(cache)
    assert run("move", "99999", str(cache.threads["armenia"])) == 2
    assert "no story 99999" in capsys.readouterr().err
    assert run("move", str(cache.ids["g1"]), "99999") == 2
    assert "no thread 99999" in capsys.readouterr().err
    assert run("move", str(cache.ids["g1-copy"]), "--new", "x") == 2
    assert "is a copy of" in capsys.readouterr().err
    assert rows(cache) == before and titles(cache) == threads  # nothing written, no new thread


def test_merge(cache, run, capsys):
    th = cache.threads
    assert run("merge", str(th["armenia"]), str(th["armenia"])) == 2
    assert run("merge", str(th["armenia"]), str(th["georgia"])) == 0
    assert {t for t, _d, _dup in rows(cache).values()} == {1, th["georgia"]}
    assert th["armenia"] not in titles(cache)
    assert run("merge", str(th["armenia"]), str(th["georgia"])) == 2  # gone now
    assert "no thread" in capsys.readouterr().err


def test_split_and_rename(cache, run, capsys):
    ids, georgia = cache.ids, cache.threads["georgia"]
    assert run("split", str(ids["g2"]), "--title", "The bill") == 0
    out = capsys.readouterr().out
    assert out.startswith(f"split thread {georgia}: 3 stories now in thread ")
    new = int(out.rsplit(" ", 1)[1])
    assert titles(cache)[new] == "The bill"
    # a title typed with --title is the user's: the engine's labels never replace it (before,
    # the next fetch relabelled the thread from its headlines)
    assert next(t for t in cache.store.threads() if t.id == new).user_titled
    assert not cache.store.rename_thread(new, "An engine label", by_user=False)
    assert titles(cache)[new] == "The bill"
    assert rows(cache)[ids["g1"]] == (new, "user", None)
    assert rows(cache)[ids["g4"]][0] == georgia
    assert run("split", str(ids["g3"])) == 2  # the oldest story: everything would move
    assert "nothing to split" in capsys.readouterr().err
    assert run("rename", str(new), "Foreign agents law") == 0
    thread = next(t for t in cache.store.threads() if t.id == new)
    assert thread.title == "Foreign agents law" and thread.user_titled
    assert run("rename", str(new), "  \x07 ") == 2  # nothing left of the title


@pytest.mark.parametrize(
    "args",
    [
        ("move", "g1", "--new", "Протест\udcff"),
        ("split", "g2", "--title", "\udcf0\udcf0"),
        ("rename", "georgia", "\udcffab"),
    ],
)
def test_a_title_that_is_not_utf8_is_a_usage_error(cache, run, capsys, args):
    """A title typed in a terminal set to another encoding (cp1251 over ssh): Python keeps the
    bytes as lone surrogates, which the cache cannot take. Before: a UnicodeEncodeError
    traceback from SQLite, exit 1. Now: exit 2, one line, nothing written."""
    ids = {**cache.ids, **cache.threads}
    before, threads = rows(cache), titles(cache)
    with pytest.raises(SystemExit) as exc:
        run(*(str(ids.get(a, a)) for a in args))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text" in err and "Traceback" not in err
    assert rows(cache) == before and titles(cache) == threads
