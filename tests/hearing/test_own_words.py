"""The assistant's own answer words are not the walker's, while its cue plays and just after."""

from assistant.core.intents import load_phrase_table
from assistant.core.names import IntentName
from assistant.hearing.own_words import OwnWords


def test_an_answer_the_cue_says_is_its_own_during_the_cue_and_its_echo_tail():
    own = OwnWords(load_phrase_table("en"), tail_s=1.0)
    own.cue_playing("Say yes to go on.", now_s=10.0)
    assert own.is_own(IntentName.YES, 10.5)
    assert own.is_own(IntentName.YES, 11.0)
    assert not own.is_own(IntentName.YES, 11.5)


def test_answers_the_cue_does_not_say_and_safety_intents_still_count():
    own = OwnWords(load_phrase_table("en"))
    own.cue_playing("If you need to, say stop. Say yes to go on.", now_s=0.0)
    assert not own.is_own(IntentName.NO, 0.5)
    assert not own.is_own(IntentName.STOP, 0.5)


def test_words_count_only_whole():
    own = OwnWords(load_phrase_table("en"))
    own.cue_playing("Nobody knows the yesterday.", now_s=0.0)
    assert not own.is_own(IntentName.NO, 0.5)
    assert not own.is_own(IntentName.YES, 0.5)
