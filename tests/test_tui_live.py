"""The reader tells the truth while it stays open: the status line when every feed fails,
changes other programs commit to the cache (the CLI, a cron fetch), and what `E` wrote."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_tui_support import briefing_written, loaded, make_app, open_thread, settle

from briefing.models import FeedUpdate
from briefing.store import Store
from briefing.tui import refresh_hook
from briefing.tui.prefetch import prefetch
from briefing.tui.reader import BriefingApp

POLL = 0.1  # the tests' CHANGES_POLL: seconds


def fail_feeds(store: Store, urls: list[str]) -> None:
    """What a refresh with no network leaves in the cache: each feed checked, in error."""
    now = datetime.now(UTC)
    for url in urls:
        update = FeedUpdate(status="error", checked=now, next_check=now + timedelta(minutes=30),
                            error="ConnectError: [Errno 111] Connection refused")  # fmt: skip
        store.save_feed_result(url, update)


def status_text(app: BriefingApp) -> str:
    return app.main.status.render_state().plain


# ------------------------------------------------------------------ 1. all feeds failing
async def test_no_network_at_all_says_every_feed_fails_not_online(cache, tmp_path):
    """A machine with no network: the app's own refresh (the real pipeline, feeds on a closed
    port of 127.0.0.1) fails for every feed. At 80 columns the status line says every feed
    fails, never "online", and the refresh's result is still there whole."""
    app = make_app(cache, data_dir=cache.store.path.parent)
    app.offline = False
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: not app.refreshing and loaded(app)(), tries=400)
        text = status_text(app)
        assert "online" not in text, text
        assert "all failing" in text or "all feeds failing" in text, text
        assert "refreshed: 0 new stories, 3 feeds failing (F: feeds)" in text, text
        assert app.main.status.render_state().cell_length <= 80
    assert cache.store.feed_health() == (3, 3)


async def test_a_cache_where_every_feed_failed_opens_saying_so(cache):
    """Start-up (read before Textual is imported, prefetch.py) already knows: no refresh
    needed to stop claiming "online"; at 120 columns the long wording."""
    fail_feeds(cache.store, [f.url for f in cache.config.feeds])
    app = make_app(cache, startup=prefetch(cache.store, cache.config))
    app.offline = False
    app.start_refresh = lambda **kw: None  # type: ignore[method-assign]  # no refresh at all
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, loaded(app))
        text = status_text(app)
        assert "online" not in text and "all feeds failing" in text, text


async def test_one_working_feed_is_online_and_offline_stays_offline(cache):
    fail_feeds(cache.store, [f.url for f in cache.config.feeds[1:]])  # OC Media still ok
    assert cache.store.feed_health() == (3, 2)
    app = make_app(cache)
    app.offline = False
    app.start_refresh = lambda **kw: None  # type: ignore[method-assign]
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, loaded(app))
        text = status_text(app)
        assert text.lstrip(" ?keys·").startswith("online") and "failing" not in text, text
    fail_feeds(cache.store, [cache.config.feeds[0].url])
    app = make_app(cache)  # --offline: the user's choice, whatever the feeds did
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, loaded(app))
        text = status_text(app)
        assert "OFFLINE" in text and "failing" not in text and "online" not in text, text


async def test_feeds_never_tried_are_not_failing(tmp_path):
    """A fresh cache (every feed 'new'): nothing failed yet."""
    from test_tui_support import make_config

    config = make_config(tmp_path)
    store = Store.open(tmp_path / "fresh")
    store.sync_feeds(config.feeds)
    assert store.feed_health() == (3, 0)
    app = BriefingApp(store, config, offline=False)
    app.start_refresh = lambda **kw: None  # type: ignore[method-assign]
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot, loaded(app))
            assert "online" in status_text(app)
    finally:
        store.close()


# ------------------------------------------------------------------ 2. outside changes
def count_reloads(app: BriefingApp) -> list[int]:
    calls: list[int] = []
    reload_all = app.main.reload_all

    def counted(select: int | None = None) -> None:
        calls.append(1)
        reload_all(select)

    app.main.reload_all = counted  # type: ignore[method-assign]
    return calls


@pytest.fixture
def fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(BriefingApp, "CHANGES_POLL", POLL)


