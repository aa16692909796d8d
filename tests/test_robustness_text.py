"""Odd feed text: invisible format characters, leftover entities, repeated GUIDs, broken XML.

Each test names what went wrong before: the text a reader saw, or the state a feed was left in.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fetchenv import FetchEnv, report, rss
from httpserver import TestServer

from briefing.fetch.extract import extract_article
from briefing.fetch.parse import parse_feed
from briefing.sanitize import clean_line, clean_text

CAUCASUS = "Сафаровых Հայաստան საქართველო Əliyev"
PERSIAN = "می\u200cخواهم"  # ZWNJ between two Persian letters: part of the spelling


def rss_doc(*items: str, title: str = "Feed") -> bytes:
    """An RSS 2.0 document around raw <item> bodies (written as XML, so entities are raw)."""
    inner = "".join(f"<item>{item}</item>" for item in items)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://example.org/</link>{inner}</channel></rss>"
    ).encode()


# ----------------------------------------------------------------------------- invisibles
ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.mark.parametrize("char", list(ZERO_WIDTH + BIDI), ids=lambda c: f"U+{ord(c):04X}")
def test_titles_lose_zero_width_and_bidi_characters(char: str) -> None:
    # Before: "Ba\u200bku" stayed (a search for Baku missed it), and an override became a space
    assert clean_line(f"Ba{char}ku talks{char}") == "Baku talks"
    assert clean_line(f"{char}Сафаровых{char} Əliyev") == "Сафаровых Əliyev"


def test_bodies_lose_overrides_and_zero_width_space_but_keep_joiners_and_marks() -> None:
    body = f"Line\u202e one\u2066 Ba\u200bku\u2060 \ufeff{PERSIAN} 👨\u200d👩\n\nA \u200fB"
    assert clean_text(body) == f"Line one Baku {PERSIAN} 👨\u200d👩\n\nA \u200fB"


def test_title_keeps_a_joiner_only_between_two_non_ascii_letters() -> None:
    assert clean_line(f"{PERSIAN} talks") == f"{PERSIAN} talks"
    assert clean_line("Ba\u200dku \u200cX 👨\u200d👩") == "Baku X 👨👩"


def test_title_keeps_a_joiner_after_a_vowel_sign() -> None:
    # A ZWNJ after a Persian vowel sign (kasra U+0650, tanwin U+064B) or a virama is still
    # part of the spelling; before, it was dropped (a mark is no letter to \w)
    for word in ("ب\u0650\u200cخ", "خانه\u0654\u200cای", "क\u094d\u200dष"):
        assert clean_line(f"{word} talks") == f"{word} talks"
    # still dropped next to ASCII, digits, spaces, emoji (a variation selector is a mark)
    assert clean_line("é\u200dX ۱\u200cب 🏳\ufe0f\u200d🌈 \u200cب") == "éX ۱ب 🏳\ufe0f🌈 ب"


def test_caucasus_letters_are_untouched() -> None:
    assert clean_line(CAUCASUS) == CAUCASUS
    assert clean_text(CAUCASUS + "\n\n" + CAUCASUS) == CAUCASUS + "\n\n" + CAUCASUS
    feed = parse_feed(rss_doc(f"<guid>1</guid><title>{CAUCASUS}\u200b</title>"), fast=False)
    assert feed.items[0].title == CAUCASUS


@pytest.mark.parametrize("fast", [True, False])
def test_feed_titles_and_summaries_lose_invisibles(fast: bool) -> None:
    doc = rss_doc(
        "<guid>1</guid><title>\ufeffBaku\u200b talks \u202eevil\u202c</title>"
        "<description>Ba\u2060ku\u2066 body</description>"
    )
    item = parse_feed(doc, fast=fast).items[0]
    assert (item.title, item.summary) == ("Baku talks evil", "Baku body")


def test_an_invisible_inside_an_escape_sequence_does_not_leave_its_tail() -> None:
    # Before: ESC, ZWSP, "[31m": only ESC went, "[31m" was left as text
    assert clean_line("red\x1b\u200b[31m alert") == "red alert"


@pytest.mark.parametrize("fast", [True, False])
def test_an_invisible_inside_an_escape_sequence_in_a_feed_or_page_leaves_no_tail(
    fast: bool,
) -> None:
    # Before: the document-level pass (and strip_escapes on markup) took the ESC alone, so
    # clean_line never saw a sequence: the title read "red[31m alert"
    doc = rss_doc(
        "<guid>1</guid><title>red\x1b\u200b[31m alert\x1b\u2060]0;pwned\x07</title>"
        "<description>body \x1b\ufeff[2J text &amp;#27;&#x200b;[31m x</description>"
    )
    item = parse_feed(doc, fast=fast).items[0]
    assert (item.title, item.summary) == ("red alert", "body text x")
    page = "<html><body><article><p>" + "Talks in Baku continue. " * 10
    page += "red\x1b\u200b[31m alert</p></article></body></html>"
    text = extract_article(page.encode(), {"content-type": "text/html"}).text
    assert text is not None and text.endswith("continue. red alert")


# Invisible characters a body keeps (joiners, direction marks), and two no field loses.
KEPT_IN_BODIES = "\u200c\u200d\u200e\u200f\u061c"


@pytest.mark.parametrize(
    "char", list(KEPT_IN_BODIES + "\u034f\ufff9"), ids=lambda c: f"U+{ord(c):04X}"
)
def test_an_invisible_a_body_keeps_does_not_split_an_escape_sequence(char: str) -> None:
    # Before: a body keeps ZWNJ, ZWJ and the direction marks (Persian needs them), so they
    # were still there when sequences went: the ESC went alone and "[31m" was left as text
    raw = f"red\x1b{char}[31m alert\x1b[3{char}1m!"
    assert clean_text(raw) == "red alert!"
    assert clean_line(raw) == "red alert!"
    # an ESC that starts no sequence takes nothing with it: the ZWNJ is Persian spelling
    assert clean_text("می\x1b\u200cخواهم") == PERSIAN


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("char", list(KEPT_IN_BODIES), ids=lambda c: f"U+{ord(c):04X}")
def test_an_invisible_a_body_keeps_inside_an_escape_sequence_in_a_feed_or_page(
    fast: bool, char: str
) -> None:
    # Before: the title read "red[31m alert" and the summary "body \u200c[2J text"
    doc = rss_doc(
        f"<guid>1</guid><title>red\x1b{char}[31m alert</title>"
        f"<description>body \x1b{char}[2J text &amp;#27;{char}[31m x</description>"
    )
    item = parse_feed(doc, fast=fast).items[0]
    assert (item.title, item.summary) == ("red alert", "body text x")
    page = "<html><body><article><p>" + "Talks in Baku continue. " * 10
    page += f"red\x1b{char}[31m alert</p></article></body></html>"
    text = extract_article(page.encode(), {"content-type": "text/html"}).text
    assert text is not None and text.endswith("continue. red alert")


def test_every_format_character_counts_as_invisible_inside_a_sequence() -> None:
    import re
    import unicodedata

    from briefing.sanitize import IGNORABLE

    ignorable = re.compile(f"[{IGNORABLE}]")
    missing = [
        f"U+{c:04X}"
        for c in range(0x110000)
        if unicodedata.category(chr(c)) == "Cf" and not ignorable.match(chr(c))
    ]
    assert missing == []


@pytest.mark.parametrize("fast", [True, False])
def test_a_character_reference_starting_like_an_escape_is_decoded(fast: bool) -> None:
    # "&#273;" (đ) starts as "&#27" (ESC), "&#x1bc;" (Ƽ) as "&#x1b": before, each became an
    # ESC and took the next digit with it: "Đorđe" read ";or;e", "Ƽ" vanished
    doc = rss_doc(
        "<guid>1</guid><title>&amp;#272;or&amp;#273;e Vu&amp;#269;i&amp;#263;</title>"
        "<description>&lt;p&gt;&amp;#272;or&amp;#273;e &amp;#x1bc; &amp;#27;[31m x&lt;/p&gt;"
        "</description>"
    )
    item = parse_feed(doc, fast=fast).items[0]
    assert (item.title, item.summary) == ("Đorđe Vučić", "Đorđe Ƽ x")
    page = "<html><body><article><p>" + "Talks in Baku continue. " * 10
    page += "&#272;or&#273;e Vu&#269;i&#263; &#x1b;[1m spoke.</p></article></body></html>"
    text = extract_article(page.encode(), {"content-type": "text/html"}).text
    assert text is not None and text.endswith("continue. Đorđe Vučić spoke.")


@pytest.mark.parametrize("fast", [True, False])
def test_an_escape_sequence_written_as_references_throughout_goes_whole(fast: bool) -> None:
    # Before: only the ESC reference became an ESC, which then took "&#x" of the next
    # reference as its bytes: "200b;[31m", "1;31m", "5b;31m" and "583;" were left as text
    refs = ("&#27;&#x200b;[31m", "&#27;&#x200c;[31m", "&#27;&#91;31m", "&#x1b;&#x5b;31m")
    title = " ".join(f"{i}{r}" for i, r in enumerate(refs)) + " &#27;&#1583;"
    doc = rss_doc(f"<guid>1</guid><title>{title.replace('&', '&amp;')}</title>")
    assert parse_feed(doc, fast=fast).items[0].title == "0 1 2 3 \u062f"
    page = "<html><body><article><p>" + "Talks in Baku continue. " * 10
    page += f"{title}</p></article></body></html>"
    text = extract_article(page.encode(), {"content-type": "text/html"}).text
    assert text is not None and text.endswith("continue. 0 1 2 3 \u062f")


@pytest.mark.parametrize("osc", ["&#27;]0;pwned", "\x1b]8;;http://x.example/", "\x9d0;x"])
def test_an_unterminated_osc_in_a_page_does_not_take_the_rest_of_it(osc: str) -> None:
    # Before: the OSC ran to the end of the page (no BEL or ST came): it ended at "red"
    page = "<html><body><article><p>" + "Talks in Baku continue. " * 10 + f"red {osc} alert"
    page += "</p><p>" + "The vote in Yerevan was delayed. " * 5 + "</p></article></body></html>"
    text = extract_article(page.encode(), {"content-type": "text/html"}).text
    assert text is not None and text.endswith("was delayed.")
    assert "Talks in Baku continue. red\n" in text


@pytest.mark.parametrize("fast", [True, False])
def test_an_unterminated_osc_in_a_summary_does_not_take_the_rest_of_it(fast: bool) -> None:
    # The summary's HTML, escaped in the feed: the OSC is written as a reference there.
    # Before: the tags were gone when escapes were stripped, and the summary ended at "red"
    summary = "&lt;p&gt;red &amp;#27;]0;pwned alert&lt;/p&gt;&lt;p&gt;Yerevan vote delayed"
    doc = rss_doc(f"<guid>1</guid><title>T</title><description>{summary}</description>")
    assert parse_feed(doc, fast=fast).items[0].summary == "red\n\nYerevan vote delayed"


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("esc", ["\x1b", "&amp;#27;"])
def test_a_stray_escape_before_a_tag_leaves_the_tag_alone(fast: bool, esc: str) -> None:
    # A lone ESC right before a tag took its '<' as a two-byte escape: the summary read
    # "red/p>" and the page "Baku/p>" (the tag was no tag any more)
    summary = f"&lt;p&gt;red {esc}&lt;/p&gt;&lt;p&gt;Yerevan vote delayed"
    doc = rss_doc(f"<guid>1</guid><title>T</title><description>{summary}</description>")
    assert parse_feed(doc, fast=fast).items[0].summary == "red\n\nYerevan vote delayed"
    raw = esc.replace("&amp;", "&")
    page = "<html><body><article><p>" + "Talks in Baku continue. " * 10 + f"red{raw}</p>"
    page += "<p>" + "The vote in Yerevan was delayed. " * 5 + "</p></article></body></html>"
    text = extract_article(page.encode(), {"content-type": "text/html"}).text
    assert text is not None and "/p>" not in text and text.endswith("was delayed.")


# ----------------------------------------------------------------------------- entities
@pytest.mark.parametrize("fast", [True, False])
def test_undeclared_entities_are_dropped_and_known_ones_decoded(fast: bool) -> None:
    # "&lol9;" is undeclared (XML error; feedparser's loose parser keeps it as text);
    # "&amp;nbsp;" and "&amp;lol9;" were escaped once too often by the publisher.
    doc = rss_doc(
        "<guid>1</guid><title>Baku &lol9; talks</title><description>Body &zzz; end</description>",
        "<guid>2</guid><title>Yerevan&amp;nbsp;&amp;mdash; &amp;lol9; vote</title>",
        "<guid>3</guid><title>Сафаровых &amp;rsquo;Əliyev&amp;rsquo; &amp;unknown1;</title>",
    )
    feed = parse_feed(doc, fast=fast)
    titles = [i.title for i in feed.items]
    # before: "Baku &lol9; talks", "Yerevan — &lol9; vote", "... &unknown1;"
    assert titles == ["Baku talks", "Yerevan — vote", "Сафаровых ’Əliyev’"]
    assert feed.items[0].summary == "Body end"


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("AT&amp;T; R&amp;D talks", "AT&T; R&D talks"),  # names with a semicolon after them
        ("P&amp;G;, M&amp;S; and H&amp;M;", "P&G;, M&S; and H&M;"),
        ("AT&amp;T and R&amp;D", "AT&T and R&D"),
        ("Q&amp;A: 5 &amp; 6", "Q&A: 5 & 6"),
    ],
)
def test_ampersands_in_real_text_are_kept(raw: str, shown: str) -> None:
    feed = parse_feed(rss_doc(f"<guid>1</guid><title>{raw}</title>"))
    assert feed.items[0].title == shown


def test_an_entity_escaped_three_times_is_decoded() -> None:
    # XML decodes one level, html_to_text's unescape another; before, "&mdash;" was left
    feed = parse_feed(rss_doc("<guid>1</guid><title>Baku&amp;amp;mdash;talks</title>"))
    assert feed.items[0].title == "Baku—talks"


@pytest.mark.parametrize("fast", [True, False])
def test_a_legacy_entity_name_is_not_read_out_of_a_longer_unknown_one(fast: bool) -> None:
    # "&amp;notit;" (escaped twice) is "&notit;" to html.unescape, which reads HTML's legacy
    # "&not" (no semicolon needed) out of it: before, the titles read "Baku ¬it; talks",
    # "¬it;" and "¬it; x"
    doc = rss_doc(
        "<guid>1</guid><title>Baku &amp;notit; talks</title>"
        "<description>&amp;ampxyz &amp;copy 2024 &amp;pound5 &amp;notin; &amp;not</description>",
        "<guid>2</guid><title>&amp;notit;</title>",
        "<guid>3</guid><title>&amp;amp;notit; x</title>",
    )
    feed = parse_feed(doc, fast=fast)
    # an unknown reference is dropped, as "&lol9;" is, unless it is all there is
    assert [i.title for i in feed.items] == ["Baku talks", "&notit;", "x"]
    # a full name, or a legacy one before a space, a digit or the end, still decodes
    assert feed.items[0].summary == "&ampxyz © 2024 £5 ∉ ¬"


def test_a_title_that_is_only_an_unknown_entity_is_kept_as_it_is() -> None:
    # dropping it would leave the item with no title, summary or link: it would vanish
    feed = parse_feed(rss_doc("<guid>1</guid><title>&amp;lol9;</title>"))
    assert [i.title for i in feed.items] == ["&lol9;"]


# ----------------------------------------------------------------------------- repeated GUIDs
@pytest.mark.parametrize("fast", [True, False])
def test_entries_sharing_a_guid_keep_the_first_and_say_so(fast: bool) -> None:
    doc = rss_doc(
        "<guid>same</guid><title>First copy</title>",
        "<guid>other</guid><title>Other</title>",
        "<guid>same</guid><title>Second copy</title>",
    )
    feed = parse_feed(doc, fast=fast)
    assert [i.title for i in feed.items] == ["First copy", "Other"]
    # before: the second copy was dropped without a word
    assert feed.warning == "2 entries share one id (same), only the first kept"


def test_several_shared_guids_are_counted_and_identical_repeats_are_not() -> None:
    same = "<guid>a</guid><title>A</title>"
    doc = rss_doc(same, same, "<guid>b</guid><title>B1</title>", "<guid>b</guid><title>B2</title>")
    feed = parse_feed(doc)
    assert [i.title for i in feed.items] == ["A", "B1"]
    assert feed.warning == "2 entries share one id (b), only the first kept"
    assert parse_feed(rss_doc(same, same)).warning is None  # nothing lost, nothing said
    doc = rss_doc(same, "<guid>a</guid><title>A2</title>", "<guid>b</guid><title>B1</title>",
                  "<guid>b</guid><title>B2</title>", "<guid>b</guid><title>B3</title>")  # fmt: skip
    assert parse_feed(doc).warning == "5 entries share 2 ids (e.g. a), only the first of each kept"


def test_a_shared_guid_is_reported_by_the_fetch(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    http_server.add("/f", rss([("same", "First copy"), ("same", "Second copy"), ("o", "Other")]))
    fetch_env.configure(("F", "/f"))

    rep = report(fetch_env.run(), "F")

    assert (rep.status, rep.new) == ("ok", 2)
    assert rep.warning == "2 entries share one id (same), only the first kept"
    assert [r["title"] for r in fetch_env.rows("F")] == ["First copy", "Other"]


# ----------------------------------------------------------------------------- invisible ids
# Invisible characters a GUID or link may gain or lose between two fetches: ZWSP, BOM, CGJ,
# an interlinear annotation mark, LRM, and ZWNJ (kept in text between two Persian letters)
ID_INVISIBLES = "\u200b\ufeff\u034f\ufff9\u200e\u200c"


@pytest.mark.parametrize("fast", [True, False])
def test_ids_differing_only_by_an_invisible_character_are_one_id(fast: bool) -> None:
    for char in ID_INVISIBLES:
        doc = rss_doc(
            f"<guid isPermaLink='false'>{char}tag:x,2024:خبر{char}ها</guid><title>A</title>",
            f"<title>B</title><link>https://example.org/b{char}</link>",
        )
        keys = [i.key for i in parse_feed(doc, fast=fast).items]
        assert keys == ["tag:x,2024:خبرها", "https://example.org/b"], f"U+{ord(char):04X}"


@pytest.mark.parametrize("char", list(ID_INVISIBLES), ids=lambda c: f"U+{ord(c):04X}")
def test_a_guid_gaining_an_invisible_character_is_no_new_story(
    fetch_env: FetchEnv, http_server: TestServer, char: str
) -> None:
    # Before (CGJ, U+FFF9, a ZWNJ between letters): the story came a second time
    http_server.add("/f", rss([("g1", "Story"), ("خبر\u200cها", "Persian")]))
    fetch_env.configure(("F", "/f"))
    assert report(fetch_env.run(), "F").new == 2
    http_server.add("/f", rss([(f"g1{char}", "Story"), (f"{char}خبرها", "Persian")]))
    assert fetch_env.store is not None
    fetch_env.store._db.execute("UPDATE feeds SET next_check = NULL")
    rep = report(fetch_env.run(), "F")
    assert (rep.status, rep.new) == ("ok", 0)
    assert [r["title"] for r in fetch_env.rows("F")] == ["Story", "Persian"]


def test_stories_stored_under_an_id_with_invisible_characters_are_found_again(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    # A cache made before ids lost their invisible characters: its keys still have them
    import sqlite3

    from briefing.store import DB_FILENAME
    from briefing.store.schema import APPLICATION_ID, MIGRATIONS

    url = http_server.url("/f")
    fetch_env.data_dir.mkdir()
    db = sqlite3.connect(fetch_env.data_dir / DB_FILENAME, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    for step in MIGRATIONS[:4]:
        step(db, "2025-07-01T00:00:00+00:00")
    db.execute("INSERT INTO feeds (id, url, name) VALUES (7, ?, 'F')", (url,))
    stored = ["g1\u034f", "\ufeffg2\u200b", "خبر\u200cها", "g3", "g3\u200b"]
    for key in stored:  # "g3\u200b": the copy a change in the ids made once already
        db.execute(
            "INSERT INTO articles (feed_id, key, title, first_seen) VALUES (7, ?, ?, ?)",
            (key, f"stored {key}", "2025-07-01T00:00:00+00:00"),
        )
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 4")
    db.execute("COMMIT")
    db.close()

    http_server.add("/f", rss([("g1", "1"), ("g2", "2"), ("خبرها", "3"), ("g3", "4"), ("n", "5")]))
    fetch_env.configure(("F", "/f"))
    rep = report(fetch_env.run(), "F")
    # before: 5 new stories, the four stored ones a second time
    assert (rep.status, rep.new) == ("ok", 1)
    assert [(r["key"], r["title"]) for r in fetch_env.rows("F")] == [
        ("g1", "1"), ("g2", "2"), ("خبرها", "3"), ("g3", "4"), ("g3\u200b", "stored g3\u200b"),
        ("n", "5"),
    ]  # fmt: skip


# ----------------------------------------------------------------------------- broken XML
TRUNCATED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
    b"<item><guid>1</guid><title>one</title></item><item><guid>2</guid><title>two</title>"
    b"</item><item><guid>3</guid><title>thr"
)


def test_a_truncated_feed_keeps_its_stories_and_the_warning_in_its_state(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    from briefing.commands.feeds import describe, feed_json
    from briefing.tui.format import feed_note

    http_server.add("/f", TRUNCATED)
    fetch_env.configure(("F", "/f"))
    assert fetch_env.store is not None

    rep = report(fetch_env.run(), "F")

    assert rep.status == "ok" and rep.warning and "truncated XML" in rep.warning
    assert [r["title"] for r in fetch_env.rows("F")] == ["one", "two"]
    state = fetch_env.state("F")
    # before: status ok and last_error None, so the feeds screen showed nothing wrong
    assert (state.status, state.error_count) == ("ok", 0)
    assert state.last_error == rep.warning
    assert fetch_env.store.feed_health() == (1, 0)  # not counted as failing
    assert rep.warning in feed_note(state, limit=400)  # the feeds screen's note
    assert feed_json(state)["last_error"] == rep.warning  # briefing feeds --json
    assert describe(state) == f"ok (warning: {rep.warning})"  # briefing feeds

    # the same body again ("not modified" without a parse): still the same broken document
    fetch_env.store._db.execute("UPDATE feeds SET next_check = NULL")
    assert report(fetch_env.run(), "F").status == "not_modified"
    assert fetch_env.state("F").last_error == rep.warning
    assert describe(fetch_env.state("F")) == f"not modified (warning: {rep.warning})"

    # fixed: the warning goes
    http_server.add("/f", rss([("1", "one"), ("2", "two"), ("3", "three")]))
    rep = report(fetch_env.run(), "F")
    assert (rep.status, rep.warning, rep.new) == ("ok", None, 1)
    state = fetch_env.state("F")
    assert (state.status, state.last_error) == ("ok", None)
    assert describe(state) == "ok"


def test_a_shared_guid_warning_is_kept_in_the_feed_state(
    fetch_env: FetchEnv, http_server: TestServer
) -> None:
    http_server.add("/f", rss([("same", "First copy"), ("same", "Second copy")]))
    fetch_env.configure(("F", "/f"))
    fetch_env.run()
    state = fetch_env.state("F")
    assert (state.status, state.last_error) == (
        "ok",
        "2 entries share one id (same), only the first kept",
    )


def test_not_modified_after_an_error_still_clears_the_error(
    fetch_env: FetchEnv,
) -> None:
    from briefing.models import FeedUpdate

    fetch_env.configure(("F", "/f"))
    store = fetch_env.store
    assert store is not None
    url = fetch_env.url("F")
    now = datetime.now(UTC)
    store.save_feed_result(url, FeedUpdate("ok", now, error="truncated XML; kept 2 items"))
    store.save_feed_result(url, FeedUpdate("error", now, error="HTTP 500"))
    store.save_feed_result(url, FeedUpdate("not_modified", now))
    assert (fetch_env.state("F").last_error, fetch_env.state("F").error_count) == (None, 0)
