"""Screens at 80x24 (one pane at a time), 120x24 (two panes) and 160x50 (three panes),
asserted on the rendered screen text; the focused pane is always the highlighted one."""

from __future__ import annotations

import pytest
from test_tui_support import loaded, make_app, open_thread, screen_text, settle


def shown(app) -> list[str]:
    main = app.main
    return [w.id for w in (main.thread_list, main.story_list, main.article)
            if w.display and w.parent.display]  # fmt: skip


async def test_80x24_one_pane_at_a_time(cache):
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        assert lines[0].startswith("╭─ Threads (3) ")
        assert "◆ Azerbaijan–Russia crisis" in lines[1]
        assert "1 unread" in lines[2] and "outlet" not in lines[2]  # the seed article: no feed
        assert "Georgia: protests over the foreign agents bill" in lines[3]
        assert "4 unread" in lines[4] and "3 outlets" in lines[4]
        # the thread list's footer has room for "? Help": the status line need not say it
        # (in the story list it has none: see the last test here)
        assert lines[-2].startswith(" OFFLINE · ") and "? Help" in lines[-1]
        # no story chosen yet: no story keys (tests/test_tui_levels.py)
        assert "n Next unread" in lines[-1] and "s Star" not in lines[-1]
        assert shown(app) == ["threads"] and app.focused is app.main.thread_list

        await pilot.press("j", "enter")
        await settle(pilot, lambda: app.main.story_list.has_focus and app.main.story_list.stories)
        assert shown(app) == ["stories"]
        lines = screen_text(app).splitlines()
        assert lines[0].startswith("╭─ Georgia: protests over the foreign agents bill")
        row = lines[1]
        assert "●" in row and "OC Media" in row and "+1" in row and "Tbilisi protest" in row
        assert "times: Asia/Baku" in lines[-3]
        assert "r Read" in lines[-1] and "s Star" in lines[-1] and "? Help" not in lines[-1]

        await pilot.press("enter")
        await settle(pilot, lambda: app.main.article.story is not None)
        assert shown(app) == ["article"] and app.focused is app.main.article
        text = screen_text(app)
        assert "Tbilisi protest enters its third week" in text
        assert "OC Media  ·  Mariam K." in text and "+04" in text

        await pilot.press("escape")
        await settle(pilot)
        assert shown(app) == ["stories"] and app.focused is app.main.story_list
        await pilot.press("backspace")
        await settle(pilot)
        assert shown(app) == ["threads"] and app.focused is app.main.thread_list


async def test_120x24_threads_beside_stories_or_article(cache):
    app = make_app(cache)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot, loaded(app))
        assert shown(app) == ["threads", "stories"]
        await pilot.press("j", "enter", "enter")
        await settle(pilot, lambda: app.main.article.story is not None)
        assert shown(app) == ["threads", "article"] and app.main.article.has_focus


async def test_160x50_three_panes_and_visible_focus(cache):
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("j")
        await settle(pilot, lambda: app.main.article.story is not None)
        assert shown(app) == ["threads", "stories", "article"]
        main = app.main
        assert 36 <= main.thread_list.size.width + 2 <= 60
        assert main.article.size.width > 80 and main.article.size.height > 20
        lines = screen_text(app).splitlines()
        assert len(lines) == 50 and all(len(line) <= 160 for line in lines)
        assert "? Help" in lines[-1] and lines[-2].startswith(" OFFLINE · ")  # no hint needed
        top = lines[0]
        assert "Threads (3)" in top and "Georgia: protests over the foreign agents bill" in top
        # the article previews the highlighted story while the thread list keeps the focus
        assert any("Article" in line for line in lines)
        assert any("Tbilisi protest enters its third week" in line[62:] for line in lines[20:])
        assert app.focused is main.thread_list
        assert main.thread_list.styles.border.top[1] != main.story_list.styles.border.top[1]
        for key, widget in (("tab", main.story_list), ("tab", main.article),
                            ("tab", main.thread_list), ("shift+tab", main.article)):  # fmt: skip
            await pilot.press(key)
            await settle(pilot)
            assert app.focused is widget
            others = [
                w for w in (main.thread_list, main.story_list, main.article) if w is not widget
            ]
            colour = widget.styles.border.top[1]
            assert all(o.styles.border.top[1] != colour for o in others)


def bottom(app) -> tuple[str, str]:
    """The status line and the footer."""
    status, footer = screen_text(app).splitlines()[-2:]
    return status, footer


@pytest.mark.parametrize(
    ("width", "hint_in_stories"), [(80, True), (100, True), (120, False), (160, False)]
)
async def test_the_status_line_says_question_mark_keys_only_where_the_footer_cuts_help(
    cache, width, hint_in_stories
):
    """ "? keys" starts the status line where the footer has no room for "? Help" (the story
    list below about 104 columns, where it also offers the story keys), not wherever the
    terminal is narrower than 118 columns: at 80 columns the thread list's footer shows
    "? Help" and the status line said "? keys" too. With the help up, ? does nothing: no
    hint either."""
    app = make_app(cache)
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot, loaded(app))
        await settle(pilot, lambda: "? Help" in bottom(app)[1])
        status, footer = bottom(app)
        assert status.startswith(" OFFLINE · "), status  # the thread list

        await open_thread(pilot, app, cache.threads["georgia"])
        want = " ? keys · OFFLINE · " if hint_in_stories else " OFFLINE · "
        await settle(pilot, lambda: bottom(app)[0].startswith(want))
        status, footer = bottom(app)
        assert ("? Help" in footer) is not hint_in_stories, footer

        await pilot.press("question_mark")
        await settle(pilot, lambda: bottom(app)[0].startswith(" OFFLINE · "))
        await pilot.press("escape")
        await settle(pilot, lambda: bottom(app)[0].startswith(want))
