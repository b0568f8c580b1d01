"""How a session ended, read back from its `state` events by the session table's own rule.

The history and the alerter follow the events, not the machine; this reader gives them the
end reason the machine gave (`Session.summary.end_reason`), from the same table, so the
reason is decided in one place.
"""

from __future__ import annotations

from assistant.core.events import SessionEvent
from assistant.core.names import EndReason
from assistant.session.table import DONE, ends_by_state_event

_ENDS = ends_by_state_event()


class EndingReader:
    """Follows one session's events; at `done`, the end reason the table gives its course."""

    def __init__(self) -> None:
        self._reason: EndReason | None = None

    def feed(self, event: SessionEvent) -> EndReason | None:
        """Take one event; the end reason when it enters `done`, None otherwise.

        None at `done` too when the transition is not one of the table's ends (events that
        did not come from the machine). As in the machine, a planned finish after an early
        end (the short cool-down) keeps the early end's reason."""
        if event.type != "state":
            return None
        fields = event.fields
        source, dest = str(fields.get("from", "")), str(fields.get("to", ""))
        reason = _ENDS.get((str(fields.get("trigger", "")), source, dest))
        if reason is not None and not (reason == EndReason.COMPLETED and self._reason):
            self._reason = reason
        return self._reason if dest == DONE else None
