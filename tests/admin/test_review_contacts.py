"""Contact changes in the review queue, on SQLite and PostgreSQL: the value on record shown
against the kiosk's, accepted into the record or rejected, audited, and decided once when two
coordinators decide at the same moment."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from admin.review.contacts import decide_contact_change
from admin.review.summary import pending_counts
from kiosk.extensions import db
from kiosk.models import ContactChange, ContactChangeStatus, Patient
from tests.admin.review_builders import (
    KioskArrival,
    arrival_with_new_card,
    race,
    signed_in_reviewer,
)
from tests.builders import audit_events
from tests.helpers import csrf_token_from

NEW_PHONE = "(555) 010-9999"


def change_page(arrival: KioskArrival) -> str:
    return f"/staff/review/contact-changes/{arrival.contact_change_id}"


def decide(client: FlaskClient, arrival: KioskArrival, decision: str) -> tuple[int, str]:
    page = change_page(arrival)
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    response = client.post(f"{page}/{decision}", data={"csrf_token": token})
    return response.status_code, response.get_data(as_text=True)


def phone_on_record(patient_id: int) -> str:
    db.session.expire_all()
    patient = db.session.get(Patient, patient_id)
    assert patient is not None
    return patient.phone


def the_change(arrival: KioskArrival) -> ContactChange:
    db.session.expire_all()
    change = db.session.get(ContactChange, arrival.contact_change_id)
    assert change is not None
    return change


def test_the_page_shows_old_against_new_and_where_the_patient_arrived(app: Flask) -> None:
    arrival = arrival_with_new_card(app, new_phone=NEW_PHONE, place="east-entrance")
    client, account = signed_in_reviewer(app)
    listing = client.get("/staff/review/").get_data(as_text=True)
    assert change_page(arrival) in listing and "Phone" in listing
    html = client.get(change_page(arrival)).get_data(as_text=True)
    assert "5550100101" in html
    stored_new = NEW_PHONE
    with app.app_context():
        stored_new = the_change(arrival).new_value
        assert pending_counts().contact_changes == 1
        [opened] = audit_events("review_item_opened")
        assert opened.detail == {"choice": "contact_change", "staff_id": account.id}
    assert stored_new in html
    assert "at kiosk east-entrance (east-entrance)" in html


def test_accepting_writes_the_record_and_keeps_the_old_value(app: Flask) -> None:
    arrival = arrival_with_new_card(app, new_phone=NEW_PHONE)
    client, account = signed_in_reviewer(app)
    status, _html = decide(client, arrival, "accept")
    assert status == 303
    with app.app_context():
        change = the_change(arrival)
        assert change.status is ContactChangeStatus.ACCEPTED
        assert phone_on_record(arrival.patient_id) == change.new_value
        assert (change.old_value, change.decided_by) == ("5550100101", account.id)
        [audit] = audit_events("contact_change_reviewed")
        assert audit.detail == {"field": "phone", "choice": "accepted", "staff_id": account.id}
        assert pending_counts().contact_changes == 0
    html = client.get(change_page(arrival)).get_data(as_text=True)
    assert f"Accepted by {account.email} at " in html
    assert "5550100101" in html


def test_rejecting_leaves_the_record_as_it_was(app: Flask) -> None:
    arrival = arrival_with_new_card(app, new_phone=NEW_PHONE)
    client, _account = signed_in_reviewer(app)
    status, _html = decide(client, arrival, "reject")
    assert status == 303
    with app.app_context():
        assert the_change(arrival).status is ContactChangeStatus.REJECTED
        assert phone_on_record(arrival.patient_id) == "5550100101"


def test_a_change_a_colleague_decided_says_who_and_when_and_changes_nothing(app: Flask) -> None:
    arrival = arrival_with_new_card(app, new_phone=NEW_PHONE)
    mine, _me = signed_in_reviewer(app, email="me@example.org")
    theirs, _colleague = signed_in_reviewer(app, email="ana@example.org", name="Ana Desk")
    token = csrf_token_from(mine.get(change_page(arrival)).get_data(as_text=True))
    assert decide(theirs, arrival, "reject")[0] == 303
    late = mine.post(f"{change_page(arrival)}/accept", data={"csrf_token": token})
    assert late.status_code == 409
    assert "This was already decided by Ana Desk at " in late.get_data(as_text=True)
    with app.app_context():
        assert phone_on_record(arrival.patient_id) == "5550100101"
        assert len(audit_events("contact_change_reviewed")) == 1


def test_two_coordinators_deciding_at_once_decide_once(app: Flask) -> None:
    arrival = arrival_with_new_card(app, new_phone=NEW_PHONE)
    assert arrival.contact_change_id is not None
    change_id = arrival.contact_change_id
    outcomes = race(
        app,
        [
            lambda: decide_contact_change(change_id, accept=True, staff_id=100),
            lambda: decide_contact_change(change_id, accept=False, staff_id=101),
        ],
    )
    assert sorted(outcomes) == ["decided", "refused"], outcomes
    with app.app_context():
        change = the_change(arrival)
        accepted = outcomes[0] == "decided"
        assert change.status is (
            ContactChangeStatus.ACCEPTED if accepted else ContactChangeStatus.REJECTED
        )
        expected_phone = change.new_value if accepted else "5550100101"
        assert phone_on_record(arrival.patient_id) == expected_phone
        assert len(audit_events("contact_change_reviewed")) == 1


def test_markup_in_a_typed_address_stays_text(app: Flask) -> None:
    arrival = arrival_with_new_card(app, new_phone=NEW_PHONE)
    with app.app_context():
        change = the_change(arrival)
        change.field, change.new_value = "address", "<script>alert(1)</script> 1 Elm St"
        db.session.commit()
    client, _account = signed_in_reviewer(app)
    html = client.get(change_page(arrival)).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; 1 Elm St" in html
