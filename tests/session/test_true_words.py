"""Words that are true, on the simulated clock: every command is answered in every state,
repeated times are worded afresh, a question is not talked over, and an early end says what
really happened (issue 11, part 2)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.core.intents import load_phrase_table, normalize
from assistant.core.names import IMMEDIATE_INTENTS, IntentName
from assistant.script.model import PhaseCues, TimedPhase
from assistant.session import answers, cues
from assistant.session.table import ACTIVE, STATE_NAMES
from tests.session.test_session import Run, _drive_to, make_script

#: A question waiting in the state: (state, commands that bring it up after `_drive_to`).
_QUESTIONS = {
    "asking to end while walking": ("walking", ["end"]),
    "confirming after a pause": ("paused", ["resume"]),
    "confirming after a stop": ("stopped", ["resume"]),
    "confirming after dizziness": ("check_in", ["yes"]),
}


def _said_or_moved(run: Run, intent: str) -> tuple[str, list[str]]:
    run.session.take_cues()
    before, state = len(run.cues), run.session.state
    run.say(intent)
    said = [cue.text for _, cue in run.cues[before:]]
    assert said or run.session.state != state, f"{intent!r} in {state}: no answer"
    assert all(text.strip() for text in said)
    return run.session.state, said


@pytest.mark.parametrize("intent", [intent.value for intent in IntentName])
@pytest.mark.parametrize("state", ACTIVE)
def test_every_command_is_answered_in_every_state(state: str, intent: str) -> None:
    run = Run(make_script(continue_after_dizzy=True))
    _drive_to(run, state)
    _said_or_moved(run, intent)


@pytest.mark.parametrize("intent", [intent.value for intent in IntentName])
@pytest.mark.parametrize("question", sorted(_QUESTIONS))
def test_every_command_is_answered_while_a_question_waits(question: str, intent: str) -> None:
    state, commands = _QUESTIONS[question]
    run = Run(make_script(continue_after_dizzy=True))
    _drive_to(run, state)
    for command in commands:
        run.say(command)
    assert run.session.expecting_answer
    _said_or_moved(run, intent)


def test_the_issues_silent_cases_get_true_answers() -> None:
    run = Run().start()
    run.advance(10)
    assert _said_or_moved(run, "ready") == ("warm_up", [
        "We are still warming up; I will ask when it is time."])
    run = Run()
    _drive_to(run, "emergency")
    assert _said_or_moved(run, "resume") == ("emergency", [
        "Stay where you are, and sit down if you can. If you are all right, say cancel."])
    run = Run()  # dizzy at 61 s; the check-in comes after the 30 s rest
    _drive_to(run, "safety_pause")
    run.advance(12)
    assert _said_or_moved(run, "end") == ("safety_pause", [
        "Keep resting. In about twenty seconds, I will ask how you feel."])


def test_answers_name_no_safety_command() -> None:
    """An echo of an answer must never be taken for the walker's stop, pause, dizzy, help."""
    table = load_phrase_table("en")
    safety = [phrase for phrase, intent in table.phrase_to_intent.items()
              if intent in IMMEDIATE_INTENTS]
    moments = [answers.Moment(state, asking, confirming, 40.0, 10.0)
               for state in STATE_NAMES for asking in (False, True) for confirming in (False, True)]
    texts = {answers.unanswered_text(intent.value, moment)
             for intent in IntentName for moment in moments}
    texts |= {answers.check_in_coming_text(None), answers.help_coming_text(None),
              cues.EARLY_END_CLOSING, cues.END_QUESTION_LAPSED, cues.early_cool_down_text(60)}
    for text in texts:
        words = f" {normalize(text)} "
        assert not [phrase for phrase in safety if f" {phrase} " in words], text


def test_repeat_words_the_time_afresh() -> None:
    run = Run().start()  # a 60 s warm-up
    run.advance(20)
    run.say("time_left")
    run.advance(12)
    run.say("repeat")
    assert run.texts("answer")[-1].startswith("About forty seconds left in the warm-up")
    assert run.texts("repeat")[-1].startswith("About thirty seconds left in the warm-up")
    run.advance(4)  # the warm-up's 30 s mark is at 30 s: 6 s ago
    run.say("repeat")
    assert run.texts("remaining")[-1] == "Thirty seconds left."
    assert run.texts("repeat")[-1] == "About twenty-five seconds left in the warm-up."


