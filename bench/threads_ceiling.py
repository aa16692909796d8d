"""How far can a headline-only clusterer get on UCI? Two reference points (run by hand).

    .venv/bin/python bench/threads_ceiling.py

* **copy oracle**: the gold clustering, except that headlines with the same words (case and
  punctuation aside) must share a thread, each group taking its majority gold story. Any
  method that gives identical headlines the same thread (every content-based one) scores at
  most this; it measures the label noise of the aggregator's machine clusters.
* **offline average-linkage**: all 11,615 headlines at once (not online), TF-IDF over the
  engine's word features (sublinear tf, cosine), UPGMA agglomerative clustering, cut at the
  *best* threshold picked on the gold labels (so an optimistic figure), on the whole set and
  on the two halves of the story hash space used by bench/threads_quality.py.
* **ECB+ offline average-linkage**: the same over all 982 articles with the engine's own
  features (title-weighted, lead-weighted words + names, `names_weight` mix); the cut is
  chosen on train+dev and test is reported, plus the best cut on test as an upper bound.

Standard library only; about a minute on one core.
"""

from __future__ import annotations

import heapq
import json
import math
import re
import sys
import zlib
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _shared import SHARED, load_eval  # noqa: E402

from briefing.threads import text as tx  # noqa: E402

UCI = SHARED / "datasets" / "uci-news-aggregator" / "uci-2014-03-17_19.jsonl"
ECB = SHARED / "datasets" / "ecbplus" / "ecbplus.jsonl"


def half(story_id: str) -> str:
    """The documented UCI split: 'tune' or 'held' by a CRC32 of the gold story id."""
    return "tune" if zlib.crc32(story_id.encode()) % 2 == 0 else "held"


def fmt(s: dict) -> str:
    return f"B3 P={s['bcubed_p']:.4f} R={s['bcubed_r']:.4f} F1={s['bcubed_f1']:.4f}"


def copy_oracle(rows: list[dict]) -> list[str]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[" ".join(re.findall(r"\w+", r["title"].lower()))].append(i)
    pred = [""] * len(rows)
    for members in groups.values():
        major = Counter(rows[i]["story_id"] for i in members).most_common(1)[0][0]
        for i in members:
            pred[i] = major
    return pred


