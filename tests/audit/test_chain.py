"""Sealing audit rows: dense sequence numbers assigned under the chain head's lock, a keyed
hash per row, no gap after a rollback, no shared predecessor under concurrency, a database
that refuses to change or delete a row, and a key rotation the chain survives."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from kiosk.audit.chain import GENESIS_HASH, canonical_row, detail_text, link_hash, moment_text
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import AuditChainHead, AuditEvent
from tests.audit.chain_builders import append_events, sequences, tampering, verify

THREADS = 2
EVENTS_PER_THREAD = 12


def test_rows_are_numbered_without_gaps_and_each_hash_follows_the_last(app: Flask) -> None:
    append_events(app, 5)
    with app.app_context():
        rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)).all()
        head = db.session.get(AuditChainHead, 1)
    assert [row.sequence for row in rows] == [1, 2, 3, 4, 5]
    assert len({row.chain_hash for row in rows}) == 5 and GENESIS_HASH not in {
        row.chain_hash for row in rows
    }
    assert {row.key_version for row in rows} == {1}
    assert head is not None and (head.sequence, head.chain_hash) == (5, rows[-1].chain_hash)
    with tampering(app) as connection:
        assert verify(app, connection).verified == 5


def test_a_rolled_back_event_leaves_no_gap(app: Flask) -> None:
    append_events(app, 2)
    with app.app_context():
        record_audit("lookup_failure", kiosk_id=None)
        db.session.flush()  # sealed as sequence 3 ...
        db.session.rollback()  # ... and taken back with the transaction
    append_events(app, 2)
    assert sequences(app) == [1, 2, 3, 4]
    with tampering(app) as connection:
        report = verify(app, connection)
    assert (report.verified, report.first_break) == (4, None)


def test_rows_are_numbered_at_the_commit_and_a_rolled_back_savepoint_takes_its_own(
    app: Flask,
) -> None:
    with app.app_context():
        record_audit("check_in", kiosk_id=None)
        with db.session.begin_nested():
            record_audit("queue_call", kiosk_id=None)
        savepoint = db.session.begin_nested()
        record_audit("lookup_failure", kiosk_id=None)
        db.session.flush()
        savepoint.rollback()
        # Not even a released savepoint numbers them: the head is taken only at the commit.
        assert db.session.scalars(select(AuditEvent.sequence)).all() == [None, None]
        db.session.commit()
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.sequence).order_by(AuditEvent.sequence)
        ).all()
    assert [tuple(row) for row in rows] == [("check_in", 1), ("queue_call", 2)]


def test_two_writers_at_once_never_chain_onto_the_same_row(app: Flask) -> None:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        barrier.wait()
        try:
            append_events(app, EVENTS_PER_THREAD, first_patient=offset * 100)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(sequences(app)) == list(range(1, THREADS * EVENTS_PER_THREAD + 1))
    with tampering(app) as connection:
        report = verify(app, connection)
    assert (report.verified, report.first_break) == (THREADS * EVENTS_PER_THREAD, None)


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_events SET action = 'nothing'", "DELETE FROM audit_events"],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_an_audit_row(app: Flask, statement: str) -> None:
    append_events(app, 2)
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(text(statement))
    assert sequences(app) == [1, 2]


def test_rows_sealed_before_a_key_rotation_still_verify(app: Flask) -> None:
    append_events(app, 3)
    app.config["KEY_VERSIONS"] = {"audit_chain": 2}
    append_events(app, 3)
    with app.app_context():
        versions = list(db.session.scalars(select(AuditEvent.key_version).order_by("sequence")))
    assert versions == [1, 1, 1, 2, 2, 2]
    with tampering(app) as connection:
        report = verify(app, connection)
    assert (report.verified, report.first_break) == (6, None)


TOKEN_CHARACTERS = "ABCXYZabcxyz0123456789_.:-"
DETAIL = st.dictionaries(
    st.sampled_from(["staff_id", "ticket", "matches", "choice"]),
    st.integers(-(2**31), 2**31) | st.booleans() | st.text(TOKEN_CHARACTERS, max_size=40),
)
FIELDS = st.tuples(
    st.integers(1, 2**40),
    st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["check_in", "queue_call", "audit_viewed"]),
    st.none() | st.integers(1, 10**6),
    st.none() | st.integers(1, 10**6),
    DETAIL,
)


def sealed_hash(fields: Sequence[Any]) -> str:
    """The chain hash of a first row with these field values."""
    sequence, occurred_at, action, kiosk_id, patient_id, detail = fields
    moment, detail_json = moment_text(occurred_at), detail_text(detail)
    row = canonical_row(sequence, moment, action, kiosk_id, patient_id, detail_json)
    return link_hash(b"k" * 32, GENESIS_HASH, row)


@given(fields=FIELDS, changed=st.integers(0, 5), other=FIELDS)
def test_any_changed_field_changes_the_hash(
    fields: tuple[Any, ...], changed: int, other: tuple[Any, ...]
) -> None:
    edited = list(fields)
    edited[changed] = other[changed]
    same_value = fields[changed] == other[changed]
    assert (sealed_hash(fields) == sealed_hash(edited)) == same_value


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(details=st.lists(DETAIL, min_size=1, max_size=4))
def test_rows_with_any_detail_verify(app: Flask, details: list[dict[str, Any]]) -> None:
    with app.app_context():
        for detail in details:
            db.session.add(AuditEvent(action="check_in", kiosk_id=None, detail=detail))
        db.session.commit()
    with tampering(app) as connection:
        report = verify(app, connection)
    assert report.first_break is None and report.verified >= len(details)
