"""The shared vocabulary: clocks, typed values, events, errors, names, phrase tables, ports."""
