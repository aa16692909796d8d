"""Throughput of the thread engine on title+summary items (run by hand, not by tests).

    .venv/bin/python bench/threads_speed.py               # UCI headlines + synthetic summaries
    .venv/bin/python bench/threads_speed.py --items 100000 --dated

Two workloads, one core, engine from an empty state plus the seed thread (as `briefing
cluster` runs it):

* `uci`: the 11,615 UCI headlines (title only).
* `summaries`: title + a ~50-word summary per item, stitched from ECB+ articles (a title
  and two sentences of two other articles, so items rarely repeat); with --dated each item gets a
  timestamp one minute after the previous one and forget_dormant() runs once per simulated
  day, which is how a long archive is re-threaded with bounded memory.

Prints items/s and the number of threads made (the engine keeps only the active ones).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.threads import Item  # noqa: E402
from briefing.threads.cluster_cmd import run_items  # noqa: E402

SHARED = ROOT.parent / "shared" / "datasets"
_SENT = re.compile(r"(?<=[.!?])\s+")


def uci_items() -> list[Item]:
    path = SHARED / "uci-news-aggregator" / "uci-2014-03-17_19.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [
        Item(id=r["id"], title=r["title"], text="", source=r.get("publisher", "")) for r in rows
    ]


def summary_items(n: int, dated: bool) -> list[Item]:
    path = SHARED / "ecbplus" / "ecbplus.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    titles = [r["title"] for r in rows]
    sents = [(_SENT.split(r["text"]) + ["", ""])[:2] for r in rows]
    m = len(rows)
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        # title of one article + a sentence from each of two others: ~40-60 words, few exact
        # repeats (so the engine does real scoring work, not only copy folding)
        a, b, c = i % m, (i * 7919 + 13) % m, (i * 104729 + 7) % m
        summary = (sents[b][0] + " " + sents[c][1])[:400]
        published = t0 + timedelta(minutes=i) if dated else None
        out.append(Item(id=f"s{i}", title=titles[a], text=summary, published=published))
    return out


def run(name: str, items: list[Item], memory: bool) -> None:
    """The engine as `briefing cluster` runs it (`run_items`: seed thread, batches of
    `batch_size`, one batch per day at most, quiet threads let go daily, labels)."""
    if memory:
        tracemalloc.start()
    t0 = time.perf_counter()
    rows = run_items([(item.id, item) for item in items], seed=True)
    dt = time.perf_counter() - t0
    peak = ""
    if memory:
        peak = ", peak traced memory %.0f MB" % (tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
    print(
        f"{name}: {len(items)} items in {dt:.2f}s = {len(items) / dt:,.0f} items/s, "
        f"{len({r['thread_id'] for r in rows})} threads{peak}"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--items", type=int, default=20_000, help="synthetic summary items")
    ap.add_argument("--dated", action="store_true", help="timestamps + forget_dormant daily")
    ap.add_argument("--memory", action="store_true", help="trace peak memory (slower)")
    a = ap.parse_args(argv)
    run("uci headlines", uci_items(), a.memory)
    run("title+summary", summary_items(a.items, a.dated), a.memory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
