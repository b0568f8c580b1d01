"""Speech recognizers behind one Protocol: Vosk, PocketSphinx, and choosing between them."""
