"""The cache's schema: one migration function per step, tracked with PRAGMA user_version."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from importlib import resources

from briefing.sanitize import clean_text, id_text

# "BRFG": marks the file as a briefing cache, so we never write into someone else's database.
APPLICATION_ID = 0x42524647
SEED_FILE = "azerbaijan-russia-crisis.txt"
SEED_THREAD_TITLE = "Azerbaijan–Russia crisis: Safarov deaths, AZAL crash, Sputnik Baku raid"
SEED_ARTICLE_TITLE = (
    "Azerbaijan–Russia crisis (seed article, Baku dateline; events of late June 2025)"
)


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run statements one by one: executescript() would COMMIT the migration's transaction."""
    statement = ""
    for line in sql.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement!r}")


def _v1(db: sqlite3.Connection, now: str) -> None:
    """Feeds, articles, threads, membership, triage, FTS; thread 1 = the seed thread."""
    _script(
        db,
        """
        CREATE TABLE feeds (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            tags TEXT NOT NULL DEFAULT '',
            title TEXT,
            active INTEGER NOT NULL DEFAULT 1,
            etag TEXT,
            last_modified TEXT,
            body_hash TEXT,
            last_checked TEXT,
            last_success TEXT,
            next_check TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            status TEXT NOT NULL DEFAULT 'new'
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
            key TEXT NOT NULL,
            link TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            summary TEXT NOT NULL DEFAULT '',
            author TEXT NOT NULL DEFAULT '',
            published TEXT,
            first_seen TEXT NOT NULL,
            text TEXT,
            lang TEXT,
            content_hash TEXT NOT NULL DEFAULT '',
            UNIQUE (feed_id, key)
        );
        CREATE INDEX articles_first_seen ON articles(first_seen);
        CREATE TABLE threads (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            user_title INTEGER NOT NULL DEFAULT 0,
            pinned INTEGER NOT NULL DEFAULT 0,
            muted INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL,
            updated TEXT,
            seed_key TEXT UNIQUE,
            merged_into INTEGER REFERENCES threads(id)
        );
        CREATE TABLE membership (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            decided_by TEXT NOT NULL CHECK (decided_by IN ('seed', 'engine', 'user')),
            duplicate_of INTEGER REFERENCES articles(id) ON DELETE SET NULL,
            score REAL,
            decided_at TEXT NOT NULL
        );
        CREATE INDEX membership_thread ON membership(thread_id);
        CREATE INDEX membership_dup ON membership(duplicate_of);
        CREATE TABLE triage (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            read INTEGER NOT NULL DEFAULT 0,
            starred INTEGER NOT NULL DEFAULT 0,
            in_briefing INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0,
            changed TEXT
        );
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, summary, text, content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, summary, text)
            VALUES (new.id, new.title, new.summary, coalesce(new.text, ''));
        END;
        CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, summary, text)
            VALUES ('delete', old.id, old.title, old.summary, coalesce(old.text, ''));
        END;
        CREATE TRIGGER articles_au AFTER UPDATE OF title, summary, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, summary, text)
            VALUES ('delete', old.id, old.title, old.summary, coalesce(old.text, ''));
            INSERT INTO articles_fts(rowid, title, summary, text)
            VALUES (new.id, new.title, new.summary, coalesce(new.text, ''));
        END;
        """,
    )
    seed = clean_text(resources.files("briefing.seeds").joinpath(SEED_FILE).read_text("utf-8"))
    # `updated` NULL: the seed article is no news (no publication date; its first seen is
    # only when the cache was made), so it never dates its thread (Store._touch_thread)
    db.execute(
        "INSERT INTO threads (id, title, pinned, created, updated, seed_key)"
        " VALUES (1, ?, 1, ?, NULL, ?)",
        (SEED_THREAD_TITLE, now, SEED_FILE),
    )
    cur = db.execute(
        "INSERT INTO articles (feed_id, key, title, summary, first_seen, text, lang)"
        " VALUES (NULL, ?, ?, ?, ?, ?, 'en')",
        (f"seed:{SEED_FILE}", SEED_ARTICLE_TITLE, seed.split("\n\n")[0][:600], now, seed),
    )
    db.execute(
        "INSERT INTO membership (article_id, thread_id, decided_by, decided_at) VALUES (?, 1, 'seed', ?)",
        (cur.lastrowid, now),
    )


def _v2(db: sqlite3.Connection, now: str) -> None:
    """Why extraction failed, per article; a key/value table for app state (last visit, export)."""
    _script(
        db,
        """
        ALTER TABLE articles ADD COLUMN extract_error TEXT;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE INDEX articles_published ON articles(coalesce(published, first_seen));
        """,
    )


def _v3(db: sqlite3.Connection, now: str) -> None:
    """The date found on the article page (ISO, as trafilatura gave it), kept beside the feed's."""
    _script(db, "ALTER TABLE articles ADD COLUMN page_date TEXT;")


def _v4(db: sqlite3.Connection, now: str) -> None:
    """Where a feed moved permanently (its last good fetch ended after 301/308 redirects only)."""
    _script(db, "ALTER TABLE feeds ADD COLUMN moved_to TEXT;")


def _v5(db: sqlite3.Connection, now: str) -> None:
    """Article keys without invisible characters, as entry_key now makes them: a story stored
    under "id\u034f" (or "id\u200b", stored before titles and keys lost zero-width spaces)
    is found again when its feed sends "id". A key whose cleaned form another story of the
    same feed already has (the copy that change made once) is left as it is."""
    rows = db.execute("SELECT id, key FROM articles WHERE feed_id IS NOT NULL").fetchall()
    for article_id, key in rows:
        if key.isascii():
            continue  # nothing invisible in it
        new = id_text(key)
        if new and new != key:
            db.execute("UPDATE OR IGNORE articles SET key = ? WHERE id = ?", (new, article_id))


def _v6(db: sqlite3.Connection, now: str) -> None:
    """How many times an article page failed for a reason a later try may not meet (a
    timeout, a broken connection, a 5xx): such a page is tried again by later fetches, up
    to a few times, before its failure is recorded for good."""
    _script(db, "ALTER TABLE articles ADD COLUMN page_tries INTEGER NOT NULL DEFAULT 0;")


def _v7(db: sqlite3.Connection, now: str) -> None:
    """A story whose feed item changed (a new headline, link or summary) after its page was
    read: its page is to be read again. Kept in the cache so that a run which could not read
    it (the page budget spent, the outlet asking to wait, `--no-articles`, a killed process)
    leaves it for the next one, as it leaves a page never read."""
    _script(db, "ALTER TABLE articles ADD COLUMN page_reread INTEGER NOT NULL DEFAULT 0;")


def _v8(db: sqlite3.Connection, now: str) -> None:
    """Outlets that answered an article page with 429 or 503 and a Retry-After: until when
    their pages wait (a later run does not ask them before that)."""
    _script(db, "CREATE TABLE host_waits (host TEXT PRIMARY KEY, until TEXT NOT NULL);")


MIGRATIONS: list[Callable[[sqlite3.Connection, str], None]] = [
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8,
]  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)
