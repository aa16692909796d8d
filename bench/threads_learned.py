"""More headline-only reference points on UCI: latent and learned similarities (run by hand).

bench/threads_ceiling.py and bench/threads_graph.py put offline clusterings of TF-IDF
headline vectors at B-cubed F1 0.68-0.70. This asks whether a better similarity between two
headlines moves that ceiling. Each similarity feeds the same offline average linkage (UPGMA,
scipy) over all 11,615 headlines, scored with ../shared/tools/cluster_eval.py at every cut;
the best cut is picked on the gold labels it is scored on, so every figure is optimistic:

* `tfidf`: words, sublinear tf, English stop words (the reference);
* `char`: character 4-grams within words;
* `lsa`: TF-IDF reduced to 400 latent dimensions (truncated SVD over all headlines), alone
  and mixed 0.7 / 0.3 with the words' cosine;
* `second`: second-order similarity, the cosine of two headlines' rows of the TF-IDF
  similarity matrix kept to their 10 nearest neighbours, mixed half and half with the words';
* `learned`: a gradient-boosted classifier over the five similarities above (and the count
  of shared words), trained on pairs of headlines from UCI's "tune" half (the CRC32 split of
  bench/threads_quality.py) that share a word or look alike in 4-grams, its probability the
  similarity. Scored on the "held" half (stories it never saw) and on the whole set.

It needs numpy, scipy and scikit-learn, which the app does not use, so run it in a venv of
its own (`make test` never runs it; without the packages it says what to install and
exits 0). About 10 minutes and 6 GB here:

    python3 -m venv /tmp/venv-graph
    /tmp/venv-graph/bin/pip install numpy scipy scikit-learn
    /tmp/venv-graph/bin/python bench/threads_learned.py
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from typing import Any

from _shared import SHARED, load_eval

UCI = SHARED / "datasets" / "uci-news-aggregator" / "uci-2014-03-17_19.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--only", nargs="+", default=["tfidf", "char", "lsa", "second", "learned"],
        choices=["tfidf", "char", "lsa", "second", "learned"],
    )  # fmt: skip
    args = ap.parse_args(argv)
    try:
        import numpy as np
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform
        from sklearn.decomposition import TruncatedSVD
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize
    except ImportError:
        print("needs numpy, scipy and scikit-learn; see the module docstring for a venv recipe")
        return 0

    ce = load_eval()
    rows = [json.loads(line) for line in UCI.read_text(encoding="utf-8").splitlines() if line]
    titles = [r["title"] for r in rows]
    gold = np.array([r["story_id"] for r in rows])
    tune = np.array([zlib.crc32(s.encode()) % 2 == 0 for s in gold])

    def scan(sim: Any, name: str, mask: Any = None) -> None:
        """UPGMA over 1 - sim; the best cut on gold, B-cubed by the shared scorer."""
        if mask is not None:
            sim, labels = sim[np.ix_(mask, mask)], gold[mask]
        else:
            labels = gold
        dist = np.clip(1.0 - sim.astype(np.float64), 0.0, None)
        dist = (dist + dist.T) / 2
        np.fill_diagonal(dist, 0.0)
        tree = linkage(squareform(dist, checks=False), "average")
        best: tuple[float, float, dict[str, float]] | None = None
        for cut in np.arange(0.5, 1.0, 0.02):
            s = ce.score(list(labels), [int(c) for c in fcluster(tree, cut, "distance")])
            if best is None or s["bcubed_f1"] > best[0]:
                best = (s["bcubed_f1"], cut, s)
        assert best is not None
        _, cut, s = best
        print(f"{name:<28} best cut {1 - cut:.2f}: B3 P {s['bcubed_p']:.3f} "
              f"R {s['bcubed_r']:.3f} F1 {s['bcubed_f1']:.3f}", flush=True)  # fmt: skip

    words = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(titles)
    s_words = (words @ words.T).toarray().astype(np.float32)
    chars = TfidfVectorizer(sublinear_tf=True, analyzer="char_wb", ngram_range=(4, 4))
    c = chars.fit_transform(titles)
    s_char = (c @ c.T).toarray().astype(np.float32)
    latent = normalize(TruncatedSVD(400, random_state=0).fit_transform(words))
    s_lsa = (latent @ latent.T).astype(np.float32)
    knn = s_words.copy()
    np.fill_diagonal(knn, 1.0)
    far = np.argpartition(-knn, 10, axis=1)[:, 10:]
    np.put_along_axis(knn, far, 0.0, axis=1)
    rows_knn = normalize(knn)
    s_second = (rows_knn @ rows_knn.T).astype(np.float32)
    binary = (words > 0).astype(np.float32)
    s_shared = (binary @ binary.T).toarray().astype(np.float32)

    if "tfidf" in args.only:
        scan(s_words, "tfidf words")
        scan(s_words, "tfidf words, held half", ~tune)
    if "char" in args.only:
        scan(s_char, "char 4-grams")
    if "lsa" in args.only:
        scan(s_lsa, "lsa 400")
        scan(0.7 * s_words + 0.3 * s_lsa, "0.7 words + 0.3 lsa")
    if "second" in args.only:
        scan(0.5 * s_words + 0.5 * s_second, "0.5 words + 0.5 second-order")
    if "learned" in args.only:
        feats = [s_words, s_char, s_lsa, s_second, s_shared]
        ids = np.where(tune)[0]
        block = np.ix_(ids, ids)
        pairs = np.triu(np.ones((len(ids), len(ids)), bool), 1)
        pairs &= (s_words[block] > 0) | (s_char[block] > 0.2)
        ii, jj = np.nonzero(pairs)
        pick = np.random.default_rng(0).choice(len(ii), min(len(ii), 2_000_000), replace=False)
        a, b = ids[ii[pick]], ids[jj[pick]]
        x = np.stack([f[a, b] for f in feats], 1)
        y = gold[a] == gold[b]
        print(f"training on {len(y)} tune-half pairs, {int(y.sum())} of one story", flush=True)
        model = HistGradientBoostingClassifier(max_iter=200, random_state=0).fit(x, y)
        n = len(rows)
        learned = np.zeros((n, n), np.float32)
        for start in range(0, n, 500):
            chunk = np.stack([f[start : start + 500].ravel() for f in feats], 1)
            learned[start : start + 500] = model.predict_proba(chunk)[:, 1].reshape(-1, n)
        learned = (learned + learned.T) / 2
        scan(learned, "learned, held half", ~tune)
        scan(learned, "learned, all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
