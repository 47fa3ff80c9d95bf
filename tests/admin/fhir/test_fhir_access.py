"""Who may read the FHIR API, on SQLite and PostgreSQL: a live client's bearer token with the
right scope, nothing else — not a kiosk's or a staff member's browser session, which the API
neither honours, prolongs nor answers with a cookie. Refusals and errors are FHIR
OperationOutcomes in the client's language; each client is throttled on its own."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from flask import Flask
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from admin.fhir.clients import revoke_client
from kiosk import create_app
from kiosk.extensions import db
from kiosk.models import KioskSession, StaffRoleName
from kiosk.models.types import utcnow
from tests.admin.fhir.fhir_builders import api_token, bundle_of, fhir_get, outcome_of, today
from tests.admin.queue.queue_builders import queue_patient
from tests.builders import enrolled_client
from tests.helpers import app_config, empty_all_tables
from tests.staff_signin import sign_in, staff_account


def assert_refused_as_unauthenticated(response: TestResponse) -> None:
    """401, asking for a bearer token, as an OperationOutcome, with no cookie."""
    assert "Authorization: Bearer" in outcome_of(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Set-Cookie" not in response.headers


def test_no_wrong_or_revoked_token_reads_nothing(app: Flask) -> None:
    queue_patient(app)
    token = api_token(app)
    other = api_token(app, name="retired-interface")
    with app.app_context():
        revoke_client("retired-interface")
        db.session.commit()
    client = app.test_client()
    search = f"/fhir/Appointment?date={today(app)}"

    assert_refused_as_unauthenticated(fhir_get(client, search))
    assert_refused_as_unauthenticated(fhir_get(client, search, token[:-2] + "xx"))
    assert_refused_as_unauthenticated(fhir_get(client, search, other))
    assert_refused_as_unauthenticated(fhir_get(client, search, Authorization=f"Basic {token}"))
    assert_refused_as_unauthenticated(fhir_get(client, search, Authorization="Bearer "))
    assert bundle_of(fhir_get(client, search, token)).total == 1


def test_a_client_reads_only_what_its_scopes_allow(app: Flask) -> None:
    queued = queue_patient(app)
    billing = api_token(app, "Coverage.read", name="billing-office")
    client = app.test_client()

    for path in (
        f"/fhir/Appointment?date={today(app)}",
        f"/fhir/Appointment/{queued.appointment_id}",
    ):
        response = fhir_get(client, path, billing)
        assert "may not read Appointment" in outcome_of(response, 403)
    assert fhir_get(client, f"/fhir/Coverage?date={today(app)}", billing).status_code == 200


def test_a_kiosk_or_staff_session_does_not_authorise_a_read(app: Flask) -> None:
    queued = queue_patient(app)
    kiosk = enrolled_client(app)
    kiosk.get("/check-in/")
    staff = app.test_client()
    sign_in(staff, app, staff_account(app, StaffRoleName.SYSTEM_ADMIN))

    for browser in (kiosk, staff):
        for path in (
            f"/fhir/Appointment?date={today(app)}",
            f"/fhir/Appointment/{queued.appointment_id}",
            f"/fhir/Coverage?date={today(app)}",
        ):
            assert_refused_as_unauthenticated(fhir_get(browser, path))


def test_the_api_neither_prolongs_a_staff_session_nor_sets_a_cookie(app: Flask) -> None:
    token = api_token(app)
    staff = app.test_client()
    sign_in(staff, app, staff_account(app, StaffRoleName.COORDINATOR))
    soon = utcnow() + timedelta(minutes=1)

    def expiry_after(path: str, **headers: str) -> tuple[object, bool]:
        with app.app_context():
            db.session.execute(update(KioskSession).values(expires_at=soon))
            db.session.commit()
        response = staff.get(path, headers=headers)
        with app.app_context():
            expires = db.session.scalar(select(KioskSession.expires_at))
        return expires, "Set-Cookie" in response.headers

    # Both requests share one application context (a test or a script can hold one open):
    # what marks the API's request must not carry over to the staff page's.
    with app.app_context():
        read = expiry_after(f"/fhir/Appointment?date={today(app)}", Authorization=f"Bearer {token}")
        # The same browser on a staff page does move its expiry: the check above can fail.
        later, cookie_set = expiry_after("/staff/")
    assert read == (soon, False)
    assert later != soon and cookie_set


def test_no_answer_of_the_api_sets_a_cookie(app: Flask) -> None:
    token = api_token(app)
    client = app.test_client()
    responses = [
        fhir_get(client, f"/fhir/Appointment?date={today(app)}", token),
        fhir_get(client, "/fhir/Appointment?date=soon", token),
        fhir_get(client, "/fhir/Appointment/1", token),
        fhir_get(client, "/fhir/Coverage?date=2026-03-10"),
        fhir_get(client, "/fhir/metadata"),
        fhir_get(client, "/fhir/Patient", token),
    ]
    assert [r.status_code for r in responses] == [200, 400, 404, 401, 200, 404]
    assert all("Set-Cookie" not in response.headers for response in responses)
    assert all(response.headers["Cache-Control"] == "no-store" for response in responses)


def test_metadata_is_a_capability_statement_open_to_anyone(app: Flask) -> None:
    response = app.test_client().get("/fhir/metadata")

    assert response.status_code == 200
    statement = CapabilityStatement.model_validate_json(response.get_data())
    assert statement.fhirVersion == "4.0.1"
    [rest] = statement.rest
    assert {resource.type for resource in rest.resource} == {"Appointment", "Coverage"}


def test_other_interactions_are_operation_outcomes(app: Flask) -> None:
    token = api_token(app)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}

    assert "no such FHIR interaction" in outcome_of(fhir_get(client, "/fhir/Patient/1", token), 404)
    assert "no such FHIR interaction" in outcome_of(fhir_get(client, "/fhir/", token), 404)
    for method in ("POST", "PUT", "DELETE"):
        written = client.open("/fhir/Appointment", method=method, headers=headers, json={})
        assert "only reads" in outcome_of(written, 405)
        assert written.headers["Allow"] == "GET"


def test_messages_follow_the_clients_language(app: Flask) -> None:
    client = app.test_client()

    spanish = fhir_get(client, "/fhir/Coverage?date=2026-03-10", **{"Accept-Language": "es-US"})
    english = fhir_get(client, "/fhir/Coverage?date=2026-03-10", **{"Accept-Language": "fr, en"})

    assert "Envíe el token" in outcome_of(spanish, 401)
    assert "Send the token" in outcome_of(english, 401)


@pytest.fixture
def limited_app(database_url: str) -> Iterator[Flask]:
    """The application with the Appointment search limited to two requests a minute."""
    application = create_app(
        app_config(database_url, RATE_LIMITS={"fhir.search_appointments": "2 per minute"})
    )
    yield application
    with application.app_context():
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


def test_each_client_is_throttled_on_its_own(limited_app: Flask) -> None:
    busy = api_token(limited_app, name="busy-interface")
    quiet = api_token(limited_app, name="quiet-interface")
    client = limited_app.test_client()
    search = f"/fhir/Appointment?date={today(limited_app)}"

    def ask(token: str) -> TestResponse:
        return fhir_get(client, search, token)

    statuses = [ask(busy).status_code for _ in range(3)]
    throttled = ask(busy)

    assert statuses == [200, 200, 429]
    assert "Too many requests" in outcome_of(throttled, 429)
    assert "Retry-After" in throttled.headers
    assert ask(quiet).status_code == 200
