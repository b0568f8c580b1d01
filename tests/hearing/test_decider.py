"""The intent decider's asymmetric rules, on hand-made transcripts (pure core, no engine)."""

from __future__ import annotations

from assistant.core.events import Transcript
from assistant.core.intents import load_phrase_table
from assistant.hearing.decider import DecisionSettings, IntentDecider

TABLE = load_phrase_table("en")


def heard(text: str, final: bool, at_s: float = 1.0, confidence: float | None = None) -> Transcript:
    return Transcript(text, final=final, engine="test", at_s=at_s, confidence=confidence)


def names(decider: IntentDecider, transcripts: list[Transcript]) -> list[str]:
    return [i.name for t in transcripts if (i := decider.decide(t)) is not None]


def test_safety_fires_on_the_first_partial_and_not_again_on_its_final() -> None:
    decider = IntentDecider(TABLE)
    first = decider.decide(heard("stop", final=False, at_s=1.2))
    assert first is not None and first.name == "stop" and first.at_s == 1.2
    assert decider.decide(heard("stop", final=False, at_s=1.3)) is None
    assert decider.decide(heard("stop", final=True, at_s=1.8)) is None


def test_a_new_utterance_can_fire_safety_again() -> None:
    decider = IntentDecider(TABLE)
    said = [heard("help", False), heard("help", True), heard("help me", False)]
    assert names(decider, said) == ["help", "help"]


def test_safety_heard_only_in_the_final_still_fires() -> None:
    assert names(IntentDecider(TABLE), [heard("i feel", False), heard("i feel dizzy", True)]) == [
        "dizzy"
    ]


def test_resuming_intents_wait_for_the_final() -> None:
    decider = IntentDecider(TABLE)
    assert decider.decide(heard("continue", final=False)) is None
    intent = decider.decide(heard("continue", final=True, confidence=0.9))
    assert intent is not None and intent.name == "resume"


def test_resuming_intents_need_the_confidence_bar() -> None:
    decider = IntentDecider(TABLE, DecisionSettings(min_confidence=0.6))
    assert decider.decide(heard("yes", final=True, confidence=0.4)) is None
    assert names(decider, [heard("yes", final=True, confidence=0.8)]) == ["yes"]


def test_safety_does_not_need_the_confidence_bar() -> None:
    decider = IntentDecider(TABLE, DecisionSettings(min_confidence=0.9))
    assert names(decider, [heard("stop", final=True, confidence=0.2)]) == ["stop"]


def test_other_intents_need_the_final_result() -> None:
    decider = IntentDecider(TABLE)
    assert decider.decide(heard("no", final=False)) is None
    assert names(decider, [heard("how much longer", final=True)]) == ["time_left"]


def test_ordinary_talk_is_not_a_command() -> None:
    decider = IntentDecider(TABLE)
    talk = [heard("[unk] [unk] yes [unk]", True), heard("[unk] continue", True),
            heard("[unk] [unk] [unk] [unk] stop", True), heard("[unk]", True), heard("", True)]
    assert names(decider, talk) == []


def test_a_safety_phrase_at_the_edge_of_a_short_utterance_counts() -> None:
    assert names(IntentDecider(TABLE), [heard("[unk] stop", True)]) == ["stop"]
    assert names(IntentDecider(TABLE), [heard("help me [unk] [unk]", True)]) == ["help"]


def test_a_partial_must_be_the_safety_phrase_itself() -> None:
    decider = IntentDecider(TABLE)
    # the start of a sentence ("[unk] wait ...") must not stop the walk on a partial
    assert decider.decide(heard("[unk] stop", False)) is None
    assert decider.decide(heard("stop [unk]", False)) is None
    assert names(decider, [heard("stop", False)]) == ["stop"]


def test_leading_unknown_words_on_partials_can_be_allowed() -> None:
    decider = IntentDecider(TABLE, DecisionSettings(max_unknown_before_partial=1))
    assert decider.decide(heard("[unk] [unk] stop", False)) is None
    assert names(decider, [heard("[unk] stop", False)]) == ["stop"]


def test_safety_on_partials_can_be_turned_off() -> None:
    decider = IntentDecider(TABLE, DecisionSettings(safety_on_partials=False))
    assert names(decider, [heard("stop", False), heard("stop", True)]) == ["stop"]


def test_over_a_cue_a_stop_after_the_echo_s_unknown_words_fires_at_once() -> None:
    # The echo guard leaves traces of the assistant's voice, decoded as unknown words; the
    # walker's "stop" over the cue ends the same partial.
    partial = heard("[unk] [unk] [unk] [unk] [unk] stop", final=False)
    assert IntentDecider(TABLE).decide(partial) is None
    intent = IntentDecider(TABLE).decide(partial, assistant_speaking=True)
    assert intent is not None and intent.name == "stop"


def test_over_a_cue_resuming_intents_still_need_an_exact_final() -> None:
    decider = IntentDecider(TABLE)
    assert decider.decide(heard("[unk] [unk] yes", final=False), assistant_speaking=True) is None
    assert decider.decide(heard("[unk] [unk] yes", final=True), assistant_speaking=True) is None
