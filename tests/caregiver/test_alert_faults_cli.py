"""The faults of issue 10, part 2, through the real command: `retrowalk start --console` as
a process, with alert channels that cannot deliver (a webhook that hangs, a FIFO nobody
reads, a command whose grandchild would hang). The walker is told the truth, every attempt
is in the log, the history has the true ending, no process is left behind, and nothing
escapes (no traceback, no write to a closed file)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.script.loading import default_script_path
from assistant.session import cues
from assistant.session.end_words import end_words
from tests.caregiver.test_delivery import live_members
from tests.helpers.bad_servers import BadServer

pytestmark = pytest.mark.slow

#: A hard limit on each run, so a hang fails the test instead of blocking it.
RUN_LIMIT_S = 120.0


def faulty_script(folder: Path, webhook_url: str) -> tuple[Path, Path]:
    """The default script with three channels that cannot deliver and a short emergency."""
    fifo, pid_file = folder / "alerts.fifo", folder / "command.pid"
    os.mkfifo(fifo)
    channels = (
        f"  channels:\n"
        f"    - {{type: webhook, url: '{webhook_url}', timeout_s: 1, retries: 1}}\n"
        f"    - {{type: file, path: '{fifo}', retries: 1}}\n"
        f"    - {{type: command, argv: [sh, -c, 'echo $$ >> {pid_file}; sleep 300 & sleep 300'],"
        f" timeout_s: 1, retries: 0}}\n"
    )
    text = re.sub(r"^  channels: \[\].*\n", channels, default_script_path().read_text(),
                  count=1, flags=re.MULTILINE)
    text = text.replace("emergency_max_s: 1800", "emergency_max_s: 60", 1)
    text = "walker: Margaret  # alert messages say who needs help\n" + text
    path = folder / "faulty.yaml"
    path.write_text(text)
    return path, pid_file


def run_console(script: Path, folder: Path, typed: str, close_input: bool) -> tuple[int, str]:
    """`retrowalk start --console` at 10x speed; the words typed, then input kept open (or
    closed: the assistant can no longer hear). Returns the exit code and stderr."""
    command = [sys.executable, "-m", "assistant", "start", "--console", "--script", str(script),
               "--speed", "10", "--log", str(folder / "log.jsonl"),
               "--db", str(folder / "history.sqlite3")]
    errors_path = folder / "stderr.txt"
    with (folder / "stdout.txt").open("w") as out, errors_path.open("w") as errors:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, stderr=errors,
                                   text=True)
        assert process.stdin is not None
        process.stdin.write(typed)
        process.stdin.flush()
        if close_input:
            process.stdin.close()
        # Input left open: the session must end by itself (the emergency's time runs out).
        code = process.wait(RUN_LIMIT_S)
        if not close_input:
            process.stdin.close()
    return code, errors_path.read_text()


def log_of(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (folder / "log.jsonl").read_text().splitlines()]


def history_of(folder: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "assistant", "history", "--db",
                           str(folder / "history.sqlite3")],
                          capture_output=True, text=True, timeout=RUN_LIMIT_S, check=True)
    return done.stdout


def assert_nothing_escaped(errors: str, pid_file: Path) -> None:
    assert "Traceback" not in errors and "closed file" not in errors, errors
    for group in {int(line) for line in pid_file.read_text().split()}:
        assert live_members(group) == [], "no process of a command's group may be left"


def test_an_emergency_no_channel_can_deliver_tells_the_walker_and_logs_every_attempt(
    tmp_path: Path,
) -> None:
    with BadServer("hang") as server:
        script, pid_file = faulty_script(tmp_path, server.url)
        code, errors = run_console(script, tmp_path, "help\n", close_input=False)
    assert code == 0, errors
    records = log_of(tmp_path)
    said = [str(r["text"]) for r in records if r["type"] == "cue"]
    assert cues.ALERT_UNREACHED in said
    assert said[-1] == cues.EMERGENCY_OVER_UNREACHED
    attempts = [r for r in records if r["type"] == "alert"]
    assert {str(r["channel"]).split(":")[0] for r in attempts} == {"webhook", "file", "command"}
    assert not any(r["ok"] for r in attempts)
    assert end_words("emergency") in history_of(tmp_path)
    assert_nothing_escaped(errors, pid_file)


def test_a_lost_hearing_alert_no_channel_delivered_is_told_before_the_end(
    tmp_path: Path,
) -> None:
    with BadServer("trickle") as server:
        script, pid_file = faulty_script(tmp_path, server.url)
        code, errors = run_console(script, tmp_path, "", close_input=True)
    records = log_of(tmp_path)
    said = [str(r["text"]) for r in records if r["type"] == "cue"]
    assert said[-2:] == [cues.HEARING_LOST, cues.ALERT_UNREACHED]
    kinds = {r.get("kind") for r in records if r["type"] == "alert"}
    assert kinds == {"hearing_lost"}
    assert end_words("hearing_lost") in history_of(tmp_path)
    assert code is not None
    assert_nothing_escaped(errors, pid_file)
