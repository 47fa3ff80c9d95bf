"""`flask audit verify`: an untouched log passes; each kind of tampering someone with direct
database access could do (the append-only guard lifted) fails, naming the first broken row."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select, text

from kiosk.audit.chain import EVENTS, GENESIS_HASH, canonical_row, link_hash, row_columns
from kiosk.audit.verify import BreakKind
from kiosk.extensions import db
from tests.audit.chain_builders import append_events, row_id, sequences, tampering, verify

LOG_ROWS = 7
FORGED_HASH = "f" * 64


def run(connection: Connection, statement: str, **values: object) -> None:
    """One SQL statement, as an attacker at a database prompt would type it."""
    connection.execute(text(statement), values)


def swap_sequences(connection: Connection, first: int, second: int) -> None:
    """Exchange two rows' places in the chain (through a free number: sequence is unique)."""
    run(connection, "UPDATE audit_events SET sequence = -1 WHERE sequence = :a", a=first)
    run(connection, "UPDATE audit_events SET sequence = :a WHERE sequence = :b", a=first, b=second)
    run(connection, "UPDATE audit_events SET sequence = :b WHERE sequence = -1", b=second)


def insert_copy(connection: Connection, sequence: int) -> None:
    """A new row with a forged hash, copied from the row numbered `sequence`."""
    run(
        connection,
        "INSERT INTO audit_events (occurred_at, action, kiosk_id, patient_id, detail, sequence,"
        " chain_hash, key_version) SELECT occurred_at, 'full_name_viewed', kiosk_id, 99, detail,"
        " :s, :h, key_version FROM audit_events WHERE sequence = :copied",
        s=sequence,
        h=FORGED_HASH,
        copied=min(sequence, LOG_ROWS),
    )


def test_an_untouched_log_verifies(app: Flask, runner: FlaskCliRunner) -> None:
    append_events(app, LOG_ROWS)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"Audit log verified: {LOG_ROWS:,} rows in " in result.output
    assert "rows/s" in result.output
    partial = runner.invoke(args=["audit", "verify", "--from-sequence", "4"])
    assert partial.exit_code == 0 and "verified: 4 rows" in partial.output


def test_an_edited_row_fails_the_command_naming_it(app: Flask, runner: FlaskCliRunner) -> None:
    append_events(app, LOG_ROWS)
    with tampering(app) as connection:
        run(connection, "UPDATE audit_events SET action = 'lookup_failure' WHERE sequence = 3")
        edited_id = row_id(connection, 3)
        connection.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at sequence 3 (row id {edited_id}): edited" in result.output
    assert "2 rows before it verified" in result.output


FIELD_EDITS = {
    "action": "action = 'queue_requeue'",
    "kiosk": "kiosk_id = 4242",
    "patient": "patient_id = 12345",
    "detail": "detail = '{\"staff_id\": 77}'",
}


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(1, LOG_ROWS), field=st.sampled_from(sorted(FIELD_EDITS)))
def test_an_edit_anywhere_is_named_at_its_row(app: Flask, position: int, field: str) -> None:
    if not sequences(app):  # one log for every example; each edit is rolled back
        append_events(app, LOG_ROWS)
    with tampering(app) as connection:
        run(
            connection,
            f"UPDATE audit_events SET {FIELD_EDITS[field]} WHERE sequence = :s",
            s=position,
        )
        report = verify(app, connection)
        assert report.first_break is not None
        assert (report.first_break.sequence, report.first_break.row_id) == (
            position,
            row_id(connection, position),
        )
        assert report.verified == position - 1


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET action = 'queue_requeue' WHERE sequence = 4",
        "UPDATE audit_events SET detail = '{\"staff_id\": 77}' WHERE sequence = 4",
        "UPDATE audit_events SET patient_id = 12345 WHERE sequence = 4",
        "UPDATE audit_events SET occurred_at = occurred_at - INTERVAL '1 day' WHERE sequence = 4",
        "UPDATE audit_events SET chain_hash = NULL WHERE sequence = 4",
    ],
    ids=["action", "detail", "patient", "time", "hash-removed"],
)
def test_an_edited_field_is_found_at_its_row(app: Flask, statement: str) -> None:
    append_events(app, LOG_ROWS)
    with tampering(app) as connection:
        if connection.dialect.name == "sqlite":
            statement = statement.replace("occurred_at - INTERVAL '1 day'", "'2020-01-01'")
        run(connection, statement)
        found = verify(app, connection).first_break
        assert found is not None
        assert (found.kind, found.sequence, found.row_id) == (
            BreakKind.EDITED,
            4,
            row_id(connection, 4),
        )


