"""Models -> Textual Content for rows and the article; untrusted text is never parsed as markup."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.cells import cell_len, set_cell_size
from textual.content import Content

from briefing.export.briefing import UNDATED, is_undated
from briefing.models import FeedState, Story, Thread
from briefing.sanitize import clean_line, clean_text, http_url
from briefing.textfmt import plural

SPARK = "▁▂▃▄▅▆▇█"
QUIET_DAY = "·"
OUTLET_WIDTH = 14
# The row markers (the help screen's legend is made from these: keep them here).
PINNED, MUTED = "◆", "◌"
UNREAD, STARRED, IN_BRIEFING = "●", "★", "B"
HIDDEN = "(hidden)"
DORMANT = "dormant"  # a thread quiet for dormant_after_days, listed with D


def display_zone(name: str) -> tuple[tzinfo, str]:
    """The configured zone (e.g. "Asia/Baku"), else the machine's local zone; with its label."""
    if name:
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    local = datetime.now().astimezone().tzinfo or UTC
    return local, f"local {datetime.now(local).tzname() or 'time'}"


def path_lines(path: Path, width: int, home: Path | None = None) -> str:
    """A file path to show in `width` columns: the home directory as `~`, and, when that
    is still too long, broken after a `/` so every name stays whole on its line (a single
    name longer than `width` alone is left to wrap). A message's text wraps a path, which
    has no spaces, in the middle of a name (at 80 columns: ".../briefing-2026-1" then
    "1-29.md")."""
    text = str(path)
    home_dir = str(home if home is not None else Path.home())
    if home_dir not in ("", os.sep) and (text == home_dir or text.startswith(home_dir + os.sep)):
        text = "~" + text[len(home_dir) :]
    lines, line = [], ""
    for part in re.split(r"(?<=/)", text):  # each name with the / after it
        if line and cell_len(line) + cell_len(part) > width:
            lines.append(line)
            line = ""
        line += part
    lines.append(line)
    return "\n".join(lines)


def sparkline(values: Sequence[int]) -> str:
    """One block character per day, scaled to the busiest day; a dot for a quiet day."""
    top = max(values, default=0)
    if top <= 0:
        return QUIET_DAY * len(values)
    return "".join(
        QUIET_DAY if v <= 0 else SPARK[min(len(SPARK) - 1, math.ceil(v / top * len(SPARK)) - 1)]
        for v in values
    )


def ago(when: datetime | None, now: datetime) -> str:
    """How long ago, in the largest whole unit: 'now', '5m', '3h', '2d', '6w'."""
    if when is None:
        return "never"
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "now"
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return "now"


def thread_age(thread: Thread, now: datetime) -> str:
    """How long ago a thread last moved; "no news" for one holding no dated story (the seed
    thread alone: its shipped article has no date, and the cache's creation is no news)."""
    return ago(thread.updated, now) if thread.updated is not None else "no news"


def clock(
    when: datetime | None, zone: tzinfo, *, seconds: bool = False, with_zone: bool = False
) -> str:
    """A time in the display zone; `seconds` adds the year, seconds and the zone."""
    if when is None:
        return "—"
    if seconds:
        fmt = "%d %b %Y %H:%M:%S %Z"
    else:
        fmt = "%d %b %H:%M %Z" if with_zone else "%d %b %H:%M"
    return when.astimezone(zone).strftime(fmt)


def story_times(story: Story, zone: tzinfo) -> list[str | tuple[str, str]]:
    """The reader's time line, short enough for a narrow pane: 'published 29 Nov 2026 02:36,
    first seen 03:36 (+04)'. First seen drops the date (or year) it shares with published;
    the zone is named once, at the end, not after each time."""
    first = story.first_seen.astimezone(zone)
    if story.published is None:
        return [("first seen ", "dim"), f"{first:%d %b %Y %H:%M} ({first:%Z})"]
    pub = story.published.astimezone(zone)
    if first.date() == pub.date():
        seen = f"{first:%H:%M}"
    elif first.year == pub.year:
        seen = f"{first:%d %b %H:%M}"
    else:
        seen = f"{first:%d %b %Y %H:%M}"
    return [("published ", "dim"), f"{pub:%d %b %Y %H:%M}", (", first seen ", "dim"),
            f"{seen} ({first:%Z})"]  # fmt: skip


