"""Walk-ins in the review queue, on SQLite and PostgreSQL: a search of the records by name and
date of birth (audited, the count only), matching a walk-in to the patient on record (their
check-in and ticket move over), registering a new patient with confirmed details, and two
coordinators settling one walk-in at once settle it once."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from admin.review.summary import pending_counts
from admin.review.walk_ins import ConfirmedDetails, match_walk_in, register_walk_in
from kiosk.extensions import db
from kiosk.models import CheckIn, Patient
from tests.admin.review_builders import race, signed_in_reviewer, walk_in_at_kiosk
from tests.builders import add_patient, audit_events
from tests.helpers import csrf_token_from

BORN = date(1971, 5, 6)


def on_record(app: Flask, first_name: str = "Sam", last_name: str = "Walker") -> int:
    with app.app_context():
        return add_patient(first_name, last_name, BORN, mrn="TEST-0777").id


def patient(patient_id: int) -> Patient:
    db.session.expire_all()
    found = db.session.get(Patient, patient_id)
    assert found is not None
    return found


def page_of(walk_in_id: int) -> str:
    return f"/staff/review/walk-ins/{walk_in_id}"


def post(client: FlaskClient, walk_in_id: int, action: str, **data: str) -> tuple[int, str]:
    token = csrf_token_from(client.get(page_of(walk_in_id)).get_data(as_text=True))
    response = client.post(f"{page_of(walk_in_id)}/{action}", data={"csrf_token": token, **data})
    return response.status_code, response.get_data(as_text=True)


def test_a_walk_in_is_matched_to_the_record_and_their_check_in_moves_over(app: Flask) -> None:
    record_id = on_record(app)
    walk_in_id = walk_in_at_kiosk(app, "Sam", "Walker", BORN, place="east-entrance")
    client, account = signed_in_reviewer(app)
    listing = client.get("/staff/review/").get_data(as_text=True)
    assert page_of(walk_in_id) in listing and "at kiosk east-entrance" in listing
    with app.app_context():
        assert pending_counts().walk_ins == 1
    results = client.get(f"{page_of(walk_in_id)}?last_name=WALKER&date_of_birth=1971-05-06")
    html = results.get_data(as_text=True)
    assert results.status_code == 200 and "TEST-0777" in html
    with app.app_context():
        [search] = audit_events("patient_search")
        assert search.detail == {"matches": 1, "staff_id": account.id}
    status, _html = post(client, walk_in_id, "match", record_id=str(record_id))
    assert status == 303
    with app.app_context():
        check_in = db.session.scalar(select(CheckIn).order_by(CheckIn.id.desc()))
        assert check_in is not None and check_in.patient_id == record_id
        settled = patient(walk_in_id)
        assert (settled.merged_into_id, settled.verified_by) == (record_id, account.id)
        [matched] = audit_events("walk_in_matched")
        assert (matched.patient_id, matched.detail["merged_from"]) == (record_id, walk_in_id)
        assert pending_counts().walk_ins == 0
    assert "Matched to a patient on record by" in client.get(page_of(walk_in_id)).get_data(
        as_text=True
    )


def test_a_search_that_finds_nobody_says_so_and_a_bad_match_is_refused(app: Flask) -> None:
    walk_in_id = walk_in_at_kiosk(app, "Sam", "Walker", BORN)
    client, _account = signed_in_reviewer(app)
    html = client.get(f"{page_of(walk_in_id)}?last_name=Walker&date_of_birth=1971-05-07").get_data(
        as_text=True
    )
    assert "No patient on record matches." in html
    html = client.get(f"{page_of(walk_in_id)}?last_name=Walker&date_of_birth=1971-02-31").get_data(
        as_text=True
    )
    assert "Enter a last name and a real date of birth to search." in html
    for record_id in (str(walk_in_id), "999999", "x"):
        status, html = post(client, walk_in_id, "match", record_id=record_id)
        assert status == 422 and "Choose a patient on record" in html
    with app.app_context():
        assert not patient(walk_in_id).verified and patient(walk_in_id).merged_into_id is None


def test_registering_keeps_the_confirmed_details_verified(app: Flask) -> None:
    walk_in_id = walk_in_at_kiosk(app, "Sam", "Walkr", BORN)
    client, account = signed_in_reviewer(app)
    status, html = post(
        client,
        walk_in_id,
        "register",
        first_name="Sam",
        last_name="Walker",
        date_of_birth="3000-01-01",
    )
    assert status == 422 and "Enter a real date of birth." in html
    status, _html = post(
        client,
        walk_in_id,
        "register",
        first_name="Sam",
        last_name="Walker",
        date_of_birth="1971-05-06",
    )
    assert status == 303
    with app.app_context():
        registered = patient(walk_in_id)
        assert registered.verified and registered.verified_by == account.id
        assert (registered.last_name, registered.last_name_key) == ("Walker", "walker")
        assert len(audit_events("walk_in_verified")) == 1


def test_a_walk_in_a_colleague_settled_says_who_and_when(app: Flask) -> None:
    record_id = on_record(app)
    walk_in_id = walk_in_at_kiosk(app, "Sam", "Walker", BORN)
    mine, _me = signed_in_reviewer(app, email="me@example.org")
    theirs, _colleague = signed_in_reviewer(app, email="ana@example.org", name="Ana Desk")
    token = csrf_token_from(mine.get(page_of(walk_in_id)).get_data(as_text=True))
    assert post(theirs, walk_in_id, "match", record_id=str(record_id))[0] == 303
    late = mine.post(
        f"{page_of(walk_in_id)}/register",
        data={
            "csrf_token": token,
            "first_name": "Sam",
            "last_name": "Walker",
            "date_of_birth": "1971-05-06",
        },
    )
    assert late.status_code == 409
    assert "This was already decided by Ana Desk at " in late.get_data(as_text=True)
    with app.app_context():
        assert not patient(walk_in_id).verified


def test_matching_and_registering_at_once_settle_the_walk_in_once(app: Flask) -> None:
    record_id = on_record(app)
    walk_in_id = walk_in_at_kiosk(app, "Sam", "Walker", BORN)
    details = ConfirmedDetails("Sam", "Walker", BORN)
    outcomes = race(
        app,
        [
            lambda: match_walk_in(walk_in_id, record_id, staff_id=100),
            lambda: register_walk_in(walk_in_id, details, staff_id=101),
        ],
    )
    assert sorted(outcomes) == ["decided", "refused"], outcomes
    with app.app_context():
        settled = patient(walk_in_id)
        check_in = db.session.scalar(select(CheckIn).order_by(CheckIn.id.desc()))
        assert check_in is not None
        if outcomes[0] == "decided":
            assert settled.merged_into_id == record_id and check_in.patient_id == record_id
        else:
            assert settled.verified and check_in.patient_id == walk_in_id
        walk_in_events = audit_events("walk_in_matched") + audit_events("walk_in_verified")
        assert len(walk_in_events) == 1
