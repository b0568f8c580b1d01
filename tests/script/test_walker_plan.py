"""Walker plans: the three kinds of step, comments, and one `PLAN:LINE: error:` line for
each bad line (all of them, not only the first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.script.walker_plan import Moment, PlanError, load_plan, parse_clock, parse_plan


def test_a_plan_reads_its_steps_in_order() -> None:
    plan = parse_plan("# rehearsal\n"
                      "when asked to get ready: I'm ready\n"
                      "\n"
                      "At 5:00: I feel dizzy   # in the second walk\n"
                      "WHEN ASKED: no\n", "plan.txt")
    assert [(s.moment, s.words, s.line, s.at_s) for s in plan.steps] == [
        (Moment.ASKED_TO_GET_READY, "I'm ready", 2, None),
        (Moment.AT, "I feel dizzy", 4, 300.0),
        (Moment.ASKED, "no", 5, None),
    ]
    assert plan.steps[1].describe() == "at 5:00: I feel dizzy"


@pytest.mark.parametrize("text, seconds", [("0:30", 30), ("12:05", 725), ("1:02:03", 3723)])
def test_times_are_minutes_and_seconds(text: str, seconds: float) -> None:
    assert parse_clock(text) == seconds


@pytest.mark.parametrize("text", ["5", "5:75", "5:0", "1:60:00", "five"])
def test_what_is_not_a_time(text: str) -> None:
    assert parse_clock(text) is None


@pytest.mark.parametrize("line, says", [
    ("at 5:00 I feel dizzy", "with a colon between the time and the words"),
    ("at 5:75: I feel dizzy", "'5:75' is not a time"),
    ("when ready: yes", "a step is 'at M:SS: words'"),
    ("when asked:", "has no words to say"),
])
def test_a_bad_line_is_one_error_with_its_line(line: str, says: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan(f"when asked to get ready: ready\n{line}\n", "plan.txt")
    [problem] = caught.value.problems
    assert problem.startswith("plan.txt:2: error: ")
    assert says in problem
    assert caught.value.exit_code == 2


def test_every_bad_line_is_reported() -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan("at 1:00 dizzy\nwhen asked: no\nsometime: help\n", "p")
    assert [p.split(": error:")[0] for p in caught.value.problems] == ["p:1", "p:3"]


def test_an_empty_plan_says_what_to_write() -> None:
    with pytest.raises(PlanError, match="the plan has no steps"):
        parse_plan("# nothing yet\n", "p")


def test_a_missing_plan_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="cannot read the walker plan: No such file"):
        load_plan(tmp_path / "nobody.txt")
