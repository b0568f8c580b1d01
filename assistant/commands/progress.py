"""retrowalk progress SCRIPT: should the walks grow, stay, or ease off? From the history.

After enough completed sessions in a row with no safety event, each walk can grow (within
the limits in the script's `progression:` section); after dizziness, it eases off. With
--apply, the script file is rewritten with the new walks: only walking.walk_s and
walking.intervals change, comments are kept, and the old file is kept beside it as
NAME.bak-YYYYMMDD-HHMMSS.yaml. With --apply --out FILE, the advised script is written to
FILE, a new file, and SCRIPT stays as it is: the way for a script that comes with RetroWalk
(e.g. retrowalk progress default --apply --out my_script.yaml).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.caregiver.history import HistoryStore

if TYPE_CHECKING:
    from assistant.caregiver.progression import Advice

_KIND_WORDS = {
    "longer": "The walks can grow.",
    "same": "Keep the walks as they are.",
    "ease_off": "Ease off: shorter or fewer walks for now.",
}
#: The file name suggested for the advised copy of a script that comes with RetroWalk.
SUGGESTED_COPY = "my_script.yaml"


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `progress`."""
    parser = subparsers.add_parser(
        "progress", help="advise longer, same or easier walks from the history",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("script", metavar="SCRIPT", help="script file (or a bundled name)")
    parser.add_argument("--db", type=Path, help="history database (default: the user's)")
    parser.add_argument("--apply", action="store_true",
                        help="write the advice: into SCRIPT, or with --out into a new file")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="with --apply: write the advised script to FILE, a new file, and "
                        "leave SCRIPT as it is (needed for a script that comes with RetroWalk)")
    return parser


def _command(args: argparse.Namespace, *extra: str) -> str:
    """The progress command again, with the same script and history, and `extra` options."""
    words = ["retrowalk", "progress", args.script]
    if args.db is not None:
        words += ["--db", str(args.db)]
    return shlex.join([*words, *extra])


def run(args: argparse.Namespace) -> int:
    """Print the advice; with --apply, write it into the script file (or --out FILE)."""
    from assistant.caregiver.progression import RECENT_SESSIONS, advise
    from assistant.script.loading import default_script_path, load_script, resolve_script

    if args.out is not None and not args.apply:
        again = _command(args, "--apply", "--out", str(args.out))
        print(f"retrowalk progress: --out works with --apply: {again}", file=sys.stderr)
        return 2
    path = resolve_script(args.script)
    script = load_script(path)
    with HistoryStore(args.db, must_exist=args.db is not None) as store:
        advice = advise(store.sessions(limit=RECENT_SESSIONS, script_name=script.name), script)
    walking = script.walking
    print(f"{script.name} ({path}){script.for_walker}")
    print(f"Now:       {walking.intervals} walks of {walking.walk_s:g} s")
    print(f"Advice:    {_KIND_WORDS.get(advice.kind, advice.kind)}")
    if advice.changes(script):
        print(f"Suggested: {advice.intervals} walks of {advice.walk_s:g} s")
    print(f"Why:       {advice.reason}")
    bundled = path.resolve().parent == default_script_path().resolve().parent
    if not advice.changes(script):
        if args.apply:
            print("Nothing to change in the script.")
        return 0
    if not args.apply:
        print(_next_step(args, bundled))
        return 0
    if args.out is not None:
        return _write_copy(args, path, advice)
    if bundled:
        copy = _command(args, "--apply", "--out", SUGGESTED_COPY)
        print(f"{path} comes with RetroWalk and is not changed in place. Write the advised "
              f"copy to a file of your own:\n  {copy}")
        return 1
    return _rewrite(path, advice)


def _next_step(args: argparse.Namespace, bundled: bool) -> str:
    """The command that writes the advice, as the caregiver can type it."""
    copy = _command(args, "--apply", "--out", SUGGESTED_COPY)
    if bundled:
        return ("This script comes with RetroWalk and is not changed in place. To use the "
                f"advice, write the advised copy to a file of your own:\n  {copy}")
    return (f"To write this into the script (the old one is kept beside it):\n  "
            f"{_command(args, '--apply')}\nor into a new file:\n  {copy}")


def _write_copy(args: argparse.Namespace, path: Path, advice: Advice) -> int:
    from assistant.caregiver.progression import write_advised_copy

    comments_kept = write_advised_copy(path, advice, args.out)
    print(f"Written:   {args.out} ({advice.intervals} walks of {advice.walk_s:g} s); "
          f"{path} is unchanged.")
    if not comments_kept:
        print("Note: the script's layout was unusual, so the copy has no comments.")
    print(f"Use it:    {shlex.join(['retrowalk', 'start', '--script', str(args.out)])}")
    next_time = ["retrowalk", "progress", str(args.out)]
    if args.db is not None:
        next_time += ["--db", str(args.db)]
    print(f"Next time: {shlex.join(next_time)}")
    return 0


def _rewrite(path: Path, advice: Advice) -> int:
    from assistant.caregiver.progression import apply_advice

    change = apply_advice(path, advice)
    print(f"Written:   {change.script_path} (the old version: {change.backup_path.name})")
    if not change.comments_kept:
        print("Note: the file's layout was unusual, so it was rewritten and its comments "
              "are not kept (they are still in the old version).")
    return 0
