"""The SQLite cache: the only place in briefing that runs SQL.

Contract:
- One file per data directory (`briefing.sqlite3`), WAL mode, a busy timeout, and
  `BEGIN IMMEDIATE` for every write transaction, so `briefing fetch` from cron and the app can
  work on it at the same time and a second writer waits instead of failing.
- A `Store` may be used from several threads; calls are serialised by a lock. Open one `Store`
  per process (or per worker thread, for long jobs).
- All datetimes in and out are timezone-aware UTC.
- Untrusted text is stored already cleaned (`briefing.sanitize`).
"""

from briefing.store.db import DB_FILENAME, Store, StoreError

__all__ = ["DB_FILENAME", "Store", "StoreError"]