def fit(text: str, width: int) -> str:
    """Pad or cut to exactly `width` cells (ellipsis when cut). Cells, not characters: an
    outlet named in Chinese or Japanese takes two cells a character, and counted by
    characters it pushed the headlines after it out of their column."""
    if cell_len(text) > width:
        return set_cell_size(text, max(0, width - 1)) + "…"
    return set_cell_size(text, width)


def mark_read_question(thread: Thread) -> Content:
    """A's question: "Mark all 4 unread stories of X as read?" ("the 1 unread story")."""
    many = thread.unread != 1
    return Content.assemble(
        "Mark all " if many else "Mark the ", (str(thread.unread), "bold"),
        " unread stories of " if many else " unread story of ",
        (clean_line(thread.title, 80), "bold"), " as read?",
    )  # fmt: skip


def thread_prompt(thread: Thread, now: datetime) -> Content:
    """Two lines: the title (pinned/muted marked), then sparkline and counts."""
    mark: str | tuple[str, str] = "  "
    if thread.pinned:
        mark = (f"{PINNED} ", "bold $accent")
    elif thread.muted:
        mark = (f"{MUTED} ", "dim")
    title_style = "dim" if thread.muted else ("bold" if thread.unread else "")
    parts: list[str | tuple[str, str]] = ["  "]
    if thread.dormant:  # first on its line: never cut off in a narrow pane
        parts += [(DORMANT, "italic $text-warning"), "  "]
    if not thread.dormant or any(thread.per_day):  # (a dormant one's is mostly all dots)
        parts += [(sparkline(thread.per_day), "$accent"), "  "]
    parts += [(thread_age(thread, now), "dim")]
    if thread.new:
        parts += ["  ", (f"{thread.new} new", "bold $success")]
    parts += ["  ", (f"{thread.unread} unread", "$warning" if thread.unread else "dim")]
    if thread.sources:  # none for the seed article alone: "0 outlets" read as a fault
        parts += ["  ", (f"{thread.sources} outlet{'' if thread.sources == 1 else 's'}", "dim")]
    return Content.assemble(mark, (clean_line(thread.title) or "(untitled)", title_style),
                            "\n", *parts)  # fmt: skip


def marks(story: Story) -> Content:
    return Content.assemble(
        (UNREAD, "bold $warning") if not story.read else " ",
        (STARRED, "bold $warning") if story.starred else " ",
        (IN_BRIEFING, "bold $success") if story.in_briefing else " ",
    )


@dataclass(frozen=True)
class RowLayout:
    """How a story row spends its width: the outlet column's cells (0: no outlet column) and
    the time's form: full ("29 Nov 18:16", 12 cells) or short (6 cells: "18:16" for a story
    of `today`, else "29 Nov")."""

    outlet: int = OUTLET_WIDTH
    short_time: bool = False
    today: date | None = None  # the display zone's date, with short_time only


WIDE_ROW = RowLayout()
FULL_TIME, SHORT_TIME = 12, 6
# (the least row width in cells, outlet cells, full time): the first the row's width reaches.
# Row widths (border, padding and scrollbar off): 115 on the search and new-since screens at
# 120 columns, 95 in the story pane at 160, 75 at 80 columns, 67 in the story pane beside
# the threads at 120, 55 at 60 columns, 45 at 50. From 45 cells up the headline keeps 30 or
# more (the rest: marks 4, time 13 or 7, outlet and a space, "+N" 4); from 100, 54 or more.
ROW_BREAKPOINTS = (
    (100, 24, True),
    (88, 18, True),
    (72, OUTLET_WIDTH, True),
    (62, 10, True),
    (54, 8, False),
    (0, 0, False),
)


def row_layout(width: int, zone: tzinfo, now: datetime | None = None) -> RowLayout:
    """The story rows' layout for a list whose rows have `width` cells."""
    _, outlet, full_time = next(
        (step for step in ROW_BREAKPOINTS if width >= step[0]), ROW_BREAKPOINTS[-1]
    )
    if full_time:
        return RowLayout(outlet=outlet)
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    return RowLayout(outlet=outlet, short_time=True, today=today)


