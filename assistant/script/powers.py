"""What a script makes the computer do besides speaking: its alert channels run a command,
append to a file or post to a web address. `retrowalk check` lists them, because a script is
as powerful as the commands it names (docs/scripts.md)."""

from __future__ import annotations

import shlex

from assistant.script.model import AlertChannel, ExerciseScript
from assistant.script.texts import printable


def describe_channel(channel: AlertChannel) -> str:
    """One channel as a caregiver should read it: what it runs, writes or sends to."""
    if channel.kind == "command":
        return f"runs the command: {printable(shlex.join(channel.argv))}"
    if channel.kind == "file":
        return f"appends to the file: {printable(str(channel.path))}"
    return f"sends to the web address: {_address_without_secrets(str(channel.url))}"


def alert_channel_lines(script: ExerciseScript) -> list[str]:
    """The lines `check` prints about the script's alert channels (a warning when none)."""
    if not script.alerts:
        return ["Alerts: no alert channel; nobody is told when the walker asks for help "
                "(see docs/scripts.md, alerts:)"]
    lines = ["Alerts: when the walker needs someone, this script"]
    lines += [f"  - {describe_channel(channel)}" for channel in script.alerts]
    return lines


def _address_without_secrets(url: str) -> str:
    # Tokens often ride in the query or the user part: the check's output may be shared.
    # (Split by hand: the pure script model imports no HTTP or URL library.)
    scheme, _, rest = url.strip().partition("://")
    cut = min((rest.find(mark) for mark in "?#" if mark in rest), default=len(rest))
    hidden = " (its query is not shown)" if cut < len(rest) else ""
    rest = rest[:cut]
    authority, slash, path = rest.partition("/")
    host = authority.rpartition("@")[2]
    return printable(f"{scheme}://{host}{slash}{path}") + hidden
