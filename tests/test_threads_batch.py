"""`ThreadEngine.assign_batch`: the stories of one batch are grouped among themselves first,
then each group joins an existing thread or opens one (pure, no I/O)."""

from __future__ import annotations

import dataclasses
import itertools
import pickle

from test_threads_engine import (
    PASHINYAN_EN,
    PROTEST_EN,
    QUAKE_A,
    QUAKE_B,
    SEED_JOINS,
    item,
    seeded,  # noqa: F401  (fixture)
)

from briefing.threads import EngineParams, Item, PreparedBatch, ThreadEngine, prepare_batch

# Two rehab stays of two actresses: the same words, different people. The first report of
# the second one is vague ("an actress"), so alone it fits the first thread better than any.
REHAB_A = [
    item(
        "ra1",
        "Tara Reid checks into rehab at Promises Treatment Center in Malibu",
        "Actress Tara Reid has checked into the Promises Treatment Center in Malibu, her "
        "representative said on Monday. Reid, 32, star of American Pie, asked for privacy. "
        "Promises has treated many Hollywood stars for alcohol and drug problems.",
    ),
    item(
        "ra2",
        "Tara Reid enters Promises rehab, publicist confirms",
        "Tara Reid entered the Promises rehab center in Malibu this week, her publicist "
        "confirmed. The American Pie actress has struggled with alcohol, friends said.",
        hours=3,
    ),
]
REHAB_B = [
    item(
        "rb1",
        "Actress checks into rehab, representative says",
        "A Hollywood actress has checked into a rehab treatment center, her representative "
        "said on Monday, asking for privacy. Lindsay Lohan was ordered by a Los Angeles judge "
        "to enter 90 days of treatment for a probation violation.",
        hours=30,
    ),
    item(
        "rb2",
        "Lindsay Lohan enters Betty Ford Center under court order",
        "Lindsay Lohan arrived at the Betty Ford Center in Rancho Mirage on Thursday, as "
        "ordered by a Los Angeles judge after her probation violation. Lohan, 26, faces 90 "
        "days of treatment at Betty Ford.",
        hours=31,
    ),
    item(
        "rb3",
        "Lohan begins 90 days at Betty Ford Center in Rancho Mirage",
        "Lindsay Lohan began a 90-day stay at the Betty Ford Center in Rancho Mirage, her "
        "lawyer said, after a Los Angeles judge ordered treatment for the probation violation.",
        hours=32,
    ),
]


def partition(engine: ThreadEngine, batches: list[list[Item]]) -> dict[str, int]:
    out = {}
    for batch in batches:
        decisions = engine.assign_batch(batch)
        assert [d.item_id for d in decisions] == [i.id for i in batch]  # input order
        out.update((d.item_id, d.thread_id) for d in decisions)
    return out


def test_a_look_alike_event_arriving_together_gets_its_own_thread() -> None:
    t = partition(ThreadEngine(), [REHAB_A, REHAB_B])
    assert t["ra1"] == t["ra2"]
    assert t["rb1"] == t["rb2"] == t["rb3"] != t["ra1"]


def test_a_batch_group_joins_the_existing_thread_it_continues() -> None:
    engine = ThreadEngine()
    first = engine.assign(PROTEST_EN[0])
    decisions = engine.assign_batch([*QUAKE_A, PROTEST_EN[1]])
    by_id = {d.item_id: d for d in decisions}
    assert by_id["pr2"].thread_id == first.thread_id and not by_id["pr2"].new_thread
    assert by_id["qa1"].thread_id == by_id["qa2"].thread_id != first.thread_id
    assert by_id["qa1"].new_thread and not by_id["qa2"].new_thread


def test_grouping_inside_a_batch_does_not_depend_on_its_order() -> None:
    everything = QUAKE_A + QUAKE_B + PROTEST_EN + PASHINYAN_EN
    pairs = [("qa1", "qa2"), ("qb1", "qb2"), ("pr1", "pr2"), ("am1", "am2")]
    for perm in itertools.islice(itertools.permutations(everything), 0, 40320, 997):
        t = partition(ThreadEngine(), [list(perm)])
        assert all(t[a] == t[b] for a, b in pairs), [i.id for i in perm]
        assert len({t[a] for a, _ in pairs}) == 4  # groups of one batch never merge


