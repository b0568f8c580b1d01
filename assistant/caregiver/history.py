"""Session history in SQLite: what was walked, what was said, every safety event.

`HistoryRecorder.on_event` writes each event the moment it happens, in one transaction with
the totals it changes (WAL mode, a commit per event), so a process killed mid-session loses
nothing already said or done and leaves consistent totals. When a database is opened,
sessions still marked "running" whose process is gone become "interrupted".

The file is health data: it is created with mode 0600, and an existing one is set to 0600.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.caregiver.history_schema import migrate
from assistant.caregiver.records import SessionRecord, SessionUpdate, WalkTally
from assistant.core.errors import StoreError
from assistant.core.events import SessionEvent
from assistant.core.paths import data_dir
from assistant.script.model import ExerciseScript

_LOGGER = logging.getLogger(__name__)

_ADVICE = {
    "corrupt": "Move the file aside (rename it) and RetroWalk will start a new one, "
    "or choose another file with --db.",
    "access": "Check that the file and its folder are writable by you, "
    "or choose another file with --db.",
    "locked": "Another program (another RetroWalk session?) is writing to it; "
    "wait until it has finished, or close it, and try again.",
}
#: How long an ordinary command waits for another program's write to finish.
WAIT_FOR_LOCK_S = 10.0


def default_db_path() -> Path:
    """Where the history lives unless `--db` says otherwise."""
    return data_dir() / "history.sqlite3"


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _problem_kind(err: Exception) -> str:
    """Which advice fits: "locked", "access" or "corrupt"."""
    text = str(err)
    if isinstance(err, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return "locked"
    if isinstance(err, OSError) or "readonly" in text or "unable to open" in text:
        return "access"
    return "corrupt"


def _record_from_row(row: sqlite3.Row) -> SessionRecord:
    ended = row["ended_at"]
    return SessionRecord(
        id=row["id"],
        script_name=row["script_name"],
        script_path=row["script_path"],
        walker=row["walker"],
        started_at=datetime.fromisoformat(row["started_at"]),
        ended_at=datetime.fromisoformat(ended) if ended else None,
        status=row["status"],
        end_reason=row["end_reason"],
        walked_s=float(row["walked_s"]),
        safety_events=int(row["safety_events"]),
        dizzy_events=int(row["dizzy_events"]),
        planned_walk_s=row["planned_walk_s"],
        planned_intervals=row["planned_intervals"],
    )


class HistoryStore:
    """The history database: opened (created 0600, migrated, repaired) on construction."""

    def __init__(self, path: Path | None = None, must_exist: bool = False) -> None:
        """Open (or create) the history at `path`; with `must_exist`, a file that is not
        there is an error (a mistyped --db) instead of a new, empty history."""
        self.path = Path(path) if path is not None else default_db_path()
        if must_exist and not self.path.is_file():
            problem = "is a folder" if self.path.is_dir() else "does not exist"
            raise StoreError(f"history database {self.path} {problem}; check the --db path "
                             f"(the default history is {default_db_path()})")
        self._lock = threading.RLock()
        with self._guard("open"):
            self._conn = self._connect()
            migrate(self._conn)
        self.mark_interrupted()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Created by us with 0600 before sqlite sees it: sqlite would use the umask (0644).
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=WAIT_FOR_LOCK_S
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a killed process loses no committed event (only power loss may).
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn sqlite and file errors into one StoreError line: path, problem, what to do."""
        try:
            yield
        except (sqlite3.DatabaseError, OSError) as err:
            advice = _ADVICE[_problem_kind(err)]
            raise StoreError(
                f"history database {self.path}: could not {action} ({err}). {advice}"
            ) from err

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        with self._lock, self._guard(action):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def set_lock_wait(self, seconds: float) -> None:
        """How long a write waits for another program's lock before it fails ("locked")."""
        with self._lock:
            self._conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000):d}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start_session(
        self, session_id: str, script: ExerciseScript, started_at: datetime
    ) -> None:
        """Add a "running" session owned by this process."""
        with self._transaction("start a session") as conn:
            conn.execute(
                "INSERT INTO sessions (id, script_name, script_path, walker, started_at,"
                " status, planned_walk_s, planned_intervals, pid)"
                " VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)",
                (session_id, script.name, script.source, script.walker,
                 started_at.isoformat(timespec="seconds"), script.walking.walk_s,
                 script.walking.intervals, os.getpid()),
            )

    def record_event(self, session_id: str, event: SessionEvent, update: SessionUpdate) -> None:
        """Store one event and the totals it changes, in one transaction."""
        with self._transaction("record an event") as conn:
            conn.execute(
                "INSERT INTO events (session_id, t_s, type, json) VALUES (?, ?, ?, ?)",
                (session_id, event.t_s, event.type, event.to_json_line()),
            )
            self._apply(conn, session_id, update)

    def _apply(self, conn: sqlite3.Connection, session_id: str, update: SessionUpdate) -> None:
        if update.interval is not None:
            conn.execute(
                "INSERT OR REPLACE INTO intervals (session_id, number, walked_s) VALUES (?, ?, ?)",
                (session_id, *update.interval),
            )
        if update.walked_s is not None:
            conn.execute("UPDATE sessions SET walked_s = ? WHERE id = ?", (update.walked_s,
                                                                           session_id))
        if update.safety or update.dizzy:
            conn.execute(
                "UPDATE sessions SET safety_events = safety_events + ?,"
                " dizzy_events = dizzy_events + ? WHERE id = ?",
                (update.safety, update.dizzy, session_id),
            )
        if update.ending is not None:
            conn.execute(
                "UPDATE sessions SET status = ?, end_reason = ?, ended_at = ? WHERE id = ?",
                (*update.ending, session_id),
            )

    def update_session(self, session_id: str, update: SessionUpdate) -> None:
        """Change a session's totals or ending without a new event."""
        with self._transaction("update a session") as conn:
            self._apply(conn, session_id, update)

    def sessions(
        self, limit: int | None = None, since: datetime | None = None,
        script_name: str | None = None,
    ) -> list[SessionRecord]:
        """Sessions, newest first; optionally only since a time, or of one script."""
        query, params = "SELECT * FROM sessions WHERE 1 = 1", list[Any]()
        if since is not None:
            query += " AND started_at >= ?"
            params.append(since.isoformat(timespec="seconds"))
        if script_name is not None:
            query += " AND script_name = ?"
            params.append(script_name)
        query += " ORDER BY started_at DESC, rowid DESC LIMIT ?"
        params.append(-1 if limit is None else limit)
        with self._lock, self._guard("read the sessions"):
            return [_record_from_row(row) for row in self._conn.execute(query, params)]

    def session(self, session_id: str) -> SessionRecord | None:
        """One session by id, or None."""
        with self._lock, self._guard("read a session"):
            row = self._conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,))
            found = row.fetchone()
        return _record_from_row(found) if found else None

    def intervals(self, session_id: str) -> dict[int, float]:
        """Backward-walking seconds per interval number (1-based) of one session."""
        with self._lock, self._guard("read the intervals"):
            rows = self._conn.execute(
                "SELECT number, walked_s FROM intervals WHERE session_id = ? ORDER BY number",
                (session_id,),
            )
            return {int(row["number"]): float(row["walked_s"]) for row in rows}

    def events(self, session_id: str) -> list[dict[str, Any]]:
        """One session's event log, in order, as the contract's JSON objects."""
        with self._lock, self._guard("read the events"):
            rows = self._conn.execute(
                "SELECT json FROM events WHERE session_id = ? ORDER BY id", (session_id,)
            )
            return [json.loads(row["json"]) for row in rows]

    def mark_interrupted(self) -> list[str]:
        """Sessions "running" whose process is gone become "interrupted", with their walked
        time counted up to their last event. Returns their ids."""
        with self._lock, self._guard("read the sessions"):
            rows = self._conn.execute(
                "SELECT id, pid, started_at FROM sessions WHERE status = 'running'"
            ).fetchall()
        stale = [row for row in rows if not _pid_alive(row["pid"])]
        for row in stale:
            self._repair(row["id"], datetime.fromisoformat(row["started_at"]))
        return [row["id"] for row in stale]

    def _repair(self, session_id: str, started_at: datetime) -> None:
        events = [_event_from_record(record) for record in self.events(session_id)]
        tally = WalkTally()
        for event in events:
            tally.feed(event)
        last_t_s = events[-1].t_s if events else 0.0
        tally.close(last_t_s)
        ended_at = (started_at + timedelta(seconds=last_t_s)).isoformat(timespec="seconds")
        with self._transaction("mark an interrupted session") as conn:
            for number, walked_s in tally.by_interval.items():
                self._apply(conn, session_id, SessionUpdate(interval=(number, walked_s)))
            self._apply(conn, session_id, SessionUpdate(
                walked_s=tally.total_s, ending=("interrupted", "process_ended", ended_at)))
        _LOGGER.info("session %s was interrupted; marked as such", session_id)


def _event_from_record(record: Mapping[str, Any]) -> SessionEvent:
    fields = {k: v for k, v in record.items() if k not in ("t", "type")}
    return SessionEvent(str(record["type"]), float(record["t"]), fields)
