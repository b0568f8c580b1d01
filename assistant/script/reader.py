"""Typed field getters for exercise scripts, collecting every problem with its position.

`Section` reads one mapping field by field; whatever is wrong becomes a
`FILE:LINE:COL: error: FIELD: ...` line in a shared `Report` (which knows where each value was
written), so every problem is listed at once.
"""

from __future__ import annotations

import datetime
import difflib
import math
from dataclasses import MISSING, fields
from typing import Any

import yaml

from assistant.core.intents import PhraseTable, normalize
from assistant.script.inline_lists import looks_split, split_warning
from assistant.script.placeholders import PLACEHOLDERS, unknown_placeholder_problem
from assistant.script.texts import MAX_TEXT_CHARS, printable, text_problem

FieldPath = tuple[str | int, ...]

def dotted(path: FieldPath) -> str:
    """`("alerts", "channels", 0, "url")` -> `alerts.channels[0].url`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return printable(text)


def describe_value(value: Any) -> str:
    """How a wrong value is named in a message ("the text "30s"", "a list", ...)."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {number_text(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'the text "{printable(shown)}"'
    if isinstance(value, datetime.date):
        return f"the date {value}"
    kinds: dict[type, str] = {list: "a list", dict: "a mapping", bytes: "binary data", set: "a set"}
    return kinds.get(type(value), type(value).__name__)


def number_text(value: float) -> str:
    """A number as the caregiver would write it, shortened when absurdly long."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value)
    return text if len(text) <= 15 else f"{text[:6]}... ({len(text)} digits)"


class Report:
    """Every problem found in one script, each with its position, and the phrase table used
    to warn about cues the assistant could mistake for a command."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.marks: dict[FieldPath, tuple[yaml.Mark, yaml.Mark]] = {}
        self.phrases: PhraseTable | None = None
        self.inline_lists: set[FieldPath] = set()
        """Lists written inline (`[a, b]`), where a comma inside a cue splits it."""
        self._errors: list[tuple[int, int, str]] = []
        self._warnings: list[tuple[int, int, str]] = []

    def error(self, path: FieldPath, message: str, *, on_key: bool = False) -> None:
        """An error about the field at `path` (at its key when `on_key`)."""
        self._add(self._errors, "error", path, message, on_key)

    def warning(self, path: FieldPath, message: str) -> None:
        """A warning about the field at `path`; it does not make the script invalid."""
        self._add(self._warnings, "warning", path, message, False)

    def error_at(self, mark: yaml.Mark | None, message: str) -> None:
        """A problem of the text itself (not of one field), e.g. broken YAML."""
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        self.error_at_line(line, column, message)

    def error_at_line(self, line: int, column: int, message: str) -> None:
        """A problem of the text at a known line and column (both from 1)."""
        self._errors.append((line, column, f"{self.source}:{line}:{column}: error: {message}"))

    def lines(self) -> tuple[list[str], list[str]]:
        """Errors and warnings, each in file order."""
        return [t for *_, t in sorted(self._errors)], [t for *_, t in sorted(self._warnings)]

    def check_spoken(self, path: FieldPath, text: str, expected: frozenset[str]) -> None:
        """Warn when a cue holds a command phrase: the microphone hears the assistant too."""
        if self.phrases is None:
            return
        words = f" {normalize(text)} "
        hits = {p: i for p, i in self.phrases.phrase_to_intent.items() if f" {p} " in words}
        # "i feel dizzy" also holds "dizzy": name the longer phrase only.
        shown = [p for p in hits if not any(p != o and f" {p} " in f" {o} " for o in hits)]
        found = [f'"{p}" ({hits[p]})' for p in sorted(shown) if hits[p] not in expected]
        if found:
            self.warning(path, f"this cue says the command phrase {', '.join(found)}: the "
                         "assistant may hear its own voice and act on it; reword it "
                         '(e.g. "tell me if anything hurts" rather than "say stop")')

    def check_placeholders(self, path: FieldPath, text: str, allowed: frozenset[str]) -> None:
        """A `{...}` that would be spoken as it is written is an error."""
        problem = unknown_placeholder_problem(text, allowed)
        if problem:
            self.error(path, problem)

    def _add(self, into: list[tuple[int, int, str]], kind: str, path: FieldPath, message: str,
             on_key: bool) -> None:
        line, column = self._position(path, on_key)
        where = f"{dotted(path)}: " if path else ""
        into.append((line, column, f"{self.source}:{line}:{column}: {kind}: {where}{message}"))

    def _position(self, path: FieldPath, on_key: bool) -> tuple[int, int]:
        # A field that is absent is reported where its nearest written parent key is.
        mark: yaml.Mark | None = None
        if path in self.marks:
            mark = self.marks[path][0 if on_key else 1]
        else:
            for end in range(len(path) - 1, -1, -1):
                if path[:end] in self.marks:
                    mark = self.marks[path[:end]][0]
                    break
        return (mark.line + 1, mark.column + 1) if mark else (1, 1)


