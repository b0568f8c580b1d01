"""The exercise script's fields: names, types, units, allowed ranges and cross-checks.

docs/scripts.md documents the same table for caregivers; keep the two in step.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from assistant.core.intents import languages, load_phrase_table, normalize
from assistant.core.names import IntentName
from assistant.script.model import (
    AlertChannel,
    ExerciseScript,
    PhaseCues,
    Progression,
    SafetySettings,
    SupportCheck,
    TimedPhase,
    VoiceSettings,
    Walking,
    plan_phases,
    planned_length_s,
)
from assistant.script.reader import Section, number_text
from assistant.script.texts import text_problem

#: One walking interval, and the planned session, may be longer only when the script allows it
#: (`limits:`); the caps below hold even then.
INTERVAL_LIMIT_S = 600.0
SESSION_LIMIT_S = 3600.0
INTERVAL_CAP_S = 3600.0
SESSION_CAP_S = 4 * 3600.0
PHASE_CAP_S = 1800.0

# key: (low, high, whole number?); low is excluded for seconds, included for counts.
_VOICE_NUMBERS = {
    "rate_wpm": (60, 300, True), "min_rate_wpm": (60, 300, True),
    "max_rate_wpm": (60, 300, True), "rate_step_wpm": (1, 100, True),
    "volume": (0.1, 1.0, False), "min_volume": (0.1, 1.0, False),
    "volume_step": (0.01, 0.5, False),
}
_SAFETY_NUMBERS = {
    "dizzy_rest_s": (10, 600, False), "check_in_timeout_s": (5, 120, False),
    "unanswered_check_ins_before_alert": (1, 5, True), "help_cancel_window_s": (3, 60, False),
    "prompt_timeout_s": (5, 120, False), "max_reprompts": (0, 10, True),
    "pause_limit_s": (30, 3600, False), "emergency_repeat_s": (10, 300, False),
    "emergency_max_s": (60, 7200, False),
}
_LONG_INTERVAL_HINT = ("; a walk longer than 10 minutes needs limits.allow_long_intervals: true "
                       "(if the physiotherapist agrees)")
_CHANNEL_FIELD = {"webhook": "url", "command": "argv", "file": "path"}
#: Addresses, paths and command words may be longer than a spoken cue.
_LONG_TEXT_CHARS = 2048


def read_script(root: Section, source: str) -> ExerciseScript | None:
    """The script made from the top-level mapping, or None when anything is wrong."""
    root.text("name", required=True)
    # Optional: the cues never say it; the report and the caregiver's alerts do.
    root.values["walker"] = root.text("walker") or ""
    _language(root)
    limits = root.section("limits")
    long_intervals = bool(limits.flag("allow_long_intervals"))
    long_session = bool(limits.flag("allow_long_session"))
    limits.finish()
    _voice(root)
    _phase(root, "warm_up")
    _support_check(root)
    walking = _walking(root, long_intervals)
    _phase(root, "cool_down")
    _safety(root)
    _alerts(root)
    if root.values["alerts"] and not root.values["walker"]:
        root.report.error(("alerts", "channels"), "needs the walker's name (walker: NAME at "
                          "the top): the caregiver's messages say who needs them", on_key=True)
    _progression(root, walking, long_intervals)
    _session_length(root, long_session)
    root.finish()
    if root.report.lines()[0]:
        return None
    return ExerciseScript(**root.values, source=source, raw=dict(root.data or {}))


def _support_check(root: Section) -> None:
    support = root.section("support_check", required=True)
    # The one prompt that must name its answer: "ready" is expected here, not an echo risk.
    question = support.text("question", required=True, spoken=True,
                            expected=frozenset({IntentName.READY}))
    phrases = root.report.phrases
    if question and phrases and not any(f" {p} " in f" {normalize(question)} "
                                        for p in phrases.phrases_for(IntentName.READY)):
        support.report.warning((*support.path, "question"), 'does not say what to answer: the '
                               'assistant waits for "ready"; end it with "Say ready when you '
                               'are ready."')
    support.number("reprompt_s", 5, 300)
    support.number("max_reprompts", 0, 10, whole=True, above=False, unit="")
    root.values["support_check"] = support.build(SupportCheck)


def _language(root: Section) -> None:
    language = root.text("language") or "en"
    if language not in languages():
        root.error("language", f'"{language}" has no phrase table; available: '
                   f"{', '.join(languages())}")
        return
    root.values["language"] = language
    root.report.phrases = load_phrase_table(language)


def _voice(root: Section) -> None:
    voice = root.section("voice")
    voice.text("voice", nullable=True)
    for key, (low, high, whole) in _VOICE_NUMBERS.items():
        unit = "words per minute" if key.endswith("wpm") else ""
        voice.number(key, low, high, whole=whole, above=False, unit=unit)
    rate, low, high = (voice.effective(VoiceSettings, k)
                       for k in ("rate_wpm", "min_rate_wpm", "max_rate_wpm"))
    if not low <= rate <= high:
        voice.error("rate_wpm", f"{rate} must lie between min_rate_wpm ({low}) and "
                    f"max_rate_wpm ({high})")
    volume, quietest = voice.effective(VoiceSettings, "volume"), voice.effective(
        VoiceSettings, "min_volume")
    if volume < quietest:
        voice.error("volume", f"{volume} is below min_volume ({quietest}); raise it")
    root.values["voice"] = voice.build(VoiceSettings)


def _phase(root: Section, key: str) -> None:
    phase = root.section(key, required=True)
    duration = phase.number("duration_s", 0, PHASE_CAP_S, required=True)
    phase.values["cues"] = _cues(phase, "cues", duration)
    root.values[key] = phase.build(TimedPhase)


def _cues(parent: Section, key: str, duration_s: float | None) -> Any:
    cues = parent.section(key)
    for name in ("start", "encouragement", "end"):
        cues.texts(name)
    cues.number("every_s", 5, 600, nullable=True)
    marks = cues.numbers("remaining_marks_s", 0, INTERVAL_CAP_S) or ()
    as_list = isinstance(cues.data.get("remaining_marks_s"), list)
    for index, mark in enumerate(marks):
        if duration_s is not None and mark >= duration_s:
            path = (*cues.path, "remaining_marks_s", *((index,) if as_list else ()))
            parent.report.error(path, f"{number_text(mark)} seconds left can never be said in a "
                                f"phase of {number_text(duration_s)} seconds; use marks below "
                                "the phase's duration")
    if marks:
        cues.values["remaining_marks_s"] = tuple(sorted(set(marks), reverse=True))
    if cues.values.get("encouragement") and not cues.values.get("every_s"):
        parent.report.warning((*cues.path, "encouragement"), "is never said without every_s "
                              "(seconds between encouragements); add every_s")
    return cues.build(PhaseCues) or PhaseCues()


def _walking(root: Section, long_intervals: bool) -> Section:
    walking = root.section("walking", required=True)
    walking.number("intervals", 1, 50, whole=True, required=True, above=False, unit="")
    walking.number("walk_s", 0, INTERVAL_CAP_S if long_intervals else INTERVAL_LIMIT_S,
                   required=True, hint="" if long_intervals else _LONG_INTERVAL_HINT)
    rest_s = walking.number("rest_s", 0, INTERVAL_LIMIT_S, required=True)
    walking.values["walk_cues"] = _cues(walking, "walk_cues", walking.values.get("walk_s"))
    walking.values["rest_cues"] = _cues(walking, "rest_cues", rest_s)
    root.values["walking"] = walking.build(Walking)
    return walking


def _safety(root: Section) -> None:
    safety = root.section("safety")
    for name, (low, high, whole) in _SAFETY_NUMBERS.items():
        safety.number(name, low, high, whole=whole, above=False, unit="" if whole else "seconds")
    safety.flag("continue_after_dizzy")
    repeat_s = safety.effective(SafetySettings, "emergency_repeat_s")
    if repeat_s > safety.effective(SafetySettings, "emergency_max_s"):
        safety.error("emergency_repeat_s", "must not be longer than emergency_max_s")
    root.values["safety"] = safety.build(SafetySettings)


def _alerts(root: Section) -> None:
    alerts = root.section("alerts")
    channels = []
    for path, item in alerts.list_of("channels"):
        if not isinstance(item, dict):
            root.report.error(path, "each channel must be a mapping with type: webhook, command "
                              f"or file, got {item!r}")
            continue
        channels.append(_channel(Section(root.report, path, item)))
    alerts.finish()
    root.values["alerts"] = tuple(channels)


#: An http:// or https:// address with a host: what urllib.parse would split into an http(s)
#: scheme and a non-empty network location (the pure script model imports no HTTP library).
_WEB_ADDRESS = re.compile(r"[\x00-\x20]*(?i:https?)://[^/?#]")


def _channel(channel: Section) -> Any:
    present, kind = channel.get("type", True)
    if present and kind not in _CHANNEL_FIELD:
        channel.error("type", f"must be webhook, command or file, got {kind!r}")
    url = channel.text("url", max_chars=_LONG_TEXT_CHARS)
    if url is not None and not _WEB_ADDRESS.match(url):
        channel.error("url", f'must be an http:// or https:// address, got "{url}"')
    _argv(channel)
    channel.text("path", max_chars=_LONG_TEXT_CHARS)
    channel.number("timeout_s", 0, 60)
    channel.number("retries", 0, 10, whole=True, above=False, unit="")
    for other_kind, name in _CHANNEL_FIELD.items():
        if kind == other_kind and not channel.has(name):
            channel.error(name, f"is missing; a {kind} channel needs {name}")
        elif kind != other_kind and kind in _CHANNEL_FIELD and channel.has(name):
            channel.error(name, f"is only for {other_kind} channels, this one is {kind}")
    if kind not in _CHANNEL_FIELD:
        channel.finish()
        return None
    channel.values["kind"] = kind
    return channel.build(AlertChannel)


def _argv(channel: Section) -> None:
    # A one-line command is split like a shell would, so "notify-send Help" is two words.
    present, value = channel.get("argv", False)
    if isinstance(value, str):
        try:
            value = shlex.split(value)
        except ValueError as err:
            channel.error("argv", f"cannot be split into words ({err}); write it as a list")
            return
    if not present:
        return
    if not isinstance(value, list) or not value or not all(
            isinstance(word, str) and word for word in value):
        channel.error("argv", "must be a non-empty list of words, the program first, e.g. "
                      '["notify-send", "RetroWalk needs you"]')
        return
    for word in value:
        problem = text_problem(word, _LONG_TEXT_CHARS)
        if problem:
            channel.error("argv", f"a word {problem}")
            return
    channel.values["argv"] = tuple(value)


def _progression(root: Section, walking: Section, long_intervals: bool) -> None:
    progression = root.section("progression")
    progression.number("after_sessions", 1, 100, whole=True, above=False, unit="")
    progression.number("step_s", 0, 300)
    progression.number("max_walk_s", 0, INTERVAL_CAP_S if long_intervals else INTERVAL_LIMIT_S,
                       hint="" if long_intervals else _LONG_INTERVAL_HINT)
    progression.number("max_total_walk_s", 0, SESSION_CAP_S)
    progression.flag("ease_off_after_dizzy")
    max_walk = progression.effective(Progression, "max_walk_s")
    max_total = progression.effective(Progression, "max_total_walk_s")
    walk_s, intervals = walking.values.get("walk_s"), walking.values.get("intervals")
    given = {key: "" if progression.has(key) else " (the default)"
             for key in ("max_walk_s", "max_total_walk_s")}
    if walk_s is not None and max_walk < walk_s:
        progression.error("max_walk_s", f"{number_text(max_walk)}{given['max_walk_s']} is "
                          f"below walking.walk_s ({number_text(walk_s)}); set it to at least that")
    if walk_s is not None and intervals is not None and max_total < walk_s * intervals:
        progression.error("max_total_walk_s", f"{number_text(max_total)}"
                          f"{given['max_total_walk_s']} is below the script's backward walking "
                          f"({number_text(walk_s * intervals)} seconds); set it to at least that")
    root.values["progression"] = progression.build(Progression)


def _session_length(root: Section, long_session: bool) -> None:
    total_s = _planned(root)
    if total_s is None:
        return
    limit = SESSION_CAP_S if long_session else SESSION_LIMIT_S
    if total_s > limit:
        advice = ("shorten it" if long_session else
                  "shorten it, or set limits.allow_long_session: true if the physiotherapist "
                  "agrees")
        root.report.error(("walking",), f"the planned session is {total_s / 60:.0f} minutes "
                          f"(warm-up, walking, rests and cool-down), above the "
                          f"{limit / 60:.0f}-minute limit; {advice}", on_key=True)


def _planned(root: Section) -> float | None:
    warm_up, walking, cool_down = (root.values.get(k) for k in ("warm_up", "walking", "cool_down"))
    if warm_up is None or walking is None or cool_down is None:
        return None
    return planned_length_s(plan_phases(warm_up, walking, cool_down))
