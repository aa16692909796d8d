"""Story rows at 60, 80 and 120 columns: the headline keeps room at narrow widths (a shorter
time, a narrower outlet), the rows are laid out again on a resize, and the wide result
screens give the outlet more room. Asserted on the rendered screen, cut by terminal cells."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.cells import cell_len
from test_tui_support import (
    Cache,
    add_articles,
    build_cache,
    item,
    make_app,
    open_thread,
    screen_text,
    settle,
)

from briefing.config import Feed
from briefing.models import Story
from briefing.tui import format as format_module
from briefing.tui.format import RowLayout, row_layout, story_prompt
from briefing.tui.widgets import story_list as story_list_module

LONG_OUTLET = "Кавказский узел — новости Северного Кавказа и Закавказья"
WIDE_OUTLET = "新华社新闻中心"  # two cells a character
FEEDS = (
    Feed(LONG_OUTLET, "http://127.0.0.1:9/kavuzel"),
    Feed("JAMnews", "http://127.0.0.1:9/jam"),
    Feed(WIDE_OUTLET, "http://127.0.0.1:9/cjk"),
)
RU = "В Тбилиси продолжаются протесты против закона об иноагентах, полиция перекрыла проспект"
KA = "თბილისში პროტესტი მესამე კვირაა გრძელდება რუსთაველის გამზირზე"
FULL_TIME = re.compile(r"\d\d [A-Z][a-z]{2} \d\d:\d\d")
SHORT_TIME = re.compile(r"^ *(\d\d:\d\d|\d\d [A-Z][a-z]{2}) ")


def narrow_cache(tmp_path: Path) -> Cache:
    """The usual cache, its first outlet with a long Russian name and its third named in
    Chinese; a long Russian and a Georgian headline added to the Georgia thread."""
    cache = build_cache(tmp_path, feeds=FEEDS)
    kavuzel, _, cjk = cache.config.feeds
    (ru,) = add_articles(cache.store, kavuzel, [item("ru", RU, 0.5)])
    (ka,) = add_articles(cache.store, cjk, [item("ka", KA, 0.6)])
    for article_id in (ru, ka):
        cache.store.assign(article_id, cache.threads["georgia"])
    cache.ids.update(ru=ru, ka=ka)
    return cache


def row(app, start: str) -> str:
    """The screen line holding the headline that starts with `start`, without the border."""
    (line,) = [line for line in screen_text(app).splitlines() if start in line]
    return line.strip().strip("│").rstrip()


def headline_cells(line: str, start: str) -> int:
    """Cells of the headline shown (an ellipsis that cuts it not counted)."""
    shown = line[line.index(start) :].rstrip()
    return cell_len(shown) - (1 if shown.endswith("…") else 0)


def headline_column(line: str, start: str) -> int:
    """The cell where the headline starts."""
    return cell_len(line[: line.index(start)])


async def test_60_columns_leave_the_headline_30_cells_or_more(tmp_path):
    """At 60 columns the time and a 16-cell outlet column left 19 cells for the headline
    ("В Тбилиси продолжаю…"): the time is short there and the outlet narrower, cut by
    cells (a Chinese outlet name does not push its headline out of the column)."""
    cache = narrow_cache(tmp_path)
    app = make_app(cache)
    async with app.run_test(size=(60, 24)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        ru, ka, en = row(app, RU[:9]), row(app, KA[:9]), row(app, "Tbilisi protest")
        assert headline_cells(ru, RU[:9]) >= 30, ru
        assert headline_cells(ka, KA[:9]) >= 30, ka
        assert RU.startswith(ru[ru.index(RU[:9]) :].rstrip("…"))  # the headline, cut at the end
        assert "Кавказ" in ru and "Кавказский узел" not in ru  # the outlet shown, narrower
        assert "新华" in ka
        assert len({headline_column(ru, RU[:9]), headline_column(ka, KA[:9]),
                    headline_column(en, "Tbilisi protest")}) == 1  # fmt: skip
        marks_off = ru[3:]  # the marks' three cells
        assert SHORT_TIME.match(marks_off) and not FULL_TIME.search(ru), ru
    cache.store.close()


async def test_rows_are_laid_out_again_on_a_resize(tmp_path):
    """The layout follows the window: 80 columns keep the full time; a resize to 60 (a tmux
    pane split, resize-window) gives the headline its room at once, on the same story;
    back at 80 the full time returns."""
    cache = narrow_cache(tmp_path)
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        stories = app.main.story_list
        await pilot.press("j")
        await settle(pilot)
        chosen = stories.current.id
        ru = row(app, RU[:9])
        assert FULL_TIME.search(ru) and "Кавказский уз" in ru, ru
        assert headline_cells(ru, RU[:9]) >= 36, ru

        await pilot.resize_terminal(60, 24)
        await settle(pilot, lambda: app.size.width == 60 and not FULL_TIME.search(row(app, RU[:9])))
        ru = row(app, RU[:9])
        assert headline_cells(ru, RU[:9]) >= 30 and SHORT_TIME.match(ru[3:]), ru
        assert stories.current.id == chosen and stories.has_focus

        await pilot.resize_terminal(80, 24)
        await settle(pilot, lambda: app.size.width == 80 and FULL_TIME.search(row(app, RU[:9])))
        assert stories.current.id == chosen
    cache.store.close()


async def test_search_results_at_60_columns(tmp_path):
    cache = narrow_cache(tmp_path)
    app = make_app(cache)
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot, lambda: bool(app.main.thread_list.threads))
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press(*"протесты", "enter")
        await settle(pilot, lambda: RU[:9] in screen_text(app))
        ru = row(app, RU[:9])
        assert headline_cells(ru, RU[:9]) >= 30, ru
    cache.store.close()


async def test_wide_result_screens_give_the_outlet_room(tmp_path):
    """The new-since (a) and search (/) screens take the whole width: at 120 columns the
    outlet column stayed at 14 cells ("Кавказский уз…") beside a half-empty row."""
    cache = narrow_cache(tmp_path)
    app = make_app(cache)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: bool(app.main.thread_list.threads))
        await pilot.press("a")
        await settle(pilot, lambda: RU[:9] in screen_text(app))
        ru, ka = row(app, RU[:9]), row(app, KA[:9])
        assert "Кавказский узел — новос" in ru, ru  # 24 cells
        assert WIDE_OUTLET in ka, ka  # 14 cells: whole
        assert headline_cells(ru, RU[:9]) >= 54, ru
        assert headline_column(ru, RU[:9]) == headline_column(ka, KA[:9])
    cache.store.close()


def test_row_layouts_by_width():
    zone = UTC
    now = datetime(2026, 11, 29, 18, 0, tzinfo=UTC)
    assert row_layout(115, zone, now) == RowLayout(outlet=24)  # results at 120 columns
    assert row_layout(75, zone, now) == RowLayout(outlet=14)  # 80 columns: as before
    narrow = row_layout(55, zone, now)  # 60 columns
    assert narrow.short_time and 0 < narrow.outlet < 14
    assert row_layout(40, zone, now).outlet == 0  # a thin tmux pane: no outlet column

    def story(when: datetime | None, title: str = "[b]not markup[/b]") -> Story:
        return Story(id=1, feed_id=1, outlet=WIDE_OUTLET, link="", title=title, summary="",
                     author="", published=when, first_seen=when or now, text=None, lang=None,
                     thread_id=None, decided_by=None, duplicate_of=None, read=False,
                     starred=False, in_briefing=False, hidden=False)  # fmt: skip

    today = story_prompt(story(now - timedelta(hours=1)), zone, layout=narrow)
    earlier = story_prompt(story(now - timedelta(days=2)), zone, layout=narrow)
    assert today.plain[4:10] == "17:00 " and earlier.plain[4:10] == "27 Nov"
    for prompt in (today, earlier):
        assert "[b]not markup[/b]" in prompt.plain
        # the outlet column is cut by cells: the headline starts at the same cell
        assert cell_len(prompt.plain[: prompt.plain.index("[b]")]) == 4 + 7 + narrow.outlet + 1 + 4
    none = story_prompt(story(now), zone, layout=row_layout(40, zone, now))
    assert WIDE_OUTLET[:2] not in none.plain


async def test_short_times_change_form_when_the_day_changes(tmp_path, monkeypatch):
    """At 60 columns a story of today shows its clock time ("18:16"), an older one its date
    ("29 Nov"). Left open past midnight, the list lays its rows out again (a check each
    DAY_TICK): yesterday's story shows its date, not a clock time that reads as today's."""
    cache = narrow_cache(tmp_path)
    when = cache.store.story(cache.ids["ru"]).when
    assert when is not None
    clock = {"now": when}  # the story's own moment: the same day in any zone

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return clock["now"].astimezone(tz)

    monkeypatch.setattr(format_module, "datetime", Clock)
    monkeypatch.setattr(story_list_module, "DAY_TICK", 0.05)
    app = make_app(cache)
    async with app.run_test(size=(60, 24)) as pilot:
        await open_thread(pilot, app, cache.threads["georgia"])
        local = when.astimezone(app.main.story_list.zone)
        assert row(app, RU[:9])[3:].lstrip().startswith(f"{local:%H:%M} "), row(app, RU[:9])

        clock["now"] = when + timedelta(days=1)
        await settle(pilot, lambda: f"{local:%d %b} " in row(app, RU[:9]))
        assert f"{local:%H:%M}" not in row(app, RU[:9])
    cache.store.close()