def row_time(story: Story, zone: tzinfo, layout: RowLayout) -> str:
    """The row's time column, exactly FULL_TIME or SHORT_TIME cells."""
    if not layout.short_time:
        return fit(UNDATED, FULL_TIME) if is_undated(story) else clock(story.when, zone)
    if is_undated(story) or story.when is None:
        return fit("—", SHORT_TIME)
    local = story.when.astimezone(zone)
    return fit(f"{local:%H:%M}" if local.date() == layout.today else f"{local:%d %b}", SHORT_TIME)


def story_prompt(
    story: Story, zone: tzinfo, *, outlet: bool = True, layout: RowLayout = WIDE_ROW
) -> Content:
    """One line: marks, time, outlet, +N copies, title; as wide as `layout` says."""
    copies = f"+{story.copies}" if story.copies else ""
    parts: list[str | tuple[str, str] | Content] = [
        marks(story), " ", (row_time(story, zone, layout), "dim"), " ",
    ]  # fmt: skip
    if outlet and layout.outlet:
        parts += [(fit(clean_line(story.outlet), layout.outlet), "$text-primary"), " "]
    parts += [(copies.ljust(3) if copies else "   ", "bold $secondary"), " "]
    if story.hidden:  # only a search lists hidden stories: say so (x there unhides)
        parts += [(f"{HIDDEN} ", "italic $text-warning")]
    parts += [(clean_line(story.title) or "(no title)", "" if story.read else "bold")]
    return Content.assemble(*parts)


def article_content(story: Story, copies: Sequence[Story], zone: tzinfo) -> Content:
    """The reader: title, outlet, author, times, link, text (or summary + note), other outlets."""
    out: list[str | tuple[str, str] | Content] = [
        (clean_line(story.title) or "(no title)", "bold"),
        "\n",
        (clean_line(story.outlet), "$text-primary"),
    ]
    if story.author:
        out += ["  ·  ", (clean_line(story.author, 120), "italic")]
    if is_undated(story):  # the seed article: its first seen is only when the cache was made
        out += ["\n", (f"{UNDATED}: the seed article gives no publication date", "dim")]
    else:
        out += ["\n", *story_times(story, zone)]
    out += ["\n", marks(story), "  "]
    if story.hidden:
        out += [("hidden (x: unhide)", "italic $text-warning"), "  "]
    link = clean_line(story.link, 500)
    if link:
        out += [(link, "underline" if http_url(story.link) else "dim strike")]
    else:
        out += [("(no link)", "dim")]
    out += ["\n\n"]
    body = clean_text(story.text)
    if body:
        out.append(body)
    else:
        reason = clean_line(story.extract_error, 200)
        note = "Full text not available" + (f" ({reason})" if reason else "")
        out += [(f"[{note}; showing the feed summary]", "italic $warning"), "\n\n"]
        out.append(clean_text(story.summary) or "(the feed gave no summary)")
    if copies:
        out += ["\n\n", (f"Also carried by {plural(len(copies), 'other outlet')}:", "bold")]
        for copy in copies:
            out += ["\n  ", (fit(clean_line(copy.outlet), OUTLET_WIDTH), "$text-primary"), " "]
            out += [clock(copy.when, zone), "  ", clean_line(copy.title)]
    return Content.assemble(*out)


def feed_status(feed: FeedState, zone: tzinfo, now: datetime) -> tuple[str, str]:
    """A short status word and its style for the feeds screen."""
    status = feed.status
    if status in ("error", "backoff") and feed.next_check and feed.next_check > now:
        return "backing off", "$warning"  # until "next check", the column beside it
    styles = {"ok": "$success", "not_modified": "$success", "error": "$error", "gone": "$error"}
    return status.replace("_", " "), styles.get(status, "dim")


def feed_note(feed: FeedState, limit: int = 120) -> str:
    """The feeds screen's last column: the last error, and where the feed moved permanently
    (301/308) if it did; one clean line (both come from servers)."""
    parts = [clean_line(feed.last_error, limit)]
    moved = clean_line(feed.moved_to, limit)
    if moved:
        parts.append(f"moved permanently to {moved}: update feeds.toml")
    return "; ".join(p for p in parts if p)
