"""`briefing doctor`: check the config and the cache, print the paths in use."""

from __future__ import annotations

import argparse

from briefing.cli import Context, add_command
from briefing.config import ConfigError, user_feeds_path
from briefing.textfmt import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "doctor",
        "check feeds.toml and the cache (integrity), print the paths in use",
        "briefing doctor\nbriefing --data-dir /tmp/x doctor",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from briefing.store import DB_FILENAME, Store, StoreError

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
    if not (ctx.data_dir / DB_FILENAME).exists():
        print("cache       not created yet (it is made on first use)")
        return 0 if ok else 1
    try:
        with Store.open(ctx.data_dir, create=False) as store:
            problems = [p for p in store.integrity_check() if p != "ok"]
            counts = store.counts()
            print(
                f"cache       schema {store.schema_version}, journal {store.journal_mode}, "
                f"{plural(counts['articles'], 'article')}, {plural(counts['threads'], 'thread')}, "
                f"{plural(counts['feeds'], 'feed')}"
            )
            if problems:
                ok = False
                print("integrity   ERROR: " + "; ".join(problems[:5]))
            else:
                print("integrity   ok")
    except StoreError as exc:
        print(f"cache       ERROR: {exc}")
        ok = False
    return 0 if ok else 1
