"""The JSON Lines event log (`--log FILE`): one contract record per line, flushed at once,
so a killed process loses nothing already written. A new log file is created 0600, as the
history is: it says what the walker said and felt."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TextIO

from assistant.core.errors import RetroWalkError
from assistant.core.events import SessionEvent


class EventLog:
    """Appends each event as a JSON line; safe to call from the alert delivery thread.

    Once a write has failed (a full disk), the file is given up: later writes raise the same
    error at once, without touching the disk, and the event fanout reports it once."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            self._file: TextIO | None = os.fdopen(descriptor, "a", encoding="utf-8")
        except OSError as err:
            raise RetroWalkError(
                f"cannot write the event log {self.path}: {err.strerror}; choose another --log"
            ) from err
        self._lock = threading.Lock()
        self._broken: RetroWalkError | None = None

    def write(self, event: SessionEvent) -> None:
        """Append one event and flush it; raises RetroWalkError when the file cannot take it."""
        with self._lock:
            if self._broken is not None:
                raise self._broken
            assert self._file is not None
            try:
                self._file.write(event.to_json_line() + "\n")
                self._file.flush()
            except (OSError, ValueError) as err:
                reason = err.strerror if isinstance(err, OSError) else str(err)
                self._broken = RetroWalkError(f"cannot write the event log {self.path}: {reason}")
                self._abandon()
                raise self._broken from err

    def close(self) -> None:
        with self._lock:
            self._abandon()

    def _abandon(self) -> None:
        # Whatever could not be flushed is lost anyway: closing must not raise it again.
        if self._file is None:
            return
        try:
            self._file.close()
        except OSError:
            pass
        self._file = None
