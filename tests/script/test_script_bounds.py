"""Scripts past sane bounds are refused like any other mistake, FILE:LINE:COL and all: deep
nesting, overlong texts, control characters, leading-zero numbers (YAML 1.1 octal); and
`check` says what the alert channels would run, write or send to."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import main
from assistant.script.loading import parse_script
from tests.script.test_script import MINIMAL, edited, errors_of


@pytest.mark.parametrize("nested, where", [
    ("[" * 600 + "]" * 600, "t.yaml:13:47:"),  # the 41st bracket
    ("".join(f"\n{'  ' * (i + 1)}k:" for i in range(600)) + " 1", "t.yaml:53:81:"),
], ids=["flow", "block"])
def test_deep_nesting_is_one_located_error_not_a_crash(nested: str, where: str) -> None:
    errors = errors_of(MINIMAL + f"extra: {nested}\n")
    assert len(errors) == 1
    assert errors[0].startswith(where) and "nests more than 40 levels" in errors[0]


def test_a_text_longer_than_a_spoken_cue_is_refused() -> None:
    long_cue = "Walk slowly. " * 50
    errors = errors_of(edited("  duration_s: 60\n", f"  duration_s: 60\n  cues:\n"
                              f"    start: [Hello., '{long_cue.strip()}']\n"))
    assert errors == [f"t.yaml:6:21: error: warm_up.cues.start[1]: is {len(long_cue.strip())} "
                      "characters long; at most 600 fit one spoken cue, split it into shorter "
                      "ones"]


@pytest.mark.parametrize("written, shown", [("\\e[31m", "U+001B"), ("\\a", "U+0007"),
                                            ("\\u202e", "U+202E"), ("\\0", "U+0000")])
def test_control_characters_in_texts_are_refused(written: str, shown: str) -> None:
    errors = errors_of(edited("walker: Ann", f'walker: "Ann{written}"'))
    assert len(errors) == 1 and errors[0].startswith("t.yaml:2:9: error: walker: ")
    assert f"control character {shown}" in errors[0]
    assert "\x1b" not in errors[0] and "\x07" not in errors[0]


def test_a_key_with_an_escape_is_printed_harmlessly() -> None:
    errors = errors_of(MINIMAL + '"bad\\e[2Jkey": 1\n')
    assert "\x1b" not in "".join(errors) and "bad\\u001b[2Jkey" in errors[0]


@pytest.mark.parametrize("written, message", [
    ("030", "030 starts with a zero, which YAML reads as the octal number 24, not 30; write 30"),
    ("09", "09 starts with a zero, which YAML reads as text, not 9; write 9"),
])
def test_leading_zero_numbers_are_refused(written: str, message: str) -> None:
    errors = errors_of(edited("walk_s: 30", f"walk_s: {written}"))
    assert errors[0] == f"t.yaml:9:11: error: walking.walk_s: {message}"


def test_quoted_leading_zero_texts_and_plain_numbers_are_fine() -> None:
    check = parse_script(edited("walker: Ann", 'walker: "007"'), "t.yaml")
    assert check.errors == [] and check.script is not None and check.script.walker == "007"


def test_check_lists_what_the_alert_channels_run_write_and_send_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "walks.yaml"
    script.write_text(MINIMAL + """\
alerts:
  channels:
    - {type: webhook, url: "https://hooks.example.org/x?token=secret"}
    - {type: command, argv: "notify-send 'RetroWalk needs you'"}
    - {type: file, path: /var/tmp/alerts.txt}
""", encoding="utf-8")
    assert main(["check", str(script)]) == 0
    out = capsys.readouterr().out
    assert "sends to the web address: https://hooks.example.org/x (its query is not shown)" in out
    assert "runs the command: notify-send 'RetroWalk needs you'" in out
    assert "appends to the file: /var/tmp/alerts.txt" in out
    assert "secret" not in out


def test_check_says_when_no_one_would_be_alerted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "default"]) == 0
    assert "Alerts: no alert channel" in capsys.readouterr().out
