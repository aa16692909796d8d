"""Cost of one incremental fetch's thread step on a big cache (run by hand, not by tests).

    .venv/bin/python bench/threads_hydrate.py --cache /tmp/briefing-bench/cache-30000 [--pool 2]

Copies the cache's SQLite files to a temporary directory (the original is never touched),
takes the newest article out of its thread there, and times `refresh.assign_threads` placing
it: loading the engine with the pinned threads and every active thread (hydration, the bulk
of the cost) and assigning one item. Prints CPU and wall time, the number of active threads
and where the item went. `--pool N` gives it a CPU pool of N worker processes, as a fetch
does (the members' text work runs there; this process's CPU time is then what the app's
process holds during a refresh). `--profile` adds the top of a cProfile listing.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing import refresh  # noqa: E402
from briefing.store import Store  # noqa: E402
from briefing.threads import EngineParams  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", required=True, help="data directory holding briefing.sqlite3")
    parser.add_argument("--pool", type=int, default=0, help="CPU pool workers (0: none)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    src = Path(args.cache)
    with tempfile.TemporaryDirectory(prefix="briefing-hydrate-") as tmp:
        for f in src.glob("briefing.sqlite3*"):
            shutil.copy(f, tmp)
        db = sqlite3.connect(Path(tmp) / "briefing.sqlite3")
        aid = db.execute("SELECT max(article_id) FROM membership").fetchone()[0]
        db.execute("DELETE FROM membership WHERE article_id = ?", (aid,))
        db.commit()
        db.close()
        store = Store.open(tmp, create=False)
        now, params = datetime.now(UTC), EngineParams()
        active = len(
            store.active_thread_ids(
                now - timedelta(days=21),
                wake_since=now - params.forget_after,
                min_stories=params.keep_min_stories,
            )
        )  # what assign_threads loads (the app's default dormant_after_days)
        pool = refresh.make_pool(args.pool) if args.pool else None
        if pool is not None:  # started before the clock, as in a fetch (it extracts pages)
            pool.submit(int).result()
        prof = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if prof:
            prof.enable()
        placed = refresh.assign_threads(store, [aid], None, pool)
        if prof:
            prof.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if pool is not None:
            pool.shutdown()
        where = db_thread(Path(tmp) / "briefing.sqlite3", aid)
        print(
            f"{active} active threads (hydrated with up to {refresh.HYDRATE_MEMBERS} stories"
            f" each); placed {placed} item in {cpu:.2f} s CPU, {wall:.2f} s wall;"
            f" article {aid} -> thread {where[0]}, score {where[1]!r}"
        )
        if prof:
            pstats.Stats(prof).sort_stats("tottime").print_stats(15)
        store.close()
    return 0


def db_thread(path: Path, article_id: int) -> tuple[int | None, float | None]:
    """Where the engine put the article, and its score ((None, None): not placed)."""
    db = sqlite3.connect(path)
    try:
        row = db.execute(
            "SELECT thread_id, score FROM membership WHERE article_id = ?", (article_id,)
        ).fetchone()
    finally:
        db.close()
    return row if row is not None else (None, None)


if __name__ == "__main__":
    raise SystemExit(main())
