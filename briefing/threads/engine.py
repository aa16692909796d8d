"""The online thread engine: one item in, one decision out, state bounded by active threads."""

from __future__ import annotations

import heapq
import math
import re
import zlib
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate, chain, repeat
from operator import itemgetter, mul, truediv

from briefing.threads import text as tx
from briefing.threads.params import EngineParams


@dataclass(frozen=True, slots=True)
class Item:
    """One story as the engine sees it. `text` may be a summary or the full article."""

    id: str
    title: str
    text: str = ""
    published: datetime | None = None
    source: str = ""
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """Where an item went. `duplicate_of` is the first item of the copy group, if any."""

    item_id: str
    thread_id: int
    new_thread: bool
    duplicate_of: str | None
    score: float


# --------------------------------------------------------------------------------------------
# features


@dataclass(slots=True)
class _Features:
    words: dict[str, float]  # sublinear tf (title weighted), not yet idf-weighted
    names: dict[str, float]
    lang: str
    shingles: Sequence[int]  # CRC32s: a list, or a uint32 array from `prepare`
    sig: Sequence[int] | None = None  # MinHash signature (tuple or int64 array), on demand
    bands: list[int] | None = None  # its LSH band keys (`_bands(sig)`), computed on demand
    query: tuple[dict[str, float], dict[str, float]] = ({}, {})  # unit tf-idf (words, names)


Prepared = _Features  # what `prepare` returns: opaque to callers, picklable


def prepare(items: Sequence[Item], params: EngineParams | None = None) -> list[Prepared]:
    """The part of `ThreadEngine.assign` that needs no engine state (tokens, term counts,
    shingles, MinHash signature), for many items at once. Pure and picklable both ways, so
    a caller with spare cores runs it in a worker process while the engine assigns the
    previous batch (a cold fetch brings tens of thousands of items)."""
    p = params or EngineParams()
    out = []
    for item in items:
        f = _extract(item, p)
        if len(set(f.shingles)) >= p.dup_min_shingles:
            f.sig = array("q", _minhash(f.shingles))
        # arrays unpickle in one copy where lists of ints unpickle int by int (a third of
        # the engine's wait on a cold fetch); the LSH bands (ints too wide for an array)
        # are recomputed from the signature where they are needed
        f.shingles = array("I", f.shingles)
        out.append(f)
    return out


@dataclass(frozen=True, slots=True)
class PreparedBatch:
    """What `prepare_batch` returns for `ThreadEngine.assign_batch`: per-item features and
    the batch's groups (lists of indices). Opaque to callers, picklable."""

    features: list[Prepared]
    groups: list[list[int]]


def prepare_batch(items: Sequence[Item], params: EngineParams | None = None) -> PreparedBatch:
    """`prepare` for a whole batch, plus its grouping (`group_batch`): everything of
    `assign_batch` that needs no engine state, to run in a worker process."""
    p = params or EngineParams()
    feats = prepare(items, p)
    groups = group_batch(feats, [it.published for it in items], p) if p.batch_link else []
    return PreparedBatch(feats, groups)


def _sublinear(counts: Counter[str]) -> dict[str, float]:
    return {k: 1.0 + math.log(v) if v >= 1 else v for k, v in counts.items()}


def _extract(item: Item, p: EngineParams) -> _Features:
    title = item.title or ""
    body = (item.text or "")[: p.max_body_chars]
    fast_names = not (p.name_numbers or p.name_bigrams)
    title_parts = tx.token_parts(title)
    body_parts = tx.token_parts(body)
    title_toks = title_parts[1::2]
    body_toks = body_parts[1::2]
    words: Counter[str] = Counter()
    if p.bigram_weight or not _integral(p.title_weight, p.lead_weight):
        _word_loop(words, title_toks, body_toks, p)
    else:
        # same sums and the same key order (first occurrence) as the token loop, counted in
        # C: every weight is a whole number, so w * n is exactly the loop's n additions
        key = tx.word_key
        lead = p.lead_words
        for toks, w in (
            (title_toks, p.title_weight),
            (body_toks[:lead], p.lead_weight),
            (body_toks[lead:], 1.0),
        ):
            if toks:
                for k, n in Counter(map(key, toks)).items():
                    if k:
                        words[k] += w * n
    names: Counter[str] = Counter()
    head = title + " " + body[:300]
    lang = (item.lang or "").lower()[:2]
    # Azerbaijani writes case endings onto names (Bakıda, Rusiyanın): known names are found
    # under them
    azerbaijani = lang == "az" or (not lang and tx.is_azerbaijani(head))
    key_of = tx.az_name_key if azerbaijani else tx.name_key
    if title and not tx.is_title_case(title):
        for k in (
            tx.names_from_parts(title_parts, key_of)
            if fast_names
            else tx.name_tokens(title, numbers=p.name_numbers, bigrams=p.name_bigrams)
        ):
            names[k] += p.title_weight
    if body:
        body_names = (
            tx.names_from_parts(body_parts, key_of)
            if fast_names
            else tx.name_tokens(body, numbers=p.name_numbers, bigrams=p.name_bigrams)
        )
        for k, n in Counter(body_names).items():
            names[k] += float(n)
    georgian = tx.is_georgian(head)
    if georgian:
        # no capitals in Georgian: its names are the known ones and the surnames, found
        # whatever their ending (a given name before a surname marks it in the whole text)
        # (the title's last word does not stand before the body's first: a line between)
        keys = tx.georgian_names(
            [*title_toks, *body_toks], [*title_parts[0:-1:2], "\n", *body_parts[2:-1:2]]
        )
        for at, k in enumerate(keys):
            if k:
                names[k] += p.title_weight if at < len(title_toks) else 1.0
    if not lang:
        if georgian and tx.mostly_georgian(head):
            lang = "ka"
        elif tx.mostly_armenian(head):
            lang = "hy"
        elif tx.is_cyrillic(head):  # (a Russian report may quote a name with a schwa)
            lang = "ru"
        elif azerbaijani:  # Latin letters, but the schwa only Azerbaijani writes
            lang = "az"
        else:
            lang = "en"
    return _Features(_sublinear(words), _sublinear(names), lang, _shingles(title_toks, body_toks))


# a batch group of more members is placed by its first ones: its centroid hardly moves after
# them (`_group_view`), nor does the check that one would join a pinned thread alone
_GROUP_HEAD = 8


def _with_names(f: _Features, names: Mapping[str, float]) -> _Features:
    """`f` with these names (sublinear weights) where it has none of them."""
    if not names:
        return f
    return _Features(f.words, {**names, **f.names}, f.lang, f.shingles)


def _integral(*weights: float) -> bool:
    return all(float(w).is_integer() for w in weights)


def _word_loop(
    words: Counter[str], title_toks: list[str], body_toks: list[str], p: EngineParams
) -> None:
    """Word counts plus adjacent content-word pairs (`bigram_weight`), token by token."""
    bw = p.bigram_weight
    prev = None
    for t in title_toks:
        k = tx.word_key(t)
        if k:
            words[k] += p.title_weight
            if bw and prev:
                words[prev + " " + k] += p.title_weight * bw
        prev = k
    lead = p.lead_words
    prev = None
    for i, t in enumerate(body_toks):
        k = tx.word_key(t)
        if k:
            w = p.lead_weight if i < lead else 1.0
            words[k] += w
            if bw and prev:
                words[prev + " " + k] += w * bw
        prev = k


