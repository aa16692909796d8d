"""Small text helpers for what the commands, the export and the app print (no I/O)."""

from __future__ import annotations

import json
import re
from typing import Any

from briefing.sanitize import IGNORABLE


def noun(n: int, one: str, many: str | None = None) -> str:
    """The noun for `n` of a thing: `one` for exactly 1, else `many` (default: `one` + "s")."""
    return one if n == 1 else (many or one + "s")


def plural(n: int, one: str, many: str | None = None) -> str:
    """`n` and its noun: plural(1, "story", "stories") -> "1 story", plural(0, "feed") ->
    "0 feeds"."""
    return f"{n} {noun(n, one, many)}"


# What JSON output gives as an escape, never as itself (ensure_ascii=False writes Cyrillic,
# Georgian and Armenian as they are, and would write these too): DEL and the C1 controls
# (json escapes C0 itself; a raw newline is the indent's), line and paragraph separators,
# every invisible character (a bidi override reorders what a terminal shows
# after it) and lone surrogates (no encoding can write one). An escape is the same string to
# whoever reads the JSON: an id or a name given as written still matches.
_JSON_ESCAPE = re.compile(f"[\x7f-\x9f\u2028\u2029\ud800-\udfff{IGNORABLE}]")


def _json_escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(value: Any, *, indent: int | None = None) -> str:
    """`value` as JSON, readable text as written, the characters of _JSON_ESCAPE escaped.
    Outside strings JSON is ASCII, so every such character is inside a string."""
    return _JSON_ESCAPE.sub(_json_escape, json.dumps(value, ensure_ascii=False, indent=indent))
