"""What the session says, as text: numbers in words for older ears, short and calm sentences.

The session machine decides *when* to speak; this module decides *what*. Durations are said in
words ("one minute and twenty seconds"), because a synthesized "1:20" or "80 seconds" is
harder to follow while walking.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.core.names import EndReason
from assistant.script.model import VoiceSettings

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

# Fixed sentences of the safety flow (ARCHITECTURE.md, safety rules 1 to 5).
STOP = "Stopping now. Stand still and hold your support."
CONTINUE_OR_END = "Do you want to continue, or end the session?"
CONFIRM_WALK = "Did you say continue? Say yes to walk again."
CONFIRM_GO_ON = "Did you say continue? Say yes to go on."
CONFIRM_AFTER_DIZZY = "I am glad. Say yes to walk again, or end to finish."
PAUSED = "Pausing. Stand still and hold your support. Say continue when you are ready."
WAITING = "Okay. Say continue when you are ready."
DIZZY = "Stop walking. Hold your support. Sit down if you can. Breathe slowly."
CHECK_IN = "Are you feeling better? Say yes or no."
DIZZY_END = "Good. We will stop here for today. Sit and rest for a while."
HELP_CANCELLED = "Okay, I will not call your caregiver."
HELP_PENDING_REMINDER = "Say cancel to call it off."
EMERGENCY = "Help is being called. Stay where you are. Sit down if you can."
#: With no alert channel set up, nobody is being called: the walker must not be told so.
EMERGENCY_NO_CHANNEL = "Stay where you are. Sit down if you can. Breathe slowly."
#: When no alert reached anyone (every channel failed, or none is set up): said instead of
#: EMERGENCY, and to the walker whenever an urgent alert could not be delivered.
ALERT_UNREACHED = "I could not reach your caregiver. Call someone, or press your emergency button."
#: The emergency's end when nobody was reached.
EMERGENCY_OVER_UNREACHED = "I will be quiet now. " + ALERT_UNREACHED
EMERGENCY_CANCELLED = "Okay. The session has ended. Please tell your caregiver you are all right."
EMERGENCY_OVER = "I will be quiet now. Stay seated and wait for help."
HEARING_LOST = "Please stop and stand still. I can no longer hear you, so the session ends now."
INTERRUPTED = "Please stop and stand still. The session ends now."
FAULT = "Please stop and stand still. Something went wrong, so the session ends now."
NO_ANSWER_END = "I did not hear an answer, so we will end here. Stand still and hold your support."
PAUSE_TOO_LONG = "We have paused for a long time, so we will end here. Rest well."
SUPPORT_UNANSWERED = (
    "I did not hear ready, so we will not walk backward today. Please try again later."
)
END_QUESTION = "Do you want to end the session now? Say yes or no."
KEEP_GOING = "Okay, let's carry on."
END_QUESTION_LAPSED = "I did not hear an answer, so let's carry on."
ENDING_EARLY = "Okay, we will finish now."
#: The end of a cool-down the walker chose to shorten: the script's own closing words say the
#: session is complete, which it is not.
EARLY_END_CLOSING = "That is all for today. Thank you."

#: Said when the session ends, by end reason (the session machine's `ends`).
END_TEXTS = {
    EndReason.ENDED_BY_WALKER: ENDING_EARLY,
    EndReason.SUPPORT_CHECK_UNANSWERED: SUPPORT_UNANSWERED,
    EndReason.NO_ANSWER: NO_ANSWER_END,
    EndReason.PAUSE_TOO_LONG: PAUSE_TOO_LONG,
    EndReason.DIZZY: DIZZY_END,
    EndReason.EMERGENCY_CANCELLED: EMERGENCY_CANCELLED,
    EndReason.EMERGENCY: EMERGENCY_OVER,
    EndReason.HEARING_LOST: HEARING_LOST,
    EndReason.INTERRUPTED: INTERRUPTED,
    EndReason.FAULT: FAULT,
}

#: Voice changes: (confirmation, said at the limit) per intent name.
VOICE_ANSWERS = {
    "slower": ("I will speak more slowly.", "This is my slowest speed."),
    "faster": ("I will speak faster.", "This is my fastest speed."),
    "louder": ("I will speak louder.", "This is my loudest voice."),
    "quieter": ("I will speak more quietly.", "This is as quiet as I can speak."),
}

#: How each timed phase is named in "... left in this walk".
PHASE_WORDS = {
    "warm_up": "the warm-up",
    "walking": "this walk",
    "resting": "this rest",
    "cool_down": "the cool-down",
}


def number_in_words(number: int) -> str:
    """0 to 999 in English words: 21 -> "twenty-one", 105 -> "one hundred and five"."""
    if not 0 <= number < 1000:
        return str(number)
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(number, 100)
    head = f"{_ONES[hundreds]} hundred"
    return f"{head} and {number_in_words(rest)}" if rest else head


def _unit(count: int, singular: str) -> str:
    return f"{number_in_words(count)} {singular}{'' if count == 1 else 's'}"


def seconds_in_words(seconds: float) -> str:
    """A duration as it is said: 80 -> "one minute and twenty seconds", 30 -> "thirty seconds"."""
    whole = max(round(seconds), 0)
    minutes, rest = divmod(whole, 60)
    if minutes == 0:
        return _unit(rest, "second")
    if rest == 0:
        return _unit(minutes, "minute")
    return f"{_unit(minutes, 'minute')} and {_unit(rest, 'second')}"


def round_for_speech(seconds: float) -> float:
    """Round a remaining time the way a person would say it: finer when it is short."""
    step: float
    if seconds <= 60:
        step = 5
    elif seconds < 600:
        step = 10
    else:
        step = 60
    return float(max(round(seconds / step) * step, 0))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def remaining_text(seconds: float) -> str:
    """A remaining-time mark: 30 -> "Thirty seconds left."."""
    return _sentence(f"{seconds_in_words(seconds)} left")


def time_left_text(phase: str | None, phase_remaining_s: float, session_remaining_s: float) -> str:
    """The answer to "how much longer?": the phase's remaining time and the session's."""
    session = seconds_in_words(round_for_speech(session_remaining_s))
    if phase is None:
        return f"About {session} left in the session."
    words = PHASE_WORDS.get(phase, "this part")
    here = seconds_in_words(round_for_speech(phase_remaining_s))
    return f"About {here} left in {words}, and {session} in the session."


def resumed_text(phase: str, remaining_s: float) -> str:
    """Said when a frozen phase goes on after a pause or a stop."""
    words = PHASE_WORDS.get(phase, "this part")
    left = seconds_in_words(round_for_speech(remaining_s))
    return f"Let's go on. About {left} left in {words}."


def phase_left_text(phase: str, remaining_s: float) -> str:
    """The time left in a phase, as it is now: "About twenty seconds left in this walk."."""
    left = seconds_in_words(round_for_speech(remaining_s))
    return f"About {left} left in {PHASE_WORDS.get(phase, 'this part')}."


def early_cool_down_text(duration_s: float) -> str:
    """The cool-down after the walker chose to end, said instead of the script's start cues
    (which may say the walking is complete, and how long a full cool-down lasts)."""
    return f"Now walk forward slowly for {seconds_in_words(duration_s)}, to cool down."


def help_window_text(window_s: float) -> str:
    """Said at once after "help": when the call goes, and how to call it off."""
    return f"I will call your caregiver in {seconds_in_words(window_s)}. Say cancel to call it off."


def summary_text(walked_s: float, completed: bool) -> str:
    """The spoken summary at the end: how long the walker walked backward today."""
    walked = round_for_speech(walked_s) if walked_s >= 5 else 0.0
    if walked == 0:
        return "Well done for today. Rest now."
    text = f"Well done. You walked backward for {seconds_in_words(walked)} today."
    return text if completed else text + " Stopping early is fine."


def change_voice(voice: VoiceSettings, intent: str) -> tuple[VoiceSettings, str]:
    """One step slower/faster/louder/quieter within the script's limits, and what to say."""
    done, at_limit = VOICE_ANSWERS[intent]
    if intent in ("slower", "faster"):
        step = -voice.rate_step_wpm if intent == "slower" else voice.rate_step_wpm
        rate = min(max(voice.rate_wpm + step, voice.min_rate_wpm), voice.max_rate_wpm)
        changed = replace(voice, rate_wpm=rate)
    else:
        change = voice.volume_step if intent == "louder" else -voice.volume_step
        volume = round(min(max(voice.volume + change, voice.min_volume), 1.0), 3)
        changed = replace(voice, volume=volume)
    return changed, (at_limit if changed == voice else done)
