"""What is said in the negatives: words that sound like commands, everyday talk, read prose.

None of these is a command: each short text here contains no phrase of the table as whole
words, except the few IN_SENTENCE ones, where a command word sits inside ordinary talk (a
television's "that's not enough" took the old recognizer for a stop).
"""

from __future__ import annotations

from pathlib import Path

from training import product

#: Near-misses of each intent's words (by sound or by beginning), and the plan's examples.
SOUND_ALIKES: tuple[str, ...] = (
    # stop
    "top", "shop", "hop", "stopping", "stops", "spot", "step", "stomp", "stock", "start",
    "starting", "drop", "chop", "spokesman", "i saw it", "a top hat", "the shop is shut",
    # pause, wait, hold on
    "paws", "pose", "because", "applause", "weight", "eight", "wake", "hold it", "hang up",
    "hold the door",
    # resume, continue, go on, carry on
    "go", "going", "go out", "consume", "assume", "presume", "perfume", "continent", "keep",
    "carry", "carrying", "gone", "let's go",
    # dizzy, faint, sick
    "busy", "easy", "daisy", "lazy", "fizzy", "is he", "i feel good", "i feel cold",
    "i feel great", "feel free", "i fell",
    # help
    "helpful", "helping", "yelp", "health", "held", "kelp", "self", "hello", "helmet",
    # cancel, i'm okay, false alarm
    "candle", "council", "castle", "channel", "can sell", "okay", "i'm old", "alarm clock",
    # yes, yeah, yep
    "yet", "yesterday", "yellow", "less", "guess", "chess", "dress", "yeast", "yell", "mess",
    "address",
    # no, nope, not really
    "know", "i know", "note", "nobody", "snow", "nose", "known", "north", "noted", "nothing",
    "not bad", "really",
    # ready
    "read it", "reading", "already", "teddy", "steady", "red", "freddy",
    # repeat, pardon, again
    "repeated", "receipt", "complete", "report", "retreat", "garden", "a gain",
    # time left, how much longer
    "time", "turn left", "how much", "how long", "how much is it", "how long ago",
    "what time is it", "time flies", "longer",
    # end, finish, that's all
    "and", "bend", "friend", "send", "ending", "finished", "the weekend", "that's it",
    # slower, faster, louder, quieter, softer
    "slow", "lower", "flower", "slowly", "solar", "fast", "master", "after", "plaster",
    "disaster", "loud", "powder", "chowder", "cloud", "allowed", "quiet", "quite", "diet",
    "quit", "riot", "softly", "sofa", "speak",
    # everyday talk near a walker
    "thank you", "good morning", "what's that", "i don't know", "hello there", "come here",
    "nice weather", "uh huh", "hmm", "oh dear", "look at that", "where are my keys",
)

#: Ordinary sentences in which a command word is not a command.
IN_SENTENCE: tuple[str, ...] = (
    "that's not enough", "is that enough for you", "there is no need to hurry",
    "i have to go on monday", "we should stop by the shop later", "help yourself to tea",
)


def negative_texts() -> list[str]:
    """Every short negative text, sound-alikes first."""
    return [*SOUND_ALIKES, *IN_SENTENCE]


def commands_inside(texts: list[str]) -> dict[str, str]:
    """The texts that contain a command phrase, and which (should be IN_SENTENCE only)."""
    found = {text: product.find_command(text) for text in texts}
    return {text: phrase for text, phrase in found.items() if phrase is not None}


def prose_sentences(shared_data: Path | None) -> list[str]:
    """Read-aloud prose for synthesized background talk: the benchmark paragraphs, the seed
    articles' passages (beside the shared data) and the CMU ARCTIC prompts kathleen reads."""
    texts = list(product.PROSE_PARAGRAPHS)
    if shared_data is None:
        return texts
    seeds = shared_data.parent / "seeds"
    for path in sorted(seeds.glob("*.txt")) if seeds.is_dir() else []:
        texts += product.prose_passages(path.read_text("utf-8"))
    transcripts = shared_data / "kathleen" / "transcripts.tsv"
    if transcripts.is_file():
        rows = transcripts.read_text("utf-8").splitlines()[1:]
        texts += sorted({row.split("\t", 1)[1].strip() for row in rows if "\t" in row})
    return texts
