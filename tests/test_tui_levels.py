"""Each level of the main screen offers the keys that act there: the story keys (r s b x m,
S, o, y) and Back are off on the thread list, in the footer, for the keys and in the command
palette, and on again in the story list and the reader; the help lists them all."""

from __future__ import annotations

from test_tui_support import loaded, make_app, screen_text, settle

from briefing.tui.screens.help import HelpScreen

STORY_WORDS = ("Back", "Read", "Star", "Briefing", "Hide", "Move")


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def test_the_story_keys_are_offered_and_work_only_beside_a_chosen_story(cache):
    georgia = cache.threads["georgia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        await pilot.press("j")  # Georgia: its stories and first article shown beside the list
        await settle(pilot, lambda: main.story_list.key == georgia and main.article.story)
        shown = footer(app)
        for word in STORY_WORDS:
            assert f" {word} " not in shown, (word, shown)
        assert " Next unread " in shown and " Undo " in shown and " Help " in shown
        first = main.story_list.current
        for key in ("r", "s", "b", "x", "m", "S", "o", "y", "escape"):
            await pilot.press(key)
            await settle(pilot)
        assert app.screen is main and main.level == 0  # no dialog (m, S), not left
        assert cache.store.story(first.id) == first  # a story nobody picked: untouched
        assert app.opened == [] and app.clipboard == ""
        assert main.story_list.current == first
        palette = {c.title for c in app.get_system_commands(main)}
        assert "Star" not in palette and "Hide" not in palette and "Merge thread" in palette

        await pilot.press("enter")  # the story list: the keys are back, and act
        await settle(pilot, lambda: main.level == 1)
        shown = footer(app)
        for word in STORY_WORDS:
            assert f" {word} " in shown, (word, shown)
        assert "Star" in {c.title for c in app.get_system_commands(main)}
        await pilot.press("s")
        await settle(pilot, lambda: cache.store.story(first.id).starred)
        await pilot.press("enter")  # the reader: the same
        await settle(pilot, lambda: main.level == 2 and main.article.story.id == first.id)
        assert " Briefing " in footer(app)
        await pilot.press("b", "y")
        await settle(pilot, lambda: cache.store.story(first.id).in_briefing)
        assert app.clipboard == first.link
        await pilot.press("escape", "escape")  # back on the thread list: off again
        await settle(pilot, lambda: main.level == 0)
        assert " Star " not in footer(app)

        await pilot.press("question_mark")  # the help lists every key, wherever it opens
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        for binding_id in ("back", "read", "star", "briefing", "hide", "move", "split",
                           "open_link", "copy_link"):  # fmt: skip
            assert f"[{binding_id}]" in text, binding_id


async def test_at_80_columns_the_story_list_alone_offers_the_story_keys(cache):
    app = make_app(cache)
    async with app.run_test(size=(80, 24)) as pilot:
        main = app.main
        await settle(pilot, loaded(app))
        assert " Star " not in footer(app)
        await pilot.press("enter")
        await settle(pilot, lambda: main.level == 1 and main.story_list.display)
        assert " Star " in footer(app) and " Back " in footer(app)
