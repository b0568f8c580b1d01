"""Session history on real SQLite files: sessions driven by the machine's event sequences,
a process killed mid-session, file permissions, migrations, damaged files."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.caregiver.history import HistoryStore
from assistant.caregiver.history_schema import LATEST_VERSION, migrate, schema_version
from assistant.caregiver.recorder import HistoryRecorder
from assistant.cli import main
from assistant.core.errors import StoreError
from assistant.core.events import SessionEvent, alert_event
from tests.helpers.caregiver import (
    EventTape,
    completed_session,
    dizzy_session,
    ended_by_walker_session,
    make_script,
    paused_session,
    run_real_session,
    start_walking,
)

REPO_DIR = Path(__file__).resolve().parents[2]


class TickingWallClock:
    """Wall-clock times a test chooses: each call is one minute after the last."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def record(store: HistoryStore, events: list[SessionEvent], **script_args: object) -> str:
    clock = TickingWallClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    script = make_script(**script_args)  # type: ignore[arg-type]
    recorder = HistoryRecorder(store, script, wall_clock=clock)
    for event in events:
        recorder.on_event(event)
    recorder.finish()
    return recorder.session_id


def test_several_sessions_keep_walked_time_status_and_safety_events(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        done = record(store, completed_session(3, 30.0), intervals=3, walk_s=30.0)
        paused = record(store, paused_session(40.0, pause_s=25.0), intervals=1, walk_s=40.0)
        dizzy = record(store, dizzy_session(walk_before_s=12.0))
        sessions = {s.id: s for s in store.sessions()}
        assert store.intervals(done) == pytest.approx({1: 30.0, 2: 30.0, 3: 30.0})
        assert store.intervals(paused) == pytest.approx({1: 40.0}), "pauses are not walking"
        assert [len(store.events(i)) for i in (done, paused, dizzy)] == [
            len(completed_session(3, 30.0)),
            len(paused_session(40.0, 25.0)),
            len(dizzy_session()),
        ]
    assert (sessions[done].status, sessions[done].walked_s) == ("completed", pytest.approx(90))
    # A pause is the walker's own choice, not a safety event.
    assert (sessions[paused].safety_events, sessions[paused].walked_s) == (0, pytest.approx(40))
    assert sessions[dizzy].status == "ended_early" and sessions[dizzy].end_reason == "dizzy"
    assert (sessions[dizzy].safety_events, sessions[dizzy].dizzy_events) == (1, 1)
    assert sessions[dizzy].walked_s == pytest.approx(12.0)
    assert sessions[done].planned_walk_s == 30.0 and sessions[done].planned_intervals == 3


def test_sessions_are_listed_newest_first_and_limited(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        ids = [record(store, completed_session(1, 20.0)) for _ in range(3)]
        listed = [s.id for s in store.sessions(limit=2)]
    # Same wall-clock start for each: the insertion order breaks the tie.
    assert listed == [ids[2], ids[1]]


def test_ending_early_by_choice_is_not_completed_and_the_machine_has_the_last_word(
    tmp_path: Path,
) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        chosen = record(store, ended_by_walker_session(walk_s=10.0))
        recorder = HistoryRecorder(store, make_script())
        for event in completed_session(1, 20.0):
            recorder.on_event(event)
        overridden = recorder.finish("pause_too_long")
        chosen_record = store.session(chosen)
    assert chosen_record is not None
    assert (chosen_record.status, chosen_record.end_reason) == ("ended_early", "ended_by_walker")
    assert chosen_record.walked_s == pytest.approx(13.0)  # until the walker's "yes"
    assert (overridden.status, overridden.end_reason) == ("ended_early", "pause_too_long")


def test_a_session_without_done_is_ended_early_with_the_given_reason(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        recorder = HistoryRecorder(store, make_script())
        for event in start_walking(EventTape()).cue("Step back.", after_s=7).events:
            recorder.on_event(event)
        finished = recorder.finish("keyboard_interrupt")
    assert (finished.status, finished.end_reason) == ("ended_early", "keyboard_interrupt")
    assert finished.walked_s == pytest.approx(7.0)


def test_alert_events_from_other_threads_are_recorded(tmp_path: Path) -> None:
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        recorder = HistoryRecorder(store, make_script())
        threads = [
            threading.Thread(target=recorder.on_event, args=(alert_event(1.0, "f", True, n),))
            for n in ("a", "b", "c")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(e["detail"] for e in store.events(recorder.session_id)) == ["a", "b", "c"]


KILLED_CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from tests.helpers.caregiver import EventTape, make_script, start_walking
    from assistant.caregiver.history import HistoryStore
    from assistant.caregiver.recorder import HistoryRecorder

    recorder = HistoryRecorder(HistoryStore(sys.argv[1]), make_script())
    tape = start_walking(EventTape()).cue("Step back slowly.", after_s=9)
    tape.go("resting", "phase_end", after_s=21).go("walking", "phase_end", after_s=20)
    tape.say("stop", after_s=8).go("stopped", "stop").say("resume", after_s=30)
    tape.go("walking", "resume").cue("Keep going.", after_s=6)
    for event in tape.events:
        recorder.on_event(event)
    print(recorder.session_id, len(tape.events), flush=True)
    time.sleep(120)
    """
)


@pytest.mark.slow
def test_a_process_killed_mid_session_leaves_an_interrupted_consistent_session(
    tmp_path: Path,
) -> None:
    db = tmp_path / "h.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(db), str(REPO_DIR)],
        stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    session_id, count = child.stdout.readline().split()
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    with HistoryStore(db) as store:
        (session,) = store.sessions()
        assert session.id == session_id and session.status == "interrupted"
        assert len(store.events(session_id)) == int(count), "nothing already said is lost"
        # Interval 2: 8 s walked before "stop", then 6 s after "resume" up to the last event.
        assert store.intervals(session_id) == pytest.approx({1: 30.0, 2: 14.0})
    assert (session.walked_s, session.safety_events) == (pytest.approx(44.0), 1)
    assert session.ended_at == session.started_at + timedelta(seconds=158)


def test_a_running_session_of_a_live_process_is_left_running(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        recorder = HistoryRecorder(store, make_script())
        with HistoryStore(db) as second:  # e.g. the end-of-session advice reading the history
            found = second.session(recorder.session_id)
            assert found is not None and found.status == "running"


def test_database_file_is_private(tmp_path: Path) -> None:
    new_db, old_db = tmp_path / "new.sqlite3", tmp_path / "old.sqlite3"
    old_db.touch(mode=0o644)
    os.chmod(old_db, 0o644)
    for db in (new_db, old_db):
        with HistoryStore(db) as store:
            record(store, completed_session(1, 10.0))
        assert stat.S_IMODE(db.stat().st_mode) == 0o600, db


def test_migrations_run_from_version_zero_and_keep_data(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    assert schema_version(conn) == 0
    migrate(conn, target=1)
    conn.execute(
        "INSERT INTO sessions (id, script_name, script_path, walker, started_at, status)"
        " VALUES ('old', 'gentle', 'g.yaml', 'Anna', '2026-01-05T10:00:00+00:00', 'completed')"
    )
    conn.execute(
        "INSERT INTO events (session_id, t_s, type, json) VALUES"
        " ('old', 3.0, 'intent', '{\"t\": 3.0, \"type\": \"intent\", \"intent\": \"dizzy\"}')"
    )
    conn.close()
    with HistoryStore(db) as store:
        (old,) = store.sessions()
        assert old.dizzy_events == 1, "version 2 counts dizziness from the stored events"
    conn = sqlite3.connect(db)
    assert schema_version(conn) == LATEST_VERSION == 2
    conn.close()


def test_a_damaged_file_gives_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    db.write_bytes(b"this is not a database, just some bytes " * 200)
    with pytest.raises(StoreError) as caught:
        HistoryStore(db)
    message = str(caught.value)
    assert str(db) in message and "--db" in message and "\n" not in message


def test_an_unusable_place_gives_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreError) as caught:
        HistoryStore(blocker / "history.sqlite3")
    assert "writable" in str(caught.value)


def test_history_command_prints_a_readable_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "h.sqlite3"
    with HistoryStore(db) as store:
        record(store, completed_session(3, 30.0))
        record(store, dizzy_session(walk_before_s=12.0))
    assert main(["history", "--db", str(db), "--limit", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Date", "Script", "Walked", "(min)", "Result", "Safety", "events"]
    newest, oldest = lines[2], lines[3]
    assert "ended early (the walker felt dizzy)" in newest and newest.split()[-1] == "1"
    assert "1.5" in oldest and "completed" in oldest and oldest.split()[-1] == "0"


def test_history_command_on_an_empty_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETROWALK_DATA_DIR", str(tmp_path / "data"))
    assert main(["history"]) == 0
    assert "No sessions recorded yet" in capsys.readouterr().out


@pytest.mark.parametrize("command",
                         [["history"], ["report", "--out", "r"], ["progress", "default"]])
def test_a_mistyped_db_is_an_error_not_a_new_empty_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "histroy.sqlite3"
    assert main([*command, "--db", str(missing)]) == StoreError.exit_code
    assert f"history database {missing} does not exist" in capsys.readouterr().err
    assert not missing.exists()


def test_a_locked_database_gets_its_own_advice(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    HistoryStore(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with HistoryStore(db) as store:
            store.set_lock_wait(0.1)
            with pytest.raises(StoreError) as caught:
                store.start_session("s1", make_script(), datetime.now(UTC))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = str(caught.value)
    assert "database is locked" in message and "Another program" in message
    assert "Move the file aside" not in message


@pytest.mark.parametrize(
    "said",
    [
        {185.0: "ready", 265.0: "pause", 280.0: "resume", 282.0: "yes"},
        {185.0: "ready", 200.0: "end", 202.0: "yes"},
    ],
    ids=["paused-and-completed", "ended-by-walker"],
)
def test_the_real_machine_and_the_history_agree(tmp_path: Path, said: dict[float, str]) -> None:
    from assistant.script.loading import default_script_path, load_script

    script = load_script(default_script_path())
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        recorder = HistoryRecorder(store, script)
        session = run_real_session(script, said, recorder.on_event)
        before_finish = store.session(recorder.session_id)
        finished = recorder.finish(session.summary.end_reason)
        by_interval = store.intervals(recorder.session_id)
    summary = session.summary
    walked = [s for s in summary.walked_s if s > 0]
    assert list(by_interval.values()) == pytest.approx(walked, abs=1e-6)
    assert finished.walked_s == pytest.approx(summary.total_walked_s)
    assert before_finish is not None, "the status is known as soon as `done` is reached"
    assert (before_finish.status == "completed") == summary.completed
    assert finished.end_reason == summary.end_reason
