"""A facility admin opens Interfaces from the staff bar, finds the arrival the hospital's
interface engine rejected (a real MLLP peer on 127.0.0.1), sends it again once, sees it
delivered, and reads the same screen in Spanish. axe-core finds no WCAG 2.2 A/AA violation in
either language, and an appointment id carrying markup stays text."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from admin.queue.desk_checkin import check_in_at_desk
from kiosk.extensions import db
from kiosk.models import Appointment, StaffRoleName
from tests.builders import book_patient
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.interface_engine import FAST_INTERFACE_CONFIG, Answer, deliver_due, interface_engine
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e

HOSTILE_APPOINTMENT_ID = '<img src=x onerror="alert(1)">EHR-1'


def test_an_admin_sends_a_rejected_arrival_again_and_reads_interfaces_in_spanish(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    with interface_engine(Answer.REJECT) as engine:
        server = start_server(HL7_OUTBOUND_URL=engine.url, **FAST_INTERFACE_CONFIG)
        admin = staff_account(server.app, StaffRoleName.FACILITY_ADMIN)
        booked = book_patient(server.app)
        with server.app.app_context():
            [appointment_id] = booked.appointment_ids
            db.session.execute(
                update(Appointment)
                .where(Appointment.id == appointment_id)
                .values(external_id=HOSTILE_APPOINTMENT_ID)
            )
            db.session.commit()
            check_in_at_desk(appointment_id, staff_id=None)
        deliver_due(server.app)
        page = desk_page
        dialogs = note_dialogs(page)

        sign_in_at_desk(page, server, admin)
        page.get_by_role("link", name="Interfaces").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Interfaces")
        failed = page.get_by_role("table", name="Failed messages")
        expect(failed).to_contain_text(HOSTILE_APPOINTMENT_ID)
        expect(failed).to_contain_text("rejected by the interface engine (AR)")
        assert accessibility_violations(page) == []

        engine.default = Answer.ACCEPT
        page.get_by_role("button", name="Send again · message 1").click()
        expect(page.get_by_role("status")).to_contain_text("Message 1 is queued to be sent again.")
        assert accessibility_violations(page) == []
        assert deliver_due(server.app) == 1
        page.reload()
        expect(page.get_by_text("No failed messages.")).to_be_visible()

        page.get_by_role("button", name="Español").click()
        expect(page.get_by_role("heading", level=2).first).to_have_text("Mensajes con error")
        expect(page.get_by_text("No hay mensajes con error.")).to_be_visible()
        assert accessibility_violations(page) == []
        assert dialogs == []
        assert len(engine.messages) == 2
