"""Ordinary English prose read aloud as background speech: a television, a radio, a visitor.

Written for the benchmarks; everyday topics, with the common words people use, so it
contains the odd "no", "okay" or "go" as real talk does, never staged to trip the recognizer.
"""

from __future__ import annotations

PROSE_PARAGRAPHS: tuple[str, ...] = (
    "Good evening, and here is the weather for the week ahead. A band of rain moves in from "
    "the west overnight, clearing by mid morning to leave a bright but breezy day. Tomorrow "
    "stays dry for most of us, with highs of around fourteen degrees, a little cooler on the "
    "coast.",
    "Now for the gardeners among you. This is the month to lift your dahlias and store the "
    "tubers somewhere cool and dry. Cut back the perennials, but leave a few seed heads for "
    "the birds; the finches will thank you for it when the frosts arrive.",
    "Take two large onions, slice them thinly and let them soften in a little butter over a "
    "low heat. There is no need to hurry this part. After twenty minutes or so they turn "
    "sweet and golden, and that is when you add the stock and a sprig of thyme.",
    "Hello, it's me again. I tried to call you this morning but the line was busy. The "
    "doctor moved my appointment to Thursday at half past ten, so I was wondering whether "
    "you could still give me a lift. Ring me back when you get a chance.",
    "In tonight's quiz our contestants face the final round. The first question is on "
    "geography. Which river flows through the city of Vienna? You have ten seconds, and the "
    "clock starts now. The answer, of course, is the Danube.",
    "The council has announced that the library on the high street will reopen next month "
    "after a long refurbishment. Visitors can expect a larger reading room, a new café and "
    "longer opening hours on Saturdays, according to a spokesperson.",
    "My grandmother kept bees for almost forty years. Every summer we would sit at the edge "
    "of the orchard and watch her lift the frames out, slowly and calmly, talking to the bees "
    "the whole time as if they were old friends.",
    "And that brings us to the end of the first half. It has been a tight game so far, with "
    "chances at both ends, but neither side has managed to find the net. We will be back "
    "after the break with all the action from the second half.",
    "The train now arriving at platform two is the twelve fifteen service to the coast, "
    "calling at all stations. Please mind the gap between the train and the platform, and "
    "keep your belongings with you at all times.",
    "Well, I said to her, you can't expect the builders to turn up on a Sunday. No, she said, "
    "but they promised. And sure enough, at eight o'clock sharp, there they were with a "
    "ladder and a radio, as cheerful as you like.",
    "Researchers followed more than two thousand adults over ten years and found that those "
    "who kept up light daily activity, such as gardening or a short walk after dinner, "
    "reported better sleep and fewer aches than those who did not.",
    "Add the flour a spoonful at a time and keep stirring, otherwise the sauce will go lumpy. "
    "Okay, that looks about right. Now season it with salt and pepper, and let it simmer "
    "gently while we get on with the pastry.",
)
