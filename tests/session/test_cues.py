"""Cue texts: durations in words for older ears, time-left answers, summaries, voice steps."""

from __future__ import annotations

import pytest

from assistant.script.model import VoiceSettings
from assistant.session import cues


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (80, "one minute and twenty seconds"),
        (30, "thirty seconds"),
        (1, "one second"),
        (60, "one minute"),
        (125, "two minutes and five seconds"),
        (59.6, "one minute"),
        (600, "ten minutes"),
        (21 * 60 + 45, "twenty-one minutes and forty-five seconds"),
    ],
)
def test_seconds_in_words(seconds: float, words: str) -> None:
    assert cues.seconds_in_words(seconds) == words


def test_number_in_words_reads_like_speech() -> None:
    assert cues.number_in_words(0) == "zero"
    assert cues.number_in_words(42) == "forty-two"
    assert cues.number_in_words(105) == "one hundred and five"
    assert cues.number_in_words(300) == "three hundred"


def test_remaining_marks_are_sentences() -> None:
    assert cues.remaining_text(30) == "Thirty seconds left."
    assert cues.remaining_text(60) == "One minute left."


def test_time_left_rounds_like_a_person() -> None:
    text = cues.time_left_text("walking", 81.7, 482)
    assert text == (
        "About one minute and twenty seconds left in this walk, and eight minutes in the session."
    )
    assert cues.time_left_text(None, 0, 610) == "About ten minutes left in the session."
    assert cues.time_left_text("resting", 12, 100).startswith("About ten seconds left in this rest")


def test_summary_says_how_long_was_walked() -> None:
    assert cues.summary_text(180, True) == "Well done. You walked backward for three minutes today."
    assert cues.summary_text(95, False).endswith("Stopping early is fine.")
    assert "backward" not in cues.summary_text(0, False)


def test_help_window_names_the_seconds() -> None:
    assert cues.help_window_text(10).startswith("I will call your caregiver in ten seconds.")


def test_voice_steps_stop_at_the_limits() -> None:
    voice = VoiceSettings(rate_wpm=100, min_rate_wpm=90, rate_step_wpm=20, volume=0.9)
    slower, said = cues.change_voice(voice, "slower")
    assert slower.rate_wpm == 90 and said == "I will speak more slowly."
    again, said = cues.change_voice(slower, "slower")
    assert again == slower and said == "This is my slowest speed."
    louder, _ = cues.change_voice(voice, "louder")
    assert louder.volume == 1.0
    assert cues.change_voice(louder, "louder") == (louder, "This is my loudest voice.")
