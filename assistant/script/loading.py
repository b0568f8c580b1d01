"""Exercise scripts: YAML to the validated `ExerciseScript`, with every problem located.

A caregiver writes the script; `retrowalk check` lists what is wrong as
`FILE:LINE:COL: error: FIELD: what is wrong and what is allowed`, every problem at once.
YAML is read with `yaml.safe_load` semantics: the text is composed into nodes first (they
carry line and column), tags beyond plain YAML are refused before anything is constructed,
and only then plain values are built and checked field by field (`schema.py`,
on top of `reader.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from assistant.core.errors import ScriptError
from assistant.script.model import ExerciseScript
from assistant.script.reader import FieldPath, Report, Section, describe_value, dotted
from assistant.script.schema import read_script
from assistant.script.texts import LEADING_ZERO

#: An exercise script is a page of text; anything larger is a mistake, not a script.
MAX_FILE_BYTES = 256_000

#: Why a voice name cannot be used here, or None when it can (the speaking layer knows which
#: voices are installed; the script layer only places the error).
VoiceCheck = Callable[[str], str | None]


@dataclass
class ScriptCheck:
    """The outcome of checking one script: the script when valid, and every problem found."""

    script: ExerciseScript | None
    errors: list[str] = field(default_factory=list)
    """`FILE:LINE:COL: error: FIELD: ...` lines, in file order; empty when valid."""
    warnings: list[str] = field(default_factory=list)
    """`FILE:LINE:COL: warning: FIELD: ...` lines; they do not make the script invalid."""

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors


def parse_script(text: str, source: str = "<script>",
                 check_voice: VoiceCheck | None = None) -> ScriptCheck:
    """Check a script given as text; `source` names it in every problem line. With
    `check_voice`, a `voice.voice` it finds a problem with is an error too."""
    report = Report(source)
    data = read_yaml(text, report)
    script = None
    if data is not None:
        if not isinstance(data, dict):
            report.error((), f"the top level must be a mapping of keys such as name:, walking: "
                         f"(key: value lines), got {describe_value(data)}")
        else:
            script = read_script(Section(report, (), data), source)
    if script is not None and script.voice.voice is not None and check_voice is not None:
        problem = check_voice(script.voice.voice)
        if problem is not None:
            report.error(("voice", "voice"), problem)
    errors, warnings = report.lines()
    return ScriptCheck(script if not errors else None, errors, warnings)


def check_script(path: str | Path, check_voice: VoiceCheck | None = None) -> ScriptCheck:
    """Check a script file; a missing, unreadable or non-UTF-8 file is one error line
    (`check_voice`: see `parse_script`)."""
    source = str(path)
    try:
        raw = _read_bytes(Path(path))
    except _FileProblem as problem:
        return ScriptCheck(None, [f"{source}: error: {problem}"])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        byte = raw[err.start]
        return ScriptCheck(None, [f"{source}:{line}:{column}: error: the file is not UTF-8 text "
                                  f"(byte 0x{byte:02x}); save it as UTF-8 in a plain text editor"])
    return parse_script(text, source, check_voice)


def load_script(path: str | Path) -> ExerciseScript:
    """Read and validate a script file; any problem raises `ScriptError` listing them all."""
    check = check_script(path)
    if check.script is None:
        more = len(check.errors) - 1
        tail = f" (and {more} more problem{'s' * (more > 1)}; run `retrowalk check {path}`)"
        raise ScriptError(check.errors[0] + (tail if more else ""), check.errors)
    return check.script


def bundled_script_names() -> list[str]:
    """Names of the scripts shipped with RetroWalk ("default", "building", ...)."""
    folder = resources.files("assistant.script.bundled")
    names = (entry.name for entry in folder.iterdir() if entry.name.endswith(".yaml"))
    return sorted(name.removesuffix(".yaml") for name in names)


def default_script_path() -> Path:
    """The bundled beginner script, `default.yaml`."""
    return _bundled_path("default")


def resolve_script(name_or_path: str | None) -> Path:
    """None: the default script; a bundled script's name; else a path to a script file."""
    if name_or_path is None:
        return default_script_path()
    if name_or_path in bundled_script_names():
        return _bundled_path(name_or_path)
    path = Path(name_or_path).expanduser()
    if path.is_file():
        return path
    problem = "is a folder, not a script file" if path.is_dir() else "no such script file"
    line = (f"{name_or_path}: {problem}; bundled scripts: {', '.join(bundled_script_names())}, "
            "or give the path to a .yaml script")
    raise ScriptError(line, [f"{name_or_path}: error: {problem}; bundled scripts: "
                             f"{', '.join(bundled_script_names())}, or give the path to a .yaml"
                             " script"])


def _bundled_path(name: str) -> Path:
    # Installed packages live on the file system here, so the Traversable is a real path.
    return Path(str(resources.files("assistant.script.bundled") / f"{name}.yaml"))


