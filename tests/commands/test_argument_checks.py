"""Numbers on the command line are checked by argparse: a clear usage line and exit 2 before
anything starts, never a traceback mid-session."""

from __future__ import annotations

import pytest

from assistant.cli import main


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["start", "--console", "--speed", "0"], "--speed: must be a number above 0, got 0"),
        (["start", "--console", "--speed", "-5"], "--speed: must be a number above 0, got -5"),
        (["start", "--console", "--speed", "nan"], "--speed: must be a number above 0"),
        (["history", "--limit", "-3"], "--limit: must be from 1 to"),
        (["report", "--out", "r", "--days", "1000000000"], "--days: must be from 1 to 36500"),
        (["report", "--out", "r", "--days", "0"], "--days: must be from 1 to 36500"),
    ],
)
def test_a_wrong_number_is_one_usage_line(
    argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
