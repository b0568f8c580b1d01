"""Helpers of the live-session tests: run `retrowalk start` as a walker's machine would,
and read its event log as it grows."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def read_events(log: Path) -> list[dict]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def wait_for(predicate, timeout_s: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def start_session(script: str, log: Path, tmp_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "RETROWALK_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "start", "--script", script, "--no-history",
         "--log", str(log)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env,
    )


def end_session(session: subprocess.Popen[str]) -> str:
    """SIGINT (as Ctrl-C), then the session's stderr."""
    session.send_signal(signal.SIGINT)
    try:
        _, stderr = session.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        session.kill()
        _, stderr = session.communicate()
    return stderr
