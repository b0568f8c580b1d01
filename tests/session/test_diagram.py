"""The diagram is generated from the transition table, and docs/session.md is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from assistant.core.names import StateName
from assistant.session.diagram import mermaid_diagram, session_markdown
from assistant.session.table import TRANSITIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "session.md"


def test_docs_session_md_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == session_markdown(), (
        "docs/session.md is stale: run `python -m assistant.session.diagram > docs/session.md`"
    )


def test_module_prints_the_document() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "assistant.session.diagram"], capture_output=True, text=True,
        check=True,
    )
    assert result.stdout == session_markdown()


def test_every_state_and_state_changing_trigger_is_drawn() -> None:
    diagram = mermaid_diagram()
    assert diagram.startswith("stateDiagram-v2\n")
    for state in StateName:
        assert f" {state.value} " in diagram or f" {state.value}:" in diagram, state
    for row in TRANSITIONS:
        if row["dest"] is not None:
            assert f"--> {row['dest']}: " in diagram
            assert row["trigger"] in diagram


def test_emergency_edges_name_why() -> None:
    diagram = mermaid_diagram()
    assert "help_pending --> emergency: help_window_over (help)" in diagram
    assert "check_in --> emergency:" in diagram and "(dizzy_no_answer)" in diagram
