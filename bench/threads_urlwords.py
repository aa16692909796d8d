"""Do the words of a story's URL help headline-only threading on UCI? (run by hand)

    .venv/bin/python bench/threads_urlwords.py                 # lexical: ceiling + engine
    /tmp/venv-embed/bin/python bench/threads_urlwords.py --e5  # + words and e5, offline

Many article URLs carry a slug ("/wal-mart-to-let-shoppers-exchange-used-videogames"), often
an earlier or longer wording of the headline. UCI's README allows `url` besides the title. Each
headline gets the slug words it lacks appended (the longest path segment of 3+ alphabetic
words, extensions dropped), and then:

* the offline average-linkage reference of bench/threads_ceiling.py (all headlines at once,
  TF-IDF words, best cut on the gold labels), without and with the URL words;
* the engine (`briefing cluster` semantics, bench/threads_quality.py's scoring) on the file
  order and 2 shuffles, without and with the URL words;
* with `--e5` (needs numpy and the cached e5 vectors bench/out/embed-e5-uci.npy that
  bench/threads_embed.py writes): offline average linkage over a mix of TF-IDF and e5 cosines
  (weights 0.3 / 0.7, clipped at the 98th percentile of random pairs so the graph stays
  sparse), cut chosen on the tune half and on all (an optimistic upper figure).

Nothing here is used by the app: it measures whether the signal is worth adding.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import threads_ceiling as tc  # noqa: E402
import threads_quality as tq  # noqa: E402
from _shared import load_eval  # noqa: E402

from briefing.threads import EngineParams  # noqa: E402
from briefing.threads.cluster_cmd import parse_items  # noqa: E402


def slug_words(url: str) -> list[str]:
    path = unquote(urlsplit(url.replace("\\", "")).path)
    best: list[str] = []
    for seg in (s for s in path.split("/") if s):
        seg = re.sub(r"\.(html?|php|aspx?|cms|story|shtml)$", "", seg)
        words = [w for w in re.split(r"[-_+]+", seg) if w.isalpha()]
        if len(words) >= 3 and len(" ".join(words)) > len(" ".join(best)):
            best = words
    return best


def with_url_words(rows: list[dict]) -> tuple[list[dict], int, int]:
    out, has, extra = [], 0, 0
    for r in rows:
        words = slug_words(r.get("url") or "")
        seen = {w.lower() for w in re.findall(r"\w+", r["title"])}
        new = [w for w in words if w.lower() not in seen]
        has += bool(words)
        extra += bool(new)
        out.append({**r, "title": r["title"] + (" — " + " ".join(new) if new else "")})
    return out, has, extra


def parts(rows: list[dict]) -> dict[str, list[int]]:
    return {
        "all": list(range(len(rows))),
        "tune": [i for i, r in enumerate(rows) if tc.half(r["story_id"]) == "tune"],
        "held": [i for i, r in enumerate(rows) if tc.half(r["story_id"]) == "held"],
    }


def best_cuts(ev, rows, merges, cuts) -> dict[str, tuple[float, dict]]:
    gold = [r["story_id"] for r in rows]
    best: dict[str, tuple[float, dict]] = {}
    for t in cuts:
        labels = tc.cut(len(rows), merges, t)
        for name, idx in parts(rows).items():
            s = ev.score([gold[i] for i in idx], [labels[i] for i in idx])
            if name not in best or s["bcubed_f1"] > best[name][1]["bcubed_f1"]:
                best[name] = (t, s)
    return best


def lexical_ceiling(ev, label: str, rows: list[dict]) -> None:
    merges = tc.upgma(tc.vectors(rows), 0.05)
    for name, (t, s) in best_cuts(ev, rows, merges, [x / 100 for x in range(5, 40)]).items():
        print(f"offline UPGMA {label:10} {name:4} best cut {t:.2f}: {tc.fmt(s)}", flush=True)


def engine(ev, label: str, rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "uci.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        items = parse_items(path.read_text(encoding="utf-8").splitlines(), str(path))
    print(f"engine {label}:", flush=True)
    tq.order_means(ev, "uci", rows, items, EngineParams(), 3)


def e5_mix(ev, rows: list[dict]) -> None:
    import numpy as np

    emb = ROOT / "bench" / "out" / "embed-e5-uci.npy"
    if not emb.exists():
        print(f"--e5: {emb} is missing; run bench/threads_embed.py embed --model e5 first")
        return
    n = len(rows)
    vecs = tc.vectors(rows)
    vocab: dict[str, int] = {}
    for v in vecs:
        for k in v:
            vocab.setdefault(k, len(vocab))
    a = np.zeros((n, len(vocab)), np.float32)
    for i, v in enumerate(vecs):
        for k, x in v.items():
            a[i, vocab[k]] = x
    e = np.load(emb)
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    sim = 0.3 * (a @ a.T) + 0.7 * (e @ e.T)
    rng = np.random.default_rng(1)
    clip = float(np.quantile(sim[rng.integers(0, n, 200000), rng.integers(0, n, 200000)], 0.98))
    sim = np.maximum(sim - clip, 0)
    np.fill_diagonal(sim, 0)
    # The same average linkage as threads_ceiling.upgma, over these edges (a missing pair
    # counts as 0, as there).
    nb = [{int(j): float(sim[i, j]) for j in np.nonzero(sim[i])[0]} for i in range(n)]
    merges = tc.merge_edges(nb, 0.0)
    cuts = [x / 1000 for x in range(1, 20)] + [x / 100 for x in range(2, 30)]
    best = best_cuts(ev, rows, merges, cuts)
    for name, (t, s) in best.items():
        print(f"offline UPGMA words+e5   {name:4} best cut {t:.3f}: {tc.fmt(s)}")
    t = best["tune"][0]
    labels = tc.cut(n, merges, t)
    gold = [r["story_id"] for r in rows]
    print(
        f"offline UPGMA words+e5   all  at the tune cut {t:.3f}: {tc.fmt(ev.score(gold, labels))}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--e5", action="store_true", help="also the offline words + e5 mix")
    args = ap.parse_args(argv)
    ev = load_eval()
    rows = [json.loads(x) for x in tc.UCI.read_text(encoding="utf-8").splitlines() if x]
    plus, has, extra = with_url_words(rows)
    print(f"{len(rows)} headlines: {has} URLs with a slug, {extra} adding words to the title")
    if args.e5:
        e5_mix(ev, plus)
        return 0
    lexical_ceiling(ev, "title", rows)
    lexical_ceiling(ev, "title+url", plus)
    engine(ev, "title", rows)
    engine(ev, "title+url", plus)
    return 0


if __name__ == "__main__":
    sys.exit(main())
