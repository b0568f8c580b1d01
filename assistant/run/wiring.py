"""Wires one session together: the event fanout and what listens to it (log, history,
alerts), the session machine, and the runner. Shared by `start`, `simulate` and `demo`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.core.clock import Clock
from assistant.core.event_log import EventLog
from assistant.core.events import Cue, CueKind, EventFanout
from assistant.run.runner import SessionRunner
from assistant.script.model import ExerciseScript
from assistant.session.machine import Session
from assistant.speaking.cue_output import CueOutput

if TYPE_CHECKING:
    from assistant.caregiver.alerts import Alerter
    from assistant.caregiver.history import HistoryStore
    from assistant.caregiver.recorder import HistoryRecorder

_LOGGER = logging.getLogger(__name__)

#: Seconds to wait at the end for alert deliveries still under way.
ALERT_DRAIN_S = 30.0
#: Beyond the channels' own deadlines, how long to wait for news of a lost-hearing alert.
NEWS_GRACE_S = 2.0


@dataclass
class WiredSession:
    """A session and everything it reports to; `close()` once it has finished."""

    script: ExerciseScript
    events: EventFanout
    session: Session
    runner: SessionRunner
    closers: list[Callable[[], object]] = field(default_factory=list)
    recorder: HistoryRecorder | None = None
    store: HistoryStore | None = None
    alerter: Alerter | None = None

    def say_progress_advice(self) -> None:
        """After a session, say how the programme will change next time (from the history)."""
        if self.store is None:
            return
        from assistant.caregiver.progression import spoken_advice

        try:
            advice = spoken_advice(self.store, self.script)
        except Exception:  # advice is a courtesy: never let it spoil the ending
            _LOGGER.exception("could not work out the progression advice")
            return
        if advice:
            self.runner.output.say(Cue(advice, CueKind.SUMMARY), self.session.voice)

    def say_undelivered_alert(self) -> None:
        """Before the program ends: when the lost-hearing alert reached nobody, say so.

        Waits (bounded by the channels' deadlines) for the first attempt on every channel."""
        alerter = self.alerter
        if alerter is None or alerter.urgent_kind != "hearing_lost":
            return
        wait_s = sum(channel.timeout_s for channel in self.script.alerts) + NEWS_GRACE_S
        if alerter.wait_for_news("hearing_lost", wait_s) is False:
            from assistant.session.cues import ALERT_UNREACHED

            self.runner.output.say(Cue(ALERT_UNREACHED, CueKind.SAFETY), self.session.voice)

    def close(self) -> None:
        for close in reversed(self.closers):
            try:
                close()
            except Exception as err:  # closing must go on for the others; one line each
                _LOGGER.error("while closing the session: %s", err,
                              exc_info=_LOGGER.isEnabledFor(logging.DEBUG))


def wire_session(
    script: ExerciseScript,
    clock: Clock,
    make_output: Callable[[EventFanout], CueOutput],
    log_path: str | Path | None = None,
    db_path: str | Path | None = None,
    record_history: bool = True,
    alerts: bool = True,
    simulated_alerts: bool = False,
) -> WiredSession:
    """Build the session, its runner and its listeners (log, then history, then alerts).

    With `simulated_alerts`, alerts are logged as simulated and nothing is sent."""
    events = EventFanout()
    closers: list[Callable[[], object]] = []
    if log_path is not None:
        log = EventLog(log_path)
        events.subscribe(log.write, "the event log")
        closers.append(log.close)
    session = Session(script, clock, events.emit, follow_speech=True)
    runner = SessionRunner(session, make_output(events), clock, events.emit)
    wired = WiredSession(script, events, session, runner, closers)
    if record_history:
        _attach_history(wired, db_path)
    if alerts:
        _attach_alerts(wired, clock, simulated_alerts)
    return wired


def _attach_history(wired: WiredSession, db_path: str | Path | None) -> None:
    from assistant.caregiver.history import HistoryStore
    from assistant.caregiver.recorder import HistoryRecorder

    store = HistoryStore(Path(db_path) if db_path is not None else None)
    recorder = HistoryRecorder(store, wired.script)
    wired.events.subscribe(recorder.on_event, "the history")
    wired.store, wired.recorder = store, recorder
    wired.closers.append(store.close)
    wired.closers.append(lambda: recorder.finish(wired.session.summary.end_reason))


def _attach_alerts(wired: WiredSession, clock: Clock, simulated: bool) -> None:
    from assistant.caregiver.alerts import Alerter

    session_id = wired.recorder.session_id if wired.recorder is not None else "unrecorded"
    alerter = Alerter(wired.script, wired.events.emit, wired.runner.alert_outcome,
                      session_id, clock=clock, simulated=simulated)
    wired.events.subscribe(alerter.on_event, "the caregiver alerts")
    # A fault or a signal is no end the alerter's own rules alert on: the safe path asks.
    wired.runner.on_unplanned_end = lambda reason: alerter.alert("session_aborted", reason)
    wired.alerter = alerter
    wired.closers.append(lambda: alerter.close(ALERT_DRAIN_S))