async def test_cli_changes_show_without_a_refresh(cache, fast_poll):
    """`briefing rename` / marking from another window (a second connection): the open app
    shows it within a poll, keeps the story selected and the reader where it was, and
    reloads once per change, never while nothing changed."""
    store = cache.store
    long_text = "\n\n".join(f"Paragraph {i} of a long report from Tbilisi." for i in range(120))
    store.set_article_text(cache.ids["g2"], text=long_text)
    georgia, armenia = cache.threads["georgia"], cache.threads["armenia"]
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_thread(pilot, app, georgia)
        main = app.main
        main.story_list.select_id(cache.ids["g2"])
        await pilot.press("enter")
        await settle(pilot, lambda: getattr(main.article.story, "id", 0) == cache.ids["g2"])
        for _ in range(15):
            await pilot.press("j")
        await settle(pilot)
        scrolled = main.article.scroll_y
        assert scrolled > 0
        reloads = count_reloads(app)
        await pilot.pause(POLL * 6)
        await settle(pilot)
        assert reloads == []  # our own writes (opening marked g2 read) are not outside changes

        other = Store.open(store.path.parent)  # what `briefing rename` / a mark command does
        try:
            other.rename_thread(armenia, "Border talks (renamed from the CLI)")
            other.set_triage(cache.ids["g4"], read=True, starred=True)
            other.set_triage(cache.ids["g2"], in_briefing=True)
        finally:
            other.close()

        def shown() -> bool:
            titles = {t.id: t.title for t in main.thread_list.threads}
            g4 = main.story_list.stories[main.story_list.index_of(cache.ids["g4"]) or 0]
            return (
                titles.get(armenia) == "Border talks (renamed from the CLI)"
                and g4.starred
                and g4.read
                and main.article.story is not None
                and main.article.story.in_briefing
            )

        deadline = time.monotonic() + 10
        while not shown():
            assert time.monotonic() < deadline, "the outside change never showed"
            await pilot.pause(POLL)
        await settle(pilot)
        assert 1 <= len(reloads) <= 3  # at most one per commit, however the polls fell
        assert main.thread_list.current.id == georgia
        assert main.story_list.current.id == cache.ids["g2"]
        assert main.article.story.id == cache.ids["g2"]
        assert main.article.scroll_y == scrolled  # the reader did not jump
        assert main.focused is main.article
        settled = len(reloads)
        await pilot.pause(POLL * 6)
        await settle(pilot)
        assert len(reloads) == settled  # shown once: no reload loop


async def test_an_outside_change_waits_for_the_dialog(cache, fast_poll):
    """With the rename prompt open, the screen behind it does not reload; it does once the
    dialog closes."""
    app = make_app(cache)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        reloads = count_reloads(app)
        await pilot.press("R")
        await settle(pilot, lambda: len(app.screen_stack) > 1)
        other = Store.open(cache.store.path.parent)
        try:
            other.set_triage(cache.ids["a1"], starred=True)
        finally:
            other.close()
        await pilot.pause(POLL * 6)
        await settle(pilot)
        assert reloads == []
        await pilot.press("escape")
        deadline = time.monotonic() + 10
        while not reloads:
            assert time.monotonic() < deadline, "no reload after the dialog closed"
            await pilot.pause(POLL)
        await settle(pilot)
        assert len(reloads) == 1