def _shingles(title_toks: list[str], body_toks: list[str]) -> list[int]:
    """CRC32 of every 3-token window ("a b c", lowercased) of the title and the body's first
    400 tokens, hashed from slices of one joined buffer (no string per window)."""
    low = list(map(str.encode, map(str.lower, chain(title_toks, body_toks[:400]))))
    n = len(low)
    if n < 3:
        return []
    buf = memoryview(b" ".join(low))
    offs = list(accumulate([len(t) + 1 for t in low], initial=0))  # token starts
    # window i..i+2 runs from the start of token i to the end of token i+2 (one space before
    # the start of token i+3)
    starts = offs[: n - 2]
    ends = [o - 1 for o in offs[3:]]
    return list(map(zlib.crc32, map(buf.__getitem__, map(slice, starts, ends))))


# MinHash by one-permutation hashing (Li, Owen & Zhang 2012) with rotation densification
# (Shrivastava & Li 2014): each shingle is hashed once, the hash picks one of 32 bins and the
# bin keeps its minimum; empty bins borrow from the next filled bin. One pass over the
# shingles instead of 32. LSH: 16 bands of 2 bins; a candidate is confirmed when the share of
# equal bins (the Jaccard estimate) reaches `dup_jaccard`.
_MH_BINS = 32
_MH_ROWS = 2
_EMPTY = 1 << 40
_EXACT_SHINGLES = 48  # texts this short keep their shingle set for an exact check


def _minhash(shingles: Sequence[int]) -> tuple[int, ...]:
    # the bin is the top 5 bits of the hash, so a bin's minimum is its first hash in order
    hs = [(h * 0x9E3779B1) & 0xFFFFFFFF for h in shingles]
    hs.sort()
    sig = [_EMPTY] * _MH_BINS
    n = len(hs)
    i = 0
    for b in range(_MH_BINS):
        i = bisect_left(hs, b << 27, i)
        if i < n and hs[i] >> 27 == b:
            sig[b] = hs[i] & 0x7FFFFFF
    for i in range(_MH_BINS):
        if sig[i] == _EMPTY:
            for j in range(1, _MH_BINS):
                v = sig[(i + j) % _MH_BINS]
                if v != _EMPTY and v < _EMPTY:
                    sig[i] = v + (j << 28)  # densified value, tagged by the borrowing offset
                    break
    return tuple(sig)


