"""Pure pieces of fetching: politeness arithmetic, address checks, decoders, parsing helpers."""

from __future__ import annotations

import dataclasses
import gzip
import ipaddress
import time
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import brotli
import pytest

from briefing.fetch.extract import extract_article
from briefing.fetch.http import (
    MAX_BACKOFF,
    FetchError,
    _Decoder,
    backoff_delay,
    connect_reason,
    is_public_ip,
    parse_retry_after,
    retry_after_delay,
)
from briefing.fetch.parse import (
    ParseError,
    content_hash,
    decode_body,
    drop_control_refs,
    entry_key,
    html_to_text,
    parse_feed,
    strip_dtd,
)
from briefing.fetch.region import mentions_region
from briefing.sanitize import clean_line, lead_sentence

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("120", NOW) == timedelta(seconds=120)
    assert parse_retry_after(format_datetime(NOW + timedelta(hours=2), usegmt=True), NOW) == (
        timedelta(hours=2)
    )
    assert parse_retry_after(format_datetime(NOW - timedelta(hours=2), usegmt=True), NOW) == (
        timedelta(0)
    )
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_retry_after_is_clamped_between_interval_and_30_days() -> None:
    interval = timedelta(minutes=30)
    assert retry_after_delay(timedelta(seconds=5), interval) == interval
    assert retry_after_delay(timedelta(hours=3), interval) == timedelta(hours=3)
    assert retry_after_delay(timedelta(days=400), interval) == timedelta(days=30)


def test_backoff_doubles_caps_at_a_week_and_jitters_ten_percent() -> None:
    interval = timedelta(minutes=30)
    assert [backoff_delay(interval, n) for n in (1, 2, 3)] == [
        interval,
        interval * 2,
        interval * 4,
    ]
    assert backoff_delay(interval, 50) == MAX_BACKOFF
    assert backoff_delay(interval, 1, jitter=1.0) == interval * 1.1
    assert backoff_delay(interval, 1, jitter=-1.0) == interval * 0.9


@pytest.mark.parametrize("minutes", [1440, 10080, 525600])  # a day, a week, config's most
def test_backoff_of_a_long_interval_after_many_failures_is_the_cap_not_an_overflow(
    minutes: int,
) -> None:
    """interval x 2^30 overflowed timedelta (a daily feed's 31st failure in a row, a yearly
    one's 23rd): the run reported 'internal error: OverflowError' for the feed and recorded
    no failure, so it was asked again every run, never backing off."""
    interval = timedelta(minutes=minutes)
    for failures in (23, 31, 50):
        assert backoff_delay(interval, failures) == MAX_BACKOFF
    assert backoff_delay(interval, 1) == min(interval, MAX_BACKOFF)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.0.0.2", "0.0.0.0", "10.1.2.3", "172.16.0.1", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::",
        "fe80::1", "fc00::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1",
    ],
)  # fmt: skip
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "2a00:1450:4001:80b::200e", "1.1.1.1"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_public_ip(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", lambda data: gzip.compress(data)),
        ("deflate", lambda data: zlib.compress(data)),
        ("br", lambda data: brotli.compress(data)),
    ],
)
def test_decoder_cuts_a_bomb_off_at_the_cap(encoding: str, compress) -> None:  # noqa: ANN001
    bomb = compress(b"\0" * (50 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024
    decoder = _Decoder(encoding, cap=1_000_000)
    produced = 0
    with pytest.raises(FetchError, match="larger than 1 MB"):
        for start in range(0, len(bomb), 16384):
            produced += len(decoder.feed(bomb[start : start + 16384]))
    assert produced <= 1_000_000 and decoder.total <= 1_000_001 + 16384 * 1100


def test_decoder_round_trips_and_accepts_raw_deflate() -> None:
    data = b"<rss>" + b"x" * 100_000 + b"</rss>"
    for encoding, blob in [
        ("gzip", gzip.compress(data)),
        ("deflate", zlib.compress(data)),
        ("br", brotli.compress(data)),
    ]:
        decoder = _Decoder(encoding, cap=10**6)
        assert decoder.feed(blob) + decoder.flush() == data, encoding
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    blob = raw.compress(data) + raw.flush()
    decoder = _Decoder("deflate", cap=10**6)
    assert decoder.feed(blob) + decoder.flush() == data
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        _Decoder("zstd-ish", cap=10)


def test_strip_dtd_removes_internal_subsets_and_entities() -> None:
    doc = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "x]>y">\n<!ENTITY b SYSTEM'
        b' "file:///etc/passwd">\n]>\n<rss><title>&a;</title></rss>'
    )
    out = strip_dtd(doc)
    assert (
        b"ENTITY" not in out
        and b"DOCTYPE" not in out
        and out.endswith(b"<rss><title>&a;</title></rss>")
    )
    assert strip_dtd(b"<!DOCTYPE rss [ <!ENTITY a 'x'> <rss/>") == b"<rss/>"


def test_entity_bombs_parse_fast_and_unexpanded() -> None:
    decls = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 12))
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{decls}]>'
        '<rss version="2.0"><channel><title>t</title><item><guid>1</guid>'
        "<title>&l11;</title></item></channel></rss>"
    ).encode()
    start = time.monotonic()
    feed = parse_feed(doc, url="http://example.org/f")
    assert time.monotonic() - start < 2
    assert len(feed.items[0].title) < 50


