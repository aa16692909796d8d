"""`briefing doctor`: check the config and the cache, print the paths in use."""

from __future__ import annotations

import argparse
import sqlite3

from briefing.cli import Context, add_command, cache_damage, damaged_advice, damaged_text
from briefing.config import Config, ConfigError, key_clashes, user_feeds_path
from briefing.textfmt import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "doctor",
        "check feeds.toml and the cache (integrity), print the paths in use",
        "briefing doctor\nbriefing --data-dir /tmp/x doctor",
    )
    parser.epilog = (parser.epilog or "") + (
        "\n\nexit status: 0 when all is well, 1 otherwise (a bad feeds.toml, a damaged,"
        "\nunreadable or read-only cache, a key given to two actions in [keys])"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from briefing.store import DB_FILENAME

    ok = True
    print(f"config      {ctx.feeds_path}")
    print(
        f"user config {user_feeds_path()} ({'present' if user_feeds_path().exists() else 'absent'})"
    )
    print(f"cache       {ctx.data_dir / DB_FILENAME}")
    try:
        from briefing.store.schema import SEED_FILE

        config = ctx.config
        # the shipped seed thread is thread 1 of every cache, listed in feeds.toml or not
        listed = any(t.seed == SEED_FILE for t in config.threads)
        shipped = "" if listed else " (and thread 1, the shipped seed, which every cache has)"
        print(
            f"feeds.toml  ok: {plural(len(config.feeds), 'feed')}, "
            f"{plural(len(config.threads), 'pinned thread')}{shipped}"
        )
    except ConfigError as exc:
        print(f"feeds.toml  ERROR: {exc}")
        ok = False
    else:
        ok = check_keys(config) and ok
    path = ctx.data_dir / DB_FILENAME
    if not path.exists():
        print("cache       not created yet (it is made on first use)")
        return 0 if ok else 1
    return 0 if check_cache(ctx) and ok else 1


def check_keys(config: Config) -> bool:
    """feeds.toml [keys]: a line when it remaps any, an ERROR line for each clash."""
    keymap = config.settings.keys
    if not keymap:
        return True
    clashes = key_clashes(keymap)
    for line in clashes:
        print(f"keys        ERROR: {line}")
    if not clashes:
        print(f"keys        ok: {plural(len(keymap), 'key binding')} remapped, no clash")
    return not clashes


def check_cache(ctx: Context) -> bool:
    """The cache lines: what it holds, then its integrity. A damaged file is reported (never
    changed) and the checks that can still run, run. True when all is well."""
    from briefing.store import Store, StoreError
    from briefing.store.db import read_only_hint

    path = ctx.cache_path

    def damaged(what: str, exc: BaseException) -> bool:
        detail = cache_damage(exc)
        if detail is None:
            if isinstance(exc, StoreError):
                print(f"{what}ERROR: {exc}")
                return False
            raise exc
        print(f"{what}ERROR: {damaged_text(path, detail)}")
        print(f"{'':12}{damaged_advice(path, doctor=False)}")
        return False

    try:
        store = Store.open(ctx.data_dir, create=False)
    except StoreError as exc:
        return damaged("cache       ", exc)
    ok = True
    with store:
        try:
            counts = store.counts()
            print(
                f"cache       schema {store.schema_version}, journal {store.journal_mode}, "
                f"{plural(counts['articles'], 'article')}, {plural(counts['threads'], 'thread')}, "
                f"{plural(counts['feeds'], 'feed')}"
            )
        except sqlite3.DatabaseError as exc:
            ok = damaged("cache       ", exc)
        try:
            problems = [p for p in store.integrity_check() if p != "ok"]
        except sqlite3.DatabaseError as exc:
            return damaged("integrity   ", exc) and ok
        if problems:
            print("integrity   ERROR: " + "; ".join(problems[:5]))
            return False
        print("integrity   ok")
    # every other command writes on opening (and WAL keeps -wal/-shm files beside the cache):
    # a read-only file or directory stops them all, while the checks above pass
    hint = read_only_hint(path)
    if hint:
        print(f"writable    ERROR: {hint.removeprefix('; ')}")
        return False
    return ok
