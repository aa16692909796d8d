"""Crisis threads: group news items from many outlets into threads, online, a batch at a time.

Pure: no SQL, no Textual, no I/O, standard library only. The caller (refresh pipeline,
`briefing cluster`) owns persistence and feeds the engine in publication order.

Public API
----------
``Item(id, title, text="", published=None, source="", lang=None)``
    One story (frozen). ``text`` is the summary or the extracted article; ``lang`` is an
    ISO code if known (else the script is detected: Cyrillic -> "ru", otherwise "en").

``Decision(item_id, thread_id, new_thread, duplicate_of, score)``
    Where an item went (frozen). ``duplicate_of`` is the id of the *first* item of its copy
    group when the item is a near-copy (wire story republished by APA, Trend, Report.az...);
    the copy then joins that item's thread. ``score`` is the similarity behind the decision
    (the estimated shingle Jaccard for a copy).

``EngineParams``
    Frozen dataclass with every weight and threshold, each documented with where its value
    came from (tuned on which split, or a stated prior). See ``params.py``.

``ThreadEngine(params=None, next_thread_id=None)``
    ``next_thread_id`` allocates ids for new threads (the store's sequence); by default the
    engine counts up from the highest id it has seen. Methods:

    - ``add_pinned(thread_id, title, text, keywords=())``: a seed / pinned thread. The text is
      its first story, each paragraph is also a "facet" (one strand of the crisis), keyword
      phrases lower its bar for items that mention them. Never forgotten; keeps its title.
    - ``load_thread(thread_id, items, *, title=None, last_activity=None)``: hydrate a thread
      from the cache with its current members, including items the user moved there; a
      ``title`` is kept as the label (user rename). Copies of those items follow them.
    - ``assign(item, prepared=None) -> Decision``: place one new item. Cost is bounded by the
      active threads that share its rarest terms (inverted index), not by the archive.
    - ``assign_batch(items, prepared=None) -> list[Decision]``: place a batch (one refresh, a
      chunk of a first fetch or of ``briefing cluster``'s input): the batch is grouped among
      itself by average linkage first, then each group is placed as one (step 6 below).
      Cost: the batch's own pairs through their top terms, plus one placement per group.
    - ``label(thread_id) -> str``: short readable title: the fixed (user / pinned) title, else
      the member headline closest to the thread centroid (an untitled item stands in with the
      first sentence of its text), else its top names.
    - ``forget_dormant(now)``: drop the state of threads quiet for ``params.forget_after``,
      so memory is bounded by the active threads (plus ``max_active_threads`` for undated
      streams). ``active_threads`` and ``thread_ids()`` report what is held.

``prepare(items, params=None) -> list``
    The per-item work that needs no engine state (tokens, term counts, shingles, MinHash),
    pure and picklable: the fetch pipeline runs it in its process pool ahead of ``assign``.

How a decision is made
----------------------
1. Features (``text.py``): TF-IDF over title (weighted) + body with sublinear tf, English,
   Russian and Georgian stop words and light stemming (Armenian too); a separate *names*
   vector of capitalised tokens folded across scripts (Алиев/Aliyev, Баку/Baku,
   Ереван/Yerevan, Карабах/Karabakh).
   Document frequencies are learnt online from the stream.
2. Near-duplicate check: MinHash (32 bins, 16 LSH bands of 2) over word 3-shingles.
3. Candidates: threads sharing the item's top terms in an inverted index (a term found in
   most active threads proposes none), ranked by the summed weight of the shared terms; at
   most ``max_candidates``, and only those within ``candidate_ratio`` of the best one, are
   scored exactly, plus pinned threads.
4. Score = (1 - w) * words cosine + w * names cosine against the thread centroid; for an item
   in a language the thread lacks, the names cosine carries the match. Pinned threads also
   require a fit with one seed paragraph (geometric mean of whole-seed and best-strand fit).
5. Join the thread with the largest margin over its bar; else open a new thread. The bar:
   ``threshold`` (lower for bare headlines, ``short_threshold``), raised for threads quiet
   for a while (time penalty) and, for tight threads, to ``cohesion`` x their mean join score.
6. In a batch, steps 3-5 run once per group, with the group's centroid: pairs of batch items
   are scored as in step 4 (less the time penalty for their gap), and groups merge while
   their mean pair score reaches ``batch_link`` (``short_batch_link`` for headlines). A
   full-text group joins a thread opened by another group of its batch only when it is a
   lone story or a fragment beside a thread five times its size, and with a margin; a
   headline group may. Copies (step 2) still follow their first item.
"""

from briefing.threads.engine import (
    Decision,
    Item,
    PreparedBatch,
    ThreadEngine,
    group_batch,
    prepare,
    prepare_batch,
)
from briefing.threads.params import EngineParams

__all__ = [
    "Decision",
    "EngineParams",
    "Item",
    "PreparedBatch",
    "ThreadEngine",
    "group_batch",
    "prepare",
    "prepare_batch",
]
