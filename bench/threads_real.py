"""Score the thread engine on real Caucasus news with hand-assigned crisis labels (by hand).

    .venv/bin/python bench/threads_real.py DIR_OR_FILES... [--orders 5] [--show]
    .venv/bin/python bench/threads_real.py /work/realnews/*.jsonl --set threshold=0.3
    .venv/bin/python bench/threads_real.py /work/realnews/ka_set.jsonl --orders 6 --gold-key story

The input is JSON Lines, one real article excerpt per line:
{"id", "url", "title", "text", "published" ("YYYY-MM-DD", "YYYY-MM" or null), "source",
"lang", "gold", "alt_gold"}. `gold` names the crisis ("az-ru": the 2025 Azerbaijan-Russia
rift, the seed thread's subject; "azal": the AZAL flight 8243 crash; "ge-protest",
"am-az-peace", "am-church"; "other-<slug>" for one other event each). The texts are
third-party articles, so their text is not in this repository: `bench/data/real_labels.jsonl`
keeps each one's URL, date, language and labels (326 excerpts of stored public web pages,
labelled by hand in the tenth session), so the set can be fetched again where there is a
network. `bench/data/real_labels_georgia.jsonl` does the same for 147 items about Georgia's
crisis (110 in Georgian, eleventh session), each with an `event` (one news story: the appeal
ruling in a court case) and a `story` (a case or an incident with its aftermath) besides its
crisis (`--gold-key story`). The README says what they scored.

The items go through `briefing cluster` semantics (`run_items`) with the seed thread on, in
date order (a month-only date counts as the 15th, for ordering only; an undated item sorts
with the item before it in the file). Printed:
- B-cubed P/R/F1 (../shared/tools/cluster_eval.py) with the labels as given, and with "azal"
  counted as part of "az-ru" (the seed article covers the crash allegation too);
- the seed thread: how many "az-ru" (and "azal") items it took, and what else;
- per label: items, threads it is spread over, share and languages of its largest thread;
- per predicted thread holding more than one label: its make-up;
- with --show, every item outside its label's largest thread.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _shared import load_eval  # noqa: E402

from briefing.threads import EngineParams, ThreadEngine  # noqa: E402
from briefing.threads.cluster_cmd import (  # noqa: E402
    SEED_THREAD_ID,
    parse_items,
    run_items,
    seed_thread,
)
from briefing.threads.engine import _naive_utc  # noqa: E402


def load(paths: list[str]) -> list[dict]:
    files: list[Path] = []
    for p in map(Path, paths):
        files += sorted(p.glob("*.jsonl")) if p.is_dir() else [p]
    rows: list[dict] = []
    seen: set[str] = set()
    for f in files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["id"] not in seen:  # one record per URL across files
                    seen.add(row["id"])
                    rows.append(row)
    return rows


def _date(pub: str | None) -> str | None:
    if not pub:
        return None
    return pub + "-15" if len(pub) == 7 else pub[:10]


def items_of(rows: list[dict], chars: int = 0) -> list:
    lines = [
        json.dumps(
            {
                "id": r["id"],
                "title": r.get("title") or "",
                "text": (r.get("text") or "")[: chars or None],
                "published": _date(r.get("published")),
                "source": r.get("source"),
                "lang": r.get("lang"),
            },
            ensure_ascii=False,
        )
        for r in rows
    ]
    return parse_items(lines, "real")


def one_batch(items: list, params: EngineParams) -> list[dict]:
    """All items in one `assign_batch`, in date order, with the seed thread: a first fetch.
    An undated item is dated a day after the latest one, as the fetcher dates it by when it
    was first seen."""
    engine = ThreadEngine(params)
    title, text, keywords = seed_thread()
    engine.add_pinned(SEED_THREAD_ID, title, text, keywords)
    # an undated item is dated as the fetcher dates it: when first seen, after the others;
    # dates compared in naive UTC (a file may mix "2025-07-01" with an RSS date in GMT)
    dated = [_naive_utc(it.published) for _, it in items if it.published is not None]
    seen = max(dated) + timedelta(days=1) if dated else None
    batch = [it if it.published else dataclasses.replace(it, published=seen) for _, it in items]
    when = [_naive_utc(it.published) if it.published else datetime.min for it in batch]
    order = sorted(range(len(items)), key=when.__getitem__)
    decisions = engine.assign_batch([batch[i] for i in order])
    tids = {items[i][0]: d.thread_id for i, d in zip(order, decisions, strict=True)}
    return [
        {"id": raw, "thread_id": tids[raw], "thread_title": engine.label(tids[raw])}
        for raw, _ in items
    ]


def merged(label: str) -> str:
    return "az-ru" if label == "azal" else label


def report(
    ev, rows: list[dict], pred: dict[str, int], titles: dict[int, str], show: bool
) -> dict[str, float]:
    """Print the scores and make-up of one run; return the scores with the labels as given."""
    gold = [r["gold"] for r in rows]
    got = [pred[r["id"]] for r in rows]
    given = ev.score(gold, got)
    for name, labels in (("labels as given", gold), ("azal in az-ru", list(map(merged, gold)))):
        s = given if labels is gold else ev.score(labels, got)
        print(
            f"  {name:16} B3 P={s['bcubed_p']:.3f} R={s['bcubed_r']:.3f} "
            f"F1={s['bcubed_f1']:.3f} | pair F1={s['pair_f1']:.3f} | "
            f"{s['gold_stories']} labels, {s['pred_threads']} threads"
        )
    in_seed = Counter(r["gold"] for r in rows if pred[r["id"]] == SEED_THREAD_ID)
    total = Counter(gold)
    print(
        f"  seed thread: {in_seed['az-ru']}/{total['az-ru']} az-ru, "
        f"{in_seed['azal']}/{total['azal']} azal, other labels: "
        + (
            ", ".join(f"{k} {v}" for k, v in in_seed.items() if k not in ("az-ru", "azal"))
            or "none"
        )
    )
    by_label: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_label[r["gold"]].append(r)
    outside: list[tuple[str, dict, int]] = []
    print("  label          items threads largest  langs (largest / all)")
    for label in sorted(by_label, key=lambda k: (k.startswith("other"), -len(by_label[k]), k)):
        rs = by_label[label]
        threads = Counter(pred[r["id"]] for r in rs)
        top, n = threads.most_common(1)[0]
        if label == "az-ru" and SEED_THREAD_ID in threads:
            top, n = SEED_THREAD_ID, threads[SEED_THREAD_ID]
        langs_top = sorted({r["lang"] for r in rs if pred[r["id"]] == top})
        langs = sorted({r["lang"] for r in rs})
        if not label.startswith("other") or len(rs) > 1:
            print(
                f"  {label:14} {len(rs):5} {len(threads):7} {n / len(rs):7.0%}  "
                f"{','.join(langs_top)} / {','.join(langs)}"
            )
        outside += [(label, r, top) for r in rs if pred[r["id"]] != top]
    singles = [k for k in by_label if k.startswith("other") and len(by_label[k]) == 1]
    print(f"  ({len(singles)} other events of one item each)")
    members: dict[int, Counter] = defaultdict(Counter)
    for r in rows:
        members[pred[r["id"]]][r["gold"]] += 1
    mixed = [(t, c) for t, c in members.items() if len(c) > 1]
    print(f"  threads holding more than one label: {len(mixed)}")
    for t, c in sorted(mixed, key=lambda tc: -sum(tc[1].values())):
        print(
            f"    #{t} {titles.get(t, '')[:50]!r}: "
            + ", ".join(f"{k} {v}" for k, v in c.most_common())
        )
    if show:
        print("  items outside their label's largest thread:")
        for label, r, _top in sorted(outside, key=lambda x: (x[0], x[1].get("published") or "")):
            t = pred[r["id"]]
            head = (r.get("title") or r.get("text") or "")[:70].replace("\n", " ")
            print(
                f"    {label:12} {r.get('published') or '?':10} {r['lang']} -> #{t} "
                f"({sum(members[t].values())}, {members[t].most_common(1)[0][0]}) {head}"
            )
    return given


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", help="JSON Lines files or directories of them")
    ap.add_argument("--orders", type=int, default=1, help="also run N-1 seeded shuffles")
    ap.add_argument("--show", action="store_true", help="list items outside their thread")
    ap.add_argument("--set", action="append", default=[], metavar="KNOB=VALUE")
    ap.add_argument(
        "--gold-key", default="gold", metavar="FIELD",
        help="score against this field instead of the crisis label: the Georgian set "
        "(bench/data/real_labels_georgia.jsonl) also has 'story' and 'event'",
    )  # fmt: skip
    ap.add_argument(
        "--one-batch", action="store_true",
        help="place every item in one batch, in date order, as the app's first fetch (or a "
        "catch-up after days offline) does, instead of one batch per day",
    )  # fmt: skip
    ap.add_argument(
        "--chars", type=int, default=0,
        help="cut each text to this many characters (300: about an RSS summary)",
    )  # fmt: skip
    ap.add_argument(
        "--undated", action="store_true",
        help="keep items with no date (dropped by default: a feed's stream always has times, "
        "and an undated item would sort after an unrelated one)",
    )  # fmt: skip
    a = ap.parse_args(argv)
    params = EngineParams()
    for spec in a.set:
        key, value = spec.split("=", 1)
        old = getattr(params, key)
        if isinstance(old, timedelta):
            new = timedelta(days=float(value))
        elif isinstance(old, bool):
            new = value.lower() in ("1", "true", "yes", "on")
        else:
            new = type(old)(value)
        params = dataclasses.replace(params, **{key: new})
    rows = load(a.paths)
    if a.gold_key != "gold":
        rows = [{**r, "gold": r[a.gold_key], "alt_gold": None} for r in rows]
    if not a.undated:
        dropped = sum(1 for r in rows if not r.get("published"))
        rows = [r for r in rows if r.get("published")]
        print(f"({dropped} undated items left out; --undated keeps them)")
    ev = load_eval()
    dated = sum(1 for r in rows if r.get("published") and len(r["published"]) >= 10)
    print(
        f"{len(rows)} items ({dated} dated to the day), labels: "
        + ", ".join(f"{k} {v}" for k, v in Counter(r["gold"] for r in rows).most_common(5))
        + f", {sum(1 for r in rows if r['gold'].startswith('other'))} other; langs: "
        + ", ".join(f"{k} {v}" for k, v in Counter(r["lang"] for r in rows).most_common())
    )
    scores: list[dict[str, float]] = []
    for seed in range(a.orders):
        order = rows if seed == 0 else random.Random(seed).sample(rows, len(rows))
        if a.one_batch:
            out = one_batch(items_of(order, a.chars), params)
        else:
            out = run_items(items_of(order, a.chars), params=params, seed=True)
        pred = {o["id"]: o["thread_id"] for o in out}
        titles = {o["thread_id"]: o["thread_title"] for o in out}
        print(f"== {'file order' if seed == 0 else f'shuffle {seed}'}")
        scores.append(report(ev, rows, pred, titles, a.show and seed == 0))
    if len(scores) > 1:
        mean = {k: sum(s[k] for s in scores) / len(scores) for k in ("bcubed_p", "bcubed_r",
                                                                   "bcubed_f1")}  # fmt: skip
        print(
            f"== mean of {len(scores)} orders, labels as given: B3 P={mean['bcubed_p']:.3f} "
            f"R={mean['bcubed_r']:.3f} F1={mean['bcubed_f1']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
