"""Exercise scripts: every malformed script is refused with the field and the place at fault,
every problem at once; shipped scripts are valid; cues with command phrases are warned about."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.errors import ScriptError
from assistant.script.loading import (
    bundled_script_names,
    check_script,
    default_script_path,
    load_script,
    parse_script,
    resolve_script,
)
from assistant.script.placeholders import fill_placeholders

# A small valid script; the expected LINE:COL below refer to its lines:
# 1 name, 2 walker, 3 warm_up, 4 duration_s, 5 support_check, 6 question, 7 walking,
# 8 intervals, 9 walk_s, 10 rest_s, 11 cool_down, 12 duration_s.
MINIMAL = """\
name: Test
walker: Ann
warm_up:
  duration_s: 60
support_check:
  question: Say ready when you are ready.
walking:
  intervals: 2
  walk_s: 30
  rest_s: 45
cool_down:
  duration_s: 90
"""


def edited(old: str, new: str) -> str:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new, 1)


def errors_of(text: str) -> list[str]:
    check = parse_script(text, "t.yaml")
    assert check.script is None, "a script with errors must not be usable"
    assert check.errors, "an invalid script must report at least one error"
    return check.errors


def test_minimal_script_is_valid_with_defaults() -> None:
    check = parse_script(MINIMAL, "t.yaml")
    assert check.errors == [] and check.warnings == []
    script = check.script
    assert script is not None
    assert (script.walking.intervals, script.walking.walk_s, script.walking.rest_s) == (2, 30, 45)
    assert script.language == "en" and script.alerts == ()
    assert script.total_s == 60 + 2 * 30 + 45 + 90
    assert script.raw["walker"] == "Ann" and script.source == "t.yaml"


# (test id, script text, expected start of one error line, words the message must contain)
MALFORMED = [
    ("not-yaml", edited("name: Test", "name: [unclosed"), "t.yaml:2:7: error: ",
     "not valid YAML"),
    ("tab-indent", edited("  walk_s: 30", "\twalk_s: 30"), "t.yaml:9:1: error: ",
     "not valid YAML"),
    ("empty-file", "", "t.yaml:1:1: error: ", "empty"),
    ("only-comments", "# nothing yet\n", "t.yaml:1:1: error: ", "empty"),
    ("top-level-list", "- walk\n- rest\n", "t.yaml:1:1: error: ", "top level must be a mapping"),
    ("top-level-text", "just some words\n", "t.yaml:1:1: error: ", "top level must be a mapping"),
    ("python-tag", edited("name: Test", "name: !!python/object/apply:os.getcwd []"),
     "t.yaml:1:7: error: name: ", "!!python/object/apply:os.getcwd is not allowed"),
    ("local-tag", edited("walker: Ann", "walker: !secret Ann"), "t.yaml:2:9: error: walker: ",
     "!secret is not allowed"),
    ("bool-as-number", edited("walk_s: 30", "walk_s: true"),
     "t.yaml:9:11: error: walking.walk_s: ", "got true"),
    ("quoted-number", edited("rest_s: 45", 'rest_s: "45"'),
     "t.yaml:10:11: error: walking.rest_s: ", 'the text "45"'),
    ("number-with-unit", edited("rest_s: 45", "rest_s: 45s"),
     "t.yaml:10:11: error: walking.rest_s: ", "without quotes or units"),
    ("fractional-count", edited("intervals: 2", "intervals: 2.5"),
     "t.yaml:8:14: error: walking.intervals: ", "whole number"),
    ("negative-duration", edited("duration_s: 60", "duration_s: -5"),
     "t.yaml:4:15: error: warm_up.duration_s: ", "more than 0"),
    ("zero-walk", edited("walk_s: 30", "walk_s: 0"),
     "t.yaml:9:11: error: walking.walk_s: ", "more than 0"),
    ("huge-float", edited("walk_s: 30", "walk_s: 1.0e+308"),
     "t.yaml:9:11: error: walking.walk_s: ", "got 1e+308"),
    ("huge-int", edited("intervals: 2", "intervals: " + "9" * 40),
     "t.yaml:8:14: error: walking.intervals: ", "from 1 to 50"),
    ("exponent-as-text", edited("walk_s: 30", "walk_s: 1e308"),
     "t.yaml:9:11: error: walking.walk_s: ", 'the text "1e308"'),
    ("infinity", edited("duration_s: 60", "duration_s: .inf"),
     "t.yaml:4:15: error: warm_up.duration_s: ", "finite"),
    ("not-a-number", edited("duration_s: 90", "duration_s: .nan"),
     "t.yaml:12:15: error: cool_down.duration_s: ", "finite"),
    ("count-as-bool", MINIMAL.replace("question:", "max_reprompts: yes\n  question:"),
     "t.yaml:6:18: error: support_check.max_reprompts: ", "whole number"),
    ("unknown-key-with-suggestion", edited("  walk_s: 30", "  walk_sec: 30"),
     "t.yaml:9:3: error: walking.walk_sec: ", 'did you mean "walk_s"?'),
    ("unknown-top-level-key", MINIMAL + "colour: blue\n",
     "t.yaml:13:1: error: colour: ", "unknown key"),
    ("missing-name", edited("name: Test\n", ""), "t.yaml:1:1: error: name: ", "is missing"),
    ("missing-section", edited("support_check:\n  question: Say ready when you are ready.\n", ""),
     "t.yaml:1:1: error: support_check: ", "is missing"),
    ("missing-field-in-section", edited("  rest_s: 45\n", ""),
     "t.yaml:7:1: error: walking.rest_s: ", "is missing"),
    ("list-where-mapping", edited("cool_down:\n  duration_s: 90", "cool_down:\n  - 90"),
     "t.yaml:12:3: error: cool_down: ", "must be a mapping"),
    ("mapping-where-list", MINIMAL + "  cues:\n    start: {hello: there}\n",
     "t.yaml:14:12: error: cool_down.cues.start: ", "must be a list of texts"),
    ("empty-cue-text", MINIMAL + "  cues:\n    start: [Hello, '']\n",
     "t.yaml:14:20: error: cool_down.cues.start[1]: ", "non-empty text"),
    ("long-interval", edited("walk_s: 30", "walk_s: 900"),
     "t.yaml:9:11: error: walking.walk_s: ", "limits.allow_long_intervals: true"),
    ("long-session", edited("intervals: 2", "intervals: 40").replace("walk_s: 30", "walk_s: 60"),
     "t.yaml:7:1: error: walking: ", "limits.allow_long_session: true"),
    ("progression-below-walk", MINIMAL + "progression:\n  max_walk_s: 20\n",
     "t.yaml:14:15: error: progression.max_walk_s: ", "below walking.walk_s"),
    ("remaining-mark-past-end", MINIMAL + "  cues:\n    remaining_marks_s: [30, 120]\n",
     "t.yaml:14:29: error: cool_down.cues.remaining_marks_s[1]: ", "can never be said"),
    ("voice-rate-outside-limits", MINIMAL + "voice:\n  rate_wpm: 250\n",
     "t.yaml:14:13: error: voice.rate_wpm: ", "max_rate_wpm"),
    ("unknown-language", MINIMAL + "language: xx\n",
     "t.yaml:13:11: error: language: ", "available: en"),
    ("duplicate-key", MINIMAL + "walker: Bob\n", "t.yaml:13:1: error: walker: ", "twice"),
    ("non-text-key", MINIMAL + "yes: 1\n", "t.yaml:13:1: error: ", "quote it"),
    ("webhook-not-http", MINIMAL + "alerts:\n  channels:\n    - {type: webhook, url: 'ftp://h'}\n",
     "t.yaml:15:28: error: alerts.channels[0].url: ", "http:// or https://"),
    ("command-empty-argv", MINIMAL + "alerts:\n  channels:\n    - {type: command, argv: []}\n",
     "t.yaml:15:29: error: alerts.channels[0].argv: ", "non-empty list"),
    ("file-without-path", MINIMAL + "alerts:\n  channels:\n    - type: file\n",
     "t.yaml:15:7: error: alerts.channels[0].path: ", "a file channel needs path"),
    ("unknown-channel-type", MINIMAL + "alerts:\n  channels:\n    - type: sms\n",
     "t.yaml:15:13: error: alerts.channels[0].type: ", "webhook, command or file"),
    ("field-of-other-channel", MINIMAL + "alerts:\n  channels:\n    - type: file\n"
     "      path: alerts.txt\n      url: https://example.org/hook\n",
     "t.yaml:17:12: error: alerts.channels[0].url: ", "only for webhook channels"),
    ("channel-not-mapping", MINIMAL + "alerts:\n  channels: [webhook]\n",
     "t.yaml:14:14: error: alerts.channels[0]: ", "must be a mapping"),
    ("alias-bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n"
        for p, n in zip("abcde", "bcdef", strict=True)),
     "t.yaml:1:1: error: ", "more than 20000 values"),
]


@pytest.mark.parametrize(
    ("text", "where", "words"), [case[1:] for case in MALFORMED], ids=[c[0] for c in MALFORMED]
)
def test_malformed_script_is_refused_with_field_and_position(
    text: str, where: str, words: str
) -> None:
    matching = [line for line in errors_of(text) if line.startswith(where)]
    assert matching, f"no error starting {where!r} in {errors_of(text)}"
    assert words in matching[0]


def test_dangerous_tag_is_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    text = edited("name: Test", f'name: !!python/object/apply:os.mkdir ["{marker}"]')
    errors = errors_of(text)
    assert not marker.exists(), "the tag was executed"
    assert errors[0].startswith("t.yaml:1:7: error: name: the tag !!python/object/apply:os.mkdir")


def test_every_problem_is_reported_at_once_in_file_order() -> None:
    text = (MINIMAL.replace("walker: Ann", "walker: 7").replace("walk_s: 30", "walk_s: -1")
            .replace("  rest_s: 45", "  rest_sec: 45") + "safety:\n  pause_limit_s: .inf\n")
    assert [line.split(" error: ")[0] + " " + line.split(" error: ")[1].split(":")[0]
            for line in errors_of(text)] == [
        "t.yaml:2:9: walker",
        "t.yaml:7:1: walking.rest_s",
        "t.yaml:9:11: walking.walk_s",
        "t.yaml:10:3: walking.rest_sec",
        "t.yaml:14:18: safety.pause_limit_s",
    ]


def test_limits_allow_a_long_interval_and_a_long_session() -> None:
    text = (edited("intervals: 2", "intervals: 5").replace("walk_s: 30", "walk_s: 900")
            + "progression:\n  max_walk_s: 900\n  max_total_walk_s: 4500\n"
            + "limits:\n  allow_long_intervals: true\n  allow_long_session: true\n")
    check = parse_script(text, "t.yaml")
    assert check.errors == []
    assert check.script is not None and check.script.total_s > 3600


def test_undecodable_bytes_are_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.replace("Ann", "Ren\u00e9e").encode("latin-1"))
    check = check_script(path)
    assert check.script is None
    assert check.errors == [f"{path}:2:12: error: the file is not UTF-8 text (byte 0xe9); "
                            "save it as UTF-8 in a plain text editor"]


def test_control_character_is_located(tmp_path: Path) -> None:
    path = tmp_path / "bell.yaml"
    path.write_text(MINIMAL.replace("walker: Ann", "walker: A\x07nn"), encoding="utf-8")
    assert check_script(path).errors[0].startswith(f"{path}:2:10: error: ")


def test_missing_file_names_the_bundled_scripts(tmp_path: Path) -> None:
    errors = check_script(tmp_path / "nope.yaml").errors
    assert len(errors) == 1 and errors[0].startswith(f"{tmp_path / 'nope.yaml'}: error: no such")
    assert all(name in errors[0] for name in ("default", "building", "knee_friendly"))


def test_one_text_is_taken_as_a_list_of_one() -> None:
    script = parse_script(MINIMAL + "  cues:\n    start: Walk gently now.\n"
                          "    remaining_marks_s: 30\n", "t.yaml").script
    assert script is not None
    assert script.cool_down.cues.start == ("Walk gently now.",)
    assert script.cool_down.cues.remaining_marks_s == (30.0,)


def test_alert_channels_are_read() -> None:
    text = MINIMAL + (
        "alerts:\n  channels:\n"
        "    - {type: webhook, url: 'https://example.org/hook', timeout_s: 3}\n"
        "    - {type: command, argv: notify-send 'RetroWalk needs you'}\n"
        "    - {type: file, path: alerts.txt, retries: 0}\n"
    )
    script = parse_script(text, "t.yaml").script
    assert script is not None
    webhook, command, file = script.alerts
    assert (webhook.kind, webhook.url, webhook.timeout_s) == ("webhook", "https://example.org/hook",
                                                              3.0)
    assert (command.kind, command.argv) == ("command", ("notify-send", "RetroWalk needs you"))
    assert (file.kind, file.path, file.retries) == ("file", "alerts.txt", 0)


def test_cue_with_a_command_phrase_is_a_warning_not_an_error() -> None:
    text = MINIMAL + "  cues:\n    start: [Walk gently., Say stop to end.]\n"
    check = parse_script(text, "t.yaml")
    assert check.script is not None and check.errors == []
    assert len(check.warnings) == 1
    warning = check.warnings[0]
    assert warning.startswith("t.yaml:14:27: warning: cool_down.cues.start[1]: ")
    assert '"stop" (stop)' in warning and '"end" (end)' in warning


def test_support_question_may_name_ready_but_other_cues_may_not() -> None:
    assert parse_script(MINIMAL, "t.yaml").warnings == []
    text = MINIMAL + "  cues:\n    end: [Are you ready for the next walk]\n"
    warnings = parse_script(text, "t.yaml").warnings
    assert len(warnings) == 1 and '"ready" (ready)' in warnings[0]


def test_support_question_without_its_answer_is_warned_about() -> None:
    text = edited("Say ready when you are ready.", "Stand by the wall.")
    warnings = parse_script(text, "t.yaml").warnings
    assert warnings and warnings[0].startswith("t.yaml:6:13: warning: support_check.question: ")


@pytest.mark.parametrize("name", bundled_script_names())
def test_shipped_scripts_are_valid_without_warnings(name: str) -> None:
    check = check_script(resolve_script(name))
    assert check.errors == [] and check.warnings == []
    script = check.script
    assert script is not None
    assert script.total_s <= 3600 and script.walking.walk_s <= 600
    assert script.walking.walk_s <= script.progression.max_walk_s


def test_shipped_scripts_follow_the_articles() -> None:
    default, building, knee = (load_script(resolve_script(n))
                               for n in ("default", "building", "knee_friendly"))
    # Start with 2 to 5 minutes backward a day, grow toward 5 to 10.
    assert 120 <= default.total_walk_s <= 300
    assert default.total_walk_s < building.total_walk_s <= 600
    assert 150 <= default.warm_up.duration_s <= 240  # a few minutes of forward warm-up
    assert knee.walking.walk_s < default.walking.walk_s
    rest_per_walk = {s.name: s.walking.rest_s / s.walking.walk_s for s in (default, knee)}
    assert rest_per_walk[knee.name] > rest_per_walk[default.name]
    assert "ready" in default.support_check.question.lower()


def test_bundled_names_and_default_path() -> None:
    assert {"default", "building", "knee_friendly"} <= set(bundled_script_names())
    assert default_script_path().is_file() and default_script_path().name == "default.yaml"
    assert resolve_script(None) == default_script_path()


def test_resolve_script_takes_a_path_and_refuses_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert resolve_script(str(path)) == path
    with pytest.raises(ScriptError) as caught:
        resolve_script(str(tmp_path / "missing.yaml"))
    assert "no such script file" in str(caught.value) and "knee_friendly" in str(caught.value)


def test_load_script_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(edited("walk_s: 30", "walk_s: -1").replace("rest_s: 45", "rest_s: x"),
                    encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_script(path)
    assert len(caught.value.problems) == 2
    assert str(caught.value).startswith(f"{path}:9:11: error: walking.walk_s: ")
    assert "1 more problem" in str(caught.value) and "\n" not in str(caught.value)
    assert caught.value.exit_code == 2


def test_the_walker_s_name_is_optional_but_needed_for_alerts() -> None:
    unnamed = MINIMAL.replace("walker: Ann\n", "")
    check = parse_script(unnamed, "t.yaml")
    assert check.ok and check.script is not None and check.script.walker == ""
    assert check.script.for_walker == "" and parse_script(MINIMAL).script.for_walker == " for Ann"
    alerting = unnamed + "alerts:\n  channels:\n    - {type: file, path: a.jsonl}\n"
    errors = parse_script(alerting, "t.yaml").errors
    assert len(errors) == 1 and errors[0].startswith("t.yaml:")
    assert "alerts.channels" in errors[0] and "walker: NAME" in errors[0]


@pytest.mark.parametrize("name", ["default", "building", "knee_friendly"])
def test_shipped_scripts_call_the_walker_by_no_placeholder_name(name: str) -> None:
    script = load_script(resolve_script(name))
    assert script.walker == "" and "friend" not in " ".join(script.cue_texts()).lower()


def test_a_placeholder_is_known_or_refused_where_it_is_written() -> None:
    good = MINIMAL + "  cues:\n    start:\n      - First, {duration}. So far {walked}.\n"
    assert parse_script(good, "t.yaml").ok
    typo = MINIMAL + "  cues:\n    start:\n      - First, {duraton} forward.\n"
    errors = parse_script(typo, "t.yaml").errors
    assert len(errors) == 1 and "{duraton} is not a placeholder" in errors[0]
    assert errors[0].startswith("t.yaml:")
    question = MINIMAL.replace("question: Say ready when you are ready.",
                               "question: In {duration}, say ready when you are ready.")
    errors = parse_script(question, "t.yaml").errors
    assert len(errors) == 1 and "spoken as it is written" in errors[0]


def test_filled_placeholders_read_as_sentences() -> None:
    values = {"duration": "three minutes", "walked": "ten minutes"}
    assert fill_placeholders("{duration} of walking.", values) == "Three minutes of walking."
    assert fill_placeholders("That was {walked}.", values) == "That was ten minutes."
    assert fill_placeholders("No times here.", values) == "No times here."
