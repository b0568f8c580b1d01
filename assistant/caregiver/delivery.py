"""Alert delivery: one supervised worker thread, a queue of attempts, every attempt reported.

Every channel's attempt has a hard deadline (`channels.py`); anything it raises, ours or
foreign, becomes a failed attempt. A failed attempt is retried after a backoff (base, 2x,
4x...) timed on the session's clock, so a simulated session's retries follow its audio.
A resend queued behind a slow attempt replaces the one still waiting for the same channel
(newer news, and the queue stays bounded). The worker is a daemon thread: the program never
waits for it beyond `close()`, whose bounded drain reports every attempt left undone.
Supervision: a worker that dies is replaced, and one stuck past an attempt's deadline (a
hung name lookup, say) is abandoned and replaced, its attempt reported as failed.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.caregiver.channels import deliver, describe_channel
from assistant.core.clock import Clock
from assistant.core.errors import AlertError
from assistant.script.model import AlertChannel

_LOGGER = logging.getLogger(__name__)

#: How often (real seconds) the worker looks at the session's clock while a retry waits.
_POLL_S = 0.05
#: Beyond its deadline, how long an attempt may run before the worker is declared stuck.
STUCK_GRACE_S = 2.0
#: At close, how long to wait for a report being written when the drain time is up.
_REPORT_WAIT_S = 1.0


@dataclass(frozen=True)
class AttemptReport:
    """One delivery attempt (or one given up at close): which alert, channel, and how."""

    kind: str
    channel_index: int
    channel: str
    number: int
    total: int
    ok: bool
    detail: str
    at_s: float
    final: bool
    """True when no more attempts follow for this alert on this channel."""


@dataclass(order=True)
class _Job:
    due_s: float
    order: int
    kind: str = field(compare=False)
    channel_index: int = field(compare=False)
    channel: AlertChannel = field(compare=False)
    payload_json: str = field(compare=False)
    number: int = field(compare=False, default=1)

    @property
    def total(self) -> int:
        return 1 + max(self.channel.retries, 0)


class DeliveryWorker:
    """Delivers alerts in one background thread; `report` hears of every attempt."""

    def __init__(self, clock: Clock, report: Callable[[AttemptReport], None],
                 base_delay_s: float = 1.0,
                 attempt: Callable[[AlertChannel, str], str] = deliver) -> None:
        self._clock, self._report, self._attempt = clock, report, attempt
        self._base_delay_s = base_delay_s
        self._cond = threading.Condition()
        self._queue: list[_Job] = []
        self._order = itertools.count()
        self._busy: _Job | None = None
        self._busy_deadline_s = 0.0
        self._busy_started_s = 0.0
        self._reporting = False
        self._closed = False
        self._drain_from: tuple[float, float] | None = None
        self._generation = 0
        self._thread: threading.Thread | None = None
        # Attempts the supervisor gave up on, reported once the lock is released.
        self._orphans: list[tuple[_Job, str]] = []

    def submit(self, kind: str, channels: Sequence[AlertChannel], payload_json: str,
               at_s: float | None = None) -> None:
        """Queue a first attempt on every channel, due at `at_s` on the clock (default: now)."""
        now_s = self._now_s() if at_s is None else at_s
        with self._cond:
            if self._closed:
                return
            for index, channel in enumerate(channels):
                if not self._replace_waiting(kind, index, payload_json, now_s):
                    job = _Job(now_s, next(self._order), kind, index, channel, payload_json)
                    heapq.heappush(self._queue, job)
            self._supervise_locked()
            self._cond.notify_all()
        self._report_orphans()

    def cancel(self, kinds: Sequence[str], why: str) -> None:
        """Drop the waiting attempts of these kinds of alert, each reported as not made."""
        with self._cond:
            dropped = sorted(job for job in self._queue if job.kind in kinds)
            self._queue = [job for job in self._queue if job.kind not in kinds]
            heapq.heapify(self._queue)
        for job in dropped:
            self._give_up(job, why)

    def supervise(self) -> None:
        """Replace a worker that died or is stuck past its attempt's deadline."""
        with self._cond:
            self._supervise_locked()
        self._report_orphans()

    def wait_settled(self, timeout_s: float) -> bool:
        """Wait until no attempt is under way or due now (on the clock); True if so in time.

        For a caller that moves a simulated clock itself and wants each attempt made (and
        reported) before time moves on, so that its log is the same every time."""
        deadline_s = time.monotonic() + timeout_s
        with self._cond:
            while self._unsettled() and time.monotonic() < deadline_s:
                self._cond.wait(min(max(deadline_s - time.monotonic(), 0.0), _POLL_S))
            return not self._unsettled()

    def _unsettled(self) -> bool:
        due_now = bool(self._queue) and self._queue[0].due_s <= self._now_s()
        return self._busy is not None or due_now

    def close(self, timeout_s: float) -> bool:
        """Drain for up to `timeout_s` real seconds; report what is left undone as failed.

        From now on retries wait in real time, also when the session's clock has stopped
        (a simulation whose audio has ended). True when everything was attempted in time."""
        deadline_s = time.monotonic() + timeout_s
        with self._cond:
            self._drain_from = (self._clock.now_s(), time.monotonic())
            self._cond.notify_all()
            while (self._queue or self._busy) and time.monotonic() < deadline_s:
                self._supervise_locked()
                self._cond.wait(min(max(deadline_s - time.monotonic(), 0.0), 0.1))
            self._closed = True
            report_end_s = time.monotonic() + _REPORT_WAIT_S
            while self._reporting and time.monotonic() < report_end_s:
                self._cond.wait(0.05)
            left = sorted(self._queue)
            in_flight = None if self._reporting else self._busy
            self._queue.clear()
            self._cond.notify_all()
        self._report_orphans()
        if in_flight is not None:
            self._give_up(in_flight, "was still under way when the program ended")
        for job in left:
            self._give_up(job, "had not started when the program ended")
        return not left and in_flight is None

    # ----- the worker thread -----

    def _now_s(self) -> float:
        now_s = self._clock.now_s()
        if self._drain_from is None:
            return now_s
        clock_s, real_s = self._drain_from
        return max(now_s, clock_s + time.monotonic() - real_s)

    def _supervise_locked(self) -> None:
        if self._thread is None and not self._queue:
            return  # nothing was ever sent: no worker is needed yet
        alive = self._thread is not None and self._thread.is_alive()
        stuck = self._busy is not None and not self._reporting and (
            time.monotonic() > self._busy_deadline_s + STUCK_GRACE_S)
        if alive and not stuck:
            return
        if stuck and self._busy is not None:
            job, self._busy = self._busy, None
            _LOGGER.warning("alert delivery was stuck on %s; starting afresh",
                            describe_channel(job.channel))
            self._reschedule(job, "did not end by its deadline")
        if self._closed:
            return
        self._generation += 1
        self._thread = threading.Thread(target=self._run, args=(self._generation,),
                                        name="alert-delivery", daemon=True)
        self._thread.start()

    def _run(self, generation: int) -> None:
        while True:
            job = self._next_job(generation)
            if job is None:
                return
            ok, detail = self._try(job)
            self._finish(generation, job, ok, detail)

    def _next_job(self, generation: int) -> _Job | None:
        with self._cond:
            while not self._closed and generation == self._generation:
                if self._queue and self._queue[0].due_s <= self._now_s():
                    job = heapq.heappop(self._queue)
                    self._busy, self._busy_started_s = job, self._now_s()
                    self._busy_deadline_s = time.monotonic() + job.channel.timeout_s
                    return job
                # While a retry waits, the session's clock moves without telling us.
                self._cond.wait(_POLL_S if self._queue else None)
            return None

    def _try(self, job: _Job) -> tuple[bool, str]:
        try:
            return True, self._attempt(job.channel, job.payload_json)
        except AlertError as err:
            return False, _printable_line(str(err)) or "failed"
        except Exception as err:  # every failure, ours or foreign, is a failed attempt
            text = _printable_line(str(err))
            return False, f"{type(err).__name__}: {text}" if text else type(err).__name__

    def _finish(self, generation: int, job: _Job, ok: bool, detail: str) -> None:
        with self._cond:
            if self._closed or generation != self._generation or self._busy is not job:
                return  # given up at close, or by the supervisor: already reported
            self._reporting = True
            at_s = self._busy_started_s
        try:
            self._emit(job, ok, detail, at_s, final=ok or job.number >= job.total)
        finally:
            with self._cond:
                self._busy, self._reporting = None, False
                if not ok:
                    self._reschedule(job, None)
                self._cond.notify_all()

    def _reschedule(self, job: _Job, failure: str | None) -> None:
        """Queue the next attempt after a failure (called with the lock held)."""
        if failure is not None:
            self._orphans.append((job, f"the attempt {failure}"))
        if job.number >= job.total or self._closed:
            return
        delay_s = self._base_delay_s * 2 ** (job.number - 1)
        retry = _Job(self._now_s() + delay_s, next(self._order), job.kind, job.channel_index,
                     job.channel, job.payload_json, job.number + 1)
        heapq.heappush(self._queue, retry)

    def _replace_waiting(self, kind: str, index: int, payload_json: str, at_s: float) -> bool:
        """A resend takes the place of one waiting for its backoff, or behind a busy attempt."""
        for job in self._queue:
            waiting = job.number > 1 or self._busy is not None
            if waiting and job.kind == kind and job.channel_index == index:
                job.payload_json, job.due_s = payload_json, max(job.due_s, at_s)
                heapq.heapify(self._queue)
                return True
        return False

    def _report_orphans(self) -> None:
        with self._cond:
            orphans, self._orphans = self._orphans, []
        for job, detail in orphans:
            self._emit(job, False, detail, job.due_s, final=job.number >= job.total)

    def _give_up(self, job: _Job, why: str) -> None:
        self._emit(job, False, f"not delivered: attempt {job.number} of {job.total} {why}",
                   self._now_s(), final=True)

    def _emit(self, job: _Job, ok: bool, detail: str, at_s: float, final: bool) -> None:
        report = AttemptReport(job.kind, job.channel_index, describe_channel(job.channel),
                               job.number, job.total, ok, detail, at_s, final)
        try:
            self._report(report)
        except Exception:  # a broken log must never stop the next alert
            _LOGGER.exception("could not report an alert attempt")


def _printable_line(text: str) -> str:
    """The first line of `text`, control characters replaced: it goes to logs and screens."""
    lines = text.strip().splitlines()
    return "".join(c if c.isprintable() else "?" for c in lines[0]) if lines else ""