def test_charset_recovery() -> None:
    text = "Премьер-министр Армении Никол Пашинян прибыл в Москву"
    xml = '<?xml version="1.0" encoding="{}"?><rss><title>' + text + "</title></rss>"
    assert decode_body(xml.format("utf-8").encode("cp1251"))[0].endswith(text + "</title></rss>")
    assert decode_body(xml.format("windows-1251").encode("koi8-r"))[1] == "koi8-r"
    assert decode_body(xml.format("windows-1251").encode("cp1251"))[1] == "cp1251"
    assert decode_body(xml.format("koi8-r").encode("koi8-r"), "koi8-r")[1] == "koi8-r"
    assert decode_body("\ufeffabc".encode("utf-16-le"))[0] == "abc"
    assert decode_body(xml.format("windows-1252").encode("utf-8"))[1] == "utf-8"


def test_parse_errors_name_the_problem() -> None:
    with pytest.raises(ParseError, match="empty response"):
        parse_feed(b"  ")
    with pytest.raises(ParseError, match="HTML page"):
        parse_feed(b"<html><head><title>x</title></head><body>hello</body></html>")
    with pytest.raises(ParseError, match="not a feed"):
        parse_feed(b"\x89PNG\r\n\x1a\n\x00\x00binary")


def test_truncated_feed_keeps_complete_items_with_a_warning() -> None:
    doc = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b"<item><guid>1</guid><title>one</title></item><item><guid>2</guid><title>two</title>"
        b"</item><item><guid>3</guid><title>thr"
    )
    feed = parse_feed(doc)
    assert [i.key for i in feed.items] == ["1", "2"]
    assert feed.warning and "truncated XML" in feed.warning
    assert feed.warning.endswith("; kept 2 items")
    one = parse_feed(doc.replace(b"<item><guid>2</guid><title>two</title></item>", b""))
    assert one.warning and one.warning.endswith("; kept 1 item")  # before: "kept 1 items"


def test_identity_and_caps() -> None:
    assert entry_key(" guid-1 ", "http://x/1", "t", "s") == "guid-1"
    assert entry_key("", "http://x/1", "t", "s") == "http://x/1"
    assert entry_key("", "", "t", "s").startswith("h:")
    assert entry_key("", "", "t", "s") == entry_key("", "", "t", "s")
    assert entry_key("", "", "t", "s") != entry_key("", "", "t", "other")
    long = "g" * 5000
    assert len(entry_key(long, "", "", "")) < 100
    huge = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>c</title><item><guid>1</guid>'
        f"<title>{'T' * 10_000}</title><description>{'S ' * 100_000}</description>"
        f"<author>{'A' * 5000}</author></item></channel></rss>"
    ).encode()
    item = parse_feed(huge).items[0]
    assert len(item.title) <= 500 and len(item.summary) <= 5000 and len(item.author) <= 200


def test_html_to_text_and_control_references() -> None:
    assert drop_control_refs("a&#27;b&#x9B;c&#10;d&#233;") == "abc&#10;d&#233;"
    # a reference to ESC takes the sequence it starts with it, not just the ESC
    assert html_to_text("<p>One &amp; two</p><script>bad()</script><p>Three&#27;[31m</p>") == (
        "One & two\n\nThree"
    )


