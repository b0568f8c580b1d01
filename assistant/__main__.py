"""`python -m assistant` runs the `retrowalk` command."""

from assistant.cli import main

raise SystemExit(main())
