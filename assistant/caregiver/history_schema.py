"""The history database's schema, as a list of migrations.

`PRAGMA user_version` holds how many migrations a database has had. Opening a database runs
the missing ones in order, each in its own transaction, so a database from any earlier
version (0: a new, empty file) reaches the latest. Add a migration to the end of
`MIGRATIONS`; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _create_tables(conn: sqlite3.Connection) -> None:
    """Version 1: sessions, walked seconds per interval, and every event as it was logged."""
    conn.execute(
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            script_name TEXT NOT NULL,
            script_path TEXT NOT NULL,
            walker TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL
                CHECK (status IN ('running', 'completed', 'ended_early', 'interrupted')),
            end_reason TEXT,
            walked_s REAL NOT NULL DEFAULT 0,
            safety_events INTEGER NOT NULL DEFAULT 0,
            planned_walk_s REAL,
            planned_intervals INTEGER,
            pid INTEGER
        )"""
    )
    conn.execute(
        """CREATE TABLE intervals (
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            walked_s REAL NOT NULL,
            PRIMARY KEY (session_id, number)
        )"""
    )
    conn.execute(
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            t_s REAL NOT NULL,
            type TEXT NOT NULL,
            json TEXT NOT NULL
        )"""
    )


def _add_dizzy_count_and_indexes(conn: sqlite3.Connection) -> None:
    """Version 2: dizziness counted on its own (progression eases off after it), filled in
    from the events already stored; indexes for the history and report queries."""
    conn.execute("ALTER TABLE sessions ADD COLUMN dizzy_events INTEGER NOT NULL DEFAULT 0")
    conn.execute(
        """UPDATE sessions SET dizzy_events = (
            SELECT COUNT(*) FROM events
            WHERE events.session_id = sessions.id AND events.type = 'intent'
              AND json_extract(events.json, '$.intent') = 'dizzy'
        )"""
    )
    conn.execute("CREATE INDEX events_by_session ON events (session_id, id)")
    conn.execute("CREATE INDEX sessions_by_start ON sessions (started_at)")


#: Migration N (1-based) takes a database from version N-1 to version N.
MIGRATIONS: list[Migration] = [_create_tables, _add_dizzy_count_and_indexes]
LATEST_VERSION = len(MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's schema version (0 for a new file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST_VERSION) -> int:
    """Run the missing migrations up to `target`; returns the version reached.

    `conn` must be in autocommit mode (isolation_level=None): each step is its own explicit
    transaction, so a failure leaves the database at the last complete version."""
    version = schema_version(conn)
    if version > LATEST_VERSION:
        raise sqlite3.DatabaseError(
            f"schema version {version} is newer than this RetroWalk knows ({LATEST_VERSION})"
        )
    for number in range(version + 1, target + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number - 1](conn)
            # PRAGMA takes no parameters; `number` is an int from our own range.
            conn.execute(f"PRAGMA user_version = {number:d}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return schema_version(conn)
