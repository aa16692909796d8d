"""Edits of the user's feeds.toml (import, `feeds add`, `feeds remove`) that keep its comments.

The file is edited with tomlkit, so comments, order and layout survive. Every edit is checked
with the config loader's own rules (`config.parse_config`) before anything is written, and the
file is replaced atomically (temp file + os.replace): a bad edit changes nothing. When the
user has no feeds.toml yet, it is first created from the shipped one.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import tomlkit
from tomlkit.items import AoT, Table

from briefing.config import (
    Config,
    ConfigError,
    Feed,
    normalise_url,
    parse_config,
    shipped_feeds_path,
    url_problem,
    user_feeds_path,
)
from briefing.export.files import write_atomic
from briefing.export.opml import ImportedFeed, Skipped
from briefing.sanitize import clean_line

if TYPE_CHECKING:
    from briefing.cli import Context

EXIT_USAGE = 2


class FeedEditError(Exception):
    """The requested edit is not possible (unknown feed, duplicate, invalid value)."""


@dataclass(slots=True)
class EditResult:
    path: Path
    created: bool = False  # the file was created from the shipped feeds.toml
    added: list[Feed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def editable_path(feeds_path: Path) -> Path:
    """The file to edit: the one in use, unless that is the shipped list inside the package,
    in which case the user's own feeds.toml (created from the shipped one)."""
    try:
        if feeds_path.resolve() == shipped_feeds_path().resolve():
            return user_feeds_path()
    except OSError:
        pass
    return feeds_path


def _read(path: Path) -> tuple[str, bool]:
    """The file's text, or the shipped feeds.toml's when the file does not exist yet."""
    try:
        return path.read_text(encoding="utf-8"), False
    except FileNotFoundError:
        return shipped_feeds_path().read_text(encoding="utf-8"), True
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None


def _validate(text: str, path: Path) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    return parse_config(data, path)


def _parse(text: str, path: Path) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None


def unique_name(name: str, url: str, taken: set[str]) -> str:
    host = urlsplit(url).hostname or url
    base = clean_line(name, 120) or host
    if base not in taken:
        return base
    candidate = f"{base} ({host})"
    n = 2
    while candidate in taken:
        candidate = f"{base} ({host}) {n}"
        n += 1
    return candidate


def _feed_table(feed: Feed) -> Table:
    table = tomlkit.table()
    table["name"] = feed.name
    table["url"] = feed.url
    if feed.tags:
        table["tags"] = list(feed.tags)
    if feed.general:
        table["general"] = True
    if feed.interval:
        table["interval"] = feed.interval
    return table


def _append(doc: tomlkit.TOMLDocument, feeds: Sequence[Feed], path: Path) -> None:
    tables = [_feed_table(f) for f in feeds]
    if "feeds" not in doc:
        aot = tomlkit.aot()
        for table in tables:
            aot.append(table)
        doc.append("feeds", aot)
        return
    aot = doc["feeds"]
    if not isinstance(aot, AoT):
        raise FeedEditError(
            f"{path}: 'feeds' is not a list of [[feeds]] tables; add the feed by hand"
        )
    last_text = aot[-1].as_string() if len(aot) else ""
    at_end = list(doc.keys())[-1] == "feeds"
    for i, table in enumerate(tables):
        if i or not last_text.endswith("\n\n"):
            table.trivia.indent = "\n"
        aot.append(table)
    if not at_end:
        tables[-1].add(tomlkit.nl())


def add_feeds(
    feeds_path: Path, feeds: Sequence[ImportedFeed], *, dry_run: bool = False
) -> EditResult:
    """Append the feeds not already configured (same URL, ignoring case/trailing slash);
    names are made unique. Validated before writing; nothing is written on any error."""
    path = editable_path(feeds_path)
    text, created = _read(path)
    current = _validate(text, path)
    result = EditResult(path, created=created)
    known = {normalise_url(f.url): f.name for f in current.feeds}
    taken = {f.name for f in current.feeds}
    new: list[Feed] = []
    for item in feeds:
        key = normalise_url(item.url)
        if key in known:
            result.skipped.append(
                Skipped(item.line, item.url, f"already in feeds.toml as {known[key]!r}")
            )
            continue
        name = unique_name(item.name, item.url, taken)
        feed = Feed(name, item.url.strip(), item.tags, item.general, item.interval)
        taken.add(name)
        known[key] = name
        new.append(feed)
        if item.note:
            result.notes.append(f"{name}: {item.note}")
    result.added = new
    if not new:
        return result
    doc = _parse(text, path)
    _append(doc, new, path)
    out = tomlkit.dumps(doc).rstrip("\n") + "\n"
    _validate(out, path)
    if not dry_run:
        write_atomic(path, out)
    return result


