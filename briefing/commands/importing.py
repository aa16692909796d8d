"""`briefing import FILE` (OPML or newsboat urls -> feeds.toml) and `briefing export-opml`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from briefing.cli import EXIT_USAGE, Context, add_command, write_output
from briefing.export.feedsfile import FeedEditError, add_feeds
from briefing.export.newsboat import parse_urls
from briefing.export.opml import ImportFormatError, ParsedList, config_opml, parse_opml
from briefing.sanitize import clean_line
from briefing.textfmt import plural


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "import",
        "add the feeds of an OPML file or a newsboat urls file to your feeds.toml",
        "briefing import ~/Downloads/feedly.opml\n"
        "briefing import ~/.newsboat/urls --dry-run\n"
        "briefing import - < subscriptions.opml",
    )
    parser.add_argument("file", metavar="FILE", help="OPML (1.0/2.0) or newsboat urls; - = stdin")
    parser.add_argument(
        "--format",
        choices=["auto", "opml", "newsboat"],
        default="auto",
        help="default: auto (a file starting with '<' is OPML)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="show what would be added; change nothing"
    )
    parser.set_defaults(func=run_import)

    out = add_command(
        subparsers,
        "export-opml",
        "write your feeds as OPML 2.0 (tags become categories), for another reader",
        "briefing export-opml -o feeds.opml",
    )
    out.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    out.set_defaults(func=run_export_opml)


def read_feed_list(data: bytes, fmt: str = "auto") -> ParsedList:
    """Parse OPML or a newsboat urls file; ImportFormatError names the line."""
    if fmt == "auto":
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
        fmt = (
            "opml"
            if head.startswith(b"<") or head[:2] in (b"\xff\xfe", b"\xfe\xff")
            else "newsboat"
        )
    if fmt == "opml":
        return parse_opml(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFormatError(line, "not UTF-8 text; is this a newsboat urls file?") from None
    return parse_urls(text)


def run_import(args: argparse.Namespace, ctx: Context) -> int:
    label = "stdin" if args.file == "-" else args.file
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        print(f"briefing import: {label}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        parsed = read_feed_list(data, args.format)
    except ImportFormatError as exc:
        print(f"briefing import: {label}: {exc}; nothing was changed", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = add_feeds(ctx.feeds_path, parsed.feeds, dry_run=args.dry_run)
    except FeedEditError as exc:
        print(f"briefing import: {exc}; nothing was changed", file=sys.stderr)
        return EXIT_USAGE
    verb = "would add" if args.dry_run else "added"
    print(f"{label}: {parsed.kind}, {plural(len(parsed.feeds), 'feed')} -> {result.path}")
    if result.created and result.added and not args.dry_run:
        print(f"created {result.path} from the shipped feed list")
    for feed in result.added:
        tags = f" [{clean_line(', '.join(feed.tags))}]" if feed.tags else ""
        # the list is someone else's: no bidi override printed
        print(f"  {verb}  {clean_line(feed.name)}{tags}  {clean_line(feed.url)}")
    for note in result.notes:
        print(f"  note   {note}")
    skipped = sorted(parsed.skipped + result.skipped, key=lambda s: s.line)
    for item in skipped:
        print(f"  skipped line {item.line}: {clean_line(item.what, 100)}: {item.reason}")
    print(
        f"{len(result.added)} {verb}, {len(skipped)} skipped"
        + (" (dry run: nothing was changed)" if args.dry_run else "")
    )
    return 0


def run_export_opml(args: argparse.Namespace, ctx: Context, *, now: datetime | None = None) -> int:
    config = ctx.config
    text = config_opml(config, now or datetime.now(UTC))
    if args.output:
        if (failed := write_output("export-opml", args.output, text)) is not None:
            return failed
        print(f"{plural(len(config.feeds), 'feed')} -> {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
