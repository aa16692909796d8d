"""Edits of the user's feeds.toml (import, `feeds add`, `feeds remove`) that keep its comments.

Comments, order and layout survive: an edit is first made on the text (new [[feeds]] tables go
right after the last one's keys, before any comment that leads into the next section; a removed
table takes only its own lines), and tomlkit re-rendering is the fallback. Every result is
checked with the config loader's own rules (`config.parse_config`) and must hold exactly the
expected feeds before the file is replaced atomically (temp file + os.replace): a bad edit
changes nothing. When the
user has no feeds.toml yet, it is first created from the shipped one.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Callable, Sequence
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
        # utf-8-sig: a BOM some editors write is skipped, as load_config skips it
        return path.read_text(encoding="utf-8-sig"), False
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
    """`name` (else the host name), made unique: "Name (host)", or "host/path", then "… 2"."""
    parts = urlsplit(url)
    host = parts.hostname or url
    base = clean_line(name, 120) or host
    if base not in taken:
        return base
    path = parts.path.rstrip("/")
    first = f"{base} ({host})" if base != host else f"{host}{path}" if path else base
    candidate, n = first, 2
    while candidate in taken:
        candidate = f"{first} {n}"
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


_FEEDS_HEADER = re.compile(r"^\s*\[\[\s*feeds\s*\]\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _feed_regions(lines: list[str]) -> list[tuple[int, int]]:
    """(header line, last key/value line) of each [[feeds]] table, in file order. A table's
    trailing comments and blank lines are left out: they usually introduce what follows."""
    regions = []
    for i, line in enumerate(lines):
        if not _FEEDS_HEADER.match(line):
            continue
        end = next((j for j in range(i + 1, len(lines)) if _ANY_HEADER.match(lines[j])), len(lines))
        last = max((j for j in range(i, end) if _is_content(lines[j])), default=i)
        regions.append((i, last))
    return regions


def _tables_text(feeds: Sequence[Feed]) -> str:
    return "".join("\n[[feeds]]\n" + tomlkit.dumps(_feed_table(f)) for f in feeds)


def _append_text(text: str, feeds: Sequence[Feed]) -> str:
    """Insert the new tables right after the last [[feeds]] table's last key (before any
    comments that lead into the next section), or at the end when there is none."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    regions = _feed_regions(lines)
    at = regions[-1][1] + 1 if regions else len(lines)
    return "".join(lines[:at]) + _tables_text(feeds) + "".join(lines[at:])


def _append_tomlkit(text: str, feeds: Sequence[Feed], path: Path) -> str:
    doc = _parse(text, path)
    tables = [_feed_table(f) for f in feeds]
    if "feeds" not in doc:
        aot = tomlkit.aot()
        for table in tables:
            aot.append(table)
        doc.append("feeds", aot)
    else:
        aot = doc["feeds"]
        if not isinstance(aot, AoT):
            raise FeedEditError(
                f"{path}: 'feeds' is not a list of [[feeds]] tables; add the feed by hand"
            )
        for table in tables:
            table.trivia.indent = "\n"
            aot.append(table)
    return tomlkit.dumps(doc).rstrip("\n") + "\n"


def _remove_text(text: str, index: int) -> str:
    lines = text.splitlines(keepends=True)
    regions = _feed_regions(lines)
    if index >= len(regions):
        return text
    start, last = regions[index]
    before, after = lines[:start], lines[last + 1 :]
    if (not before or not before[-1].strip()) and after and not after[0].strip():
        while after and not after[0].strip():  # don't leave a double blank line behind
            after.pop(0)
    return "".join(before + after)


def _remove_tomlkit(text: str, index: int, path: Path) -> str:
    doc = _parse(text, path)
    aot = doc.get("feeds")
    if not isinstance(aot, AoT):
        raise FeedEditError(f"{path}: 'feeds' is not a list of [[feeds]] tables; edit by hand")
    del aot[index]
    return tomlkit.dumps(doc).rstrip("\n") + "\n"