def add_feed(feeds_path: Path, url: str, *, name: str = "", tags: Sequence[str] = ()) -> EditResult:
    """`briefing feeds add`: one feed, with the config loader's rules; a duplicate is an error."""
    url = url.strip()
    problem = url_problem(url)
    if problem:
        raise FeedEditError(f"url: {problem}")
    if name and not clean_line(name):
        raise FeedEditError("--name: empty after removing control characters")
    clean_tags = [clean_line(t, 60) for t in tags]
    if any(not t for t in clean_tags):
        raise FeedEditError("--tag: empty tag")
    path = editable_path(feeds_path)
    text, _ = _read(path)
    current = _validate(text, path)
    existing = current.feed_named(url) or next(
        (f for f in current.feeds if normalise_url(f.url) == normalise_url(url)), None
    )
    if existing:
        raise FeedEditError(f"already in {path} as {existing.name!r}: {existing.url}")
    if name and current.feed_named(clean_line(name)):
        raise FeedEditError(f"a feed named {clean_line(name)!r} already exists in {path}")
    item = ImportedFeed(0, url, clean_line(name), tuple(dict.fromkeys(clean_tags)))
    return add_feeds(feeds_path, [item])


def remove_feed(feeds_path: Path, name_or_url: str) -> tuple[Path, Feed]:
    """`briefing feeds remove`: by exact name, else by URL. Returns the file and the feed."""
    path = editable_path(feeds_path)
    text, _ = _read(path)
    current = _validate(text, path)
    wanted = name_or_url.strip()
    index = next((i for i, f in enumerate(current.feeds) if f.name == wanted), None)
    if index is None and "://" in wanted:
        key = normalise_url(wanted)
        index = next((i for i, f in enumerate(current.feeds) if normalise_url(f.url) == key), None)
    if index is None:
        raise FeedEditError(f"no feed named or at {wanted!r} in {path} (see `briefing feeds`)")
    doc = _parse(text, path)
    aot = doc.get("feeds")
    if not isinstance(aot, AoT):
        raise FeedEditError(f"{path}: 'feeds' is not a list of [[feeds]] tables; edit by hand")
    del aot[index]
    out = tomlkit.dumps(doc).rstrip("\n") + "\n"
    after = _validate(out, path)
    removed = current.feeds[index]
    if after.feed_named(removed.url) or len(after.feeds) != len(current.feeds) - 1:
        raise FeedEditError(f"{path}: could not remove {removed.name!r} cleanly; edit by hand")
    write_atomic(path, out)
    return path, removed


# ---------------------------------------------------------------------------------- commands
def register_feed_edit_commands(actions: argparse._SubParsersAction) -> None:
    """Add `feeds add` and `feeds remove` to the `briefing feeds` parser's subcommands."""
    from briefing.cli import add_command

    add = add_command(
        actions,
        "add",
        "add a feed to your feeds.toml (same checks as the config loader)",
        'briefing feeds add https://oc-media.org/feed/ --name "OC Media" --tag caucasus --tag en',
    )
    add.add_argument("url", metavar="URL", help="the RSS/Atom address (http or https)")
    add.add_argument("--name", default="", help="shown in the reader; default: the host name")
    add.add_argument(
        "--tag", dest="tags", action="append", default=[], metavar="T", help="repeatable"
    )
    add.set_defaults(func=run_add)
    remove = add_command(
        actions,
        "remove",
        "remove a feed from your feeds.toml, by name or URL",
        'briefing feeds remove "OC Media"\nbriefing feeds remove https://oc-media.org/feed/',
    )
    remove.add_argument("feed", metavar="NAME|URL")
    remove.set_defaults(func=run_remove)


def run_add(args: argparse.Namespace, ctx: Context) -> int:
    try:
        result = add_feed(ctx.feeds_path, args.url, name=args.name, tags=args.tags)
    except FeedEditError as exc:
        print(f"briefing feeds add: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if result.created:
        print(f"created {result.path} from the shipped feed list")
    for feed in result.added:
        tags = f" [{', '.join(feed.tags)}]" if feed.tags else ""
        print(f"added {feed.name}{tags}: {feed.url}\n  to {result.path}")
    _note_if_not_in_use(ctx, result.path)
    return 0


def run_remove(args: argparse.Namespace, ctx: Context) -> int:
    try:
        path, feed = remove_feed(ctx.feeds_path, args.feed)
    except FeedEditError as exc:
        print(f"briefing feeds remove: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"removed {feed.name}: {feed.url}\n  from {path} (its stories stay in the cache)")
    _note_if_not_in_use(ctx, path)
    return 0


def _note_if_not_in_use(ctx: Context, path: Path) -> None:
    if editable_path(ctx.feeds_path) != ctx.feeds_path:
        print(f"note: briefing now reads {path} (your own copy of the shipped list)")
