"""The session machine as a table: its states and its transitions, read by `machine.py`
(to build the pytransitions machine) and by `diagram.py` (to draw it), with the helpers
the machine reads a phase's cues and label with.

Each transition is a dict {trigger, source, dest, conditions/unless/before/after by name}.
Intent triggers are named after the intent (IntentName); the others are timers or outside
events. `dest: None` is an internal transition: a callback runs, the state stays. An optional
`reason` names the transition in the `state` event where the trigger alone would not say why
(the alerter reads why `emergency` was entered). `ends` marks a transition that ends the
session and gives the summary's end reason (its callback `end_session` says why, aloud).

Extension of the contract's states: `help_pending`, the short window after "help" in which
"cancel" calls the alert off (safety rule 5); `emergency` begins when the alert goes.
"""

from __future__ import annotations

from typing import Any

from transitions import Machine

from assistant.core.names import EndReason, IntentName, StateName
from assistant.script.model import Phase, PhaseCues

#: The window after "help" before the alert goes (an extension of the contract's states).
HELP_PENDING = "help_pending"

#: The states' names as plain strings, as pytransitions keeps them (StateName's order).
(IDLE, WARM_UP, SUPPORT_CHECK, WALKING, RESTING, COOL_DOWN, PAUSED, STOPPED, SAFETY_PAUSE,
 CHECK_IN, EMERGENCY, DONE) = (state.value for state in StateName)

#: Phases with a clock: their remaining time counts down, and freezes when they are left.
TIMED = [WARM_UP, WALKING, RESTING, COOL_DOWN]
#: The planned flow's states: the session goes back to one of these after a pause or stop.
ORDINARY = [WARM_UP, SUPPORT_CHECK, WALKING, RESTING, COOL_DOWN]
#: The walker stands (or sits) still here; the interrupted phase's time is frozen.
HALTED = [PAUSED, STOPPED, SAFETY_PAUSE, CHECK_IN, HELP_PENDING, EMERGENCY]
#: Where safety intents are acted on (ARCHITECTURE.md, safety rule 1): all but idle and done.
ACTIVE = ORDINARY + HALTED
#: Waiting for "yes", "no", "ready", "continue" or "cancel".
ASKING = [SUPPORT_CHECK, PAUSED, STOPPED, CHECK_IN, HELP_PENDING, EMERGENCY]


def _enter(name: str, on_enter: str) -> dict[str, Any]:
    return {"name": name, "on_enter": on_enter, "on_exit": "leave_state"}


STATES: list[dict[str, Any]] = [
    {"name": IDLE},
    *(_enter(name, "enter_phase") for name in TIMED),
    _enter(SUPPORT_CHECK, "enter_support_check"),
    _enter(PAUSED, "enter_paused"),
    _enter(STOPPED, "enter_stopped"),
    _enter(SAFETY_PAUSE, "enter_safety_pause"),
    _enter(CHECK_IN, "enter_check_in"),
    _enter(HELP_PENDING, "enter_help_pending"),
    _enter(EMERGENCY, "enter_emergency"),
    {"name": DONE, "on_enter": "enter_done"},
]

#: Every state name, the contract's and the extension.
STATE_NAMES: list[str] = [state["name"] for state in STATES]


def _row(trigger: str, source: str | list[str], dest: str | None, **extra: Any) -> dict[str, Any]:
    if "ends" in extra:
        extra["before"] = "end_session"
    return {"trigger": str(trigger), "source": source, "dest": dest, **extra}


def _but(states: list[str], *left_out: str) -> list[str]:
    return [state for state in states if state not in left_out]


