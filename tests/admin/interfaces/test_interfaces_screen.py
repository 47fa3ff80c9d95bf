"""The staff Interfaces screen: admins see how many messages are waiting, delivered and failed,
the failed ones with their reason (never patient data) and send one again, once however often
the button is pressed; English and Spanish; coordinators are refused."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from admin.queue.actions import apply_action
from kiosk.extensions import db
from kiosk.models import OutboundMessage, OutboundState, QueueAction, StaffRoleName
from tests.admin.queue.queue_builders import Queued, coordinator, queue_patient
from tests.builders import audit_events
from tests.flows import choose_spanish
from tests.helpers import csrf_token_from
from tests.interface_engine import Answer, FakeInterfaceEngine, deliver_due
from tests.staff_signin import sign_in, staff_account

SCREEN = "/staff/interfaces/"


def signed_in(app: Flask, role: StaffRoleName = StaffRoleName.FACILITY_ADMIN) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, staff_account(app, role))
    return client


def count_of(page: str, state: str) -> int:
    found = re.search(rf'id="count-{state}">(\d+)<', page)
    assert found is not None, state
    return int(found[1])


def resend_form(page: str, message_id: int) -> tuple[str, dict[str, str]]:
    action = f"/staff/interfaces/messages/{message_id}/send-again"
    assert f'action="{action}"' in page
    return action, {"csrf_token": csrf_token_from(page)}


def failed_arrival(app: Flask, engine: FakeInterfaceEngine) -> tuple[int, Queued]:
    """A desk arrival whose message the engine rejected, failed at once: the message's id and
    the patient in the queue."""
    queued = queue_patient(app)
    engine.answer_next(Answer.REJECT)
    deliver_due(app)
    with app.app_context():
        message = db.session.scalars(select(OutboundMessage)).one()
        assert message.state is OutboundState.FAILED
        return message.id, queued


def failed_message(app: Flask, engine: FakeInterfaceEngine) -> int:
    """The id of a failed message."""
    return failed_arrival(app, engine)[0]


def test_a_failed_message_is_shown_with_its_reason_and_no_patient_data(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    message_id = failed_message(outbound_app, engine)
    queue_patient(outbound_app, 2)  # a second arrival, still waiting
    admin = signed_in(outbound_app)
    page = admin.get(SCREEN)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert (count_of(text, "pending"), count_of(text, "sent"), count_of(text, "failed")) == (
        1,
        0,
        1,
    )
    failed = text[text.index("Failed messages") : text.index("Oldest waiting messages")]
    assert re.search(rf">{message_id}</th>\s*<td>SIU\^S14</td>", failed)
    assert "rejected by the interface engine (AR)" in failed and "Arrived" in failed
    assert engine.url in text
    # The screen is about the link, not about who arrived: no name, MRN or ticket number.
    for private in ("Test1", "Patient1", "TEST-0001", "Test2", "TEST-0002", "R-001", "R-002"):
        assert private not in text
    assert 'href="/staff/interfaces/"' in text  # in the staff navigation
    choose_spanish(admin)
    spanish = admin.get(SCREEN).get_data(as_text=True)
    assert '<html lang="es"' in spanish
    assert "Mensajes con error" in spanish and "Enviar de nuevo" in spanish


def test_send_again_queues_it_once_and_it_is_delivered(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    message_id = failed_message(outbound_app, engine)
    admin = signed_in(outbound_app, StaffRoleName.SYSTEM_ADMIN)
    action, form = resend_form(admin.get(SCREEN).get_data(as_text=True), message_id)

    first = admin.post(action, data=form)
    told = admin.get(SCREEN).get_data(as_text=True)
    second = admin.post(action, data=form)

    assert first.status_code == 303
    assert f"Message {message_id} is queued to be sent again." in told
    assert second.status_code == 409
    assert "It was not queued again." in second.get_data(as_text=True)
    assert deliver_due(outbound_app) == 1
    with outbound_app.app_context():
        message = db.session.get(OutboundMessage, message_id)
        assert message is not None and message.state is OutboundState.SENT
        assert message.attempts == 1
        [audit] = audit_events("hl7_message_resent")
        assert audit.detail["outbound_message"] == message_id
    assert len(set(engine.control_ids())) == 1 and len(engine.messages) == 2


def test_an_unknown_or_outdated_message_is_refused_clearly(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    message_id, queued = failed_arrival(outbound_app, engine)
    with outbound_app.app_context():
        apply_action(queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="1")
        apply_action(queued.ticket_id, QueueAction.DONE, staff_id=coordinator())
    deliver_due(outbound_app)  # "Complete" reaches the hospital after "Arrived" failed
    admin = signed_in(outbound_app)
    action, form = resend_form(admin.get(SCREEN).get_data(as_text=True), message_id)

    unknown = admin.post("/staff/interfaces/messages/999999/send-again", data=form)
    outdated = admin.post(action, data=form)

    assert unknown.status_code == 404
    assert "There is no such message" in unknown.get_data(as_text=True)
    assert outdated.status_code == 409
    assert "A later status of this appointment" in outdated.get_data(as_text=True)
    with outbound_app.app_context():
        message = db.session.get(OutboundMessage, message_id)
        assert message is not None and message.state is OutboundState.FAILED


def test_without_an_interface_the_screen_says_so_and_coordinators_are_refused(
    app: Flask,
) -> None:
    assert signed_in(app, StaffRoleName.COORDINATOR).get(SCREEN).status_code == 403
    text = signed_in(app).get(SCREEN).get_data(as_text=True)
    assert "No interface engine is configured" in text
    assert count_of(text, "failed") == 0
