"""Argument types shared by the commands: numbers that argparse itself checks, so a wrong
value is one clear usage line (exit 2) before anything starts, never a traceback mid-session."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def positive_number(text: str) -> float:
    """A finite number above 0 (`--speed 2.5`)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number above 0, got {text}")
    return value


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """A whole number from `low` to `high` (`--limit 20`, `--days 28`)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {text}")
        return value

    parse.__name__ = "whole number"  # argparse names the type in its messages
    return parse
