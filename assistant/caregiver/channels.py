"""The three ways an alert reaches the caregiver: a webhook, a command, a file.

Each `deliver_*` function makes one attempt and returns a short success detail, or raises
`AlertError` (from the cause) with one line saying what went wrong. Retries, backoff and
logging live in `assistant.caregiver.delivery`; this module only talks to the outside world.
"""

from __future__ import annotations

import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from assistant.core.errors import AlertError
from assistant.script.model import AlertChannel

#: The environment variable that carries the alert JSON to a command channel.
ALERT_ENV_VAR = "RETROWALK_ALERT"


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
    """HTTP POST of the JSON; any 2xx answer counts as delivered."""
    if not channel.url:
        raise AlertError("webhook alert channel has no url: add `url:` to it in the script")
    request = urllib.request.Request(
        channel.url,
        data=payload_json.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=channel.timeout_s) as response:
            status = int(response.status)
    except urllib.error.HTTPError as err:
        raise AlertError(f"webhook answered HTTP {err.code} {err.reason}") from err
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise AlertError(f"webhook could not be reached: {reason}") from err
    if not 200 <= status < 300:
        raise AlertError(f"webhook answered HTTP {status}")
    return f"HTTP {status}"


def deliver_command(channel: AlertChannel, payload_json: str) -> str:
    """Run the argv without a shell; the JSON goes on stdin and in $RETROWALK_ALERT."""
    if not channel.argv:
        raise AlertError("command alert channel has no argv: add `argv: [...]` to it")
    env = {**os.environ, ALERT_ENV_VAR: payload_json}
    try:
        done = subprocess.run(
            list(channel.argv),
            input=payload_json,
            env=env,
            capture_output=True,
            text=True,
            timeout=channel.timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise AlertError(f"command did not finish within {channel.timeout_s:g} s") from err
    except OSError as err:
        raise AlertError(f"command {channel.argv[0]!r} could not be run: {err}") from err
    if done.returncode != 0:
        last_line = (done.stderr.strip().splitlines() or [""])[-1]
        raise AlertError(f"command exited with status {done.returncode}: {last_line}".strip())
    return "exit status 0"


def deliver_file(channel: AlertChannel, payload_json: str) -> str:
    """Append the JSON as one line; the file is made readable by its owner only."""
    if not channel.path:
        raise AlertError("file alert channel has no path: add `path:` to it in the script")
    path = Path(channel.path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # os.open with a mode, because alerts are health data: never world-readable.
        handle = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(handle, "a", encoding="utf-8") as stream:
            stream.write(payload_json.replace("\n", " ") + "\n")
    except OSError as err:
        raise AlertError(f"alert file {path} could not be written: {err.strerror}") from err
    return f"appended to {path}"
