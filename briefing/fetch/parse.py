"""Feed bytes -> cleaned, capped ArticleIn records. Pure (no I/O); runs in a worker process.

- feedparser gets bytes and headers, never a URL (its own fetcher has no timeout).
- Internal DTD subsets and <!ENTITY> declarations are removed first: feedparser's fallback
  parser expands entities, so billion-laughs / quadratic-blowup feeds would explode.
- The text is decoded by us: the declared charset is checked and, when it is wrong, recovered
  with charset-normalizer (cp1251 / koi8-r Russian comes out as Russian); feedparser then sees
  UTF-8 only.
- Every stored field is cleaned of terminal escapes and control characters and capped.
- Dates outside [1990, now + 1 day] are unknown. Identity: GUID, else link, else a hash.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import html
import html.entities
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from briefing.models import ArticleIn
from briefing.sanitize import (
    MARKUP_SEQ,
    clean_line,
    clean_text,
    http_url,
    id_text,
    lead_sentence,
    strip_escapes,
)
from briefing.textfmt import plural

TITLE_CAP = 500
AUTHOR_CAP = 200
LINK_CAP = 2000
KEY_CAP = 500
SUMMARY_CAP = 5000
TEXT_CAP = 200_000
FEED_TITLE_CAP = 200
MAX_ITEMS = 1000  # a feed with more entries than this is cut (newest first as served)
FULL_TEXT_MIN = 1200  # content:encoded this long (chars of text) counts as the full article

OLDEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


class ParseError(Exception):
    """The body is not a usable feed; str() is a short reason."""


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    items: tuple[ArticleIn, ...]
    encoding: str
    warning: str | None = None  # e.g. malformed XML from which items were still recovered
    hidden: int = 0  # items marked hidden by the region filter
    notes: tuple[str, ...] = field(default=())


# ----------------------------------------------------------------------------- entities
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\"[^\"]*\"|'[^']*')*(?:\[.*?\]\s*)?>", re.I | re.S)
_DOCTYPE_OPEN = re.compile(rb"<!DOCTYPE", re.I)
_ENTITY = re.compile(rb"<!ENTITY(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.I | re.S)


def strip_dtd(body: bytes) -> bytes:
    """Remove DOCTYPE declarations (with any internal subset) and every <!ENTITY ...>."""
    if b"<!" not in body:
        return body
    body = _DOCTYPE.sub(b"", body)
    body = _ENTITY.sub(b"", body)
    # An unterminated DOCTYPE (no '>' or ']>'): drop everything from it to the first element.
    m = _DOCTYPE_OPEN.search(body)
    if m:
        end = body.find(b"<", m.end())
        body = body[: m.start()] + (body[end:] if end >= 0 else b"")
    return body


# ----------------------------------------------------------------------------- charset
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.I)
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Code pages a Russian/Caucasus/Western feed is really in when its declaration lies.
_CANDIDATES = ("utf_8", "cp1251", "koi8_r", "iso8859_5", "cp1252", "iso8859_1", "cp866")


def charset_from_content_type(value: str | None) -> str | None:
    if not value:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", value, re.I)
    return m.group(1) if m else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_body(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Bytes -> (text, encoding used). Trusts a BOM, then valid UTF-8, then the declaration
    if it reads as sensible text, else charset-normalizer's pick among likely code pages."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace"), name
    m = _XML_DECL.match(body[:300])
    declared_codec = _codec(declared) or _codec(m.group(1).decode("ascii") if m else None)
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    import charset_normalizer

    candidates = list(_CANDIDATES)
    if declared_codec and declared_codec not in candidates:
        candidates.insert(0, declared_codec)
    # Control bytes (escape sequences in titles) make every code page look chaotic.
    sample = _CONTROL_BYTES.sub(b"", body[:200_000])
    try:
        results = charset_normalizer.from_bytes(sample, cp_isolation=candidates)
    except Exception:  # pragma: no cover - the detector must never take a feed down
        results = None
    best = results.best() if results else None
    if best is not None:
        chosen = _codec(best.encoding) or "utf-8"
        # Prefer the declared code page when it reads just as well.
        if declared_codec and declared_codec != chosen:
            for match in results or ():
                if _codec(match.encoding) == declared_codec and match.chaos <= best.chaos:
                    chosen = declared_codec
                    break
        return body.decode(chosen, errors="replace"), chosen
    name = declared_codec or "utf-8"
    return body.decode(name, errors="replace"), name


# ----------------------------------------------------------------------------- text
_DOC_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DOC_INTRO = re.compile(r"[\x1b\x90\x98\x9b\x9d-\x9f]")
_CONTROL_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_SCRIPT = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_BREAK = re.compile(
    r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|/blockquote|/pre|/section|/article|p|li|h[1-6]|hr)\b[^>]*>",
    re.I,
)
_TAG = re.compile(r"<[^>]*>")
_LINE_SPACE = re.compile(r"[ \t\u00a0]+")
_NAMED_REF = re.compile(r"&([A-Za-z][A-Za-z0-9]*)(;?)")


def _legacy_prefix(name: str) -> str:
    """The longest start of `name` that html.unescape decodes without a semicolon (one of
    HTML's legacy names: "not" of "notit", "pound" of "pound5"), or ""."""
    for end in range(min(len(name), 32), 1, -1):
        if name[:end] in html.entities.html5:
            return name[:end]
    return ""


def unescape(text: str) -> str:
    """html.unescape, except that a legacy name with no semicolon is not decoded when a
    letter follows it: "&notit;" stays as it is (then dropped as an unknown reference, see
    drop_leftover_entities) where html.unescape gives "¬it;". A full reference ("&notin;")
    and a legacy one before a space or digit ("&copy 2024", "&pound5") are decoded."""
    if "&" not in text:
        return text

    def keep(m: re.Match[str]) -> str:
        name, semi = m.groups()
        if (name + semi) in html.entities.html5:
            return m.group(0)
        prefix = _legacy_prefix(name)
        if prefix and len(prefix) < len(name) and name[len(prefix)].isalpha():
            return "&amp;" + m.group(0)[1:]  # unescape gives the reference back as text
        return m.group(0)

    return html.unescape(_NAMED_REF.sub(keep, text))


# An entity reference still there after unescape: one the feed never declared ("&lol9;"
# from a stripped DTD, feedparser's loose parser keeps it as text) or escaped twice over.
# Glued to a letter and capitalised it is more likely a name ("AT&T;", "R&D;"): kept.
_LEFTOVER_ENTITY = re.compile(r"(?<![A-Za-z0-9])&([A-Za-z][A-Za-z0-9]*);|&([a-z][A-Za-z0-9]*);")


def drop_leftover_entities(text: str) -> str:
    """Decode an HTML entity left undecoded, drop an unknown `&name;` (see _LEFTOVER_ENTITY):
    only a full known name decodes, so "&notit;" is dropped, not read as "&not" + "it;".
    A text that is nothing but unknown references stays as it is: dropped, the item would
    have no title and vanish."""
    if "&" not in text or ";" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        return html.entities.html5.get((m.group(1) or m.group(2)) + ";", "")

    out = _LEFTOVER_ENTITY.sub(repl, text)
    return out if out.strip() or not text.strip() else text


def _ref_number(m: re.Match[str]) -> int:
    """A numeric reference's number; past U+10FFFF for one of more digits than any character
    has (int() refuses a string of over 4300 digits)."""
    digits = m[1] or m[2]
    return int(digits, 16 if m[1] else 10) if len(digits.lstrip("0")) <= 8 else 0x110000


def encodable_refs(text: str) -> str:
    """References to what is no character (a surrogate, a number past U+10FFFF) as U+FFFD,
    a surrogate pair written as two references ("&#xD83D;&#xDE00;", as some CMSs write an
    emoji) as the one character it stands for. feedparser's loose parser raised on each
    (UnicodeEncodeError, ValueError, OverflowError), and the whole feed failed."""
    if "&#" not in text:
        return text
    out: list[str] = []
    at = 0
    joined = 0  # the end of a low surrogate's reference joined to the one before it
    for m in _CONTROL_REF.finditer(text):
        if m.start() < joined:
            continue
        value = _ref_number(m)
        if not (0xD800 <= value <= 0xDFFF or value > 0x10FFFF):
            continue
        out.append(text[at : m.start()])
        at = m.end()
        nxt = _CONTROL_REF.match(text, m.end()) if value <= 0xDBFF else None
        second = _ref_number(nxt) if nxt else 0
        if nxt and 0xDC00 <= second <= 0xDFFF:
            out.append(f"&#x{0x10000 + ((value - 0xD800) << 10) + (second - 0xDC00):X};")
            at = joined = nxt.end()
        else:
            out.append("&#xFFFD;")
    return "".join(out) + text[at:] if out else text


def drop_control_refs(text: str) -> str:
    """Remove character references to control characters (&#27; &#x9b; ...), keeping the
    harmless ones (tab, newline, carriage return)."""

    def repl(m: re.Match[str]) -> str:
        try:
            value = int(m.group(1), 16) if m.group(1) else int(m.group(2))
        except ValueError:
            return ""
        if value in (9, 10, 13):
            return m.group(0)
        if value < 32 or 127 <= value < 160 or value > 0x10FFFF:
            return ""
        return m.group(0)

    return _CONTROL_REF.sub(repl, text)


def html_to_text(value: str | None) -> str:
    """Feed HTML (summary/content) -> plain text with paragraph breaks; not yet cleaned."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value
    value = strip_escapes(value)  # while the tags are there to stop an OSC with no end
    value = _SCRIPT.sub(" ", value)
    value = _COMMENT.sub(" ", value)
    value = _BREAK.sub("\n", value)
    value = _TAG.sub("", value)
    value = drop_leftover_entities(unescape(drop_control_refs(value)))
    lines = [_LINE_SPACE.sub(" ", line).strip() for line in value.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def one_line(value: str | None, cap: int) -> str:
    return clean_line(html_to_text(value), cap)


# ----------------------------------------------------------------------------- dates
def sane_date(parsed: Any, now: datetime) -> datetime | None:
    """feedparser's UTC struct_time -> aware datetime, or None outside [1990, now + 1 day]."""
    if not parsed:
        return None
    try:
        when = datetime(*parsed[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    if when < OLDEST or when > now + FUTURE_SLACK:
        return None
    return when


def sane_page_date(value: str | None, now: datetime) -> datetime | None:
    """An article page's ISO date ("2025-06-30", or with a time) -> aware UTC datetime, or None
    when it does not parse or lies outside the same window as feed dates. A bare date means
    midnight UTC of that day; a time without a zone is taken as UTC."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if when < OLDEST or when > now + FUTURE_SLACK:
        return None
    return when.replace(microsecond=0)


# ----------------------------------------------------------------------------- identity
def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()[:32]


def entry_key(guid: str, link: str, title: str, summary: str) -> str:
    """The identity of a feed entry: its GUID, else its link (long ones hashed), else a hash
    of its title and summary. No invisible character counts (sanitize.id_text); the store's
    migration _v5 applied the same to the keys stored before."""
    guid = id_text(guid)
    link = id_text(link)
    if guid:
        return guid if len(guid) <= KEY_CAP else "g:" + _digest(guid)
    if link:
        return link if len(link) <= KEY_CAP else "l:" + _digest(link)
    return "h:" + _digest(title, summary)


def content_hash(item: ArticleIn) -> str:
    return _digest(
        item.title, item.link, item.summary, item.author,
        item.published.isoformat() if item.published else "", item.text or "",
    )  # fmt: skip


# ----------------------------------------------------------------------------- the parser
def parse_feed(
    body: bytes,
    headers: Mapping[str, str] | None = None,
    *,
    url: str = "",
    now: datetime | None = None,
    general: bool = False,
    region_keywords: tuple[str, ...] = (),
    fast: bool = True,
) -> ParsedFeed:
    """Parse one feed body. Raises ParseError when there is no usable feed in it.

    Well-formed documents go through fastfeedparser (lxml; ~50x faster) when it is installed;
    anything it rejects, and every malformed document, through feedparser. Both paths give
    the same records (tests/test_fetch_units.py compares them)."""

    now = now or datetime.now(UTC)
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    content_type = headers.get("content-type", "")
    if not body.strip():
        raise ParseError("empty response")
    body = strip_dtd(body)
    text, encoding = decode_body(body, charset_from_content_type(content_type))
    text = _XML_DECL_TEXT.sub("", text, count=1)
    # Terminal escape sequences and control characters are never valid XML text: remove them
    # whole (ESC [31m, OSC ... BEL, "\x1b\u200c[31m" with an invisible after the ESC) so that
    # neither the parser nor a title ever sees them; never across a '<', so an unterminated
    # OSC cannot swallow the rest of the feed.
    if _DOC_INTRO.search(text):
        text = MARKUP_SEQ.sub("", text)
    text = encodable_refs(_DOC_CONTROL.sub("", text))
    data = ('<?xml version="1.0" encoding="utf-8"?>' + text.lstrip()).encode(
        "utf-8", "surrogatepass"
    )
    quick = _fast_parse(data) if fast else None
    if quick is not None:
        raw_title, entries = quick
        problem, version = None, "fast"
    else:
        import feedparser

        # Always XML to feedparser: some servers label feeds text/html; _looks_like_html decides.
        parsed = feedparser.parse(
            io.BytesIO(data),
            # No content-location: feedparser would "resolve" plain GUIDs into URLs; links are
            # resolved against the feed's URL in _item().
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
        entries = list(parsed.entries)
        raw_title, version = parsed.feed.get("title"), parsed.get("version")
        problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    problem_text = _describe(problem) if problem is not None else None
    truncated = problem is not None and any(m in str(problem) for m in _TRUNCATED)
    if truncated and entries:
        entries = entries[:-1]  # the last one may have been cut in half
    feed_title = one_line(raw_title, FEED_TITLE_CAP) or None
    items: dict[str, ArticleIn] = {}
    seen: dict[str, int] = {}  # key -> entries with it
    differ: list[str] = []  # keys whose entries say different things
    hidden = 0
    for entry in entries[:MAX_ITEMS]:
        item = _item(entry, now, general, region_keywords, url)
        if item is None:
            continue
        seen[item.key] = seen.get(item.key, 0) + 1
        first = items.get(item.key)
        if first is not None:
            # Repeated GUIDs: the first occurrence (the newest, as feeds are served) wins, as
            # the store keeps one story per key; a different one is lost, so it is said.
            if first.content_hash != item.content_hash and item.key not in differ:
                differ.append(item.key)
            continue
        items[item.key] = item
        hidden += item.hidden
    if not items:
        if not version:
            if _looks_like_html(text):
                raise ParseError("not a feed: the server sent an HTML page")
            if truncated:
                raise ParseError(f"truncated XML, no complete item ({problem_text})")
            raise ParseError(f"not a feed: {problem_text or 'no RSS or Atom found'}")
        if truncated:
            raise ParseError(f"truncated XML, no complete item ({problem_text})")
        if problem is not None and _is_xml_error(problem):
            raise ParseError(f"malformed XML with no items: {problem_text}")
    warnings = []
    if problem is not None and _is_xml_error(problem):
        what = "truncated XML" if truncated else "malformed XML"
        warnings.append(f"{what} ({problem_text}); kept {plural(len(items), 'item')}")
    if differ:
        warnings.append(_repeats_note(differ, seen))
    return ParsedFeed(
        title=feed_title, items=tuple(items.values()), encoding=encoding,
        warning="; ".join(warnings) or None, hidden=hidden,
    )  # fmt: skip


def _repeats_note(keys: list[str], seen: Mapping[str, int]) -> str:
    """'3 entries share one id (ID), only the first kept' for entries that say different
    things under one GUID (or link, when they have none)."""
    total = sum(seen[key] for key in keys)
    shown = clean_line(keys[0], 80)
    if len(keys) == 1:
        return f"{total} entries share one id ({shown}), only the first kept"
    return f"{total} entries share {len(keys)} ids (e.g. {shown}), only the first of each kept"


def _item(
    entry: Any, now: datetime, general: bool, extra: tuple[str, ...], base: str = ""
) -> ArticleIn | None:
    title = one_line(entry.get("title"), TITLE_CAP)
    link = clean_line(entry.get("link") or "", LINK_CAP)
    guid = entry.get("id") or ""
    if link and link == guid and not guid.lower().startswith(("http://", "https://")):
        link = ""  # feedparser took a non-URL GUID ("1234") for the permalink
    elif not link and guid.lower().startswith(("http://", "https://")):
        link = clean_line(guid, LINK_CAP)  # RSS: a GUID is a permalink unless it says not
    if link and base and "://" not in link[:12]:
        with contextlib.suppress(ValueError):
            link = urljoin(base, link)
    if link and not http_url(link):
        link = ""  # not http(s), or malformed ("http://[::1/a"): never stored
    summary_html = entry.get("summary") or ""
    content_html = ""
    for content in entry.get("content") or ():
        value = content.get("value") or ""
        if len(value) > len(content_html):
            content_html = value
    summary = clean_text(html_to_text(summary_html or content_html), SUMMARY_CAP)
    full = clean_text(html_to_text(content_html), TEXT_CAP) if content_html else ""
    text = full if len(full) >= FULL_TEXT_MIN and len(full) > len(summary) else None
    author = one_line(entry.get("author") or "", AUTHOR_CAP)
    if not (title or link or summary):
        return None
    key_title = title or clean_line(summary, 120) or link  # (the key as it always was)
    if not title:
        # an untitled item stands as its lead sentence, past a dateline or byline
        title = clean_line(lead_sentence(summary), 120) or key_title
    published = sane_date(entry.get("published_parsed") or entry.get("updated_parsed"), now)
    lang = None
    key = entry_key(entry.get("id") or "", link, key_title, summary)
    hidden = False
    if general:
        from briefing.fetch.region import mentions_region

        hidden = not mentions_region((title, summary, text), extra)
    item = ArticleIn(
        key=key, link=link, title=key_title, summary=summary, author=author,
        published=published, text=text, lang=lang, hidden=hidden,
    )  # fmt: skip
    # hashed with the title an untitled item had before it stood as its lead sentence: a
    # cache from before that sees the same item unchanged (no update, no page fetched again)
    item = _with_hash(item)
    return item if title == key_title else replace(item, title=title)


def _fast_parse(data: bytes) -> tuple[str | None, list[dict[str, Any]]] | None:
    """fastfeedparser on a document lxml finds well-formed (no entities resolved, no network);
    entries shaped like feedparser's for _item(). None = use feedparser."""
    try:
        import fastfeedparser
        from lxml import etree
    except ImportError:
        return None
    try:
        root = etree.fromstring(data, _strict_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    kind = etree.QName(root).localname.lower() if isinstance(root.tag, str) else ""
    if kind not in ("rss", "rdf", "feed"):
        return None
    try:
        parsed = fastfeedparser.parse(
            data, include_tags=False, include_media=False, include_enclosures=False
        )
    except Exception:
        return None
    raw_entries = list(parsed.get("entries") or ())
    if not raw_entries:
        return None  # let feedparser have a look: it knows more dialects
    # fastfeedparser dates an undated RSS item from its GUID when that parses as a date
    # ('sep12' -> 12 Sep, 'nd1' -> 1 Nov); feedparser does not, and neither do we
    undated = _undated_guids(root)
    entries = []
    for e in raw_entries:
        description = e.get("description") or ""
        content = [
            c for c in e.get("content") or ()
            # For RSS, fastfeedparser repeats <description> as content; feedparser does not.
            if not (kind != "feed" and (c.get("value") or "") == description)
        ]  # fmt: skip
        entries.append(
            {
                "title": e.get("title"),
                "link": e.get("link"),
                # Without a GUID fastfeedparser puts the (unresolved) link here.
                "id": None if e.get("id") == e.get("link") else e.get("id"),
                "summary": description,
                "content": content,
                "author": e.get("author"),
                "published_parsed": None
                if e.get("id") in undated
                else _iso_tuple(e.get("published")) or _iso_tuple(e.get("updated")),
            }
        )
    return parsed.get("feed", {}).get("title"), entries


_DATE_TAGS = frozenset(
    {"pubdate", "published", "issued", "date", "lastbuilddate", "updated", "modified", "created"}
)


def _undated_guids(root: Any) -> set[str]:
    """The GUIDs of RSS/RDF items that carry no date element of their own."""
    from lxml import etree

    out: set[str] = set()
    for item in root.iter("{*}item"):
        guid = None
        dated = False
        for child in item:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname.lower()
            if name == "guid" and child.text:
                guid = child.text.strip()
            elif name in _DATE_TAGS:
                dated = True
        if guid and not dated:
            out.add(guid)
    return out


_STRICT: Any = None


def _strict_parser() -> Any:
    global _STRICT
    if _STRICT is None:
        from lxml import etree

        _STRICT = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
    return _STRICT


def _iso_tuple(value: Any) -> tuple[int, ...] | None:
    if not value or not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return tuple(when.astimezone(UTC).timetuple())[:6]


def _with_hash(item: ArticleIn) -> ArticleIn:
    from dataclasses import replace

    return replace(item, content_hash=content_hash(item))


_TRUNCATED = ("no element found", "unclosed token")


def _looks_like_html(text: str) -> bool:
    head = text[:1000].lstrip().lower()
    return head.startswith(("<!doctype html", "<html")) or (
        "<html" in head and "<rss" not in head and "<feed" not in head and "<rdf" not in head
    )


def _is_xml_error(exc: BaseException) -> bool:
    name = type(exc).__name__
    return name in ("SAXParseException", "SAXException") or "not well-formed" in str(exc)


def _describe(exc: BaseException) -> str:
    msg = str(exc)
    line = getattr(exc, "getLineNumber", None)
    if callable(line):
        with contextlib.suppress(Exception):
            msg = f"{exc.getMessage()} at line {exc.getLineNumber()}"  # type: ignore[attr-defined]
    return clean_line(msg, 200) or type(exc).__name__
