"""feeds.toml -> a frozen, validated Config; every error names the file, the entry and the key."""

from __future__ import annotations

import os
import tomllib
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

APP_NAME = "briefing"
SHIPPED_SEEDS = "briefing.seeds"


class ConfigError(Exception):
    """A problem with feeds.toml; str() is one line naming the file, the entry and the key."""


@dataclass(frozen=True, slots=True)
class Feed:
    name: str
    url: str
    tags: tuple[str, ...] = ()
    general: bool = False  # a world/Europe feed: keep only items that mention the region
    interval: int | None = None  # minutes; None = settings.refresh_interval


@dataclass(frozen=True, slots=True)
class PinnedThread:
    title: str
    seed: str | None = None  # file name: beside feeds.toml, else one shipped in briefing/seeds
    keywords: tuple[str, ...] = ()
    seed_text: str = ""  # the seed file's text, read at load time


@dataclass(frozen=True, slots=True)
class Settings:
    refresh_interval: int = 30
    concurrency: int = 32
    per_host: int = 4
    full_text: bool = True
    timezone: str = ""
    dormant_after_days: int = 21
    export_dir: str = ""
    region_keywords: tuple[str, ...] = ()
    keys: Mapping[str, str] = field(default_factory=dict)  # binding id -> keys, e.g. star = "f"


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    feeds: tuple[Feed, ...]
    threads: tuple[PinnedThread, ...]
    settings: Settings

    def feed_named(self, name_or_url: str) -> Feed | None:
        for feed in self.feeds:
            if name_or_url in (feed.name, feed.url):
                return feed
        return None


def shipped_feeds_path() -> Path:
    return Path(str(resources.files("briefing").joinpath("feeds.toml")))


def user_feeds_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "feeds.toml"


def resolve_feeds_path(cli_path: str | os.PathLike[str] | None = None) -> Path:
    """--feeds PATH, else $BRIEFING_FEEDS, else the user's feeds.toml if present, else shipped."""
    if cli_path:
        return Path(cli_path)
    env = os.environ.get("BRIEFING_FEEDS")
    if env:
        return Path(env)
    user = user_feeds_path()
    if user.is_file():
        return user
    return shipped_feeds_path()


def resolve_data_dir(cli_dir: str | os.PathLike[str] | None = None) -> Path:
    """--data-dir DIR, else $BRIEFING_DATA_DIR, else the platform's user data directory."""
    if cli_dir:
        return Path(cli_dir)
    env = os.environ.get("BRIEFING_DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME))


# Ids of the reader's key bindings, remappable under [keys] (tests/test_tui_keymap.py checks
# this matches the app's Bindings; the app shows them with `?`).
KEY_IDS = frozenset(
    """back briefing clear_briefing confirm_no confirm_yes copy_link dormant down export feeds feeds_back feeds_down
    feeds_up help help_close hide mark_thread_read merge move mute new_since next_pane
    next_unread open_link page picker_cancel picker_down picker_up pin previous_pane
    prompt_cancel quit read refresh refresh_all rename results_back results_tab search split
    star undo up""".split()
)

# The reader's default keys, where each acts: "app" bindings act on every screen, the others
# on one screen and its widgets (a focused widget's or the screen's binding wins over the
# app's). Rows: (scope, binding id or None when not remappable, what it does, keys).
# tests/test_robustness_cli.py checks this against the app's Bindings; `briefing doctor`
# finds [keys] clashes with it without importing Textual.
DEFAULT_KEYS: tuple[tuple[str, str | None, str, str], ...] = tuple(
    (scope, None if bid.startswith("(") else bid, bid.strip("()"), keys)
    for scope, rows in {
        "app": "quit q|help question_mark|search slash|new_since a|refresh g|refresh_all G"
        "|feeds F|export E|clear_briefing B",
        "main": "(open) enter|back escape,backspace|next_pane tab|previous_pane shift+tab"
        "|page space|read r|star s|briefing b|hide x|move m|merge M|rename R|split S|pin p"
        "|mute u|next_unread n|mark_thread_read A|undo z|open_link o|copy_link y|dormant D"
        "|down j|up k",
        "results": "results_back escape,q|results_tab tab|down j|up k|(open) enter",
        "feeds": "feeds_back escape,q|feeds_down j|feeds_up k",
        "help": "help_close escape,q,question_mark|(scroll_down) j,down|(scroll_up) k,up"
        "|(page_down) space,pagedown|(page_up) pageup",
        "confirm": "confirm_yes y,enter|confirm_no n,escape",
        "prompt": "prompt_cancel escape",
        "picker": "picker_cancel escape|picker_down down|picker_up up",
    }.items()
    for bid, keys in (row.split() for row in rows.split("|"))
)
KEY_SCOPES = {
    "app": "everywhere",
    "main": "on the main screen",
    "results": "in search results",
    "feeds": "on the feeds screen",
    "help": "on the help screen",
    "confirm": "in a yes/no question",
    "prompt": "in a text prompt",
    "picker": "in the thread picker",
}


def _split_keys(keys: str) -> list[str]:
    return [k.strip() for k in keys.split(",") if k.strip()]


# Textual's names for keys written as one character (App.set_keymap turns "/" into "slash",
# "?" into "question_mark": the names DEFAULT_KEYS uses); tests/test_robustness_cli.py checks
# this against textual.keys.
_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
    "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore",
}  # fmt: skip


