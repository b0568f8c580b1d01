"""retrowalk report: an HTML progress report with charts, for the caregiver.

Writes `index.html` and its PNG charts into the folder given with --out: backward-walking
minutes per day, each session's result, safety events, and a week-by-week table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from assistant.caregiver.history import HistoryStore
from assistant.commands.arguments import whole_number

#: A century of sessions: anything longer is a typing mistake (and overflows a date).
MAX_DAYS = 36_500


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register `report`."""
    parser = subparsers.add_parser(
        "report",
        help="write an HTML progress report with charts for the caregiver",
        description=__doc__,
    )
    parser.add_argument("--out", required=True, type=Path, help="folder to write the report to")
    parser.add_argument("--db", type=Path, help="history database (default: the user's)")
    parser.add_argument(
        "--days", type=whole_number(1, MAX_DAYS), default=28,
        help="how many days back to report (default 28)"
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Build the report and print where it is."""
    from assistant.caregiver.report import build_report  # matplotlib: only for this command

    with HistoryStore(args.db, must_exist=args.db is not None) as store:
        page = build_report(store, args.out, days=args.days)
    print(f"Report written: {page}")
    print("Open it in a web browser; the folder can be copied or printed as it is.")
    return 0
