"""The briefing: pick stories from the store, build a Briefing model, render markdown/html/json.

`build_briefing` is the only part that reads the store; `render_*` are pure functions of the
model, so golden-file tests pin the output exactly. Every piece of feed text is re-cleaned here
(`briefing.sanitize`) and then escaped for the target format, so a title or a link can never
become markup, a script, a link to a non-web scheme, or a terminal escape sequence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from briefing.export.files import write_new_file
from briefing.models import Story, Thread
from briefing.sanitize import clean_line, clean_text
from briefing.textfmt import json_text, noun, plural

if TYPE_CHECKING:
    from briefing.config import Config
    from briefing.store import Store

FORMATS = {"markdown": "md", "html": "html", "json": "json"}
JSON_FORMAT_ID = "briefing/1"
LAST_EXPORT_KEY = "last_export"
# "ID TIME": the largest article id the export with that last_export TIME read. Ids grow in
# commit order, so the next default export takes the stories above ID: a story a fetch commits
# in the very second of an export's read (times are stored to the second) is in exactly one
# export. An ID whose TIME is not last_export (an older briefing recorded an export since) is
# not used: the window is then by time, as it was.
LAST_EXPORT_ID_KEY = "last_export_id"
FIRST_EXPORT_WINDOW = timedelta(hours=24)  # the default window when nothing was exported yet
EXCERPT_LIMIT = 320
TITLE_LIMIT = 300


# ---------------------------------------------------------------------------------- model
@dataclass(frozen=True, slots=True)
class Source:
    number: int
    outlet: str
    title: str
    link: str  # a safe http(s) URL, or "" when the story had none (or an unsafe one)
    when: datetime | None  # None: undated (the seed article: see `story_time`)


@dataclass(frozen=True, slots=True)
class BriefingStory:
    id: int
    title: str
    outlet: str
    when: datetime | None  # aware, in the briefing's time zone; None: undated (`story_time`)
    excerpt: str
    link: str  # safe http(s) URL or ""
    source: int  # number in Briefing.sources
    also: tuple[str, ...] = ()  # other outlets that carried the same story


@dataclass(frozen=True, slots=True)
class BriefingThread:
    id: int | None  # None: stories not (yet) in any thread
    title: str
    moved: str  # one line: how many stories, from how many outlets, since when
    stories: tuple[BriefingStory, ...]


@dataclass(frozen=True, slots=True)
class Briefing:
    title: str
    generated: datetime  # aware, in the briefing's time zone
    zone: str  # the zone's name as shown, e.g. "Asia/Baku" (local zone: its abbreviation now)
    scope: str  # "since" | "marked" | "threads"
    since: datetime | None
    until: datetime
    scope_line: str  # one line: what this briefing covers
    threads: tuple[BriefingThread, ...]
    sources: tuple[Source, ...]
    zone_key: str = ""  # the configured zone name; "" = local zone, each time names its own
    # the largest article id in the cache when the stories were read: every story stored
    # after that read has a larger one (what `record_export` remembers)
    upto_id: int = 0

    @property
    def story_count(self) -> int:
        return sum(len(t.stories) for t in self.threads)


# ---------------------------------------------------------------------------------- text helpers
def resolve_zone(name: str) -> tuple[tzinfo | None, str]:
    """The configured zone (None = the machine's local zone) and a name to show for it."""
    if name:
        return ZoneInfo(name), name
    return None, ""


def localise(moment: datetime, zone: tzinfo | None) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone) if zone is not None else moment.astimezone()


def is_undated(story: Story) -> bool:
    """A seed text (shipped package data, no feed) with no publication date: the seed article
    gives none, and its first seen is only when the cache was made, which is no news time."""
    return story.feed_id is None and story.published is None


def story_time(story: Story, zone: tzinfo | None) -> datetime | None:
    """The time a briefing gives a story (published, else first seen), in its zone; None for
    an undated seed text, never the cache's creation time shown as if it were news."""
    return None if is_undated(story) else localise(story.when, zone)