_PLANNED = [
    _row("begin", IDLE, WARM_UP),
    _row("phase_end", WARM_UP, SUPPORT_CHECK),
    _row("phase_end", WALKING, RESTING, conditions="has_more_intervals"),
    _row("phase_end", WALKING, COOL_DOWN, unless="has_more_intervals"),
    _row("phase_end", RESTING, WALKING),
    _row("phase_end", COOL_DOWN, DONE, ends=EndReason.COMPLETED),
    _row("support_unanswered", SUPPORT_CHECK, DONE, ends=EndReason.SUPPORT_CHECK_UNANSWERED),
    # "end" in an ordinary phase asks first; "yes" then ends with a (short) cool-down.
    _row(IntentName.END, ORDINARY, None, unless="is_asking_to_end", after="ask_to_end"),
    _row(IntentName.YES, _but(ORDINARY, COOL_DOWN), COOL_DOWN, conditions="is_asking_to_end",
         ends=EndReason.ENDED_BY_WALKER),
    _row(IntentName.YES, COOL_DOWN, DONE, conditions="is_asking_to_end",
         ends=EndReason.ENDED_BY_WALKER),
    _row(IntentName.NO, ORDINARY, None, conditions="is_asking_to_end", after="keep_going"),
    _row(IntentName.READY, SUPPORT_CHECK, WALKING),
    _row(IntentName.YES, SUPPORT_CHECK, WALKING),
]

_SAFETY = [
    _row(IntentName.STOP, [*ORDINARY, PAUSED], STOPPED, before="say_stop"),
    _row(IntentName.STOP, _but(HALTED, PAUSED), None, after="acknowledge_halt"),
    _row(IntentName.PAUSE, ORDINARY, PAUSED, before="drop_pending_cues"),
    _row(IntentName.PAUSE, HALTED, None, after="acknowledge_halt"),
    _row(IntentName.DIZZY, [*ORDINARY, PAUSED, STOPPED], SAFETY_PAUSE, before="drop_pending_cues"),
    _row(IntentName.DIZZY, CHECK_IN, EMERGENCY, reason="dizzy_not_better"),
    _row(IntentName.DIZZY, [SAFETY_PAUSE, HELP_PENDING, EMERGENCY], None, after="acknowledge_halt"),
    _row(IntentName.HELP, _but(ACTIVE, HELP_PENDING, EMERGENCY), HELP_PENDING,
         before="drop_pending_cues"),
    _row(IntentName.HELP, [HELP_PENDING, EMERGENCY], None, after="acknowledge_halt"),
    _row(IntentName.CANCEL, HELP_PENDING, STOPPED, before="say_help_cancelled"),
    _row("help_window_over", HELP_PENDING, EMERGENCY, reason="help"),
    _row(IntentName.CANCEL, EMERGENCY, DONE, ends=EndReason.EMERGENCY_CANCELLED),
    _row("emergency_over", EMERGENCY, DONE, ends=EndReason.EMERGENCY),
    _row("rest_over", SAFETY_PAUSE, CHECK_IN),
    _row(IntentName.NO, CHECK_IN, DONE, conditions="is_confirming", ends=EndReason.DIZZY),
    _row(IntentName.NO, CHECK_IN, EMERGENCY, unless="is_confirming", reason="dizzy_not_better"),
    _row("check_in_unanswered", CHECK_IN, EMERGENCY, reason="dizzy_no_answer"),
    _row("lost_hearing", _but(STATE_NAMES, DONE), DONE,
         ends=EndReason.HEARING_LOST, reason="hearing_lost"),
    _row("shut_down", _but(STATE_NAMES, DONE), DONE, ends=EndReason.INTERRUPTED,
         reason="interrupted"),
    _row("failure", _but(STATE_NAMES, DONE), DONE, ends=EndReason.FAULT),
]

