"""Progression advice from a real SQLite history, and `progress --apply` writing a script that
the real loader accepts, with the old one kept and the comments still there."""

from __future__ import annotations

import shlex
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.progression import (
    Advice,
    advise,
    apply_advice,
    edit_walking_lines,
    spoken_advice,
)
from assistant.caregiver.recorder import HistoryRecorder
from assistant.caregiver.records import SessionRecord
from assistant.cli import main
from assistant.core.errors import ScriptError
from assistant.core.events import SessionEvent
from assistant.script.loading import default_script_path, load_script
from assistant.script.model import ExerciseScript, Progression
from assistant.session.cues import number_in_words
from tests.helpers.caregiver import completed_session, dizzy_session, make_script


def session(walk_s: float, intervals: int, status: str = "completed", safety: int = 0,
            dizzy: int = 0, day: int = 1, name: str = "gentle") -> SessionRecord:
    return SessionRecord(
        id=f"s{day}", script_name=name, script_path="g.yaml", walker="Anna",
        started_at=datetime(2026, 3, day, 9, 0, tzinfo=UTC), ended_at=None, status=status,
        end_reason=None, walked_s=walk_s * intervals, safety_events=safety, dizzy_events=dizzy,
        planned_walk_s=walk_s, planned_intervals=intervals,
    )


def good_days(walk_s: float, intervals: int, count: int, first_day: int = 1) -> list[SessionRecord]:
    return [session(walk_s, intervals, day=first_day + n) for n in range(count)]


RULES = Progression(after_sessions=3, step_s=15, max_walk_s=60, max_total_walk_s=300)


def test_enough_good_sessions_in_a_row_make_the_walks_longer() -> None:
    script = make_script(walk_s=30, intervals=3, progression=RULES)
    advice = advise(good_days(30, 3, 3), script)
    assert (advice.kind, advice.walk_s, advice.intervals) == ("longer", 45, 3)
    assert "fifteen seconds longer" in advice.spoken
    assert "30 to 45" in advice.reason


def test_a_safety_event_or_an_early_end_breaks_the_run() -> None:
    script = make_script(walk_s=30, intervals=3, progression=RULES)
    with_stop = [*good_days(30, 3, 2), session(30, 3, safety=1, day=9)]
    ended = [session(30, 3, status="ended_early", day=9), *good_days(30, 3, 2)]
    for history in (with_stop, ended, good_days(30, 3, 2)):
        advice = advise(history, script)
        assert (advice.kind, advice.spoken) == ("same", ""), history
    # The newest breaks the run; older good sessions do not make up for it.
    assert advise([*good_days(30, 3, 5), session(30, 3, safety=1, day=20)], script).kind == "same"


def test_only_sessions_at_the_current_settings_count() -> None:
    script = make_script(walk_s=45, intervals=3, progression=RULES)
    assert advise(good_days(30, 3, 5), script).kind == "same"
    assert advise(good_days(45, 3, 3, first_day=10), script).kind == "longer"
    other = make_script(walk_s=45, intervals=3, progression=RULES, name="other")
    assert advise(good_days(45, 3, 3), other).kind == "same", "another script's sessions"


def test_growth_stays_within_the_caregivers_limits() -> None:
    at_max_walk = make_script(walk_s=60, intervals=3, progression=RULES)
    advice = advise(good_days(60, 3, 3), at_max_walk)
    assert (advice.kind, advice.walk_s, advice.intervals) == ("longer", 60, 4)
    assert "one more backward walk" in advice.spoken
    capped_total = make_script(walk_s=50, intervals=5, progression=RULES)
    advice = advise(good_days(50, 5, 3), capped_total)
    assert (advice.walk_s, advice.intervals) == (60, 5) and "ten seconds" in advice.spoken
    at_limits = make_script(walk_s=60, intervals=5, progression=RULES)
    advice = advise(good_days(60, 5, 3), at_limits)
    assert advice.kind == "same" and "limits" in advice.reason


