"""Strip terminal escape sequences and control characters from untrusted text."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# Characters that show nothing: the format characters (category Cf: zero-width space and
# joiners, direction marks, bidi controls, BOM, soft hyphen, tag characters, ...) and the
# other default-ignorable code points (combining grapheme joiner, variation selectors, Hangul
# fillers). A terminal skips them or gives them a cell; none ends an escape sequence for us.
# tests/test_robustness_text.py checks that every Cf character of this Python's Unicode is in.
IGNORABLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5"
    "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\ufff0-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
)


def _sequences(stop: str) -> re.Pattern[str]:
    r"""ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST), DCS/SOS/PM/APC
    (ESC P/X/^/_ ... ST), two-character escapes (ESC + one byte), and the same with an 8-bit
    C1 introducer instead of ESC. Invisible characters (IGNORABLE) between the ESC and what
    follows, or among a CSI's parameters, are part of the sequence: "\x1b\u200c[31m" goes
    whole, where stopping at the ESC would leave "[31m" as text (a body keeps its ZWNJ and
    direction marks, so they are still there when sequences are stripped). The string bodies
    of OSC/DCS never run across a character of `stop`."""
    i = IGNORABLE
    params = "0-;=-?" if "<" in stop else "0-?"  # '<' is a CSI parameter byte too
    # in markup an escape never takes a tag's '<' (as the final byte of a two-byte escape) or
    # a reference's '&' (as an intermediate byte): "\x1b</p>" and "\x1b&lt;/p&gt;" lost them,
    # leaving "/p>" and "t;/p>" as text
    final = "0-;=-~" if "<" in stop else "0-~"
    inter = " -%'-/" if "<" in stop else " -/"
    return re.compile(
        rf"""
        \x1b[{i}]*\[[{params}{i}]*[{inter}{i}]*[@-~]?       # CSI
        | \x1b[{i}]*\][^\x07\x1b\x9c{stop}]*(?:\x07|\x1b\\|\x9c)?   # OSC
        | \x1b[{i}]*[PX^_][^\x1b\x9c{stop}]*(?:\x1b\\|\x9c)?        # DCS, SOS, PM, APC
        | \x1b[{inter}{i}]*[{final}]                     # other escapes (nF, Fp, Fe, Fs)
        | \x1b[{inter}]*                                 # a lone ESC (and intermediates)
        | \x9b[{params}{i}]*[{inter}{i}]*[@-~]?              # 8-bit CSI
        | \x9d[^\x07\x9c{stop}]*(?:\x07|\x9c)?            # 8-bit OSC
        | [\x90\x98\x9e\x9f][^\x9c{stop}]*\x9c?           # 8-bit DCS, SOS, PM, APC
        """,
        re.VERBOSE,
    )


_ESC_SEQ = _sequences("")
# In markup (a document, a page, a summary's HTML): never across a tag, so an unterminated
# OSC cannot swallow the rest of the document.
MARKUP_SEQ = _sequences("<")
# Everything else that is a control character a terminal may act on: C0 (except \t \n), DEL,
# C1. In a one-line field the line and paragraph separators too. These become a space (a title
# "Baku\x00talks" reads as two words).
_CONTROL_BODY = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Invisible format characters, removed (they take no room, so no space replaces them):
# bidi overrides and isolates (U+202A-202E, U+2066-2069) reorder what a terminal shows;
# zero-width space, word joiner, invisible operators, soft hyphen, BOM, Mongolian vowel
# separator, deprecated format characters and tag characters hide text from search ("Ba\u200bku"
# is not "Baku") and some terminals give them a cell (columns shift). Kept in bodies: the
# joiners U+200C/U+200D (Persian, Indic scripts and emoji need them) and the direction marks
# U+200E/U+200F/U+061C, which mixed Persian/Arabic-and-Latin text uses and which cannot move
# text the way an override can.
_INVISIBLE_BODY = re.compile(
    "[\u00ad\u180e\u200b\u202a-\u202e\u2060-\u206f\ufeff\U000e0000-\U000e007f]"
)
# A title also loses the direction marks, and the joiners except between two non-ASCII
# letters or combining marks (ZWNJ in Persian "می\u200cخواهم"): elsewhere (Latin, Cyrillic,
# emoji) they do nothing a one-line title needs, and a joined emoji is one cell in some
# terminals and several in others.
_INVISIBLE_LINE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\ufeff\U000e0000-\U000e007f]"
)
_JOINERS = re.compile("[\u200c\u200d]")


def _joins(char: str) -> bool:
    """A character a joiner may stand beside in a title: a non-ASCII letter or a combining
    mark (a Persian vowel sign or tanwin, a virama: "بِ\u200cخ" keeps its ZWNJ)."""
    return char > "\x7f" and unicodedata.category(char)[0] in "LM"


def _drop_stray_joiners(text: str) -> str:
    def keep(m: re.Match[str]) -> str:
        at = m.start()
        if at and at + 1 < len(text) and _joins(text[at - 1]) and _joins(text[at + 1]):
            return m.group(0)
        return ""

    return _JOINERS.sub(keep, text)


_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def drop_invisibles(text: str) -> str:
    """Remove the invisible format characters no field keeps (_INVISIBLE_BODY)."""
    return _INVISIBLE_BODY.sub("", text)


def strip_sequences(text: str) -> str:
    """Remove escape sequences whole (ESC or 8-bit introducer and what follows, invisible
    characters among them included), so none leaves its parameters behind as text ("[31m")
    once the control characters are gone."""
    return _ESC_SEQ.sub("", text)


# "&#27;" and "&#x1b;" (the semicolon may be missing), never the start of a longer number:
# "&#273;" is đ, "&#x1bc;" is Ƽ.
_ESC_REF = r"&#(?:0*27(?![0-9])|[xX]0*1[bB](?![0-9a-fA-F]));?"
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,8}));?")
# An ESC, raw or as a reference, and the character references right after it (group 1).
_ESC_AND_REFS = re.compile(
    rf"(?:\x1b|{_ESC_REF})((?:&#(?:[xX][0-9a-fA-F]{{1,8}}|[0-9]{{1,8}});?)*)"
)
_IGNORABLE_CHAR = re.compile(f"[{IGNORABLE}]")
_HAS_C1 = re.compile(r"[\x90\x98\x9b\x9d-\x9f]")


def _decode_after_esc(m: re.Match[str]) -> str:
    """An ESC and the references after it, with those that can continue an escape sequence
    decoded (printable ASCII but < > & and quotes, invisible characters, another ESC) up to
    the first that cannot: "&#27;&#91;31m" is then ESC [31m, removed whole, not "1;31m"."""
    refs = m.group(1)
    out = ["\x1b"]
    for ref in _CHAR_REF.finditer(refs):
        value = int(ref[1], 16) if ref[1] else int(ref[2])
        char = chr(value) if value < 0x110000 else ""
        printable = " " <= char <= "~" and char not in "<>&\"'"
        if not (char == "\x1b" or printable or (char and _IGNORABLE_CHAR.match(char))):
            # the sequence ends here: strip it now, or its ESC would take the '&' and '#'
            # of this reference as its own bytes ("&#27;&#1583;" left "583;")
            return MARKUP_SEQ.sub("", "".join(out)) + refs[ref.start() :]
        out.append(char)
    return "".join(out)


def strip_escapes(markup: str) -> str:
    """Escape sequences out of markup, whole: raw ones and ones written as character
    references (`&#27;[31m`, `&#27;&#91;31m`, `&#27;&#x200c;[31m`). Dropping only the ESC
    (as the control filters do) would leave "[31m" or "]8;;http://..." behind as text. No
    sequence runs across a tag: an OSC with no end ("&#27;]0;title") stops at the next '<'
    instead of taking the rest of the page."""
    if "\x1b" not in markup and "&#" not in markup and not _HAS_C1.search(markup):
        return markup
    return MARKUP_SEQ.sub("", _ESC_AND_REFS.sub(_decode_after_esc, markup))


def clean_line(text: str | None, limit: int | None = None) -> str:
    """One-line field (title, author, outlet, error): no controls at all, spaces collapsed."""
    if not text:
        return ""
    text = strip_sequences(text)  # "\x1b\u200b[31m" included: one sequence
    text = _INVISIBLE_LINE.sub("", text)  # _INVISIBLE_LINE covers _INVISIBLE_BODY
    if "\u200c" in text or "\u200d" in text:
        text = _drop_stray_joiners(text)
    text = _CONTROL_LINE.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_typed(text: str) -> str:
    """Text typed or pasted into a box (a paste copied from a web page): clean_line's
    removals (escape sequences whole, each control a space, bidi overrides and the other
    invisible characters of a body) without trimming: a space typed alone stays. Spaces run
    together only within `text`."""
    text = _INVISIBLE_BODY.sub("", strip_sequences(text))
    return _SPACES.sub(" ", _CONTROL_LINE.sub(" ", text))


_IGNORABLES = re.compile(f"[{IGNORABLE}]+")


def id_text(text: str | None) -> str:
    """A GUID or link as an identity: clean_line without any invisible character, joiners
    and direction marks included, so a feed that adds or drops one ("id\u200b", a BOM, a
    ZWNJ) still names the same story."""
    return clean_line(_IGNORABLES.sub("", text or ""))


def clean_text(text: str | None, limit: int | None = None) -> str:
    """Multi-line field (summary, body): keeps newlines and tabs, drops every other control."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = drop_invisibles(strip_sequences(text))
    text = _CONTROL_BODY.sub("", text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def http_url(url: str | None) -> str | None:
    """`url` if it is a well-formed http(s) URL with a host (safe to hand to a browser or to
    the fetcher), else None. Never raises: urlsplit's ValueError ("Invalid IPv6 URL", a port
    out of range) means "not a URL"."""
    url = (url or "").strip()
    if not url or any(c.isspace() or ord(c) < 32 or 127 <= ord(c) < 160 for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


_SENTENCE_END = re.compile(r"(?<=[.!?։。])\s+|\n")
_WORDISH = re.compile(r"[^\W\d_]{2,}")
# a full stop that ends no sentence: after an initial or a one-letter abbreviation (U.S.,
# И. Алиев, 2025 г., т.е.), a title before a name (Mr., Dr., Gen.) or a Russian unit
# (5 млн. рублей)
_ABBREVIATION = re.compile(
    r"(?:^|[\s.(])(?:[^\W\d_]|Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Maj|Adm|Sen|Rep|Gov|Jr"
    r"|Sr|St|Mt|vs|гг|млн|млрд|тыс|руб|ул|им)\.$"
)


def _sentences(text: str) -> list[str]:
    pieces, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if "\n" not in m.group() and _ABBREVIATION.search(text, max(0, m.start() - 8), m.start()):
            continue
        pieces.append(text[start : m.start()].strip())
        start = m.end()
    pieces.append(text[start:].strip())
    return [s for s in pieces if s]


def lead_sentence(text: str | None, limit: int = 120) -> str:
    """The first piece of `text` that reads as a sentence (five words or more), at most
    `limit` characters (a longer one is cut with "…"): what stands for an item that has no
    title. A dateline or a byline before it ("4 Dec. 13:30 (UTC+3 MSK)", "Yerevan
    /Mediamax/.") is skipped; with no such piece, the first one. An initial or an
    abbreviation ("The U.S. State Department", "И. Алиев") ends no sentence."""
    pieces = _sentences((text or "")[: 5 * limit])
    lead = next((s for s in pieces if len(_WORDISH.findall(s)) >= 5), pieces[0] if pieces else "")
    return lead if len(lead) <= limit else lead[: limit - 1].rstrip() + "…"
