"""Progression: when the walks can grow, when to ease off, and writing the changed script.

`advise` reads the history of one script. After `progression.after_sessions` completed
sessions in a row at the current settings with no safety event, each walk can grow by
`step_s` (within `max_walk_s` and `max_total_walk_s`; once a walk is as long as allowed, one
more walk is added, within the total). Dizziness in the last session at these settings
eases off: each walk `step_s` shorter, never below a floor. Only sessions at the current
settings count, so applying a change starts a new run of sessions.

`apply_advice` changes only `walking.walk_s` and `walking.intervals` in the YAML file, line
by line so that comments are kept, checks the result with the script loader, keeps the old
file as `NAME.bak-YYYYMMDD-HHMMSS.yaml` and replaces the file atomically. `write_advised_copy`
writes the changed script to a new file instead (the way for a script that comes with
RetroWalk, which is never changed in place).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.records import SessionRecord
from assistant.core.clock import local_now
from assistant.core.errors import ScriptError
from assistant.script.model import ExerciseScript
from assistant.session.cues import number_in_words

#: Easing off never makes a walk shorter than this.
EASE_OFF_FLOOR_S = 15.0
#: Sessions read from the history for advice (only the latest ones matter).
RECENT_SESSIONS = 50


@dataclass(frozen=True)
class Advice:
    """What to do with the walks next time, said for the walker and written for the caregiver."""

    kind: str
    """"longer", "same" or "ease_off"."""
    walk_s: float
    intervals: int
    spoken: str
    """For the walker at the end of a session; empty when there is nothing new to say."""
    reason: str

    def changes(self, script: ExerciseScript) -> bool:
        return (self.walk_s, self.intervals) != (script.walking.walk_s, script.walking.intervals)


def _at_current_settings(session: SessionRecord, script: ExerciseScript) -> bool:
    return (session.planned_walk_s, session.planned_intervals) == (
        script.walking.walk_s, script.walking.intervals)


def _settings_text(walk_s: float, intervals: int) -> str:
    return f"{intervals} walks of {walk_s:g} s ({walk_s * intervals / 60:.1f} min backward)"


def advise(history: Sequence[SessionRecord], script: ExerciseScript) -> Advice:
    """Advice for the next session of `script`, from its finished sessions in `history`."""
    walking, rules = script.walking, script.progression
    finished = sorted(
        (s for s in history if s.script_name == script.name and s.status != "running"),
        key=lambda s: s.started_at, reverse=True,
    )
    now_text = _settings_text(walking.walk_s, walking.intervals)
    if finished and finished[0].dizzy_events and rules.ease_off_after_dizzy:
        if _at_current_settings(finished[0], script):
            return _ease_off(script)
    streak = 0
    for session in finished:
        good = session.status == "completed" and session.safety_events == 0
        if not (good and _at_current_settings(session, script)):
            break
        streak += 1
    if streak < rules.after_sessions:
        return _same(script, f"{streak} of {rules.after_sessions} completed sessions in a row "
                     f"without safety events at {now_text}; keep going.")
    return _longer(script, streak)


def _same(script: ExerciseScript, reason: str) -> Advice:
    return Advice("same", script.walking.walk_s, script.walking.intervals, "", reason)


def _longer(script: ExerciseScript, streak: int) -> Advice:
    walking, rules = script.walking, script.progression
    cap_s = min(rules.max_walk_s, rules.max_total_walk_s / walking.intervals)
    walk_s = float(int(min(walking.walk_s + rules.step_s, cap_s)))
    limits = f"limits: {rules.max_walk_s:g} s a walk, {rules.max_total_walk_s:g} s in all"
    why = f"{streak} completed sessions in a row without safety events"
    if walk_s >= walking.walk_s + 1:
        grow = int(walk_s - walking.walk_s)
        return Advice(
            "longer", walk_s, walking.intervals,
            f"Great work. You are ready to walk {number_in_words(grow)} seconds longer each time. "
            "Your caregiver can set that up.",
            f"{why}: each walk can grow from {walking.walk_s:g} to {walk_s:g} s ({limits}).",
        )
    if (walking.intervals + 1) * walking.walk_s <= rules.max_total_walk_s:
        return Advice(
            "longer", walking.walk_s, walking.intervals + 1,
            "Great work. You are ready for one more backward walk. "
            "Your caregiver can set that up.",
            f"{why}: the walks are as long as allowed, so one more walk can be added "
            f"({walking.intervals} to {walking.intervals + 1}; {limits}).",
        )
    return _same(script, f"{why}, and the programme is at the limits the caregiver set "
                 f"({limits}). Raise them in the script's progression section to go further.")


def _ease_off(script: ExerciseScript) -> Advice:
    walking, rules = script.walking, script.progression
    marks = walking.walk_cues.remaining_marks_s
    # A walk must stay longer than its "30 seconds left" marks, or the script is invalid.
    floor_s = max(EASE_OFF_FLOOR_S, max(marks, default=0.0) + 5.0)
    walk_s = max(floor_s, walking.walk_s - rules.step_s)
    if walk_s < walking.walk_s:
        shorter = int(walking.walk_s - walk_s)
        return Advice(
            "ease_off", walk_s, walking.intervals,
            f"You felt dizzy today, so for now each walk should be {number_in_words(shorter)} "
            "seconds shorter. Your caregiver can set that up. Please tell them how you feel.",
            f"Dizziness in the last session: each walk can be shorter, {walking.walk_s:g} to "
            f"{walk_s:g} s. Talk to the doctor if dizziness comes back.",
        )
    if walking.intervals > 1:
        return Advice(
            "ease_off", walking.walk_s, walking.intervals - 1,
            "You felt dizzy today, so for now each session should have one walk fewer. Your "
            "caregiver can set that up. Please tell them how you feel.",
            f"Dizziness in the last session, and the walks are already short: one walk fewer "
            f"({walking.intervals} to {walking.intervals - 1}). Talk to the doctor.",
        )
    return _same(script, "Dizziness in the last session, and the programme is already as small "
                 "as it goes. Talk to the doctor before the next session.")


def spoken_advice(store: HistoryStore, script: ExerciseScript) -> str | None:
    """The sentence for the end-of-session summary, or None when nothing changes."""
    advice = advise(store.sessions(limit=RECENT_SESSIONS, script_name=script.name), script)
    return advice.spoken or None


@dataclass(frozen=True)
class AppliedChange:
    """The script rewritten, where the old one was kept, and whether comments survived."""

    script_path: Path
    backup_path: Path
    comments_kept: bool


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def edit_walking_lines(text: str, walk_s: float, intervals: int) -> str | None:
    """`text` with walking.walk_s and walking.intervals changed in place, comments kept;
    None when the file is not laid out as plain `key: value` lines under `walking:`."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"walking:\s*(#.*)?$", line)]
    if len(starts) != 1:
        return None
    block: list[int] = []
    for index in range(starts[0] + 1, len(lines)):
        line = lines[index]
        if line.strip() and not line.startswith((" ", "\t", "#")):
            break
        block.append(index)
    indents = [len(lines[i]) - len(lines[i].lstrip()) for i in block
               if lines[i].strip() and not lines[i].lstrip().startswith("#")]
    if not indents:
        return None
    values = {"walk_s": _number_text(walk_s), "intervals": str(intervals)}
    pattern = re.compile(
        rf"^(\s{{{indents[0]}}})(walk_s|intervals)(\s*:\s*)[^#\s][^#]*?(\s*(#.*)?)$")
    found: list[str] = []
    for index in block:
        body = lines[index].rstrip("\r\n")
        match = pattern.match(body)
        if match:
            found.append(match.group(2))
            ending = lines[index][len(body):]
            lines[index] = (match.group(1) + match.group(2) + match.group(3)
                            + values[match.group(2)] + match.group(4) + ending)
    return "".join(lines) if sorted(found) == ["intervals", "walk_s"] else None


def _dump_changed(text: str, walk_s: float, intervals: int) -> str:
    data = yaml.safe_load(text)
    data["walking"]["walk_s"] = int(walk_s) if float(walk_s).is_integer() else walk_s
    data["walking"]["intervals"] = intervals
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _advised_text(script_path: Path, advice: Advice) -> tuple[str, bool]:
    """The script's text with the advice's walks, and whether its comments were kept."""
    text = script_path.read_text(encoding="utf-8")
    edited = edit_walking_lines(text, advice.walk_s, advice.intervals)
    if edited is not None:
        return edited, True
    return _dump_changed(text, advice.walk_s, advice.intervals), False


def _checked_temp(script_path: Path, advice: Advice, folder: Path) -> tuple[Path, bool]:
    """The advised script, written to a temporary file in `folder` and checked by the loader.

    Raises ScriptError (and removes the file) when it would not be a valid script."""
    from assistant.script.loading import check_script  # the loader: the one judge of validity

    new_text, comments_kept = _advised_text(script_path, advice)
    handle, temp_name = tempfile.mkstemp(prefix=f".{script_path.stem}.", suffix=".yaml",
                                         dir=folder)
    temp = Path(temp_name)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(new_text)
    check = check_script(temp)
    if not check.ok:
        temp.unlink(missing_ok=True)
        change = _settings_text(advice.walk_s, advice.intervals)
        raise ScriptError(
            f"{script_path}: the suggested change ({change}) would not be a valid script, "
            f"so nothing was changed: {check.errors[0]}", check.errors)
    return temp, comments_kept


def apply_advice(
    script_path: Path, advice: Advice, now: datetime | None = None
) -> AppliedChange:
    """Rewrite the script file with the advice's walks; the old file is kept beside it.

    Raises ScriptError, changing nothing, when the result would not be a valid script."""
    temp, comments_kept = _checked_temp(script_path, advice, script_path.parent)
    try:
        shutil.copymode(script_path, temp)
        backup = script_path.with_name(
            f"{script_path.stem}.bak-{(now or local_now()):%Y%m%d-%H%M%S}{script_path.suffix}")
        shutil.copy2(script_path, backup)
        os.replace(temp, script_path)
    finally:
        temp.unlink(missing_ok=True)
    return AppliedChange(script_path, backup, comments_kept)


def write_advised_copy(script_path: Path, advice: Advice, out_path: Path) -> bool:
    """Write the script with the advice's walks to `out_path`, a new file; the script itself
    is not changed. Returns whether the comments were kept.

    Raises ScriptError, writing nothing, when `out_path` exists, its folder does not, or the
    result would not be a valid script."""
    if out_path.exists():
        raise ScriptError(f"{out_path}: already exists; give --out a new file name (nothing "
                          "was written)")
    if not out_path.parent.is_dir():
        raise ScriptError(f"{out_path}: the folder {out_path.parent} does not exist (nothing "
                          "was written)")
    temp, comments_kept = _checked_temp(script_path, advice, out_path.parent)
    try:
        # Mode "x" fails if the file appeared meanwhile: a file is never overwritten.
        with open(out_path, "x", encoding="utf-8") as stream:
            stream.write(temp.read_text(encoding="utf-8"))
    except FileExistsError as err:
        raise ScriptError(f"{out_path}: already exists; give --out a new file name") from err
    except OSError as err:
        raise ScriptError(f"{out_path}: could not be written ({err.strerror})") from err
    finally:
        temp.unlink(missing_ok=True)
    return comments_kept
