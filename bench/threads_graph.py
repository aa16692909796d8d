"""A third headline-only reference point on UCI: offline graph clustering (run by hand).

bench/threads_ceiling.py measures offline average linkage. This measures another family that
often does well on short texts: community detection (Louvain) on a k-nearest-neighbour graph
of TF-IDF cosines over all 11,615 headlines at once. Every point of the grid is scored on the
gold labels with ../shared/tools/cluster_eval.py, and the best one is an optimistic figure
(its settings are picked on the labels it is scored on).

It needs scikit-learn and networkx, which the app does not use, so run it in a venv of its
own (`make test` never runs it; without the packages it says what to install and exits 0):

    python3 -m venv /tmp/venv-graph
    /tmp/venv-graph/bin/pip install scikit-learn networkx
    /tmp/venv-graph/bin/python bench/threads_graph.py            # about 1.5 minutes
    /tmp/venv-graph/bin/python bench/threads_graph.py --k 10 --min-sim 0.2 --resolution 2
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from _shared import SHARED, load_eval  # noqa: E402

UCI = SHARED / "datasets" / "uci-news-aggregator" / "uci-2014-03-17_19.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, nargs="+", default=[10, 20], help="neighbours per headline")
    ap.add_argument(
        "--min-sim", type=float, nargs="+", default=[0.1, 0.2, 0.3], help="edge cosine floor"
    )
    ap.add_argument(
        "--resolution", type=float, nargs="+", default=[1.0, 2.0, 3.0, 5.0], help="Louvain"
    )
    ap.add_argument("--bigrams", action="store_true", help="words and word pairs")
    args = ap.parse_args(argv)
    try:
        import networkx as nx
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.neighbors import NearestNeighbors
    except ImportError:
        print("needs scikit-learn and networkx; see the module docstring for a venv recipe")
        return 0

    ce = load_eval()
    rows = [json.loads(line) for line in UCI.read_text(encoding="utf-8").splitlines() if line]
    titles = [r["title"] for r in rows]
    gold = [r["story_id"] for r in rows]
    vec = TfidfVectorizer(
        sublinear_tf=True, stop_words="english", ngram_range=(1, 2 if args.bigrams else 1)
    )
    x = vec.fit_transform(titles)
    print(f"{len(rows)} headlines, {x.shape[1]} terms")
    best: tuple[float, str] = (0.0, "")
    for k in args.k:
        dist, ind = NearestNeighbors(n_neighbors=k + 1, metric="cosine").fit(x).kneighbors(x)
        for min_sim, res in itertools.product(args.min_sim, args.resolution):
            t0 = time.perf_counter()
            graph = nx.Graph()
            graph.add_nodes_from(range(len(rows)))
            for i in range(len(rows)):
                for d, j in zip(dist[i][1:], ind[i][1:], strict=True):
                    if 1 - d >= min_sim:
                        graph.add_edge(i, int(j), weight=1 - d)
            communities = nx.community.louvain_communities(
                graph, weight="weight", resolution=res, seed=1
            )
            pred = [0] * len(rows)
            for c, members in enumerate(communities):
                for i in members:
                    pred[i] = c
            s = ce.score(gold, pred)
            line = (
                f"k {k:2d} min-sim {min_sim:.2f} resolution {res:3.1f}: "
                f"{s['pred_threads']:5d} clusters, B3 P {s['bcubed_p']:.3f} "
                f"R {s['bcubed_r']:.3f} F1 {s['bcubed_f1']:.3f} "
                f"({time.perf_counter() - t0:.1f} s)"
            )
            print(line, flush=True)
            best = max(best, (s["bcubed_f1"], line))
    print(f"best on gold: {best[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
