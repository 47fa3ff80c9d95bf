"""The staff Interfaces screen: admins see how many messages are waiting, delivered and failed,
the failed ones with their reason (never patient data), in English and Spanish, and send one
again: once however often the button is pressed, never an unknown message, and never an old
status whose appointment has a later one delivered. (Who may open it: the access matrix.)"""

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


def signed_in_admin(app: Flask) -> FlaskClient:
    client = app.test_client()
    sign_in(client, app, staff_account(app, StaffRoleName.FACILITY_ADMIN))
    return client


def count_of(page: str, state: str) -> int:
    found = re.search(rf'id="count-{state}">(\d+)<', page)
    assert found is not None, state
    return int(found[1])


def resend_form(page: str, message_id: int) -> tuple[str, dict[str, str]]:
    action = f"/staff/interfaces/messages/{message_id}/send-again"
    assert f'action="{action}"' in page
    return action, {"csrf_token": csrf_token_from(page)}


def failed_arrival(app: Flask, engine: FakeInterfaceEngine, number: int = 1) -> tuple[int, Queued]:
    """Patient `number` checked in at the desk; the engine rejected the arrival, so it failed at
    once. The message's id and the patient in the queue."""
    queued = queue_patient(app, number)
    engine.answer_next(Answer.REJECT)
    deliver_due(app)
    with app.app_context():
        message = db.session.scalars(
            select(OutboundMessage).where(OutboundMessage.appointment_id == queued.appointment_id)
        ).one()
        assert message.state is OutboundState.FAILED
        return message.id, queued


def message_state(app: Flask, message_id: int) -> OutboundState:
    with app.app_context():
        message = db.session.get(OutboundMessage, message_id)
        assert message is not None
        return message.state


def test_counts_and_failed_messages_with_reasons_without_patient_data_in_both_languages(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    message_id, _ = failed_arrival(outbound_app, engine)
    queue_patient(outbound_app, 2)  # a second arrival, still waiting
    admin = signed_in_admin(outbound_app)
    page = admin.get(SCREEN)
    text = page.get_data(as_text=True)

    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    counts = [count_of(text, state) for state in ("pending", "sent", "failed")]
    assert counts == [1, 0, 1]
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
    outbound_app.config["HL7_OUTBOUND_URL"] = ""
    assert "No hay un motor de interfaces configurado" in admin.get(SCREEN).get_data(as_text=True)


def test_send_again_queues_once_refuses_unknown_and_outdated_messages(
    outbound_app: Flask, engine: FakeInterfaceEngine
) -> None:
    message_id, _ = failed_arrival(outbound_app, engine, 1)
    outdated_id, queued = failed_arrival(outbound_app, engine, 2)
    with outbound_app.app_context():
        apply_action(queued.ticket_id, QueueAction.CALL, staff_id=coordinator(), destination="1")
        apply_action(queued.ticket_id, QueueAction.DONE, staff_id=coordinator())
    deliver_due(outbound_app)  # patient 2's "Complete" reaches the hospital after "Arrived" failed
    admin = signed_in_admin(outbound_app)
    action, form = resend_form(admin.get(SCREEN).get_data(as_text=True), message_id)

    first = admin.post(action, data=form)
    told = admin.get(SCREEN).get_data(as_text=True)
    second = admin.post(action, data=form)
    unknown = admin.post("/staff/interfaces/messages/999999/send-again", data=form)
    outdated = admin.post(resend_form(told, outdated_id)[0], data=form)

    assert first.status_code == 303
    assert f"Message {message_id} is queued to be sent again." in told
    assert second.status_code == 409
    assert "It was not queued again." in second.get_data(as_text=True)
    assert unknown.status_code == 404
    assert "There is no such message" in unknown.get_data(as_text=True)
    assert outdated.status_code == 409
    assert "A later status of this appointment" in outdated.get_data(as_text=True)
    assert message_state(outbound_app, outdated_id) is OutboundState.FAILED

    assert deliver_due(outbound_app) == 1
    with outbound_app.app_context():
        message = db.session.get(OutboundMessage, message_id)
        assert message is not None and message.state is OutboundState.SENT
        [audit] = audit_events("hl7_message_resent")
        assert audit.detail["outbound_message"] == message_id
    # Sent again as the same message: the engine saw its control id twice.
    assert engine.control_ids().count(message.control_id) == 2