async def test_the_apps_own_refresh_reloads_once(cache, fast_poll, monkeypatch):
    """The refresh worker writes through its own connection (refresh_hook.run_refresh), so
    every one of its commits moves data_version: the screen still reloads once, when the
    refresh ends, not on every poll during it nor once more after it."""
    data_dir = cache.store.path.parent

    def refresh(data_dir: Path, config: object, report: object, **kw: object) -> tuple[bool, str]:
        with Store.open(data_dir) as store:
            for key in ("g1", "g2", "g4"):
                store.set_triage(cache.ids[key], starred=True)
                time.sleep(POLL * 2)  # polls come due while the refresh writes
        return True, "refreshed: 0 new stories"

    monkeypatch.setattr(refresh_hook, "run_refresh", refresh)
    app = make_app(cache, data_dir=data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        reloads = count_reloads(app)
        app.offline = False
        app.start_refresh()
        await settle(pilot, lambda: not app.refreshing, tries=400)
        await pilot.pause(POLL * 6)
        await settle(pilot)
        assert len(reloads) == 1
        assert "refreshed: 0 new stories" in status_text(app)


# ------------------------------------------------------------------ 3. the export's count
async def test_briefing_written_counts_what_the_file_holds(cache):
    """A wire copy marked with its original is folded under it in the file: the message
    counts the stories written (2), not the stories marked (3)."""
    for key in ("g1", "g1-copy", "g2"):
        cache.store.set_triage(cache.ids[key], in_briefing=True)
    app = make_app(cache)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("E")
        message = await briefing_written(pilot, app)
    assert message.startswith("Briefing written (2 stories):\n"), message
    written = list(Path(cache.config.settings.export_dir).glob("briefing-*.md"))
    shown = message.replace("\n", "").replace("):~/", f"):{Path.home()}/")  # ~: the home
    assert len(written) == 1 and str(written[0]) in shown
    body = written[0].read_text()
    entries = [line for line in body.splitlines() if line.startswith("- **")]
    assert entries == ["- **Georgian Dream passes foreign agents bill**  ",
                       "- **Tbilisi protest enters its third week**  "]  # fmt: skip
    assert "also JAMnews" in body  # the copy: its outlet, under the original


@pytest.mark.parametrize("where", ["briefings", "shared-drive/caucasus-desk/briefings-for-editors"])
async def test_the_export_message_keeps_the_path_readable_at_80_columns(
    cache, tmp_path, monkeypatch, where
):
    """At 80 columns the message is 37 columns wide: "Briefing written (1 story): /home/
    …/briefing-2026-1" then "1-29.md", the file's name cut where the line ended. The path
    now has a line of its own, the home directory shown as ~, and a path still too long is
    broken after a /, so no name is cut."""
    from dataclasses import replace

    from test_tui_support import screen_text

    monkeypatch.setenv("HOME", str(tmp_path))
    directory = tmp_path / where
    settings = replace(cache.config.settings, export_dir=str(directory))
    cache.config = replace(cache.config, settings=settings)
    cache.store.set_triage(cache.ids["g1"], in_briefing=True)
    app = make_app(cache)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot, loaded(app))
        await pilot.press("E")
        await settle(pilot, lambda: "Briefing written" in screen_text(app))
        # the toast's lines: right of its border (▌), without the panes' frame behind it
        toast = [line.split("▌", 1)[1].rstrip(" ─╮╯│") for line in
                 screen_text(app).splitlines() if "▌" in line]  # fmt: skip
    (written,) = directory.glob("briefing-*.md")
    shown = "~/" + str(written.relative_to(tmp_path))
    path = toast[[i for i, line in enumerate(toast) if "Briefing written" in line][0] + 1 :]
    path = [line.strip() for line in path if line.strip()]
    path = path[: [i for i, line in enumerate(path) if line.startswith("The stories")][0]]
    assert "".join(path) == shown, toast
    assert all(line.endswith("/") for line in path[:-1]), path  # broken after a / only
    if where == "briefings":
        assert path == [shown]  # ~/briefings/briefing-2026-11-29.md: one line


async def test_a_stream_of_outside_commits_reloads_every_few_polls(cache, fast_poll):
    """A cron fetch commits once per feed for as long as it runs: the app shows its work every
    CHANGES_RELOAD_EVERY polls, not on every poll (each reload re-reads the thread list), and
    the last commit still shows."""
    app = make_app(cache)
    every = BriefingApp.CHANGES_RELOAD_EVERY
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot, loaded(app))
        reloads = count_reloads(app)
        other = Store.open(cache.store.path.parent)
        try:
            polls = 24
            for i in range(polls):  # one commit per poll
                other.set_triage(cache.ids["a1"], starred=bool(i % 2))
                await pilot.pause(POLL)
            other.set_triage(cache.ids["a1"], starred=True)
        finally:
            other.close()
        deadline = time.monotonic() + 10
        while not any(t.id == cache.threads["armenia"] for t in app.main.thread_list.threads):
            await pilot.pause(POLL)
        while not (app._data_version == cache.store.data_version() and reloads):
            assert time.monotonic() < deadline
            await pilot.pause(POLL)
        await pilot.pause(POLL * (every + 2))
        await settle(pilot)
        # 24 commits, one per poll: a reload every 4th poll (not 24 reloads), and the last
        assert 2 <= len(reloads) <= polls // 3, reloads
        assert app._data_version == cache.store.data_version()  # the last commit is shown


async def test_a_fetch_by_another_program_clears_the_stale_refresh_note(cache, fast_poll):
    """The app's own refresh said every feed failed; then a cron `briefing fetch` got one:
    the status line drops the old note and stops saying every feed fails."""
    fail_feeds(cache.store, [f.url for f in cache.config.feeds])
    app = make_app(cache)
    app.offline = False
    app.start_refresh = lambda **kw: None  # type: ignore[method-assign]
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot, loaded(app))
        app.main.status.set_state(note="refreshed: 0 new stories, 3 feeds failing (F: feeds)")
        assert "3 feeds failing" in status_text(app)
        other = Store.open(cache.store.path.parent)
        try:
            now = datetime.now(UTC)
            other.save_feed_result(
                cache.config.feeds[0].url,
                FeedUpdate(status="ok", checked=now, next_check=now + timedelta(minutes=30)),
            )
        finally:
            other.close()
        deadline = time.monotonic() + 10
        while "3 feeds failing" in status_text(app):
            assert time.monotonic() < deadline, status_text(app)
            await pilot.pause(POLL)
        text = status_text(app)
        assert "online" in text and "all feeds failing" not in text, text
        assert "last good fetch just now" in text, text


