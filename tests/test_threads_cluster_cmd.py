"""`briefing cluster`: JSON Lines in, one thread per item out, clear errors for bad lines."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from briefing.threads import cluster_cmd
from briefing.threads.cluster_cmd import InputError, parse_items, run_items, seed_thread

ITEMS = [
    {
        "id": "geo-2",
        "title": "Tbilisi protests enter second week as Georgian Dream holds firm",
        "summary": "Demonstrators again blocked Rustaveli Avenue outside parliament in Tbilisi. "
        "Georgian Dream refused to resume EU accession talks; police detained more protesters.",
        "published": "2025-07-02T10:00:00+00:00",
        "source": "OC Media",
        "lang": "en",
    },
    {
        "id": "sputnik",
        "title": "Azerbaijani police raid Sputnik office in Baku, detain staff",
        "text": "Police in Baku raided the office of Sputnik Azerbaijan, the Russian state news "
        "agency, and detained several employees on charges of illegal financing and fraud.",
        "published": "2025-07-01T08:00:00Z",
        "source": "APA",
        "lang": "en",
    },
    {
        "id": "geo-1",
        "title": "Georgian police disperse protesters outside parliament in Tbilisi",
        "summary": "Riot police used water cannon against thousands of demonstrators on "
        "Rustaveli Avenue in Tbilisi protesting the Georgian Dream government's suspension of "
        "EU accession talks.",
        "published": "2025-07-01T21:00:00+00:00",
        "source": "Civil.ge",
        "lang": None,
    },
    {"id": 17, "title": "Undated item about the weather in Baku", "published": None},
]


def write_jsonl(path: Path, rows: list, extra: list[str] = ()) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows] + list(extra)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="briefing")
    sub = parser.add_subparsers(dest="command")
    cluster_cmd.register(sub)
    return parser.parse_args(argv)


def test_cluster_writes_one_line_per_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if seed_thread() is None:
        pytest.skip("briefing.seeds has no seed article yet")
    src = write_jsonl(tmp_path / "in.jsonl", ITEMS)
    out = tmp_path / "out.jsonl"
    args = parse(["cluster", str(src), "-o", str(out)])
    assert args.func(args, None) == 0
    # 4 items: the Sputnik raid in the seed thread, the two protest items together, the weather
    assert capsys.readouterr().err == f"briefing cluster: 4 items in 3 threads -> {out}\n"
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["geo-2", "sputnik", "geo-1", 17]  # input order, raw ids
    assert all(set(r) == {"id", "thread_id", "thread_title"} for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["sputnik"]["thread_id"] == 1
    assert by_id["sputnik"]["thread_title"] == seed_thread()[0]
    assert by_id["geo-1"]["thread_id"] == by_id["geo-2"]["thread_id"] != 1
    assert by_id["geo-1"]["thread_title"] in {ITEMS[0]["title"], ITEMS[2]["title"]}


def test_no_seed_and_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ITEMS)
    args = parse(["cluster", str(src), "--no-seed"])
    assert args.func(args, None) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 4
    by_id = {r["id"]: r["thread_id"] for r in rows}
    # processed by date: the Sputnik item (earliest) opens thread 1 without a seed
    assert by_id["sputnik"] == 1
    assert by_id["geo-1"] == by_id["geo-2"]


def test_processing_order_is_by_date_with_undated_items_in_place() -> None:
    items = parse_items([json.dumps(r) for r in ITEMS])
    order = [items[i][1].id for i in cluster_cmd._order(items)]
    # 17 is undated and follows geo-1 in the file: it sorts with geo-1
    assert order == ["sputnik", "geo-1", "17", "geo-2"]
    undated = parse_items([json.dumps({"id": i, "title": "x"}) for i in "cab"])
    assert [undated[i][1].id for i in cluster_cmd._order(undated)] == ["c", "a", "b"]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"title": "no id"}', "'id'"),
        ('{"id": "a", "title": 5}', "'title' must be a string"),
        ('{"id": "b", "title": "t", "published": "yesterday"}', "not a date (ISO 8601 or RFC 822)"),
        # before: OverflowError tracebacks (a year or zone too large, a date the engine
        # cannot move by its dormancy span or convert to UTC)
        ('{"id": "c", "published": "Tue, 01 Jul 99999999999999999999 08:00:00 GMT"}', "not a date"),
        (
            '{"id": "d", "published": "Tue, 01 Jul 2025 08:00:00 +99999999999999999999"}',
            "not a date",
        ),
        ('{"id": "e", "published": "0001-01-01T00:00:00Z"}', "not a date"),
        ('{"id": "f", "published": "9999-12-31T23:00:00-12:00"}', "not a date"),
        ('{"id": "sputnik", "title": "again"}', "duplicate id"),
    ],
)
def test_bad_line_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str, reason: str
) -> None:
    src = write_jsonl(tmp_path / "bad.jsonl", ITEMS[:2], extra=["", line])
    out = tmp_path / "out.jsonl"
    args = parse(["cluster", str(src), "-o", str(out)])
    assert args.func(args, None) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl:4: " in err  # line 3 is blank, the bad one is line 4
    assert reason in err
    assert not out.exists()


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(["cluster", str(tmp_path / "nope.jsonl")])
    assert args.func(args, None) == 2
    assert "nope.jsonl" in capsys.readouterr().err


def test_empty_input_and_unwritable_output_are_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")
    args = parse(["cluster", str(empty)])
    assert args.func(args, None) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"briefing cluster: no items in {empty}\n"
    out = tmp_path / "nodir" / "out.jsonl"
    args = parse(["cluster", str(write_jsonl(tmp_path / "in.jsonl", ITEMS)), "-o", str(out)])
    assert args.func(args, None) == 1  # as every command's -o: exit 1, no directory made
    assert capsys.readouterr().err == (
        f"briefing cluster: cannot write {out}: no directory {out.parent}\n"
    )
    assert not out.parent.exists()


def test_run_items_is_deterministic() -> None:
    items = parse_items([json.dumps(r) for r in ITEMS])
    assert run_items(items, seed=False) == run_items(items, seed=False)


def test_quiet_threads_are_let_go_in_long_streams() -> None:
    """Five months apart (beyond forget_after), the same kind of story opens a new thread
    (the first was forgotten) and both keep their labels in the output."""
    rows = [dict(ITEMS[2], id="jan", published="2025-01-01T10:00:00Z")]
    rows.append(dict(ITEMS[0], id="mar", published="2025-06-05T10:00:00Z"))
    rows.append(dict(ITEMS[2], id="mar-2", published="2025-06-05T12:00:00Z", title="Protest"))
    out = run_items(parse_items([json.dumps(r) for r in rows]), seed=False)
    by_id = {r["id"]: r for r in out}
    assert by_id["jan"]["thread_id"] != by_id["mar"]["thread_id"]
    assert by_id["mar"]["thread_id"] == by_id["mar-2"]["thread_id"]
    assert by_id["jan"]["thread_title"] == ITEMS[2]["title"]
    assert by_id["mar"]["thread_title"]


def test_html_and_escape_sequences_in_fields_are_reduced_to_plain_text() -> None:
    """Real feed summaries hold HTML; `briefing cluster` reduces them as the fetcher does, so
    tags and entities are no words, and a title's escape sequence never reaches the label."""
    rows = [
        {
            "id": "plain",
            "title": "Georgian police disperse protesters outside parliament in Tbilisi",
            "summary": "Riot police used water cannon on Rustaveli Avenue in Tbilisi.",
        },
        {
            "id": "html",
            "title": "\x1b[31mGeorgian police disperse protesters &amp; detain 20\x1b[0m",
            "summary": '<p>Riot&nbsp;police used <a href="https://civil.ge/x?utm=1">water '
            "cannon</a> on Rustaveli Avenue in Tbilisi.</p><img src='https://civil.ge/p.jpg'>",
        },
    ]
    items = parse_items([json.dumps(r) for r in rows])
    html = items[1][1]
    assert html.title == "Georgian police disperse protesters & detain 20"
    assert html.text == "Riot police used water cannon on Rustaveli Avenue in Tbilisi."
    out = run_items(items, seed=False)
    assert out[0]["thread_id"] == out[1]["thread_id"]
    assert all("\x1b" not in r["thread_title"] for r in out)