def key_name(key: str) -> str:
    """A key as the app names it: a single non-alphanumeric character by its Unicode name
    ("/" -> "slash", "?" -> "question_mark"), anything else as written."""
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        name = {"\t": "tab"}.get(key, key)
    return _KEY_NAME_REPLACEMENTS.get(name, name)


def _key_pairs(keymap: Mapping[str, str]) -> set[tuple[str, str, str, str]]:
    """(scope, key, action, action): two actions one key reaches at once, with `keymap`."""
    bound: dict[tuple[str, str], set[str]] = {}
    for scope, bid, action, keys in DEFAULT_KEYS:
        for key in map(key_name, _split_keys(keymap.get(bid, keys) if bid else keys)):
            bound.setdefault((scope, key), set()).add(action)
    pairs: set[tuple[str, str, str, str]] = set()
    for (scope, key), actions in bound.items():
        app = bound.get(("app", key), set()) if scope != "app" else set()
        for a in actions | app:
            for b in actions:
                if a < b or (a in app and a != b):
                    pairs.add((scope, key, *sorted((a, b))))  # type: ignore[arg-type]
    return pairs


def key_clashes(keymap: Mapping[str, str]) -> list[str]:
    """One line for each clash [keys] makes: one key for two actions where both act (the
    app's own overlaps, e.g. q closing the feeds screen but quitting elsewhere, are not)."""
    lines = []
    order = list(KEY_SCOPES)
    for scope, key, a, b in sorted(
        _key_pairs(keymap) - _key_pairs({}), key=lambda c: (order.index(c[0]), c[1:])
    ):
        if b in keymap and a not in keymap:
            a, b = b, a  # the action the user set first
        written = ", ".join(f'{x} = "{keymap[x]}"' for x in (a, b) if x in keymap)
        lines.append(
            f"{key} is the key of both {a} and {b} {KEY_SCOPES[scope]} ([keys] {written});"
            " only one can have it: give the other another key"
        )
    return lines


_FEED_KEYS = {"name", "url", "tags", "general", "interval"}
_THREAD_KEYS = {"title", "seed", "keywords"}
_TOP_KEYS = {"settings", "feeds", "threads", "keys"}
# The longest time spans feeds.toml may give (a year between checks of a feed, a century of
# quiet before a thread is dormant): longer ones overflow Python's dates (year 9999) when
# added to now, or its C integers, a traceback in every command that used them.
MAX_MINUTES = 365 * 24 * 60
MAX_DAYS = 36500
_SETTING_MAX = {"refresh_interval": MAX_MINUTES, "dormant_after_days": MAX_DAYS}

_SETTING_TYPES: dict[str, type] = {
    "refresh_interval": int,
    "concurrency": int,
    "per_host": int,
    "full_text": bool,
    "timezone": str,
    "dormant_after_days": int,
    "export_dir": str,
    "region_keywords": list,
}


