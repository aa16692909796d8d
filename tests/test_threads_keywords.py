"""A pinned thread of feeds.toml defined by a title and keywords alone, no seed file: a
journalist names a crisis by its people and places, and reports that name them join it."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from test_tui_support import add_articles, item, make_config

from briefing import refresh
from briefing.config import PinnedThread
from briefing.store import Store

KEYWORDS = ("Rustaveli", "Georgian Dream", "Kobakhidze", "Burchuladze")


def _thread_of(store: Store, article_id: int) -> int:
    with sqlite3.connect(store.path) as db:
        return db.execute(
            "SELECT thread_id FROM membership WHERE article_id = ?", (article_id,)
        ).fetchone()[0]


def test_a_keyword_pinned_thread_takes_reports_that_name_its_crisis(tmp_path: Path) -> None:
    pinned = PinnedThread("Georgia protests", None, KEYWORDS)
    config = dataclasses.replace(make_config(tmp_path), threads=(pinned,))
    store = Store.open(tmp_path / "data")
    store.sync_feeds(config.feeds)
    store.ensure_pinned(config.threads)
    crisis = store.pinned_thread_ids()[f"title:{pinned.title}"]
    feed = config.feeds[0]
    ids = add_articles(store, feed, [
        item("r1", "Police detain protesters on Rustaveli Avenue", 3,
             text="Riot police detained dozens of protesters on Rustaveli Avenue in Tbilisi "
                  "overnight, as the rally against the Georgian Dream government went on."),
        item("r2", "Kobakhidze says organisers of the palace storming will be punished", 2,
             text="Prime Minister Irakli Kobakhidze said Paata Burchuladze and the other "
                  "organisers of the attempt to storm the presidential palace would face trial."),
        item("w1", "Georgian wine exports reach a record", 1,
             text="Georgia exported a record 120 million bottles of wine this year, most of "
                  "them to Russia, Ukraine and China, the wine agency said."),
    ])  # fmt: skip
    assert refresh.assign_threads(store, ids, config) == 3
    assert _thread_of(store, ids[0]) == crisis
    assert _thread_of(store, ids[1]) == crisis
    assert _thread_of(store, ids[2]) != crisis  # names none of them
    # before: a pinned thread without a seed file was never given to the engine as pinned,
    # so its keywords did nothing and both reports opened threads of their own