def test_dizziness_in_the_last_session_eases_off_but_not_below_a_floor() -> None:
    script = make_script(walk_s=45, intervals=3, progression=RULES)
    advice = advise([*good_days(45, 3, 3), session(45, 3, "ended_early", 1, 1, day=9)], script)
    assert (advice.kind, advice.walk_s, advice.intervals) == ("ease_off", 30, 3)
    assert advice.spoken.startswith(
        "You felt dizzy today, so for now each walk should be fifteen seconds shorter.")
    short = make_script(walk_s=15, intervals=3, progression=RULES)
    advice = advise([session(15, 3, "ended_early", 1, 1)], short)
    assert (advice.kind, advice.walk_s, advice.intervals) == ("ease_off", 15, 2)
    assert advice.spoken.startswith(
        "You felt dizzy today, so for now each session should have one walk fewer.")
    no_ease = make_script(walk_s=45, intervals=3,
                          progression=replace(RULES, ease_off_after_dizzy=False))
    assert advise([session(45, 3, "ended_early", 1, 1)], no_ease).kind == "same"


def test_number_words_read_well() -> None:
    assert [number_in_words(n) for n in (5, 15, 20, 45, 120)] == [
        "five", "fifteen", "twenty", "forty-five", "one hundred and twenty"]


def record(store: HistoryStore, script: ExerciseScript, events: list[SessionEvent]) -> None:
    recorder = HistoryRecorder(store, script)
    for event in events:
        recorder.on_event(event)
    recorder.finish()


def test_spoken_advice_reads_the_real_history(tmp_path: Path) -> None:
    script = make_script(walk_s=30, intervals=2, progression=RULES)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        for _ in range(2):
            record(store, script, completed_session(2, 30))
        assert spoken_advice(store, script) is None
        record(store, script, completed_session(2, 30))
        assert "fifteen seconds longer" in (spoken_advice(store, script) or "")
        record(store, script, dizzy_session())
        assert "dizzy" in (spoken_advice(store, script) or "")


@pytest.fixture
def own_script(tmp_path: Path) -> Path:
    path = tmp_path / "anna.yaml"
    shutil.copy(default_script_path(), path)
    return path