async def test_the_backing_off_note_fits_80_columns_whole(cache):
    """Every feed failing and backing off, at 80 columns: the part to act on ("40 backing
    off (F: feeds, G: retry now)") is whole; "refreshed: " goes first."""
    fail_feeds(cache.store, [f.url for f in cache.config.feeds])
    app = make_app(cache)
    app.offline = False
    app.start_refresh = lambda **kw: None  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, loaded(app))
        note = "refreshed: 0 new stories, 40 backing off (F: feeds, G: retry now)"
        app.main.status.set_state(note=note)
        await settle(pilot)
        content = app.main.status.render_state()
        assert content.cell_length <= 80
        assert content.plain.endswith("0 new stories, 40 backing off (F: feeds, G: retry now)")
        assert "all failing" in content.plain


async def test_a_feed_added_in_another_window_is_listed_without_a_restart(cache):
    """`briefing feeds add` while the app is open: F (and the next refresh) read feeds.toml
    again. Before, the new feed was neither listed nor fetched until a restart."""
    from test_tui_support import FEEDS

    from briefing.tui.screens.feeds import FeedsScreen

    path = cache.config.path
    entries = "".join(f'[[feeds]]\nname = "{f.name}"\nurl = "{f.url}"\n\n' for f in FEEDS)
    path.write_text(entries)
    app = make_app(cache)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, loaded(app))
        time.sleep(0.01)  # a later mtime
        path.write_text(entries + '[[feeds]]\nname = "Hetq"\nurl = "https://hetq.am/en/rss"\n')
        await pilot.press("F")
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen) and app.screen.feeds)
        assert "Hetq" in [f.name for f in app.screen.feeds]
        assert any(n.message == "feeds.toml changed: 1 new feed." for n in app._notifications)
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is app.main)
        path.write_text(entries + "[[feeds]]\nname = \n")  # a broken edit: said, feeds kept
        await pilot.press("F")
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen) and app.screen.feeds)
        assert "Hetq" in [f.name for f in app.screen.feeds]
        assert any("feeds.toml not reloaded:" in n.message for n in app._notifications)
        assert [f.name for f in app.config.feeds][-1] == "Hetq"


async def test_the_first_feed_added_to_the_shipped_list_is_listed_without_a_restart(
    cache, tmp_path, monkeypatch
):
    """A new user: the app opens on the shipped feeds.toml (no copy of their own yet), and
    `briefing feeds add` in another window makes that copy, says "briefing now reads" it, and
    adds the feed there. Before, the app kept watching the shipped file, which never changes:
    F listed the 24 shipped feeds without the new one, and g did not fetch it, until a
    restart."""
    from dataclasses import replace

    from briefing.cli import main
    from briefing.config import load_config, shipped_feeds_path, user_feeds_path
    from briefing.tui.screens.feeds import FeedsScreen

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("BRIEFING_FEEDS", raising=False)
    assert not user_feeds_path().exists()
    shipped = load_config(shipped_feeds_path())
    cache.store.sync_feeds(shipped.feeds)
    app = make_app(replace(cache, config=shipped))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot, loaded(app))
        data = str(cache.store.path.parent)
        url = "http://127.0.0.1:9/mine.xml"
        assert main(["--data-dir", data, "feeds", "add", url, "--name", "My desk"]) == 0
        assert user_feeds_path().is_file()
        await pilot.press("F")
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen) and app.screen.feeds)
        assert "My desk" in [f.name for f in app.screen.feeds]
        assert app.config.path == user_feeds_path()
        assert url in [f.url for f in app.config.feeds]  # what the next refresh fetches
        assert any(
            n.message == "Now reading your own feeds.toml: 1 new feed." for n in app._notifications
        )
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is app.main)
        time.sleep(0.01)  # a later mtime
        url2 = "http://127.0.0.1:9/second.xml"
        assert main(["--data-dir", data, "feeds", "add", url2, "--name", "Second"]) == 0
        await pilot.press("F")
        await settle(pilot, lambda: isinstance(app.screen, FeedsScreen) and app.screen.feeds)
        assert "Second" in [f.name for f in app.screen.feeds]
        assert any(n.message == "feeds.toml changed: 1 new feed." for n in app._notifications)