def test_extraction_survives_control_references_and_refuses_non_html() -> None:
    page = (
        "<html><body><article>"
        + "".join(
            f"<p>Paragraph {i} &#27; about the ceasefire along the border, with enough words"
            " to count as an article paragraph.</p>"
            for i in range(6)
        )
        + "</article></body></html>"
    ).encode()
    result = extract_article(page, {"content-type": "text/html"}, "http://example.org/a")
    assert result.text and "Paragraph 5" in result.text and "\x1b" not in result.text
    pdf = extract_article(b"%PDF-1.4", {"content-type": "application/pdf"})
    assert pdf.text is None and pdf.error == "not an HTML page (application/pdf)"


def test_extraction_removes_escape_sequences_whole() -> None:
    """Raw escape sequences and ones written as references leave no "[31m" or "]8;;..."
    behind once the ESC is gone."""
    hostile = [
        "\x1b[31mRED\x1b[0m alert",
        "&#27;[1;32mGREEN&#x1b;[0m alert",
        "\x1b]8;;http://evil.example/link\x07click here\x1b]8;;\x07 now",
        "clear \x1b[2J screen",
    ]
    page = (
        "<html><body><article>"
        + "".join(
            f"<p>Paragraph {i}: {h}, about the ceasefire along the border, with enough words"
            " to count as an article paragraph.</p>"
            for i, h in enumerate(hostile * 2)
        )
        + "</article></body></html>"
    ).encode()
    text = extract_article(page, {"content-type": "text/html"}).text or ""
    assert "RED alert" in text and "GREEN alert" in text and "click here now" in text
    for leftover in ("[31m", "[0m", "[1;32m", "]8;;", "evil.example", "[2J", "\x1b", "\x07"):
        assert leftover not in text, leftover


def test_region_filter_matches_declensions_and_word_starts() -> None:
    assert mentions_region(["Переговоры в Ереване"])
    assert mentions_region(["Встреча с Алиевым"])
    assert mentions_region(["Armenian PM in Brussels"])
    assert mentions_region(["South  Ossetia votes"])
    assert not mentions_region(["Bakugan toys sell out", "", None])
    assert not mentions_region(["Грузовик застрял"])  # грузить is not Georgia
    assert mentions_region(["Visit to Quokkaville"], extra=("Quokka*",))


def test_fast_path_gives_the_same_records_as_feedparser() -> None:
    pytest.importorskip("fastfeedparser")
    from datetime import UTC, datetime
    from pathlib import Path

    now = datetime.now(UTC)
    docs = [
        p.read_bytes().replace(b"{base}", b"http://example.org")
        for p in sorted((Path(__file__).parent / "fixtures" / "feeds").iterdir())
    ]
    docs.append(
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b"<item><title>No guid</title><link>/rel/1</link><description>d</description></item>"
        b"<item><guid>dup</guid><title>a</title></item><item><guid>dup</guid><title>b</title></item>"
        b"<item><guid>f</guid><title>future</title><pubDate>Tue, 01 Jan 2199 00:00:00 GMT</pubDate>"
        b"</item><item><title>&lt;b&gt;Bold&lt;/b&gt; &amp; co</title><author>a@b (A B)</author>"
        b"</item></channel></rss>"
    )
    # GUIDs fastfeedparser would read as dates on an undated item ('sep12' -> 12 Sep)
    guid_dated = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        + b"".join(
            b"<item><guid isPermaLink='false'>%s</guid><title>t %s</title></item>" % (g, g)
            for g in (b"sep12", b"nd1", b"may7", b"m1", b"2025-06-24T06:00:00Z")
        )
        + b"<item><guid>dated</guid><title>d</title><pubDate>Tue, 24 Jun 2025 06:00:00 GMT"
        b"</pubDate></item></channel></rss>"
    )
    docs.append(guid_dated)
    for doc in docs:
        fast = parse_feed(doc, url="http://example.org/feed", now=now, fast=True)
        slow = parse_feed(doc, url="http://example.org/feed", now=now, fast=False)
        assert fast == slow
    items = parse_feed(guid_dated, now=now, fast=True).items
    assert [i.published for i in items][:5] == [None] * 5
    assert items[5].published == datetime(2025, 6, 24, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("[Errno -2] Name or service not known", "host name not found (DNS; offline, or a typo"),
        ("[Errno -3] Temporary failure in name resolution", "host name lookup failed for now"),
        ("[Errno 111] Connect call failed ('127.0.0.1', 9)", "connection refused"),
        ("[Errno 101] Network is unreachable", "network unreachable (offline?)"),
        ("[Errno 999] Something odd", "[Errno 999] Something odd"),
        ("All connection attempts failed", "All connection attempts failed"),
        ("\x1b[31m[Errno 77] red", "[Errno 77] red"),
    ],
)
def test_connect_errors_are_said_in_words(message: str, expected: str) -> None:
    assert connect_reason(OSError(message)).startswith(expected)


