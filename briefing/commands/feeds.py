"""`briefing feeds`: the configured feeds and their last status from the cache."""

from __future__ import annotations

import argparse
import contextlib
from datetime import UTC, tzinfo
from typing import Any

from briefing.cli import Context, add_command, iso
from briefing.export.briefing import format_time, localise, resolve_zone
from briefing.models import FeedState
from briefing.sanitize import clean_line
from briefing.textfmt import json_text, plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "feeds",
        "list the configured feeds with their state (ok, failing, backing off, gone)",
        "briefing feeds\nbriefing feeds --json\nbriefing feeds add https://example.org/feed/ --tag caucasus",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.set_defaults(func=run)
    # `feeds add` / `feeds remove` edit the user's feeds.toml (briefing.export.feedsfile).
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    with contextlib.suppress(ImportError):
        from briefing.export.feedsfile import register_feed_edit_commands

        register_feed_edit_commands(actions)


def feed_json(state: FeedState) -> dict[str, Any]:
    return {
        "name": state.name,
        "url": state.url,
        "tags": list(state.tags),
        "status": state.status,
        "last_checked": iso(state.last_checked),
        "last_success": iso(state.last_success),
        "next_check": iso(state.next_check),
        "error_count": state.error_count,
        "last_error": state.last_error,
        "moved_to": clean_line(state.moved_to) or None,
    }


def moved_note(state: FeedState) -> str | None:
    """'moved permanently to URL: update feeds.toml' for a feed that answers with 301/308."""
    url = clean_line(state.moved_to, 300)
    return f"moved permanently to {url}: update feeds.toml" if url else None


def describe(state: FeedState, zone: tzinfo | None = UTC, zone_name: str = "") -> str:
    """One feed's state in words; its next try in `zone` (None: the machine's), named as
    `threads`, `show` and `export` name it."""
    if state.status == "new":
        return "never fetched"
    text = state.status.replace("_", " ")
    if state.status in ("error", "backoff") and state.error_count:
        text += f" ({state.error_count} in a row)"
    if state.next_check and state.status in ("error", "backoff"):
        text += f", next try {format_time(localise(state.next_check, zone), zone_name)}"
    error = clean_line(state.last_error, 300)  # cleaned when stored; a cache is no promise
    if error and state.status in ("ok", "not_modified"):
        # a warning from the parse (items kept from malformed XML, a shared GUID)
        text += f" (warning: {error})"
    elif error:
        text += f": {error}"
    moved = moved_note(state)
    if moved:
        text += f"; {moved}"
    return text


def run(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        states = store.feeds()
    if args.json:
        print(json_text([feed_json(s) for s in states], indent=2))
        return 0
    # times in the configured zone, named, as `threads`, `show` and `export` give them
    zone, zone_name = resolve_zone(ctx.config.settings.timezone)
    # the URL may come from someone else's OPML, a name written by hand may hold a bidi
    # override (feeds.toml refuses only controls): neither printed with one
    names = [clean_line(s.name) for s in states]
    width = max(map(len, names), default=4)
    for state, name in zip(states, names, strict=True):
        text = describe(state, zone, zone_name)
        print(f"{name:<{width}}  {text}\n{'':<{width}}  {clean_line(state.url)}")
    print(f"{plural(len(states), 'feed')} from {ctx.feeds_path}")
    return 0
