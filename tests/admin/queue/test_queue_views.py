"""The coordinator's Today screen over HTTP, on SQLite and PostgreSQL: the day's patients with
first name and last initial, actions as plain forms and through htmx, refusals as 409/422 with
a message and nothing changed twice, the full name and the search audited, and the polled table
answered 304 while the queue is unchanged."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from admin.queue.actions import apply_action
from kiosk.extensions import db
from kiosk.models import (
    Appointment,
    AppointmentStatus,
    InsuranceCoverage,
    QueueAction,
    StaffRoleName,
)
from kiosk.models import QueueTicketStatus as S
from tests.admin.queue.queue_builders import queue_patient, ticket
from tests.builders import audit_events, book_patient
from tests.helpers import csrf_token_from
from tests.staff_signin import sign_in, staff_account

TODAY = "/staff/queue/"
HTMX = {"HX-Request": "true"}


def coordinator_browser(
    app: Flask, email: str = "desk@example.org"
) -> tuple[FlaskClient, str, int]:
    """A coordinator signed in, the CSRF token of the session and the account id."""
    account = staff_account(app, StaffRoleName.COORDINATOR, email=email)
    client = app.test_client()
    sign_in(client, app, account)
    token = csrf_token_from(client.get(TODAY).get_data(as_text=True))
    return client, token, account.id


def call(client: FlaskClient, token: str, ticket_id: int, desk: str = "Desk 3") -> TestResponse:
    """Press Call on a row, through htmx."""
    return client.post(
        f"/staff/queue/tickets/{ticket_id}/call",
        data={"csrf_token": token, "desk": desk},
        headers=HTMX,
    )


def test_today_lists_arrivals_with_first_name_and_initial_only(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, _, _ = coordinator_browser(app)
    page = client.get(TODAY).get_data(as_text=True)
    assert "Test1 P." in page
    assert "Patient1" not in page
    assert "TEST-0001" not in page
    assert queued.label in page
    assert 'id="connection-lost"' in page and 'role="alert"' in page


def test_a_call_from_the_screen_reaches_the_ticket_and_is_remembered(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, token, coordinator = coordinator_browser(app)
    response = call(client, token, queued.ticket_id)
    assert response.status_code == 200
    assert "Called to Desk 3." in response.get_data(as_text=True)
    assert response.headers["HX-Trigger"] == "queue-changed"
    with app.app_context():
        called = ticket(queued.ticket_id)
        assert (called.status, called.called_to) == (S.CALLED, "Desk 3")
        [audit] = audit_events("queue_call")
        assert audit.detail["staff_id"] == coordinator
    # The next patient's Call offers the same desk first.
    queue_patient(app, 2)
    page = client.get(TODAY).get_data(as_text=True)
    assert "<option selected>Desk 3</option>" in page


def test_a_ticket_a_colleague_called_is_refused_with_409_and_changes_nothing(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, token, _ = coordinator_browser(app)
    colleague = staff_account(app, StaffRoleName.COORDINATOR, email="colleague@example.org")
    with app.app_context():
        apply_action(
            queued.ticket_id, QueueAction.CALL, staff_id=colleague.id, destination="Desk 1"
        )
    response = call(client, token, queued.ticket_id, "Desk 3")
    assert response.status_code == 409
    assert f"{queued.label} was already called to Desk 1" in response.get_data(as_text=True)
    with app.app_context():
        assert ticket(queued.ticket_id).called_to == "Desk 1"
        assert len(audit_events("queue_call")) == 1


def test_a_double_press_calls_once(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, token, _ = coordinator_browser(app)
    form = {"csrf_token": token, "desk": "Desk 2", "version": "0"}
    first = client.post(f"/staff/queue/tickets/{queued.ticket_id}/call", data=form, headers=HTMX)
    second = client.post(f"/staff/queue/tickets/{queued.ticket_id}/call", data=form, headers=HTMX)
    assert (first.status_code, second.status_code) == (200, 409)
    with app.app_context():
        assert len(audit_events("queue_call")) == 1


def test_a_desk_not_on_the_list_is_refused_with_422(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, token, _ = coordinator_browser(app)
    response = call(client, token, queued.ticket_id, "<script>alert(1)</script>")
    assert response.status_code == 422
    assert "Please choose a desk or room from the list." in response.get_data(as_text=True)
    with app.app_context():
        assert ticket(queued.ticket_id).status is S.WAITING


def test_a_cancelled_appointment_is_refused_in_the_coordinators_language(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, token, _ = coordinator_browser(app)
    with app.app_context():
        appointment = db.session.get(Appointment, queued.appointment_id)
        assert appointment is not None
        appointment.status = AppointmentStatus.CANCELLED
        db.session.commit()
    client.post("/language", data={"lang": "es", "csrf_token": token})
    response = call(client, token, queued.ticket_id)
    assert response.status_code == 409
    assert "cancelada" in response.get_data(as_text=True)


def test_plain_forms_work_without_javascript(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, token, _ = coordinator_browser(app)
    response = client.post(
        f"/staff/queue/tickets/{queued.ticket_id}/call?department=imaging",
        data={"csrf_token": token, "desk": "Room 2"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/staff/queue/?department=imaging")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Called to Room 2." in page
    roomed = client.post(
        f"/staff/queue/tickets/{queued.ticket_id}/roomed", data={"csrf_token": token}
    )
    assert roomed.status_code == 303
    undone = client.post(
        f"/staff/queue/tickets/{queued.ticket_id}/undo", data={"csrf_token": token}
    )
    assert undone.status_code == 303
    again = client.post(f"/staff/queue/tickets/{queued.ticket_id}/undo", data={"csrf_token": token})
    assert again.status_code == 409
    assert "There is nothing to undo" in again.get_data(as_text=True)


def test_check_in_at_the_desk_issues_a_ticket_once(app: Flask) -> None:
    booked = book_patient(app, first_name="Ana", last_name="Booked", department_code="imaging")
    client, token, _ = coordinator_browser(app)
    page = client.get(TODAY).get_data(as_text=True)
    assert "Check in at desk" in page
    path = f"/staff/queue/appointments/{booked.appointment_ids[0]}/check-in"
    first = client.post(path, data={"csrf_token": token}, headers=HTMX)
    second = client.post(path, data={"csrf_token": token}, headers=HTMX)
    assert first.status_code == 200
    assert "Checked in at the desk: ticket" in first.get_data(as_text=True)
    assert second.status_code == 409
    assert "already checked in" in second.get_data(as_text=True)
    with app.app_context():
        assert len(audit_events("check_in")) == 1


def test_the_full_name_is_shown_on_request_and_audited(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, token, coordinator = coordinator_browser(app)
    response = client.post(
        f"/staff/queue/patients/{queued.patient_id}/full-name",
        data={"csrf_token": token},
        headers=HTMX,
    )
    assert "Test1 Patient1" in response.get_data(as_text=True)
    with app.app_context():
        [audit] = audit_events("full_name_viewed")
        assert (audit.patient_id, audit.detail["staff_id"]) == (queued.patient_id, coordinator)
    missing = client.post("/staff/queue/patients/999999/full-name", data={"csrf_token": token})
    assert missing.status_code == 404


def test_search_by_mrn_finds_the_patient_and_is_audited(app: Flask) -> None:
    queue_patient(app, 1)
    queue_patient(app, 2)
    client, _, _ = coordinator_browser(app)
    page = client.get(TODAY, query_string={"q": "TEST-0002"}).get_data(as_text=True)
    assert "Test2 P." in page
    assert "Test1 P." not in page
    with app.app_context():
        [audit] = audit_events("queue_search")
        assert audit.detail["matches"] == 1
        assert "TEST-0002" not in str(audit.detail)


def test_filters_narrow_the_list_to_a_state(app: Flask) -> None:
    called = queue_patient(app, 1)
    queue_patient(app, 2)
    client, token, _ = coordinator_browser(app)
    call(client, token, called.ticket_id)
    page = client.get(TODAY, query_string={"state": "called"}).get_data(as_text=True)
    assert "Test1 P." in page
    assert "Test2 P." not in page


def test_the_polled_table_is_304_until_the_queue_changes(app: Flask) -> None:
    queued = queue_patient(app, 1)
    client, token, _ = coordinator_browser(app)
    first = client.get(TODAY, headers=HTMX)
    assert first.status_code == 200
    assert "<html" not in first.get_data(as_text=True)
    etag = first.headers["ETag"]
    unchanged = client.get(TODAY, headers={**HTMX, "If-None-Match": etag})
    assert (unchanged.status_code, unchanged.get_data()) == (304, b"")
    queue_patient(app, 2)
    changed = client.get(TODAY, headers={**HTMX, "If-None-Match": etag})
    assert changed.status_code == 200
    assert "Test2 P." in changed.get_data(as_text=True)
    assert queued.label in changed.get_data(as_text=True)


def test_names_with_markup_stay_text(app: Flask) -> None:
    book_patient(
        app, first_name="<script>alert(1)</script>", last_name="<b>X</b>", department_code="imaging"
    )
    client, _, _ = coordinator_browser(app)
    page = client.get(TODAY).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;" in page


def test_all_my_departments_are_the_ones_set_for_the_coordinator(app: Flask) -> None:
    queue_patient(app, 1, department_code="imaging")
    queue_patient(app, 2, department_code="laboratory")
    client, _, _ = coordinator_browser(app)
    everything = client.get(TODAY).get_data(as_text=True)
    assert "Test1 P." in everything and "Test2 P." in everything
    runner = app.test_cli_runner()
    result = runner.invoke(args=["queue", "departments", "desk@example.org", "imaging"])
    assert result.exit_code == 0, result.output
    assert result.output == "desk@example.org: listed: imaging\n"
    mine = client.get(TODAY).get_data(as_text=True)
    assert "Test1 P." in mine and "Test2 P." not in mine
    # Another department's list cannot be asked for by its code.
    other = client.get(TODAY, query_string={"department": "laboratory"}).get_data(as_text=True)
    assert "Test2 P." not in other
    unknown = runner.invoke(args=["queue", "departments", "desk@example.org", "nowhere"])
    assert unknown.exit_code != 0 and "no department with code nowhere" in unknown.output
    back = runner.invoke(args=["queue", "departments", "desk@example.org", "--all"])
    assert back.output == "desk@example.org: all (none listed): imaging laboratory\n"
    assert "Test2 P." in client.get(TODAY).get_data(as_text=True)


def test_a_new_insurance_card_is_flagged_on_the_row(app: Flask) -> None:
    queued = queue_patient(app, 1)
    with app.app_context():
        coverage = db.session.scalar(
            select(InsuranceCoverage).where(InsuranceCoverage.patient_id == queued.patient_id)
        )
        assert coverage is not None
        coverage.needs_review = True
        db.session.commit()
    client, _, _ = coordinator_browser(app)
    flagged = client.get(TODAY, query_string={"flag": "new_insurance_card"})
    assert "New insurance card" in flagged.get_data(as_text=True)
    assert "Test1 P." in flagged.get_data(as_text=True)
