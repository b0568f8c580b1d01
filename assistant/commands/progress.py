"""retrowalk progress SCRIPT: should the walks grow, stay, or ease off? From the history.

After enough completed sessions in a row with no safety event, each walk can grow (within
the limits in the script's `progression:` section); after dizziness, it eases off. With
--apply, the script file is rewritten with the new walks: only walking.walk_s and
walking.intervals change, comments are kept, and the old file is kept beside it as
NAME.bak-YYYYMMDD-HHMMSS.yaml.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.caregiver.history import HistoryStore

_KIND_WORDS = {
    "longer": "The walks can grow.",
    "same": "Keep the walks as they are.",
    "ease_off": "Ease off: shorter or fewer walks for now.",
}


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `progress`."""
    parser = subparsers.add_parser(
        "progress", help="advise longer, same or easier walks from the history",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("script", metavar="SCRIPT", help="script file (or a bundled name)")
    parser.add_argument("--db", type=Path, help="history database (default: the user's)")
    parser.add_argument("--apply", action="store_true", help="write the advice into SCRIPT")
    return parser


def run(args: argparse.Namespace) -> int:
    """Print the advice; with --apply, write it into the script file."""
    from assistant.caregiver.progression import RECENT_SESSIONS, advise, apply_advice
    from assistant.script.loading import default_script_path, load_script, resolve_script

    path = resolve_script(args.script)
    script = load_script(path)
    with HistoryStore(args.db) as store:
        advice = advise(store.sessions(limit=RECENT_SESSIONS, script_name=script.name), script)
    walking = script.walking
    print(f"{script.name} ({path}){script.for_walker}")
    print(f"Now:       {walking.intervals} walks of {walking.walk_s:g} s")
    print(f"Advice:    {_KIND_WORDS.get(advice.kind, advice.kind)}")
    if advice.changes(script):
        print(f"Suggested: {advice.intervals} walks of {advice.walk_s:g} s")
    print(f"Why:       {advice.reason}")
    if not args.apply:
        if advice.changes(script):
            print("Run again with --apply to write this into the script.")
        return 0
    if not advice.changes(script):
        print("Nothing to change in the script.")
        return 0
    if path.resolve().parent == default_script_path().resolve().parent:
        print(f"{path} is a script that comes with RetroWalk and is not changed in place. "
              f"Copy it (cp {path} my-walks.yaml), use the copy, and run progress on it.")
        return 1
    change = apply_advice(path, advice)
    print(f"Written:   {change.script_path} (the old version: {change.backup_path.name})")
    if not change.comments_kept:
        print("Note: the file's layout was unusual, so it was rewritten and its comments "
              "are not kept (they are still in the old version).")
    return 0