def test_progress_apply_writes_a_valid_script_keeps_comments_and_a_backup(
    own_script: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original_text = own_script.read_text()
    before = load_script(own_script)
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        for _ in range(before.progression.after_sessions):
            record(store, before, completed_session(before.walking.intervals,
                                                    before.walking.walk_s))
    assert main(["progress", str(own_script), "--db", str(db)]) == 0
    assert "--apply" in capsys.readouterr().out
    assert own_script.read_text() == original_text, "advice alone changes nothing"
    assert main(["progress", str(own_script), "--db", str(db), "--apply"]) == 0
    after = load_script(own_script)
    assert after.walking.walk_s == before.walking.walk_s + before.progression.step_s
    assert after.walking.intervals == before.walking.intervals
    assert replace(after, walking=before.walking, source=before.source) == before
    (backup,) = tmp_path.glob("anna.bak-*.yaml")
    assert backup.read_text() == original_text
    new_text = own_script.read_text()
    changed = [(a, b) for a, b in zip(original_text.splitlines(), new_text.splitlines(),
                                      strict=True) if a != b]
    assert len(changed) == 1 and "walk_s" in changed[0][1]
    assert "# slow and clear" in new_text


def test_an_invalid_result_changes_nothing(own_script: Path) -> None:
    original_text = own_script.read_text()
    far_too_long = Advice("longer", 5000.0, 6, "", "test")
    with pytest.raises(ScriptError) as caught:
        apply_advice(own_script, far_too_long)
    assert "nothing was changed" in str(caught.value)
    assert own_script.read_text() == original_text
    assert sorted(p.name for p in own_script.parent.iterdir()) == ["anna.yaml"]


def test_comments_inside_the_walking_block_are_kept(own_script: Path) -> None:
    lines = own_script.read_text().splitlines()
    start = lines.index("walking:")
    lines[start + 1] = "  intervals: 6   # six walks, agreed with the physio"
    lines.insert(start + 1, "  # a comment line inside the block")
    own_script.write_text("\n".join(lines) + "\n")
    change = apply_advice(own_script, Advice("longer", 40.0, 7, "", "test"))
    text = own_script.read_text()
    assert change.comments_kept
    assert "  intervals: 7   # six walks, agreed with the physio" in text
    assert "  # a comment line inside the block" in text
    assert (load_script(own_script).walking.walk_s, load_script(own_script).walking.intervals) \
        == (40, 7)


def test_an_unusual_layout_is_rewritten_and_says_comments_are_lost(own_script: Path) -> None:
    data = yaml.safe_load(own_script.read_text())
    own_script.write_text("# flow style\n" + yaml.safe_dump(data, default_flow_style=True))
    assert edit_walking_lines(own_script.read_text(), 40, 6) is None
    change = apply_advice(own_script, Advice("longer", 40.0, 6, "", "test"))
    assert not change.comments_kept
    assert load_script(own_script).walking.walk_s == 40
    assert "# flow style" in change.backup_path.read_text()


def _good_history_of_default(db: Path) -> ExerciseScript:
    default = load_script(default_script_path())
    with HistoryStore(db) as store:
        for _ in range(default.progression.after_sessions):
            record(store, default, completed_session(default.walking.intervals,
                                                     default.walking.walk_s))
    return default


def _advised_command(out: str) -> list[str]:
    """The command the advice ends with, as the caregiver would type it (without retrowalk)."""
    lines = [line.strip() for line in out.splitlines() if line.strip().startswith("retrowalk ")]
    assert lines, out
    return shlex.split(lines[-1])[1:]


def test_a_bundled_script_ends_in_a_command_that_writes_the_advised_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "h.sqlite3"
    default = _good_history_of_default(db)
    before = default_script_path().read_text()
    monkeypatch.chdir(tmp_path)
    assert main(["progress", "default", "--db", str(db)]) == 0
    advised = _advised_command(capsys.readouterr().out)
    assert advised == ["progress", "default", "--db", str(db), "--apply", "--out",
                       "my_script.yaml"]
    assert main(advised) == 0  # the command the advice gives works as it is
    out = capsys.readouterr().out
    assert "Written:   my_script.yaml (6 walks of 40 s)" in out
    assert "retrowalk start --script my_script.yaml" in out
    copy = load_script(tmp_path / "my_script.yaml")
    assert copy.walking.walk_s == default.walking.walk_s + default.progression.step_s
    assert replace(copy, walking=default.walking, source=default.source) == default
    assert "# slow and clear" in (tmp_path / "my_script.yaml").read_text()
    assert default_script_path().read_text() == before
    # The copy has the script's name, so its history goes on: the advice is new again.
    assert main(["progress", "my_script.yaml", "--db", str(db)]) == 0
    assert "Keep the walks as they are." in capsys.readouterr().out


def test_apply_on_a_bundled_script_without_out_changes_nothing_and_says_how(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "h.sqlite3"
    _good_history_of_default(db)
    before = default_script_path().read_text()
    assert main(["progress", "default", "--db", str(db), "--apply"]) == 1
    assert _advised_command(capsys.readouterr().out)[-3:] == ["--apply", "--out",
                                                              "my_script.yaml"]
    assert default_script_path().read_text() == before


def test_out_never_overwrites_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.sqlite3"
    _good_history_of_default(db)
    taken = tmp_path / "taken.yaml"
    taken.write_text("mine\n")
    assert main(["progress", "default", "--db", str(db), "--apply", "--out", str(taken)]) == 2
    assert "already exists" in capsys.readouterr().err and taken.read_text() == "mine\n"
    assert main(["progress", "default", "--db", str(db), "--out", str(taken)]) == 2
    assert "--out works with --apply" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3", "taken.yaml"]
