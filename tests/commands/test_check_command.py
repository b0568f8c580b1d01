"""`retrowalk check`: exit 0 and the timeline when valid, exit 2 and located errors when not,
never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main

VALID = """\
name: Check me
walker: Ann
warm_up: {duration_s: 120}
support_check: {question: Say ready when you are ready.}
walking: {intervals: 3, walk_s: 30, rest_s: 30}
cool_down: {duration_s: 120}
"""
REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str, name: str = "script.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_script_prints_timeline_and_exits_0(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, VALID)
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "walk 3 (backward)" in out and "Backward walking: 1:30" in out
    assert "Planned total: 6:30" in out  # 2:00 + 3 x 0:30 + 2 x 0:30 + 2:00
    assert err == ""


def test_invalid_script_prints_each_error_and_exits_2(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, VALID.replace("walk_s: 30", "walk_s: -3").replace(
        "walker: Ann", "walkr: Ann"))
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()  # the walker's name is optional: a misspelt key is the error
    assert lines[0].startswith(f'{path}:2:1: error: walkr: unknown key; did you mean "walker"?')
    assert lines[1].startswith(f"{path}:5:33: error: walking.walk_s: must be more than 0")
    assert lines[2] == f"{path}: 2 errors; the script cannot be used"


def test_warnings_do_not_fail_unless_strict(tmp_path: Path, capsys) -> None:
    path = write(tmp_path, VALID.replace("cool_down: {duration_s: 120}",
                                         "cool_down: {duration_s: 120, cues: {end: Say stop.}}"))
    assert main(["check", str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Planned total" in out
    assert err.startswith(f"{path}:6:42: warning: cool_down.cues.end: ")
    assert main(["check", "--strict", str(path)]) == 2


def test_bundled_name_and_default(capsys) -> None:
    assert main(["check", "knee_friendly"]) == 0
    assert '"Knee friendly"' in capsys.readouterr().out
    assert main(["check"]) == 0
    assert '"Gentle start"' in capsys.readouterr().out


def test_missing_file_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["check", str(missing)]) == 2
    _, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{missing}: error: no such script file; ")
    assert all(name in lines[0] for name in ("building", "default", "knee_friendly"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name: !!python/object/apply:os.system ['echo hi']\n", ":1:7: error: name: the tag"),
        (b"name: Ren\xe9e\n", ":1:10: error: the file is not UTF-8 text"),
        (b"walking: [unclosed\n", ":2:1: error: this is not valid YAML"),
        (b"", ":1:1: error: the file is empty"),
    ],
    ids=["python-tag", "latin-1", "broken-yaml", "empty"],
)
def test_real_process_reports_without_traceback(tmp_path: Path, content: bytes,
                                                expected: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "assistant", "check", str(path)],
                          capture_output=True, text=True, env=env, timeout=60, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert done.stderr.startswith(f"{path}{expected}")


def test_help_describes_the_command(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["check", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    assert "FILE:LINE:COL" in out and "--strict" in out and "knee_friendly" in out
