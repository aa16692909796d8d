"""End to end: `briefing fetch` from a local server puts the related reports in the seed thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from httpserver import TestServer

from briefing.store import Store

NOW = datetime.now(UTC)

AGENCY = [
    (
        "sputnik-raid",
        "Police raid Sputnik Azerbaijan office in Baku, detain staff",
        "Azerbaijani police raided the Baku office of Sputnik Azerbaijan and detained two "
        "employees, days after the Safarov brothers died in Russian custody in Yekaterinburg.",
    ),
    (
        "georgia-protest",
        "Tbilisi protesters rally for the 200th night on Rustaveli Avenue",
        "Thousands of Georgians marched on Rustaveli Avenue against the Georgian Dream government "
        "and its foreign agents law, as Prime Minister Irakli Kobakhidze vowed to press charges.",
    ),
    (
        "azal",
        "Azerbaijan demands Russia admit AZAL Flight 8243 was hit by air defence",
        "Baku says the Azerbaijan Airlines Embraer that crashed near Aktau in December was struck "
        "by a Russian air-defence missile, and wants compensation and punishment.",
    ),
]
WIRE = [  # another outlet republishing the agency's raid story almost word for word
    (
        "raid-copy",
        "Police raid Sputnik Azerbaijan office in Baku, detain staff",
        "Azerbaijani police raided the Baku office of Sputnik Azerbaijan and detained two "
        "employees, days after the Safarov brothers died in Russian custody in Yekaterinburg.",
    ),
]
RUSSIAN = [
    (
        "safarov-ru",
        "Алиев обвинил Россию в гибели братьев Сафаровых в Екатеринбурге",
        "Президент Азербайджана Ильхам Алиев заявил, что Зияддин и Гусейн Сафаровы были убиты "
        "российскими силовиками при задержании в Екатеринбурге. Баку возбудил уголовное дело.",
    ),
]


def rss(items: list[tuple[str, str, str]], base: str) -> bytes:
    parts = [
        f"<item><title>{escape(title)}</title><link>{base}/a/{guid}</link>"
        f'<guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>{format_datetime(NOW - timedelta(hours=3, minutes=i))}</pubDate>"
        f"<description>{escape(desc)}</description></item>"
        for i, (guid, title, desc) in enumerate(items)
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<link>{base}/</link>{''.join(parts)}</channel></rss>"
    ).encode()


@pytest.mark.parametrize("pinned_in_config", [True, False], ids=["threads-table", "no-threads"])
def test_fetch_threads_related_reports_into_the_seed_thread(
    tmp_path: Path, http_server: TestServer, pinned_in_config: bool
) -> None:
    # Without a [[threads]] table (a user's own feeds.toml) thread 1 still works from the
    # shipped seed file.
    base = http_server.url("").rstrip("/")
    http_server.add("/agency.xml", rss(AGENCY, base), content_type="application/rss+xml")
    http_server.add("/wire.xml", rss(WIRE, base), content_type="application/rss+xml")
    http_server.add("/ru.xml", rss(RUSSIAN, base), content_type="application/rss+xml")
    feeds = tmp_path / "feeds.toml"
    pinned = (
        "[[threads]]\n"
        'title = "Azerbaijan–Russia crisis"\nseed = "azerbaijan-russia-crisis.txt"\n'
        'keywords = ["Safarov", "Sputnik Azerbaijan", "AZAL"]\n'
    )
    feeds.write_text(
        (pinned if pinned_in_config else "")
        + f'[[feeds]]\nname = "Agency"\nurl = "{base}/agency.xml"\n'
        f'[[feeds]]\nname = "Wire"\nurl = "{base}/wire.xml"\n'
        f'[[feeds]]\nname = "Russian"\nurl = "{base}/ru.xml"\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", "--feeds", str(feeds), "--data-dir", str(data),
         "fetch", "--no-articles", "--json"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert sorted(f["status"] for f in summary["feeds"]) == ["ok", "ok", "ok"]

    with Store.open(data) as store:
        by_key: dict[str, object] = {}
        for thread in store.threads(include_dormant=True):
            for story in store.stories(thread.id, fold_copies=False):
                by_key[story.link.rsplit("/", 1)[-1]] = story
        seed_thread = {k for k, s in by_key.items() if getattr(s, "thread_id", None) == 1}
        assert {"sputnik-raid", "azal", "safarov-ru"} <= seed_thread
        assert "georgia-protest" not in seed_thread
        a, b = by_key["raid-copy"], by_key["sputnik-raid"]
        # The two identical reports fold into one story with "+1 outlet" (the first stored is
        # the original: both carry the same time).
        original, copy = (a, b) if getattr(b, "duplicate_of", None) else (b, a)
        assert getattr(copy, "duplicate_of", None) == getattr(original, "id", None)
        folded = [s.id for s in store.stories(1)]
        assert getattr(copy, "id", None) not in folded and getattr(original, "id", None) in folded
        copies = store.copies(original.id)  # type: ignore[attr-defined]
        assert [c.id for c in copies] == [copy.id]  # type: ignore[attr-defined]