class _FileProblem(Exception):
    """Why a script file could not be read (the message is shown after `FILE: error:`)."""


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise _FileProblem("is a folder, not a script file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _FileProblem(f"is larger than {MAX_FILE_BYTES // 1000} kB; "
                               "an exercise script is a short text file")
        return path.read_bytes()
    except FileNotFoundError as err:
        raise _FileProblem(f"no such file; bundled scripts: {', '.join(bundled_script_names())}"
                           ) from err
    except OSError as err:
        raise _FileProblem(f"cannot be read ({err.strerror}); check its permissions") from err


#: Tags `yaml.safe_load` builds; anything else (!!python/object, local !tags) is refused.
_SAFE_TAGS = frozenset(tag for tag in yaml.SafeLoader.yaml_constructors if tag) | {
    "tag:yaml.org,2002:merge"
}
_MAX_NODES = 20_000
_MAX_DEPTH = 40


class _TooLarge(Exception):
    """The document nests too deep or has too many values (an alias bomb, a recursion)."""


def read_yaml(text: str, report: Report) -> Any:
    """The plain values of a YAML text, or None after reporting why there are none."""
    try:
        return _construct(text, report)
    except _TooLarge as err:
        report.error_at(None, f"{err}; an exercise script is a short, plain text")
    except yaml.MarkedYAMLError as err:
        hint = f" ({err.context})" if err.context else ""
        report.error_at(err.problem_mark or err.context_mark,
                        f"this is not valid YAML: {err.problem}{hint}; check the indentation "
                        "and that every `key: value` has a space after the colon")
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
        report.error_at_line(line, column, "the file holds a control character YAML does not "
                             f"allow (U+{err.character:04X}); save it as plain text")
    except (yaml.YAMLError, ValueError, TypeError) as err:
        report.error_at(None, f"this is not valid YAML: {err}")
    return None


def _check_depth(text: str, report: Report) -> bool:
    """False after reporting where the text nests deeper than `_MAX_DEPTH`: found from the
    parser's events (a flat loop) before the recursive composer could overflow the stack."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > _MAX_DEPTH:
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                report.error_at_line(line, column, "the document nests more "
                                     f"than {_MAX_DEPTH} levels deep here; an exercise script is "
                                     "a short, plain text")
                return False
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return True


def _construct(text: str, report: Report) -> Any:
    if not _check_depth(text, report):
        return None
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            report.error_at(None, "the file is empty; start from the default script "
                            "(`retrowalk check default` shows it is valid)")
            return None
        if not _index(root, (), None, report, [0], 0):
            return None  # a refused tag: construct nothing at all
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _index(node: yaml.Node, path: FieldPath, key_mark: yaml.Mark | None, report: Report,
           count: list[int], depth: int, overwrite: bool = True) -> bool:
    """Record where each value is written; report refused tags and bad or repeated keys.
    Returns False when a refused tag was found (then nothing may be constructed)."""
    count[0] += 1
    if count[0] > _MAX_NODES or depth > _MAX_DEPTH:
        raise _TooLarge(f"the document has more than {_MAX_NODES} values or nests more than "
                        f"{_MAX_DEPTH} levels deep (aliases included)")
    if overwrite or path not in report.marks:
        report.marks[path] = (key_mark or node.start_mark, node.start_mark)
    if node.tag not in _SAFE_TAGS:
        tag = node.tag.replace("tag:yaml.org,2002:", "!!")
        report.error(path, f"the tag {tag} is not allowed: a script holds plain values "
                     "only (numbers, text, true/false, lists, mappings)")
        return False
    if isinstance(node, yaml.ScalarNode) and node.style is None and LEADING_ZERO.fullmatch(
            node.value):
        report.error(path, _leading_zero_problem(node.value))
    ok = True
    if isinstance(node, yaml.SequenceNode):
        if node.flow_style:
            report.inline_lists.add(path)
        for index, child in enumerate(node.value):
            ok &= _index(child, (*path, index), None, report, count, depth + 1, overwrite)
    elif isinstance(node, yaml.MappingNode):
        ok = _index_mapping(node, path, report, count, depth, overwrite)
    return ok


def _leading_zero_problem(written: str) -> str:
    sign = written[0] if written[0] in "+-" else ""
    digits = written.lstrip("+-").replace("_", "")
    meant = f"{sign}{int(digits)}"
    octal = all(digit in "01234567" for digit in digits)
    read_as = f"the octal number {sign}{int(digits, 8)}" if octal else "text"
    return (f"{written} starts with a zero, which YAML reads as {read_as}, not {meant}; "
            f"write {meant}")


def _index_mapping(node: yaml.MappingNode, path: FieldPath, report: Report, count: list[int],
                   depth: int, overwrite: bool) -> bool:
    """`_index` for each key and value of a mapping, and of the mappings it merges."""
    ok, seen = True, set()
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            # `<<: *anchor` copies keys that are not written here; they keep their own marks.
            merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for source in merged:
                if isinstance(source, yaml.MappingNode):
                    ok &= _index_mapping(source, path, report, count, depth + 1, False)
            continue
        if key_node.tag != "tag:yaml.org,2002:str" or not isinstance(key_node, yaml.ScalarNode):
            where = dotted(path) or "the top level"
            report.error_at(key_node.start_mark, f"{where}: the key {key_node.value!r} is not "
                            "text (yes/no/on/off and numbers are read as other values); quote it")
            continue
        key = key_node.value
        if key in seen:
            report.error_at(key_node.start_mark, f"{dotted((*path, key))}: this key is written "
                            "twice; the first value would be silently ignored; keep one")
        seen.add(key)
        ok &= _index(value_node, (*path, key), key_node.start_mark, report, count, depth + 1,
                     overwrite)
    return ok