def test_repeat_after_a_stop_words_the_frozen_time_afresh() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(20)
    run.say("stop")
    run.say("resume")
    run.say("yes")
    assert run.texts("start")[-1] == "Let's go on. About forty seconds left in this walk."
    run.advance(15)
    run.say("repeat")
    assert run.texts("repeat")[-1] == "About twenty-five seconds left in this walk."


def test_repeat_in_the_help_window_says_how_long_is_left() -> None:
    run = Run()
    _drive_to(run, "help_pending")
    run.advance(4)
    run.say("repeat")
    assert run.texts("repeat")[-1] == (
        "I will call your caregiver in five seconds. Say cancel to call it off.")


def test_a_question_holds_the_encouragements_until_it_lapses() -> None:
    run = Run().start()
    run.to_walking()  # encouragements at 20 s and 40 s of each walk
    run.advance(15)
    asked_at = run.clock.now_s()
    run.say("end")
    run.advance(20.5)  # the encouragement at 20 s is held back
    assert run.texts("encouragement", since_s=asked_at) == []
    lapsed = [at_s for at_s, cue in run.cues if cue.text == cues.END_QUESTION_LAPSED]
    assert lapsed == [pytest.approx(asked_at + 20, abs=0.11)]  # check_in_timeout_s
    run.say("yes")  # the question has lapsed: no end
    assert run.session.state == "walking"
    run.advance(5)  # the one at 40 s comes again
    assert run.texts("encouragement", since_s=asked_at) == ["Nice and steady."]


def test_an_answered_question_lets_the_encouragements_go_on() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(15)
    run.say("end")
    run.say("no")
    assert run.texts("answer")[-1] == cues.KEEP_GOING
    run.advance(10)
    assert run.texts("encouragement") == ["Keep going."]


def test_the_end_question_still_waits_when_the_walk_ends_meanwhile() -> None:
    run = Run().start()
    run.to_walking()
    run.advance(55)
    run.say("end")
    run.advance(10)  # the walk ended at 60 s: resting now
    assert run.session.state == "resting" and run.session.expecting_answer
    run.say("yes")
    assert run.states()[-1] == ("resting", "cool_down", "yes")
    assert run.session.summary.end_reason == "ended_by_walker"
    run.advance(30)  # answered: the question does not lapse afterwards
    assert cues.END_QUESTION_LAPSED not in run.texts()


def test_stop_then_end_in_the_warm_up_says_what_really_happened() -> None:
    full_cool_down = TimedPhase(150, PhaseCues(
        start=("Well done. The backward walking is complete.",
               "Now walk forward, slowly, for two and a half minutes to cool down."),
        remaining_marks_s=(30,), end=("Today's session is complete.",)))
    run = Run(replace(make_script(), cool_down=full_cool_down)).start()
    run.advance(20)
    run.say("stop")
    before = len(run.cues)
    run.say("end")
    run.advance(61)
    said = [cue.text for _, cue in run.cues[before:]]
    assert said == [cues.ENDING_EARLY, "Now walk forward slowly for one minute, to cool down.",
                    "Thirty seconds left.", cues.EARLY_END_CLOSING,
                    "Well done for today. Rest now."]
    assert run.state_times("done")[0] - run.state_times("cool_down")[0] == pytest.approx(60)


def test_how_much_longer_after_dizziness_or_help_says_what_comes_next() -> None:
    run = Run()
    _drive_to(run, "safety_pause")
    run.advance(10)
    run.say("time_left")
    assert run.texts("answer")[-1] == (
        "Keep resting. In about twenty seconds, I will ask how you feel.")
    run = Run()
    _drive_to(run, "help_pending")
    run.advance(3)
    run.say("time_left")
    assert run.texts("answer")[-1] == (
        "I will call your caregiver in five seconds. Say cancel to call it off.")


def test_a_scripts_times_are_filled_in_when_said() -> None:
    script = make_script(intervals=2)
    script = replace(
        script,
        warm_up=replace(script.warm_up, cues=PhaseCues(start=("First, {duration} forward.",))),
        cool_down=replace(script.cool_down, cues=PhaseCues(
            start=("That was {walked} of backward walking.", "{duration} to cool down."))),
    )
    run = Run(script).start()
    run.to_walking()
    run.advance(20)
    run.say("pause")  # 20 s walked, a pause, then the rest of the walks
    run.say("resume")
    run.say("yes")
    run.advance(200)
    assert run.texts("start")[0] == "First, one minute forward."
    assert run.texts("start")[-2:] == ["That was two minutes of backward walking.",
                                       "One minute to cool down."]
