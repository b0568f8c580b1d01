"""A plain (non-editable) install carries everything a session needs: the bundled scripts,
the phrase tables and the model catalogue."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_plain_install_has_a_working_command_and_the_default_script(tmp_path: Path) -> None:
    target = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    assert not (target / "assistant" / "__editable__").exists()
    # Run from an empty folder, so only the installed copy can be imported.
    env = {**os.environ, "PYTHONPATH": str(target)}
    check = subprocess.run(
        [sys.executable, "-m", "assistant", "check", "default"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )
    assert check.returncode == 0, check.stderr
    assert "Backward walking" in check.stdout
    imported_from = subprocess.run(
        [sys.executable, "-c", "import assistant, sys; print(assistant.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60,
    ).stdout
    assert imported_from.startswith(str(target))
    assert (target / "assistant" / "phrases" / "en.yaml").is_file()
