"""The session's agenda: what the clock will make happen, and when.

A timer here is data, not a thread (house style 1). `fire_due()` runs every item that has come
due by the clock's now, in time order, and while an item runs `now_s()` is that item's own due
time; so a large jump in simulated time is processed exactly as small steps would be. Items
due at the same time run by priority (lower first), then in the order they were scheduled.
Each item has a tag, so that a group of them (a question's re-asks) can be cancelled at once.
Pure: no I/O, no `time.*`; the clock is injected.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from assistant.core.clock import Clock

#: Tag of a question's re-asks: a new question replaces the one still waiting.
PROMPT_TAG = "prompt"
#: Priority of re-asks and repeats: after phase marks (0), encouragements (1) and ends (2).
_ASK_PRIORITY = 3


@dataclass(order=True)
class _Due:
    """Something the clock will make happen: a cue, a phase end, a re-asked question."""

    at_s: float
    priority: int
    order: int
    tag: str = field(compare=False)
    action: Callable[[], object] = field(compare=False)


class Agenda:
    """The timed actions of one session: schedule, cancel by tag, fire what is due, re-ask."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._items: list[_Due] = []
        self._order = itertools.count()
        self._due_now_s: float | None = None

    def now_s(self) -> float:
        """The time of what is happening: a due item's own time while `fire_due` runs it."""
        return self._due_now_s if self._due_now_s is not None else self._clock.now_s()

    def schedule(self, at_s: float, priority: int, tag: str, action: Callable[[], object]) -> None:
        """Run `action` once the clock reaches `at_s`."""
        heapq.heappush(self._items, _Due(at_s, priority, next(self._order), tag, action))

    def cancel(self, tag: str) -> None:
        """Drop every item with this tag that has not run yet."""
        self._items = [due for due in self._items if due.tag != tag]
        heapq.heapify(self._items)

    def due_s(self, tag: str) -> float | None:
        """When the first item with this tag is due; None when there is none."""
        times = [due.at_s for due in self._items if due.tag == tag]
        return min(times) if times else None

    def clear(self) -> None:
        """Drop everything not yet run (a state is left, or the session is done)."""
        self._items.clear()

    def fire_due(self) -> None:
        """Run, in time order and each at its own time, everything due by the clock's now."""
        now_s = self._clock.now_s()
        # Re-read on every pass: an action may schedule, cancel or clear items.
        while self._items and self._items[0].at_s <= now_s + 1e-9:
            due = heapq.heappop(self._items)
            self._due_now_s = due.at_s
            try:
                due.action()
            finally:
                self._due_now_s = None

    def prompt(
        self,
        ask: Callable[[], object],
        every_s: float,
        re_asks: int,
        give_up: Callable[[], object],
    ) -> None:
        """Ask now, again every `every_s` up to `re_asks` times, then `give_up`.

        A question still waiting (tagged `PROMPT_TAG`) is replaced by this one.
        """
        self.cancel(PROMPT_TAG)
        ask()
        self._schedule_re_ask(ask, every_s, re_asks, give_up, self.now_s() + every_s)

    def _schedule_re_ask(
        self,
        ask: Callable[[], object],
        every_s: float,
        re_asks: int,
        give_up: Callable[[], object],
        at_s: float,
    ) -> None:
        def on_timeout() -> None:
            if re_asks <= 0:
                give_up()
                return
            ask()
            self._schedule_re_ask(ask, every_s, re_asks - 1, give_up, at_s + every_s)

        self.schedule(at_s, _ASK_PRIORITY, PROMPT_TAG, on_timeout)

    def repeat(self, say: Callable[[], object], every_s: float) -> None:
        """Say now, and again every `every_s`, until the agenda is cleared."""
        self._repeat_from(say, every_s, self.now_s())

    def _repeat_from(self, say: Callable[[], object], every_s: float, at_s: float) -> None:
        say()
        next_s = at_s + every_s
        self.schedule(next_s, _ASK_PRIORITY, "repeat", partial(self._repeat_from, say, every_s,
                                                               next_s))