def load_config(path: str | os.PathLike[str]) -> Config:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        # A UTF-8 byte-order mark (Notepad writes one) is not TOML: tomllib rejects it.
        data = tomllib.loads(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from None
    return parse_config(data, path)


def parse_config(data: Mapping[str, Any], path: Path) -> Config:
    def fail(where: str, msg: str) -> ConfigError:
        return ConfigError(f"{path}: {where}: {msg}")

    for key in data:
        if key not in _TOP_KEYS:
            raise fail(
                f"key {key!r}", "unknown top-level key (expected settings, feeds, threads, keys)"
            )

    settings = _parse_settings(data.get("settings", {}), data.get("keys", {}), fail)

    raw_feeds = data.get("feeds", [])
    if not isinstance(raw_feeds, list):
        raise fail("key 'feeds'", "must be an array of [[feeds]] tables")
    feeds: list[Feed] = []
    seen_urls: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    unnamed: list[int] = []  # indexes into `feeds` of the entries with no name written
    for index, entry in enumerate(raw_feeds, start=1):
        label = f"feeds[{index}]"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            # quoted with escapes when it holds a control or invisible character: the
            # message goes to a terminal, which would act on an escape sequence
            name = entry["name"]
            label += f" ({name})" if name.isprintable() else f" ({name!r})"
        if not isinstance(entry, dict):
            raise fail(label, "must be a table")
        for key in entry:
            if key not in _FEED_KEYS:
                raise fail(
                    f"{label} key {key!r}",
                    "unknown key (expected name, url, tags, general, interval)",
                )
        url = entry.get("url")
        if url is None:
            raise fail(f"{label} key 'url'", "missing")
        if not isinstance(url, str):
            raise fail(f"{label} key 'url'", f"must be a string, not {_type(url)}")
        url = url.strip()
        problem = url_problem(url)
        if problem:
            raise fail(f"{label} key 'url'", problem)
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise fail(f"{label} key 'name'", f"must be a string, not {_type(name)}")
        if _has_controls(name):
            raise fail(f"{label} key 'name'", "contains control characters")
        name = name.strip()
        tags = entry.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise fail(f"{label} key 'tags'", "must be an array of strings")
        if any(_has_controls(t) for t in tags):
            raise fail(f"{label} key 'tags'", "contains control characters")
        general = entry.get("general", False)
        if not isinstance(general, bool):
            raise fail(f"{label} key 'general'", f"must be true or false, not {_type(general)}")
        interval = entry.get("interval")
        if interval is not None and (
            not isinstance(interval, int) or isinstance(interval, bool) or interval < 1
        ):
            raise fail(f"{label} key 'interval'", "must be a whole number of minutes >= 1")
        if interval is not None and interval > MAX_MINUTES:
            raise fail(f"{label} key 'interval'", f"must be at most {MAX_MINUTES} minutes (a year)")
        norm = normalise_url(url)
        if norm in seen_urls:
            # quoted with escapes when it holds an invisible character (a bidi override)
            shown = url if url.isprintable() else repr(url)
            raise fail(f"{label} key 'url'", f"duplicate of feeds[{seen_urls[norm]}]: {shown}")
        if name and name in seen_names:
            raise fail(f"{label} key 'name'", f"duplicate of feeds[{seen_names[name]}]: {name!r}")
        seen_urls[norm] = index
        if name:
            seen_names[name] = index
        else:
            unnamed.append(len(feeds))
        feeds.append(
            Feed(name, url, tuple(t.strip() for t in tags if t.strip()), general, interval)
        )

    # A feed with no name is named after its URL once every written name is known, so it
    # never takes a name the user wrote nor one another unnamed feed got: two feeds on one
    # host are "host" and "host/path" (the URLs differ, so some form of them is free).
    for at in unnamed:
        feed = feeds[at]
        name = next(n for n in _derived_names(feed.url) if n not in seen_names)
        seen_names[name] = at + 1
        feeds[at] = Feed(name, feed.url, feed.tags, feed.general, feed.interval)

    raw_threads = data.get("threads", [])
    if not isinstance(raw_threads, list):
        raise fail("key 'threads'", "must be an array of [[threads]] tables")
    threads: list[PinnedThread] = []
    # a pinned thread is known in the cache by its seed file, else by its title: two entries
    # of one key would be one thread, the first entry's keywords silently dropped
    seen_threads: dict[str, int] = {}
    for index, entry in enumerate(raw_threads, start=1):
        label = f"threads[{index}]"
        if not isinstance(entry, dict):
            raise fail(label, "must be a table")
        for key in entry:
            if key not in _THREAD_KEYS:
                raise fail(f"{label} key {key!r}", "unknown key (expected title, seed, keywords)")
        title = entry.get("title")
        if not isinstance(title, str) or not title.strip():
            raise fail(f"{label} key 'title'", "missing or not a string")
        if _has_controls(title):
            raise fail(f"{label} key 'title'", "contains control characters")
        seed = entry.get("seed")
        if seed is not None and not isinstance(seed, str):
            raise fail(f"{label} key 'seed'", f"must be a file name, not {_type(seed)}")
        keywords = entry.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise fail(f"{label} key 'keywords'", "must be an array of strings")
        for at, word in enumerate(keywords, start=1):
            # a blank keyword matched nothing, silently; control characters are refused as in a title
            if not word.strip():
                raise fail(f"{label} key 'keywords'", f"keyword {at} is empty")
            if _has_controls(word):
                raise fail(f"{label} key 'keywords'", f"keyword {at} contains control characters")
        key = seed or f"title:{title.strip()}"
        if key in seen_threads:
            field, what = ("seed", f"seed file {seed!r}") if seed else ("title", "title")
            raise fail(
                f"{label} key {field!r}",
                f"same {what} as threads[{seen_threads[key]}]: they would be one thread",
            )
        seen_threads[key] = index
        seed_text = _read_seed(seed, path, lambda msg, lb=label: fail(f"{lb} key 'seed'", msg))
        threads.append(
            PinnedThread(title.strip(), seed, tuple(k.strip() for k in keywords), seed_text)
        )

    return Config(path=path, feeds=tuple(feeds), threads=tuple(threads), settings=settings)


def _parse_settings(raw: Any, keys: Any, fail: Any) -> Settings:
    if not isinstance(raw, dict):
        raise fail("key 'settings'", "must be a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        expected = _SETTING_TYPES.get(key)
        if expected is None:
            raise fail(
                f"settings key {key!r}", f"unknown key (expected {', '.join(_SETTING_TYPES)})"
            )
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise fail(f"settings key {key!r}", f"must be {expected.__name__}, not {_type(value)}")
        if expected is int and value < 1:
            raise fail(f"settings key {key!r}", "must be >= 1")
        if key in _SETTING_MAX and value > _SETTING_MAX[key]:
            unit = "minutes (a year)" if key == "refresh_interval" else "days"
            raise fail(f"settings key {key!r}", f"must be at most {_SETTING_MAX[key]} {unit}")
        if key == "region_keywords":
            if not all(isinstance(v, str) for v in value):
                raise fail(f"settings key {key!r}", "must be an array of strings")
            value = tuple(value)
        if key == "timezone" and value:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise fail(f"settings key {key!r}", f"unknown time zone {value!r}") from None
        values[key] = value
    if not isinstance(keys, dict):
        raise fail("key 'keys'", 'must be a table of binding id = "keys" strings')
    for key, value in keys.items():
        if key not in KEY_IDS:
            raise fail(f"keys key {key!r}", "unknown binding id (the app's ? screen lists them)")
        if not isinstance(value, str) or not value.strip() or _has_controls(value):
            raise fail(f"keys key {key!r}", 'must be a string of key names, e.g. "f" or "ctrl+s"')
    # "s, f" means keys "s" and "f" (Textual would read " f", a key nobody can press)
    keymap = {key: ",".join(_split_keys(value)) for key, value in keys.items()}
    return Settings(**values, keys=keymap)


def _read_seed(seed: str | None, config_path: Path, fail: Any) -> str:
    if not seed:
        return ""
    if "/" in seed or "\\" in seed or seed.startswith("."):
        beside = (config_path.parent / seed).resolve()
    else:
        beside = config_path.parent / seed
    if beside.is_file():
        return beside.read_text(encoding="utf-8")
    shipped = resources.files(SHIPPED_SEEDS).joinpath(Path(seed).name)
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    raise fail(f"file not found beside {config_path.name} nor among the shipped seeds: {seed}")


def _derived_names(url: str) -> Iterator[str]:
    """Names for a feed that has none, best first: its host, host and path, host, path and
    query, the URL, then the URL numbered."""
    parts = urlsplit(url)
    host = parts.hostname or url
    path = parts.path.rstrip("/")
    yield host
    yield f"{host}{path}"
    if parts.query:
        yield f"{host}{path}?{parts.query}"
    yield url
    n = 2
    while True:
        yield f"{url} ({n})"
        n += 1


def url_problem(url: str) -> str | None:
    """Why `url` is not an acceptable feed address, or None."""
    if not url:
        return "empty"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError as exc:
        return f"not a valid URL ({exc}): {url!r}"
    if parts.scheme not in ("http", "https"):
        return f"must be an http(s) URL, not {url!r}"
    if not parts.hostname:
        return f"no host name in {url!r}"
    if any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160 for c in url):
        return f"control characters or spaces in {url!r}"
    return None


def normalise_url(url: str) -> str:
    """Key used to spot duplicate feeds: scheme and host lower-cased, trailing slash ignored."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}{path}{query}"


def _has_controls(text: str) -> bool:
    """Escape sequences and other control characters: never in a name we print."""
    return any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text)


def _type(value: Any) -> str:
    return {
        bool: "boolean",
        int: "integer",
        float: "float",
        str: "string",
        list: "array",
        dict: "table",
    }.get(type(value), type(value).__name__)
