"""Article page HTML -> clean text, author, date, language. Pure; runs in a worker process.

trafilatura.extract / bare_extraction on the HTML we downloaded ourselves: never
trafilatura.fetch_url, which turns certificate checks off after a TLS error. Control
characters and character references to them are removed first (one `&#27;` makes trafilatura
discard the whole page).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from briefing.fetch.parse import (
    AUTHOR_CAP,
    TEXT_CAP,
    charset_from_content_type,
    decode_body,
    drop_control_refs,
)
from briefing.sanitize import clean_line, clean_text, strip_escapes

HTML_CAP = 5_000_000  # characters handed to trafilatura; the rest of a huge page is ignored
MIN_TEXT = 150  # shorter "articles" are navigation crumbs, not text

_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_HTML_LANG = re.compile(
    r"<html\b[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)?", re.I
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str | None
    author: str | None = None
    date: str | None = None  # as found on the page (ISO date), informational
    lang: str | None = None
    error: str | None = None  # why there is no text


def clean_html(html: str) -> str:
    """Drop control characters and references to them before any HTML parser sees the page."""
    return _CONTROLS.sub("", drop_control_refs(strip_escapes(html)))


def guess_lang(text: str) -> str | None:
    """The script says enough for the thread engine: ka, hy, ru (Cyrillic), else None."""
    sample = text[:2000]
    counts = {"ka": 0, "hy": 0, "ru": 0, "latin": 0}
    for ch in sample:
        o = ord(ch)
        if 0x10A0 <= o <= 0x10FF:
            counts["ka"] += 1
        elif 0x0530 <= o <= 0x058F:
            counts["hy"] += 1
        elif 0x0400 <= o <= 0x04FF:
            counts["ru"] += 1
        elif ch.isascii() and ch.isalpha():
            counts["latin"] += 1
    best = max(counts, key=lambda k: counts[k])
    if counts[best] == 0:
        return None
    return None if best == "latin" else best


def extract_article(
    body: bytes, headers: Mapping[str, str] | None = None, url: str = ""
) -> Extracted:
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    mime = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if mime and mime not in ("text/html", "application/xhtml+xml", "text/plain", "application/xml"):
        return Extracted(None, error=f"not an HTML page ({clean_line(mime, 60)})")
    if not body.strip():
        return Extracted(None, error="empty page")
    declared = charset_from_content_type(headers.get("content-type"))
    if not declared:
        m = _META_CHARSET.search(body[:4096])
        declared = m.group(1).decode("ascii", "replace") if m else None
    html, _encoding = decode_body(body, declared)
    html = clean_html(html[:HTML_CAP])
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url or None, with_metadata=True, include_comments=False,
            include_tables=True, include_images=False, include_links=False,
        )  # fmt: skip
    except Exception as exc:  # trafilatura/lxml can fail on odd pages; never on the run
        return Extracted(None, error=f"extraction failed: {clean_line(type(exc).__name__)}")
    text = clean_text(getattr(doc, "text", None) or "", TEXT_CAP) if doc is not None else ""
    date = clean_line(getattr(doc, "date", None) or "", 40) or None
    if len(text) < MIN_TEXT:  # the page's date still dates an item its feed left undated
        return Extracted(None, error="no article text found on the page", date=date)
    author = clean_line(getattr(doc, "author", None) or "", AUTHOR_CAP) or None
    lang = getattr(doc, "language", None)
    if not lang:
        m = _HTML_LANG.search(html[:5000])
        lang = m.group(1).lower() if m else guess_lang(text)
    return Extracted(text=text, author=author, date=date, lang=clean_line(lang, 10) or None)