class Section:
    """One mapping of the script, read field by field. Each getter records the value (in
    `values`, by the model's field name) or reports what is wrong; `finish` reports keys no
    getter asked for, with the closest known key as a suggestion."""

    def __init__(self, report: Report, path: FieldPath, data: Any, written: bool = True) -> None:
        self.report, self.path = report, path
        self.data: dict[Any, Any] = data if isinstance(data, dict) else {}
        self.values: dict[str, Any] = {}
        self.known: list[str] = []
        self.finished = False
        self.written = written
        """False for a section that is absent: its own required fields are then not nagged."""

    def has(self, key: str) -> bool:
        """Is `key` written in this mapping?"""
        return key in self.data

    def error(self, key: str | FieldPath, message: str) -> None:
        """An error about one field of this mapping (or any path)."""
        self.report.error(self._path(key), message)

    def get(self, key: str, required: bool) -> tuple[bool, Any]:
        """(present, value); a required key that is absent is reported."""
        self.known.append(key)
        if key in self.data:
            return True, self.data[key]
        if required and self.written:
            self.error(key, "is missing; it is required (see docs/scripts.md)")
        return False, None

    def number(self, key: str, low: float, high: float, *, whole: bool = False,
               required: bool = False, above: bool = True, nullable: bool = False,
               unit: str = "seconds", hint: str = "") -> Any:
        """A number with `low < value <= high` (`low <= value` when not `above`); `hint` is
        added to an out-of-range message."""
        present, value = self.get(key, required)
        if not present or (value is None and nullable):
            if present:
                self.values[key] = None
            return None
        problem = number_problem(value, low, high, whole=whole, above=above, unit=unit,
                                 hint=hint)
        if problem:
            self.error(key, problem)
            return None
        self.values[key] = int(value) if whole else float(value)
        return self.values[key]

    def flag(self, key: str) -> bool | None:
        """A true/false value (YAML's yes/no count as such); numbers and texts are refused."""
        present, value = self.get(key, False)
        if present and not isinstance(value, bool):
            self.error(key, f"must be true or false, got {describe_value(value)}")
        elif present:
            self.values[key] = value
            return bool(value)
        return None

    def text(self, key: str, *, required: bool = False, nullable: bool = False,
             spoken: bool = False, expected: frozenset[str] = frozenset(),
             max_chars: int = MAX_TEXT_CHARS) -> str | None:
        """A non-empty text of at most `max_chars`, without control characters; `spoken`
        texts are checked for command phrases (`expected` intents excepted: a prompt must
        name the answer it waits for)."""
        present, value = self.get(key, required)
        if not present or (value is None and nullable):
            if present:
                self.values[key] = None
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(key, f"must be a non-empty text, got {describe_value(value)}")
            return None
        problem = text_problem(value.strip(), max_chars)
        if problem:
            self.error(key, problem)
            return None
        self.values[key] = value.strip()
        if spoken:
            self.report.check_spoken(self._path(key), value, expected)
            self.report.check_placeholders(self._path(key), value, frozenset())
        return str(self.values[key])

    def texts(self, key: str, *, spoken: bool = True) -> tuple[str, ...] | None:
        """A list of non-empty texts; one text alone is taken as a list of one."""
        items = self._items(key, "texts")
        if items is None:
            return None
        good = []
        for path, item in items:
            if not isinstance(item, str) or not item.strip():
                self.report.error(path, f"must be a non-empty text, got {describe_value(item)}")
                continue
            problem = text_problem(item.strip())
            if problem:
                self.report.error(path, problem)
                continue
            good.append(item.strip())
            if spoken:
                self.report.check_spoken(path, item, frozenset())
                self.report.check_placeholders(path, item, frozenset(PLACEHOLDERS))
        if len(good) == len(items):
            self.values[key] = tuple(good)
            if spoken and (*self.path, key) in self.report.inline_lists and looks_split(good):
                self.report.warning((*self.path, key), split_warning(good))
            return self.values[key]
        return None

    def numbers(self, key: str, low: float, high: float) -> tuple[float, ...] | None:
        """A list of numbers of seconds, each in (low, high]; one number is a list of one."""
        items = self._items(key, "numbers")
        if items is None:
            return None
        problems = [(path, number_problem(item, low, high)) for path, item in items]
        for path, problem in problems:
            if problem:
                self.report.error(path, problem)
        if any(problem for _, problem in problems):
            return None
        self.values[key] = tuple(float(item) for _, item in items)
        return self.values[key]

    def list_of(self, key: str) -> list[tuple[FieldPath, Any]]:
        """The items of a list (empty when absent or null), each with its path."""
        return self._items(key, "items", single=False) or []

    def section(self, key: str, *, required: bool = False) -> Section:
        """A nested mapping; absent or empty means "all defaults"."""
        present, value = self.get(key, required)
        wrong = present and value is not None and not isinstance(value, dict)
        if wrong:
            self.error(key, f"must be a mapping (indented `key: value` lines), got "
                       f"{describe_value(value)}")
        return Section(self.report, self._path(key), value, written=present and not wrong)

    def effective(self, model: type, key: str) -> Any:
        """The value read, else the model field's default."""
        if key in self.values:
            return self.values[key]
        default = next(f.default for f in fields(model) if f.name == key)
        return None if default is MISSING else default

    def build(self, model: type) -> Any:
        """The model made from the values read (None when required values are missing)."""
        self.finish()
        try:
            return model(**self.values)
        except TypeError:
            return None

    def finish(self) -> None:
        """Report the keys no getter asked for (once)."""
        if self.finished:
            return
        self.finished = True
        for key in self.data:
            if isinstance(key, str) and key not in self.known:
                close = difflib.get_close_matches(key, self.known, n=1, cutoff=0.6)
                hint = f'did you mean "{close[0]}"? ' if close else ""
                self.report.error(self._path(key), f"unknown key; {hint}known keys here: "
                                  f"{', '.join(self.known)}", on_key=True)

    def _items(self, key: str, what: str,
               single: bool = True) -> list[tuple[FieldPath, Any]] | None:
        present, value = self.get(key, False)
        if not present:
            return None
        if value is None and not single:
            return []
        if isinstance(value, list):
            return [((*self._path(key), index), item) for index, item in enumerate(value)]
        if single and not isinstance(value, dict):
            return [(self._path(key), value)]
        self.error(key, f"must be a list of {what}, got {describe_value(value)}")
        return None

    def _path(self, key: str | FieldPath) -> FieldPath:
        return (*self.path, key) if isinstance(key, str) else key


def number_problem(value: Any, low: float, high: float, *, whole: bool = False,
                   above: bool = True, unit: str = "seconds", hint: str = "") -> str | None:
    """What is wrong with a number that must lie in (low, high] (or [low, high]), or None."""
    kind = "a whole number" if whole else "a number"
    unit_text = f" {unit}" if unit else ""
    allowed = f"{'more than' if above else 'from'} {number_text(low)} " \
              f"{'and at most' if above else 'to'} {number_text(high)}{unit_text}"
    if isinstance(value, bool) or not isinstance(value, int | float):
        hint = ""
        if isinstance(value, str):
            hint = "; write the number alone, without quotes or units, e.g. 30"
        return f"must be {kind} ({allowed}), got {describe_value(value)}{hint}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number ({allowed}), got {value}"
    if whole and value != int(value):
        return f"must be a whole number ({allowed}), got {number_text(value)}"
    if (value <= low if above else value < low) or value > high:
        return f"must be {allowed}, got {number_text(value)}{hint}"
    return None
