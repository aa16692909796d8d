"""Store: open/migrate the cache file and every query the app, the fetcher and the CLI need."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from briefing.models import ArticleIn, FeedState, FeedUpdate, SaveResult, Story, Thread
from briefing.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

DB_FILENAME = "briefing.sqlite3"
BUSY_TIMEOUT_MS = 15_000


class StoreError(Exception):
    """The cache cannot be used (not a briefing database, a newer version, unreadable)."""


# SQLite's primary result codes for a file that is damaged or no database at all.
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


def read_only_hint(path: Path) -> str:
    """Why SQLite may not write the cache `path`, when the reason is that it or its directory
    is read-only (permissions, a read-only mount): briefing writes on every start, and WAL
    mode makes `-wal` and `-shm` files beside the cache. "" when both are writable."""
    for where in (path.parent, path):
        if where.exists() and not os.access(where, os.W_OK):
            kind = "directory" if where.is_dir() else "file"
            return (
                f"; the {kind} {where} is read-only: briefing needs to write the cache and to"
                f" make {path.name}-wal and {path.name}-shm beside it"
            )
    return ""


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def to_db(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def from_db(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


_STORY_SELECT = """
SELECT a.id, a.feed_id, coalesce(f.name, 'seed article') AS outlet, a.link, a.title, a.summary,
       a.author, a.published, a.first_seen, a.text, a.lang, m.thread_id, m.decided_by,
       m.duplicate_of, coalesce(t.read, 0), coalesce(t.starred, 0), coalesce(t.in_briefing, 0),
       coalesce(t.hidden, 0), a.extract_error,
       (SELECT count(*) FROM membership d WHERE d.duplicate_of = a.id) AS copies, a.page_date
FROM articles a
LEFT JOIN feeds f ON f.id = a.feed_id
LEFT JOIN membership m ON m.article_id = a.id
LEFT JOIN triage t ON t.article_id = a.id
"""


# What the thread engine reads of a story: (id, title, text or else summary, published or
# else first seen, outlet, language).
EngineText = tuple[int, str, str, datetime, str, str | None]
_ENGINE_SELECT = (
    "SELECT a.id, a.title, a.text, a.summary, a.published, a.first_seen,"
    " coalesce(f.name, 'seed article'), a.lang FROM articles a"
    " LEFT JOIN feeds f ON f.id = a.feed_id"
)


def _engine_text(r: tuple[Any, ...]) -> EngineText:
    return (r[0], r[1], r[2] or r[3], from_db(r[4] or r[5]) or utcnow(), r[6], r[7])


def _story(row: sqlite3.Row | tuple[Any, ...]) -> Story:
    return Story(
        id=row[0], feed_id=row[1], outlet=row[2], link=row[3], title=row[4], summary=row[5],
        author=row[6], published=from_db(row[7]), first_seen=from_db(row[8]) or utcnow(),
        text=row[9], lang=row[10], thread_id=row[11], decided_by=row[12], duplicate_of=row[13],
        read=bool(row[14]), starred=bool(row[15]), in_briefing=bool(row[16]),
        hidden=bool(row[17]), extract_error=row[18], copies=row[19], page_date=row[20],
    )  # fmt: skip


# The final letter a Russian or Georgian word typed in its dictionary form loses (or
# changes) when inflected: Россия -> России, протесты -> протестов, თბილისი (Tbilisi) ->
# თბილისში (in Tbilisi). Only from words this long: a short one cut would match too much.
_INFLECTED_FINAL = {"cyrillic": ("аяыиоеуюьй", 5), "georgian": ("ია", 4)}


def _search_stem(word: str) -> str:
    """The prefix to search for a typed word: a Russian or Georgian word without the final
    letter inflection changes, so `Россия` finds "России" and `თბილისი` "თბილისში";
    any other word as typed (English and Azerbaijani add endings to the whole word)."""
    core = word.rstrip("*")
    if not core:
        return word
    last = core[-1].lower()
    if "\u0400" <= last <= "\u04ff":
        finals, shortest = _INFLECTED_FINAL["cyrillic"]
    elif "\u10d0" <= last <= "\u10ff":
        finals, shortest = _INFLECTED_FINAL["georgian"]
    else:
        return core
    return core[:-1] if last in finals and len(core) >= shortest else core


# English words typed as plurals that are not (or whose "singular" is another word): searched
# as typed. Any word ending in -ss, -us or -is (press, bus, crisis) is too.
_NOT_PLURALS = frozenset({"news", "means", "odds", "series", "species", "whereas", "perhaps"})


_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def _english_singulars(word: str) -> list[str]:
    """The singular forms an English word typed as a plural stands for: `protests` ->
    protest, `parties` -> party (and partie: `movies` -> movie), `buses` -> bus, `crashes`
    -> crash. Searched as whole words beside the typed one (see `fts_query`), so a short
    singular never matches as a prefix. None for a word of 3 letters or less (gas, has,
    its), one ending in -ss, -us, -is (press, bus, crisis), "news" and the like, and any
    word not all ASCII letters (Azerbaijani, Russian, Georgian: their endings differ).
    Punctuation around the word is not part of it (`protests,` `"parties"` pasted)."""
    w = _EDGE_PUNCT.sub("", word.lower())
    if len(w) < 4 or not (w.isascii() and w.isalpha()) or not w.endswith("s"):
        return []
    if w in _NOT_PLURALS or w.endswith(("ss", "us", "is")):
        return []
    out = []
    if w.endswith("ies") and len(w) >= 5:
        out.append(w[:-3] + "y")  # parties -> party (ties -> tie below)
    if w.endswith("es") and len(w) >= 5 and w[:-2].endswith(("s", "x", "z", "ch", "sh")):
        out.append(w[:-2])  # buses -> bus, taxes -> tax, crashes -> crash
    out.append(w[:-1])  # protests -> protest, movies -> movie
    return out


_UNSEARCHABLE = re.compile(r"[\x00\ud800-\udfff]")


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for plain words typed by a user: each word becomes a quoted
    prefix phrase (`"word"*`), so nothing typed can be FTS syntax (quotes are doubled, and `*`,
    `AND`, `(`, `-`, `^`, `:` inside quotes are only text or separators). Words with no letter
    or digit are dropped (FTS5 finds nothing for an empty phrase, even beside other words).
    A Russian or Georgian word is searched without the final letter its inflected forms
    change (see `_search_stem`); an English plural also finds its singular as a whole word
    (`("protests"* OR "protest")`, see `_english_singulars`). The words are joined with AND
    (FTS5 takes no implicit AND next to a parenthesis). A NUL (which ends an FTS5 string)
    and a lone surrogate (an undecodable byte of a command line, which SQLite cannot take)
    separate words. "" when nothing is left to search for."""
    terms = []
    for word in _UNSEARCHABLE.sub(" ", query).split():
        if not any(c.isalnum() for c in word):
            continue
        stem = _search_stem(word)
        phrase = '"{}"*'.format(stem.replace('"', '""'))
        singulars = _english_singulars(stem)
        if singulars:
            phrase = "(" + " OR ".join([phrase, *(f'"{s}"' for s in singulars)]) + ")"
        terms.append(phrase)
    return " AND ".join(terms)


# Dormant: not pinned, and no story since the cutoff (a thread with no dated story counts from
# its creation). One definition for `threads`, `dormant_threads` and `thread_dormant`; `t` is
# the threads table's alias with its dot ("t." or ""), the one parameter the cutoff.
_DORMANT = "(NOT {t}pinned AND coalesce({t}updated, {t}created) < ?)"


