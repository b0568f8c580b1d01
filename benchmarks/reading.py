"""How to read docs/benchmarks.md: the method behind each figure (appended to the report)."""

from __future__ import annotations

READING_NOTES = """\
- **Real people count.** Synthesized voices (espeak-ng) are clean and regular; the figures
  that decide are those of real people (Speech Commands clips of many speakers, and
  kathleen's read sentences). Speech Commands holds only three of our command words (stop,
  yes, no), so real safety recall is the recall of "stop".
- **Streams, not clips.** Utterances are placed one after another on one continuous
  recording (1.6 s from the end of one to the start of the next), with the noise running
  under all of it, and listened to through `assistant.run.listening` exactly as from a
  microphone (0.1 s chunks). An intent heard from 0.2 s before an utterance starts until the
  next one starts is charged to it.
- **Recall**: the utterance's own intent was heard in its window. *Safety acted on*: a safety
  utterance gave some safety intent (a "stop" heard as "pause" still stops the walker).
  *Stray intents*: intents heard in the gaps, in noise alone.
- **SNR** is the active speech power (20 ms frames within 35 dB of the loudest) over the
  noise's mean power. Every utterance is first brought to -23 dBFS. With noise, utterance i
  of a condition gets noise i mod 7 (white, pink, brown, babble of four synthesized talkers,
  and the three real household recordings), so each SNR mixes all noise types.
- **Latency** runs from the end of the last word to the intent event, both in audio time:
  for synthesized speech the end is known from the timeline; for the 1 s real clips it is
  estimated by energy (the last 10 ms frame within 30 dB of the loudest and 12 dB above the
  clip's background). Latency is what the pipeline needs after the word; it does not add the
  time to compute it (see the real-time factor), which is small. The stop latency is that of
  the word "stop" said alone (real clips, and all 14 synthesized styles): in "stop please" a
  safety intent rightly fires before the phrase ends, which would flatter the figure.
- **False activations** per hour count every intent heard in speech that holds no command
  (a television, a visitor), over the duration of the speech itself. *Words really said*
  counts those whose source text did contain the phrase (an article read aloud that says
  "stop"): the recognizer was right, yet the walker did not give a command. Isolated real
  non-command words (go, up, off and 25 others) are reported as the share of clips that
  gave an intent, not per hour. *Noise alone*: each of the 7 noises for the same time with no
  one speaking, as loud as it is under speech at 10 dB SNR.
- **Cost** comes from a fresh process (`benchmarks.probe`): the recognizer is loaded, the
  default script's cues are pre-rendered with an empty cache, then a 20-minute walker
  recording (a remark every 40 s over kitchen noise at 20 dB) is streamed from the file in
  0.1 s chunks. CPU share = process CPU time / audio time. Peak memory is the process's own
  high-water mark (VmHWM): Linux's `ru_maxrss` would carry over the runner's own peak.
  The corpus is listened to by two processes at once; the cost figures are measured alone.
  `retrowalk simulate` runs the default script stretched to about 20 minutes, with the
  walker's remarks in a quiet hallway and the assistant's voice echoed back at 0.3 (its
  speed figure), and again over kitchen noise (does the session still follow its script?).
- **Speech silenced**: the real speaker (`SoundDeviceSpeaker`) plays a tone into a private
  PulseAudio null sink; `parec` records its monitor and time-stamps each 10 ms block on
  arrival. The delay from `stop()` to the first silent block includes the recorder's own
  latency, so it is an upper bound. The first stop after the output stream opens is shown
  apart. The time from the intent event to `stop()` (the runner's cut) is not included.
"""
