"""`retrowalk simulate --walker PLAN`: a synthesized walker (espeak-ng) speaks a plan into the
simulated room; the real recognizer hears it on the simulated clock. A dizzy walker who
answers "no" when asked how they feel, or does not answer, is an emergency; a bad plan is
one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.script.loading import resolve_script

#: Dizzy in the first walk; then "no" when asked how it feels, or no answer at all.
DIZZY = """\
# a rehearsal of dizziness
when asked to get ready: I'm ready
at 0:50: I feel dizzy
"""


def short_script(tmp_path: Path) -> Path:
    """The demo script (20 s warm-up, 25 s walks), its emergency cut to the shortest: 60 s."""
    text = resolve_script("demo").read_text(encoding="utf-8")
    path = tmp_path / "short.yaml"
    path.write_text(text.replace("safety:\n", "safety:\n  emergency_max_s: 60\n"),
                    encoding="utf-8")
    return path


def read_log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.slow  # about 35 s each: 150 s of session through the real recognizer
@pytest.mark.parametrize("answer, trigger", [("when asked: no\n", "dizzy_not_better"),
                                             ("", "dizzy_no_answer")],
                         ids=["answers-no", "no-answer"])
def test_a_dizzy_walker_who_is_not_better_is_an_emergency(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str, trigger: str) -> None:
    plan, log = tmp_path / "plan.txt", tmp_path / "session.jsonl"
    plan.write_text(DIZZY + answer, encoding="utf-8")
    assert main(["simulate", "--walker", str(plan), "--script", str(short_script(tmp_path)),
                 "--log", str(log)]) == 0
    events = read_log(log)
    intents = [(e["intent"], round(e["t"])) for e in events if e["type"] == "intent"]
    assert [name for name, _ in intents] == ["ready", "dizzy", "no"][: 2 + bool(answer)]
    assert 50 <= intents[1][1] <= 52, "said at 0:50 and heard within two seconds"
    moves = [(e["from"], e["to"], e["trigger"]) for e in events if e["type"] == "state"]
    assert ("walking", "safety_pause", "dizzy") in moves
    assert ("check_in", "emergency", trigger) in moves
    alerts = [e for e in events if e["type"] == "alert"]
    assert alerts and alerts[0]["kind"] == "dizzy_no_answer"
    said = capsys.readouterr().err
    assert f'Walker said "I feel dizzy" at 0:50 ({plan}:3)' in said
    assert "never said" not in said


def test_a_malformed_plan_is_one_clear_error_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("when asked to get ready: I'm ready\nat 5:00 I feel dizzy\n",
                    encoding="utf-8")
    assert main(["simulate", "--walker", str(plan), "--log", str(tmp_path / "log")]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.splitlines() == [
        f"{plan}:2: error: cannot read 'at 5:00 I feel dizzy': an 'at' step is "
        "'at M:SS: words', with a colon between the time and the words"]
    assert not (tmp_path / "log").exists(), "nothing was simulated"
