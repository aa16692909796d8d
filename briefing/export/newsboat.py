"""newsboat's `urls` file: one feed per line, then its tags.

    https://oc-media.org/feed/ caucasus "South Caucasus" "~OC Media (English)" !
    # a comment
    "query:Unread:unread = \\"yes\\""        <- query feed: reported as skipped
    exec:~/bin/feed.sh / filter:~/bin/f:URL  <- scripts: reported as skipped

A tag starting with `~` renames the feed; the tag `!` hides it in newsboat (imported here with
the tag "hidden", and said so). Tokens may be double-quoted with backslash escapes; `#` outside
quotes starts a comment.
"""

from __future__ import annotations

from briefing.config import url_problem
from briefing.export.opml import (
    NAME_LIMIT,
    ImportedFeed,
    ImportFormatError,
    ParsedList,
    Skipped,
    clean_tag,
    repair_url,
)
from briefing.sanitize import clean_line

SPECIAL_PREFIXES = {
    "query:": "query feed (a saved search in newsboat)",
    "exec:": "exec feed (runs a local program)",
    "filter:": "filter feed (pipes through a local program)",
}
HIDDEN_TAG = "hidden"


def tokenize(line: str, lineno: int) -> list[str]:
    """Split like newsboat: whitespace-separated, "double quotes" with \\ escapes, # comments."""
    tokens: list[str] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch.isspace():
            i += 1
            continue
        if ch == "#":
            break
        if ch == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise ImportFormatError(
                        lineno, f"unterminated quote in: {clean_line(line, 120)}"
                    )
                ch = line[i]
                if ch == "\\" and i + 1 < n:
                    buf.append(line[i + 1])
                    i += 2
                    continue
                if ch == '"':
                    i += 1
                    break
                buf.append(ch)
                i += 1
            tokens.append("".join(buf))
            continue
        start = i
        while i < n and not line[i].isspace():
            i += 1
        tokens.append(line[start:i])
    return tokens


def parse_urls(text: str) -> ParsedList:
    """Feeds from a newsboat `urls` file. Raises ImportFormatError with a line number."""
    result = ParsedList("newsboat urls")
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if "\x00" in raw:
            raise ImportFormatError(lineno, "binary data (NUL byte); is this a urls file?")
        tokens = tokenize(raw, lineno)
        if not tokens:
            continue
        url, rest = repair_url(tokens[0]), tokens[1:]
        special = next((p for p in SPECIAL_PREFIXES if url.startswith(p)), None)
        if special:
            result.skipped.append(
                Skipped(lineno, clean_line(url, 120), f"{SPECIAL_PREFIXES[special]}: not supported")
            )
            continue
        if "://" not in url:
            raise ImportFormatError(
                lineno, f"not a feed URL: {clean_line(url, 120)!r} (expected http:// or https://)"
            )
        problem = url_problem(url)
        if problem:
            result.skipped.append(Skipped(lineno, clean_line(url, 200), problem))
            continue
        name = ""
        tags: list[str] = []
        hidden = False
        for token in rest:
            if token.startswith("~"):
                name = clean_line(token[1:], NAME_LIMIT)
            elif token == "!":
                hidden = True
            else:
                tag = clean_tag(token)
                if tag:
                    tags.append(tag)
        note = ""
        if hidden:
            tags.append(HIDDEN_TAG)
            note = f"hidden in newsboat (!): tagged {HIDDEN_TAG!r}"
        result.add(ImportedFeed(lineno, url, name, tuple(dict.fromkeys(tags)), note=note), seen)
    return result
