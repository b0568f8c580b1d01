"""A walker plan: what a synthesized walker says, and when, in a simulated session.

A caregiver rehearses a script without recording anything (`retrowalk simulate --walker
PLAN`, docs/walker_plans.md). One line a step, followed from top to bottom:

    # dizzy in the first walk, then "no" when asked how it feels
    when asked to get ready: I'm ready
    at 5:00: I feel dizzy
    when asked: no

- `at M:SS: WORDS` says WORDS at that time on the session's clock (or as soon as the step
  before has been said, if that was later);
- `when asked to get ready: WORDS` answers the support check's question;
- `when asked: WORDS` answers the next question the assistant asks (a question asked
  after the step before was said), once the assistant has finished talking.

Blank lines and `#` comments are ignored; the keywords may be in any case. Problems are
collected with their line (`PLAN:LINE: error: ...`), not stopped at the first. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from assistant.core.errors import ScriptError


class Moment(StrEnum):
    """When a step is said."""

    AT = "at"
    ASKED_TO_GET_READY = "when asked to get ready"
    ASKED = "when asked"


@dataclass(frozen=True)
class PlanStep:
    """One line of a plan: `words` said at `moment` (`at_s` for `Moment.AT`)."""

    moment: Moment
    words: str
    line: int
    at_s: float | None = None

    def describe(self) -> str:
        """The step as it was written (for the list of steps said or never said)."""
        when = f"at {clock_face(self.at_s or 0.0)}" if self.moment == Moment.AT else self.moment
        return f"{when}: {self.words}"


@dataclass(frozen=True)
class WalkerPlan:
    """A whole plan: its steps in order, and the file it came from (for messages)."""

    steps: tuple[PlanStep, ...]
    source: str


class PlanError(ScriptError):
    """A walker plan that cannot be read or has bad lines; `problems` holds every line."""

    code = "walker-plan"


#: A `when` step: its moment, a colon, the words.
_WHEN = re.compile(r"^(?P<moment>when\s+asked(?:\s+to\s+get\s+ready)?)\s*:\s*(?P<words>.*)$",
                   re.IGNORECASE)
#: An `at` step: the time (which has colons of its own), a colon, the words.
_AT = re.compile(r"^at\s+(?P<time>[\d:]*\d)(?!:?\d)\s*:\s*(?P<words>.*)$", re.IGNORECASE)
_CLOCK = re.compile(r"^(?:(?P<hours>\d+):)?(?P<minutes>\d+):(?P<seconds>\d{2})$")
_FORMS = "'at M:SS: words', 'when asked to get ready: words' or 'when asked: words'"


def load_plan(path: Path) -> WalkerPlan:
    """Read and check the plan at `path`; PlanError with every problem if it has any."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) else "it is not UTF-8 text"
        raise PlanError(f"{path}: error: cannot read the walker plan: {reason}") from err
    return parse_plan(text, str(path))


def parse_plan(text: str, source: str = "<plan>") -> WalkerPlan:
    """The plan in `text`; PlanError listing each bad line as `SOURCE:LINE: error: ...`."""
    steps: list[PlanStep] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        step, problem = _parse_line(line, number)
        if problem is not None:
            problems.append(f"{source}:{number}: error: {problem}")
        elif step is not None:
            steps.append(step)
    if not steps and not problems:
        problems.append(f"{source}:1: error: the plan has no steps; write lines such as "
                        f"{_FORMS}")
    if problems:
        raise PlanError("\n".join(problems), problems)
    return WalkerPlan(tuple(steps), source)


def _parse_line(line: str, number: int) -> tuple[PlanStep | None, str | None]:
    when, at = _WHEN.match(line), _AT.match(line)
    found = when or at
    if found is None and line.lower().startswith("at "):
        return None, (f"cannot read {line!r}: an 'at' step is 'at M:SS: words', with a "
                      "colon between the time and the words")
    if found is None:
        return None, f"cannot read {line!r}: a step is {_FORMS}"
    words = found["words"].strip()
    if not words:
        return None, f"{line!r} has no words to say after its colon"
    if when is not None:
        moment = " ".join(when["moment"].lower().split())
        return PlanStep(Moment(moment), words, number), None
    at_s = parse_clock(found["time"])
    if at_s is None:
        return None, (f"{found['time']!r} is not a time: write minutes and seconds as M:SS "
                      "(5:00, 0:30, 12:05) on the session's clock")
    return PlanStep(Moment.AT, words, number, at_s), None


def parse_clock(text: str) -> float | None:
    """Seconds from `M:SS` or `H:MM:SS` (seconds below 60), or None if it is not one."""
    found = _CLOCK.match(text)
    if found is None or int(found["seconds"]) >= 60:
        return None
    if found["hours"] is not None and int(found["minutes"]) >= 60:
        return None
    return (int(found["hours"] or 0) * 3600 + int(found["minutes"]) * 60
            + int(found["seconds"]))


def clock_face(seconds: float) -> str:
    """`M:SS` for a time in seconds."""
    whole = max(int(round(seconds)), 0)
    return f"{whole // 60}:{whole % 60:02d}"
