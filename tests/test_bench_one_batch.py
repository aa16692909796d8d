"""bench/threads_real.py --one-batch: every item in one batch, as a first fetch places them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from briefing.threads import EngineParams
from briefing.threads.cluster_cmd import parse_items

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import threads_real  # noqa: E402


def test_one_batch_takes_a_file_that_mixes_naive_and_zoned_dates() -> None:
    """A date-only ISO date is naive, an RSS pubDate in GMT is not: sorting or taking the
    latest of both raised TypeError, where `briefing cluster` (run_items) reads the file."""
    rows = [
        {"id": 1, "title": "Aliyev meets Putin in Dushanbe", "text": "Aliyev met Putin.",
         "published": "2025-10-09"},
        {"id": 2, "title": "Putin apologises to Aliyev", "text": "Putin apologised.",
         "published": "Thu, 09 Oct 2025 12:00:00 GMT"},
        {"id": 3, "title": "Wheat harvest in Gyumri", "text": "Farmers harvested.",
         "published": None},
    ]  # fmt: skip
    items = parse_items([json.dumps(r) for r in rows])
    out = threads_real.one_batch(items, EngineParams())
    assert [o["id"] for o in out] == [1, 2, 3]
    assert all(o["thread_id"] is not None for o in out)
