"""`briefing stories`, `briefing search`, `briefing show`: what the app shows, for scripts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from briefing.cli import EXIT_USAGE, Context, add_command, ident, iso, missing_threads, utf8_text
from briefing.export.briefing import (
    UNDATED,
    format_when,
    localise,
    resolve_zone,
    safe_url,
    story_time,
)
from briefing.models import Story
from briefing.sanitize import clean_line, clean_text
from briefing.textfmt import json_text


def _limit(text: str) -> int:
    """--limit N: a whole number from 1; a huge N means "all" (and stays within what SQLite
    takes). 0 or less is a usage error: it listed one story, as if 1 had been asked."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return min(value, 10**9)


def register(subparsers: argparse._SubParsersAction) -> None:
    stories = add_command(
        subparsers,
        "stories",
        "list a thread's stories, newest first (copies from other outlets folded)",
        "briefing stories --thread 1\nbriefing stories --thread 1 --json | jq '.[].link'",
    )
    stories.add_argument("--thread", metavar="ID", type=ident, required=True)
    stories.add_argument("--limit", type=_limit, default=200, metavar="N", help="default: 200")
    stories.add_argument("--json", action="store_true", help="print a JSON array")
    stories.set_defaults(func=run_stories)

    search = add_command(
        subparsers,
        "search",
        "full-text search over titles, summaries and article text",
        'briefing search Safarov\nbriefing search "Sputnik Azerbaijan" --json',
    )
    search.add_argument(
        "query",
        metavar="QUERY",
        nargs="+",
        type=utf8_text,
        help="plain words, all must match, each as a word prefix (protest finds protesters)",
    )
    search.add_argument("--limit", type=_limit, default=200, metavar="N", help="default: 200")
    search.add_argument("--json", action="store_true", help="print a JSON array")
    search.set_defaults(func=run_search)

    show = add_command(
        subparsers,
        "show",
        "print one story: headline, outlet, time, link and its text",
        "briefing show 42\nbriefing show 42 --json | jq -r .text",
    )
    show.add_argument("story_id", metavar="STORY_ID", type=ident)
    show.add_argument("--json", action="store_true", help="print a JSON object")
    show.set_defaults(func=run_show)


def story_json(story: Story) -> dict[str, Any]:
    """One story as `stories`, `search` and `show` print it (see README, "JSON output")."""
    return {
        "id": story.id,
        "thread_id": story.thread_id,
        "title": clean_line(story.title),
        "outlet": clean_line(story.outlet),
        "link": safe_url(story.link) or None,
        "author": clean_line(story.author),
        "published": iso(story.published),
        "page_date": clean_line(story.page_date) or None,
        "first_seen": iso(story.first_seen),
        "summary": clean_text(story.summary),
        "lang": story.lang,
        "read": story.read,
        "starred": story.starred,
        "marked": story.in_briefing,
        "hidden": story.hidden,
        "copies": story.copies,
    }


def _print_json(value: Any) -> None:
    print(json_text(value, indent=2))


def _lines(stories: list[Story], ctx: Context, *, with_thread: bool = False) -> None:
    zone, zone_name = resolve_zone(ctx.config.settings.timezone)
    for story in stories:
        moment = story_time(story, zone)  # None: the seed article, which has no news time
        when = f"{moment:%Y-%m-%d %H:%M}" if moment else f"{UNDATED:<16}"
        flags = (
            ("*" if story.in_briefing else " ")
            + (" " if story.read else "N")
            + ("s" if story.starred else " ")
            + ("h" if story.hidden else " ")
        )
        thread = f"  t{story.thread_id}" if with_thread and story.thread_id else ""
        copies = f" (+{story.copies})" if story.copies else ""
        print(
            f"{story.id:>6} {flags} {when}  {clean_line(story.outlet, 24):<24}  "
            f"{clean_line(story.title, 120)}{copies}{thread}"
        )
    if stories:
        print(f"times in {zone_name or localise(stories[0].when, zone).tzname()}; N = unread, "
              "* = marked for the briefing, s = starred, h = hidden", file=sys.stderr)  # fmt: skip


def run_stories(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        if (failed := missing_threads(store, "stories", [args.thread])) is not None:
            return failed
        stories = store.stories(args.thread, limit=max(args.limit, 1))
    if args.json:
        _print_json([story_json(s) for s in stories])
    elif not stories:
        print("No stories in this thread.")
    else:
        _lines(stories, ctx)
    return 0


def run_search(args: argparse.Namespace, ctx: Context) -> int:
    query = " ".join(args.query)
    with ctx.open_store() as store:
        stories = store.search(query, limit=max(args.limit, 1))
    if args.json:
        _print_json([story_json(s) for s in stories])
    elif not stories:
        print(f"No stories match {clean_line(query)!r}.")
    else:
        _lines(stories, ctx, with_thread=True)
    return 0


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    with ctx.open_store() as store:
        story = store.story(args.story_id)
        if story is None:
            print(f"briefing show: no story {args.story_id}", file=sys.stderr)
            return EXIT_USAGE
        copies = store.copies(story.id)
        thread_title = store.thread_title(story.thread_id) if story.thread_id else None
    if args.json:
        data = story_json(story)
        data.update(
            thread_title=clean_line(thread_title) if thread_title is not None else None,
            duplicate_of=story.duplicate_of,
            text=clean_text(story.text) or None,
            extract_error=clean_line(story.extract_error) or None,
            also=[
                {
                    "id": c.id,
                    "outlet": clean_line(c.outlet),
                    "title": clean_line(c.title),
                    "link": safe_url(c.link) or None,
                }
                for c in copies
            ],
        )
        _print_json(data)
        return 0
    zone, zone_name = resolve_zone(ctx.config.settings.timezone)
    print(clean_line(story.title) or "(untitled)")
    meta = [clean_line(story.outlet), format_when(story_time(story, zone), zone_name)]
    if story.author:
        meta.insert(1, clean_line(story.author))
    print(" · ".join(meta))
    if thread_title is not None:
        print(f"thread {story.thread_id}: {clean_line(thread_title)}")
    print(safe_url(story.link) or "(no link)")
    body = clean_text(story.text) or clean_text(story.summary)
    print()
    print(body or "(no text)")
    if story.extract_error and not story.text:
        print(f"\n(article text not extracted: {clean_line(story.extract_error)})")
    if copies:
        print("\nalso carried by: " + ", ".join(clean_line(c.outlet) for c in copies))
    return 0
