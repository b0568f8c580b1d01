"""The script's `voice:` checked by the caller's voice check, the error placed on the value."""

from __future__ import annotations

from assistant.script.loading import parse_script

SCRIPT = """\
name: Voices
walker: Ann
voice:
  voice: {voice}
warm_up: {{duration_s: 60}}
support_check: {{question: Say ready when you are ready.}}
walking: {{intervals: 2, walk_s: 30, rest_s: 30}}
cool_down: {{duration_s: 60}}
"""


def test_a_voice_the_check_refuses_is_an_error_at_its_value() -> None:
    asked: list[str] = []

    def refuse(name: str) -> str | None:
        asked.append(name)
        return f'"{name}" names no voice installed here'

    check = parse_script(SCRIPT.format(voice="pico:en-AU"), "s.yaml", check_voice=refuse)
    assert asked == ["pico:en-AU"]
    assert check.script is None
    assert check.errors == ['s.yaml:4:10: error: voice.voice: "pico:en-AU" names no voice '
                            "installed here"]


def test_a_voice_the_check_accepts_and_no_voice_are_fine() -> None:
    asked: list[str] = []

    def accept(name: str) -> str | None:
        asked.append(name)
        return None

    assert parse_script(SCRIPT.format(voice="mb-us1"), check_voice=accept).ok
    assert parse_script(SCRIPT.format(voice="null"), check_voice=accept).ok
    assert asked == ["mb-us1"]


def test_without_a_voice_check_any_name_is_taken_as_written() -> None:
    check = parse_script(SCRIPT.format(voice="pico:en-AU"))
    assert check.script is not None and check.script.voice.voice == "pico:en-AU"
