"""`briefing fetch`: bring every feed (and its new articles' text) up to date."""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import sys
import textwrap
import time
from datetime import UTC, datetime, tzinfo
from typing import TextIO

from briefing.cli import EXIT_FAIL, EXIT_OK, EXIT_USAGE, Context, add_command
from briefing.export.briefing import format_time, localise, resolve_zone
from briefing.refresh import (
    FeedReport,
    Progress,
    RefreshBusy,
    RefreshSummary,
    refresh,
    refresh_lock,
)
from briefing.sanitize import clean_line
from briefing.textfmt import json_text, noun, plural


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "fetch",
        "bring every feed up to date: new items, their article text, crisis threads",
        "briefing fetch\n"
        "briefing fetch --json --no-articles\n"
        "briefing fetch --feed 'OC Media' --feed JAMnews --concurrency 8\n"
        "briefing fetch --force --feed JAMnews",
    )
    parser.epilog = (parser.epilog or "") + (
        "\n\nA progress bar goes to stderr when it is a terminal; the summary (or the --json"
        "\nobject) to stdout.\n\n"
        "exit status: 0 when at least one feed was fetched or not modified (feeds backing off"
        "\nare not tried; no feeds at all is 0 too); 1 when the fetch reached none of the feeds"
        "\nit tried (--json still prints the summary), another fetch holds this cache's lock,"
        "\nor the cache cannot be written; 2 bad usage or a bad feeds.toml, nothing fetched."
    )
    parser.add_argument(
        "--json", action="store_true", help="print one JSON summary object (per feed and totals)"
    )
    parser.add_argument(
        "--no-articles", action="store_true", help="do not download the linked article pages"
    )
    parser.add_argument(
        "--feed",
        action="append",
        metavar="NAME",
        default=None,
        help="only this feed (name or URL as in feeds.toml); repeat for several",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="also request feeds that are backing off (after failures, or a server's 429/503"
        " Retry-After) and feeds marked gone (410), instead of reporting them skipped; a"
        " success clears their errors, a new failure is recorded as usual and starts a new"
        " wait; combine with --feed to retry one feed",
    )
    parser.add_argument(
        "--concurrency",
        type=_positive,
        metavar="N",
        help="requests in flight at once (default: settings.concurrency, 32)",
    )
    parser.add_argument(
        "--per-host",
        type=_positive,
        metavar="N",
        help="requests in flight to one host (default: settings.per_host, 4)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    config = ctx.config  # a bad config stops us here (exit 2), before anything is touched
    from briefing.refresh import select_feeds

    try:
        select_feeds(config, args.feed)
    except ValueError as exc:
        print(f"briefing fetch: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not config.feeds:
        return no_feeds(args, ctx)
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(refresh_lock(ctx.data_dir))
        except RefreshBusy as exc:
            print(f"briefing fetch: {exc}; not starting a second one", file=sys.stderr)
            return EXIT_FAIL
        except OSError as exc:  # the data directory cannot hold the lock file
            print(
                f"briefing fetch: cannot lock {ctx.data_dir}: {exc.strerror or exc}",
                file=sys.stderr,
            )
            return EXIT_FAIL
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
        store = ctx.open_store()
        try:
            summary = refresh(
                store,
                config,
                feed_names=args.feed,
                articles=False if args.no_articles else None,
                concurrency=args.concurrency,
                per_host=args.per_host,
                progress=bar.update if bar else None,
                force=args.force,
            )
        finally:
            if bar:
                bar.close()
            store.close()
    if args.json:
        sys.stdout.write(json_text(summary.as_dict(), indent=2))
        sys.stdout.write("\n")
    else:
        # times as `briefing feeds` gives them: the configured zone, named
        print_summary(summary, sys.stdout, *resolve_zone(config.settings.timezone))
    return EXIT_FAIL if none_reached(summary) else EXIT_OK


def none_reached(summary: RefreshSummary) -> bool:
    """Every feed the run tried failed (a feed backing off was not tried; one that said 'not
    modified' was reached)."""
    tried = [r for r in summary.feeds if r.status != "skipped"]
    return bool(tried) and not any(r.status in ("ok", "not_modified") for r in tried)


def no_feeds(args: argparse.Namespace, ctx: Context) -> int:
    """feeds.toml lists no feed: nothing to fetch, which is no failure. The cache is opened
    (made, with its seed thread, if new) as a fetch would."""
    ctx.open_store().close()
    message = f"no feeds in {ctx.feeds_path}: add one with `briefing feeds add URL`"
    if args.json:
        now = datetime.now(UTC).replace(microsecond=0)  # as a run's times
        summary = RefreshSummary(started=now, finished=now)
        sys.stdout.write(json_text(summary.as_dict(), indent=2))
        sys.stdout.write("\n")
        print(f"briefing fetch: {message}", file=sys.stderr)
    else:
        print(message)
    return EXIT_OK


GROUP_AT = 3  # this many feeds failing to connect for one reason share a line
_CONNECT = re.compile(r"cannot connect to [^:]+: (.+)")


def print_summary(
    summary: RefreshSummary, out: TextIO, zone: tzinfo | None = UTC, zone_name: str = ""
) -> None:
    """For a person: times in `zone` (None: the machine's) as `briefing feeds` gives them,
    "2025-06-30 14:05 (Asia/Baku, UTC+04:00)", not the ISO 8601 of --json."""

    def when(moment: datetime) -> str:
        return format_time(localise(moment, zone), zone_name)

    t = summary.totals()
    parts = [f"{t['ok']} ok", f"{t['not_modified']} not modified"]
    if t["error"] or t["gone"]:
        parts.append(f"{t['error'] + t['gone']} failed")
    if t["skipped"]:
        parts.append(f"{t['skipped']} backing off")
    line = f"fetched {plural(t['feeds'], 'feed')} in {summary.seconds:.1f} s: " + ", ".join(parts)
    line += f"; {plural(t['new'], 'new item')}"
    if t["hidden"]:  # of the new ones
        line += f" ({t['hidden']} hidden by the region filter)"
    line += f", {t['updated']} updated"
    if t["articles_extracted"] or t["articles_failed"] or t["articles_deferred"]:
        line += (
            f"; {plural(t['articles_extracted'], 'article')} extracted,"
            f" {t['articles_failed']} kept as summary"
        )
        if t["articles_deferred"]:  # the run's page budget was spent
            line += (
                f", {t['articles_deferred']} left for the next fetch"
                " (time limit, a busy outlet or a passing network error)"
            )
    print(line, file=out)
    if summary.host_waits and t["articles_deferred"]:
        waits = ", ".join(
            f"{host} until {when(until)}"
            for host, until in sorted(summary.host_waits.items(), key=lambda kv: kv[1])
        )
        print(f"  waiting  outlets that asked to wait: {clean_line(waits)}", file=out)
    if summary.threads_error:
        print(f"  threads: {summary.threads_error} (the items are stored)", file=out)
    # Feeds that cannot connect for the same reason (offline: every one says "host name not
    # found") are one line naming them, not one line each.
    failed = [r for r in summary.feeds if r.status in ("error", "gone")]
    groups: dict[str, list[FeedReport]] = {}
    for report in failed:
        if report.status == "error" and (m := _CONNECT.match(report.error or "")):
            groups.setdefault(m.group(1), []).append(report)
    grouped = {id(r) for reports in groups.values() if len(reports) >= GROUP_AT for r in reports}
    for reason, reports in groups.items():
        if len(reports) >= GROUP_AT:
            names = ", ".join(clean_line(r.name) for r in reports)
            print(f"  error  {plural(len(reports), 'feed')} cannot connect: {reason}", file=out)
            print(textwrap.fill(names, width=100, initial_indent=" " * 9,
                                subsequent_indent=" " * 9), file=out)  # fmt: skip
    for report in summary.feeds:
        if id(report) in grouped:
            continue
        # a name written by hand may hold a bidi override (feeds.toml refuses only controls)
        name = clean_line(report.name)
        if report.status in ("error", "gone"):
            print(f"  {report.status:<6} {name}: {report.error}", file=out)
        elif report.warning:
            print(f"  warn   {name}: {report.warning}", file=out)
    # Feeds backing off were not requested at all: say so, when they are due, and how to try
    # them now (a user back online after a failed fetch otherwise sees "0 new items" only).
    waiting = [r for r in summary.feeds if r.status == "skipped" and r.next_check]
    if waiting:
        first = min(r.next_check for r in waiting if r.next_check)
        print(
            f"  {plural(len(waiting), 'feed')} backing off after failures, not requested"
            f" (the first is due {when(first)}); `briefing fetch --force` requests"
            f" {'it' if len(waiting) == 1 else 'them'} now",
            file=out,
        )
    if failed and len(failed) == len(summary.feeds) and len(grouped) == len(failed):
        print(
            "No feed could be reached: is this machine online? The cached stories are all kept.",
            file=out,
        )


class ProgressBar:
    """One self-rewriting line on a terminal: feeds done / total, articles, failures."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.last = 0.0
        self.shown = False

    def update(self, p: Progress) -> None:
        now = time.monotonic()
        final = p.feeds_done == p.feeds_total and p.articles_done == p.articles_total
        if not final and now - self.last < 0.1:
            return
        self.last = now
        width = max(10, min(30, shutil.get_terminal_size((80, 20)).columns - 60))
        done = p.feeds_done / p.feeds_total if p.feeds_total else 1.0
        filled = int(done * width)
        feeds = f"{p.feeds_done}/{p.feeds_total} {noun(p.feeds_total, 'feed')}"
        text = f"[{'#' * filled}{'-' * (width - filled)}] {feeds}"
        if p.articles_total:
            articles = noun(p.articles_total, "article")
            text += f", {p.articles_extracted}/{p.articles_total} {articles}"
        if p.failures or p.articles_failed:
            text += f", {plural(p.failures, 'feed failure')}"
        self.out.write("\r\x1b[2K" + text)
        self.out.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.out.write("\r\x1b[2K")
            self.out.flush()
