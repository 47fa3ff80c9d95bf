"""Every change the hospital's systems must hear about adds its message to the outbox in the
same transaction, on SQLite and PostgreSQL: a kiosk or desk check-in, each queue action that
moves the appointment (and its undo), an accepted or corrected insurance card. A check-in that
is rolled back adds nothing, and nothing is queued while no interface is configured."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select, update

from admin.queue.actions import apply_action, undo_last_action
from admin.queue.desk_checkin import check_in_at_desk
from admin.queue.refusals import QueueActionRefused
from admin.review.card_forms import CardDetails, Rejection
from admin.review.cards import accept_card, reject_card
from kiosk import create_app
from kiosk.extensions import db
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    OutboundKind,
    OutboundMessage,
    OutboundState,
    QueueAction,
)
from tests.admin.queue.queue_builders import coordinator, queue_patient
from tests.admin.review_builders import card_waiting_for_review
from tests.builders import book_patient
from tests.flows import KioskVisit
from tests.helpers import app_config

A = QueueAction
ARRIVED, IN_ROOM, DONE, NO_SHOW = (
    AppointmentStatus.ARRIVED.value,
    AppointmentStatus.IN_ROOM.value,
    AppointmentStatus.DONE.value,
    AppointmentStatus.NO_SHOW.value,
)


def outbox() -> list[OutboundMessage]:
    """Every queued message, oldest first (inside an app context)."""
    db.session.expire_all()
    return list(db.session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


def reported(app: Flask) -> list[tuple[str, int | None, str]]:
    """(message type, appointment id, status reported) of every queued message."""
    with app.app_context():
        return [(m.message_type, m.appointment_id, m.reported_status) for m in outbox()]


def test_a_kiosk_check_in_queues_its_arrival(outbound_app: Flask) -> None:
    booked = book_patient(outbound_app)
    KioskVisit(outbound_app).check_in_by_code(booked.code)
    assert reported(outbound_app) == [("SIU^S14", booked.appointment_ids[0], ARRIVED)]
    with outbound_app.app_context():
        [message] = outbox()
        assert message.kind is OutboundKind.APPOINTMENT_STATUS
        assert message.state is OutboundState.PENDING and message.attempts == 0


def test_a_desk_check_in_queues_its_arrival(outbound_app: Flask) -> None:
    queued = queue_patient(outbound_app)
    assert reported(outbound_app) == [("SIU^S14", queued.appointment_id, ARRIVED)]


def test_nothing_is_queued_without_an_interface(app: Flask) -> None:
    booked = book_patient(app)
    KioskVisit(app).check_in_by_code(booked.code)
    queued = queue_patient(app, 2)
    with app.app_context():
        apply_action(queued.ticket_id, A.NO_SHOW, staff_id=coordinator())
    assert reported(app) == []


def checked_in_meanwhile(app: Flask, appointment_id: int) -> None:
    """The appointment reads as booked although a check-in of it was committed: what a second
    kiosk or the desk sees when it read the appointment just before the first one committed."""
    with app.app_context():
        check_in_at_desk(appointment_id, staff_id=coordinator())
        db.session.execute(
            update(Appointment)
            .where(Appointment.id == appointment_id)
            .values(status=AppointmentStatus.BOOKED)
        )
        db.session.commit()


def test_a_check_in_that_is_rolled_back_queues_nothing(outbound_app: Flask) -> None:
    booked = book_patient(outbound_app)
    [appointment_id] = booked.appointment_ids
    checked_in_meanwhile(outbound_app, appointment_id)
    # The kiosk's transaction reaches the one-check-in-per-appointment rule and rolls back.
    visit = KioskVisit(outbound_app)
    assert visit.identify_by_name(booked.last_name, booked.date_of_birth).status_code == 303
    visit.answer_through_to_consent()
    assert visit.post("/check-in/consent", method="tap").status_code == 409
    # And so does the desk's.
    with outbound_app.app_context(), pytest.raises(QueueActionRefused):
        check_in_at_desk(appointment_id, staff_id=coordinator())
    # Only the first, committed arrival is queued.
    assert reported(outbound_app) == [("SIU^S14", appointment_id, ARRIVED)]


# Each patient's actions, and the statuses they report after the arrival: a call or a recall
# leaves the appointment as it is, and an undo reports the status it restores.
ACTION_RUNS: list[tuple[list[QueueAction], list[str]]] = [
    ([A.CALL, A.ROOMED, A.DONE], [IN_ROOM, DONE]),
    ([A.CALL, A.RECALL, A.DONE], [DONE]),
    ([A.CALL, A.NO_SHOW, A.REQUEUE], [NO_SHOW, ARRIVED]),
    ([A.CALL, A.ROOMED, A.UNDO], [IN_ROOM, ARRIVED]),
    ([A.CALL, A.UNDO], []),
]


def test_each_queue_action_that_moves_the_appointment_queues_its_status(
    outbound_app: Flask,
) -> None:
    patients = [queue_patient(outbound_app, number) for number in range(1, len(ACTION_RUNS) + 1)]
    with outbound_app.app_context():
        for queued, (actions, _) in zip(patients, ACTION_RUNS, strict=True):
            for action in actions:
                if action is A.UNDO:
                    undo_last_action(queued.ticket_id, staff_id=coordinator())
                else:
                    apply_action(
                        queued.ticket_id, action, staff_id=coordinator(), destination="Desk 3"
                    )
    messages = reported(outbound_app)
    for queued, (_, statuses) in zip(patients, ACTION_RUNS, strict=True):
        of_patient = [status for _, to, status in messages if to == queued.appointment_id]
        assert of_patient == [ARRIVED, *statuses]


def test_adt_a10_reports_arrivals_only(outbound_app: Flask) -> None:
    outbound_app.config["HL7_ARRIVAL_MESSAGE"] = "ADT^A10"
    queued = queue_patient(outbound_app)
    with outbound_app.app_context():
        apply_action(queued.ticket_id, A.CALL, staff_id=coordinator(), destination="Desk 1")
        apply_action(queued.ticket_id, A.NO_SHOW, staff_id=coordinator())
        apply_action(queued.ticket_id, A.REQUEUE, staff_id=coordinator())
    assert reported(outbound_app) == [
        ("ADT^A10", queued.appointment_id, ARRIVED),
        ("ADT^A10", queued.appointment_id, ARRIVED),
    ]


def test_accepted_and_corrected_cards_queue_an_adt_a08_and_a_rejected_one_nothing(
    outbound_app: Flask,
) -> None:
    as_read, corrected, rejected = (
        card_waiting_for_review(outbound_app, mrn=f"TEST-{number:04d}") for number in (1, 2, 3)
    )
    with outbound_app.app_context():
        accept_card(as_read, CardDetails("", "NEW0001", ""), staff_id=coordinator())
        accept_card(corrected, CardDetails("Example Health", "NEW0001", ""), staff_id=coordinator())
        reject_card(rejected, Rejection("unreadable", ""), staff_id=coordinator())
        queued = outbox()
        assert [(m.kind, m.message_type, m.coverage_id) for m in queued] == [
            (OutboundKind.COVERAGE_ACCEPTED, "ADT^A08", as_read),
            (OutboundKind.COVERAGE_ACCEPTED, "ADT^A08", corrected),
        ]
        assert {m.appointment_id for m in queued} == {None}


@pytest.mark.parametrize(
    ("setting", "value"),
    [("HL7_OUTBOUND_URL", "http://engine:2575"), ("HL7_ARRIVAL_MESSAGE", "ADT^A04")],
)
def test_a_misconfigured_interface_stops_the_start_with_the_reason(
    database_url: str, setting: str, value: str
) -> None:
    config = {"HL7_OUTBOUND_URL": "mllp://127.0.0.1:2575", setting: value}
    with pytest.raises(ValueError, match=setting):
        create_app(app_config(database_url, **config))