def test_rss_pubdate_is_accepted_as_a_publication_time() -> None:
    """An RSS item's pubDate passed through as it is (RFC 822) orders the stream like ISO."""
    rows = [
        {"id": "late", "title": "b", "published": "Tue, 01 Jul 2025 12:00:00 +0400"},
        {"id": "early", "title": "a", "published": "2025-07-01T07:00:00Z"},
    ]
    items = parse_items([json.dumps(r) for r in rows])
    late = items[0][1].published
    assert late is not None and late.isoformat() == "2025-07-01T12:00:00+04:00"
    assert items[1][1].published < late  # 07:00Z is before 08:00Z
    assert [items[i][0] for i in cluster_cmd._order(items)] == ["early", "late"]


def test_a_month_or_a_year_is_a_date_and_a_wrong_month_names_its_line() -> None:
    """ISO 8601 allows reduced precision: "2025-07" (a month) and "2025" (a year) are read as
    their first day. Before, a file of real excerpts dated to the month stopped at its first
    such line."""
    rows = [
        {"id": "m", "title": "a", "published": "2025-07"},
        {"id": "y", "title": "b", "published": "2025"},
        {"id": "d", "title": "c", "published": "2025-06-30"},
    ]
    items = parse_items([json.dumps(r) for r in rows])
    assert [it.published.date().isoformat() for _, it in items] == [
        "2025-07-01", "2025-01-01", "2025-06-30",
    ]  # fmt: skip
    assert [items[i][0] for i in cluster_cmd._order(items)] == ["y", "d", "m"]
    bad = [json.dumps({"id": "x", "title": "t", "published": "2025-13"})]
    with pytest.raises(InputError, match=r"<input>:1: 'published' is not a date"):
        parse_items(bad)


def test_odd_characters_in_ids_and_titles_are_escaped_in_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lone surrogate ("\\ud800" in the input's JSON) in a title or an id made the output
    unwritable (a traceback: UnicodeEncodeError); an id's right-to-left override went to the
    terminal as written. Both are JSON escapes now: the same strings once read back."""
    rows = [
        {"id": "a\u202eb", "title": "Georgian police disperse protesters \ud800 in Tbilisi"},
        {"id": "lone\udc00", "title": "Georgian police disperse protesters \u200bin Tbilisi"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = parse(["cluster", str(src), "-o", str(out), "--no-seed"])
    assert args.func(args, None) == 0
    text = out.read_text(encoding="utf-8")
    assert "\u202e" not in text and "\u200b" not in text
    assert r"a\u202eb" in text and r"lone\udc00" in text
    back = [json.loads(line) for line in text.splitlines()]
    assert [r["id"] for r in back] == ["a\u202eb", "lone\udc00"]
    assert back[0]["thread_title"] == "Georgian police disperse protesters \ud800 in Tbilisi"