def test_copies_in_a_batch_fold_under_the_first_and_follow_older_stories() -> None:
    body = (
        "BAKU, July 3 (APA). The Prosecutor General's Office of Azerbaijan has opened a "
        "criminal case over the deaths of Huseyn and Ziyaddin Safarov in Yekaterinburg, the "
        "office said in a statement on Thursday, citing signs of torture and murder."
    )
    engine = ThreadEngine()
    old = engine.assign(item("w0", "Azerbaijan opens criminal case over Safarov deaths", body))
    batch = [
        item("w1", "Azerbaijan opens case over Safarov brothers' deaths", body, hours=1),
        *QUAKE_A,
        item("w2", "Azerbaijan opens criminal case over Safarov deaths", body, hours=2),
    ]
    by_id = {d.item_id: d for d in engine.assign_batch(batch)}
    assert by_id["w1"].duplicate_of == "w0" and by_id["w1"].thread_id == old.thread_id
    assert by_id["w2"].duplicate_of == "w0" and by_id["w2"].thread_id == old.thread_id
    assert by_id["qa1"].duplicate_of is None


def test_without_batch_link_a_batch_is_item_by_item() -> None:
    off = EngineParams(batch_link=0.0)
    stream = REHAB_A + REHAB_B + QUAKE_A + PROTEST_EN
    one = [dataclasses.astuple(d) for d in map(ThreadEngine(off).assign, stream)]
    batch = [dataclasses.astuple(d) for d in ThreadEngine(off).assign_batch(stream)]
    assert batch == one
    # and a batch of one is the single-item decision, with batching on
    e1, e2 = ThreadEngine(), ThreadEngine()
    for i in stream:
        assert e1.assign_batch([i])[0] == e2.assign(i)


def test_seed_strands_arriving_in_one_batch_join_the_seed_thread(
    seeded: ThreadEngine,  # noqa: F811
) -> None:
    seeded.assign_batch(PROTEST_EN + PASHINYAN_EN)
    batch = [
        item(key, title, text, hours=12 + n, lang=lang)
        for n, (key, (title, text, lang)) in enumerate(sorted(SEED_JOINS.items()))
    ]
    decisions = seeded.assign_batch([*QUAKE_A, *batch])
    assert {d.item_id for d in decisions if d.thread_id == 1} == set(SEED_JOINS)


def test_headlines_of_one_story_in_one_batch_end_in_one_thread() -> None:
    """Bare headlines say too little for the linkage alone (it splits these five into
    three groups); a headline group may then join a thread its own batch opened."""
    titles = [
        "Scientists Fail To Find A Link Between Saturated Fat And Heart Disease",
        "Scientists question link between saturated fat and heart disease",
        "Was all that we knew about the link between fat and heart disease wrong?",
        "Curbing saturated fat alone may not reduce risk to heart",
        "Are saturated fats enough to cause a cardiac arrest or heart ailments?",
    ]
    batch = [Item(id=f"h{n}", title=t) for n, t in enumerate(titles)]
    together = ThreadEngine().assign_batch(batch)
    assert len({d.thread_id for d in together}) == 1
    apart = ThreadEngine(EngineParams(batch_rejoin_short=2.0)).assign_batch(batch)
    assert len({d.thread_id for d in apart}) > 1  # the linkage alone


def test_a_batch_prepared_in_a_worker_is_placed_the_same() -> None:
    """`prepare_batch` (features and groups, pickled to and from a worker) gives the same
    decisions as letting the engine do it all."""
    first = REHAB_A + PROTEST_EN[:1]
    batch = REHAB_B + QUAKE_A + QUAKE_B + PROTEST_EN[1:] + PASHINYAN_EN
    alone = ThreadEngine()
    alone.assign_batch(first)
    expected = alone.assign_batch(batch)
    worker = ThreadEngine()
    worker.assign_batch(first, pickle.loads(pickle.dumps(prepare_batch(first))))
    shipped = pickle.loads(pickle.dumps(prepare_batch(batch, worker.params)))
    assert isinstance(shipped, PreparedBatch) and shipped.groups
    assert worker.assign_batch(batch, shipped) == expected