def test_a_deleted_row_is_found_at_the_gap(app: Flask) -> None:
    append_events(app, LOG_ROWS)
    with tampering(app) as connection:
        run(connection, "DELETE FROM audit_events WHERE sequence = 3")
        report = verify(app, connection)
        assert report.first_break is not None
        assert (report.first_break.kind, report.first_break.sequence) == (BreakKind.DELETED, 4)
        assert report.first_break.row_id == row_id(connection, 4)
        assert "sequence 3 is missing" in report.first_break.explanation
        assert report.verified == 2


def test_deleting_the_last_rows_is_found(app: Flask) -> None:
    append_events(app, LOG_ROWS)
    with tampering(app) as connection:
        run(connection, "DELETE FROM audit_events WHERE sequence >= 6")
        found = verify(app, connection).first_break
    assert found is not None
    assert (found.kind, found.sequence, found.row_id) == (BreakKind.DELETED, 6, None)
    assert "6-7 at the end" in found.explanation


def test_an_inserted_row_with_a_duplicate_sequence_is_found(app: Flask) -> None:
    append_events(app, LOG_ROWS)
    with tampering(app) as connection:
        run(connection, "DROP INDEX ix_audit_events_sequence")
        insert_copy(connection, 3)
        forged_id = connection.execute(text("SELECT MAX(id) FROM audit_events")).scalar_one()
        found = verify(app, connection).first_break
    assert found is not None
    assert (found.kind, found.sequence, found.row_id) == (BreakKind.INSERTED, 3, forged_id)


def test_a_row_appended_with_a_forged_hash_is_found(app: Flask) -> None:
    append_events(app, LOG_ROWS)
    with tampering(app) as connection:
        insert_copy(connection, LOG_ROWS + 1)
        found = verify(app, connection).first_break
        assert found is not None
        assert (found.kind, found.sequence, found.row_id) == (
            BreakKind.INSERTED,
            LOG_ROWS + 1,
            row_id(connection, LOG_ROWS + 1),
        )


def test_a_row_written_around_the_application_stays_unsealed_and_is_found(
    app: Flask, runner: FlaskCliRunner
) -> None:
    append_events(app, LOG_ROWS)
    with app.app_context(), db.engine.begin() as connection:
        run(
            connection,
            "INSERT INTO audit_events (occurred_at, action, patient_id, detail)"
            " VALUES (CURRENT_TIMESTAMP, 'check_in', 7, '{}')",
        )
        forged_id = connection.execute(text("SELECT MAX(id) FROM audit_events")).scalar_one()
    append_events(app, 2)  # the application's next commits seal their own rows, not this one
    with tampering(app) as connection:
        report = verify(app, connection)
    assert report.verified == LOG_ROWS + 2 and report.first_break is not None
    found = report.first_break
    assert (found.kind, found.sequence, found.row_id) == (BreakKind.INSERTED, None, forged_id)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at a row (row id {forged_id}): inserted" in result.output


@pytest.mark.parametrize("pair", [(2, 5), (3, 4)], ids=["apart", "adjacent"])
def test_two_swapped_rows_are_found(app: Flask, pair: tuple[int, int]) -> None:
    append_events(app, LOG_ROWS)
    first, second = pair
    with tampering(app) as connection:
        moved_id = row_id(connection, second)
        swap_sequences(connection, first, second)
        found = verify(app, connection).first_break
    assert found is not None
    assert (found.kind, found.sequence, found.row_id) == (BreakKind.REORDERED, first, moved_id)
    if second - first > 1:
        assert f"sealed as sequence {second}" in found.explanation


def test_a_chain_recomputed_with_another_key_fails_at_its_first_row(app: Flask) -> None:
    append_events(app, LOG_ROWS)
    guessed_key = b"not the hospital's key".ljust(32, b"!")
    with tampering(app) as connection:
        columns = row_columns(connection.dialect.name)
        rows = connection.execute(select(*columns).order_by(EVENTS.c.sequence)).all()
        previous = GENESIS_HASH
        for row in rows:
            fields = (row.moment, row.action, row.kiosk_id, row.patient_id, row.detail)
            previous = link_hash(guessed_key, previous, canonical_row(row.sequence, *fields))
            update = "UPDATE audit_events SET chain_hash = :h WHERE sequence = :s"
            run(connection, update, h=previous, s=row.sequence)
        run(connection, "UPDATE audit_chain_head SET chain_hash = :h", h=previous)
        found = verify(app, connection).first_break
        assert found is not None
        assert (found.kind, found.sequence, found.row_id) == (
            BreakKind.EDITED,
            1,
            row_id(connection, 1),
        )
