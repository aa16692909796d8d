"""Batches dominated by one event: how the batch engine splits and mixes it (run by hand).

    .venv/bin/python bench/threads_batches.py
    .venv/bin/python bench/threads_batches.py --set batch_rejoin_ratio=0 --set batch_rejoin_size=0

A first fetch, or the refresh after a big event breaks, brings a batch in which most stories
are about one thing. Inside such a batch that event's words are common, so the batch's own
idf weighs them down and average linkage can leave its reports in several groups. For each
ECB+ story with at least 12 articles this builds one batch: the story's articles, up to 8
articles of its look-alike story (the other event of the same ECB+ topic) and 4 of other
topics, shuffled (seeded). It places the batch with `assign_batch` on an empty engine, and the
same items one at a time with `assign`, and prints, per split: the mean number of threads the
story ends in (1 is best), how many stories end in one thread, and how many threads hold the
story together with another story (wrong merges).

Then the opposite risk (`--lone`, from a review): a dominant story plus only 1 or 2 articles
of its look-alike story, which form no group of their own and may be let into the dominant
story's thread by the rules that let lone stories rejoin. For each story of 10+ articles and
each look-alike story of its topic, three seeded batches (the story, k look-alike articles, 4
others); it counts the batches in which a look-alike article lands in a thread of the
dominant story: batch engine, item by item.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.threads import EngineParams, Item, ThreadEngine  # noqa: E402
from briefing.threads.cluster_cmd import parse_items  # noqa: E402

DATA = ROOT.parent / "shared" / "datasets" / "ecbplus" / "ecbplus.jsonl"


def parse_set(specs: list[str]) -> EngineParams:
    params = EngineParams()
    for spec in specs:
        k, v = spec.split("=", 1)
        cur = getattr(params, k)
        val = v.lower() in ("1", "true") if isinstance(cur, bool) else type(cur)(v)
        params = dataclasses.replace(params, **{k: val})
    return params


def split_stats(ids: list[str], story: dict[str, str], decided: dict[str, int]) -> tuple[int, int]:
    """(threads the story `ids[0]`'s story ends in, threads it shares with another story)."""
    s = story[ids[0]]
    mine = {decided[i] for i in ids if story[i] == s}
    theirs = {decided[i] for i in ids if story[i] != s}
    return len(mine), len(mine & theirs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", action="append", default=[], help="PARAM=VALUE override")
    ap.add_argument("--min-docs", type=int, default=12)
    ap.add_argument("--lone", action="store_true", help="also the lone look-alike check")
    a = ap.parse_args(argv)
    params = parse_set(a.set)
    lines = DATA.read_text(encoding="utf-8").splitlines()
    rows = {r["id"]: r for r in map(json.loads, filter(None, lines))}
    items: list[Item] = [it for _, it in parse_items(lines, str(DATA))]
    story = {i: r["story_id"] for i, r in rows.items()}
    topic = {i: r["topic_id"] for i, r in rows.items()}
    by_story: defaultdict[str, list[Item]] = defaultdict(list)
    for it in items:
        by_story[story[it.id]].append(it)
    rng = random.Random(0)
    res: defaultdict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    for s, mine in sorted(by_story.items()):
        if len(mine) < a.min_docs:
            continue
        t = topic[mine[0].id]
        look = [it for it in items if topic[it.id] == t and story[it.id] != s]
        rest = [it for it in items if topic[it.id] != t]
        batch = mine + rng.sample(look, min(8, len(look))) + rng.sample(rest, 4)
        rng.shuffle(batch)
        ids = [mine[0].id] + [it.id for it in batch]
        together = {d.item_id: d.thread_id for d in ThreadEngine(params).assign_batch(batch)}
        engine = ThreadEngine(params)
        alone = {it.id: engine.assign(it).thread_id for it in batch}
        split = "test" if rows[mine[0].id]["split"] == "test" else "train+dev"
        res[split].append((*split_stats(ids, story, together), *split_stats(ids, story, alone)))
    print(f"batches dominated by one ECB+ story (>= {a.min_docs} articles)")
    print("  split      stories | batch: threads/story  in one  mixed | item by item: same")
    for split, rs in sorted(res.items(), reverse=True):
        n = len(rs)
        bt, bm = sum(r[0] for r in rs) / n, sum(r[1] for r in rs)
        it, im = sum(r[2] for r in rs) / n, sum(r[3] for r in rs)
        b1, i1 = sum(r[0] == 1 for r in rs), sum(r[2] == 1 for r in rs)
        print(f"  {split:9} {n:8} | {bt:20.2f} {b1:7} {bm:6} | {it:12.2f} {i1:7} {im:6}")
    if a.lone:
        lone_lookalikes(params, items, by_story, story, topic)
    return 0


def lone_lookalikes(
    params: EngineParams,
    items: list[Item],
    by_story: dict[str, list[Item]],
    story: dict[str, str],
    topic: dict[str, str],
) -> None:
    print("dominant story (>= 10 articles) + k articles of its look-alike story + 4 others")
    print("  k  batches | look-alike merged into the dominant thread: batch  item by item")
    for k in (1, 2):
        merged = [0, 0]
        n = 0
        for s, mine in sorted(by_story.items()):
            if len(mine) < 10:
                continue
            t = topic[mine[0].id]
            rest = [it for it in items if topic[it.id] != t]
            for s2, theirs in sorted(by_story.items()):
                if s2 == s or topic[theirs[0].id] != t:
                    continue
                for rep in range(3):
                    rng = random.Random(f"{s}|{s2}|{rep}|{k}")
                    look = rng.sample(theirs, min(k, len(theirs)))
                    batch = mine + look + rng.sample(rest, 4)
                    rng.shuffle(batch)
                    n += 1
                    together = {
                        d.item_id: d.thread_id for d in ThreadEngine(params).assign_batch(batch)
                    }
                    engine = ThreadEngine(params)
                    alone = {it.id: engine.assign(it).thread_id for it in batch}
                    for j, decided in enumerate((together, alone)):
                        home = {decided[it.id] for it in mine}
                        merged[j] += any(decided[it.id] in home for it in look)
        print(f"  {k} {n:8} | {merged[0]:44} {merged[1]:13}")


if __name__ == "__main__":
    sys.exit(main())
