"""`retrowalk start --console` as a separate process, ended the hard ways: SIGTERM mid-session,
and the event log's file system full (RLIMIT_FSIZE). The console shows the stop instruction,
the caregiver's webhook (a real HTTP server on 127.0.0.1) gets what it should, the history
keeps the session's true ending, and the process ends within a bounded time."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from assistant.caregiver.history import HistoryStore
from assistant.script.loading import default_script_path
from assistant.session import cues
from tests.helpers.http_receiver import HttpReceiver
from tests.helpers.live_session import read_events, wait_for

#: Generous: the process must end by itself well within this (the alert drain included).
END_WITHIN_S = 60.0


def script_with_webhook(tmp_path: Path, url: str) -> Path:
    data = yaml.safe_load(default_script_path().read_text(encoding="utf-8"))
    data["walker"] = "Margaret"  # alert messages say who needs help
    data["alerts"] = {"channels": [{"type": "webhook", "url": url, "retries": 0}]}
    path = tmp_path / "walks.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def start_console(tmp_path: Path, script: Path, speed: float,
                  file_size_limit: int | None = None) -> subprocess.Popen[str]:
    def limit_file_size() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    env = {**os.environ, "RETROWALK_DATA_DIR": str(tmp_path / "data")}
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "start", "--console", "--script", str(script),
         "--speed", str(speed), "--db", str(tmp_path / "history.sqlite3"),
         "--log", str(tmp_path / "log.jsonl")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=env, preexec_fn=limit_file_size,
    )


def the_only_session(tmp_path: Path) -> tuple[str, str | None]:
    with HistoryStore(tmp_path / "history.sqlite3", must_exist=True) as store:
        [record] = store.sessions()
    return record.status, record.end_reason


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_mid_session_says_stop_alerts_and_records_the_ending(
    tmp_path: Path, stop: signal.Signals
) -> None:
    with HttpReceiver() as receiver:
        session = start_console(tmp_path, script_with_webhook(tmp_path, receiver.url), 10.0)
        try:
            assert wait_for(lambda: any(e["type"] == "state" and e["to"] == "warm_up"
                                        for e in read_events(tmp_path / "log.jsonl")), 60)
            session.send_signal(stop)
            out, err = session.communicate(timeout=END_WITHIN_S)
        finally:
            if session.poll() is None:
                session.kill()
        kinds = [body["kind"] for body in receiver.bodies]
    assert session.returncode == 128 + stop
    assert f">> {cues.INTERRUPTED}" in out
    assert err.strip().splitlines()[-1].startswith(f"retrowalk: error: stopped by {stop.name}")
    assert kinds == ["session_aborted"]
    assert the_only_session(tmp_path) == ("ended_early", "interrupted")


def test_a_full_log_file_system_is_one_line_and_the_session_goes_on(tmp_path: Path) -> None:
    """The log already holds earlier sessions, just below the limit on a file's size: the
    next lines do not fit (EFBIG, as a full disk). The history, far smaller, still fits."""
    limit = 4_000_000
    log = tmp_path / "log.jsonl"
    log.write_text("{}\n" * ((limit - 400) // 3), encoding="utf-8")
    with HttpReceiver() as receiver:
        script = script_with_webhook(tmp_path, receiver.url)
        session = start_console(tmp_path, script, 20.0, file_size_limit=limit)
        try:
            assert session.stdin is not None
            time.sleep(1.0)
            session.stdin.write("help\n")
            session.stdin.flush()
            assert wait_for(lambda: bool(receiver.bodies), END_WITHIN_S)
            # Input ends (communicate closes it): the assistant can no longer hear (rule 3).
            out, err = session.communicate(timeout=END_WITHIN_S)
        finally:
            if session.poll() is None:
                session.kill()
        kinds = [body["kind"] for body in receiver.bodies]
    assert session.returncode == 0
    assert "help" in kinds
    assert f">> {cues.HEARING_LOST}" in out
    log_lines = [line for line in err.splitlines() if "event log" in line]
    assert len(log_lines) == 1 and "File too large" in log_lines[0]
    assert "Traceback" not in err
    assert the_only_session(tmp_path) == ("ended_early", "hearing_lost")