# Going back to the frozen phase: never to walking without an explicit "yes" (safety rule 2).
_BACK = [
    *(_row(IntentName.RESUME, PAUSED, phase, conditions="is_frozen_phase",
           unless="needs_confirmation")
      for phase in ORDINARY),
    _row(IntentName.RESUME, PAUSED, None, conditions="needs_confirmation",
         after="ask_confirmation"),
    _row(IntentName.RESUME, STOPPED, None, conditions="may_walk_again", after="ask_confirmation"),
    _row(IntentName.RESUME, STOPPED, DONE, unless="may_walk_again", ends=EndReason.DIZZY),
    *(_row(IntentName.YES, [PAUSED, STOPPED, CHECK_IN], phase,
           conditions=["is_confirming", "is_frozen_phase"]) for phase in ORDINARY),
    *(_row(intent, CHECK_IN, None, conditions="may_walk_again", unless="is_confirming",
           after="ask_confirmation")
      for intent in (IntentName.YES, IntentName.CANCEL)),
    *(_row(intent, CHECK_IN, DONE, unless="may_walk_again", ends=EndReason.DIZZY)
      for intent in (IntentName.YES, IntentName.CANCEL)),
    _row(IntentName.NO, [PAUSED, STOPPED], None, conditions="is_confirming",
         after="decline_confirmation"),
    _row(IntentName.END, [PAUSED, STOPPED], COOL_DOWN, conditions="has_cool_down_left",
         ends=EndReason.ENDED_BY_WALKER),
    _row(IntentName.END, [PAUSED, STOPPED], DONE, unless="has_cool_down_left",
         ends=EndReason.ENDED_BY_WALKER),
    _row(IntentName.END, CHECK_IN, DONE, conditions="is_confirming", ends=EndReason.DIZZY),
    _row("prompt_unanswered", [PAUSED, STOPPED, CHECK_IN], DONE, ends=EndReason.NO_ANSWER),
    _row("pause_too_long", PAUSED, DONE, ends=EndReason.PAUSE_TOO_LONG),
]

#: Every transition, in the order pytransitions tries them (the first whose conditions hold).
TRANSITIONS: list[dict[str, Any]] = _PLANNED + _SAFETY + _BACK


#: Keys of a row that are ours, not pytransitions'.
_OWN_KEYS = ("reason", "ends")


def row_values(key: str) -> dict[tuple[str, str, str | None], str]:
    """(trigger, source, dest) -> the row's `reason` or `ends`, for the rows that have one."""
    values: dict[tuple[str, str, str | None], str] = {}
    for row in TRANSITIONS:
        if key not in row:
            continue
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        for source in sources:
            values[(row["trigger"], source, row["dest"])] = row[key]
    return values


def ends_by_state_event() -> dict[tuple[str, str, str], EndReason]:
    """(trigger as the `state` event names it, source, dest) -> end reason, for each end.

    The event names a transition by its `reason` where it has one, else by its trigger."""
    ends: dict[tuple[str, str, str], EndReason] = {}
    for row in TRANSITIONS:
        if "ends" not in row:
            continue
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        for source in sources:
            ends[(row.get("reason", row["trigger"]), source, row["dest"])] = row["ends"]
    return ends


def build_machine(model: object) -> Machine:
    """The pytransitions machine over `model`, whose methods the table names."""
    rows = [{key: value for key, value in row.items() if key not in _OWN_KEYS}
            for row in TRANSITIONS]
    return Machine(
        model=model,
        states=STATES,
        transitions=rows,
        initial=IDLE,
        queued=True,
        auto_transitions=False,
        send_event=True,
        after_state_change="emit_state_event",
    )


def encouragements(phase_cues: PhaseCues, duration_s: float) -> list[tuple[float, str]]:
    """(seconds into the phase, text) for each encouragement, cycling through the list."""
    every_s, texts = phase_cues.every_s, phase_cues.encouragement
    if not every_s or every_s <= 0 or not texts:
        return []
    count = int(duration_s // every_s)
    timed = [(k * every_s, texts[(k - 1) % len(texts)]) for k in range(1, count + 1)]
    return [(at_s, text) for at_s, text in timed if at_s < duration_s]


def phase_label(phase: Phase, intervals: int, state: str) -> str:
    """How the status line names where the session is: "walk 2 of 3", "stopped (walk 1 of 3)"."""
    if state in (IDLE, DONE):
        return state
    if phase.state == WALKING:
        label = f"walk {phase.interval} of {intervals}"
    elif phase.state == RESTING:
        label = f"rest {phase.interval} of {max(intervals - 1, 0)}"
    else:
        label = phase.state.replace("_", " ").replace("warm up", "warm-up").replace(
            "cool down", "cool-down")
    return label if state not in HALTED else f"{state.replace('_', ' ')} ({label})"
