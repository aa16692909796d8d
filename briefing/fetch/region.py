"""Region filter for general (world/Europe) feeds: does an item mention the Caucasus?

Names come from the shipped gazetteer (gazetteer.txt beside this module) plus the user's
`settings.region_keywords`. Each name matches at a word start, case-insensitively; a trailing
`*` lets any word ending follow (Russian declension, Armenia -> Armenian).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

GAZETTEER = "gazetteer.txt"


def shipped_names() -> tuple[str, ...]:
    text = resources.files("briefing.fetch").joinpath(GAZETTEER).read_text("utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _term(name: str) -> str:
    prefix = name.endswith("*")
    words = name.rstrip("*").split()
    body = r"\s+".join(re.escape(w) for w in words)
    return body + (r"\w*" if prefix else "")


@lru_cache(maxsize=8)
def compile_filter(extra: tuple[str, ...] = ()) -> re.Pattern[str]:
    names = [n for n in (*shipped_names(), *extra) if n.strip("* ")]
    # Longest first so "South Ossetia" wins over "Ossetia" (only matters for reporting).
    names.sort(key=len, reverse=True)
    alternation = "|".join(_term(n.strip()) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)


def mentions_region(texts: Iterable[str | None], extra: tuple[str, ...] = ()) -> bool:
    pattern = compile_filter(tuple(extra))
    return any(text and pattern.search(text) for text in texts)


def first_match(text: str, extra: tuple[str, ...] = ()) -> str | None:
    m = compile_filter(tuple(extra)).search(text or "")
    return m.group(0) if m else None
