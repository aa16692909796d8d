"""OPML feed lists: read 1.0/2.0 (nested folders become tags), write 2.0 (tags as categories).

Parsing uses expat directly so every feed and every problem has a line number. DOCTYPEs and
entity declarations are refused (no entity expansion tricks); other readers' extra attributes
and namespaces are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from xml.parsers import expat
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from briefing.config import normalise_url, url_problem
from briefing.sanitize import clean_line

if TYPE_CHECKING:
    from briefing.config import Config, Feed

BRIEFING_NS = "https://github.com/briefing-reader/briefing/opml"
NAME_LIMIT = 120


class ImportFormatError(ValueError):
    """The file cannot be read as a feed list; str() names the line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True, slots=True)
class ImportedFeed:
    line: int
    url: str
    name: str = ""
    tags: tuple[str, ...] = ()
    general: bool = False
    interval: int | None = None
    note: str = ""  # e.g. "hidden in newsboat"


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    what: str
    reason: str


@dataclass(slots=True)
class ParsedList:
    kind: str  # "OPML" or "newsboat urls"
    feeds: list[ImportedFeed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def add(self, feed: ImportedFeed, seen: dict[str, int]) -> None:
        """Keep the first of two entries for the same feed URL (a feed in two folders)."""
        key = normalise_url(feed.url)
        if key in seen:
            first = self.feeds[seen[key]]
            merged = tuple(dict.fromkeys(first.tags + feed.tags))
            self.feeds[seen[key]] = ImportedFeed(
                first.line, first.url, first.name, merged, first.general, first.interval, first.note
            )
            self.skipped.append(
                Skipped(feed.line, feed.url, f"same feed as line {first.line} (tags merged)")
            )
            return
        seen[key] = len(self.feeds)
        self.feeds.append(feed)


def repair_url(url: str) -> str:
    """Old readers' `feed://host/x` and `feed:https://host/x` pseudo-schemes -> http(s)."""
    url = url.strip()
    lower = url.lower()
    if lower.startswith("feed://"):
        return "http://" + url[len("feed://") :]
    if lower.startswith(("feed:http://", "feed:https://")):
        return url[len("feed:") :]
    return url


def clean_tag(text: str) -> str:
    return clean_line(text, 60).strip(" /,")


def _tags_from_category(value: str) -> list[str]:
    """OPML 2.0 category: comma-separated, each possibly a /slash/path."""
    tags = []
    for category in value.split(","):
        tags += [clean_tag(part) for part in category.split("/")]
    return [t for t in tags if t]


def parse_opml(data: bytes) -> ParsedList:
    """Feeds from an OPML document (any version). Raises ImportFormatError with a line number."""
    parser = expat.ParserCreate()
    result = ParsedList("OPML")
    seen: dict[str, int] = {}
    # One entry per open element: the folder name it contributes (None: not a folder).
    stack: list[str | None] = []
    opened: list[tuple[str, int]] = []  # (element, line), to explain a missing end tag
    state = {"root": False, "body": False}

    def line() -> int:
        return parser.CurrentLineNumber

    def refuse(*_args: object) -> None:
        raise ImportFormatError(line(), "DOCTYPE/entity declarations are not allowed in OPML")

    def start(tag: str, attrs: dict[str, str]) -> None:
        opened.append((tag, line()))
        local = tag.rsplit(":", 1)[-1].lower()
        if not stack:
            if local != "opml":
                raise ImportFormatError(line(), f"not an OPML file (root element <{tag}>)")
            state["root"] = True
        if local == "body":
            state["body"] = True
        if local != "outline":
            stack.append(None)
            return
        lower = {k.lower(): v for k, v in attrs.items()}
        # `text` is what OPML readers display (and what users rename); `title` is optional.
        title = clean_line(lower.get("text") or lower.get("title") or "", NAME_LIMIT)
        url = repair_url(lower.get("xmlurl") or "")
        if not url:
            kind = (lower.get("type") or "").lower()
            if kind in ("link", "include", "rss", "atom") or lower.get("url"):
                result.skipped.append(
                    Skipped(line(), title or kind or "outline", "no xmlUrl (not a feed)")
                )
                stack.append(None)
            else:
                stack.append(clean_tag(title) or None)  # a folder
            return
        stack.append(None)
        problem = url_problem(url)
        if problem:
            result.skipped.append(Skipped(line(), clean_line(url, 200), problem))
            return
        tags = [t for t in stack if t] + _tags_from_category(lower.get("category", ""))
        # Our own export's extras (no namespace processing: other readers' files often use
        # prefixes they never declare, and expat would refuse them).
        general = lower.get("briefing:general", "").lower() == "true"
        interval_text = lower.get("briefing:interval", "")
        interval = int(interval_text) if interval_text.isdigit() and int(interval_text) else None
        result.add(
            ImportedFeed(line(), url, title, tuple(dict.fromkeys(tags)), general, interval), seen
        )

    def end(tag: str) -> None:
        stack.pop()
        opened.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(_as_expat_input(data), True)
    except expat.ExpatError as exc:
        message = f"not well-formed XML: {_expat_message(exc)}"
        if exc.code in _UNCLOSED and opened:
            tag, at = opened[-1]
            message += f"; the <{tag}> opened on line {at} is not closed"
        raise ImportFormatError(exc.lineno, message) from None
    if not state["root"]:
        raise ImportFormatError(1, "not an OPML file (no <opml> element)")
    if not state["body"]:
        raise ImportFormatError(line(), "OPML file without a <body>")
    return result


_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


def _as_expat_input(data: bytes) -> bytes:
    """expat knows UTF-8/16, Latin-1 and ASCII; re-encode other declared charsets (windows-1251,
    koi8-r...) to UTF-8 so old OPML files from Russian-language readers still load."""
    head = data.lstrip(b"\xef\xbb\xbf")
    match = _XML_DECL.match(head)
    if not match:
        return data
    encoding = match.group(1).decode("ascii").lower()
    if encoding in ("utf-8", "utf8", "utf-16", "iso-8859-1", "latin-1", "us-ascii", "ascii"):
        return data
    try:
        text = head.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise ImportFormatError(
            1, f"cannot decode as declared encoding {encoding!r}: {exc}"
        ) from None
    text = text.replace(match.group(1).decode("ascii"), "UTF-8", 1)
    return text.encode("utf-8")


_UNCLOSED = {
    expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH],
    expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
    expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
}


