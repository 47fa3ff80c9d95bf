"""Coordinators' actions on tickets, on SQLite and PostgreSQL: each moves the ticket and its
appointment together, is recorded for the board and the audit, refuses what does not apply with
a message, and lets only one of two coordinators through when they press at once."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from admin.queue.actions import apply_action, undo_last_action
from admin.queue.refusals import QueueActionRefused, RefusalReason
from kiosk.extensions import db
from kiosk.models import Appointment, AppointmentStatus, QueueAction, QueueEvent, StaffUser
from kiosk.models import QueueTicketStatus as S
from tests.admin.queue.queue_builders import colleague, coordinator, queue_patient, ticket
from tests.builders import audit_events


def appointment_status(appointment_id: int) -> AppointmentStatus:
    db.session.expire_all()
    appointment = db.session.get(Appointment, appointment_id)
    assert appointment is not None
    return appointment.status


def event_count() -> int:
    return int(db.session.scalar(select(func.count(QueueEvent.id))) or 0)


def test_a_call_names_the_desk_moves_the_ticket_and_is_audited(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination=" Desk  3 "
        )
        called = ticket(queued.ticket_id)
        assert (called.status, called.called_to, called.version) == (S.CALLED, "Desk 3", 1)
        assert called.called_at is not None
        [audit] = audit_events("queue_call")
        assert audit.patient_id == queued.patient_id
        assert audit.detail == {"ticket": queued.label, "staff_id": coordinator()}


@pytest.mark.parametrize(
    ("actions", "ticket_status", "appointment"),
    [
        ([QueueAction.CALL, QueueAction.ROOMED], S.ROOMED, AppointmentStatus.IN_ROOM),
        ([QueueAction.CALL, QueueAction.ROOMED, QueueAction.DONE], S.DONE, AppointmentStatus.DONE),
        ([QueueAction.CALL, QueueAction.DONE], S.DONE, AppointmentStatus.DONE),
        ([QueueAction.NO_SHOW], S.NO_SHOW, AppointmentStatus.NO_SHOW),
        (
            [QueueAction.CALL, QueueAction.NO_SHOW, QueueAction.REQUEUE],
            S.REQUEUED,
            AppointmentStatus.ARRIVED,
        ),
        (
            [QueueAction.CALL, QueueAction.REQUEUE, QueueAction.CALL],
            S.CALLED,
            AppointmentStatus.ARRIVED,
        ),
        ([QueueAction.CALL, QueueAction.RECALL], S.CALLED, AppointmentStatus.ARRIVED),
    ],
)
def test_the_appointment_follows_the_ticket(
    app: Flask, actions: list[QueueAction], ticket_status: S, appointment: AppointmentStatus
) -> None:
    queued = queue_patient(app)
    with app.app_context():
        for action in actions:
            apply_action(queued.ticket_id, action, staff_id=coordinator(), destination="Room 4")
        assert ticket(queued.ticket_id).status is ticket_status
        assert appointment_status(queued.appointment_id) is appointment
        assert event_count() == len(actions)


def test_calling_a_ticket_a_colleague_already_called_is_refused_and_changes_nothing(
    app: Flask,
) -> None:
    queued = queue_patient(app)
    with app.app_context():
        apply_action(queued.ticket_id, QueueAction.CALL, staff_id=colleague(), destination="Desk 2")
        with pytest.raises(QueueActionRefused) as refused:
            apply_action(
                queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 3"
            )
        assert refused.value.reason is RefusalReason.ALREADY_CALLED
        with force_locale("en"):
            assert str(refused.value.message) == (
                f"{queued.label} was already called to Desk 2. Nothing was changed."
            )
        with force_locale("es"):
            assert str(refused.value.message) == (
                f"{queued.label} ya fue llamado a Desk 2. No se cambió nada."
            )
        assert ticket(queued.ticket_id).called_to == "Desk 2"
        assert event_count() == 1


def test_an_action_on_what_a_colleague_changed_since_the_screen_showed_it_is_refused(
    app: Flask,
) -> None:
    queued = queue_patient(app)
    with app.app_context():
        seen = ticket(queued.ticket_id).version
        apply_action(queued.ticket_id, QueueAction.CALL, staff_id=colleague(), destination="Desk 2")
        apply_action(queued.ticket_id, QueueAction.ROOMED, staff_id=colleague())
        with pytest.raises(QueueActionRefused) as refused:
            apply_action(
                queued.ticket_id, QueueAction.NO_SHOW, staff_id=coordinator(), expected_version=seen
            )
        assert refused.value.reason is RefusalReason.NOT_ALLOWED
        with pytest.raises(QueueActionRefused) as stale:
            apply_action(
                queued.ticket_id, QueueAction.DONE, staff_id=coordinator(), expected_version=seen
            )
        assert stale.value.reason is RefusalReason.CHANGED_MEANWHILE
        assert ticket(queued.ticket_id).status is S.ROOMED


def test_nothing_happens_to_the_ticket_of_a_cancelled_appointment(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        appointment = db.session.get(Appointment, queued.appointment_id)
        assert appointment is not None
        appointment.status = AppointmentStatus.CANCELLED
        db.session.commit()
        with pytest.raises(QueueActionRefused) as refused:
            apply_action(
                queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 1"
            )
        assert refused.value.reason is RefusalReason.CANCELLED
        assert ticket(queued.ticket_id).status is S.WAITING
        assert event_count() == 0 and audit_events("queue_call") == []


@pytest.mark.parametrize("destination", ["", "   ", "x" * 41, "Desk\x003"])
def test_a_call_needs_a_named_desk_or_room(app: Flask, destination: str) -> None:
    queued = queue_patient(app)
    with app.app_context():
        with pytest.raises(QueueActionRefused) as refused:
            apply_action(
                queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination=destination
            )
        assert refused.value.reason is RefusalReason.BAD_DESTINATION
        assert ticket(queued.ticket_id).status is S.WAITING


def test_an_unknown_ticket_is_refused_with_a_message(app: Flask) -> None:
    with app.app_context(), pytest.raises(QueueActionRefused) as refused:
        apply_action(999, QueueAction.CALL, staff_id=coordinator(), destination="Desk 1")
    assert refused.value.reason is RefusalReason.NOT_FOUND


def test_undo_restores_the_ticket_appointment_and_desk_once(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 2"
        )
        apply_action(
            queued.ticket_id, QueueAction.RECALL, staff_id=coordinator(), destination="Desk 5"
        )
        undo_last_action(queued.ticket_id, staff_id=coordinator())
        assert (ticket(queued.ticket_id).status, ticket(queued.ticket_id).called_to) == (
            S.CALLED,
            "Desk 2",
        )
        with pytest.raises(QueueActionRefused) as again:
            undo_last_action(queued.ticket_id, staff_id=coordinator())
        assert again.value.reason is RefusalReason.NOTHING_TO_UNDO
        apply_action(queued.ticket_id, QueueAction.NO_SHOW, staff_id=coordinator())
        assert appointment_status(queued.appointment_id) is AppointmentStatus.NO_SHOW
        undo_last_action(queued.ticket_id, staff_id=coordinator())
        assert ticket(queued.ticket_id).status is S.CALLED
        assert appointment_status(queued.appointment_id) is AppointmentStatus.ARRIVED
        assert len(audit_events("queue_undo")) == 2


def test_undoing_a_first_call_puts_the_ticket_back_in_line(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 2"
        )
        undo_last_action(queued.ticket_id, staff_id=coordinator())
        back = ticket(queued.ticket_id)
        assert (back.status, back.called_to, back.called_at) == (S.WAITING, None, None)


def test_nothing_to_undo_on_a_fresh_ticket(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context(), pytest.raises(QueueActionRefused) as refused:
        undo_last_action(queued.ticket_id, staff_id=coordinator())
    assert refused.value.reason is RefusalReason.NOTHING_TO_UNDO


def race(app: Flask, attempts: list[tuple[str, object]], work: object) -> list[object]:
    """Run `work(name)` in one thread per attempt, all released at once; return outcomes."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[object] = [None] * len(attempts)

    def attempt(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                outcomes[index] = work(attempts[index])  # type: ignore[operator]
            except QueueActionRefused as refused:
                outcomes[index] = refused.reason
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_coordinators_calling_one_ticket_at_once_call_it_once(app: Flask) -> None:
    queued = queue_patient(app)
    for _round in range(3):
        with app.app_context():
            version = ticket(queued.ticket_id).version
            if ticket(queued.ticket_id).status is S.CALLED:
                apply_action(queued.ticket_id, QueueAction.REQUEUE, staff_id=coordinator())
                version += 1
            both = (coordinator(), colleague())
        outcomes = race(
            app,
            [(both[0], "Desk 1"), (both[1], "Desk 2")],
            lambda who, seen=version: (
                apply_action(
                    queued.ticket_id,
                    QueueAction.CALL,
                    staff_id=who[0],
                    destination=who[1],
                    expected_version=seen,
                ).id
            ),
        )
        refusals = [o for o in outcomes if isinstance(o, RefusalReason)]
        assert len(refusals) == 1, outcomes
        assert refusals[0] in (RefusalReason.ALREADY_CALLED, RefusalReason.CHANGED_MEANWHILE)
        with app.app_context():
            calls = db.session.scalars(
                select(QueueEvent).where(QueueEvent.action == QueueAction.CALL)
            ).all()
            assert len(calls) == _round + 1
            assert ticket(queued.ticket_id).version == version + 1


def test_two_undos_at_once_undo_once(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 2"
        )
        both = (coordinator(), colleague())
    outcomes = race(
        app,
        [(both[0], ""), (both[1], "")],
        lambda who: undo_last_action(queued.ticket_id, staff_id=who[0]).id,
    )
    assert sum(isinstance(o, RefusalReason) for o in outcomes) == 1, outcomes
    with app.app_context():
        assert ticket(queued.ticket_id).status is S.WAITING
        assert len(audit_events("queue_undo")) == 1


def test_an_action_names_a_real_staff_account_and_outlives_its_deletion(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        event = apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=colleague(), destination="Desk 2"
        )
        with pytest.raises(IntegrityError):
            apply_action(queued.ticket_id, QueueAction.RECALL, staff_id=999_999)
        db.session.rollback()
        account = db.session.get(StaffUser, colleague())
        db.session.delete(account)
        db.session.commit()
        db.session.expire_all()
        kept = db.session.get(QueueEvent, event.id)
        assert kept is not None and kept.staff_id is None
