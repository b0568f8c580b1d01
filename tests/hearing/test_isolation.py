"""The utterance gate: an answer word counts only when it is said on its own."""

from assistant.hearing.spotter.isolation import IsolationSettings, UtteranceGate

FRAME_S = 0.032


def feed(gate: UtteranceGate, pattern: list[tuple[bool, float]], start_s: float = 0.0):
    """Feed (speech?, seconds) stretches as voice-activity frames; return what was released."""
    released, t = [], start_s
    for speech, seconds in pattern:
        for _ in range(round(seconds / FRAME_S)):
            released += gate.frame(1.0 if speech else 0.0, t, t + FRAME_S)
            t += FRAME_S
    return released


def test_a_word_on_its_own_is_released_once_the_silence_after_it_is_long_enough():
    gate = UtteranceGate()
    feed(gate, [(False, 1.0), (True, 0.4)])
    gate.hold("yes", 1.4)
    assert feed(gate, [(False, 0.2)], 1.4) == []
    assert feed(gate, [(False, 0.3)], 1.6) == ["yes"]
    assert not gate.holding


def test_a_word_inside_a_long_sentence_is_dropped():
    gate = UtteranceGate()
    feed(gate, [(False, 1.0), (True, 0.5)])
    gate.hold("yes", 1.5)
    released = feed(gate, [(True, 2.0), (False, 0.2), (True, 1.0), (False, 1.0)], 1.5)
    assert released == []
    assert not gate.holding


def test_short_pauses_between_words_do_not_end_the_utterance():
    gate = UtteranceGate(IsolationSettings(max_utterance_s=1.0))
    feed(gate, [(False, 1.0), (True, 0.5)])
    gate.hold("ready", 1.5)
    # 0.2 s gaps are shorter than the silence that ends an utterance: it is one of 1.7 s.
    assert feed(gate, [(False, 0.2), (True, 0.5), (False, 0.2), (True, 0.5), (False, 1.0)],
                1.5) == []


def test_a_word_the_voice_detector_missed_is_still_released_after_silence():
    gate = UtteranceGate()
    feed(gate, [(False, 1.0)])
    gate.hold("no", 1.0)
    assert feed(gate, [(False, 0.5)], 1.0) == ["no"]