def format_time(moment: datetime, zone_name: str = "") -> str:
    """'2025-06-30 14:05 (Asia/Baku, UTC+04:00)': local time with the zone named."""
    offset = moment.strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    name = zone_name or moment.tzname() or ""
    if offset == "UTC+00:00" and name in ("UTC", "GMT", "Etc/UTC", "Z"):
        offset, name = "UTC", ""
    label = f"{name}, {offset}" if name else offset
    return f"{moment:%Y-%m-%d %H:%M} ({label})"


UNDATED = "undated"


def format_when(moment: datetime | None, zone_name: str = "") -> str:
    """`format_time`, or "undated" for a story with no time of its own (the seed article)."""
    return format_time(moment, zone_name) if moment is not None else UNDATED


def safe_url(url: str | None) -> str:
    """`url` if it is an http(s) URL with a host, with anything unusual percent-encoded (an
    internationalised host name becomes its xn-- form); else ""."""
    url = clean_line(url)
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not host:
        return ""
    if not parts.netloc.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return ""
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = (f"{userinfo}@" if userinfo else "") + ascii_host + (f":{port}" if port else "")
        url = urlunsplit(parts._replace(netloc=netloc))
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”»)]*\s+")


_WORD = re.compile(r"\w+")
# what may follow a headline at the start of the text: space, separators, closing marks
_AFTER_TITLE = " \t\n.,:;|!?\u2026-\u2013\u2014\u00b7\u2022\u201d\u2019\u00bb)"
_TITLE_END = re.compile(r"\W*$")  # what follows a headline's last word


def strip_title(text: str, title: str) -> str:
    """`text` without a leading copy of `title` (the page's headline is often the first line
    of the article text): the same words in the same order, ignoring case, whitespace and
    punctuation, and any separator after them. `text` unchanged when it does not start so."""
    want = [w.casefold() for w in _WORD.findall(title)]
    if not want:
        return text
    pos = 0
    for word in want:  # only non-word characters lie between one match and the next
        match = _WORD.search(text, pos)
        if match is None or match.group().casefold() != word:
            return text
        pos = match.end()
    # and the marks that close the headline itself: a straight quote, "[VIDEO]"'s bracket
    closing = _TITLE_END.search(title).group()  # type: ignore[union-attr]
    return text[pos:].lstrip(_AFTER_TITLE + closing)


def excerpt(story: Story, limit: int = EXCERPT_LIMIT) -> str:
    """The first sentence or two of the story's text (else its summary), on one line; a
    leading copy of the headline is left out (it is printed just above)."""
    title = clean_line(story.title)
    text = strip_title(clean_text(story.text), title).strip()
    text = text or strip_title(clean_text(story.summary), title).strip()
    first_para = next((p for p in text.split("\n\n") if len(p.strip()) > 40), text)
    para = clean_line(first_para)
    if not para:
        return ""
    ends = [m.end() for m in _SENTENCE_END.finditer(para)]
    cut = len(para)
    if len(ends) >= 2 and ends[1] <= limit:
        cut = ends[1]
    elif ends and ends[0] <= limit:
        cut = ends[0]
    out = para[:cut].strip()
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out


# ---------------------------------------------------------------------------------- building
def parse_since(text: str, now: datetime, zone: tzinfo | None) -> datetime:
    """'24h', '90m', '7d', '2w', a date (midnight in the briefing's zone) or an ISO date-time.
    ValueError for anything else, and for a time outside the years 1 to 9999 (datetime's range)."""
    try:
        return _parse_since(text.strip(), now, zone)
    except OverflowError:
        raise ValueError(f"outside the years 1 to 9999: {text.strip()!r}") from None


