"""The JSON Lines event log (`--log FILE`): one contract record per line, flushed at once,
so a killed process loses nothing already written."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TextIO

from assistant.core.errors import RetroWalkError
from assistant.core.events import SessionEvent


class EventLog:
    """Appends each event as a JSON line; safe to call from the alert delivery thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file: TextIO = self.path.open("a", encoding="utf-8")
        except OSError as err:
            raise RetroWalkError(
                f"cannot write the event log {self.path}: {err.strerror}; choose another --log"
            ) from err
        self._lock = threading.Lock()

    def write(self, event: SessionEvent) -> None:
        with self._lock:
            self._file.write(event.to_json_line() + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()
