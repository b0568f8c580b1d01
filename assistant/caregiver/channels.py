"""The three ways an alert reaches the caregiver: a webhook, a command, a file.

Each `deliver_*` function makes one attempt, ended by a hard deadline (the channel's
`timeout_s`): the whole HTTP exchange (`webhook.py`); a command in its own process group,
killed as a group at the deadline, so that no grandchild is left behind; a file opened
non-blocking, so that a FIFO with no reader fails at once instead of hanging. Each returns a
short success detail, or raises `AlertError` (from the cause) with one line saying what went
wrong. Retries, backoff and logging live in `assistant.caregiver.delivery`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from assistant.caregiver.webhook import post_json
from assistant.core.errors import AlertError
from assistant.script.model import AlertChannel

#: The environment variable that carries the alert JSON to a command channel.
ALERT_ENV_VAR = "RETROWALK_ALERT"
#: After the group is killed, how long to wait for the command to be reaped.
_REAP_S = 2.0


def describe_channel(channel: AlertChannel) -> str:
    """A short name for a channel in logs and reports.

    A webhook shows only its scheme and host: paths and query strings often hold secret
    tokens, and the event log is read by more people than the caregiver."""
    if channel.kind == "webhook":
        parts = urlsplit(channel.url or "")
        return f"webhook:{parts.scheme}://{parts.hostname or '?'}"
    if channel.kind == "command":
        return f"command:{Path(channel.argv[0]).name if channel.argv else '?'}"
    if channel.kind == "file":
        return f"file:{channel.path}"
    return f"{channel.kind}:?"


def deliver(channel: AlertChannel, payload_json: str) -> str:
    """One delivery attempt of `payload_json` through `channel`; raises AlertError on failure."""
    if channel.kind == "webhook":
        return deliver_webhook(channel, payload_json)
    if channel.kind == "command":
        return deliver_command(channel, payload_json)
    if channel.kind == "file":
        return deliver_file(channel, payload_json)
    raise AlertError(
        f"alert channel kind {channel.kind!r} is unknown: use webhook, command or file"
    )


def deliver_webhook(channel: AlertChannel, payload_json: str) -> str:
    """HTTP POST of the JSON, all of it within `timeout_s`; any 2xx answer counts."""
    if not channel.url:
        raise AlertError("webhook alert channel has no url: add `url:` to it in the script")
    status = post_json(channel.url, payload_json, time.monotonic() + channel.timeout_s)
    if not 200 <= status < 300:
        raise AlertError(f"webhook answered HTTP {status}")
    return f"HTTP {status}"


def deliver_command(channel: AlertChannel, payload_json: str) -> str:
    """Run the argv without a shell; the JSON goes on stdin and in $RETROWALK_ALERT.

    The command runs in a session of its own; at the deadline its whole process group is
    killed, so a shell's children and their children go with it."""
    if not channel.argv:
        raise AlertError("command alert channel has no argv: add `argv: [...]` to it")
    env = {**os.environ, ALERT_ENV_VAR: payload_json}
    # stderr goes to a file, not a pipe: a grandchild holding a pipe open would keep the
    # read waiting after the command itself has finished.
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                list(channel.argv), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=errors, env=env, start_new_session=True,
            )
        except (OSError, ValueError) as err:
            raise AlertError(f"command {channel.argv[0]!r} could not be run: {err}") from err
        returncode = _wait_or_kill(process, payload_json.encode("utf-8"), channel.timeout_s)
        errors.seek(0)
        last_line = (errors.read().decode("utf-8", "replace").strip().splitlines() or [""])[-1]
    if returncode is None:
        raise AlertError(f"command did not finish within {channel.timeout_s:g} s (stopped)")
    if returncode != 0:
        raise AlertError(f"command exited with status {returncode}: {last_line}".strip())
    return "exit status 0"


def _wait_or_kill(process: subprocess.Popen[bytes], data: bytes, timeout_s: float) -> int | None:
    """Feed stdin and wait up to `timeout_s`; the return code, or None once killed."""
    try:
        process.communicate(data, timeout=timeout_s)
        return process.returncode
    except subprocess.TimeoutExpired:
        pass
    except OSError:  # the command closed its stdin early: wait for it all the same
        try:
            return process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # the group is gone already
        pass
    try:
        if process.stdin is not None:
            process.stdin.close()
    except OSError:  # a broken pipe to a killed command says nothing new
        pass
    try:
        process.wait(_REAP_S)
    except subprocess.TimeoutExpired:
        pass
    return None


def deliver_file(channel: AlertChannel, payload_json: str) -> str:
    """Append the JSON as one line; the file is made readable by its owner only.

    Opened non-blocking: a FIFO nobody reads fails at once (ENXIO) rather than blocking."""
    if not channel.path:
        raise AlertError("file alert channel has no path: add `path:` to it in the script")
    path = Path(channel.path).expanduser()
    line = (payload_json.replace("\n", " ") + "\n").encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.open with a mode, because alerts are health data: never world-readable.
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK, 0o600)
        try:
            written = os.write(handle, line)
        finally:
            os.close(handle)
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise AlertError(f"alert file {path} could not be written: {reason}") from err
    except ValueError as err:
        raise AlertError(f"alert file {path!r} is not a usable path: {err}") from err
    if written != len(line):
        raise AlertError(f"alert file {path}: only {written} of {len(line)} bytes were written")
    return f"appended to {path}"
