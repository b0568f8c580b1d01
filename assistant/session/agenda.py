"""The session's agenda: what the clock will make happen, and when.

A timer here is data, not a thread (house style 1). `fire_due()` runs every item that has come
due by the clock's now, in time order, and while an item runs `now_s()` is that item's own due
time; so a large jump in simulated time is processed exactly as small steps would be. Items
due at the same time run by priority (lower first), then in the order they were scheduled.
Each item has a tag, so that a group of them (a question's re-asks) can be cancelled at once.
Pure: no I/O, no `time.*`; the clock is injected.

Time from the walker's point of view: with `follow_speech`, a countdown for an answer
(`after_speech`: a question's re-ask, the help window) starts when what is being said has
been heard, which the runner reports with `speech_finished(at_s)`; a voice that never
reports it holds the countdown back by `SPEECH_WAIT_CAP_S` at most.
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
#: The longest a countdown waits for the speech before it to be heard (a stuck voice must not
#: stop the clock: the help window ends, and the caregiver is called, all the same).
SPEECH_WAIT_CAP_S = 30.0


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

    def __init__(self, clock: Clock, follow_speech: bool = False) -> None:
        self._clock = clock
        self._follow_speech = follow_speech
        # Countdowns waiting for the speech to be heard, each with its delay after it.
        self._held: list[tuple[_Due, float]] = []
        self._items: list[_Due] = []
        self._order = itertools.count()
        self._due_now_s: float | None = None

    def now_s(self) -> float:
        """The time of what is happening: a due item's own time while `fire_due` runs it."""
        return self._due_now_s if self._due_now_s is not None else self._clock.now_s()

    def schedule(self, at_s: float, priority: int, tag: str, action: Callable[[], object]) -> None:
        """Run `action` once the clock reaches `at_s`."""
        heapq.heappush(self._items, _Due(at_s, priority, next(self._order), tag, action))

    def after_speech(self, delay_s: float, priority: int, tag: str,
                     action: Callable[[], object]) -> None:
        """Run `action` `delay_s` after what is being said has been heard (with
        `follow_speech`; else `delay_s` from now)."""
        now_s = self.now_s()
        if not self._follow_speech:
            self.schedule(now_s + delay_s, priority, tag, action)
            return
        due = _Due(now_s + delay_s + SPEECH_WAIT_CAP_S, priority, next(self._order), tag, action)
        heapq.heappush(self._items, due)
        self._held.append((due, delay_s))

    def speech_finished(self, at_s: float) -> None:
        """Everything said so far has been heard by `at_s`: held countdowns start there."""
        if not self._held:
            return
        for due, delay_s in self._held:
            due.at_s = min(due.at_s, at_s + delay_s)
        self._held.clear()
        heapq.heapify(self._items)

    def cancel(self, tag: str) -> None:
        """Drop every item with this tag that has not run yet."""
        self._items = [due for due in self._items if due.tag != tag]
        self._held = [(due, delay_s) for due, delay_s in self._held if due.tag != tag]
        heapq.heapify(self._items)

    def due_s(self, tag: str) -> float | None:
        """When the first item with this tag is due; None when there is none."""
        times = [due.at_s for due in self._items if due.tag == tag]
        return min(times) if times else None

    def clear(self) -> None:
        """Drop everything not yet run (a state is left, or the session is done)."""
        self._items.clear()
        self._held.clear()

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
        self._schedule_re_ask(ask, every_s, re_asks, give_up)

    def _schedule_re_ask(
        self,
        ask: Callable[[], object],
        every_s: float,
        re_asks: int,
        give_up: Callable[[], object],
    ) -> None:
        # Each wait starts when the question (asked again) has been heard.
        def on_timeout() -> None:
            if re_asks <= 0:
                give_up()
                return
            ask()
            self._schedule_re_ask(ask, every_s, re_asks - 1, give_up)

        self.after_speech(every_s, _ASK_PRIORITY, PROMPT_TAG, on_timeout)

    def repeat(self, say: Callable[[], object], every_s: float) -> None:
        """Say now, and again every `every_s`, until the agenda is cleared."""
        self._repeat_from(say, every_s, self.now_s())

    def _repeat_from(self, say: Callable[[], object], every_s: float, at_s: float) -> None:
        say()
        next_s = at_s + every_s
        self.schedule(next_s, _ASK_PRIORITY, "repeat", partial(self._repeat_from, say, every_s,
                                                               next_s))
