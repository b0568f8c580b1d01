"""The echo guard's tuned thresholds, each with the measurement that set it."""

from __future__ import annotations

#: Estimates that explain less of the microphone's energy than this are ignored (double talk).
MIN_EXPLAINED = 0.5
#: The first estimate of a session may be rougher: anything is better than no cancellation.
MIN_EXPLAINED_FIRST = 0.2
#: A fit explaining this much (30 dB) is trusted for `RECHECK_CHUNKS` chunks before it is
#: re-made. Measured in the PulseAudio room: a fit kept at 90% (10 dB) left residuals of RMS
#: 150-300 at the start of each cue, which PocketSphinx turned into "stop", "pause", "dizzy".
GOOD_FIT = 0.999
RECHECK_CHUNKS = 10
#: The canceller counts as converged after its first fit explaining this much (20 dB).
CONVERGED_FIT = 0.99
#: Microphone windows quieter than this (int16 RMS) carry no evidence about the echo.
QUIET_RMS = 10.0
#: Cleaning that leaves over this share of a chunk's energy means the fit must be re-made,
#: from the last `RECENT_S` seconds only.
DIVERGED = 0.5
RECENT_S = 0.1
#: Double talk: a residual over this RMS (int16 units) and over `DOUBLE_TALK_RATIO` x the
#: echo's RMS is someone else speaking. Measured in the room (echo gain 1): what is left of
#: the echo alone is RMS 3-100 (at most 0.11 x the echo); a "stop" at the echo's level leaves
#: 880 at its onset and 2300-4500 after.
SPEECH_RMS = 200.0
DOUBLE_TALK_RATIO = 0.12
#: A chunk with echo and no double talk reaches the recognizer at this gain: PocketSphinx
#: normalizes its input, so even an echo left at -40 dB was decoded into command words.
#: It is never brought below the room's background noise, though: noise switched on and off
#: chunk by chunk made PocketSphinx hear words too (25 instead of 3 false intents over the
#: shared household-noise recordings).
SUPPRESS_GAIN = 0.03
#: What cancellation is expected to leave of the echo (share of its RMS).
LEFTOVER_RATIO = 0.1
#: The background noise is this percentile of the residual RMS over `NOISE_CHUNKS` chunks;
#: double talk must also be `NOISE_MARGIN` times louder than it.
NOISE_PERCENTILE = 10
NOISE_CHUNKS = 50
NOISE_MARGIN = 2.0
#: Gain changes are ramped over this many samples (a step is a click, heard as a word).
RAMP = 160
#: Until a first good fit, echo chunks are suppressed, but for this long at most (seconds
#: of playback): a canceller that never converges must not deafen the assistant (rule 1).
MAX_UNCONVERGED_S = 0.5
#: A transcript heard during a cue is the walker's only with double talk this recently.
UTTERANCE_S = 2.0
#: Double talk after WebRTC's AEC3 (`webrtc_echo.py`): its output over this RMS and over
#: `NOISE_MARGIN` x the background. Measured on the echo benchmark's rooms: AEC3 leaves
#: RMS 7-10 (99th percentile) of an echo in a quiet room, while a walker's "stop" 6 dB under
#: the echo comes out at 118-2300; `SPEECH_RMS` and `DOUBLE_TALK_RATIO` took that quiet stop
#: for echo, and the transcript check then rejected it.
AEC3_SPEECH_RMS = 50.0