def _parse_since(text: str, now: datetime, zone: tzinfo | None) -> datetime:
    match = re.fullmatch(r"(\d+)\s*([mhdw])", text.lower())
    if match:
        n, unit = int(match.group(1)), match.group(2)
        minutes = {"m": 1, "h": 60, "d": 60 * 24, "w": 60 * 24 * 7}[unit]
        return now - timedelta(minutes=n * minutes)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time())
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"not a duration or a date: {text!r} (try 24h, 7d, 2025-06-30 or 2025-06-30T08:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone) if zone is not None else moment.astimezone()
    return moment.astimezone(UTC)


def last_export(store: Store) -> datetime | None:
    return last_export_mark(store)[0]


def last_export_mark(store: Store) -> tuple[datetime | None, int | None]:
    """When the last recorded export ran, and the largest article id it read (None: not
    known, e.g. recorded by an older briefing: the next window is then by time)."""
    meta = store.get_metas(LAST_EXPORT_KEY, LAST_EXPORT_ID_KEY)
    value = meta.get(LAST_EXPORT_KEY)
    try:
        when = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None, None
    upto, _, at = meta.get(LAST_EXPORT_ID_KEY, "").partition(" ")
    if when is None or at != value or not upto.isdigit():
        return when, None
    return when, int(upto)


def select_stories(
    store: Store,
    *,
    since: datetime | None,
    upto_id: int,
    thread_ids: Sequence[int] = (),
    marked: bool = False,
    after_id: int | None = None,
) -> list[Story]:
    """The stories a briefing covers, oldest first; hidden stories never; none stored after
    the article `upto_id` (the cache as the export read it: see `Store.max_article_id`).

    --marked: every story marked for the briefing (optionally only in `thread_ids`).
    --thread without a window: the whole thread. Otherwise: first seen after `since`, or
    (`after_id`, the default window after a recorded export) stored after that article.
    """
    if marked:
        stories = store.marked()
        if since is not None:  # an undated seed's first seen is no arrival: never "recent"
            stories = [s for s in stories if s.first_seen > since and not is_undated(s)]
        if thread_ids:
            stories = [s for s in stories if s.thread_id in thread_ids]
    elif thread_ids and since is None:
        stories = []
        for thread_id in thread_ids:
            stories += store.stories(thread_id, limit=10_000, fold_copies=False)
    else:
        stories = store.stories_between(since, after_id=after_id, upto_id=upto_id)
        if thread_ids:
            stories = [s for s in stories if s.thread_id in thread_ids]
    # a hidden story is never part of a briefing, whatever the scope. No bound by time: a
    # story first seen after the export's clock but read (the export waited for a fetch's
    # write lock) is covered here, as the mark it records says
    stories = [s for s in stories if s.id <= upto_id and not s.hidden]
    # an undated seed text first, as the oldest (its events predate the thread's news)
    return sorted(stories, key=lambda s: (not is_undated(s), s.when, s.id))


