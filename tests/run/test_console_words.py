"""The issue's console cases on the default script and the simulated clock: what is said is
true, and every typed command is answered (issue 11, part 2)."""

from __future__ import annotations

import pytest

from assistant.core.events import SessionEvent
from assistant.run.wiring import WiredSession
from tests.run.test_console import run_typed_session


def said(wired: WiredSession, since_s: float = 0.0, until_s: float = 1e9) -> list[str]:
    return [e.fields["text"] for e in wired.events.events
            if e.type == "cue" and since_s <= e.t_s <= until_s]


def state_changes(wired: WiredSession) -> list[SessionEvent]:
    return [e for e in wired.events.events if e.type == "state"]


def test_stop_then_end_in_the_warm_up_is_true_about_the_walk_and_the_cool_down() -> None:
    wired, output = run_typed_session([(30.0, "stop"), (35.0, "end")], end_s=200.0)
    after_end = said(wired, since_s=35.0)
    assert after_end[:2] == ["Okay, we will finish now.",
                             "Now walk forward slowly for one minute, to cool down."]
    words = " ".join(after_end)
    assert "backward walking is complete" not in words and "two and a half" not in words
    assert "session is complete" not in words
    cool_down, done = [e.t_s for e in state_changes(wired) if e.fields["to"] in
                       ("cool_down", "done")]
    assert done - cool_down == pytest.approx(60.0)
    assert after_end[-1] == "Well done for today. Rest now."
    assert wired.session.summary.end_reason == "ended_by_walker"


def test_repeat_repeats_the_time_as_it_is_now() -> None:
    wired, _ = run_typed_session([(20.0, "how much longer"), (32.0, "repeat")], end_s=35.0)
    first, again = said(wired, 20.0, 20.05), said(wired, 32.0, 32.05)
    # 2:40 and 2:28 left in the warm-up (said in steps of 10 s); 11:30 and 11:18 in all
    # (in steps of a minute, above ten minutes).
    assert first == ["About two minutes and forty seconds left in the warm-up, and twelve "
                     "minutes in the session."]
    assert again == ["About two minutes and thirty seconds left in the warm-up, and eleven "
                     "minutes in the session."]


def test_the_end_question_is_not_talked_over_while_it_waits() -> None:
    # The walk begins at 185 s; its encouragements come every 9 s (194, 203, ...).
    wired, _ = run_typed_session([(185.0, "ready"), (186.0, "end")], end_s=230.0)
    asked = [e.t_s for e in wired.events.events if e.type == "cue"
             and e.fields["text"] == "Do you want to end the session now? Say yes or no."]
    waiting = said(wired, asked[0] + 0.01, asked[0] + 19.9)
    assert waiting == []  # 20 s (check_in_timeout_s) without a word over the question
    assert said(wired, asked[0] + 19.9, asked[0] + 20.1) == [
        "I did not hear an answer, so let's carry on."]
    assert "Stand tall. Eyes up." in said(wired, asked[0] + 20.1)  # the next encouragement


@pytest.mark.parametrize(("typed", "answer"), [
    ([(30.0, "ready")], "We are still warming up; I will ask when it is time."),
    ([(185.0, "ready"), (190.0, "help"), (205.0, "continue")],
     "Stay where you are, and sit down if you can. If you are all right, say cancel."),
    ([(185.0, "ready"), (190.0, "I feel dizzy"), (200.0, "end")],
     "Keep resting. In about fifty seconds, I will ask how you feel."),
])
def test_commands_that_were_silently_ignored_are_answered(
        typed: list[tuple[float, str]], answer: str) -> None:
    wired, _ = run_typed_session(typed, end_s=typed[-1][0] + 2)
    last_typed_s = typed[-1][0]
    assert said(wired, last_typed_s, last_typed_s + 0.2) == [answer]