def _same_feeds(text: str, got: Sequence[Feed], expected: Sequence[Feed]) -> bool:
    """`got` (loaded from `text`) are the `expected` feeds. A feed with no name written in
    `text` may be named otherwise than before: its name is derived from its URL once the
    written names are known (config.parse_config), so removing a feed can free a name."""
    if len(got) != len(expected):
        return False
    raw = tomllib.loads(text).get("feeds", [])
    for entry, g, e in zip(raw, got, expected, strict=True):
        written = isinstance(entry.get("name"), str) and bool(entry["name"].strip())
        if (g.url, g.tags, g.general, g.interval) != (e.url, e.tags, e.general, e.interval):
            return False
        if written and g.name != e.name:
            return False
    return True


def _edited(path: Path, expected: Sequence[Feed], *candidates: Callable[[], str]) -> str:
    """The first candidate edit whose result loads (config rules) with exactly `expected`
    as its feeds; layout-keeping text edits are tried before tomlkit's re-rendering."""
    error: Exception | None = None
    for make in candidates:
        try:
            out = make()
            if _same_feeds(out, _validate(out, path).feeds, expected):
                return out
        except (ConfigError, FeedEditError) as exc:
            error = exc
    if error is not None:
        raise error
    raise FeedEditError(f"{path}: could not edit the feed list safely; edit it by hand")


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
    out = _edited(
        path,
        [*current.feeds, *new],
        lambda: _append_text(text, new),
        lambda: _append_tomlkit(text, new, path),
    )
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
    existing = next((f for f in current.feeds if normalise_url(f.url) == normalise_url(url)), None)
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
    removed = current.feeds[index]
    out = _edited(
        path,
        [f for i, f in enumerate(current.feeds) if i != index],
        lambda: _remove_text(text, index),
        lambda: _remove_tomlkit(text, index, path),
    )
    # the last feed's table takes the blank line before it along, not one left after it
    out = out.rstrip("\n") + "\n" if out.strip() else out
    write_atomic(path, out)
    return path, removed


# ---------------------------------------------------------------------------------- commands
def register_feed_edit_commands(actions: argparse._SubParsersAction) -> None:
    """Add `feeds add` and `feeds remove` to the `briefing feeds` parser's subcommands."""
    from briefing.cli import add_command, utf8_text

    add = add_command(
        actions,
        "add",
        "add a feed to your feeds.toml (same checks as the config loader)",
        'briefing feeds add https://example.org/feed/ --name "My outlet" --tag caucasus --tag en',
    )
    add.add_argument(
        "url", metavar="URL", type=utf8_text, help="the RSS/Atom address (http or https)"
    )
    add.add_argument(
        "--name", default="", type=utf8_text, help="shown in the reader; default: the host name"
    )
    add.add_argument(
        "--tag",
        dest="tags",
        action="append",
        default=[],
        type=utf8_text,
        metavar="T",
        help="repeatable",
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
        tags = f" [{clean_line(', '.join(feed.tags))}]" if feed.tags else ""
        # the URL or name may carry a bidi override (stored as given): printed without
        name, url = clean_line(feed.name), clean_line(feed.url)
        print(f"added {name}{tags}: {url}\n  to {result.path}")
    _note_if_not_in_use(ctx, result.path)
    return 0


def run_remove(args: argparse.Namespace, ctx: Context) -> int:
    try:
        path, feed = remove_feed(ctx.feeds_path, args.feed)
    except FeedEditError as exc:
        print(f"briefing feeds remove: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # no bidi override printed (a name written by hand may hold one), as `briefing feeds` does
    name, url = clean_line(feed.name), clean_line(feed.url)
    print(f"removed {name}: {url}\n  from {path} (its stories stay in the cache)")
    _note_if_not_in_use(ctx, path)
    return 0


def _note_if_not_in_use(ctx: Context, path: Path) -> None:
    if editable_path(ctx.feeds_path) != ctx.feeds_path:
        print(f"note: briefing now reads {path} (your own copy of the shipped list)")
