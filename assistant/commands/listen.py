"""retrowalk listen: not built yet."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    return subparsers.add_parser("listen", help="(not built yet)")


def run(args: argparse.Namespace) -> int:
    print("retrowalk listen: not built yet")
    return 1
