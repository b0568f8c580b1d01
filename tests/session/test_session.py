"""The session machine on a simulated clock stepped in milliseconds: flows, safety, timing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.core.clock import SimulatedClock
from assistant.core.events import Cue, Intent, SessionEvent
from assistant.core.names import IMMEDIATE_INTENTS, EndReason, StateName
from assistant.script.model import (
    AlertChannel,
    ExerciseScript,
    PhaseCues,
    SafetySettings,
    SupportCheck,
    TimedPhase,
    VoiceSettings,
    Walking,
)
from assistant.session import cues
from assistant.session.machine import Session
from assistant.session.table import ACTIVE, STATE_NAMES, TRANSITIONS

QUESTION = "Stand next to your wall and hold it. Say ready when you are."


def make_script(intervals: int = 3, **safety: object) -> ExerciseScript:
    """A short programme: 1 min warm-up, `intervals` walks of 1 min with 30 s rests, 1 min
    cool-down."""
    walk_cues = PhaseCues(
        start=("Start walking backward, slowly.",),
        encouragement=("Keep going.", "Nice and steady."),
        every_s=20,
        remaining_marks_s=(30,),
        end=("Stop walking. Well done.",),
    )
    return ExerciseScript(
        name="test", walker="Ann", language="en", voice=VoiceSettings(),
        warm_up=TimedPhase(60, PhaseCues(start=("Walk forward gently.",), remaining_marks_s=(30,))),
        support_check=SupportCheck(QUESTION, reprompt_s=20, max_reprompts=3),
        walking=Walking(intervals, 60, 30, walk_cues, PhaseCues(start=("Rest now.",))),
        cool_down=TimedPhase(60, PhaseCues(start=("Walk forward slowly to cool down.",))),
        safety=replace(
            SafetySettings(dizzy_rest_s=30, emergency_max_s=120, pause_limit_s=300), **safety
        ),
        alerts=(AlertChannel("file", path="alerts.jsonl"),),
    )


class Run:
    """A session, its clock and everything it said and emitted."""

    def __init__(self, script: ExerciseScript | None = None) -> None:
        self.clock = SimulatedClock()
        self.events: list[SessionEvent] = []
        self.session = Session(script or make_script(), self.clock, self.events.append)
        self.cues: list[tuple[float, Cue]] = []

    def _collect(self) -> None:
        self.cues += [(self.clock.now_s(), cue) for cue in self.session.take_cues()]

    def start(self) -> Run:
        self.session.start()
        self._collect()
        return self

    def advance(self, seconds: float, step_ms: int = 100) -> None:
        for _ in range(round(seconds * 1000 / step_ms)):
            self.clock.advance(step_ms / 1000.0)
            self.session.tick()
            self._collect()

    def say(self, name: str) -> None:
        self.session.handle_intent(Intent(name, name, self.clock.now_s()))
        self._collect()

    def to_walking(self) -> None:
        """Through the warm-up and support check into the first walk."""
        self.advance(61)
        self.say("ready")

    def states(self) -> list[tuple[str, str, str]]:
        return [(e.fields["from"], e.fields["to"], e.fields["trigger"])
                for e in self.events if e.type == "state"]

    def state_times(self, dest: str) -> list[float]:
        return [e.t_s for e in self.events if e.type == "state" and e.fields["to"] == dest]

    def texts(self, kind: str | None = None, since_s: float = 0.0) -> list[str]:
        return [cue.text for at_s, cue in self.cues
                if at_s >= since_s and (kind is None or cue.kind == kind)]


def test_complete_session_goes_through_every_phase_and_summarises() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(400)
    walks = [("resting", "walking", "phase_end")] * 2
    assert run.states() == [
        ("idle", "warm_up", "begin"), ("warm_up", "support_check", "phase_end"),
        ("support_check", "walking", "ready"), ("walking", "resting", "phase_end"),
        walks[0], ("walking", "resting", "phase_end"), walks[1],
        ("walking", "cool_down", "phase_end"), ("cool_down", "done", "phase_end"),
    ]
    summary = run.session.summary
    assert summary.completed and summary.end_reason == "completed"
    assert summary.walked_s == pytest.approx([60.0, 60.0, 60.0])
    assert run.texts("summary") == ["Well done. You walked backward for three minutes today."]
    assert run.texts("remaining").count("Thirty seconds left.") == 4  # warm-up and 3 walks
    # every 20 s, at 20 and 40 s of each walk (the 30 s mark is not talked over), cycling
    assert run.texts("encouragement") == ["Keep going.", "Nice and steady."] * 3
    assert run.session.finished and QUESTION in run.texts("prompt")


def test_walk_cues_come_at_their_times() -> None:
    run = Run().start()
    run.to_walking()
    walk_start = run.clock.now_s()
    run.advance(61)
    timed = {cue.text: at_s - walk_start for at_s, cue in run.cues if at_s >= walk_start}
    assert timed["Keep going."] == pytest.approx(20, abs=0.11)
    assert timed["Thirty seconds left."] == pytest.approx(30, abs=0.11)
    assert timed["Stop walking. Well done."] == pytest.approx(60, abs=0.11)


def test_stop_then_continue_needs_yes_and_keeps_the_remaining_time() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(20)
    run.say("stop")
    assert run.session.state == "stopped"
    assert run.texts("safety")[-1] == cues.STOP and run.texts("prompt")[-1] == cues.CONTINUE_OR_END
    run.advance(15)
    run.say("resume")
    assert run.session.state == "stopped" and run.texts("prompt")[-1] == cues.CONFIRM_WALK
    run.say("yes")
    resumed_at = run.clock.now_s()
    assert run.states()[-1] == ("stopped", "walking", "yes")
    assert run.texts("start")[-1] == "Let's go on. About forty seconds left in this walk."
    run.advance(45)
    assert run.state_times("resting")[0] - resumed_at == pytest.approx(40, abs=0.11)
    assert run.session.summary.walked_s[0] == pytest.approx(60, abs=0.11)


def test_stop_then_end_finishes_with_a_short_cool_down() -> None:
    run = Run(make_script()).start()
    run.to_walking()
    run.advance(20)
    run.say("stop")
    run.say("end")
    assert run.states()[-1] == ("stopped", "cool_down", "end")
    run.advance(61)
    summary = run.session.summary
    assert summary.end_reason == "ended_by_walker" and not summary.completed
    assert summary.walked_s == pytest.approx([20, 0, 0], abs=0.11)
    assert run.texts("summary") == [
        "Well done. You walked backward for twenty seconds today. Stopping early is fine."
    ]


def test_stop_in_cool_down_then_end_is_done_at_once() -> None:
    run = Run(make_script(intervals=1)).start()
    run.to_walking()
    run.advance(70)
    run.say("stop")
    run.say("end")
    assert run.states()[-2:] == [("cool_down", "stopped", "stop"), ("stopped", "done", "end")]


def test_pause_then_resume_keeps_the_remaining_time() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(70)  # 10 s into the first rest
    run.say("pause")
    assert run.session.state == "paused" and run.session.status.paused
    assert run.session.status.phase_remaining_s == pytest.approx(20, abs=0.11)
    run.advance(50)
    assert run.session.state == "paused"
    run.say("resume")  # back to resting: no walking, so no confirmation
    resumed_at = run.clock.now_s()
    assert run.states()[-1] == ("paused", "resting", "resume")
    run.advance(25)
    assert run.state_times("walking")[1] - resumed_at == pytest.approx(20, abs=0.11)


def test_resume_never_walks_without_yes() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(10)
    run.say("pause")
    for word in ("resume", "ready", "resume", "cancel", "continue"):
        run.say(word)
        assert run.session.state == "paused"
    assert run.texts("prompt")[-1] == cues.CONFIRM_WALK
    run.say("no")
    assert run.session.state == "paused" and run.texts("answer")[-1] == cues.WAITING
    run.say("yes")  # a "yes" without a pending confirmation does nothing
    assert run.session.state == "paused"
    run.say("resume")
    run.say("yes")
    assert run.states()[-1] == ("paused", "walking", "yes")


def test_stop_continue_no_asks_again() -> None:
    run = Run().start()
    run.to_walking()
    run.say("stop")
    run.say("resume")
    run.say("no")
    assert run.session.state == "stopped" and run.texts("prompt")[-1] == cues.CONTINUE_OR_END
    assert run.session.expecting_answer


@pytest.mark.parametrize("allowed", [True, False])
def test_dizzy_then_better(allowed: bool) -> None:
    run = Run(make_script(continue_after_dizzy=allowed)).start()
    run.to_walking()
    run.advance(15)
    run.say("dizzy")
    assert run.states()[-1] == ("walking", "safety_pause", "dizzy")
    assert run.texts("safety")[-1] == cues.DIZZY
    run.advance(31)
    assert run.states()[-1] == ("safety_pause", "check_in", "rest_over")
    assert run.texts("prompt")[-1] == cues.CHECK_IN
    run.say("yes")
    if not allowed:
        assert run.states()[-1] == ("check_in", "done", "yes")
        assert run.session.summary.end_reason == "dizzy"
        assert run.texts("safety")[-1] == cues.DIZZY_END
        return
    assert run.session.state == "check_in"
    assert run.texts("prompt")[-1] == cues.CONFIRM_AFTER_DIZZY
    run.say("yes")
    resumed_at = run.clock.now_s()
    assert run.states()[-1] == ("check_in", "walking", "yes")
    run.advance(50)
    assert run.state_times("resting")[0] - resumed_at == pytest.approx(45, abs=0.11)


def test_dizzy_then_no_answer_alerts() -> None:
    run = Run().start()
    run.to_walking()
    run.say("dizzy")
    run.advance(30 + 39.9)
    assert run.session.state == "check_in"
    assert run.texts("prompt").count(cues.CHECK_IN) == 2
    run.advance(0.2)
    assert run.states()[-1] == ("check_in", "emergency", "dizzy_no_answer")
    assert run.state_times("emergency")[0] == pytest.approx(run.state_times("check_in")[0] + 40)


def test_dizzy_then_not_better_alerts_and_emergency_repeats_then_ends() -> None:
    run = Run().start()
    run.to_walking()
    run.say("dizzy")
    run.advance(31)
    run.say("no")
    assert run.states()[-1] == ("check_in", "emergency", "dizzy_not_better")
    assert run.session.expecting_answer
    run.advance(119)
    assert run.texts("safety").count(cues.EMERGENCY) == 4  # at 0, 30, 60, 90 s
    run.advance(2)
    assert run.states()[-1] == ("emergency", "done", "emergency_over")
    assert run.session.summary.end_reason == "emergency"


def test_without_alert_channels_the_walker_is_not_told_help_is_called() -> None:
    run = Run(replace(make_script(), alerts=())).start()
    run.to_walking()
    run.say("dizzy")
    run.advance(31)
    run.say("no")
    assert run.states()[-1] == ("check_in", "emergency", "dizzy_not_better")
    said = run.texts("safety")
    assert cues.EMERGENCY not in said
    assert said[-1] == cues.ALERT_UNREACHED
    run.advance(119)
    assert run.texts("safety").count(cues.ALERT_UNREACHED) == 4  # at 0, 30, 60, 90 s
    run.advance(2)
    assert run.texts("safety")[-1] == cues.EMERGENCY_OVER_UNREACHED


def test_the_emergency_words_follow_the_news_of_the_alert() -> None:
    run = Run().start()
    run.to_walking()
    run.say("help")
    run.advance(10.5)
    assert run.texts("safety")[-1] == cues.EMERGENCY
    said = len(run.texts())
    run.session.alert_outcome(True)  # delivered: nothing new to say
    run._collect()
    assert len(run.texts()) == said
    run.session.alert_outcome(False)  # a later alert: every channel failed
    run._collect()
    assert run.texts("safety")[-1] == cues.ALERT_UNREACHED
    run.advance(30)
    assert run.texts("safety")[-1] == cues.ALERT_UNREACHED  # the repeat says it too
    run.say("help")  # a safety word in the emergency: the same truth
    assert run.texts("safety")[-1] == cues.ALERT_UNREACHED
    run.session.alert_outcome(True)  # a resend got through
    run._collect()
    assert run.texts("safety")[-1] == cues.EMERGENCY
    run.advance(120)
    assert run.texts("safety")[-1] == cues.END_TEXTS[EndReason.EMERGENCY]


def test_help_then_cancel_calls_nothing_and_asks() -> None:
    run = Run().start()
    run.to_walking()
    run.say("help")
    assert run.states()[-1] == ("walking", "help_pending", "help")
    assert run.texts("safety")[-1] == (
        "I will call your caregiver in ten seconds. Say cancel to call it off."
    )
    run.advance(5)
    run.say("cancel")
    assert run.states()[-1] == ("help_pending", "stopped", "cancel")
    assert run.texts(since_s=run.clock.now_s()) == [cues.HELP_CANCELLED, cues.CONTINUE_OR_END]
    run.advance(30)
    assert "emergency" not in [dest for _, dest, _ in run.states()]


def test_help_window_expires_into_emergency_then_cancel() -> None:
    run = Run().start()
    run.to_walking()
    helped_at = run.clock.now_s()
    run.say("help")
    run.advance(10.5)
    assert run.states()[-1] == ("help_pending", "emergency", "help")
    assert run.state_times("emergency")[0] == pytest.approx(helped_at + 10)
    assert run.texts("safety")[-1] == cues.EMERGENCY
    run.say("cancel")
    assert run.states()[-1] == ("emergency", "done", "cancel")
    assert run.session.summary.end_reason == "emergency_cancelled"


def test_repeat_says_the_last_cue_again() -> None:
    run = Run().start()
    run.advance(61)
    run.say("repeat")
    run.say("repeat")
    assert run.cues[-1][1] == Cue(QUESTION, "repeat") and run.cues[-2][1] == Cue(QUESTION, "repeat")


def test_time_left_gives_walk_and_session() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(40)
    run.say("time_left")
    # 20 s of this walk, then rest 30 + walk 60 + rest 30 + walk 60 + cool-down 60
    assert run.texts("answer")[-1] == (
        "About twenty seconds left in this walk, and four minutes and twenty seconds in the "
        "session."
    )
    status = run.session.status
    assert (status.phase_label, status.interval, status.intervals) == ("walk 1 of 3", 1, 3)
    assert status.session_remaining_s == pytest.approx(260, abs=0.11)


def test_unanswered_support_check_ends_safely() -> None:
    run = Run().start()
    run.advance(60 + 79.9)
    assert run.session.state == "support_check"
    assert run.texts("prompt").count(QUESTION) == 4  # asked, then re-asked three times
    run.advance(0.2)
    assert run.states()[-1] == ("support_check", "done", "support_unanswered")
    assert run.session.summary.end_reason == "support_check_unanswered"
    assert run.texts("safety") == [cues.SUPPORT_UNANSWERED]
    assert run.session.summary.walked_s == [0.0, 0.0, 0.0]


def _drive_to(run: Run, state: str) -> None:
    """Bring a fresh session into `state` by the ordinary route."""
    run.start()
    routes: dict[str, list[str | float]] = {
        "warm_up": [], "support_check": [61], "walking": [61, "ready"],
        "resting": [61, "ready", 65], "cool_down": [61, "ready", 270],
        "paused": [61, "ready", "pause"], "stopped": [61, "ready", "stop"],
        "safety_pause": [61, "ready", "dizzy"], "check_in": [61, "ready", "dizzy", 31],
        "help_pending": [61, "ready", "help"], "emergency": [61, "ready", "help", 11],
    }
    for step in routes[state]:
        run.say(step) if isinstance(step, str) else run.advance(step, step_ms=500)
    assert run.session.state == state


_MOVING = {"warm_up", "walking", "resting", "cool_down", "support_check"}
_SAFETY_DESTINATIONS = {"stop": "stopped", "pause": "paused", "dizzy": "safety_pause",
                        "help": "help_pending"}


@pytest.mark.parametrize("intent", sorted(IMMEDIATE_INTENTS))
@pytest.mark.parametrize("state", ACTIVE)
def test_safety_intents_act_in_every_active_state(state: str, intent: str) -> None:
    run = Run()
    _drive_to(run, state)
    run.session.take_cues()
    before = len(run.cues)
    run.say(intent)
    after = run.session.state
    assert after not in _MOVING
    assert any(cue.kind == "safety" for _, cue in run.cues[before:])
    if state in _MOVING:
        assert after == _SAFETY_DESTINATIONS[intent]
    run.advance(1)
    assert run.session.state not in _MOVING  # nothing moves on by itself right after


def test_after_dizziness_a_cancelled_help_call_does_not_lead_back_to_walking() -> None:
    run = Run(make_script(continue_after_dizzy=False)).start()
    run.to_walking()
    run.say("dizzy")
    run.say("help")
    run.say("cancel")
    assert run.session.state == "stopped"
    run.say("resume")
    assert run.states()[-1] == ("stopped", "done", "resume")
    assert run.session.summary.end_reason == "dizzy"


def test_stop_in_warm_up_asks_to_go_on_and_keeps_its_time() -> None:
    run = Run().start()
    run.advance(20)
    run.say("stop")
    run.say("resume")
    assert run.texts("prompt")[-1] == cues.CONFIRM_GO_ON
    run.say("yes")
    assert run.session.status.phase_remaining_s == pytest.approx(40, abs=0.11)
    run.advance(41)
    assert run.states()[-1] == ("warm_up", "support_check", "phase_end")


def test_timer_triggers_are_not_intents() -> None:
    run = Run().start()
    for name in ("phase_end", "shut_down", "lost_hearing", "begin"):
        run.say(name)
    assert run.states() == [("idle", "warm_up", "begin")]


def test_hearing_lost_while_walking_says_stop_and_ends() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(10)
    run.session.tell_walker("stale")  # anything not yet spoken is dropped
    run.session.hearing_lost("microphone unplugged")
    run._collect()
    assert run.texts(since_s=run.clock.now_s()) == [cues.HEARING_LOST]
    assert run.states()[-1] == ("walking", "done", "hearing_lost")
    errors = [e for e in run.events if e.type == "error"]
    assert len(errors) == 1 and "microphone unplugged" in errors[0].fields["message"]
    assert run.session.summary.end_reason == "hearing_lost"
    run.advance(100)
    assert run.texts(since_s=run.clock.now_s() - 99) == []


def test_interrupt_ends_with_a_stop_instruction() -> None:
    run = Run().start()
    run.to_walking()
    run.session.interrupt()
    run._collect()
    assert run.states()[-1] == ("walking", "done", "interrupted")
    assert run.texts("safety") == [cues.INTERRUPTED]
    assert run.session.summary.end_reason == "interrupted"


def test_end_while_walking_asks_first() -> None:
    run = Run().start()
    run.to_walking()
    run.say("end")
    assert run.session.state == "walking" and run.session.expecting_answer
    assert run.texts("prompt")[-1] == cues.END_QUESTION
    run.say("no")
    assert run.session.state == "walking" and not run.session.expecting_answer
    run.say("yes")  # no question pending now: nothing happens
    assert run.session.state == "walking"
    run.say("end")
    run.say("yes")
    assert run.states()[-1] == ("walking", "cool_down", "yes")
    assert run.session.summary.end_reason == "ended_by_walker"


def test_unanswered_stop_question_ends_safely() -> None:
    run = Run().start()
    run.to_walking()
    run.say("stop")
    run.advance(81)
    assert run.texts("prompt").count(cues.CONTINUE_OR_END) == 4
    assert run.states()[-1] == ("stopped", "done", "prompt_unanswered")
    assert run.session.summary.end_reason == "no_answer"


def test_over_long_pause_ends_safely() -> None:
    run = Run().start()
    run.to_walking()
    run.say("pause")
    run.advance(301, step_ms=1000)
    assert run.states()[-1] == ("paused", "done", "pause_too_long")


def test_voice_changes_stay_within_the_limits() -> None:
    run = Run().start()
    for _ in range(4):
        run.say("slower")
    assert run.session.voice.rate_wpm == 90
    assert run.texts("answer") == ["I will speak more slowly."] * 3 + ["This is my slowest speed."]
    run.say("louder")
    assert run.session.voice.volume == 1.0
    assert run.texts("answer")[-1] == "This is my loudest voice."
    for _ in range(6):
        run.say("quieter")
    assert run.session.voice.volume == pytest.approx(0.5)
    assert run.texts("answer")[-1] == "This is as quiet as I can speak."
    run.say("faster")
    assert run.session.voice.rate_wpm == 110


def test_a_large_tick_jump_is_processed_like_small_steps() -> None:
    fine, jump = Run().start(), Run().start()
    for run in (fine, jump):
        run.advance(61, step_ms=1)
        run.say("ready")
    fine.advance(400, step_ms=1)
    jump.clock.advance(400)
    jump.session.tick()
    jump._collect()
    assert jump.states() == fine.states()
    assert [e.t_s for e in jump.events] == pytest.approx([e.t_s for e in fine.events])
    assert [cue for _, cue in jump.cues] == [cue for _, cue in fine.cues]
    assert jump.session.summary == fine.session.summary


def test_intents_before_start_and_after_done_change_nothing() -> None:
    run = Run()
    run.say("stop")
    assert run.session.state == "idle" and run.states() == []
    assert run.session.status.session_remaining_s == make_script().total_s
    run.start()
    run.session.interrupt()
    run.say("resume")
    assert run.session.state == "done" and len(run.states()) == 2


def test_every_name_in_the_table_is_a_session_callback() -> None:
    assert set(STATE_NAMES) >= {state.value for state in StateName}
    for row in TRANSITIONS:
        for key in ("conditions", "unless", "before", "after"):
            names = row.get(key, [])
            for name in [names] if isinstance(names, str) else names:
                assert callable(getattr(Session, name, None)), name
