"""RetroWalk benchmarks: how fast and how well RetroWalk hears.

Run everything with `python -m benchmarks.run [--quick] [--engine E]`; the results go to
docs/benchmarks.md and docs/benchmarks.json. See benchmarks/README.md.
"""