def build_briefing(
    store: Store,
    config: Config,
    *,
    since: datetime | None = None,
    thread_ids: Sequence[int] = (),
    marked: bool = False,
    now: datetime | None = None,
) -> Briefing:
    """Read the store and build the model. `since=None` (and no thread or marked selection)
    means: since the last export, or the last 24 hours when there was none."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)  # as stored
    zone, zone_name = resolve_zone(config.settings.timezone)
    # read first: a story stored after this has a larger id and is left to the next export
    upto_id = store.max_article_id()
    after_id = None
    if since is None and not thread_ids and not marked:
        since, after_id = last_export_mark(store)
        since = since or now - FIRST_EXPORT_WINDOW
    stories = select_stories(
        store,
        since=since,
        upto_id=upto_id,
        thread_ids=thread_ids,
        marked=marked,
        after_id=after_id,
    )
    threads = store.threads(include_dormant=True, now=now)
    if thread_ids:  # the order asked for on the command line
        rank = {tid: i for i, tid in enumerate(dict.fromkeys(thread_ids))}
        threads.sort(key=lambda t: rank.get(t.id, len(rank)))
    scope = "marked" if marked else ("threads" if thread_ids and since is None else "since")
    model = assemble(
        stories,
        threads,
        scope=scope,
        since=since,
        now=now,
        zone=zone,
        zone_name=zone_name,
        explicit_threads=bool(thread_ids) or marked,
    )
    return replace(model, upto_id=upto_id)


def assemble(
    stories: Iterable[Story],
    threads: Iterable[Thread],
    *,
    scope: str,
    since: datetime | None,
    now: datetime,
    zone: tzinfo | None,
    zone_name: str,
    explicit_threads: bool = False,
) -> Briefing:
    """Group stories by thread (threads in display order), fold copies, number the sources."""
    stories = list(stories)
    thread_list = list(threads)
    muted = {t.id for t in thread_list if t.muted}
    selected_ids = {s.id for s in stories}
    also: dict[int, list[str]] = {}
    kept: list[Story] = []
    for story in stories:
        if story.duplicate_of is not None and story.duplicate_of in selected_ids:
            also.setdefault(story.duplicate_of, []).append(clean_line(story.outlet, 80))
            continue
        if story.thread_id in muted and not explicit_threads:
            continue
        kept.append(story)

    by_thread: dict[int | None, list[Story]] = {}
    for story in kept:
        by_thread.setdefault(story.thread_id, []).append(story)
    order: list[tuple[int | None, str]] = [
        (t.id, t.title) for t in thread_list if t.id in by_thread
    ]
    known = {tid for tid, _ in order}
    for tid in sorted((t for t in by_thread if t not in known), key=lambda t: (t is None, t or 0)):
        order.append((tid, "Other stories" if tid is None else f"Thread {tid}"))

    sources: list[Source] = []
    source_of_link: dict[str, int] = {}
    out_threads: list[BriefingThread] = []
    for tid, title in order:
        items = by_thread[tid]
        out_stories = []
        seeds: set[str] = set()  # outlet labels of seed texts ("seed article"): no outlet
        for story in items:
            link = safe_url(story.link)
            when = story_time(story, zone)
            outlet = clean_line(story.outlet, 80) or "unknown outlet"
            if story.feed_id is None:
                seeds.add(outlet)
            headline = clean_line(story.title, TITLE_LIMIT) or "(untitled)"
            number = source_of_link.get(link) if link else None
            if number is None:
                number = len(sources) + 1
                sources.append(Source(number, outlet, headline, link, when))
                if link:
                    source_of_link[link] = number
            out_stories.append(
                BriefingStory(
                    id=story.id,
                    title=headline,
                    outlet=outlet,
                    when=when,
                    excerpt=excerpt(story),
                    link=link,
                    source=number,
                    also=tuple(dict.fromkeys(o for o in also.get(story.id, ()) if o != outlet)),
                )
            )
        outlets = {s.outlet for s in out_stories} - seeds
        outlets |= {o for s in out_stories for o in s.also}
        out_threads.append(
            BriefingThread(
                id=tid,
                title=clean_line(title, TITLE_LIMIT) or "(untitled thread)",
                moved=moved_line(scope, out_stories, len(outlets), since, zone, zone_name),
                stories=tuple(out_stories),
            )
        )

    generated = localise(now, zone)
    return Briefing(
        title=f"Briefing, {generated.day} {generated:%B %Y}",
        generated=generated,
        zone=zone_name or generated.tzname() or "",
        scope=scope,
        since=localise(since, zone) if since else None,
        until=generated,
        scope_line=scope_line(scope, since, now, zone, zone_name),
        threads=tuple(out_threads),
        sources=tuple(sources),
        zone_key=zone_name,
    )


def moved_line(
    scope: str,
    stories: Sequence[BriefingStory],
    outlets: int,
    since: datetime | None,
    zone: tzinfo | None,
    zone_name: str,
) -> str:
    """'3 stories marked from 2 outlets, FIRST to LAST'; no outlet count when none (the seed
    article alone) and a span over the dated stories only (none: no span)."""
    count = plural(len(stories), "story", "stories")
    from_ = f" from {plural(outlets, 'outlet')}" if outlets else ""
    if scope == "since" and since is not None:
        new = f"{len(stories)} new {noun(len(stories), 'story', 'stories')}"
        return f"{new}{from_} since {format_time(localise(since, zone), zone_name)}"
    line = count + (" marked" if scope == "marked" else "") + from_
    dated = [s.when for s in stories if s.when is not None]
    if not dated:
        return line
    first, last = min(dated), max(dated)
    span = format_time(first, zone_name)
    if last != first:
        span = f"{span} to {format_time(last, zone_name)}"
    return f"{line}, {span}"


def scope_line(
    scope: str, since: datetime | None, now: datetime, zone: tzinfo | None, zone_name: str
) -> str:
    until = format_time(localise(now, zone), zone_name)
    if scope == "marked":
        if since is not None:
            start = format_time(localise(since, zone), zone_name)
            return f"Stories marked for the briefing, first seen since {start}, as of {until}."
        return f"Stories marked for the briefing, as of {until}."
    if scope == "threads":
        return f"All stories of the selected threads, as of {until}."
    return f"Stories first seen from {format_time(localise(since or now, zone), zone_name)} to {until}."


# ---------------------------------------------------------------------------------- markdown
# Every ASCII punctuation character that means something to CommonMark, GFM or pandoc markdown
# (links, images, emphasis, code, raw HTML, entities, tables, math, citations) is escaped; a
# backslash before ASCII punctuation is always literal in all three.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~&$@^])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=:]|\d+[.)])")


def md_escape(text: str) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", clean_line(text))
    start = _MD_LINE_START.match(text)
    if start:  # "- x", "+ x", "1. x", "= x" at the start of a line would start a block
        token = start.group(2)
        text = start.group(1) + token[:-1] + "\\" + token[-1] + text[start.end() :]
    return text


def md_link(url: str) -> str:
    return f"<{url}>" if url else "(no link)"


def render_markdown(b: Briefing) -> str:
    # scope_line, moved and times are our own text (numbers, dates, the configured zone name)
    lines = [f"# {md_escape(b.title)}", "", b.scope_line, ""]
    if not b.threads:
        lines += ["No stories.", ""]
    for thread in b.threads:
        lines += [f"## {md_escape(thread.title)}", "", f"*{thread.moved}*", ""]
        for s in thread.stories:
            also = f"; also {md_escape(', '.join(s.also))}" if s.also else ""
            lines.append(
                f"- **{md_escape(s.title)}**  \n"
                f"  {md_escape(s.outlet)}, {format_when(s.when, b.zone_key)}{also}"
                f" \\[{s.source}\\]  "
            )
            if s.excerpt:
                lines.append(f"  {md_escape(s.excerpt)}  ")
            lines.append(f"  {md_link(s.link)}")
        lines.append("")
    if b.sources:
        lines += ["## Sources", ""]
        for src in b.sources:
            lines.append(
                f"{src.number}. {md_escape(src.outlet)}: {md_escape(src.title)}, "
                f"{format_when(src.when, b.zone_key)}. {md_link(src.link)}"
            )
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- html
_CSS = """
body{font:16px/1.5 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ccc}
.scope,.moved,.meta{color:#555;font-size:.9em}.moved{font-style:italic}
ul.stories{list-style:none;padding:0}ul.stories li{margin:0 0 1.1em}
.headline{font-weight:bold}.excerpt{margin:.2em 0}.cite{color:#555}
a{color:#1a4f8b;word-break:break-all}ol.sources{font-size:.9em}
""".strip()

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"


def h(text: str) -> str:
    return html.escape(clean_line(text), quote=True)


def html_link(url: str, label: str | None = None) -> str:
    if not url:
        return '<span class="nolink">(no link)</span>'
    return (
        f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{h(label or url)}</a>'
    )


def render_html(b: Briefing) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(b.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{h(b.title)}</h1>",
        f'<p class="scope">{h(b.scope_line)}</p>',
    ]
    if not b.threads:
        out.append("<p>No stories.</p>")
    for thread in b.threads:
        out += [
            f"<h2>{h(thread.title)}</h2>",
            f'<p class="moved">{h(thread.moved)}</p>',
            '<ul class="stories">',
        ]
        for s in thread.stories:
            also = f"; also {h(', '.join(s.also))}" if s.also else ""
            out += [
                "<li>",
                f'<div class="headline">{h(s.title)}</div>',
                f'<div class="meta">{h(s.outlet)}, {h(format_when(s.when, b.zone_key))}{also}'
                f' <a class="cite" href="#source-{s.source}">[{s.source}]</a></div>',
            ]
            if s.excerpt:
                out.append(f'<p class="excerpt">{h(s.excerpt)}</p>')
            out += [f'<div class="link">{html_link(s.link)}</div>', "</li>"]
        out.append("</ul>")
    if b.sources:
        out += ["<h2>Sources</h2>", '<ol class="sources">']
        for src in b.sources:
            out.append(
                f'<li id="source-{src.number}">{h(src.outlet)}: {h(src.title)}, '
                f"{h(format_when(src.when, b.zone_key))}. {html_link(src.link)}</li>"
            )
        out.append("</ol>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------- json
def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def briefing_json(b: Briefing) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT_ID,
        "title": b.title,
        "generated": _iso(b.generated),
        "timezone": b.zone,
        "scope": b.scope,
        "since": _iso(b.since),
        "until": _iso(b.until),
        "summary": b.scope_line,
        "threads": [
            {
                "id": t.id,
                "title": t.title,
                "moved": t.moved,
                "stories": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "outlet": s.outlet,
                        "time": _iso(s.when),
                        "excerpt": s.excerpt,
                        "link": s.link or None,
                        "source": s.source,
                        "also": list(s.also),
                    }
                    for s in t.stories
                ],
            }
            for t in b.threads
        ],
        "sources": [
            {
                "number": src.number,
                "outlet": src.outlet,
                "title": src.title,
                "time": _iso(src.when),
                "link": src.link or None,
            }
            for src in b.sources
        ],
    }


def render_json(b: Briefing) -> str:
    return json_text(briefing_json(b), indent=2) + "\n"


RENDERERS = {"markdown": render_markdown, "html": render_html, "json": render_json}


def render(b: Briefing, fmt: str) -> str:
    try:
        return RENDERERS[fmt](b)
    except KeyError:
        raise ValueError(f"unknown format {fmt!r} (expected {', '.join(RENDERERS)})") from None


# ---------------------------------------------------------------------------------- files
def write_briefing(
    store: Store,
    config: Config,
    *,
    marked: bool,
    fmt: str = "markdown",
    directory: Path,
    now: datetime | None = None,
) -> tuple[Path, Briefing]:
    """The app's `E`: write today's briefing into `directory` as briefing-YYYY-MM-DD.<ext>
    (a new -2, -3... file when one exists) and record the export once the file is written,
    as `briefing export` does. Returns the path and the briefing written: its `story_count`
    is what the file holds (a wire copy marked with its original is folded under it, not
    counted)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected {', '.join(FORMATS)})")
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)  # as stored
    model = build_briefing(store, config, marked=marked, now=now)
    path = write_new_file(
        Path(directory), f"briefing-{model.generated:%Y-%m-%d}", FORMATS[fmt], render(model, fmt)
    )
    record_export(store, model)
    return path, model


def record_export(store: Store, model: Briefing) -> None:
    """Remember the export of `model` (once it is written: an export that failed or was
    killed before leaves the mark where it was): its time, and the largest article id it read,
    where the next default export starts. Both in one transaction."""
    when = model.until.astimezone(UTC).isoformat(timespec="seconds")
    store.set_metas({LAST_EXPORT_KEY: when, LAST_EXPORT_ID_KEY: f"{model.upto_id} {when}"})


def default_export_dir(config: Config) -> Path:
    configured = config.settings.export_dir
    return Path(configured).expanduser() if configured else Path.home() / "briefings"
