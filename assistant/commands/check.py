"""retrowalk check: validate an exercise script and show its planned timeline.

Exit 0 and the timeline when the script is valid (warnings, if any, go to stderr);
exit 2 and one `FILE:LINE:COL: error: FIELD: ...` line per problem (stderr) when not.
"""

from __future__ import annotations

import argparse
import sys

from assistant.core.errors import ScriptError
from assistant.script.loading import bundled_script_names, check_script, resolve_script
from assistant.script.powers import alert_channel_lines
from assistant.script.timeline import format_timeline
from assistant.speaking.catalogue import voice_problem


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `retrowalk check FILE`."""
    parser = subparsers.add_parser(
        "check",
        help="check an exercise script and show its timeline",
        description="Check an exercise script (YAML) and show the planned session: phases "
        "with their start and end times, the backward-walking minutes and the total. Every "
        "problem is listed as FILE:LINE:COL: error: FIELD: what is wrong and what is allowed. "
        "A voice the script names must be installed here (retrowalk voices lists them). "
        "Warnings (e.g. a cue that contains a command phrase the assistant could mistake for "
        "the walker) do not fail the check unless --strict is given. "
        "The script format is described in docs/scripts.md.",
        epilog="Exit status: 0 valid, 2 invalid or unreadable. Bundled scripts: "
        f"{', '.join(bundled_script_names())}.",
    )
    parser.add_argument(
        "script",
        metavar="FILE",
        nargs="?",
        help="a script file, or the name of a bundled script (default: the default script)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="treat warnings as errors (exit 2 on warnings)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Check the script; print the timeline (stdout) or the problems (stderr)."""
    try:
        path = resolve_script(args.script)
    except ScriptError as err:
        print("\n".join(err.problems) or str(err), file=sys.stderr)
        return ScriptError.exit_code
    check = check_script(path, check_voice=voice_problem)
    for line in check.errors + check.warnings:
        print(line, file=sys.stderr)
    if check.script is None:
        count = len(check.errors)
        print(f"{path}: {count} error{'s' * (count != 1)}; the script cannot be used",
              file=sys.stderr)
        return ScriptError.exit_code
    print(format_timeline(check.script))
    print("\n".join(alert_channel_lines(check.script)))
    if args.strict and check.warnings:
        return ScriptError.exit_code
    return 0
