"""`briefing export`: write a cited briefing (markdown, html or json) to stdout or a file."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from briefing.cli import EXIT_USAGE, Context, add_command, ident, missing_threads, write_output
from briefing.export.briefing import (
    RENDERERS,
    build_briefing,
    last_export,
    localise,
    parse_since,
    record_export,
    render,
    resolve_zone,
)
from briefing.textfmt import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "export",
        "write a briefing grouped by thread, with times, excerpts and numbered sources",
        "briefing export                       # everything since the last export\n"
        "briefing export --since 24h --format html -o today.html\n"
        "briefing export --marked -o briefing.md\n"
        "briefing export --thread 1 --thread 4 --since 2025-06-28 --format json | jq .sources",
    )
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="a duration back from now (90m, 24h, 7d, 2w) or a date/time in the configured zone "
        "(2025-06-30, 2025-06-30T08:00); default: since the last export (first time: 24h)",
    )
    parser.add_argument(
        "--thread",
        metavar="ID",
        type=ident,
        action="append",
        default=[],
        help="only this thread (repeatable); without --since, the whole thread",
    )
    parser.add_argument(
        "--marked",
        action="store_true",
        help="the stories marked for the briefing in the app (with --since: only recent ones)",
    )
    parser.add_argument(
        "--format", choices=list(RENDERERS), default="markdown", help="default: markdown"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="don't remember this export (the next default export starts where it would have)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context, *, now: datetime | None = None) -> int:
    config = ctx.config
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)  # as stored
    since = None
    if args.since is not None:  # "" too: an empty window is a mistake, not the default one
        zone, _ = resolve_zone(config.settings.timezone)
        try:
            since = parse_since(args.since, now, zone)
        except ValueError as exc:
            print(f"briefing export: --since: {exc}", file=sys.stderr)
            return EXIT_USAGE
    with ctx.open_store() as store:
        if (failed := missing_threads(store, "export", args.thread)) is not None:
            return failed
        default_window = since is None and not args.thread and not args.marked
        previous = last_export(store) if default_window else None
        model = build_briefing(
            store, config, since=since, thread_ids=args.thread, marked=args.marked, now=now
        )
        text = render(model, args.format)
        if model.story_count == 0:
            _say_empty(args, previous, config.settings.timezone)
        if args.output:
            if model.story_count == 0 and Path(args.output).is_file():
                # an empty briefing never replaces one (running the same export twice in a
                # row is the usual way to get an empty one)
                print(f"briefing export: {args.output} left as it was", file=sys.stderr)
                return 0
            if (failed := write_output("export", args.output, text)) is not None:
                return failed
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        if not args.no_record:
            record_export(store, model)
    if args.output:
        print(
            f"{plural(model.story_count, 'story', 'stories')} in "
            f"{plural(len(model.threads), 'thread')} -> {args.output}",
            file=sys.stderr,
        )
    return 0


def _say_empty(args: argparse.Namespace, previous: datetime | None, timezone: str) -> None:
    """Why a briefing is empty, on stderr, with the option that widens it."""
    if args.marked:
        why = "no story is marked for the briefing" + (" in that window" if args.since else "")
    elif args.thread and not args.since:
        why = "those threads have no visible stories"
    elif args.since:
        why = "no story first seen in that window"
    elif previous is not None:
        zone, _ = resolve_zone(timezone)
        when = localise(previous, zone).strftime("%Y-%m-%d %H:%M %Z")
        why = f"nothing new since the last export ({when}); --since 24h covers the last day"
    else:
        why = "no story first seen in the last 24 hours; --since 7d covers the last week"
    print(f"briefing export: empty briefing: {why}", file=sys.stderr)
