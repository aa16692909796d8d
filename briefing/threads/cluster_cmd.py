"""`briefing cluster INPUT.jsonl [-o OUTPUT.jsonl] [--no-seed]`: thread a JSON Lines file.

Runs the thread engine from an empty state (no cache is read or written) over items
`{"id", "title", "summary" or "text", "published" (ISO 8601, an RSS pubDate, or null),
"source", "lang"}` in `published` order (HTML and escape sequences in title and text reduced
to plain text, as the fetcher does), and writes one line per item, in input order:
`{"id": ..., "thread_id": ..., "thread_title": ...}` (the title is the thread's final label).
Undated items keep their place in the file: each sorts with the dated item before it, so an
all-undated file is processed in file order. Unless `--no-seed` is given, thread 1 is the
seed article's thread. A bad line stops the run with `FILE:LINE: reason` on stderr, status 2.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from importlib import resources
from typing import Any

from briefing.fetch.parse import html_to_text
from briefing.sanitize import clean_line, clean_text
from briefing.textfmt import json_text, plural
from briefing.threads.engine import Item, ThreadEngine, _naive_utc
from briefing.threads.params import EngineParams

SEED_THREAD_ID = 1
SEED_TITLE = "Azerbaijan–Russia crisis"
SEED_FILE = "azerbaijan-russia-crisis.txt"


class InputError(ValueError):
    """A line of the input file that cannot be used; the message names the line."""


def register(subparsers: Any) -> None:
    from briefing.cli import add_command

    p = add_command(
        subparsers,
        "cluster",
        "group a JSON Lines file of items into threads (no cache involved)",
        "briefing cluster items.jsonl -o threads.jsonl\n"
        "briefing cluster items.jsonl --no-seed | jq -r .thread_title | sort | uniq -c\n"
        "  (bench/threads_quality.py in the source tree scores it against labelled sets)",
    )
    p.add_argument(
        "input",
        metavar="INPUT.jsonl",
        help='items, one JSON object per line: {"id", "title", "summary" or "text", '
        '"published" (ISO 8601, an RSS pubDate or null), "source", "lang"}; HTML in title and text is '
        "reduced to plain text",
    )
    p.add_argument("-o", "--output", metavar="OUTPUT.jsonl", help="write here (default stdout)")
    p.add_argument("--no-seed", action="store_true", help="start without the seed thread")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: object = None) -> int:
    try:
        with open(args.input, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"briefing cluster: cannot read {args.input}: {exc}", file=sys.stderr)
        return 2
    try:
        items = parse_items(lines, args.input)
    except InputError as exc:
        print(f"briefing cluster: {exc}", file=sys.stderr)
        return 2
    if not items:
        print(f"briefing cluster: no items in {args.input}", file=sys.stderr)
    rows = run_items(items, seed=not args.no_seed)
    out_lines = "".join(json_text(r) + "\n" for r in rows)
    if args.output:
        from briefing.cli import write_output

        if (failed := write_output("cluster", args.output, out_lines)) is not None:
            return failed
        threads = len({r["thread_id"] for r in rows})
        print(
            f"briefing cluster: {plural(len(rows), 'item')} in {plural(threads, 'thread')}"
            f" -> {args.output}",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(out_lines)
    return 0


def _str_field(obj: dict, key: str, where: str, *, required: bool = False) -> str:
    v = obj.get(key)
    if v is None:
        if required:
            raise InputError(f"{where}: missing {key!r}")
        return ""
    if not isinstance(v, str):
        raise InputError(f"{where}: {key!r} must be a string, got {type(v).__name__}")
    return v


def parse_items(lines: Iterable[str], name: str = "<input>") -> list[tuple[Any, Item]]:
    """JSON Lines -> [(original id value, Item)] in processing order. Raises InputError."""
    parsed: list[tuple[Any, Item]] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object")
        raw_id = obj.get("id")
        if raw_id is None or isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
            raise InputError(f"{where}: missing or invalid 'id'")
        iid = str(raw_id)
        if iid in seen:
            raise InputError(f"{where}: duplicate id {iid!r}")
        seen.add(iid)
        # feed fields often hold HTML (a summary's <p>, <a href>, &nbsp;) and may hold escape
        # sequences: reduced to plain text as the fetcher reduces them before threading
        title = clean_line(html_to_text(_str_field(obj, "title", where)))
        text = clean_text(
            html_to_text(_str_field(obj, "text", where) or _str_field(obj, "summary", where))
        )
        pub = obj.get("published")
        published = None
        if pub is not None:
            if not isinstance(pub, str):
                raise InputError(f"{where}: 'published' must be an ISO 8601 string or null")
            published = _parse_date(pub)
            if published is None:
                raise InputError(
                    f"{where}: 'published' is not a date (ISO 8601 or RFC 822): {pub[:40]!r}"
                )
        lang = obj.get("lang")
        if lang is not None and not isinstance(lang, str):
            raise InputError(f"{where}: 'lang' must be a string or null")
        source = obj.get("source") or obj.get("publisher") or ""
        item = Item(
            id=iid,
            title=title,
            text=text,
            published=published,
            source=str(source),
            lang=lang or None,
        )
        parsed.append((raw_id, item))
    return parsed


_YEAR_MONTH = re.compile(r"\d{4}(?:-\d{2})?")


def _parse_date(value: str) -> datetime | None:
    """ISO 8601 (a day, a month or a year; a date and time), or the RFC 822 date of an RSS
    pubDate ("Tue, 01 Jul 2025 08:00:00 GMT") as it comes from a feed; None if neither."""
    value = value.strip()
    if _YEAR_MONTH.fullmatch(value):
        # ISO 8601's reduced precision (a month "2025-07", a year "2025"): its first day
        value += "-01" * (2 - value.count("-"))
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):  # year or zone too large
            return None
    try:
        # the engine works in UTC and with spans of weeks around a date: one it cannot
        # compute with (year 1, year 9999 at -12:00) is no date, not a traceback
        _naive_utc(when) - timedelta(days=366)
        _naive_utc(when) + timedelta(days=366)
    except OverflowError:
        return None
    return when


def _order(items: Sequence[tuple[Any, Item]]) -> list[int]:
    """Indices in processing order: by date; an undated item sorts with the dated one before
    it (stable, so file order breaks ties and an undated file keeps its order)."""
    keys = []
    last = None
    for _, item in items:
        if item.published is not None:
            last = _naive_utc(item.published)
        keys.append(last)
    lowest = datetime.min
    return sorted(range(len(items)), key=lambda i: keys[i] or lowest)


def seed_thread() -> tuple[str, str, tuple[str, ...]] | None:
    """(title, text, keywords) of thread 1: the seed article, titled and keyed as in the
    shipped feeds.toml when that names it, else with the built-in title and no keywords."""
    text = seed_text()
    if text is None:
        return None
    try:
        from briefing.config import load_config, shipped_feeds_path

        for pinned in load_config(shipped_feeds_path()).threads:
            if pinned.seed == SEED_FILE:
                return pinned.title, text, pinned.keywords
    except Exception:  # the shipped config is optional here: fall back to the plain seed
        pass
    return SEED_TITLE, text, ()


def seed_text() -> str | None:
    try:
        res = resources.files("briefing.seeds").joinpath(SEED_FILE)
        return res.read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return None


def run_items(
    items: Sequence[tuple[Any, Item]],
    *,
    params: EngineParams | None = None,
    seed: bool = True,
) -> list[dict[str, Any]]:
    """Thread `items` from an empty engine; rows in input order."""
    engine = ThreadEngine(params)
    if seed:
        spec = seed_thread()
        if spec is None:
            raise RuntimeError(f"seed article {SEED_FILE} is missing from briefing.seeds")
        title, text, keywords = spec
        engine.add_pinned(SEED_THREAD_ID, title, text, keywords)
    assigned: dict[int, int] = {}
    labels: dict[int, str] = {}
    touched: set[int] = set()
    day = None
    batch: list[int] = []
    size = max(1, engine.params.batch_size)

    def flush() -> None:
        decisions = engine.assign_batch([items[i][1] for i in batch])
        for i, decision in zip(batch, decisions, strict=True):
            assigned[i] = decision.thread_id
            touched.add(decision.thread_id)
        batch.clear()

    for i in _order(items):
        item = items[i][1]
        if item.published is not None and item.published.date() != day:
            # a new day of a dated stream: one batch per day at most; let quiet threads go
            # (memory bounded by the active threads), keeping the final label of every
            # thread that may be dropped
            if batch:
                flush()
            day = item.published.date()
            for tid in touched:
                labels[tid] = engine.label(tid)
            touched.clear()
            engine.forget_dormant(item.published)
        batch.append(i)
        if len(batch) >= size:
            flush()
    if batch:
        flush()
    for tid in touched:
        labels[tid] = engine.label(tid)
    return [
        {"id": raw_id, "thread_id": assigned[i], "thread_title": labels[assigned[i]]}
        for i, (raw_id, _) in enumerate(items)
    ]
