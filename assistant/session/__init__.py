"""The session machine: table, agenda, progress, safety flow, wording, cue queue; no I/O."""
