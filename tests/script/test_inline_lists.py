"""Inline cue lists split at a comma: `check` warns (exit 0), and the documented example
(docs/scripts.md) uses block lists, so its cues stay whole."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.script.inline_lists import is_fragment
from assistant.script.loading import parse_script

REPO = Path(__file__).resolve().parents[2]
BASE = """\
name: Lists
walker: Ann
warm_up: {duration_s: 120}
support_check: {question: Say ready when you are ready.}
walking:
  intervals: 2
  walk_s: 30
  rest_s: 30
  walk_cues:
    start: START
cool_down: {duration_s: 120}
"""


def with_start(start: str) -> str:
    return BASE.replace("START", start)


@pytest.mark.parametrize("text, fragment", [
    ("Walk backward now", True), ("slowly.", True), ("Small steps.", False),
    ("Are you ready?", False), ('"Well done."', False), ("Well done!", False),
])
def test_a_fragment_starts_in_lower_case_or_ends_no_sentence(text: str, fragment: bool) -> None:
    assert is_fragment(text) is fragment


def test_check_warns_about_an_inline_list_split_at_a_comma(tmp_path: Path, capsys) -> None:
    path = tmp_path / "split.yaml"
    path.write_text(with_start("[Walk backward now, slowly., Small steps.]"), encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Planned total" in out
    (line,) = err.splitlines()
    assert line.startswith(f"{path}:10:12: warning: walking.walk_cues.start: this inline list "
                           "is 3 cues")
    assert '"Walk backward now" / "slowly." / "Small steps."' in line


@pytest.mark.parametrize("start", [
    '["Walk backward now, slowly.", "Small steps."]',    # quoted: each cue whole
    "[Walk backward now., Small steps.]",                # whole sentences
    "[Walk backward now]",                               # one cue: nothing was split
    "\n      - Walk backward now, slowly.\n      - and small steps",  # a block list
])
def test_no_warning_for_lists_that_are_not_split(start: str) -> None:
    check = parse_script(with_start(start))
    assert check.ok and check.warnings == []


def test_lists_that_are_not_spoken_are_not_checked() -> None:
    text = BASE.replace("START", "Walk back.") + (
        "alerts:\n  channels:\n    - type: command\n      argv: [notify-send, needs you]\n")
    check = parse_script(text)
    assert check.ok and check.warnings == []


def test_the_documented_example_is_valid_and_keeps_its_cues_whole() -> None:
    doc = (REPO / "docs" / "scripts.md").read_text(encoding="utf-8")
    example = re.search(r"## A complete example\s+```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    check = parse_script(example.group(1))
    assert check.ok and check.warnings == []
    assert check.script is not None
    assert check.script.walking.walk_cues.start == ("Walk backward now, slowly.", "Small steps.")
    assert "start: [" not in example.group(1) and "encouragement: [" not in example.group(1)