def vectors(rows: list[dict]) -> list[dict[str, float]]:
    tfs = []
    for r in rows:
        c = Counter(k for t in tx.tokens(r["title"]) if (k := tx.word_key(t)))
        tfs.append({k: 1.0 + math.log(v) for k, v in c.items()})
    df = Counter(k for tf in tfs for k in tf)
    n = len(rows)
    out = []
    for tf in tfs:
        v = {k: w * (math.log((n + 1) / (df[k] + 1)) + 1.0) for k, w in tf.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        out.append({k: x / norm for k, x in v.items()})
    return out


def engine_vectors(rows: list[dict]) -> list[dict[str, float]]:
    """The engine's features (words and names, tf-idf, unit each), mixed so that the dot
    product of two articles with names is (1 - names_weight) * words cosine + names_weight *
    names cosine (the engine's same-language score; without names it is a scaled words
    cosine, a slight difference from the engine, which then uses the words cosine alone)."""
    from briefing.threads import EngineParams, Item
    from briefing.threads.engine import _extract

    p = EngineParams()
    feats = [_extract(Item(r["id"], r["title"], r["text"]), p) for r in rows]
    df = Counter(k for f in feats for k in f.words)
    df.update("\x00" + k for f in feats for k in f.names)
    n = len(rows)
    out = []
    for f in feats:
        v: dict[str, float] = {}
        for part, prefix, share in (
            (f.words, "", 1 - p.names_weight),
            (f.names, "\x00", p.names_weight),
        ):
            w = {
                prefix + k: x * (math.log((n + 1) / (df[prefix + k] + 1)) + 1.0)
                for k, x in part.items()
            }
            norm = math.sqrt(sum(x * x for x in w.values())) or 1.0
            v.update({k: x / norm * math.sqrt(share) for k, x in w.items()})
        out.append(v)
    return out


def upgma(vecs: list[dict[str, float]], floor: float) -> list[tuple[float, int, int]]:
    """Average-linkage merges (similarity, a, b) down to `floor`; pairs without an edge count
    as similarity 0, so the cluster averages are exact."""
    post: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, v in enumerate(vecs):
        for k, x in v.items():
            post[k].append((i, x))
    n = len(vecs)
    nb: list[dict[int, float]] = [dict() for _ in range(n)]  # cluster -> {cluster: edge sum}
    for i, v in enumerate(vecs):
        acc: dict[int, float] = defaultdict(float)
        for k, x in v.items():
            for j, y in post[k]:
                if j > i:
                    acc[j] += x * y
        for j, s in acc.items():
            if s > 1e-9:
                nb[i][j] = s
                nb[j][i] = s
    return merge_edges(nb, floor)


def merge_edges(nb: list[dict[int, float]], floor: float) -> list[tuple[float, int, int]]:
    """Average linkage over a similarity graph (item -> {neighbour: similarity}, symmetric; a
    missing pair counts as 0), merges down to `floor`; `nb` is consumed."""
    n = len(nb)
    size = [1] * n
    alive = [True] * n
    heap = [(-s, i, j) for i in range(n) for j, s in nb[i].items() if j > i and s >= floor]
    heapq.heapify(heap)
    merges = []
    while heap:
        neg, a, b = heapq.heappop(heap)
        if not (alive[a] and alive[b]):
            continue
        cur = nb[a].get(b, 0.0) / (size[a] * size[b])
        if abs(cur + neg) > 1e-12:  # stale entry
            continue
        merges.append((cur, a, b))
        # merge b into a
        alive[b] = False
        for c, s in nb[b].items():
            if c == a:
                continue
            nb[a][c] = nb[a].get(c, 0.0) + s
            del nb[c][b]
            nb[c][a] = nb[a][c]
        nb[a].pop(b, None)
        nb[b] = {}
        size[a] += size[b]
        for c, s in nb[a].items():
            avg = s / (size[a] * size[c])
            if avg >= floor:
                heapq.heappush(heap, (-avg, min(a, c), max(a, c)))
    return merges


def cut(n: int, merges: list[tuple[float, int, int]], t: float) -> list[int]:
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, a, b in merges:
        if s < t:
            break
        parent[find(b)] = find(a)
    return [find(i) for i in range(n)]


def ecb_report(ev) -> None:
    rows = [json.loads(x) for x in ECB.read_text(encoding="utf-8").splitlines() if x]
    merges = upgma(engine_vectors(rows), 0.02)
    sel = {
        "train+dev": [i for i, r in enumerate(rows) if r["split"] != "test"],
        "test": [i for i, r in enumerate(rows) if r["split"] == "test"],
    }
    scores = {}
    for t in [x / 100 for x in range(2, 60)]:
        labels = cut(len(rows), merges, t)
        for name, idx in sel.items():
            scores[name, t] = ev.score([rows[i]["story_id"] for i in idx], [labels[i] for i in idx])
    ts = sorted({t for _, t in scores})
    t_dev = max(ts, key=lambda t: scores["train+dev", t]["bcubed_f1"])
    t_test = max(ts, key=lambda t: scores["test", t]["bcubed_f1"])
    print(f"ECB+ offline UPGMA train+dev best cut {t_dev:.2f}: {fmt(scores['train+dev', t_dev])}")
    print(f"ECB+ offline UPGMA test at that cut:       {fmt(scores['test', t_dev])}")
    print(f"ECB+ offline UPGMA test, best cut {t_test:.2f} (oracle): {fmt(scores['test', t_test])}")


def main() -> int:
    ev = load_eval()
    rows = [json.loads(x) for x in UCI.read_text(encoding="utf-8").splitlines() if x]
    gold = [r["story_id"] for r in rows]
    parts = {
        "all": list(range(len(rows))),
        "tune": [i for i, r in enumerate(rows) if half(r["story_id"]) == "tune"],
        "held": [i for i, r in enumerate(rows) if half(r["story_id"]) == "held"],
    }
    pred = copy_oracle(rows)
    for name, idx in parts.items():
        s = ev.score([gold[i] for i in idx], [pred[i] for i in idx])
        print(f"copy oracle       {name:4} ({len(idx):5} headlines): {fmt(s)}")
    vecs = vectors(rows)
    merges = upgma(vecs, 0.05)
    best = {}
    for t in [x / 100 for x in range(5, 60)]:
        labels = cut(len(rows), merges, t)
        for name, idx in parts.items():
            s = ev.score([gold[i] for i in idx], [labels[i] for i in idx])
            if name not in best or s["bcubed_f1"] > best[name][1]["bcubed_f1"]:
                best[name] = (t, s)
    for name, (t, s) in best.items():
        print(f"offline UPGMA     {name:4} best cut {t:.2f}: {fmt(s)} threads={s['pred_threads']}")
    ecb_report(ev)
    t_tune = best["tune"][0]
    labels = cut(len(rows), merges, t_tune)
    for name in ("held", "all"):
        idx = parts[name]
        s = ev.score([gold[i] for i in idx], [labels[i] for i in idx])
        print(f"offline UPGMA     {name:4} at the tune-half cut {t_tune:.2f}: {fmt(s)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