def _expat_message(exc: expat.ExpatError) -> str:
    return f"{expat.ErrorString(exc.code)} (column {exc.offset + 1})"


# ---------------------------------------------------------------------------------- export
def export_opml(
    feeds: Iterable[Feed], *, title: str = "briefing feeds", now: datetime | None = None
) -> str:
    """OPML 2.0: one outline per feed, tags as its category list; briefing's own settings
    (general, interval) in a namespace other readers ignore."""
    now = now or datetime.now(UTC)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<opml version="2.0" xmlns:briefing={quoteattr(BRIEFING_NS)}>',
        "  <head>",
        f"    <title>{xml_escape(title)}</title>",
        f"    <dateCreated>{format_datetime(now.astimezone(UTC), usegmt=True)}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        attrs = [
            ("type", "rss"),
            ("text", feed.name),
            ("title", feed.name),
            ("xmlUrl", feed.url),
        ]
        host = urlsplit(feed.url).hostname
        if host:
            attrs.append(("htmlUrl", f"{urlsplit(feed.url).scheme}://{host}/"))
        tags = [t.replace(",", " ").replace("/", " ").strip() for t in feed.tags]
        if tags:
            attrs.append(("category", ",".join(t for t in tags if t)))
        if feed.general:
            attrs.append(("briefing:general", "true"))
        if feed.interval:
            attrs.append(("briefing:interval", str(feed.interval)))
        rendered = " ".join(f"{k}={quoteattr(clean_line(v))}" for k, v in attrs)
        lines.append(f"    <outline {rendered}/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)


def config_opml(config: Config, now: datetime | None = None) -> str:
    return export_opml(config.feeds, now=now)
