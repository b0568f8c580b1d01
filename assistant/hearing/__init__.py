"""From sound to intents: recognizers, the voice check, the intent decider, speech models."""