class Store:
    """A briefing cache file. See the package docstring for the contract."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ open / migrate
    @classmethod
    def open(cls, data_dir: str | Path, *, create: bool = True) -> Store:
        data_dir = Path(data_dir)
        path = data_dir / DB_FILENAME
        if not path.exists() and not create:
            raise StoreError(f"{path}: no cache yet (run `briefing fetch` or open the app once)")
        if create:
            data_dir.mkdir(parents=True, exist_ok=True)
        try:
            db = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open: {exc}") from None
        try:
            store = cls(path, db)
            store._prepare()
        except sqlite3.DatabaseError as exc:
            db.close()
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if isinstance(exc, sqlite3.OperationalError) and code not in (
                _SQLITE_CORRUPT, _SQLITE_NOTADB,
            ):  # fmt: skip
                # a read-only directory, a lock held past the busy timeout: not the file's
                # fault, and nothing to move aside
                raise StoreError(f"{path}: cannot open: {exc}{read_only_hint(path)}") from None
            raise StoreError(f"{path}: not a briefing cache ({exc})") from None
        except StoreError:
            db.close()
            raise
        return store

    def _prepare(self) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        has_tables = db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        if app_id != APPLICATION_ID and (app_id != 0 or has_tables):
            raise StoreError(f"{self.path}: not a briefing cache (another program's database)")
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: made by a newer briefing (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade briefing, nothing was changed"
            )
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        if version < SCHEMA_VERSION:
            self.migrate()
        self._redate_seed_threads()

    # Threads an older briefing dated by a seed text (thread 1 by the cache's creation) or, for
    # a pinned thread, by its creation: `updated` differs from what `_touch_thread` gives now.
    # Only threads holding a feed-less story or made from a seed key can be such (a few rows,
    # found through indexes), so the check costs little on every open.
    _STALE_DATES = (
        "SELECT t.id FROM threads t WHERE t.merged_into IS NULL AND (t.seed_key IS NOT NULL"
        " OR t.id IN (SELECT m.thread_id FROM articles a JOIN membership m"
        " ON m.article_id = a.id WHERE a.feed_id IS NULL))"
        " AND t.updated IS NOT (SELECT max(coalesce(a.published, a.first_seen))"
        " FROM membership m JOIN articles a ON a.id = m.article_id"
        " WHERE m.thread_id = t.id AND a.feed_id IS NOT NULL)"
    )

    def _redate_seed_threads(self) -> None:
        """Date the threads an older briefing dated by the seed article (or by their creation)
        from their dated stories only, as `_touch_thread` now does: reads only, unless there is
        something to change. Idempotent; a cache that cannot be written now (read-only, locked
        past the busy timeout) is fixed on a later open."""
        if self._one(self._STALE_DATES + " LIMIT 1") is None:
            return
        with contextlib.suppress(sqlite3.OperationalError), self._write() as db:
            for (thread_id,) in db.execute(self._STALE_DATES).fetchall():
                self._touch_thread(db, thread_id)

    def migrate(self, target: int = SCHEMA_VERSION) -> None:
        """Run the missing migration steps, each in its own transaction."""
        with self._lock:
            while True:
                with self._write() as db:
                    version = db.execute("PRAGMA user_version").fetchone()[0]
                    if version >= target:
                        return
                    MIGRATIONS[version](db, to_db(utcnow()) or "")
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {version + 1}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    # ------------------------------------------------------------------ health
    @property
    def schema_version(self) -> int:
        return self._one("PRAGMA user_version")[0]  # type: ignore[index]

    @property
    def journal_mode(self) -> str:
        return self._one("PRAGMA journal_mode")[0]  # type: ignore[index]

    def integrity_check(self) -> list[str]:
        return [row[0] for row in self._all("PRAGMA integrity_check")]

    def counts(self) -> dict[str, int]:
        return {
            table: self._one(f"SELECT count(*) FROM {table}")[0]  # type: ignore[index]
            for table in ("feeds", "articles", "threads", "membership")
        }

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return row[0] if row else None

    def get_metas(self, *keys: str) -> dict[str, str]:
        """The values of `keys` that are set, read together (one statement: one snapshot)."""
        marks = ", ".join("?" * len(keys))
        return dict(self._all(f"SELECT key, value FROM meta WHERE key IN ({marks})", keys))

    def set_meta(self, key: str, value: str) -> None:
        self.set_metas({key: value})

    def set_metas(self, values: Mapping[str, str]) -> None:
        """Set several keys in one transaction: all of them, or (a crash) none."""
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", list(values.items())
            )

    # ------------------------------------------------------------------ feeds
    def sync_feeds(self, feeds: Sequence[Any]) -> None:
        """Make the feeds table match the config: add new ones, update names/tags, mark the
        ones no longer configured inactive (their articles stay)."""
        with self._write() as db:
            db.execute("UPDATE feeds SET active = 0")
            for feed in feeds:
                db.execute(
                    "INSERT INTO feeds (url, name, tags, active) VALUES (?, ?, ?, 1)"
                    " ON CONFLICT(url) DO UPDATE SET name = excluded.name, tags = excluded.tags,"
                    " active = 1",
                    (feed.url, feed.name, ",".join(feed.tags)),
                )

    def feeds(self, *, include_inactive: bool = False) -> list[FeedState]:
        where = "" if include_inactive else "WHERE active = 1"
        rows = self._all(
            "SELECT id, url, name, tags, etag, last_modified, body_hash, last_checked,"
            " last_success, next_check, error_count, last_error, status, title, moved_to"
            f" FROM feeds {where} ORDER BY id"
        )
        return [
            FeedState(
                id=r[0],
                url=r[1],
                name=r[2],
                tags=tuple(t for t in r[3].split(",") if t),
                etag=r[4],
                last_modified=r[5],
                body_hash=r[6],
                last_checked=from_db(r[7]),
                last_success=from_db(r[8]),
                next_check=from_db(r[9]),
                error_count=r[10],
                last_error=r[11],
                status=r[12],
                title=r[13],
                moved_to=r[14],
            )  # fmt: skip
            for r in rows
        ]

    def feed(self, url: str) -> FeedState | None:
        for state in self.feeds(include_inactive=True):
            if state.url == url:
                return state
        return None

    def save_feed_result(
        self, url: str, update: FeedUpdate, items: Sequence[ArticleIn] = (),
        *, seen_at_commit: bool = False,
    ) -> SaveResult:  # fmt: skip
        """Apply one feed check (its metadata and all its items) in one transaction.

        New items are first seen at `update.checked`, or with `seen_at_commit` (a fetch) when
        this transaction holds the write lock: stamped with the time of the request (which
        may be a minute before the commit), the stories a fetch committed after a reader
        looked (the app's "new since your last visit", `export --since`) would be dated
        before that look. (The default export goes by article id: see `max_article_id`.)"""
        new_ids: list[int] = []
        refetch: list[int] = []
        hidden = 0
        updated = 0
        checked = to_db(update.checked)
        with self._write() as db:
            seen = checked
            if seen_at_commit:
                seen = to_db(utcnow())
            row = db.execute("SELECT id, error_count FROM feeds WHERE url = ?", (url,)).fetchone()
            if row is None:
                raise StoreError(f"unknown feed {url}")
            feed_id, errors = row
            if update.status in ("ok", "not_modified"):
                # last_error of a success: "ok" stores its warning (items kept from broken
                # XML) or clears it; "not modified" (the same body) keeps the warning of the
                # last "ok", but clears an error (the CASE reads the row before the update)
                db.execute(
                    "UPDATE feeds SET status = ?, last_checked = ?, last_success = ?,"
                    " next_check = ?, error_count = 0,"
                    " last_error = CASE WHEN ? = 'not_modified' AND status IN ('ok',"
                    " 'not_modified') THEN last_error ELSE ? END,"
                    " etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),"
                    " body_hash = coalesce(?, body_hash), title = coalesce(?, title),"
                    " moved_to = ? WHERE id = ?",
                    (update.status, checked, checked, to_db(update.next_check), update.status,
                     update.error if update.status == "ok" else None, update.etag,
                     update.last_modified, update.body_hash, update.title, update.moved_to,
                     feed_id),
                )  # fmt: skip
            else:
                db.execute(
                    "UPDATE feeds SET status = ?, last_checked = ?, next_check = ?,"
                    " error_count = ?, last_error = ? WHERE id = ?",
                    (update.status, checked, to_db(update.next_check), errors + 1, update.error,
                     feed_id),
                )  # fmt: skip
            for item in items:
                old = db.execute(
                    "SELECT id, content_hash, title, link, summary, published FROM articles"
                    " WHERE feed_id = ? AND key = ?",
                    (feed_id, item.key),
                ).fetchone()
                if old is None:
                    cur = db.execute(
                        "INSERT INTO articles (feed_id, key, link, title, summary, author,"
                        " published, first_seen, text, lang, content_hash)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (feed_id, item.key, item.link, item.title, item.summary, item.author,
                         to_db(item.published), seen, item.text, item.lang, item.content_hash),
                    )  # fmt: skip
                    article_id = cur.lastrowid
                    assert article_id is not None
                    new_ids.append(article_id)
                    if item.hidden:
                        hidden += 1
                        db.execute(
                            "INSERT INTO triage (article_id, hidden, changed) VALUES (?, 1, ?)",
                            (article_id, checked),
                        )
                elif old[1] != item.content_hash:
                    # An item that now has no date keeps its stored one when its page gave
                    # a date (set_article_text put it there if the feed never had one).
                    published = to_db(item.published)
                    # the feed's full text (content:encoded) replaces the stored one; without
                    # it, the text read from the page stays until the page is read again
                    db.execute(
                        "UPDATE articles SET link = ?, title = ?, summary = ?, author = ?,"
                        " published = CASE WHEN ? IS NULL AND page_date IS NOT NULL"
                        " THEN published ELSE ? END, content_hash = ?,"
                        " text = coalesce(?, text) WHERE id = ?",
                        (item.link, item.title, item.summary, item.author, published,
                         published, item.content_hash, item.text, old[0]),
                    )  # fmt: skip
                    updated += 1
                    if item.text is None and (item.title, item.link, item.summary) != old[2:5]:
                        # its page is read again, as a new one: with tries of its own, and a
                        # failure recorded for the old version no longer stands in the way
                        db.execute(
                            "UPDATE articles SET page_reread = 1, page_tries = 0,"
                            " extract_error = NULL WHERE id = ?",
                            (old[0],),
                        )
                        refetch.append(old[0])
                    if published is not None and published != old[5]:
                        # its thread's "last moved" follows the story's new date
                        thread = db.execute(
                            "SELECT thread_id FROM membership WHERE article_id = ?", (old[0],)
                        ).fetchone()
                        if thread is not None:
                            self._touch_thread(db, thread[0])
        return SaveResult(tuple(new_ids), updated, hidden, tuple(refetch))

    def set_article_text(
        self, article_id: int, *, text: str | None, author: str | None = None,
        lang: str | None = None, error: str | None = None, page_date: str | None = None,
        page_published: datetime | None = None,
    ) -> None:  # fmt: skip
        """Store what the article page gave. `page_date` is the page's date as found;
        `page_published` (the caller checks it is a sane date) becomes `published` only when
        the feed gave none, and never later than first seen."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET text = coalesce(?, text),"
                " author = CASE WHEN author = '' THEN coalesce(?, '') ELSE author END,"
                " lang = coalesce(?, lang), extract_error = ?, page_reread = 0,"
                " page_date = coalesce(?, page_date),"
                " published = coalesce(published, min(?, first_seen)) WHERE id = ?",
                (text, author, lang, error, page_date, to_db(page_published), article_id),
            )

    def page_try_failed(self, article_id: int, error: str, tries: int) -> bool:
        """One more failed try of an article page, for a reason a later try may not meet:
        after `tries` of them the failure is recorded (`extract_error`, as
        `set_article_text` records one) and the page is not tried again; before, it stays
        pending for the next fetch. Returns whether the failure is now recorded."""
        with self._write() as db:
            db.execute(
                "UPDATE articles SET page_tries = page_tries + 1,"
                " extract_error = CASE WHEN page_tries + 1 >= ? THEN ? ELSE extract_error END,"
                " page_reread = CASE WHEN page_tries + 1 >= ? THEN 0 ELSE page_reread END"
                " WHERE id = ?",
                (tries, error, tries, article_id),
            )  # (no RETURNING: SQLite before 3.35 has none)
            row = db.execute("SELECT page_tries FROM articles WHERE id = ?", (article_id,))
            done = row.fetchone()
        return done is not None and done[0] >= tries

    def host_waits(self, now: datetime) -> dict[str, datetime]:
        """Outlets whose pages wait (they asked, with Retry-After) after `now`, and until when."""
        rows = self._all("SELECT host, until FROM host_waits WHERE until > ?", (to_db(now),))
        return {host: when for host, until in rows if (when := from_db(until)) is not None}

    def set_host_wait(self, host: str, until: datetime) -> None:
        """An outlet asked to wait until `until` (a later time than one stored wins); waits
        that have run out are dropped."""
        with self._write() as db:
            db.execute("DELETE FROM host_waits WHERE until <= ?", (to_db(utcnow()),))
            db.execute(
                "INSERT INTO host_waits (host, until) VALUES (?, ?) ON CONFLICT(host)"
                " DO UPDATE SET until = max(until, excluded.until)",
                (host, to_db(until)),
            )

    def last_success(self) -> datetime | None:
        row = self._one("SELECT max(last_success) FROM feeds")
        return from_db(row[0]) if row else None

    # ------------------------------------------------------------------ threads
    def ensure_pinned(self, pinned: Sequence[Any]) -> None:
        """Create each pinned thread of the config once (keyed by its seed file, else title)."""
        now = to_db(utcnow())
        with self._write() as db:
            for thread in pinned:
                key = thread.seed or f"title:{thread.title}"
                db.execute(
                    "INSERT INTO threads (title, pinned, created, updated, seed_key)"
                    " VALUES (?, 1, ?, NULL, ?) ON CONFLICT(seed_key) DO NOTHING",
                    (thread.title, now, key),
                )

    def pinned_thread_ids(self) -> dict[str, int]:
        """Seed key -> thread of the pinned threads still shown (a merged one takes no story:
        the engine would fill a thread nobody sees)."""
        return dict(
            self._all(
                "SELECT seed_key, id FROM threads WHERE seed_key IS NOT NULL"
                " AND merged_into IS NULL"
            )
        )

    def create_thread(self, title: str, *, pinned: bool = False, by_user: bool = False) -> int:
        """A new thread. `by_user`: the user named it (the app's or the CLI's "new thread"),
        so it is kept like a renamed one: listed while empty, never relabelled by the engine,
        never removed by `delete_empty_threads`."""
        with self._write() as db:
            return self._insert_thread(db, title, pinned=pinned, by_user=by_user)

    @staticmethod
    def _insert_thread(
        db: sqlite3.Connection, title: str, *, pinned: bool = False, by_user: bool = False
    ) -> int:
        now = to_db(utcnow())
        cur = db.execute(
            "INSERT INTO threads (title, user_title, pinned, created, updated)"
            " VALUES (?, ?, ?, ?, ?)",
            (title, int(by_user), int(pinned), now, now),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def assign(
        self, article_id: int, thread_id: int, *, decided_by: str = "engine",
        duplicate_of: int | None = None, score: float | None = None,
    ) -> bool:  # fmt: skip
        """Place a story in a thread. The engine never overrides a user's decision; returns
        whether the placement was written."""
        now = to_db(utcnow())
        with self._write() as db:
            old = db.execute(
                "SELECT decided_by FROM membership WHERE article_id = ?", (article_id,)
            ).fetchone()
            if old is not None and old[0] == "user" and decided_by != "user":
                return False
            db.execute(
                "INSERT OR REPLACE INTO membership (article_id, thread_id, decided_by,"
                " duplicate_of, score, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                (article_id, thread_id, decided_by, duplicate_of, score, now),
            )
            self._touch_thread(db, thread_id)
            return True

    @staticmethod
    def _touch_thread(db: sqlite3.Connection, thread_id: int) -> None:
        """`updated`: the time of the thread's latest dated story (published, else first
        seen), NULL when it holds none. A seed text (no feed) never dates it: it has no
        publication date, and its first seen is only when the cache was made."""
        db.execute(
            "UPDATE threads SET updated = (SELECT max(coalesce(a.published, a.first_seen))"
            " FROM membership m JOIN articles a ON a.id = m.article_id WHERE m.thread_id = ?"
            " AND a.feed_id IS NOT NULL) WHERE id = ?",
            (thread_id, thread_id),
        )

    def assign_many(
        self, placements: Sequence[tuple[int, int, int | None, float | None]],
        *, decided_by: str = "engine", touch: bool = True,
    ) -> int:  # fmt: skip
        """Place many stories at once: (article_id, thread_id, duplicate_of, score) rows, in ONE
        transaction, each thread's `updated` recomputed once (the fetcher's batch after a run;
        with `touch=False` the caller does that with `touch_threads` after its last batch).
        Like assign(), never overrides a user's decision; returns how many were written.
        A thread merged since the engine read it (`briefing merge` while a fetch places its
        stories) is followed to the thread it went into (`_live_thread`): a merged thread is
        in no list, so a story placed there would be lost to the user. A story for a thread
        deleted meanwhile (an undo took back the new thread it was) is left unplaced, and the
        next fetch places it; the others are written."""
        now = to_db(utcnow())
        with self._write() as db:
            live: dict[int, int | None] = {}
            for thread_id in {t for _a, t, _d, _s in placements}:
                try:
                    live[thread_id] = self._live_thread(db, thread_id)
                except ValueError:
                    live[thread_id] = None
            placements = [(a, t, d, s) for a, t0, d, s in placements if (t := live[t0]) is not None]
            # one statement for all rows (the per-row check and write were a tenth of a cold
            # run's thread time); a user's placement is kept unless this one is the user's too
            written = db.executemany(
                "INSERT INTO membership (article_id, thread_id, decided_by, duplicate_of, score,"
                " decided_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET"
                " thread_id = excluded.thread_id, decided_by = excluded.decided_by,"
                " duplicate_of = excluded.duplicate_of, score = excluded.score,"
                " decided_at = excluded.decided_at"
                " WHERE membership.decided_by != 'user' OR excluded.decided_by = 'user'",
                [(a, t, decided_by, d, s, now) for a, t, d, s in placements],
            ).rowcount
            if touch:
                for thread_id in {t for _a, t, _d, _s in placements}:
                    self._touch_thread(db, thread_id)
        return written

    def touch_threads(self, thread_ids: Iterable[int]) -> None:
        """Recompute `updated` (the latest dated story's time) of these threads, in one
        transaction; of a thread merged meanwhile, the thread it went into too (`assign_many`
        placed its stories there)."""
        with self._write() as db:
            for thread_id in thread_ids:
                self._touch_thread(db, thread_id)
                with contextlib.suppress(ValueError):
                    live = self._live_thread(db, thread_id)
                    if live != thread_id:
                        self._touch_thread(db, live)

    @staticmethod
    def _live_thread(db: sqlite3.Connection, thread_id: int) -> int:
        """The thread that holds `thread_id`'s stories now: itself, or the thread it was merged
        into (followed to the end). Another program (`briefing merge` in another window) may
        have merged the thread a dialog or an undo step still names: the story goes where
        that thread's stories went, never into a thread no list shows. ValueError when there
        is no such thread."""
        seen: set[int] = set()
        current = thread_id
        while current not in seen:
            seen.add(current)
            row = db.execute("SELECT merged_into FROM threads WHERE id = ?", (current,)).fetchone()
            if row is None:
                raise ValueError(f"no thread {current}")
            if row[0] is None:
                return current
            current = row[0]
        raise ValueError(f"thread {thread_id} is merged in a loop")

    def move_story(self, article_id: int, thread_id: int) -> int | None:
        """A user's move: stored as decided_by='user' so the engine never undoes it; to the
        live thread when `thread_id` was merged meanwhile (`_live_thread`). Returns the
        thread the story was in before."""
        with self._write() as db:
            thread_id = self._live_thread(db, thread_id)
            old = db.execute(
                "SELECT thread_id FROM membership WHERE article_id = ?", (article_id,)
            ).fetchone()
            db.execute(
                "INSERT OR REPLACE INTO membership (article_id, thread_id, decided_by,"
                " duplicate_of, decided_at) VALUES (?, ?, 'user', NULL, ?)",
                (article_id, thread_id, to_db(utcnow())),
            )
            # Copies folded under this story follow it.
            db.execute(
                "UPDATE membership SET thread_id = ? WHERE duplicate_of = ?",
                (thread_id, article_id),
            )
            self._touch_thread(db, thread_id)
            if old:
                self._touch_thread(db, old[0])
            return old[0] if old else None

    def merge_threads(self, source: int, target: int) -> None:
        """Move every story of `source` into `target` (as the user's decision)."""
        if source == target:
            return
        with self._write() as db:
            # A target merged meanwhile (by another program) is followed; a source merged
            # meanwhile has no stories left to move and is refused, not re-pointed.
            target = self._live_thread(db, target)
            if self._live_thread(db, source) != source:
                raise ValueError(f"thread {source} was merged meanwhile")
            if source == target:
                return
            db.execute(
                "UPDATE membership SET thread_id = ?, decided_by = 'user', decided_at = ?"
                " WHERE thread_id = ?",
                (target, to_db(utcnow()), source),
            )
            db.execute("UPDATE threads SET merged_into = ? WHERE id = ?", (target, source))
            self._touch_thread(db, target)

    def split_thread(
        self, article_id: int, title: str, *, user_title: bool = False
    ) -> tuple[int, list[tuple[Any, ...]]] | None:
        """The user's split: the story `article_id` and every later story of its thread (by
        published, else first seen; with their folded copies, never the seed article) go to
        a new thread titled `title`, as the user's decision. Returns (new thread id, the
        membership rows as they were, for an undo with `restore_placement`), or None when
        nothing would stay behind (the story is the thread's first). `user_title`: the user
        typed `title` (`split --title`), so the engine's labels never replace it."""
        when = "coalesce(a.published, a.first_seen)"
        with self._write() as db:
            row = db.execute(
                f"SELECT m.thread_id, {when}, m.duplicate_of, m.decided_by FROM membership m"
                " JOIN articles a ON a.id = m.article_id WHERE m.article_id = ?",
                (article_id,),
            ).fetchone()
            if row is None or row[2] is not None or row[3] == "seed":
                return None  # a copy splits with the story it is folded under
            thread_id, start = row[0], row[1]
            # the story and every later one of the thread (a subquery: a thread may hold more
            # stories than SQLite takes parameters)
            roots = (
                "SELECT m.article_id FROM membership m JOIN articles a ON a.id = m.article_id"
                " WHERE m.thread_id = ? AND m.decided_by != 'seed' AND m.duplicate_of IS NULL"
                f" AND ({when} > ? OR ({when} = ? AND a.id >= ?))"
            )
            params = (thread_id, start, start, article_id)
            moving = db.execute(
                "SELECT article_id, thread_id, decided_by, duplicate_of, score, decided_at"
                f" FROM membership WHERE thread_id = ? AND (article_id IN ({roots})"
                f" OR duplicate_of IN ({roots})) ORDER BY article_id",
                (thread_id, *params, *params),
            ).fetchall()
            total = db.execute(
                "SELECT count(*) FROM membership WHERE thread_id = ?", (thread_id,)
            ).fetchone()[0]
            if len(moving) >= total:
                return None
            new_id = self._insert_thread(db, title, by_user=user_title)
            now = to_db(utcnow())
            db.executemany(
                "UPDATE membership SET thread_id = ?, decided_by = 'user', decided_at = ?"
                " WHERE article_id = ?",
                [(new_id, now, r[0]) for r in moving],
            )
            self._touch_thread(db, new_id)
            self._touch_thread(db, thread_id)
            return new_id, [tuple(r) for r in moving]

    def rename_thread(self, thread_id: int, title: str, *, by_user: bool = True) -> bool:
        """Set a thread's title. The engine's labels never replace a user's title."""
        with self._write() as db:
            cur = db.execute(
                "UPDATE threads SET title = ?, user_title = max(user_title, ?)"
                " WHERE id = ? AND (? OR user_title = 0)",
                (title, int(by_user), thread_id, int(by_user)),
            )
            return cur.rowcount > 0

    def restore_title(self, thread_id: int, title: str, user_title: bool) -> None:
        """Put a thread's title back as it was, whose it was included (undo of a rename: an
        engine title becomes the engine's again, to relabel and to let go dormant)."""
        with self._write() as db:
            db.execute(
                "UPDATE threads SET title = ?, user_title = ? WHERE id = ?",
                (title, int(user_title), thread_id),
            )

    def label_threads(self, labels: Mapping[int, str]) -> None:
        """The engine's titles for these threads, in one transaction: a thread the user
        renamed keeps the user's title, an empty label changes nothing."""
        with self._write() as db:
            db.executemany(
                "UPDATE threads SET title = ? WHERE id = ? AND user_title = 0 AND title != ?",
                [(label, thread_id, label) for thread_id, label in labels.items() if label],
            )

    def set_thread_flag(self, thread_id: int, flag: str, value: bool) -> None:
        if flag not in ("pinned", "muted"):
            raise ValueError(flag)
        with self._write() as db:
            db.execute(f"UPDATE threads SET {flag} = ? WHERE id = ?", (int(value), thread_id))

    def threads(
        self, *, include_dormant: bool = False, dormant_after: timedelta = timedelta(days=21),
        now: datetime | None = None, since: datetime | None = None, sparkline_days: int = 14,
        only: int | None = None, include_empty: bool = False,
    ) -> list[Thread]:  # fmt: skip
        """Threads in display order: pinned first, then by latest activity.

        "Latest activity" is `updated`, the latest dated story's time: a thread with none (the
        seed thread holding only the seed article, an emptied one) has `updated` None and comes
        after those with news, then by creation time.

        `since` marks stories first seen after it as new. Dormant threads (no story for
        `dormant_after`, not pinned; one with no dated story counts from its creation) are
        left out unless asked for. So are threads with no
        visible story (none, or all hidden or copies: an engine thread a killed run left
        empty, or one a running placement has not filled yet) unless pinned or named by the
        user (`user_title`: renamed, or created by the user), or asked for with
        `include_empty` (`only` implies it: a thread asked for by id is always given).
        """
        now = now or utcnow()
        cutoff = to_db(now - dormant_after)
        since_s = to_db(since) or "9999"
        day0 = (now - timedelta(days=sparkline_days - 1)).date().isoformat()
        # Hidden stories count nowhere; copies folded under an original are one story (but
        # their outlets count). A thread whose stories are all hidden is left out like an
        # empty one (HAVING), unless pinned or the user's.
        rows = self._all(
            """
            SELECT t.id, t.title, t.pinned, t.muted, t.created, t.updated, t.user_title,
                   count(CASE WHEN v.dup IS NULL THEN v.article_id END),
                   count(DISTINCT v.feed_id),
                   count(CASE WHEN v.dup IS NULL AND v.read = 0 THEN v.article_id END),
                   count(CASE WHEN v.dup IS NULL AND v.first_seen > ? THEN v.article_id END),
                   {dormant}
            FROM threads t
            LEFT JOIN (
                SELECT m.thread_id, m.article_id, m.duplicate_of AS dup, a.feed_id, a.first_seen,
                       coalesce(tr.read, 0) AS read
                FROM membership m
                JOIN articles a ON a.id = m.article_id
                LEFT JOIN triage tr ON tr.article_id = m.article_id
                WHERE coalesce(tr.hidden, 0) = 0
            ) v ON v.thread_id = t.id
            WHERE t.merged_into IS NULL AND (? IS NULL OR t.id = ?)
            GROUP BY t.id
            HAVING ? OR t.pinned OR t.user_title
                OR count(CASE WHEN v.dup IS NULL THEN v.article_id END) > 0
            ORDER BY t.pinned DESC, t.updated IS NULL, coalesce(t.updated, t.created) DESC, t.id
            """.format(dormant=_DORMANT.format(t="t.")),
            (since_s, cutoff, only, only, int(include_empty or only is not None)),
        )
        # The sparkline counts what `stories` counts: visible originals (no hidden story, no
        # copy folded under an original), except a seed text: it is no news (no feed, no
        # publication date; its first seen is only when the cache was made), so it never
        # makes a spike on the day the cache was created.
        days: dict[int, list[int]] = {}
        for thread_id, day, n in self._all(
            "SELECT m.thread_id, substr(coalesce(a.published, a.first_seen), 1, 10) AS day,"
            " count(*) FROM membership m JOIN articles a ON a.id = m.article_id"
            " LEFT JOIN triage tr ON tr.article_id = m.article_id"
            # The expression (not `day`) so the articles_published index is used.
            " WHERE coalesce(a.published, a.first_seen) >= ? AND m.duplicate_of IS NULL"
            " AND a.feed_id IS NOT NULL"
            " AND coalesce(tr.hidden, 0) = 0 GROUP BY m.thread_id, day",
            (day0,),
        ):
            series = days.setdefault(thread_id, [0] * sparkline_days)
            index = (datetime.fromisoformat(day).date() - datetime.fromisoformat(day0).date()).days
            if 0 <= index < sparkline_days:
                series[index] += n
        out = []
        for r in rows:
            updated = r[5]
            dormant = bool(r[11])
            if dormant and not include_dormant:
                continue
            out.append(
                Thread(
                    id=r[0],
                    title=r[1],
                    pinned=bool(r[2]),
                    muted=bool(r[3]),
                    dormant=dormant,
                    created=from_db(r[4]) or now,
                    updated=from_db(updated),
                    stories=r[7],
                    sources=r[8],
                    unread=r[9] or 0,
                    new=r[10] or 0,
                    user_titled=bool(r[6]),
                    per_day=tuple(days.get(r[0], [0] * sparkline_days)),
                )  # fmt: skip
            )
        return out

    def dormant_threads(
        self, *, dormant_after: timedelta = timedelta(days=21), now: datetime | None = None
    ) -> list[tuple[int, str]]:
        """(id, title) of the threads `threads()` leaves out as dormant, latest activity
        first: for the app's move picker, which lists them after the threads on screen.
        One light read (no counts), so the picker opens at once on a big cache. Like
        `threads()`, a thread with no visible story is left out unless the user named it."""
        cutoff = to_db((now or utcnow()) - dormant_after)
        rows = self._all(
            """
            SELECT t.id, t.title FROM threads t
            WHERE t.merged_into IS NULL AND {dormant}
              AND (t.user_title OR EXISTS (
                  SELECT 1 FROM membership m LEFT JOIN triage tr ON tr.article_id = m.article_id
                  WHERE m.thread_id = t.id AND m.duplicate_of IS NULL
                    AND coalesce(tr.hidden, 0) = 0))
            ORDER BY t.updated IS NULL, coalesce(t.updated, t.created) DESC, t.id
            """.format(dormant=_DORMANT.format(t="t.")),
            (cutoff,),
        )
        return [(r[0], r[1]) for r in rows]

    def thread_dormant(
        self, thread_id: int, *, dormant_after: timedelta = timedelta(days=21),
        now: datetime | None = None,
    ) -> bool:  # fmt: skip
        """Whether `threads()` counts the thread dormant now (not pinned, no story for
        `dormant_after`): one indexed lookup, for the app to say where a move or merge went.
        False for no such thread."""
        cutoff = to_db((now or utcnow()) - dormant_after)
        row = self._one(
            f"SELECT {_DORMANT.format(t='')} FROM threads WHERE id = ?",
            (cutoff, thread_id),
        )
        return bool(row and row[0])

    def thread(self, thread_id: int) -> Thread | None:
        """The whole view of one thread (counts, sparkline): see `thread_title` for a check."""
        found = self.threads(include_dormant=True, only=thread_id)
        return found[0] if found else None

    def thread_title(self, thread_id: int) -> str | None:
        """A thread's title, None when there is no such thread (or it was merged into another):
        the same threads `thread()` finds, in one indexed lookup instead of its counts."""
        row = self._one(
            "SELECT title FROM threads WHERE id = ? AND merged_into IS NULL", (thread_id,)
        )
        return row[0] if row else None

    def live_thread(self, thread_id: int) -> int | None:
        """Where `thread_id`'s stories are now: itself, or the thread it was merged into
        (followed to the end); None when there is no such thread."""
        with self._lock:
            try:
                return self._live_thread(self._db, thread_id)
            except ValueError:
                return None

    def thread_exists(self, thread_id: int) -> bool:
        return self.thread_title(thread_id) is not None

    def active_thread_ids(
        self, since: datetime, *, wake_since: datetime | None = None, min_stories: int = 1
    ) -> list[int]:
        """Threads that moved since `since` or are pinned: what the engine keeps in memory;
        with `wake_since`, also those that moved since then and hold `min_stories` stories
        (a dormant crisis that may wake; the many one-story threads are left out)."""
        if wake_since is None or wake_since >= since:
            wake_since, min_stories = since, 1
        return [
            r[0]
            for r in self._all(
                "SELECT id FROM threads t WHERE merged_into IS NULL AND (pinned = 1"
                " OR coalesce(updated, created) >= ? OR (coalesce(updated, created) >= ?"
                " AND (SELECT count(*) FROM membership m WHERE m.thread_id = t.id) >= ?))"
                " ORDER BY id",
                (to_db(since), to_db(wake_since), min_stories),
            )
        ]

    # ------------------------------------------------------------------ stories
    def stories(
        self, thread_id: int, *, offset: int = 0, limit: int = 200, include_hidden: bool = False,
        fold_copies: bool = True,
    ) -> list[Story]:  # fmt: skip
        """A page of a thread's stories, newest first; wire copies folded under their original.
        A seed text (no feed: it has no publication date, only the cache's creation time) sorts
        last, as the oldest."""
        where = ["m.thread_id = ?"]
        if not include_hidden:
            where.append("coalesce(t.hidden, 0) = 0")
        if fold_copies:
            where.append("m.duplicate_of IS NULL")
        return [
            _story(r)
            for r in self._all(
                _STORY_SELECT + " WHERE " + " AND ".join(where) + " ORDER BY a.feed_id IS NULL,"
                " coalesce(a.published, a.first_seen) DESC, a.id DESC LIMIT ? OFFSET ?",
                (thread_id, limit, offset),
            )
        ]  # fmt: skip

    def story(self, article_id: int) -> Story | None:
        row = self._one(_STORY_SELECT + " WHERE a.id = ?", (article_id,))
        return _story(row) if row else None

    def unplaced_order(self, ids: Sequence[int] | None = None) -> list[int]:
        """The thread engine's queue, without loading the stories: the visible articles in no
        thread yet, oldest first (published, else first seen; then id). Of `ids` only, or
        (None) all of them: a fetch's new ones and any a killed or failed run left unplaced."""
        base = (
            "SELECT coalesce(a.published, a.first_seen), a.id FROM articles a"
            " LEFT JOIN membership m ON m.article_id = a.id"
            " LEFT JOIN triage t ON t.article_id = a.id"
            " WHERE m.article_id IS NULL AND NOT coalesce(t.hidden, 0)"
        )
        if ids is None:
            rows = self._all(base)
        else:
            rows = []
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                rows += self._all(base + f" AND a.id IN ({','.join('?' * len(chunk))})", chunk)
        # every stored time is UTC ISO 8601 to the second: the text sorts as the time does
        rows.sort()
        return [article_id for _when, article_id in rows]

    def pages_pending(
        self,
        feed_urls: Sequence[str],
        since: datetime,
        limit: int = 500,
        held: Callable[[str], bool] | None = None,
    ) -> tuple[list[Story], list[int]]:
        """Stories of these feeds, first seen after `since` (and not published before it),
        whose page is still to be read: never read (no text), or to be read again (its item
        changed since), with no failure recorded. A fetch killed while it read pages, or one
        that left pages for the next run, leaves such stories; the next fetch reads them, even
        if the feed did not change.

        The newest `limit` of them whose link `held` does not hold back, and the ids of those
        it held back: an outlet that asked to wait keeps its own pages, not others' places."""
        if not feed_urls:
            return [], []
        marks = ",".join("?" * len(feed_urls))
        since_db = to_db(since)
        out: list[Story] = []
        held_back: list[int] = []
        with self._lock:
            rows = self._db.execute(
                _STORY_SELECT + f" WHERE a.first_seen > ? AND (a.published IS NULL OR"
                " a.published > ?) AND (a.text IS NULL OR a.page_reread = 1)"
                " AND a.extract_error IS NULL"
                f" AND a.link != '' AND coalesce(t.hidden, 0) = 0 AND f.url IN ({marks})"
                " ORDER BY a.first_seen DESC",
                [since_db, since_db, *feed_urls],
            )
            for row in rows:
                story = _story(row)
                if held is not None and held(story.link):
                    held_back.append(story.id)
                elif len(out) < limit:
                    out.append(story)
                elif held is None:
                    break
            rows.close()
        return out, held_back

    def stories_by_id(self, ids: Sequence[int]) -> list[Story]:
        out: list[Story] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            out += [
                _story(r) for r in self._all(_STORY_SELECT + f" WHERE a.id IN ({marks})", chunk)
            ]
        return out

    def copies(self, article_id: int) -> list[Story]:
        """Other outlets carrying the same story (near-duplicates folded under it)."""
        return [
            _story(r)
            for r in self._all(
                _STORY_SELECT + " WHERE m.duplicate_of = ? ORDER BY a.first_seen", (article_id,)
            )
        ]

    def search(self, query: str, *, limit: int = 200) -> list[Story]:
        """Full-text search over title, summary and text. The query is taken as plain words,
        all of which must match, each as a prefix: `protest` finds "protests", `Сафаров`
        finds "Сафаровых"; a trailing `*` is allowed and changes nothing. See `fts_query`."""
        match = fts_query(query)
        if not match:
            return []
        return [
            _story(r)
            for r in self._all(
                _STORY_SELECT + " JOIN articles_fts ON articles_fts.rowid = a.id"
                " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?",
                (match, limit),
            )
        ]  # fmt: skip

    def new_since(self, since: datetime | None, *, limit: int = 500) -> list[Story]:
        """Stories first seen after `since` (copies folded, hidden left out), newest first by
        the time the lists show (published, else first seen): after a first fetch everything
        arrived at once, and arrival order looked random beside the publish times. Seed texts
        (no feed) are never news: their first seen is only when the cache was made."""
        return [
            _story(r)
            for r in self._all(
                _STORY_SELECT + " WHERE a.first_seen > ? AND coalesce(t.hidden, 0) = 0"
                " AND a.feed_id IS NOT NULL"
                " AND m.duplicate_of IS NULL"
                " ORDER BY coalesce(a.published, a.first_seen) DESC, a.id DESC LIMIT ?",
                (to_db(since) or "", limit),
            )
        ]  # fmt: skip

    def marked(self) -> list[Story]:
        """The stories marked for the briefing, oldest first; a hidden one is left out (hiding
        takes a story out of every list and every export, marked or not)."""
        return [
            _story(r)
            for r in self._all(
                _STORY_SELECT + " WHERE t.in_briefing = 1 AND coalesce(t.hidden, 0) = 0"
                " ORDER BY coalesce(a.published, a.first_seen)"
            )
        ]  # fmt: skip

    def max_article_id(self) -> int:
        """The largest article id stored (0: none). Ids grow in commit order (one writer at a
        time; articles are never deleted), so every article committed after this read has a
        larger one: an export remembers it as the point the next one starts from."""
        row = self._one("SELECT coalesce(max(id), 0) FROM articles")
        return int(row[0]) if row else 0

    def stories_between(
        self, since: datetime | None, until: datetime | None = None, *,
        after_id: int | None = None, upto_id: int | None = None,
    ) -> list[Story]:  # fmt: skip
        """Stories first seen in (since, until], oldest first, hidden ones left out; seed texts
        (no feed) too: they have no publication date, and their first seen is only when the
        cache was made, so they never count as news in a window (mark one to export it).
        `after_id`: instead of by `since`, the stories stored after that article (ids grow in
        commit order: see `max_article_id`); `upto_id`: none stored after that one."""
        where = ["a.first_seen > ?" if after_id is None else "a.id > ?", "a.first_seen <= ?"]
        params: list[Any] = [(to_db(since) or "") if after_id is None else after_id]
        params.append(to_db(until) or "9999")
        if upto_id is not None:
            where.append("a.id <= ?")
            params.append(upto_id)
        return [
            _story(r)
            for r in self._all(
                _STORY_SELECT + " WHERE " + " AND ".join(where)
                + " AND coalesce(t.hidden, 0) = 0 AND a.feed_id IS NOT NULL"
                " ORDER BY coalesce(a.published, a.first_seen)",
                params,
            )
        ]  # fmt: skip

    def set_triage(self, article_id: int, **flags: bool) -> dict[str, bool]:
        """Set any of read/starred/in_briefing/hidden at once; returns the previous values."""
        allowed = {"read", "starred", "in_briefing", "hidden"}
        if not flags or set(flags) - allowed:
            raise ValueError(f"unknown triage flags: {sorted(set(flags) - allowed)}")
        with self._write() as db:
            row = db.execute(
                "SELECT read, starred, in_briefing, hidden FROM triage WHERE article_id = ?",
                (article_id,),
            ).fetchone() or (0, 0, 0, 0)
            before = dict(
                zip(("read", "starred", "in_briefing", "hidden"), map(bool, row), strict=True)
            )
            after = {**before, **flags}
            db.execute(
                "INSERT OR REPLACE INTO triage (article_id, read, starred, in_briefing, hidden,"
                " changed) VALUES (?, ?, ?, ?, ?, ?)",
                (article_id, int(after["read"]), int(after["starred"]), int(after["in_briefing"]),
                 int(after["hidden"]), to_db(utcnow())),
            )  # fmt: skip
            return before

    def set_triage_many(self, article_ids: Sequence[int], **flags: bool) -> None:
        """`set_triage` for several stories in one transaction (`briefing mark`): all of them
        or, on a failure (a lock held past the busy timeout), none."""
        allowed = {"read", "starred", "in_briefing", "hidden"}
        if not flags or set(flags) - allowed:
            raise ValueError(f"unknown triage flags: {sorted(set(flags) - allowed)}")
        names = sorted(flags)
        now = to_db(utcnow())
        with self._write() as db:
            db.executemany(
                f"INSERT INTO triage (article_id, {', '.join(names)}, changed)"
                f" VALUES (?, {', '.join('?' for _ in names)}, ?) ON CONFLICT(article_id)"
                f" DO UPDATE SET {', '.join(f'{n} = excluded.{n}' for n in names)},"
                " changed = excluded.changed",
                [(i, *(int(flags[n]) for n in names), now) for i in article_ids],
            )

    def clear_briefing(self) -> list[int]:
        """Take every story out of the briefing, hidden ones too (`marked` leaves those out,
        but one unhidden later would be in the next export); returns the ids it unmarked."""
        with self._write() as db:
            ids = [r[0] for r in db.execute("SELECT article_id FROM triage WHERE in_briefing = 1")]
            db.execute(
                "UPDATE triage SET in_briefing = 0, changed = ? WHERE in_briefing = 1",
                (to_db(utcnow()),),
            )
            return ids

    def mark_thread_read(self, thread_id: int) -> list[int]:
        """Mark every story of a thread read; returns the ids that were unread (for undo)."""
        with self._write() as db:
            ids = [
                r[0]
                for r in db.execute(
                    "SELECT m.article_id FROM membership m LEFT JOIN triage t"
                    " ON t.article_id = m.article_id WHERE m.thread_id = ?"
                    " AND coalesce(t.read, 0) = 0",
                    (thread_id,),
                )
            ]
            now = to_db(utcnow())
            for article_id in ids:
                db.execute(
                    "INSERT INTO triage (article_id, read, changed) VALUES (?, 1, ?)"
                    " ON CONFLICT(article_id) DO UPDATE SET read = 1, changed = excluded.changed",
                    (article_id, now),
                )
            return ids

    def mark_unread(self, article_ids: Sequence[int]) -> None:
        """Mark these stories unread again, in one transaction (the undo of
        `mark_thread_read`, which returned them)."""
        now = to_db(utcnow())
        with self._write() as db:
            db.executemany(
                "UPDATE triage SET read = 0, changed = ? WHERE article_id = ?",
                [(now, article_id) for article_id in article_ids],
            )

    def engine_texts(self, ids: Sequence[int]) -> list[EngineText]:
        """What the thread engine reads of these stories, in one light query (`EngineText`)."""
        out: list[EngineText] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            out += map(_engine_text, self._all(_ENGINE_SELECT + f" WHERE a.id IN ({marks})", chunk))
        return out

    def thread_texts(self, thread_id: int, limit: int = 50) -> list[tuple[EngineText, int | None]]:
        """A thread's latest `limit` stories (copies and hidden ones included), newest first,
        as the engine reads them, each with the story it is a copy of (or None): what
        rebuilds the engine's view of the thread."""
        rows = self._all(
            _ENGINE_SELECT.replace("SELECT ", "SELECT m.duplicate_of, ", 1)
            + " JOIN membership m ON m.article_id = a.id WHERE m.thread_id = ?"
            " ORDER BY coalesce(a.published, a.first_seen) DESC, a.id DESC LIMIT ?",
            (thread_id, limit),
        )
        return [(_engine_text(r[1:]), r[0]) for r in rows]

    # ------------------------------------------------------------------ undo of a move
    def placement(self, article_id: int) -> tuple[Any, ...] | None:
        """A story's membership row, exactly: (article_id, thread_id, decided_by, duplicate_of,
        score, decided_at); None when it is in no thread. What an undo puts back."""
        return self._one(
            "SELECT article_id, thread_id, decided_by, duplicate_of, score, decided_at"
            " FROM membership WHERE article_id = ?",
            (article_id,),
        )

    def copy_placements(self, article_id: int) -> list[tuple[Any, ...]]:
        """The membership rows of the copies folded under a story (they follow it on a move)."""
        return self._all(
            "SELECT article_id, thread_id, decided_by, duplicate_of, score, decided_at"
            " FROM membership WHERE duplicate_of = ? ORDER BY article_id",
            (article_id,),
        )

    def restore_placement(
        self, rows: Sequence[tuple[Any, ...]], *, clear: Sequence[int] = (),
        only_in: int | None = None,
    ) -> int:  # fmt: skip
        """Put membership rows back exactly as `placement()` read them (one transaction); the
        stories in `clear` had no row before and lose theirs. Every thread touched is updated.
        A row naming a thread merged since it was read goes to the live thread it was merged
        into (`_live_thread`).

        `only_in` (an undo): only the stories still in that thread (or where it was merged)
        go back; one moved since by someone else (`briefing move` in another window) stays
        where that put it. Returns how many were left so."""
        with self._write() as db:
            left = 0
            if only_in is not None:
                live = self._live_thread(db, only_in)

                def still_there(article_id: int) -> bool:
                    row = db.execute(
                        "SELECT thread_id FROM membership WHERE article_id = ?", (article_id,)
                    ).fetchone()
                    return row is not None and self._live_thread(db, row[0]) == live

                kept_rows = [row for row in rows if still_there(row[0])]
                kept_clear = [i for i in clear if still_there(i)]
                left = len(rows) + len(clear) - len(kept_rows) - len(kept_clear)
                rows, clear = kept_rows, kept_clear
            rows = [(row[0], self._live_thread(db, row[1]), *row[2:]) for row in rows]
            touched: set[int] = set()
            ids = [row[0] for row in rows] + list(clear)
            for article_id in ids:
                old = db.execute(
                    "SELECT thread_id FROM membership WHERE article_id = ?", (article_id,)
                ).fetchone()
                if old:
                    touched.add(old[0])
            db.executemany("DELETE FROM membership WHERE article_id = ?", [(i,) for i in clear])
            db.executemany(
                "INSERT OR REPLACE INTO membership (article_id, thread_id, decided_by,"
                " duplicate_of, score, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
                [tuple(row) for row in rows],
            )
            touched.update(row[1] for row in rows)
            for thread_id in touched:
                self._touch_thread(db, thread_id)
            return left

    def delete_thread_if_empty(self, thread_id: int) -> bool:
        """Delete a thread that holds no story, is not pinned, has no seed and nothing was
        merged into it (the undo of "move to a new thread"); returns whether it was deleted."""
        with self._write() as db:
            cur = db.execute(
                "DELETE FROM threads WHERE id = ? AND pinned = 0 AND seed_key IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM membership WHERE thread_id = ?)"
                " AND NOT EXISTS (SELECT 1 FROM threads WHERE merged_into = ?)",
                (thread_id, thread_id, thread_id),
            )
            return cur.rowcount > 0

    def delete_empty_threads(
        self, *, older_than: timedelta = timedelta(hours=1), now: datetime | None = None
    ) -> int:
        """Delete the engine's threads that hold no story at all (not even a hidden one): the
        "New thread" rows a killed engine run opened and never filled. Returns how many.

        Kept: threads with any user state (pinned, muted, a seed, a user's title: renamed or
        created by the user), merged ones and those something was merged into (a merge's
        undo needs both), threads created within `older_than` (a run may be filling them right
        now: it opens a thread before it writes the thread's stories), and threads that lost
        their stories to a move (their `updated` was reset to NULL then: an open app's undo
        may put the stories back). Only reads when there is nothing to delete."""
        cutoff = to_db((now or utcnow()) - older_than)
        where = (
            "t.pinned = 0 AND t.muted = 0 AND t.user_title = 0 AND t.seed_key IS NULL"
            " AND t.merged_into IS NULL AND t.updated IS NOT NULL AND t.created < ?"
            " AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.thread_id = t.id)"
            " AND NOT EXISTS (SELECT 1 FROM threads s WHERE s.merged_into = t.id)"
        )
        if self._one(f"SELECT 1 FROM threads t WHERE {where} LIMIT 1", (cutoff,)) is None:
            return 0
        with self._write() as db:
            return db.execute(
                f"DELETE FROM threads WHERE id IN (SELECT t.id FROM threads t WHERE {where})",
                (cutoff,),
            ).rowcount

    # ------------------------------------------------------------------ the app's status line
    def feed_health(self) -> tuple[int, int]:
        """(active feeds, how many of them are failing: status error, backoff or gone). A feed
        never tried yet ('new') is not failing. One small query, for the app's status line."""
        row = self._one(
            "SELECT count(*), coalesce(sum(status IN ('error', 'backoff', 'gone')), 0)"
            " FROM feeds WHERE active = 1"
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def data_version(self) -> int:
        """SQLite's `PRAGMA data_version` on this connection: it changes when ANOTHER connection
        commits (a CLI command, a cron fetch, the app's own refresh worker), never for this
        connection's own writes. Costs microseconds; the app polls it to see outside changes."""
        row = self._one("PRAGMA data_version")
        return int(row[0]) if row else 0
