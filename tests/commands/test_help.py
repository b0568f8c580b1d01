"""Help in plain words for every command and option, and `listen` stopped by Ctrl-C with one
line (a real process, a real SIGINT)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import soundfile

from assistant.cli import build_parser

REPO_DIR = Path(__file__).resolve().parents[2]


def parsers(parser: argparse.ArgumentParser, name: str = "retrowalk",
            ) -> Iterator[tuple[str, argparse.ArgumentParser, str | None]]:
    """(command name, its parser, its one-line help in the list above it), depth first."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            lines = {choice.dest: choice.help for choice in action._choices_actions}
            for sub, sub_parser in action.choices.items():
                yield f"{name} {sub}", sub_parser, lines.get(sub)
                yield from parsers(sub_parser, f"{name} {sub}")


def test_every_command_has_a_help_line_and_a_description() -> None:
    missing = [name for name, parser, line in parsers(build_parser())
               if not line or not parser.description]
    assert missing == []


def test_every_option_has_help() -> None:
    missing = [f"{name} {action.option_strings or action.dest}"
               for name, parser, _ in parsers(build_parser()) for action in parser._actions
               if not isinstance(action, argparse._SubParsersAction) and not action.help]
    assert missing == []


def test_no_help_names_an_internal_module() -> None:
    for name, parser, _ in parsers(build_parser()):
        text = parser.format_help()
        assert "assistant." not in text and "Error line" not in text, name


def test_ctrl_c_stops_listen_with_one_line(tmp_path: Path) -> None:
    # Two minutes of quiet noise: far longer than the moment it takes to interrupt it.
    noise = np.random.default_rng(1).normal(0.0, 0.01, 16_000 * 120).astype(np.float32)
    recording = tmp_path / "quiet.flac"
    soundfile.write(recording, noise, 16_000)
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "listen", "--audio-in", str(recording),
         "--engine", "pocketsphinx"],
        cwd=REPO_DIR, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_DIR)},
    )
    assert process.stderr is not None
    banner = process.stderr.readline()  # the recognizer is loaded and listening
    process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    assert process.wait(timeout=60) == 0
    assert banner.startswith("retrowalk listen: ")
    assert rest.splitlines() == ["retrowalk listen: stopped"]


def test_a_console_session_says_it_uses_no_audio_device() -> None:
    # No input: the console cannot hear, so the session ends safely at once.
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "start", "--console", "--input-device", "0",
         "--no-history"],
        cwd=REPO_DIR, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO_DIR)},
    )
    assert result.returncode == 0
    assert "--input-device and --output-device are not used" in result.stderr
    assert "Session ended early (RetroWalk could no longer hear)." in result.stdout
