"""The Today list on SQLite and PostgreSQL: every appointment and walk-in of the day with its
state, ticket, wait and flags, filters, an audited search and an audited full name."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from admin.queue.actions import apply_action
from admin.queue.today import (
    TodayFilter,
    TodayFlag,
    TodayState,
    reveal_full_name,
    search_today,
    today_rows,
)
from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.facility import facility_today
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    ArrivalChannel,
    ContactChange,
    Department,
    InsuranceCoverage,
    QueueAction,
)
from kiosk.models.types import utcnow
from tests.admin.queue.queue_builders import coordinator, queue_patient
from tests.builders import add_department, audit_events, book_patient
from tests.flows import KioskVisit


def department_ids() -> list[int]:
    return list(db.session.scalars(select(Department.id)))


def test_each_state_of_the_day_shows_with_first_name_and_initial(app: Flask) -> None:
    booked = book_patient(
        app, first_name="Bea", last_name="Booked", mrn="T-1", starts_in_minutes=(50,)
    )
    waiting = queue_patient(app, 2)
    called = queue_patient(app, 3)
    roomed = queue_patient(app, 4)
    cancelled = book_patient(app, first_name="Cal", last_name="Cancel", mrn="T-5")
    with app.app_context():
        apply_action(
            called.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Desk 3"
        )
        apply_action(
            roomed.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="Room 1"
        )
        apply_action(roomed.ticket_id, QueueAction.ROOMED, staff_id=coordinator())
        appointment = db.session.get(Appointment, cancelled.appointment_ids[0])
        assert appointment is not None
        appointment.status = AppointmentStatus.CANCELLED
        db.session.commit()
        rows = {row.patient_id: row for row in today_rows(department_ids(), facility_today())}
        assert rows[booked.patient_id].state is TodayState.BOOKED
        assert rows[booked.patient_id].display_name == "Bea B."
        assert rows[booked.patient_id].ticket_label is None
        assert rows[waiting.patient_id].state is TodayState.ARRIVED
        assert rows[waiting.patient_id].ticket_label == waiting.label
        assert rows[waiting.patient_id].channel is ArrivalChannel.DESK
        assert rows[waiting.patient_id].wait_minutes == 0
        assert rows[called.patient_id].state is TodayState.CALLED
        assert rows[called.patient_id].called_to == "Desk 3"
        assert rows[roomed.patient_id].state is TodayState.ROOMED
        assert rows[cancelled.patient_id].state is TodayState.CANCELLED
        only_called = today_rows(
            department_ids(),
            facility_today(),
            only=TodayFilter(states=frozenset({TodayState.CALLED})),
        )
        assert [row.patient_id for row in only_called] == [called.patient_id]


def test_wait_counts_from_arrival_to_the_call(app: Flask) -> None:
    queued = queue_patient(app)
    with app.app_context():
        later = utcnow() + timedelta(minutes=17)
        [row] = today_rows(department_ids(), facility_today(), now=later)
        assert row.wait_minutes == 17
        apply_action(
            queued.ticket_id,
            QueueAction.CALL,
            staff_id=coordinator(),
            destination="Desk 1",
            now=utcnow() + timedelta(minutes=5),
        )
        [row] = today_rows(department_ids(), facility_today(), now=later)
        assert row.wait_minutes == 5


def test_flags_for_a_new_card_a_contact_change_and_being_sent_to_the_desk(app: Flask) -> None:
    card = queue_patient(app, 1)
    sent = book_patient(app, first_name="Sam", last_name="Sent", mrn="T-9")
    with app.app_context():
        db.session.add(
            InsuranceCoverage(
                patient_id=card.patient_id,
                payer="",
                member_id="M1",
                source="kiosk",
                needs_review=True,
            )
        )
        db.session.add(
            ContactChange(patient_id=card.patient_id, field="phone", new_value="5550100999")
        )
        record_audit("lookup_success", kiosk_id=None, patient_id=sent.patient_id, method="code")
        db.session.commit()
        rows = {row.patient_id: row for row in today_rows(department_ids(), facility_today())}
        assert rows[card.patient_id].flags == {
            TodayFlag.NEW_INSURANCE_CARD,
            TodayFlag.CHANGED_CONTACT,
        }
        assert rows[sent.patient_id].flags == {TodayFlag.SENT_TO_DESK}
        flagged = today_rows(
            department_ids(),
            facility_today(),
            only=TodayFilter(flags=frozenset({TodayFlag.SENT_TO_DESK})),
        )
        assert [row.patient_id for row in flagged] == [sent.patient_id]


def test_an_arrival_outside_the_window_is_flagged(app: Flask) -> None:
    late = queue_patient(app, 1, starts_in=-90)
    on_time = queue_patient(app, 2, starts_in=10)
    with app.app_context():
        rows = {row.patient_id: row for row in today_rows(department_ids(), facility_today())}
        assert TodayFlag.ARRIVED_OUTSIDE_WINDOW in rows[late.patient_id].flags
        assert TodayFlag.ARRIVED_OUTSIDE_WINDOW not in rows[on_time.patient_id].flags


def test_a_kiosk_walk_in_shows_as_an_unverified_arrival(app: Flask) -> None:
    with app.app_context():
        add_department("imaging")
    visit = KioskVisit(app)
    visit.post("/check-in/walk-in", first_name="Wally", last_name="Walker")
    visit.post("/check-in/walk-in/birth-date", day="2", month="2", year="1990")
    assert visit.post("/check-in/walk-in/department", department="imaging").status_code == 303
    with app.app_context():
        [row] = today_rows(department_ids(), facility_today())
        assert row.state is TodayState.ARRIVED and row.appointment_id is None
        assert row.flags == {TodayFlag.UNVERIFIED_WALK_IN}
        assert row.display_name == "Wally W."


def test_search_by_name_or_mrn_is_audited_without_the_query(app: Flask) -> None:
    ana = book_patient(app, first_name="Ana", last_name="Núñez", mrn="MRN-0042")
    book_patient(app, first_name="Liam", last_name="O'Brien", mrn="MRN-0043")
    with app.app_context():
        ids, today = department_ids(), facility_today()
        assert [
            r.patient_id for r in search_today("nunez", ids, today, staff_id=coordinator())
        ] == [ana.patient_id]
        assert [
            r.patient_id for r in search_today("MRN-0042", ids, today, staff_id=coordinator())
        ] == [ana.patient_id]
        assert [r.patient_id for r in search_today("ana", ids, today, staff_id=coordinator())] == [
            ana.patient_id
        ]
        assert search_today("MRN-004", ids, today, staff_id=coordinator()) == []
        searches = audit_events("queue_search")
        assert [event.detail for event in searches] == [
            {"matches": 1, "staff_id": coordinator()},
            {"matches": 1, "staff_id": coordinator()},
            {"matches": 1, "staff_id": coordinator()},
            {"matches": 0, "staff_id": coordinator()},
        ]


def test_the_full_name_is_shown_on_demand_and_audited(app: Flask) -> None:
    ana = book_patient(app, first_name="Ana", last_name="Núñez")
    with app.app_context():
        assert reveal_full_name(ana.patient_id, staff_id=coordinator()) == "Ana Núñez"
        [event] = audit_events("full_name_viewed")
        assert event.patient_id == ana.patient_id and event.detail == {"staff_id": coordinator()}


def test_several_departments_and_only_the_chosen_ones(app: Flask) -> None:
    imaging = queue_patient(app, 1, department_code="imaging")
    lab = queue_patient(app, 2, department_code="laboratory")
    with app.app_context():
        lab_id = db.session.scalar(select(Department.id).where(Department.code == "laboratory"))
        assert lab_id is not None
        both = {row.patient_id for row in today_rows(department_ids(), facility_today())}
        assert both == {imaging.patient_id, lab.patient_id}
        assert [row.patient_id for row in today_rows([lab_id], facility_today())] == [
            lab.patient_id
        ]
