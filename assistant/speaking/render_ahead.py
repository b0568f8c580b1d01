"""A cue being rendered while the listening loop goes on (pyttsx3 can take many seconds).

`SpokenCues` asks for the next cue's audio ahead of time and plays it when it is ready, so
the assistant keeps hearing, and a "stop" is acted on, while it prepares speech.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

_Result = TypeVar("_Result")


class PendingRender(Generic[_Result]):
    """`make()` run on a daemon thread (one that hangs never keeps the program alive);
    `done` says when it has finished, `result()` gives its value or raises its error."""

    def __init__(self, make: Callable[[], _Result], in_background: bool = True) -> None:
        self._make = make
        self._finished = threading.Event()
        self._value: _Result | None = None
        self._error: BaseException | None = None
        if in_background:
            threading.Thread(target=self._run, name="render", daemon=True).start()
        else:  # simulated sessions: rendering takes no time on their clock
            self._run()

    @property
    def done(self) -> bool:
        """Has the render finished (well or not)?"""
        return self._finished.is_set()

    def result(self) -> _Result:
        """The rendered value; raises what the render raised. Call once `done`."""
        if not self._finished.is_set():
            raise RuntimeError("the render has not finished")
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def wait(self, timeout_s: float) -> bool:
        """Wait (real time) for the render to finish; True when it has."""
        return self._finished.wait(timeout_s)

    def _run(self) -> None:
        try:
            self._value = self._make()
        except BaseException as err:  # handed to whoever plays the cue: it ends safely
            self._error = err
        finally:
            self._finished.set()


def ready(value: _Result) -> PendingRender[_Result]:
    """A render that is already done (a cue found in the cache)."""
    return PendingRender(lambda: value, in_background=False)