def _bands(sig: Sequence[int]) -> list[int]:
    """LSH band keys: (band number, its two bin values) packed into one int (every value is
    below 2**41), a third of the memory of a tuple per band."""
    r = _MH_ROWS
    return [(i << 82) | (sig[i * r] << 41) | sig[i * r + 1] for i in range(len(sig) // r)]


# --------------------------------------------------------------------------------------------
# state


@dataclass(slots=True)
class _Thread:
    id: int
    words: dict[str, float] = field(default_factory=dict)  # sum of doc-normalised tf
    names: dict[str, float] = field(default_factory=dict)
    size: int = 0
    langs: Counter[str] = field(default_factory=Counter)
    last_activity: datetime | None = None
    last_naive: datetime | None = None  # last_activity as naive UTC
    tick: int = 0  # engine step of the last join (recency when there are no dates)
    pinned: bool = False
    fixed_title: str | None = None
    facets: list[tuple[dict[str, float], dict[str, float]]] = field(default_factory=list)
    recent: deque[tuple[str, tuple[str, ...], array[float]]] = field(default_factory=deque)
    # pinned keywords: each phrase is a list of (word key, name key) per token
    keywords: list[list[tuple[str | None, str | None]]] = field(default_factory=list)
    dup_items: list[str] = field(default_factory=list)
    join_sum: float = 0.0  # sum / count of the scores with which items joined (cohesion)
    join_n: int = 0
    # idf-weighted centroid norms, cached; recomputed when the thread changes or the
    # collection has grown by 5% since `norm_at` (document count at computation)
    norm_words: float = 0.0
    norm_names: float = 0.0
    norm_at: int = -1


_SPACE = re.compile(r"\s+")
_Query = tuple[tuple[str, ...], tuple[float, ...], tuple[float, ...], tuple[float, ...]]


class ThreadEngine:
    """Online single-pass clustering of news items into threads (see package docstring)."""

    def __init__(
        self,
        params: EngineParams | None = None,
        next_thread_id: Callable[[], int] | None = None,
    ) -> None:
        self.params = params or EngineParams()
        self._next_id_fn = next_thread_id
        self._max_id = 0
        self._threads: dict[int, _Thread] = {}
        self._pinned: set[int] = set()
        self._post_w: dict[str, set[int]] = {}
        self._post_n: dict[str, set[int]] = {}
        self._df: dict[str, int] = {}
        self._ndocs = 0
        self._tick = 0
        # near-duplicate index: LSH band -> first item id in it;
        # item id -> (signature, thread id, root item id, exact shingle set for short texts)
        # (signatures are kept as int64 arrays: 300 bytes instead of 1.2 KB of int objects)
        self._dup_bands: dict[int, str] = {}
        self._dup_items: dict[str, tuple[array[int], int, str, array[int] | None]] = {}
        # the item being assigned: (published, as naive UTC), computed once, not per thread
        self._pub: tuple[datetime | None, datetime | None] = (None, None)
        # the pinned-thread shortcut in _decide returns a bound, not the score: only when
        # _decide is this class's own (a subclass may adjust the score it returns)
        self._may_bound = type(self)._decide is ThreadEngine._decide

    # ---- public API ---------------------------------------------------------------------

    def add_pinned(
        self, thread_id: int, title: str, text: str, keywords: Sequence[str] = ()
    ) -> None:
        """Create (or replace) a pinned thread defined by a seed text, its keywords, or both.

        The whole text is the thread's first story; each paragraph is also kept as a facet so
        that a report about any one strand of the story can match it. The keywords are its
        names and one more facet, so keywords alone (an empty text) define a thread too.
        Pinned threads are never forgotten and keep their title.
        """
        p = self.params
        self._drop_thread(thread_id)
        th = self._new_thread(thread_id)
        th.pinned = True
        self._pinned.add(thread_id)
        th.fixed_title = _one_line(title)
        for phrase in keywords:
            keys = [(tx.word_key(t), tx.name_key(t)) for t in tx.tokens(phrase)]
            keys = [k for k in keys if k[0] or k[1]]
            if keys:
                th.keywords.append(keys)
        kw = " ".join(keywords)
        # the keywords are the thread's names whatever their case: as a "title" of capitalised
        # words they read as a title-case headline, which gives no names (AZAL and Aktau were
        # in no vector of the seed thread, so a Russian report of the crash scored 0.02)
        weight = 1.0 + math.log(p.title_weight)
        kw_names = {n: weight for phrase in th.keywords for _w, n in phrase if n}
        seed = Item(id=f"pinned:{thread_id}", title=kw, text=text)
        f = _with_names(_extract(seed, p), kw_names)
        self._count_df(f)
        self._add_to_thread(th, f, title=th.fixed_title, published=None)
        paragraphs = [s for s in re.split(r"\n\s*\n|\n", text) if len(s.split()) >= 8]
        for para in paragraphs:
            pf = _extract(Item(id="", title=kw, text=para), p)
            th.facets.append((pf.words, pf.names))
        if kw:
            kf = _with_names(_extract(Item(id="", title=kw, text=""), p), kw_names)
            th.facets.append((kf.words, kf.names))

    def load_thread(
        self,
        thread_id: int,
        items: Sequence[Item],
        *,
        title: str | None = None,
        last_activity: datetime | None = None,
        roots: Mapping[str, str] | None = None,
        prepared: Sequence[Prepared] | None = None,
    ) -> None:
        """Hydrate a thread from the cache: `items` are its current members, as placed (also
        by the user); `roots` maps a member that is a copy to the story it is folded under,
        so a later copy folds under that story too, not under a copy. A given `title` is kept
        as the label (a user rename); without one the engine labels the thread itself.
        `prepared` is `prepare(items, params)` computed ahead (in a worker process, say): the
        same state, less work here. Calling it again for a thread replaces its state,
        except for a pinned thread, whose seed is kept and the items are added."""
        if prepared is not None and len(prepared) != len(items):
            raise ValueError(f"{len(prepared)} prepared features for {len(items)} items")
        th = self._threads.get(thread_id)
        if th is None or not th.pinned:
            self._drop_thread(thread_id)
            th = self._new_thread(thread_id)
        if title is not None:
            th.fixed_title = _one_line(title)
        for at, item in enumerate(items):
            f = prepared[at] if prepared is not None else _extract(item, self.params)
            self._count_df(f)
            if th.size and not th.pinned:  # rebuild the cohesion statistic as if assigned
                _, pw, _ = self._vector(f.words, "")
                qn, pn, _ = self._vector(f.names, "\x00")
                cw, cn = self._sims_prepped(th, pw, pn)
                short = _shortness(len(f.words), self.params)
                th.join_sum += self._combine(cw, cn, qn, th.names, f.lang, th, short)
                th.join_n += 1
            self._add_to_thread(th, f, title=_headline(item), published=item.published)
            self._register_dup(item.id, f, th, root=roots.get(item.id) if roots else None)
        if last_activity is not None:
            th.last_activity = last_activity
            th.last_naive = _naive_utc(last_activity)

    def assign(self, item: Item, prepared: Prepared | None = None) -> Decision:
        """Place one new item (call in publication order). Cost does not grow with the archive.

        `prepared` is `prepare([item], params)[0]` computed ahead, e.g. in another process,
        with this engine's params: the same decision, less work here."""
        p = self.params
        self._tick += 1
        f = prepared if prepared is not None else _extract(item, p)
        self._count_df(f)

        dup = self._find_dup(f)
        if dup is not None:
            root, thread_id, jac = dup
            th = self._threads[thread_id]
            self._add_to_thread(th, f, title=_headline(item), published=item.published)
            self._register_dup(item.id, f, th, root=root)
            return Decision(item.id, thread_id, False, root, round(jac, 4))

        qw, pw, norm_w = self._vector(f.words, "")
        qn, pn, norm_n = self._vector(f.names, "\x00")
        f.query = (qw, qn)
        best: _Thread | None = None
        best_score = 0.0
        best_margin = -1.0
        scored = []
        short = _shortness(len(f.words), p)
        ratio = p.candidate_ratio + short * (p.short_candidate_ratio - p.candidate_ratio)
        for th in self._candidates(qw, qn, ratio):
            cw, cn = self._sims_prepped(th, pw, pn)
            scored.append((cw, cn, th))
        self._pub = (item.published, _naive_utc(item.published) if item.published else None)
        for cw, cn, th in scored:
            score, need = self._decide(
                th,
                f,
                cw,
                cn,
                bool(qn),
                item.published,
                short=short,
                beat=best_margin if self._may_bound else None,
            )
            if score - need > best_margin:
                best, best_score, best_margin = th, score, score - need
        if best is not None and best_margin >= 0.0:
            best.join_sum += best_score
            best.join_n += 1
            self._add_to_thread(
                best, f, title=_headline(item), published=item.published,
                norms=(norm_w, norm_n), idf=(pw[2], pn[2]),
            )  # fmt: skip
            self._register_dup(item.id, f, best, root=None)
            return Decision(item.id, best.id, False, None, round(best_score, 4))

        th = self._new_thread(self._allocate_id())
        self._add_to_thread(
            th, f, title=_headline(item), published=item.published, norms=(norm_w, norm_n)
        )
        self._register_dup(item.id, f, th, root=None)
        self._evict_lru()
        return Decision(item.id, th.id, True, None, round(best_score, 4))

    def assign_batch(
        self,
        items: Sequence[Item],
        prepared: PreparedBatch | Sequence[Prepared | None] | None = None,
    ) -> list[Decision]:
        """Place a batch of new items together (call with batches in publication order).

        One pass per item decides as it arrives, so the first report of an event that has
        no thread yet can be taken by a look-alike thread, and its later reports follow it.
        A batch (the stories of one refresh, a chunk of `briefing cluster`'s input) is first
        grouped among itself by average linkage (`group_batch`, `batch_link`); then each
        group, in order of its first item, is placed as one: it joins the thread its members
        fit on the engine's usual bar, or opens a new thread. A full-text group joins a
        thread opened by another group of the same batch (the linkage kept them apart) only
        when it is a lone story (`batch_rejoin_size`) or a fragment beside a thread at
        least 1 / `batch_rejoin_ratio` times its size, and then it must clear the bar by
        `batch_rejoin_margin`; a headline group may (`batch_rejoin_short`): a bare headline
        says too little for the linkage alone. Copies of stories already placed follow them.

        The grouping needs nothing but the batch, so `prepare_batch` does it with the rest of
        the per-item work, in a worker if the caller has one; `prepared` is its result (or,
        as for `assign`, one `prepare` result or None per item). Decisions come back in input
        order."""
        p = self.params
        n = len(items)
        if isinstance(prepared, PreparedBatch):
            pre: Sequence[Prepared | None] = prepared.features
            groups: list[list[int]] | None = prepared.groups
        else:
            pre = prepared if prepared is not None else [None] * n
            groups = None
        if len(pre) != n:  # checked before any state changes: prepared for another batch
            raise ValueError(f"{len(pre)} prepared items for a batch of {n}")
        if not p.batch_link or n < 2:
            return [self.assign(it, pr) for it, pr in zip(items, pre, strict=True)]
        feats = [
            pr if pr is not None else _extract(it, p) for it, pr in zip(items, pre, strict=True)
        ]
        if groups is None:
            groups = group_batch(feats, [it.published for it in items], p)
        elif sorted(chain.from_iterable(groups)) != list(range(n)):
            # checked before any state changes: a prepared batch from another batch
            raise ValueError(f"the prepared grouping does not cover this batch of {n}")
        for f in feats:
            self._count_df(f)
        vecs: list[tuple[_Query, float, _Query, float, float]] = []
        idf_w = self._batch_idf((f.words for f in feats), "")
        idf_n = self._batch_idf((f.names for f in feats), "\x00")
        for f in feats:
            qw, pw, nw = self._vector(f.words, "", idf_w)
            qn, pn, nn = self._vector(f.names, "\x00", idf_n)
            f.query = (qw, qn)
            vecs.append((pw, nw, pn, nn, _shortness(len(f.words), p)))
        out: list[Decision | None] = [None] * n
        # copies of stories placed before this batch follow them, out of their groups; of
        # the rest, only a story that shares an LSH band with another of the batch can be a
        # copy of one written before it
        for i, f in enumerate(feats):
            dup = self._find_dup(f)  # (also computes the item's bands)
            if dup is not None:
                out[i] = self._commit(items[i], f, vecs[i], None, 0.0, dup=dup)
        bands = Counter(chain.from_iterable(f.bands or () for f in feats))
        maybe = [bool(f.bands) and any(bands[b] > 1 for b in f.bands) for f in feats]
        opened: set[int] = set()  # threads opened by this batch
        for group in groups:
            members = [i for i in group if out[i] is None]
            if not members:
                continue
            tid, score = self._place_group(
                [feats[i] for i in members], [vecs[i] for i in members],
                [items[i].published for i in members], opened,
            )  # fmt: skip
            for i in members:
                d = out[i] = self._commit(items[i], feats[i], vecs[i], tid, score, check=maybe[i])
                if d.new_thread:
                    opened.add(d.thread_id)
                tid = d.thread_id if tid is None and d.duplicate_of is None else tid
        self._evict_lru()
        return [d for d in out if d is not None]  # all n: the groups cover every index

    def _commit(
        self,
        item: Item,
        f: _Features,
        vec: tuple[_Query, float, _Query, float, float],
        thread_id: int | None,
        score: float,
        *,
        dup: tuple[str, int, float] | None = None,
        check: bool = False,
    ) -> Decision:
        """Write one batch item: into the thread of the story it copies (`dup`, or found now
        with `check`), else `thread_id`, else a new thread (`score`: the group's best score
        against the existing threads)."""
        self._tick += 1
        if check:
            dup = self._find_dup(f)
        if dup is not None:
            root, dup_thread, jac = dup
            th = self._threads[dup_thread]
            self._add_to_thread(th, f, title=_headline(item), published=item.published)
            self._register_dup(item.id, f, th, root=root)
            return Decision(item.id, dup_thread, False, root, round(jac, 4))
        pw, nw, pn, nn, short = vec
        th = self._threads.get(thread_id) if thread_id is not None else None
        new = th is None
        if th is None:
            th = self._new_thread(self._allocate_id())
        elif th.size:
            cw, cn = self._sims_prepped(th, pw, pn)
            score = self._combine(cw, cn, f.query[1], th.names, f.lang, th, short)
            th.join_sum += score
            th.join_n += 1
        self._add_to_thread(
            th, f, title=_headline(item), published=item.published,
            norms=(nw, nn), idf=(pw[2], pn[2]),
        )  # fmt: skip
        self._register_dup(item.id, f, th, root=None)
        return Decision(item.id, th.id, new, None, round(score, 4))

    def _place_group(
        self,
        feats: Sequence[_Features],
        vecs: Sequence[tuple[_Query, float, _Query, float, float]],
        published: Sequence[datetime | None],
        opened: set[int],
    ) -> tuple[int | None, float]:
        """(thread id, score) for a batch group, or (None, best score) for a new thread.
        One member decides exactly as `assign` would; a larger group is scored by its
        centroid (`_group_view`: one per language), with its members' mean shortness and its
        earliest date. Threads in `opened` (by this batch) are candidates only for a
        headline group (`batch_rejoin_short`), a lone story (`batch_rejoin_size`) or a group
        beside a thread 1 / `batch_rejoin_ratio` times its size; the last two need
        `batch_rejoin_margin` more score."""
        p = self.params
        # a group of one language is placed by one view of it; a group that mixes languages
        # (a Russian and an English report the linkage put together) by one view per
        # language, each thread taking the best of them: the centroid of the whole would
        # dilute each half's words with the other's, so that the pair could miss a thread
        # either report would join alone
        by_lang: dict[str, list[int]] = {}
        for i, g in enumerate(feats):
            by_lang.setdefault(g.lang, []).append(i)
        views = [self._group_view(feats, vecs, idx) for idx in by_lang.values()]
        short = sum(v[4] for v in vecs) / len(vecs)
        dated = [d for d in published if d is not None]
        pub = min(dated, key=_naive_utc) if dated else None
        self._pub = (pub, _naive_utc(pub) if pub else None)
        headline = short >= p.batch_rejoin_short
        lone = len(feats) <= p.batch_rejoin_size
        frag = len(feats) / p.batch_rejoin_ratio if p.batch_rejoin_ratio else math.inf
        candidates: dict[int, _Thread] = {}  # each view's, in order, once
        for v in views:
            for th in self._candidates(*v[0].query, v[4]):
                candidates.setdefault(th.id, th)
        best: _Thread | None = None
        best_score, best_margin = 0.0, -1.0
        for th in candidates.values():
            extra = 0.0
            if th.id in opened and not headline:
                if not lone and th.size < frag:
                    continue
                extra = p.batch_rejoin_margin
            check = th.pinned and len(feats) > 1 and p.pinned_members
            for f, pw, pn, v_short, _ratio in views:
                cw, cn = self._sims_prepped(th, pw, pn)
                score, need = self._decide(
                    th, f, cw, cn, bool(f.query[1]), pub, short=v_short,
                    beat=best_margin + extra if self._may_bound else None,
                )  # fmt: skip
                need += extra
                if score - need > best_margin:
                    if check and not self._a_member_joins(th, feats, vecs, pub, extra):
                        break  # (the same for every view)
                    check = False
                    best, best_score, best_margin = th, score, score - need
        if best is not None and best_margin >= 0.0:
            return best.id, best_score
        return None, best_score

    def _a_member_joins(
        self,
        th: _Thread,
        feats: Sequence[_Features],
        vecs: Sequence[tuple[_Query, float, _Query, float, float]],
        pub: datetime | None,
        extra: float,
    ) -> bool:
        """Whether one of a batch group's members (the first 8) would join the pinned thread
        `th` alone. A centroid of several stories scores higher against a broad,
        many-stranded seed than its members do: without this, four reports of Iran's
        president in Baku joined the seed thread as a group, though none would alone."""
        for i in range(min(len(feats), _GROUP_HEAD)):
            pw, _nw, pn, _nn, short = vecs[i]
            cw, cn = self._sims_prepped(th, pw, pn)
            score, need = self._decide(
                th, feats[i], cw, cn, bool(feats[i].query[1]), pub, short=short,
                beat=extra if self._may_bound else None,
            )  # fmt: skip
            if score - need >= extra:
                return True
        return False

    def _group_view(
        self,
        feats: Sequence[_Features],
        vecs: Sequence[tuple[_Query, float, _Query, float, float]],
        idx: Sequence[int],
    ) -> tuple[_Features, _Query, _Query, float, float]:
        """(features, word and name vectors, mean shortness, candidate ratio) of the members
        `idx` of a batch group: one member's own, or, for several, their centroid (members'
        unit vectors summed: the same vector as the tf-idf of their summed doc-normalised tf,
        `_add_to_thread`'s centroid, but from the vectors and idf already computed for them),
        from the first 8 only (a larger group's centroid hardly moves, and summing every
        member of a wire story's 200 copies costs more than placing them)."""
        p = self.params
        if len(idx) == 1:
            f = feats[idx[0]]
            pw, _, pn, _, short = vecs[idx[0]]
        else:
            head = [feats[i] for i in idx[:_GROUP_HEAD]]
            head_vecs = [vecs[i] for i in idx[:_GROUP_HEAD]]
            qw, pw = _centroid([g.query[0] for g in head], [v[0] for v in head_vecs])
            qn, pn = _centroid([g.query[1] for g in head], [v[2] for v in head_vecs])
            f = _Features(qw, qn, head[0].lang, [], query=(qw, qn))
            short = sum(vecs[i][4] for i in idx) / len(idx)
        ratio = p.candidate_ratio + short * (p.short_candidate_ratio - p.candidate_ratio)
        return f, pw, pn, short, ratio

    def label(self, thread_id: int) -> str:
        """A short readable title: the user's / pinned title, else the most central headline."""
        th = self._threads.get(thread_id)
        if th is None:
            return ""
        if th.fixed_title:
            return th.fixed_title
        best_title, best = "", -1.0
        for title, keys, vals in th.recent:
            s = sum(
                w * th.words.get(k, 0.0) * self._idf(k) for k, w in zip(keys, vals, strict=True)
            )
            if s > best and title.strip():
                best_title, best = title, s
        if best_title:
            return _shorten(_one_line(best_title), 90)
        top = sorted(th.names.items(), key=lambda kv: -kv[1])[:3]
        return ", ".join(k.capitalize() for k, _ in top) or f"Thread {thread_id}"

    def forget_dormant(self, now: datetime) -> None:
        """Drop the state of non-pinned threads quiet for longer than `params.forget_after`.

        A forgotten thread is never proposed again unless it is re-loaded with load_thread().
        Threads without any dated item are kept (their recency is bounded by
        `max_active_threads` instead)."""
        p = self.params
        limit = _naive_utc(now - p.forget_after)
        small_limit = _naive_utc(now - p.forget_small_after)
        for th in list(self._threads.values()):
            if th.pinned or th.last_activity is None:
                continue
            last = _naive_utc(th.last_activity)
            if last < limit or (last < small_limit and th.size < p.keep_min_stories):
                self._drop_thread(th.id)

    @property
    def active_threads(self) -> int:
        return len(self._threads)

    def thread_ids(self) -> list[int]:
        return list(self._threads)

    # ---- internals ----------------------------------------------------------------------

    def _allocate_id(self) -> int:
        if self._next_id_fn is not None:
            tid = int(self._next_id_fn())
            while tid in self._threads:  # never hand out an id that is live here
                tid = int(self._next_id_fn())
        else:
            tid = self._max_id + 1
        return tid

    def _new_thread(self, thread_id: int) -> _Thread:
        th = _Thread(id=thread_id, recent=deque(maxlen=self.params.label_pool))
        th.tick = self._tick
        self._threads[thread_id] = th
        self._max_id = max(self._max_id, thread_id)
        return th

    def _drop_thread(self, thread_id: int) -> None:
        th = self._threads.pop(thread_id, None)
        self._pinned.discard(thread_id)
        if th is None:
            return
        for k in th.words:
            s = self._post_w.get(k)
            if s is not None:
                s.discard(thread_id)
                if not s:
                    del self._post_w[k]
        for k in th.names:
            s = self._post_n.get(k)
            if s is not None:
                s.discard(thread_id)
                if not s:
                    del self._post_n[k]
        for iid in th.dup_items:
            entry = self._dup_items.get(iid)
            if entry is not None and entry[1] == thread_id:
                del self._dup_items[iid]
                for band in _bands(entry[0]):
                    if self._dup_bands.get(band) == iid:
                        del self._dup_bands[band]

    def _evict_lru(self) -> None:
        cap = self.params.max_active_threads
        if len(self._threads) <= cap:
            return
        extra = len(self._threads) - cap + cap // 10  # in batches, not one sort per item
        victims = sorted(
            (th for th in self._threads.values() if not th.pinned), key=lambda t: t.tick
        )
        for th in victims[:extra]:
            self._drop_thread(th.id)

    def _count_df(self, f: _Features) -> None:
        self._ndocs += 1
        df = self._df
        for k in f.words:
            df[k] = df.get(k, 0) + 1
        for k in f.names:
            k = "\x00" + k
            df[k] = df.get(k, 0) + 1

    def _batch_idf(self, tfs: Iterable[dict[str, float]], prefix: str) -> dict[str, float]:
        """The idf of every key of `tfs` at the current counts, each computed once (a
        batch's items share most of their terms)."""
        n1 = self._ndocs + 1
        df = self._df
        log = math.log
        keys = set().union(*tfs)
        return {k: log(n1 / (df.get(prefix + k, 0) + 1)) + 1.0 for k in keys}

    def _idf(self, key: str) -> float:
        return math.log((self._ndocs + 1) / (self._df.get(key, 0) + 1)) + 1.0

    def _add_to_thread(
        self,
        th: _Thread,
        f: _Features,
        *,
        title: str,
        published: datetime | None,
        norms: tuple[float, float] | None = None,
        idf: tuple[Sequence[float], Sequence[float]] | None = None,
    ) -> None:
        """`norms`: the item's tf-idf norms (words, names) when the caller has them from the
        current document counts; `idf`: the current idf of each of its word and name keys.
        With both, a thread whose centroid norms are cached keeps them up to date here
        (the squared norm changes only on the item's terms) instead of recomputing them over
        the whole centroid at its next scoring; the 5% rule in `_norms` still recomputes."""
        p = self.params
        # store idf-free contributions: tf / |doc| (doc norm at insertion time)
        if norms is None:
            nw = _norm(self._weigh_key(f.words, ""))
            nn = _norm(self._weigh_key(f.names, "\x00"))
        else:
            nw, nn = norms
        inc = idf is not None and norms is not None and th.norm_at >= 0
        sw = th.norm_words * th.norm_words
        sn = th.norm_names * th.norm_names
        post_w, post_n = self._post_w, self._post_n
        words, names = th.words, th.names
        idf_w, idf_n = idf if inc and idf is not None else (repeat(1.0), repeat(1.0))
        for k, v, i in zip(f.words, f.words.values(), idf_w, strict=False):
            old = words.get(k)
            if old is None:
                old = 0.0
                post_w.setdefault(k, set()).add(th.id)
            new = words[k] = old + (v / nw if nw else 0.0)
            sw += (new * new - old * old) * i * i
        for k, v, i in zip(f.names, f.names.values(), idf_n, strict=False):
            old = names.get(k)
            if old is None:
                old = 0.0
                post_n.setdefault(k, set()).add(th.id)
            new = names[k] = old + (v / nn if nn else 0.0)
            sn += (new * new - old * old) * i * i
        th.size += 1
        th.langs[f.lang] += 1
        th.tick = self._tick
        if published is not None:
            naive = _naive_utc(published)
            if th.last_naive is None or naive > th.last_naive:
                th.last_activity = published
                th.last_naive = naive
        if title:
            # (keys, float array) instead of a dict: a quarter of the memory, same values
            th.recent.append(
                (title, tuple(f.words), array("d", [v / nw for v in f.words.values()]))
                if nw
                else (title, (), array("d"))
            )
        if inc and len(th.words) <= 2 * p.centroid_terms:
            th.norm_words = math.sqrt(max(sw, 0.0))
            th.norm_names = math.sqrt(max(sn, 0.0))
        else:
            th.norm_at = -1  # recomputed at the next scoring
        if len(th.words) > 2 * p.centroid_terms:
            self._prune(th)

    def _weigh_key(self, tf: dict[str, float], prefix: str) -> dict[str, float]:
        n1 = self._ndocs + 1
        df = self._df
        return {k: v * (math.log(n1 / (df.get(prefix + k, 0) + 1)) + 1.0) for k, v in tf.items()}

    def _prune(self, th: _Thread) -> None:
        keep = sorted(th.words.items(), key=lambda kv: -kv[1] * self._idf(kv[0]))
        for k, _ in keep[self.params.centroid_terms :]:
            s = self._post_w.get(k)
            if s is not None:
                s.discard(th.id)
                if not s:
                    del self._post_w[k]
        th.words = dict(keep[: self.params.centroid_terms])

    def _norms(self, th: _Thread) -> tuple[float, float]:
        # recompute when the thread changed or the collection grew by 5% since
        if th.norm_at < 0 or self._ndocs > th.norm_at * 1.05 + 1:
            n1 = self._ndocs + 1
            df = self._df
            sw = 0.0
            for k, v in th.words.items():
                w = v * (math.log(n1 / (df.get(k, 0) + 1)) + 1.0)
                sw += w * w
            sn = 0.0
            for k, v in th.names.items():
                w = v * (math.log(n1 / (df.get("\x00" + k, 0) + 1)) + 1.0)
                sn += w * w
            th.norm_words = math.sqrt(sw)
            th.norm_names = math.sqrt(sn)
            th.norm_at = self._ndocs
        return th.norm_words, th.norm_names

    def _candidates(
        self, qw: dict[str, float], qn: dict[str, float], ratio: float = 0.0
    ) -> list[_Thread]:
        """Threads to score exactly: those sharing the item's top terms, ranked by the summed
        weight of the shared terms, at most `max_candidates`, and (with `ratio`) only those
        reaching `ratio` x the best one's sum; pinned threads always."""
        p = self.params
        acc: dict[int, float] = {}
        # a term shared by most active threads says nothing about which one an item belongs
        # to: it proposes no candidates (it still counts in the exact score)
        limit = min(p.max_postings, max(p.common_floor, p.common_share * len(self._threads)))
        for q, post in ((qw, self._post_w), (qn, self._post_n)):
            # highest weights first, ties in insertion order (sort is stable, also reversed)
            top = sorted(q.items(), key=itemgetter(1), reverse=True)[: p.query_terms]
            for k, w in top:
                s = post.get(k)
                if not s or len(s) > limit:
                    continue
                for tid in s:
                    acc[tid] = acc.get(tid, 0.0) + w
        ranked = sorted(acc, key=acc.__getitem__, reverse=True)[: p.max_candidates]
        if ratio and ranked:
            floor = ratio * acc[ranked[0]]
            ranked = [tid for tid in ranked if acc[tid] >= floor]
        ranked.extend(tid for tid in self._pinned if tid not in ranked)  # always considered
        return [self._threads[tid] for tid in ranked]

    def _vector(
        self, tf: dict[str, float], prefix: str, idf_of: dict[str, float] | None = None
    ) -> tuple[dict[str, float], _Query, float]:
        """An item's tf-idf vector at the current document counts, three ways: as a unit
        dict, as parallel tuples for `_sims_prepped` (keys, unit weight x idf, idf, zeros for
        absent terms), and its norm before scaling (the same value as
        `_norm(_weigh_key(tf))`). Each idf is computed once per item, not per thread;
        `idf_of`: the idf of every key at the current counts (`_batch_idf`), if at hand."""
        keys = tuple(tf)
        if idf_of is not None:
            idf = tuple(map(idf_of.__getitem__, keys))
        else:
            n1 = self._ndocs + 1
            df = self._df
            log = math.log
            idf = tuple([log(n1 / (df.get(prefix + k, 0) + 1)) + 1.0 for k in keys])
        raw = list(map(mul, tf.values(), idf))
        norm = math.sqrt(sum(map(mul, raw, raw)))
        unit = tuple(map(truediv, raw, repeat(norm))) if norm else tuple(raw)
        prepped = (keys, tuple(map(mul, unit, idf)), idf, (0.0,) * len(keys))
        return dict(zip(keys, unit, strict=True)), prepped, norm

    def _sims_prepped(self, th: _Thread, pw: _Query, pn: _Query) -> tuple[float, float]:
        # sum over the query terms of (weight x idf) x centroid value, in query order (an
        # absent term adds an exact 0.0); the lookups and products run in C (map): this is
        # most of the engine's time
        if th.norm_at < 0 or self._ndocs > th.norm_at * 1.05 + 1:
            self._norms(th)
        nw, nn = th.norm_words, th.norm_names
        cw = 0.0
        if nw and pw[0]:
            cw = sum(map(mul, pw[1], map(th.words.get, pw[0], pw[3]))) / nw
        cn = 0.0
        if nn and pn[0]:
            cn = sum(map(mul, pn[1], map(th.names.get, pn[0], pn[3]))) / nn
        return cw, cn

    def _decide(
        self,
        th: _Thread,
        f: _Features,
        cw: float,
        cn: float,
        item_has_names: bool,
        published: datetime | None,
        *,
        short: float | None = None,
        beat: float | None = None,
    ) -> tuple[float, float]:
        """(similarity, threshold it must reach) for an item against one thread.

        `short` is the item's `_shortness` when the caller has it. With `beat` (the best
        margin so far) a pinned thread whose margin cannot exceed it is not scored against
        its seed strands: the margin returned is then a bound, still not above `beat`."""
        p = self.params
        if short is None:
            short = _shortness(len(f.words), p)
        names = f.query[1] if item_has_names else {}
        score = self._combine(cw, cn, names, th.names, f.lang, th, short)
        need_pinned = p.pinned_threshold
        if th.pinned and th.keywords and _mentions(f, th.keywords):
            need_pinned = p.pinned_keyword_threshold
        if th.facets and beat is not None:
            # every strand score is a combination of cosines (<= 1), so the geometric mean
            # below is at most sqrt(score); the slack covers rounding
            bound = math.sqrt(max(score, 0.0) * max(1.0 + 1e-6, score)) + 1e-9
            if bound - need_pinned < beat:
                return bound, need_pinned
        if th.facets:
            # a pinned thread: the item must fit the seed as a whole *and* one of its strands
            # (geometric mean), so a story that shares only the backdrop (Karabakh, Aliyev)
            # stays out while a report on one strand (the Sputnik raid) gets in
            qw, qn = f.query
            best = 0.0
            for fw, fn in th.facets:
                fcw = _cos(qw, self._weigh_key(fw, ""))
                fcn = _cos(qn, self._weigh_key(fn, "\x00"))
                fs = self._combine(fcw, fcn, names, fn, f.lang, th, short)
                best = max(best, fs)
            score = math.sqrt(max(score, 0.0) * max(best, score))
        if th.pinned:
            need = need_pinned
        else:
            need = p.threshold + short * (p.short_threshold - p.threshold)
            if p.size_slope:
                need += p.size_slope * (1.0 - 1.0 / math.sqrt(th.size))
            cohesion = p.cohesion + short * (p.short_cohesion - p.cohesion)
            if cohesion and th.join_n >= p.cohesion_min_joins:
                need = max(need, cohesion * th.join_sum / th.join_n)
        if published is not None and th.last_activity is not None and not th.pinned:
            pub, naive = self._pub
            gap = (naive if pub is published else _naive_utc(published)) - th.last_naive
            if gap > timedelta(0):
                need += p.time_penalty * min(1.0, gap / p.time_scale)
        return score, need

    def _combine(
        self,
        cw: float,
        cn: float,
        names: Mapping[str, float],
        other: Mapping[str, float],
        lang: str,
        th: _Thread,
        short: float = 0.0,
    ) -> float:
        """The score of an item (its `names`) against a thread or one of its seed strands
        (`other`: its names), from their word and names cosines; names carry the match
        across languages when they share enough of them (`_names_carry`)."""
        p = self.params
        if names and other:
            nw = p.names_weight + short * (p.short_names_weight - p.names_weight)
            same = (1.0 - nw) * cw + nw * cn
        else:
            same = cw
        share = th.langs.get(lang, 0) / th.size if th.size else 1.0
        if share >= 1.0:
            return same
        if not cn or not _names_carry(names, other, p.cross_names):
            # one shared country name ("Azerbaijan", in most stories of this region) is no
            # evidence of one event: a Russian report on petrol prices joined an English
            # thread on the Gabala border talks
            return same
        cross = min(1.0, p.cross_words_weight * cw + p.cross_names_weight * cn)
        return share * same + (1.0 - share) * max(same, cross)

    # ---- near-duplicates ------------------------------------------------------------------

    def _find_dup(self, f: _Features) -> tuple[str, int, float] | None:
        if f.sig is None:
            if len(set(f.shingles)) < self.params.dup_min_shingles:
                return None
            f.sig = _minhash(f.shingles)
        sig = f.sig
        seen: set[str] = set()
        if f.bands is None:
            f.bands = _bands(sig)
        for band in f.bands:
            iid = self._dup_bands.get(band)
            if iid is None or iid in seen:
                continue
            seen.add(iid)
            entry = self._dup_items.get(iid)
            if entry is None:
                continue
            other, thread_id, root, exact = entry
            if exact is not None and len(f.shingles) <= _EXACT_SHINGLES:
                # short texts: the 32-bin estimate is coarse, the exact Jaccard is cheap
                mine = set(f.shingles)
                inter = len(mine.intersection(exact))
                jac = inter / (len(mine) + len(exact) - inter)
            else:
                jac = sum(1 for a, b in zip(sig, other, strict=True) if a == b) / len(sig)
            if jac >= self.params.dup_jaccard and thread_id in self._threads:
                return root, thread_id, jac
        return None

    def _register_dup(self, item_id: str, f: _Features, th: _Thread, root: str | None) -> None:
        sig = f.sig
        if sig is None:
            if len(set(f.shingles)) < self.params.dup_min_shingles:
                return
            sig = f.sig = _minhash(f.shingles)
        # the distinct shingles of a short text, as a uint32 array (a frozenset costs 10x)
        exact = array("I", set(f.shingles)) if len(f.shingles) <= _EXACT_SHINGLES else None
        self._dup_items[item_id] = (array("q", sig), th.id, root or item_id, exact)
        th.dup_items.append(item_id)
        for band in f.bands if f.bands is not None else _bands(sig):
            self._dup_bands.setdefault(band, item_id)


def _mentions(f: _Features, keywords: list[list[tuple[str | None, str | None]]]) -> bool:
    """True when every token of some keyword phrase occurs in the item (as word or name)."""
    for phrase in keywords:
        if all((w and w in f.words) or (n and n in f.names) for w, n in phrase):
            return True
    return False


def _names_carry(names: Iterable[str], other: Mapping[str, float], backdrop_only: int) -> bool:
    """Whether shared names may carry a match across languages: one shared name that is not
    a backdrop country or capital (Makhachkala, Safarov, Gabala), or `backdrop_only` shared
    names of any kind (Armenia and Azerbaijan)."""
    backdrop = tx.backdrop_name_keys()
    shared = 0
    for k in names:
        if k in other:
            if k not in backdrop:
                return True
            shared += 1
    return shared >= backdrop_only


def group_batch(
    feats: Sequence[_Features], published: Sequence[datetime | None], p: EngineParams
) -> list[list[int]]:
    """Average-linkage groups of a batch (lists of indices, each in input order, groups by
    their first item), from the batch alone: tf-idf with the batch's own document counts,
    so that it runs with `prepare_batch`, in a worker, before the engine sees the batch."""
    n = len(feats)
    dfw: Counter[str] = Counter()
    dfn: Counter[str] = Counter()
    for f in feats:
        dfw.update(f.words.keys())  # documents, not term weights
        dfn.update(f.names.keys())
    # as if the batch came with `batch_idf_prior` more documents that share none of its
    # terms: a small batch (one refresh) gets an even idf instead of one that punishes the
    # very words its stories share
    top = n + 1 + p.batch_idf_prior
    log = math.log
    idfw = {k: log(top / (c + 1)) + 1.0 for k, c in dfw.items()}
    idfn = {k: log(top / (c + 1)) + 1.0 for k, c in dfn.items()}
    queries = []
    for f in feats:
        q = []
        for tf, idf in ((f.words, idfw), (f.names, idfn)):
            raw = list(map(mul, tf.values(), map(idf.__getitem__, tf)))
            norm = math.sqrt(sum(map(mul, raw, raw)))
            q.append(dict(zip(tf, [x / norm for x in raw], strict=True)) if norm else {})
        queries.append((q[0], q[1]))
    shorts = [_shortness(len(f.words), p) for f in feats]
    naive = [_naive_utc(d) if d else None for d in published]
    return _group_vectors(queries, shorts, [f.lang for f in feats], naive, range(n), p)


def _group_vectors(
    queries: Sequence[tuple[dict[str, float], dict[str, float]]],
    shorts: Sequence[float],
    langs: Sequence[str],
    naive: Sequence[datetime | None],
    members: Sequence[int],
    p: EngineParams,
) -> list[list[int]]:
    """Average-linkage groups of the items `members` (each group in input order, groups by
    their first item), from their unit tf-idf vectors (words, names). Pairs are scored like
    an item against a one-item thread (`_combine`: words and names, across languages), less
    the time penalty for the gap between them. Only pairs that share some of their top
    terms are scored (full text: `batch_shared_terms` of them, headlines one); the others
    count as 0. Two groups merge while their mean pair score reaches `batch_link`
    (headlines: `short_batch_link`, by the members' mean shortness)."""
    post: defaultdict[str, list[int]] = defaultdict(list)
    tops: dict[int, list[str]] = {}
    top_n = p.query_terms
    for i in members:
        qw, qn = queries[i]
        mine = tops[i] = sorted(qw, key=qw.__getitem__, reverse=True)[:top_n]
        mine += ["\x00" + k for k in sorted(qn, key=qn.__getitem__, reverse=True)[:top_n]]
        for key in mine:
            post[key].append(i)
    limit = max(p.common_floor, len(members) // 4)
    nb: dict[int, dict[int, float]] = {i: {} for i in members}
    epoch = datetime(1970, 1, 1)
    secs = {i: (naive[i] - epoch).total_seconds() if naive[i] else None for i in members}
    scale = p.time_scale.total_seconds()
    pen = p.time_penalty
    nw0, nw1 = p.names_weight, p.short_names_weight - p.names_weight
    xw, xn = p.cross_words_weight, p.cross_names_weight
    cross_names = p.cross_names
    for i in members:
        qwi, qni = queries[i]
        si, lang, ti = shorts[i], langs[i], secs[i]
        wk, wv = tuple(qwi), tuple(qwi.values())
        wz = (0.0,) * len(wk)
        # earlier items sharing i's top terms (postings are in member order); of a term
        # many share, only the `limit` latest: a batch that is mostly one event still
        # scores its pairs, at a bounded cost
        shared = Counter(
            chain.from_iterable(
                ids[max(0, k - limit) : k]
                for key in tops[i]
                if (k := bisect_left(ids := post[key], i))
            )
        )
        need = 1 if si >= 0.5 else p.batch_shared_terms
        seen = [j for j, c in shared.items() if c >= need]
        if not seen:
            continue
        cws = [sum(map(mul, wv, map(queries[j][0].get, wk, wz))) for j in seen]
        nbi = nb[i]
        if qni:
            nk, nv = tuple(qni), tuple(qni.values())
            nz = (0.0,) * len(nk)
        for j, cw in zip(seen, cws, strict=True):
            qnj = queries[j][1]
            if qni and qnj:
                cn = sum(map(mul, nv, map(qnj.get, nk, nz)))
                w = nw0 + (si + shorts[j]) * 0.5 * nw1
                sc = (1.0 - w) * cw + w * cn
            else:
                cn = 0.0
                sc = cw
            # across languages names carry the match, but one shared country name
            # ("Azerbaijan", in nearly every story here) is no evidence of one event: a
            # Russian report of the Safarov burial paired with an English one on the Gabala
            # border talks and pulled it out of the seed thread
            if langs[j] != lang and cn and _names_carry(nk, qnj, cross_names):
                sc = max(sc, min(1.0, xw * cw + xn * cn))
            tj = secs[j]
            if ti is not None and tj is not None:
                sc -= pen * min(1.0, abs(ti - tj) / scale)
            if sc > 0.0:
                nbi[j] = sc
                nb[j][i] = sc
    return _upgma(nb, {i: shorts[i] for i in members}, p)


def _upgma(
    nb: dict[int, dict[int, float]], shortsum: dict[int, float], p: EngineParams
) -> list[list[int]]:
    """Average linkage over the scored pairs `nb` (symmetric; missing pairs count as 0)."""
    members = list(nb)
    size = dict.fromkeys(members, 1)
    link, short_link = p.batch_link, p.short_batch_link

    def margin(a: int, b: int, total: float) -> float:
        na, nb_ = size[a], size[b]
        short = (shortsum[a] + shortsum[b]) / (na + nb_)
        return total / (na * nb_) - (link + short * (short_link - link))

    heap = []
    lowest = min(link, short_link)
    for i in members:
        for j, s in nb[i].items():
            if j < i and s >= lowest and (m := margin(j, i, s)) >= 0.0:
                heap.append((-m, j, i))
    heapq.heapify(heap)
    parent = {i: i for i in members}
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in size or b not in size:
            continue
        total = nb[a].get(b)
        if total is None or abs(margin(a, b, total) + neg) > 1e-12:
            continue  # stale
        # merge b into a (a is the smaller index: the group keeps its first item)
        for c, s in nb.pop(b).items():
            if c == a:
                continue
            nb[a][c] = nb[a].get(c, 0.0) + s
            del nb[c][b]
            nb[c][a] = nb[a][c]
        nb[a].pop(b, None)
        size[a] += size.pop(b)
        shortsum[a] += shortsum.pop(b)
        parent[b] = a
        for c, s in nb[a].items():
            if (m := margin(a, c, s)) >= 0.0:
                heapq.heappush(heap, (-m, min(a, c), max(a, c)))
    groups: dict[int, list[int]] = {}
    for i in members:
        r = i
        while parent[r] != r:
            r = parent[r]
        groups.setdefault(r, []).append(i)
    return [groups[r] for r in sorted(groups)]


def _centroid(units: Sequence[dict[str, float]], preps: Sequence[_Query]) -> tuple[
    dict[str, float], _Query
]:  # fmt: skip
    """The normalised sum of unit vectors, as a unit dict and as a `_Query` (the idf of each
    key taken from the members' queries: one document count for the whole batch)."""
    acc: dict[str, float] = {}
    idf: dict[str, float] = {}
    for u, q in zip(units, preps, strict=True):
        get = acc.get
        for k, v in u.items():
            acc[k] = get(k, 0.0) + v
        idf.update(zip(q[0], q[2], strict=True))
    vals = list(acc.values())
    norm = math.sqrt(sum(map(mul, vals, vals)))
    if not norm:
        return {}, ((), (), (), ())
    keys = tuple(acc)
    unit = tuple(map(truediv, vals, repeat(norm)))
    idfs = tuple(map(idf.__getitem__, keys))
    return dict(zip(keys, unit, strict=True)), (
        keys, tuple(map(mul, unit, idfs)), idfs, (0.0,) * len(keys)
    )  # fmt: skip


def _shortness(n_terms: int, p: EngineParams) -> float:
    """0 for a full article, 1 for a bare headline, log-linear in between."""
    if n_terms <= p.short_terms:
        return 1.0
    if n_terms >= p.long_terms:
        return 0.0
    return math.log(p.long_terms / n_terms) / math.log(p.long_terms / p.short_terms)


def _norm(v: dict[str, float]) -> float:
    return math.sqrt(sum(x * x for x in v.values()))


def _cos(query: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of a unit-length `query` with any vector `b`."""
    if not query or not b:
        return 0.0
    dot = sum(v * b.get(k, 0.0) for k, v in query.items())
    nb = _norm(b)
    return dot / nb if nb else 0.0


def _naive_utc(d: datetime) -> datetime:
    if d.tzinfo is None:
        return d
    off = d.utcoffset()
    return d.replace(tzinfo=None) - (off or timedelta(0))


def _headline(item: Item) -> str:
    """What stands for an item in its thread's label: its title, or for an item without one
    (JSON input may have none) the first sentence of its text, so that a label is words a
    reader wrote, not the engine's name keys."""
    if item.title.strip():
        return item.title
    from briefing.sanitize import lead_sentence

    return lead_sentence(item.text)


def _one_line(s: str) -> str:
    from briefing.sanitize import clean_line

    return clean_line(s)


def _shorten(s: str, limit: int) -> str:
    s = _SPACE.sub(" ", s).strip()
    if len(s) <= limit:
        return s
    cut = s[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-–") + "…"