def test_connect_error_reason_is_found_behind_wrappers() -> None:
    """anyio says "All connection attempts failed" and keeps the refusal as the cause."""
    inner = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")
    outer = OSError("All connection attempts failed")
    outer.__cause__ = inner
    assert connect_reason(outer) == "connection refused"


def test_connect_error_reason_is_found_in_a_group_of_addresses() -> None:
    """A host with an IPv4 and an IPv6 address: anyio raises "All connection attempts failed"
    from a group holding one error per address."""
    group = ExceptionGroup(
        "multiple connection attempts failed",
        [ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 1)"),
         OSError(101, "Network is unreachable")],
    )  # fmt: skip
    outer = OSError("All connection attempts failed")
    outer.__cause__ = group
    assert connect_reason(outer) == "connection refused"


def test_an_untitled_item_stands_as_its_lead_sentence_and_keeps_its_key() -> None:
    """An item with no title was shown as the first 120 characters of its summary, dateline
    and all ("29 Dec. 11:20 (UTC+3 MSK) Mikheil Kavelashvili took..."). It now stands as the
    first piece that reads as a sentence; its key is computed as before, so a cache keeps
    recognising the items it stored under the old form (no duplicates after an upgrade)."""
    summary = (
        "29 Dec. 11:20 (UTC+3 MSK)\n\nMikheil Kavelashvili took the presidential oath in "
        "Tbilisi. Salome Zourabichvili left the palace."
    )
    doc = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        f"<description>{summary}</description></item></channel></rss>"
    ).encode()
    (entry,) = parse_feed(doc, url="http://example.org/f").items
    assert entry.title == "Mikheil Kavelashvili took the presidential oath in Tbilisi."
    old_title = clean_line(entry.summary, 120)  # what the title was
    assert old_title.startswith("29 Dec. 11:20 (UTC+3 MSK) Mikheil")
    assert entry.key == entry_key("", "", old_title, entry.summary)
    # and its content hash too: a cache from before sees it unchanged, so it is neither
    # counted as updated nor its page fetched again
    assert entry.content_hash == content_hash(dataclasses.replace(entry, title=old_title))


def test_a_lead_sentence_is_not_cut_at_an_initial_or_an_abbreviation() -> None:
    """The full stop of "U.S.", of an initial ("И. Алиев") or of a title ("Dr.") ends no
    sentence: an untitled item stood as the fragment after it ("State Department said ...",
    "Алиев принял ..."), its subject lost."""
    us = "The U.S. State Department said on Tuesday that talks would resume in Abu Dhabi."
    assert lead_sentence(us) == us
    ru = "Президент Азербайджана И. Алиев принял в Баку посла России. Встреча шла час."
    assert lead_sentence(ru) == "Президент Азербайджана И. Алиев принял в Баку посла России."
    dr = "Dr. Smith and Mr. Jones met the envoy in Baku. They spoke for an hour."
    assert lead_sentence(dr) == "Dr. Smith and Mr. Jones met the envoy in Baku."
    # a dateline still goes, and a sentence ending in a number still ends
    assert lead_sentence("29 Dec. 11:20\n\nFlight 8243 crashed near Aktau on 25 December.") == (
        "Flight 8243 crashed near Aktau on 25 December."
    )
    assert lead_sentence("The flight was AZAL flight 8243. It crashed near Aktau today.") == (
        "The flight was AZAL flight 8243."
    )


def test_a_long_lead_sentence_is_cut_with_an_ellipsis() -> None:
    """A lead sentence longer than the limit was cut mid-word and shown as if whole (the
    title of an untitled item had an ellipsis before, from clean_line)."""
    long = (
        "Armenian Prime Minister Nikol Pashinyan and Azerbaijani President Ilham Aliyev "
        "initialled the peace agreement in Washington on Friday, in the presence of Trump."
    )
    lead = lead_sentence(long)
    assert len(lead) == 120 and lead.endswith("…") and long.startswith(lead[:-1])
    doc = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
        f"<description>{long} A second sentence.</description></item></channel></rss>"
    ).encode()
    (entry,) = parse_feed(doc, url="http://example.org/f").items
    assert entry.title == lead
    assert entry.key == entry_key("", "", clean_line(entry.summary, 120), entry.summary)
