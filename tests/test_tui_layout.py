"""Screens at 80x24 (one pane at a time), 120x24 (two panes) and 160x50 (three panes),
asserted on the rendered screen text; the focused pane is always the highlighted one."""

from __future__ import annotations

from test_tui_support import loaded, make_app, screen_text, settle


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
        # at 80 columns the footer may have no room for "? Help" (in the story list it has
        # none): the status line says it
        assert lines[-2].startswith(" ? keys · OFFLINE · ")
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
