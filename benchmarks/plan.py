"""How much of each corpus a run uses: the full benchmark, `--quick`, and a tiny test run.

The full corpora would take hours to listen to on a 2-core machine; these samples keep the
full run well under 30 minutes while every safety phrase, voice and speed stays in.
"""

from __future__ import annotations

from dataclasses import dataclass

#: None is "no noise at all".
SNRS_DB: tuple[float | None, ...] = (None, 20.0, 10.0, 5.0, 0.0)


@dataclass(frozen=True)
class Plan:
    """Sample sizes of one run (None: everything there is)."""

    name: str
    snrs_db: tuple[float | None, ...]
    #: Synthesized safety-intent utterances per SNR (of 25 phrases x 14 voice/speed styles).
    synth_safety: int | None
    #: Synthesized utterances of the other intents per SNR (evenly spread over the rest).
    synth_other: int | None
    #: Real Speech Commands clips per command word (stop, yes, no) per SNR.
    real_per_word: int | None
    #: Real non-command word clips (go, up, off, 25 other words), and at which SNRs.
    real_other_words: int | None
    real_other_snrs_db: tuple[float | None, ...]
    #: Minutes of synthesized non-command prose (clean).
    prose_minutes: float
    #: Kathleen's read sentences (clean).
    kathleen_sentences: int | None
    #: Minutes of the session recording (simulation speed) and of it heard by the probe
    #: (start-up, CPU share, memory).
    session_minutes: float
    probe_minutes: float
    speaker_trials: int
    #: Time `retrowalk simulate` over a whole 20-minute session script.
    simulate: bool = True
    #: Add the word "stop" alone in every voice and speed (for the stop-latency target).
    every_stop_style: bool = True
    #: Seconds of each noise alone (no speech), as loud as under speech at 10 dB SNR.
    noise_alone_s: float = 120.0
    #: Per real command word, a limit that overrides `real_per_word`.
    real_word_limits: tuple[tuple[str, int], ...] = ()


FULL = Plan("full", SNRS_DB, synth_safety=140, synth_other=70, real_per_word=None,
            real_other_words=200, real_other_snrs_db=(None,), prose_minutes=31.0,
            kathleen_sentences=None, session_minutes=20.0, probe_minutes=5.0,
            speaker_trials=10, real_word_limits=(("yes", 50), ("no", 50)))
QUICK = Plan("quick", (None, 10.0), synth_safety=8, synth_other=4, real_per_word=4,
             real_other_words=10, real_other_snrs_db=(None,), prose_minutes=0.75,
             kathleen_sentences=6, session_minutes=1.0, probe_minutes=0.5, speaker_trials=3,
             simulate=False, every_stop_style=False, noise_alone_s=5.0)
#: For the test suite: the smallest run that still exercises every part.
TINY = Plan("tiny", (None, 10.0), synth_safety=3, synth_other=1, real_per_word=1,
            real_other_words=2, real_other_snrs_db=(None,), prose_minutes=0.1,
            kathleen_sentences=1, session_minutes=0.2, probe_minutes=0.2, speaker_trials=1,
            simulate=False, every_stop_style=False, noise_alone_s=3.0)

PLANS = {plan.name: plan for plan in (FULL, QUICK, TINY)}
