"""Small text helpers for what the commands, the export and the app print (no I/O)."""

from __future__ import annotations


def noun(n: int, one: str, many: str | None = None) -> str:
    """The noun for `n` of a thing: `one` for exactly 1, else `many` (default: `one` + "s")."""
    return one if n == 1 else (many or one + "s")


def plural(n: int, one: str, many: str | None = None) -> str:
    """`n` and its noun: plural(1, "story", "stories") -> "1 story", plural(0, "feed") ->
    "0 feeds"."""
    return f"{n} {noun(n, one, many)}"
