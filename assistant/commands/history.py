"""retrowalk history: the latest sessions as a readable table.

Each line: when it started, the script, minutes of backward walking (pauses not counted),
how it ended (completed, ended early, interrupted), and how many safety events there were
(the walker said stop, dizzy or help, or the assistant lost hearing).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.records import SessionRecord
from assistant.commands.arguments import whole_number
from assistant.session.end_words import end_words

_RESULT_WORDS = {
    "completed": "completed",
    "ended_early": "ended early",
    "interrupted": "interrupted",
    "running": "running now",
}
_HEADERS = ("Date", "Script", "Walked (min)", "Result", "Safety events")


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `history`."""
    parser = subparsers.add_parser(
        "history", help="list the latest sessions", description=__doc__
    )
    parser.add_argument("--db", type=Path, help="history database (default: the user's)")
    parser.add_argument(
        "--limit", type=whole_number(1, 100_000), default=20,
        help="how many sessions to show (default 20)"
    )
    return parser


def format_table(sessions: Sequence[SessionRecord]) -> str:
    """The sessions as aligned text columns, newest first."""
    rows = [
        (
            f"{s.started_at:%a %d %b %Y %H:%M}",
            s.script_name,
            f"{s.walked_s / 60.0:.1f}",
            _RESULT_WORDS.get(s.status, s.status)
            + (f" ({end_words(s.end_reason)})" if s.status == "ended_early" else ""),
            str(s.safety_events),
        )
        for s in sessions
    ]
    widths = [max(len(row[i]) for row in (_HEADERS, *rows)) for i in range(len(_HEADERS))]
    numeric = {2, 4}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    return "\n".join([line(_HEADERS), line(["-" * w for w in widths]), *map(line, rows)])


def run(args: argparse.Namespace) -> int:
    """Print the table, or say that there is no session yet."""
    # A --db given by hand must exist: a mistyped path is not a new, empty history.
    with HistoryStore(args.db, must_exist=args.db is not None) as store:
        sessions = store.sessions(limit=args.limit)
        where = store.path
    if not sessions:
        print(f"No sessions recorded yet (history: {where}).")
        return 0
    print(format_table(sessions))
    return 0
