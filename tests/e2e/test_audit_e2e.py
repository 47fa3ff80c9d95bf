"""A system admin opens the audit log from the staff bar, finds a patient's trail by MRN (the
MRN never reaches the address bar) and reads it in Spanish. axe-core finds no WCAG 2.2 A/AA
violation in either language, and a kiosk name carrying markup runs no script."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from kiosk.checkin.audit import record_audit
from kiosk.extensions import db
from kiosk.models import StaffRoleName
from tests.builders import add_kiosk, add_patient
from tests.e2e.conftest import LiveServer, accessibility_violations
from tests.e2e.staff_desk import note_dialogs, sign_in_at_desk
from tests.staff_signin import staff_account

pytestmark = pytest.mark.e2e

HOSTILE_KIOSK = '<img src=x onerror="alert(1)">lobby'
MRN = "MRN-31337"


def test_a_system_admin_follows_a_patients_trail_in_english_and_spanish(
    start_server: Callable[..., LiveServer], desk_page: Page
) -> None:
    server = start_server()
    admin = staff_account(server.app, StaffRoleName.SYSTEM_ADMIN)
    with server.app.app_context():
        kiosk = add_kiosk(name=HOSTILE_KIOSK)
        patient = add_patient("Synthetic", "Auditpatient", date(1980, 1, 1), mrn=MRN)
        record_audit("lookup_success", kiosk_id=kiosk.id, patient_id=patient.id, method="code")
        db.session.commit()
    page = desk_page
    dialogs = note_dialogs(page)

    sign_in_at_desk(page, server, admin)
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Patient MRN").fill(MRN)
    page.get_by_role("button", name="Show").click()
    entry = page.get_by_role("row", name="Patient identified at a kiosk")
    expect(entry).to_contain_text(HOSTILE_KIOSK)
    expect(entry).to_contain_text(MRN)
    assert MRN not in page.url
    assert accessibility_violations(page) == []

    page.get_by_role("button", name="Español").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registro de auditoría")
    expect(page.get_by_role("row", name="Paciente identificado en un quiosco")).to_be_visible()
    assert accessibility_violations(page) == []
    assert dialogs == []
