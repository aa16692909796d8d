"""`briefing threads`: the crisis threads in display order."""

from __future__ import annotations

import argparse
from datetime import timedelta
from typing import Any

from briefing.cli import Context, add_command
from briefing.export.briefing import format_time, localise, resolve_zone
from briefing.models import Thread
from briefing.sanitize import clean_line
from briefing.textfmt import json_text, plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "threads",
        "list crisis threads: pinned first, then by latest activity",
        "briefing threads\nbriefing threads --all --json | jq '.[0]'",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--all", action="store_true", help="include dormant threads (quiet for a long time)"
    )
    parser.set_defaults(func=run)


def thread_json(thread: Thread) -> dict[str, Any]:
    """One thread as `threads --json` prints it; `updated` is ISO 8601 in UTC (`+00:00`), as
    every time from the cache is in the commands' JSON (README, "JSON output"), or null for a
    thread with no dated story (the seed thread holding only the seed article)."""
    return {
        "id": thread.id,
        "title": clean_line(thread.title),
        "pinned": thread.pinned,
        "muted": thread.muted,
        "dormant": thread.dormant,
        "stories": thread.stories,
        "sources": thread.sources,
        "unread": thread.unread,
        "updated": thread.updated.isoformat() if thread.updated else None,
    }


def run(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.config
    with ctx.open_store() as store:
        threads = store.threads(
            include_dormant=args.all,
            dormant_after=timedelta(days=config.settings.dormant_after_days),
        )
    if args.json:
        print(json_text([thread_json(t) for t in threads], indent=2))
        return 0
    if not threads:
        print("No threads yet.")
        return 0
    # times in the configured zone, named, as `show` and `export` give them
    zone, zone_name = resolve_zone(config.settings.timezone)
    for t in threads:
        # "pinned, 1 story", not "pinned 1 story" (which reads as one story pinned)
        flags = "".join(
            f"{flag}, " for flag, on in (("pinned", t.pinned), ("muted", t.muted)) if on
        )
        # a thread with no dated story (the seed article alone) has no news time to give
        moved = (
            f"last moved {format_time(localise(t.updated, zone), zone_name)}"
            if t.updated
            else "no news yet"
        )
        # no "0 outlets" for a thread holding only the seed article (it has no outlet)
        outlets = f"{plural(t.sources, 'outlet')}, " if t.sources else ""
        print(
            f"{t.id:>5}  {clean_line(t.title)}\n       {flags}"
            f"{plural(t.stories, 'story', 'stories')}, {outlets}{t.unread} unread, {moved}"
        )
    return 0
